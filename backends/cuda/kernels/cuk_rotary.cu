/* Rotary position embedding, rotate-half (kernel.h ab_rotary_params): a thread per (token,
 * pair i < head_dim / 2), grid-stride; it computes the pair's angle once, in f32 as the
 * OpenCL portable kernel does (backends/opencl/ocl_rotary.c), and rotates that pair in every
 * head. ab_rotary_<in>_<out>(x, y). */
template <typename TI, typename TO>
__device__ void cuk_rotary(const TI *__restrict__ x, TO *__restrict__ y, const cuk_rotary_args &a) {
  long long half = a.head_dim / 2, pairs = a.tokens * half;
  float theta = (float)a.theta;
  for (long long idx = cuk_first(); idx < pairs; idx += cuk_stride()) {
    long long t = idx / half, i = idx % half;
    float angle = (float)t * powf(theta, -2.0f * (float)i / (float)a.head_dim);
    float c = cosf(angle), s = sinf(angle);
    for (long long n = 0; n < a.heads; n++) {
      long long base = (t * a.heads + n) * a.head_dim;
      float u = cuk_ld(x, base + i), v = cuk_ld(x, base + i + half);
      cuk_st(y, base + i, u * c - v * s);
      cuk_st(y, base + i + half, v * c + u * s);
    }
  }
}

#define CUK_ROTARY(TI, NI, TO, NO)                                                                 \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_rotary_##NI##_##NO(const TI *x, TO *y, cuk_rotary_args a) {                               \
    cuk_rotary(x, y, a);                                                                           \
  }
CUK_FLOAT_PAIRS(CUK_ROTARY)
