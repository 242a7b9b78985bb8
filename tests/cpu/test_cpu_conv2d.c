/* conv2d on the CPU backend, through the harness's own runner (bench/runner.c): seeded
 * inputs, the timed loop and the float64 check of bench/model/kinds/conv2d.c. Every
 * provider that offers conv2d must come back ok, validated, in both layouts. */
#include <criterion/criterion.h>
#include <string.h>

#include "runner.h"

static ab_loaded_backend cpu;
static ab_open_device dev;
static ab_suite suite;

static void setup(void) {
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_backend_load_file(AB_TEST_BACKEND_DIR "/accelbench-backend-cpu.so", &cpu, msg),
               AB_OK, "%s", msg);
  memset(&suite, 0, sizeof suite);
  suite.seed = 42;
  suite.measure = ab_measure_defaults();
  suite.measure.warmup_s = 0.01;
  suite.measure.warmup_min_calls = 1;
  suite.measure.min_samples = 3;
  suite.measure.time_cap_s = 0.05;
  suite.measure.sample_min_s = 0.001;
  suite.validate_max_elements = 512;
  cr_assert_eq(ab_device_open(&dev, &cpu, 0, &suite, msg), AB_OK, "%s", msg);
}

static void teardown(void) {
  ab_device_close(&dev);
}

TestSuite(cpu_conv2d, .init = setup, .fini = teardown);

static ab_conv2d_params plain(int64_t n, int64_t c, int64_t hw, int64_t k, int64_t rs) {
  return (ab_conv2d_params){.n = n,
                            .c = c,
                            .h = hw,
                            .w = hw,
                            .k = k,
                            .r = rs,
                            .s = rs,
                            .stride_h = 1,
                            .stride_w = 1,
                            .pad_h = rs / 2,
                            .pad_w = rs / 2,
                            .dil_h = 1,
                            .dil_w = 1,
                            .groups = 1};
}

static ab_case_result run(const char *provider, ab_conv2d_params p, ab_layout layout, ab_dtype in) {
  ab_case_spec s = {.set = "test"};
  s.desc = (ab_kernel_desc){.struct_size = sizeof s.desc,
                            .kind = AB_KERNEL_CONV2D,
                            .dtype = in,
                            .out_dtype = in == AB_DTYPE_I8 ? AB_DTYPE_I32 : in,
                            .layout = layout};
  s.desc.params.conv2d = p;
  ab_case_result r;
  ab_run_case(&dev, &s, provider, &suite, &r);
  return r;
}

static void expect_ok(const ab_case_result *r) {
  cr_expect_eq(r->status, AB_CASE_OK, "%s: %s", r->case_id, r->reason);
  cr_expect(r->validation.checked, "%s", r->case_id);
  cr_expect_eq(r->validation.elements_checked, r->validation.elements_total, "%s", r->case_id);
  cr_expect_gt(r->validation.elements_total, 0);
  cr_expect_leq(r->validation.max_error_ratio, 1.0, "%s", r->case_id);
}

static const ab_layout layouts[] = {AB_LAYOUT_DEFAULT, AB_LAYOUT_NHWC};

/* Shapes with stride, dilation, groups and a depthwise layer, small enough for the full
 * reference. */
static ab_conv2d_params odd_shape(int i) {
  ab_conv2d_params p = plain(2, 12, 11, 8, 3);
  if (i == 1)
    p.stride_h = 2, p.dil_w = 2, p.pad_w = 2, p.groups = 4;
  if (i == 2)
    p = plain(1, 24, 13, 24, 3), p.groups = 24, p.stride_h = p.stride_w = 2;
  if (i == 3)
    p = plain(1, 5, 9, 7, 1), p.s = 3, p.pad_w = 0;
  return p;
}

Test(cpu_conv2d, native_every_dtype_both_layouts) {
  static const ab_dtype dtypes[] = {AB_DTYPE_F64, AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16,
                                    AB_DTYPE_I8};
  for (size_t l = 0; l < 2; l++)
    for (size_t t = 0; t < 5; t++)
      for (int i = 0; i < 4; i++) {
        ab_case_result r = run("native", odd_shape(i), layouts[l], dtypes[t]);
        expect_ok(&r);
        cr_expect(strstr(r.implementation, "native direct conv2d"), "%s", r.implementation);
      }
}

/* oneDNN 2.6: f32, bf16 and int8 convolutions on x86-64; f16 where the CPU has them (else
 * oneDNN's "unimplemented"); no f64 data type at all. */
Test(cpu_conv2d, onednn_dtypes_both_layouts) {
#ifndef AB_TEST_CPU_ONEDNN
  cr_skip_test("built without oneDNN");
#endif
  for (size_t l = 0; l < 2; l++) {
    for (int i = 0; i < 4; i++) {
      static const ab_dtype dtypes[] = {AB_DTYPE_F32, AB_DTYPE_BF16, AB_DTYPE_I8};
      for (size_t t = 0; t < 3; t++) {
        ab_case_result r = run("onednn", odd_shape(i), layouts[l], dtypes[t]);
        expect_ok(&r);
        cr_expect(strstr(r.implementation, "onednn conv"), "%s", r.implementation);
      }
    }
    ab_case_result f16 = run("onednn", odd_shape(0), layouts[l], AB_DTYPE_F16);
    if (f16.status != AB_CASE_OK) {
      cr_expect_eq(f16.status, AB_CASE_UNSUPPORTED, "%s", f16.reason);
      cr_expect(strstr(f16.reason, "unimplemented"), "%s", f16.reason);
    }
    ab_case_result f64 = run("onednn", odd_shape(0), layouts[l], AB_DTYPE_F64);
    cr_expect_eq(f64.status, AB_CASE_UNSUPPORTED, "%s", f64.reason);
    cr_expect(strstr(f64.reason, "no f64 data type"), "%s", f64.reason);
  }
}

/* A layer beyond the full reference's budget (2 x 64 x 56 x 56 outputs of 576 products
 * each) is checked by the projection over output channels, and passes. */
Test(cpu_conv2d, large_layer_is_checked_by_projection) {
  const char *provider =
#ifdef AB_TEST_CPU_ONEDNN
      "onednn";
#else
      "native";
#endif
  ab_case_result r = run(provider, plain(2, 64, 56, 64, 3), AB_LAYOUT_NHWC, AB_DTYPE_F32);
  expect_ok(&r);
  cr_expect(strstr(r.validation.rule, "k-projection"), "%s", r.validation.rule);
}

Test(cpu_conv2d, openblas_answers_unsupported_naming_the_providers) {
  ab_case_result r = run("openblas", odd_shape(0), AB_LAYOUT_DEFAULT, AB_DTYPE_F32);
  cr_expect_eq(r.status, AB_CASE_UNSUPPORTED, "%s", r.reason);
  cr_expect(strstr(r.reason, "native"), "%s", r.reason);
  /* A dtype pair the native loops do not cover is unsupported, with the pair named. */
  ab_case_spec s = {.set = "test"};
  s.desc = (ab_kernel_desc){.struct_size = sizeof s.desc,
                            .kind = AB_KERNEL_CONV2D,
                            .dtype = AB_DTYPE_F32,
                            .out_dtype = AB_DTYPE_F64};
  s.desc.params.conv2d = odd_shape(0);
  ab_run_case(&dev, &s, "native", &suite, &r);
  cr_expect_eq(r.status, AB_CASE_UNSUPPORTED, "%s", r.reason);
  cr_expect(strstr(r.reason, "f32 -> f64"), "%s", r.reason);
}
