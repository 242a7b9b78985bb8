/* Row softmax (kernel.h ab_softmax_params): one thread block per row (grid-stride over rows);
 * the maximum and the sum of exponentials are reduced in shared memory, and the last pass
 * computes exp again rather than keeping a rounded copy in y, as the OpenCL portable kernel
 * does (backends/opencl/ocl_softmax.c). ab_softmax_<in>_<out>(x, y). */
template <typename TI, typename TO>
__device__ void cuk_softmax(const TI *__restrict__ x, TO *__restrict__ y, const cuk_rows_args &a) {
  __shared__ float red[CUK_ROW_MAX_THREADS];
  long long n = a.cols;
  for (long long row = blockIdx.x; row < a.rows; row += gridDim.x) {
    long long base = row * n;
    float m = -CUK_INF, s = 0.0f;
    for (long long j = threadIdx.x; j < n; j += blockDim.x)
      m = fmaxf(m, cuk_ld(x, base + j));
    m = cuk_block_max(red, m);
    for (long long j = threadIdx.x; j < n; j += blockDim.x)
      s += expf(cuk_ld(x, base + j) - m);
    float scale = 1.0f / cuk_block_sum(red, s);
    for (long long j = threadIdx.x; j < n; j += blockDim.x)
      cuk_st(y, base + j, expf(cuk_ld(x, base + j) - m) * scale);
  }
}

#define CUK_SOFTMAX(TI, NI, TO, NO)                                                                \
  extern "C" __global__ void __launch_bounds__(CUK_ROW_MAX_THREADS)                                \
      ab_softmax_##NI##_##NO(const TI *x, TO *y, cuk_rows_args a) {                                \
    cuk_softmax(x, y, a);                                                                          \
  }
CUK_FLOAT_PAIRS(CUK_SOFTMAX)
