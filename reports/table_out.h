/* accelbench — one table written as Markdown or as HTML (table_out.c), so a renderer that
 * shows the same table in both formats builds it once. Every cell is escaped for the format;
 * an empty cell shows "—". Private to the reporter library. */
#ifndef AB_TABLE_OUT_H
#define AB_TABLE_OUT_H

#include <stddef.h>
#include <stdio.h>

typedef enum ab_tbl_format { AB_TBL_MD, AB_TBL_HTML } ab_tbl_format;

typedef struct ab_tbl {
  FILE *out;
  ab_tbl_format format;
} ab_tbl;

/* A heading of level 2 or 3 (## / <h2>), escaped. */
void ab_tbl_heading(const ab_tbl *t, int level, const char *text);
/* A paragraph of text; `cls` is the HTML class (ignored in Markdown), may be NULL. */
void ab_tbl_para(const ab_tbl *t, const char *cls, const char *text);
/* <table class="cls"> and its header row. */
void ab_tbl_begin(const ab_tbl *t, const char *cls, const char *const *heads, size_t n);
void ab_tbl_row(const ab_tbl *t);
/* One cell; `cls` (HTML only, may be NULL) styles it. */
void ab_tbl_cell(const ab_tbl *t, const char *cls, const char *text);
void ab_tbl_row_end(const ab_tbl *t);
void ab_tbl_end(const ab_tbl *t);

#endif
