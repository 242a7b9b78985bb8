/* Attention: O = softmax(Q K^T / sqrt(head_dim)) V per batch and query head, causal or not,
 * multi-head or grouped-query, BSHD or BHSD (include/accelbench/kernel.h,
 * ab_attention_params). Runs once per provider; compute-bound in prefill, memory-bound in
 * decode (bound_for; the roofline shows the same from its FLOPs and bytes).
 *
 * Check (docs/measurement.md): every output row is compared with its float64 reference
 * when the whole reference costs at most ATT_EXACT_BUDGET multiply-adds; above that, every
 * element must lie in the range its softmax average can reach (the hull of the V values
 * its query attends) and a seeded random subset of rows is compared exactly. */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/inputs.h"
#include "model/kind.h"
#include "model/kinds/kinds.h"
#include "model/reference.h"
#include "model/util.h"

enum { ATT_Q = 0, ATT_K = 1, ATT_V = 2, ATT_O = 3, ATT_OPERANDS = 4 };

/* Multiply-adds of float64 reference a check may spend on exact rows: about a second on
 * one core, so a check never costs more than a few timed calls of a large case. */
#define ATT_EXACT_BUDGET ((double)(UINT64_C(1) << 29))

/* lambda of the probabilistic rounding-error bound lambda*sqrt(n)*u (Higham and Mary
 * 2019): with independent rounding errors the bound fails with probability below
 * 2*exp(-lambda^2/2), about 1e-14 for 8. */
#define ATT_LAMBDA 8.0

static const ab_param_field fields[] = {
    {.name = "batch",
     .offset = offsetof(ab_attention_params, batch),
     .type = AB_PARAM_I64,
     .min = 1,
     .max = INT64_C(1) << 20},
    {.name = "q_heads",
     .offset = offsetof(ab_attention_params, q_heads),
     .type = AB_PARAM_I64,
     .min = 1,
     .max = 4096},
    {.name = "kv_heads",
     .offset = offsetof(ab_attention_params, kv_heads),
     .type = AB_PARAM_I64,
     .min = 1,
     .max = 4096},
    {.name = "head_dim",
     .offset = offsetof(ab_attention_params, head_dim),
     .type = AB_PARAM_I64,
     .min = 1,
     .max = 1024},
    {.name = "q_len",
     .offset = offsetof(ab_attention_params, q_len),
     .type = AB_PARAM_I64,
     .min = 1,
     .max = INT64_C(1) << 24},
    {.name = "kv_len",
     .offset = offsetof(ab_attention_params, kv_len),
     .type = AB_PARAM_I64,
     .min = 1,
     .max = INT64_C(1) << 24},
    {.name = "causal",
     .offset = offsetof(ab_attention_params, causal),
     .type = AB_PARAM_BOOL,
     .optional = true},
};

/* ---- shape and work ------------------------------------------------------------------- */

static ab_dtype operand_dtype(const ab_kernel_desc *d, size_t i) {
  return ab_operand_dtype(d, i, i == ATT_O ? d->out_dtype : d->dtype);
}

/* Keys query i attends: all of them, or (causal) those at or before its position
 * kv_len - q_len + i. */
static int64_t keys_of(const ab_attention_params *p, int64_t i) {
  return p->causal ? p->kv_len - p->q_len + i + 1 : p->kv_len;
}

/* Attended (query, key) pairs of one batch entry and one query head. */
static double pairs_per_head(const ab_attention_params *p) {
  double lq = (double)p->q_len, lkv = (double)p->kv_len;
  if (!p->causal)
    return lq * lkv;
  return lq * (lkv - lq) + lq * (lq + 1.0) / 2.0;
}

/* 2*head_dim for each score and 2*head_dim for each P*V term, over the attended pairs;
 * the softmax's exponentials, maxima and divisions are not counted (docs/measurement.md). */
static double flops(const ab_kernel_desc *d) {
  const ab_attention_params *p = &d->params.attention;
  return 4.0 * (double)p->head_dim * pairs_per_head(p) * (double)p->batch * (double)p->q_heads;
}

static double q_elements(const ab_attention_params *p) {
  return (double)p->batch * (double)p->q_len * (double)p->q_heads * (double)p->head_dim;
}

static double kv_elements(const ab_attention_params *p) {
  return (double)p->batch * (double)p->kv_len * (double)p->kv_heads * (double)p->head_dim;
}

/* Each operand read or written once: the least any kernel moves. */
static double bytes(const ab_kernel_desc *d) {
  const ab_attention_params *p = &d->params.attention;
  double q = (double)ab_dtype_size(operand_dtype(d, ATT_Q)),
         k = (double)ab_dtype_size(operand_dtype(d, ATT_K)),
         v = (double)ab_dtype_size(operand_dtype(d, ATT_V)),
         o = (double)ab_dtype_size(operand_dtype(d, ATT_O));
  return q_elements(p) * (q + o) + kv_elements(p) * (k + v);
}

static size_t operand_count(const ab_kernel_desc *d) {
  (void)d;
  return ATT_OPERANDS;
}

static void operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  const ab_attention_params *p = &d->params.attention;
  ab_dtype t = operand_dtype(d, i);
  double n = i == ATT_K || i == ATT_V ? kv_elements(p) : q_elements(p);
  *out = (ab_operand_def){i == ATT_O ? AB_OPERAND_OUTPUT : AB_OPERAND_INPUT, t,
                          (size_t)n * ab_dtype_size(t), AB_DIST_UNIFORM};
}

static bool is_float(ab_dtype t) {
  return t == AB_DTYPE_F64 || t == AB_DTYPE_F32 || t == AB_DTYPE_F16 || t == AB_DTYPE_BF16;
}

/* batch * len * heads * head_dim elements of `t` stay below 2^62 bytes. */
static bool tensor_overflows(const ab_attention_params *p, int64_t len, int64_t heads, ab_dtype t) {
  return ab_product_overflows(p->batch, len, 1) || ab_product_overflows(heads, p->head_dim, 1) ||
         ab_product_overflows(p->batch * len, heads * p->head_dim, ab_dtype_size(t));
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len) {
  static const char *const names[ATT_OPERANDS] = {"Q", "K", "V", "O"};
  const ab_attention_params *p = &d->params.attention;
  if (p->q_heads % p->kv_heads != 0) {
    ab_msgf(msg, len, "attention: q_heads=%lld is not a multiple of kv_heads=%lld",
            (long long)p->q_heads, (long long)p->kv_heads);
    return AB_E_INVALID;
  }
  if (p->causal && p->q_len > p->kv_len) {
    ab_msgf(msg, len,
            "attention: causal with q_len=%lld > kv_len=%lld: the queries are the last q_len "
            "positions of the keys, so q_len must be at most kv_len",
            (long long)p->q_len, (long long)p->kv_len);
    return AB_E_INVALID;
  }
  for (size_t i = 0; i < ATT_OPERANDS; i++) {
    ab_dtype t = operand_dtype(d, i);
    bool kv = i == ATT_K || i == ATT_V;
    if (!is_float(t)) {
      ab_msgf(msg, len, "attention: operand %s: dtype %s is not a floating-point type", names[i],
              ab_dtype_str(t));
      return AB_E_INVALID;
    }
    if (tensor_overflows(p, kv ? p->kv_len : p->q_len, kv ? p->kv_heads : p->q_heads, t)) {
      ab_msgf(msg, len,
              "attention: operand %s of batch=%lld heads=%lld len=%lld head_dim=%lld: "
              "size overflows",
              names[i], (long long)p->batch, (long long)(kv ? p->kv_heads : p->q_heads),
              (long long)(kv ? p->kv_len : p->q_len), (long long)p->head_dim);
      return AB_E_INVALID;
    }
  }
  return AB_OK;
}

/* "b=1 hq=32 hkv=8 d=128 q=1 kv=4096 causal bhsd k:f16 v:f16": short enough for case ids,
 * and with the layout and the operands' own dtypes, which two cases of a set may differ in. */
static void shape_str(const ab_kernel_desc *d, char *buf, size_t len) {
  static const char *const names[ATT_OPERANDS] = {"q", "k", "v", "o"};
  const ab_attention_params *p = &d->params.attention;
  int n = snprintf(buf, len, "b=%lld hq=%lld hkv=%lld d=%lld q=%lld kv=%lld%s%s",
                   (long long)p->batch, (long long)p->q_heads, (long long)p->kv_heads,
                   (long long)p->head_dim, (long long)p->q_len, (long long)p->kv_len,
                   p->causal ? " causal" : "", d->layout == AB_LAYOUT_BHSD ? " bhsd" : "");
  size_t used = n > 0 ? (size_t)n : 0;
  for (size_t i = 0; i < ATT_OPERANDS && used < len; i++) {
    ab_dtype own = ab_operand_dtype(d, i, AB_DTYPE_INVALID);
    if (own == AB_DTYPE_INVALID)
      continue;
    n = snprintf(buf + used, len - used, " %s:%s", names[i], ab_dtype_str(own));
    used += n > 0 ? (size_t)n : 0;
  }
}

/* ---- the check ---------------------------------------------------------------------- */

/* What one check works with: the shape, the operands, the tolerance's unit roundoffs, the
 * float64 copies of one (batch, KV head)'s keys and values, and the hull of those values
 * over the keys seen so far. */
typedef struct att_check {
  ab_attention_params p;
  bool bhsd;
  ab_dtype t[ATT_OPERANDS];
  const void *src[ATT_OPERANDS];
  double scale;
  double u;        /* accumulator: declared, else f32 (f64 for all-f64 cases) */
  double u_v;      /* V's own dtype when narrower than the accumulator: P is rounded to it */
  double u_o;      /* output dtype */
  double *kd, *vd; /* kv_len x head_dim of the current (batch, KV head) */
  double *s;       /* kv_len scores, then exponentials */
  double *qrow, *ref, *mag;
  double *lo, *hi; /* per column: min and max of V over keys [0, hull_n) */
  int64_t hull_n;
  double p_exact; /* chance that a row is compared exactly */
  uint64_t seed;
  ab_validation *v;
} att_check;

/* Element (b, head, position, c) of a Q/O (heads = q_heads, len = q_len) or K/V tensor. */
static size_t index_of(const att_check *a, int64_t b, int64_t head, int64_t pos, int64_t c,
                       bool kv) {
  int64_t heads = kv ? a->p.kv_heads : a->p.q_heads, len = kv ? a->p.kv_len : a->p.q_len;
  int64_t row = a->bhsd ? (b * heads + head) * len + pos : (b * len + pos) * heads + head;
  return (size_t)(row * a->p.head_dim + c);
}

static void load_kv(att_check *a, int64_t b, int64_t g) {
  int64_t d = a->p.head_dim;
  for (int64_t j = 0; j < a->p.kv_len; j++)
    for (int64_t c = 0; c < d; c++) {
      size_t at = index_of(a, b, g, j, c, true);
      a->kd[j * d + c] = ab_load_as_double(a->src[ATT_K], a->t[ATT_K], at);
      a->vd[j * d + c] = ab_load_as_double(a->src[ATT_V], a->t[ATT_V], at);
    }
  a->hull_n = 0;
}

static void extend_hull(att_check *a, int64_t n) {
  int64_t d = a->p.head_dim;
  for (; a->hull_n < n; a->hull_n++)
    for (int64_t c = 0; c < d; c++) {
      double x = a->vd[a->hull_n * d + c];
      a->lo[c] = a->hull_n == 0 || x < a->lo[c] ? x : a->lo[c];
      a->hi[c] = a->hull_n == 0 || x > a->hi[c] ? x : a->hi[c];
    }
}

static void record(ab_validation *v, double err, double tol, bool exact) {
  double ratio = isnan(err) ? INFINITY : err / tol;
  v->elements_checked += exact;
  if (!(err <= tol))
    v->mismatches++;
  if (isnan(err) || err > v->max_abs_error)
    v->max_abs_error = isnan(err) ? INFINITY : err;
  if (ratio > v->max_error_ratio)
    v->max_error_ratio = ratio;
}

/* Scores of query row `qrow` against keys [0, n), softmax weights (unnormalised, into
 * a->s), their sum, and the score error bound ds (Higham 3.1 in its probabilistic form for
 * each dot product, plus the rounding of s - max and of exp). */
static double softmax_row(att_check *a, int64_t n, double *ds) {
  int64_t d = a->p.head_dim;
  double m = -INFINITY, max_mag = 0.0;
  for (int64_t j = 0; j < n; j++) {
    double dot = 0.0, mag = 0.0;
    for (int64_t c = 0; c < d; c++) {
      double x = a->qrow[c] * a->kd[j * d + c];
      dot += x;
      mag += fabs(x);
    }
    a->s[j] = dot * a->scale;
    m = fmax(m, a->s[j]);
    max_mag = fmax(max_mag, mag * a->scale);
  }
  double l = 0.0, spread = 0.0;
  for (int64_t j = 0; j < n; j++) {
    spread = fmax(spread, m - a->s[j]);
    a->s[j] = exp(a->s[j] - m);
    l += a->s[j];
  }
  *ds = ATT_LAMBDA * sqrt((double)d) * a->u * max_mag + 2.0 * a->u * spread + 4.0 * a->u;
  return l;
}

/* The row's float64 reference, element by element, with the tolerance of
 * docs/measurement.md: (2 ds + lambda sqrt(n) u + u_v) sum_j p_j |v_jc| for the scores,
 * the P*V sum and P rounded to V's dtype, plus (lambda sqrt(n) u + 2 u_o) |ref| for the
 * softmax's denominator and the output's rounding. */
static void exact_row(att_check *a, int64_t b, int64_t h, int64_t i, int64_t n, const void *o) {
  int64_t d = a->p.head_dim;
  for (int64_t c = 0; c < d; c++)
    a->qrow[c] = ab_load_as_double(a->src[ATT_Q], a->t[ATT_Q], index_of(a, b, h, i, c, false));
  double ds, l = softmax_row(a, n, &ds);
  for (int64_t c = 0; c < d; c++)
    a->ref[c] = a->mag[c] = 0.0;
  for (int64_t j = 0; j < n; j++)
    for (int64_t c = 0; c < d; c++) {
      double x = a->s[j] * a->vd[j * d + c];
      a->ref[c] += x;
      a->mag[c] += fabs(x);
    }
  double sum_err = ATT_LAMBDA * sqrt((double)n) * a->u;
  for (int64_t c = 0; c < d; c++) {
    double ref = a->ref[c] / l, mag = a->mag[c] / l;
    double got = ab_load_as_double(o, a->t[ATT_O], index_of(a, b, h, i, c, false));
    double tol =
        (2.0 * ds + sum_err + a->u_v) * mag + (sum_err + 2.0 * a->u_o) * fabs(ref) + DBL_MIN;
    record(a->v, fabs(got - ref), tol, true);
  }
}

/* A softmax average of the attended values lies between their minimum and maximum, column
 * by column (the weights are positive and sum to one); the slack is the rounding of the
 * sums and of the output. */
static void hull_row(att_check *a, int64_t b, int64_t h, int64_t i, int64_t n, const void *o) {
  double slack_u = ATT_LAMBDA * sqrt((double)n) * a->u + a->u_v + 2.0 * a->u_o;
  for (int64_t c = 0; c < a->p.head_dim; c++) {
    double got = ab_load_as_double(o, a->t[ATT_O], index_of(a, b, h, i, c, false));
    double out = fmax(a->lo[c] - got, got - a->hi[c]);
    double slack = slack_u * fmax(fabs(a->lo[c]), fabs(a->hi[c])) + DBL_MIN;
    record(a->v, isnan(got) ? NAN : fmax(out, 0.0), slack, false);
  }
}

/* Rows compared exactly when sampling: a seeded coin per row, plus the first and the last
 * query row of the first and the last (batch, head), where tiled kernels go wrong. */
static bool row_is_exact(const att_check *a, int64_t b, int64_t h, int64_t i) {
  if (a->p_exact >= 1.0)
    return true;
  bool first_head = b == 0 && h == 0, last_head = b == a->p.batch - 1 && h == a->p.q_heads - 1;
  if ((first_head || last_head) && (i == 0 || i == a->p.q_len - 1))
    return true;
  ab_rng r;
  ab_rng_seed(&r, a->seed ^ (uint64_t)((b * a->p.q_heads + h) * a->p.q_len + i));
  return ab_rng_uniform(&r) < a->p_exact;
}

static void check_head_group(att_check *a, int64_t b, int64_t g, const void *o) {
  int64_t group = a->p.q_heads / a->p.kv_heads;
  load_kv(a, b, g);
  for (int64_t i = 0; i < a->p.q_len; i++) {
    int64_t n = keys_of(&a->p, i);
    extend_hull(a, n);
    for (int64_t h = g * group; h < (g + 1) * group; h++) {
      if (row_is_exact(a, b, h, i))
        exact_row(a, b, h, i, n, o);
      else
        hull_row(a, b, h, i, n, o);
    }
  }
}

static double accumulator_roundoff(const att_check *a, ab_dtype declared) {
  if (declared != AB_DTYPE_INVALID && ab_unit_roundoff(declared) > 0.0)
    return ab_unit_roundoff(declared);
  bool all_f64 =
      a->t[ATT_Q] == AB_DTYPE_F64 && a->t[ATT_K] == AB_DTYPE_F64 && a->t[ATT_V] == AB_DTYPE_F64;
  return all_f64 ? 0x1.0p-53 : 0x1.0p-24;
}

static bool alloc_buffers(att_check *a) {
  size_t kv = (size_t)a->p.kv_len, d = (size_t)a->p.head_dim;
  a->kd = malloc(kv * d * sizeof *a->kd);
  a->vd = malloc(kv * d * sizeof *a->vd);
  a->s = malloc(kv * sizeof *a->s);
  a->qrow = malloc(5 * d * sizeof *a->qrow);
  if (a->qrow) {
    a->ref = a->qrow + d;
    a->mag = a->qrow + 2 * d;
    a->lo = a->qrow + 3 * d;
    a->hi = a->qrow + 4 * d;
  }
  return a->kd && a->vd && a->s && a->qrow;
}

static void free_buffers(att_check *a) {
  free(a->kd);
  free(a->vd);
  free(a->s);
  free(a->qrow);
}

static void setup_check(att_check *a, const ab_check_io *io, ab_validation *v) {
  const ab_kernel_desc *d = io->desc;
  a->p = d->params.attention;
  a->bhsd = d->layout == AB_LAYOUT_BHSD;
  for (size_t i = 0; i < ATT_OPERANDS; i++) {
    a->t[i] = operand_dtype(d, i);
    a->src[i] = io->host[i];
  }
  a->scale = 1.0 / sqrt((double)a->p.head_dim);
  a->u = accumulator_roundoff(a, io->accumulate);
  a->u_v = ab_unit_roundoff(a->t[ATT_V]) > a->u ? ab_unit_roundoff(a->t[ATT_V]) : 0.0;
  a->u_o = ab_unit_roundoff(a->t[ATT_O]);
  double work = 2.0 * (double)a->p.head_dim * pairs_per_head(&a->p) * (double)a->p.batch *
                (double)a->p.q_heads;
  a->p_exact = work <= ATT_EXACT_BUDGET ? 1.0 : ATT_EXACT_BUDGET / work;
  a->seed = io->seed;
  a->v = v;
  v->checked = true;
  v->elements_total = (uint64_t)q_elements(&a->p);
  if (a->p_exact >= 1.0)
    snprintf(v->rule, sizeof v->rule, "every row vs float64: softmax + 2 sums bound, u %g", a->u);
  else
    snprintf(v->rule, sizeof v->rule, "rows vs float64 w.p. %.2g (u %g), other rows in V hull",
             a->p_exact, a->u);
}

static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  att_check a = {0};
  setup_check(&a, io, v);
  const void *o = io->read_all(io->ctx, ATT_O, msg);
  if (!o)
    return AB_E_DEVICE;
  if (!alloc_buffers(&a)) {
    snprintf(v->rule, sizeof v->rule, "not checked: out of memory for the reference");
    v->checked = false;
    v->mismatches = 1; /* unvalidated is never ok */
  } else {
    for (int64_t b = 0; b < a.p.batch; b++)
      for (int64_t g = 0; g < a.p.kv_heads; g++)
        check_head_group(&a, b, g, o);
  }
  free_buffers(&a);
  return AB_OK;
}

/* Decode (one query token per sequence) reads every K and V element for 2 x (q_heads /
 * kv_heads) multiply-adds per element, a few FLOPs per byte: far below the ridge point of
 * any device, so it is judged against memory bandwidth. Prefill reuses each K/V element for
 * q_len queries and is judged against peak arithmetic. */
static ab_bound attention_bound(const ab_kernel_desc *d) {
  return d->params.attention.q_len == 1 ? AB_BOUND_MEMORY : AB_BOUND_COMPUTE;
}

const ab_kind_def ab_kind_attention = {
    .kind = AB_KERNEL_ATTENTION,
    .fields = fields,
    .n_fields = sizeof fields / sizeof fields[0],
    .metric = AB_METRIC_FLOPS,
    .bound = AB_BOUND_COMPUTE,
    .bound_for = attention_bound,
    .mixed_dtypes = true,
    .layouts = (1u << AB_LAYOUT_BSHD) | (1u << AB_LAYOUT_BHSD),
    .flops = flops,
    .bytes = bytes,
    .operand_count = operand_count,
    .operand = operand,
    .check = check,
    .shape_str = shape_str,
    .validate = validate,
    .tolerance_source = "Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., sec. "
                        "3.1 (inner products) and 4.2 (summation), in the probabilistic form "
                        "lambda*sqrt(n)*u of Higham and Mary, SIAM J. Sci. Comput. 41(5), 2019; "
                        "docs/measurement.md",
};
