/* accelbench — terminal tables that fit the terminal: column widths from the content,
 * shrunk (text cut with an ellipsis) until the table fits the width. */
#ifndef AB_TABLE_H
#define AB_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct ab_table_col {
  const char *header;
  size_t min_width; /* never narrower than this when shrinking */
  int shrink_rank;  /* columns shrink in increasing rank: 0 first (the free text) */
  bool right;       /* right-aligned (numbers) */
} ab_table_col;

/* Width of `out` for a table: $COLUMNS when it is a positive number, else the width of the
 * terminal `out` is; 0 when neither is known (a pipe or file: nothing is cut). */
size_t ab_terminal_width(FILE *out);

/* Display width of UTF-8 text (one column per code point). */
size_t ab_text_width(const char *s);

/* Copy `s` into `buf` cut to at most `width` columns, ending in "…" when cut. */
void ab_text_fit(const char *s, size_t width, char *buf, size_t len);

/* Print a header line and `n_rows` rows of `n_cols` cells (cells[r * n_cols + c]) fitted to
 * `width` columns (0: no limit). */
void ab_table_print(FILE *out, const ab_table_col *cols, size_t n_cols, const char *const *cells,
                    size_t n_rows, size_t width);

#endif
