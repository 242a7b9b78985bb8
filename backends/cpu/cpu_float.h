/* accelbench CPU backend — what the native kernels of the floating-point kinds (norm,
 * softmax, activation, elementwise, rotary) share: element loads and stores in any float
 * dtype, and a case record holding the checked operands. */
#ifndef AB_CPU_FLOAT_H
#define AB_CPU_FLOAT_H

#include <stdint.h>
#include <string.h>

#include "cpu_backend.h"

/* Element i of a float operand, widened (exactly) to double. */
static inline double cpu_load(const void *p, ab_dtype t, size_t i) {
  switch (t) {
  case AB_DTYPE_F64: return ((const double *)p)[i];
  case AB_DTYPE_F32: return ((const float *)p)[i];
  case AB_DTYPE_F16: return ab_f16_to_f32(((const uint16_t *)p)[i]);
  case AB_DTYPE_BF16: return ab_bf16_to_f32(((const uint16_t *)p)[i]);
  default: return 0.0;
  }
}

/* Store v rounded once to the operand's dtype (v holds a float when the case computes in
 * f32, so the f16/bf16 rounding is the only one). */
static inline void cpu_store(void *p, ab_dtype t, size_t i, double v) {
  switch (t) {
  case AB_DTYPE_F64: ((double *)p)[i] = v; break;
  case AB_DTYPE_F32: ((float *)p)[i] = (float)v; break;
  case AB_DTYPE_F16: ((uint16_t *)p)[i] = ab_f32_to_f16((float)v); break;
  case AB_DTYPE_BF16: ((uint16_t *)p)[i] = ab_f32_to_bf16((float)v); break;
  default: break;
  }
}

/* A native case: the descriptor, its operands' memory and dtypes, and the thread count. */
typedef struct cpu_fcase {
  ab_kernel_desc d;
  void *op[AB_KERNEL_MAX_OPERANDS];
  ab_dtype t[AB_KERNEL_MAX_OPERANDS];
  int threads;
  int wide; /* compute in f64 (the case has an f64 operand), else in f32 */
} cpu_fcase;

/* Check `n` operands against their element counts and dtypes (each a float dtype). */
ab_status cpu_check_operands(const ab_kernel_desc *d, ab_buffer *const *ops, size_t n_ops, size_t n,
                             const size_t *elements, const ab_dtype *types, char *msg);
/* Check `n` operands against their element counts and dtypes (each a float dtype) and
 * allocate the case; AB_E_INVALID / AB_E_UNSUPPORTED / AB_E_NOMEM with msg. */
ab_status cpu_fcase_new(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                        size_t n_ops, size_t n, const size_t *elements, const ab_dtype *types,
                        cpu_fcase **out, char *msg);
void cpu_fcase_release(void *impl);
/* "native <what> (f32 arithmetic, OpenMP 4 threads)" into info, and the declared
 * accumulate dtype. */
void cpu_fcase_describe(const cpu_fcase *c, const char *what, ab_case_info *info);

#endif
