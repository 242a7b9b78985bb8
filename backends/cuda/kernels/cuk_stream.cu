/* STREAM copy / scale / add / triad (kernel.h ab_stream_params), f32 and f64: one element per
 * thread per grid-stride step, in the dtype itself (no widening: the result is rounded once
 * per operation, as STREAM's C loops round it). Pointers in the kind's operand order:
 *   ab_stream_copy_T(a, c)   c = a        ab_stream_scale_T(c, b)    b = s c
 *   ab_stream_add_T(a, b, c) c = a + b    ab_stream_triad_T(b, c, a) a = b + s c */
template <typename T>
__device__ void cuk_stream_copy(const T *__restrict__ a, T *__restrict__ c, long long n) {
  for (long long i = cuk_first(); i < n; i += cuk_stride())
    c[i] = a[i];
}

template <typename T>
__device__ void cuk_stream_scale(const T *__restrict__ c, T *__restrict__ b, long long n, T s) {
  for (long long i = cuk_first(); i < n; i += cuk_stride())
    b[i] = s * c[i];
}

template <typename T>
__device__ void cuk_stream_add(const T *__restrict__ a, const T *__restrict__ b, T *__restrict__ c,
                               long long n) {
  for (long long i = cuk_first(); i < n; i += cuk_stride())
    c[i] = a[i] + b[i];
}

template <typename T>
__device__ void cuk_stream_triad(const T *__restrict__ b, const T *__restrict__ c,
                                 T *__restrict__ a, long long n, T s) {
  for (long long i = cuk_first(); i < n; i += cuk_stride())
    a[i] = b[i] + s * c[i];
}

#define CUK_STREAM(T, N)                                                                           \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_stream_copy_##N(const T *a, T *c, cuk_map_args p) {                                       \
    cuk_stream_copy(a, c, p.n);                                                                    \
  }                                                                                                \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_stream_scale_##N(const T *c, T *b, cuk_map_args p) {                                      \
    cuk_stream_scale(c, b, p.n, (T)p.scalar);                                                      \
  }                                                                                                \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_stream_add_##N(const T *a, const T *b, T *c, cuk_map_args p) {                            \
    cuk_stream_add(a, b, c, p.n);                                                                  \
  }                                                                                                \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_stream_triad_##N(const T *b, const T *c, T *a, cuk_map_args p) {                          \
    cuk_stream_triad(b, c, a, p.n, (T)p.scalar);                                                   \
  }
CUK_STREAM(float, f32)
CUK_STREAM(double, f64)
