/* A fake libcublas for tests (never installed): handles, stream/workspace/math settings
 * and cublasGemmEx computed on the CPU (fake_gemm.h). FAKE_CUBLAS_STATUS=N makes the GEMM
 * return status N (fake_env.h). */
#include <stdlib.h>

#include "fake_env.h"
#include "fake_gemm.h"

typedef int cublasStatus_t;
struct cublasContext {
  void *stream, *workspace;
  size_t workspace_bytes;
  int math;
};
typedef struct cublasContext *cublasHandle_t;

#define EXPORT __attribute__((visibility("default")))

EXPORT cublasStatus_t cublasCreate_v2(cublasHandle_t *h) {
  *h = calloc(1, sizeof **h);
  return *h ? 0 : 3;
}

EXPORT cublasStatus_t cublasDestroy_v2(cublasHandle_t h) {
  free(h);
  return 0;
}

EXPORT cublasStatus_t cublasGetVersion_v2(cublasHandle_t h, int *v) {
  (void)h;
  *v = 130100;
  return 0;
}

EXPORT cublasStatus_t cublasSetStream_v2(cublasHandle_t h, void *s) {
  h->stream = s;
  return 0;
}

EXPORT cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t h, void *ws, size_t bytes) {
  h->workspace = ws;
  h->workspace_bytes = bytes;
  return 0;
}

EXPORT cublasStatus_t cublasSetMathMode(cublasHandle_t h, int mode) {
  h->math = mode;
  return 0;
}

static double scalar(const void *p, int compute) {
  return compute == C_64F   ? *(const double *)p
         : compute == C_32I ? (double)*(const int32_t *)p
                            : (double)*(const float *)p;
}

EXPORT cublasStatus_t cublasGemmEx(cublasHandle_t h, int ta, int tb, int m, int n, int k,
                                   const void *alpha, const void *a, int atype, int lda,
                                   const void *b, int btype, int ldb, const void *beta, void *c,
                                   int ctype, int ldc, int compute, int algo) {
  (void)algo;
  long fault = fake_env_long("FAKE_CUBLAS_STATUS", 0);
  if (fault)
    return (int)fault;
  if (!h || m < 0 || n < 0 || k < 0 || ta < 0 || ta > 1 || tb < 0 || tb > 1)
    return 7; /* CUBLAS_STATUS_INVALID_VALUE */
  if (lda < (ta ? k : m) || ldb < (tb ? n : k) || ldc < m)
    return 7;
  if (!fake_type_ok(atype) || atype != btype || atype == R_E4M3 || atype == R_E5M2)
    return 15; /* CUBLAS_STATUS_NOT_SUPPORTED: FP8 is cuBLASLt's */
  if (compute == C_TF32 && atype != R_32F)
    return 15;
  fake_gemm(ta, tb, m, n, k, scalar(alpha, compute), a, atype, lda, b, btype, ldb,
            scalar(beta, compute), c, ctype, ldc, compute);
  return 0;
}

static const char *const names[] = {
    [0] = "CUBLAS_STATUS_SUCCESS",         [3] = "CUBLAS_STATUS_ALLOC_FAILED",
    [7] = "CUBLAS_STATUS_INVALID_VALUE",   [13] = "CUBLAS_STATUS_EXECUTION_FAILED",
    [14] = "CUBLAS_STATUS_INTERNAL_ERROR", [15] = "CUBLAS_STATUS_NOT_SUPPORTED"};
static const char *const texts[] = {[0] = "the operation completed successfully",
                                    [3] = "the resource allocation failed",
                                    [7] = "an invalid numeric value was used as an argument",
                                    [13] = "the GPU program failed to execute",
                                    [14] = "an internal operation failed",
                                    [15] = "the functionality requested is not supported"};

EXPORT const char *cublasGetStatusName(cublasStatus_t s) {
  return s >= 0 && s < 16 && names[s] ? names[s] : "CUBLAS_STATUS_UNKNOWN";
}

EXPORT const char *cublasGetStatusString(cublasStatus_t s) {
  return s >= 0 && s < 16 && texts[s] ? texts[s] : "unknown error";
}
