/* accelbench cudalike backends — GEMM through the BLAS library's GemmEx on the shared
 * column-major mapping, and the copy microbenchmarks through the runtime's MemcpyAsync:
 * device memory bandwidth as a device-to-device copy, host<->device transfers from
 * pageable (malloc) or pinned (<prefix>MallocHost) memory. Every value passed comes from
 * the row, and the implementation text says how sure it is (the row's provenance). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cudalike_internal.h"

typedef struct gemm_types {
  cl_value in, compute;
  const char *compute_name;
  ab_dtype accumulate;
} gemm_types;

/* Same-type GEMMs with f32 (f64 for f64) partial sums; int8 and the 8-bit floats are not
 * offered (their values are not in any row). */
static int types_for(const cl_vendor *v, ab_dtype t, gemm_types *g) {
  switch (t) {
  case AB_DTYPE_F64:
    *g = (gemm_types){v->r_64f, v->compute_64f, "COMPUTE_64F", AB_DTYPE_F64};
    break;
  case AB_DTYPE_F32:
    *g = (gemm_types){v->r_32f, v->compute_32f, "COMPUTE_32F", AB_DTYPE_F32};
    break;
  case AB_DTYPE_F16:
    *g = (gemm_types){v->r_16f, v->compute_32f, "COMPUTE_32F", AB_DTYPE_F32};
    break;
  case AB_DTYPE_BF16:
    *g = (gemm_types){v->r_16bf, v->compute_32f, "COMPUTE_32F", AB_DTYPE_F32};
    break;
  default: return 0;
  }
  return g->in.from && g->compute.from;
}

ab_status cl_gemm_query(const cl_vendor *v, const ab_kernel_desc *d, char *msg) {
  if (!cl_has_gemm_values(v)) {
    snprintf(msg, AB_MSG_LEN, "%s", v->gemm_why);
    return AB_E_UNSUPPORTED;
  }
  gemm_types g;
  if (!types_for(v, d->dtype, &g) || d->out_dtype != d->dtype) {
    snprintf(msg, AB_MSG_LEN,
             "gemm %s -> %s: not offered on %s (dtypes with confirmed %sGemmEx values: "
             "f64, f32, f16, bf16, same type out)",
             ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype), v->backend, v->blas.prefix);
    return AB_E_UNSUPPORTED;
  }
  return AB_OK;
}

static ab_status ensure_blas(cl_dev *dev, char *msg) {
  if (dev->blas)
    return AB_OK;
  ab_status st = cl_load_blas(msg);
  if (st != AB_OK)
    return st;
  const cl_blas_api *b = &dev->libs->blas;
  cl_blas_status s = b->create(&dev->blas);
  if (s != 0) { /* every BLAS of this shape returns 0 for success: the rows' libraries */
    dev->blas = NULL;
    return cl_blas_fail(msg, "Create", s);
  }
  s = b->set_stream(dev->blas, dev->stream);
  return s == 0 ? AB_OK : cl_blas_fail(msg, "SetStream", s);
}

static ab_status gemm_call(cl_dev *dev, cl_case *c, char *msg) {
  const cl_vendor *v = dev->v;
  const ab_colmajor_gemm *g = &c->cm;
  cl_blas_status s = dev->libs->blas.gemm_ex(
      dev->blas, g->trans_first ? v->op_t.v : v->op_n.v, g->trans_second ? v->op_t.v : v->op_n.v,
      (int)g->m, (int)g->n, (int)g->k, c->alpha, c->first, c->in_type, (int)g->ld_first, c->second,
      c->in_type, (int)g->ld_second, c->beta, c->c, c->out_type, (int)g->ld_c, c->compute_type,
      v->gemm_default.v);
  return s == 0 ? AB_OK : cl_blas_fail(msg, "GemmEx", s);
}

static ab_status case_call(void *ctx, char *msg) {
  cl_case *c = ctx;
  return c->call(c->dev, c, msg);
}

/* The warm call writes a scratch C, so the harness's poisoned C stays untouched. */
static ab_status warm_call(cl_dev *dev, cl_case *c, size_t c_bytes, double t0, ab_case_info *info,
                           char *msg) {
  void *scratch = NULL;
  ab_status st = dev->mem.alloc(dev->mem.ctx, c_bytes, &scratch, msg);
  if (st != AB_OK)
    return st;
  void *real_c = c->c;
  c->c = scratch;
  st = ab_vwarm_call(&dev->timer, case_call, c, t0, info, msg);
  c->c = real_c;
  dev->mem.free(dev->mem.ctx, scratch);
  return st;
}

/* "INFERRED" or "VERIFIED": the first word of a provenance text. */
static const char *sureness(const char *from) {
  return strncmp(from, "VERIFIED", 8) == 0 ? "VERIFIED" : "INFERRED";
}

ab_status cl_gemm_prepare(cl_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops, size_t n_ops,
                          cl_case *c, ab_case_info *info, char *msg) {
  double t0 = ab_vnow();
  size_t bytes[3] = {0, 0, 0};
  for (size_t i = 0; i < n_ops && i < 3; i++)
    bytes[i] = ops[i] ? ops[i]->bytes : 0;
  ab_status st = ab_vcheck_gemm(d, bytes, n_ops, INT32_MAX, msg); /* GemmEx takes int */
  if (st != AB_OK)
    return st;
  gemm_types g;
  if (!types_for(dev->v, d->dtype, &g))
    return cl_gemm_query(dev->v, d, msg);
  ab_gemm_to_colmajor(&d->params.gemm, &c->cm);
  c->first = ops[1]->ptr; /* column-major: B's memory first, then A's */
  c->second = ops[0]->ptr;
  c->c = ops[2]->ptr;
  c->in_type = c->out_type = g.in.v;
  c->compute_type = g.compute.v;
  c->alpha_d = 1.0, c->beta_d = 0.0, c->alpha_f = 1.0f, c->beta_f = 0.0f;
  c->alpha = d->dtype == AB_DTYPE_F64 ? (const void *)&c->alpha_d : (const void *)&c->alpha_f;
  c->beta = d->dtype == AB_DTYPE_F64 ? (const void *)&c->beta_d : (const void *)&c->beta_f;
  c->call = gemm_call;
  st = ensure_blas(dev, msg);
  if (st == AB_OK)
    st = warm_call(dev, c, bytes[2], t0, info, msg);
  if (st != AB_OK)
    return st;
  char ops_s[3] = {c->cm.trans_first ? 't' : 'n', c->cm.trans_second ? 't' : 'n', 0};
  char elapsed[32];
  cl_symbol(elapsed, sizeof elapsed, "EventElapsedTime");
  snprintf(info->implementation, sizeof info->implementation,
           "%.8sGemmEx %s->%s %s (C^T=B^T*A^T %s; enums %s) timer %.24s", dev->v->blas.prefix,
           ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype), g.compute_name, ops_s,
           sureness(g.in.from), elapsed);
  if (AB_HAS_FIELD(info, ab_case_info, accumulate_dtype))
    info->accumulate_dtype = g.accumulate;
  return AB_OK;
}

/* ---- copies ---- */

static ab_status copy_call(cl_dev *dev, cl_case *c, char *msg) {
  cl_error e = dev->libs->rt.memcpy_async(c->dst, c->src, c->bytes, c->kind, dev->stream);
  return e == dev->v->success.v ? AB_OK : cl_rt_fail(msg, "MemcpyAsync", e);
}

static ab_status host_alloc(cl_dev *dev, cl_case *c, char *msg) {
  if (c->pinned) {
    cl_error e = dev->libs->rt.malloc_host(&c->host, c->bytes);
    if (e != dev->v->success.v) {
      c->host = NULL;
      return cl_rt_fail(msg, "MallocHost", e);
    }
    return AB_OK;
  }
  c->host = malloc(c->bytes);
  if (!c->host) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for a %zu-byte transfer buffer", c->bytes);
    return AB_E_NOMEM;
  }
  return AB_OK;
}

static ab_status check_sizes(const ab_kernel_desc *d, ab_buffer *const *ops, size_t n_ops,
                             size_t need_ops, char *msg) {
  int64_t bytes = d->params.transfer.bytes;
  if (bytes <= 0) {
    snprintf(msg, AB_MSG_LEN, "desc.params.transfer.bytes: must be positive, got %lld",
             (long long)bytes);
    return AB_E_INVALID;
  }
  for (size_t i = 0; i < need_ops; i++)
    if (i >= n_ops || !ops[i] || ops[i]->bytes < (size_t)bytes) {
      snprintf(msg, AB_MSG_LEN, "operand %zu (%s): needs %lld bytes", i,
               ab_kernel_kind_str(d->kind), (long long)bytes);
      return AB_E_INVALID;
    }
  return AB_OK;
}

/* Source, destination and kind of one copy case; the host side allocated here. */
static ab_status plan_copy(cl_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops, cl_case *c,
                           cl_value *kind, char *msg) {
  if (d->kind == AB_KERNEL_MEMBW) {
    c->src = ops[0]->ptr, c->dst = ops[1]->ptr, *kind = dev->v->memcpy_d2d;
    return AB_OK;
  }
  c->pinned = d->params.transfer.pinned != 0;
  ab_status st = host_alloc(dev, c, msg);
  if (st != AB_OK)
    return st;
  if (d->kind == AB_KERNEL_COPY_H2D) {
    unsigned char *h = c->host;
    for (size_t i = 0; i < c->bytes; i++) /* the pattern kernel.h asks for */
      h[i] = (unsigned char)((i * 131 + 7) & 0xff);
    c->src = c->host, c->dst = ops[0]->ptr, *kind = dev->v->memcpy_h2d;
  } else {
    c->src = ops[0]->ptr, c->dst = c->host, *kind = dev->v->memcpy_d2h;
  }
  return AB_OK;
}

ab_status cl_micro_prepare(cl_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                           size_t n_ops, cl_case *c, ab_case_info *info, char *msg) {
  ab_status st = check_sizes(d, ops, n_ops, d->kind == AB_KERNEL_MEMBW ? 2 : 1, msg);
  if (st != AB_OK)
    return st;
  c->bytes = (size_t)d->params.transfer.bytes;
  c->call = copy_call;
  cl_value kind = {0, NULL};
  st = plan_copy(dev, d, ops, c, &kind, msg);
  if (st != AB_OK)
    return st;
  c->kind = kind.v;
  char call[32], elapsed[32], what[48];
  cl_symbol(call, sizeof call, "MemcpyAsync");
  cl_symbol(elapsed, sizeof elapsed, "EventElapsedTime");
  if (d->kind == AB_KERNEL_MEMBW)
    snprintf(what, sizeof what, "device-to-device");
  else if (c->pinned)
    cl_symbol(what, sizeof what, "MallocHost"); /* pinned host memory from the runtime */
  else
    snprintf(what, sizeof what, "malloc");
  snprintf(info->implementation, sizeof info->implementation,
           "%.24s %s%.20s%s, kind %d %s, timer %.24s", call,
           d->kind == AB_KERNEL_MEMBW      ? ""
           : d->kind == AB_KERNEL_COPY_H2D ? "h2d from "
                                           : "d2h into ",
           what,
           d->kind == AB_KERNEL_MEMBW ? ""
           : c->pinned                ? " pinned"
                                      : " pageable",
           kind.v, sureness(kind.from), elapsed);
  return AB_OK;
}

void cl_micro_release(cl_dev *dev, cl_case *c) {
  if (!c->host)
    return;
  if (c->pinned)
    dev->libs->rt.free_host(c->host);
  else
    free(c->host);
  c->host = NULL;
}
