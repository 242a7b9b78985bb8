/* accelbench cuda backend — the interface to the portable CUDA C kernels.
 *
 * The kernels' sources and per-kind launch plans live in this folder (written on their own
 * branch); the backend compiles cuk_source() with NVRTC for the device's architecture,
 * loads the image with cuModuleLoadData and launches each planned step with cuLaunchKernel
 * on the case's stream (backends/cuda/cuda_nvrtc.c). */
#ifndef AB_CUDA_KERNELS_CUK_H
#define AB_CUDA_KERNELS_CUK_H

#include <stddef.h>
#include <stdint.h>

#include "accelbench/kernel.h"
#include "accelbench/status.h"

typedef struct cuk_launch {
  char function[64];
  uint32_t grid[3], block[3];
  uint32_t shared_bytes;
  size_t n_args;
  void *args[16]; /* points into storage */
  unsigned char storage[256];
} cuk_launch;

/* One CUDA C translation unit holding every kernel. */
const char *cuk_source(void);

/* Launch steps for one call of `d` on operand device pointers; AB_E_UNSUPPORTED with the
 * reason for shapes/dtypes it lacks. `msg` has AB_MSG_LEN bytes. */
ab_status cuk_plan(const ab_kernel_desc *d, const uint64_t *operand_ptrs, size_t n_operands,
                   cuk_launch *steps, size_t max_steps, size_t *n_steps, char *msg);

#endif
