#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cli_plan.h"
#include "table.h"

/* Longest line of `text`, in display columns. */
static size_t widest_line(char *text) {
  size_t widest = 0;
  for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    size_t w = ab_text_width(line);
    widest = w > widest ? w : widest;
  }
  return widest;
}

Test(table, text_fit_cuts_with_an_ellipsis) {
  char buf[64];
  ab_text_fit("implementation", 6, buf, sizeof buf);
  cr_assert_str_eq(buf, "imple\xe2\x80\xa6");
  cr_assert_eq(ab_text_width(buf), 6);
  ab_text_fit("short", 6, buf, sizeof buf);
  cr_assert_str_eq(buf, "short");
  ab_text_fit("\xe4\xb8\xad\xe6\x96\x87"
              "abc",
              3, buf, sizeof buf); /* cut after whole code points */
  cr_assert_str_eq(buf, "\xe4\xb8\xad\xe6\x96\x87\xe2\x80\xa6");
}

static const ab_table_col cols[3] = {
    {"status", 12, 9, false}, {"rate", 6, 5, true}, {"reason", 8, 0, false}};

static char *table_text(const char *const *cells, size_t rows, size_t width) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  ab_table_print(f, cols, 3, cells, rows, width);
  fclose(f);
  return text;
}

Test(table, fits_the_width_and_cuts_the_free_text_first) {
  const char *cells[] = {"unsupported",
                         "-",
                         "OpenBLAS has no half-precision GEMM on this core type",
                         "ok",
                         "1234.5 [1200.0, 1300.0]",
                         "openblas sgemm"};
  char *text = table_text(cells, 2, 50);
  cr_assert(strstr(text, "unsupported"), "status is never cut: %s", text);
  cr_assert(strstr(text, "\xe2\x80\xa6"), "cut text ends in an ellipsis: %s", text);
  cr_assert(strstr(text, "1234.5 [1200.0, 1300.0]"), "the rate keeps its room: %s", text);
  cr_assert_leq(widest_line(text), 50);
  free(text);
  text = table_text(cells, 2, 0); /* no width known: nothing is cut */
  cr_assert(strstr(text, "core type"), "%s", text);
  cr_assert_null(strstr(text, "\xe2\x80\xa6"));
  free(text);
}

Test(table, columns_env_sets_the_width) {
  setenv("COLUMNS", "77", 1);
  cr_assert_eq(ab_terminal_width(stdout), 77);
  setenv("COLUMNS", "wide", 1);
  cr_assert_eq(ab_terminal_width(NULL), 0);
  unsetenv("COLUMNS");
}

Test(plan, budget_is_warmup_plus_the_longer_of_cap_and_min_samples) {
  ab_measure_opts m = {.warmup_s = 0.5, .time_cap_s = 2.0, .min_samples = 10, .sample_min_s = 0.01};
  cr_assert_float_eq(ab_case_budget_s(&m), 2.5, 1e-12);
  m.sample_min_s = 0.5; /* 10 samples of 0.5 s outlast the cap */
  cr_assert_float_eq(ab_case_budget_s(&m), 5.5, 1e-12);
}

Test(plan, progress_shows_elapsed_and_eta_and_fits) {
  char line[256];
  ab_progress_format(line, sizeof line, 0, 10, 0, 0.0, 3.0, "cpu:0 openblas f32 m=64", 0);
  cr_assert(strstr(line, "[1/10 0s, ETA <= 30s]"), "%s", line); /* bound before any case */
  ab_progress_format(line, sizeof line, 4, 10, 4, 20.0, 3.0, "cpu:0 openblas f32 m=64", 0);
  cr_assert(strstr(line, "[5/10 20s, ETA 30s]"), "%s", line); /* 5 s per case, 6 left */
  ab_progress_format(line, sizeof line, 4, 10, 4, 20.0, 3.0, "cpu:0 openblas f32 m=64", 20);
  cr_assert_leq(ab_text_width(line), 19);
  ab_duration_str(3725, line, sizeof line);
  cr_assert_str_eq(line, "1h02m");
}

/* A plan of one device per backend, enough for the -O key check. */
static ab_status check_keys(ab_loaded_backend *b, size_t nb, const char *kv, char *msg) {
  ab_device_record devices[4];
  memset(devices, 0, sizeof devices);
  const ab_loaded_backend *owner[4];
  bool selected[4];
  for (size_t i = 0; i < nb; i++) {
    owner[i] = &b[i];
    selected[i] = true;
  }
  ab_plan plan = {
      .devices = devices, .device_backend = owner, .device_selected = selected, .n_devices = nb};
  const char *opts[] = {kv};
  FILE *warn = fopen("/dev/null", "w");
  ab_status st = ab_check_option_keys(&plan, opts, 1, warn, msg);
  fclose(warn);
  return st;
}

Test(plan, unknown_option_key_names_the_valid_keys) {
  static const char *const cpu_keys[] = {"threads", "pin", NULL};
  static const char *const ocl_keys[] = {"ocl_prefault", NULL};
  ab_loaded_backend b[2] = {{.name = "cpu"}, {.name = "opencl"}};
  b[0].table.option_keys = cpu_keys;
  b[1].table.option_keys = ocl_keys;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(check_keys(b, 2, "threads=2", msg), AB_OK);
  cr_assert_eq(check_keys(b, 2, "ocl_prefault=off", msg), AB_OK);
  cr_assert_eq(check_keys(b, 2, "thread=2", msg), AB_E_INVALID);
  cr_assert(strstr(msg, "'thread'") && strstr(msg, "cpu: threads pin") &&
                strstr(msg, "opencl: ocl_prefault"),
            "%s", msg);
  /* A backend that does not declare its keys (ABI < 1.4) may take any key. */
  b[1].table.option_keys = NULL;
  cr_assert_eq(check_keys(b, 2, "thread=2", msg), AB_OK);
}
