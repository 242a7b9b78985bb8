/* Private declarations of the rocBLAS functions the rocm backend calls (librocblas),
 * resolved at run time through the shared layer.
 *
 * source: ../shared/reference/vendor-api-facts.md 4.2 (VERIFIED:
 * ROCm/rocBLAS:library/include/internal/rocblas-{types,functions,auxiliary}.h@b520bc83fa67;
 * SOVERSION 4 -> librocblas.so.4): prototypes, rocblas_operation 111/112/113, the
 * rocblas_datatype values, rocblas_gemm_algo_standard 0, rocblas_gemm_flags_none 0, and the
 * exported rocblas_gemm_ex's 24 parameters (the header's variadic macro of that name only
 * drops obsolete workspace arguments). rocblas_status values:
 * ROCm/rocBLAS:library/include/internal/rocblas-types.h@01f9ab79ed4f. */
#ifndef AB_ROCM_ROCBLAS_API_H
#define AB_ROCM_ROCBLAS_API_H

#include <stddef.h>
#include <stdint.h>

#include "hip_rt.h"

typedef struct _rocblas_handle *abrb_handle; /* rocblas_handle */
typedef int abrb_status;                     /* rocblas_status */

enum {
  ABRB_SUCCESS = 0,
  ABRB_NOT_IMPLEMENTED = 2,
  ABRB_MEMORY_ERROR = 5,
  ABRB_OP_N = 111, /* rocblas_operation_none */
  ABRB_OP_T = 112, /* rocblas_operation_transpose */
  ABRB_F16_R = 150,
  ABRB_F32_R = 151,
  ABRB_F64_R = 152,
  ABRB_I8_R = 160,
  ABRB_I32_R = 162,
  ABRB_BF16_R = 168,
  ABRB_GEMM_ALGO_STANDARD = 0,
  ABRB_GEMM_FLAGS_NONE = 0,
};

typedef struct abrb_api {
  abrb_status (*rocblas_create_handle)(abrb_handle *handle);
  abrb_status (*rocblas_destroy_handle)(abrb_handle handle);
  abrb_status (*rocblas_set_stream)(abrb_handle handle, abhip_stream stream);
  const char *(*rocblas_status_to_string)(abrb_status status);
  abrb_status (*rocblas_gemm_ex)(abrb_handle handle, int trans_a, int trans_b, int32_t m, int32_t n,
                                 int32_t k, const void *alpha, const void *a, int a_type,
                                 int32_t lda, const void *b, int b_type, int32_t ldb,
                                 const void *beta, const void *c, int c_type, int32_t ldc, void *d,
                                 int d_type, int32_t ldd, int compute_type, int algo,
                                 int32_t solution_index, uint32_t flags);
  /* optional: the version in the case's implementation text */
  abrb_status (*rocblas_get_version_string)(char *buf, size_t len);
} abrb_api;

#endif
