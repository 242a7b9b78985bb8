/* A host emulation of the CUDA C that the portable kernels use, so that the kernels' own source
 * (the .cu files of backends/cuda/kernels, included below) runs on the CPU. It is compiled by the
 * host C++ compiler, not NVRTC, and it runs no PTX. It checks the kernels' algorithms and index
 * arithmetic: masks, layouts, GQA, online softmax, reductions and the planner's geometry. It
 * does not check the device compiler, the device intrinsics, or the timing.
 *
 * Each block runs on its own, one after another. Each CUDA thread of the block is a host
 * thread. __syncthreads is a barrier for the block. __shfl_xor_sync is an exchange through
 * memory between the 32 lanes of a warp, with a barrier for the warp. Shared memory is
 * `static`, so all threads see it; that is correct because only one block runs at a time. */
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <thread>
#include <vector>

#include "cuk.h"
#include "cuk_emu.h"

/* The CUDA keywords, for the host (cuda_fp16.h's host_defines.h gave them other meanings). */
#undef __global__
#undef __device__
#undef __forceinline__
#undef __shared__
#undef __launch_bounds__
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__      static
#define __launch_bounds__(n)

enum { EMU_MAX_THREADS = 1024, EMU_MAX_WARPS = EMU_MAX_THREADS / 32 };

static thread_local uint3 threadIdx;
static uint3 blockIdx, blockDim, gridDim;
static pthread_barrier_t emu_block_barrier, emu_warp_barrier[EMU_MAX_WARPS];
static float emu_lanes[EMU_MAX_WARPS][32];
static float emu_dynamic_shared[48 * 1024 / sizeof(float)];

#define CUK_DYNAMIC_SHARED(type, name) type *name = (type *)emu_dynamic_shared

static void __syncthreads() {
  pthread_barrier_wait(&emu_block_barrier);
}

static float __shfl_xor_sync(unsigned mask, float v, int lane_mask) {
  (void)mask;
  unsigned warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  emu_lanes[warp][lane] = v;
  pthread_barrier_wait(&emu_warp_barrier[warp]);
  float other = emu_lanes[warp][lane ^ (unsigned)lane_mask];
  pthread_barrier_wait(&emu_warp_barrier[warp]);
  return other;
}

static float __int_as_float(int i) {
  float f;
  memcpy(&f, &i, sizeof f);
  return f;
}

static float rsqrtf(float x) {
  return 1.0f / sqrtf(x);
}

/* cuda_fp16.h / cuda_bf16.h declare __hfma for the device only. Here: through f32, which can
 * round twice; the peak kernel's values (small integers) are exact either way. */
static __half __hfma(__half a, __half b, __half c) {
  return __float2half_rn(fmaf(__half2float(a), __half2float(b), __half2float(c)));
}

static __nv_bfloat16 __hfma(__nv_bfloat16 a, __nv_bfloat16 b, __nv_bfloat16 c) {
  return __float2bfloat16_rn(fmaf(__bfloat162float(a), __bfloat162float(b), __bfloat162float(c)));
}

/* The translation unit cuk_source() embeds, in its order (backends/cuda/kernels/CMakeLists). */
// clang-format off
#include "cuk_params.h"
#include "cuk_common.cuh"
#include "cuk_stream.cu"
#include "cuk_elementwise.cu"
#include "cuk_activation.cu"
#include "cuk_norm.cu"
#include "cuk_softmax.cu"
#include "cuk_rotary.cu"
#include "cuk_conv2d.cu"
#include "cuk_attention.cu"
#include "cuk_micro.cu"
// clang-format on

/* Every kernel is (pointers..., parameter block); call one with the launch's arguments. Its
 * pointer parameters are typed (const float *, __half *, ...), the call passes void *: the
 * same registers and stack slots on every 64-bit ABI this runs on. */
template <typename P> static void call(void *fn, const cuk_launch *l) {
  size_t np = l->n_args - 1;
  void *p[4] = {nullptr, nullptr, nullptr, nullptr};
  for (size_t i = 0; i < np && i < 4; i++)
    memcpy(&p[i], l->args[i], sizeof p[i]);
  P params;
  memcpy(&params, l->args[np], sizeof params);
  if (np == 0) {
    void (*f)(P);
    memcpy(&f, &fn, sizeof f);
    f(params);
  } else if (np == 1) {
    void (*f)(void *, P);
    memcpy(&f, &fn, sizeof f);
    f(p[0], params);
  } else if (np == 2) {
    void (*f)(void *, void *, P);
    memcpy(&f, &fn, sizeof f);
    f(p[0], p[1], params);
  } else if (np == 3) {
    void (*f)(void *, void *, void *, P);
    memcpy(&f, &fn, sizeof f);
    f(p[0], p[1], p[2], params);
  } else {
    void (*f)(void *, void *, void *, void *, P);
    memcpy(&f, &fn, sizeof f);
    f(p[0], p[1], p[2], p[3], params);
  }
}

typedef void (*emu_caller)(void *fn, const cuk_launch *l);

static emu_caller caller_of(ab_kernel_kind kind) {
  switch (kind) {
  case AB_KERNEL_STREAM:
  case AB_KERNEL_ELEMENTWISE:
  case AB_KERNEL_ACTIVATION:
  case AB_KERNEL_LAUNCH: return call<cuk_map_args>;
  case AB_KERNEL_PEAK: return call<cuk_peak_args>;
  case AB_KERNEL_NORM:
  case AB_KERNEL_SOFTMAX: return call<cuk_rows_args>;
  case AB_KERNEL_ROTARY: return call<cuk_rotary_args>;
  case AB_KERNEL_CONV2D: return call<cuk_conv2d_args>;
  case AB_KERNEL_ATTENTION: return call<cuk_attention_args>;
  default: return nullptr;
  }
}

static void run_block(emu_caller call_kernel, void *fn, const cuk_launch *l) {
  unsigned threads = l->block[0];
  pthread_barrier_init(&emu_block_barrier, nullptr, threads);
  for (unsigned w = 0; w * 32 < threads; w++)
    pthread_barrier_init(&emu_warp_barrier[w], nullptr,
                         threads - w * 32 < 32 ? threads - w * 32 : 32);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; t++)
    pool.emplace_back([=] {
      threadIdx = uint3{t, 0, 0};
      call_kernel(fn, l);
    });
  for (auto &th : pool)
    th.join();
  pthread_barrier_destroy(&emu_block_barrier);
  for (unsigned w = 0; w * 32 < threads; w++)
    pthread_barrier_destroy(&emu_warp_barrier[w]);
}

extern "C" int cuk_emu_launch(ab_kernel_kind kind, const cuk_launch *l, char *msg, size_t len) {
  void *fn = dlsym(RTLD_DEFAULT, l->function);
  emu_caller call_kernel = caller_of(kind);
  if (!fn || !call_kernel || l->n_args < 1 || l->n_args > 5) {
    snprintf(msg, len, "no emulated kernel %s", l->function);
    return -1;
  }
  if (l->block[0] < 1 || l->block[0] > EMU_MAX_THREADS || l->grid[1] != 1 || l->grid[2] != 1 ||
      l->block[1] != 1 || l->block[2] != 1 || l->shared_bytes > sizeof emu_dynamic_shared) {
    snprintf(msg, len,
             "%s: launch %ux%ux%u of %ux%ux%u, %u shared bytes: outside what the device "
             "takes",
             l->function, l->grid[0], l->grid[1], l->grid[2], l->block[0], l->block[1], l->block[2],
             l->shared_bytes);
    return -1;
  }
  blockDim = uint3{l->block[0], 1, 1};
  gridDim = uint3{l->grid[0], 1, 1};
  memset(emu_dynamic_shared, 0xff, sizeof emu_dynamic_shared); /* NaN: stale data shows */
  for (unsigned b = 0; b < l->grid[0]; b++) {
    blockIdx = uint3{b, 0, 0};
    run_block(call_kernel, fn, l);
  }
  return 0;
}
