/* accelbench OpenCL backend — AB_KERNEL_NORM (RMSNorm, LayerNorm; kernel.h ab_norm_params).
 * One work-group per row: the work-items stride over the row, and the sums (mean, then
 * squares around it) are reduced in local memory. */
#include <stdio.h>

#include "ocl_float.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

static const char body[] =
    "#if LAYER\n"
    "#define TY T3\n"
    "#else\n"
    "#define TY T2\n"
    "#endif\n"
    "__kernel void ab_norm(__global const STORAGE(T0) *x, __global const STORAGE(T1) *g,\n"
    "#if LAYER\n"
    "                      __global const STORAGE(T2) *b,\n"
    "#endif\n"
    "                      __global STORAGE(TY) *y, long n, __local REAL *red) {\n"
    "  size_t lid = get_local_id(0), lws = get_local_size(0);\n"
    "  size_t base = get_group_id(0) * (size_t)n;\n"
    "  REAL mean = 0;\n"
    "#if LAYER\n"
    "  REAL s = 0;\n"
    "  for (size_t i = lid; i < (size_t)n; i += lws) s += LOAD(T0, x, base + i);\n"
    "  mean = ab_group_sum(red, s) / (REAL)n;\n"
    "#endif\n"
    "  REAL q = 0;\n"
    "  for (size_t i = lid; i < (size_t)n; i += lws) {\n"
    "    REAL v = LOAD(T0, x, base + i) - mean;\n"
    "    q += v * v;\n"
    "  }\n"
    "  REAL rstd = rsqrt(ab_group_sum(red, q) / (REAL)n + (REAL)EPS);\n"
    "  for (size_t i = lid; i < (size_t)n; i += lws) {\n"
    "    REAL v = (LOAD(T0, x, base + i) - mean) * rstd * LOAD(T1, g, i);\n"
    "#if LAYER\n"
    "    v += LOAD(T2, b, i);\n"
    "#endif\n"
    "    STORE(TY, y, base + i, v);\n"
    "  }\n"
    "}\n";

ab_status ocl_norm_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                           size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  const ab_norm_params *p = &d->params.norm;
  int layer = p->op == AB_NORM_LAYERNORM;
  ocl_float_kernel k = {.family = "ab_norm",
                        .body = body,
                        .name = "ab_norm",
                        .n = layer ? 4 : 3,
                        .options = layer ? "-DLAYER=1 -DEPS=" STR(AB_NORM_EPS)
                                         : "-DLAYER=0 -DEPS=" STR(AB_NORM_EPS)};
  for (size_t i = 0; i < k.n; i++) {
    int weight = i > 0 && i + 1 < k.n;
    k.types[i] = ab_operand_dtype(d, i, i == 0 ? d->dtype : weight ? AB_DTYPE_F32 : d->out_dtype);
    k.elements[i] = weight ? (size_t)p->hidden : (size_t)p->rows * (size_t)p->hidden;
  }
  ab_status s = ocl_float_prepare(st, &k, ops, n_ops, c, info, msg);
  if (s != AB_OK)
    return s;
  size_t group;
  s = ocl_float_rows(st, c, (cl_uint)k.n, p->rows, p->hidden, info, &group, msg);
  if (s != AB_OK)
    return s;
  snprintf(info->implementation, sizeof info->implementation,
           "portable ab_norm %s (a work-group of %zu per row)", layer ? "layernorm" : "rmsnorm",
           group);
  return AB_OK;
}
