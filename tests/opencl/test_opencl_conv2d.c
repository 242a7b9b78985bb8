/* conv2d on the OpenCL backend's portable kernel (backends/opencl/ocl_conv2d.c), through
 * the harness's own runner and float64 check, on the first device the ICD loader offers
 * (POCL here). f64 and f16 run where the device has cl_khr_fp64 / cl_khr_fp16 and are
 * unsupported with that reason where it does not. */
#include <criterion/criterion.h>
#include <unistd.h>

#include "tests/fixtures/conv2d_runner.h"

static void setup(void) {
  char msg[AB_MSG_LEN] = "";
  if (conv_open("accelbench-backend-opencl.so", msg) != AB_OK &&
      access("/etc/OpenCL/vendors/pocl.icd", R_OK) != 0)
    cr_skip_test("no OpenCL device on this machine: %s", msg);
  cr_assert(conv_dev.open, "%s", msg);
}

static void teardown(void) {
  ab_device_close(&conv_dev);
}

TestSuite(opencl_conv2d, .init = setup, .fini = teardown);

static void expect_ok_or_missing_extension(const ab_case_result *r, const char *extension) {
  if (r->status == AB_CASE_UNSUPPORTED) {
    cr_expect(strstr(r->reason, extension), "%s: %s", r->case_id, r->reason);
    return;
  }
  conv_expect_ok(r, "portable ab_conv2d");
}

Test(opencl_conv2d, every_dtype_both_layouts) {
  static const ab_dtype dtypes[] = {AB_DTYPE_F32, AB_DTYPE_BF16, AB_DTYPE_I8};
  for (size_t l = 0; l < 2; l++)
    for (int i = 0; i < CONV_ODD_SHAPES; i++) {
      for (size_t t = 0; t < 3; t++) {
        ab_case_result r = conv_run("portable", conv_odd_shape(i), conv_layouts[l], dtypes[t], 0);
        conv_expect_ok(&r, "portable ab_conv2d");
      }
      ab_case_result r = conv_run("portable", conv_odd_shape(i), conv_layouts[l], AB_DTYPE_F64, 0);
      expect_ok_or_missing_extension(&r, "cl_khr_fp64");
      r = conv_run("portable", conv_odd_shape(i), conv_layouts[l], AB_DTYPE_F16, 0);
      expect_ok_or_missing_extension(&r, "cl_khr_fp16");
    }
}

/* Beyond the full reference's budget: the projection check, on the device's own output. */
Test(opencl_conv2d, large_layer_is_checked_by_projection) {
  ab_case_result r =
      conv_run("portable", conv_plain(1, 64, 56, 96, 3), AB_LAYOUT_DEFAULT, AB_DTYPE_F32, 0);
  conv_expect_ok(&r, "portable ab_conv2d");
  cr_expect(r.validation.full_checked, "%s", r.validation.rule);
  cr_expect(strstr(r.validation.full_rule, "k-projection"), "%s", r.validation.full_rule);
}

Test(opencl_conv2d, clblast_answers_unsupported) {
  ab_case_result r = conv_run("clblast", conv_odd_shape(0), AB_LAYOUT_DEFAULT, AB_DTYPE_F32, 0);
  cr_expect_eq(r.status, AB_CASE_UNSUPPORTED, "%s", r.reason);
  cr_expect(strstr(r.reason, "portable"), "%s", r.reason);
}
