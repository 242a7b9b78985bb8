/* accelbench OpenCL backend — STREAM copy / scale / add / triad (AB_KERNEL_STREAM): one
 * portable OpenCL C 1.2 kernel per op, one element per work-item, the work-group size left to
 * the driver. A device ceiling: it runs under either provider, like the microbenchmarks. */
#include <stdio.h>

#include "ocl_internal.h"

/* T is float or double (-DT=...; -DAB_FP64 enables cl_khr_fp64). Arguments: the output, the
 * inputs in STREAM's order (kernel.h), the element count and, for scale and triad, s. */
static const char stream_source[] =
    "#ifdef AB_FP64\n"
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    "#endif\n"
    "__kernel void ab_stream_copy(__global T *restrict c, __global const T *restrict a,\n"
    "                             const ulong n) {\n"
    "  const size_t i = get_global_id(0);\n"
    "  if (i < n) c[i] = a[i];\n"
    "}\n"
    "__kernel void ab_stream_scale(__global T *restrict b, __global const T *restrict c,\n"
    "                              const ulong n, const T s) {\n"
    "  const size_t i = get_global_id(0);\n"
    "  if (i < n) b[i] = s * c[i];\n"
    "}\n"
    "__kernel void ab_stream_add(__global T *restrict c, __global const T *restrict a,\n"
    "                            __global const T *restrict b, const ulong n) {\n"
    "  const size_t i = get_global_id(0);\n"
    "  if (i < n) c[i] = a[i] + b[i];\n"
    "}\n"
    "__kernel void ab_stream_triad(__global T *restrict a, __global const T *restrict b,\n"
    "                              __global const T *restrict c, const ulong n, const T s) {\n"
    "  const size_t i = get_global_id(0);\n"
    "  if (i < n) a[i] = b[i] + s * c[i];\n"
    "}\n";

static const char *const kernel_names[] = {"ab_stream_copy", "ab_stream_scale", "ab_stream_add",
                                           "ab_stream_triad"};

static ab_status check_case(const ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                            size_t n_ops, size_t n_in, char *msg) {
  const ab_stream_params *p = &d->params.stream;
  if (d->dtype != AB_DTYPE_F32 && d->dtype != AB_DTYPE_F64) {
    snprintf(msg, AB_MSG_LEN, "stream: dtype %s: expected f32 or f64", ab_dtype_str(d->dtype));
    return AB_E_UNSUPPORTED;
  }
  if (d->dtype == AB_DTYPE_F64 && !st->caps.has_fp64) {
    snprintf(msg, AB_MSG_LEN, "f64 stream needs cl_khr_fp64, which %s does not report",
             st->caps.name);
    return AB_E_UNSUPPORTED;
  }
  if (p->op < AB_STREAM_COPY || p->op > AB_STREAM_TRIAD || p->elements < 1 || n_ops != n_in + 1) {
    snprintf(msg, AB_MSG_LEN, "stream: op=%d elements=%lld with %zu operands: not a STREAM case",
             (int)p->op, (long long)p->elements, n_ops);
    return AB_E_INVALID;
  }
  for (size_t i = 0; i < n_ops; i++)
    if (!ops[i] || ops[i]->bytes / ab_dtype_size(d->dtype) < (size_t)p->elements) {
      snprintf(msg, AB_MSG_LEN, "stream: operand %zu holds fewer than %lld elements", i,
               (long long)p->elements);
      return AB_E_INVALID;
    }
  return AB_OK;
}

/* Arguments: output, inputs, n, and s for scale and triad (in the kernel's dtype). */
static ab_status set_args(cl_kernel k, const ab_kernel_desc *d, ab_buffer *const *ops, size_t n_in,
                          char *msg) {
  cl_ulong n = (cl_ulong)d->params.stream.elements;
  cl_uint arg = 0;
  cl_int err = clSetKernelArg(k, arg++, sizeof(cl_mem), &ops[n_in]->mem);
  for (size_t i = 0; i < n_in; i++)
    err |= clSetKernelArg(k, arg++, sizeof(cl_mem), &ops[i]->mem);
  err |= clSetKernelArg(k, arg++, sizeof n, &n);
  if (d->params.stream.op == AB_STREAM_SCALE || d->params.stream.op == AB_STREAM_TRIAD) {
    cl_double s64 = AB_STREAM_SCALAR;
    cl_float s32 = (cl_float)AB_STREAM_SCALAR;
    err |= d->dtype == AB_DTYPE_F64 ? clSetKernelArg(k, arg, sizeof s64, &s64)
                                    : clSetKernelArg(k, arg, sizeof s32, &s32);
  }
  return err == CL_SUCCESS ? AB_OK : ocl_fail(msg, "clSetKernelArg(ab_stream)", err);
}

ab_status ocl_stream_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                             size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  int op = d->params.stream.op;
  size_t n_in = op == AB_STREAM_ADD || op == AB_STREAM_TRIAD ? 2 : 1;
  ab_status s = check_case(st, d, ops, n_ops, n_in, msg);
  if (s != AB_OK)
    return s;
  const char *opts = d->dtype == AB_DTYPE_F64 ? "-DT=double -DAB_FP64" : "-DT=float";
  cl_program prog;
  double compile_s = 0.0;
  s = ocl_get_program(st, "ab_stream", stream_source, opts, &prog, &compile_s, msg);
  if (s != AB_OK)
    return s;
  info->setup_seconds += compile_s;
  cl_int err;
  c->kernel = clCreateKernel(prog, kernel_names[op], &err);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clCreateKernel(ab_stream)", err);
  s = set_args(c->kernel, d, ops, n_in, msg);
  if (s != AB_OK)
    return s;
  c->work_dim = 1;
  c->gws[0] = (size_t)d->params.stream.elements;
  c->use_lws = 0;
  snprintf(info->implementation, sizeof info->implementation,
           "portable %s %s (OpenCL C, one element per work-item)", kernel_names[op],
           ab_dtype_str(d->dtype));
  return AB_OK;
}
