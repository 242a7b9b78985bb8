/* accelbench — rates of a case (GFLOP/s, GB/s, arithmetic intensity). */
#ifndef AB_MODEL_RATES_H
#define AB_MODEL_RATES_H

#include <stdbool.h>

#include "model/record.h"

/* Rates of a case, derived in this one place from its work (flops, bytes) and its median
 * time and CI (never inside a backend). NAN when undefined: a case that is not ok (only a
 * validated, timed case has a speed), no work of that kind, or no time. */
typedef struct ab_case_rates {
  double gflops_median, gflops_ci95_lo, gflops_ci95_hi;
  double gbytes_per_s_median, gbytes_per_s_ci95_lo, gbytes_per_s_ci95_hi;
  double arithmetic_intensity; /* flops per byte */
} ab_case_rates;

void ab_case_rates_compute(const ab_case_result *c, ab_case_rates *out);

/* Whether a case has rates at all: only a validated, timed case is ranked. */
bool ab_case_has_rates(const ab_case_result *c);

#endif
