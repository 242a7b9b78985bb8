/* accelbench OpenCL backend — AB_KERNEL_ELEMENTWISE (c = a + b; kernel.h
 * ab_elementwise_params). One work-item per element. */
#include <stdio.h>

#include "ocl_float.h"

static const char body[] =
    "__kernel void ab_add(__global const STORAGE(T0) *a, __global const STORAGE(T1) *b,\n"
    "                     __global STORAGE(T2) *c) {\n"
    "  size_t i = get_global_id(0);\n"
    "  STORE(T2, c, i, LOAD(T0, a, i) + LOAD(T1, b, i));\n"
    "}\n";

ab_status ocl_elementwise_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                                  size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  size_t n = (size_t)d->params.elementwise.elements;
  if (d->params.elementwise.op != AB_ELEMENTWISE_ADD) {
    snprintf(msg, AB_MSG_LEN, "elementwise op %d: only add", (int)d->params.elementwise.op);
    return AB_E_UNSUPPORTED;
  }
  ocl_float_kernel k = {.family = "ab_add",
                        .body = body,
                        .name = "ab_add",
                        .n = 3,
                        .types = {d->dtype, d->dtype, d->out_dtype},
                        .elements = {n, n, n},
                        .options = ""};
  ab_status s = ocl_float_prepare(st, &k, ops, n_ops, c, info, msg);
  if (s != AB_OK)
    return s;
  c->work_dim = 1;
  c->gws[0] = n;
  snprintf(info->implementation, sizeof info->implementation,
           "portable ab_add (a work-item per element)");
  return AB_OK;
}
