/* accelbench — a table in Markdown or HTML (table_out.h). */
#include "table_out.h"

#include "escape.h"

#define DASH "\xe2\x80\x94"

static const char *or_dash(const char *s) {
  return s && s[0] ? s : DASH;
}

void ab_tbl_heading(const ab_tbl *t, int level, const char *text) {
  if (t->format == AB_TBL_MD) {
    fprintf(t->out, "%s ", level <= 2 ? "##" : "###");
    ab_write_md_cell(t->out, text);
    fputs("\n\n", t->out);
    return;
  }
  fprintf(t->out, "<h%d>", level);
  ab_write_markup_escaped(t->out, text);
  fprintf(t->out, "</h%d>\n", level);
}

void ab_tbl_para(const ab_tbl *t, const char *cls, const char *text) {
  if (t->format == AB_TBL_MD) {
    ab_write_md_cell(t->out, text);
    fputs("\n\n", t->out);
    return;
  }
  fprintf(t->out, "<p%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
  ab_write_markup_escaped(t->out, text);
  fputs("</p>\n", t->out);
}

void ab_tbl_begin(const ab_tbl *t, const char *cls, const char *const *heads, size_t n) {
  if (t->format == AB_TBL_MD) {
    fputs("|", t->out);
    for (size_t i = 0; i < n; i++) {
      fputs(" ", t->out);
      ab_write_md_cell(t->out, or_dash(heads[i]));
      fputs(" |", t->out);
    }
    fputs("\n|", t->out);
    for (size_t i = 0; i < n; i++)
      fputs(" --- |", t->out);
    fputs("\n", t->out);
    return;
  }
  fprintf(t->out, "<table class=\"%s\"><thead><tr>", cls);
  for (size_t i = 0; i < n; i++) {
    fputs("<th>", t->out);
    ab_write_markup_escaped(t->out, or_dash(heads[i]));
    fputs("</th>", t->out);
  }
  fputs("</tr></thead><tbody>\n", t->out);
}

void ab_tbl_row(const ab_tbl *t) {
  fputs(t->format == AB_TBL_MD ? "|" : "<tr>", t->out);
}

void ab_tbl_cell(const ab_tbl *t, const char *cls, const char *text) {
  if (t->format == AB_TBL_MD) {
    fputs(" ", t->out);
    ab_write_md_cell(t->out, or_dash(text));
    fputs(" |", t->out);
    return;
  }
  fprintf(t->out, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
  ab_write_markup_escaped(t->out, or_dash(text));
  fputs("</td>", t->out);
}

void ab_tbl_row_end(const ab_tbl *t) {
  fputs(t->format == AB_TBL_MD ? "\n" : "</tr>\n", t->out);
}

void ab_tbl_end(const ab_tbl *t) {
  fputs(t->format == AB_TBL_MD ? "\n" : "</tbody></table>\n", t->out);
}
