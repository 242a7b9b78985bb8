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

void ab_sort_doubles(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
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

/* 95% CI of the median from order statistics (distribution-free): the ranks j and n+1-j
 * with j the largest rank such that P(Bin(n, 1/2) <= j-1) <= 0.025, so the interval
 * [x_(j), x_(n+1-j)] covers the median with probability >= 95% (Conover, Practical
 * Nonparametric Statistics, 3rd ed., 3.2). Exact binomial tail in log space, so it holds
 * for small n too; below n = 6 no such j exists and the interval is the sample range. */
static void median_ci(const double *sorted, size_t n, double *lo, double *hi) {
  double log_half_n = (double)n * log(0.5), tail = 0.0;
  size_t excluded = 0; /* order statistics left out at each end: j - 1 */
  for (size_t k = 0; k < n / 2; k++) {
    double log_pmf =
        lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1) + log_half_n;
    tail += exp(log_pmf); /* P(Bin(n, 1/2) <= k) */
    if (tail > 0.025)
      break;
    excluded = k; /* j = k + 1 still keeps the coverage >= 95% */
  }
  *lo = sorted[excluded];         /* rank j */
  *hi = sorted[n - 1 - excluded]; /* rank n + 1 - j */
}

void ab_stats_compute(const double *samples, size_t n, ab_stats *out) {
  memset(out, 0, sizeof *out);
  if (n == 0)
    return;
  double *s = malloc(n * sizeof *s);
  if (!s)
    return;
  memcpy(s, samples, n * sizeof *s);
  ab_sort_doubles(s, n);
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
