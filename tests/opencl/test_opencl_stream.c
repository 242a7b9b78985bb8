/* STREAM on the OpenCL backend (POCL here), through the real runner: every op in both dtypes
 * is ok with every element checked, under the default provider and under clblast (a device
 * ceiling runs under either). f64 on a device without cl_khr_fp64 is unsupported with the
 * reason. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "run_kind.h"
#include "stream_desc.h"

#define POCL_ICD "/etc/OpenCL/vendors/pocl.icd"

static rk_device g;

static void setup(void) {
  if (access(POCL_ICD, R_OK) != 0)
    cr_skip_test("no POCL on this machine");
  rk_open(&g, "opencl");
}

static void teardown(void) {
  rk_close(&g);
}

TestSuite(opencl_stream, .init = setup, .fini = teardown);

/* Large enough that a call's device time dominates the host's launch overhead. */
#define N ((1 << 20) + 3)

/* ok; or, on a loaded host, implausible because the host clock around a call ran far longer
 * than the device timer (the runner's check, docs/measurement.md): the kernel still
 * validated on every element. */
static void expect_ok(const ab_case_result *r, int op, ab_dtype t, const char *provider) {
  if (t == AB_DTYPE_F64 && r->status == AB_CASE_UNSUPPORTED) {
    cr_expect(strstr(r->reason, "cl_khr_fp64") != NULL, "%s", r->reason);
    return;
  }
  bool host_load = r->status == AB_CASE_IMPLAUSIBLE && strstr(r->reason, "device timer");
  cr_expect(r->status == AB_CASE_OK || host_load, "op %d %s %s: %s", op, ab_dtype_str(t), provider,
            r->reason);
  cr_expect(r->validation.checked);
  cr_expect_eq(r->validation.elements_checked, N);
  cr_expect_eq(r->validation.mismatches, 0);
  cr_expect_eq(r->timer, host_load ? AB_TIMER_HOST : AB_TIMER_DEVICE);
  cr_expect(strstr(r->implementation, "ab_stream_") != NULL, "%s", r->implementation);
}

Test(opencl_stream, every_op_and_dtype_is_ok_through_the_runner) {
  const ab_dtype dtypes[] = {AB_DTYPE_F32, AB_DTYPE_F64};
  for (int op = AB_STREAM_COPY; op <= AB_STREAM_TRIAD; op++)
    for (size_t t = 0; t < 2; t++) {
      ab_kernel_desc d = stream_desc((ab_stream_op)op, dtypes[t], N);
      ab_case_result r = rk_run(&g, &d, "portable");
      expect_ok(&r, op, dtypes[t], "portable");
    }
}

Test(opencl_stream, a_ceiling_runs_under_clblast_too) {
  ab_kernel_desc d = stream_desc(AB_STREAM_TRIAD, AB_DTYPE_F32, N);
  ab_case_result r = rk_run(&g, &d, "clblast");
  expect_ok(&r, AB_STREAM_TRIAD, AB_DTYPE_F32, "clblast");
}
