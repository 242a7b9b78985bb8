/* The native floating-point kinds' shared case setup (cpu_float.h). */
#include <stdio.h>
#include <stdlib.h>

#include "cpu_float.h"

static int is_float(ab_dtype t) {
  return t == AB_DTYPE_F64 || t == AB_DTYPE_F32 || t == AB_DTYPE_F16 || t == AB_DTYPE_BF16;
}

ab_status cpu_check_operands(const ab_kernel_desc *d, ab_buffer *const *ops, size_t n_ops, size_t n,
                             const size_t *elements, const ab_dtype *types, char *msg) {
  const char *kind = ab_kernel_kind_str(d->kind);
  if (n_ops != n || n > AB_KERNEL_MAX_OPERANDS) {
    snprintf(msg, AB_MSG_LEN, "cpu: %s takes %zu operands, got %zu", kind, n, n_ops);
    return AB_E_INVALID;
  }
  for (size_t i = 0; i < n; i++) {
    if (!is_float(types[i])) {
      snprintf(msg, AB_MSG_LEN, "cpu: %s operand %zu: dtype %s: floating-point dtypes only", kind,
               i, ab_dtype_str(types[i]));
      return AB_E_UNSUPPORTED;
    }
    if (!ops[i] || ops[i]->bytes / ab_dtype_size(types[i]) < elements[i]) {
      snprintf(msg, AB_MSG_LEN, "cpu: %s operand %zu: needs %zu elements of %s", kind, i,
               elements[i], ab_dtype_str(types[i]));
      return AB_E_INVALID;
    }
  }
  return AB_OK;
}

ab_status cpu_fcase_new(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                        size_t n_ops, size_t n, const size_t *elements, const ab_dtype *types,
                        cpu_fcase **out, char *msg) {
  ab_status st = cpu_check_operands(d, ops, n_ops, n, elements, types, msg);
  if (st != AB_OK)
    return st;
  int wide = 0;
  for (size_t i = 0; i < n; i++)
    wide |= types[i] == AB_DTYPE_F64;
  cpu_fcase *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(msg, AB_MSG_LEN, "cpu: out of host memory for the case state");
    return AB_E_NOMEM;
  }
  c->d = *d;
  for (size_t i = 0; i < n; i++) {
    c->op[i] = ops[i]->data;
    c->t[i] = types[i];
  }
  c->threads = dev->threads > 0 ? dev->threads : 1;
  c->wide = wide;
  *out = c;
  return AB_OK;
}

void cpu_fcase_release(void *impl) {
  free(impl);
}

void cpu_fcase_describe(const cpu_fcase *c, const char *what, ab_case_info *info) {
  snprintf(info->implementation, sizeof info->implementation,
           "native %s (%s arithmetic, OpenMP %d threads)", what, c->wide ? "f64" : "f32",
           c->threads);
  info->accumulate_dtype = c->wide ? AB_DTYPE_F64 : AB_DTYPE_F32;
}
