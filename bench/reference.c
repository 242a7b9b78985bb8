/* Float64 references (BLIS's habit: a plain, obviously-correct version first) and the
 * per-dtype tolerance rule.
 *
 * Tolerance: |c - ref| <= 8 * u_acc * sum|a_p * b_p| + 2 * u_out * |ref|.
 * Rounding error of a length-k dot product is bounded by about k*u*sum|ab| in the worst
 * case and behaves like u*sum|ab| for random data (Higham, Accuracy and Stability of
 * Numerical Algorithms, 2nd ed., 3.1 and 3.5); the factor 8 leaves room for blocked
 * summation orders. Inputs are rounded to their dtype before the reference sees them, so
 * input rounding is not an error. u_acc is the unit roundoff of the accumulator the dtype
 * allows: f64 2^-53, f32 2^-24, f16 2^-11 (some libraries, e.g. CLBlast's HGEMM, accumulate
 * in half precision), bf16 2^-24 (every bf16 GEMM of note accumulates in f32; a bf16
 * accumulator would leave no tolerance that still catches wrong answers). int8 -> int32 is
 * exact. */
#include "reference.h"

#include <float.h>
#include <math.h>
#include <stdio.h>

#include "inputs.h"
#include "util.h"

static double unit_roundoff(ab_dtype t) {
  switch (t) {
  case AB_DTYPE_F64: return 0x1.0p-53;
  case AB_DTYPE_F32: return 0x1.0p-24;
  case AB_DTYPE_F16: return 0x1.0p-11;
  case AB_DTYPE_BF16: return 0x1.0p-8;
  default: return 0.0; /* integers: exact */
  }
}

static double accumulator_roundoff(ab_dtype in) {
  switch (in) {
  case AB_DTYPE_F64: return 0x1.0p-53;
  case AB_DTYPE_F16: return 0x1.0p-11;
  case AB_DTYPE_F32:
  case AB_DTYPE_BF16: return 0x1.0p-24;
  default: return 0.0;
  }
}

double ab_gemm_tolerance(const ab_kernel_desc *d, double ref, double abs_sum) {
  return 8.0 * accumulator_roundoff(d->dtype) * abs_sum +
         2.0 * unit_roundoff(d->out_dtype) * fabs(ref) + DBL_MIN;
}

double ab_ref_gemm_element(const ab_kernel_desc *d, const void *a, const void *b, int64_t i,
                           int64_t j, double *abs_sum) {
  const ab_gemm_params *g = &d->params.gemm;
  double sum = 0.0, mag = 0.0;
  for (int64_t p = 0; p < g->k; p++) {
    size_t ia = g->trans_a ? (size_t)(p * g->m + i) : (size_t)(i * g->k + p);
    size_t ib = g->trans_b ? (size_t)(j * g->k + p) : (size_t)(p * g->n + j);
    double prod = ab_load_as_double(a, d->dtype, ia) * ab_load_as_double(b, d->dtype, ib);
    sum += prod;
    mag += fabs(prod);
  }
  if (abs_sum)
    *abs_sum = mag;
  return sum;
}

static void check_element(const ab_kernel_desc *d, const void *a, const void *b, const void *c,
                          int64_t i, int64_t j, ab_validation *v) {
  double mag;
  double ref = ab_ref_gemm_element(d, a, b, i, j, &mag);
  double got = ab_load_as_double(c, d->out_dtype, (size_t)(i * d->params.gemm.n + j));
  double err = fabs(got - ref);
  double tol = ab_gemm_tolerance(d, ref, mag);
  double ratio = isnan(err) ? INFINITY : err / tol;
  v->elements_checked++;
  if (!(err <= tol))
    v->mismatches++;
  if (err > v->max_abs_error || isnan(err))
    v->max_abs_error = isnan(err) ? INFINITY : err;
  if (ratio > v->max_error_ratio)
    v->max_error_ratio = ratio;
}

/* Elements checked: bounded by max_elements and by about 2^27 multiply-adds in total. */
static uint64_t sample_budget(const ab_gemm_params *g, uint64_t max_elements) {
  uint64_t by_work = (UINT64_C(1) << 27) / (uint64_t)g->k;
  uint64_t n = max_elements < by_work ? max_elements : by_work;
  return n < 64 ? 64 : n;
}

int ab_validate_gemm(const ab_kernel_desc *d, const void *a, const void *b, const void *c,
                     uint64_t max_elements, uint64_t seed, ab_validation *v) {
  const ab_gemm_params *g = &d->params.gemm;
  uint64_t total = (uint64_t)g->m * (uint64_t)g->n;
  v->checked = true;
  v->elements_total = total;
  snprintf(v->rule, sizeof v->rule, "|err| <= 8*u_acc*sum|ab| + 2*u_out*|ref| (u_acc %g)",
           accumulator_roundoff(d->dtype));
  uint64_t budget = sample_budget(g, max_elements);
  if (total <= budget) {
    for (int64_t i = 0; i < g->m; i++)
      for (int64_t j = 0; j < g->n; j++)
        check_element(d, a, b, c, i, j, v);
  } else {
    /* Corners first: edge tiles are where blocked kernels go wrong. */
    const int64_t corners[4][2] = {{0, 0}, {0, g->n - 1}, {g->m - 1, 0}, {g->m - 1, g->n - 1}};
    for (int q = 0; q < 4; q++)
      check_element(d, a, b, c, corners[q][0], corners[q][1], v);
    ab_rng r;
    ab_rng_seed(&r, seed);
    for (uint64_t s = 4; s < budget; s++) {
      int64_t i = (int64_t)(ab_rng_next(&r) % (uint64_t)g->m);
      int64_t j = (int64_t)(ab_rng_next(&r) % (uint64_t)g->n);
      check_element(d, a, b, c, i, j, v);
    }
  }
  return v->mismatches == 0;
}
