/* A Llama-style decoder layer (include/accelbench/kernel.h, ab_decoder_layer_params),
 * composed by the harness from the suite's own kinds (bench/composite.c runs the plan this
 * table makes): RMSNorm -> Q, K, V projections -> rotary on Q and K -> attention (causal
 * prefill, or one new token against a KV cache it first appends to) -> output projection ->
 * residual add -> RMSNorm -> gate and up projections -> SwiGLU -> down projection ->
 * residual add. Weights are stored [in][out] (GEMM B operands, not transposed), as the llm
 * GEMM sets store them.
 *
 * Operands: 0 x [rows x hidden] (rows = batch x tokens; decode: batch), 1 the two RMSNorm
 * weights [2 x hidden] (f32, as the norm kind's default), 2 the attention weights Wq, Wk, Wv,
 * Wo one after another, 3 the FFN weights Wgate, Wup, Wdown, then for decode 4 the KV cache
 * (K then V, each [batch][context][kv_heads][head_dim], BSHD: the layout attention reads),
 * and last the output y [rows x hidden]. The new token's position is context - 1: each call
 * writes its K and V there (the same values every call, since x is the same), and attention
 * reads them with the context - 1 seeded positions before. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/inputs.h"
#include "model/kernel.h"
#include "model/kind.h"
#include "model/kinds/kinds.h"
#include "model/reference.h"
#include "model/util.h"

static const char *const phase_names[] = {"prefill", "decode"};

#define I64_FIELD(n, lo, opt, def)                                                                 \
  {                                                                                                \
    .name = #n, .offset = offsetof(ab_decoder_layer_params, n), .type = AB_PARAM_I64, .min = (lo), \
    .max = INT64_C(1) << 31, .optional = (opt), .dflt = (def)                                      \
  }

static const ab_param_field fields[] = {
    AB_FIELD_ENUM(ab_decoder_layer_params, phase, phase_names),
    I64_FIELD(hidden, 1, false, 0),
    I64_FIELD(heads, 1, false, 0),
    I64_FIELD(kv_heads, 1, false, 0),
    I64_FIELD(head_dim, 2, false, 0),
    I64_FIELD(ffn, 1, false, 0),
    I64_FIELD(batch, 1, true, 1),
    I64_FIELD(tokens, 1, true, 1),
    I64_FIELD(context, 0, true, 0),
    I64_FIELD(theta, 2, true, 10000),
};

static const ab_decoder_layer_params *P(const ab_kernel_desc *d) {
  return &d->params.decoder_layer;
}

static bool is_decode(const ab_kernel_desc *d) {
  return P(d)->phase == AB_DECODER_DECODE;
}

/* Rows of every activation: one per token the call processes. */
static size_t rows(const ab_kernel_desc *d) {
  return (size_t)P(d)->batch * (size_t)(is_decode(d) ? 1 : P(d)->tokens);
}

/* Positions attention covers per sequence. */
static size_t kv_len(const ab_kernel_desc *d) {
  return (size_t)(is_decode(d) ? P(d)->context : P(d)->tokens);
}

static size_t q_width(const ab_kernel_desc *d) {
  return (size_t)P(d)->heads * (size_t)P(d)->head_dim;
}

static size_t kv_width(const ab_kernel_desc *d) {
  return (size_t)P(d)->kv_heads * (size_t)P(d)->head_dim;
}

/* Elements of the attention weights (Wq, Wk, Wv, Wo) and of the FFN weights. */
static size_t attn_weight_elems(const ab_kernel_desc *d) {
  size_t h = (size_t)P(d)->hidden;
  return 2 * h * q_width(d) + 2 * h * kv_width(d);
}

static size_t ffn_weight_elems(const ab_kernel_desc *d) {
  return 3 * (size_t)P(d)->hidden * (size_t)P(d)->ffn;
}

static size_t cache_elems(const ab_kernel_desc *d) {
  return 2 * (size_t)P(d)->batch * kv_len(d) * kv_width(d);
}

static size_t operand_count(const ab_kernel_desc *d) {
  return is_decode(d) ? 6 : 5;
}

static void operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  size_t es = ab_dtype_size(d->dtype), h = (size_t)P(d)->hidden;
  size_t last = operand_count(d) - 1;
  if (i == last) {
    *out = (ab_operand_def){AB_OPERAND_OUTPUT, d->out_dtype,
                            rows(d) * h * ab_dtype_size(d->out_dtype), AB_DIST_UNIFORM};
    return;
  }
  switch (i) {
  case 0:
    *out = (ab_operand_def){AB_OPERAND_INPUT, d->dtype, rows(d) * h * es, AB_DIST_UNIFORM};
    return;
  case 1:
    *out = (ab_operand_def){AB_OPERAND_INPUT, AB_DTYPE_F32, 2 * h * 4, AB_DIST_UNIFORM};
    return;
  case 2:
    *out = (ab_operand_def){AB_OPERAND_INPUT, d->dtype, attn_weight_elems(d) * es, AB_DIST_KIND};
    return;
  case 3:
    *out = (ab_operand_def){AB_OPERAND_INPUT, d->dtype, ffn_weight_elems(d) * es, AB_DIST_KIND};
    return;
  default:
    *out = (ab_operand_def){AB_OPERAND_INPUT, d->dtype, cache_elems(d) * es, AB_DIST_UNIFORM};
    return;
  }
}

/* ---- the plan ------------------------------------------------------------------------- */

typedef struct planner {
  ab_composite_plan *p;
  const ab_kernel_desc *d;
} planner;

static uint32_t add_buffer(planner *pl, const char *name, int operand, size_t offset,
                           size_t bytes) {
  ab_composite_plan *p = pl->p;
  p->buffers[p->n_buffers] = (ab_composite_buffer){name, operand, offset, bytes};
  return (uint32_t)p->n_buffers++;
}

static uint32_t scratch(planner *pl, const char *name, size_t elems) {
  return add_buffer(pl, name, AB_COMPOSITE_SCRATCH, 0, elems * ab_dtype_size(pl->d->dtype));
}

static ab_kernel_desc step_desc(const ab_kernel_desc *d, ab_kernel_kind kind) {
  ab_kernel_desc s;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.kind = kind;
  s.dtype = d->dtype;
  s.out_dtype = d->dtype;
  return s;
}

static void add_kernel(planner *pl, const char *name, const ab_kernel_desc *desc, bool weights,
                       uint32_t b0, uint32_t b1, uint32_t b2, uint32_t b3) {
  ab_composite_step *s = &pl->p->steps[pl->p->n_steps++];
  memset(s, 0, sizeof *s);
  s->type = AB_STEP_KERNEL;
  s->name = name;
  s->desc = *desc;
  s->weights_provider = weights;
  uint32_t b[4] = {b0, b1, b2, b3};
  memcpy(s->buffers, b, sizeof b);
}

/* out[rows x n] = in[rows x k] W[k x n]. */
static void add_gemm(planner *pl, const char *name, uint32_t in, uint32_t w, uint32_t out, size_t n,
                     size_t k) {
  ab_kernel_desc g = step_desc(pl->d, AB_KERNEL_GEMM);
  g.params.gemm = (ab_gemm_params){.m = (int64_t)rows(pl->d), .n = (int64_t)n, .k = (int64_t)k};
  add_kernel(pl, name, &g, true, in, w, out, 0);
}

static void add_rmsnorm(planner *pl, const char *name, uint32_t x, uint32_t g, uint32_t y) {
  ab_kernel_desc n = step_desc(pl->d, AB_KERNEL_NORM);
  n.params.norm = (ab_norm_params){
      .rows = (int64_t)rows(pl->d), .hidden = P(pl->d)->hidden, .op = AB_NORM_RMSNORM};
  add_kernel(pl, name, &n, false, x, g, y, 0);
}

static void add_rotary(planner *pl, const char *name, uint32_t x, uint32_t y, int64_t heads) {
  const ab_decoder_layer_params *p = P(pl->d);
  ab_kernel_desc r = step_desc(pl->d, AB_KERNEL_ROTARY);
  r.params.rotary = (ab_rotary_params){.tokens = (int64_t)rows(pl->d),
                                       .heads = heads,
                                       .head_dim = p->head_dim,
                                       .theta = p->theta,
                                       .position = is_decode(pl->d) ? p->context - 1 : 0,
                                       .period = is_decode(pl->d) ? 1 : p->tokens};
  add_kernel(pl, name, &r, false, x, y, 0, 0);
}

static void add_add(planner *pl, const char *name, uint32_t a, uint32_t b, uint32_t c) {
  ab_kernel_desc e = step_desc(pl->d, AB_KERNEL_ELEMENTWISE);
  e.params.elementwise = (ab_elementwise_params){
      .elements = (int64_t)(rows(pl->d) * (size_t)P(pl->d)->hidden), .op = AB_ELEMENTWISE_ADD};
  add_kernel(pl, name, &e, false, a, b, c, 0);
}

/* Decode: each sequence's new K (or V) row goes to position context - 1 of its cache. */
static void add_append(planner *pl, const char *name, uint32_t src, uint32_t cache) {
  size_t row = kv_width(pl->d) * ab_dtype_size(pl->d->dtype);
  ab_composite_step *s = &pl->p->steps[pl->p->n_steps++];
  memset(s, 0, sizeof *s);
  *s = (ab_composite_step){.type = AB_STEP_COPY,
                           .name = name,
                           .src = src,
                           .dst = cache,
                           .src_stride = row,
                           .dst_offset = (kv_len(pl->d) - 1) * row,
                           .dst_stride = kv_len(pl->d) * row,
                           .bytes = row,
                           .count = (size_t)P(pl->d)->batch};
}

/* The buffers the weights and inputs come from: slices of the case's operands. */
typedef struct layer_inputs {
  uint32_t x, g1, g2, wq, wk, wv, wo, wg, wu, wd, y, kc, vc;
} layer_inputs;

static layer_inputs input_buffers(planner *pl) {
  const ab_kernel_desc *d = pl->d;
  size_t es = ab_dtype_size(d->dtype), h = (size_t)P(d)->hidden, f = (size_t)P(d)->ffn;
  size_t q = q_width(d), kv = kv_width(d);
  layer_inputs in;
  in.x = add_buffer(pl, "x", 0, 0, rows(d) * h * es);
  in.g1 = add_buffer(pl, "attn_norm.weight", 1, 0, h * 4);
  in.g2 = add_buffer(pl, "ffn_norm.weight", 1, h * 4, h * 4);
  in.wq = add_buffer(pl, "wq", 2, 0, h * q * es);
  in.wk = add_buffer(pl, "wk", 2, h * q * es, h * kv * es);
  in.wv = add_buffer(pl, "wv", 2, h * (q + kv) * es, h * kv * es);
  in.wo = add_buffer(pl, "wo", 2, h * (q + 2 * kv) * es, q * h * es);
  in.wg = add_buffer(pl, "w_gate", 3, 0, h * f * es);
  in.wu = add_buffer(pl, "w_up", 3, h * f * es, h * f * es);
  in.wd = add_buffer(pl, "w_down", 3, 2 * h * f * es, f * h * es);
  size_t cache = cache_elems(d) / 2 * es;
  in.kc = is_decode(d) ? add_buffer(pl, "k_cache", 4, 0, cache) : 0;
  in.vc = is_decode(d) ? add_buffer(pl, "v_cache", 4, cache, cache) : 0;
  in.y =
      add_buffer(pl, "y", (int)operand_count(d) - 1, 0, rows(d) * h * ab_dtype_size(d->out_dtype));
  return in;
}

static void attention_step(planner *pl, uint32_t q, uint32_t k, uint32_t v, uint32_t out) {
  const ab_decoder_layer_params *p = P(pl->d);
  ab_kernel_desc a = step_desc(pl->d, AB_KERNEL_ATTENTION);
  a.layout = AB_LAYOUT_BSHD;
  a.params.attention = (ab_attention_params){.batch = p->batch,
                                             .q_heads = p->heads,
                                             .kv_heads = p->kv_heads,
                                             .head_dim = p->head_dim,
                                             .q_len = is_decode(pl->d) ? 1 : p->tokens,
                                             .kv_len = (int64_t)kv_len(pl->d),
                                             .causal = 1};
  add_kernel(pl, "attention", &a, false, q, k, v, out);
}

static void plan_layer(const ab_kernel_desc *d, ab_composite_plan *plan) {
  memset(plan, 0, sizeof *plan);
  planner pl = {plan, d};
  size_t r = rows(d), h = (size_t)P(d)->hidden, f = (size_t)P(d)->ffn;
  size_t q = q_width(d), kv = kv_width(d);
  layer_inputs in = input_buffers(&pl);
  uint32_t hn = scratch(&pl, "normed", r * h), qb = scratch(&pl, "q", r * q),
           kb = scratch(&pl, "k", r * kv), vb = scratch(&pl, "v", r * kv),
           qr = scratch(&pl, "q_rot", r * q), kr = scratch(&pl, "k_rot", r * kv),
           att = scratch(&pl, "attn", r * q), ob = scratch(&pl, "proj", r * h),
           x2 = scratch(&pl, "residual", r * h), gb = scratch(&pl, "gate", r * f),
           ub = scratch(&pl, "up", r * f), ab = scratch(&pl, "swiglu", r * f);
  add_rmsnorm(&pl, "attn_norm", in.x, in.g1, hn);
  add_gemm(&pl, "q_proj", hn, in.wq, qb, q, h);
  add_gemm(&pl, "k_proj", hn, in.wk, kb, kv, h);
  add_gemm(&pl, "v_proj", hn, in.wv, vb, kv, h);
  add_rotary(&pl, "rope_q", qb, qr, P(d)->heads);
  add_rotary(&pl, "rope_k", kb, kr, P(d)->kv_heads);
  if (is_decode(d)) {
    add_append(&pl, "kv_append_k", kr, in.kc);
    add_append(&pl, "kv_append_v", vb, in.vc);
    attention_step(&pl, qr, in.kc, in.vc, att);
  } else {
    attention_step(&pl, qr, kr, vb, att);
  }
  add_gemm(&pl, "o_proj", att, in.wo, ob, h, q);
  add_add(&pl, "attn_residual", in.x, ob, x2);
  add_rmsnorm(&pl, "ffn_norm", x2, in.g2, hn);
  add_gemm(&pl, "gate_proj", hn, in.wg, gb, f, h);
  add_gemm(&pl, "up_proj", hn, in.wu, ub, f, h);
  ab_kernel_desc sw = step_desc(d, AB_KERNEL_ACTIVATION);
  sw.params.activation =
      (ab_activation_params){.rows = (int64_t)r, .cols = (int64_t)f, .op = AB_ACT_SWIGLU};
  add_kernel(&pl, "swiglu", &sw, false, gb, ub, ab, 0);
  add_gemm(&pl, "down_proj", ab, in.wd, ob, h, f);
  add_add(&pl, "ffn_residual", x2, ob, in.y);
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len);

static ab_status compose(const ab_kernel_desc *d, ab_composite_plan *plan, char *msg, size_t len) {
  ab_status st = check(d, msg, len);
  if (st == AB_OK)
    plan_layer(d, plan);
  return st;
}

/* ---- work ------------------------------------------------------------------------------ */

/* The layer's work is its steps' work: one place counts each kind's FLOPs and bytes. */
static double sum_steps(const ab_kernel_desc *d, double (*of)(const ab_kernel_desc *)) {
  ab_composite_plan *plan = malloc(sizeof *plan);
  double sum = 0.0;
  if (!plan)
    return NAN;
  plan_layer(d, plan);
  for (size_t i = 0; i < plan->n_steps; i++)
    if (plan->steps[i].type == AB_STEP_KERNEL)
      sum += of(&plan->steps[i].desc);
  free(plan);
  return sum;
}

static double flops(const ab_kernel_desc *d) {
  return sum_steps(d, ab_kernel_flops);
}

/* Each step's traffic, plus the KV append's read and write. */
static double bytes(const ab_kernel_desc *d) {
  double append =
      is_decode(d) ? 4.0 * (double)(rows(d) * kv_width(d) * ab_dtype_size(d->dtype)) : 0.0;
  return sum_steps(d, ab_kernel_bytes) + append;
}

static double tokens(const ab_kernel_desc *d) {
  return (double)rows(d);
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len) {
  const ab_decoder_layer_params *p = P(d);
  ab_status st = ab_kind_check_float(d, 0, msg, len);
  if (st != AB_OK)
    return st;
  if (d->out_dtype != d->dtype) {
    ab_msgf(msg, len, "decoder_layer: out dtype %s differs from dtype %s (one dtype per layer)",
            ab_dtype_str(d->out_dtype), ab_dtype_str(d->dtype));
    return AB_E_INVALID;
  }
  if (p->heads % p->kv_heads || p->head_dim % 2) {
    ab_msgf(msg, len,
            "decoder_layer heads=%lld kv_heads=%lld head_dim=%lld: expected heads a multiple "
            "of kv_heads and an even head_dim",
            (long long)p->heads, (long long)p->kv_heads, (long long)p->head_dim);
    return AB_E_INVALID;
  }
  if (is_decode(d) ? (p->tokens != 1 || p->context < 1) : p->context != 0) {
    ab_msgf(msg, len, "decoder_layer %s tokens=%lld context=%lld: expected %s",
            phase_names[p->phase], (long long)p->tokens, (long long)p->context,
            is_decode(d) ? "tokens 1 (one new token per sequence) and context >= 1"
                         : "no context (prefill attends its own tokens)");
    return AB_E_INVALID;
  }
  size_t es = ab_dtype_size(d->dtype);
  if (ab_kind_elems_overflow(p->batch, p->tokens, p->hidden > p->ffn ? p->hidden : p->ffn, es) ||
      ab_kind_elems_overflow(p->hidden, p->ffn, 3, es) ||
      ab_kind_elems_overflow(p->hidden, p->heads + p->kv_heads, 2 * p->head_dim, es) ||
      ab_kind_elems_overflow(p->batch, p->context + 1, 2 * p->kv_heads * p->head_dim, es)) {
    ab_msgf(msg, len, "decoder_layer shape: operand size overflows");
    return AB_E_INVALID;
  }
  return AB_OK;
}

static void shape_str(const ab_kernel_desc *d, char *buf, size_t len) {
  const ab_decoder_layer_params *p = P(d);
  char pos[40], theta[32] = "";
  if (is_decode(d))
    snprintf(pos, sizeof pos, "decode b%lld ctx%lld", (long long)p->batch, (long long)p->context);
  else
    snprintf(pos, sizeof pos, "prefill b%lld t%lld", (long long)p->batch, (long long)p->tokens);
  if (p->theta != 10000)
    snprintf(theta, sizeof theta, " theta%lld", (long long)p->theta);
  snprintf(buf, len, "%s h%lld q%lld/kv%lldx%lld ffn%lld%s", pos, (long long)p->hidden,
           (long long)p->heads, (long long)p->kv_heads, (long long)p->head_dim, (long long)p->ffn,
           theta);
}

/* ---- inputs -------------------------------------------------------------------------- */

/* Uniform weights in [-s, s) with s = 2^-ceil(log2(fan_in) / 2), about 1/sqrt(fan_in), so
 * that every projection keeps its outputs of the order of its inputs, as trained weights
 * do; unscaled, the activations would grow by sqrt(fan_in) per GEMM and the softmax would
 * saturate. A power of two, so scaling loses nothing but subnormals. */
static void fill_scaled(void *dst, ab_dtype t, size_t from, size_t count, size_t fan_in) {
  double s = ldexp(1.0, -(int)ceil(log2((double)fan_in) / 2.0));
  for (size_t i = from; i < from + count; i++)
    ab_store_from_double(dst, t, i, ab_load_as_double(dst, t, i) * s);
}

static void fill(const ab_kernel_desc *d, size_t op, void *dst, uint64_t seed) {
  size_t h = (size_t)P(d)->hidden, f = (size_t)P(d)->ffn, q = q_width(d), kv = kv_width(d);
  size_t count = op == 2 ? attn_weight_elems(d) : ffn_weight_elems(d);
  ab_fill_random(dst, d->dtype, count, seed);
  if (op == 2) {
    fill_scaled(dst, d->dtype, 0, h * (q + 2 * kv), h); /* Wq, Wk, Wv read hidden inputs */
    fill_scaled(dst, d->dtype, h * (q + 2 * kv), q * h, q);
  } else {
    fill_scaled(dst, d->dtype, 0, 2 * h * f, h);
    fill_scaled(dst, d->dtype, 2 * h * f, f * h, f);
  }
}

/* ---- float64 reference ---------------------------------------------------------------- */

/* Rows of W converted to double per block: small enough to stay in a core's L2 cache while
 * every row of activations streams past it. */
#define REF_BLOCK 8
/* Activation rows sharing each load of W (a 4-row register block). */
#define REF_ROWS 4

/* out[r][j] += sum over the block's kk of a[r][k0 + kk] blk[kk][j], for up to REF_ROWS rows
 * r0.. at once; abs_out likewise with |products| when given. */
static void ref_block(const double *a, size_t k, size_t k0, size_t kb, const double *blk, size_t n,
                      size_t r0, size_t nr, double *out, double *abs_out) {
  for (size_t kk = 0; kk < kb; kk++) {
    const double *wr = blk + kk * n;
    double av[REF_ROWS] = {0};
    double *o[REF_ROWS];
    for (size_t i = 0; i < REF_ROWS; i++) {
      size_t r = r0 + (i < nr ? i : 0);
      av[i] = i < nr ? a[r * k + k0 + kk] : 0.0;
      o[i] = out + r * n;
    }
    for (size_t j = 0; j < n; j++) {
      double w = wr[j];
      for (size_t i = 0; i < nr; i++)
        o[i][j] += av[i] * w;
    }
    for (size_t i = 0; abs_out && i < nr; i++)
      for (size_t j = 0; j < n; j++)
        abs_out[(r0 + i) * n + j] += fabs(av[i] * wr[j]);
  }
}

/* The loops' version of ref_gemm, for a harness without a host BLAS. */
static bool ref_gemm_loops(const double *a, size_t n_rows, size_t k, const void *w, ab_dtype t,
                           size_t w0, size_t n, double *out, double *abs_out) {
  double *blk = malloc(REF_BLOCK * n * sizeof *blk);
  if (!blk)
    return false;
  memset(out, 0, n_rows * n * sizeof *out);
  if (abs_out)
    memset(abs_out, 0, n_rows * n * sizeof *abs_out);
  for (size_t k0 = 0; k0 < k; k0 += REF_BLOCK) {
    size_t kb = k - k0 < REF_BLOCK ? k - k0 : REF_BLOCK;
    for (size_t i = 0; i < kb * n; i++)
      blk[i] = ab_load_as_double(w, t, w0 + k0 * n + i);
    for (size_t r = 0; r < n_rows; r += REF_ROWS)
      ref_block(a, k, k0, kb, blk, n, r, n_rows - r < REF_ROWS ? n_rows - r : REF_ROWS, out,
                abs_out);
  }
  free(blk);
  return true;
}

/* Rows of W converted to float64 per host-BLAS call: a few MiB at any width. */
#define REF_PANEL_ROWS 128

/* out (+)= a[:, k0..k0+kp) panel, row-major, through the trusted host dgemm. */
static void panel_dgemm(const ab_host_blas *blas, const double *a, size_t n_rows, size_t k,
                        size_t k0, size_t kp, const double *panel, size_t n, double *out) {
  blas->dgemm(AB_CBLAS_ROW_MAJOR, AB_CBLAS_NO_TRANS, AB_CBLAS_NO_TRANS, (int)n_rows, (int)n,
              (int)kp, 1.0, a + k0, (int)k, panel, (int)n, k0 == 0 ? 0.0 : 1.0, out, (int)n);
}

/* The same product through the host BLAS (bench/hostblas.c: the library the GEMM kind's
 * whole reference trusts), panel by panel of W; the absolute sums as |a| times |W|, which
 * is sum_k |a_rk w_kj| exactly. The loops cost as much host time as the layer's GEMMs on
 * the device under test; dgemm a small part of it. */
static bool ref_gemm_blas(const ab_host_blas *blas, const double *a, size_t n_rows, size_t k,
                          const void *w, ab_dtype t, size_t w0, size_t n, double *out,
                          double *abs_out) {
  double *panel = malloc(REF_PANEL_ROWS * n * sizeof *panel);
  double *a_abs = abs_out ? malloc(n_rows * k * sizeof *a_abs) : NULL;
  bool ok = panel && (!abs_out || a_abs);
  for (size_t i = 0; ok && abs_out && i < n_rows * k; i++)
    a_abs[i] = fabs(a[i]);
  for (size_t k0 = 0; ok && k0 < k; k0 += REF_PANEL_ROWS) {
    size_t kp = k - k0 < REF_PANEL_ROWS ? k - k0 : REF_PANEL_ROWS;
    ab_load_span_as_double(w, t, w0 + k0 * n, 1, kp * n, panel);
    panel_dgemm(blas, a, n_rows, k, k0, kp, panel, n, out);
    if (!abs_out)
      continue;
    for (size_t i = 0; i < kp * n; i++)
      panel[i] = fabs(panel[i]);
    panel_dgemm(blas, a_abs, n_rows, k, k0, kp, panel, n, abs_out);
  }
  free(panel);
  free(a_abs);
  return ok;
}

/* out[r][j] = sum_k a[r][k] w[k][j] for r < n_rows, with w (k x n) in dtype t at element
 * `w0` of `w`; abs_out (optional) gets sum_k |a[r][k] w[k][j]|. False when memory ran out. */
static bool ref_gemm(const ab_host_blas *blas, const double *a, size_t n_rows, size_t k,
                     const void *w, ab_dtype t, size_t w0, size_t n, double *out, double *abs_out) {
  if (blas && k > 0 && k <= INT_MAX && n <= INT_MAX && n_rows <= INT_MAX)
    return ref_gemm_blas(blas, a, n_rows, k, w, t, w0, n, out, abs_out);
  return ref_gemm_loops(a, n_rows, k, w, t, w0, n, out, abs_out);
}

static void ref_rmsnorm(const double *x, size_t n_rows, size_t h, const float *g, double *y) {
  for (size_t r = 0; r < n_rows; r++) {
    double ss = 0.0;
    for (size_t i = 0; i < h; i++)
      ss += x[r * h + i] * x[r * h + i];
    double rstd = 1.0 / sqrt(ss / (double)h + AB_NORM_EPS);
    for (size_t i = 0; i < h; i++)
      y[r * h + i] = x[r * h + i] * rstd * (double)g[i];
  }
}

/* Rotate-half RoPE of `heads` heads per row, row r at position pos(r). */
static void ref_rotary(const ab_kernel_desc *d, double *x, size_t n_rows, size_t heads) {
  const ab_decoder_layer_params *p = P(d);
  size_t dim = (size_t)p->head_dim, half = dim / 2;
  for (size_t r = 0; r < n_rows; r++) {
    double pos = is_decode(d) ? (double)(p->context - 1) : (double)(r % (size_t)p->tokens);
    for (size_t i = 0; i < half; i++) {
      double angle = pos * pow((double)p->theta, -2.0 * (double)i / (double)dim);
      double c = cos(angle), s = sin(angle);
      for (size_t n = 0; n < heads; n++) {
        double *v = x + (r * heads + n) * dim;
        double a = v[i], b = v[i + half];
        v[i] = a * c - b * s;
        v[i + half] = b * c + a * s;
      }
    }
  }
}

/* Everything the reference keeps: float64 activations, [rows x width] each. */
typedef struct ref_state {
  const ab_kernel_desc *d;
  const ab_check_io *io;
  size_t r, h, f, q, kv;
  double *x, *hn, *qv, *kvk, *kvv, *att, *o, *o_abs, *x2, *gate, *up, *down, *down_abs, *scores;
} ref_state;

/* Key (or value) j of sequence b for KV head n: prefill reads the layer's own rows; decode
 * reads the seeded cache, the new token (row b) at position context - 1. */
static const double *kv_row(const ref_state *s, const double *fresh, size_t which, size_t b,
                            size_t j, size_t n, double *tmp) {
  const ab_kernel_desc *d = s->d;
  size_t dim = (size_t)P(d)->head_dim, ctx = kv_len(d);
  if (!is_decode(d))
    return fresh + ((b * ctx + j) * s->kv + n * dim);
  if (j == ctx - 1)
    return fresh + (b * s->kv + n * dim);
  size_t base = which * (size_t)P(d)->batch * ctx * s->kv + (b * ctx + j) * s->kv + n * dim;
  for (size_t i = 0; i < dim; i++)
    tmp[i] = ab_load_as_double(s->io->host[4], d->dtype, base + i);
  return tmp;
}

static void ref_attention(ref_state *s) {
  const ab_decoder_layer_params *p = P(s->d);
  size_t dim = (size_t)p->head_dim, ctx = kv_len(s->d), group = (size_t)(p->heads / p->kv_heads);
  size_t q_len = is_decode(s->d) ? 1 : ctx;
  double scale = 1.0 / sqrt((double)dim), tmp[2048 * 2];
  double *kt = tmp, *vt = tmp + 2048;
  for (size_t b = 0; b < (size_t)p->batch; b++)
    for (size_t t = 0; t < q_len; t++)
      for (size_t hd = 0; hd < (size_t)p->heads; hd++) {
        size_t row = b * q_len + t, n = hd / group, last = ctx - q_len + t;
        const double *qv = s->qv + row * s->q + hd * dim;
        double m = -INFINITY, sum = 0.0;
        for (size_t j = 0; j <= last; j++) {
          const double *k = kv_row(s, s->kvk, 0, b, j, n, kt);
          double dot = 0.0;
          for (size_t i = 0; i < dim; i++)
            dot += qv[i] * k[i];
          s->scores[j] = dot * scale;
          m = s->scores[j] > m ? s->scores[j] : m;
        }
        double *out = s->att + row * s->q + hd * dim;
        memset(out, 0, dim * sizeof *out);
        for (size_t j = 0; j <= last; j++) {
          double w = exp(s->scores[j] - m);
          const double *v = kv_row(s, s->kvv, 1, b, j, n, vt);
          sum += w;
          for (size_t i = 0; i < dim; i++)
            out[i] += w * v[i];
        }
        for (size_t i = 0; i < dim; i++)
          out[i] /= sum;
      }
}

/* Every array of the reference and its element count. */
#define REF_ARRAYS 14
static void ref_arrays(ref_state *s, double **ptrs[REF_ARRAYS], size_t counts[REF_ARRAYS]) {
  size_t rh = s->r * s->h, rq = s->r * s->q, rkv = s->r * s->kv, rf = s->r * s->f;
  double **p[REF_ARRAYS] = {&s->x,   &s->hn,   &s->qv,       &s->kvk,   &s->kvv,
                            &s->att, &s->o,    &s->o_abs,    &s->x2,    &s->gate,
                            &s->up,  &s->down, &s->down_abs, &s->scores};
  size_t n[REF_ARRAYS] = {rh, rh, rq, rkv, rkv, rq, rh, rh, rh, rf, rf, rh, rh, kv_len(s->d)};
  memcpy(ptrs, p, sizeof p);
  memcpy(counts, n, sizeof n);
}

static void ref_free(ref_state *s) {
  double **p[REF_ARRAYS];
  size_t n[REF_ARRAYS];
  ref_arrays(s, p, n);
  for (size_t i = 0; i < REF_ARRAYS; i++)
    free(*p[i]);
}

static bool ref_alloc(ref_state *s) {
  double **p[REF_ARRAYS];
  size_t n[REF_ARRAYS];
  bool ok = true;
  ref_arrays(s, p, n);
  for (size_t i = 0; i < REF_ARRAYS; i++) {
    *p[i] = malloc(n[i] * sizeof(double));
    ok &= *p[i] != NULL;
  }
  return ok;
}

/* The whole layer in float64 from the host copies of the inputs. */
static bool ref_layer(ref_state *s) {
  const ab_kernel_desc *d = s->d;
  const void *const *host = s->io->host;
  ab_dtype t = d->dtype;
  size_t r = s->r, h = s->h, f = s->f, q = s->q, kv = s->kv;
  const float *g = host[1];
  for (size_t i = 0; i < r * h; i++)
    s->x[i] = ab_load_as_double(host[0], t, i);
  ref_rmsnorm(s->x, r, h, g, s->hn);
  bool ok = ref_gemm(s->io->blas, s->hn, r, h, host[2], t, 0, q, s->qv, NULL) &&
            ref_gemm(s->io->blas, s->hn, r, h, host[2], t, h * q, kv, s->kvk, NULL) &&
            ref_gemm(s->io->blas, s->hn, r, h, host[2], t, h * (q + kv), kv, s->kvv, NULL);
  if (!ok)
    return false;
  ref_rotary(d, s->qv, r, (size_t)P(d)->heads);
  ref_rotary(d, s->kvk, r, (size_t)P(d)->kv_heads);
  ref_attention(s);
  if (!ref_gemm(s->io->blas, s->att, r, q, host[2], t, h * (q + 2 * kv), h, s->o, s->o_abs))
    return false;
  for (size_t i = 0; i < r * h; i++)
    s->x2[i] = s->x[i] + s->o[i];
  ref_rmsnorm(s->x2, r, h, g + h, s->hn);
  if (!ref_gemm(s->io->blas, s->hn, r, h, host[3], t, 0, f, s->gate, NULL) ||
      !ref_gemm(s->io->blas, s->hn, r, h, host[3], t, h * f, f, s->up, NULL))
    return false;
  for (size_t i = 0; i < r * f; i++)
    s->gate[i] = s->gate[i] / (1.0 + exp(-s->gate[i])) * s->up[i];
  return ref_gemm(s->io->blas, s->gate, r, f, host[3], t, 2 * h * f, h, s->down, s->down_abs);
}

/* Stages on the longest path from x to y that round (docs/measurement.md, "Decoder layer"):
 * norm, projection, rotary, attention, projection, add, norm, projection, SwiGLU,
 * projection, add. */
#define DECODER_DEPTH 11.0

/* Tolerance of output element i (docs/measurement.md, "Decoder layer"): a first-order
 * bound in the form of Higham's gamma_n (Accuracy and Stability of Numerical Algorithms,
 * 2nd ed., Lemma 3.1 and sec. 3.5): each of the DEPTH rounding stages adds at most
 * gamma_K(u) of the compute precision, with K the longest reduction of the layer, plus one
 * rounding u_s of the stored dtype, relative to the magnitude of what it computes; the
 * errors reaching y_i are bounded by that relative error times A_i = |x_i| + sum_j
 * |attn_j Wo_ji| + sum_k |a_k Wd_ki|, the absolute values of the terms y_i sums. The final
 * store rounds once more. */
static double tolerance(const ab_kernel_desc *d, double a, double ref, double u) {
  const ab_decoder_layer_params *p = P(d);
  double k = (double)(p->hidden > p->ffn ? p->hidden : p->ffn);
  k = k > (double)kv_len(d) ? k : (double)kv_len(d);
  double us = ab_unit_roundoff(d->dtype);
  return DECODER_DEPTH * (ab_kind_gamma(k, u) + 2.0 * us) * a + us * fabs(ref) +
         ab_kind_floor(d->out_dtype);
}

/* The reference of the last case checked, y and A per element: a suite runs each shape once
 * per provider on the same host inputs (the runner keeps them per descriptor), and the
 * float64 layer costs as much host time as the layer's GEMMs, so the next provider's check
 * reuses it. Keyed by the descriptor and a fingerprint of every input's bytes at both ends;
 * the harness checks one case at a time per process. */
typedef struct ref_cache {
  ab_kernel_desc d;
  uint64_t print;
  double *y, *a;
} ref_cache;

static ref_cache cache;

/* FNV-1a over the first and last 256 bytes of each input. */
static uint64_t fingerprint(const ab_check_io *io) {
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t op = 0; op + 1 < operand_count(io->desc); op++) {
    ab_operand_def o;
    operand(io->desc, op, &o);
    const unsigned char *b = io->host[op];
    size_t n = o.bytes < 256 ? o.bytes : 256;
    for (size_t i = 0; i < n; i++) {
      h = (h ^ b[i]) * 0x100000001b3u;
      h = (h ^ b[o.bytes - 1 - i]) * 0x100000001b3u;
    }
  }
  return h;
}

static bool cached(const ab_check_io *io, uint64_t print) {
  return cache.y && cache.print == print && memcmp(&cache.d, io->desc, sizeof cache.d) == 0;
}

static void drop_cache(void) {
  free(cache.y);
  free(cache.a);
  memset(&cache, 0, sizeof cache);
}

/* Computes the reference into the cache; false when host memory ran out. */
static bool compute_reference(const ab_check_io *io, uint64_t print) {
  const ab_kernel_desc *d = io->desc;
  ref_state s = {.d = d,
                 .io = io,
                 .r = rows(d),
                 .h = (size_t)P(d)->hidden,
                 .f = (size_t)P(d)->ffn,
                 .q = q_width(d),
                 .kv = kv_width(d)};
  drop_cache();
  bool ok = ref_alloc(&s) && ref_layer(&s);
  if (ok) {
    cache.y = malloc(s.r * s.h * sizeof *cache.y);
    cache.a = malloc(s.r * s.h * sizeof *cache.a);
    ok = cache.y && cache.a;
  }
  for (size_t i = 0; ok && i < s.r * s.h; i++) {
    cache.y[i] = s.x2[i] + s.down[i];
    cache.a[i] = fabs(s.x[i]) + s.o_abs[i] + s.down_abs[i];
  }
  ref_free(&s);
  if (!ok) {
    drop_cache();
    return false;
  }
  cache.d = *d;
  cache.print = print;
  return true;
}

static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  const ab_kernel_desc *d = io->desc;
  if ((size_t)P(d)->head_dim > 2048) {
    ab_msgf(msg, AB_MSG_LEN, "decoder_layer reference: head_dim above 2048");
    return AB_E_INVALID;
  }
  uint64_t print = fingerprint(io);
  if (!cached(io, print) && !compute_reference(io, print)) {
    ab_msgf(msg, AB_MSG_LEN, "decoder_layer reference: out of host memory");
    return AB_E_NOMEM;
  }
  const void *y = io->read_all(io->ctx, operand_count(d) - 1, msg);
  if (!y)
    return AB_E_DEVICE;
  double u = ab_kind_compute_roundoff(io);
  size_t n = rows(d) * (size_t)P(d)->hidden;
  ab_cmp_begin(v, (uint64_t)n,
               "|err| <= 11 (gamma_K(u) + 2u_s) A_i + u_s|ref|, A_i = |x|+sum|attn Wo|+sum|a Wd|");
  for (size_t i = 0; i < n; i++)
    ab_cmp_element(v, ab_load_as_double(y, d->out_dtype, i), cache.y[i],
                   tolerance(d, cache.a[i], cache.y[i], u));
  return AB_OK;
}

const ab_kind_def ab_kind_decoder_layer = {
    .kind = AB_KERNEL_DECODER_LAYER,
    .fields = fields,
    .n_fields = sizeof fields / sizeof fields[0],
    .metric = AB_METRIC_TOKENS,
    .bound = AB_BOUND_NONE,
    .flops = flops,
    .bytes = bytes,
    .tokens = tokens,
    .operand_count = operand_count,
    .operand = operand,
    .check = check,
    .shape_str = shape_str,
    .validate = validate,
    .tolerance_source = "first-order forward error bound in the form of Higham, Accuracy and "
                        "Stability of Numerical Algorithms, 2nd ed., Lemma 3.1 and sec. 3.5, "
                        "over the layer's 11 rounding stages; docs/measurement.md",
    .compose = compose,
    .fill = fill,
};
