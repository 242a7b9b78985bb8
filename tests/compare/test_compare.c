/* Tests of reports/compare.c and the JUnit writer (reports/junit.c) on the hand-made run
 * files in tests/fixtures/runs (make_runs.py says which case exercises what). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
RENDER_FN(render_rep, ab_report)

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

/* Half an interval is none: no verdict but "within noise" without both ends. */
Test(ratio, half_an_interval_is_noise) {
  ab_ratio up = {2.0, 1.5, NAN}, down = {0.5, NAN, 0.6};
  cr_assert_eq(ab_ratio_verdict(&up), AB_CMP_NOISE);
  cr_assert_eq(ab_ratio_verdict(&down), AB_CMP_NOISE);
  ab_ratio r = ab_ratio_of(200, 190, 210, 100, NAN, 101);
  cr_assert(isnan(r.lo) && isnan(r.hi));
  cr_assert_eq(ab_ratio_verdict(&r), AB_CMP_NOISE);
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

Test(side, own_geomean_over_keys_both_ok) {
  size_t gpu = subject_named("cuda", "cublas"), npu = subject_named("cann", "aclnn");
  double want = cbrt(51000.0 / 2200 * (900.0 / 1100) * (61.0 / 60));
  cr_assert_eq(cmp.own_geomean_n[gpu], 3, "f32, f64, llm; not bf16 (wrong_result)");
  cr_assert_float_eq(cmp.own_geomean[gpu], want, 1e-9);
  cr_assert_eq(cmp.own_geomean_n[npu], 1, "only f32: f64 unsupported, bf16 unsupported at base");
  cr_assert_float_eq(cmp.own_geomean[0], 1.0, 1e-12);
}

/* The headline ranks subjects, so it is over one key set: the keys where every subject is
 * ok. Here only f32 (onednn has no f64, openblas no bf16, the NPU skipped the LLM shape). */
Test(side, headline_geomean_over_keys_every_subject_ok) {
  size_t gpu = subject_named("cuda", "cublas"), npu = subject_named("cann", "aclnn");
  cr_assert_eq(cmp.n_all_ok, 1);
  cr_assert(kernel(F32)->all_ok && !kernel(F64)->all_ok && !kernel(LLM)->all_ok);
  cr_assert_float_eq(cmp.geomean[gpu], 51000.0 / 2200, 1e-9);
  cr_assert_float_eq(cmp.geomean[npu], 75000.0 / 2200, 1e-9);
  char *md = render_cmp(ab_compare_write_md, &cmp);
  cr_assert(strstr(md, "Headline: over the 1 kernel key(s) where every subject and the baseline "
                       "are ok"),
            "%s", md);
  cr_assert(strstr(md, "| subject | geometric mean ratio (the same 1 key(s) for all) | "
                       "own-keys geometric mean | own keys |"));
  free(md);
  char *text = render_cmp(ab_compare_write_json, &cmp);
  json_t *j = json_loads(text, 0, NULL);
  cr_assert_not_null(j);
  cr_assert_eq(json_array_size(json_object_get(j, "geomean_keys")), 1);
  json_t *sub = json_array_get(json_object_get(j, "subjects"), npu);
  cr_assert_eq(json_integer_value(json_object_get(sub, "own_geomean_keys")), 1);
  json_decref(j);
  free(text);
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

/* ---- text that must stay valid UTF-8 --------------------------------------------------- */

/* Strict UTF-8 as XML and JSON parsers read it: no overlong forms, surrogates, or code
 * points beyond U+10FFFF. */
static bool valid_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned cp, n;
    if (*p < 0x80) {
      p++;
      continue;
    } else if ((*p & 0xE0) == 0xC0) {
      cp = *p & 0x1F, n = 1;
    } else if ((*p & 0xF0) == 0xE0) {
      cp = *p & 0x0F, n = 2;
    } else if ((*p & 0xF8) == 0xF0) {
      cp = *p & 0x07, n = 3;
    } else {
      return false;
    }
    for (unsigned i = 1; i <= n; i++) {
      if ((p[i] & 0xC0) != 0x80)
        return false;
      cp = cp << 6 | (p[i] & 0x3F);
    }
    static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    p += n + 1;
  }
  return true;
}

static void load_pair(const char *base, const char *cur) {
  const char *pair[] = {base, cur};
  load(pair, 2);
}

/* A 507-byte Chinese reason from a vendor runtime: the gate cuts it (400 bytes in the
 * detail), and every cut must keep whole characters or the JUnit is not XML. */
Test(gate_text, cjk_reason_cut_on_characters) {
  load_pair("ci-baseline.json", "ci-cjk.json");
  build_gate(0.05);
  cr_assert_eq(gate.n_outcome[AB_GATE_NEWLY_FAILED], 1);
  for (size_t i = 0; i < gate.n_cases; i++)
    for (size_t len = 1; len <= 600; len += 7) {
      char buf[600];
      ab_gate_case_describe(&gate, &gate.cases[i], buf, len);
      cr_assert(valid_utf8(buf), "describe cut at %zu: %s", len, buf);
    }
  char *x = render_gate(ab_gate_write_junit, &gate), *md = render_gate(ab_gate_write_md, &gate);
  cr_assert(valid_utf8(x), "JUnit is not UTF-8");
  cr_assert(valid_utf8(md), "Markdown is not UTF-8");
  cr_assert(strstr(x, "ok in the baseline, failed now: \xe6\x98\x87\xe8\x85\xbe"));
  free(x);
  free(md);
  free_gate();
}

/* A run-file path is the command line's, not necessarily UTF-8. The JSON once dropped the
 * subject whose run_file jansson refused, and "baseline" then named the wrong one. */
Test(side_text, json_keeps_subjects_with_invalid_utf8_path) {
  load_labs();
  snprintf(rep.inputs[0].path, sizeof rep.inputs[0].path, "/runs/b\xff\xed\xa0\x80.json");
  char msg[AB_MSG_LEN] = "";
  size_t base = subject_named("cuda", "cublas");
  cr_assert_eq(ab_compare_build(&cmp, &rep, base, msg), AB_OK, "%s", msg);
  char *text = render_cmp(ab_compare_write_json, &cmp);
  json_error_t err;
  json_t *j = json_loads(text, 0, &err);
  cr_assert_not_null(j, "%s", err.text);
  json_t *subjects = json_object_get(j, "subjects");
  cr_assert_eq(json_array_size(subjects), rep.n_subjects);
  size_t b = (size_t)json_integer_value(json_object_get(j, "baseline"));
  cr_assert_str_eq(json_string_value(json_object_get(json_array_get(subjects, b), "label")),
                   rep.subjects[base].label);
  cr_assert_str_eq(json_string_value(json_object_get(json_array_get(subjects, 0), "run_file")),
                   "/runs/b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.json",
                   "each bad byte is U+FFFD");
  json_decref(j);
  free(text);
  char *md = render_cmp(ab_compare_write_md, &cmp), *csv = render_cmp(ab_compare_write_csv, &cmp);
  char *x = render_cmp(ab_compare_write_junit, &cmp);
  cr_assert(valid_utf8(md) && valid_utf8(csv) && valid_utf8(x));
  free(md);
  free(csv);
  free(x);
  free_labs();
}

/* jansson's allocator, failing after a budget of allocations. */
static size_t alloc_budget;
static void *limited_malloc(size_t n) {
  if (alloc_budget == 0)
    return NULL;
  alloc_budget--;
  return malloc(n);
}

/* Out of memory anywhere while building the JSON: an error and nothing written, never a
 * document with a value left out. */
Test(side, json_build_failure_is_an_error) {
  char *full = render_cmp(ab_compare_write_json, &cmp);
  for (size_t budget = 0;; budget += 1 + budget / 64) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    alloc_budget = budget;
    json_set_alloc_funcs(limited_malloc, free);
    ab_status st = ab_compare_write_json(&cmp, f);
    json_set_alloc_funcs(malloc, free);
    cr_assert_eq(fclose(f), 0);
    if (st == AB_OK)
      cr_assert_str_eq(text, full, "budget %zu: AB_OK with a different document", budget);
    else
      cr_assert_eq(len, 0, "budget %zu: failed (%d) after writing %zu bytes", budget, st, len);
    free(text);
    if (st == AB_OK)
      break;
    cr_assert_lt(budget, 1000000);
  }
  free(full);
}

/* ---- units of integer kernels ---------------------------------------------------------- */

Test(side_units, int8_is_in_operations_not_flop) {
  static const char *two[] = {"lab-cpu.json", "lab-gpu.json"};
  load(two, 2);
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_compare_build(&cmp, &rep, subject_named("cpu", "onednn"), msg), AB_OK, "%s", msg);
  cr_assert_str_eq(kernel(INT8)->unit, "GOP/s");
  char *md = render_cmp(ab_compare_write_md, &cmp);
  const char *t = strstr(md, "### gemm int8->int32");
  cr_assert_not_null(t, "int8 is common to both files");
  const char *end = strstr(t + 4, "\n### ");
  char *table = strndup(t, end ? (size_t)(end - t) : strlen(t));
  cr_assert(strstr(table, "| subject | status | GOP/s |"), "%s", table);
  cr_assert(strstr(table, " GOP/s/W | ") && strstr(table, " pJ/op | "), "%s", table);
  cr_assert_null(strstr(table, "FLOP"), "%s", table);
  free(table);
  free(md);
  char *csv = render_cmp(ab_compare_write_csv, &cmp);
  cr_assert(strstr(csv, ",GOP/s/W,") && strstr(csv, ",pJ/op,"));
  free(csv);
  free_labs();
}

/* ---- no interval below AB_MIN_CI_SAMPLES ----------------------------------------------- */

/* ci-few-samples timed every case with 5 samples: no interval, so openblas f32, 25% slower,
 * is within noise and not a regression, and nothing prints "nan". */
Test(gate_few, no_interval_never_regresses) {
  load_pair("ci-baseline.json", "ci-few-samples.json");
  build_gate(0.05);
  cr_assert_eq(outcome(CASE("openblas", "square", "f32", SQ)), AB_GATE_PASS);
  cr_assert_not(ab_gate_failed(&gate));
  cr_assert_eq(gate.n_no_interval, 8);
  char buf[1024];
  for (size_t i = 0; i < gate.n_cases; i++) {
    ab_gate_case_describe(&gate, &gate.cases[i], buf, sizeof buf);
    cr_assert_null(strstr(buf, "nan"), "%s", buf);
    if (gate.cases[i].outcome == AB_GATE_PASS)
      cr_assert(strstr(buf, "(no interval)") && strstr(buf, "not a regression"), "%s", buf);
  }
  char *md = render_gate(ab_gate_write_md, &gate), *x = render_gate(ab_gate_write_junit, &gate);
  cr_assert(strstr(md, "8 case(s) ok in both runs have no 95% interval (fewer than 6 samples"));
  cr_assert_null(strstr(md, "nan"));
  cr_assert_null(strstr(x, "nan"));
  free(md);
  free(x);
  free_gate();
}

Test(side_few, no_interval_is_within_noise) {
  load_pair("ci-baseline.json", "ci-few-samples.json");
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_compare_build(&cmp, &rep, 0, msg), AB_OK, "%s", msg);
  const ab_cmp_cell *c = &kernel("gemm f32->f32 m=1024 n=1024 k=1024 nn")->cells[2];
  cr_assert_float_eq(c->ratio.value, 0.75, 1e-9);
  cr_assert(isnan(c->lo) && isnan(c->ratio.lo) && isnan(c->ratio.hi));
  cr_assert_eq(c->verdict, AB_CMP_NOISE);
  char *md = render_cmp(ab_compare_write_md, &cmp), *x = render_cmp(ab_compare_write_junit, &cmp);
  cr_assert(strstr(md, "| no interval |"));
  cr_assert_null(strstr(md, "nan"));
  cr_assert(strstr(x, "(no interval)"));
  cr_assert_null(strstr(x, "nan"), "%s", x);
  free(md);
  free(x);
  free_labs();
}

/* ---- the gate fails runs that are not a fair comparison -------------------------------- */

TestSuite(gate_runs, .fini = free_gate);

Test(gate_runs, cut_short_fails_and_warns_missing) {
  load_pair("ci-baseline.json", "ci-cut-short.json");
  build_gate(0.05);
  cr_assert(gate.check_failed[AB_GATE_CHECK_COMPLETE]);
  cr_assert_not(gate.check_failed[AB_GATE_CHECK_OVERLAP]);
  cr_assert_eq(gate.n_outcome[AB_GATE_MISSING], 2);
  cr_assert(ab_gate_failed(&gate), "an incomplete run fails even with every case passing");
  char *md = render_gate(ab_gate_write_md, &gate), *x = render_gate(ab_gate_write_junit, &gate);
  cr_assert(strstr(md, "**Result: FAIL**"));
  cr_assert(strstr(md, "**Gate failure (incomplete run):** the current run ci-cut-short.json "
                       "was cut short"),
            "%s", md);
  cr_assert(strstr(md, "**Warning: 2 of the baseline's 9 cases are missing from the current "
                       "run**"),
            "%s", md);
  cr_assert(strstr(x, "<failure message=\"incomplete run: ") &&
            strstr(x, "type=\"incomplete run\""));
  cr_assert(strstr(x, "failures=\"1\""), "%s", x);
  free(md);
  free(x);
}

Test(gate_runs, empty_current_run_fails) {
  load_pair("ci-baseline.json", "ci-empty.json");
  build_gate(0.05);
  cr_assert(gate.check_failed[AB_GATE_CHECK_OVERLAP]);
  cr_assert_eq(gate.n_outcome[AB_GATE_MISSING], 9);
  cr_assert(ab_gate_failed(&gate));
  char why[512];
  ab_gate_check_describe(&gate, AB_GATE_CHECK_OVERLAP, why, sizeof why);
  cr_assert(strstr(why, "none of the baseline's 9 cases is in the current run"), "%s", why);
  char *x = render_gate(ab_gate_write_junit, &gate);
  cr_assert(strstr(x, "type=\"nothing compared\""));
  free(x);
}

Test(gate_runs, empty_baseline_fails) {
  load_pair("ci-empty.json", "ci-baseline.json");
  build_gate(0.05);
  cr_assert(gate.check_failed[AB_GATE_CHECK_OVERLAP]);
  cr_assert(ab_gate_failed(&gate));
  char why[512];
  ab_gate_check_describe(&gate, AB_GATE_CHECK_OVERLAP, why, sizeof why);
  cr_assert(strstr(why, "the baseline has no cases"), "%s", why);
}

Test(gate_runs, newly_unsupported_fails) {
  load_pair("ci-baseline.json", "ci-lost-coverage.json");
  build_gate(0.05);
  cr_assert_eq(outcome(CASE("openblas", "square", "f32", SQ)), AB_GATE_NEWLY_UNSUPPORTED);
  cr_assert_eq(outcome(CASE("onednn", "llm-7b", "f32", "m=1 n=4096 k=4096 nn")),
               AB_GATE_NEWLY_UNSUPPORTED, "skipped now: coverage lost as well");
  cr_assert_eq(outcome(CASE("openblas", "square", "bf16", SQ)), AB_GATE_NOT_OK, "still");
  cr_assert(ab_gate_failed(&gate));
  char *md = render_gate(ab_gate_write_md, &gate), *x = render_gate(ab_gate_write_junit, &gate);
  cr_assert(strstr(md, "## Newly unsupported (2)"));
  cr_assert(strstr(md, "ok in the baseline, unsupported now: OpenBLAS 0.3.27"), "%s", md);
  cr_assert_eq(count_of(x, "type=\"newly unsupported\""), 2);
  free(md);
  free(x);
}

/* A path goes into the summary as escaped text: in a code span a backtick would end the
 * span, and the escapes would show literally. */
Test(gate_runs, markdown_path_is_escaped_text) {
  load_ci();
  snprintf(rep.inputs[0].path, sizeof rep.inputs[0].path, "/runs/a`b|c_d.json");
  build_gate(0.05);
  char *md = render_gate(ab_gate_write_md, &gate);
  cr_assert(strstr(md, "- baseline: /runs/a\\`b\\|c\\_d.json (started 2026-11-23T08:00:00Z"), "%s",
            md);
  free(md);
}

/* ---- energy per token ------------------------------------------------------------------ */

/* lab-gpu.json with J/token figures put on its first measured case, as the harness writes
 * them for a kernel that processes tokens (bench/power/figures.c); written to `out`. */
static void gpu_run_with_tokens(const char *out, double j_per_token) {
  json_error_t err;
  json_t *run = json_load_file(RUNS "lab-gpu.json", 0, &err);
  cr_assert_not_null(run, "%s", err.text);
  json_t *cases = json_object_get(run, "cases"), *src = NULL;
  for (size_t i = 0; !src && i < json_array_size(cases); i++)
    src = json_array_get(
        json_object_get(json_object_get(json_array_get(cases, i), "power"), "sources"), 0);
  cr_assert_not_null(src, "lab-gpu.json has a measured case");
  json_object_set_new(src, "j_per_token", json_real(j_per_token));
  json_object_set_new(src, "net_j_per_token", json_real(0.375));
  cr_assert_eq(json_dump_file(run, out, 0), 0);
  json_decref(run);
}

Test(tokens, energy_per_token_reaches_every_format, .fini = unload) {
  char path[] = "/tmp/ab-tokens-XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  close(fd);
  gpu_run_with_tokens(path, 0.625);
  const char *paths[] = {path};
  ab_report_opts opts = {.no_default_catalog = true};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_report_build(&rep, paths, 1, &opts, msg), AB_OK, "%s", msg);
  size_t with = 0;
  for (size_t i = 0; i < rep.n_rows; i++)
    if (isfinite(rep.rows[i].power.j_per_token)) {
      with++;
      cr_assert_float_eq(rep.rows[i].power.j_per_token, 0.625, 1e-12);
      cr_assert_float_eq(rep.rows[i].power.net_j_per_token, 0.375, 1e-12);
    }
  cr_assert_eq(with, 1, "only the case that has the figure shows it");
  char *md = render_rep(ab_report_write_md, &rep), *csv = render_rep(ab_report_write_csv, &rep);
  cr_assert_eq(count_of(md, "J/token"), 2, "the best-GEMM table and the case table: %s", md);
  cr_assert(strstr(md, "; 0.625 J/token (net 0.375) |"), "%s", md);
  cr_assert(strstr(csv, ",j_per_token,net_j_per_token,"), "the CSV has the columns");
  cr_assert(strstr(csv, ",0.625,0.375,"), "and the values");
  free(md);
  free(csv);
  ab_report_free(&rep);
  memset(&rep, 0, sizeof rep);

  gpu_run_with_tokens(path, -1.0); /* the reader refuses what no harness writes */
  cr_assert_neq(ab_report_build(&rep, paths, 1, &opts, msg), AB_OK);
  cr_assert(strstr(msg, "power.sources[0].j_per_token: expected a value >= 0"), "%s", msg);
  unlink(path);
}

/* ---- net of idle within noise ------------------------------------------------------------ */

/* lab-cpu.json's openblas llm case ran at 181 W over a 180 W idle: its run file has no net
 * figure, only the reason (bench/power/figures.c). Every format says so, none shows a net
 * number for it. */
Test(net_noise, not_measurable_reaches_every_format, .fini = unload) {
  static const char *labs[] = {"lab-cpu.json"};
  load(labs, 1);
  const ab_report_row *noise = NULL;
  for (size_t i = 0; i < rep.n_rows; i++)
    if (rep.rows[i].power.net_cell[0])
      noise = noise ? noise : &rep.rows[i];
  cr_assert_not_null(noise, "the fixture has a case with net power within noise");
  cr_assert_str_eq(noise->power.net_cell, "not measurable: net power within noise");
  cr_assert(isnan(noise->power.net_gflops_per_w) && isnan(noise->power.net_avg_w));
  cr_assert(noise->power.net_uncertainty_w > 0);
  char *md = render_rep(ab_report_write_md, &rep), *csv = render_rep(ab_report_write_csv, &rep),
       *js = render_rep(ab_report_write_json, &rep);
  cr_assert_eq(count_of(md, "| not measurable: net power within noise |"), 1, "%s", md);
  cr_assert(strstr(csv, ",net_uncertainty_w,net_not_measurable,power_not_measured,"));
  cr_assert_eq(count_of(csv, ",\"net power within noise: 1 W net of idle, uncertainty 2.172 W"), 1);
  cr_assert_eq(count_of(js, "\"net_not_measurable\": \"net power within noise: 1 W net of idle"), 1,
               "%s", js);
  free(md);
  free(csv);
  free(js);
}

/* The HTML shows net figures for the best GEMM of each dtype and in the perf/W chart: put
 * the noise on lab-cpu's best f32 case (its first) and both must say so. */
Test(net_noise, html_says_not_measurable, .fini = unload) {
  json_error_t err;
  json_t *run = json_load_file(RUNS "lab-cpu.json", 0, &err);
  cr_assert_not_null(run, "%s", err.text);
  json_t *src = json_array_get(
      json_object_get(json_object_get(json_array_get(json_object_get(run, "cases"), 0), "power"),
                      "sources"),
      0);
  static const char *const net[] = {"net_avg_w", "net_energy_j", "net_pj_per_flop",
                                    "net_gflops_per_w"};
  for (size_t i = 0; i < sizeof net / sizeof net[0]; i++)
    cr_assert_eq(json_object_del(src, net[i]), 0, "%s", net[i]);
  json_object_set_new(src, "net_not_measurable",
                      json_string("net power within noise: 0.5 W net of idle, uncertainty 4 W"));
  char path[] = "/tmp/ab-net-noise-XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  close(fd);
  cr_assert_eq(json_dump_file(run, path, 0), 0);
  json_decref(run);
  const char *paths[] = {path};
  ab_report_opts opts = {.no_default_catalog = true};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_report_build(&rep, paths, 1, &opts, msg), AB_OK, "%s", msg);
  unlink(path);
  char *html = render_rep(ab_report_write_html, &rep);
  /* the details on hover and, for print, in the page text */
  cr_assert(strstr(html, "title=\"net power within noise: 0.5 W net of idle, uncertainty 4 W\">"
                         "not measurable: net power within noise<span class=\"why\"> net power "
                         "within noise: 0.5 W net of idle, uncertainty 4 W</span></td>"),
            "the best-GEMM table's net cell");
  cr_assert(strstr(html, ">net of idle: not measurable: net power within noise</text>"),
            "the perf/W bar");
  free(html);
}
