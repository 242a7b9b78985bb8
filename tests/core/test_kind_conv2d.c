/* The conv2d kind (bench/model/kinds/conv2d.c): its work model and shape checks, and its
 * check of an output against the float64 reference on both paths (full reference and the
 * projection over output channels): correct outputs pass in every dtype and layout, and a
 * single wrong element anywhere fails. The expected outputs come from this file's own
 * naive loop over the formula in include/accelbench/kernel.h, not from the model. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/inputs.h"
#include "model/kernel.h"
#include "model/kind.h"
#include "model/kinds/conv2d.h"

typedef struct conv_case {
  ab_kernel_desc d;
  int64_t p, q;
  size_t n_in, n_filter, n_out;
  void *in, *filter, *out;
} conv_case;

static ab_conv2d_params shape(int64_t n, int64_t c, int64_t h, int64_t w, int64_t k, int64_t r,
                              int64_t s) {
  return (ab_conv2d_params){.n = n,
                            .c = c,
                            .h = h,
                            .w = w,
                            .k = k,
                            .r = r,
                            .s = s,
                            .stride_h = 1,
                            .stride_w = 1,
                            .dil_h = 1,
                            .dil_w = 1,
                            .groups = 1};
}

static void store(void *dst, ab_dtype t, size_t i, double v) {
  switch (t) {
  case AB_DTYPE_F64: ((double *)dst)[i] = v; break;
  case AB_DTYPE_F32: ((float *)dst)[i] = (float)v; break;
  case AB_DTYPE_F16: ((uint16_t *)dst)[i] = ab_f32_to_f16((float)v); break;
  case AB_DTYPE_BF16: ((uint16_t *)dst)[i] = ab_f32_to_bf16((float)v); break;
  case AB_DTYPE_I32: ((int32_t *)dst)[i] = (int32_t)v; break;
  default: cr_assert_fail("dtype %d", (int)t);
  }
}

/* Output element (n, ko, y, x) straight from kernel.h's formula and index rules. */
static double naive(const conv_case *t, int64_t n, int64_t ko, int64_t y, int64_t x) {
  const ab_conv2d_params *p = &t->d.params.conv2d;
  int64_t cg = p->c / p->groups, g = ko / (p->k / p->groups);
  bool nhwc = t->d.layout == AB_LAYOUT_NHWC;
  double sum = 0.0;
  for (int64_t ci = 0; ci < cg; ci++)
    for (int64_t i = 0; i < p->r; i++)
      for (int64_t j = 0; j < p->s; j++) {
        int64_t yy = y * p->stride_h - p->pad_h + i * p->dil_h;
        int64_t xx = x * p->stride_w - p->pad_w + j * p->dil_w;
        int64_t ch = g * cg + ci;
        if (yy < 0 || yy >= p->h || xx < 0 || xx >= p->w)
          continue;
        size_t ii = (size_t)(nhwc ? ((n * p->h + yy) * p->w + xx) * p->c + ch
                                  : ((n * p->c + ch) * p->h + yy) * p->w + xx);
        size_t fi = (size_t)(nhwc ? ((ko * p->r + i) * p->s + j) * cg + ci
                                  : ((ko * cg + ci) * p->r + i) * p->s + j);
        sum +=
            ab_load_as_double(t->in, t->d.dtype, ii) * ab_load_as_double(t->filter, t->d.dtype, fi);
      }
  return sum;
}

static size_t out_at(const conv_case *t, int64_t n, int64_t ko, int64_t y, int64_t x) {
  const ab_conv2d_params *p = &t->d.params.conv2d;
  return (size_t)(t->d.layout == AB_LAYOUT_NHWC ? ((n * t->p + y) * t->q + x) * p->k + ko
                                                : ((n * p->k + ko) * t->p + y) * t->q + x);
}

/* Seeded inputs and the correct output, rounded to the output dtype. */
static conv_case make(ab_conv2d_params p, ab_layout layout, ab_dtype in, ab_dtype out) {
  conv_case t = {.d = {.struct_size = sizeof t.d,
                       .kind = AB_KERNEL_CONV2D,
                       .dtype = in,
                       .out_dtype = out,
                       .layout = layout}};
  t.d.params.conv2d = p;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_kernel_check(&t.d, msg, sizeof msg), AB_OK, "%s", msg);
  t.p = ab_conv2d_out_h(&p);
  t.q = ab_conv2d_out_w(&p);
  t.n_in = (size_t)(p.n * p.c * p.h * p.w);
  t.n_filter = (size_t)(p.k * (p.c / p.groups) * p.r * p.s);
  t.n_out = (size_t)(p.n * p.k * t.p * t.q);
  t.in = malloc(t.n_in * ab_dtype_size(in));
  t.filter = malloc(t.n_filter * ab_dtype_size(in));
  t.out = malloc(t.n_out * ab_dtype_size(out));
  ab_fill_random(t.in, in, t.n_in, 11);
  ab_fill_random(t.filter, in, t.n_filter, 12);
  for (int64_t n = 0; n < p.n; n++)
    for (int64_t ko = 0; ko < p.k; ko++)
      for (int64_t y = 0; y < t.p; y++)
        for (int64_t x = 0; x < t.q; x++)
          store(t.out, out, out_at(&t, n, ko, y, x), naive(&t, n, ko, y, x));
  return t;
}

static void drop(conv_case *t) {
  free(t->in);
  free(t->filter);
  free(t->out);
}

static const void *read_out(void *ctx, size_t op, char *msg) {
  (void)msg;
  cr_assert_eq(op, 2, "the check reads the output, operand 2");
  return ((conv_case *)ctx)->out;
}

/* The kind's check on `t` with the given work limit (0 forces the projection). */
static ab_validation check(conv_case *t, uint64_t full_work, uint64_t max_elements) {
  const void *host[3] = {t->in, t->filter, NULL};
  ab_check_io io = {.desc = &t->d,
                    .host = host,
                    .accumulate = AB_DTYPE_INVALID,
                    .max_elements = max_elements,
                    .seed = 99,
                    .ctx = t,
                    .read_all = read_out};
  ab_validation v = {0};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_conv2d_check(&io, full_work, &v, msg), AB_OK, "%s", msg);
  cr_assert(v.checked);
  cr_assert_eq(v.elements_total, t->n_out);
  if (v.full_checked) /* the projection covers every element; the sample is on top */
    cr_assert(v.elements_checked >= 2 && v.elements_checked <= max_elements);
  else
    cr_assert_eq(v.elements_checked, t->n_out, "every element against its own reference");
  return v;
}

/* Elements and projected sums outside tolerance. */
static uint64_t failures(const ab_validation *v) {
  return v->mismatches + v->full_failed;
}

static const uint64_t FULL = UINT64_MAX, PROJECTED = 0;

/* Shapes that exercise every parameter: stride, padding, dilation, groups, depthwise, a
 * filter wider than the stride, and a 1x1. */
static ab_conv2d_params shapes(size_t i) {
  ab_conv2d_params p = shape(2, 4, 7, 6, 6, 3, 3);
  switch (i) {
  case 0: break;
  case 1: p.stride_h = 2, p.stride_w = 3, p.pad_h = 1, p.pad_w = 2; break;
  case 2: p.dil_h = 2, p.dil_w = 3, p.pad_h = 2, p.pad_w = 1; break;
  case 3: p.groups = 2, p.pad_h = p.pad_w = 1; break;
  case 4: p = shape(2, 5, 6, 7, 5, 3, 3), p.groups = 5, p.pad_h = p.pad_w = 1; break;
  case 5: p = shape(1, 8, 5, 5, 3, 1, 1); break;
  default: p = shape(3, 3, 9, 9, 8, 7, 5), p.stride_h = p.stride_w = 2, p.pad_h = 3; break;
  }
  return p;
}
#define N_SHAPES 7

static const ab_dtype in_types[] = {AB_DTYPE_F64, AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16,
                                    AB_DTYPE_I8};
static const ab_dtype out_types[] = {AB_DTYPE_F64, AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16,
                                     AB_DTYPE_I32};
static const ab_layout layouts[] = {AB_LAYOUT_DEFAULT, AB_LAYOUT_NHWC};

Test(conv2d_check, correct_outputs_pass_every_dtype_layout_and_path) {
  for (size_t s = 0; s < N_SHAPES; s++)
    for (size_t t = 0; t < 5; t++)
      for (size_t l = 0; l < 2; l++) {
        conv_case c = make(shapes(s), layouts[l], in_types[t], out_types[t]);
        ab_validation full = check(&c, FULL, 64), proj = check(&c, PROJECTED, 64);
        cr_assert_eq(full.mismatches, 0, "shape %zu dtype %zu layout %zu: full ratio %g", s, t, l,
                     full.max_error_ratio);
        cr_assert_eq(failures(&proj), 0, "shape %zu dtype %zu layout %zu: projected, first %lld", s,
                     t, l, (long long)proj.full_first_failed);
        cr_assert(proj.full_checked && strstr(proj.full_rule, "k-projection"), "%s",
                  proj.full_rule);
        cr_assert_not(full.full_checked);
        cr_assert(strstr(full.rule, "all elements"), "%s", full.rule);
        drop(&c);
      }
}

/* Wrong by `delta` at element i, checked, then restored. */
static ab_validation with_wrong_element(conv_case *c, size_t i, double delta, uint64_t full_work) {
  double was = ab_load_as_double(c->out, c->d.out_dtype, i);
  store(c->out, c->d.out_dtype, i, isnan(delta) ? NAN : was + delta);
  ab_validation v = check(c, full_work, 16);
  store(c->out, c->d.out_dtype, i, was);
  return v;
}

/* Every position of the output, on both paths: on the second the fold itself fails it
 * (full_failed), not only the exact sample (16 elements here). An error of 0.01 is a few
 * percent of an element of this shape, far beyond f32 rounding. */
Test(conv2d_check, one_wrong_element_anywhere_fails) {
  for (size_t s = 0; s < N_SHAPES; s++)
    for (size_t l = 0; l < 2; l++) {
      conv_case c = make(shapes(s), layouts[l], AB_DTYPE_F32, AB_DTYPE_F32);
      for (size_t i = 0; i < c.n_out; i++) {
        ab_validation full = with_wrong_element(&c, i, 0.01, FULL);
        ab_validation proj = with_wrong_element(&c, i, 0.01, PROJECTED);
        cr_assert_eq(full.mismatches, 1, "shape %zu layout %zu element %zu: full", s, l, i);
        cr_assert_geq(proj.full_failed, 1, "shape %zu layout %zu element %zu: projected", s, l, i);
      }
      drop(&c);
    }
}

/* The per-element rule is tight: for these shapes (36 products of values below 1) an f32
 * element off by 1e-4 is about 20 tolerances away, and fails wherever it is on the full
 * path, and at the first and last element (always in the exact sample) on the other. */
Test(conv2d_check, small_error_fails_per_element) {
  conv_case c = make(shapes(0), AB_LAYOUT_NHWC, AB_DTYPE_F32, AB_DTYPE_F32);
  for (size_t i = 0; i < c.n_out; i++) {
    ab_validation v = with_wrong_element(&c, i, 1e-4, FULL);
    cr_assert_eq(v.mismatches, 1, "element %zu", i);
    cr_assert_gt(v.max_error_ratio, 5.0, "element %zu: ratio %g", i, v.max_error_ratio);
  }
  cr_assert_eq(with_wrong_element(&c, 0, 1e-4, PROJECTED).mismatches, 1);
  cr_assert_eq(with_wrong_element(&c, c.n_out - 1, -1e-4, PROJECTED).mismatches, 1);
  drop(&c);
}

/* int8 -> int32 is exact: an element off by one is caught by the projection too; and in
 * every dtype a NaN is. */
Test(conv2d_check, off_by_one_int32_and_nan_fail) {
  conv_case c = make(shapes(3), AB_LAYOUT_NHWC, AB_DTYPE_I8, AB_DTYPE_I32);
  for (size_t i = 0; i < c.n_out; i++)
    cr_assert_geq(with_wrong_element(&c, i, 1.0, PROJECTED).full_failed, 1, "element %zu", i);
  drop(&c);
  for (size_t t = 0; t < 4; t++) {
    conv_case f = make(shapes(1), AB_LAYOUT_DEFAULT, in_types[t], out_types[t]);
    for (size_t i = 0; i < f.n_out; i += 7)
      cr_assert_geq(with_wrong_element(&f, i, NAN, PROJECTED).full_failed, 1, "dtype %zu", t);
    drop(&f);
  }
}

/* An output never written (the harness's 0xff poison) and one written in NCHW order
 * where NHWC is due both fail on both paths. */
Test(conv2d_check, untouched_or_transposed_output_fails) {
  conv_case c = make(shapes(1), AB_LAYOUT_NHWC, AB_DTYPE_F32, AB_DTYPE_F32);
  float *right = malloc(c.n_out * sizeof *right);
  memcpy(right, c.out, c.n_out * sizeof *right);
  const ab_conv2d_params *p = &c.d.params.conv2d;
  for (int64_t n = 0; n < p->n; n++)
    for (int64_t ko = 0; ko < p->k; ko++)
      for (int64_t y = 0; y < c.p; y++)
        for (int64_t x = 0; x < c.q; x++)
          ((float *)c.out)[((n * p->k + ko) * c.p + y) * c.q + x] = right[out_at(&c, n, ko, y, x)];
  cr_assert_gt(check(&c, FULL, 64).mismatches, c.n_out / 2);
  cr_assert_gt(check(&c, PROJECTED, 64).full_failed, 0);
  memset(c.out, 0xff, c.n_out * sizeof(float));
  cr_assert_eq(check(&c, FULL, 64).mismatches, c.n_out);
  ab_validation poisoned = check(&c, PROJECTED, 64);
  cr_assert_eq(poisoned.full_failed, c.n_out / c.d.params.conv2d.k, "every folded sum fails");
  cr_assert_eq(poisoned.full_first_failed, 0);
  free(right);
  drop(&c);
}

/* The default limit: a small case gets the full reference, a large one the projection. */
Test(conv2d_check, path_follows_the_work_limit) {
  conv_case c = make(shapes(0), AB_LAYOUT_DEFAULT, AB_DTYPE_F32, AB_DTYPE_F32);
  double macs = ab_kernel_flops(&c.d) / 2.0;
  cr_assert(strstr(check(&c, (uint64_t)macs, 64).rule, "all elements"));
  cr_assert(check(&c, (uint64_t)macs - 1, 64).full_checked);
  cr_assert(strstr(ab_kind_def_of(AB_KERNEL_CONV2D)->tolerance_source, "Higham"));
  drop(&c);
}

/* ---- work model and shape checks ---------------------------------------------------- */

static ab_kernel_desc desc_of(ab_conv2d_params p, ab_dtype in, ab_dtype out) {
  ab_kernel_desc d = {
      .struct_size = sizeof d, .kind = AB_KERNEL_CONV2D, .dtype = in, .out_dtype = out};
  d.params.conv2d = p;
  return d;
}

Test(conv2d_model, flops_bytes_and_operands) {
  /* ResNet-50 conv1: 224x224x3, 7x7/2, pad 3, 64 filters -> 112x112. */
  ab_conv2d_params p = shape(8, 3, 224, 224, 64, 7, 7);
  p.stride_h = p.stride_w = 2, p.pad_h = p.pad_w = 3;
  ab_kernel_desc d = desc_of(p, AB_DTYPE_BF16, AB_DTYPE_BF16);
  cr_assert_eq(ab_conv2d_out_h(&p), 112);
  cr_assert_eq(ab_conv2d_out_w(&p), 112);
  cr_assert_float_eq(ab_kernel_flops(&d), 2.0 * 8 * 64 * 112 * 112 * 3 * 7 * 7, 1.0);
  double in = 8.0 * 3 * 224 * 224, f = 64.0 * 3 * 7 * 7, out = 8.0 * 64 * 112 * 112;
  cr_assert_float_eq(ab_kernel_bytes(&d), 2.0 * (in + f + out), 1.0);
  ab_operand_def op;
  cr_assert_eq(ab_kernel_operand_count(&d), 3);
  ab_kernel_operand(&d, 1, &op);
  cr_assert_eq(op.role, AB_OPERAND_INPUT);
  cr_assert_eq(op.bytes, (size_t)f * 2);
  ab_kernel_operand(&d, 2, &op);
  cr_assert_eq(op.role, AB_OPERAND_OUTPUT);
  cr_assert_eq(op.bytes, (size_t)out * 2);
  /* Depthwise 3x3 (MobileNet-v2), int8: FLOPs over c/groups = 1 channel per output. */
  p = shape(1, 144, 56, 56, 144, 3, 3);
  p.groups = 144, p.stride_h = p.stride_w = 2, p.pad_h = p.pad_w = 1;
  d = desc_of(p, AB_DTYPE_I8, AB_DTYPE_I32);
  cr_assert_float_eq(ab_kernel_flops(&d), 2.0 * 144 * 28 * 28 * 9, 1.0);
  ab_kernel_operand(&d, 2, &op);
  cr_assert_eq(op.bytes, (size_t)144 * 28 * 28 * 4);
  const ab_kind_def *k = ab_kind_def_of(AB_KERNEL_CONV2D);
  cr_assert_eq(k->metric, AB_METRIC_FLOPS);
  cr_assert_eq(k->bound, AB_BOUND_COMPUTE);
  cr_assert_not(k->once_per_device);
}

static void expect_invalid(ab_kernel_desc d, const char *mention) {
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_E_INVALID, "accepted: %s", mention);
  cr_assert(strstr(msg, mention), "\"%s\" does not mention %s", msg, mention);
}

Test(conv2d_model, bad_shapes_are_refused_with_reasons) {
  ab_conv2d_params p = shape(1, 6, 8, 8, 4, 3, 3);
  p.groups = 4;
  expect_invalid(desc_of(p, AB_DTYPE_F32, AB_DTYPE_F32), "multiples of groups");
  p = shape(1, 4, 3, 8, 4, 3, 3);
  p.dil_h = 2;
  expect_invalid(desc_of(p, AB_DTYPE_F32, AB_DTYPE_F32), "no output");
  p = shape(1, 4, 8, 8, 4, 3, 3);
  p.stride_w = 0;
  expect_invalid(desc_of(p, AB_DTYPE_F32, AB_DTYPE_F32), "stride_w=0");
  p.stride_w = 1, p.pad_h = -1;
  expect_invalid(desc_of(p, AB_DTYPE_F32, AB_DTYPE_F32), "pad_h=-1");
  p = shape(2147483647, 2147483647, 2147483647, 8, 4, 1, 1);
  expect_invalid(desc_of(p, AB_DTYPE_F32, AB_DTYPE_F32), "overflows");
  ab_kernel_desc d = desc_of(shape(1, 4, 8, 8, 4, 3, 3), AB_DTYPE_F32, AB_DTYPE_F32);
  d.layout = AB_LAYOUT_BSHD;
  expect_invalid(d, "layout");
  /* Work of an unchecked descriptor is 0, never a division by a zero stride. */
  d = desc_of(shape(1, 4, 8, 8, 4, 3, 3), AB_DTYPE_F32, AB_DTYPE_F32);
  d.params.conv2d.stride_h = 0;
  cr_assert_eq(ab_kernel_flops(&d), 0.0);
}

Test(conv2d_model, shape_text_names_the_layout) {
  ab_conv2d_params p = shape(32, 256, 14, 14, 256, 3, 3);
  p.pad_h = p.pad_w = 1;
  ab_kernel_desc d = desc_of(p, AB_DTYPE_F32, AB_DTYPE_F32);
  char a[128], b[128];
  ab_kernel_shape_str(&d, a, sizeof a);
  cr_assert_str_eq(a, "n=32 c=256 h=14 w=14 k=256 r=3 s=3 stride=1x1 pad=1x1 dil=1x1 g=1 nchw");
  d.layout = AB_LAYOUT_NHWC;
  ab_kernel_shape_str(&d, b, sizeof b);
  cr_assert(strstr(b, " nhwc"), "%s", b);
  cr_assert_lt(strlen(b), 96, "fits the runner's shape text of a case id");
}
