/* Work per kernel call, from the descriptor. Rates are derived
 * from these numbers in one place (bench/model/rates.c), never inside a backend. */
#include "model/kernel.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/names.h"
#include "model/util.h"

double ab_kernel_flops(const ab_kernel_desc *d) {
  switch (d->kind) {
  case AB_KERNEL_GEMM: {
    const ab_gemm_params *g = &d->params.gemm;
    return 2.0 * (double)g->m * (double)g->n * (double)g->k;
  }
  case AB_KERNEL_PEAK:
    return 2.0 * (double)d->params.peak.items * (double)d->params.peak.fma_per_item;
  default: return 0.0;
  }
}

double ab_kernel_bytes(const ab_kernel_desc *d) {
  switch (d->kind) {
  case AB_KERNEL_GEMM: {
    const ab_gemm_params *g = &d->params.gemm;
    double in = (double)ab_dtype_size(d->dtype), out = (double)ab_dtype_size(d->out_dtype);
    return in * ((double)g->m * g->k + (double)g->k * g->n) + out * (double)g->m * g->n;
  }
  case AB_KERNEL_MEMBW: return 2.0 * (double)d->params.transfer.bytes;
  case AB_KERNEL_COPY_H2D:
  case AB_KERNEL_COPY_D2H: return (double)d->params.transfer.bytes;
  case AB_KERNEL_PEAK: return (double)d->params.peak.items * (double)ab_dtype_size(d->out_dtype);
  default: return 0.0;
  }
}

double ab_kernel_tokens(const ab_kernel_desc *d) {
  switch (d->kind) {
  default: return 0.0; /* no kind processes tokens yet (see kernel.h) */
  }
}

size_t ab_kernel_operand_count(const ab_kernel_desc *d) {
  switch (d->kind) {
  case AB_KERNEL_GEMM: return 3;
  case AB_KERNEL_MEMBW: return 2;
  case AB_KERNEL_COPY_H2D:
  case AB_KERNEL_COPY_D2H:
  case AB_KERNEL_PEAK: return 1;
  default: return 0;
  }
}

size_t ab_kernel_operand_bytes(const ab_kernel_desc *d, size_t operand) {
  switch (d->kind) {
  case AB_KERNEL_GEMM: {
    const ab_gemm_params *g = &d->params.gemm;
    size_t in = ab_dtype_size(d->dtype);
    if (operand == 0)
      return (size_t)g->m * (size_t)g->k * in;
    if (operand == 1)
      return (size_t)g->k * (size_t)g->n * in;
    return (size_t)g->m * (size_t)g->n * ab_dtype_size(d->out_dtype);
  }
  case AB_KERNEL_MEMBW:
  case AB_KERNEL_COPY_H2D:
  case AB_KERNEL_COPY_D2H: return (size_t)d->params.transfer.bytes;
  case AB_KERNEL_PEAK: return (size_t)d->params.peak.items * ab_dtype_size(d->out_dtype);
  default: return 0;
  }
}

/* a*b*c*elem must stay below 2^62 so byte counts fit in int64 and size_t. */
static int product_overflows(int64_t a, int64_t b, size_t elem) {
  const int64_t limit = INT64_C(1) << 62;
  if (a <= 0 || b <= 0)
    return 1;
  if (a > limit / b)
    return 1;
  return (a * b) > limit / (int64_t)(elem ? elem : 1);
}

/* Microbenchmark descriptors: positive sizes and element types the harness knows. */
static ab_status check_micro(const ab_kernel_desc *d, char *msg, size_t msg_len) {
  if (!ab_dtype_size(d->dtype) || !ab_dtype_size(d->out_dtype)) {
    ab_msgf(msg, msg_len, "%s: invalid dtype", ab_kernel_kind_name(d->kind));
    return AB_E_INVALID;
  }
  int64_t size = 1;
  if (d->kind == AB_KERNEL_MEMBW || d->kind == AB_KERNEL_COPY_H2D || d->kind == AB_KERNEL_COPY_D2H)
    size = d->params.transfer.bytes;
  else if (d->kind == AB_KERNEL_PEAK)
    size = d->params.peak.items > 0 && d->params.peak.fma_per_item > 0 &&
                   !product_overflows(d->params.peak.items, 1, ab_dtype_size(d->out_dtype))
               ? d->params.peak.items
               : 0;
  if (size <= 0 || size > (INT64_C(1) << 40)) {
    ab_msgf(msg, msg_len, "%s: sizes must be between 1 and 2^40", ab_kernel_kind_name(d->kind));
    return AB_E_INVALID;
  }
  return AB_OK;
}

ab_status ab_kernel_check(const ab_kernel_desc *d, char *msg, size_t msg_len) {
  if (d->kind <= AB_KERNEL_INVALID || d->kind >= AB_KERNEL_KIND_COUNT) {
    ab_msgf(msg, msg_len, "unknown kernel kind %d", (int)d->kind);
    return AB_E_INVALID;
  }
  if (d->kind != AB_KERNEL_GEMM)
    return check_micro(d, msg, msg_len);
  const ab_gemm_params *g = &d->params.gemm;
  if (g->m <= 0 || g->n <= 0 || g->k <= 0) {
    ab_msgf(msg, msg_len, "gemm shape m=%lld n=%lld k=%lld: every dimension must be >= 1",
            (long long)g->m, (long long)g->n, (long long)g->k);
    return AB_E_INVALID;
  }
  if (!ab_dtype_size(d->dtype) || !ab_dtype_size(d->out_dtype)) {
    ab_msgf(msg, msg_len, "gemm: invalid dtype");
    return AB_E_INVALID;
  }
  size_t in = ab_dtype_size(d->dtype), out = ab_dtype_size(d->out_dtype);
  if (product_overflows(g->m, g->k, in) || product_overflows(g->k, g->n, in) ||
      product_overflows(g->m, g->n, out)) {
    ab_msgf(msg, msg_len, "gemm shape m=%lld n=%lld k=%lld: operand size overflows",
            (long long)g->m, (long long)g->n, (long long)g->k);
    return AB_E_INVALID;
  }
  return AB_OK;
}

void ab_kernel_shape_str(const ab_kernel_desc *d, char *buf, size_t len) {
  switch (d->kind) {
  case AB_KERNEL_GEMM: {
    const ab_gemm_params *g = &d->params.gemm;
    snprintf(buf, len, "m=%lld n=%lld k=%lld %c%c", (long long)g->m, (long long)g->n,
             (long long)g->k, g->trans_a ? 't' : 'n', g->trans_b ? 't' : 'n');
    break;
  }
  case AB_KERNEL_MEMBW:
  case AB_KERNEL_COPY_H2D:
  case AB_KERNEL_COPY_D2H:
    snprintf(buf, len, "bytes=%lld%s", (long long)d->params.transfer.bytes,
             d->params.transfer.pinned ? " pinned" : "");
    break;
  case AB_KERNEL_PEAK:
    snprintf(buf, len, "items=%lld fma=%lld", (long long)d->params.peak.items,
             (long long)d->params.peak.fma_per_item);
    break;
  default: snprintf(buf, len, "-"); break;
  }
}
