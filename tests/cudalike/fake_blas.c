/* A fake cuBLAS-shaped BLAS for tests (never installed): Create/Destroy/SetStream with the
 * row's handle suffix and GemmEx computed on the CPU (tests/cuda/fake_gemm.h: CUDA's
 * datatype, operation and compute numbers, which the CoreX row passes). Glued from
 * FAKE_BLAS_PREFIX and FAKE_HANDLE_SUFFIX. FAKE_CL_BLAS_STATUS=N makes GemmEx return N
 * with its text. */
#include <stdlib.h>

#include "../cuda/fake_gemm.h"

#define CAT2(a, b) a##b
#define CAT(a, b)  CAT2(a, b)
#define B(sfx)     CAT(FAKE_BLAS_PREFIX, sfx)
#define H(sfx)     CAT(B(sfx), FAKE_HANDLE_SUFFIX)
#define EXPORT     __attribute__((visibility("default")))

typedef int status_t;
typedef struct fake_handle {
  void *stream;
} * handle_t;

EXPORT status_t H(Create)(handle_t *h) {
  *h = calloc(1, sizeof **h);
  return *h ? 0 : 3;
}

EXPORT status_t H(Destroy)(handle_t h) {
  free(h);
  return 0;
}

EXPORT status_t H(SetStream)(handle_t h, void *s) {
  h->stream = s;
  return 0;
}

static double scalar(const void *p, int compute) {
  return compute == C_64F ? *(const double *)p : (double)*(const float *)p;
}

EXPORT status_t B(GemmEx)(handle_t h, int ta, int tb, int m, int n, int k, const void *alpha,
                          const void *a, int atype, int lda, const void *b, int btype, int ldb,
                          const void *beta, void *c, int ctype, int ldc, int compute, int algo) {
  const char *fault = getenv("FAKE_CL_BLAS_STATUS");
  if (fault && *fault)
    return (int)strtol(fault, NULL, 10);
  if (!h || m < 0 || n < 0 || k < 0 || ta < 0 || ta > 1 || tb < 0 || tb > 1 || algo != -1)
    return 7;
  if (lda < (ta ? k : m) || ldb < (tb ? n : k) || ldc < m)
    return 7;
  if (!fake_type_ok(atype) || atype != btype || (compute != C_32F && compute != C_64F))
    return 15;
  fake_gemm(ta, tb, m, n, k, scalar(alpha, compute), a, atype, lda, b, btype, ldb,
            scalar(beta, compute), c, ctype, ldc, compute);
  return 0;
}

EXPORT const char *B(GetStatusString)(status_t s) {
  switch (s) {
  case 0: return "the operation completed successfully";
  case 7: return "an invalid numeric value was used as an argument";
  case 13: return "the GPU program failed to execute";
  case 15: return "the functionality requested is not supported";
  default: return "unknown status";
  }
}
