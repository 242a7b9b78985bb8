/* Row softmax over x[rows x cols], max-subtracted (include/accelbench/kernel.h,
 * ab_softmax_params). Memory-bound: one read of x, one write of y. */
#include <math.h>
#include <stdio.h>

#include "model/inputs.h"
#include "model/kind.h"
#include "model/kinds/kinds.h"
#include "model/reference.h"
#include "model/util.h"

static const ab_param_field fields[] = {
    AB_FIELD_COUNT(ab_softmax_params, rows),
    AB_FIELD_COUNT(ab_softmax_params, cols),
};

static size_t elements(const ab_kernel_desc *d) {
  return (size_t)d->params.softmax.rows * (size_t)d->params.softmax.cols;
}

static size_t two(const ab_kernel_desc *d) {
  (void)d;
  return 2;
}

static void operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  ab_kind_unary_operand(d, i, elements(d), out);
}

/* Per element: compare for the max, subtract, exp, add to the sum, divide (counting exp as
 * one operation: the figure is a work count, the kind is judged by bytes). */
static double flops(const ab_kernel_desc *d) {
  return 5.0 * (double)elements(d);
}

static double bytes(const ab_kernel_desc *d) {
  return ab_kind_unary_bytes(d, elements(d));
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len) {
  const ab_softmax_params *p = &d->params.softmax;
  ab_status st = ab_kind_check_float(d, 0, msg, len);
  if (st == AB_OK && (ab_product_overflows(p->rows, p->cols, ab_dtype_size(d->dtype)) ||
                      ab_product_overflows(p->rows, p->cols, ab_dtype_size(d->out_dtype)))) {
    ab_msgf(msg, len, "softmax shape rows=%lld cols=%lld: operand size overflows",
            (long long)p->rows, (long long)p->cols);
    st = AB_E_INVALID;
  }
  return st;
}

/* Relative error bound of one output (docs/measurement.md, "Softmax"). With u the
 * arithmetic's unit roundoff: x - m is off by u|x - m|, which exp turns into that relative
 * error; exp itself is within 3 ulp in OpenCL C (OpenCL 1.2 sec. 7.4, table 7.1), allowed as
 * 8u; the sum of cols positive terms is off by gamma_cols relatively (Higham, Lemma 3.1),
 * whatever the order; 1/sum is within 2.5 ulp (5u, the same table) and the product with
 * it adds u. The output dtype's rounding is allowed twice: oneDNN 2.6 keeps exp(x - m) in a
 * bf16 destination and scales it there (measured: 1.75 times a one-rounding bound), a
 * common way to save a buffer that loses at most one more u_out. */
static double tolerance(double ref, double arg_err, double n, double u, ab_dtype out) {
  double rel = ab_kind_gamma(n, u) + 2.0 * (8.0 * u) + arg_err + 6.0 * u;
  return rel * fabs(ref) + 2.0 * ab_unit_roundoff(out) * fabs(ref) + 2.0 * ab_kind_floor(out);
}

static void check_row(const ab_check_io *io, const void *y, size_t base, double u,
                      ab_validation *v) {
  const ab_kernel_desc *d = io->desc;
  int64_t cols = d->params.softmax.cols;
  double m = -INFINITY, sum = 0.0, spread = 0.0;
  for (int64_t j = 0; j < cols; j++)
    m = fmax(m, ab_load_as_double(io->host[0], d->dtype, base + (size_t)j));
  for (int64_t j = 0; j < cols; j++) {
    double t = ab_load_as_double(io->host[0], d->dtype, base + (size_t)j) - m;
    sum += exp(t);
    spread = fmax(spread, fabs(t));
  }
  for (int64_t j = 0; j < cols; j++) {
    double t = ab_load_as_double(io->host[0], d->dtype, base + (size_t)j) - m;
    double ref = exp(t) / sum;
    double got = ab_load_as_double(y, d->out_dtype, base + (size_t)j);
    /* The own argument's error plus the largest one in the sum. */
    double arg_err = u * (fabs(t) + spread);
    ab_cmp_element(v, got, ref, tolerance(ref, arg_err, (double)cols, u, d->out_dtype));
  }
}

static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  const ab_softmax_params *p = &io->desc->params.softmax;
  const void *y = io->read_all(io->ctx, 1, msg);
  if (!y)
    return AB_E_DEVICE;
  double u = ab_kind_compute_roundoff(io);
  ab_cmp_begin(v, (uint64_t)elements(io->desc),
               "|err| <= (gamma_cols + 22u + u|x-m|) |ref| + 2u_out|ref|, every element");
  for (int64_t r = 0; r < p->rows; r++)
    check_row(io, y, (size_t)r * (size_t)p->cols, u, v);
  return AB_OK;
}

const ab_kind_def ab_kind_softmax = {
    .kind = AB_KERNEL_SOFTMAX,
    .fields = fields,
    .n_fields = sizeof fields / sizeof fields[0],
    .metric = AB_METRIC_BYTES,
    .bound = AB_BOUND_MEMORY,
    .flops = flops,
    .bytes = bytes,
    .operand_count = two,
    .operand = operand,
    .check = check,
    .validate = validate,
    .tolerance_source = "Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., "
                        "Lemma 3.1 (summation); OpenCL 1.2 sec. 7.4 table 7.1 (exp within 3 "
                        "ulp); docs/measurement.md",
};
