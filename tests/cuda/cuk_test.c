/* A test planner standing in for the portable CUDA kernels (backends/cuda/kernels/cuk.h):
 * built only into the test copy of the cuda module, so the NVRTC compile, module load,
 * function lookup and launch path runs against the fakes. Its two "kernels" are executed
 * by the fake libcuda on the CPU. */
#include <stdio.h>
#include <string.h>

#include "kernels/cuk.h"

const char *cuk_source(void) {
  return "extern \"C\" __global__ void cuk_test_empty() {}\n"
         "extern \"C\" __global__ void cuk_test_add_f32(const float *a, const float *b,\n"
         "                                            float *c, long long n) {\n"
         "  long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x;\n"
         "  if (i < n) c[i] = a[i] + b[i];\n"
         "}\n";
}

static void *put(cuk_launch *s, size_t *used, const void *v, size_t n) {
  void *p = s->storage + *used;
  memcpy(p, v, n);
  *used += (n + 7) & ~(size_t)7;
  return p;
}

ab_status cuk_plan(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs, cuk_launch *steps,
                   size_t max_steps, size_t *n_steps, char *msg) {
  *n_steps = 0;
  memset(steps, 0, sizeof *steps);
  if (max_steps < 1)
    return AB_E_INVALID;
  if (d->kind == AB_KERNEL_LAUNCH) {
    snprintf(steps->function, sizeof steps->function, "cuk_test_empty");
    steps->grid[0] = steps->grid[1] = steps->grid[2] = 1;
    steps->block[0] = steps->block[1] = steps->block[2] = 1;
    *n_steps = 1;
    return AB_OK;
  }
  if (d->kind != AB_KERNEL_ELEMENTWISE || d->dtype != AB_DTYPE_F32 || n_ptrs != 3) {
    snprintf(msg, AB_MSG_LEN, "test planner: only launch and elementwise f32");
    return AB_E_UNSUPPORTED;
  }
  long long n = d->params.elementwise.elements;
  size_t used = 0;
  snprintf(steps->function, sizeof steps->function, "cuk_test_add_f32");
  for (int i = 0; i < 3; i++)
    steps->args[i] = put(steps, &used, &ptrs[i], sizeof ptrs[i]);
  steps->args[3] = put(steps, &used, &n, sizeof n);
  steps->n_args = 4;
  steps->block[0] = 256, steps->block[1] = steps->block[2] = 1;
  steps->grid[0] = (uint32_t)((n + 255) / 256), steps->grid[1] = steps->grid[2] = 1;
  *n_steps = 1;
  return AB_OK;
}
