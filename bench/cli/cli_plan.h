/* accelbench — what a run will do before it does it: the plan table with an estimated
 * duration (`accelbench plan`, `run --dry-run`), the check of `-O` keys against the keys
 * the backends declare (ABI 1.4), and the progress line with elapsed time and ETA. */
#ifndef AB_CLI_PLAN_H
#define AB_CLI_PLAN_H

#include <stdio.h>

#include "plan.h"
#include "suite.h"

/* Seconds one case's warm-up and timed loop can take at most under the suite's rules, for
 * kernels whose single call is shorter than sample_min_s: warmup_s plus the longer of the
 * time cap and min_samples samples of sample_min_s. Setup (compiles, data generation) and
 * validation come on top, so an estimate from it is a bound on the timing part only. */
double ab_case_budget_s(const ab_measure_opts *m);

/* Print every planned case, per device, with the estimate and a total. */
void ab_plan_print(FILE *out, const ab_plan *plan, const ab_suite *suite, size_t width);

/* Check the "key=value" options from the command line against the option keys of the
 * backends in the plan. A key that no planned backend declares, while every planned
 * backend declares its keys, is an error: AB_E_INVALID, with the valid keys per backend in
 * `msg`. Backends that declare nothing get a warning on `warn` (any key passes). */
ab_status ab_check_option_keys(const ab_plan *plan, const char *const *kv, size_t n, FILE *warn,
                               char *msg);

/* The progress line: "[3/40 1m05s, ETA 2m10s] LABEL", cut to `width` (0: no limit). ETA from
 * the mean of the cases finished so far in this session; before the first one, from the
 * upper-bound `budget_s` per case. */
void ab_progress_format(char *buf, size_t len, size_t done, size_t total, size_t done_here,
                        double elapsed_s, double budget_s, const char *label, size_t width);

/* "1h02m", "3m05s", "42s". */
void ab_duration_str(double s, char *buf, size_t len);

#endif
