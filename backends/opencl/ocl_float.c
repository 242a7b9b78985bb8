/* The portable floating-point kinds' shared prelude and case setup (ocl_float.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_float.h"

/* Operand i has storage STORAGE(T<i>) and is read with LOAD(T<i>, p, i) as REAL and written
 * with STORE(T<i>, p, i, v), rounding once to nearest even. Codes are ab_dtype values:
 * 1 f64, 2 f32, 3 f16, 4 bf16. f16 is storage only (vload_half / vstore_half_rte, core
 * OpenCL C since 1.0), so it needs no cl_khr_fp16; bf16 is the top half of a float. */
static const char prelude[] =
    "#ifdef NEED_FP64\n"
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    "#endif\n"
    "#define ST_1 double\n"
    "#define ST_2 float\n"
    "#define ST_3 half\n"
    "#define ST_4 ushort\n"
    "#define LD_1(p, i) ((REAL)(p)[i])\n"
    "#define LD_2(p, i) ((REAL)(p)[i])\n"
    "#define LD_3(p, i) ((REAL)vload_half((i), (p)))\n"
    "#define LD_4(p, i) ((REAL)as_float((uint)(p)[i] << 16))\n"
    "#define SV_1(p, i, v) ((p)[i] = (double)(v))\n"
    "#define SV_2(p, i, v) ((p)[i] = (float)(v))\n"
    "#define SV_3(p, i, v) vstore_half_rte((float)(v), (i), (p))\n"
    "#define SV_4(p, i, v) ((p)[i] = ab_to_bf16((float)(v)))\n"
    "#define CAT_(a, b) a##b\n"
    "#define STORAGE(t) CAT_(ST_, t)\n"
    "#define LOAD_(t, p, i) LD_##t(p, i)\n"
    "#define LOAD(t, p, i) LOAD_(t, p, i)\n"
    "#define STORE_(t, p, i, v) SV_##t(p, i, v)\n"
    "#define STORE(t, p, i, v) STORE_(t, p, i, v)\n"
    "inline ushort ab_to_bf16(float f) {\n"
    "  uint u = as_uint(f);\n"
    "  if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu))\n"
    "    return (ushort)((u >> 16) | 0x40u);\n"
    "  u += 0x7fffu + ((u >> 16) & 1u);\n"
    "  return (ushort)(u >> 16);\n"
    "}\n"
    /* Work-group sum and max of one value per work-item (LWS items, a power of two). */
    "inline REAL ab_group_sum(__local REAL *red, REAL v) {\n"
    "  size_t lid = get_local_id(0);\n"
    "  red[lid] = v;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  for (size_t s = get_local_size(0) / 2; s > 0; s >>= 1) {\n"
    "    if (lid < s) red[lid] += red[lid + s];\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  }\n"
    "  REAL r = red[0];\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  return r;\n"
    "}\n"
    "inline REAL ab_group_max(__local REAL *red, REAL v) {\n"
    "  size_t lid = get_local_id(0);\n"
    "  red[lid] = v;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  for (size_t s = get_local_size(0) / 2; s > 0; s >>= 1) {\n"
    "    if (lid < s) red[lid] = fmax(red[lid], red[lid + s]);\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  }\n"
    "  REAL r = red[0];\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  return r;\n"
    "}\n";

static int is_float(ab_dtype t) {
  return t == AB_DTYPE_F64 || t == AB_DTYPE_F32 || t == AB_DTYPE_F16 || t == AB_DTYPE_BF16;
}

static ab_status check_operands(const ocl_state *st, const ocl_float_kernel *k,
                                ab_buffer *const *ops, size_t n_ops, int *wide, char *msg) {
  const char *kind = k->family;
  if (n_ops != k->n) {
    snprintf(msg, AB_MSG_LEN, "%s takes %zu operands, got %zu", kind, k->n, n_ops);
    return AB_E_INVALID;
  }
  *wide = 0;
  for (size_t i = 0; i < k->n; i++) {
    if (!is_float(k->types[i])) {
      snprintf(msg, AB_MSG_LEN,
               "%s operand %zu: dtype %s: the portable kernel takes f64, f32, "
               "f16, bf16",
               kind, i, ab_dtype_str(k->types[i]));
      return AB_E_UNSUPPORTED;
    }
    if (!ops[i] || ops[i]->bytes / ab_dtype_size(k->types[i]) < k->elements[i]) {
      snprintf(msg, AB_MSG_LEN, "%s operand %zu: needs %zu elements of %s", kind, i, k->elements[i],
               ab_dtype_str(k->types[i]));
      return AB_E_INVALID;
    }
    *wide |= k->types[i] == AB_DTYPE_F64;
  }
  if (*wide && !st->caps.has_fp64) {
    snprintf(msg, AB_MSG_LEN, "%s in f64 needs cl_khr_fp64, which %s does not report", kind,
             st->caps.name);
    return AB_E_UNSUPPORTED;
  }
  return AB_OK;
}

static ab_status build(ocl_state *st, const ocl_float_kernel *k, int wide, cl_program *prog,
                       double *compile_s, char *msg) {
  char opts[256];
  int used = snprintf(opts, sizeof opts, "-DREAL=%s%s %s", wide ? "double" : "float",
                      wide ? " -DNEED_FP64" : "", k->options ? k->options : "");
  for (size_t i = 0; i < k->n && used > 0 && (size_t)used < sizeof opts; i++)
    used += snprintf(opts + used, sizeof opts - (size_t)used, " -DT%zu=%d", i, (int)k->types[i]);
  size_t len = sizeof prelude + strlen(k->body);
  char *source = malloc(len);
  if (!source) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for the %s source", k->family);
    return AB_E_NOMEM;
  }
  snprintf(source, len, "%s%s", prelude, k->body);
  ab_status s = ocl_get_program(st, k->family, source, opts, prog, compile_s, msg);
  free(source);
  return s;
}

ab_status ocl_float_prepare(ocl_state *st, const ocl_float_kernel *k, ab_buffer *const *ops,
                            size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  int wide;
  cl_program prog;
  double compile_s = 0.0;
  ab_status s = check_operands(st, k, ops, n_ops, &wide, msg);
  if (s == AB_OK)
    s = build(st, k, wide, &prog, &compile_s, msg);
  if (s != AB_OK)
    return s;
  info->setup_seconds += compile_s;
  cl_int err;
  c->kernel = clCreateKernel(prog, k->name, &err);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clCreateKernel", err);
  for (size_t i = 0; i < k->n && err == CL_SUCCESS; i++)
    err = clSetKernelArg(c->kernel, (cl_uint)i, sizeof(cl_mem), &ops[i]->mem);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clSetKernelArg(operand)", err);
  c->dtype = k->types[0];
  info->accumulate_dtype = wide ? AB_DTYPE_F64 : AB_DTYPE_F32;
  return AB_OK;
}

size_t ocl_float_group(const ocl_state *st, size_t cap) {
  size_t limit = st->caps.max_wg < cap ? st->caps.max_wg : cap, g = 1;
  while (g * 2 <= limit)
    g *= 2;
  return g;
}

ab_status ocl_float_rows(ocl_state *st, ocl_case *c, cl_uint arg, int64_t rows, int64_t n,
                         const ab_case_info *info, size_t *group, char *msg) {
  /* At most 256 work-items, and no more than the row has elements (rounded up to a power
   * of two): a 32-element softmax row must not wake 256. */
  size_t cap = 1;
  while (cap < 256 && (int64_t)cap < n)
    cap *= 2;
  *group = ocl_float_group(st, cap);
  size_t real = info->accumulate_dtype == AB_DTYPE_F64 ? sizeof(cl_double) : sizeof(cl_float);
  cl_long len = n;
  cl_int err = clSetKernelArg(c->kernel, arg, sizeof len, &len);
  err |= clSetKernelArg(c->kernel, arg + 1, *group * real, NULL);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clSetKernelArg(row length, local scratch)", err);
  c->work_dim = 1;
  c->gws[0] = (size_t)rows * *group;
  c->lws[0] = *group;
  c->use_lws = 1;
  return AB_OK;
}
