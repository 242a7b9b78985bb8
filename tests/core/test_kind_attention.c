/* The attention kind's table (bench/model/kinds/attention.c): work formulas, shape checks,
 * and the check against float64 — a correct output passes, a single wrong element anywhere
 * is caught, in both layouts, with grouped-query heads, and in the sampled mode of large
 * shapes. The expected outputs come from this file's own plain float64 attention. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attention_desc.h"
#include "model/inputs.h"
#include "model/kernel.h"
#include "model/kind.h"

/* ---- an independent reference: the definition in kernel.h, written out plainly ---- */

typedef struct att_case {
  ab_kernel_desc d;
  void *ops[4];
  ab_dtype t[4];
  size_t n[4]; /* elements */
} att_case;

static size_t at(const ab_kernel_desc *d, int64_t b, int64_t head, int64_t pos, int64_t c, int kv) {
  const ab_attention_params *p = &d->params.attention;
  int64_t heads = kv ? p->kv_heads : p->q_heads, len = kv ? p->kv_len : p->q_len;
  int64_t row =
      d->layout == AB_LAYOUT_BHSD ? (b * heads + head) * len + pos : (b * len + pos) * heads + head;
  return (size_t)(row * p->head_dim + c);
}

static void store(void *p, ab_dtype t, size_t i, double x) {
  if (t == AB_DTYPE_F32)
    ((float *)p)[i] = (float)x;
  else if (t == AB_DTYPE_F64)
    ((double *)p)[i] = x;
  else if (t == AB_DTYPE_F16)
    ((uint16_t *)p)[i] = ab_f32_to_f16((float)x);
  else
    ((uint16_t *)p)[i] = ab_f32_to_bf16((float)x);
}

/* O from Q, K, V as kernel.h defines it, in float64, stored in O's dtype. `skip_mask`
 * attends every key even when causal (a plausible bug), `no_scale` forgets 1/sqrt(d). */
static void reference(att_case *c, int skip_mask, int no_scale) {
  const ab_attention_params *p = &c->d.params.attention;
  double *s = malloc((size_t)p->kv_len * sizeof *s), *acc = malloc((size_t)p->head_dim * 8);
  double scale = no_scale ? 1.0 : 1.0 / sqrt((double)p->head_dim);
  for (int64_t b = 0; b < p->batch; b++)
    for (int64_t h = 0; h < p->q_heads; h++)
      for (int64_t i = 0; i < p->q_len; i++) {
        int64_t g = h / (p->q_heads / p->kv_heads);
        int64_t n = p->causal && !skip_mask ? p->kv_len - p->q_len + i + 1 : p->kv_len;
        double m = -INFINITY, l = 0.0;
        for (int64_t j = 0; j < n; j++) {
          double dot = 0.0;
          for (int64_t x = 0; x < p->head_dim; x++)
            dot += ab_load_as_double(c->ops[0], c->t[0], at(&c->d, b, h, i, x, 0)) *
                   ab_load_as_double(c->ops[1], c->t[1], at(&c->d, b, g, j, x, 1));
          s[j] = dot * scale;
          m = fmax(m, s[j]);
        }
        for (int64_t x = 0; x < p->head_dim; x++)
          acc[x] = 0.0;
        for (int64_t j = 0; j < n; j++) {
          double e = exp(s[j] - m);
          l += e;
          for (int64_t x = 0; x < p->head_dim; x++)
            acc[x] += e * ab_load_as_double(c->ops[2], c->t[2], at(&c->d, b, g, j, x, 1));
        }
        for (int64_t x = 0; x < p->head_dim; x++)
          store(c->ops[3], c->t[3], at(&c->d, b, h, i, x, 0), acc[x] / l);
      }
  free(s);
  free(acc);
}

static void make_case(att_case *c, ab_kernel_desc d) {
  char msg[256] = "";
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_OK, "%s", msg);
  c->d = d;
  for (size_t i = 0; i < 4; i++) {
    ab_operand_def op;
    ab_kernel_operand(&d, i, &op);
    c->t[i] = op.dtype;
    c->n[i] = op.bytes / ab_dtype_size(op.dtype);
    c->ops[i] = calloc(1, op.bytes);
    cr_assert_not_null(c->ops[i]);
    if (op.role == AB_OPERAND_INPUT)
      ab_fill_random(c->ops[i], op.dtype, c->n[i], ab_operand_seed(42, i));
  }
  reference(c, 0, 0);
}

static void free_case(att_case *c) {
  for (size_t i = 0; i < 4; i++)
    free(c->ops[i]);
}

static const void *read_all(void *ctx, size_t op, char *msg) {
  (void)msg;
  return ((att_case *)ctx)->ops[op];
}

static ab_validation check(att_case *c, uint64_t seed) {
  const void *host[4] = {c->ops[0], c->ops[1], c->ops[2], NULL};
  ab_check_io io = {.desc = &c->d,
                    .host = host,
                    .accumulate = AB_DTYPE_INVALID,
                    .max_elements = 4096,
                    .seed = seed,
                    .ctx = c,
                    .read_all = read_all};
  ab_validation v = {0};
  char msg[256] = "";
  cr_assert_eq(ab_kind_def_of(AB_KERNEL_ATTENTION)->validate(&io, &v, msg), AB_OK, "%s", msg);
  return v;
}

/* ---- work and shapes ----------------------------------------------------------------- */

Test(kind_attention, flops_count_the_attended_pairs) {
  /* Causal prefill of 4 tokens: 1 + 2 + 3 + 4 = 10 pairs per head, 4*d FLOPs each. */
  ab_kernel_desc d = att_desc(2, 8, 2, 64, 4, 4, 1, AB_DTYPE_F32);
  cr_assert_float_eq(ab_kernel_flops(&d), 2.0 * 8 * 10 * 4 * 64, 0.0);
  /* Decode: one query against 100 keys sees all of them, causal or not. */
  d = att_desc(1, 32, 8, 128, 1, 100, 1, AB_DTYPE_F32);
  cr_assert_float_eq(ab_kernel_flops(&d), 32.0 * 100 * 4 * 128, 0.0);
  /* The last 3 of 5 positions: 3 + 4 + 5 keys; without the mask 3 x 5. */
  d = att_desc(1, 1, 1, 16, 3, 5, 1, AB_DTYPE_F32);
  cr_assert_float_eq(ab_kernel_flops(&d), 12.0 * 4 * 16, 0.0);
  d.params.attention.causal = 0;
  cr_assert_float_eq(ab_kernel_flops(&d), 15.0 * 4 * 16, 0.0);
}

Test(kind_attention, decode_is_memory_bound_prefill_compute_bound) {
  ab_kernel_desc d = att_desc(1, 32, 8, 128, 1, 4096, 1, AB_DTYPE_F16);
  cr_assert_eq(ab_kind_bound(&d), AB_BOUND_MEMORY);
  d = att_desc(1, 32, 8, 128, 512, 512, 1, AB_DTYPE_F16);
  cr_assert_eq(ab_kind_bound(&d), AB_BOUND_COMPUTE);
  ab_kernel_desc g = {.kind = AB_KERNEL_GEMM};
  cr_assert_eq(ab_kind_bound(&g), AB_BOUND_COMPUTE, "kinds without bound_for keep their bound");
}

Test(kind_attention, bytes_follow_each_operand_dtype) {
  ab_kernel_desc d = att_desc(1, 32, 8, 128, 1, 1000, 1, AB_DTYPE_F32);
  double q = 32.0 * 128, kv = 1000.0 * 8 * 128;
  cr_assert_float_eq(ab_kernel_bytes(&d), 4 * (2 * q + 2 * kv), 0.0);
  d.operand_dtypes[1] = d.operand_dtypes[2] = AB_DTYPE_F16; /* a half-precision KV cache */
  cr_assert_float_eq(ab_kernel_bytes(&d), 4 * 2 * q + 2 * 2 * kv, 0.0);
  cr_assert_eq(ab_kernel_operand_bytes(&d, 1), (size_t)(2 * kv));
  cr_assert_eq(ab_kernel_operand_bytes(&d, 3), (size_t)(4 * q));
}

static void expect_invalid(ab_kernel_desc d, const char *mention) {
  char msg[256] = "";
  cr_assert_neq(ab_kernel_check(&d, msg, sizeof msg), AB_OK, "accepted: %s", mention);
  cr_assert(strstr(msg, mention), "message '%s' lacks '%s'", msg, mention);
}

Test(kind_attention, bad_shapes_are_refused_with_the_field) {
  expect_invalid(att_desc(1, 6, 4, 64, 8, 8, 0, AB_DTYPE_F32), "not a multiple of kv_heads");
  expect_invalid(att_desc(1, 4, 4, 64, 9, 8, 1, AB_DTYPE_F32), "q_len must be at most kv_len");
  expect_invalid(att_desc(1, 4, 4, 0, 8, 8, 0, AB_DTYPE_F32), "head_dim=0");
  expect_invalid(att_desc(1, 4, 4, 64, 8, 8, 0, AB_DTYPE_I8), "operand Q: dtype int8");
  ab_kernel_desc d = att_desc(1 << 20, 4096, 4096, 1024, 1 << 24, 1 << 24, 0, AB_DTYPE_F32);
  expect_invalid(d, "size overflows");
  d = att_desc(1, 4, 4, 64, 8, 8, 0, AB_DTYPE_F32);
  d.layout = AB_LAYOUT_NCHW;
  expect_invalid(d, "layout");
  d.layout = AB_LAYOUT_BHSD;
  char msg[256] = "";
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_OK, "%s", msg);
  /* Non-causal attention may have more queries than keys. */
  d = att_desc(1, 4, 4, 64, 9, 8, 0, AB_DTYPE_F32);
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_OK, "%s", msg);
}

Test(kind_attention, shape_text_names_layout_and_own_dtypes) {
  ab_kernel_desc d = att_desc(1, 32, 8, 128, 1, 4096, 1, AB_DTYPE_BF16);
  char s[96];
  ab_kernel_shape_str(&d, s, sizeof s);
  cr_assert_str_eq(s, "b=1 hq=32 hkv=8 d=128 q=1 kv=4096 causal");
  d.layout = AB_LAYOUT_BHSD;
  d.operand_dtypes[1] = d.operand_dtypes[2] = AB_DTYPE_F16;
  ab_kernel_shape_str(&d, s, sizeof s);
  cr_assert_str_eq(s, "b=1 hq=32 hkv=8 d=128 q=1 kv=4096 causal bhsd k:f16 v:f16");
}

/* ---- the check ----------------------------------------------------------------------- */

/* Every element of a correct output passes, and each element on its own, made wrong by
 * `delta` (relative to the element, at least `floor`), is caught as exactly one mismatch. */
static void every_single_wrong_element_is_caught(ab_kernel_desc d, double delta, double floor) {
  att_case c;
  make_case(&c, d);
  ab_validation v = check(&c, 7);
  cr_assert(v.checked);
  cr_assert_eq(v.mismatches, 0, "correct output: ratio %g (%s)", v.max_error_ratio, v.rule);
  cr_assert_eq(v.elements_checked, c.n[3]);
  cr_assert_eq(v.elements_total, c.n[3]);
  for (size_t e = 0; e < c.n[3]; e++) {
    double good = ab_load_as_double(c.ops[3], c.t[3], e);
    store(c.ops[3], c.t[3], e, good + fmax(fabs(good) * delta, floor));
    v = check(&c, 7);
    cr_assert_eq(v.mismatches, 1, "element %zu of %zu: %llu mismatches", e, c.n[3],
                 (unsigned long long)v.mismatches);
    store(c.ops[3], c.t[3], e, good);
  }
  free_case(&c);
}

Test(kind_attention, f32_causal_gqa_bshd_any_wrong_element) {
  every_single_wrong_element_is_caught(att_desc(2, 4, 2, 16, 6, 9, 1, AB_DTYPE_F32), 1e-4, 1e-5);
}

Test(kind_attention, f32_bhsd_non_causal_any_wrong_element) {
  ab_kernel_desc d = att_desc(1, 3, 1, 8, 5, 7, 0, AB_DTYPE_F32);
  d.layout = AB_LAYOUT_BHSD;
  every_single_wrong_element_is_caught(d, 1e-4, 1e-5);
}

Test(kind_attention, bf16_with_f16_kv_cache_any_wrong_element) {
  /* bf16 output: a change must be a few of its units (2^-8) to be a different answer. */
  ab_kernel_desc d = att_desc(1, 4, 2, 16, 1, 33, 1, AB_DTYPE_BF16);
  d.operand_dtypes[1] = d.operand_dtypes[2] = AB_DTYPE_F16;
  every_single_wrong_element_is_caught(d, 0.05, 1e-3);
}

Test(kind_attention, plausible_bugs_fail) {
  att_case c;
  make_case(&c, att_desc(1, 4, 2, 32, 16, 16, 1, AB_DTYPE_F32));
  reference(&c, 1, 0); /* the causal mask ignored */
  ab_validation v = check(&c, 1);
  cr_assert_gt(v.mismatches, c.n[3] / 2, "mask ignored: %llu", (unsigned long long)v.mismatches);
  reference(&c, 0, 1); /* the 1/sqrt(d) scale forgotten */
  v = check(&c, 1);
  cr_assert_gt(v.mismatches, c.n[3] / 2, "no scale: %llu", (unsigned long long)v.mismatches);
  /* Unwritten output (the harness poisons it with 0xff bytes: NaN). */
  memset(c.ops[3], 0xff, c.n[3] * sizeof(float));
  v = check(&c, 1);
  cr_assert_eq(v.mismatches, c.n[3]);
  free_case(&c);
}

/* Above the exact budget (2^29 multiply-adds) rows are sampled: a correct output passes,
 * the rule says so, and an element outside its attended values' range is caught in any
 * row, sampled or not. (One corrupted output with every defect at once: each check of this
 * shape costs the whole budget, which is slow under the sanitizers.) */
Test(kind_attention, large_shapes_sample_rows_and_bound_every_element, .timeout = 600) {
  att_case c;
  make_case(&c, att_desc(1, 8, 1, 64, 1100, 1100, 1, AB_DTYPE_F32));
  ab_validation v = check(&c, 3);
  cr_assert_eq(v.mismatches, 0, "ratio %g (%s)", v.max_error_ratio, v.rule);
  cr_assert(strstr(v.rule, "w.p."), "%s", v.rule);
  cr_assert_lt(v.elements_checked, v.elements_total);
  cr_assert_gt(v.elements_checked, 0);
  float *o = c.ops[3];
  /* Inputs are in [-1, 1): no softmax average reaches 1.5, and NaN is never in range. */
  size_t out_of_range[] = {c.n[3] / 3 + 5, c.n[3] / 2 + 17, c.n[3] - 1};
  size_t not_a_number[] = {c.n[3] / 5 + 3, c.n[3] / 4 + 9, c.n[3] - 65};
  for (size_t s = 0; s < 3; s++) {
    o[out_of_range[s]] = 1.5f;
    o[not_a_number[s]] = NAN;
  }
  /* The first row of the first head is always compared exactly: a small error there is
   * caught even though it stays inside the range. */
  o[0] += 1e-3f;
  v = check(&c, 3);
  cr_assert_eq(v.mismatches, 7, "%llu mismatches", (unsigned long long)v.mismatches);
  free_case(&c);
}

/* With every key's value row the same, every softmax average is that row, whatever the
 * scores: a correct output of a large shape costs nothing to write, and the range of each
 * element shrinks to one value. Rows are then compared exactly with probability ~0.06, so
 * the elements below are caught by the range bound in nearly every row they could land
 * in. */
Test(kind_attention, range_bound_covers_unsampled_rows, .timeout = 600) {
  att_case c = {.d = att_desc(1, 8, 1, 64, 4096, 4096, 1, AB_DTYPE_F32)};
  for (size_t i = 0; i < 4; i++) {
    ab_operand_def op;
    ab_kernel_operand(&c.d, i, &op);
    c.t[i] = op.dtype;
    c.n[i] = op.bytes / sizeof(float);
    c.ops[i] = malloc(op.bytes);
    cr_assert_not_null(c.ops[i]);
    for (size_t e = 0; e < c.n[i]; e++) /* the column's value in V and O */
      ((float *)c.ops[i])[e] = (float)((double)(e % 64) / 64.0 - 0.5);
  }
  ab_fill_random(c.ops[0], AB_DTYPE_F32, c.n[0], 1);
  ab_fill_random(c.ops[1], AB_DTYPE_F32, c.n[1], 2);
  ab_validation v = check(&c, 11);
  cr_assert_eq(v.mismatches, 0, "ratio %g (%s)", v.max_error_ratio, v.rule);
  cr_assert(strstr(v.rule, "w.p. 0.06"), "%s", v.rule);
  float *o = c.ops[3];
  size_t spots[] = {c.n[3] / 7 + 1, c.n[3] / 2 + 30, c.n[3] - 2};
  for (size_t s = 0; s < 3; s++)
    o[spots[s]] += 0.01f;
  v = check(&c, 11);
  cr_assert_eq(v.mismatches, 3, "%llu mismatches", (unsigned long long)v.mismatches);
  free_case(&c);
}
