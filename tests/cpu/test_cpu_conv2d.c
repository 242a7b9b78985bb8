/* conv2d on the CPU backend, through the harness's own runner (bench/runner.c): seeded
 * inputs, the timed loop and the float64 check of bench/model/kinds/conv2d.c. Every
 * provider that offers conv2d must come back ok, validated, in both layouts. */
#include <criterion/criterion.h>

#include "tests/fixtures/conv2d_runner.h"

static void setup(void) {
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(conv_open("accelbench-backend-cpu.so", msg), AB_OK, "%s", msg);
}

static void teardown(void) {
  ab_device_close(&conv_dev);
}

TestSuite(cpu_conv2d, .init = setup, .fini = teardown);

Test(cpu_conv2d, native_every_dtype_both_layouts) {
  static const ab_dtype dtypes[] = {AB_DTYPE_F64, AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16,
                                    AB_DTYPE_I8};
  for (size_t l = 0; l < 2; l++)
    for (size_t t = 0; t < 5; t++)
      for (int i = 0; i < CONV_ODD_SHAPES; i++) {
        ab_case_result r = conv_run("native", conv_odd_shape(i), conv_layouts[l], dtypes[t], 0);
        conv_expect_ok(&r, "native direct conv2d");
      }
  /* Half inputs may also write f32. */
  ab_case_result r =
      conv_run("native", conv_odd_shape(1), AB_LAYOUT_NHWC, AB_DTYPE_BF16, AB_DTYPE_F32);
  conv_expect_ok(&r, "native direct conv2d");
}

/* oneDNN 2.6: f32, bf16 and int8 convolutions on x86-64; f16 where the CPU has them (else
 * oneDNN's "unimplemented"); no f64 data type at all. */
Test(cpu_conv2d, onednn_dtypes_both_layouts) {
#ifndef AB_TEST_CPU_ONEDNN
  cr_skip_test("built without oneDNN");
#endif
  static const ab_dtype dtypes[] = {AB_DTYPE_F32, AB_DTYPE_BF16, AB_DTYPE_I8};
  for (size_t l = 0; l < 2; l++) {
    for (int i = 0; i < CONV_ODD_SHAPES; i++)
      for (size_t t = 0; t < 3; t++) {
        ab_case_result r = conv_run("onednn", conv_odd_shape(i), conv_layouts[l], dtypes[t], 0);
        conv_expect_ok(&r, "onednn conv");
      }
    ab_case_result f16 = conv_run("onednn", conv_odd_shape(0), conv_layouts[l], AB_DTYPE_F16, 0);
    if (f16.status != AB_CASE_OK) {
      cr_expect_eq(f16.status, AB_CASE_UNSUPPORTED, "%s", f16.reason);
      cr_expect(strstr(f16.reason, "unimplemented"), "%s", f16.reason);
    }
    ab_case_result f64 = conv_run("onednn", conv_odd_shape(0), conv_layouts[l], AB_DTYPE_F64, 0);
    cr_expect_eq(f64.status, AB_CASE_UNSUPPORTED, "%s", f64.reason);
    cr_expect(strstr(f64.reason, "no f64 data type"), "%s", f64.reason);
  }
}

/* A layer beyond the full reference's budget (2 x 64 x 56 x 56 outputs of 576 products
 * each) is checked by the projection over output channels, and passes. */
Test(cpu_conv2d, large_layer_is_checked_by_projection) {
#ifdef AB_TEST_CPU_ONEDNN
  const char *provider = "onednn", *impl = "onednn conv";
#else
  const char *provider = "native", *impl = "native direct conv2d";
#endif
  ab_case_result r =
      conv_run(provider, conv_plain(2, 64, 56, 64, 3), AB_LAYOUT_NHWC, AB_DTYPE_F32, 0);
  conv_expect_ok(&r, impl);
  cr_expect(r.validation.full_checked, "%s", r.validation.rule);
  cr_expect(strstr(r.validation.full_rule, "k-projection"), "%s", r.validation.full_rule);
}

Test(cpu_conv2d, unsupported_answers_name_the_reason) {
  ab_case_result r = conv_run("openblas", conv_odd_shape(0), AB_LAYOUT_DEFAULT, AB_DTYPE_F32, 0);
  cr_expect_eq(r.status, AB_CASE_UNSUPPORTED, "%s", r.reason);
  cr_expect(strstr(r.reason, "native"), "%s", r.reason);
  /* A dtype pair the native loops do not cover is unsupported, with the pair named. */
  r = conv_run("native", conv_odd_shape(0), AB_LAYOUT_DEFAULT, AB_DTYPE_F32, AB_DTYPE_F64);
  cr_expect_eq(r.status, AB_CASE_UNSUPPORTED, "%s", r.reason);
  cr_expect(strstr(r.reason, "f32 -> f64"), "%s", r.reason);
}
