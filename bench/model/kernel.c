/* Work per kernel call, from the descriptor, through the kind tables (kind.h). Rates are
 * derived from these numbers in one place (bench/model/rates.c), never inside a backend. */
#include "model/kernel.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/kind.h"
#include "model/names.h"
#include "model/util.h"

double ab_kernel_flops(const ab_kernel_desc *d) {
  const ab_kind_def *k = ab_kind_def_of(d->kind);
  return k ? k->flops(d) : 0.0;
}

double ab_kernel_bytes(const ab_kernel_desc *d) {
  const ab_kind_def *k = ab_kind_def_of(d->kind);
  return k ? k->bytes(d) : 0.0;
}

double ab_kernel_tokens(const ab_kernel_desc *d) {
  const ab_kind_def *k = ab_kind_def_of(d->kind);
  return k && k->tokens ? k->tokens(d) : 0.0;
}

size_t ab_kernel_operand_count(const ab_kernel_desc *d) {
  const ab_kind_def *k = ab_kind_def_of(d->kind);
  return k ? k->operand_count(d) : 0;
}

void ab_kernel_operand(const ab_kernel_desc *d, size_t operand, ab_operand_def *out) {
  const ab_kind_def *k = ab_kind_def_of(d->kind);
  if (k && operand < k->operand_count(d))
    k->operand(d, operand, out);
  else
    *out = (ab_operand_def){AB_OPERAND_INPUT, AB_DTYPE_INVALID, 0, AB_DIST_NONE};
}

size_t ab_kernel_operand_bytes(const ab_kernel_desc *d, size_t operand) {
  ab_operand_def op;
  ab_kernel_operand(d, operand, &op);
  return op.bytes;
}

static ab_status check_fields(const ab_kind_def *k, const ab_kernel_desc *d, char *msg,
                              size_t len) {
  const char *kind = ab_kernel_kind_name(d->kind);
  for (size_t i = 0; i < k->n_fields; i++) {
    const ab_param_field *f = &k->fields[i];
    int64_t v = ab_param_get(d, f);
    int64_t lo = f->type == AB_PARAM_I64 ? f->min : 0;
    int64_t hi = f->type == AB_PARAM_I64    ? f->max
                 : f->type == AB_PARAM_BOOL ? 1
                                            : (int64_t)f->n_names - 1;
    if (v < lo || v > hi) {
      ab_msgf(msg, len, "%s: %s=%lld: expected %lld..%lld", kind, f->name, (long long)v,
              (long long)lo, (long long)hi);
      return AB_E_INVALID;
    }
  }
  return AB_OK;
}

/* Per-operand dtypes (ABI 1.3): only for kinds that honour them, and only known dtypes. */
static ab_status check_operand_dtypes(const ab_kind_def *k, const ab_kernel_desc *d, char *msg,
                                      size_t len) {
  for (size_t i = 0; i < AB_KERNEL_MAX_OPERANDS; i++) {
    ab_dtype t = ab_operand_dtype(d, i, AB_DTYPE_INVALID);
    if (t == AB_DTYPE_INVALID)
      continue;
    if (!k->mixed_dtypes) {
      ab_msgf(msg, len, "%s: operand %zu has its own dtype, but this kind takes one dtype",
              ab_kernel_kind_name(d->kind), i);
      return AB_E_INVALID;
    }
    if (!ab_dtype_size(t) || i >= k->operand_count(d)) {
      ab_msgf(msg, len, "%s: operand %zu: dtype %d is not valid here", ab_kernel_kind_name(d->kind),
              i, (int)t);
      return AB_E_INVALID;
    }
  }
  return AB_OK;
}

static ab_status check_layout(const ab_kind_def *k, const ab_kernel_desc *d, char *msg,
                              size_t len) {
  int32_t l = d->struct_size >= offsetof(ab_kernel_desc, layout) + sizeof d->layout
                  ? d->layout
                  : AB_LAYOUT_DEFAULT;
  if (l == AB_LAYOUT_DEFAULT)
    return AB_OK;
  if (l < 0 || l >= AB_LAYOUT_COUNT || !(k->layouts & (1u << l))) {
    ab_msgf(msg, len, "%s: layout %s is not one this kind takes", ab_kernel_kind_name(d->kind),
            ab_layout_name((ab_layout)l));
    return AB_E_INVALID;
  }
  return AB_OK;
}

ab_status ab_kernel_check(const ab_kernel_desc *d, char *msg, size_t msg_len) {
  if (d->kind <= AB_KERNEL_INVALID || d->kind >= AB_KERNEL_KIND_COUNT) {
    ab_msgf(msg, msg_len, "unknown kernel kind %d", (int)d->kind);
    return AB_E_INVALID;
  }
  const ab_kind_def *k = ab_kind_def_of(d->kind);
  if (!k) {
    ab_msgf(msg, msg_len, "%s: no definition of this kernel kind in this accelbench",
            ab_kernel_kind_name(d->kind));
    return AB_E_UNSUPPORTED;
  }
  if (!ab_dtype_size(d->dtype) || !ab_dtype_size(d->out_dtype)) {
    ab_msgf(msg, msg_len, "%s: invalid dtype", ab_kernel_kind_name(d->kind));
    return AB_E_INVALID;
  }
  ab_status st = check_fields(k, d, msg, msg_len);
  if (st == AB_OK)
    st = check_operand_dtypes(k, d, msg, msg_len);
  if (st == AB_OK)
    st = check_layout(k, d, msg, msg_len);
  if (st == AB_OK && k->check)
    st = k->check(d, msg, msg_len);
  return st;
}

void ab_kernel_shape_str(const ab_kernel_desc *d, char *buf, size_t len) {
  const ab_kind_def *k = ab_kind_def_of(d->kind);
  if (!k)
    snprintf(buf, len, "-");
  else if (k->shape_str)
    k->shape_str(d, buf, len);
  else
    ab_kind_fields_str(k, d, buf, len);
}
