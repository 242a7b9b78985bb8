/* Recomputing a run file's figures (bench/verify.c) and the validation verdict
 * (bench/model/verdict.c): a run written by the writer verifies; every edit of a derived
 * figure, a raw sample or a status is named by its place; the tolerance is as documented. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/kernel.h"
#include "model/verdict.h"
#include "power/sampler.h"
#include "stats.h"
#include "verify.h"

/* ---- the verdict ---------------------------------------------------------------------- */

Test(verdict, mismatches_or_a_ratio_above_one_are_wrong) {
  ab_validation v = {.checked = true, .elements_checked = 100, .max_error_ratio = 0.5};
  char reason[256] = "untouched";
  cr_assert_eq(ab_validation_verdict(&v, reason, sizeof reason), AB_CASE_OK);
  cr_assert_str_eq(reason, "untouched", "an ok verdict leaves the reason alone");
  v.max_error_ratio = NAN; /* no element with a tolerance: nothing outside it */
  cr_assert_eq(ab_validation_verdict(&v, NULL, 0), AB_CASE_OK);
  v.max_error_ratio = 1.5; /* a count edited to 0 does not hide an element out of tolerance */
  cr_assert_eq(ab_validation_verdict(&v, NULL, 0), AB_CASE_WRONG_RESULT);
  v.max_error_ratio = 40;
  v.mismatches = 3;
  cr_assert_eq(ab_validation_verdict(&v, reason, sizeof reason), AB_CASE_WRONG_RESULT);
  cr_assert(strstr(reason, "3 of 100 checked elements outside tolerance"), "%s", reason);
}

Test(verdict, every_element_check_failures_are_wrong) {
  ab_validation v = {
      .checked = true, .full_checked = true, .full_failed = 2, .full_first_failed = 7};
  char reason[256];
  cr_assert_eq(ab_validation_verdict(&v, reason, sizeof reason), AB_CASE_WRONG_RESULT);
  cr_assert(strstr(reason, "2 rows fail the every-element check, the first row 7"), "%s", reason);
}

Test(verdict, a_rejected_timer_or_a_slow_audit_is_implausible) {
  ab_case_result c;
  char reason[512];
  memset(&c, 0, sizeof c);
  cr_assert_eq(ab_case_verdict(&c, reason, sizeof reason), AB_CASE_OK);
  c.device_timer_rejected_s = 1e-6;
  c.host_time_s.min = 1e-3;
  cr_assert_eq(ab_case_verdict(&c, reason, sizeof reason), AB_CASE_IMPLAUSIBLE);
  cr_assert(strstr(reason, "device timer"), "%s", reason);
  c.device_timer_rejected_s = 0;
  c.audit.done = true;
  c.audit.control_s = 1e-3;
  c.audit.audit_s = 1.0;
  c.audit.rounds = AB_AUDIT_ROUNDS - 1; /* a slow round that was not repeated to the end */
  cr_assert_eq(ab_case_verdict(&c, reason, sizeof reason), AB_CASE_OK);
  c.audit.rounds = AB_AUDIT_ROUNDS;
  cr_assert_eq(ab_case_verdict(&c, reason, sizeof reason), AB_CASE_IMPLAUSIBLE);
  cr_assert(strstr(reason, "computes only when its output changes"), "%s", reason);
  cr_assert_null(strstr(reason, "disturbed"), "%s", reason);
  /* On a disturbed host still never ranked, but not an accusation: the load is named. */
  c.interference.measured = c.interference.disturbed = true;
  cr_assert_eq(ab_case_verdict(&c, reason, sizeof reason), AB_CASE_IMPLAUSIBLE);
  cr_assert(strstr(reason, "on a disturbed host"), "%s", reason);
  cr_assert(strstr(reason, "rerun on a quiet host"), "%s", reason);
  c.interference.measured = c.interference.disturbed = false;
  c.validation.mismatches = 1; /* a wrong answer is wrong first */
  cr_assert_eq(ab_case_verdict(&c, reason, sizeof reason), AB_CASE_WRONG_RESULT);
  cr_assert(ab_device_timer_implausible(1e-6, 1e-3));
  cr_assert_not(ab_device_timer_implausible(0.9e-3, 1e-3), "launch overhead, not a lie");
}

/* ---- a run as the harness writes it --------------------------------------------------- */

static ab_kernel_desc gemm(int64_t m, int64_t n, int64_t k) {
  ab_kernel_desc d = {.struct_size = sizeof d,
                      .kind = AB_KERNEL_GEMM,
                      .dtype = AB_DTYPE_F32,
                      .out_dtype = AB_DTYPE_F32};
  d.params.gemm = (ab_gemm_params){.m = m, .n = n, .k = k};
  return d;
}

/* A timed case with n raw samples and the statistics the runner derives from them. */
static void timed_case(ab_case_result *c, const char *id, ab_case_status status, uint32_t n) {
  memset(c, 0, sizeof *c);
  snprintf(c->case_id, sizeof c->case_id, "%s", id);
  strcpy(c->set, "square");
  strcpy(c->backend, "cpu");
  strcpy(c->provider, "openblas");
  c->desc = gemm(256, 256, 256);
  c->flops = ab_kernel_flops(&c->desc);
  c->bytes = ab_kernel_bytes(&c->desc);
  c->status = status;
  c->n_samples = n;
  c->samples_s = malloc(n * sizeof *c->samples_s);
  c->host_samples_s = malloc(n * sizeof *c->host_samples_s);
  for (uint32_t i = 0; i < n; i++) {
    c->samples_s[i] = 1e-3 * (1.0 + 0.01 * ((i * 7) % 11)) / 3.0;
    c->host_samples_s[i] = c->samples_s[i] + 2e-6 / 7.0;
  }
  ab_stats_compute(c->samples_s, n, &c->time_s);
  ab_stats_compute(c->host_samples_s, n, &c->host_time_s);
  c->iterations_per_sample = 8;
  c->iterations_total = 8ull * n;
  c->validation = (ab_validation){
      .checked = true, .elements_checked = 1024, .elements_total = 65536, .max_error_ratio = 0.2};
  if (status == AB_CASE_WRONG_RESULT) {
    c->validation.mismatches = 2;
    c->validation.max_error_ratio = 12.0;
    ab_validation_verdict(&c->validation, c->reason, sizeof c->reason);
  }
}

/* The power object the runner makes for a case (power/figures.c) from a window's energy. */
static json_t *power_of(const ab_case_result *c, double joules, double duration, double idle) {
  ab_energy_window w;
  memset(&w, 0, sizeof w);
  strcpy(w.source, "file:meter");
  strcpy(w.covers, "node");
  w.scope = AB_POWER_SCOPE_NODE;
  w.valid = true;
  w.method = "trapezoid";
  w.joules = joules;
  w.duration_s = duration;
  w.avg_watts = ab_power_avg_watts(joules, duration);
  w.peak_watts = w.avg_watts * 1.1;
  w.n_samples = 20;
  double calls = (double)c->iterations_total;
  ab_window_work work = {c->flops * calls, c->bytes * calls, 0};
  ab_energy_figures f;
  w.avg_se_w = 0.5; /* a spread, so the net figures are measurable above idle */
  ab_power_figures(&w, &(ab_idle_power){idle, 0.5}, &work, &f);
  return json_pack("{s:[o]}", "sources", ab_power_window_json(&w, &f));
}

static void build_run(ab_run *run) {
  memset(run, 0, sizeof *run);
  strcpy(run->harness_version, "0.1.0");
  strcpy(run->started_utc, "2026-11-23T16:50:54Z");
  strcpy(run->command_line, "accelbench run");
  strcpy(run->suite_name, "quick");
  run->complete = true;
  run->system = json_object();
  run->n_devices = 1;
  run->devices = calloc(1, sizeof *run->devices);
  strcpy(run->devices[0].backend, "cpu");
  strcpy(run->devices[0].info.name, "CPU");
  run->n_cases = 3;
  run->cases = calloc(3, sizeof *run->cases);
  timed_case(&run->cases[0], "ok", AB_CASE_OK, 37);
  run->cases[0].power = power_of(&run->cases[0], 21.352431077515348, 0.5024101430003611, 40.25);
  timed_case(&run->cases[1], "wrong", AB_CASE_WRONG_RESULT, 12);
  ab_case_result *u = &run->cases[2];
  strcpy(u->case_id, "unsupported");
  strcpy(u->backend, "cpu");
  u->desc = gemm(64, 64, 64);
  u->flops = ab_kernel_flops(&u->desc);
  u->bytes = ab_kernel_bytes(&u->desc);
  u->status = AB_CASE_UNSUPPORTED;
  strcpy(u->reason, "no f32 here");
}

static json_t *doc; /* the run as written, through text as a file is */

static void setup(void) {
  ab_run run;
  build_run(&run);
  json_t *j = ab_run_to_json(&run);
  char *text = json_dumps(j, 0);
  doc = json_loads(text, 0, NULL);
  cr_assert_not_null(doc);
  free(text);
  json_decref(j);
  ab_run_free(&run);
}

static void teardown(void) {
  json_decref(doc);
}

TestSuite(figures, .init = setup, .fini = teardown);

static char found[8192]; /* every mismatch of the last check, one per line */

/* Reads `j` as a run file and recomputes it: the number of mismatches, listed in found. */
static size_t verify(const json_t *j) {
  ab_run run;
  ab_findings f = {0};
  ab_figure_counts counts;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_run_from_json_unchecked(j, "run.json", &run, msg), AB_OK, "%s", msg);
  ab_verify_figures(&run, j, &f, &counts);
  found[0] = '\0';
  for (size_t i = 0; i < f.n_mismatches; i++) {
    strncat(found, f.mismatches[i], sizeof found - strlen(found) - 2);
    strncat(found, "\n", sizeof found - strlen(found) - 1);
  }
  size_t n = f.n_mismatches;
  cr_assert_not(f.out_of_memory);
  ab_findings_free(&f);
  ab_run_free(&run);
  return n;
}

static json_t *at(json_t *j, size_t i, const char *a, const char *b) {
  json_t *c = json_array_get(json_object_get(j, "cases"), i);
  json_t *v = a ? json_object_get(c, a) : c;
  return b ? json_object_get(v, b) : v;
}

static void scale(json_t *o, const char *key, double by) {
  cr_assert(json_is_number(json_object_get(o, key)), "%s", key);
  json_object_set_new(o, key, json_real(json_number_value(json_object_get(o, key)) * by));
}

Test(figures, a_written_run_verifies) {
  cr_assert_eq(verify(doc), 0, "%s", found);
  ab_run run;
  ab_findings f = {0};
  ab_figure_counts counts;
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_run_from_json(doc, "run.json", &run, msg), AB_OK, "%s", msg);
  ab_verify_figures(&run, doc, &f, &counts);
  cr_assert_eq(counts.cases, 3);
  cr_assert_eq(counts.timed, 2);
  cr_assert_eq(counts.recomputed, 2);
  cr_assert_eq(counts.samples, 37 + 12);
  cr_assert_eq(counts.power_sources, 1);
  ab_findings_free(&f);
  ab_run_free(&run);
}

Test(figures, a_median_divided_by_ten_is_named_with_both_values) {
  scale(at(doc, 0, "timing", "time_s"), "median", 0.1);
  cr_assert_geq(verify(doc), 1);
  cr_assert(strstr(found, "cases[0].timing.time_s.median: file "), "%s", found);
  cr_assert(strstr(found, ", recomputed "), "%s", found);
}

Test(figures, a_changed_sample_changes_the_statistics) {
  json_t *s = json_object_get(at(doc, 0, "timing", NULL), "samples_s");
  json_array_set_new(s, 3, json_real(json_number_value(json_array_get(s, 3)) * 2));
  cr_assert_geq(verify(doc), 1);
  cr_assert(strstr(found, "cases[0].timing.time_s.mean: file "), "%s", found);
  cr_assert(strstr(found, "cases[0].timing.time_s.max: file "), "%s", found);
}

Test(figures, a_changed_host_sample_changes_host_time) {
  json_t *s = json_object_get(at(doc, 1, "timing", NULL), "host_samples_s");
  json_array_set_new(s, 0, json_real(1.0));
  cr_assert_geq(verify(doc), 1);
  cr_assert(strstr(found, "cases[1].timing.host_time_s.max: file "), "%s", found);
}

Test(figures, a_flipped_status_is_named) {
  json_object_set_new(at(doc, 1, NULL, NULL), "status", json_string("ok"));
  cr_assert_geq(verify(doc), 1);
  cr_assert(strstr(found, "cases[1].status: file ok, recomputed wrong_result (2 of 1024 checked "
                          "elements outside tolerance"),
            "%s", found);
}

Test(figures, rates_on_a_case_that_is_not_ok_are_named) {
  json_object_set(at(doc, 1, NULL, NULL), "rates", at(doc, 0, "rates", NULL));
  cr_assert_eq(verify(doc), 1, "%s", found);
  cr_assert(strstr(found, "cases[1].rates: file an object, recomputed absent"), "%s", found);
}

Test(figures, an_edited_rate_is_named) {
  scale(at(doc, 0, "rates", NULL), "gflops_ci95_hi", 1.5);
  cr_assert_eq(verify(doc), 1, "%s", found);
  cr_assert(strstr(found, "cases[0].rates.gflops_ci95_hi: file "), "%s", found);
}

Test(figures, work_and_iterations_are_recomputed) {
  scale(at(doc, 2, "work", NULL), "flops", 2);
  json_object_set_new(at(doc, 0, "timing", NULL), "iterations_total", json_integer(5));
  verify(doc);
  cr_assert(strstr(found, "cases[2].work.flops: file "), "%s", found);
  cr_assert(strstr(found, "cases[0].timing.iterations_total: file 5, recomputed 296"), "%s", found);
}

static json_t *power_source(size_t i) {
  return json_array_get(json_object_get(at(doc, i, "power", NULL), "sources"), 0);
}

/* A wrapping energy counter's source also records what its reads were guarded against
 * (power/figures.c): measured, like its energy, so nothing to recompute or refuse. */
Test(figures, a_wrapping_counters_guard_is_measured_not_derived) {
  json_t *src = power_source(0);
  json_object_set_new(src, "wrap_safe_period_s", json_real(262.14));
  json_object_set_new(src, "wrap_power_w", json_real(400.0));
  json_object_set_new(src, "wrap_power_from", json_string("the channel's stated maximum"));
  cr_assert_eq(verify(doc), 0, "%s", found);
}

Test(figures, energy_figures_are_recomputed_from_the_energy) {
  scale(power_source(0), "gflops_per_w", 2);
  cr_assert_eq(verify(doc), 1, "%s", found);
  cr_assert(strstr(found, "cases[0].power.sources[0].gflops_per_w: file "), "%s", found);
}

Test(figures, changed_energy_shows_in_every_figure_from_it) {
  scale(power_source(0), "energy_j", 1.25);
  cr_assert_geq(verify(doc), 4, "%s", found);
  cr_assert(strstr(found, "cases[0].power.sources[0].avg_w: file "), "%s", found);
  cr_assert(strstr(found, "cases[0].power.sources[0].net_energy_j: file "), "%s", found);
  cr_assert(strstr(found, "cases[0].power.sources[0].pj_per_flop: file "), "%s", found);
}

/* The runner strips per-work figures from a case that is not ok; one that has them is
 * named (the wrong case did other work, so its watts-only figures differ too). */
Test(figures, per_work_energy_on_a_wrong_result_is_named) {
  json_object_set(at(doc, 1, NULL, NULL), "power", at(doc, 0, "power", NULL));
  verify(doc);
  cr_assert(strstr(found, "cases[1].power.sources[0].gflops_per_w: file "), "%s", found);
  cr_assert(strstr(found, "recomputed absent"), "%s", found);
}

Test(figures, a_file_without_samples_is_named_once) {
  for (size_t i = 0; i < 3; i++) {
    json_object_del(at(doc, i, "timing", NULL), "samples_s");
    json_object_del(at(doc, i, "timing", NULL), "host_samples_s");
  }
  cr_assert_eq(verify(doc), 1, "%s", found);
  cr_assert(strstr(found, "run.json: no raw samples: statistics not recomputed (2 timed cases"),
            "%s", found);
}

Test(figures, one_case_without_samples_is_named) {
  json_object_del(at(doc, 1, "timing", NULL), "samples_s");
  json_object_del(at(doc, 1, "timing", NULL), "host_samples_s");
  cr_assert_eq(verify(doc), 1, "%s", found);
  cr_assert(strstr(found, "cases[1].timing: no raw samples: statistics not recomputed"), "%s",
            found);
}

/* The documented tolerance: a last-digits difference passes, anything a report could show
 * does not. */
Test(figures, tolerance_is_one_in_a_million_million) {
  json_t *t = at(doc, 0, "timing", "time_s");
  scale(t, "median", 1 + 1e-14);
  cr_assert_eq(verify(doc), 0, "%s", found);
  scale(t, "median", 1 + 1e-10);
  cr_assert_eq(verify(doc), 1, "%s", found);
  cr_assert(strstr(found, "cases[0].timing.time_s.median"), "%s", found);
}

Test(figures, a_run_file_outside_a_bundle_is_not_verified) {
  ab_trust t;
  ab_run_file_trust(AB_TEST_SOURCE_DIR "/tests/fixtures/runs/lab-cpu.json", NULL, 0, &t);
  cr_assert_eq(t.state, AB_TRUST_NOT_VERIFIED);
  cr_assert(strstr(t.why, "no manifest.json beside it"), "%s", t.why);
}

/* A device timer the host clock contradicts: the runner ranks the host figure and says
 * implausible; verify recomputes both from the two clocks' samples. */
static void rejected_timer_case(ab_case_result *c) {
  timed_case(c, "timer", AB_CASE_OK, 20);
  for (uint32_t i = 0; i < c->n_samples; i++) /* device 1/100 of the host */
    c->samples_s[i] = c->host_samples_s[i] / 100;
  ab_stats dev;
  ab_stats_compute(c->samples_s, c->n_samples, &dev);
  c->device_timer_rejected_s = dev.median;
  c->time_s = c->host_time_s;
  c->timer = AB_TIMER_HOST;
  c->status = ab_case_verdict(c, c->reason, sizeof c->reason);
}

static json_t *run_with(void (*make)(ab_case_result *)) {
  ab_run run;
  build_run(&run);
  ab_case_result_clear(&run.cases[1]);
  make(&run.cases[1]);
  json_t *j = ab_run_to_json(&run);
  ab_run_free(&run);
  return j;
}

Test(figures, a_rejected_device_timer_is_recomputed) {
  json_t *j = run_with(rejected_timer_case);
  cr_assert_str_eq(json_string_value(at(j, 1, NULL, "status")), "implausible");
  cr_assert_eq(verify(j), 0, "%s", found);
  json_object_set_new(at(j, 1, NULL, NULL), "status", json_string("ok"));
  cr_assert_eq(verify(j), 1, "%s", found);
  cr_assert(strstr(found, "cases[1].status: file ok, recomputed implausible (device timer"), "%s",
            found);
  json_object_set_new(at(j, 1, NULL, NULL), "status", json_string("implausible"));
  json_object_set_new(at(j, 1, "timing", NULL), "source", json_string("device"));
  json_object_del(at(j, 1, "timing", NULL), "device_timer_rejected_median_s");
  verify(j);
  cr_assert(strstr(found, "cases[1].timing.source: file device, recomputed host (device timer "
                          "rejected)"),
            "%s", found);
  json_decref(j);
}

static void slow_audit_case(ab_case_result *c) {
  timed_case(c, "audit", AB_CASE_OK, 20);
  c->audit.done = true;
  c->audit.rounds = AB_AUDIT_ROUNDS;
  c->audit.control_s = 1e-4;
  c->audit.audit_s = 2e-3;
  c->status = ab_case_verdict(c, c->reason, sizeof c->reason);
}

Test(figures, a_slow_audit_is_recomputed) {
  json_t *j = run_with(slow_audit_case);
  cr_assert_str_eq(json_string_value(at(j, 1, NULL, "status")), "implausible");
  cr_assert_eq(verify(j), 0, "%s", found);
  json_object_set_new(at(j, 1, "audit", NULL), "audit_s", json_real(1.5e-4));
  cr_assert_geq(verify(j), 1, "%s", found);
  cr_assert(strstr(found, "cases[1].status: file implausible, recomputed ok"), "%s", found);
  json_decref(j);
}
