/* accelbench CPU backend — AB_KERNEL_SOFTMAX (row softmax, max-subtracted; kernel.h
 * ab_softmax_params). native: one row per OpenMP iteration, three passes (max, sum of
 * exponentials, exponential times 1/sum). The third pass computes exp again instead of
 * keeping it in y: y may be f16 or bf16, and a kept value would be rounded twice. */
#include <math.h>
#include <stdio.h>

#include "cpu_float.h"

#define SOFTMAX_ROW(T, EXP)                                                                        \
  static void softmax_row_##T(const cpu_fcase *c, size_t r) {                                      \
    size_t n = (size_t)c->d.params.softmax.cols, base = r * n;                                     \
    T m = (T)cpu_load(c->op[0], c->t[0], base), sum = 0;                                           \
    for (size_t j = 1; j < n; j++) {                                                               \
      T v = (T)cpu_load(c->op[0], c->t[0], base + j);                                              \
      m = v > m ? v : m;                                                                           \
    }                                                                                              \
    for (size_t j = 0; j < n; j++)                                                                 \
      sum += EXP((T)cpu_load(c->op[0], c->t[0], base + j) - m);                                    \
    T scale = (T)1 / sum;                                                                          \
    for (size_t j = 0; j < n; j++)                                                                 \
      cpu_store(c->op[1], c->t[1], base + j,                                                       \
                EXP((T)cpu_load(c->op[0], c->t[0], base + j) - m) * scale);                        \
  }
SOFTMAX_ROW(float, expf)
SOFTMAX_ROW(double, exp)

static ab_status native_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  size_t n = (size_t)d->params.softmax.rows * (size_t)d->params.softmax.cols;
  size_t elements[2] = {n, n};
  ab_dtype types[2] = {d->dtype, d->out_dtype};
  cpu_fcase *c;
  ab_status st = cpu_fcase_new(dev, d, ops, n_ops, 2, elements, types, &c, msg);
  if (st != AB_OK)
    return st;
  cpu_fcase_describe(c, "softmax", info);
  *impl = c;
  return AB_OK;
}

static ab_status native_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  (void)dev, (void)msg;
  const cpu_fcase *c = impl;
  long rows = (long)c->d.params.softmax.rows;
  for (uint32_t it = 0; it < iterations; it++) {
#pragma omp parallel for num_threads(c->threads) schedule(static)
    for (long r = 0; r < rows; r++) {
      if (c->wide)
        softmax_row_double(c, (size_t)r);
      else
        softmax_row_float(c, (size_t)r);
    }
  }
  return AB_OK;
}

const ab_cpu_kind_impl ab_cpu_softmax_native = {AB_KERNEL_SOFTMAX, AB_CPU_PROV_NATIVE,
                                                native_prepare, native_run, cpu_fcase_release};

#ifdef AB_HAVE_ONEDNN
#include "cpu_onednn_prim.h"

/* oneDNN softmax_v2 (accurate: max-subtracted) over axis 1 of [rows x cols]; it takes
 * different source and destination types. */
static ab_status onednn_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  int64_t dims[2] = {d->params.softmax.rows, d->params.softmax.cols};
  size_t n = (size_t)dims[0] * (size_t)dims[1];
  size_t elements[2] = {n, n};
  ab_dtype types[2] = {d->dtype, d->out_dtype};
  dnnl_memory_desc_t src, dst;
  ab_status st = cpu_check_operands(d, ops, n_ops, 2, elements, types, msg);
  if (st == AB_OK)
    st = ab_onednn_md(&src, 2, dims, d->dtype, msg);
  if (st == AB_OK)
    st = ab_onednn_md(&dst, 2, dims, d->out_dtype, msg);
  if (st != AB_OK)
    return st;
  dnnl_softmax_v2_desc_t op;
  dnnl_status_t s = dnnl_softmax_v2_forward_desc_init(&op, dnnl_forward_inference,
                                                      dnnl_softmax_accurate, &src, &dst, 1);
  if (s != dnnl_success)
    return ab_cpu_onednn_fail(s, "dnnl_softmax_v2_forward_desc_init", msg);
  ab_onednn_prim *p = NULL;
  st = ab_onednn_prim_new(dev, &op, "softmax", info, &p, msg);
  if (st == AB_OK)
    st = ab_onednn_prim_bind(p, DNNL_ARG_SRC, &src, ops[0]->data, msg);
  if (st == AB_OK)
    st = ab_onednn_prim_bind(p, DNNL_ARG_DST, &dst, ops[1]->data, msg);
  return ab_onednn_prim_done(st, p, impl, info);
}

const ab_cpu_kind_impl ab_cpu_softmax_onednn = {AB_KERNEL_SOFTMAX, AB_CPU_PROV_ONEDNN,
                                                onednn_prepare, ab_onednn_prim_run,
                                                ab_onednn_prim_release};
#endif
