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

/* Every kind table is complete and registered under its own value; a kind with a name but
 * no table (reserved for the inference suite) is refused as unsupported, not run. */
Test(kernel, kind_tables_are_complete) {
  size_t defined = 0;
  for (int k = 1; k < AB_KERNEL_KIND_COUNT; k++) {
    const ab_kind_def *def = ab_kind_def_of((ab_kernel_kind)k);
    if (!def) {
      ab_kernel_desc d = {.struct_size = sizeof d,
                          .kind = (ab_kernel_kind)k,
                          .dtype = AB_DTYPE_F32,
                          .out_dtype = AB_DTYPE_F32};
      char msg[256] = "";
      cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_E_UNSUPPORTED, "%s", msg);
      continue;
    }
    defined++;
    const char *name = ab_kernel_kind_name((ab_kernel_kind)k);
    cr_assert_eq(def->kind, (ab_kernel_kind)k, "%s registered under another kind", name);
    cr_assert(def->flops && def->bytes && def->operand_count && def->operand && def->validate,
              "%s: a mandatory slot is empty", name);
    cr_assert(def->tolerance_source && *def->tolerance_source, "%s: no tolerance source", name);
    for (size_t f = 0; f < def->n_fields; f++)
      cr_assert(def->fields[f].name && def->fields[f].type, "%s: field %zu unnamed", name, f);
  }
  cr_assert_geq(defined, 6, "gemm, membw, copy_h2d, copy_d2h, peak and launch have tables");
  cr_assert_null(ab_kind_def_of(AB_KERNEL_INVALID));
  cr_assert_null(ab_kind_def_of(AB_KERNEL_KIND_COUNT));
}

/* Operand roles: GEMM writes C only; membw reads 0 and writes 1; copy_h2d writes 0 with no
 * seeded data (the backend supplies the pattern). */
Test(kernel, operand_roles) {
  ab_kernel_desc d = gemm(4, 5, 6, AB_DTYPE_F16, AB_DTYPE_F16);
  ab_operand_def op;
  ab_kernel_operand(&d, 1, &op);
  cr_assert_eq(op.role, AB_OPERAND_INPUT);
  cr_assert_eq(op.dtype, AB_DTYPE_F16);
  ab_kernel_operand(&d, 2, &op);
  cr_assert_eq(op.role, AB_OPERAND_OUTPUT);
  cr_assert_eq(op.bytes, 4u * 5 * 2);
  ab_kernel_desc h2d = {.struct_size = sizeof h2d,
                        .kind = AB_KERNEL_COPY_H2D,
                        .dtype = AB_DTYPE_I8,
                        .out_dtype = AB_DTYPE_I8};
  h2d.params.transfer.bytes = 4096;
  ab_kernel_operand(&h2d, 0, &op);
  cr_assert_eq(op.role, AB_OPERAND_OUTPUT);
  cr_assert_eq(op.dist, AB_DIST_NONE);
  ab_kernel_operand(&h2d, 1, &op); /* past the count */
  cr_assert_eq(op.bytes, 0);
}

/* A field out of its declared range is refused with the field's name. */
Test(kernel, field_ranges_are_checked) {
  ab_kernel_desc d = {.struct_size = sizeof d,
                      .kind = AB_KERNEL_MEMBW,
                      .dtype = AB_DTYPE_I8,
                      .out_dtype = AB_DTYPE_I8};
  d.params.transfer.bytes = (INT64_C(1) << 40) + 1;
  char msg[256] = "";
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_E_INVALID);
  cr_assert(strstr(msg, "bytes="), "%s", msg);
  d.params.transfer.bytes = 1024;
  d.params.transfer.pinned = 2;
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_E_INVALID);
  cr_assert(strstr(msg, "pinned="), "%s", msg);
}
