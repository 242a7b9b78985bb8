/* Activations (kernel.h ab_activation_params), element-wise in f32, one rounding on the store:
 *   ab_gelu_tanh_<in>_<out>(x, y)  0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
 *   ab_gelu_erf_<in>_<out>(x, y)   0.5 x (1 + erf(x / sqrt(2)))
 *   ab_silu_<in>_<out>(x, y)       x / (1 + exp(-x))
 *   ab_swiglu_<in>_<out>(gate, up, y)  silu(gate) * up
 * The formulas are the OpenCL portable kernels' (backends/opencl/ocl_activation.c). */
enum { CUK_GELU_TANH = 0, CUK_GELU_ERF = 1, CUK_SILU = 2 };

template <int OP> __device__ __forceinline__ float cuk_act(float x) {
  if (OP == CUK_GELU_TANH)
    return 0.5f * x * (1.0f + tanhf(0.79788456080286535588f * (x + 0.044715f * x * x * x)));
  if (OP == CUK_GELU_ERF)
    return 0.5f * x * (1.0f + erff(x * 0.70710678118654752440f));
  return x / (1.0f + expf(-x));
}

template <int OP, typename TI, typename TO>
__device__ void cuk_act_map(const TI *__restrict__ x, TO *__restrict__ y, long long n) {
  for (long long i = cuk_first(); i < n; i += cuk_stride())
    cuk_st(y, i, cuk_act<OP>(cuk_ld(x, i)));
}

template <typename TI, typename TO>
__device__ void cuk_swiglu(const TI *__restrict__ gate, const TI *__restrict__ up,
                           TO *__restrict__ y, long long n) {
  for (long long i = cuk_first(); i < n; i += cuk_stride())
    cuk_st(y, i, cuk_act<CUK_SILU>(cuk_ld(gate, i)) * cuk_ld(up, i));
}

#define CUK_ACT(TI, NI, TO, NO)                                                                    \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_gelu_tanh_##NI##_##NO(const TI *x, TO *y, cuk_map_args p) {                               \
    cuk_act_map<CUK_GELU_TANH>(x, y, p.n);                                                         \
  }                                                                                                \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_gelu_erf_##NI##_##NO(const TI *x, TO *y, cuk_map_args p) {                                \
    cuk_act_map<CUK_GELU_ERF>(x, y, p.n);                                                          \
  }                                                                                                \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_silu_##NI##_##NO(const TI *x, TO *y, cuk_map_args p) {                                    \
    cuk_act_map<CUK_SILU>(x, y, p.n);                                                              \
  }                                                                                                \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_swiglu_##NI##_##NO(const TI *gate, const TI *up, TO *y, cuk_map_args p) {                 \
    cuk_swiglu(gate, up, y, p.n);                                                                  \
  }
CUK_FLOAT_PAIRS(CUK_ACT)
