/* The memory-bound inference kinds (norm, softmax, activation, elementwise, rotary) on the
 * CPU backend, through the real runner (ab_run_case): each provider that offers a kind
 * must run it to status ok with every output element checked against the float64
 * reference, and a provider that lacks one must say why. */
#include <criterion/criterion.h>
#include <string.h>

#include "model/kernel.h"
#include "model/runfile.h"
#include "runner.h"

static ab_loaded_backend cpu;
static ab_open_device dev;
static ab_suite suite;

static void setup(void) {
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_backend_load_file(AB_TEST_BACKEND_DIR "/accelbench-backend-cpu.so", &cpu, msg),
               AB_OK, "%s", msg);
  suite.seed = 42;
  suite.measure = ab_measure_defaults();
  suite.measure.warmup_s = 0.01;
  suite.measure.time_cap_s = 0.05;
  suite.measure.sample_min_s = 0.001;
  suite.validate_max_elements = 4096;
  cr_assert_eq(ab_device_open(&dev, &cpu, 0, &suite, msg), AB_OK, "%s", msg);
}

static void teardown(void) {
  ab_device_close(&dev);
}

TestSuite(cpu_kinds, .init = setup, .fini = teardown, .timeout = 120);

static ab_case_spec spec(ab_kernel_kind kind, ab_dtype t) {
  ab_case_spec s = {.set = "test"};
  s.desc = (ab_kernel_desc){.struct_size = sizeof s.desc, .kind = kind, .dtype = t, .out_dtype = t};
  return s;
}

static void expect_ok(ab_case_spec *s, const char *provider) {
  ab_case_result r;
  ab_run_case(&dev, s, provider, &suite, &r);
  cr_assert_eq(r.status, AB_CASE_OK, "%s %s %s: %s", provider, ab_kernel_kind_name(s->desc.kind),
               ab_dtype_str(s->desc.dtype), r.reason);
  cr_assert(r.validation.checked);
  cr_assert_eq(r.validation.elements_checked, r.validation.elements_total);
  cr_assert_eq(r.validation.mismatches, 0);
  cr_assert_gt(r.bytes, 0.0);
  ab_case_result_clear(&r);
}

static void expect_unsupported(ab_case_spec *s, const char *provider, const char *why) {
  ab_case_result r;
  ab_run_case(&dev, s, provider, &suite, &r);
  cr_assert_eq(r.status, AB_CASE_UNSUPPORTED, "%s: %s", provider, r.reason);
  cr_assert(strstr(r.reason, why), "%s", r.reason);
  ab_case_result_clear(&r);
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
