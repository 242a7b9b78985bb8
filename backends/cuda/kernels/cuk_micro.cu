/* The microbenchmarks' kernels (kernel.h): an empty kernel for launch latency, and peak
 * compute per dtype. Peak item i runs 8 independent chains of x = x * a + b (a = -1, b = 1
 * given at run time, so the compiler cannot fold them) from x0 = (i + j) % 4, chain j doing
 * q + (j < r) steps, and writes the chains' sum: small integers, exact in every dtype, so the
 * harness checks every item. One fused multiply-add per step in the dtype itself (fmaf, fma,
 * __hfma). ab_launch_empty(args), ab_peak_<t>(out, args). */
extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS) ab_launch_empty(cuk_map_args a) {
  (void)a;
}

__device__ __forceinline__ float cuk_fma(float x, float a, float b) {
  return fmaf(x, a, b);
}
__device__ __forceinline__ double cuk_fma(double x, double a, double b) {
  return fma(x, a, b);
}
__device__ __forceinline__ __half cuk_fma(__half x, __half a, __half b) {
  return __hfma(x, a, b);
}
__device__ __forceinline__ cuk_bf16 cuk_fma(cuk_bf16 x, cuk_bf16 a, cuk_bf16 b) {
  return __hfma(x, a, b);
}

template <typename T> __device__ __forceinline__ T cuk_from_float(float v) {
  return (T)v;
}
template <> __device__ __forceinline__ __half cuk_from_float<__half>(float v) {
  return __float2half_rn(v);
}
template <> __device__ __forceinline__ cuk_bf16 cuk_from_float<cuk_bf16>(float v) {
  return __float2bfloat16_rn(v);
}

template <typename T> __device__ void cuk_peak(T *__restrict__ out, const cuk_peak_args &p) {
  const T a = cuk_from_float<T>((float)p.a), b = cuk_from_float<T>((float)p.b);
  for (long long i = cuk_first(); i < p.items; i += cuk_stride()) {
    T x[8];
#pragma unroll
    for (int j = 0; j < 8; j++)
      x[j] = cuk_from_float<T>((float)((i + j) % 4));
    for (long long s = 0; s < p.q; s++) {
#pragma unroll
      for (int j = 0; j < 8; j++)
        x[j] = cuk_fma(x[j], a, b);
    }
#pragma unroll
    for (int j = 0; j < 8; j++)
      if (j < p.r)
        x[j] = cuk_fma(x[j], a, b);
    float sum = 0.0f; /* at most 8 * 3: exact */
#pragma unroll
    for (int j = 0; j < 8; j++)
      sum += (float)x[j];
    out[i] = cuk_from_float<T>(sum);
  }
}

#define CUK_PEAK(T, N)                                                                             \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_peak_##N(T *out, cuk_peak_args p) {                                                       \
    cuk_peak(out, p);                                                                              \
  }
CUK_PEAK(float, f32)
CUK_PEAK(double, f64)
CUK_PEAK(__half, f16)
CUK_PEAK(cuk_bf16, bf16)
