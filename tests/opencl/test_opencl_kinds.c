/* The memory-bound inference kinds (norm, softmax, activation, elementwise, rotary) on the
 * OpenCL backend's portable kernels, through the real runner (ab_run_case) on the first
 * device (POCL in CI): status ok with every output element checked against the float64
 * reference, in f32, f16 and bf16 storage; f64 where the device has cl_khr_fp64, and
 * otherwise unsupported with that reason. */
#include <unistd.h>

#include "busy_host.h"
#include "run_kind.h"

#define POCL_ICD "/etc/OpenCL/vendors/pocl.icd"

static rk_device ocl;

static void setup(void) {
  char msg[AB_MSG_LEN] = "";
  ab_loaded_backend probe;
  cr_assert_eq(
      ab_backend_load_file(AB_TEST_BACKEND_DIR "/accelbench-backend-opencl.so", &probe, msg), AB_OK,
      "%s", msg);
  if (probe.table.probe(msg) != AB_OK && access(POCL_ICD, R_OK) != 0)
    cr_skip_test("no OpenCL platform on this machine: %s", msg);
  rk_open(&ocl, "opencl");
}

static void teardown(void) {
  rk_close(&ocl);
}

TestSuite(opencl_kinds, .init = setup, .fini = teardown, .timeout = 300);

/* ok with every element checked; f64 may be unsupported for want of cl_khr_fp64. The
 * harness does not believe a device timer far below the host clock (runner.c), and POCL on
 * a host loaded by other work shows that for honest microsecond kernels; such a case is
 * accepted when its output checked clean, with a warning. */
static void expect_ok(ab_kernel_desc d) {
  d.struct_size = sizeof d;
  d.out_dtype = d.dtype;
  ab_case_result r = rk_run(&ocl, &d, "portable");
  const char *name = ab_kernel_kind_name(d.kind);
  if (d.dtype == AB_DTYPE_F64 && r.status == AB_CASE_UNSUPPORTED) {
    cr_assert(strstr(r.reason, "cl_khr_fp64"), "%s: %s", name, r.reason);
  } else {
    if (ab_test_busy_host_verdict(&r))
      fprintf(stderr, "note %s: %s\n", r.case_id, r.reason); /* cr_log_warn exits 1 */
    else
      cr_assert_eq(r.status, AB_CASE_OK, "%s %s: %s", name, ab_dtype_str(d.dtype), r.reason);
    cr_assert(r.validation.checked);
    cr_assert_eq(r.validation.elements_checked, r.validation.elements_total);
    cr_assert_eq(r.validation.mismatches, 0);
  }
  ab_case_result_clear(&r);
}

static const ab_dtype float_dtypes[] = {AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16, AB_DTYPE_F64};

static ab_kernel_desc desc(ab_kernel_kind kind, ab_dtype t) {
  return (ab_kernel_desc){.kind = kind, .dtype = t};
}

Test(opencl_kinds, norm_and_softmax) {
  for (size_t t = 0; t < 4; t++) {
    ab_kernel_desc d = desc(AB_KERNEL_NORM, float_dtypes[t]);
    /* hidden not a multiple of the work-group: the strided loops' tails */
    d.params.norm = (ab_norm_params){.rows = 6, .hidden = 4100, .op = AB_NORM_RMSNORM};
    expect_ok(d);
    d.params.norm.op = AB_NORM_LAYERNORM;
    expect_ok(d);
    d = desc(AB_KERNEL_SOFTMAX, float_dtypes[t]);
    d.params.softmax = (ab_softmax_params){.rows = 5, .cols = 1000};
    expect_ok(d);
  }
}

Test(opencl_kinds, activations_add_rotary) {
  for (size_t t = 0; t < 4; t++) {
    for (int op = 0; op <= AB_ACT_SWIGLU; op++) {
      ab_kernel_desc d = desc(AB_KERNEL_ACTIVATION, float_dtypes[t]);
      d.params.activation = (ab_activation_params){.rows = 3, .cols = 1001, .op = op};
      expect_ok(d);
    }
    ab_kernel_desc d = desc(AB_KERNEL_ELEMENTWISE, float_dtypes[t]);
    d.params.elementwise = (ab_elementwise_params){.elements = 10001};
    expect_ok(d);
    d = desc(AB_KERNEL_ROTARY, float_dtypes[t]);
    d.params.rotary = (ab_rotary_params){.tokens = 100, .heads = 3, .head_dim = 64, .theta = 10000};
    expect_ok(d);
  }
}

/* decoder, ABI 1.4: positions from an offset, repeating every period. */
Test(opencl_kinds, rotary_at_positions) {
  ab_kernel_desc d = desc(AB_KERNEL_ROTARY, AB_DTYPE_F32);
  d.params.rotary = (ab_rotary_params){
      .tokens = 12, .heads = 2, .head_dim = 64, .theta = 10000, .position = 0, .period = 4};
  expect_ok(d);
  d.params.rotary.position = 4000;
  d.params.rotary.period = 1;
  expect_ok(d);
}

/* f16 activations with the kind's default f32 norm weights. */
Test(opencl_kinds, norm_with_f32_weights) {
  ab_kernel_desc d = desc(AB_KERNEL_NORM, AB_DTYPE_F16);
  d.params.norm = (ab_norm_params){.rows = 2, .hidden = 8192, .op = AB_NORM_LAYERNORM};
  d.operand_dtypes[2] = AB_DTYPE_BF16;
  expect_ok(d);
}
