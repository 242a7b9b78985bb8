/* Tests of the tender requirements file (reports/tender.c) and the compliance matrix
 * (reports/compliance.c): the shipped example loads, every file of the bad corpus is
 * refused with its file, line and field, and the lab fixtures (tests/fixtures/runs) give
 * the verdicts worked out by hand in tests/report/tender.yaml's comments. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "tender.h"

#define SRC(p) AB_TEST_SOURCE_DIR "/" p

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "cannot open %s", path);
  static char buf[4096];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

Test(tender, example_loads) {
  ab_tender t;
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_tender_load(SRC("configs/tender.yaml"), &t, msg), AB_OK, "%s", msg);
  cr_expect_gt(t.n_reqs, 5);
  bool mandatory = false;
  for (size_t i = 0; i < t.n_reqs; i++)
    mandatory |= t.reqs[i].mandatory;
  cr_expect(mandatory, "the example shows a mandatory (★) requirement");
  ab_tender_free(&t);
}

Test(tender, units_convert) {
  ab_tender t;
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_tender_load(SRC("tests/report/tender.yaml"), &t, msg), AB_OK, "%s", msg);
  cr_expect_str_eq(t.reqs[0].unit, "TFLOP/s");
  cr_expect_float_eq(t.reqs[0].scale, 1e-3, 1e-12);
  cr_expect_str_eq(t.reqs[0].marker, "★");
  cr_expect(t.reqs[0].mandatory);
  cr_expect_str_eq(t.reqs[3].unit, "ms");
  cr_expect_float_eq(t.reqs[3].scale, 1e3, 1e-9);
  cr_expect(t.reqs[3].is_max);
  cr_expect(ab_tender_is_domestic(&t, "test-910b"));
  cr_expect_not(ab_tender_is_domestic(&t, "test-h100"));
  ab_tender_free(&t);
}

static void check_bad(const char *dir, const char *file) {
  char path[1024], expect_path[1024], msg[AB_MSG_LEN] = "";
  snprintf(path, sizeof path, "%s/%s", dir, file);
  snprintf(expect_path, sizeof expect_path, "%.*s.expect", (int)(strlen(path) - 5), path);
  char *expect = slurp(expect_path);
  ab_tender t;
  ab_status st = ab_tender_load(path, &t, msg);
  cr_expect_eq(st, AB_E_INVALID, "%s: status %d, message: %s", file, st, msg);
  cr_expect_eq(t.n_reqs, 0, "%s: a failed load left requirements behind", file);
  cr_expect_eq(strncmp(msg, path, strlen(path)), 0, "%s: message does not start with the path: %s",
               file, msg);
  for (char *line = strtok(expect, "\n"); line; line = strtok(NULL, "\n"))
    cr_expect(strstr(msg, line) != NULL, "%s:\n  message: %s\n  expected to contain: %s", file, msg,
              line);
}

Test(tender, bad_corpus) {
  const char *dir = SRC("tests/tender/bad");
  DIR *dp = opendir(dir);
  cr_assert_not_null(dp);
  size_t n = 0;
  for (struct dirent *de; (de = readdir(dp));) {
    size_t l = strlen(de->d_name);
    if (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0) {
      check_bad(dir, de->d_name);
      n++;
    }
  }
  closedir(dp);
  cr_assert_geq(n, 20, "only %zu bad files in %s", n, dir);
}

Test(tender, garbage_never_crashes) {
  /* Every prefix of a valid file: the parser must refuse or accept, never crash or leak. */
  const char *good = slurp(SRC("tests/report/tender.yaml"));
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", good);
  size_t len = strlen(copy);
  for (size_t cut = 0; cut < len; cut += 7) {
    ab_tender t;
    char msg[AB_MSG_LEN];
    if (ab_tender_parse("prefix", copy, cut, &t, msg) == AB_OK)
      ab_tender_free(&t);
  }
}

/* ---- the matrix on the lab fixtures ------------------------------------------------------ */

static ab_report rep;

static void build(void) {
  const char *runs[] = {SRC("tests/fixtures/runs/lab-cpu.json"),
                        SRC("tests/fixtures/runs/lab-gpu.json"),
                        SRC("tests/fixtures/runs/lab-npu.json")};
  const char *cat[] = {SRC("tests/report/catalog.yaml")};
  ab_report_opts o = {.catalog_paths = cat,
                      .n_catalog_paths = 1,
                      .no_default_catalog = true,
                      .cost_path = SRC("tests/report/cost.yaml"),
                      .tender_path = SRC("tests/report/tender.yaml")};
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_report_build(&rep, runs, 3, &o, msg), AB_OK, "%s", msg);
  cr_assert_eq(rep.n_subjects, 4);
}

static void teardown(void) {
  ab_report_free(&rep);
}

static size_t req(const char *id) {
  for (size_t i = 0; i < rep.tender.n_reqs; i++)
    if (strcmp(rep.tender.reqs[i].id, id) == 0)
      return i;
  cr_assert_fail("no requirement %s", id);
  return 0;
}

/* subjects: 0 EPYC openblas, 1 EPYC onednn, 2 H100 cublas, 3 910B aclnn */
static ab_tender_verdict v(const char *id, size_t s) {
  return ab_report_tender_cell(&rep, req(id), s)->verdict;
}

TestSuite(compliance, .init = build, .fini = teardown);

Test(compliance, throughput_judged_at_the_lower_end) {
  const ab_tender_cell *c = ab_report_tender_cell(&rep, req("2.1"), 0);
  cr_expect_eq(c->verdict, AB_TENDER_MET);
  cr_expect_float_eq(c->value, 2.2, 1e-9);    /* 2200 GFLOP/s in TFLOP/s */
  cr_expect_float_eq(c->bound, c->lo, 1e-12); /* the conservative end */
  cr_expect_lt(c->bound, c->value);
  cr_expect_float_eq(c->deviation, (c->bound - 2) / 2, 1e-12);
}

Test(compliance, each_verdict) {
  cr_expect_eq(v("2.2", 0), AB_TENDER_UNSUPPORTED); /* OpenBLAS has no bf16 */
  cr_expect_eq(v("2.2", 1), AB_TENDER_NOT_MET);     /* 4.1 TFLOP/s < 100 */
  cr_expect_eq(v("2.2", 2), AB_TENDER_NOT_MET);     /* wrong result: a fail, not a blank */
  cr_expect_eq(v("2.2", 3), AB_TENDER_MET);
  cr_expect_eq(ab_report_tender_cell(&rep, req("2.2"), 2)->why, AB_TWHY_FAILED);
  cr_expect_eq(v("2.3", 0), AB_TENDER_NOT_MEASURED); /* a node meter, board asked */
  cr_expect_eq(ab_report_tender_cell(&rep, req("2.3"), 0)->why, AB_TWHY_OTHER_SCOPE);
  cr_expect_eq(v("2.3", 2), AB_TENDER_MET);
  cr_expect_eq(v("2.3", 3), AB_TENDER_NOT_MEASURED); /* no power source */
  cr_expect_eq(ab_report_tender_cell(&rep, req("2.3"), 3)->why, AB_TWHY_NO_POWER);
}

Test(compliance, latency_and_energy_use_the_upper_end) {
  const ab_tender_cell *l = ab_report_tender_cell(&rep, req("2.4"), 0);
  cr_expect_eq(l->verdict, AB_TENDER_MET);
  cr_expect_gt(l->bound, l->value);
  const ab_tender_cell *e = ab_report_tender_cell(&rep, req("2.5"), 2);
  cr_expect_eq(e->verdict, AB_TENDER_MET);
  cr_expect_gt(e->bound, e->value);
  cr_expect_eq(v("2.5", 1), AB_TENDER_NOT_MET);
}

Test(compliance, coverage_counts_validated_kinds) {
  const ab_tender_cell *c = ab_report_tender_cell(&rep, req("3.1"), 2);
  cr_expect_eq(c->verdict, AB_TENDER_MET);
  cr_expect_float_eq(c->value, 2, 0);
  /* peak never ran on the CPU: not measured, not a shortfall of the device */
  cr_expect_eq(v("3.1", 0), AB_TENDER_NOT_MEASURED);
  cr_expect(strstr(ab_report_tender_cell(&rep, req("3.1"), 0)->arg, "peak") != NULL);
}

Test(compliance, power_and_price) {
  cr_expect_eq(v("3.2", 2), AB_TENDER_MET);
  cr_expect_eq(v("3.2", 0), AB_TENDER_NOT_MEASURED);
  cr_expect_eq(v("4.1", 0), AB_TENDER_MET);     /* 40000 CNY from the catalogue */
  cr_expect_eq(v("4.1", 2), AB_TENDER_NOT_MET); /* the cost file's 250000 CNY quote */
  /* 120000 CNY quoted, a declared domestic product: judged at 80%, 96000 <= 100000 */
  const ab_tender_cell *c = ab_report_tender_cell(&rep, req("4.1"), 3);
  cr_expect_eq(c->verdict, AB_TENDER_MET);
  cr_expect(c->domestic);
  cr_expect_float_eq(c->value, 120000, 1e-6);
  cr_expect_float_eq(c->bound, 96000, 1e-6);
}

Test(compliance, tally_counts_mandatory_failures) {
  size_t met, failed;
  ab_report_tender_tally(&rep, 2, &met, &failed);
  cr_expect_eq(met, 6);
  cr_expect_eq(failed, 2); /* ★2.2 wrong result, *4.1 price */
  ab_report_tender_tally(&rep, 3, &met, &failed);
  cr_expect_eq(failed, 1); /* ★3.1 peak not run */
}
