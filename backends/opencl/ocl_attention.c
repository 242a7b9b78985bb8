/* Attention on OpenCL (include/accelbench/kernel.h, ab_attention_params): a portable
 * OpenCL C 1.2 kernel, one work-item per query row, one pass over the attended keys with an
 * online softmax (the running maximum rescales the partial sums only when it grows, as
 * FlashAttention does per block). The operands' dtypes, the head dimension and the layout
 * are compile-time constants, so each variant is its own cached program. */
#include <math.h>
#include <stdio.h>

#include "ocl_internal.h"

static const char attention_src[] =
    "/* QT, KT, VT, OT: 0 float, 1 half (storage), 2 bfloat16 (ushort), 3 double.\n"
    " * D: head_dim; BHSD: 1 for BHSD, 0 for BSHD; ACC: float or double. */\n"
    "#if ACC_IS_DOUBLE || QT == 3 || KT == 3 || VT == 3 || OT == 3\n"
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    "#endif\n"
    "#if QT == 1 || KT == 1 || VT == 1 || OT == 1\n"
    "#pragma OPENCL EXTENSION cl_khr_fp16 : enable\n"
    "#endif\n"
    "#define LD_0(p, i) ((ACC)((__global const float *)(p))[i])\n"
    "#define LD_1(p, i) ((ACC)vload_half((i), (__global const half *)(p)))\n"
    "#define LD_2(p, i) ((ACC)as_float((uint)((__global const ushort *)(p))[i] << 16))\n"
    "#define LD_3(p, i) ((ACC)((__global const double *)(p))[i])\n"
    "#define LD_(t, p, i) LD_##t(p, i)\n"
    "#define LD(t, p, i) LD_(t, p, i)\n"
    "static ushort to_bf16(float f) {\n"
    "  uint u = as_uint(f);\n"
    "  if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu))\n"
    "    return (ushort)((u >> 16) | 0x40u);\n"
    "  u += 0x7fffu + ((u >> 16) & 1u);\n"
    "  return (ushort)(u >> 16);\n"
    "}\n"
    "#define ST_0(p, i, x) (((__global float *)(p))[i] = (float)(x))\n"
    "#define ST_1(p, i, x) vstore_half_rte((float)(x), (i), (__global half *)(p))\n"
    "#define ST_2(p, i, x) (((__global ushort *)(p))[i] = to_bf16((float)(x)))\n"
    "#define ST_3(p, i, x) (((__global double *)(p))[i] = (double)(x))\n"
    "#define ST_(t, p, i, x) ST_##t(p, i, x)\n"
    "#define ST(t, p, i, x) ST_(t, p, i, x)\n"
    "static long row_at(long b, long head, long pos, long heads, long len) {\n"
    "  return (BHSD ? (b * heads + head) * len + pos : (b * len + pos) * heads + head) * D;\n"
    "}\n"
    "__kernel void ab_attention(__global const uchar *q, __global const uchar *k,\n"
    "                           __global const uchar *v, __global uchar *o, int q_heads,\n"
    "                           int kv_heads, int q_len, int kv_len, int causal, ACC scale,\n"
    "                           long rows) {\n"
    "  long r = get_global_id(0);\n"
    "  if (r >= rows)\n"
    "    return;\n"
    "  int i = (int)(r % q_len), h = (int)((r / q_len) % q_heads);\n"
    "  long b = r / q_len / q_heads;\n"
    "  int g = h / (q_heads / kv_heads);\n"
    "  int n = causal ? kv_len - q_len + i + 1 : kv_len;\n"
    "  long qo = row_at(b, h, i, q_heads, q_len);\n"
    "  ACC qv[D], acc[D];\n"
    "  for (int c = 0; c < D; c++) {\n"
    "    qv[c] = LD(QT, q, qo + c) * scale;\n"
    "    acc[c] = 0;\n"
    "  }\n"
    "  ACC m = -INFINITY, l = 0;\n"
    "  for (int j = 0; j < n; j++) {\n"
    "    long ko = row_at(b, g, j, kv_heads, kv_len);\n"
    "    ACC s = 0;\n"
    "    for (int c = 0; c < D; c++)\n"
    "      s += qv[c] * LD(KT, k, ko + c);\n"
    "    if (s > m) { /* a new maximum: rescale what was summed so far */\n"
    "      ACC corr = exp(m - s);\n"
    "      l *= corr;\n"
    "      for (int c = 0; c < D; c++)\n"
    "        acc[c] *= corr;\n"
    "      m = s;\n"
    "    }\n"
    "    ACC e = exp(s - m);\n"
    "    l += e;\n"
    "    for (int c = 0; c < D; c++)\n"
    "      acc[c] += e * LD(VT, v, ko + c);\n"
    "  }\n"
    "  for (int c = 0; c < D; c++)\n"
    "    ST(OT, o, qo + c, acc[c] / l);\n"
    "}\n";

enum { Q = 0, K = 1, V = 2, O = 3, N_OPS = 4 };

/* The kernel keeps one query row and its accumulator in private memory. */
#define OCL_ATT_MAX_HEAD_DIM 256

/* The kernel's type code of `t`, or -1 with the reason when this device cannot take it:
 * f16 needs cl_khr_fp16 and f64 cl_khr_fp64. */
static int type_code(const ocl_state *st, ab_dtype t, const char *operand, char *msg) {
  int code = t == AB_DTYPE_F32    ? 0
             : t == AB_DTYPE_F16  ? 1
             : t == AB_DTYPE_BF16 ? 2
             : t == AB_DTYPE_F64  ? 3
                                  : -1;
  if (code < 0) {
    snprintf(msg, AB_MSG_LEN, "attention operand %s: %s is not a floating-point dtype", operand,
             ab_dtype_str(t));
    return -1;
  }
  int has = code == 1 ? st->caps.has_fp16 : code == 3 ? st->caps.has_fp64 : 1;
  if (!has) {
    snprintf(msg, AB_MSG_LEN, "attention operand %s is %s, which needs %s; %s does not report it",
             operand, ab_dtype_str(t), code == 1 ? "cl_khr_fp16" : "cl_khr_fp64", st->caps.name);
    return -1;
  }
  return code;
}

static ab_status check_shape(const ab_attention_params *p, const ab_dtype *t, ab_buffer *const *ops,
                             size_t n_ops, char *msg) {
  static const char *const names[N_OPS] = {"Q", "K", "V", "O"};
  if (p->head_dim > OCL_ATT_MAX_HEAD_DIM) {
    snprintf(msg, AB_MSG_LEN,
             "the portable attention kernel keeps a row in private memory: "
             "head_dim up to %d, got %lld",
             OCL_ATT_MAX_HEAD_DIM, (long long)p->head_dim);
    return AB_E_UNSUPPORTED;
  }
  if (p->q_len > INT32_MAX || p->kv_len > INT32_MAX || n_ops != N_OPS) {
    snprintf(msg, AB_MSG_LEN, "attention: expected 4 operands and lengths below 2^31");
    return AB_E_INVALID;
  }
  for (int i = 0; i < N_OPS; i++) {
    int kv = i == K || i == V;
    size_t need = (size_t)(p->batch * (kv ? p->kv_len : p->q_len) *
                           (kv ? p->kv_heads : p->q_heads) * p->head_dim) *
                  ab_dtype_size(t[i]);
    if (!ops[i] || ops[i]->bytes < need) {
      snprintf(msg, AB_MSG_LEN, "attention operand %s: buffer has %zu bytes, needs %zu", names[i],
               ops[i] ? ops[i]->bytes : 0, need);
      return AB_E_INVALID;
    }
  }
  return AB_OK;
}

static ab_status set_args(ocl_case *c, const ab_attention_params *p, ab_buffer *const *ops,
                          int acc_double) {
  cl_int qh = (cl_int)p->q_heads, kvh = (cl_int)p->kv_heads, lq = (cl_int)p->q_len,
         lkv = (cl_int)p->kv_len, causal = p->causal != 0;
  cl_long rows = p->batch * p->q_heads * p->q_len;
  double scale_d = 1.0 / sqrt((double)p->head_dim);
  cl_float scale_f = (cl_float)scale_d;
  cl_int err = CL_SUCCESS;
  for (cl_uint i = 0; i < N_OPS; i++)
    err |= clSetKernelArg(c->kernel, i, sizeof(cl_mem), &ops[i]->mem);
  err |= clSetKernelArg(c->kernel, 4, sizeof qh, &qh);
  err |= clSetKernelArg(c->kernel, 5, sizeof kvh, &kvh);
  err |= clSetKernelArg(c->kernel, 6, sizeof lq, &lq);
  err |= clSetKernelArg(c->kernel, 7, sizeof lkv, &lkv);
  err |= clSetKernelArg(c->kernel, 8, sizeof causal, &causal);
  if (acc_double)
    err |= clSetKernelArg(c->kernel, 9, sizeof scale_d, &scale_d);
  else
    err |= clSetKernelArg(c->kernel, 9, sizeof scale_f, &scale_f);
  err |= clSetKernelArg(c->kernel, 10, sizeof rows, &rows);
  c->work_dim = 1;
  c->gws[0] = (size_t)rows;
  c->use_lws = 0;
  return err;
}

ab_status ocl_attention_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  static const char *const names[N_OPS] = {"Q", "K", "V", "O"};
  const ab_attention_params *p = &d->params.attention;
  ab_dtype t[N_OPS];
  int code[N_OPS], acc_double = 0;
  for (int i = 0; i < N_OPS; i++) {
    t[i] = ab_operand_dtype(d, (size_t)i, i == O ? d->out_dtype : d->dtype);
    code[i] = type_code(st, t[i], names[i], msg);
    if (code[i] < 0)
      return AB_E_UNSUPPORTED;
    acc_double |= code[i] == 3 && i != O;
  }
  ab_status s = check_shape(p, t, ops, n_ops, msg);
  if (s != AB_OK)
    return s;
  char opts[160];
  snprintf(opts, sizeof opts,
           "-DQT=%d -DKT=%d -DVT=%d -DOT=%d -DD=%d -DBHSD=%d -DACC=%s "
           "-DACC_IS_DOUBLE=%d",
           code[Q], code[K], code[V], code[O], (int)p->head_dim, d->layout == AB_LAYOUT_BHSD,
           acc_double ? "double" : "float", acc_double);
  cl_program prog;
  double compile_s = 0.0;
  s = ocl_get_program(st, "ab_attention", attention_src, opts, &prog, &compile_s, msg);
  if (s != AB_OK)
    return s;
  cl_int err;
  c->kernel = clCreateKernel(prog, "ab_attention", &err);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clCreateKernel(ab_attention)", err);
  info->setup_seconds += compile_s;
  err = set_args(c, p, ops, acc_double);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clSetKernelArg(ab_attention)", err);
  if (AB_HAS_FIELD(info, ab_case_info, accumulate_dtype))
    info->accumulate_dtype = acc_double ? AB_DTYPE_F64 : AB_DTYPE_F32;
  snprintf(info->implementation, sizeof info->implementation,
           "portable ab_attention (work-item per row, online softmax, %s)",
           acc_double ? "f64" : "f32");
  return AB_OK;
}
