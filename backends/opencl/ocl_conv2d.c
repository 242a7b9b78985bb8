/* accelbench OpenCL backend — conv2d (include/accelbench/kernel.h, ab_conv2d_params): a
 * portable direct convolution in OpenCL C 1.2, one work-item per output element, in the
 * case's layout (NCHW with KCRS filter, or NHWC with KRSC filter).
 *
 * Build options: DT 0 f32, 1 f64 (cl_khr_fp64), 2 f16 (cl_khr_fp16; loaded with vload_half
 * and summed in f32, stored round-to-nearest-even), 3 bf16 (the top half of an f32, summed in
 * f32, stored round-to-nearest-even), 4 int8 (summed and stored as int32); NHWC 0 or 1.
 * Work-items run in the output's memory order (along columns for NCHW, along channels for
 * NHWC), so neighbours write neighbouring elements and share or neighbour their input reads.
 * Indices are int: prepare refuses operands of 2^31 elements or more. */
#include <limits.h>
#include <stdio.h>

#include "ocl_internal.h"

static const char conv2d_src[] =
    "#if DT == 1\n"
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    "#elif DT == 2\n"
    "#pragma OPENCL EXTENSION cl_khr_fp16 : enable\n"
    "#endif\n"
    "#if DT == 0\n"
    "typedef float IN_T; typedef float OUT_T; typedef float ACC_T;\n"
    "#define LD(p, i) (p)[i]\n"
    "#define ST(p, i, v) ((p)[i] = (v))\n"
    "#elif DT == 1\n"
    "typedef double IN_T; typedef double OUT_T; typedef double ACC_T;\n"
    "#define LD(p, i) (p)[i]\n"
    "#define ST(p, i, v) ((p)[i] = (v))\n"
    "#elif DT == 2\n"
    "typedef half IN_T; typedef half OUT_T; typedef float ACC_T;\n"
    "#define LD(p, i) vload_half((i), (p))\n"
    "#define ST(p, i, v) vstore_half_rte((v), (i), (p))\n"
    "#elif DT == 3\n"
    "typedef ushort IN_T; typedef ushort OUT_T; typedef float ACC_T;\n"
    "#define LD(p, i) as_float((uint)(p)[i] << 16)\n"
    "#define ST(p, i, v) ((p)[i] = to_bf16(v))\n"
    /* round to nearest even; a NaN stays a (quiet) NaN */
    "ushort to_bf16(float f) {\n"
    "  uint u = as_uint(f);\n"
    "  if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x7fffffu))\n"
    "    return (ushort)((u >> 16) | 0x40u);\n"
    "  u += 0x7fffu + ((u >> 16) & 1u);\n"
    "  return (ushort)(u >> 16);\n"
    "}\n"
    "#else\n"
    "typedef char IN_T; typedef int OUT_T; typedef int ACC_T;\n"
    "#define LD(p, i) ((int)(p)[i])\n"
    "#define ST(p, i, v) ((p)[i] = (v))\n"
    "#endif\n"
    "__kernel void ab_conv2d(__global const IN_T *in, __global const IN_T *wt,\n"
    "                        __global OUT_T *out, int C, int H, int W, int K, int R, int S,\n"
    "                        int P, int Q, int SH, int SW, int PH, int PW, int DH, int DW,\n"
    "                        int CG, int KG, int total) {\n"
    "  int idx = get_global_id(0);\n"
    "  if (idx >= total) return;\n"
    "#if NHWC\n"
    "  int ko = idx % K, t = idx / K, x = t % Q; t /= Q;\n"
    "  int y = t % P, n = t / P;\n"
    "#else\n"
    "  int x = idx % Q, t = idx / Q, y = t % P; t /= P;\n"
    "  int ko = t % K, n = t / K;\n"
    "#endif\n"
    "  int c0 = ko / KG * CG;\n"
    "  ACC_T acc = 0;\n"
    "  for (int i = 0; i < R; i++) {\n"
    "    int yy = y * SH - PH + i * DH;\n"
    "    if (yy < 0 || yy >= H) continue;\n"
    "    for (int j = 0; j < S; j++) {\n"
    "      int xx = x * SW - PW + j * DW;\n"
    "      if (xx < 0 || xx >= W) continue;\n"
    "#if NHWC\n"
    "      int ib = ((n * H + yy) * W + xx) * C + c0, wb = ((ko * R + i) * S + j) * CG;\n"
    "      for (int ci = 0; ci < CG; ci++)\n"
    "        acc += LD(in, ib + ci) * LD(wt, wb + ci);\n"
    "#else\n"
    "      int ib = ((n * C + c0) * H + yy) * W + xx, wb = (ko * CG * R + i) * S + j;\n"
    "      for (int ci = 0; ci < CG; ci++)\n"
    "        acc += LD(in, ib + ci * H * W) * LD(wt, wb + ci * R * S);\n"
    "#endif\n"
    "    }\n"
    "  }\n"
    "  ST(out, idx, acc);\n"
    "}\n";

/* DT of the kernel for the case's dtypes, with the accumulator it sums in; unsupported
 * (with the reason) where the device lacks the extension or the pair is not offered. */
static ab_status kernel_type(const ocl_state *st, const ab_kernel_desc *d, int *dt, ab_dtype *acc,
                             char *msg) {
  static const struct {
    ab_dtype in, out, acc;
  } pairs[] = {{AB_DTYPE_F32, AB_DTYPE_F32, AB_DTYPE_F32},
               {AB_DTYPE_F64, AB_DTYPE_F64, AB_DTYPE_F64},
               {AB_DTYPE_F16, AB_DTYPE_F16, AB_DTYPE_F32},
               {AB_DTYPE_BF16, AB_DTYPE_BF16, AB_DTYPE_F32},
               {AB_DTYPE_I8, AB_DTYPE_I32, AB_DTYPE_I32}};
  for (int i = 0; i < 5; i++)
    if (pairs[i].in == d->dtype && pairs[i].out == d->out_dtype) {
      *dt = i;
      *acc = pairs[i].acc;
      if (d->dtype == AB_DTYPE_F64 && !st->caps.has_fp64) {
        snprintf(msg, AB_MSG_LEN, "f64 conv2d needs cl_khr_fp64, which %s does not report",
                 st->caps.name);
        return AB_E_UNSUPPORTED;
      }
      if (d->dtype == AB_DTYPE_F16 && !st->caps.has_fp16) {
        snprintf(msg, AB_MSG_LEN, "f16 conv2d needs cl_khr_fp16, which %s does not report",
                 st->caps.name);
        return AB_E_UNSUPPORTED;
      }
      return AB_OK;
    }
  snprintf(msg, AB_MSG_LEN,
           "portable conv2d: %s -> %s is not offered (f32, f64, f16, bf16 to themselves, int8 to "
           "int32)",
           ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype));
  return AB_E_UNSUPPORTED;
}

/* The shape as the kernel's int arguments; unsupported when an index could pass INT_MAX. */
static ab_status shape_args(const ab_kernel_desc *d, ab_buffer *const *ops, size_t n_ops,
                            cl_int a[17], char *msg) {
  const ab_conv2d_params *p = &d->params.conv2d;
  int64_t pp = ab_conv2d_out_h(p), qq = ab_conv2d_out_w(p);
  if (p->groups < 1 || p->c % p->groups || p->k % p->groups || pp < 1 || qq < 1 || p->n < 1 ||
      p->r < 1 || p->s < 1) {
    snprintf(msg, AB_MSG_LEN, "desc.params.conv2d: not a valid convolution");
    return AB_E_INVALID;
  }
  int64_t cg = p->c / p->groups;
  double elems[3] = {(double)p->n * p->c * p->h * p->w, (double)p->k * cg * p->r * p->s,
                     (double)p->n * p->k * pp * qq};
  size_t esize[3] = {ab_dtype_size(d->dtype), ab_dtype_size(d->dtype), ab_dtype_size(d->out_dtype)};
  for (int i = 0; i < 3; i++) {
    if (elems[i] > INT_MAX) {
      snprintf(msg, AB_MSG_LEN,
               "portable conv2d indexes with int: operand %d has %.0f elements (at most %d)", i,
               elems[i], INT_MAX);
      return AB_E_UNSUPPORTED;
    }
    if ((size_t)n_ops <= (size_t)i || !ops[i] || ops[i]->bytes < (size_t)elems[i] * esize[i]) {
      snprintf(msg, AB_MSG_LEN, "conv2d operand %d: buffer smaller than the %.0f elements needed",
               i, elems[i]);
      return AB_E_INVALID;
    }
  }
  const int64_t v[17] = {p->c,
                         p->h,
                         p->w,
                         p->k,
                         p->r,
                         p->s,
                         pp,
                         qq,
                         p->stride_h,
                         p->stride_w,
                         p->pad_h,
                         p->pad_w,
                         p->dil_h,
                         p->dil_w,
                         cg,
                         p->k / p->groups,
                         (int64_t)elems[2]};
  for (int i = 0; i < 17; i++) {
    if (v[i] > INT_MAX) {
      snprintf(msg, AB_MSG_LEN, "portable conv2d: a parameter beyond %d", INT_MAX);
      return AB_E_UNSUPPORTED;
    }
    a[i] = (cl_int)v[i];
  }
  return AB_OK;
}

ab_status ocl_conv2d_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                             size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  int dt;
  ab_dtype acc;
  cl_int args[17];
  ab_status s = kernel_type(st, d, &dt, &acc, msg);
  if (s == AB_OK)
    s = shape_args(d, ops, n_ops, args, msg);
  if (s != AB_OK)
    return s;
  int nhwc = d->layout == AB_LAYOUT_NHWC;
  char opts[64];
  snprintf(opts, sizeof opts, "-DDT=%d -DNHWC=%d", dt, nhwc);
  cl_program prog;
  double compile_s = 0.0;
  s = ocl_get_program(st, "ab_conv2d", conv2d_src, opts, &prog, &compile_s, msg);
  if (s != AB_OK)
    return s;
  info->setup_seconds += compile_s;
  cl_int err;
  c->kernel = clCreateKernel(prog, "ab_conv2d", &err);
  if (err != CL_SUCCESS) {
    c->kernel = NULL;
    return ocl_fail(msg, "clCreateKernel(ab_conv2d)", err);
  }
  for (cl_uint i = 0; i < 3; i++)
    err |= clSetKernelArg(c->kernel, i, sizeof(cl_mem), &ops[i]->mem);
  for (cl_uint i = 0; i < 17; i++)
    err |= clSetKernelArg(c->kernel, 3 + i, sizeof(cl_int), &args[i]);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clSetKernelArg(ab_conv2d)", err);
  c->work_dim = 1;
  c->gws[0] = (size_t)args[16];
  c->use_lws = 0;
  if (AB_HAS_FIELD(info, ab_case_info, accumulate_dtype))
    info->accumulate_dtype = acc;
  snprintf(info->implementation, sizeof info->implementation,
           "portable ab_conv2d %s %s (direct, one work-item per output, %s sums)",
           nhwc ? "nhwc" : "nchw", ab_dtype_str(d->dtype), ab_dtype_str(acc));
  return AB_OK;
}
