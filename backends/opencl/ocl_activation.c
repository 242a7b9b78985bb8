/* accelbench OpenCL backend — AB_KERNEL_ACTIVATION (GELU tanh/erf, SiLU, SwiGLU; kernel.h
 * ab_activation_params). One work-item per element; OP selects the formula at compile
 * time. */
#include <stdio.h>

#include "ocl_float.h"

static const char body[] =
    "REAL ab_act(REAL x, REAL up) {\n"
    "#if OP == 0\n"
    "  return (REAL)0.5 * x *\n"
    "         ((REAL)1 + tanh((REAL)0.79788456080286535588 * (x + (REAL)0.044715 * x * x * x)));\n"
    "#elif OP == 1\n"
    "  return (REAL)0.5 * x * ((REAL)1 + erf(x * (REAL)0.70710678118654752440));\n"
    "#elif OP == 2\n"
    "  return x / ((REAL)1 + exp(-x));\n"
    "#else\n"
    "  return x / ((REAL)1 + exp(-x)) * up;\n"
    "#endif\n"
    "}\n"
    "#if OP == 3\n"
    "__kernel void ab_activation(__global const STORAGE(T0) *gate, __global const STORAGE(T1) "
    "*up,\n"
    "                            __global STORAGE(T2) *y) {\n"
    "  size_t i = get_global_id(0);\n"
    "  STORE(T2, y, i, ab_act(LOAD(T0, gate, i), LOAD(T1, up, i)));\n"
    "}\n"
    "#else\n"
    "__kernel void ab_activation(__global const STORAGE(T0) *x, __global STORAGE(T1) *y) {\n"
    "  size_t i = get_global_id(0);\n"
    "  STORE(T1, y, i, ab_act(LOAD(T0, x, i), (REAL)0));\n"
    "}\n"
    "#endif\n";

ab_status ocl_activation_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                                 size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  static const char *const names[] = {"gelu_tanh", "gelu_erf", "silu", "swiglu"};
  static const char *const options[] = {"-DOP=0", "-DOP=1", "-DOP=2", "-DOP=3"};
  const ab_activation_params *p = &d->params.activation;
  if (p->op < 0 || p->op > AB_ACT_SWIGLU) {
    snprintf(msg, AB_MSG_LEN, "activation op %d: not one of kernel.h's", (int)p->op);
    return AB_E_INVALID;
  }
  int swiglu = p->op == AB_ACT_SWIGLU;
  size_t n = (size_t)p->rows * (size_t)p->cols;
  ocl_float_kernel k = {.family = "ab_activation",
                        .body = body,
                        .name = "ab_activation",
                        .n = swiglu ? 3 : 2,
                        .types = {d->dtype, swiglu ? d->dtype : d->out_dtype, d->out_dtype},
                        .elements = {n, n, n},
                        .options = options[p->op]};
  ab_status s = ocl_float_prepare(st, &k, ops, n_ops, c, info, msg);
  if (s != AB_OK)
    return s;
  c->work_dim = 1;
  c->gws[0] = n;
  snprintf(info->implementation, sizeof info->implementation,
           "portable ab_activation %s (a work-item per element)", names[p->op]);
  return AB_OK;
}
