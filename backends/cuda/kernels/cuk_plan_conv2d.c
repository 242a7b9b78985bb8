/* accelbench portable CUDA kernels — conv2d planner (kernels in cuk_conv2d.cu): one
 * grid-stride launch, a thread per output element, NCHW or NHWC. */
#include <stdio.h>

#include "cuk_internal.h"

static ab_status conv_types(const ab_kernel_desc *d, char *msg) {
  if (d->dtype == AB_DTYPE_I8 && d->out_dtype == AB_DTYPE_I32)
    return AB_OK;
  if (d->dtype == AB_DTYPE_I8 || d->out_dtype == AB_DTYPE_I32) {
    snprintf(msg, AB_MSG_LEN, "conv2d: %s -> %s: int8 convolution writes int32, and only it",
             ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype));
    return AB_E_UNSUPPORTED;
  }
  if (!cuk_float_dtype(d->dtype, "conv2d input", msg) ||
      !cuk_float_dtype(d->out_dtype, "conv2d output", msg))
    return AB_E_UNSUPPORTED;
  return AB_OK;
}

static ab_status conv_shape(const ab_conv2d_params *p, char *msg) {
  if (p->n < 1 || p->c < 1 || p->k < 1 || p->groups < 1 || p->c % p->groups || p->k % p->groups ||
      ab_conv2d_out_h(p) < 1 || ab_conv2d_out_w(p) < 1) {
    snprintf(msg, AB_MSG_LEN,
             "conv2d: n=%lld c=%lld k=%lld groups=%lld, output %lldx%lld: expected "
             "c and k divisible by groups and an output of at least 1x1",
             (long long)p->n, (long long)p->c, (long long)p->k, (long long)p->groups,
             (long long)ab_conv2d_out_h(p), (long long)ab_conv2d_out_w(p));
    return AB_E_INVALID;
  }
  return AB_OK;
}

ab_status cuk_plan_conv2d(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                          cuk_launch *out, char *msg) {
  const ab_conv2d_params *p = &d->params.conv2d;
  if (d->layout != AB_LAYOUT_DEFAULT && d->layout != AB_LAYOUT_NCHW &&
      d->layout != AB_LAYOUT_NHWC) {
    snprintf(msg, AB_MSG_LEN, "conv2d: layout %d: expected NCHW or NHWC", (int)d->layout);
    return AB_E_INVALID;
  }
  ab_status s = cuk_operands(d, n_ptrs, 3, msg);
  if (s == AB_OK)
    s = conv_shape(p, msg);
  if (s == AB_OK)
    s = conv_types(d, msg);
  if (s != AB_OK)
    return s;
  ab_dtype types[2] = {d->dtype, d->out_dtype};
  char name[64];
  cuk_name(name, sizeof name, d->layout == AB_LAYOUT_NHWC ? "ab_conv2d_nhwc" : "ab_conv2d_nchw",
           types, 2);
  cuk_conv2d_args a = {.n = p->n,
                       .c = p->c,
                       .h = p->h,
                       .w = p->w,
                       .k = p->k,
                       .r = p->r,
                       .s = p->s,
                       .p = ab_conv2d_out_h(p),
                       .q = ab_conv2d_out_w(p),
                       .stride_h = p->stride_h,
                       .stride_w = p->stride_w,
                       .pad_h = p->pad_h,
                       .pad_w = p->pad_w,
                       .dil_h = p->dil_h,
                       .dil_w = p->dil_w,
                       .groups = p->groups};
  int64_t total = a.n * a.k * a.p * a.q;
  return cuk_simple(d, name, ptrs, 3, &a, sizeof a, cuk_map_blocks(total), CUK_MAP_THREADS, 0, out,
                    msg);
}
