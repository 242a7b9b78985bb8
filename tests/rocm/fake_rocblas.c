/* A fake librocblas for tests (never installed): handles, streams and rocblas_gemm_ex
 * computed on the CPU (the column-major reference of tests/cuda/fake_gemm.h), with
 * rocBLAS's own codes: operations 111/112/113, rocblas_datatype values, the compute type a
 * rocblas_datatype whose alpha/beta type it fixes. FAKE_ROCBLAS_STATUS=N makes the GEMM
 * return status N (fake_env.h). */
#include <stdio.h>
#include <string.h>

#include "../cuda/fake_gemm.h"
#include "fake_env.h"

typedef int rocblas_status;
struct _rocblas_handle {
  void *stream;
};
typedef struct _rocblas_handle *rocblas_handle;

enum { OP_N = 111, OP_T = 112, OP_C = 113 };
enum { F16 = 150, F32 = 151, F64 = 152, I8 = 160, I32 = 162, BF16 = 168 };

EXPORT rocblas_status rocblas_create_handle(rocblas_handle *h) {
  *h = calloc(1, sizeof **h);
  return *h ? 0 : 5;
}

EXPORT rocblas_status rocblas_destroy_handle(rocblas_handle h) {
  free(h);
  return 0;
}

EXPORT rocblas_status rocblas_set_stream(rocblas_handle h, void *stream) {
  h->stream = stream;
  return 0;
}

EXPORT rocblas_status rocblas_get_version_string(char *buf, size_t len) {
  snprintf(buf, len, "4.3.0-fake");
  return 0;
}

/* rocblas_datatype -> the reference's type code; -1 for the ones the fake lacks. */
static int ref_type(int t) {
  switch (t) {
  case F16: return R_16F;
  case F32: return R_32F;
  case F64: return R_64F;
  case I8: return R_8I;
  case I32: return R_32I;
  case BF16: return R_16BF;
  default: return -1;
  }
}

/* rocBLAS's gemm_ex type table (the real ones the adapter uses): in -> out, compute. */
static int types_ok(int ab, int cd, int compute) {
  return (ab == F64 && cd == F64 && compute == F64) || (ab == F32 && cd == F32 && compute == F32) ||
         (ab == F16 && cd == F16 && compute == F32) ||
         (ab == BF16 && cd == BF16 && compute == F32) || (ab == I8 && cd == I32 && compute == I32);
}

static size_t elem_size(int t) {
  return t == F64 ? 8 : t == F32 || t == I32 ? 4 : t == I8 ? 1 : 2;
}

static double scalar(const void *p, int compute) {
  return compute == F64   ? *(const double *)p
         : compute == I32 ? (double)*(const int32_t *)p
                          : (double)*(const float *)p;
}

EXPORT rocblas_status rocblas_gemm_ex(rocblas_handle h, int ta, int tb, int32_t m, int32_t n,
                                      int32_t k, const void *alpha, const void *a, int a_type,
                                      int32_t lda, const void *b, int b_type, int32_t ldb,
                                      const void *beta, const void *c, int c_type, int32_t ldc,
                                      void *d, int d_type, int32_t ldd, int compute, int algo,
                                      int32_t solution, uint32_t flags) {
  (void)solution;
  long fault = fake_env_long("FAKE_ROCBLAS_STATUS", 0);
  if (fault)
    return (int)fault;
  if (!h)
    return 1; /* rocblas_status_invalid_handle */
  if ((ta != OP_N && ta != OP_T && ta != OP_C) || (tb != OP_N && tb != OP_T && tb != OP_C) ||
      algo != 0 || flags != 0)
    return 11; /* rocblas_status_invalid_value */
  if (m < 0 || n < 0 || k < 0 || lda < (ta != OP_N ? k : m) || ldb < (tb != OP_N ? n : k) ||
      ldc < m || ldd < m)
    return 4; /* rocblas_status_invalid_size */
  if (a_type != b_type || c_type != d_type || !types_ok(a_type, c_type, compute))
    return 2; /* rocblas_status_not_implemented */
  double be = scalar(beta, compute);
  if (be != 0.0 && c != d) /* D = alpha op(A) op(B) + beta C: start D from C */
    for (int j = 0; j < n; j++)
      memcpy((char *)d + (size_t)j * ldd * elem_size(d_type),
             (const char *)c + (size_t)j * ldc * elem_size(c_type), (size_t)m * elem_size(c_type));
  fake_gemm(ta != OP_N, tb != OP_N, m, n, k, scalar(alpha, compute), a, ref_type(a_type), lda, b,
            ref_type(b_type), ldb, be, d, ref_type(d_type), ldd,
            compute == F64   ? C_64F
            : compute == I32 ? C_32I
                             : C_32F);
  return 0;
}

static const char *const names[] = {"rocblas_status_success",
                                    "rocblas_status_invalid_handle",
                                    "rocblas_status_not_implemented",
                                    "rocblas_status_invalid_pointer",
                                    "rocblas_status_invalid_size",
                                    "rocblas_status_memory_error",
                                    "rocblas_status_internal_error",
                                    "rocblas_status_perf_degraded",
                                    "rocblas_status_size_query_mismatch",
                                    "rocblas_status_size_increased",
                                    "rocblas_status_size_unchanged",
                                    "rocblas_status_invalid_value",
                                    "rocblas_status_continue",
                                    "rocblas_status_check_numerics_fail"};

EXPORT const char *rocblas_status_to_string(rocblas_status s) {
  return s >= 0 && s < (int)(sizeof names / sizeof names[0]) ? names[s]
                                                             : "<undefined rocblas_status>";
}
