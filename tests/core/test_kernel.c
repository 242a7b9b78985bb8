/* Kernel descriptors: work per call, names, shape checks. */
#include <criterion/criterion.h>

#include "model/kernel.h"
#include "suite.h"

static ab_kernel_desc gemm(int64_t m, int64_t n, int64_t k, ab_dtype in, ab_dtype out) {
  ab_kernel_desc d = {
      .struct_size = sizeof d, .kind = AB_KERNEL_GEMM, .dtype = in, .out_dtype = out};
  d.params.gemm = (ab_gemm_params){.m = m, .n = n, .k = k};
  return d;
}

Test(kernel, gemm_flops_and_bytes) {
  ab_kernel_desc d = gemm(128, 256, 512, AB_DTYPE_F32, AB_DTYPE_F32);
  cr_assert_float_eq(ab_kernel_flops(&d), 2.0 * 128 * 256 * 512, 0);
  cr_assert_float_eq(ab_kernel_bytes(&d), 4.0 * (128 * 512 + 512 * 256 + 128 * 256), 0);
  cr_assert_eq(ab_kernel_operand_count(&d), 3);
  cr_assert_eq(ab_kernel_operand_bytes(&d, 0), 128u * 512 * 4);
  cr_assert_eq(ab_kernel_operand_bytes(&d, 1), 512u * 256 * 4);
  cr_assert_eq(ab_kernel_operand_bytes(&d, 2), 128u * 256 * 4);
}

Test(kernel, int8_output_is_int32) {
  ab_dtype in, out;
  cr_assert_eq(ab_dtype_parse("int8", &in, &out), AB_OK);
  cr_assert_eq(in, AB_DTYPE_I8);
  cr_assert_eq(out, AB_DTYPE_I32);
  ab_kernel_desc d = gemm(2, 3, 4, in, out);
  cr_assert_float_eq(ab_kernel_bytes(&d), 1.0 * (8 + 12) + 4.0 * 6, 0);
  cr_assert_eq(ab_dtype_parse("bf16", &in, &out), AB_OK);
  cr_assert_eq(out, AB_DTYPE_BF16);
  cr_assert_eq(ab_dtype_parse("int32", &in, &out), AB_E_INVALID, "int32 is not a GEMM input");
  cr_assert_eq(ab_dtype_parse("fp32", &in, &out), AB_E_INVALID);
}

Test(kernel, names_round_trip) {
  for (int k = AB_KERNEL_GEMM; k < AB_KERNEL_KIND_COUNT; k++)
    cr_assert_eq(ab_kernel_kind_parse(ab_kernel_kind_name((ab_kernel_kind)k)), k);
  cr_assert_str_eq(ab_kernel_kind_name((ab_kernel_kind)99), "invalid");
  cr_assert_str_eq(ab_dtype_name((ab_dtype)99), "invalid");
  cr_assert_str_eq(ab_dtype_name(AB_DTYPE_BF16), "bf16");
}

Test(kernel, check_rejects_bad_shapes) {
  char msg[256];
  ab_kernel_desc d = gemm(0, 4, 4, AB_DTYPE_F32, AB_DTYPE_F32);
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_E_INVALID);
  cr_assert(strstr(msg, "m=0"), "%s", msg);
  d = gemm(INT64_C(1) << 40, INT64_C(1) << 40, 4, AB_DTYPE_F32, AB_DTYPE_F32);
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_E_INVALID);
  cr_assert(strstr(msg, "overflows"), "%s", msg);
  d = gemm(4, 4, 4, AB_DTYPE_INVALID, AB_DTYPE_F32);
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_E_INVALID);
  d = gemm(7680, 1500, 2560, AB_DTYPE_F16, AB_DTYPE_F16);
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_OK);
}

Test(kernel, shape_string_is_stable) {
  ab_kernel_desc d = gemm(35, 700, 2048, AB_DTYPE_F32, AB_DTYPE_F32);
  d.params.gemm.trans_b = 1;
  char buf[96];
  ab_kernel_shape_str(&d, buf, sizeof buf);
  cr_assert_str_eq(buf, "m=35 n=700 k=2048 nt");
}
