/* accelbench OpenCL backend — AB_KERNEL_SOFTMAX (row softmax, max-subtracted; kernel.h
 * ab_softmax_params). One work-group per row: the max and the sum of exponentials are
 * reduced in local memory; the last pass computes exp again rather than keeping a rounded
 * copy in y. */
#include <stdio.h>

#include "ocl_float.h"

static const char body[] =
    "__kernel void ab_softmax(__global const STORAGE(T0) *x, __global STORAGE(T1) *y, long n,\n"
    "                         __local REAL *red) {\n"
    "  size_t lid = get_local_id(0), lws = get_local_size(0);\n"
    "  size_t base = get_group_id(0) * (size_t)n;\n"
    "  REAL m = -INFINITY, s = 0;\n"
    "  for (size_t j = lid; j < (size_t)n; j += lws) m = fmax(m, LOAD(T0, x, base + j));\n"
    "  m = ab_group_max(red, m);\n"
    "  for (size_t j = lid; j < (size_t)n; j += lws) s += exp(LOAD(T0, x, base + j) - m);\n"
    "  REAL scale = (REAL)1 / ab_group_sum(red, s);\n"
    "  for (size_t j = lid; j < (size_t)n; j += lws)\n"
    "    STORE(T1, y, base + j, exp(LOAD(T0, x, base + j) - m) * scale);\n"
    "}\n";

ab_status ocl_softmax_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                              size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  const ab_softmax_params *p = &d->params.softmax;
  size_t n = (size_t)p->rows * (size_t)p->cols;
  ocl_float_kernel k = {.family = "ab_softmax",
                        .body = body,
                        .name = "ab_softmax",
                        .n = 2,
                        .types = {d->dtype, d->out_dtype},
                        .elements = {n, n},
                        .options = ""};
  ab_status s = ocl_float_prepare(st, &k, ops, n_ops, c, info, msg);
  if (s != AB_OK)
    return s;
  size_t group;
  s = ocl_float_rows(st, c, 2, p->rows, p->cols, info, &group, msg);
  if (s != AB_OK)
    return s;
  snprintf(info->implementation, sizeof info->implementation,
           "portable ab_softmax (a work-group of %zu per row)", group);
  return AB_OK;
}
