/* A fake aclnn operator library for tests (never installed), built as the all-in-one
 * libopapi.so (FAKE_FLAVOUR_ALL), the split libopapi_nn.so (FAKE_FLAVOUR_NN, with a
 * variant lacking aclnnSilu: FAKE_OMIT_SILU) and libopapi_transformer.so (FAKE_FLAVOUR_TR).
 * Operators run on the CPU in the two-phase form: GetWorkspaceSize makes a single-use
 * executor that asks for a workspace, the run phase checks it got one and frees the
 * executor. Fault switches: fake_acl.h. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "accelbench/kernel.h" /* binary16 / bfloat16 conversions */
#include "fake_acl.h"

#if defined(FAKE_FLAVOUR_ALL)
#define FLAVOUR "all"
#else
#define FLAVOUR "split"
#endif
#define WS_BYTES 4096u

static int g_mixed; /* both kinds of operator library in this process */

/* The real rule (facts 2.1): libopapi.so and the libopapi_* libraries never in one process.
 * Each fake notes its kind in the environment; a second kind marks the process mixed. */
__attribute__((constructor)) static void note_kind(void) {
  const char *seen = getenv("FAKE_OPAPI_KIND");
  if (seen && strcmp(seen, FLAVOUR) != 0)
    g_mixed = 1;
  else
    setenv("FAKE_OPAPI_KIND", FLAVOUR, 1);
}

typedef struct aclTensor T;
enum { OP_MATMUL, OP_RMSNORM, OP_SOFTMAX, OP_GELU, OP_SILU, OP_FA };
typedef struct aclOpExecutor {
  int op;
  T t[6];
  int8_t cube;
  double eps, scale;
  int64_t dim, heads;
  char layout[8];
} aclOpExecutor;

static double ld(const T *t, int64_t i) {
  switch (t->dtype) {
  case 0: return ((const float *)t->data)[t->offset + i];
  case 1: return ab_f16_to_f32(((const uint16_t *)t->data)[t->offset + i]);
  default: return ab_bf16_to_f32(((const uint16_t *)t->data)[t->offset + i]);
  }
}

static void st(const T *t, int64_t i, double v) {
  switch (t->dtype) {
  case 0: ((float *)t->data)[t->offset + i] = (float)v; break;
  case 1: ((uint16_t *)t->data)[t->offset + i] = ab_f32_to_f16((float)v); break;
  default: ((uint16_t *)t->data)[t->offset + i] = ab_f32_to_bf16((float)v); break;
  }
}

static int64_t numel(const T *t) {
  int64_t n = 1;
  for (uint64_t i = 0; i < t->n; i++)
    n *= t->dims[i];
  return n;
}

static int32_t plan(int op, const T *const *ts, int n, uint64_t *ws, aclOpExecutor **ex) {
  for (int i = 0; i < n; i++)
    if (!ts[i] || ts[i]->format != 2) {
      fake_acl_set_error("EZ1001: fake: a tensor is NULL or not ND");
      return 161001;
    }
  aclOpExecutor *e = calloc(1, sizeof *e);
  if (!e)
    return 561000;
  e->op = op;
  for (int i = 0; i < n; i++)
    e->t[i] = *ts[i];
  *ws = WS_BYTES;
  *ex = e;
  return 0;
}

/* C[m x n] = A * B on the tensors' views (strides in elements). */
static void matmul(const aclOpExecutor *e) {
  const T *a = &e->t[0], *b = &e->t[1], *c = &e->t[2];
  int64_t m = a->dims[0], k = a->dims[1], n = b->dims[1];
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      double s = 0.0;
      for (int64_t p = 0; p < k; p++)
        s += ld(a, i * a->strides[0] + p * a->strides[1]) *
             ld(b, p * b->strides[0] + j * b->strides[1]);
      st(c, i * c->strides[0] + j * c->strides[1], s);
    }
}

static void rmsnorm(const aclOpExecutor *e) {
  const T *x = &e->t[0], *g = &e->t[1], *y = &e->t[2], *r = &e->t[3];
  int64_t rows = x->dims[0], h = x->dims[1];
  for (int64_t i = 0; i < rows; i++) {
    double ss = 0.0;
    for (int64_t j = 0; j < h; j++)
      ss += ld(x, i * h + j) * ld(x, i * h + j);
    double rstd = 1.0 / sqrt(ss / (double)h + e->eps);
    st(r, i, rstd);
    for (int64_t j = 0; j < h; j++)
      st(y, i * h + j, ld(x, i * h + j) * rstd * ld(g, j));
  }
}

static void softmax(const aclOpExecutor *e) {
  const T *x = &e->t[0], *y = &e->t[1];
  int64_t rows = x->dims[0], cols = x->dims[1];
  for (int64_t i = 0; i < rows; i++) {
    double mx = -INFINITY, sum = 0.0;
    for (int64_t j = 0; j < cols; j++)
      mx = fmax(mx, ld(x, i * cols + j));
    for (int64_t j = 0; j < cols; j++)
      sum += exp(ld(x, i * cols + j) - mx);
    for (int64_t j = 0; j < cols; j++)
      st(y, i * cols + j, exp(ld(x, i * cols + j) - mx) / sum);
  }
}

static void pointwise(const aclOpExecutor *e) {
  const T *x = &e->t[0], *y = &e->t[1];
  for (int64_t i = 0, n = numel(x); i < n; i++) {
    double v = ld(x, i);
    if (e->op == OP_GELU) /* the tanh form (hicann/ops-nn:activation/gelu/README.md) */
      st(y, i,
         0.5 * v * (1.0 + tanh(sqrt(2.0 / 3.14159265358979323846) * (v + 0.044715 * v * v * v))));
    else
      st(y, i, v / (1.0 + exp(-v)));
  }
}

/* Element (b, s, n, d) of a BSND or BNSD tensor. */
static int64_t at(const T *t, int bnsd, int64_t b, int64_t s, int64_t n, int64_t d) {
  const int64_t *D = t->dims;
  return bnsd ? ((b * D[1] + n) * D[2] + s) * D[3] + d : ((b * D[1] + s) * D[2] + n) * D[3] + d;
}

static void attention(const aclOpExecutor *e) {
  const T *q = &e->t[0], *k = &e->t[1], *v = &e->t[2], *o = &e->t[3];
  int bnsd = strcmp(e->layout, "BNSD") == 0;
  int64_t B = q->dims[0], N = e->heads, D = q->dims[3];
  int64_t Sq = bnsd ? q->dims[2] : q->dims[1], Skv = bnsd ? k->dims[2] : k->dims[1];
  int64_t N2 = bnsd ? k->dims[1] : k->dims[2];
  double *p = malloc((size_t)Skv * sizeof *p);
  if (!p)
    return;
  for (int64_t b = 0; b < B; b++)
    for (int64_t n = 0; n < N; n++)
      for (int64_t i = 0; i < Sq; i++) {
        int64_t kn = n / (N / N2);
        double mx = -INFINITY, sum = 0.0;
        for (int64_t j = 0; j < Skv; j++) {
          double s = 0.0;
          for (int64_t d = 0; d < D; d++)
            s += ld(q, at(q, bnsd, b, i, n, d)) * ld(k, at(k, bnsd, b, j, kn, d));
          p[j] = s * e->scale;
          mx = fmax(mx, p[j]);
        }
        for (int64_t j = 0; j < Skv; j++)
          sum += (p[j] = exp(p[j] - mx));
        for (int64_t d = 0; d < D; d++) {
          double acc = 0.0;
          for (int64_t j = 0; j < Skv; j++)
            acc += p[j] * ld(v, at(v, bnsd, b, j, kn, d));
          st(o, at(o, bnsd, b, i, n, d), acc / sum);
        }
      }
  free(p);
}

static int32_t run(void *ws, uint64_t ws_size, aclOpExecutor *e, void *stream) {
  (void)stream;
  int32_t status = (int32_t)fake_env_long("FAKE_ACLNN_STATUS", 0);
  if (!e)
    return 161001;
  if (g_mixed) {
    fake_acl_set_error("EZ9999: fake: libopapi.so and libopapi_* are loaded in one process");
    status = 561000;
  } else if (status) {
    fake_acl_set_error("EZ9999: fake operator failure: the kernel reported an error");
  } else if (!ws || ws_size < WS_BYTES) {
    fake_acl_set_error("EZ1001: fake: workspace missing or smaller than asked for");
    status = 161002;
  } else {
    switch (e->op) {
    case OP_MATMUL: matmul(e); break;
    case OP_RMSNORM: rmsnorm(e); break;
    case OP_SOFTMAX: softmax(e); break;
    case OP_GELU:
    case OP_SILU: pointwise(e); break;
    default: attention(e); break;
    }
  }
  free(e); /* single use, as a real executor */
  return status;
}

#if defined(FAKE_FLAVOUR_ALL) || defined(FAKE_FLAVOUR_NN)
EXPORT int32_t aclnnMatmulGetWorkspaceSize(const T *a, const T *b, T *c, int8_t cube, uint64_t *ws,
                                           aclOpExecutor **ex) {
  const T *ts[3] = {a, b, c};
  int32_t s = plan(OP_MATMUL, ts, 3, ws, ex);
  if (s == 0)
    (*ex)->cube = cube;
  return s;
}
EXPORT int32_t aclnnMatmul(void *ws, uint64_t n, aclOpExecutor *e, void *stream) {
  return run(ws, n, e, stream);
}

EXPORT int32_t aclnnRmsNormGetWorkspaceSize(const T *x, const T *g, double eps, const T *y,
                                            const T *r, uint64_t *ws, aclOpExecutor **ex) {
  const T *ts[4] = {x, g, y, r};
  int32_t s = plan(OP_RMSNORM, ts, 4, ws, ex);
  if (s == 0)
    (*ex)->eps = eps;
  return s;
}
EXPORT int32_t aclnnRmsNorm(void *ws, uint64_t n, aclOpExecutor *e, void *stream) {
  return run(ws, n, e, stream);
}

EXPORT int32_t aclnnSoftmaxGetWorkspaceSize(const T *x, int64_t dim, T *y, uint64_t *ws,
                                            aclOpExecutor **ex) {
  const T *ts[2] = {x, y};
  if (dim != 1 && dim != -1)
    return 161002; /* the fake does the last dimension only */
  return plan(OP_SOFTMAX, ts, 2, ws, ex);
}
EXPORT int32_t aclnnSoftmax(void *ws, uint64_t n, aclOpExecutor *e, void *stream) {
  return run(ws, n, e, stream);
}

EXPORT int32_t aclnnGeluGetWorkspaceSize(const T *x, T *y, uint64_t *ws, aclOpExecutor **ex) {
  const T *ts[2] = {x, y};
  return plan(OP_GELU, ts, 2, ws, ex);
}
EXPORT int32_t aclnnGelu(void *ws, uint64_t n, aclOpExecutor *e, void *stream) {
  return run(ws, n, e, stream);
}

#ifndef FAKE_OMIT_SILU
EXPORT int32_t aclnnSiluGetWorkspaceSize(const T *x, T *y, uint64_t *ws, aclOpExecutor **ex) {
  const T *ts[2] = {x, y};
  return plan(OP_SILU, ts, 2, ws, ex);
}
EXPORT int32_t aclnnSilu(void *ws, uint64_t n, aclOpExecutor *e, void *stream) {
  return run(ws, n, e, stream);
}
#endif
#endif

#if defined(FAKE_FLAVOUR_ALL) || defined(FAKE_FLAVOUR_TR)
EXPORT int32_t aclnnFlashAttentionScoreGetWorkspaceSize(
    const T *q, const T *k, const T *v, const T *shift, const T *drop, const T *pad, const T *mask,
    const void *prefix, double scale, double keep, int64_t pre, int64_t next, int64_t heads,
    char *layout, int64_t inner, int64_t sparse, const T *smax, const T *ssum, const T *sout,
    const T *o, uint64_t *ws, aclOpExecutor **ex) {
  (void)sout, (void)pre, (void)next;
  if (shift || drop || pad || mask || prefix || keep != 1.0 || inner != 0 || sparse != 0 ||
      (strcmp(layout, "BSND") != 0 && strcmp(layout, "BNSD") != 0)) {
    fake_acl_set_error("EZ1001: fake: only full attention, BSND or BNSD");
    return 161002;
  }
  const T *ts[6] = {q, k, v, o, smax, ssum};
  int32_t s = plan(OP_FA, ts, 6, ws, ex);
  if (s == 0) {
    (*ex)->scale = scale, (*ex)->heads = heads;
    snprintf((*ex)->layout, sizeof(*ex)->layout, "%s", layout);
  }
  return s;
}
EXPORT int32_t aclnnFlashAttentionScore(void *ws, uint64_t n, aclOpExecutor *e, void *stream) {
  return run(ws, n, e, stream);
}
#endif
