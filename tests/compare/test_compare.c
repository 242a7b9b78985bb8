/* Tests of reports/compare.c and the JUnit writer (reports/junit.c) on the hand-made run
 * files in tests/fixtures/runs (make_runs.py says which case exercises what). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "report.h"

#define RUNS AB_TEST_SOURCE_DIR "/tests/fixtures/runs/"

static ab_report rep;

static void load(const char *const *files, size_t n) {
  const char *paths[8];
  char buf[8][1024];
  for (size_t i = 0; i < n; i++) {
    snprintf(buf[i], sizeof buf[i], RUNS "%s", files[i]);
    paths[i] = buf[i];
  }
  ab_report_opts opts = {.no_default_catalog = true};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_report_build(&rep, paths, n, &opts, msg), AB_OK, "%s", msg);
}

static void load_labs(void) {
  static const char *labs[] = {"lab-cpu.json", "lab-gpu.json", "lab-npu.json"};
  load(labs, 3);
}

static void load_ci(void) {
  static const char *ci[] = {"ci-baseline.json", "ci-current.json"};
  load(ci, 2);
}

static void unload(void) {
  ab_report_free(&rep);
}

/* Render into a string (caller frees). One helper per object type: the writers differ in
 * their first parameter, and calling through a cast function pointer is undefined. */
static char *finish_render(FILE *f, char *const *text, ab_status st) {
  cr_assert_eq(st, AB_OK);
  cr_assert_eq(fclose(f), 0);
  return *text;
}

#define RENDER_FN(fn, type)                                                                        \
  static char *fn(ab_status (*w)(const type *, FILE *), const type *obj) {                         \
    char *text = NULL;                                                                             \
    size_t len = 0;                                                                                \
    FILE *f = open_memstream(&text, &len);                                                         \
    cr_assert_not_null(f);                                                                         \
    return finish_render(f, &text, w(obj, f));                                                     \
  }
RENDER_FN(render_cmp, ab_comparison)
RENDER_FN(render_gate, ab_gate)

static size_t count_of(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
    n++;
  return n;
}

/* ---- ratios and thresholds ------------------------------------------------------------ */

Test(ratio, interval_is_widest_the_intervals_allow) {
  ab_ratio r = ab_ratio_of(90, 88, 92, 100, 98, 102);
  cr_assert_float_eq(r.value, 0.9, 1e-12);
  cr_assert_float_eq(r.lo, 88.0 / 102, 1e-12);
  cr_assert_float_eq(r.hi, 92.0 / 98, 1e-12);
  cr_assert_eq(ab_ratio_verdict(&r), AB_CMP_SLOWER);
}

Test(ratio, verdicts) {
  ab_ratio faster = ab_ratio_of(120, 118, 122, 100, 99, 101);
  ab_ratio noise = ab_ratio_of(92, 80, 104, 100, 95, 105);
  ab_ratio no_ci = ab_ratio_of(50, NAN, NAN, 100, NAN, NAN);
  ab_ratio none = ab_ratio_of(NAN, NAN, NAN, 100, 99, 101);
  cr_assert_eq(ab_ratio_verdict(&faster), AB_CMP_FASTER);
  cr_assert_eq(ab_ratio_verdict(&noise), AB_CMP_NOISE);
  /* without an interval nothing is outside noise, however large the change */
  cr_assert_eq(ab_ratio_verdict(&no_ci), AB_CMP_NOISE);
  cr_assert_eq(ab_ratio_verdict(&none), AB_CMP_NA);
  cr_assert(isnan(none.lo) && isnan(none.hi));
  cr_assert_str_eq(ab_cmp_verdict_name(AB_CMP_NOISE), "within noise");
}

Test(threshold, accepts_percent_and_fraction) {
  const struct {
    const char *text;
    double want;
  } ok[] = {{"5%", 0.05}, {"0.05", 0.05}, {"0", 0}, {"0%", 0}, {"99.5%", 0.995}, {"2.5%", 0.025}};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    double v = -1;
    char msg[AB_MSG_LEN] = "";
    cr_assert_eq(ab_threshold_parse(ok[i].text, &v, msg), AB_OK, "%s: %s", ok[i].text, msg);
    cr_assert_float_eq(v, ok[i].want, 1e-12, "%s", ok[i].text);
  }
}

Test(threshold, refuses_nonsense) {
  const char *bad[] = {"-5%", "-0.1", "100%", "150%", "1",   "5",     "abc", "",
                       "5%%", "5% ",  " 5%",  "nan",  "inf", "1e400", "5x",  "%"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    double v = 42;
    char msg[AB_MSG_LEN] = "";
    cr_assert_eq(ab_threshold_parse(bad[i], &v, msg), AB_E_INVALID, "'%s' accepted", bad[i]);
    cr_assert_float_eq(v, 42, 0, "'%s' changed the output", bad[i]);
    cr_assert(strstr(msg, "--max-regression") != NULL, "%s", msg);
  }
}

/* ---- selecting the baseline ------------------------------------------------------------ */

TestSuite(select, .init = load_labs, .fini = unload);

static size_t subject_named(const char *backend, const char *provider) {
  for (size_t i = 0; i < rep.n_subjects; i++)
    if (strcmp(rep.subjects[i].backend, backend) == 0 &&
        strcmp(rep.subjects[i].provider, provider) == 0)
      return i;
  cr_assert_fail("no subject %s/%s", backend, provider);
  return 0;
}

Test(select, every_selector_form) {
  size_t s = 99;
  char msg[AB_MSG_LEN] = "";
  size_t onednn = subject_named("cpu", "onednn"), gpu = subject_named("cuda", "cublas");
  cr_assert_eq(ab_compare_select(&rep, rep.subjects[onednn].label, &s, msg), AB_OK, "%s", msg);
  cr_assert_eq(s, onednn);
  cr_assert_eq(ab_compare_select(&rep, "cpu:0/onednn", &s, msg), AB_OK, "%s", msg);
  cr_assert_eq(s, onednn);
  cr_assert_eq(ab_compare_select(&rep, "cuda:0", &s, msg), AB_OK, "%s", msg);
  cr_assert_eq(s, gpu);
  cr_assert_eq(ab_compare_select(&rep, "h100", &s, msg), AB_OK, "%s", msg);
  cr_assert_eq(s, gpu);
}

Test(select, ambiguous_and_unmatched_list_candidates) {
  size_t s = 99;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_compare_select(&rep, "cpu:0", &s, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "ambiguous") && strstr(msg, "openblas") && strstr(msg, "onednn"), "%s",
            msg);
  cr_assert_null(strstr(msg, "H100"), "only the matching subjects: %s", msg);
  cr_assert_eq(ab_compare_select(&rep, "epyc", &s, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "ambiguous"), "%s", msg);
  cr_assert_eq(ab_compare_select(&rep, "tpu", &s, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "matches no subject") && strstr(msg, "Ascend 910B"), "%s", msg);
  cr_assert_eq(ab_compare_select(&rep, "cpu:7", &s, msg), AB_E_INVALID);
  cr_assert_eq(ab_compare_select(&rep, "cpu:0/mkl", &s, msg), AB_E_INVALID);
  cr_assert_eq(s, 99, "no subject chosen on error");
}

/* ---- side by side ---------------------------------------------------------------------- */

static ab_comparison cmp;

static void build_labs(void) {
  load_labs();
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_compare_build(&cmp, &rep, 0, msg), AB_OK, "%s", msg);
  cr_assert_str_eq(rep.subjects[0].provider, "openblas", "first subject is the default");
}

static void free_labs(void) {
  ab_compare_free(&cmp);
  unload();
}

TestSuite(side, .init = build_labs, .fini = free_labs);

static const ab_cmp_kernel *kernel(const char *key) {
  for (size_t i = 0; i < cmp.n_kernels; i++)
    if (strcmp(cmp.kernels[i].key, key) == 0)
      return &cmp.kernels[i];
  cr_assert_fail("no kernel key '%s'", key);
  return NULL;
}

#define F32  "gemm f32->f32 m=1024 n=1024 k=1024 nn"
#define F64  "gemm f64->f64 m=1024 n=1024 k=1024 nn"
#define BF16 "gemm bf16->bf16 m=1024 n=1024 k=1024 nn"
#define INT8 "gemm int8->int32 m=1024 n=1024 k=1024 nn"
#define LLM  "gemm f32->f32 m=1 n=4096 k=4096 nn"

Test(side, verdict_per_cell) {
  size_t gpu = subject_named("cuda", "cublas"), onednn = subject_named("cpu", "onednn");
  cr_assert_eq(kernel(F32)->cells[0].verdict, AB_CMP_BASELINE);
  cr_assert_eq(kernel(F32)->cells[gpu].verdict, AB_CMP_FASTER);
  cr_assert_eq(kernel(F32)->cells[onednn].verdict, AB_CMP_FASTER);
  cr_assert_eq(kernel(F64)->cells[gpu].verdict, AB_CMP_SLOWER);
  cr_assert_eq(kernel(LLM)->cells[gpu].verdict, AB_CMP_NOISE);
  cr_assert_eq(kernel(BF16)->cells[gpu].verdict, AB_CMP_NA, "subject wrong_result");
  cr_assert_eq(kernel(BF16)->cells[onednn].verdict, AB_CMP_NA, "baseline unsupported");
  const ab_cmp_cell *c = &kernel(F32)->cells[gpu];
  cr_assert_float_eq(c->ratio.value, 51000.0 / 2200.0, 1e-9);
  cr_assert_float_eq(c->ratio.lo, c->lo / kernel(F32)->cells[0].hi, 1e-12);
  cr_assert_float_eq(c->ratio.hi, c->hi / kernel(F32)->cells[0].lo, 1e-12);
  cr_assert_str_eq(kernel(F32)->unit, "GFLOP/s");
}

Test(side, common_keys_and_left_out) {
  cr_assert_eq(cmp.n_common, 4, "f32, f64, bf16 and the LLM shape are in all three runs");
  cr_assert(kernel(F32)->common && kernel(LLM)->common && kernel(BF16)->common);
  const ab_cmp_kernel *i8 = kernel(INT8);
  cr_assert_not(i8->common);
  cr_assert(i8->in_input[0] && i8->in_input[1] && !i8->in_input[2], "missing from lab-npu");
  const ab_cmp_kernel *launch = kernel("launch int8->int8 -");
  cr_assert(!launch->in_input[0] && launch->in_input[1] && !launch->in_input[2]);
  cr_assert(cmp.runs_differ, "lab-npu is another suite from another accelbench version");
}

Test(side, coverage_has_every_status) {
  const char *want[] = {"ok",      "unsupported", "failed",  "wrong_result",
                        "crashed", "timeout",     "skipped", "not run"};
  for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
    bool seen = false;
    for (size_t i = 0; i < cmp.n_kernels && !seen; i++)
      for (size_t s = 0; s < rep.n_subjects && !seen; s++)
        seen = strcmp(ab_cmp_cell_status(&cmp.kernels[i].cells[s]), want[w]) == 0;
    cr_assert(seen, "no '%s' cell in the coverage matrix", want[w]);
  }
}

Test(side, geomean_over_keys_both_ok) {
  size_t gpu = subject_named("cuda", "cublas"), npu = subject_named("cann", "aclnn");
  double want = cbrt(51000.0 / 2200 * (900.0 / 1100) * (61.0 / 60));
  cr_assert_eq(cmp.geomean_n[gpu], 3, "f32, f64, llm; not bf16 (wrong_result)");
  cr_assert_float_eq(cmp.geomean[gpu], want, 1e-9);
  cr_assert_eq(cmp.geomean_n[npu], 1, "only f32: f64 unsupported, bf16 unsupported at base");
  cr_assert_float_eq(cmp.geomean[0], 1.0, 1e-12);
}

Test(side, warnings_for_scopes_and_runs) {
  bool scopes = false, suite = false, version = false;
  for (size_t i = 0; i < cmp.n_notes; i++) {
    scopes |= strstr(cmp.notes[i], "power scopes differ") && strstr(cmp.notes[i], "node") &&
              strstr(cmp.notes[i], "board");
    suite |= strstr(cmp.notes[i], "npu-smoke") != NULL;
    version |= strstr(cmp.notes[i], "0.1.1") != NULL;
  }
  cr_assert(scopes && suite && version);
}

Test(side, markdown) {
  char *md = render_cmp(ab_compare_write_md, &cmp);
  cr_assert(strstr(md, "### gemm f32->f32 m=1024 n=1024 k=1024 nn\n"), "a table per key");
  cr_assert_null(strstr(md, "### gemm int8->int32"), "left-out keys get no table");
  cr_assert(strstr(md, "## Left out"));
  cr_assert(strstr(md, "lab-npu.json"));
  cr_assert(strstr(md, "within noise") && strstr(md, "faster") && strstr(md, "slower"));
  cr_assert(strstr(md, "\xe2\x80\x94 (wrong_result)"), "subject side not ok");
  cr_assert(strstr(md, "\xe2\x80\x94 (baseline unsupported)"), "baseline side not ok");
  cr_assert(strstr(md, "GFLOP/s/W") && strstr(md, "pJ/FLOP") && strstr(md, "| node |") &&
            strstr(md, "| board |"));
  cr_assert(strstr(md, "**Warning:** power scopes differ"));
  cr_assert(strstr(md, "| not run |") && strstr(md, "| timeout |") && strstr(md, "| crashed |"));
  free(md);
}

Test(side, csv_escapes_reasons) {
  char *csv = render_cmp(ab_compare_write_csv, &cmp);
  cr_assert(strncmp(csv, "kernel_key,common,subject,", 26) == 0);
  /* 10 + 12 + 4 cases over 14 keys x 4 subjects: one row per key and subject */
  cr_assert_eq(count_of(csv, "\r\n"), 1 + cmp.n_kernels * rep.n_subjects);
  cr_assert(strstr(csv, "\"quoted\"\"\"") || strstr(csv, "\"\"quoted\"\""), "quotes doubled");
  free(csv);
}

Test(side, json_is_valid_and_null_for_unknown) {
  char *text = render_cmp(ab_compare_write_json, &cmp);
  json_error_t err;
  json_t *j = json_loads(text, 0, &err);
  cr_assert_not_null(j, "%s", err.text);
  cr_assert_str_eq(json_string_value(json_object_get(j, "schema")), "accelbench-compare");
  json_t *k0 = json_array_get(json_object_get(j, "kernels"), 0);
  cr_assert(json_is_array(json_object_get(k0, "cells")));
  cr_assert_null(strstr(text, "nan"), "NAN must be null");
  json_decref(j);
  free(text);
}

Test(side, junit_escapes_everything) {
  char *x = render_cmp(ab_compare_write_junit, &cmp);
  cr_assert_null(strstr(x, "<script>"));
  cr_assert(strstr(x, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; a|b"));
  cr_assert(strstr(x, "classname=\"cuda.NVIDIA H100 80GB HBM3.cublas\""));
  free(x);
}

/* ---- the gate -------------------------------------------------------------------------- */

static ab_gate gate;

static void build_gate(double threshold) {
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_gate_build(&gate, &rep, threshold, msg), AB_OK, "%s", msg);
}

static void free_gate(void) {
  ab_gate_free(&gate);
  unload();
}

TestSuite(gate, .init = load_ci, .fini = free_gate);

static ab_gate_outcome outcome(const char *case_id) {
  for (size_t i = 0; i < gate.n_cases; i++) {
    const ab_gate_case *gc = &gate.cases[i];
    if (strcmp((gc->cur ? gc->cur : gc->base)->c->case_id, case_id) == 0)
      return gc->outcome;
  }
  cr_assert_fail("no gate case %s", case_id);
  return AB_GATE_PASS;
}

#define CASE(prov, set, dt, shape) "cpu:0/" prov "/" set "/gemm/" dt "/" shape
#define SQ                         "m=1024 n=1024 k=1024 nn"

Test(gate, every_situation) {
  build_gate(0.05);
  cr_assert_eq(outcome(CASE("openblas", "square", "f32", SQ)), AB_GATE_REGRESSED);
  cr_assert_eq(outcome(CASE("openblas", "square", "f64", SQ)), AB_GATE_PASS, "3%: below 5%");
  cr_assert_eq(outcome(CASE("openblas", "llm-7b", "f32", "m=1 n=4096 k=4096 nn")), AB_GATE_PASS,
               "8% within noise");
  cr_assert_eq(outcome(CASE("onednn", "square", "f32", SQ)), AB_GATE_PASS, "faster");
  cr_assert_eq(outcome(CASE("onednn", "square", "bf16", SQ)), AB_GATE_NEWLY_FAILED);
  cr_assert_eq(outcome(CASE("onednn", "square", "int8", SQ)), AB_GATE_NEWLY_WRONG);
  cr_assert_eq(outcome(CASE("onednn", "llm-7b", "f32", "m=1 n=4096 k=4096 nn")), AB_GATE_MISSING);
  cr_assert_eq(outcome(CASE("openblas", "square", "f32", "m=512 n=512 k=512 nn")), AB_GATE_NEW);
  cr_assert_eq(outcome(CASE("openblas", "square", "bf16", SQ)), AB_GATE_NOT_OK);
  cr_assert(ab_gate_failed(&gate));
  cr_assert_eq(gate.n_outcome[AB_GATE_REGRESSED], 1);
  cr_assert_eq(gate.n_cases, 10);
}

Test(gate, threshold_moves_the_line) {
  build_gate(0.02);
  cr_assert_eq(outcome(CASE("openblas", "square", "f64", SQ)), AB_GATE_REGRESSED,
               "3% slower, outside noise, beyond 2%");
  cr_assert_eq(outcome(CASE("openblas", "llm-7b", "f32", "m=1 n=4096 k=4096 nn")), AB_GATE_PASS,
               "noise is never a regression");
  ab_gate_free(&gate);
  build_gate(0.5);
  cr_assert_eq(outcome(CASE("openblas", "square", "f32", SQ)), AB_GATE_PASS);
  cr_assert(ab_gate_failed(&gate), "new failures fail whatever the threshold");
}

Test(gate, describe_says_why) {
  build_gate(0.05);
  char buf[1024];
  for (size_t i = 0; i < gate.n_cases; i++) {
    ab_gate_case_describe(&gate, &gate.cases[i], buf, sizeof buf);
    if (gate.cases[i].outcome == AB_GATE_REGRESSED)
      cr_assert(strstr(buf, "ratio 0.900 (95% CI 0.882-0.918)"), "%s", buf);
    if (gate.cases[i].outcome == AB_GATE_NEWLY_FAILED)
      cr_assert(strstr(buf, "ok in the baseline, failed now: dnnl_primitive_execute"), "%s", buf);
  }
}

Test(gate, junit) {
  build_gate(0.05);
  char *x = render_gate(ab_gate_write_junit, &gate);
  cr_assert_eq(count_of(x, "<testcase "), 10);
  cr_assert_eq(count_of(x, "<failure "), 3);
  cr_assert_eq(count_of(x, "<skipped "), 3, "missing, new, still unsupported");
  cr_assert(strstr(x, "tests=\"10\" failures=\"3\" errors=\"0\" skipped=\"3\""));
  cr_assert(strstr(x, "classname=\"cpu.AMD EPYC 9654.openblas\""));
  cr_assert(strstr(x, "type=\"regressed\""));
  cr_assert(strstr(x, "&quot;&lt;i8&gt;&quot; &amp; more"), "reason escaped");
  free(x);
}

Test(gate, markdown_summary) {
  build_gate(0.05);
  char *md = render_gate(ab_gate_write_md, &gate);
  cr_assert(strstr(md, "**Result: FAIL**"));
  cr_assert(strstr(md, "## Regressed (1)") && strstr(md, "## Missing (1)") &&
            strstr(md, "## New (1)"));
  free(md);
}

Test(gate_self, baseline_against_itself_passes) {
  static const char *same[] = {"ci-baseline.json", "ci-baseline.json"};
  load(same, 2);
  build_gate(0.05);
  cr_assert_not(ab_gate_failed(&gate));
  cr_assert_eq(gate.n_outcome[AB_GATE_PASS], 8);
  cr_assert_eq(gate.n_outcome[AB_GATE_NOT_OK], 1);
  cr_assert_eq(gate.n_outcome[AB_GATE_MISSING] + gate.n_outcome[AB_GATE_NEW], 0);
  free_gate();
}

Test(gate_self, needs_two_runs) {
  static const char *three[] = {"ci-baseline.json", "ci-current.json", "lab-cpu.json"};
  load(three, 3);
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_gate_build(&gate, &rep, 0.05, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "exactly two"), "%s", msg);
  unload();
}

/* ---- bad run files --------------------------------------------------------------------- */

Test(bad_runs, refused_with_file_and_field) {
  const char *bad[] = {"newer-schema", "not-json", "missing-cases", "wrong-type", "wrong-schema"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char path[1024], expect_path[1024], expect[512] = "", msg[AB_MSG_LEN] = "";
    snprintf(path, sizeof path, RUNS "bad/%s.json", bad[i]);
    snprintf(expect_path, sizeof expect_path, RUNS "bad/%s.expect", bad[i]);
    FILE *f = fopen(expect_path, "r");
    cr_assert_not_null(f, "%s", expect_path);
    cr_assert_not_null(fgets(expect, sizeof expect, f));
    fclose(f);
    expect[strcspn(expect, "\n")] = '\0';
    const char *paths[] = {RUNS "ci-baseline.json", path};
    ab_report_opts opts = {.no_default_catalog = true};
    ab_report r;
    cr_assert_eq(ab_report_build(&r, paths, 2, &opts, msg), AB_E_INVALID, "%s", bad[i]);
    cr_assert(strstr(msg, expect), "%s: '%s' not in '%s'", bad[i], expect, msg);
  }
}
