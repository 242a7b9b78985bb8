/* accelbench OpenCL backend — AB_KERNEL_ROTARY (rotate-half RoPE, token t at position
 * position + (t mod period), ABI 1.4; kernel.h ab_rotary_params). A work-item per (token, pair i <
 * head_dim / 2): it computes the pair's angle once and rotates that pair in every head. */
#include <stdio.h>

#include "ocl_float.h"

static const char body[] =
    "__kernel void ab_rotary(__global const STORAGE(T0) *x, __global STORAGE(T1) *y,\n"
    "                        long heads, long dim, REAL theta, long position, long period) {\n"
    "  size_t h = (size_t)dim / 2, i = get_global_id(0), t = get_global_id(1);\n"
    "  long pos = position + (period ? (long)t % period : (long)t);\n"
    "  REAL angle = (REAL)pos * pow(theta, (REAL)(-2.0f * (float)i / (float)dim));\n"
    "  REAL c = cos(angle), s = sin(angle);\n"
    "  for (size_t n = 0; n < (size_t)heads; n++) {\n"
    "    size_t base = (t * (size_t)heads + n) * (size_t)dim;\n"
    "    REAL a = LOAD(T0, x, base + i), b = LOAD(T0, x, base + i + h);\n"
    "    STORE(T1, y, base + i, a * c - b * s);\n"
    "    STORE(T1, y, base + i + h, b * c + a * s);\n"
    "  }\n"
    "}\n";

ab_status ocl_rotary_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                             size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  const ab_rotary_params *p = &d->params.rotary;
  if (p->head_dim < 2 || p->head_dim % 2) {
    snprintf(msg, AB_MSG_LEN, "rotary head_dim=%lld: expected an even number",
             (long long)p->head_dim);
    return AB_E_INVALID;
  }
  size_t n = (size_t)p->tokens * (size_t)p->heads * (size_t)p->head_dim;
  ocl_float_kernel k = {.family = "ab_rotary",
                        .body = body,
                        .name = "ab_rotary",
                        .n = 2,
                        .types = {d->dtype, d->out_dtype},
                        .elements = {n, n},
                        .options = ""};
  ab_status s = ocl_float_prepare(st, &k, ops, n_ops, c, info, msg);
  if (s != AB_OK)
    return s;
  cl_long heads = p->heads, dim = p->head_dim;
  cl_int err = clSetKernelArg(c->kernel, 2, sizeof heads, &heads);
  err |= clSetKernelArg(c->kernel, 3, sizeof dim, &dim);
  if (info->accumulate_dtype == AB_DTYPE_F64) {
    cl_double theta = (cl_double)p->theta;
    err |= clSetKernelArg(c->kernel, 4, sizeof theta, &theta);
  } else {
    cl_float theta = (cl_float)p->theta;
    err |= clSetKernelArg(c->kernel, 4, sizeof theta, &theta);
  }
  cl_long position = p->position, period = p->period;
  err |= clSetKernelArg(c->kernel, 5, sizeof position, &position);
  err |= clSetKernelArg(c->kernel, 6, sizeof period, &period);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clSetKernelArg(ab_rotary)", err);
  c->work_dim = 2;
  c->gws[0] = (size_t)p->head_dim / 2;
  c->gws[1] = (size_t)p->tokens;
  snprintf(info->implementation, sizeof info->implementation,
           "portable ab_rotary (a work-item per token and pair, looping over heads)");
  return AB_OK;
}
