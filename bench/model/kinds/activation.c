/* Activations: GELU (tanh and erf forms), SiLU and the SwiGLU gate, element-wise over
 * rows x cols (include/accelbench/kernel.h, ab_activation_params). Memory-bound. */
#include <math.h>
#include <stdio.h>

#include "model/inputs.h"
#include "model/kind.h"
#include "model/kinds/kinds.h"
#include "model/reference.h"
#include "model/util.h"

/* sqrt(2 / pi), which C11 has no name for. */
#define SQRT_2_OVER_PI 0.79788456080286535588

static const char *const op_names[] = {"gelu_tanh", "gelu_erf", "silu", "swiglu"};

static const ab_param_field fields[] = {
    AB_FIELD_ENUM(ab_activation_params, op, op_names),
    AB_FIELD_COUNT(ab_activation_params, rows),
    AB_FIELD_COUNT(ab_activation_params, cols),
};

static bool is_swiglu(const ab_kernel_desc *d) {
  return d->params.activation.op == AB_ACT_SWIGLU;
}

static size_t elements(const ab_kernel_desc *d) {
  return (size_t)d->params.activation.rows * (size_t)d->params.activation.cols;
}

static size_t operand_count(const ab_kernel_desc *d) {
  return is_swiglu(d) ? 3 : 2;
}

static void operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  bool output = i + 1 == operand_count(d);
  ab_dtype t = output ? d->out_dtype : d->dtype;
  *out = (ab_operand_def){output ? AB_OPERAND_OUTPUT : AB_OPERAND_INPUT, t,
                          elements(d) * ab_dtype_size(t), AB_DIST_UNIFORM};
}

/* Operations per element of the formulas in kernel.h, a transcendental counted as one. */
static double flops(const ab_kernel_desc *d) {
  static const double per_element[] = {[AB_ACT_GELU_TANH] = 8.0,
                                       [AB_ACT_GELU_ERF] = 5.0,
                                       [AB_ACT_SILU] = 4.0,
                                       [AB_ACT_SWIGLU] = 5.0};
  return per_element[d->params.activation.op] * (double)elements(d);
}

static double bytes(const ab_kernel_desc *d) {
  double inputs = (double)(operand_count(d) - 1);
  return (double)elements(d) *
         (inputs * (double)ab_dtype_size(d->dtype) + (double)ab_dtype_size(d->out_dtype));
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len) {
  const ab_activation_params *p = &d->params.activation;
  ab_status st = ab_kind_check_float(d, 0, msg, len);
  if (st == AB_OK && (ab_product_overflows(p->rows, p->cols, ab_dtype_size(d->dtype)) ||
                      ab_product_overflows(p->rows, p->cols, ab_dtype_size(d->out_dtype)))) {
    ab_msgf(msg, len, "activation shape rows=%lld cols=%lld: operand size overflows",
            (long long)p->rows, (long long)p->cols);
    st = AB_E_INVALID;
  }
  return st;
}

static double ref_activation(ab_activation_op op, double x, double up) {
  switch (op) {
  case AB_ACT_GELU_TANH: return 0.5 * x * (1.0 + tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
  case AB_ACT_GELU_ERF: return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
  case AB_ACT_SILU: return x / (1.0 + exp(-x));
  case AB_ACT_SWIGLU: return x / (1.0 + exp(-x)) * up;
  }
  return NAN;
}

/* Error allowance in units of the arithmetic's u (docs/measurement.md, "Activations"). The
 * OpenCL C accuracy table (OpenCL 1.2 sec. 7.4, table 7.1) allows erf 16 ulp, tanh 5 ulp and
 * exp 3 ulp; an ulp is at most 2u. GELU's 1 + erf/tanh cancels for negative x, so its error
 * is absolute, scaled by 0.5|x|: 2 x 16 + 8 for erf, 2 x 5 + the argument's few u for tanh.
 * SiLU and SwiGLU have no cancellation: exp's 6u plus the add, divide and multiply. */
static double allowance(ab_activation_op op) {
  static const double ulps[] = {[AB_ACT_GELU_TANH] = 24.0,
                                [AB_ACT_GELU_ERF] = 40.0,
                                [AB_ACT_SILU] = 12.0,
                                [AB_ACT_SWIGLU] = 12.0};
  return ulps[op];
}

static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  const ab_kernel_desc *d = io->desc;
  ab_activation_op op = (ab_activation_op)d->params.activation.op;
  size_t yi = operand_count(d) - 1;
  const void *y = io->read_all(io->ctx, yi, msg);
  if (!y)
    return AB_E_DEVICE;
  double ku = allowance(op) * ab_kind_compute_roundoff(io), u_out = ab_unit_roundoff(d->out_dtype);
  char rule[96];
  snprintf(rule, sizeof rule, "|err| <= %gu (|x| + |ref|) + u_out|ref|, every element",
           allowance(op));
  ab_cmp_begin(v, (uint64_t)elements(d), rule);
  for (size_t i = 0; i < elements(d); i++) {
    double x = ab_load_as_double(io->host[0], d->dtype, i);
    double up = is_swiglu(d) ? ab_load_as_double(io->host[1], d->dtype, i) : 0.0;
    double ref = ref_activation(op, x, up);
    double scale = is_swiglu(d) ? 0.0 : fabs(x);
    double tol = ku * (scale + fabs(ref)) + u_out * fabs(ref) + ab_kind_floor(d->out_dtype);
    ab_cmp_element(v, ab_load_as_double(y, d->out_dtype, i), ref, tol);
  }
  return AB_OK;
}

const ab_kind_def ab_kind_activation = {
    .kind = AB_KERNEL_ACTIVATION,
    .fields = fields,
    .n_fields = sizeof fields / sizeof fields[0],
    .metric = AB_METRIC_BYTES,
    .bound = AB_BOUND_MEMORY,
    .flops = flops,
    .bytes = bytes,
    .operand_count = operand_count,
    .operand = operand,
    .check = check,
    .validate = validate,
    .tolerance_source = "OpenCL 1.2 sec. 7.4 table 7.1 (erf 16, tanh 5, exp 3 ulp), an ulp "
                        "<= 2u; docs/measurement.md",
};
