/* A fake libcublasLt for tests (never installed): descriptors, layouts, preferences, a
 * heuristic that offers one algorithm, and cublasLtMatmul on the CPU (fake_gemm.h),
 * including FP8 with per-tensor scale pointers. Like the Hopper recipe it wants FP8 in the
 * "TN" form, and it offers FP8 only from compute capability 8.9 (FAKE_CUDA_CC). */
#include <stdint.h>
#include <stdlib.h>

#include "fake_env.h"
#include "fake_gemm.h"

typedef int cublasStatus_t;
struct cublasLtContext {
  int unused;
};
typedef struct fake_desc {
  int compute, scale, transa, transb;
  const float *a_scale, *b_scale;
} fake_desc;
typedef struct fake_layout {
  int type;
  uint64_t rows, cols;
  int64_t ld;
} fake_layout;
typedef struct fake_pref {
  uint64_t max_ws;
} fake_pref;
typedef struct {
  uint64_t data[8];
} algo_t;
typedef struct {
  algo_t algo;
  size_t workspaceSize;
  cublasStatus_t state;
  float wavesCount;
  int reserved[4];
} heuristic_t;

#define EXPORT __attribute__((visibility("default")))

EXPORT cublasStatus_t cublasLtCreate(struct cublasLtContext **h) {
  *h = calloc(1, sizeof **h);
  return *h ? 0 : 3;
}

EXPORT cublasStatus_t cublasLtDestroy(struct cublasLtContext *h) {
  free(h);
  return 0;
}

EXPORT size_t cublasLtGetVersion(void) {
  return 130100;
}

EXPORT cublasStatus_t cublasLtMatmulDescCreate(fake_desc **d, int compute, int scale) {
  *d = calloc(1, sizeof **d);
  if (!*d)
    return 3;
  (*d)->compute = compute;
  (*d)->scale = scale;
  return 0;
}

EXPORT cublasStatus_t cublasLtMatmulDescDestroy(fake_desc *d) {
  free(d);
  return 0;
}

EXPORT cublasStatus_t cublasLtMatmulDescSetAttribute(fake_desc *d, int attr, const void *buf,
                                                     size_t bytes) {
  if (attr == 3 && bytes == 4)
    d->transa = *(const int32_t *)buf;
  else if (attr == 4 && bytes == 4)
    d->transb = *(const int32_t *)buf;
  else if (attr == 17 && bytes == sizeof(void *))
    d->a_scale = *(const float *const *)buf;
  else if (attr == 18 && bytes == sizeof(void *))
    d->b_scale = *(const float *const *)buf;
  else
    return 7;
  return 0;
}

EXPORT cublasStatus_t cublasLtMatrixLayoutCreate(fake_layout **l, int type, uint64_t rows,
                                                 uint64_t cols, int64_t ld) {
  if (!fake_type_ok(type) || ld < (int64_t)rows)
    return 7;
  *l = calloc(1, sizeof **l);
  if (!*l)
    return 3;
  **l = (fake_layout){type, rows, cols, ld};
  return 0;
}

EXPORT cublasStatus_t cublasLtMatrixLayoutDestroy(fake_layout *l) {
  free(l);
  return 0;
}

EXPORT cublasStatus_t cublasLtMatmulPreferenceCreate(fake_pref **p) {
  *p = calloc(1, sizeof **p);
  return *p ? 0 : 3;
}

EXPORT cublasStatus_t cublasLtMatmulPreferenceDestroy(fake_pref *p) {
  free(p);
  return 0;
}

EXPORT cublasStatus_t cublasLtMatmulPreferenceSetAttribute(fake_pref *p, int attr, const void *buf,
                                                           size_t bytes) {
  if (attr != 1 || bytes != sizeof(uint64_t))
    return 7;
  p->max_ws = *(const uint64_t *)buf;
  return 0;
}

static int is_f8(int t) {
  return t == R_E4M3 || t == R_E5M2;
}

/* Shapes must agree: op(A) m x k, op(B) k x n, C m x n. */
static int shapes_agree(const fake_desc *d, const fake_layout *a, const fake_layout *b,
                        const fake_layout *c) {
  uint64_t m = d->transa ? a->cols : a->rows, ka = d->transa ? a->rows : a->cols;
  uint64_t kb = d->transb ? b->cols : b->rows, n = d->transb ? b->rows : b->cols;
  return ka == kb && m == c->rows && n == c->cols;
}

EXPORT cublasStatus_t cublasLtMatmulAlgoGetHeuristic(struct cublasLtContext *h, fake_desc *d,
                                                     fake_layout *a, fake_layout *b, fake_layout *c,
                                                     fake_layout *dd, fake_pref *p, int requested,
                                                     heuristic_t *res, int *found) {
  (void)h, (void)dd, (void)p;
  *found = 0;
  if (requested < 1 || !shapes_agree(d, a, b, c))
    return 7;
  if (is_f8(a->type) && (fake_cc() < 89 || d->transa != 1 || d->transb != 0))
    return 15; /* CUBLAS_STATUS_NOT_SUPPORTED */
  memset(res, 0, sizeof *res);
  res->workspaceSize = 1 << 20;
  *found = 1;
  return 0;
}

EXPORT cublasStatus_t cublasLtMatmul(struct cublasLtContext *h, fake_desc *d, const void *alpha,
                                     const void *a, fake_layout *al, const void *b, fake_layout *bl,
                                     const void *beta, const void *c, fake_layout *cl, void *dst,
                                     fake_layout *dl, const algo_t *algo, void *ws, size_t ws_bytes,
                                     void *stream) {
  (void)h, (void)c, (void)algo, (void)ws, (void)stream;
  long fault = fake_env_long("FAKE_CUBLAS_STATUS", 0);
  if (fault)
    return (int)fault;
  if (!shapes_agree(d, al, bl, cl) || ws_bytes < (1 << 20))
    return 7;
  double sa = d->scale == R_64F   ? *(const double *)alpha
              : d->scale == R_32I ? *(const int32_t *)alpha
                                  : *(const float *)alpha;
  double sb = d->scale == R_64F   ? *(const double *)beta
              : d->scale == R_32I ? *(const int32_t *)beta
                                  : *(const float *)beta;
  if (is_f8(al->type))
    sa *= (d->a_scale ? *d->a_scale : 1.0) * (d->b_scale ? *d->b_scale : 1.0);
  int m = (int)cl->rows, n = (int)cl->cols, k = (int)(d->transa ? al->rows : al->cols);
  fake_gemm(d->transa, d->transb, m, n, k, sa, a, al->type, (int)al->ld, b, bl->type, (int)bl->ld,
            sb, dst, dl->type, (int)dl->ld, d->compute);
  return 0;
}

EXPORT const char *cublasLtGetStatusString(cublasStatus_t s) {
  return s == 15   ? "the functionality requested is not supported"
         : s == 13 ? "the GPU program failed to execute"
         : s == 7  ? "an invalid numeric value was used as an argument"
                   : "unknown status";
}
