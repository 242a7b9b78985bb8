/* Statistics for timing samples: order statistics for the median and its confidence
 * interval (distribution-free: timing samples are skewed, so no normality is assumed). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double ab_percentile_sorted(const double *sorted, size_t n, double p) {
  if (n == 0)
    return 0.0;
  if (n == 1)
    return sorted[0];
  double rank = p / 100.0 * (double)(n - 1);
  size_t lo = (size_t)floor(rank);
  size_t hi = lo + 1 < n ? lo + 1 : lo;
  double frac = rank - (double)lo;
  return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

static void mean_stdev(const double *x, size_t n, double *mean, double *stdev) {
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    sum += x[i];
  *mean = n ? sum / (double)n : 0.0;
  double ss = 0.0;
  for (size_t i = 0; i < n; i++)
    ss += (x[i] - *mean) * (x[i] - *mean);
  *stdev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
}

double ab_cv(const double *samples, size_t n) {
  double mean, stdev;
  if (n < 2)
    return 0.0;
  mean_stdev(samples, n, &mean, &stdev);
  return mean != 0.0 ? stdev / fabs(mean) : 0.0;
}

/* 95% CI of the median from order statistics: ranks n/2 -+ 1.96*sqrt(n)/2 (normal
 * approximation to the binomial; Conover, Practical Nonparametric Statistics, 3.2).
 * With few samples the interval widens to the sample range. */
static void median_ci(const double *sorted, size_t n, double *lo, double *hi) {
  double half = 1.959964 * sqrt((double)n) / 2.0;
  double r_lo = floor((double)n / 2.0 - half); /* 1-based rank */
  double r_hi = ceil((double)n / 2.0 + half) + 1.0;
  if (r_lo < 1.0)
    r_lo = 1.0;
  if (r_hi > (double)n)
    r_hi = (double)n;
  *lo = sorted[(size_t)r_lo - 1];
  *hi = sorted[(size_t)r_hi - 1];
}

void ab_stats_compute(const double *samples, size_t n, ab_stats *out) {
  memset(out, 0, sizeof *out);
  if (n == 0)
    return;
  double *s = malloc(n * sizeof *s);
  if (!s)
    return;
  memcpy(s, samples, n * sizeof *s);
  qsort(s, n, sizeof *s, cmp_double);
  out->n = (uint32_t)n;
  out->min = s[0];
  out->max = s[n - 1];
  out->median = ab_percentile_sorted(s, n, 50.0);
  out->p5 = ab_percentile_sorted(s, n, 5.0);
  out->p95 = ab_percentile_sorted(s, n, 95.0);
  mean_stdev(s, n, &out->mean, &out->stdev);
  out->cv = out->mean != 0.0 ? out->stdev / fabs(out->mean) : 0.0;
  median_ci(s, n, &out->median_ci95_lo, &out->median_ci95_hi);
  free(s);
}
