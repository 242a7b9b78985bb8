/* accelbench portable CUDA kernels — what every kind's kernels share: typed loads that widen
 * to the arithmetic type, stores that round once to the output dtype (round to nearest
 * even, cuda_fp16.h / cuda_bf16.h intrinsics), grid-stride indices, a block reduction, and
 * the macros that instantiate one extern "C" kernel per dtype combination.
 *
 * Kernel names are <base>_<dtype>..., with the dtype names of kernel.h's ab_dtype_str
 * ("f32", "f16", "bf16", ...), in the operand order the name's kind documents; cuk_plan
 * builds the same names. Arithmetic is f32 for f32/f16/bf16 operands (kernel.h allows a
 * wider type), int32 for int8 conv2d, f64 for f64 STREAM. Compile without --use_fast_math:
 * the harness's tolerances assume the accurate expf/tanhf/erff/powf/sinf/cosf. Every kernel
 * declares __launch_bounds__ of the block cuk_plan gives it, so that ptxas keeps its
 * registers within what a block of that size may use (else the launch fails with too many
 * resources requested). */
#include <cuda_bf16.h>
#include <cuda_fp16.h>

typedef __nv_bfloat16 cuk_bf16;

/* The block's dynamic shared memory (cuk_launch.shared_bytes) as an array of `type`. A
 * macro so that the host emulation of the planner tests (tests/cuda/kernels/cuk_emu.cpp)
 * can put it in host memory. */
#ifndef CUK_DYNAMIC_SHARED
#define CUK_DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#endif

/* +infinity (NVRTC sees no math.h and so no INFINITY). */
#define CUK_INF __int_as_float(0x7f800000)

/* ---- loads: storage -> arithmetic type ---- */
__device__ __forceinline__ float cuk_ld(const float *p, long long i) {
  return p[i];
}
__device__ __forceinline__ float cuk_ld(const __half *p, long long i) {
  return __half2float(p[i]);
}
__device__ __forceinline__ float cuk_ld(const cuk_bf16 *p, long long i) {
  return __bfloat162float(p[i]);
}
__device__ __forceinline__ double cuk_ld(const double *p, long long i) {
  return p[i];
}
__device__ __forceinline__ int cuk_ld(const signed char *p, long long i) {
  return p[i];
}

/* ---- stores: arithmetic type -> storage, one rounding ---- */
__device__ __forceinline__ void cuk_st(float *p, long long i, float v) {
  p[i] = v;
}
__device__ __forceinline__ void cuk_st(__half *p, long long i, float v) {
  p[i] = __float2half_rn(v);
}
__device__ __forceinline__ void cuk_st(cuk_bf16 *p, long long i, float v) {
  p[i] = __float2bfloat16_rn(v);
}
__device__ __forceinline__ void cuk_st(double *p, long long i, double v) {
  p[i] = v;
}
__device__ __forceinline__ void cuk_st(int *p, long long i, int v) {
  p[i] = v;
}

/* First index and stride of a 1-D grid-stride loop: any grid covers any n. */
__device__ __forceinline__ long long cuk_first() {
  return (long long)blockIdx.x * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ long long cuk_stride() {
  return (long long)gridDim.x * blockDim.x;
}

/* Reduce one value per thread over the block with `op` (blockDim.x a power of two, at most
 * CUK_ROW_MAX_THREADS); every thread gets the result. `red` is the block's scratch; the
 * trailing barrier lets the caller reuse it at once. */
template <typename Op> __device__ float cuk_block_reduce(float *red, float v, Op op) {
  unsigned t = threadIdx.x;
  red[t] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (t < s)
      red[t] = op(red[t], red[t + s]);
    __syncthreads();
  }
  float r = red[0];
  __syncthreads();
  return r;
}

struct cuk_add_op {
  __device__ float operator()(float a, float b) const {
    return a + b;
  }
};
struct cuk_max_op {
  __device__ float operator()(float a, float b) const {
    return fmaxf(a, b);
  }
};

__device__ float cuk_block_sum(float *red, float v) {
  return cuk_block_reduce(red, v, cuk_add_op());
}
__device__ float cuk_block_max(float *red, float v) {
  return cuk_block_reduce(red, v, cuk_max_op());
}

/* Sum over a warp; every lane gets it (all 32 lanes must call). */
__device__ __forceinline__ float cuk_warp_sum(float v) {
  for (int off = 16; off > 0; off >>= 1)
    v += __shfl_xor_sync(0xffffffffu, v, off);
  return v;
}

/* X(T0, N0, T1, N1) for every pair of floating-point storage types (f32, f16, bf16), and
 * X(T0, N0, T1, N1, T2, N2) for every triple: one kernel per dtype combination. */
#define CUK_PAIR_(X, T0, N0) X(T0, N0, float, f32) X(T0, N0, __half, f16) X(T0, N0, cuk_bf16, bf16)
#define CUK_FLOAT_PAIRS(X)                                                                         \
  CUK_PAIR_(X, float, f32) CUK_PAIR_(X, __half, f16) CUK_PAIR_(X, cuk_bf16, bf16)
#define CUK_TRIPLE_(X, T0, N0, T1, N1)                                                             \
  X(T0, N0, T1, N1, float, f32) X(T0, N0, T1, N1, __half, f16) X(T0, N0, T1, N1, cuk_bf16, bf16)
#define CUK_TRIPLE_1_(X, T0, N0)                                                                   \
  CUK_TRIPLE_(X, T0, N0, float, f32)                                                               \
  CUK_TRIPLE_(X, T0, N0, __half, f16) CUK_TRIPLE_(X, T0, N0, cuk_bf16, bf16)
#define CUK_FLOAT_TRIPLES(X)                                                                       \
  CUK_TRIPLE_1_(X, float, f32) CUK_TRIPLE_1_(X, __half, f16) CUK_TRIPLE_1_(X, cuk_bf16, bf16)
