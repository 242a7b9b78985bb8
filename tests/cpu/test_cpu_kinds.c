/* The memory-bound inference kinds (norm, softmax, activation, elementwise, rotary) on the
 * CPU backend, through the real runner (ab_run_case): each provider that offers a kind
 * must run it to status ok with every output element checked against the float64
 * reference, and a provider that lacks one must say why. */
#include "run_kind.h"

static rk_device cpu;

static void setup(void) {
  rk_open(&cpu, "cpu");
}

static void teardown(void) {
  rk_close(&cpu);
}

TestSuite(cpu_kinds, .init = setup, .fini = teardown, .timeout = 120);

static ab_case_spec spec(ab_kernel_kind kind, ab_dtype t) {
  ab_case_spec s = {.set = "test"};
  s.desc = (ab_kernel_desc){.struct_size = sizeof s.desc, .kind = kind, .dtype = t, .out_dtype = t};
  return s;
}

static void expect_ok(ab_case_spec *s, const char *provider) {
  rk_expect_ok_all_checked(&cpu, &s->desc, provider);
}

static void expect_unsupported(ab_case_spec *s, const char *provider, const char *why) {
  rk_expect_unsupported(&cpu, &s->desc, provider, why);
}

static const ab_dtype float_dtypes[] = {AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16, AB_DTYPE_F64};

Test(cpu_kinds, native_runs_every_kind_in_every_float_dtype) {
  for (size_t t = 0; t < 4; t++) {
    ab_case_spec s = spec(AB_KERNEL_NORM, float_dtypes[t]);
    s.desc.params.norm = (ab_norm_params){.rows = 8, .hidden = 4096, .op = AB_NORM_RMSNORM};
    expect_ok(&s, "native");
    s.desc.params.norm.op = AB_NORM_LAYERNORM;
    expect_ok(&s, "native");
    s = spec(AB_KERNEL_SOFTMAX, float_dtypes[t]);
    s.desc.params.softmax = (ab_softmax_params){.rows = 8, .cols = 1000};
    expect_ok(&s, "native");
    for (int op = 0; op <= AB_ACT_SWIGLU; op++) {
      s = spec(AB_KERNEL_ACTIVATION, float_dtypes[t]);
      s.desc.params.activation = (ab_activation_params){.rows = 4, .cols = 1000, .op = op};
      expect_ok(&s, "native");
    }
    s = spec(AB_KERNEL_ELEMENTWISE, float_dtypes[t]);
    s.desc.params.elementwise = (ab_elementwise_params){.elements = 10000};
    expect_ok(&s, "native");
    s = spec(AB_KERNEL_ROTARY, float_dtypes[t]);
    s.desc.params.rotary =
        (ab_rotary_params){.tokens = 64, .heads = 4, .head_dim = 64, .theta = 10000};
    expect_ok(&s, "native");
  }
}

/* decoder, ABI 1.4: positions from an offset, repeating every period (a batch of prefills,
 * a decode step at position 4000). */
Test(cpu_kinds, native_rotary_at_positions) {
  ab_case_spec s = spec(AB_KERNEL_ROTARY, AB_DTYPE_F32);
  s.desc.params.rotary = (ab_rotary_params){
      .tokens = 12, .heads = 2, .head_dim = 64, .theta = 10000, .position = 0, .period = 4};
  expect_ok(&s, "native");
  s.desc.params.rotary.position = 4000;
  s.desc.params.rotary.period = 1;
  expect_ok(&s, "native");
}

/* f16 activations with f32 norm weights (the kind's default) and bf16 weights on request. */
Test(cpu_kinds, native_norm_with_mixed_dtypes) {
  ab_case_spec s = spec(AB_KERNEL_NORM, AB_DTYPE_F16);
  s.desc.params.norm = (ab_norm_params){.rows = 4, .hidden = 8192, .op = AB_NORM_LAYERNORM};
  s.desc.operand_dtypes[1] = AB_DTYPE_BF16;
  expect_ok(&s, "native");
}

Test(cpu_kinds, openblas_says_which_provider_offers_a_kind) {
  ab_case_spec s = spec(AB_KERNEL_ROTARY, AB_DTYPE_F32);
  s.desc.params.rotary = (ab_rotary_params){.tokens = 4, .heads = 1, .head_dim = 8, .theta = 10000};
  expect_unsupported(&s, "openblas", "native");
}

#ifdef AB_TEST_CPU_ONEDNN
Test(cpu_kinds, onednn_runs_its_primitives) {
  ab_case_spec s = spec(AB_KERNEL_NORM, AB_DTYPE_F32);
  s.desc.params.norm = (ab_norm_params){.rows = 8, .hidden = 4096, .op = AB_NORM_LAYERNORM};
  expect_ok(&s, "onednn");
  s = spec(AB_KERNEL_SOFTMAX, AB_DTYPE_F32);
  s.desc.params.softmax = (ab_softmax_params){.rows = 8, .cols = 1000};
  expect_ok(&s, "onednn");
  for (int op = 0; op < AB_ACT_SWIGLU; op++) {
    s = spec(AB_KERNEL_ACTIVATION, AB_DTYPE_F32);
    s.desc.params.activation = (ab_activation_params){.rows = 4, .cols = 1000, .op = op};
    expect_ok(&s, "onednn");
  }
  s = spec(AB_KERNEL_ELEMENTWISE, AB_DTYPE_F32);
  s.desc.params.elementwise = (ab_elementwise_params){.elements = 10000};
  expect_ok(&s, "onednn");
}

Test(cpu_kinds, onednn_lacks_rmsnorm_swiglu_and_f64) {
  ab_case_spec s = spec(AB_KERNEL_NORM, AB_DTYPE_F32);
  s.desc.params.norm = (ab_norm_params){.rows = 2, .hidden = 64, .op = AB_NORM_RMSNORM};
  expect_unsupported(&s, "onednn", "no RMSNorm");
  s = spec(AB_KERNEL_ACTIVATION, AB_DTYPE_F32);
  s.desc.params.activation = (ab_activation_params){.rows = 2, .cols = 64, .op = AB_ACT_SWIGLU};
  expect_unsupported(&s, "onednn", "swiglu");
  s = spec(AB_KERNEL_SOFTMAX, AB_DTYPE_F64);
  s.desc.params.softmax = (ab_softmax_params){.rows = 2, .cols = 64};
  expect_unsupported(&s, "onednn", "f64");
}
#endif
