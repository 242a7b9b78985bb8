/* accelbench portable CUDA kernels — attention planner (kernels in cuk_attention.cu): the
 * tiled prefill kernel where a block has enough query rows to share its key tiles, the
 * decode kernel (a block per query row) otherwise. */
#include <math.h>
#include <stdio.h>

#include "cuk_internal.h"

/* Query rows from which the tiled kernel pays off: below, most of a tile's rows would idle. */
#define ATT_TILE_MIN_Q 16

enum { ATT_Q = 0, ATT_K = 1, ATT_V = 2, ATT_O = 3 };

static ab_status att_types(const ab_kernel_desc *d, ab_dtype types[3], char *msg) {
  types[0] = ab_operand_dtype(d, ATT_Q, d->dtype);
  types[1] = ab_operand_dtype(d, ATT_K, d->dtype);
  types[2] = ab_operand_dtype(d, ATT_O, d->out_dtype);
  ab_dtype v = ab_operand_dtype(d, ATT_V, d->dtype);
  if (v != types[1]) {
    snprintf(msg, AB_MSG_LEN,
             "attention: K %s and V %s: the portable CUDA kernel takes one KV "
             "cache dtype",
             ab_dtype_str(types[1]), ab_dtype_str(v));
    return AB_E_UNSUPPORTED;
  }
  static const char *const what[] = {"attention Q", "attention K/V", "attention O"};
  for (size_t i = 0; i < 3; i++)
    if (!cuk_float_dtype(types[i], what[i], msg))
      return AB_E_UNSUPPORTED;
  return AB_OK;
}

static ab_status att_shape(const ab_attention_params *p, char *msg) {
  if (p->batch < 1 || p->q_heads < 1 || p->kv_heads < 1 || p->head_dim < 1 || p->q_len < 1 ||
      p->kv_len < 1 || p->q_heads % p->kv_heads || (p->causal && p->q_len > p->kv_len)) {
    snprintf(msg, AB_MSG_LEN,
             "attention: batch=%lld q_heads=%lld kv_heads=%lld head_dim=%lld "
             "q_len=%lld kv_len=%lld causal=%d: expected positive sizes, q_heads a multiple of "
             "kv_heads and (causal) q_len <= kv_len",
             (long long)p->batch, (long long)p->q_heads, (long long)p->kv_heads,
             (long long)p->head_dim, (long long)p->q_len, (long long)p->kv_len, (int)p->causal);
    return AB_E_INVALID;
  }
  if (p->head_dim > CUK_ATT_DEC_MAX_D) {
    snprintf(msg, AB_MSG_LEN, "attention: head_dim=%lld: the portable CUDA kernels take at most %d",
             (long long)p->head_dim, CUK_ATT_DEC_MAX_D);
    return AB_E_UNSUPPORTED;
  }
  return AB_OK;
}

/* Element strides (batch, head, position) of a [batch][len][heads][d] (BSHD) or
 * [batch][heads][len][d] (BHSD) tensor. */
static void strides(bool bhsd, int64_t len, int64_t heads, int64_t d, long long *sb, long long *sh,
                    long long *ss) {
  *sb = len * heads * d;
  *sh = bhsd ? len * d : d;
  *ss = bhsd ? d : heads * d;
}

static cuk_attention_args att_args(const ab_kernel_desc *d) {
  const ab_attention_params *p = &d->params.attention;
  bool bhsd = d->layout == AB_LAYOUT_BHSD;
  cuk_attention_args a = {.batch = p->batch,
                          .q_heads = p->q_heads,
                          .kv_heads = p->kv_heads,
                          .head_dim = p->head_dim,
                          .q_len = p->q_len,
                          .kv_len = p->kv_len,
                          .causal = p->causal != 0,
                          .scale = 1.0 / sqrt((double)p->head_dim)};
  strides(bhsd, p->q_len, p->q_heads, p->head_dim, &a.q_sb, &a.q_sh, &a.q_ss);
  strides(bhsd, p->kv_len, p->kv_heads, p->head_dim, &a.kv_sb, &a.kv_sh, &a.kv_ss);
  return a;
}

/* The tiled kernel's tile: block_q rows share CUK_ATT_TILE_THREADS threads, each of a row's
 * threads accumulating at most CUK_ATT_TILE_COLS columns; block_k keeps the shared memory
 * below 48 KiB. 0 when the kernel does not fit the case. */
static uint32_t tile_shared(cuk_attention_args *a) {
  if (a->q_len < ATT_TILE_MIN_Q || a->head_dim > 128)
    return 0;
  a->block_q = a->head_dim <= 64 ? 64 : 32;
  a->block_k = a->head_dim <= 64 ? 32 : 16;
  long long dp = a->head_dim + 1;
  long long floats = (a->block_q + 2 * a->block_k) * dp + a->block_q * (a->block_k + 1);
  return (uint32_t)(floats * (long long)sizeof(float));
}

ab_status cuk_plan_attention(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                             cuk_launch *out, char *msg) {
  const ab_attention_params *p = &d->params.attention;
  if (d->layout != AB_LAYOUT_DEFAULT && d->layout != AB_LAYOUT_BSHD &&
      d->layout != AB_LAYOUT_BHSD) {
    snprintf(msg, AB_MSG_LEN, "attention: layout %d: expected BSHD or BHSD", (int)d->layout);
    return AB_E_INVALID;
  }
  ab_dtype types[3];
  ab_status s = cuk_operands(d, n_ptrs, 4, msg);
  if (s == AB_OK)
    s = att_shape(p, msg);
  if (s == AB_OK)
    s = att_types(d, types, msg);
  if (s != AB_OK)
    return s;
  cuk_attention_args a = att_args(d);
  uint32_t shared = tile_shared(&a);
  double rows = (double)p->batch * (double)p->q_heads;
  double blocks =
      shared ? rows * (double)((p->q_len + a.block_q - 1) / a.block_q) : rows * (double)p->q_len;
  if (blocks > (double)CUK_GRID_X_MAX) {
    snprintf(msg, AB_MSG_LEN,
             "attention: %.0f thread blocks: more than one launch takes (2^31 - 1)", blocks);
    return AB_E_UNSUPPORTED;
  }
  char name[64];
  cuk_name(name, sizeof name, shared ? "ab_attn_tile" : "ab_attn_dec", types, 3);
  uint32_t threads = shared ? CUK_ATT_TILE_THREADS : CUK_ATT_DEC_WARPS * 32;
  return cuk_simple(d, name, ptrs, 4, &a, sizeof a, (uint32_t)blocks, threads, shared, out, msg);
}
