/* accelbench — the compliance matrix in every format (docs/tender.md): a summary per device
 * (does it meet every mandatory requirement), the device x requirement matrix, and one
 * technical deviation table (技术偏离表) per device with the measured figure, its interval,
 * the value judged, the signed deviation, and the note and evidence (the case key). The
 * words come from the message catalogue (i18n.h) in the report's language; the tender's
 * own texts and markers are shown as written. */
#include "render_tender.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "model/names.h"
#include "render_summary.h"
#include "table_out.h"

#define NUM(v) ab_report_fmt((v), (char[32]){0}, 32)

static const char *const verdict_class[AB_TENDER_VERDICT_COUNT] = {"met", "notmet", "nm", "unsup"};

static const ab_msg verdict_msg[AB_TENDER_VERDICT_COUNT] = {
    AB_M_VERDICT_MET, AB_M_VERDICT_NOT_MET, AB_M_VERDICT_NOT_MEASURED, AB_M_VERDICT_UNSUPPORTED};

static const ab_msg metric_msg[AB_TREQ_METRIC_COUNT] = {
    AB_M_METRIC_THROUGHPUT,       AB_M_METRIC_LATENCY,
    AB_M_METRIC_PERF_PER_WATT,    AB_M_METRIC_ENERGY_PER_OP,
    AB_M_METRIC_ENERGY_PER_TOKEN, AB_M_METRIC_COVERAGE,
    AB_M_METRIC_BOARD_POWER,      AB_M_METRIC_PRICE};

static const ab_msg why_msg[AB_TWHY_COUNT] = {
    AB_M_WHY_FIGURE,      AB_M_WHY_PRICE,       AB_M_WHY_NO_CASE,     AB_M_WHY_UNSUPPORTED,
    AB_M_WHY_FAILED,      AB_M_WHY_IMPLAUSIBLE, AB_M_WHY_NO_INTERVAL, AB_M_WHY_NO_POWER,
    AB_M_WHY_OTHER_SCOPE, AB_M_WHY_NO_TOKENS,   AB_M_WHY_NO_PRICE,    AB_M_WHY_KINDS_MISSING};

const char *ab_tender_verdict_text(ab_lang lang, ab_tender_verdict v) {
  return v >= 0 && v < AB_TENDER_VERDICT_COUNT ? ab_tr(lang, verdict_msg[v]) : "?";
}

const char *ab_scope_text(ab_lang lang, const char *scope) {
  static const struct {
    const char *name;
    ab_msg msg;
  } scopes[] = {{"board", AB_M_SCOPE_BOARD},
                {"chip", AB_M_SCOPE_CHIP},
                {"node", AB_M_SCOPE_NODE},
                {"any", AB_M_SCOPE_ANY}};
  for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++)
    if (scope && strcmp(scope, scopes[i].name) == 0)
      return ab_tr(lang, scopes[i].msg);
  return ab_tr(lang, AB_M_SCOPE_UNKNOWN);
}

const char *ab_scope_label(ab_lang lang, const char *scope) {
  if (!scope || !scope[0])
    return ab_tr(lang, AB_M_SCOPE_UNKNOWN);
  const char *t = ab_scope_text(lang, scope);
  return t == ab_tr(lang, AB_M_SCOPE_UNKNOWN) ? scope : t;
}

/* A message with one %s (or none) filled in; the catalogue's conversions are checked. */
static void tr1(char *buf, size_t len, ab_lang lang, ab_msg id, const char *arg) {
  const char *fmt = ab_tr(lang, id);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  snprintf(buf, len, fmt, arg ? arg : "");
#pragma GCC diagnostic pop
}

void ab_tender_rule_text(ab_lang lang, const ab_tender_req *q, char *buf, size_t len) {
  size_t o = (size_t)snprintf(buf, len, "%s", ab_tr(lang, metric_msg[q->metric]));
  if (q->metric == AB_TREQ_COVERAGE) {
    for (size_t i = 0; i < q->n_kinds && o < len; i++)
      o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : ": ",
                            ab_kernel_kind_name(q->kinds[i]));
    if (q->dtype && o < len)
      snprintf(buf + o, len - o, " (%s)", ab_dtype_name(q->dtype));
    return;
  }
  if (q->kind && o < len)
    o += (size_t)snprintf(buf + o, len - o, " %s%s%s%s%s", ab_kernel_kind_name(q->kind),
                          q->dtype ? " " : "", q->dtype ? ab_dtype_name(q->dtype) : "",
                          q->shape[0] ? " " : "", q->shape);
  if (q->scope[0] && o < len) {
    char at[64];
    tr1(at, sizeof at, lang, AB_M_AT_SCOPE, ab_scope_text(lang, q->scope));
    o += (size_t)snprintf(buf + o, len - o, " (%s)", at);
  }
  if (o < len)
    snprintf(buf + o, len - o, " %s %s %s", q->is_max ? "\xe2\x89\xa4" : "\xe2\x89\xa5",
             NUM(q->limit), q->unit);
}

void ab_tender_figure_text(ab_lang lang, const ab_tender_req *q, const ab_tender_cell *c, char *buf,
                           size_t len) {
  if (q->metric == AB_TREQ_COVERAGE) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(buf, len, ab_tr(lang, AB_M_KINDS_OF), (size_t)c->value, q->n_kinds);
#pragma GCC diagnostic pop
    return;
  }
  if (!isfinite(c->value)) {
    snprintf(buf, len, "\xe2\x80\x94");
    return;
  }
  size_t o = (size_t)snprintf(buf, len, "%s %s", NUM(c->value), q->unit);
  if (isfinite(c->lo) && isfinite(c->hi)) /* one end alone is the value judged, shown apart */
    snprintf(buf + o, len - o, " (%s \xe2\x80\x93 %s)", NUM(c->lo), NUM(c->hi));
}

void ab_tender_bound_text(const ab_tender_req *q, const ab_tender_cell *c, char *buf, size_t len) {
  if (q->metric == AB_TREQ_COVERAGE || !isfinite(c->bound))
    snprintf(buf, len, "%s", q->metric == AB_TREQ_COVERAGE ? NUM(c->bound) : "\xe2\x80\x94");
  else
    snprintf(buf, len, "%s %s", NUM(c->bound), q->unit);
}

void ab_tender_deviation_text(ab_lang lang, const ab_tender_cell *c, char *buf, size_t len) {
  char pct[32];
  if (c->verdict == AB_TENDER_NOT_MEASURED || c->verdict == AB_TENDER_UNSUPPORTED) {
    snprintf(buf, len, "%s", ab_tender_verdict_text(lang, c->verdict));
  } else if (!isfinite(c->deviation)) {
    snprintf(buf, len, "%s", ab_tender_verdict_text(lang, c->verdict));
  } else if (c->deviation > 0) {
    snprintf(pct, sizeof pct, "+%.1f%%", c->deviation * 100);
    tr1(buf, len, lang, AB_M_DEV_EXCEEDS, pct);
  } else if (c->deviation < 0) {
    snprintf(pct, sizeof pct, "\xe2\x88\x92%.1f%%", -c->deviation * 100);
    tr1(buf, len, lang, AB_M_DEV_SHORT, pct);
  } else {
    snprintf(buf, len, "%s", ab_tr(lang, AB_M_DEV_EXACT));
  }
}

void ab_tender_note_text(const ab_report *rep, const ab_tender_cell *c, char *buf, size_t len) {
  ab_lang lang = rep->lang;
  buf[0] = '\0';
  /* a figure without a case needs no note; a scope is a word of the report's language; the
   * model worded the other arguments in English and in the report's language (JSON and
   * JUnit ask for English with a copy of the report whose lang is English) */
  const char *arg = lang == AB_LANG_EN ? c->arg : c->arg_text;
  if (c->why == AB_TWHY_OTHER_SCOPE)
    arg = ab_scope_text(lang, c->arg);
  if (c->why != AB_TWHY_FIGURE || c->arg[0])
    tr1(buf, len, lang, why_msg[c->why], arg);
  if (c->domestic && strlen(buf) + 4 < len) {
    char pct[32], more[160];
    snprintf(pct, sizeof pct, "%.0f%%", (1.0 - rep->tender.domestic_fraction) * 100);
    tr1(more, sizeof more, lang, AB_M_WHY_DOMESTIC, pct);
    size_t o = strlen(buf);
    const char *sep = lang == AB_LANG_EN ? "; " : "\xef\xbc\x9b"; /* ； */
    snprintf(buf + o, len - o, "%s%s", o ? sep : "", more);
  }
}

/* ---- per device ------------------------------------------------------------------------ */

static bool any_mandatory(const ab_tender *t) {
  for (size_t q = 0; q < t->n_reqs; q++)
    if (t->reqs[q].mandatory)
      return true;
  return false;
}

void ab_tender_overall_text(const ab_report *rep, size_t s, char *buf, size_t len) {
  size_t met, failed;
  ab_report_tender_tally(rep, s, &met, &failed);
  if (!any_mandatory(&rep->tender))
    snprintf(buf, len, "%s", ab_tr(rep->lang, AB_M_OVERALL_NO_MANDATORY));
  else
    snprintf(buf, len, "%s", ab_tr(rep->lang, failed ? AB_M_OVERALL_FAIL : AB_M_OVERALL_OK));
}

/* "2.1, 3.4" : the ids of the mandatory requirements this device does not meet. */
void ab_tender_failed_ids(const ab_report *rep, size_t s, char *buf, size_t len) {
  size_t o = 0;
  buf[0] = '\0';
  for (size_t q = 0; q < rep->tender.n_reqs && o < len; q++) {
    const ab_tender_req *r = &rep->tender.reqs[q];
    if (r->mandatory && ab_report_tender_cell(rep, q, s)->verdict != AB_TENDER_MET)
      o += (size_t)snprintf(buf + o, len - o, "%s%s%s", o ? ", " : "", r->marker, r->id);
  }
}

const char *ab_tender_domestic_text(const ab_report *rep, size_t s) {
  const ab_report_subject *sub = &rep->subjects[s];
  if (!rep->tender.n_domestic || !sub->catalog)
    return "\xe2\x80\x94";
  return ab_tr(rep->lang,
               ab_tender_is_domestic(&rep->tender, sub->catalog->id) ? AB_M_YES : AB_M_NO);
}

/* ---- Markdown --------------------------------------------------------------------------- */

static void md_cell(FILE *out, const char *s) {
  fputs(" ", out);
  ab_write_md_cell(out, s && s[0] ? s : "\xe2\x80\x94");
  fputs(" |", out);
}

static void req_cell_text(const ab_report *rep, const ab_tender_req *q, char *buf, size_t len) {
  char rule[512];
  ab_tender_rule_text(rep->lang, q, rule, sizeof rule);
  snprintf(buf, len, "%s%s%s%s%s", q->marker, q->text, q->text[0] ? " \xe2\x80\x94 " : "", rule,
           q->mandatory && !q->marker[0] ? " (mandatory)" : "");
}

static void md_matrix(const ab_report *rep, FILE *out) {
  ab_lang lang = rep->lang;
  fprintf(out, "### %s\n\n| %s | %s |", ab_tr(lang, AB_M_TENDER_MATRIX), ab_tr(lang, AB_M_COL_ITEM),
          ab_tr(lang, AB_M_COL_REQUIREMENT));
  for (size_t s = 0; s < rep->n_subjects; s++)
    md_cell(out, rep->subjects[s].label);
  fputs("\n| --- | --- |", out);
  for (size_t s = 0; s < rep->n_subjects; s++)
    fputs(" --- |", out);
  fputs("\n", out);
  for (size_t q = 0; q < rep->tender.n_reqs; q++) {
    const ab_tender_req *r = &rep->tender.reqs[q];
    char req[1024];
    req_cell_text(rep, r, req, sizeof req);
    fputs("|", out);
    md_cell(out, r->id);
    md_cell(out, req);
    for (size_t s = 0; s < rep->n_subjects; s++) {
      const ab_tender_cell *c = ab_report_tender_cell(rep, q, s);
      char fig[256], text[400];
      ab_tender_figure_text(lang, r, c, fig, sizeof fig);
      snprintf(text, sizeof text, "%s%s%s", ab_tender_verdict_text(lang, c->verdict),
               isfinite(c->value) ? ": " : "", isfinite(c->value) ? fig : "");
      md_cell(out, text);
    }
    fputs("\n", out);
  }
  fputs("\n", out);
}

/* ---- the summary and the deviation tables, in either format -------------------------------- */

static void summary(const ab_report *rep, const ab_tbl *t) {
  ab_lang lang = rep->lang;
  char cost_head[128];
  ab_conclusion_cost_header(rep, cost_head, sizeof cost_head);
  const char *const heads[] = {
      ab_tr(lang, AB_M_COL_DEVICE),  ab_tr(lang, AB_M_COL_DOMESTIC),
      ab_tr(lang, AB_M_COL_MET),     ab_tr(lang, AB_M_COL_MANDATORY_FAILED),
      ab_tr(lang, AB_M_COL_OVERALL), cost_head};
  ab_tbl_heading(t, 3, ab_tr(lang, AB_M_TENDER_SUMMARY));
  ab_tbl_begin(t, "tender-summary", heads, sizeof heads / sizeof heads[0]);
  for (size_t s = 0; s < rep->n_subjects; s++) {
    size_t met, failed;
    char ids[512], overall[128], count[64], cost[320];
    ab_report_tender_tally(rep, s, &met, &failed);
    ab_tender_failed_ids(rep, s, ids, sizeof ids);
    ab_tender_overall_text(rep, s, overall, sizeof overall);
    ab_conclusion_cost_text(rep, s, cost, sizeof cost);
    snprintf(count, sizeof count, "%zu / %zu", met, rep->tender.n_reqs);
    ab_tbl_row(t);
    ab_tbl_cell(t, "dev", rep->subjects[s].label);
    ab_tbl_cell(t, NULL, ab_tender_domestic_text(rep, s));
    ab_tbl_cell(t, "num", count);
    ab_tbl_cell(t, NULL, ids);
    ab_tbl_cell(t, failed ? "notmet" : "met", overall);
    ab_tbl_cell(t, "num", cost);
    ab_tbl_row_end(t);
  }
  ab_tbl_end(t);
}

static void deviation_table(const ab_report *rep, size_t s, const ab_tbl *t) {
  static const ab_msg cols[] = {AB_M_COL_NO,       AB_M_COL_ITEM,  AB_M_COL_REQUIREMENT,
                                AB_M_COL_MEASURED, AB_M_COL_BOUND, AB_M_COL_DEVIATION,
                                AB_M_COL_VERDICT,  AB_M_COL_NOTE};
  const char *heads[sizeof cols / sizeof cols[0]];
  ab_lang lang = rep->lang;
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
    heads[i] = ab_tr(lang, cols[i]);
  ab_tbl_begin(t, "deviation", heads, sizeof heads / sizeof heads[0]);
  for (size_t q = 0; q < rep->tender.n_reqs; q++) {
    const ab_tender_req *r = &rep->tender.reqs[q];
    const ab_tender_cell *c = ab_report_tender_cell(rep, q, s);
    char req[1024], fig[256], bound[96], dev[96], note[800], no[24];
    req_cell_text(rep, r, req, sizeof req);
    ab_tender_figure_text(lang, r, c, fig, sizeof fig);
    ab_tender_bound_text(r, c, bound, sizeof bound);
    ab_tender_deviation_text(lang, c, dev, sizeof dev);
    ab_tender_note_text(rep, c, note, sizeof note);
    snprintf(no, sizeof no, "%zu", q + 1);
    ab_tbl_row(t);
    ab_tbl_cell(t, "num", no);
    ab_tbl_cell(t, NULL, r->id);
    ab_tbl_cell(t, NULL, req);
    ab_tbl_cell(t, "num", fig);
    ab_tbl_cell(t, "num", bound);
    ab_tbl_cell(t, NULL, dev);
    ab_tbl_cell(t, verdict_class[c->verdict], ab_tender_verdict_text(lang, c->verdict));
    ab_tbl_cell(t, NULL, note);
    ab_tbl_row_end(t);
  }
  ab_tbl_end(t);
}

void ab_tender_write_md(const ab_report *rep, FILE *out) {
  if (!rep->have_tender)
    return;
  ab_lang lang = rep->lang;
  char intro[1024];
  fprintf(out, "## %s\n\n", ab_tr(lang, AB_M_TENDER_HEADING));
  if (rep->tender.title[0]) {
    ab_write_md_cell(out, rep->tender.title);
    fputs("\n\n", out);
  }
  tr1(intro, sizeof intro, lang, AB_M_TENDER_INTRO, rep->tender.file);
  ab_write_md_cell(out, intro);
  fputs("\n\n", out);
  summary(rep, &(ab_tbl){out, AB_TBL_MD});
  md_matrix(rep, out);
  for (size_t s = 0; s < rep->n_subjects; s++) {
    char title[512];
    tr1(title, sizeof title, lang, AB_M_TENDER_DEVIATION_OF, "");
    fprintf(out, "#### %s", title);
    ab_write_md_cell(out, rep->subjects[s].label);
    fputs("\n\n", out);
    deviation_table(rep, s, &(ab_tbl){out, AB_TBL_MD});
  }
}

/* ---- HTML ------------------------------------------------------------------------------- */

static void h_td(FILE *out, const char *cls, const char *s) {
  fprintf(out, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
  ab_write_markup_escaped(out, s && s[0] ? s : "\xe2\x80\x94");
  fputs("</td>", out);
}

static void h_th(FILE *out, const char *s) {
  fputs("<th>", out);
  ab_write_markup_escaped(out, s);
  fputs("</th>", out);
}

static void html_matrix(const ab_report *rep, FILE *out) {
  ab_lang lang = rep->lang;
  fprintf(out, "<h3>%s</h3>\n<table class=\"tender-matrix\"><thead><tr>",
          ab_tr(lang, AB_M_TENDER_MATRIX));
  h_th(out, ab_tr(lang, AB_M_COL_ITEM));
  h_th(out, ab_tr(lang, AB_M_COL_REQUIREMENT));
  for (size_t s = 0; s < rep->n_subjects; s++)
    h_th(out, rep->subjects[s].label);
  fputs("</tr></thead><tbody>\n", out);
  for (size_t q = 0; q < rep->tender.n_reqs; q++) {
    const ab_tender_req *r = &rep->tender.reqs[q];
    char req[1024];
    req_cell_text(rep, r, req, sizeof req);
    fputs("<tr>", out);
    h_td(out, NULL, r->id);
    h_td(out, NULL, req);
    for (size_t s = 0; s < rep->n_subjects; s++) {
      const ab_tender_cell *c = ab_report_tender_cell(rep, q, s);
      char fig[256], note[800];
      ab_tender_figure_text(lang, r, c, fig, sizeof fig);
      ab_tender_note_text(rep, c, note, sizeof note);
      /* The note is page text, not a tooltip: a printed report keeps it. */
      fprintf(out, "<td class=\"%s\"><b>", verdict_class[c->verdict]);
      ab_write_markup_escaped(out, ab_tender_verdict_text(lang, c->verdict));
      fputs("</b> ", out);
      ab_write_markup_escaped(out, fig);
      fputs("<div class=\"why\">", out);
      ab_write_markup_escaped(out, note);
      fputs("</div></td>", out);
    }
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table>\n", out);
}

void ab_tender_write_html(const ab_report *rep, FILE *out) {
  if (!rep->have_tender)
    return;
  ab_lang lang = rep->lang;
  char intro[1024];
  fprintf(out, "<section id=\"tender\"><h2>%s</h2>\n", ab_tr(lang, AB_M_TENDER_HEADING));
  if (rep->tender.title[0]) {
    fputs("<p class=\"tender-title\">", out);
    ab_write_markup_escaped(out, rep->tender.title);
    fputs("</p>\n", out);
  }
  summary(rep, &(ab_tbl){out, AB_TBL_HTML});
  tr1(intro, sizeof intro, lang, AB_M_TENDER_INTRO, rep->tender.file);
  fputs("<p class=\"note\">", out);
  ab_write_markup_escaped(out, intro);
  fputs("</p>\n", out);
  html_matrix(rep, out);
  for (size_t s = 0; s < rep->n_subjects; s++) {
    char title[512];
    tr1(title, sizeof title, lang, AB_M_TENDER_DEVIATION_OF, rep->subjects[s].label);
    fputs("<details><summary>", out);
    ab_write_markup_escaped(out, title);
    fputs("</summary>\n", out);
    deviation_table(rep, s, &(ab_tbl){out, AB_TBL_HTML});
    fputs("</details>\n", out);
  }
  fputs("</section>\n", out);
}

/* ---- CSV and JSON: every figure at full precision, words in English ---------------------- */

static void csv_num(FILE *out, double v) {
  if (isfinite(v))
    fprintf(out, ",%.17g", v);
  else
    fputs(",", out);
}

static void csv_text(FILE *out, const char *s) {
  fputc(',', out);
  ab_write_csv_field(out, s);
}

ab_status ab_report_write_compliance_csv(const ab_report *rep, FILE *out) {
  fputs("device,tender_item,marker,mandatory,metric,requirement,limit,unit,verdict,value,ci95_lo,"
        "ci95_hi,value_judged,deviation,note,case\n",
        out);
  for (size_t q = 0; rep->have_tender && q < rep->tender.n_reqs; q++) {
    const ab_tender_req *r = &rep->tender.reqs[q];
    char rule[512];
    ab_tender_rule_text(AB_LANG_EN, r, rule, sizeof rule);
    for (size_t s = 0; s < rep->n_subjects; s++) {
      const ab_tender_cell *c = ab_report_tender_cell(rep, q, s);
      char note[800];
      ab_report tmp = *rep; /* the note in English whatever the report's language */
      tmp.lang = AB_LANG_EN;
      ab_tender_note_text(&tmp, c, note, sizeof note);
      ab_write_csv_field(out, rep->subjects[s].label);
      csv_text(out, r->id);
      csv_text(out, r->marker);
      csv_text(out, r->mandatory ? "yes" : "no");
      csv_text(out, ab_tender_metric_name(r->metric));
      csv_text(out, r->text[0] ? r->text : rule);
      csv_num(out, r->limit);
      csv_text(out, r->metric == AB_TREQ_COVERAGE ? "kinds" : r->unit);
      csv_text(out, ab_tender_verdict_name(c->verdict));
      csv_num(out, c->value);
      csv_num(out, c->lo);
      csv_num(out, c->hi);
      csv_num(out, c->bound);
      csv_num(out, c->deviation);
      csv_text(out, note);
      csv_text(out, c->row != SIZE_MAX ? rep->rows[c->row].c->case_id : "");
      fputs("\n", out);
    }
  }
  return ferror(out) ? AB_E_IO : AB_OK;
}

static json_t *num_or_null(double v) {
  return isfinite(v) ? json_real(v) : json_null();
}

static json_t *cell_json(const ab_report *rep, const ab_tender_cell *c, size_t s) {
  ab_report en = *rep;
  char note[800];
  en.lang = AB_LANG_EN;
  ab_tender_note_text(&en, c, note, sizeof note);
  return json_pack("{s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o}", "device",
                   ab_report_json_text(rep->subjects[s].label), "verdict",
                   ab_tender_verdict_name(c->verdict), "value", num_or_null(c->value), "ci95_lo",
                   num_or_null(c->lo), "ci95_hi", num_or_null(c->hi), "value_judged",
                   num_or_null(c->bound), "deviation", num_or_null(c->deviation), "domestic",
                   c->domestic, "note", ab_report_json_text(note), "case",
                   ab_report_json_text(c->row != SIZE_MAX ? rep->rows[c->row].c->case_id : ""));
}

static json_t *req_json(const ab_report *rep, size_t q) {
  const ab_tender_req *r = &rep->tender.reqs[q];
  json_t *cells = json_array();
  for (size_t s = 0; cells && s < rep->n_subjects; s++)
    if (json_array_append_new(cells, cell_json(rep, ab_report_tender_cell(rep, q, s), s)) != 0) {
      json_decref(cells);
      return NULL;
    }
  char rule[512];
  ab_tender_rule_text(AB_LANG_EN, r, rule, sizeof rule);
  return json_pack("{s:o, s:o, s:b, s:s, s:o, s:o, s:o, s:o, s:o}", "id",
                   ab_report_json_text(r->id), "marker", ab_report_json_text(r->marker),
                   "mandatory", r->mandatory, "metric", ab_tender_metric_name(r->metric), "text",
                   ab_report_json_text(r->text), "rule", ab_report_json_text(rule), "limit",
                   num_or_null(r->limit), "unit", ab_report_json_text(r->unit), "devices", cells);
}

json_t *ab_tender_json(const ab_report *rep) {
  if (!rep->have_tender)
    return json_null();
  json_t *reqs = json_array(), *summary = json_array();
  bool ok = reqs && summary;
  for (size_t q = 0; ok && q < rep->tender.n_reqs; q++)
    ok = json_array_append_new(reqs, req_json(rep, q)) == 0;
  for (size_t s = 0; ok && s < rep->n_subjects; s++) {
    size_t met, failed;
    ab_report_tender_tally(rep, s, &met, &failed);
    ok = json_array_append_new(summary,
                               json_pack("{s:o, s:I, s:I, s:b}", "device",
                                         ab_report_json_text(rep->subjects[s].label), "met",
                                         (json_int_t)met, "mandatory_not_met", (json_int_t)failed,
                                         "meets_mandatory", failed == 0)) == 0;
  }
  if (!ok) {
    json_decref(reqs);
    json_decref(summary);
    return NULL;
  }
  return json_pack("{s:o, s:o, s:o, s:f, s:o, s:o}", "file", ab_report_json_text(rep->tender.file),
                   "title", ab_report_json_text(rep->tender.title), "currency",
                   ab_report_json_text(rep->tender.currency), "domestic_preference",
                   rep->tender.domestic_fraction, "summary", summary, "requirements", reqs);
}
