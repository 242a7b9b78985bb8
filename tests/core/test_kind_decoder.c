/* The decoder_layer kind's table (bench/model/kinds/decoder_layer.c): tokens, operands,
 * work, checks, the plan, and validation on a case small enough to check by hand. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hostblas.h"
#include "model/kernel.h"
#include "model/kind.h"

static ab_kernel_desc layer(int phase, int64_t batch, int64_t tokens, int64_t context) {
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.kind = AB_KERNEL_DECODER_LAYER;
  d.dtype = d.out_dtype = AB_DTYPE_F32;
  d.params.decoder_layer = (ab_decoder_layer_params){.hidden = 8,
                                                     .heads = 2,
                                                     .kv_heads = 1,
                                                     .head_dim = 4,
                                                     .ffn = 12,
                                                     .batch = batch,
                                                     .tokens = tokens,
                                                     .context = context,
                                                     .theta = 10000,
                                                     .phase = phase};
  return d;
}

Test(kind_decoder, tokens_and_operands) {
  ab_kernel_desc p = layer(AB_DECODER_PREFILL, 3, 5, 0), dc = layer(AB_DECODER_DECODE, 3, 1, 7);
  cr_assert_eq(ab_kernel_tokens(&p), 15.0);
  cr_assert_eq(ab_kernel_tokens(&dc), 3.0);
  cr_assert_eq(ab_kernel_operand_count(&p), 5);
  cr_assert_eq(ab_kernel_operand_count(&dc), 6);
  /* x: 15 x 8 f32; norms 2 x 8 f32; Wq, Wk, Wv, Wo: 8x8 + 8x4 + 8x4 + 8x8; FFN 3 x 8 x 12 */
  cr_assert_eq(ab_kernel_operand_bytes(&p, 0), 15 * 8 * 4);
  cr_assert_eq(ab_kernel_operand_bytes(&p, 1), 2 * 8 * 4);
  cr_assert_eq(ab_kernel_operand_bytes(&p, 2), (64 + 32 + 32 + 64) * 4);
  cr_assert_eq(ab_kernel_operand_bytes(&p, 3), 3 * 8 * 12 * 4);
  /* decode: the KV cache, K and V of 3 sequences x 7 positions x 1 head x 4 */
  cr_assert_eq(ab_kernel_operand_bytes(&dc, 4), 2 * 3 * 7 * 4 * 4);
  cr_assert_eq(ab_kernel_operand_bytes(&dc, 5), 3 * 8 * 4);
}

Test(kind_decoder, flops_are_the_steps) {
  ab_kernel_desc p = layer(AB_DECODER_PREFILL, 1, 5, 0);
  /* GEMMs alone: 2 x rows x (8x8 + 2 x 8x4 + 8x8 + 3 x 8x12) */
  double gemm = 2.0 * 5 * (64 + 64 + 64 + 288);
  cr_assert_gt(ab_kernel_flops(&p), gemm);
  cr_assert_lt(ab_kernel_flops(&p), gemm * 2);
  cr_assert_gt(ab_kernel_bytes(&p), 0.0);
}

Test(kind_decoder, checks) {
  char msg[AB_MSG_LEN];
  ab_kernel_desc d = layer(AB_DECODER_DECODE, 1, 1, 0); /* decode needs a context */
  cr_assert_neq(ab_kernel_check(&d, msg, sizeof msg), AB_OK);
  d = layer(AB_DECODER_PREFILL, 1, 4, 3); /* prefill takes no context */
  cr_assert_neq(ab_kernel_check(&d, msg, sizeof msg), AB_OK);
  d = layer(AB_DECODER_PREFILL, 1, 4, 0);
  d.params.decoder_layer.kv_heads = 3; /* 2 heads cannot share 3 KV heads */
  cr_assert_neq(ab_kernel_check(&d, msg, sizeof msg), AB_OK);
  d = layer(AB_DECODER_DECODE, 2, 1, 9);
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_OK, "%s", msg);
}

Test(kind_decoder, plan_appends_the_new_token_at_context_minus_one) {
  ab_kernel_desc d = layer(AB_DECODER_DECODE, 2, 1, 9);
  ab_composite_plan *plan = malloc(sizeof *plan);
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_kind_def_of(d.kind)->compose(&d, plan, msg, sizeof msg), AB_OK);
  size_t copies = 0;
  for (size_t i = 0; i < plan->n_steps; i++) {
    const ab_composite_step *s = &plan->steps[i];
    if (s->type == AB_STEP_COPY) {
      copies++;
      cr_assert_eq(s->count, 2);              /* one row per sequence */
      cr_assert_eq(s->dst_offset, 8 * 4 * 4); /* position 8 of 9, 4 f32 per row */
      cr_assert_eq(s->dst_stride, 9 * 4 * 4);
    }
    if (s->type == AB_STEP_KERNEL && s->desc.kind == AB_KERNEL_ROTARY) {
      cr_assert_eq(s->desc.params.rotary.position, 8);
      cr_assert_eq(s->desc.params.rotary.period, 1);
    }
  }
  cr_assert_eq(copies, 2);
  free(plan);
}

/* Hand-checkable: with every projection weight zero, o = 0 and the FFN's output is 0, so
 * y = x exactly. */
typedef struct tiny {
  const void *host[6];
  const float *y;
} tiny;

static const void *read_y(void *ctx, size_t op, char *msg) {
  (void)op, (void)msg;
  return ((tiny *)ctx)->y;
}

static ab_validation validate_tiny(float bump, float shift) {
  ab_kernel_desc d = layer(AB_DECODER_PREFILL, 1, 2, 0);
  static float x[16], norms[16], attn[192], ffn[288], y[16];
  for (int i = 0; i < 16; i++) {
    x[i] = (float)(i % 5) - 2.0f + shift;
    norms[i] = 1.0f;
    y[i] = x[i];
  }
  memset(attn, 0, sizeof attn);
  memset(ffn, 0, sizeof ffn);
  y[7] += bump;
  tiny t = {{x, norms, attn, ffn, NULL, NULL}, y};
  ab_check_io io = {
      .desc = &d, .host = t.host, .max_elements = 1 << 20, .ctx = &t, .read_all = read_y};
  ab_validation v = {0};
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_kind_def_of(d.kind)->validate(&io, &v, msg), AB_OK, "%s", msg);
  return v;
}

Test(kind_decoder, validate_by_hand) {
  ab_validation ok = validate_tiny(0.0f, 0.0f), wrong = validate_tiny(0.01f, 0.0f);
  cr_assert_eq(ok.elements_total, 16);
  cr_assert_eq(ok.mismatches, 0);
  cr_assert_eq(wrong.mismatches, 1);
  /* Other inputs for the same descriptor: the kept reference of the last check must not
   * be reused (y = x still holds, for the new x). */
  cr_assert_eq(validate_tiny(0.0f, 0.5f).mismatches, 0);
}

/* A layer whose reductions cross the host-BLAS reference's 128-row panels (k = 160 and
 * 300), with seeded inputs as the runner makes them. */
typedef struct seeded {
  ab_kernel_desc d;
  void *host[6];
  float *y;
} seeded;

static void seeded_make(seeded *s, uint64_t seed) {
  memset(s, 0, sizeof *s);
  s->d = layer(AB_DECODER_DECODE, 2, 1, 5);
  s->d.params.decoder_layer.hidden = 160;
  s->d.params.decoder_layer.heads = 4;
  s->d.params.decoder_layer.kv_heads = 2;
  s->d.params.decoder_layer.head_dim = 40;
  s->d.params.decoder_layer.ffn = 300;
  const ab_kind_def *k = ab_kind_def_of(s->d.kind);
  char msg[AB_MSG_LEN];
  cr_assert_eq(k->check(&s->d, msg, sizeof msg), AB_OK, "%s", msg);
  size_t n = k->operand_count(&s->d);
  for (size_t i = 0; i + 1 < n; i++) {
    ab_operand_def o;
    k->operand(&s->d, i, &o);
    s->host[i] = malloc(o.bytes);
    cr_assert_not_null(s->host[i]);
    ab_kind_fill_input(&s->d, i, &o, s->host[i], seed + i);
  }
  ab_operand_def out;
  k->operand(&s->d, n - 1, &out);
  s->y = calloc(out.bytes, 1); /* zeros: the check's largest error is then max |ref| */
  cr_assert_not_null(s->y);
}

static void seeded_free(seeded *s) {
  for (size_t i = 0; i < 6; i++)
    free(s->host[i]);
  free(s->y);
}

static const void *read_seeded(void *ctx, size_t op, char *msg) {
  (void)op, (void)msg;
  return ((seeded *)ctx)->y;
}

static ab_validation validate_seeded(seeded *s, const ab_host_blas *blas) {
  ab_check_io io = {.desc = &s->d,
                    .host = (const void *const *)s->host,
                    .max_elements = 1 << 20,
                    .blas = blas,
                    .ctx = s,
                    .read_all = read_seeded};
  ab_validation v = {0};
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_kind_def_of(s->d.kind)->validate(&io, &v, msg), AB_OK, "%s", msg);
  return v;
}

/* The reference through the host BLAS equals the loops' (y and the absolute sums A that
 * set each tolerance): the same largest error and error ratio against an all-zero output. */
Test(kind_decoder, host_blas_reference_equals_the_loops) {
  ab_host_blas blas;
  char why[AB_MSG_LEN];
  if (!ab_host_blas_get(UINT64_MAX, &blas, why, sizeof why))
    cr_skip_test("no host BLAS: %s", why);
  seeded a, other;
  seeded_make(&a, 11);
  seeded_make(&other, 99);
  ab_validation loops = validate_seeded(&a, NULL);
  validate_seeded(&other, NULL); /* evicts a's kept reference */
  ab_validation viablas = validate_seeded(&a, &blas);
  cr_assert_gt(loops.max_abs_error, 0.0);
  cr_assert_eq(loops.mismatches, viablas.mismatches);
  cr_assert_float_eq(viablas.max_abs_error, loops.max_abs_error, 1e-12 * loops.max_abs_error);
  cr_assert_float_eq(viablas.max_error_ratio, loops.max_error_ratio, 1e-9 * loops.max_error_ratio);
  seeded_free(&a);
  seeded_free(&other);
}
