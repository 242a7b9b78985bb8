/* Element-wise add (kernel.h ab_elementwise_params): c = a + b, a and b of one dtype, summed
 * in f32 and rounded once to c's dtype. ab_add_<in>_<out>(a, b, c). */
template <typename TI, typename TO>
__device__ void cuk_add(const TI *__restrict__ a, const TI *__restrict__ b, TO *__restrict__ c,
                        long long n) {
  for (long long i = cuk_first(); i < n; i += cuk_stride())
    cuk_st(c, i, cuk_ld(a, i) + cuk_ld(b, i));
}

#define CUK_ADD(TI, NI, TO, NO)                                                                    \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_add_##NI##_##NO(const TI *a, const TI *b, TO *c, cuk_map_args p) {                        \
    cuk_add(a, b, c, p.n);                                                                         \
  }
CUK_FLOAT_PAIRS(CUK_ADD)
