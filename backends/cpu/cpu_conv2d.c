/* accelbench CPU backend — conv2d (include/accelbench/kernel.h, ab_conv2d_params) on two
 * providers:
 *  - native: direct convolution in plain C with OpenMP, f64/f32 (accumulating in their own
 *    type), f16/bf16 (converted to f32 inside every call, f32 accumulation) and int8 with
 *    int32 accumulation;
 *  - onednn: the oneDNN convolution primitive (algorithm auto), in whatever dtypes oneDNN
 *    implements on this CPU; the rest are unsupported with oneDNN's own status.
 * Both read the input and write the output in the case's layout (NCHW or NHWC). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

#include "cpu_backend.h"

/* The descriptor's shape with its output size and per-group channel counts. */
typedef struct conv_shape {
  int64_t n, c, h, w, k, r, s, p, q, sh, sw, ph, pw, dh, dw, groups, cg, kg;
  int nhwc;
} conv_shape;

static conv_shape shape_of(const ab_kernel_desc *d) {
  const ab_conv2d_params *cp = &d->params.conv2d;
  conv_shape g = {.n = cp->n,
                  .c = cp->c,
                  .h = cp->h,
                  .w = cp->w,
                  .k = cp->k,
                  .r = cp->r,
                  .s = cp->s,
                  .sh = cp->stride_h,
                  .sw = cp->stride_w,
                  .ph = cp->pad_h,
                  .pw = cp->pad_w,
                  .dh = cp->dil_h,
                  .dw = cp->dil_w,
                  .groups = cp->groups};
  g.p = ab_conv2d_out_h(cp);
  g.q = ab_conv2d_out_w(cp);
  g.cg = g.groups > 0 ? g.c / g.groups : 0;
  g.kg = g.groups > 0 ? g.k / g.groups : 0;
  g.nhwc = d->layout == AB_LAYOUT_NHWC;
  return g;
}

static size_t in_elems(const conv_shape *g) {
  return (size_t)(g->n * g->c * g->h * g->w);
}

static size_t filter_elems(const conv_shape *g) {
  return (size_t)(g->k * g->cg * g->r * g->s);
}

static size_t out_elems(const conv_shape *g) {
  return (size_t)(g->n * g->k * g->p * g->q);
}

/* The harness checked the descriptor (ab_kernel_check); a backend checks what it relies
 * on anyway, since any program may call it: sizes, groups, and the operand buffers. */
static ab_status check_case(const ab_kernel_desc *d, ab_buffer *const *ops, size_t n_ops,
                            const conv_shape *g, char *msg) {
  const ab_conv2d_params *cp = &d->params.conv2d;
  if (cp->n < 1 || cp->c < 1 || cp->h < 1 || cp->w < 1 || cp->k < 1 || cp->r < 1 || cp->s < 1 ||
      cp->stride_h < 1 || cp->stride_w < 1 || cp->dil_h < 1 || cp->dil_w < 1 || cp->pad_h < 0 ||
      cp->pad_w < 0 || cp->groups < 1 || cp->c % cp->groups || cp->k % cp->groups || g->p < 1 ||
      g->q < 1) {
    snprintf(msg, AB_MSG_LEN,
             "cpu: desc.params.conv2d: not a valid convolution (sizes >= 1, pad >= 0, c and k "
             "multiples of groups, output at least 1x1)");
    return AB_E_INVALID;
  }
  size_t need[3] = {in_elems(g) * ab_dtype_size(d->dtype),
                    filter_elems(g) * ab_dtype_size(d->dtype),
                    out_elems(g) * ab_dtype_size(d->out_dtype)};
  static const char *const names[3] = {"input", "filter", "output"};
  if (n_ops != 3 || !ops) {
    snprintf(msg, AB_MSG_LEN, "cpu: conv2d takes 3 operands (input, filter, output), got %zu",
             n_ops);
    return AB_E_INVALID;
  }
  for (int i = 0; i < 3; i++)
    if (!ops[i] || ops[i]->bytes < need[i]) {
      snprintf(msg, AB_MSG_LEN, "cpu: conv2d %s: buffer has %zu bytes, the shape needs %zu",
               names[i], ops[i] ? ops[i]->bytes : 0, need[i]);
      return AB_E_INVALID;
    }
  return AB_OK;
}

/* ---- native ----------------------------------------------------------------------------- */

/* Which loops a native case runs: the element type of its kernel (TA below) and whether
 * inputs and output go through f32 copies first. */
typedef enum { NATIVE_F32, NATIVE_F64, NATIVE_I8 } native_type;

typedef struct native_case {
  conv_shape g;
  native_type type;
  ab_dtype in_dtype, out_dtype;
  const void *in, *filter;
  void *out;
  float *in32, *filter32, *out32; /* f16/bf16: f32 copies made inside every call */
  int threads;                    /* dev->threads, or 1 for a small case (NATIVE_PARALLEL_MACS) */
} native_case;

/* Below this many multiply-adds a call runs on one thread: forking and joining OpenMP
 * threads costs more than it saves there, and on a loaded host a join waits for a thread
 * the OS has descheduled (measured on the 2-core dev VM under load: tens of ms per call
 * for a 300k multiply-add case on 2 threads, 0.05 ms on one). */
#define NATIVE_PARALLEL_MACS (INT64_C(1) << 20)

/* Output columns x in [*lo, *hi) whose input column x*stride - pad + tap lies in [0, w). */
static void valid_range(int64_t q, int64_t w, int64_t stride, int64_t offset, int64_t *lo,
                        int64_t *hi) {
  int64_t a = offset < 0 ? (-offset + stride - 1) / stride : 0;
  int64_t b = w - 1 - offset < 0 ? 0 : (w - 1 - offset) / stride + 1;
  *lo = a;
  *hi = b < q ? b : q;
}

/* The loops, once per (input type, accumulator type): cpu_conv2d_loops.h. */
#define CONV_NAME f32
#define CONV_TI   float
#define CONV_TA   float
#include "cpu_conv2d_loops.h"
#define CONV_NAME f64
#define CONV_TI   double
#define CONV_TA   double
#include "cpu_conv2d_loops.h"
#define CONV_NAME i8
#define CONV_TI   int8_t
#define CONV_TA   int32_t
#include "cpu_conv2d_loops.h"

/* f16/bf16 <-> the f32 copies, in parallel (part of every call's work). */
static void widen(const void *src, ab_dtype t, float *dst, size_t n, int threads) {
  const uint16_t *h = src;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (size_t i = 0; i < n; i++)
    dst[i] = t == AB_DTYPE_F16 ? ab_f16_to_f32(h[i]) : ab_bf16_to_f32(h[i]);
}

static void narrow(const float *src, ab_dtype t, void *dst, size_t n, int threads) {
  uint16_t *h = dst;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (size_t i = 0; i < n; i++)
    h[i] = t == AB_DTYPE_F16 ? ab_f32_to_f16(src[i]) : ab_f32_to_bf16(src[i]);
}

static void native_call(native_case *nc) {
  const conv_shape *g = &nc->g;
  int th = nc->threads;
  if (nc->type == NATIVE_F64) {
    (g->nhwc ? conv_nhwc_f64 : conv_nchw_f64)(g, nc->in, nc->filter, nc->out, th);
  } else if (nc->type == NATIVE_I8) {
    (g->nhwc ? conv_nhwc_i8 : conv_nchw_i8)(g, nc->in, nc->filter, nc->out, th);
  } else if (!nc->in32) {
    (g->nhwc ? conv_nhwc_f32 : conv_nchw_f32)(g, nc->in, nc->filter, nc->out, th);
  } else {
    float *out = nc->out32 ? nc->out32 : nc->out; /* f32 outputs need no copy */
    widen(nc->in, nc->in_dtype, nc->in32, in_elems(g), th);
    widen(nc->filter, nc->in_dtype, nc->filter32, filter_elems(g), th);
    (g->nhwc ? conv_nhwc_f32 : conv_nchw_f32)(g, nc->in32, nc->filter32, out, th);
    if (nc->out32)
      narrow(nc->out32, nc->out_dtype, nc->out, out_elems(g), th);
  }
}

/* The dtype pairs the native loops cover: f64, f32, f16 and bf16 to themselves (half types
 * may also write f32), int8 to int32. */
static ab_status native_types(const ab_kernel_desc *d, native_type *type, ab_dtype *acc,
                              char *msg) {
  ab_dtype in = d->dtype, out = d->out_dtype;
  int half = in == AB_DTYPE_F16 || in == AB_DTYPE_BF16;
  if ((in == AB_DTYPE_F64 || in == AB_DTYPE_F32) && out == in)
    *type = in == AB_DTYPE_F64 ? NATIVE_F64 : NATIVE_F32;
  else if (half && (out == in || out == AB_DTYPE_F32))
    *type = NATIVE_F32;
  else if (in == AB_DTYPE_I8 && out == AB_DTYPE_I32)
    *type = NATIVE_I8;
  else {
    snprintf(msg, AB_MSG_LEN,
             "cpu native conv2d: %s -> %s is not offered (f64, f32, f16, bf16 to themselves, "
             "f16/bf16 to f32, int8 to int32)",
             ab_dtype_str(in), ab_dtype_str(out));
    return AB_E_UNSUPPORTED;
  }
  *acc = *type == NATIVE_F64 ? AB_DTYPE_F64 : *type == NATIVE_I8 ? AB_DTYPE_I32 : AB_DTYPE_F32;
  return AB_OK;
}

static void native_release(void *impl) {
  native_case *nc = impl;
  if (!nc)
    return;
  free(nc->in32);
  free(nc->filter32);
  free(nc->out32);
  free(nc);
}

static ab_status native_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  conv_shape g = shape_of(d);
  native_type type;
  ab_dtype acc;
  ab_status st = check_case(d, ops, n_ops, &g, msg);
  if (st == AB_OK)
    st = native_types(d, &type, &acc, msg);
  if (st != AB_OK)
    return st;
  native_case *nc = calloc(1, sizeof *nc);
  if (!nc) {
    snprintf(msg, AB_MSG_LEN, "cpu: out of host memory for the case state");
    return AB_E_NOMEM;
  }
  *nc = (native_case){.g = g,
                      .type = type,
                      .in_dtype = d->dtype,
                      .out_dtype = d->out_dtype,
                      .in = ops[0]->data,
                      .filter = ops[1]->data,
                      .out = ops[2]->data,
                      .threads = dev->threads > 0 ? dev->threads : 1};
  if ((double)out_elems(&g) * (double)(g.cg * g.r * g.s) < (double)NATIVE_PARALLEL_MACS)
    nc->threads = 1;
  if (d->dtype == AB_DTYPE_F16 || d->dtype == AB_DTYPE_BF16) {
    nc->in32 = malloc(in_elems(&g) * sizeof(float));
    nc->filter32 = malloc(filter_elems(&g) * sizeof(float));
    nc->out32 = d->out_dtype == AB_DTYPE_F32 ? NULL : malloc(out_elems(&g) * sizeof(float));
    if (!nc->in32 || !nc->filter32 || (d->out_dtype != AB_DTYPE_F32 && !nc->out32)) {
      native_release(nc);
      snprintf(msg, AB_MSG_LEN, "cpu: out of host memory for the f32 copies of a %s conv2d",
               ab_dtype_str(d->dtype));
      return AB_E_NOMEM;
    }
  }
  if (AB_HAS_FIELD(info, ab_case_info, accumulate_dtype))
    info->accumulate_dtype = acc;
  snprintf(info->implementation, sizeof info->implementation,
           "native direct conv2d %s, %s accumulation%s, %d OpenMP thread%s",
           g.nhwc ? "nhwc (dot over channels)" : "nchw (row per filter tap)", ab_dtype_str(acc),
           nc->in32 ? " of f32 copies made per call" : "", nc->threads,
           nc->threads == 1 ? "" : "s");
  *impl = nc;
  return AB_OK;
}

static ab_status native_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  (void)dev;
  (void)msg;
  for (uint32_t i = 0; i < iterations; i++)
    native_call(impl);
  return AB_OK;
}

const ab_cpu_kind_impl ab_cpu_conv2d_native = {
    .kind = AB_KERNEL_CONV2D,
    .provider = AB_CPU_PROV_NATIVE,
    .prepare = native_prepare,
    .run = native_run,
    .release = native_release,
};

/* ---- onednn ----------------------------------------------------------------------------- */

#ifdef AB_HAVE_ONEDNN

/* The primitive and its memory objects. The filter is reordered once, at prepare, into the
 * layout the primitive chose (weights are constants in inference, and frameworks pack them
 * once); input and output stay in the case's layout, so every timed call reads and writes
 * them as they are. */
typedef struct onednn_conv {
  dnnl_primitive_t prim;
  dnnl_memory_t src, user_weights, weights, dst;
} onednn_conv;

static void onednn_release(void *impl) {
  onednn_conv *oc = impl;
  if (!oc)
    return;
  if (oc->prim)
    dnnl_primitive_destroy(oc->prim);
  dnnl_memory_t mems[4] = {oc->src, oc->user_weights, oc->weights, oc->dst};
  for (int i = 0; i < 4; i++)
    if (mems[i])
      dnnl_memory_destroy(mems[i]);
  free(oc);
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Memory descriptors in the case's layout: src, the filter as stored, dst. A grouped
 * filter has oneDNN's 5-D shape (groups, k/groups, c/groups, r, s); KCRS and KRSC are its
 * goihw and gohwi orders (ohwi/oihw without groups). */
static dnnl_status_t user_mds(const conv_shape *g, dnnl_data_type_t in, dnnl_data_type_t out,
                              dnnl_memory_desc_t md[3]) {
  dnnl_dims_t src = {g->n, g->c, g->h, g->w}, dst = {g->n, g->k, g->p, g->q};
  dnnl_dims_t wt = {g->k, g->cg, g->r, g->s}, gwt = {g->groups, g->kg, g->cg, g->r, g->s};
  dnnl_format_tag_t act = g->nhwc ? dnnl_nhwc : dnnl_nchw;
  dnnl_status_t s = dnnl_memory_desc_init_by_tag(&md[0], 4, src, in, act);
  if (s == dnnl_success && g->groups > 1)
    s = dnnl_memory_desc_init_by_tag(&md[1], 5, gwt, in, g->nhwc ? dnnl_gohwi : dnnl_goihw);
  else if (s == dnnl_success)
    s = dnnl_memory_desc_init_by_tag(&md[1], 4, wt, in, g->nhwc ? dnnl_ohwi : dnnl_oihw);
  if (s == dnnl_success)
    s = dnnl_memory_desc_init_by_tag(&md[2], 4, dst, out, act);
  return s;
}

/* The primitive descriptor, with the filter's layout left to oneDNN. */
static ab_status conv_pd(ab_cpu_device *dev, const ab_kernel_desc *d, const conv_shape *g,
                         const dnnl_memory_desc_t md[3], dnnl_primitive_desc_t *pd, char *msg) {
  dnnl_memory_desc_t any;
  dnnl_dims_t strides = {g->sh, g->sw}, dil = {g->dh - 1, g->dw - 1}, pad = {g->ph, g->pw};
  dnnl_status_t s = dnnl_memory_desc_init_by_tag(&any, md[1].ndims, md[1].dims, md[1].data_type,
                                                 dnnl_format_tag_any);
  dnnl_convolution_desc_t cd;
  if (s == dnnl_success) /* oneDNN counts dilation from 0: 0 is an ordinary convolution */
    s = dnnl_dilated_convolution_forward_desc_init(&cd, dnnl_forward_inference,
                                                   dnnl_convolution_auto, &md[0], &any, NULL,
                                                   &md[2], strides, dil, pad, pad);
  if (s != dnnl_success)
    return ab_cpu_onednn_fail(s, "dnnl_dilated_convolution_forward_desc_init", msg);
  s = dnnl_primitive_desc_create(pd, &cd, NULL, dev->engine, NULL);
  if (s != dnnl_success) {
    char isa[32], ver[64], why[AB_MSG_LEN];
    ab_status st = ab_cpu_onednn_fail(s, "dnnl_primitive_desc_create", why);
    ab_cpu_onednn_describe(ver, sizeof ver, isa, sizeof isa);
    snprintf(msg, AB_MSG_LEN, "oneDNN %s convolution %s -> %s (%s) on cpu isa %s: %.300s", ver,
             ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype), g->nhwc ? "nhwc" : "nchw", isa,
             why);
    *pd = NULL;
    return st;
  }
  return AB_OK;
}

/* Wrap the harness's buffers, and the filter in the primitive's layout (a oneDNN-owned
 * buffer filled by one reorder, or the user's own when the layouts agree). */
static ab_status wrap_and_pack(ab_cpu_device *dev, dnnl_primitive_desc_t pd,
                               const dnnl_memory_desc_t md[3], ab_buffer *const *ops,
                               onednn_conv *oc, char *msg) {
  dnnl_memory_t *mem[3] = {&oc->src, &oc->user_weights, &oc->dst};
  for (int i = 0; i < 3; i++) {
    dnnl_status_t s = dnnl_memory_create(mem[i], &md[i], dev->engine, ops[i]->data);
    if (s != dnnl_success) {
      *mem[i] = NULL;
      return ab_cpu_onednn_fail(s, "dnnl_memory_create", msg);
    }
  }
  const dnnl_memory_desc_t *want = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
  if (dnnl_memory_desc_equal(want, &md[1]))
    return AB_OK; /* oc->weights stays NULL: the user's filter is used as it is */
  dnnl_status_t s = dnnl_memory_create(&oc->weights, want, dev->engine, DNNL_MEMORY_ALLOCATE);
  if (s != dnnl_success) {
    oc->weights = NULL;
    return ab_cpu_onednn_fail(s, "dnnl_memory_create(packed filter)", msg);
  }
  dnnl_primitive_desc_t rpd = NULL;
  dnnl_primitive_t reorder = NULL;
  s = dnnl_reorder_primitive_desc_create(&rpd, &md[1], dev->engine, want, dev->engine, NULL);
  if (s == dnnl_success)
    s = dnnl_primitive_create(&reorder, rpd);
  dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, oc->user_weights}, {DNNL_ARG_TO, oc->weights}};
  if (s == dnnl_success)
    s = dnnl_primitive_execute(reorder, dev->stream, 2, args);
  if (s == dnnl_success)
    s = dnnl_stream_wait(dev->stream);
  if (reorder)
    dnnl_primitive_destroy(reorder);
  if (rpd)
    dnnl_primitive_desc_destroy(rpd);
  return s == dnnl_success ? AB_OK : ab_cpu_onednn_fail(s, "filter reorder", msg);
}

/* oneDNN 2.6 has no f64 data type; the others are oneDNN's to accept or refuse. */
static ab_status onednn_types(const ab_kernel_desc *d, dnnl_data_type_t *in, dnnl_data_type_t *out,
                              char *msg) {
  if (d->dtype == AB_DTYPE_F64 || d->out_dtype == AB_DTYPE_F64) {
    const dnnl_version_t *v = dnnl_version();
    snprintf(msg, AB_MSG_LEN, "oneDNN %d.%d.%d has no f64 data type, so no f64 convolution",
             v->major, v->minor, v->patch);
    return AB_E_UNSUPPORTED;
  }
  *in = ab_cpu_onednn_dtype(d->dtype, msg);
  *out = *in == dnnl_data_type_undef ? *in : ab_cpu_onednn_dtype(d->out_dtype, msg);
  return *out == dnnl_data_type_undef ? AB_E_UNSUPPORTED : AB_OK;
}

static ab_status onednn_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  conv_shape g = shape_of(d);
  dnnl_data_type_t in, out;
  dnnl_memory_desc_t md[3];
  ab_status st = check_case(d, ops, n_ops, &g, msg);
  if (st == AB_OK)
    st = ab_cpu_onednn_check_fork(msg);
  if (st == AB_OK)
    st = onednn_types(d, &in, &out, msg);
  if (st == AB_OK && user_mds(&g, in, out, md) != dnnl_success) {
    snprintf(msg, AB_MSG_LEN, "onednn: dnnl_memory_desc_init_by_tag refused the conv2d shape");
    st = AB_E_INVALID;
  }
  if (st != AB_OK)
    return st;
  onednn_conv *oc = calloc(1, sizeof *oc);
  if (!oc) {
    snprintf(msg, AB_MSG_LEN, "onednn: out of host memory for the case state");
    return AB_E_NOMEM;
  }
  /* Choosing, JIT-compiling and packing the filter: setup time, not the kernel's. */
  double t0 = now_seconds();
  dnnl_primitive_desc_t pd = NULL;
  ab_cpu_onednn_set_threads(dev->threads);
  st = conv_pd(dev, d, &g, md, &pd, msg);
  if (st == AB_OK)
    st = wrap_and_pack(dev, pd, md, ops, oc, msg);
  if (st == AB_OK) {
    const char *name = NULL;
    dnnl_status_t s = dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name);
    snprintf(info->implementation, sizeof info->implementation, "onednn conv %s%s",
             s == dnnl_success && name ? name : "(impl_info_str unavailable)",
             oc->weights ? ", filter packed once" : "");
    s = dnnl_primitive_create(&oc->prim, pd);
    if (s != dnnl_success) {
      oc->prim = NULL;
      st = ab_cpu_onednn_fail(s, "dnnl_primitive_create(convolution)", msg);
    }
  }
  if (pd)
    dnnl_primitive_desc_destroy(pd);
  info->setup_seconds = now_seconds() - t0;
  if (st != AB_OK) {
    onednn_release(oc);
    return st;
  }
  *impl = oc;
  return AB_OK;
}

static ab_status onednn_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  onednn_conv *oc = impl;
  dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, oc->src},
                             {DNNL_ARG_WEIGHTS, oc->weights ? oc->weights : oc->user_weights},
                             {DNNL_ARG_DST, oc->dst}};
  return ab_cpu_onednn_execute(dev, oc->prim, 3, args, iterations,
                               "dnnl_primitive_execute(convolution)", msg);
}

const ab_cpu_kind_impl ab_cpu_conv2d_onednn = {
    .kind = AB_KERNEL_CONV2D,
    .provider = AB_CPU_PROV_ONEDNN,
    .prepare = onednn_prepare,
    .run = onednn_run,
    .release = onednn_release,
};

#endif
