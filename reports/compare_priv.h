/* accelbench — helpers shared by compare.c, compare_render.c, gate.c and junit.c; private to
 * the reporter library (not installed, not for backends). */
#ifndef AB_COMPARE_PRIV_H
#define AB_COMPARE_PRIV_H

#include <stdbool.h>
#include <stdio.h>

#include "compare.h"

/* Room for a run-file path with every byte replaced by U+FFFD (ab_utf8_clean_into): paths
 * from the command line, unlike run-file strings, need not be UTF-8. */
#define AB_CMP_UTF8_CAP 4096

/* snprintf whose output never ends in part of a UTF-8 character: when the text does not
 * fit, the partial character at the cut is dropped too. */
void ab_cmp_printf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "95% CI 0.882-0.918" with `digits` significant digits (fixed: decimals), or "no interval"
 * when either end is not a number. */
const char *ab_cmp_ci_text(double lo, double hi, int digits, bool fixed, char *buf, size_t len);

/* A ratio with 3 decimals ("1.091"), "—" for NAN (compare_render.c). */
const char *ab_cmp_fmt_ratio(double v, char *buf, size_t len);

/* The headline rate of a row (ab_report_rate); all NAN and NULL unit for no row. */
const char *ab_cmp_row_rate(const ab_report_row *r, double *v, double *lo, double *hi);

/* Harness versions or suites that differ between the run files, and which of the first
 * n_check_complete run files were cut short; `texts` (may be NULL) gets each note in the
 * report's language (ab_note_add). */
ab_status ab_cmp_note_runs_differ(const ab_report *rep, size_t n_check_complete, char ***notes,
                                  char ***texts, size_t *n, bool *differ);

/* The file name of a path. */
const char *ab_cmp_base_name(const char *path);

/* Flush, and AB_E_IO if anything written to out failed. */
ab_status ab_cmp_finish(FILE *out);

#endif
