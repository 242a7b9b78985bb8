/* Type check of the cuda backend's private declarations (backends/cuda: cuda_rt.h, cuda_drv.h,
 * cublas.h, cublaslt.h, nvrtc.h) against the CUDA toolkit's own headers: each real function is
 * assigned to the pointer slot the backend resolves it into. Built only where the toolkit is
 * present, with -Werror=incompatible-pointer-types, so a wrong parameter or result type fails the
 * build of this test (the ctest toolkit_types then fails: it builds this file). */
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda.h>
#include <cuda_runtime_api.h>
#include <nvrtc.h>
#include <stdio.h>

#define ABCU_LT_TOOLKIT_TYPES 1
#include "../../backends/cuda/cublaslt.h"
#include "../../backends/cuda/cuda_drv.h"
#include "../../backends/cuda/cuda_rt.h"
#include "../../backends/cuda/nvrtc.h"

#define EQ(a, b)                 ((long)(a) == (long)(b))
#define SLOT(table, field, real) (table).field = &(real)

_Static_assert(sizeof(abcu_lt_algo_layout) == sizeof(cublasLtMatmulAlgo_t), "algo size");
_Static_assert(sizeof(abcu_lt_heuristic_layout) == sizeof(cublasLtMatmulHeuristicResult_t),
               "heuristic result size");
_Static_assert(offsetof(abcu_lt_heuristic_layout, workspace_size) ==
                   offsetof(cublasLtMatmulHeuristicResult_t, workspaceSize),
               "workspaceSize offset");
_Static_assert(offsetof(abcu_lt_heuristic_layout, state) ==
                   offsetof(cublasLtMatmulHeuristicResult_t, state),
               "state offset");
_Static_assert(EQ(ABCU_R_8F_E4M3, CUDA_R_8F_E4M3) && EQ(ABCU_R_8F_E5M2, CUDA_R_8F_E5M2) &&
                   EQ(ABCU_R_16BF, CUDA_R_16BF) && EQ(ABCU_R_32I, CUDA_R_32I),
               "cudaDataType values");
_Static_assert(EQ(ABCU_COMPUTE_32F_FAST_TF32, CUBLAS_COMPUTE_32F_FAST_TF32) &&
                   EQ(ABCU_COMPUTE_32F_PEDANTIC, CUBLAS_COMPUTE_32F_PEDANTIC) &&
                   EQ(ABCU_COMPUTE_32I, CUBLAS_COMPUTE_32I) &&
                   EQ(ABCU_COMPUTE_64F, CUBLAS_COMPUTE_64F),
               "cublasComputeType_t values");
_Static_assert(EQ(ABCU_MATH_TF32_TENSOR_OP, CUBLAS_TF32_TENSOR_OP_MATH) &&
                   EQ(ABCU_MATH_PEDANTIC, CUBLAS_PEDANTIC_MATH),
               "cublasMath_t values");
_Static_assert(EQ(ABCU_LT_DESC_A_SCALE_POINTER, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER) &&
                   EQ(ABCU_LT_DESC_B_SCALE_POINTER, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER) &&
                   EQ(ABCU_LT_DESC_TRANSA, CUBLASLT_MATMUL_DESC_TRANSA) &&
                   EQ(ABCU_LT_PREF_MAX_WORKSPACE_BYTES, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES),
               "cuBLASLt attribute ids");
_Static_assert(EQ(ABCU_ERROR_INSUFFICIENT_DRIVER, cudaErrorInsufficientDriver) &&
                   EQ(ABCU_MEMCPY_DEVICE_TO_DEVICE, cudaMemcpyDeviceToDevice),
               "runtime enum values");
_Static_assert(EQ(ABCU_ATTR_PCI_BUS_ID, CU_DEVICE_ATTRIBUTE_PCI_BUS_ID) &&
                   EQ(ABCU_ATTR_PCI_DOMAIN_ID, CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID) &&
                   EQ(ABCU_ATTR_CC_MAJOR, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) &&
                   EQ(ABCU_ATTR_MULTIPROCESSOR_COUNT, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
               "driver attribute ids");

int main(void) {
  abcu_rt_api rt;
  SLOT(rt, cudaGetDeviceCount, cudaGetDeviceCount);
  SLOT(rt, cudaSetDevice, cudaSetDevice);
  SLOT(rt, cudaDeviceSynchronize, cudaDeviceSynchronize);
  SLOT(rt, cudaMalloc, cudaMalloc);
  SLOT(rt, cudaFree, cudaFree);
  SLOT(rt, cudaMallocHost, cudaMallocHost);
  SLOT(rt, cudaFreeHost, cudaFreeHost);
  SLOT(rt, cudaMemGetInfo, cudaMemGetInfo);
  SLOT(rt, cudaMemcpy, cudaMemcpy);
  SLOT(rt, cudaMemcpyAsync, cudaMemcpyAsync);
  SLOT(rt, cudaStreamCreateWithFlags, cudaStreamCreateWithFlags);
  SLOT(rt, cudaStreamDestroy, cudaStreamDestroy);
  SLOT(rt, cudaStreamSynchronize, cudaStreamSynchronize);
  SLOT(rt, cudaEventCreateWithFlags, cudaEventCreateWithFlags);
  SLOT(rt, cudaEventRecord, cudaEventRecord);
  SLOT(rt, cudaEventSynchronize, cudaEventSynchronize);
  SLOT(rt, cudaEventElapsedTime, cudaEventElapsedTime);
  SLOT(rt, cudaEventDestroy, cudaEventDestroy);
  SLOT(rt, cudaGetErrorString, cudaGetErrorString);
  SLOT(rt, cudaGetErrorName, cudaGetErrorName);
  SLOT(rt, cudaGetLastError, cudaGetLastError);
  SLOT(rt, cudaDriverGetVersion, cudaDriverGetVersion);
  SLOT(rt, cudaRuntimeGetVersion, cudaRuntimeGetVersion);

  abcu_drv_api drv;
  SLOT(drv, cuInit, cuInit);
  SLOT(drv, cuDriverGetVersion, cuDriverGetVersion);
  SLOT(drv, cuDeviceGet, cuDeviceGet);
  SLOT(drv, cuDeviceGetName, cuDeviceGetName);
  SLOT(drv, cuDeviceGetAttribute, cuDeviceGetAttribute);
  SLOT(drv, cuDeviceTotalMem_v2, cuDeviceTotalMem_v2);
  SLOT(drv, cuGetErrorString, cuGetErrorString);
  SLOT(drv, cuGetErrorName, cuGetErrorName);
  SLOT(drv, cuModuleLoadData, cuModuleLoadData);
  SLOT(drv, cuModuleGetFunction, cuModuleGetFunction);
  SLOT(drv, cuModuleUnload, cuModuleUnload);
  SLOT(drv, cuLaunchKernel, cuLaunchKernel);

  abcu_blas_api blas;
  SLOT(blas, cublasCreate_v2, cublasCreate_v2);
  SLOT(blas, cublasDestroy_v2, cublasDestroy_v2);
  SLOT(blas, cublasGetVersion_v2, cublasGetVersion_v2);
  SLOT(blas, cublasSetStream_v2, cublasSetStream_v2);
  SLOT(blas, cublasSetWorkspace_v2, cublasSetWorkspace_v2);
  SLOT(blas, cublasSetMathMode, cublasSetMathMode);
  SLOT(blas, cublasGemmEx, cublasGemmEx);
  SLOT(blas, cublasGetStatusString, cublasGetStatusString);
  SLOT(blas, cublasGetStatusName, cublasGetStatusName);

  abcu_lt_api lt;
  SLOT(lt, cublasLtCreate, cublasLtCreate);
  SLOT(lt, cublasLtDestroy, cublasLtDestroy);
  SLOT(lt, cublasLtGetVersion, cublasLtGetVersion);
  SLOT(lt, cublasLtMatmulDescCreate, cublasLtMatmulDescCreate);
  SLOT(lt, cublasLtMatmulDescDestroy, cublasLtMatmulDescDestroy);
  SLOT(lt, cublasLtMatmulDescSetAttribute, cublasLtMatmulDescSetAttribute);
  SLOT(lt, cublasLtMatrixLayoutCreate, cublasLtMatrixLayoutCreate);
  SLOT(lt, cublasLtMatrixLayoutDestroy, cublasLtMatrixLayoutDestroy);
  SLOT(lt, cublasLtMatmulPreferenceCreate, cublasLtMatmulPreferenceCreate);
  SLOT(lt, cublasLtMatmulPreferenceDestroy, cublasLtMatmulPreferenceDestroy);
  SLOT(lt, cublasLtMatmulPreferenceSetAttribute, cublasLtMatmulPreferenceSetAttribute);
  SLOT(lt, cublasLtMatmulAlgoGetHeuristic, cublasLtMatmulAlgoGetHeuristic);
  SLOT(lt, cublasLtMatmul, cublasLtMatmul);
  SLOT(lt, cublasLtGetStatusString, cublasLtGetStatusString);

  abcu_nvrtc_api nv;
  SLOT(nv, nvrtcVersion, nvrtcVersion);
  SLOT(nv, nvrtcCreateProgram, nvrtcCreateProgram);
  SLOT(nv, nvrtcCompileProgram, nvrtcCompileProgram);
  SLOT(nv, nvrtcGetCUBINSize, nvrtcGetCUBINSize);
  SLOT(nv, nvrtcGetCUBIN, nvrtcGetCUBIN);
  SLOT(nv, nvrtcGetProgramLogSize, nvrtcGetProgramLogSize);
  SLOT(nv, nvrtcGetProgramLog, nvrtcGetProgramLog);
  SLOT(nv, nvrtcDestroyProgram, nvrtcDestroyProgram);
  SLOT(nv, nvrtcGetErrorString, nvrtcGetErrorString);

  (void)rt, (void)drv, (void)blas, (void)lt, (void)nv;
  puts("private CUDA declarations match the toolkit headers");
  return 0;
}
