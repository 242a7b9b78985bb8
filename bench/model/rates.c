/* Rates of a case (rates.h): the one place they are derived. */
#include "model/rates.h"

#include <math.h>

/* work / time in units of 1e9 per second; NAN where the work or the time is undefined. */
static double rate_g(double work, double time_s) {
  if (!(work > 0.0) || !(time_s > 0.0) || !isfinite(work) || !isfinite(time_s))
    return NAN;
  return work / time_s / 1e9;
}

/* The one place rates are derived (STYLE.md, "Kernels as data"): work per call from the
 * descriptor divided by the median per-call time. A rate falls as time rises, so the rate's
 * 95% interval comes from the median time's interval with its ends swapped. */
void ab_case_rates_compute(const ab_case_result *c, ab_case_rates *out) {
  const ab_stats *t = &c->time_s;
  *out = (ab_case_rates){NAN, NAN, NAN, NAN, NAN, NAN, NAN};
  if (!ab_case_has_rates(c))
    return;
  out->gflops_median = rate_g(c->flops, t->median);
  out->gflops_ci95_lo = rate_g(c->flops, t->median_ci95_hi);
  out->gflops_ci95_hi = rate_g(c->flops, t->median_ci95_lo);
  out->gbytes_per_s_median = rate_g(c->bytes, t->median);
  out->gbytes_per_s_ci95_lo = rate_g(c->bytes, t->median_ci95_hi);
  out->gbytes_per_s_ci95_hi = rate_g(c->bytes, t->median_ci95_lo);
  if (c->flops > 0.0 && c->bytes > 0.0 && isfinite(c->flops) && isfinite(c->bytes))
    out->arithmetic_intensity = c->flops / c->bytes;
}

/* Whether a case has rates at all. Only a validated, timed case is ranked: a wrong result
 * or a failed case keeps its timing for diagnosis but never gets a speed (DESIGN.md). A
 * rate that cannot be computed (no work of that kind, zero median) is null. */
bool ab_case_has_rates(const ab_case_result *c) {
  return c->status == AB_CASE_OK && c->time_s.n > 0;
}
