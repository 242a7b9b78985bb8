/* conv2d, direct (kernel.h ab_conv2d_params): a thread per output element, grid-stride, in
 * the output's memory order (along columns for NCHW, along channels for NHWC) so that
 * neighbouring threads write neighbouring elements, as the OpenCL portable kernel does
 * (backends/opencl/ocl_conv2d.c). Summed in f32 (int32 for int8, exact), rounded once.
 *   ab_conv2d_nchw_<in>_<out>(in, filter, out)   input NCHW, filter KCRS, output NKPQ
 *   ab_conv2d_nhwc_<in>_<out>(in, filter, out)   input NHWC, filter KRSC, output NPQK */
template <typename ACC, bool NHWC, typename TI, typename TO>
__device__ void cuk_conv2d(const TI *__restrict__ in, const TI *__restrict__ wt,
                           TO *__restrict__ out, const cuk_conv2d_args &a) {
  long long cg = a.c / a.groups, kg = a.k / a.groups, total = a.n * a.k * a.p * a.q;
  for (long long idx = cuk_first(); idx < total; idx += cuk_stride()) {
    long long ko, x, y, n, t;
    if (NHWC) {
      ko = idx % a.k, t = idx / a.k, x = t % a.q, t /= a.q, y = t % a.p, n = t / a.p;
    } else {
      x = idx % a.q, t = idx / a.q, y = t % a.p, t /= a.p, ko = t % a.k, n = t / a.k;
    }
    long long c0 = ko / kg * cg;
    ACC acc = 0;
    for (long long i = 0; i < a.r; i++) {
      long long yy = y * a.stride_h - a.pad_h + i * a.dil_h;
      if (yy < 0 || yy >= a.h)
        continue;
      for (long long j = 0; j < a.s; j++) {
        long long xx = x * a.stride_w - a.pad_w + j * a.dil_w;
        if (xx < 0 || xx >= a.w)
          continue;
        if (NHWC) {
          long long ib = ((n * a.h + yy) * a.w + xx) * a.c + c0,
                    wb = ((ko * a.r + i) * a.s + j) * cg;
          for (long long ci = 0; ci < cg; ci++)
            acc += cuk_ld(in, ib + ci) * cuk_ld(wt, wb + ci);
        } else {
          long long ib = ((n * a.c + c0) * a.h + yy) * a.w + xx, wb = (ko * cg * a.r + i) * a.s + j;
          for (long long ci = 0; ci < cg; ci++)
            acc += cuk_ld(in, ib + ci * a.h * a.w) * cuk_ld(wt, wb + ci * a.r * a.s);
        }
      }
    }
    cuk_st(out, idx, acc);
  }
}

#define CUK_CONV2D_ACC(TI, NI, TO, NO, ACC)                                                        \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_conv2d_nchw_##NI##_##NO(const TI *in, const TI *wt, TO *out, cuk_conv2d_args a) {         \
    cuk_conv2d<ACC, false>(in, wt, out, a);                                                        \
  }                                                                                                \
  extern "C" __global__ void __launch_bounds__(CUK_MAP_THREADS)                                    \
      ab_conv2d_nhwc_##NI##_##NO(const TI *in, const TI *wt, TO *out, cuk_conv2d_args a) {         \
    cuk_conv2d<ACC, true>(in, wt, out, a);                                                         \
  }
#define CUK_CONV2D(TI, NI, TO, NO) CUK_CONV2D_ACC(TI, NI, TO, NO, float)
CUK_FLOAT_PAIRS(CUK_CONV2D)
CUK_CONV2D_ACC(signed char, int8, int, int32, int)
