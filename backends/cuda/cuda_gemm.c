/* accelbench cuda backend — GEMM through cuBLAS (cublasGemmEx) and cuBLASLt
 * (cublasLtMatmul), every dtype on the column-major mapping of the shared layer.
 *
 * Types and compute types (facts 1.5 and 1.6):
 *   f64   R_64F,  COMPUTE_64F
 *   f32   R_32F,  COMPUTE_32F, default math (no TF32, no BF16x9 emulation)
 *   tf32  R_32F,  COMPUTE_32F_FAST_TF32: its own dtype, so never an f32 row
 *   f16   R_16F -> R_16F,   COMPUTE_32F (f32 partial sums)
 *   bf16  R_16BF -> R_16BF, COMPUTE_32F
 *   int8  R_8I -> R_32I,    COMPUTE_32I
 *   f8e4m3 / f8e5m2 (cuBLASLt only) -> R_16BF, COMPUTE_32F, per-tensor scales 1.0 on the
 *         device, the "TN" form the Hopper recipe requires. */
#include <stdio.h>
#include <string.h>

#include "cuda_internal.h"

typedef struct gemm_types {
  unsigned int in, out, compute, scale, math;
  const char *compute_name;
  ab_dtype accumulate;
} gemm_types;

static int types_for(ab_dtype t, gemm_types *g) {
  switch (t) {
  case AB_DTYPE_F64:
    *g = (gemm_types){ABCU_R_64F,        ABCU_R_64F,    ABCU_COMPUTE_64F, ABCU_R_64F,
                      ABCU_MATH_DEFAULT, "COMPUTE_64F", AB_DTYPE_F64};
    return 1;
  case AB_DTYPE_F32:
    *g = (gemm_types){ABCU_R_32F,        ABCU_R_32F,    ABCU_COMPUTE_32F, ABCU_R_32F,
                      ABCU_MATH_DEFAULT, "COMPUTE_32F", AB_DTYPE_F32};
    return 1;
  case AB_DTYPE_TF32:
    *g = (gemm_types){ABCU_R_32F,
                      ABCU_R_32F,
                      ABCU_COMPUTE_32F_FAST_TF32,
                      ABCU_R_32F,
                      ABCU_MATH_TF32_TENSOR_OP,
                      "COMPUTE_32F_FAST_TF32",
                      AB_DTYPE_F32};
    return 1;
  case AB_DTYPE_F16:
    *g = (gemm_types){ABCU_R_16F,        ABCU_R_16F,    ABCU_COMPUTE_32F, ABCU_R_32F,
                      ABCU_MATH_DEFAULT, "COMPUTE_32F", AB_DTYPE_F32};
    return 1;
  case AB_DTYPE_BF16:
    *g = (gemm_types){ABCU_R_16BF,       ABCU_R_16BF,   ABCU_COMPUTE_32F, ABCU_R_32F,
                      ABCU_MATH_DEFAULT, "COMPUTE_32F", AB_DTYPE_F32};
    return 1;
  case AB_DTYPE_I8:
    *g = (gemm_types){ABCU_R_8I,         ABCU_R_32I,    ABCU_COMPUTE_32I, ABCU_R_32I,
                      ABCU_MATH_DEFAULT, "COMPUTE_32I", AB_DTYPE_I32};
    return 1;
  case AB_DTYPE_F8E4M3:
  case AB_DTYPE_F8E5M2:
    *g = (gemm_types){t == AB_DTYPE_F8E4M3 ? ABCU_R_8F_E4M3 : ABCU_R_8F_E5M2,
                      ABCU_R_16BF,
                      ABCU_COMPUTE_32F,
                      ABCU_R_32F,
                      ABCU_MATH_DEFAULT,
                      "COMPUTE_32F",
                      AB_DTYPE_F32};
    return 1;
  default: return 0;
  }
}

static int is_f8(ab_dtype t) {
  return t == AB_DTYPE_F8E4M3 || t == AB_DTYPE_F8E5M2;
}

ab_status cuda_gemm_query(cuda_dev *dev, const ab_kernel_desc *d, int provider, char *msg) {
  (void)dev;
  gemm_types g;
  ab_dtype want_out = AB_DTYPE_INVALID;
  if (types_for(d->dtype, &g))
    want_out = d->dtype == AB_DTYPE_I8     ? AB_DTYPE_I32
               : d->dtype == AB_DTYPE_TF32 ? AB_DTYPE_F32
               : is_f8(d->dtype)           ? AB_DTYPE_BF16
                                           : d->dtype;
  if (want_out == AB_DTYPE_INVALID || d->out_dtype != want_out) {
    snprintf(msg, AB_MSG_LEN,
             "gemm %s -> %s: not offered (dtypes: f64, f32, tf32, f16, bf16, "
             "int8 -> int32, f8e4m3/f8e5m2 -> bf16)",
             ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype));
    return AB_E_UNSUPPORTED;
  }
  if (is_f8(d->dtype) && provider == CUDA_PROV_CUBLAS) {
    snprintf(msg, AB_MSG_LEN, "gemm %s: FP8 goes through cuBLASLt (provider cublaslt)",
             ab_dtype_str(d->dtype));
    return AB_E_UNSUPPORTED;
  }
  /* The Hopper FP8 recipe needs A transposed and B not in cuBLAS's column-major terms
   * (facts 1.6, "TN"): with the row-major mapping that is trans_a = 0, trans_b = 1. */
  if (is_f8(d->dtype) && (d->params.gemm.trans_a || !d->params.gemm.trans_b)) {
    snprintf(msg, AB_MSG_LEN,
             "gemm %s: cuBLASLt FP8 needs the TN form (row-major trans_a = 0, "
             "trans_b = 1, i.e. C = A * B^T), got trans_a=%d trans_b=%d",
             ab_dtype_str(d->dtype), d->params.gemm.trans_a, d->params.gemm.trans_b);
    return AB_E_UNSUPPORTED;
  }
  return AB_OK;
}

/* The workspace both libraries share, reserved once at its final size so the pointer
 * given to cublasSetWorkspace never moves. */
static ab_status reserve_workspace(cuda_dev *dev, char *msg) {
  return ab_vworkspace_reserve(&dev->ws, &dev->mem, ABCU_BLAS_WORKSPACE_BYTES, msg);
}

static ab_status ensure_blas(cuda_dev *dev, char *msg) {
  if (dev->blas)
    return AB_OK;
  ab_status st = cuda_load_blas(msg);
  if (st != AB_OK)
    return st;
  const abcu_blas_api *b = &dev->libs->blas;
  abcu_blas_status s = b->cublasCreate_v2(&dev->blas);
  if (s != ABCU_BLAS_SUCCESS) {
    dev->blas = NULL;
    return cuda_blas_fail(msg, "cublasCreate_v2", s);
  }
  /* Stream first, then the workspace (facts 1.5: setting a stream may reset it). */
  st = reserve_workspace(dev, msg);
  if (st == AB_OK && (s = b->cublasSetStream_v2(dev->blas, dev->stream)) != ABCU_BLAS_SUCCESS)
    st = cuda_blas_fail(msg, "cublasSetStream_v2", s);
  if (st == AB_OK &&
      (s = b->cublasSetWorkspace_v2(dev->blas, dev->ws.ptr, dev->ws.bytes)) != ABCU_BLAS_SUCCESS)
    st = cuda_blas_fail(msg, "cublasSetWorkspace_v2", s);
  return st;
}

static ab_status gemm_ex_call(cuda_dev *dev, cuda_case *c, char *msg) {
  const abcu_blas_api *b = &dev->libs->blas;
  abcu_blas_status s;
  /* The math mode belongs to the handle, which f32 and tf32 cases share: set it when the
   * case differs from the last one (math_mode_set: 0 never set, else mode + 1). */
  if (dev->math_mode_set != c->math_mode + 1) {
    s = b->cublasSetMathMode(dev->blas, c->math_mode);
    if (s != ABCU_BLAS_SUCCESS)
      return cuda_blas_fail(msg, "cublasSetMathMode", s);
    dev->math_mode_set = c->math_mode + 1;
  }
  const ab_colmajor_gemm *g = &c->cm;
  s = b->cublasGemmEx(dev->blas, g->trans_first ? ABCU_OP_T : ABCU_OP_N,
                      g->trans_second ? ABCU_OP_T : ABCU_OP_N, (int)g->m, (int)g->n, (int)g->k,
                      c->alpha, c->first, c->in_type, (int)g->ld_first, c->second, c->in_type,
                      (int)g->ld_second, c->beta, c->c, c->out_type, (int)g->ld_c, c->compute_type,
                      ABCU_GEMM_DEFAULT);
  return s == ABCU_BLAS_SUCCESS ? AB_OK : cuda_blas_fail(msg, "cublasGemmEx", s);
}

static ab_status lt_call(cuda_dev *dev, cuda_case *c, char *msg) {
  abcu_blas_status s = dev->libs->lt.cublasLtMatmul(
      dev->lt, c->lt_desc, c->alpha, c->first, c->lt_a, c->second, c->lt_b, c->beta, c->c, c->lt_c,
      c->c, c->lt_c, &c->lt_algo, dev->ws.ptr, c->lt_ws_bytes, dev->stream);
  return s == ABCU_BLAS_SUCCESS ? AB_OK : cuda_blas_fail(msg, "cublasLtMatmul", s);
}

static void set_scalars(cuda_case *c, ab_dtype t) {
  c->alpha_d = 1.0, c->beta_d = 0.0;
  c->alpha_f = 1.0f, c->beta_f = 0.0f;
  c->alpha_i = 1, c->beta_i = 0;
  if (t == AB_DTYPE_F64)
    c->alpha = &c->alpha_d, c->beta = &c->beta_d;
  else if (t == AB_DTYPE_I8)
    c->alpha = &c->alpha_i, c->beta = &c->beta_i;
  else
    c->alpha = &c->alpha_f, c->beta = &c->beta_f;
}

#define LT_TRY(call, name)                                                                         \
  do {                                                                                             \
    abcu_blas_status s_ = (call);                                                                  \
    if (s_ != ABCU_BLAS_SUCCESS)                                                                   \
      return cuda_blas_fail(msg, name, s_);                                                        \
  } while (0)

static ab_status ensure_lt(cuda_dev *dev, char *msg) {
  if (dev->lt)
    return AB_OK;
  ab_status st = cuda_load_lt(msg);
  if (st == AB_OK)
    st = reserve_workspace(dev, msg);
  if (st != AB_OK)
    return st;
  abcu_blas_status s = dev->libs->lt.cublasLtCreate(&dev->lt);
  if (s != ABCU_BLAS_SUCCESS) {
    dev->lt = NULL;
    return cuda_blas_fail(msg, "cublasLtCreate", s);
  }
  return AB_OK;
}

/* FP8: per-tensor scales of 1.0 in device memory (the descriptor attribute is the address
 * of a device pointer, facts 1.6 step 3). */
static ab_status set_fp8_scales(cuda_dev *dev, cuda_case *c, char *msg) {
  const abcu_lt_api *lt = &dev->libs->lt;
  void *p = NULL;
  ab_status st = dev->mem.alloc(dev->mem.ctx, 2 * sizeof(float), &p, msg);
  if (st != AB_OK)
    return st;
  c->scales = p;
  const float ones[2] = {1.0f, 1.0f};
  abcu_error e = dev->libs->rt.cudaMemcpy(c->scales, ones, sizeof ones, ABCU_MEMCPY_HOST_TO_DEVICE);
  if (e != ABCU_SUCCESS)
    return cuda_rt_fail(msg, "cudaMemcpy(FP8 scales)", e);
  const float *a_scale = &c->scales[0], *b_scale = &c->scales[1];
  LT_TRY(lt->cublasLtMatmulDescSetAttribute(c->lt_desc, ABCU_LT_DESC_A_SCALE_POINTER, &a_scale,
                                            sizeof a_scale),
         "cublasLtMatmulDescSetAttribute(A_SCALE_POINTER)");
  LT_TRY(lt->cublasLtMatmulDescSetAttribute(c->lt_desc, ABCU_LT_DESC_B_SCALE_POINTER, &b_scale,
                                            sizeof b_scale),
         "cublasLtMatmulDescSetAttribute(B_SCALE_POINTER)");
  return AB_OK;
}

static ab_status lt_plan(cuda_dev *dev, const ab_kernel_desc *d, const gemm_types *g, cuda_case *c,
                         char *msg) {
  const abcu_lt_api *lt = &dev->libs->lt;
  const ab_colmajor_gemm *cm = &c->cm;
  LT_TRY(lt->cublasLtMatmulDescCreate(&c->lt_desc, g->compute, g->scale),
         "cublasLtMatmulDescCreate");
  int32_t ta = cm->trans_first ? ABCU_OP_T : ABCU_OP_N;
  int32_t tb = cm->trans_second ? ABCU_OP_T : ABCU_OP_N;
  LT_TRY(lt->cublasLtMatmulDescSetAttribute(c->lt_desc, ABCU_LT_DESC_TRANSA, &ta, sizeof ta),
         "cublasLtMatmulDescSetAttribute(TRANSA)");
  LT_TRY(lt->cublasLtMatmulDescSetAttribute(c->lt_desc, ABCU_LT_DESC_TRANSB, &tb, sizeof tb),
         "cublasLtMatmulDescSetAttribute(TRANSB)");
  if (is_f8(d->dtype)) {
    ab_status st = set_fp8_scales(dev, c, msg);
    if (st != AB_OK)
      return st;
  }
  /* Column-major layouts of the stored matrices (rows x cols, leading dimension). */
  uint64_t a_rows = (uint64_t)(cm->trans_first ? cm->k : cm->m);
  uint64_t a_cols = (uint64_t)(cm->trans_first ? cm->m : cm->k);
  uint64_t b_rows = (uint64_t)(cm->trans_second ? cm->n : cm->k);
  uint64_t b_cols = (uint64_t)(cm->trans_second ? cm->k : cm->n);
  LT_TRY(lt->cublasLtMatrixLayoutCreate(&c->lt_a, g->in, a_rows, a_cols, cm->ld_first),
         "cublasLtMatrixLayoutCreate(A)");
  LT_TRY(lt->cublasLtMatrixLayoutCreate(&c->lt_b, g->in, b_rows, b_cols, cm->ld_second),
         "cublasLtMatrixLayoutCreate(B)");
  LT_TRY(
      lt->cublasLtMatrixLayoutCreate(&c->lt_c, g->out, (uint64_t)cm->m, (uint64_t)cm->n, cm->ld_c),
      "cublasLtMatrixLayoutCreate(C)");
  abcu_lt_pref pref = NULL;
  LT_TRY(lt->cublasLtMatmulPreferenceCreate(&pref), "cublasLtMatmulPreferenceCreate");
  uint64_t ws = dev->ws.bytes;
  abcu_blas_status s = lt->cublasLtMatmulPreferenceSetAttribute(
      pref, ABCU_LT_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws);
  abcu_lt_heuristic res;
  memset(&res, 0, sizeof res);
  int found = 0;
  if (s == ABCU_BLAS_SUCCESS)
    s = lt->cublasLtMatmulAlgoGetHeuristic(dev->lt, c->lt_desc, c->lt_a, c->lt_b, c->lt_c, c->lt_c,
                                           pref, 1, &res, &found);
  lt->cublasLtMatmulPreferenceDestroy(pref);
  if (s != ABCU_BLAS_SUCCESS)
    return cuda_blas_fail(msg, "cublasLtMatmulAlgoGetHeuristic", s);
  if (found < 1) {
    snprintf(msg, AB_MSG_LEN,
             "cublasLtMatmulAlgoGetHeuristic: no algorithm for gemm %s on this device "
             "(compute capability %d.%d)",
             ab_dtype_str(d->dtype), dev->cc_major, dev->cc_minor);
    return AB_E_UNSUPPORTED;
  }
  memcpy(&c->lt_algo, &res.algo, sizeof c->lt_algo);
  c->lt_ws_bytes = res.workspace_size < dev->ws.bytes ? res.workspace_size : dev->ws.bytes;
  return AB_OK;
}

static ab_status case_call(void *ctx, char *msg) {
  cuda_case *c = ctx;
  return c->call(c->dev, c, msg);
}

/* The warm call into a scratch C: the harness's poisoned C stays untouched. cuBLAS picks
 * and loads its kernel on the first call of a shape, which stays out of the timed loop. */
static ab_status warm_call(cuda_dev *dev, cuda_case *c, size_t c_bytes, double t0,
                           ab_case_info *info, char *msg) {
  void *scratch = NULL;
  ab_status st = dev->mem.alloc(dev->mem.ctx, c_bytes, &scratch, msg);
  if (st != AB_OK)
    return st;
  void *real_c = c->c;
  c->c = scratch;
  st = ab_vwarm_call(&dev->timer, case_call, c, t0, info, msg);
  c->c = real_c;
  dev->mem.free(dev->mem.ctx, scratch);
  return st;
}

static void describe(cuda_dev *dev, const ab_kernel_desc *d, int provider, const gemm_types *g,
                     const cuda_case *c, ab_case_info *info) {
  const ab_colmajor_gemm *cm = &c->cm;
  char ops[3] = {cm->trans_first ? 't' : 'n', cm->trans_second ? 't' : 'n', 0};
  if (provider == CUDA_PROV_CUBLAS)
    snprintf(info->implementation, sizeof info->implementation,
             "cublasGemmEx %s->%s %s (column-major C^T=B^T*A^T, %s, workspace %zu MiB)",
             ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype), g->compute_name, ops,
             dev->ws.bytes >> 20);
  else
    snprintf(info->implementation, sizeof info->implementation,
             "cublasLtMatmul %zu %s->%s %s (%s, heuristic algo, workspace %zu B)%s",
             dev->libs->lt.cublasLtGetVersion(), ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype),
             g->compute_name, ops, c->lt_ws_bytes,
             is_f8(d->dtype) ? " scale_a=1 scale_b=1 per-tensor" : "");
  if (AB_HAS_FIELD(info, ab_case_info, accumulate_dtype))
    info->accumulate_dtype = g->accumulate;
}

ab_status cuda_gemm_prepare(cuda_dev *dev, const ab_kernel_desc *d, int provider,
                            ab_buffer *const *ops, size_t n_ops, cuda_case *c, ab_case_info *info,
                            char *msg) {
  double t0 = ab_vnow();
  size_t bytes[3] = {0, 0, 0};
  for (size_t i = 0; i < n_ops && i < 3; i++)
    bytes[i] = ops[i] ? ops[i]->bytes : 0;
  /* cublasGemmEx takes int dimensions (facts 1.5); the same limit for cuBLASLt keeps the
   * two providers' rows comparable. */
  ab_status st = ab_vcheck_gemm(d, bytes, n_ops, INT32_MAX, msg);
  if (st != AB_OK)
    return st;
  gemm_types g;
  if (!types_for(d->dtype, &g)) /* case_query said no already; kept for a direct caller */
    return cuda_gemm_query(dev, d, provider, msg);
  ab_gemm_to_colmajor(&d->params.gemm, &c->cm);
  c->first = ops[1]->ptr; /* column-major: B's memory first, then A's */
  c->second = ops[0]->ptr;
  c->c = ops[2]->ptr;
  c->in_type = g.in;
  c->out_type = g.out;
  c->compute_type = g.compute;
  c->math_mode = g.math;
  set_scalars(c, d->dtype);
  if (provider == CUDA_PROV_CUBLAS) {
    st = ensure_blas(dev, msg);
    c->call = gemm_ex_call;
  } else {
    st = ensure_lt(dev, msg);
    if (st == AB_OK)
      st = lt_plan(dev, d, &g, c, msg);
    c->call = lt_call;
  }
  if (st == AB_OK)
    st = warm_call(dev, c, bytes[2], t0, info, msg);
  if (st == AB_OK)
    describe(dev, d, provider, &g, c, info);
  return st;
}

void cuda_gemm_release(cuda_dev *dev, cuda_case *c) {
  const abcu_lt_api *lt = &dev->libs->lt;
  if (c->lt_a)
    lt->cublasLtMatrixLayoutDestroy(c->lt_a);
  if (c->lt_b)
    lt->cublasLtMatrixLayoutDestroy(c->lt_b);
  if (c->lt_c)
    lt->cublasLtMatrixLayoutDestroy(c->lt_c);
  if (c->lt_desc)
    lt->cublasLtMatmulDescDestroy(c->lt_desc);
  if (c->scales)
    dev->mem.free(dev->mem.ctx, c->scales);
  c->lt_a = c->lt_b = c->lt_c = NULL;
  c->lt_desc = NULL;
  c->scales = NULL;
}
