/* The CPU backend's device ceilings for memory: STREAM copy / scale / add / triad
 * (AB_KERNEL_STREAM) and the membw byte copy (AB_KERNEL_MEMBW), in plain C with OpenMP.
 *
 * Both are device ceilings, which the harness runs once per device under the default
 * provider (openblas); no library is involved, so they are offered under openblas and
 * native alike and their implementation string says they are this backend's own loops.
 * The loops follow stream.c: a static schedule over dev->threads threads (each thread
 * touches the same slice on every call, as the pinned threads of the harness do) and one
 * parallel region per call; the arrays are the harness's device buffers, 64-byte aligned.
 * Arrays larger than the last-level cache are written with non-temporal stores where the
 * CPU has them (SSE2): a plain store first reads the line it writes (write-allocate), which
 * STREAM does not count, so streaming stores move a third less traffic for triad and beat
 * plain stores by a wide margin (docs/measurement.md, ab-stream-triad); arrays that fit in
 * the cache keep plain stores, which leave the output in the cache. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_backend.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define AB_CPU_HAVE_NT 1
#endif

typedef struct cpu_stream {
  ab_stream_op op;
  ab_dtype dtype;
  size_t n;              /* elements per array */
  int nontemporal;       /* stores bypass the cache (arrays beyond it) */
  void *in0, *in1, *out; /* STREAM's order (kernel.h); in1 unused by copy/scale */
} cpu_stream;

/* ---- the STREAM loops ------------------------------------------------------------------- */

/* One function per op and dtype, so each loop has its own restrict pointers and vectorises
 * like stream.c's. clang-format would fold the pragmas into the loops' lines. */
// clang-format off
#define PARALLEL_FOR _Pragma("omp parallel for simd schedule(static) num_threads(threads)")
#define STREAM_LOOPS(T, SUFFIX)                                                                    \
  static void copy_##SUFFIX(T *restrict c, const T *restrict a, size_t n, int threads) {           \
    PARALLEL_FOR                                                                                   \
    for (size_t i = 0; i < n; i++)                                                                 \
      c[i] = a[i];                                                                                 \
  }                                                                                                \
  static void scale_##SUFFIX(T *restrict b, const T *restrict c, size_t n, int threads) {          \
    const T s = (T)AB_STREAM_SCALAR;                                                               \
    PARALLEL_FOR                                                                                   \
    for (size_t i = 0; i < n; i++)                                                                 \
      b[i] = s * c[i];                                                                             \
  }                                                                                                \
  static void add_##SUFFIX(T *restrict c, const T *restrict a, const T *restrict b, size_t n,      \
                           int threads) {                                                          \
    PARALLEL_FOR                                                                                   \
    for (size_t i = 0; i < n; i++)                                                                 \
      c[i] = a[i] + b[i];                                                                          \
  }                                                                                                \
  static void triad_##SUFFIX(T *restrict a, const T *restrict b, const T *restrict c, size_t n,    \
                             int threads) {                                                        \
    const T s = (T)AB_STREAM_SCALAR;                                                               \
    PARALLEL_FOR                                                                                   \
    for (size_t i = 0; i < n; i++)                                                                 \
      a[i] = b[i] + s * c[i];                                                                      \
  }                                                                                                \
  static void stream_##SUFFIX(const cpu_stream *s, int threads) {                                  \
    switch (s->op) {                                                                               \
    case AB_STREAM_COPY: copy_##SUFFIX(s->out, s->in0, s->n, threads); break;                      \
    case AB_STREAM_SCALE: scale_##SUFFIX(s->out, s->in0, s->n, threads); break;                    \
    case AB_STREAM_ADD: add_##SUFFIX(s->out, s->in0, s->in1, s->n, threads); break;                \
    case AB_STREAM_TRIAD: triad_##SUFFIX(s->out, s->in0, s->in1, s->n, threads); break;            \
    }                                                                                              \
  }
// clang-format on

STREAM_LOOPS(double, f64)
STREAM_LOOPS(float, f32)

/* ---- the same loops with non-temporal stores ------------------------------------------ */

#ifdef AB_CPU_HAVE_NT
/* Element j the plain way: the slices' tails. */
static void one_f64(const cpu_stream *s, size_t j) {
  double *o = s->out;
  const double *x = s->in0, *y = s->in1;
  o[j] = s->op == AB_STREAM_COPY    ? x[j]
         : s->op == AB_STREAM_SCALE ? AB_STREAM_SCALAR * x[j]
         : s->op == AB_STREAM_ADD   ? x[j] + y[j]
                                    : x[j] + AB_STREAM_SCALAR * y[j];
}

static void one_f32(const cpu_stream *s, size_t j) {
  float *o = s->out;
  const float *x = s->in0, *y = s->in1;
  const float k = (float)AB_STREAM_SCALAR;
  o[j] = s->op == AB_STREAM_COPY    ? x[j]
         : s->op == AB_STREAM_SCALE ? k * x[j]
         : s->op == AB_STREAM_ADD   ? x[j] + y[j]
                                    : x[j] + k * y[j];
}

/* Elements [lo, hi), lo 16-byte aligned: two per streaming store. */
static void nt_slice_f64(const cpu_stream *s, size_t lo, size_t hi) {
  double *o = s->out;
  const double *x = s->in0, *y = s->in1;
  const __m128d k = _mm_set1_pd(AB_STREAM_SCALAR);
  const ab_stream_op op = s->op; /* a local, so the compiler sees it never changes */
  size_t j = lo;
  for (; j + 2 <= hi; j += 2) {
    __m128d v = _mm_load_pd(x + j);
    if (op == AB_STREAM_SCALE)
      v = _mm_mul_pd(k, v);
    else if (op == AB_STREAM_ADD)
      v = _mm_add_pd(v, _mm_load_pd(y + j));
    else if (op == AB_STREAM_TRIAD)
      v = _mm_add_pd(v, _mm_mul_pd(k, _mm_load_pd(y + j)));
    _mm_stream_pd(o + j, v);
  }
  for (; j < hi; j++)
    one_f64(s, j);
}

/* Elements [lo, hi), lo 16-byte aligned: four per streaming store. */
static void nt_slice_f32(const cpu_stream *s, size_t lo, size_t hi) {
  float *o = s->out;
  const float *x = s->in0, *y = s->in1;
  const __m128 k = _mm_set1_ps((float)AB_STREAM_SCALAR);
  const ab_stream_op op = s->op; /* a local, so the compiler sees it never changes */
  size_t j = lo;
  for (; j + 4 <= hi; j += 4) {
    __m128 v = _mm_load_ps(x + j);
    if (op == AB_STREAM_SCALE)
      v = _mm_mul_ps(k, v);
    else if (op == AB_STREAM_ADD)
      v = _mm_add_ps(v, _mm_load_ps(y + j));
    else if (op == AB_STREAM_TRIAD)
      v = _mm_add_ps(v, _mm_mul_ps(k, _mm_load_ps(y + j)));
    _mm_stream_ps(o + j, v);
  }
  for (; j < hi; j++)
    one_f32(s, j);
}

/* Each thread a slice of whole 64-byte lines; the fence orders the weakly-ordered stores before the
 * region ends. */
static void stream_nt(const cpu_stream *s, int threads) {
  size_t per_line = 64 / ab_dtype_size(s->dtype), lines = (s->n + per_line - 1) / per_line;
#pragma omp parallel num_threads(threads)
  {
    size_t t = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
    size_t lo = lines * t / nt * per_line, hi = lines * (t + 1) / nt * per_line;
    hi = hi < s->n ? hi : s->n;
    if (s->dtype == AB_DTYPE_F64)
      nt_slice_f64(s, lo, hi);
    else
      nt_slice_f32(s, lo, hi);
    _mm_sfence();
  }
}

/* Bytes of the last-level cache (hwloc; glibc's sysconf in a build without hwloc), 0 when
 * unknown. */
static uint64_t llc_bytes(const ab_cpu_device *dev) {
#ifdef AB_HAVE_HWLOC
  static const hwloc_obj_type_t levels[] = {HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L2CACHE};
  for (size_t i = 0; dev->aff.topo && i < sizeof levels / sizeof levels[0]; i++) {
    hwloc_obj_t c = hwloc_get_obj_by_type(dev->aff.topo, levels[i], 0);
    if (c && c->attr)
      return c->attr->cache.size;
  }
#elif defined(_SC_LEVEL3_CACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE)
  (void)dev;
  long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE), l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
  if (l3 > 0 || l2 > 0)
    return (uint64_t)(l3 > 0 ? l3 : l2);
#else
  (void)dev;
#endif
  return 0;
}
#endif

static ab_status stream_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  const ab_stream_params *p = &d->params.stream;
  size_t n_in = p->op == AB_STREAM_ADD || p->op == AB_STREAM_TRIAD ? 2 : 1;
  size_t elem = ab_dtype_size(d->dtype);
  if (d->dtype != AB_DTYPE_F32 && d->dtype != AB_DTYPE_F64) {
    snprintf(msg, AB_MSG_LEN, "cpu: stream: dtype %s: expected f32 or f64", ab_dtype_str(d->dtype));
    return AB_E_UNSUPPORTED;
  }
  if (p->op < AB_STREAM_COPY || p->op > AB_STREAM_TRIAD || p->elements < 1 || n_ops != n_in + 1) {
    snprintf(msg, AB_MSG_LEN,
             "cpu: stream: op=%d elements=%lld with %zu operands: not a STREAM case", (int)p->op,
             (long long)p->elements, n_ops);
    return AB_E_INVALID;
  }
  for (size_t i = 0; i < n_ops; i++)
    if (!ops[i] || ops[i]->bytes / elem < (size_t)p->elements) {
      snprintf(msg, AB_MSG_LEN, "cpu: stream: operand %zu holds fewer than %lld elements", i,
               (long long)p->elements);
      return AB_E_INVALID;
    }
  cpu_stream *s = malloc(sizeof *s);
  if (!s) {
    snprintf(msg, AB_MSG_LEN, "cpu: out of host memory for the case state");
    return AB_E_NOMEM;
  }
  *s = (cpu_stream){.op = (ab_stream_op)p->op,
                    .dtype = d->dtype,
                    .n = (size_t)p->elements,
                    .in0 = ops[0]->data,
                    .in1 = n_in == 2 ? ops[1]->data : NULL,
                    .out = ops[n_in]->data};
#ifdef AB_CPU_HAVE_NT
  uint64_t llc = llc_bytes(dev);
  s->nontemporal = llc > 0 && (uint64_t)p->elements * elem > llc;
#endif
  *impl = s;
  snprintf(info->implementation, sizeof info->implementation,
           "own OpenMP STREAM %s loop of the cpu backend (no library): %s, %d threads, %s stores",
           p->op == AB_STREAM_COPY    ? "copy"
           : p->op == AB_STREAM_SCALE ? "scale"
           : p->op == AB_STREAM_ADD   ? "add"
                                      : "triad",
           ab_dtype_str(d->dtype), dev->threads, s->nontemporal ? "non-temporal" : "plain");
  return AB_OK;
}

/* One call: streaming stores for arrays beyond the cache, else stream.c's loops. */
static void stream_call(const cpu_stream *s, int threads) {
#ifdef AB_CPU_HAVE_NT
  if (s->nontemporal) {
    stream_nt(s, threads);
    return;
  }
#endif
  if (s->dtype == AB_DTYPE_F64)
    stream_f64(s, threads);
  else
    stream_f32(s, threads);
}

static ab_status stream_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  (void)msg;
  const cpu_stream *s = impl;
  for (uint32_t it = 0; it < iterations; it++)
    stream_call(s, dev->threads);
  return AB_OK;
}

/* ---- membw: a byte copy, one memcpy per thread ----------------------------------------- */

typedef struct cpu_membw {
  const unsigned char *src;
  unsigned char *dst;
  size_t bytes;
} cpu_membw;

static ab_status membw_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                               size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  int64_t bytes = d->params.transfer.bytes;
  if (bytes < 1 || n_ops != 2 || !ops[0] || !ops[1] || ops[0]->bytes < (size_t)bytes ||
      ops[1]->bytes < (size_t)bytes) {
    snprintf(msg, AB_MSG_LEN,
             "cpu: membw: bytes=%lld with %zu operands: needs two buffers of at least that size",
             (long long)bytes, n_ops);
    return AB_E_INVALID;
  }
  cpu_membw *m = malloc(sizeof *m);
  if (!m) {
    snprintf(msg, AB_MSG_LEN, "cpu: out of host memory for the case state");
    return AB_E_NOMEM;
  }
  *m = (cpu_membw){ops[0]->data, ops[1]->data, (size_t)bytes};
  *impl = m;
  snprintf(info->implementation, sizeof info->implementation,
           "cpu backend's own copy: memcpy of one contiguous slice per thread, %d OpenMP "
           "threads (no library)",
           dev->threads);
  return AB_OK;
}

/* Slices are whole cache lines (64 bytes) except the last, so no two threads write one line. */
static ab_status membw_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  (void)msg;
  const cpu_membw *m = impl;
  int threads = dev->threads;
  size_t lines = (m->bytes + 63) / 64;
  for (uint32_t it = 0; it < iterations; it++) {
#pragma omp parallel num_threads(threads)
    {
      size_t t = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
      size_t begin = lines * t / nt * 64, end = lines * (t + 1) / nt * 64;
      end = end < m->bytes ? end : m->bytes;
      if (begin < end)
        memcpy(m->dst + begin, m->src + begin, end - begin);
    }
  }
  return AB_OK;
}

#ifdef AB_HAVE_OPENBLAS
const ab_cpu_kind_impl ab_cpu_stream_openblas = {AB_KERNEL_STREAM, AB_CPU_PROV_OPENBLAS,
                                                 stream_prepare, stream_run, free};
const ab_cpu_kind_impl ab_cpu_membw_openblas = {AB_KERNEL_MEMBW, AB_CPU_PROV_OPENBLAS,
                                                membw_prepare, membw_run, free};
#endif
const ab_cpu_kind_impl ab_cpu_stream_native = {AB_KERNEL_STREAM, AB_CPU_PROV_NATIVE, stream_prepare,
                                               stream_run, free};
const ab_cpu_kind_impl ab_cpu_membw_native = {AB_KERNEL_MEMBW, AB_CPU_PROV_NATIVE, membw_prepare,
                                              membw_run, free};
