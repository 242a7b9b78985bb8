/* Validation against the float64 reference: correct answers pass in every dtype, and the
 * mistakes real kernels make (one bad element, a wrong transpose, an untouched output,
 * an edge tile skipped) fail. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/inputs.h"
#include "model/reference.h"

typedef struct gemm_case {
  ab_kernel_desc d;
  ab_dtype acc; /* declared accumulator; AB_DTYPE_INVALID: not declared */
  void *a, *b, *c;
} gemm_case;

static void store(void *dst, ab_dtype t, size_t i, double v) {
  ab_store_from_double(dst, t, i, v);
}

/* C computed by the reference and rounded to the output dtype: a correct kernel's answer. */
static gemm_case make(int64_t m, int64_t n, int64_t k, ab_dtype in, ab_dtype out, int ta, int tb) {
  gemm_case g = {
      .d = {.struct_size = sizeof g.d, .kind = AB_KERNEL_GEMM, .dtype = in, .out_dtype = out}};
  g.d.params.gemm = (ab_gemm_params){.m = m, .n = n, .k = k, .trans_a = ta, .trans_b = tb};
  g.a = malloc((size_t)(m * k) * ab_dtype_size(in));
  g.b = malloc((size_t)(k * n) * ab_dtype_size(in));
  g.c = malloc((size_t)(m * n) * ab_dtype_size(out));
  ab_fill_random(g.a, in, (size_t)(m * k), 1);
  ab_fill_random(g.b, in, (size_t)(k * n), 2);
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++)
      store(g.c, out, (size_t)(i * n + j), ab_ref_gemm_element(&g.d, g.a, g.b, i, j, NULL));
  return g;
}

static void drop(gemm_case *g) {
  free(g->a);
  free(g->b);
  free(g->c);
}

static int passes(gemm_case *g, uint64_t max_elements, ab_validation *v) {
  memset(v, 0, sizeof *v);
  return ab_validate_gemm(&g->d, g->acc, g->a, g->b, g->c, max_elements, 7, v);
}

static const ab_dtype in_types[] = {AB_DTYPE_F64, AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16,
                                    AB_DTYPE_I8};
static const ab_dtype out_types[] = {AB_DTYPE_F64, AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16,
                                     AB_DTYPE_I32};

Test(reference, correct_results_pass_every_dtype_and_transpose) {
  for (size_t t = 0; t < 5; t++)
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++) {
        gemm_case g = make(13, 17, 300, in_types[t], out_types[t], ta, tb);
        ab_validation v;
        cr_assert(passes(&g, 1u << 20, &v), "dtype %zu ta %d tb %d: ratio %g", t, ta, tb,
                  v.max_error_ratio);
        cr_assert_eq(v.elements_checked, 13u * 17u);
        drop(&g);
      }
}

Test(reference, one_corrupted_element_fails) {
  for (size_t t = 0; t < 5; t++) {
    gemm_case g = make(9, 11, 64, in_types[t], out_types[t], 0, 0);
    size_t idx = 5 * 11 + 7;
    double was = ab_load_as_double(g.c, out_types[t], idx);
    store(g.c, out_types[t], idx, was + 0.5);
    ab_validation v;
    cr_assert_not(passes(&g, 1u << 20, &v), "dtype %zu", t);
    cr_assert_eq(v.mismatches, 1);
    drop(&g);
  }
}

Test(reference, wrong_transpose_fails_even_in_half_precision) {
  const ab_dtype halves[] = {AB_DTYPE_F16, AB_DTYPE_BF16, AB_DTYPE_F32};
  for (size_t t = 0; t < 3; t++) {
    gemm_case g = make(32, 32, 1024, halves[t], halves[t], 0, 0);
    g.d.params.gemm.trans_b = 1; /* validate as if B were transposed: a classic bug */
    ab_validation v;
    cr_assert_not(passes(&g, 1u << 20, &v), "dtype %zu", t);
    cr_assert_gt(v.mismatches, 32u * 32u / 2, "nearly every element differs");
    drop(&g);
  }
}

Test(reference, untouched_output_fails) {
  gemm_case g = make(8, 8, 8, AB_DTYPE_F32, AB_DTYPE_F32, 0, 0);
  memset(g.c, 0xff, 8 * 8 * 4); /* the harness's poison: NaN */
  ab_validation v;
  cr_assert_not(passes(&g, 1u << 20, &v));
  cr_assert_eq(v.mismatches, 64);
  cr_assert(isinf(v.max_error_ratio));
  drop(&g);
}

Test(reference, sampling_checks_the_last_corner) {
  gemm_case g = make(300, 200, 16, AB_DTYPE_F32, AB_DTYPE_F32, 0, 0);
  ((float *)g.c)[300 * 200 - 1] += 1.0f; /* an edge tile a blocked kernel skipped */
  ab_validation v;
  cr_assert_not(passes(&g, 100, &v));
  cr_assert_eq(v.elements_checked, 100, "sampled, not exhaustive");
  cr_assert_eq(v.elements_total, 60000);
  drop(&g);
}

Test(reference, tolerance_scales_with_dtype) {
  ab_kernel_desc d = {.kind = AB_KERNEL_GEMM, .dtype = AB_DTYPE_F32, .out_dtype = AB_DTYPE_F32};
  double f32 = ab_gemm_tolerance(&d, AB_DTYPE_INVALID, 1.0, 100.0);
  d.dtype = d.out_dtype = AB_DTYPE_F16;
  double f16_f32acc = ab_gemm_tolerance(&d, AB_DTYPE_INVALID, 1.0, 100.0);
  double f16_f16acc = ab_gemm_tolerance(&d, AB_DTYPE_F16, 1.0, 100.0);
  d.dtype = d.out_dtype = AB_DTYPE_F64;
  double f64 = ab_gemm_tolerance(&d, AB_DTYPE_INVALID, 1.0, 100.0);
  d.dtype = AB_DTYPE_I8;
  d.out_dtype = AB_DTYPE_I32;
  double i8 = ab_gemm_tolerance(&d, AB_DTYPE_INVALID, 10.0, 100.0);
  cr_assert(f64 < f32 && f32 < f16_f32acc && f16_f32acc < f16_f16acc);
  cr_assert_gt(f16_f16acc / f16_f32acc, 50.0, "half accumulation only where declared");
  cr_assert_lt(i8, 1e-300, "int8 -> int32 must be exact");
}

/* The review's case: an f16 GEMM that dropped the last 8 of 4096 terms passed under the old
 * "half accumulation everywhere" rule. With an f32 accumulator assumed it fails. */
Test(reference, f16_gemm_missing_terms_fails_unless_half_accumulation_declared) {
  gemm_case g = make(16, 16, 4096, AB_DTYPE_F16, AB_DTYPE_F16, 0, 0);
  gemm_case shortk = g;
  shortk.d.params.gemm.k = 4096; /* reference over all k */
  /* Recompute C over k - 8 terms only (same row-major A with lda = k). */
  for (int64_t i = 0; i < 16; i++)
    for (int64_t j = 0; j < 16; j++) {
      double sum = 0.0;
      for (int64_t p = 0; p < 4096 - 8; p++)
        sum += ab_load_as_double(g.a, AB_DTYPE_F16, (size_t)(i * 4096 + p)) *
               ab_load_as_double(g.b, AB_DTYPE_F16, (size_t)(p * 16 + j));
      store(g.c, AB_DTYPE_F16, (size_t)(i * 16 + j), sum);
    }
  ab_validation v;
  cr_assert_not(passes(&shortk, 1u << 20, &v), "f32 accumulator assumed: caught");
  cr_assert_gt(v.mismatches, 16u * 16u / 2);
  drop(&g);
}

Test(inputs, same_seed_same_data_and_ranges) {
  float a[1000], b[1000];
  int8_t q[1000];
  ab_fill_random(a, AB_DTYPE_F32, 1000, 42);
  ab_fill_random(b, AB_DTYPE_F32, 1000, 42);
  cr_assert_eq(memcmp(a, b, sizeof a), 0);
  ab_fill_random(b, AB_DTYPE_F32, 1000, 43);
  cr_assert_neq(memcmp(a, b, sizeof a), 0);
  double lo = 1, hi = -1;
  for (int i = 0; i < 1000; i++) {
    lo = a[i] < lo ? a[i] : lo;
    hi = a[i] > hi ? a[i] : hi;
  }
  cr_assert(lo >= -1.0 && hi < 1.0 && lo < -0.9 && hi > 0.9, "uniform over [-1, 1)");
  ab_fill_random(q, AB_DTYPE_I8, 1000, 42);
  for (int i = 0; i < 1000; i++)
    cr_assert(q[i] >= -32 && q[i] <= 31);
  cr_assert_neq(ab_operand_seed(42, 0), ab_operand_seed(42, 1));
  /* splitmix64 reference value (seed 0 -> first output), so every machine agrees. */
  ab_rng r;
  ab_rng_seed(&r, 0);
  cr_assert_eq(ab_rng_next(&r), UINT64_C(0xe220a8397b1dcdaf));
}

/* A span (with a stride) converts exactly as element by element, in every dtype. */
Test(inputs, span_loads_as_elements_do) {
  const ab_dtype types[] = {AB_DTYPE_F64, AB_DTYPE_F32,    AB_DTYPE_TF32,
                            AB_DTYPE_F16, AB_DTYPE_BF16,   AB_DTYPE_I8,
                            AB_DTYPE_I32, AB_DTYPE_F8E4M3, AB_DTYPE_F8E5M2};
  double buf[300], got[40];
  for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
    ab_fill_random(buf, types[t], 120, 7 + t);
    ab_load_span_as_double(buf, types[t], 5, 3, 38, got);
    for (size_t i = 0; i < 38; i++)
      cr_assert_eq(got[i], ab_load_as_double(buf, types[t], 5 + 3 * i), "%s element %zu",
                   ab_dtype_str(types[t]), i);
  }
}

/* The every-element check (Freivalds rows): one element wrong by 1.0 (f32, f64) outside
 * a 64-element sample is still caught, in its own row, whatever the run-time seed. */
Test(reference, every_element_check_finds_an_unsampled_element) {
  const ab_dtype wide[] = {AB_DTYPE_F64, AB_DTYPE_F32};
  for (size_t t = 0; t < 2; t++)
    for (uint64_t seed = 1; seed <= 20; seed++) {
      gemm_case g = make(64, 96, 128, wide[t], wide[t], 0, 1);
      size_t row = 17 + seed, col = (size_t)(seed * 7) % 96;
      size_t idx = row * 96 + col;
      store(g.c, wide[t], idx, ab_load_as_double(g.c, wide[t], idx) + 1.0);
      ab_validation v = {0};
      int ok = ab_validate_gemm(&g.d, g.acc, g.a, g.b, g.c, 64, seed, &v);
      cr_assert_not(ok, "dtype %zu seed %llu: a wrong element passed", t, (unsigned long long)seed);
      cr_assert(v.full_checked);
      cr_assert_eq(v.full_failed, 1, "one row fails, got %llu", (unsigned long long)v.full_failed);
      cr_assert_eq(v.full_first_failed, (int64_t)row);
      cr_assert_eq(v.seed, seed, "the seed is recorded");
      drop(&g);
    }
}

/* ab-detection -g's guarantee: an element wrong by just over twice the largest row bound
 * fails its row wherever it is and whatever the vector's seed; an honest output passes. */
Test(reference, error_above_twice_the_row_bound_is_caught_for_any_seed) {
  const ab_dtype wide[] = {AB_DTYPE_F64, AB_DTYPE_F32};
  for (size_t t = 0; t < 2; t++) {
    gemm_case g = make(40, 300, 700, wide[t], wide[t], 0, 0);
    double lo, hi;
    cr_assert(ab_gemm_row_bounds(&g.d, g.acc, g.a, g.b, g.c, &lo, &hi));
    cr_assert(lo > 0.0 && lo <= hi, "bounds %g %g", lo, hi);
    for (uint64_t seed = 1; seed <= 12; seed++) {
      size_t idx = (size_t)((seed * 2654435761u) % (40 * 300));
      double was = ab_load_as_double(g.c, wide[t], idx);
      store(g.c, wide[t], idx, was + (seed & 1 ? 2.02 : -2.02) * hi);
      ab_validation v = {0};
      cr_assert_not(ab_validate_gemm(&g.d, g.acc, g.a, g.b, g.c, 16, seed, &v),
                    "dtype %zu seed %llu: an error of 2.02 x the bound passed", t,
                    (unsigned long long)seed);
      cr_assert_eq(v.full_first_failed, (int64_t)(idx / 300));
      store(g.c, wide[t], idx, was);
    }
    ab_validation v = {0};
    cr_assert(ab_validate_gemm(&g.d, g.acc, g.a, g.b, g.c, 16, 99, &v));
    drop(&g);
  }
}

/* No false alarm from honest rounding: C accumulated in float32 (as a real f32 or
 * f16-with-f32-accumulation kernel does, in a different order than the reference) passes
 * the every-element check over a long k. */
Test(reference, float32_accumulation_passes_every_element_check) {
  const ab_dtype ins[] = {AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16};
  for (size_t t = 0; t < 3; t++) {
    gemm_case g = make(48, 40, 4096, ins[t], ins[t], 0, 0);
    for (int64_t i = 0; i < 48; i++)
      for (int64_t j = 0; j < 40; j++) {
        float acc = 0.0f; /* backwards: another summation order than the reference */
        for (int64_t p = 4095; p >= 0; p--)
          acc += (float)ab_load_as_double(g.a, ins[t], (size_t)(i * 4096 + p)) *
                 (float)ab_load_as_double(g.b, ins[t], (size_t)(p * 40 + j));
        store(g.c, ins[t], (size_t)(i * 40 + j), acc);
      }
    ab_validation v = {0};
    cr_assert(ab_validate_gemm(&g.d, g.acc, g.a, g.b, g.c, 1u << 20, 3, &v),
              "dtype %zu: honest float32 accumulation refused (%llu rows, ratio %g)", t,
              (unsigned long long)v.full_failed, v.max_error_ratio);
    cr_assert_eq(v.full_failed, 0);
    drop(&g);
  }
}

/* ---- the whole reference by a host BLAS (f16/bf16 outputs) ----------------------------- */

/* A plain row-major dgemm standing in for the host BLAS (the harness loads Debian's). */
static void plain_dgemm(int layout, int ta, int tb, int m, int n, int k, double alpha,
                        const double *a, int lda, const double *b, int ldb, double beta, double *c,
                        int ldc) {
  cr_assert(layout == 101 && ta == 111 && tb == 111, "row-major, no transposes");
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) {
      double s = 0.0;
      for (int p = 0; p < k; p++)
        s += a[i * lda + p] * b[p * ldb + j];
      c[i * ldc + j] = alpha * s + beta * c[i * ldc + j];
    }
}

static const ab_host_blas test_blas = {plain_dgemm, "plain C dgemm (test)", UINT64_C(1) << 40};

Test(reference, whole_reference_applies_to_half_outputs_within_budget) {
  gemm_case g = make(8, 8, 8, AB_DTYPE_BF16, AB_DTYPE_BF16, 0, 0);
  cr_assert(ab_gemm_whole_reference_applies(&g.d, &test_blas));
  cr_assert_not(ab_gemm_whole_reference_applies(&g.d, NULL), "no host BLAS");
  ab_host_blas small = test_blas;
  small.max_macs = 511;
  cr_assert_not(ab_gemm_whole_reference_applies(&g.d, &small), "over the budget");
  g.d.out_dtype = AB_DTYPE_F32;
  cr_assert(ab_gemm_whole_reference_applies(&g.d, &test_blas),
            "f32 outputs too: at large k the row test's bound passes an element wrong by 16x "
            "its own tolerance");
  g.d.dtype = g.d.out_dtype = AB_DTYPE_F64;
  cr_assert_not(ab_gemm_whole_reference_applies(&g.d, &test_blas),
                "f64 outputs keep the row test: a float64 reference is no more exact than they");
  g.d.dtype = g.d.out_dtype = AB_DTYPE_I8;
  g.d.out_dtype = AB_DTYPE_I32;
  cr_assert_not(ab_gemm_whole_reference_applies(&g.d, &test_blas),
                "integer outputs keep the exact row test");
  drop(&g);
}

/* The Freivalds row test cannot see an element wrong by 1.0 in a bf16 output of this size
 * (the output's own rounding over a row is larger); the whole reference sees it wherever it
 * is, across both blocks of rows and of columns, transposed operands included, and an
 * honest f32-accumulated output passes. */
Test(reference, whole_reference_finds_one_wrong_half_element_anywhere) {
  const ab_dtype half[] = {AB_DTYPE_F16, AB_DTYPE_BF16};
  for (size_t t = 0; t < 2; t++) {
    gemm_case g = make(300, 1100, 64, half[t], half[t], (int)t, 1 - (int)t);
    ab_validation v = {0};
    cr_assert(ab_validate_gemm_whole(&g.d, g.acc, g.a, g.b, g.c, &test_blas, &v),
              "honest output refused: ratio %g", v.max_error_ratio);
    cr_assert_eq(v.elements_checked, 300u * 1100u);
    const size_t rows[] = {0, 255, 256, 299}, cols[] = {1099, 1024, 3, 1023};
    for (size_t q = 0; q < 4; q++) {
      size_t idx = rows[q] * 1100 + cols[q];
      double was = ab_load_as_double(g.c, half[t], idx);
      store(g.c, half[t], idx, was + 1.0);
      memset(&v, 0, sizeof v);
      cr_assert_not(ab_validate_gemm_whole(&g.d, g.acc, g.a, g.b, g.c, &test_blas, &v));
      cr_assert_eq(v.mismatches, 1);
      cr_assert_eq(v.full_failed, 1);
      cr_assert_eq(v.full_first_failed, (int64_t)rows[q]);
      store(g.c, half[t], idx, was);
    }
    drop(&g);
  }
}
