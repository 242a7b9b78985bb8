/* Norms: RMSNorm and LayerNorm over each row of x[rows x hidden] (include/accelbench/
 * kernel.h, ab_norm_params). Memory-bound: one read of x, one write of y, and the weights. */
#include <math.h>
#include <stdio.h>

#include "model/inputs.h"
#include "model/kind.h"
#include "model/kinds/kinds.h"
#include "model/reference.h"
#include "model/util.h"

static const char *const op_names[] = {"rmsnorm", "layernorm"};

static const ab_param_field fields[] = {
    AB_FIELD_ENUM(ab_norm_params, op, op_names),
    AB_FIELD_COUNT(ab_norm_params, rows),
    AB_FIELD_COUNT(ab_norm_params, hidden),
};

static bool is_layernorm(const ab_kernel_desc *d) {
  return d->params.norm.op == AB_NORM_LAYERNORM;
}

static size_t operand_count(const ab_kernel_desc *d) {
  return is_layernorm(d) ? 4 : 3;
}

static size_t out_index(const ab_kernel_desc *d) {
  return operand_count(d) - 1;
}

/* Operand i's dtype: x the input dtype, the weights f32 by default, y the output dtype. */
static ab_dtype dtype_of(const ab_kernel_desc *d, size_t i) {
  ab_dtype dflt = i == 0 ? d->dtype : i == out_index(d) ? d->out_dtype : AB_DTYPE_F32;
  return ab_operand_dtype(d, i, dflt);
}

static void operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  const ab_norm_params *p = &d->params.norm;
  bool weight = i > 0 && i < out_index(d);
  size_t n = weight ? (size_t)p->hidden : (size_t)p->rows * (size_t)p->hidden;
  ab_dtype t = dtype_of(d, i);
  *out = (ab_operand_def){i == out_index(d) ? AB_OPERAND_OUTPUT : AB_OPERAND_INPUT, t,
                          n * ab_dtype_size(t), AB_DIST_UNIFORM};
}

/* Per element: rmsnorm squares, sums, scales twice (x * r * gamma); layernorm also
 * subtracts the mean twice over (mean and variance pass) and adds beta. */
static double flops(const ab_kernel_desc *d) {
  double n = (double)d->params.norm.rows * (double)d->params.norm.hidden;
  return (is_layernorm(d) ? 7.0 : 4.0) * n;
}

static double bytes(const ab_kernel_desc *d) {
  double sum = 0.0;
  for (size_t i = 0; i < operand_count(d); i++) {
    ab_operand_def o;
    operand(d, i, &o);
    sum += (double)o.bytes;
  }
  return sum;
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len) {
  const ab_norm_params *p = &d->params.norm;
  ab_status st = ab_kind_check_float(d, operand_count(d), msg, len);
  if (st != AB_OK)
    return st;
  for (size_t i = 0; i < operand_count(d); i++)
    if (ab_product_overflows(p->rows, p->hidden, ab_dtype_size(dtype_of(d, i)))) {
      ab_msgf(msg, len, "norm shape rows=%lld hidden=%lld: operand size overflows",
              (long long)p->rows, (long long)p->hidden);
      return AB_E_INVALID;
    }
  return AB_OK;
}

/* Mean, variance (biased) and mean |x| of one row, in float64. */
typedef struct row_stats {
  double mean, var, mean_abs, rstd;
} row_stats;

static row_stats stats_of(const ab_kernel_desc *d, const void *x, size_t base) {
  const ab_norm_params *p = &d->params.norm;
  double sum = 0.0, sum_abs = 0.0, sum_sq = 0.0, n = (double)p->hidden;
  for (int64_t i = 0; i < p->hidden; i++) {
    double v = ab_load_as_double(x, d->dtype, base + (size_t)i);
    sum += v;
    sum_abs += fabs(v);
    sum_sq += v * v;
  }
  row_stats s = {.mean = sum / n, .mean_abs = sum_abs / n};
  if (is_layernorm(d)) {
    double dev = 0.0;
    for (int64_t i = 0; i < p->hidden; i++) {
      double v = ab_load_as_double(x, d->dtype, base + (size_t)i) - s.mean;
      dev += v * v;
    }
    s.var = dev / n;
  } else {
    s.var = sum_sq / n; /* rmsnorm: the mean square, around zero */
    s.mean = 0.0;
  }
  s.rstd = 1.0 / sqrt(s.var + AB_NORM_EPS);
  return s;
}

/* Error bound of one output element (docs/measurement.md, "Norms"). With u the arithmetic's
 * unit roundoff and n = hidden: a computed sum of n terms is off by at most gamma_n times
 * the sum of their magnitudes (Higham, Lemma 3.1 / sec. 4.2), whatever the summation order;
 * so the mean is off by gamma_n mean|x|, the variance (two-pass, or one-pass E[x^2] - mu^2,
 * which loses 1 + mu^2/var more: Chan, Golub and LeVeque 1983) by 2 gamma_(n+2)
 * (1 + mu^2/var) relatively, and 1/sqrt(var + eps) by half that plus 5u (the add of eps,
 * and rsqrt's 2 ulp in OpenCL C: OpenCL 1.2 sec. 7.4, table 7.1). The scaling by
 * gamma, the add of beta and the store add a few u of the result, and the store rounds to
 * the output dtype (u_out |ref|, and the subnormal floor). */
static double tolerance(const ab_kernel_desc *d, const row_stats *s, double xi, double g, double b,
                        double ref, double u) {
  double n = (double)d->params.norm.hidden, u_out = ab_unit_roundoff(d->out_dtype);
  double centred = fabs(xi - s->mean);
  double rel_var = 2.0 * ab_kind_gamma(n + 2.0, u) * (1.0 + s->mean * s->mean / (s->var + 1e-300));
  double rel_rstd = 0.5 * rel_var + 5.0 * u;
  double centred_err = is_layernorm(d) ? ab_kind_gamma(n, u) * s->mean_abs + u * centred : 0.0;
  double scaled = fabs(g) * centred * s->rstd;
  return fabs(g) * s->rstd * centred_err + scaled * rel_rstd + 3.0 * u * (scaled + fabs(b)) +
         u_out * fabs(ref) + ab_kind_floor(d->out_dtype);
}

static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  const ab_kernel_desc *d = io->desc;
  const ab_norm_params *p = &d->params.norm;
  size_t yi = out_index(d);
  const void *y = io->read_all(io->ctx, yi, msg);
  if (!y)
    return AB_E_DEVICE;
  double u = ab_kind_compute_roundoff(io);
  ab_cmp_begin(v, (uint64_t)p->rows * (uint64_t)p->hidden,
               "|err| <= gamma_n bounds of mean/variance (Higham 3.1) + u_out|ref|, every "
               "element");
  for (int64_t r = 0; r < p->rows; r++) {
    size_t base = (size_t)r * (size_t)p->hidden;
    row_stats s = stats_of(d, io->host[0], base);
    for (int64_t i = 0; i < p->hidden; i++) {
      double xi = ab_load_as_double(io->host[0], d->dtype, base + (size_t)i);
      double g = ab_load_as_double(io->host[1], dtype_of(d, 1), (size_t)i);
      double b = is_layernorm(d) ? ab_load_as_double(io->host[2], dtype_of(d, 2), (size_t)i) : 0;
      double ref = (xi - s.mean) * s.rstd * g + b;
      double got = ab_load_as_double(y, d->out_dtype, base + (size_t)i);
      ab_cmp_element(v, got, ref, tolerance(d, &s, xi, g, b, ref, u));
    }
  }
  return AB_OK;
}

const ab_kind_def ab_kind_norm = {
    .kind = AB_KERNEL_NORM,
    .fields = fields,
    .n_fields = sizeof fields / sizeof fields[0],
    .metric = AB_METRIC_BYTES,
    .bound = AB_BOUND_MEMORY,
    .mixed_dtypes = true,
    .flops = flops,
    .bytes = bytes,
    .operand_count = operand_count,
    .operand = operand,
    .check = check,
    .validate = validate,
    .tolerance_source = "Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., "
                        "Lemma 3.1 and sec. 4.2 (summation); Chan, Golub, LeVeque 1983 "
                        "(variance); docs/measurement.md",
};
