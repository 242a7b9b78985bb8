/* Attention on the CPU (include/accelbench/kernel.h, ab_attention_params): the `native`
 * provider, plain C with OpenMP over (batch, query head, query row). Each row is a
 * two-pass softmax: scores of the attended keys into a per-thread buffer, their maximum,
 * exponentials and sum, then the weighted sum of the values, all in f32. Narrow K and V
 * (f16, bf16) are widened to f32 once per call, in parallel, so the inner loops read f32;
 * that pass is part of the timed call. oneDNN 2.6 has no fused attention primitive, so the
 * onednn provider answers unsupported with that reason (cpu_kinds.c). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_backend.h"

enum { Q = 0, K = 1, V = 2, O = 3, N_OPS = 4 };

/* Multiply-adds (rows x keys x head_dim, an upper bound) below which a call runs on one
 * thread. */
#define ATT_SERIAL_WORK 262144.0

typedef struct cpu_attention {
  ab_attention_params p;
  int bhsd;
  ab_dtype t[N_OPS];
  const void *q;
  float *k, *v;  /* f32 keys and values: the operands themselves, or `wide` */
  size_t kv_row; /* elements between K/V rows of consecutive positions */
  const void *k_src, *v_src;
  float *wide; /* K then V widened to f32 (BHSD order), or NULL for f32 K and V */
  void *o;
  float *scratch; /* per thread: kv_len scores, head_dim query, head_dim accumulator */
  size_t scratch_per_thread;
  int threads;
  float scale;
} cpu_attention;

static float load_f(const void *p, ab_dtype t, size_t i) {
  switch (t) {
  case AB_DTYPE_F32: return ((const float *)p)[i];
  case AB_DTYPE_F16: return ab_f16_to_f32(((const uint16_t *)p)[i]);
  case AB_DTYPE_BF16: return ab_bf16_to_f32(((const uint16_t *)p)[i]);
  default: return 0.0f;
  }
}

static void store_f(void *p, ab_dtype t, size_t i, float x) {
  switch (t) {
  case AB_DTYPE_F32: ((float *)p)[i] = x; break;
  case AB_DTYPE_F16: ((uint16_t *)p)[i] = ab_f32_to_f16(x); break;
  case AB_DTYPE_BF16: ((uint16_t *)p)[i] = ab_f32_to_bf16(x); break;
  default: break;
  }
}

/* Element offset of row (b, head, pos) of a tensor with `heads` heads and `len` positions. */
static size_t row_at(const cpu_attention *a, int64_t b, int64_t head, int64_t pos, int64_t heads,
                     int64_t len) {
  int64_t row = a->bhsd ? (b * heads + head) * len + pos : (b * len + pos) * heads + head;
  return (size_t)(row * a->p.head_dim);
}

/* K and V as f32 in BHSD order, one (batch, KV head, position) row per iteration. */
static void widen_kv(cpu_attention *a, int parallel) {
  const ab_attention_params *p = &a->p;
  int64_t rows = p->batch * p->kv_heads * p->kv_len, d = p->head_dim;
  float *kw = a->wide, *vw = a->wide + (size_t)(rows * d);
#pragma omp parallel for num_threads(a->threads) schedule(static) if (parallel)
  for (int64_t r = 0; r < rows; r++) {
    int64_t j = r % p->kv_len, g = (r / p->kv_len) % p->kv_heads, b = r / p->kv_len / p->kv_heads;
    size_t src = row_at(a, b, g, j, p->kv_heads, p->kv_len);
    for (int64_t c = 0; c < d; c++) {
      kw[r * d + c] = load_f(a->k_src, a->t[K], src + (size_t)c);
      vw[r * d + c] = load_f(a->v_src, a->t[V], src + (size_t)c);
    }
  }
}

static float dot(const float *x, const float *y, int64_t n) {
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (int64_t c = 0; c < n; c++)
    s += x[c] * y[c];
  return s;
}

/* One output row: query i of head h in batch entry b. */
static void attend_row(const cpu_attention *a, int64_t b, int64_t h, int64_t i, float *buf) {
  const ab_attention_params *p = &a->p;
  int64_t d = p->head_dim, g = h / (p->q_heads / p->kv_heads);
  int64_t n = p->causal ? p->kv_len - p->q_len + i + 1 : p->kv_len;
  float *s = buf, *qf = buf + p->kv_len, *acc = qf + d;
  size_t qo = row_at(a, b, h, i, p->q_heads, p->q_len);
  for (int64_t c = 0; c < d; c++) {
    qf[c] = load_f(a->q, a->t[Q], qo + (size_t)c) * a->scale;
    acc[c] = 0.0f;
  }
  size_t base = a->wide ? (size_t)((b * p->kv_heads + g) * p->kv_len * d)
                        : row_at(a, b, g, 0, p->kv_heads, p->kv_len);
  size_t stride = a->wide ? (size_t)d : a->kv_row;
  float m = -INFINITY;
  for (int64_t j = 0; j < n; j++) {
    s[j] = dot(qf, a->k + base + (size_t)j * stride, d);
    m = s[j] > m ? s[j] : m;
  }
  float l = 0.0f;
  for (int64_t j = 0; j < n; j++) {
    float e = expf(s[j] - m);
    const float *vj = a->v + base + (size_t)j * stride;
    l += e;
#pragma omp simd
    for (int64_t c = 0; c < d; c++)
      acc[c] += e * vj[c];
  }
  for (int64_t c = 0; c < d; c++)
    store_f(a->o, a->t[O], qo + (size_t)c, acc[c] / l);
}

static ab_status attention_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  (void)dev;
  (void)msg;
  cpu_attention *a = impl;
  const ab_attention_params *p = &a->p;
  int64_t rows = p->batch * p->q_heads * p->q_len;
  /* Below this much work per call, waking the thread team costs more than it saves. */
  int parallel = (double)rows * (double)(p->kv_len + 1) * (double)p->head_dim > ATT_SERIAL_WORK;
  for (uint32_t it = 0; it < iterations; it++) {
    if (a->wide)
      widen_kv(a, parallel);
      /* Causal rows differ in length: dynamic chunks keep the threads evenly loaded. */
#pragma omp parallel for num_threads(a->threads) schedule(dynamic, 16) if (parallel)
    for (int64_t r = 0; r < rows; r++) {
      int64_t i = r % p->q_len, h = (r / p->q_len) % p->q_heads, b = r / p->q_len / p->q_heads;
      float *buf = a->scratch + (size_t)omp_get_thread_num() * a->scratch_per_thread;
      attend_row(a, b, h, i, buf);
    }
  }
  return AB_OK;
}

static void attention_release(void *impl) {
  cpu_attention *a = impl;
  if (!a)
    return;
  free(a->wide);
  free(a->scratch);
  free(a);
}

static ab_status check_operands(const cpu_attention *a, ab_buffer *const *ops, size_t n_ops,
                                char *msg) {
  static const char *const names[N_OPS] = {"Q", "K", "V", "O"};
  const ab_attention_params *p = &a->p;
  if (n_ops != N_OPS || !ops) {
    snprintf(msg, AB_MSG_LEN, "cpu: attention takes 4 operands (Q, K, V, O), got %zu", n_ops);
    return AB_E_INVALID;
  }
  for (int i = 0; i < N_OPS; i++) {
    int64_t len = i == K || i == V ? p->kv_len : p->q_len;
    int64_t heads = i == K || i == V ? p->kv_heads : p->q_heads;
    size_t need = (size_t)(p->batch * len * heads * p->head_dim) * ab_dtype_size(a->t[i]);
    if (!ops[i] || ops[i]->bytes < need) {
      snprintf(msg, AB_MSG_LEN, "cpu: attention operand %s: buffer has %zu bytes, needs %zu",
               names[i], ops[i] ? ops[i]->bytes : 0, need);
      return AB_E_INVALID;
    }
  }
  return AB_OK;
}

/* The native loops compute in f32: f64 would need its own loops to be worth its accuracy. */
static ab_status check_dtypes(const cpu_attention *a, char *msg) {
  static const char *const names[N_OPS] = {"Q", "K", "V", "O"};
  for (int i = 0; i < N_OPS; i++)
    if (a->t[i] != AB_DTYPE_F32 && a->t[i] != AB_DTYPE_F16 && a->t[i] != AB_DTYPE_BF16) {
      snprintf(msg, AB_MSG_LEN,
               "cpu: native attention computes in f32 and takes f32, f16 and bf16 operands; "
               "operand %s is %s",
               names[i], ab_dtype_str(a->t[i]));
      return AB_E_UNSUPPORTED;
    }
  return AB_OK;
}

static ab_status alloc_buffers(cpu_attention *a, char *msg) {
  const ab_attention_params *p = &a->p;
  size_t kv = (size_t)(p->batch * p->kv_heads * p->kv_len * p->head_dim);
  a->scratch_per_thread = (size_t)(p->kv_len + 2 * p->head_dim);
  /* Round to a cache line so threads do not share one. */
  a->scratch_per_thread = (a->scratch_per_thread + 15) / 16 * 16;
  a->scratch = malloc(a->scratch_per_thread * (size_t)a->threads * sizeof(float));
  if (a->t[K] != AB_DTYPE_F32 || a->t[V] != AB_DTYPE_F32)
    a->wide = malloc(2 * kv * sizeof(float));
  if (!a->scratch || ((a->t[K] != AB_DTYPE_F32 || a->t[V] != AB_DTYPE_F32) && !a->wide)) {
    snprintf(msg, AB_MSG_LEN, "cpu: out of host memory for attention's work buffers");
    return AB_E_NOMEM;
  }
  if (a->wide) {
    a->k = a->wide;
    a->v = a->wide + kv;
  }
  return AB_OK;
}

static ab_status attention_prepare(ab_cpu_device *dev, const ab_kernel_desc *d,
                                   ab_buffer *const *ops, size_t n_ops, void **impl,
                                   ab_case_info *info, char *msg) {
  cpu_attention *a = calloc(1, sizeof *a);
  if (!a) {
    snprintf(msg, AB_MSG_LEN, "cpu: out of host memory for the attention case");
    return AB_E_NOMEM;
  }
  a->p = d->params.attention;
  a->bhsd = d->layout == AB_LAYOUT_BHSD;
  for (int i = 0; i < N_OPS; i++)
    a->t[i] = ab_operand_dtype(d, (size_t)i, i == O ? d->out_dtype : d->dtype);
  a->threads = dev->threads > 0 ? dev->threads : 1;
  a->scale = (float)(1.0 / sqrt((double)a->p.head_dim));
  ab_status st = check_dtypes(a, msg);
  if (st == AB_OK)
    st = check_operands(a, ops, n_ops, msg);
  if (st == AB_OK) {
    a->q = ops[Q]->data;
    a->k_src = ops[K]->data;
    a->v_src = ops[V]->data;
    a->k = ops[K]->data;
    a->v = ops[V]->data;
    a->o = ops[O]->data;
    a->kv_row = (size_t)((a->bhsd ? 1 : a->p.kv_heads) * a->p.head_dim);
    st = alloc_buffers(a, msg);
  }
  if (st != AB_OK) {
    attention_release(a);
    return st;
  }
  snprintf(info->implementation, sizeof info->implementation,
           "native two-pass softmax, f32, OpenMP %d threads over rows%s", a->threads,
           a->wide ? ", K/V widened per call" : "");
  if (AB_HAS_FIELD(info, ab_case_info, accumulate_dtype))
    info->accumulate_dtype = AB_DTYPE_F32;
  *impl = a;
  return AB_OK;
}

const ab_cpu_kind_impl ab_cpu_attention_native = {
    .kind = AB_KERNEL_ATTENTION,
    .provider = AB_CPU_PROV_NATIVE,
    .prepare = attention_prepare,
    .run = attention_run,
    .release = attention_release,
};
