/* Private declarations of the cuBLAS (libcublas) functions the cuda backend calls.
 *
 * source: ../shared/reference/vendor-api-facts.md 1.5 (prototypes, exported _v2 names,
 * enum values, workspace), VERIFIED-LOCAL against the CUDA 13.0 toolkit headers
 * cublas_api.h, cublas_v2.h and library_types.h. Integer types of enum parameters: see
 * cuda_rt.h (cublasGemmAlgo_t has the negative CUBLAS_GEMM_DEFAULT, so it is int). */
#ifndef AB_CUDA_CUBLAS_H
#define AB_CUDA_CUBLAS_H

#include <stddef.h>

#include "cuda_rt.h"

typedef unsigned int abcu_blas_status;   /* cublasStatus_t; SUCCESS = 0 */
typedef struct cublasContext *abcu_blas; /* cublasHandle_t */

enum {
  ABCU_BLAS_SUCCESS = 0,
  ABCU_BLAS_NOT_SUPPORTED = 15,
  ABCU_OP_N = 0,
  ABCU_OP_T = 1,
  ABCU_GEMM_DEFAULT = -1,
  /* cublasMath_t */
  ABCU_MATH_DEFAULT = 0,
  ABCU_MATH_PEDANTIC = 2,
  ABCU_MATH_TF32_TENSOR_OP = 3,
  /* cublasComputeType_t */
  ABCU_COMPUTE_32F = 68,
  ABCU_COMPUTE_32F_PEDANTIC = 69,
  ABCU_COMPUTE_64F = 70,
  ABCU_COMPUTE_32I = 72,
  ABCU_COMPUTE_32F_FAST_TF32 = 77,
  /* cudaDataType */
  ABCU_R_32F = 0,
  ABCU_R_64F = 1,
  ABCU_R_16F = 2,
  ABCU_R_8I = 3,
  ABCU_R_32I = 10,
  ABCU_R_16BF = 14,
  ABCU_R_8F_E4M3 = 28,
  ABCU_R_8F_E5M2 = 29,
};

/* cuBLAS's recommended workspace on Hopper (facts 1.5: 32 MiB; 4 MiB elsewhere). The larger
 * one is given on every device: a library may use less, never needs more. */
#define ABCU_BLAS_WORKSPACE_BYTES ((size_t)32 << 20)

typedef struct abcu_blas_api {
  abcu_blas_status (*cublasCreate_v2)(abcu_blas *handle);
  abcu_blas_status (*cublasDestroy_v2)(abcu_blas handle);
  abcu_blas_status (*cublasGetVersion_v2)(abcu_blas handle, int *version);
  abcu_blas_status (*cublasSetStream_v2)(abcu_blas handle, abcu_stream stream);
  abcu_blas_status (*cublasSetWorkspace_v2)(abcu_blas handle, void *workspace, size_t bytes);
  abcu_blas_status (*cublasSetMathMode)(abcu_blas handle, unsigned int mode);
  abcu_blas_status (*cublasGemmEx)(abcu_blas handle, unsigned int transa, unsigned int transb,
                                   int m, int n, int k, const void *alpha, const void *a,
                                   unsigned int atype, int lda, const void *b, unsigned int btype,
                                   int ldb, const void *beta, void *c, unsigned int ctype, int ldc,
                                   unsigned int compute_type, int algo);
  const char *(*cublasGetStatusString)(abcu_blas_status status);
  const char *(*cublasGetStatusName)(abcu_blas_status status);
} abcu_blas_api;

#endif
