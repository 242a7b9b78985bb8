/* GEMM: C[m x n] = op(A) * op(B) (include/accelbench/kernel.h). Runs once per provider. */
#include <stdio.h>

#include "model/kind.h"
#include "model/kinds/kinds.h"
#include "model/reference.h"
#include "model/util.h"

static const ab_param_field fields[] = {
    AB_FIELD_COUNT(ab_gemm_params, m),
    AB_FIELD_COUNT(ab_gemm_params, n),
    AB_FIELD_COUNT(ab_gemm_params, k),
    {.name = "trans_a",
     .offset = offsetof(ab_gemm_params, trans_a),
     .type = AB_PARAM_BOOL,
     .optional = true},
    {.name = "trans_b",
     .offset = offsetof(ab_gemm_params, trans_b),
     .type = AB_PARAM_BOOL,
     .optional = true},
};

static double flops(const ab_kernel_desc *d) {
  const ab_gemm_params *g = &d->params.gemm;
  return 2.0 * (double)g->m * (double)g->n * (double)g->k;
}

static double bytes(const ab_kernel_desc *d) {
  const ab_gemm_params *g = &d->params.gemm;
  double in = (double)ab_dtype_size(d->dtype), out = (double)ab_dtype_size(d->out_dtype);
  return in * ((double)g->m * g->k + (double)g->k * g->n) + out * (double)g->m * g->n;
}

static size_t operand_count(const ab_kernel_desc *d) {
  (void)d;
  return 3;
}

/* A, B: inputs of the input dtype; C: the output. */
static void operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  const ab_gemm_params *g = &d->params.gemm;
  size_t in = ab_dtype_size(d->dtype);
  if (i == 0)
    *out = (ab_operand_def){AB_OPERAND_INPUT, d->dtype, (size_t)g->m * (size_t)g->k * in,
                            AB_DIST_UNIFORM};
  else if (i == 1)
    *out = (ab_operand_def){AB_OPERAND_INPUT, d->dtype, (size_t)g->k * (size_t)g->n * in,
                            AB_DIST_UNIFORM};
  else
    *out = (ab_operand_def){AB_OPERAND_OUTPUT, d->out_dtype,
                            (size_t)g->m * (size_t)g->n * ab_dtype_size(d->out_dtype),
                            AB_DIST_UNIFORM};
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len) {
  const ab_gemm_params *g = &d->params.gemm;
  size_t in = ab_dtype_size(d->dtype), out = ab_dtype_size(d->out_dtype);
  if (ab_product_overflows(g->m, g->k, in) || ab_product_overflows(g->k, g->n, in) ||
      ab_product_overflows(g->m, g->n, out)) {
    ab_msgf(msg, len, "gemm shape m=%lld n=%lld k=%lld: operand size overflows", (long long)g->m,
            (long long)g->n, (long long)g->k);
    return AB_E_INVALID;
  }
  return AB_OK;
}

static void shape_str(const ab_kernel_desc *d, char *buf, size_t len) {
  const ab_gemm_params *g = &d->params.gemm;
  snprintf(buf, len, "m=%lld n=%lld k=%lld %c%c", (long long)g->m, (long long)g->n, (long long)g->k,
           g->trans_a ? 't' : 'n', g->trans_b ? 't' : 'n');
}

static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  const void *c = io->read_all(io->ctx, 2, msg);
  if (!c)
    return AB_E_DEVICE;
  if (ab_gemm_whole_reference_applies(io->desc, io->blas))
    ab_validate_gemm_whole(io->desc, io->accumulate, io->host[0], io->host[1], c, io->blas, v);
  else
    ab_validate_gemm(io->desc, io->accumulate, io->host[0], io->host[1], c, io->max_elements,
                     io->seed, v);
  return AB_OK;
}

const ab_kind_def ab_kind_gemm = {
    .kind = AB_KERNEL_GEMM,
    .fields = fields,
    .n_fields = sizeof fields / sizeof fields[0],
    .metric = AB_METRIC_FLOPS,
    .bound = AB_BOUND_COMPUTE,
    .flops = flops,
    .bytes = bytes,
    .operand_count = operand_count,
    .operand = operand,
    .check = check,
    .shape_str = shape_str,
    .validate = validate,
    .tolerance_source = "Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., "
                        "sec. 3.1 (inner-product error bound); docs/measurement.md",
};
