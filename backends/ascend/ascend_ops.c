/* accelbench ascend backend — the aclnn operators, each in the two-phase form of facts 2.3:
 * aclnnXxxGetWorkspaceSize builds a single-use executor and says how much workspace it
 * needs (kept in the device's ab_vworkspace, so its bytes and reallocations are on record),
 * then aclnnXxx runs it on the stream. Both phases run on every call, as a framework
 * calls them; the tensors (aclCreateTensor, libnnopbase) are made once per case.
 *
 *   gemm        aclnnMatmul, f16 / bf16 / f32, cubeMathType KEEP_DTYPE; provider
 *               aclnn-hf32: f32 with cubeMathType USE_HF32, its own row. Row-major ND
 *               tensors; a transposed operand is a strided view (no column-major swap).
 *   norm        aclnnRmsNorm (rmsnorm; gamma in x's dtype)
 *   softmax     aclnnSoftmax over the last dimension
 *   activation  aclnnGelu (the tanh form, hicann/ops-nn:activation/gelu/README.md), aclnnSilu
 *   attention   aclnnFlashAttentionScore, layouts BSND / BNSD, no mask (full attention)
 * Everything else is unsupported with the reason (docs/ascend.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ascend_internal.h"

/* aclDataType of an accelbench float dtype; -1 when aclnn has none here. */
static int acl_type(ab_dtype t) {
  switch (t) {
  case AB_DTYPE_F32: return ABNN_FLOAT;
  case AB_DTYPE_F16: return ABNN_FLOAT16;
  case AB_DTYPE_BF16: return ABNN_BF16;
  default: return -1;
  }
}

static ab_status unsupported(char *msg, const char *fmt, const char *a, const char *b) {
  snprintf(msg, AB_MSG_LEN, fmt, a, b);
  return AB_E_UNSUPPORTED;
}

/* Every operand of a case in one float dtype (f32, f16, bf16) that aclnn takes as is. */
static ab_status same_float(const ab_kernel_desc *d, size_t n_ops, char *msg) {
  for (size_t i = 0; i < n_ops; i++) {
    ab_dtype t = ab_operand_dtype(d, i, i + 1 == n_ops ? d->out_dtype : d->dtype);
    if (acl_type(t) < 0 || t != d->dtype)
      return unsupported(msg,
                         "%s: operands in %s, each the same float dtype (f32, f16, bf16), as "
                         "these aclnn operators take them; another mix is not mapped",
                         ab_kernel_kind_str(d->kind), ab_dtype_str(d->dtype));
  }
  return AB_OK;
}

static ab_status query_gemm(const ab_kernel_desc *d, int provider, char *msg) {
  if (provider == ASCEND_PROV_HF32 && d->dtype != AB_DTYPE_F32)
    return unsupported(msg,
                       "gemm %s: provider aclnn-hf32 is the f32 Matmul with cubeMathType "
                       "USE_HF32 only%s",
                       ab_dtype_str(d->dtype), "");
  if (acl_type(d->dtype) < 0 || d->out_dtype != d->dtype)
    return unsupported(msg,
                       "gemm %s -> %s: not offered (aclnnMatmul here: f16, bf16, f32 to the "
                       "same dtype; int8 and FP8 need the quantised matmul operators, whose "
                       "prototypes are not confirmed from a public header)",
                       ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype));
  return AB_OK;
}

static ab_status query_attention(const ab_kernel_desc *d, char *msg) {
  const ab_attention_params *a = &d->params.attention;
  ab_status st = same_float(d, 4, msg);
  if (st != AB_OK)
    return st;
  if (a->causal && a->q_len != 1)
    return unsupported(msg,
                       "attention causal with q_len > 1: the causal mask needs attenMask and a "
                       "sparseMode whose values are not confirmed from the public "
                       "FlashAttentionScore doc%s%s",
                       "", "");
  /* FlashAttentionScore limits (facts 2.3; N2 a factor of N1:
   * mindspore-ai/mindspore:docs/api/api_python/ops/mindspore.ops.flash_attention_score.rst) */
  if (a->kv_heads <= 0 || a->q_heads % a->kv_heads != 0 || a->q_heads > 256 || a->head_dim > 768)
    return unsupported(msg,
                       "attention: FlashAttentionScore needs q_heads <= 256 a multiple of "
                       "kv_heads and head_dim <= 768%s%s",
                       "", "");
  return AB_OK;
}

ab_status ascend_op_query(const ab_kernel_desc *d, int provider, char *msg) {
  if (d->kind == AB_KERNEL_GEMM)
    return query_gemm(d, provider, msg);
  if (provider == ASCEND_PROV_HF32)
    return unsupported(msg, "%s runs on provider aclnn (aclnn-hf32 is the HF32 Matmul row)%s",
                       ab_kernel_kind_str(d->kind), "");
  switch (d->kind) {
  case AB_KERNEL_NORM:
    if (d->params.norm.op != AB_NORM_RMSNORM)
      return unsupported(msg,
                         "norm layernorm: aclnnLayerNorm's prototype is not confirmed from "
                         "a public header (facts 2.3 has aclnnRmsNorm only)%s%s",
                         "", "");
    return same_float(d, 3, msg);
  case AB_KERNEL_SOFTMAX: return same_float(d, 2, msg);
  case AB_KERNEL_ACTIVATION:
    switch (d->params.activation.op) {
    case AB_ACT_GELU_TANH:
    case AB_ACT_SILU: return same_float(d, 2, msg);
    case AB_ACT_GELU_ERF:
      return unsupported(msg,
                         "activation gelu_erf: aclnnGelu computes the tanh form "
                         "(hicann/ops-nn:activation/gelu/README.md); an erf-form operator "
                         "is not confirmed from a public header%s%s",
                         "", "");
    default:
      return unsupported(msg,
                         "activation swiglu: aclnnSwiGlu's prototype is not confirmed from "
                         "a public header%s%s",
                         "", "");
    }
  case AB_KERNEL_ATTENTION: return query_attention(d, msg);
  case AB_KERNEL_PEAK:
  case AB_KERNEL_LAUNCH:
    return unsupported(msg,
                       "%s needs a kernel of accelbench's own on the NPU, which needs the Ascend C "
                       "compiler; CANN has no runtime-compile API in the verified facts%s",
                       ab_kernel_kind_str(d->kind), "");
  default:
    return unsupported(msg,
                       "%s: no aclnn operator for it is confirmed from a public header (facts "
                       "2.3 covers Matmul, RmsNorm, Softmax, Gelu, Silu, FlashAttentionScore)%s",
                       ab_kernel_kind_str(d->kind), "");
  }
}

/* ---- tensors ---- */

/* A row-major ND tensor of `n` dims over `data`; strides NULL: dense. Storage is the
 * stored shape (`storage`, or the view when NULL); strides and offset in elements. */
static ab_status make_tensor(ascend_case *c, int slot, const int64_t *dims, int n,
                             const int64_t *strides, const int64_t *storage, ab_dtype t, void *data,
                             char *msg) {
  int64_t dense[8];
  int64_t s = 1;
  for (int i = n - 1; i >= 0; i--) {
    dense[i] = s;
    s *= dims[i];
  }
  const abnn_tensor_api *nn = &c->dev->libs->nn;
  c->t[slot] = nn->aclCreateTensor(dims, (uint64_t)n, acl_type(t), strides ? strides : dense, 0,
                                   ABNN_FORMAT_ND, storage ? storage : dims, (uint64_t)n, data);
  if (!c->t[slot])
    return ascend_fail(msg, "aclCreateTensor", 0);
  return AB_OK;
}

static ab_status check_bytes(const ab_kernel_desc *d, ab_buffer *const *ops, size_t n_ops,
                             const size_t *elems, size_t need, char *msg) {
  if (n_ops != need) {
    snprintf(msg, AB_MSG_LEN, "operands: %s takes %zu, got %zu", ab_kernel_kind_str(d->kind), need,
             n_ops);
    return AB_E_INVALID;
  }
  for (size_t i = 0; i < need; i++) {
    ab_dtype t = ab_operand_dtype(d, i, i + 1 == need ? d->out_dtype : d->dtype);
    size_t want = elems[i] * ab_dtype_size(t);
    if (!ops[i] || ops[i]->bytes < want || want == 0) {
      snprintf(msg, AB_MSG_LEN, "operand %zu: needs %zu bytes of %s, got %zu", i, want,
               ab_dtype_str(t), ops[i] ? ops[i]->bytes : 0);
      return AB_E_INVALID;
    }
  }
  return AB_OK;
}

/* ---- the two phases, per call ---- */

/* Workspace of `bytes` from the device's shared one (grows only; its size and the times
 * it was reallocated go into the implementation text). */
static ab_status workspace(ascend_dev *dev, uint64_t bytes, void **ptr, char *msg) {
  *ptr = NULL;
  if (bytes == 0)
    return AB_OK;
  ab_status st = ab_vworkspace_reserve(&dev->ws, &dev->mem, (size_t)bytes, msg);
  if (st == AB_OK)
    *ptr = dev->ws.ptr;
  return st;
}

static ab_status launch(ascend_dev *dev, aclnnStatus s, const char *plan_name, abnn_run_fn run,
                        const char *run_name, uint64_t ws_bytes, aclOpExecutor *ex, char *msg) {
  if (s != ABNN_SUCCESS)
    return ascend_fail(msg, plan_name, s);
  void *ws;
  ab_status st = workspace(dev, ws_bytes, &ws, msg);
  if (st != AB_OK)
    return st;
  s = run(ws, ws_bytes, ex, dev->stream);
  return s == ABNN_SUCCESS ? AB_OK : ascend_fail(msg, run_name, s);
}

static ab_status matmul_call(ascend_dev *dev, ascend_case *c, char *msg) {
  const abnn_op_api *op = &dev->libs->op;
  uint64_t ws = 0;
  aclOpExecutor *ex = NULL;
  aclnnStatus s =
      op->aclnnMatmulGetWorkspaceSize(c->t[0], c->t[1], c->t[2], c->cube_math, &ws, &ex);
  return launch(dev, s, "aclnnMatmulGetWorkspaceSize", op->aclnnMatmul, "aclnnMatmul", ws, ex, msg);
}

static ab_status rmsnorm_call(ascend_dev *dev, ascend_case *c, char *msg) {
  const abnn_op_api *op = &dev->libs->op;
  uint64_t ws = 0;
  aclOpExecutor *ex = NULL;
  aclnnStatus s =
      op->aclnnRmsNormGetWorkspaceSize(c->t[0], c->t[1], c->eps, c->t[2], c->t[3], &ws, &ex);
  return launch(dev, s, "aclnnRmsNormGetWorkspaceSize", op->aclnnRmsNorm, "aclnnRmsNorm", ws, ex,
                msg);
}

static ab_status softmax_call(ascend_dev *dev, ascend_case *c, char *msg) {
  const abnn_op_api *op = &dev->libs->op;
  uint64_t ws = 0;
  aclOpExecutor *ex = NULL;
  aclnnStatus s = op->aclnnSoftmaxGetWorkspaceSize(c->t[0], c->dim, c->t[1], &ws, &ex);
  return launch(dev, s, "aclnnSoftmaxGetWorkspaceSize", op->aclnnSoftmax, "aclnnSoftmax", ws, ex,
                msg);
}

static ab_status gelu_call(ascend_dev *dev, ascend_case *c, char *msg) {
  const abnn_op_api *op = &dev->libs->op;
  uint64_t ws = 0;
  aclOpExecutor *ex = NULL;
  aclnnStatus s = op->aclnnGeluGetWorkspaceSize(c->t[0], c->t[1], &ws, &ex);
  return launch(dev, s, "aclnnGeluGetWorkspaceSize", op->aclnnGelu, "aclnnGelu", ws, ex, msg);
}

static ab_status silu_call(ascend_dev *dev, ascend_case *c, char *msg) {
  const abnn_op_api *op = &dev->libs->op;
  uint64_t ws = 0;
  aclOpExecutor *ex = NULL;
  aclnnStatus s = op->aclnnSiluGetWorkspaceSize(c->t[0], c->t[1], &ws, &ex);
  return launch(dev, s, "aclnnSiluGetWorkspaceSize", op->aclnnSilu, "aclnnSilu", ws, ex, msg);
}

static ab_status attention_call(ascend_dev *dev, ascend_case *c, char *msg) {
  const abnn_op_api *op = &dev->libs->op;
  uint64_t ws = 0;
  aclOpExecutor *ex = NULL;
  /* keepProb 1 (no dropout), innerPrecise 0, sparseMode 0 with no mask: full attention
   * (facts 2.3); softmaxOut is not needed and passed as NULL. */
  aclnnStatus s = op->aclnnFlashAttentionScoreGetWorkspaceSize(
      c->t[0], c->t[1], c->t[2], NULL, NULL, NULL, NULL, NULL, c->scale, 1.0, c->pre_tokens,
      c->next_tokens, c->heads, c->layout, 0, 0, c->t[4], c->t[5], NULL, c->t[3], &ws, &ex);
  return launch(dev, s, "aclnnFlashAttentionScoreGetWorkspaceSize", op->aclnnFlashAttentionScore,
                "aclnnFlashAttentionScore", ws, ex, msg);
}

/* ---- preparing each kind ---- */

static ab_status prep_gemm(ascend_case *c, const ab_kernel_desc *d, int provider,
                           ab_buffer *const *ops, size_t n_ops, char *msg) {
  const ab_gemm_params *g = &d->params.gemm;
  size_t bytes[3] = {0, 0, 0};
  for (size_t i = 0; i < n_ops && i < 3; i++)
    bytes[i] = ops[i] ? ops[i]->bytes : 0;
  ab_status st = ab_vcheck_gemm(d, bytes, n_ops, INT32_MAX, msg);
  if (st != AB_OK)
    return st;
  /* op(A) is m x k: stored k x m (trans_a) it is the view with strides (1, m). */
  int64_t a_dims[2] = {g->m, g->k}, b_dims[2] = {g->k, g->n}, c_dims[2] = {g->m, g->n};
  int64_t a_str[2] = {g->trans_a ? 1 : g->k, g->trans_a ? g->m : 1};
  int64_t b_str[2] = {g->trans_b ? 1 : g->n, g->trans_b ? g->k : 1};
  int64_t a_sto[2] = {g->trans_a ? g->k : g->m, g->trans_a ? g->m : g->k};
  int64_t b_sto[2] = {g->trans_b ? g->n : g->k, g->trans_b ? g->k : g->n};
  st = make_tensor(c, 0, a_dims, 2, a_str, a_sto, d->dtype, ops[0]->ptr, msg);
  if (st == AB_OK)
    st = make_tensor(c, 1, b_dims, 2, b_str, b_sto, d->dtype, ops[1]->ptr, msg);
  if (st == AB_OK)
    st = make_tensor(c, 2, c_dims, 2, NULL, NULL, d->out_dtype, ops[2]->ptr, msg);
  c->cube_math = provider == ASCEND_PROV_HF32 ? ABNN_CUBE_USE_HF32 : ABNN_CUBE_KEEP_DTYPE;
  c->call = matmul_call;
  return st;
}

static ab_status scratch(ascend_case *c, int slot, size_t bytes, char *msg) {
  return c->dev->mem.alloc(c->dev->mem.ctx, bytes, &c->scratch[slot], msg);
}

static ab_status prep_norm(ascend_case *c, const ab_kernel_desc *d, ab_buffer *const *ops,
                           size_t n_ops, char *msg) {
  const ab_norm_params *p = &d->params.norm;
  size_t n = (size_t)(p->rows * p->hidden);
  size_t elems[3] = {n, (size_t)p->hidden, n};
  ab_status st = check_bytes(d, ops, n_ops, elems, 3, msg);
  int64_t dims[2] = {p->rows, p->hidden}, gdims[1] = {p->hidden}, rdims[2] = {p->rows, 1};
  if (st == AB_OK)
    st = scratch(c, 0, (size_t)p->rows * sizeof(float), msg);
  if (st == AB_OK)
    st = make_tensor(c, 0, dims, 2, NULL, NULL, d->dtype, ops[0]->ptr, msg);
  if (st == AB_OK)
    st = make_tensor(c, 1, gdims, 1, NULL, NULL, d->dtype, ops[1]->ptr, msg);
  if (st == AB_OK)
    st = make_tensor(c, 2, dims, 2, NULL, NULL, d->out_dtype, ops[2]->ptr, msg);
  if (st == AB_OK) /* rstdOut is float (facts 2.3) */
    st = make_tensor(c, 3, rdims, 2, NULL, NULL, AB_DTYPE_F32, c->scratch[0], msg);
  c->eps = AB_NORM_EPS;
  c->call = rmsnorm_call;
  return st;
}

static ab_status prep_rows(ascend_case *c, const ab_kernel_desc *d, int64_t rows, int64_t cols,
                           ab_buffer *const *ops, size_t n_ops, ascend_run_fn call, char *msg) {
  size_t n = (size_t)(rows * cols);
  size_t elems[2] = {n, n};
  ab_status st = check_bytes(d, ops, n_ops, elems, 2, msg);
  int64_t dims[2] = {rows, cols};
  if (st == AB_OK)
    st = make_tensor(c, 0, dims, 2, NULL, NULL, d->dtype, ops[0]->ptr, msg);
  if (st == AB_OK)
    st = make_tensor(c, 1, dims, 2, NULL, NULL, d->out_dtype, ops[1]->ptr, msg);
  c->dim = 1; /* softmax over each row */
  c->call = call;
  return st;
}

static ab_status prep_attention(ascend_case *c, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, char *msg) {
  const ab_attention_params *a = &d->params.attention;
  int bhsd = d->layout == AB_LAYOUT_BHSD;
  size_t q = (size_t)(a->batch * a->q_heads * a->q_len * a->head_dim);
  size_t kv = (size_t)(a->batch * a->kv_heads * a->kv_len * a->head_dim);
  size_t elems[4] = {q, kv, kv, q};
  ab_status st = check_bytes(d, ops, n_ops, elems, 4, msg);
  int64_t qd[4] = {a->batch, a->q_len, a->q_heads, a->head_dim};
  int64_t kd[4] = {a->batch, a->kv_len, a->kv_heads, a->head_dim};
  if (bhsd) {
    qd[1] = a->q_heads, qd[2] = a->q_len;
    kd[1] = a->kv_heads, kd[2] = a->kv_len;
  }
  /* softmaxMaxOut / softmaxSumOut: FLOAT [B, N, Sq, 8] (facts 2.3) */
  int64_t sd[4] = {a->batch, a->q_heads, a->q_len, 8};
  size_t stats = (size_t)(a->batch * a->q_heads * a->q_len * 8) * sizeof(float);
  for (int i = 0; st == AB_OK && i < 2; i++)
    st = scratch(c, i, stats, msg);
  for (int i = 0; st == AB_OK && i < 4; i++)
    st = make_tensor(c, i, i == 1 || i == 2 ? kd : qd, 4, NULL, NULL,
                     i == 3 ? d->out_dtype : d->dtype, ops[i]->ptr, msg);
  for (int i = 0; st == AB_OK && i < 2; i++)
    st = make_tensor(c, 4 + i, sd, 4, NULL, NULL, AB_DTYPE_F32, c->scratch[i], msg);
  snprintf(c->layout, sizeof c->layout, "%s", bhsd ? "BNSD" : "BSND");
  c->scale = 1.0 / sqrt((double)a->head_dim);
  c->heads = a->q_heads;
  /* No band: every key in reach (the operator's documented defaults,
   * mindspore-ai/mindspore:docs/api/api_python/ops/mindspore.ops.flash_attention_score.rst). */
  c->pre_tokens = c->next_tokens = 2147483647;
  c->call = attention_call;
  return st;
}

/* The operator a prepared case calls; a library that lacks either phase leaves the kind
 * unsupported, the symbol named. */
static ab_status have_op(const abnn_op_api *op, const ab_kernel_desc *d, const char **name,
                         char *msg) {
  int plan = 0, run = 0;
  switch (d->kind) {
  case AB_KERNEL_GEMM:
    *name = "aclnnMatmul";
    plan = op->aclnnMatmulGetWorkspaceSize != NULL, run = op->aclnnMatmul != NULL;
    break;
  case AB_KERNEL_NORM:
    *name = "aclnnRmsNorm";
    plan = op->aclnnRmsNormGetWorkspaceSize != NULL, run = op->aclnnRmsNorm != NULL;
    break;
  case AB_KERNEL_SOFTMAX:
    *name = "aclnnSoftmax";
    plan = op->aclnnSoftmaxGetWorkspaceSize != NULL, run = op->aclnnSoftmax != NULL;
    break;
  case AB_KERNEL_ACTIVATION:
    if (d->params.activation.op == AB_ACT_SILU) {
      *name = "aclnnSilu";
      plan = op->aclnnSiluGetWorkspaceSize != NULL, run = op->aclnnSilu != NULL;
    } else {
      *name = "aclnnGelu";
      plan = op->aclnnGeluGetWorkspaceSize != NULL, run = op->aclnnGelu != NULL;
    }
    break;
  default:
    *name = "aclnnFlashAttentionScore";
    plan = op->aclnnFlashAttentionScoreGetWorkspaceSize != NULL;
    run = op->aclnnFlashAttentionScore != NULL;
    break;
  }
  if (plan && run)
    return AB_OK;
  snprintf(msg, AB_MSG_LEN, "%s: symbol %s%s missing from %s", ab_kernel_kind_str(d->kind), *name,
           plan ? "" : "GetWorkspaceSize", ascend_op_library(d->kind == AB_KERNEL_ATTENTION));
  return AB_E_UNSUPPORTED;
}

static ab_status case_call(void *ctx, char *msg) {
  ascend_case *c = ctx;
  return c->call(c->dev, c, msg);
}

static void describe(ascend_dev *dev, const ab_kernel_desc *d, const char *name,
                     const ascend_case *c, ab_case_info *info) {
  char extra[64] = "";
  if (d->kind == AB_KERNEL_GEMM)
    snprintf(extra, sizeof extra, " cubeMathType=%d %s", c->cube_math,
             c->cube_math == ABNN_CUBE_USE_HF32 ? "USE_HF32 (HF32, not f32)" : "KEEP_DTYPE");
  else if (d->kind == AB_KERNEL_ATTENTION)
    snprintf(extra, sizeof extra, " %s", c->layout);
  snprintf(info->implementation, sizeof info->implementation,
           "%s %s%s (%s; two-phase per call; workspace %zu B, %u allocs; aclrtEvent timing)", name,
           ab_dtype_str(d->dtype), extra, ascend_op_library(d->kind == AB_KERNEL_ATTENTION),
           dev->ws.bytes, dev->ws.allocations);
}

/* The warm call writes the case's real output: every operator here writes the whole output
 * from its inputs only, so the harness's later check sees the timed calls' result all the
 * same (the output is overwritten by each of them). */
ab_status ascend_op_prepare(ascend_dev *dev, const ab_kernel_desc *d, int provider,
                            ab_buffer *const *ops, size_t n_ops, ascend_case *c, ab_case_info *info,
                            char *msg) {
  double t0 = ab_vnow();
  ab_status st = ascend_load_ops(msg);
  if (st != AB_OK)
    return st;
  const char *name = "";
  st = have_op(&dev->libs->op, d, &name, msg);
  if (st != AB_OK)
    return st;
  switch (d->kind) {
  case AB_KERNEL_GEMM: st = prep_gemm(c, d, provider, ops, n_ops, msg); break;
  case AB_KERNEL_NORM: st = prep_norm(c, d, ops, n_ops, msg); break;
  case AB_KERNEL_SOFTMAX:
    st = prep_rows(c, d, d->params.softmax.rows, d->params.softmax.cols, ops, n_ops, softmax_call,
                   msg);
    break;
  case AB_KERNEL_ACTIVATION:
    st = prep_rows(c, d, d->params.activation.rows, d->params.activation.cols, ops, n_ops,
                   d->params.activation.op == AB_ACT_SILU ? silu_call : gelu_call, msg);
    break;
  default: st = prep_attention(c, d, ops, n_ops, msg); break;
  }
  if (st == AB_OK)
    st = ab_vwarm_call(&dev->timer, case_call, c, t0, info, msg);
  if (st == AB_OK)
    describe(dev, d, name, c, info);
  return st;
}

void ascend_op_release(ascend_dev *dev, ascend_case *c) {
  for (int i = 0; i < ASCEND_MAX_TENSORS; i++)
    if (c->t[i])
      dev->libs->nn.aclDestroyTensor(c->t[i]);
  for (int i = 0; i < 2; i++)
    if (c->scratch[i])
      dev->mem.free(dev->mem.ctx, c->scratch[i]);
  memset(c->t, 0, sizeof c->t);
  memset(c->scratch, 0, sizeof c->scratch);
}
