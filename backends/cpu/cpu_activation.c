/* accelbench CPU backend — AB_KERNEL_ACTIVATION (GELU tanh/erf, SiLU, SwiGLU; kernel.h
 * ab_activation_params). native: the formulas of kernel.h element by element, the
 * elements split evenly over OpenMP threads. */
#include <math.h>
#include <stdio.h>

#include "cpu_float.h"

/* sqrt(2 / pi), which C11 has no name for. */
#define SQRT_2_OVER_PI 0.79788456080286535588
#define SQRT_HALF      0.70710678118654752440

#define ACTIVATION(T, TANH, ERF, EXP)                                                              \
  static T activation_##T(int op, T x, T up) {                                                     \
    switch (op) {                                                                                  \
    case AB_ACT_GELU_TANH:                                                                         \
      return (T)0.5 * x * ((T)1 + TANH((T)SQRT_2_OVER_PI * (x + (T)0.044715 * x * x * x)));        \
    case AB_ACT_GELU_ERF: return (T)0.5 * x * ((T)1 + ERF(x * (T)SQRT_HALF));                      \
    case AB_ACT_SILU: return x / ((T)1 + EXP(-x));                                                 \
    default: return x / ((T)1 + EXP(-x)) * up;                                                     \
    }                                                                                              \
  }
ACTIVATION(float, tanhf, erff, expf)
ACTIVATION(double, tanh, erf, exp)

static int is_swiglu(const ab_kernel_desc *d) {
  return d->params.activation.op == AB_ACT_SWIGLU;
}

static ab_status native_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  static const char *const names[] = {"gelu_tanh", "gelu_erf", "silu", "swiglu"};
  size_t n = (size_t)d->params.activation.rows * (size_t)d->params.activation.cols;
  size_t elements[3] = {n, n, n};
  ab_dtype types[3] = {d->dtype, is_swiglu(d) ? d->dtype : d->out_dtype, d->out_dtype};
  int op = d->params.activation.op;
  if (op < 0 || op > AB_ACT_SWIGLU) {
    snprintf(msg, AB_MSG_LEN, "cpu: activation op %d: not one of kernel.h's", op);
    return AB_E_INVALID;
  }
  cpu_fcase *c;
  ab_status st = cpu_fcase_new(dev, d, ops, n_ops, is_swiglu(d) ? 3 : 2, elements, types, &c, msg);
  if (st != AB_OK)
    return st;
  cpu_fcase_describe(c, names[op], info);
  *impl = c;
  return AB_OK;
}

static ab_status native_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  (void)dev, (void)msg;
  const cpu_fcase *c = impl;
  long n = (long)(c->d.params.activation.rows * c->d.params.activation.cols);
  int op = c->d.params.activation.op, swiglu = op == AB_ACT_SWIGLU;
  size_t yi = swiglu ? 2 : 1;
  for (uint32_t it = 0; it < iterations; it++) {
#pragma omp parallel for num_threads(c->threads) schedule(static)
    for (long i = 0; i < n; i++) {
      double x = cpu_load(c->op[0], c->t[0], (size_t)i);
      double up = swiglu ? cpu_load(c->op[1], c->t[1], (size_t)i) : 0.0;
      double y = c->wide ? activation_double(op, x, up)
                         : (double)activation_float(op, (float)x, (float)up);
      cpu_store(c->op[yi], c->t[yi], (size_t)i, y);
    }
  }
  return AB_OK;
}

const ab_cpu_kind_impl ab_cpu_activation_native = {AB_KERNEL_ACTIVATION, AB_CPU_PROV_NATIVE,
                                                   native_prepare, native_run, cpu_fcase_release};
