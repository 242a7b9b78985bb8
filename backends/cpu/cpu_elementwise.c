/* accelbench CPU backend — AB_KERNEL_ELEMENTWISE (c = a + b; kernel.h
 * ab_elementwise_params). native: one add per element, split evenly over OpenMP threads. */
#include <stdio.h>

#include "cpu_float.h"

static ab_status native_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  size_t n = (size_t)d->params.elementwise.elements;
  size_t elements[3] = {n, n, n};
  ab_dtype types[3] = {d->dtype, d->dtype, d->out_dtype};
  if (d->params.elementwise.op != AB_ELEMENTWISE_ADD) {
    snprintf(msg, AB_MSG_LEN, "cpu: elementwise op %d: only add", (int)d->params.elementwise.op);
    return AB_E_UNSUPPORTED;
  }
  cpu_fcase *c;
  ab_status st = cpu_fcase_new(dev, d, ops, n_ops, 3, elements, types, &c, msg);
  if (st != AB_OK)
    return st;
  cpu_fcase_describe(c, "add", info);
  *impl = c;
  return AB_OK;
}

/* f32 + f32 -> f32, the common case, as a loop the compiler vectorises. */
static void add_f32(const cpu_fcase *c, long n) {
  const float *a = c->op[0], *b = c->op[1];
  float *out = c->op[2];
#pragma omp parallel for simd num_threads(c->threads) schedule(static)
  for (long i = 0; i < n; i++)
    out[i] = a[i] + b[i];
}

static void add_any(const cpu_fcase *c, long n) {
#pragma omp parallel for num_threads(c->threads) schedule(static)
  for (long i = 0; i < n; i++) {
    double a = cpu_load(c->op[0], c->t[0], (size_t)i), b = cpu_load(c->op[1], c->t[1], (size_t)i);
    cpu_store(c->op[2], c->t[2], (size_t)i, c->wide ? a + b : (double)((float)a + (float)b));
  }
}

static ab_status native_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  (void)dev, (void)msg;
  const cpu_fcase *c = impl;
  long n = (long)c->d.params.elementwise.elements;
  int all_f32 = c->t[0] == AB_DTYPE_F32 && c->t[1] == AB_DTYPE_F32 && c->t[2] == AB_DTYPE_F32;
  for (uint32_t it = 0; it < iterations; it++) {
    if (all_f32)
      add_f32(c, n);
    else
      add_any(c, n);
  }
  return AB_OK;
}

const ab_cpu_kind_impl ab_cpu_elementwise_native = {AB_KERNEL_ELEMENTWISE, AB_CPU_PROV_NATIVE,
                                                    native_prepare, native_run, cpu_fcase_release};

#ifdef AB_HAVE_ONEDNN
#include "cpu_onednn_prim.h"

/* oneDNN binary add: c = a + b over one dimension of `elements`. */
static ab_status onednn_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  int64_t n = d->params.elementwise.elements;
  size_t elements[3] = {(size_t)n, (size_t)n, (size_t)n};
  ab_dtype types[3] = {d->dtype, d->dtype, d->out_dtype};
  dnnl_memory_desc_t src, dst;
  if (d->params.elementwise.op != AB_ELEMENTWISE_ADD) {
    snprintf(msg, AB_MSG_LEN, "cpu: elementwise op %d: only add", (int)d->params.elementwise.op);
    return AB_E_UNSUPPORTED;
  }
  ab_status st = cpu_check_operands(d, ops, n_ops, 3, elements, types, msg);
  if (st == AB_OK)
    st = ab_onednn_md(&src, 1, &n, d->dtype, msg);
  if (st == AB_OK)
    st = ab_onednn_md(&dst, 1, &n, d->out_dtype, msg);
  if (st != AB_OK)
    return st;
  dnnl_binary_desc_t op;
  dnnl_status_t s = dnnl_binary_desc_init(&op, dnnl_binary_add, &src, &src, &dst);
  if (s != dnnl_success)
    return ab_cpu_onednn_fail(s, "dnnl_binary_desc_init", msg);
  ab_onednn_prim *p = NULL;
  st = ab_onednn_prim_new(dev, &op, "binary_add", info, &p, msg);
  if (st == AB_OK)
    st = ab_onednn_prim_bind(p, DNNL_ARG_SRC_0, &src, ops[0]->data, msg);
  if (st == AB_OK)
    st = ab_onednn_prim_bind(p, DNNL_ARG_SRC_1, &src, ops[1]->data, msg);
  if (st == AB_OK)
    st = ab_onednn_prim_bind(p, DNNL_ARG_DST, &dst, ops[2]->data, msg);
  return ab_onednn_prim_done(st, p, impl, info);
}

const ab_cpu_kind_impl ab_cpu_elementwise_onednn = {AB_KERNEL_ELEMENTWISE, AB_CPU_PROV_ONEDNN,
                                                    onednn_prepare, ab_onednn_prim_run,
                                                    ab_onednn_prim_release};
#endif
