/* accelbench — the readable summary table printed after a run (terminal and Markdown). */
#ifndef AB_SUMMARY_H
#define AB_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/runfile.h"

/* One row per case: status, device, provider, kernel, shape, median time, rate with its
 * 95% CI, and the implementation or the reason. `markdown` selects a Markdown table; the
 * terminal table fits $COLUMNS or the terminal's width (table.h). */
void ab_summary_print(FILE *out, const ab_run *run, bool markdown);

/* The terminal table fitted to `width` columns (0: nothing cut). */
void ab_summary_print_width(FILE *out, const ab_run *run, size_t width);

/* Counts per status, e.g. "12 ok, 3 unsupported, 1 wrong_result". */
void ab_summary_counts(const ab_run *run, char *buf, size_t len);

#endif
