/* The runner turns every outcome into the right status, with a reason, and measures
 * with the stopping rule. Uses the test-only fake backend (modules/fake_backend.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "model/runfile.h"
#include "runner.h"
#include "stats.h"

static ab_loaded_backend fake;
static ab_open_device dev;
static ab_suite suite;
/* Results own their raw samples: every result a test makes is kept and cleared at the
 * end (tests reassign `r` freely). */
static ab_case_result made[32];
static size_t n_made;

static ab_case_result keep(ab_case_result r) {
  cr_assert_lt(n_made, sizeof made / sizeof made[0]);
  made[n_made++] = r;
  return r;
}

static void setup(void) {
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_backend_load_file(AB_TEST_MODULE_DIR "/accelbench-backend-fake.so", &fake, msg),
               AB_OK, "%s", msg);
  memset(&suite, 0, sizeof suite);
  suite.seed = 42;
  suite.measure = ab_measure_defaults();
  suite.measure.warmup_s = 0.01;
  suite.measure.time_cap_s = 0.2;
  suite.measure.sample_min_s = 0.001;
  suite.validate_max_elements = 4096;
  cr_assert_eq(ab_device_open(&dev, &fake, 0, &suite, msg), AB_OK, "%s", msg);
}

static void teardown(void) {
  for (size_t i = 0; i < n_made; i++)
    ab_case_result_clear(&made[i]);
  n_made = 0;
  ab_device_close(&dev);
}

static ab_case_spec spec(ab_dtype t, int64_t m, int64_t n, int64_t k) {
  ab_case_spec s = {.set = "test"};
  s.desc = (ab_kernel_desc){
      .struct_size = sizeof s.desc, .kind = AB_KERNEL_GEMM, .dtype = t, .out_dtype = t};
  s.desc.params.gemm = (ab_gemm_params){.m = m, .n = n, .k = k, .trans_b = 1};
  return s;
}

static ab_case_result run(const char *provider, ab_dtype t) {
  ab_case_spec s = spec(t, 24, 20, 16);
  ab_case_result r;
  ab_run_case(&dev, &s, provider, &suite, &r);
  return keep(r);
}

TestSuite(runner, .init = setup, .fini = teardown);

Test(runner, exact_provider_is_ok_with_statistics) {
  ab_case_result r = run("exact", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_OK, "%s", r.reason);
  cr_assert_geq(r.time_s.n, suite.measure.min_samples);
  cr_assert_gt(r.time_s.median, 0.0);
  cr_assert(r.time_s.min <= r.time_s.median && r.time_s.median <= r.time_s.max);
  cr_assert(r.time_s.median_ci95_lo <= r.time_s.median &&
            r.time_s.median <= r.time_s.median_ci95_hi);
  cr_assert_eq(r.timer, AB_TIMER_HOST, "fake backend has no device timer");
  cr_assert(r.stop_reason == AB_STOP_CV || r.stop_reason == AB_STOP_TIME_CAP);
  cr_assert_eq(r.validation.elements_checked, 24u * 20u);
  cr_assert_float_eq(r.flops, 2.0 * 24 * 20 * 16, 0);
  cr_assert_str_eq(r.implementation, "fake naive loop");
  cr_assert(strstr(r.case_id, "fake:0/exact/test/gemm/f32/m=24 n=20 k=16 nt"), "%s", r.case_id);
  /* iterations per sample calibrated so a sample lasts >= sample_min_s */
  cr_assert_geq(r.time_s.median * r.iterations_per_sample, suite.measure.sample_min_s * 0.5);
}

Test(runner, f64_ok) {
  ab_case_result r = run("exact", AB_DTYPE_F64);
  cr_assert_eq(r.status, AB_CASE_OK, "%s", r.reason);
}

Test(runner, one_wrong_element_is_wrong_result) {
  ab_case_result r = run("wrong", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_WRONG_RESULT);
  cr_assert_eq(r.validation.mismatches, 1);
  cr_assert(strstr(r.reason, "1 of 480 checked elements"), "%s", r.reason);
}

Test(runner, untouched_output_is_wrong_result) {
  ab_case_result r = run("lazy", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_WRONG_RESULT, "%s", r.reason);
  cr_assert_eq(r.validation.mismatches, 480);
}

Test(runner, device_error_is_failed_with_vendor_text) {
  ab_case_result r = run("failing", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_FAILED);
  cr_assert(strstr(r.reason, "FAKE_ERROR_ILLEGAL_ADDRESS (700)"), "%s", r.reason);
}

Test(runner, unsupported_keeps_reason) {
  ab_case_result r = run("unsupported", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_UNSUPPORTED);
  cr_assert_str_eq(r.reason, "fake backend: not offered");
  r = run("exact", AB_DTYPE_F16);
  cr_assert_eq(r.status, AB_CASE_UNSUPPORTED);
}

Test(runner, stopping_rule_honours_time_cap_and_max_samples) {
  suite.measure.target_cv = 0.0; /* never satisfied: only the cap or the limit stops */
  suite.measure.max_samples = 15;
  suite.measure.time_cap_s = 30.0;
  ab_case_result r = run("exact", AB_DTYPE_F32);
  cr_assert_eq(r.stop_reason, AB_STOP_MAX_SAMPLES);
  cr_assert_eq(r.time_s.n, 15);
  suite.measure.max_samples = 100000;
  suite.measure.time_cap_s = 0.05;
  r = run("exact", AB_DTYPE_F32);
  cr_assert_eq(r.stop_reason, AB_STOP_TIME_CAP);
  cr_assert_lt(r.measured_s, 0.5);
}

Test(runner, invalid_shape_is_failed_not_crash) {
  ab_case_spec s = spec(AB_DTYPE_F32, -1, 4, 4);
  ab_case_result r;
  ab_run_case(&dev, &s, "exact", &suite, &r);
  keep(r);
  cr_assert_eq(r.status, AB_CASE_FAILED);
  cr_assert(strstr(r.reason, "invalid case"), "%s", r.reason);
}

/* The read-back buffer is reused across cases: a device that claims to have copied and
 * did not must not pass on the previous case's bytes. */
Test(runner, read_back_never_sees_a_previous_case) {
  ab_case_result r = run("exact", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_OK, "%s", r.reason);
  r = run("blind", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_WRONG_RESULT, "%s", r.reason);
  cr_assert_eq(r.validation.mismatches, 480);
}

static ab_case_result run_membw(const char *provider, int64_t bytes) {
  ab_case_spec s = {.set = "test"};
  s.desc = (ab_kernel_desc){.struct_size = sizeof s.desc,
                            .kind = AB_KERNEL_MEMBW,
                            .dtype = AB_DTYPE_I8,
                            .out_dtype = AB_DTYPE_I8};
  s.desc.params.transfer.bytes = bytes;
  ab_case_result r;
  ab_run_case(&dev, &s, provider, &suite, &r);
  return keep(r);
}

/* Byte-exact outputs are read back in chunks: every byte is still compared, the last
 * chunk's included, and a size that is not a multiple of the chunk is whole. */
Test(runner, byte_exact_check_covers_every_chunk) {
  const int64_t bytes = (9 << 20) + 77;
  ab_case_result r = run_membw("exact", bytes);
  cr_assert_eq(r.status, AB_CASE_OK, "%s", r.reason);
  cr_assert_eq(r.validation.elements_checked, (uint64_t)bytes);
  cr_assert_eq(r.validation.elements_total, (uint64_t)bytes);
  r = run_membw("wrong", bytes);
  cr_assert_eq(r.status, AB_CASE_WRONG_RESULT, "%s", r.reason);
  cr_assert_eq(r.validation.mismatches, 1, "the corrupted last byte");
}

/* ABI 1.2: kernel calls case_prepare had to make (a library that compiles on its first
 * call) are warm-up, not backend overhead or setup; the fake's "warm" provider sleeps
 * 2 x 0.1 s in them. Bounds are loose: only whether 0.2 s is on the right side counts. */
Test(runner, warm_calls_in_prepare_count_as_warm_up) {
  ab_case_result r = run("warm", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_OK, "%s", r.reason);
  cr_assert_geq(r.warmup_s, 0.2, "warm-up %g s leaves out the prepare's warm calls", r.warmup_s);
  cr_assert_lt(r.backend_overhead_s, 0.1, "backend overhead %g s counts the warm calls",
               r.backend_overhead_s);
  cr_assert_lt(r.setup_s, 0.1, "setup %g s counts the warm calls", r.setup_s);
  ab_case_result plain = run("exact", AB_DTYPE_F32);
  cr_assert_lt(plain.warmup_s, 0.2, "a provider with no warm calls gets none counted");
}

/* A case whose first timed call fails after warm calls in prepare still shows their
 * seconds (as warm-up): no second of the case's time disappears from the run file. */
Test(runner, warm_calls_are_kept_when_the_case_then_fails) {
  ab_case_result r = run("warm-failing", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_FAILED, "%s", r.reason);
  cr_assert_geq(r.warmup_s + r.backend_overhead_s, 0.2,
                "the warm calls' 0.2 s vanished: warm-up %g s, backend %g s", r.warmup_s,
                r.backend_overhead_s);
}

/* A backend that claims more warm-call seconds than case_prepare took gets them cut to
 * its wall time: nothing counted twice, no negative overhead. */
Test(runner, warm_seconds_beyond_prepare_are_cut) {
  ab_case_result r = run("overclaim", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_OK, "%s", r.reason);
  cr_assert_lt(r.warmup_s, 5.0, "claimed 100 s counted as warm-up: %g", r.warmup_s);
  cr_assert_geq(r.backend_overhead_s, 0.0);
  cr_assert_geq(r.setup_s, 0.0);
}

/* ABI 1.3: a case the backend's case_query refuses is unsupported with its reason, and
 * never reaches case_prepare (which would accept this provider). */
Test(runner, case_query_refuses_before_prepare) {
  ab_case_result r = run("queried", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_UNSUPPORTED, "%s", r.reason);
  cr_assert(strstr(r.reason, "refused by case_query"), "%s", r.reason);
  cr_assert_eq(r.implementation[0], '\0', "case_prepare never ran");
}

/* The record keeps every timed sample, in the order taken, and time_s / host_time_s are
 * exactly their statistics: what `accelbench verify` recomputes. */
Test(runner, raw_samples_are_kept_and_give_the_statistics) {
  ab_case_result r = run("exact", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_OK, "%s", r.reason);
  cr_assert_eq(r.n_samples, r.time_s.n);
  cr_assert_eq(r.iterations_total, (uint64_t)r.n_samples * r.iterations_per_sample);
  ab_stats dev, host;
  ab_stats_compute(r.samples_s, r.n_samples, &dev);
  ab_stats_compute(r.host_samples_s, r.n_samples, &host);
  cr_assert_eq(memcmp(&dev, &r.time_s, sizeof dev), 0, "time_s is not the samples' statistics");
  cr_assert_eq(memcmp(&host, &r.host_time_s, sizeof host), 0);
  ab_case_result wrong = run("wrong", AB_DTYPE_F32);
  cr_assert_eq(wrong.status, AB_CASE_WRONG_RESULT);
  cr_assert_eq(wrong.n_samples, wrong.time_s.n, "a wrong result keeps its samples too");
}

Test(runner, a_case_that_never_ran_has_no_samples) {
  ab_case_result r = run("unsupported", AB_DTYPE_F32);
  cr_assert_eq(r.status, AB_CASE_UNSUPPORTED, "%s", r.reason);
  cr_assert_eq(r.n_samples, 0);
  cr_assert_null(r.samples_s);
}
