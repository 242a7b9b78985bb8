/* accelbench — the side-by-side comparison as one self-contained HTML page (compare.h,
 * docs/compare.md): the tender matrix when there is one, the ranking by the shared-keys
 * geometric mean with each subject's own-keys figure apart, one table per kernel key with
 * rates, intervals, ratios and verdicts, and the coverage matrix. Same stylesheet and
 * Content-Security-Policy as the report (html.c); words from the message catalogue. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "compare_priv.h"
#include "escape.h"
#include "html_priv.h"
#include "render_summary.h"
#include "render_tender.h"

#define DASH "\xe2\x80\x94"

static void text_el(FILE *out, const char *tag, const char *cls, const char *s) {
  fprintf(out, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
  ab_write_markup_escaped(out, s && s[0] ? s : DASH);
  fprintf(out, "</%s>", tag);
}

static const char *num(double v, char *buf, size_t len) {
  return ab_report_fmt(v, buf, len);
}

static const char *ratio(double v, char *buf, size_t len) {
  return ab_cmp_fmt_ratio(v, buf, len);
}

static const char *verdict_text(ab_lang lang, ab_cmp_verdict v) {
  switch (v) {
  case AB_CMP_BASELINE: return ab_tr(lang, AB_M_V_BASELINE);
  case AB_CMP_FASTER: return ab_tr(lang, AB_M_V_FASTER);
  case AB_CMP_SLOWER: return ab_tr(lang, AB_M_V_SLOWER);
  case AB_CMP_NOISE: return ab_tr(lang, AB_M_V_NOISE);
  case AB_CMP_DISTURBED: return ab_tr(lang, AB_M_V_DISTURBED);
  default: return DASH;
  }
}

static const char *cell_status(ab_lang lang, const ab_cmp_cell *c) {
  return c->row ? ab_case_status_text(lang, c->row->c->status) : ab_tr(lang, AB_M_NOT_RUN);
}

static const char *status_class(const ab_cmp_cell *c) {
  return c->row ? ab_case_status_name(c->row->c->status) : "none";
}

/* ---- ranking ------------------------------------------------------------------------------- */

static int by_geomean_desc(const void *a, const void *b, const double *g) {
  double x = g[*(const size_t *)a], y = g[*(const size_t *)b];
  if (isfinite(x) != isfinite(y))
    return isfinite(x) ? -1 : 1;
  return x > y   ? -1
         : x < y ? 1
                 : (*(const size_t *)a > *(const size_t *)b) -
                       (*(const size_t *)a < *(const size_t *)b);
}

/* Insertion sort: a handful of subjects, and qsort has no context argument in C11. */
static void rank_order(const ab_comparison *cmp, size_t *order) {
  size_t n = cmp->rep->n_subjects;
  for (size_t i = 0; i < n; i++)
    order[i] = i;
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && by_geomean_desc(&order[j], &order[j - 1], cmp->geomean) < 0; j--) {
      size_t t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
}

static ab_status write_ranking(const ab_comparison *cmp, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  char note[1024], a[32], b[32], c[32], d[32];
  size_t *order = malloc((cmp->rep->n_subjects ? cmp->rep->n_subjects : 1) * sizeof *order);
  if (!order)
    return AB_E_NOMEM;
  rank_order(cmp, order);
  text_el(out, "h2", NULL, ab_tr(lang, AB_M_CMP_RANKING));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  snprintf(note, sizeof note, ab_tr(lang, AB_M_CMP_RANKING_NOTE), cmp->n_all_ok);
#pragma GCC diagnostic pop
  text_el(out, "p", "small", note);
  fputs("\n<table class=\"ranking\"><thead><tr>", out);
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_RANK));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_DEVICE));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_GEOMEAN));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_OWN_GEOMEAN));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_OWN_KEYS));
  fputs("</tr></thead><tbody>\n", out);
  for (size_t i = 0; i < cmp->rep->n_subjects; i++) {
    size_t s = order[i];
    snprintf(a, sizeof a, "%zu", i + 1);
    snprintf(d, sizeof d, "%zu", cmp->own_geomean_n[s]);
    fputs("<tr>", out);
    text_el(out, "td", "num", isfinite(cmp->geomean[s]) ? a : DASH);
    fputs("<td class=\"dev\">", out);
    ab_write_markup_escaped(out, cmp->rep->subjects[s].label);
    if (s == cmp->baseline) {
      fputs(" <em>(", out);
      ab_write_markup_escaped(out, ab_tr(lang, AB_M_V_BASELINE));
      fputs(")</em>", out);
    }
    fputs("</td>", out);
    text_el(out, "td", "num", ratio(cmp->geomean[s], b, sizeof b));
    text_el(out, "td", "num", ratio(cmp->own_geomean[s], c, sizeof c));
    text_el(out, "td", "num", d);
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table>\n", out);
  free(order);
  return AB_OK;
}

/* ---- kernels -------------------------------------------------------------------------------- */

static void interval(FILE *out, ab_lang lang, double v, double lo, double hi, bool is_ratio) {
  char a[32], b[32], t[80];
  if (!isfinite(v))
    snprintf(t, sizeof t, DASH);
  else if (!isfinite(lo) || !isfinite(hi))
    snprintf(t, sizeof t, "%s", ab_tr(lang, AB_M_NO_INTERVAL));
  else if (is_ratio)
    snprintf(t, sizeof t, "%s\xe2\x80\x93%s", ratio(lo, a, sizeof a), ratio(hi, b, sizeof b));
  else
    snprintf(t, sizeof t, "%s\xe2\x80\x93%s", num(lo, a, sizeof a), num(hi, b, sizeof b));
  text_el(out, "td", "num", t);
}

static void power_cells(FILE *out, ab_lang lang, const ab_cmp_cell *cell) {
  const ab_report_row *r = cell->row;
  char a[64], b[64], x[32];
  if (!r || r->c->status != AB_CASE_OK || !r->power.measured) {
    fprintf(out, "<td class=\"na\" colspan=\"3\">");
    ab_write_markup_escaped(out, r && r->c->status == AB_CASE_OK ? ab_tr(lang, AB_M_NOT_MEASURED)
                                                                 : DASH);
    if (r && r->c->status == AB_CASE_OK && r->power.not_measured[0]) {
      fputs("<span class=\"why\"> ", out);
      ab_write_markup_escaped(out, r->power.not_measured);
      fputs("</span>", out);
    }
    fputs("</td>", out);
    return;
  }
  const char *work = ab_report_work_unit(r->c);
  bool bytes = strcmp(work, "B") == 0;
  double v, lo, hi;
  const char *unit = ab_report_rate(r, &v, &lo, &hi);
  snprintf(a, sizeof a, "%s %s/W",
           num(bytes ? r->power.gbytes_per_s_per_w : r->power.gflops_per_w, x, sizeof x),
           bytes ? "GB/s" : unit);
  snprintf(b, sizeof b, "%s pJ/%s",
           num(bytes ? r->power.pj_per_byte : r->power.pj_per_flop, x, sizeof x), work);
  text_el(out, "td", "num", a);
  text_el(out, "td", "num", b);
  text_el(out, "td", NULL, ab_scope_text(lang, r->power.ref.scope));
}

static void kernel_row(const ab_comparison *cmp, const ab_cmp_kernel *k, size_t s, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  const ab_cmp_cell *cell = &k->cells[s];
  char a[32], b[32];
  fputs("<tr>", out);
  text_el(out, "td", "dev", cmp->rep->subjects[s].label);
  fprintf(out, "<td class=\"st-%s\">", status_class(cell));
  ab_write_markup_escaped(out, cell_status(lang, cell));
  if (cell->row && cell->row->c->status != AB_CASE_OK && cell->row->c->reason[0]) {
    fputs("<span class=\"why\"> ", out);
    ab_write_markup_escaped(out, cell->row->c->reason);
    fputs("</span>", out);
  }
  fputs("</td>", out);
  text_el(out, "td", "num", num(cell->rate, a, sizeof a));
  interval(out, lang, cell->rate, cell->lo, cell->hi, false);
  text_el(out, "td", "num", ratio(cell->ratio.value, b, sizeof b));
  interval(out, lang, cell->ratio.value, cell->ratio.lo, cell->ratio.hi, true);
  const char *vcls = cell->verdict == AB_CMP_FASTER   ? "met"
                     : cell->verdict == AB_CMP_SLOWER ? "notmet"
                                                      : NULL;
  text_el(out, "td", vcls, verdict_text(lang, cell->verdict));
  power_cells(out, lang, cell);
  fputs("</tr>\n", out);
}

static void write_kernel(const ab_comparison *cmp, const ab_cmp_kernel *k, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  text_el(out, "h3", "mono", k->key);
  fputs("\n<table class=\"kernel\"><thead><tr>", out);
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_DEVICE));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_STATUS));
  text_el(out, "th", NULL, k->unit ? k->unit : ab_tr(lang, AB_M_COL_RATE));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_CI95));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_RATIO));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_RATIO_CI));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_VERDICT));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_PERFW));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_ENERGY_OP));
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_SCOPE));
  fputs("</tr></thead><tbody>\n", out);
  for (size_t s = 0; s < cmp->rep->n_subjects; s++)
    kernel_row(cmp, k, s, out);
  fputs("</tbody></table>\n", out);
}

/* ---- coverage ------------------------------------------------------------------------------- */

static void write_coverage(const ab_comparison *cmp, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  fputs("<section id=\"coverage\">", out);
  text_el(out, "h2", NULL, ab_tr(lang, AB_M_CMP_COVERAGE));
  text_el(out, "p", "small", ab_tr(lang, AB_M_CMP_COVERAGE_INTRO));
  fputs("\n<table class=\"coverage\"><thead><tr>", out);
  text_el(out, "th", NULL, ab_tr(lang, AB_M_COL_KERNEL_KEY));
  for (size_t s = 0; s < cmp->rep->n_subjects; s++)
    text_el(out, "th", NULL, cmp->rep->subjects[s].label);
  fputs("</tr></thead><tbody>\n", out);
  for (size_t i = 0; i < cmp->n_kernels; i++) {
    const ab_cmp_kernel *k = &cmp->kernels[i];
    fputs("<tr>", out);
    text_el(out, "td", "mono", k->key);
    for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
      char cls[48];
      snprintf(cls, sizeof cls, "st-%s", status_class(&k->cells[s]));
      text_el(out, "td", cls, cell_status(lang, &k->cells[s]));
    }
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table></section>\n", out);
}

static void write_notes(const ab_comparison *cmp, FILE *out) {
  if (!cmp->n_notes)
    return;
  fputs("<section class=\"warn\">", out);
  text_el(out, "h2", NULL, ab_tr(cmp->rep->lang, AB_M_WARNINGS));
  fputs("<ul>\n", out);
  for (size_t i = 0; i < cmp->n_notes; i++) {
    text_el(out, "li", NULL, cmp->notes_text[i]);
    fputs("\n", out);
  }
  fputs("</ul></section>\n", out);
}

ab_status ab_compare_write_html(const ab_comparison *cmp, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  char intro[1400];
  ab_html_head(out, lang, ab_tr(lang, AB_M_CMP_TITLE));
  text_el(out, "h1", NULL, ab_tr(lang, AB_M_CMP_TITLE));
  fputs("\n", out);
  ab_tender_write_html(cmp->rep, out);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  snprintf(intro, sizeof intro, ab_tr(lang, AB_M_CMP_INTRO),
           cmp->rep->subjects[cmp->baseline].label);
#pragma GCC diagnostic pop
  text_el(out, "p", NULL, intro);
  fputs("\n", out);
  write_notes(cmp, out);
  if (write_ranking(cmp, out) != AB_OK)
    return AB_E_NOMEM;
  text_el(out, "h2", NULL, ab_tr(lang, AB_M_CMP_KERNELS));
  fputs("\n", out);
  for (size_t i = 0; i < cmp->n_kernels; i++)
    write_kernel(cmp, &cmp->kernels[i], out);
  write_coverage(cmp, out);
  fputs("</body>\n</html>\n", out);
  return ab_cmp_finish(out);
}
