/* accelbench CPU backend — AB_KERNEL_NORM (RMSNorm, LayerNorm; kernel.h ab_norm_params).
 * native: one row per OpenMP iteration, two passes over the row for RMSNorm (sum of
 * squares, scale) and three for LayerNorm (mean, variance around it, scale); oneDNN:
 * layer_normalization_forward (LayerNorm only; oneDNN 2.6 has no RMSNorm). */
#include <math.h>
#include <stdio.h>

#include "cpu_float.h"

static size_t n_operands(const ab_kernel_desc *d) {
  return d->params.norm.op == AB_NORM_LAYERNORM ? 4 : 3;
}

/* The operands' dtypes and element counts in kernel.h's order. */
static void operand_shapes(const ab_kernel_desc *d, size_t *elements, ab_dtype *types) {
  size_t n = n_operands(d), rows = (size_t)d->params.norm.rows;
  size_t hidden = (size_t)d->params.norm.hidden;
  for (size_t i = 0; i < n; i++) {
    int weight = i > 0 && i + 1 < n;
    ab_dtype dflt = i == 0 ? d->dtype : weight ? AB_DTYPE_F32 : d->out_dtype;
    types[i] = ab_operand_dtype(d, i, dflt);
    elements[i] = weight ? hidden : rows * hidden;
  }
}

/* One row in arithmetic type T (float or double). */
#define NORM_ROW(T, SQRT)                                                                          \
  static void norm_row_##T(const cpu_fcase *c, size_t r) {                                         \
    size_t n = (size_t)c->d.params.norm.hidden, base = r * n, yi = n_operands(&c->d) - 1;          \
    int layer = c->d.params.norm.op == AB_NORM_LAYERNORM;                                          \
    T mean = 0, var = 0;                                                                           \
    if (layer) {                                                                                   \
      for (size_t i = 0; i < n; i++)                                                               \
        mean += (T)cpu_load(c->op[0], c->t[0], base + i);                                          \
      mean /= (T)n;                                                                                \
    }                                                                                              \
    for (size_t i = 0; i < n; i++) {                                                               \
      T v = (T)cpu_load(c->op[0], c->t[0], base + i) - mean;                                       \
      var += v * v;                                                                                \
    }                                                                                              \
    T rstd = (T)1 / SQRT(var / (T)n + (T)AB_NORM_EPS);                                             \
    for (size_t i = 0; i < n; i++) {                                                               \
      T v = ((T)cpu_load(c->op[0], c->t[0], base + i) - mean) * rstd *                             \
            (T)cpu_load(c->op[1], c->t[1], i);                                                     \
      if (layer)                                                                                   \
        v += (T)cpu_load(c->op[2], c->t[2], i);                                                    \
      cpu_store(c->op[yi], c->t[yi], base + i, v);                                                 \
    }                                                                                              \
  }
NORM_ROW(float, sqrtf)
NORM_ROW(double, sqrt)

static ab_status native_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  size_t elements[4];
  ab_dtype types[4];
  operand_shapes(d, elements, types);
  cpu_fcase *c;
  ab_status st = cpu_fcase_new(dev, d, ops, n_ops, n_operands(d), elements, types, &c, msg);
  if (st != AB_OK)
    return st;
  cpu_fcase_describe(c, d->params.norm.op == AB_NORM_LAYERNORM ? "layernorm" : "rmsnorm", info);
  *impl = c;
  return AB_OK;
}

static ab_status native_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  (void)dev, (void)msg;
  const cpu_fcase *c = impl;
  long rows = (long)c->d.params.norm.rows;
  for (uint32_t it = 0; it < iterations; it++) {
#pragma omp parallel for num_threads(c->threads) schedule(static)
    for (long r = 0; r < rows; r++) {
      if (c->wide)
        norm_row_double(c, (size_t)r);
      else
        norm_row_float(c, (size_t)r);
    }
  }
  return AB_OK;
}

const ab_cpu_kind_impl ab_cpu_norm_native = {AB_KERNEL_NORM, AB_CPU_PROV_NATIVE, native_prepare,
                                             native_run, cpu_fcase_release};

#ifdef AB_HAVE_ONEDNN
#include "cpu_onednn_prim.h"

/* oneDNN layer_normalization (forward inference, scale and shift: gamma and beta). oneDNN
 * 2.6 has no RMSNorm (its layer norm always subtracts the mean), one data type for source
 * and destination, and f32 scale and shift only. */
static ab_status onednn_refuse(const ab_kernel_desc *d, const ab_dtype *types, char *msg) {
  const char *v = "oneDNN 2.6";
  if (d->params.norm.op != AB_NORM_LAYERNORM)
    snprintf(msg, AB_MSG_LEN,
             "%s has no RMSNorm primitive (layer_normalization always "
             "subtracts the mean); the native provider runs it",
             v);
  else if (d->dtype != d->out_dtype)
    snprintf(msg, AB_MSG_LEN,
             "%s layer_normalization takes one data type for x and y, got "
             "%s -> %s",
             v, ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype));
  else if (types[1] != AB_DTYPE_F32 || types[2] != AB_DTYPE_F32)
    snprintf(msg, AB_MSG_LEN, "%s layer_normalization takes f32 scale and shift, got %s and %s", v,
             ab_dtype_str(types[1]), ab_dtype_str(types[2]));
  else
    return AB_OK;
  return AB_E_UNSUPPORTED;
}

static ab_status onednn_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  size_t elements[4];
  ab_dtype types[4];
  operand_shapes(d, elements, types);
  ab_status st = onednn_refuse(d, types, msg);
  if (st == AB_OK)
    st = cpu_check_operands(d, ops, n_ops, 4, elements, types, msg);
  int64_t dims[2] = {d->params.norm.rows, d->params.norm.hidden};
  dnnl_memory_desc_t data, weight;
  if (st == AB_OK)
    st = ab_onednn_md(&data, 2, dims, d->dtype, msg);
  if (st == AB_OK)
    st = ab_onednn_md(&weight, 1, &dims[1], AB_DTYPE_F32, msg);
  if (st != AB_OK)
    return st;
  dnnl_layer_normalization_desc_t op;
  dnnl_status_t s = dnnl_layer_normalization_forward_desc_init(&op, dnnl_forward_inference, &data,
                                                               NULL, (float)AB_NORM_EPS,
                                                               dnnl_use_scale | dnnl_use_shift);
  if (s != dnnl_success)
    return ab_cpu_onednn_fail(s, "dnnl_layer_normalization_forward_desc_init", msg);
  ab_onednn_prim *p = NULL;
  st = ab_onednn_prim_new(dev, &op, "layer_normalization", info, &p, msg);
  if (st == AB_OK)
    st = ab_onednn_prim_bind(p, DNNL_ARG_SRC, &data, ops[0]->data, msg);
  if (st == AB_OK)
    st = ab_onednn_prim_bind(p, DNNL_ARG_SCALE, &weight, ops[1]->data, msg);
  if (st == AB_OK)
    st = ab_onednn_prim_bind(p, DNNL_ARG_SHIFT, &weight, ops[2]->data, msg);
  if (st == AB_OK)
    st = ab_onednn_prim_bind(p, DNNL_ARG_DST, &data, ops[3]->data, msg);
  return ab_onednn_prim_done(st, p, impl, info);
}

const ab_cpu_kind_impl ab_cpu_norm_onednn = {AB_KERNEL_NORM, AB_CPU_PROV_ONEDNN, onednn_prepare,
                                             ab_onednn_prim_run, ab_onednn_prim_release};
#endif
