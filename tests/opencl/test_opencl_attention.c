/* Attention on the OpenCL backend (POCL here), through the real runner
 * (tests/fixtures/run_kind.h): the portable kernel runs prefill and decode, multi-head and
 * grouped-query, both layouts, and every output element passes the kind's float64 check;
 * dtypes the device lacks and the clblast provider answer unsupported with the reason. */
#include "attention_desc.h"
#include "run_kind.h"

static rk_device ocl;

static void open_ocl(void) {
  rk_open(&ocl, "opencl");
}

static void close_ocl(void) {
  rk_close(&ocl);
}

TestSuite(opencl_attention, .init = open_ocl, .fini = close_ocl, .timeout = 300);

Test(opencl_attention, prefill_causal_gqa_and_mha) {
  ab_kernel_desc d = att_desc(2, 8, 2, 64, 48, 48, 1, AB_DTYPE_F32);
  rk_expect_ok_all_checked(&ocl, &d, "portable");
  d = att_desc(1, 4, 4, 128, 33, 33, 1, AB_DTYPE_BF16);
  rk_expect_ok_all_checked(&ocl, &d, "portable");
}

Test(opencl_attention, decode_and_unmasked) {
  ab_kernel_desc d = att_desc(1, 8, 2, 128, 1, 700, 1, AB_DTYPE_F32);
  rk_expect_ok_all_checked(&ocl, &d, "portable");
  d = att_desc(1, 2, 1, 16, 40, 9, 0, AB_DTYPE_F32);
  rk_expect_ok_all_checked(&ocl, &d, "portable");
}

Test(opencl_attention, bhsd_with_a_kv_cache_of_its_own_dtype) {
  ab_kernel_desc d = att_bhsd_kv(att_desc(2, 6, 3, 64, 17, 33, 1, AB_DTYPE_F32), AB_DTYPE_BF16);
  rk_expect_ok_all_checked(&ocl, &d, "portable");
}

/* f64 runs where the device reports cl_khr_fp64 and f16 where it reports cl_khr_fp16;
 * otherwise the row says which extension is missing. */
static void ok_or_missing_extension(ab_dtype t, const char *ext) {
  ab_kernel_desc d = att_desc(1, 4, 2, 32, 9, 9, 1, t);
  ab_case_result res = rk_run(&ocl, &d, "portable");
  if (res.status == AB_CASE_UNSUPPORTED)
    cr_assert(strstr(res.reason, ext), "%s", res.reason);
  else
    cr_assert_eq(res.status, AB_CASE_OK, "%s (%s)", res.reason, res.validation.rule);
  ab_case_result_clear(&res);
}

Test(opencl_attention, f64_and_f16_where_the_device_has_them) {
  ok_or_missing_extension(AB_DTYPE_F64, "cl_khr_fp64");
  ok_or_missing_extension(AB_DTYPE_F16, "cl_khr_fp16");
}

Test(opencl_attention, clblast_and_oversized_heads_say_why_not) {
  ab_kernel_desc d = att_desc(1, 4, 2, 64, 8, 8, 1, AB_DTYPE_F32);
  rk_expect_unsupported(&ocl, &d, "clblast", "portable provider");
  d = att_desc(1, 1, 1, 512, 2, 2, 1, AB_DTYPE_F32);
  rk_expect_unsupported(&ocl, &d, "portable", "head_dim up to 256");
}
