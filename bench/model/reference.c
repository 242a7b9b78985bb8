/* Float64 references (BLIS's habit: a plain, obviously-correct version first) and the
 * per-dtype tolerance rule.
 *
 * Tolerance: |c - ref| <= 8 * u_acc * sum|a_p * b_p| + 2 * u_out * |ref|.
 * Rounding error of a length-k dot product is bounded by about k*u*sum|ab| in the worst
 * case and behaves like u*sum|ab| for random data (Higham, Accuracy and Stability of
 * Numerical Algorithms, 2nd ed., 3.1 and 3.5); the factor 8 leaves room for blocked
 * summation orders. Inputs are rounded to their dtype before the reference sees them, so
 * input rounding is not an error. u_acc is the unit roundoff of the accumulator the
 * backend declares (ab_case_info.accumulate_dtype): f64 2^-53, f32 2^-24, f16 2^-11 (CLBlast's
 * HGEMM keeps half partial sums); undeclared means f32 for every input narrower than f64
 * (a half accumulator would loosen the tolerance about 100x, enough to pass a GEMM that
 * dropped terms). int8 -> int32 is exact. */
#include "model/reference.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/inputs.h"
#include "model/util.h"

static double unit_roundoff(ab_dtype t) {
  switch (t) {
  case AB_DTYPE_F64: return 0x1.0p-53;
  case AB_DTYPE_F32: return 0x1.0p-24;
  case AB_DTYPE_F16: return 0x1.0p-11;
  case AB_DTYPE_BF16: return 0x1.0p-8;
  case AB_DTYPE_TF32: return 0x1.0p-11;
  case AB_DTYPE_F8E4M3: return 0x1.0p-4;
  case AB_DTYPE_F8E5M2: return 0x1.0p-3;
  default: return 0.0; /* integers: exact */
  }
}

double ab_unit_roundoff(ab_dtype t) {
  return unit_roundoff(t);
}

/* Unit roundoff of the accumulator: what the backend declared (ab_case_info), else f32
 * for every input narrower than f64 (half accumulation is allowed only where declared). */
static double accumulator_roundoff(ab_dtype in, ab_dtype acc) {
  if (acc == AB_DTYPE_F16 || acc == AB_DTYPE_BF16 || acc == AB_DTYPE_F64)
    return unit_roundoff(acc);
  if (acc == AB_DTYPE_I32 || in == AB_DTYPE_I8)
    return 0.0; /* integer accumulation is exact */
  return in == AB_DTYPE_F64 ? 0x1.0p-53 : 0x1.0p-24;
}

double ab_gemm_tolerance(const ab_kernel_desc *d, ab_dtype acc, double ref, double abs_sum) {
  return 8.0 * accumulator_roundoff(d->dtype, acc) * abs_sum +
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

/* One output element against its reference, given op(A)'s row i and op(B)'s column j
 * already in float64 (contiguous, so the dot product is cheap even for huge k). */
static void check_element(const ab_kernel_desc *d, ab_dtype acc, const double *row,
                          const double *col, const void *c, int64_t i, int64_t j,
                          ab_validation *v) {
  double ref = 0.0, mag = 0.0;
  for (int64_t p = 0; p < d->params.gemm.k; p++) {
    double prod = row[p] * col[p];
    ref += prod;
    mag += fabs(prod);
  }
  double got = ab_load_as_double(c, d->out_dtype, (size_t)(i * d->params.gemm.n + j));
  double err = fabs(got - ref);
  double tol = ab_gemm_tolerance(d, acc, ref, mag);
  double ratio = isnan(err) ? INFINITY : err / tol;
  v->elements_checked++;
  if (!(err <= tol))
    v->mismatches++;
  if (err > v->max_abs_error || isnan(err))
    v->max_abs_error = isnan(err) ? INFINITY : err;
  if (ratio > v->max_error_ratio)
    v->max_error_ratio = ratio;
}

static void load_row(const ab_kernel_desc *d, const void *a, int64_t i, double *row) {
  const ab_gemm_params *g = &d->params.gemm;
  for (int64_t p = 0; p < g->k; p++)
    row[p] = ab_load_as_double(a, d->dtype, (size_t)(g->trans_a ? p * g->m + i : i * g->k + p));
}

static void load_col(const ab_kernel_desc *d, const void *b, int64_t j, double *col) {
  const ab_gemm_params *g = &d->params.gemm;
  for (int64_t p = 0; p < g->k; p++)
    col[p] = ab_load_as_double(b, d->dtype, (size_t)(g->trans_b ? j * g->k + p : p * g->n + j));
}

/* `count` distinct indices in [0, n): all of them when count >= n, else the first and the
 * last (edge tiles are where blocked kernels go wrong) plus seeded random picks. */
static size_t pick_indices(int64_t n, size_t count, ab_rng *r, int64_t *out) {
  if ((int64_t)count >= n) {
    for (int64_t i = 0; i < n; i++)
      out[i] = i;
    return (size_t)n;
  }
  size_t got = 0;
  out[got++] = 0;
  if (count > 1)
    out[got++] = n - 1;
  while (got < count) {
    int64_t x = (int64_t)(ab_rng_next(r) % (uint64_t)n);
    bool seen = false;
    for (size_t q = 0; q < got && !seen; q++)
      seen = out[q] == x;
    if (!seen)
      out[got++] = x;
  }
  return got;
}

/* Elements checked: bounded by max_elements and by about 2^27 multiply-adds in total. */
static uint64_t sample_budget(const ab_gemm_params *g, uint64_t max_elements) {
  uint64_t by_work = (UINT64_C(1) << 27) / (uint64_t)g->k;
  uint64_t n = max_elements < by_work ? max_elements : by_work;
  return n < 64 ? 64 : n;
}

static void validate_gemm_full(const ab_kernel_desc *d, ab_dtype acc, const void *a, const void *b,
                               const void *c, uint64_t seed, ab_validation *v);

int ab_validate_gemm(const ab_kernel_desc *d, ab_dtype acc, const void *a, const void *b,
                     const void *c, uint64_t max_elements, uint64_t seed, ab_validation *v) {
  const ab_gemm_params *g = &d->params.gemm;
  v->checked = true;
  v->elements_total = (uint64_t)g->m * (uint64_t)g->n;
  snprintf(v->rule, sizeof v->rule, "|err| <= 8*u_acc*sum|ab| + 2*u_out*|ref| (u_acc %g: %s)",
           accumulator_roundoff(d->dtype, acc),
           acc == AB_DTYPE_INVALID ? "accumulator not declared, f32 assumed" : "declared");
  /* A grid of sampled rows x sampled columns: each row of op(A) and column of op(B) is
   * converted once, so checking costs about budget * k multiply-adds. */
  uint64_t budget = sample_budget(g, max_elements);
  /* Rows and columns converted to float64 are bounded too (about 2^24 loads, most of
   * them strided for B's columns): decode shapes (m = 1) would otherwise read all of B
   * column by column. */
  size_t convert = (size_t)((UINT64_C(1) << 24) / (uint64_t)g->k);
  convert = convert < 4 ? 4 : convert;
  size_t side = (size_t)ceil(sqrt((double)budget));
  size_t want_rows = side < convert / 2 ? side : convert / 2;
  want_rows = (int64_t)want_rows < g->m ? want_rows : (size_t)g->m;
  size_t want_cols = (size_t)((budget + want_rows - 1) / want_rows);
  want_cols = want_cols < convert - want_rows ? want_cols : convert - want_rows;
  int64_t *rows = malloc(want_rows * sizeof *rows);
  int64_t *cols = malloc((want_cols < (size_t)g->n ? want_cols : (size_t)g->n) * sizeof *cols);
  double *arows = malloc(want_rows * (size_t)g->k * sizeof *arows);
  double *bcol = malloc((size_t)g->k * sizeof *bcol);
  ab_rng r;
  ab_rng_seed(&r, seed);
  size_t nr = rows ? pick_indices(g->m, want_rows, &r, rows) : 0;
  size_t nc = cols ? pick_indices(g->n, want_cols, &r, cols) : 0;
  if (!rows || !cols || !arows || !bcol) {
    snprintf(v->rule, sizeof v->rule, "not checked: out of memory for the reference");
    v->checked = false;
    v->mismatches = 1; /* unvalidated is never ok */
  } else {
    /* Rows once (at most sqrt(budget) of them), then one column at a time: memory stays
     * at (rows + 1) * k doubles even for decode shapes (m = 1, thousands of columns). */
    for (size_t p = 0; p < nr; p++)
      load_row(d, a, rows[p], arows + p * (size_t)g->k);
    for (size_t q = 0; q < nc; q++) {
      load_col(d, b, cols[q], bcol);
      for (size_t p = 0; p < nr; p++)
        check_element(d, acc, arows + p * (size_t)g->k, bcol, c, rows[p], cols[q], v);
    }
  }
  free(rows);
  free(cols);
  free(arows);
  free(bcol);
  v->seed = seed;
  validate_gemm_full(d, acc, a, b, c, seed, v);
  return v->mismatches == 0 && v->full_failed == 0;
}

/* ---- GEMM: every element, through a Freivalds row test ------------------------------- */

/* Row i of op(A), its k elements, as float64. */
static void op_a_row(const ab_kernel_desc *d, const void *a, int64_t i, double *out) {
  const ab_gemm_params *g = &d->params.gemm;
  ab_load_span_as_double(a, d->dtype, (size_t)(g->trans_a ? i : i * g->k),
                         (size_t)(g->trans_a ? g->m : 1), (size_t)g->k, out);
}

/* Columns j0 .. j0 + cols - 1 of row p of op(B), as float64. */
static void op_b_row(const ab_kernel_desc *d, const void *b, int64_t p, int64_t j0, int64_t cols,
                     double *out) {
  const ab_gemm_params *g = &d->params.gemm;
  ab_load_span_as_double(b, d->dtype, (size_t)(g->trans_b ? j0 * g->k + p : p * g->n + j0),
                         (size_t)(g->trans_b ? g->k : 1), (size_t)cols, out);
}

/* Scratch of the row test: r (n), B*r (k), squared column norms of B summed (1 value), a
 * row of A, B or C as float64 (max(n, k)). */
typedef struct freivalds {
  double *r, *br;
  double bnorm2; /* sum over j of ||op(B) column j||^2 */
  double *row;
} freivalds;

static bool freivalds_alloc(const ab_gemm_params *g, freivalds *f) {
  size_t n = (size_t)g->n, k = (size_t)g->k;
  *f = (freivalds){malloc(n * sizeof(double)), malloc(k * sizeof(double)), 0.0,
                   malloc((n > k ? n : k) * sizeof(double))};
  return f->r && f->br && f->row;
}

static void freivalds_free(freivalds *f) {
  free(f->r);
  free(f->br);
  free(f->row);
}

/* r_j = +-1 from the run-time seed; B*r and the column norms in one pass over B. */
static void freivalds_prepare(const ab_kernel_desc *d, const void *b, uint64_t seed, freivalds *f) {
  const ab_gemm_params *g = &d->params.gemm;
  ab_rng rng;
  ab_rng_seed(&rng, seed ^ UINT64_C(0xf4e1a5d5));
  for (int64_t j = 0; j < g->n; j++)
    f->r[j] = (ab_rng_next(&rng) >> 63) ? 1.0 : -1.0;
  f->bnorm2 = 0.0;
  for (int64_t p = 0; p < g->k; p++) {
    double acc = 0.0;
    op_b_row(d, b, p, 0, g->n, f->row);
    for (int64_t j = 0; j < g->n; j++) {
      double x = f->row[j];
      acc += x * f->r[j];
      f->bnorm2 += x * x;
    }
    f->br[p] = acc;
  }
}

/* Row i: |(C r)_i - (A (B r))_i| into `err`, and its bound (docs/measurement.md). */
static double freivalds_row_bound(const ab_kernel_desc *d, ab_dtype acc, const void *a,
                                  const void *c, freivalds *f, int64_t i, double *err) {
  const ab_gemm_params *g = &d->params.gemm;
  double abr = 0.0, anorm2 = 0.0, cr = 0.0, c2 = 0.0, float64_err = 0.0;
  double *row = f->row;
  op_a_row(d, a, i, row);
  for (int64_t p = 0; p < g->k; p++) {
    double x = row[p];
    abr += x * f->br[p];
    anorm2 += x * x;
    float64_err += fabs(x * f->br[p]);
  }
  ab_load_span_as_double(c, d->out_dtype, (size_t)(i * g->n), 1, (size_t)g->n, row);
  for (int64_t j = 0; j < g->n; j++) {
    double y = row[j];
    cr += y * f->r[j];
    c2 += y * y;
    float64_err += fabs(y);
  }
  /* Each honest element error is at most tau_ij = 8 u_acc sum|ab| + 2 u_out |c_ij|
   * (the element rule), and sum|ab| <= ||a_i|| ||b_j|| (Cauchy-Schwarz), so
   * sum_j tau_ij^2 <= 2 (64 u_acc^2 ||a_i||^2 sum_j ||b_j||^2 + 4 u_out^2 sum_j c_ij^2).
   * With r_j = +-1 independent of the errors, Hoeffding's inequality bounds
   * |sum_j r_j e_ij| by sqrt(2 ln(2/delta) sum_j tau_ij^2) with probability 1 - delta;
   * delta = 1e-12 per row gives the factor 7.43. float64 rounding of the two sides adds
   * at most (k + n) * 2^-52 * their magnitudes. */
  double u_acc = accumulator_roundoff(d->dtype, acc), u_out = unit_roundoff(d->out_dtype);
  double tau2 = 2.0 * (64.0 * u_acc * u_acc * anorm2 * f->bnorm2 + 4.0 * u_out * u_out * c2);
  *err = fabs(cr - abr);
  return 7.43 * sqrt(tau2) + (double)(g->k + g->n) * 0x1.0p-52 * float64_err + DBL_MIN;
}

/* Every element of C takes part, so one element wrong by more than twice the row's bound
 * fails its row whatever the sample saw. */
static bool freivalds_row(const ab_kernel_desc *d, ab_dtype acc, const void *a, const void *c,
                          freivalds *f, int64_t i) {
  double err, bound = freivalds_row_bound(d, acc, a, c, f, i, &err);
  return err <= bound; /* NaN fails */
}

bool ab_gemm_row_bounds(const ab_kernel_desc *d, ab_dtype acc, const void *a, const void *b,
                        const void *c, double *min_bound, double *max_bound) {
  const ab_gemm_params *g = &d->params.gemm;
  freivalds f;
  bool ok = freivalds_alloc(g, &f);
  *min_bound = INFINITY, *max_bound = 0.0;
  if (ok) {
    freivalds_prepare(d, b, 0, &f);
    for (int64_t i = 0; i < g->m; i++) {
      double err, bound = freivalds_row_bound(d, acc, a, c, &f, i, &err);
      *min_bound = bound < *min_bound ? bound : *min_bound;
      *max_bound = bound > *max_bound ? bound : *max_bound;
    }
  }
  freivalds_free(&f);
  return ok;
}

/* Every row; the sampled element check above stays beside it (tight per element). */
static void validate_gemm_full(const ab_kernel_desc *d, ab_dtype acc, const void *a, const void *b,
                               const void *c, uint64_t seed, ab_validation *v) {
  const ab_gemm_params *g = &d->params.gemm;
  freivalds f;
  bool ok = freivalds_alloc(g, &f);
  v->full_first_failed = -1;
  if (!ok) {
    snprintf(v->full_rule, sizeof v->full_rule, "not checked: out of memory");
    v->full_checked = true;
    v->full_failed = 1; /* unvalidated is never ok */
  } else {
    freivalds_prepare(d, b, seed, &f);
    v->full_checked = true;
    snprintf(v->full_rule, sizeof v->full_rule,
             "every row: |C r - A (B r)| within the element rule's Hoeffding bound "
             "(r = +-1, delta 1e-12 per row)");
    for (int64_t i = 0; i < g->m; i++)
      if (!freivalds_row(d, acc, a, c, &f, i)) {
        if (v->full_failed++ == 0)
          v->full_first_failed = i;
      }
  }
  freivalds_free(&f);
}

/* ---- GEMM: every element against a host BLAS reference ------------------------------ */

bool ab_gemm_whole_reference_applies(const ab_kernel_desc *d, const ab_host_blas *blas) {
  const ab_gemm_params *g = &d->params.gemm;
  bool narrow =
      d->out_dtype == AB_DTYPE_F16 || d->out_dtype == AB_DTYPE_BF16 || d->out_dtype == AB_DTYPE_F32;
  if (!blas || !blas->dgemm || !narrow)
    return false;
  double macs = (double)g->m * (double)g->n * (double)g->k;
  return macs <= (double)blas->max_macs && g->m <= INT32_MAX && g->n <= INT32_MAX &&
         g->k <= INT32_MAX;
}

/* Blocks of op(A) rows and op(B) columns converted to float64: a few tens of MiB however
 * large the GEMM. */
enum { WHOLE_ROWS = 256, WHOLE_COLS = 1024 };

typedef struct whole_ref {
  const ab_kernel_desc *d;
  ab_dtype acc;
  const void *a, *b, *c;
  const ab_host_blas *blas;
  double *ablk, *bblk, *cblk, *anorm, *bnorm, *crow; /* crow: a row of C's block */
  int64_t *row_failed; /* per row of the current block: elements outside tolerance */
} whole_ref;

static void whole_load_a(whole_ref *w, int64_t i0, int64_t rows) {
  int64_t k = w->d->params.gemm.k;
  for (int64_t i = 0; i < rows; i++) {
    double n2 = 0.0, *row = w->ablk + i * k;
    op_a_row(w->d, w->a, i0 + i, row);
    for (int64_t p = 0; p < k; p++)
      n2 += row[p] * row[p];
    w->anorm[i] = sqrt(n2);
  }
}

static void whole_load_b(whole_ref *w, int64_t j0, int64_t cols) {
  int64_t k = w->d->params.gemm.k;
  for (int64_t j = 0; j < cols; j++)
    w->bnorm[j] = 0.0;
  for (int64_t p = 0; p < k; p++) {
    double *row = w->bblk + p * cols;
    op_b_row(w->d, w->b, p, j0, cols, row);
    for (int64_t j = 0; j < cols; j++)
      w->bnorm[j] += row[j] * row[j];
  }
  for (int64_t j = 0; j < cols; j++)
    w->bnorm[j] = sqrt(w->bnorm[j]);
}

/* Compare one block of C with its reference; sum|ab| <= ||a_i|| ||b_j|| (Cauchy-Schwarz). */
static void whole_compare(whole_ref *w, int64_t i0, int64_t rows, int64_t j0, int64_t cols,
                          ab_validation *v) {
  int64_t n = w->d->params.gemm.n;
  for (int64_t i = 0; i < rows; i++) {
    ab_load_span_as_double(w->c, w->d->out_dtype, (size_t)((i0 + i) * n + j0), 1, (size_t)cols,
                           w->crow);
    for (int64_t j = 0; j < cols; j++) {
      double ref = w->cblk[i * cols + j];
      double got = w->crow[j];
      double err = fabs(got - ref);
      double tol = ab_gemm_tolerance(w->d, w->acc, ref, w->anorm[i] * w->bnorm[j]);
      double ratio = isnan(err) ? INFINITY : err / tol;
      if (!(err <= tol)) {
        v->mismatches++;
        w->row_failed[i]++;
      }
      if (err > v->max_abs_error || isnan(err))
        v->max_abs_error = isnan(err) ? INFINITY : err;
      if (ratio > v->max_error_ratio)
        v->max_error_ratio = ratio;
    }
  }
  v->elements_checked += (uint64_t)(rows * cols);
}

static void whole_block_rows(whole_ref *w, int64_t i0, int64_t rows, ab_validation *v) {
  const ab_gemm_params *g = &w->d->params.gemm;
  whole_load_a(w, i0, rows);
  memset(w->row_failed, 0, (size_t)rows * sizeof *w->row_failed);
  for (int64_t j0 = 0; j0 < g->n; j0 += WHOLE_COLS) {
    int64_t cols = g->n - j0 < WHOLE_COLS ? g->n - j0 : WHOLE_COLS;
    whole_load_b(w, j0, cols);
    w->blas->dgemm(AB_CBLAS_ROW_MAJOR, AB_CBLAS_NO_TRANS, AB_CBLAS_NO_TRANS, (int)rows, (int)cols,
                   (int)g->k, 1.0, w->ablk, (int)g->k, w->bblk, (int)cols, 0.0, w->cblk, (int)cols);
    whole_compare(w, i0, rows, j0, cols, v);
  }
  for (int64_t i = 0; i < rows; i++)
    if (w->row_failed[i] && v->full_failed++ == 0)
      v->full_first_failed = i0 + i;
}

int ab_validate_gemm_whole(const ab_kernel_desc *d, ab_dtype acc, const void *a, const void *b,
                           const void *c, const ab_host_blas *blas, ab_validation *v) {
  const ab_gemm_params *g = &d->params.gemm;
  size_t k = (size_t)g->k;
  whole_ref w = {.d = d, .acc = acc, .a = a, .b = b, .c = c, .blas = blas};
  w.ablk = malloc(WHOLE_ROWS * k * sizeof(double));
  w.bblk = malloc(WHOLE_COLS * k * sizeof(double));
  w.cblk = malloc((size_t)WHOLE_ROWS * WHOLE_COLS * sizeof(double));
  w.anorm = malloc(WHOLE_ROWS * sizeof(double));
  w.bnorm = malloc(WHOLE_COLS * sizeof(double));
  w.row_failed = malloc(WHOLE_ROWS * sizeof(int64_t));
  w.crow = malloc(WHOLE_COLS * sizeof(double));
  v->checked = v->full_checked = true;
  v->elements_total = (uint64_t)g->m * (uint64_t)g->n;
  v->full_first_failed = -1;
  snprintf(v->rule, sizeof v->rule,
           "every element: |err| <= 8*u_acc*||a_i||*||b_j|| + 2*u_out*|ref| (u_acc %g: %s)",
           accumulator_roundoff(d->dtype, acc),
           acc == AB_DTYPE_INVALID ? "accumulator not declared, f32 assumed" : "declared");
  if (!w.ablk || !w.bblk || !w.cblk || !w.anorm || !w.bnorm || !w.row_failed || !w.crow) {
    snprintf(v->full_rule, sizeof v->full_rule, "not checked: out of memory for the reference");
    v->full_failed = 1; /* unvalidated is never ok */
  } else {
    snprintf(v->full_rule, sizeof v->full_rule,
             "every element against a float64 reference of the whole product (host BLAS "
             "dgemm: %.60s)",
             blas->name);
    for (int64_t i0 = 0; i0 < g->m; i0 += WHOLE_ROWS)
      whole_block_rows(&w, i0, g->m - i0 < WHOLE_ROWS ? g->m - i0 : WHOLE_ROWS, v);
  }
  free(w.ablk), free(w.bblk), free(w.cblk), free(w.anorm), free(w.bnorm), free(w.row_failed);
  free(w.crow);
  return v->mismatches == 0 && v->full_failed == 0;
}

/* ---- microbenchmarks: exact checks --------------------------------------------------- */

static void count_byte_mismatches(const unsigned char *got, size_t bytes,
                                  unsigned char (*want)(const void *, size_t), const void *ctx,
                                  ab_validation *v) {
  v->checked = true;
  v->elements_total = bytes;
  v->elements_checked = bytes;
  for (size_t i = 0; i < bytes; i++)
    if (got[i] != want(ctx, i))
      v->mismatches++;
  v->max_error_ratio = v->mismatches ? INFINITY : 0.0;
}

static unsigned char byte_of(const void *ctx, size_t i) {
  return ((const unsigned char *)ctx)[i];
}

static unsigned char h2d_byte(const void *ctx, size_t i) {
  (void)ctx;
  return (unsigned char)((i * 131u + 7u) & 0xffu);
}

int ab_validate_bytes(const void *got, const void *want, size_t bytes, ab_validation *v) {
  snprintf(v->rule, sizeof v->rule, "byte-exact copy");
  count_byte_mismatches(got, bytes, byte_of, want, v);
  return v->mismatches == 0;
}

int ab_validate_h2d_pattern(const void *got, size_t bytes, ab_validation *v) {
  snprintf(v->rule, sizeof v->rule, "byte-exact: byte i = (i*131+7) & 0xff");
  count_byte_mismatches(got, bytes, h2d_byte, NULL, v);
  return v->mismatches == 0;
}

/* kernel.h: chain j of item i ends at x0 = (i+j) % 4 after an even number of steps and at
 * 1 - x0 after an odd number; the item writes the sum of its 8 chains. */
static double peak_expected(int64_t item, int64_t fma) {
  double sum = 0.0;
  for (int64_t j = 0; j < 8; j++) {
    int64_t steps = fma / 8 + (j < fma % 8 ? 1 : 0);
    double x0 = (double)((item + j) % 4);
    sum += steps % 2 == 0 ? x0 : 1.0 - x0;
  }
  return sum;
}

int ab_validate_peak(const ab_kernel_desc *d, const void *got, ab_validation *v) {
  const ab_peak_params *p = &d->params.peak;
  snprintf(v->rule, sizeof v->rule, "exact: sum of 8 chains of x = -x + 1 (kernel.h)");
  v->checked = true;
  v->elements_total = (uint64_t)p->items;
  for (int64_t i = 0; i < p->items; i++) {
    double err =
        fabs(ab_load_as_double(got, d->out_dtype, (size_t)i) - peak_expected(i, p->fma_per_item));
    v->elements_checked++;
    if (!(err == 0.0)) {
      v->mismatches++;
      v->max_abs_error = isnan(err) ? INFINITY : fmax(v->max_abs_error, err);
      v->max_error_ratio = INFINITY;
    }
  }
  return v->mismatches == 0;
}
