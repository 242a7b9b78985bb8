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

#ifdef AB_HAVE_ONEDNN
#include "cpu_onednn_prim.h"

/* oneDNN eltwise (forward inference): gelu_tanh, gelu_erf, swish with alpha 1 (= SiLU).
 * SwiGLU needs two inputs, which no single oneDNN 2.6 eltwise primitive takes; eltwise has
 * one data type for source and destination. */
static ab_status onednn_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  static const dnnl_alg_kind_t algs[] = {dnnl_eltwise_gelu_tanh, dnnl_eltwise_gelu_erf,
                                         dnnl_eltwise_swish};
  static const char *const names[] = {"eltwise_gelu_tanh", "eltwise_gelu_erf", "eltwise_swish"};
  int op_kind = d->params.activation.op;
  if (op_kind < 0 || op_kind >= AB_ACT_SWIGLU) {
    snprintf(msg, AB_MSG_LEN,
             "oneDNN 2.6 has no single primitive for swiglu (silu(gate) * up "
             "takes two inputs); the native provider runs it");
    return AB_E_UNSUPPORTED;
  }
  if (d->dtype != d->out_dtype) {
    snprintf(msg, AB_MSG_LEN, "oneDNN 2.6 eltwise takes one data type, got %s -> %s",
             ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype));
    return AB_E_UNSUPPORTED;
  }
  int64_t dims[2] = {d->params.activation.rows, d->params.activation.cols};
  size_t n = (size_t)dims[0] * (size_t)dims[1];
  size_t elements[2] = {n, n};
  ab_dtype types[2] = {d->dtype, d->out_dtype};
  dnnl_memory_desc_t data;
  ab_status st = cpu_check_operands(d, ops, n_ops, 2, elements, types, msg);
  if (st == AB_OK)
    st = ab_onednn_md(&data, 2, dims, d->dtype, msg);
  if (st != AB_OK)
    return st;
  dnnl_eltwise_desc_t op;
  dnnl_status_t s =
      dnnl_eltwise_forward_desc_init(&op, dnnl_forward_inference, algs[op_kind], &data, 1.0f, 0.0f);
  if (s != dnnl_success)
    return ab_cpu_onednn_fail(s, "dnnl_eltwise_forward_desc_init", msg);
  ab_onednn_prim *p = NULL;
  st = ab_onednn_prim_new(dev, &op, names[op_kind], info, &p, msg);
  if (st == AB_OK)
    st = ab_onednn_prim_bind(p, DNNL_ARG_SRC, &data, ops[0]->data, msg);
  if (st == AB_OK)
    st = ab_onednn_prim_bind(p, DNNL_ARG_DST, &data, ops[1]->data, msg);
  return ab_onednn_prim_done(st, p, impl, info);
}

const ab_cpu_kind_impl ab_cpu_activation_onednn = {AB_KERNEL_ACTIVATION, AB_CPU_PROV_ONEDNN,
                                                   onednn_prepare, ab_onednn_prim_run,
                                                   ab_onednn_prim_release};
#endif
