/* accelbench portable CUDA kernels: the CUDA C source of every inference kind and, for one
 * call of a kernel descriptor, the launches that perform it.
 *
 * The cuda backend compiles cuk_source() once per device architecture with NVRTC (so that
 * building accelbench never needs nvcc), loads it as a module, and for each case asks
 * cuk_plan() for the steps to launch with cuLaunchKernel. Nothing here touches a GPU or a
 * CUDA library: the plans are pure functions of the descriptor, testable on any machine.
 *
 * Compiling the source: it includes cuda_fp16.h and cuda_bf16.h, so NVRTC needs the toolkit's
 * include directory (--include-path=<toolkit>/include); do not pass --use_fast_math (the
 * harness's tolerances assume the accurate expf, tanhf, erff, powf, sinf and cosf). Kernel
 * names are extern "C" (no mangling): cuModuleGetFunction takes cuk_launch.function as is.
 *
 * Kinds covered: attention (prefill and decode, MHA/GQA, BSHD/BHSD, a KV cache of its own
 * dtype), norm (RMS, Layer), softmax, activation (GELU tanh/erf, SiLU, SwiGLU), elementwise
 * add, rotary, conv2d (NCHW/NHWC, stride, padding, dilation, groups; direct) and STREAM;
 * and the microbenchmarks the backend runs on its own kernels: launch (an empty kernel) and
 * peak (f64, f32, f16, bf16 fused multiply-add chains).
 * Dtypes: f32, f16, bf16 with f32 arithmetic (the backend declares accumulate_dtype f32);
 * STREAM in f32 and f64 (in its own dtype); conv2d also int8 -> int32 (int32 arithmetic).
 * Anything else is AB_E_UNSUPPORTED with the reason in msg. */
#ifndef AB_CUK_H
#define AB_CUK_H

#include <stddef.h>
#include <stdint.h>

#include "accelbench/kernel.h"
#include "accelbench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One kernel launch. args[i] points into this struct's own storage (where the operands'
 * CUdeviceptr values and the scalar parameters are laid out as cuLaunchKernel expects), so
 * a copy of the struct must not be launched: launch the one cuk_plan filled.
 * shared_bytes is the dynamic shared memory (always below the 48 KiB every device grants
 * without cuFuncSetAttribute). */
typedef struct cuk_launch {
  char function[64];
  uint32_t grid[3], block[3];
  uint32_t shared_bytes;
  size_t n_args;
  void *args[16]; /* point into storage */
  unsigned char storage[256];
} cuk_launch;

/* One CUDA C translation unit with all kernels; NUL-terminated, static. */
const char *cuk_source(void);

/* The launch steps, in order, for one call of `d` with the operands at the device
 * addresses operand_ptrs[0..n_operands) in the operand order of the kind's table
 * (bench/model/kinds/, kernel.h). Writes *n_steps (<= max_steps). AB_E_UNSUPPORTED with the
 * reason for shapes, layouts or dtypes these kernels do not cover; AB_E_INVALID for a
 * descriptor or operand list that no backend could run. msg holds AB_MSG_LEN bytes. */
ab_status cuk_plan(const ab_kernel_desc *d, const uint64_t *operand_ptrs, size_t n_operands,
                   cuk_launch *steps, size_t max_steps, size_t *n_steps, char *msg);

#ifdef __cplusplus
}
#endif
#endif
