#include <criterion/criterion.h>
#include <math.h>

#include "stats.h"

Test(stats, known_sample) {
  const double x[] = {5, 1, 4, 2, 3}; /* unsorted on purpose */
  ab_stats s;
  ab_stats_compute(x, 5, &s);
  cr_assert_eq(s.n, 5);
  cr_assert_float_eq(s.median, 3.0, 1e-12);
  cr_assert_float_eq(s.mean, 3.0, 1e-12);
  cr_assert_float_eq(s.min, 1.0, 1e-12);
  cr_assert_float_eq(s.max, 5.0, 1e-12);
  cr_assert_float_eq(s.stdev, sqrt(2.5), 1e-12);
  cr_assert_float_eq(s.cv, sqrt(2.5) / 3.0, 1e-12);
  cr_assert_float_eq(s.p5, 1.2, 1e-12);  /* rank 0.2 between 1 and 2 */
  cr_assert_float_eq(s.p95, 4.8, 1e-12); /* rank 3.8 between 4 and 5 */
  cr_assert_eq(x[0], 5, "input left unsorted");
}

Test(stats, even_count_median_interpolates) {
  const double x[] = {4, 1, 3, 2};
  ab_stats s;
  ab_stats_compute(x, 4, &s);
  cr_assert_float_eq(s.median, 2.5, 1e-12);
}

Test(stats, median_ci_brackets_median_and_narrows_with_n) {
  double x[1000];
  for (int i = 0; i < 1000; i++)
    x[i] = (double)((i * 7919) % 1000); /* a permutation of 0..999 */
  ab_stats s100, s1000;
  ab_stats_compute(x, 100, &s100);
  ab_stats_compute(x, 1000, &s1000);
  cr_assert(s100.median_ci95_lo <= s100.median && s100.median <= s100.median_ci95_hi);
  cr_assert(s1000.median_ci95_lo <= s1000.median && s1000.median <= s1000.median_ci95_hi);
  /* Exact binomial ranks: n = 1000 gives ranks 469 and 532 (values 468 and 531 here). */
  cr_assert_float_eq(s1000.median_ci95_lo, 468.0, 0.5);
  cr_assert_float_eq(s1000.median_ci95_hi, 531.0, 0.5);
  double w100 = (s100.median_ci95_hi - s100.median_ci95_lo) / (s100.max - s100.min);
  double w1000 = (s1000.median_ci95_hi - s1000.median_ci95_lo) / (s1000.max - s1000.min);
  cr_assert_lt(w1000, w100, "relative CI width shrinks with more samples");
}

/* The ranks every nonparametric table gives (Conover; coverage >= 95%, as tight as can be):
 * n = 20 -> 6 and 15, n = 100 -> 40 and 61, n = 10 -> 2 and 9. */
Test(stats, median_ci_uses_exact_binomial_ranks) {
  double x[100];
  for (int i = 0; i < 100; i++)
    x[i] = i + 1; /* value = 1-based rank */
  const struct {
    size_t n;
    double lo, hi;
  } want[] = {{20, 6, 15}, {100, 40, 61}, {10, 2, 9}, {5, 1, 5}};
  for (size_t t = 0; t < sizeof want / sizeof want[0]; t++) {
    ab_stats s;
    ab_stats_compute(x, want[t].n, &s);
    cr_assert_float_eq(s.median_ci95_lo, want[t].lo, 0, "n=%zu lo %g", want[t].n, s.median_ci95_lo);
    cr_assert_float_eq(s.median_ci95_hi, want[t].hi, 0, "n=%zu hi %g", want[t].n, s.median_ci95_hi);
  }
}

Test(stats, tiny_and_empty_samples) {
  ab_stats s;
  ab_stats_compute(NULL, 0, &s);
  cr_assert_eq(s.n, 0);
  const double one = 2.5;
  ab_stats_compute(&one, 1, &s);
  cr_assert_float_eq(s.median, 2.5, 0);
  cr_assert_float_eq(s.median_ci95_lo, 2.5, 0);
  cr_assert_float_eq(s.median_ci95_hi, 2.5, 0);
  cr_assert_float_eq(s.stdev, 0.0, 0);
  cr_assert_float_eq(ab_cv(&one, 1), 0.0, 0);
}

Test(stats, cv_of_constant_and_spread) {
  const double flat[] = {2, 2, 2, 2};
  const double spread[] = {1, 3};
  cr_assert_float_eq(ab_cv(flat, 4), 0.0, 1e-15);
  cr_assert_float_eq(ab_cv(spread, 2), sqrt(2.0) / 2.0, 1e-12);
}
