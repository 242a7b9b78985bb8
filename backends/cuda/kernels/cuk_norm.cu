/* RMSNorm and LayerNorm (kernel.h ab_norm_params): one thread block per row (grid-stride over
 * rows), the threads striding over the row and reducing in shared memory, as the OpenCL
 * portable kernel does (backends/opencl/ocl_norm.c). f32 arithmetic; rsqrtf (2 ulp) as the
 * tolerance of bench/model/kinds/norm.c allows.
 *   ab_rmsnorm_<x>_<w>_<y>(x, gamma, y)
 *   ab_layernorm_<x>_<w>_<y>(x, gamma, beta, y)   gamma and beta share dtype w */
template <bool LAYER, typename TX, typename TW, typename TY>
__device__ void cuk_norm(const TX *__restrict__ x, const TW *__restrict__ g,
                         const TW *__restrict__ b, TY *__restrict__ y, const cuk_rows_args &a) {
  __shared__ float red[CUK_ROW_MAX_THREADS];
  long long n = a.cols;
  for (long long row = blockIdx.x; row < a.rows; row += gridDim.x) {
    long long base = row * n;
    float mean = 0.0f;
    if (LAYER) {
      float s = 0.0f;
      for (long long i = threadIdx.x; i < n; i += blockDim.x)
        s += cuk_ld(x, base + i);
      mean = cuk_block_sum(red, s) / (float)n;
    }
    float q = 0.0f;
    for (long long i = threadIdx.x; i < n; i += blockDim.x) {
      float v = cuk_ld(x, base + i) - mean;
      q += v * v;
    }
    float rstd = rsqrtf(cuk_block_sum(red, q) / (float)n + (float)a.eps);
    for (long long i = threadIdx.x; i < n; i += blockDim.x) {
      float v = (cuk_ld(x, base + i) - mean) * rstd * cuk_ld(g, i);
      if (LAYER)
        v += cuk_ld(b, i);
      cuk_st(y, base + i, v);
    }
  }
}

#define CUK_NORM(TX, NX, TW, NW, TY, NY)                                                           \
  extern "C" __global__ void __launch_bounds__(CUK_ROW_MAX_THREADS)                                \
      ab_rmsnorm_##NX##_##NW##_##NY(const TX *x, const TW *g, TY *y, cuk_rows_args a) {            \
    cuk_norm<false>(x, g, (const TW *)0, y, a);                                                    \
  }                                                                                                \
  extern "C" __global__ void __launch_bounds__(CUK_ROW_MAX_THREADS)                                \
      ab_layernorm_##NX##_##NW##_##NY(const TX *x, const TW *g, const TW *b, TY *y,                \
                                      cuk_rows_args a) {                                           \
    cuk_norm<true>(x, g, b, y, a);                                                                 \
  }
CUK_FLOAT_TRIPLES(CUK_NORM)
