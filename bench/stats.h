/* accelbench — robust statistics of timing samples. */
#ifndef AB_STATS_H
#define AB_STATS_H

#include <stddef.h>

#include "model/record.h"

/* Fill `out` from `n` samples (the array is not modified). With n == 0 every field is 0. */
void ab_stats_compute(const double *samples, size_t n, ab_stats *out);

/* Sort ascending in place (for ab_percentile_sorted). */
void ab_sort_doubles(double *v, size_t n);

/* Percentile p in [0, 100] of sorted data, with linear interpolation between ranks. */
double ab_percentile_sorted(const double *sorted, size_t n, double p);

/* stdev/mean of the samples (0 when n < 2 or the mean is 0); used by the stopping rule. */
double ab_cv(const double *samples, size_t n);

#endif
