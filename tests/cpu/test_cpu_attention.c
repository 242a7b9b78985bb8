/* Attention on the CPU backend, through the real runner (tests/fixtures/run_kind.h): the
 * native provider runs prefill and decode, multi-head and grouped-query, both layouts and
 * a KV cache of its own dtype, and every output element passes the kind's float64 check;
 * the library providers answer unsupported with the reason. */
#include "attention_desc.h"
#include "run_kind.h"

static rk_device cpu;

static void open_cpu(void) {
  rk_open(&cpu, "cpu");
}

static void close_cpu(void) {
  rk_close(&cpu);
}

TestSuite(cpu_attention, .init = open_cpu, .fini = close_cpu, .timeout = 120);

Test(cpu_attention, native_prefill_causal_gqa) {
  ab_kernel_desc d = att_desc(2, 8, 2, 64, 48, 48, 1, AB_DTYPE_F32);
  rk_expect_ok_all_checked(&cpu, &d, "native");
}

Test(cpu_attention, native_decode_against_a_cache) {
  ab_kernel_desc d = att_desc(1, 8, 2, 128, 1, 700, 1, AB_DTYPE_F32);
  rk_expect_ok_all_checked(&cpu, &d, "native");
  d = att_desc(3, 4, 4, 64, 1, 257, 1, AB_DTYPE_BF16);
  rk_expect_ok_all_checked(&cpu, &d, "native");
}

Test(cpu_attention, native_queries_at_the_end_and_no_mask) {
  ab_kernel_desc d = att_desc(1, 4, 1, 32, 5, 37, 1, AB_DTYPE_F32);
  rk_expect_ok_all_checked(&cpu, &d, "native");
  d = att_desc(1, 2, 2, 16, 40, 9, 0, AB_DTYPE_F16);
  rk_expect_ok_all_checked(&cpu, &d, "native");
}

Test(cpu_attention, native_bhsd_with_f16_kv_cache) {
  ab_kernel_desc d = att_bhsd_kv(att_desc(2, 6, 3, 64, 17, 33, 1, AB_DTYPE_F32), AB_DTYPE_F16);
  rk_expect_ok_all_checked(&cpu, &d, "native");
  d = att_bhsd_kv(att_desc(1, 4, 2, 32, 1, 300, 1, AB_DTYPE_BF16), AB_DTYPE_BF16);
  rk_expect_ok_all_checked(&cpu, &d, "native");
}

Test(cpu_attention, library_providers_say_why_not) {
  ab_kernel_desc d = att_desc(1, 4, 2, 64, 8, 8, 1, AB_DTYPE_F32);
  rk_expect_unsupported(&cpu, &d, "openblas", "native");
#ifdef AB_TEST_CPU_ONEDNN
  rk_expect_unsupported(&cpu, &d, "onednn", "no fused attention primitive");
#endif
  d = att_desc(1, 4, 2, 64, 8, 8, 1, AB_DTYPE_F64);
  rk_expect_unsupported(&cpu, &d, "native", "computes in f32");
}

/* Two cases that differ only in the KV cache's dtype need inputs of their own: the runner
 * must not reuse the first case's (smaller) K and V for the second. */
Test(cpu_attention, kv_dtype_change_gets_fresh_inputs) {
  ab_kernel_desc d = att_desc(1, 4, 2, 32, 1, 300, 1, AB_DTYPE_F32);
  ab_kernel_desc half_kv = att_bhsd_kv(d, AB_DTYPE_BF16);
  half_kv.layout = AB_LAYOUT_DEFAULT;
  rk_expect_ok_all_checked(&cpu, &half_kv, "native");
  rk_expect_ok_all_checked(&cpu, &d, "native");
}
