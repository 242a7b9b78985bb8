/* Stand-in for the portable CUDA kernels until their branch lands (the integrator replaces
 * this file): every kind answers unsupported, so the backend never compiles anything. */
#include <stdio.h>

#include "cuk.h"

const char *cuk_source(void) {
  return "";
}

ab_status cuk_plan(const ab_kernel_desc *d, const uint64_t *operand_ptrs, size_t n_operands,
                   cuk_launch *steps, size_t max_steps, size_t *n_steps, char *msg) {
  (void)operand_ptrs, (void)n_operands, (void)steps, (void)max_steps;
  *n_steps = 0;
  snprintf(msg, AB_MSG_LEN, "%s: portable CUDA kernels not built yet", ab_kernel_kind_str(d->kind));
  return AB_E_UNSUPPORTED;
}
