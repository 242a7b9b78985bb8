/* Fault switches of the fake CUDA libraries (test fixtures only: never installed).
 *   FAKE_CUDA_NO_DRIVER=1        cudaGetDeviceCount answers 35 and leaves the count unwritten
 *   FAKE_CUDA_DEVICES=N          devices the runtime reports (default 1)
 *   FAKE_CUDA_DRIVER_DEVICES=N   devices the driver API knows (default: FAKE_CUDA_DEVICES)
 *   FAKE_CUDA_CC=M.m             compute capability (default 9.0)
 *   FAKE_CUDA_MALLOC_FAIL_BYTES=N  cudaMalloc of N bytes or more fails (2, out of memory)
 *   FAKE_CUBLAS_STATUS=N         cublasGemmEx and cublasLtMatmul return status N
 *   FAKE_NVRTC_FAIL=1            nvrtcCompileProgram fails (6) with a compile log
 *   FAKE_CUDA_LAUNCH_STATUS=N    cuLaunchKernel returns N */
#ifndef AB_TESTS_FAKE_CUDA_ENV_H
#define AB_TESTS_FAKE_CUDA_ENV_H

#include <stdlib.h>

static inline long fake_env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 10) : dflt;
}

/* Compute capability as 10 * major + minor ("8.9" -> 89). */
static inline int fake_cc(void) {
  const char *v = getenv("FAKE_CUDA_CC");
  if (!v || !*v)
    return 90;
  return (int)(10.0 * strtod(v, NULL) + 0.5);
}

#endif
