/* accelbench CPU backend — one oneDNN primitive over caller-owned memory, for the onednn
 * providers of the kinds beyond GEMM (softmax, layer norm, eltwise, binary add): build the
 * primitive from an operation descriptor, wrap each operand under its DNNL_ARG_*, execute.
 * Its creation (where oneDNN picks and JIT-compiles a kernel) counts as setup time. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cpu_onednn_prim.h"

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

ab_status ab_onednn_dtype(ab_dtype t, dnnl_data_type_t *out, char *msg) {
  switch (t) {
  case AB_DTYPE_F32: *out = dnnl_f32; return AB_OK;
  case AB_DTYPE_F16: *out = dnnl_f16; return AB_OK;
  case AB_DTYPE_BF16: *out = dnnl_bf16; return AB_OK;
  default:
    snprintf(msg, AB_MSG_LEN, "oneDNN %d.%d has no %s data type for this primitive",
             dnnl_version()->major, dnnl_version()->minor, ab_dtype_str(t));
    return AB_E_UNSUPPORTED;
  }
}

ab_status ab_onednn_md(dnnl_memory_desc_t *md, int ndims, const int64_t *dims, ab_dtype t,
                       char *msg) {
  dnnl_data_type_t dt;
  ab_status st = ab_onednn_dtype(t, &dt, msg);
  if (st != AB_OK)
    return st;
  dnnl_dims_t d = {0};
  for (int i = 0; i < ndims; i++)
    d[i] = dims[i];
  dnnl_status_t s = dnnl_memory_desc_init_by_tag(md, ndims, d, dt, ndims == 1 ? dnnl_a : dnnl_ab);
  return s == dnnl_success ? AB_OK : ab_cpu_onednn_fail(s, "dnnl_memory_desc_init_by_tag", msg);
}

ab_status ab_onednn_prim_new(ab_cpu_device *dev, const_dnnl_op_desc_t op, const char *what,
                             ab_case_info *info, ab_onednn_prim **out, char *msg) {
  ab_status st = ab_cpu_onednn_check_fork(msg);
  if (st != AB_OK)
    return st;
  ab_onednn_prim *p = calloc(1, sizeof *p);
  if (!p) {
    snprintf(msg, AB_MSG_LEN, "onednn: out of host memory for the case state");
    return AB_E_NOMEM;
  }
  double t0 = now_seconds();
  dnnl_primitive_desc_t pd = NULL;
  dnnl_status_t s = dnnl_primitive_desc_create(&pd, op, NULL, dev->engine, NULL);
  if (s != dnnl_success) {
    char why[AB_MSG_LEN];
    st = ab_cpu_onednn_fail(s, "dnnl_primitive_desc_create", why);
    snprintf(msg, AB_MSG_LEN, "oneDNN %d.%d %s: %.400s", dnnl_version()->major,
             dnnl_version()->minor, what, why);
    free(p);
    return st;
  }
  const char *impl = NULL;
  s = dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
  snprintf(info->implementation, sizeof info->implementation, "onednn %s %s", what,
           s == dnnl_success && impl ? impl : "(impl_info_str unavailable)");
  s = dnnl_primitive_create(&p->prim, pd);
  dnnl_primitive_desc_destroy(pd);
  info->setup_seconds = now_seconds() - t0;
  if (s != dnnl_success) {
    free(p);
    return ab_cpu_onednn_fail(s, "dnnl_primitive_create", msg);
  }
  p->dev = dev;
  *out = p;
  return AB_OK;
}

ab_status ab_onednn_prim_bind(ab_onednn_prim *p, int arg, const dnnl_memory_desc_t *md, void *ptr,
                              char *msg) {
  if (p->n >= AB_ONEDNN_MAX_ARGS) {
    snprintf(msg, AB_MSG_LEN, "onednn: more than %d arguments", AB_ONEDNN_MAX_ARGS);
    return AB_E_INVALID;
  }
  dnnl_memory_t mem;
  dnnl_status_t s = dnnl_memory_create(&mem, md, p->dev->engine, ptr);
  if (s != dnnl_success)
    return ab_cpu_onednn_fail(s, "dnnl_memory_create", msg);
  p->args[p->n++] = (dnnl_exec_arg_t){arg, mem};
  return AB_OK;
}

ab_status ab_onednn_prim_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  ab_onednn_prim *p = impl;
  ab_status st = ab_cpu_onednn_check_fork(msg);
  if (st != AB_OK)
    return st;
  ab_cpu_onednn_set_threads(dev->threads);
  for (uint32_t i = 0; i < iterations; i++) {
    dnnl_status_t s = dnnl_primitive_execute(p->prim, dev->stream, p->n, p->args);
    if (s != dnnl_success)
      return ab_cpu_onednn_fail(s, "dnnl_primitive_execute", msg);
  }
  dnnl_status_t s = dnnl_stream_wait(dev->stream);
  return s == dnnl_success ? AB_OK : ab_cpu_onednn_fail(s, "dnnl_stream_wait", msg);
}

void ab_onednn_prim_release(void *impl) {
  ab_onednn_prim *p = impl;
  if (!p)
    return;
  if (p->prim)
    dnnl_primitive_destroy(p->prim);
  for (int i = 0; i < p->n; i++)
    dnnl_memory_destroy(p->args[i].memory);
  free(p);
}

ab_status ab_onednn_prim_done(ab_status st, ab_onednn_prim *p, void **impl, ab_case_info *info) {
  if (st != AB_OK) {
    ab_onednn_prim_release(p);
    return st;
  }
  info->accumulate_dtype = AB_DTYPE_F32; /* oneDNN computes these primitives in f32 */
  *impl = p;
  return AB_OK;
}
