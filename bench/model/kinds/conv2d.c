/* conv2d: 2-D forward convolution, NCHW or NHWC (include/accelbench/kernel.h,
 * ab_conv2d_params). Runs once per provider; compute-bound.
 *
 * The check compares with a float64 convolution computed from the host inputs. It covers
 * every output element in one of two ways (docs/measurement.md):
 *  - full: every element against its own reference, with the GEMM rule over the
 *    c/groups*r*s products of that element, when the convolution has at most
 *    AB_CONV2D_FULL_WORK multiply-adds;
 *  - projection (ab_validation.full_*): for every (image, group, output pixel), the output
 *    channels of the group weighted by a random vector v (|v_i| in [1, 2), random sign)
 *    against the convolution of the input with the filter projected by the same v. That
 *    costs 1/(k/groups) of the full reference, and a wrong element changes its sum by at
 *    least |error|, so an error beyond the summed tolerance of its group's elements is
 *    caught wherever it is. An exact per-element check of a sample drawn from the run-time
 *    seed (first and last element included) keeps the tight per-element rule on top.
 * The reference works on float64 copies in HWC / KRSC order (channels innermost), whatever
 * the case's layout, so its inner loop is contiguous. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/inputs.h"
#include "model/kind.h"
#include "model/kinds/conv2d.h"
#include "model/kinds/kinds.h"
#include "model/reference.h"
#include "model/util.h"

/* Dimensions stay below 2^31: oneDNN, BLAS-style libraries and OpenCL kernels index with
 * int, and the output-size arithmetic cannot overflow int64 below it. */
#define DIM_MAX INT32_MAX

#define DIM(f, lo, opt, def)                                                                       \
  {                                                                                                \
    .name = #f, .offset = offsetof(ab_conv2d_params, f), .type = AB_PARAM_I64, .min = (lo),        \
    .max = DIM_MAX, .optional = (opt), .dflt = (def)                                               \
  }

static const ab_param_field fields[] = {
    DIM(n, 1, false, 0),    DIM(c, 1, false, 0),       DIM(h, 1, false, 0),
    DIM(w, 1, false, 0),    DIM(k, 1, false, 0),       DIM(r, 1, false, 0),
    DIM(s, 1, false, 0),    DIM(stride_h, 1, true, 1), DIM(stride_w, 1, true, 1),
    DIM(pad_h, 0, true, 0), DIM(pad_w, 0, true, 0),    DIM(dil_h, 1, true, 1),
    DIM(dil_w, 1, true, 1), DIM(groups, 1, true, 1),
};

/* The shape with its derived sizes; `ok` is false when a field is outside its range (the
 * work functions are called on unchecked descriptors too, and must not divide by zero). */
typedef struct conv_geom {
  int64_t n, c, h, w, k, r, s, p, q, sh, sw, ph, pw, dh, dw, groups;
  int64_t cg, kg; /* channels per group: input, output */
  bool nhwc;
  bool ok;
} conv_geom;

static bool fields_in_range(const ab_kernel_desc *d) {
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    int64_t v = ab_param_get(d, &fields[i]);
    if (v < fields[i].min || v > fields[i].max)
      return false;
  }
  return true;
}

static conv_geom geom_of(const ab_kernel_desc *d) {
  const ab_conv2d_params *cp = &d->params.conv2d;
  conv_geom g = {.ok = fields_in_range(d)};
  if (!g.ok)
    return g;
  g.n = cp->n, g.c = cp->c, g.h = cp->h, g.w = cp->w, g.k = cp->k, g.r = cp->r, g.s = cp->s;
  g.sh = cp->stride_h, g.sw = cp->stride_w, g.ph = cp->pad_h, g.pw = cp->pad_w;
  g.dh = cp->dil_h, g.dw = cp->dil_w, g.groups = cp->groups;
  g.p = ab_conv2d_out_h(cp);
  g.q = ab_conv2d_out_w(cp);
  g.cg = g.c / g.groups;
  g.kg = g.k / g.groups;
  g.nhwc = d->layout == AB_LAYOUT_NHWC;
  return g;
}

static double in_elems(const conv_geom *g) {
  return (double)g->n * (double)g->c * (double)g->h * (double)g->w;
}

static double filter_elems(const conv_geom *g) {
  return (double)g->k * (double)g->cg * (double)g->r * (double)g->s;
}

static double out_elems(const conv_geom *g) {
  return (double)g->n * (double)g->k * (double)g->p * (double)g->q;
}

/* Multiply-adds of one call: every output element sums c/groups * r * s products. */
static double macs(const conv_geom *g) {
  return out_elems(g) * (double)g->cg * (double)g->r * (double)g->s;
}

static double flops(const ab_kernel_desc *d) {
  conv_geom g = geom_of(d);
  return g.ok ? 2.0 * macs(&g) : 0.0;
}

/* Each operand once: the input and filter read, the output written. */
static double bytes(const ab_kernel_desc *d) {
  conv_geom g = geom_of(d);
  if (!g.ok)
    return 0.0;
  double in = (double)ab_dtype_size(d->dtype), out = (double)ab_dtype_size(d->out_dtype);
  return in * (in_elems(&g) + filter_elems(&g)) + out * out_elems(&g);
}

static size_t operand_count(const ab_kernel_desc *d) {
  (void)d;
  return 3;
}

/* input, filter (both the input dtype), output. */
static void operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  conv_geom g = geom_of(d);
  double elems = !g.ok ? 0.0 : i == 0 ? in_elems(&g) : i == 1 ? filter_elems(&g) : out_elems(&g);
  ab_dtype t = i < 2 ? d->dtype : d->out_dtype;
  *out = (ab_operand_def){i < 2 ? AB_OPERAND_INPUT : AB_OPERAND_OUTPUT, t,
                          (size_t)elems * ab_dtype_size(t), AB_DIST_UNIFORM};
}

/* Whether the product of `n` dimensions times `elem` bytes reaches 2^62. */
static bool operand_overflows(const int64_t *dims, size_t n, size_t elem) {
  int64_t acc = 1;
  for (size_t i = 0; i < n; i++) {
    if (ab_product_overflows(acc, dims[i], 1))
      return true;
    acc *= dims[i];
  }
  return ab_product_overflows(acc, 1, elem);
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len) {
  conv_geom g = geom_of(d);
  const ab_conv2d_params *cp = &d->params.conv2d;
  if (cp->c % cp->groups || cp->k % cp->groups) {
    ab_msgf(msg, len, "conv2d: c=%lld and k=%lld must both be multiples of groups=%lld",
            (long long)cp->c, (long long)cp->k, (long long)cp->groups);
    return AB_E_INVALID;
  }
  if (g.p < 1 || g.q < 1) {
    ab_msgf(msg, len,
            "conv2d: the %lldx%lld filter (dilation %lldx%lld) is larger than the %lldx%lld input "
            "with padding %lldx%lld: no output",
            (long long)g.r, (long long)g.s, (long long)g.dh, (long long)g.dw, (long long)g.h,
            (long long)g.w, (long long)g.ph, (long long)g.pw);
    return AB_E_INVALID;
  }
  size_t in = ab_dtype_size(d->dtype), out = ab_dtype_size(d->out_dtype);
  const int64_t in_dims[] = {g.n, g.c, g.h, g.w}, f_dims[] = {g.k, g.cg, g.r, g.s},
                out_dims[] = {g.n, g.k, g.p, g.q};
  if (operand_overflows(in_dims, 4, in) || operand_overflows(f_dims, 4, in) ||
      operand_overflows(out_dims, 4, out)) {
    ab_msgf(msg, len, "conv2d shape n=%lld c=%lld h=%lld w=%lld k=%lld: operand size overflows",
            (long long)g.n, (long long)g.c, (long long)g.h, (long long)g.w, (long long)g.k);
    return AB_E_INVALID;
  }
  return AB_OK;
}

/* Every parameter, and the layout: it belongs to the case's identity. */
static void shape_str(const ab_kernel_desc *d, char *buf, size_t len) {
  const ab_conv2d_params *p = &d->params.conv2d;
  snprintf(buf, len,
           "n=%lld c=%lld h=%lld w=%lld k=%lld r=%lld s=%lld stride=%lldx%lld pad=%lldx%lld "
           "dil=%lldx%lld g=%lld %s",
           (long long)p->n, (long long)p->c, (long long)p->h, (long long)p->w, (long long)p->k,
           (long long)p->r, (long long)p->s, (long long)p->stride_h, (long long)p->stride_w,
           (long long)p->pad_h, (long long)p->pad_w, (long long)p->dil_h, (long long)p->dil_w,
           (long long)p->groups, d->layout == AB_LAYOUT_NHWC ? "nhwc" : "nchw");
}

/* ---- float64 reference ------------------------------------------------------------------ */

/* Flat index of input element (image n, channel ci, row y, column x) in the case's layout. */
static size_t in_index(const conv_geom *g, int64_t n, int64_t ci, int64_t y, int64_t x) {
  return (size_t)(g->nhwc ? ((n * g->h + y) * g->w + x) * g->c + ci
                          : ((n * g->c + ci) * g->h + y) * g->w + x);
}

/* Flat index of filter element (output channel ko, channel ci of its group, tap i, j). */
static size_t filter_index(const conv_geom *g, int64_t ko, int64_t ci, int64_t i, int64_t j) {
  return (size_t)(g->nhwc ? ((ko * g->r + i) * g->s + j) * g->cg + ci
                          : ((ko * g->cg + ci) * g->r + i) * g->s + j);
}

static size_t out_index(const conv_geom *g, int64_t n, int64_t ko, int64_t y, int64_t x) {
  return (size_t)(g->nhwc ? ((n * g->p + y) * g->q + x) * g->k + ko
                          : ((n * g->k + ko) * g->p + y) * g->q + x);
}

/* Output element at flat index `idx`, decoded into (image, channel, row, column). */
typedef struct conv_point {
  int64_t n, ko, y, x;
} conv_point;

static conv_point decode_out(const conv_geom *g, size_t idx) {
  int64_t i = (int64_t)idx;
  conv_point pt;
  if (g->nhwc) {
    pt.ko = i % g->k, i /= g->k;
    pt.x = i % g->q, i /= g->q;
    pt.y = i % g->p, pt.n = i / g->p;
  } else {
    pt.x = i % g->q, i /= g->q;
    pt.y = i % g->p, i /= g->p;
    pt.ko = i % g->k, pt.n = i / g->k;
  }
  return pt;
}

/* The filter in float64, KRSC order (channels of the group innermost). */
static void load_filter(const conv_geom *g, ab_dtype t, const void *src, double *dst) {
  for (int64_t ko = 0; ko < g->k; ko++)
    for (int64_t i = 0; i < g->r; i++)
      for (int64_t j = 0; j < g->s; j++)
        for (int64_t ci = 0; ci < g->cg; ci++)
          *dst++ = ab_load_as_double(src, t, filter_index(g, ko, ci, i, j));
}

/* Image n of the input in float64, HWC order. */
static void load_image(const conv_geom *g, ab_dtype t, const void *src, int64_t n, double *dst) {
  for (int64_t y = 0; y < g->h; y++)
    for (int64_t x = 0; x < g->w; x++)
      for (int64_t ci = 0; ci < g->c; ci++)
        *dst++ = ab_load_as_double(src, t, in_index(g, n, ci, y, x));
}

/* Sum over the c/groups channels from c0 and the r x s taps of image * filter at output
 * pixel (y, x); `filter` is one KRSC row. *mag gets the scale of its rounding error: the sum
 * of |products|, or with `filter_abs` (a second row) the sum of |image| * filter_abs. */
static double conv_at(const conv_geom *g, const double *img, const double *filter,
                      const double *filter_abs, int64_t c0, int64_t y, int64_t x, double *mag) {
  double sum = 0.0, scale = 0.0;
  for (int64_t i = 0; i < g->r; i++) {
    int64_t yy = y * g->sh - g->ph + i * g->dh;
    if (yy < 0 || yy >= g->h)
      continue;
    for (int64_t j = 0; j < g->s; j++) {
      int64_t xx = x * g->sw - g->pw + j * g->dw;
      if (xx < 0 || xx >= g->w)
        continue;
      const double *a = img + (yy * g->w + xx) * g->c + c0;
      size_t tap = (size_t)((i * g->s + j) * g->cg);
      const double *b = filter + tap;
      for (int64_t ci = 0; ci < g->cg; ci++) {
        double prod = a[ci] * b[ci];
        sum += prod;
        scale += filter_abs ? fabs(a[ci]) * filter_abs[tap + (size_t)ci] : fabs(prod);
      }
    }
  }
  *mag = scale;
  return sum;
}

/* ---- the check -------------------------------------------------------------------------- */

/* One comparison (an element, or a projected sum) of `got` with `ref` within `tol`. */
static void compare(ab_validation *v, double got, double ref, double tol) {
  double err = fabs(got - ref);
  double ratio = isnan(err) ? INFINITY : err / tol;
  if (!(err <= tol))
    v->mismatches++;
  if (isnan(err) || err > v->max_abs_error)
    v->max_abs_error = isnan(err) ? INFINITY : err;
  if (ratio > v->max_error_ratio)
    v->max_error_ratio = ratio;
}

/* What every part of one check shares. */
typedef struct conv_check {
  const ab_check_io *io;
  conv_geom g;
  const void *out; /* the backend's output, read back */
  double *filter;  /* k rows of r*s*cg, float64 */
  double *img;     /* one image, HWC, float64 */
  size_t filter_row;
} conv_check;

/* Output element `idx` (of image `n`, loaded in cc->img) against its own reference. */
static void check_element(conv_check *cc, ab_validation *v, size_t idx) {
  conv_point pt = decode_out(&cc->g, idx);
  double mag, ref = conv_at(&cc->g, cc->img, cc->filter + (size_t)pt.ko * cc->filter_row, NULL,
                            pt.ko / cc->g.kg * cc->g.cg, pt.y, pt.x, &mag);
  double got = ab_load_as_double(cc->out, cc->io->desc->out_dtype, idx);
  compare(v, got, ref, ab_gemm_tolerance(cc->io->desc, cc->io->accumulate, ref, mag));
}

/* Every output element of every image against its own reference. */
static void check_full(conv_check *cc, ab_validation *v) {
  const conv_geom *g = &cc->g;
  for (int64_t n = 0; n < g->n; n++) {
    load_image(g, cc->io->desc->dtype, cc->io->host[0], n, cc->img);
    for (int64_t ko = 0; ko < g->k; ko++)
      for (int64_t y = 0; y < g->p; y++)
        for (int64_t x = 0; x < g->q; x++)
          check_element(cc, v, out_index(g, n, ko, y, x));
  }
  v->elements_checked = v->elements_total;
}

/* The projection: k weights v_i, |v_i| in [1, 2) with a random sign, so a wrong element
 * moves its group's sum by at least its own error and two errors cancel only by chance. */
typedef struct conv_projection {
  double *weight;     /* k */
  double *filter;     /* groups rows of r*s*cg: sum over the group's channels of v * W */
  double *filter_abs; /* the same with |v| * |W|: the scale of the rounding error */
  int64_t *samples;   /* flat output indices for the exact check, ascending */
  size_t n_samples;
} conv_projection;

static void project_filter(const conv_check *cc, conv_projection *pj) {
  const conv_geom *g = &cc->g;
  size_t row = cc->filter_row;
  for (int64_t gi = 0; gi < g->groups; gi++)
    for (size_t e = 0; e < row; e++) {
      double sum = 0.0, mag = 0.0;
      for (int64_t ko = gi * g->kg; ko < (gi + 1) * g->kg; ko++) {
        double f = cc->filter[(size_t)ko * row + e];
        sum += pj->weight[ko] * f;
        mag += fabs(pj->weight[ko] * f);
      }
      pj->filter[(size_t)gi * row + e] = sum;
      pj->filter_abs[(size_t)gi * row + e] = mag;
    }
}

static int cmp_index(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Seeded distinct output indices, ascending, the first and the last included. */
static void pick_samples(conv_projection *pj, uint64_t total, size_t want, ab_rng *rng) {
  size_t n = 0;
  pj->samples[n++] = 0;
  if (want > 1)
    pj->samples[n++] = (int64_t)total - 1;
  while (n < want)
    pj->samples[n++] = (int64_t)(ab_rng_next(rng) % total);
  qsort(pj->samples, n, sizeof *pj->samples, cmp_index);
  size_t kept = 0;
  for (size_t i = 0; i < n; i++)
    if (kept == 0 || pj->samples[kept - 1] != pj->samples[i])
      pj->samples[kept++] = pj->samples[i];
  pj->n_samples = kept;
}

/* The reference's own float64 rounding, worst case (Higham's gamma_n for the n products
 * of the projected sum and the k/groups terms of the output's): matters only for f64. */
static double float64_slack(const conv_geom *g, double scale) {
  double terms = (double)(g->cg * g->r * g->s + g->kg);
  return 2.0 * terms * 0x1.0p-53 * scale;
}

/* Group gi of output pixel (y, x) of image n: the projected output against the projected
 * reference. */
static void check_projected(conv_check *cc, const conv_projection *pj, ab_validation *v, int64_t n,
                            int64_t gi, int64_t y, int64_t x) {
  const conv_geom *g = &cc->g;
  size_t row = cc->filter_row;
  double mag, ref = conv_at(g, cc->img, pj->filter + (size_t)gi * row,
                            pj->filter_abs + (size_t)gi * row, gi * g->cg, y, x, &mag);
  double got = 0.0, got_mag = 0.0;
  for (int64_t ko = gi * g->kg; ko < (gi + 1) * g->kg; ko++) {
    double e = ab_load_as_double(cc->out, cc->io->desc->out_dtype, out_index(g, n, ko, y, x));
    got += pj->weight[ko] * e;
    got_mag += fabs(pj->weight[ko] * e);
  }
  /* The sum of the elements' tolerances: 8*u_acc*sum|products| over the group (mag) plus
   * 2*u_out*|element| (bounded through the output itself: an error e adds at most
   * 2*u_out*|e| to the tolerance and |e| to the error, so it cannot hide itself). */
  double tol = ab_gemm_tolerance(cc->io->desc, cc->io->accumulate, got_mag, mag) +
               float64_slack(g, mag + got_mag);
  if (!(fabs(got - ref) <= tol) || !isfinite(tol)) { /* NaN and infinity fail */
    int64_t unit = ((n * g->groups + gi) * g->p + y) * g->q + x;
    if (v->full_failed++ == 0)
      v->full_first_failed = unit;
  }
}

static void check_projection(conv_check *cc, const conv_projection *pj, ab_validation *v) {
  const conv_geom *g = &cc->g;
  size_t next = 0;
  uint64_t per_image = (uint64_t)g->k * (uint64_t)g->p * (uint64_t)g->q;
  for (int64_t n = 0; n < g->n; n++) {
    load_image(g, cc->io->desc->dtype, cc->io->host[0], n, cc->img);
    for (int64_t gi = 0; gi < g->groups; gi++)
      for (int64_t y = 0; y < g->p; y++)
        for (int64_t x = 0; x < g->q; x++)
          check_projected(cc, pj, v, n, gi, y, x);
    /* Both layouts keep images outermost, so the samples of image n are consecutive. */
    for (; next < pj->n_samples && (uint64_t)pj->samples[next] < (uint64_t)(n + 1) * per_image;
         next++)
      check_element(cc, v, (size_t)pj->samples[next]);
  }
  v->elements_checked = pj->n_samples;
}

/* Exact samples: at most max_elements and about AB_CONV2D_FULL_WORK multiply-adds. */
static size_t sample_count(const conv_geom *g, uint64_t max_elements, uint64_t total) {
  uint64_t per = (uint64_t)(g->cg * g->r * g->s);
  uint64_t n = AB_CONV2D_FULL_WORK / per;
  n = n < max_elements ? n : max_elements;
  n = n < total ? n : total;
  return (size_t)(n < 2 ? (total < 2 ? total : 2) : n);
}

static ab_status run_projection(conv_check *cc, ab_validation *v, char *msg) {
  const conv_geom *g = &cc->g;
  size_t row = cc->filter_row;
  conv_projection pj = {0};
  ab_rng rng;
  ab_rng_seed(&rng, cc->io->seed);
  size_t want = sample_count(g, cc->io->max_elements, v->elements_total);
  pj.weight = malloc((size_t)g->k * sizeof *pj.weight);
  pj.filter = malloc((size_t)g->groups * row * sizeof *pj.filter);
  pj.filter_abs = malloc((size_t)g->groups * row * sizeof *pj.filter_abs);
  pj.samples = malloc(want * sizeof *pj.samples);
  ab_status st = AB_OK;
  if (!pj.weight || !pj.filter || !pj.filter_abs || !pj.samples) {
    ab_msgf(msg, AB_MSG_LEN, "conv2d check: out of host memory for the projection");
    st = AB_E_NOMEM;
  } else {
    for (int64_t ko = 0; ko < g->k; ko++) {
      double mag = 1.0 + ab_rng_uniform(&rng);
      pj.weight[ko] = ab_rng_next(&rng) & 1 ? -mag : mag;
    }
    pick_samples(&pj, v->elements_total, want, &rng);
    project_filter(cc, &pj);
    v->full_checked = true;
    v->full_first_failed = -1;
    snprintf(v->full_rule, sizeof v->full_rule,
             "k-projection: every (image, group, pixel), unit ((n*groups+g)*p+y)*q+x: sum v*out "
             "vs the v-folded filter's conv, |v| in [1,2), summed element tolerances");
    check_projection(cc, &pj, v);
    snprintf(v->rule, sizeof v->rule, "%zu sampled: 8*u_acc*sum|xw| + 2*u_out*|ref|, u_acc %g",
             pj.n_samples, ab_gemm_tolerance(cc->io->desc, cc->io->accumulate, 0.0, 1.0) / 8.0);
  }
  free(pj.weight);
  free(pj.filter);
  free(pj.filter_abs);
  free(pj.samples);
  return st;
}

ab_status ab_conv2d_check(const ab_check_io *io, uint64_t full_work, ab_validation *v, char *msg) {
  conv_check cc = {.io = io, .g = geom_of(io->desc)};
  const conv_geom *g = &cc.g;
  v->checked = true;
  v->elements_total = (uint64_t)out_elems(g);
  cc.out = io->read_all(io->ctx, 2, msg);
  if (!cc.out)
    return AB_E_DEVICE;
  cc.filter_row = (size_t)(g->r * g->s * g->cg);
  cc.filter = malloc((size_t)g->k * cc.filter_row * sizeof *cc.filter);
  cc.img = malloc((size_t)(g->h * g->w * g->c) * sizeof *cc.img);
  ab_status st = AB_OK;
  if (!cc.filter || !cc.img) {
    ab_msgf(msg, AB_MSG_LEN, "conv2d check: out of host memory for the float64 reference");
    st = AB_E_NOMEM;
  } else {
    load_filter(g, io->desc->dtype, io->host[1], cc.filter);
    if (macs(g) <= (double)full_work) {
      check_full(&cc, v);
      snprintf(v->rule, sizeof v->rule, "all elements: 8*u_acc*sum|xw| + 2*u_out*|ref| (u_acc %g)",
               ab_gemm_tolerance(io->desc, io->accumulate, 0.0, 1.0) / 8.0);
    } else {
      st = run_projection(&cc, v, msg);
    }
  }
  free(cc.filter);
  free(cc.img);
  return st;
}

static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  return ab_conv2d_check(io, AB_CONV2D_FULL_WORK, v, msg);
}

const ab_kind_def ab_kind_conv2d = {
    .kind = AB_KERNEL_CONV2D,
    .fields = fields,
    .n_fields = sizeof fields / sizeof fields[0],
    .metric = AB_METRIC_FLOPS,
    .bound = AB_BOUND_COMPUTE,
    .layouts = 1u << AB_LAYOUT_NCHW | 1u << AB_LAYOUT_NHWC,
    .flops = flops,
    .bytes = bytes,
    .operand_count = operand_count,
    .operand = operand,
    .check = check,
    .shape_str = shape_str,
    .validate = validate,
    .tolerance_source = "GEMM rule over the c/groups*r*s products of each element: Higham, "
                        "Accuracy and Stability of Numerical Algorithms, 2nd ed., sec. 3.1; "
                        "docs/measurement.md",
};
