/* accelbench — the conclusion that opens the Markdown and HTML reports (after the tender
 * matrix, when there is one), and the cost of ownership in both: per dtype class one table
 * with each device's best validated rate, perf/W with its scope, cost per unit of work
 * (capex only, labelled, when no power was measured), coverage and failures
 * (docs/reports.md, "The conclusion"). Words come from the message catalogue. */
#include "render_summary.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "model/kernel.h"
#include "model/names.h"
#include "render_tender.h"

#define NUM(v) ab_report_fmt((v), (char[32]){0}, 32)
#define PCT(v) ab_report_fmt_pct((v), (char[32]){0}, 32)
#define DASH   "\xe2\x80\x94"

/* A message with its conversions filled in; the catalogue's formats are checked by
 * tests/i18n to take the same arguments in every language. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void trf(char *buf, size_t len, ab_lang lang, ab_msg id, ...) {
  va_list ap;
  va_start(ap, id);
  vsnprintf(buf, len, ab_tr(lang, id), ap);
  va_end(ap);
}
#pragma GCC diagnostic pop

const char *ab_case_status_text(ab_lang lang, ab_case_status s) {
  static const ab_msg msgs[AB_CASE_STATUS_COUNT] = {
      [AB_CASE_OK] = AB_M_ST_OK,           [AB_CASE_UNSUPPORTED] = AB_M_ST_UNSUPPORTED,
      [AB_CASE_FAILED] = AB_M_ST_FAILED,   [AB_CASE_WRONG_RESULT] = AB_M_ST_WRONG_RESULT,
      [AB_CASE_CRASHED] = AB_M_ST_CRASHED, [AB_CASE_TIMEOUT] = AB_M_ST_TIMEOUT,
      [AB_CASE_SKIPPED] = AB_M_ST_SKIPPED, [AB_CASE_IMPLAUSIBLE] = AB_M_ST_IMPLAUSIBLE};
  return s >= 0 && s < AB_CASE_STATUS_COUNT ? ab_tr(lang, msgs[s]) : "?";
}

/* ---- the figures of one conclusion row ----------------------------------------------------- */

typedef struct concl_row {
  char rate[256], perfw[128], cost[320], coverage[64], failures[256];
  bool capex_only;
} concl_row;

static void rate_text(const ab_report *rep, const ab_report_row *r, char *buf, size_t len) {
  double m, lo, hi;
  char shape[160];
  const char *unit = ab_report_rate(r, &m, &lo, &hi);
  ab_kernel_shape_str(&r->c->desc, shape, sizeof shape);
  (void)rep;
  snprintf(buf, len, "%s %s (%s, %s)", NUM(m), unit, ab_dtype_name(r->c->desc.dtype), shape);
}

static void perfw_text(ab_lang lang, const ab_report_row *r, char *buf, size_t len) {
  const ab_report_power *p = &r->power;
  if (!p->measured) {
    snprintf(buf, len, "%s", ab_tr(lang, AB_M_NOT_MEASURED));
    return;
  }
  snprintf(buf, len, "%s G%s/s/W (%s)", NUM(p->gflops_per_w),
           strcmp(ab_report_work_unit(r->c), "op") == 0 ? "OP" : "FLOP",
           ab_scope_text(lang, p->ref.scope));
}

static void cost_text(const ab_report *rep, size_t s, const ab_report_row *r, concl_row *o) {
  ab_lang lang = rep->lang;
  if (!rep->have_cost) {
    snprintf(o->cost, sizeof o->cost, "%s", ab_tr(lang, AB_M_NO_COST_FILE));
    return;
  }
  const ab_report_cost *c = ab_report_cost_of(rep, s, r->c->desc.dtype);
  if (c && isfinite(c->r.cost_per_unit)) {
    snprintf(o->cost, sizeof o->cost, "%s", NUM(c->r.cost_per_unit));
  } else if (c && isfinite(c->r.capex_per_unit)) {
    o->capex_only = true;
    snprintf(o->cost, sizeof o->cost, "%s (%s)", NUM(c->r.capex_per_unit),
             ab_tr(lang, AB_M_CAPEX_ONLY));
  } else {
    snprintf(o->cost, sizeof o->cost, DASH " (%s)", c ? c->price_why : ab_tr(lang, AB_M_NONE));
  }
}

/* "3: 1 failed, 1 wrong result, 1 timed out" or "0". */
static void failures_text(ab_lang lang, const ab_report_subject *s, char *buf, size_t len) {
  static const ab_case_status bad[] = {AB_CASE_FAILED, AB_CASE_WRONG_RESULT, AB_CASE_CRASHED,
                                       AB_CASE_TIMEOUT, AB_CASE_IMPLAUSIBLE};
  size_t o = (size_t)snprintf(buf, len, "%zu", ab_report_failures(s));
  const char *sep = ": ";
  for (size_t i = 0; i < sizeof bad / sizeof bad[0] && o < len; i++) {
    size_t n = s->n_status[bad[i]];
    if (!n)
      continue;
    o += (size_t)snprintf(buf + o, len - o, "%s%zu %s", sep, n, ab_case_status_text(lang, bad[i]));
    sep = ", ";
  }
}

static bool concl_fill(const ab_report *rep, size_t s, bool integer, concl_row *o) {
  memset(o, 0, sizeof *o);
  const ab_report_subject *sub = &rep->subjects[s];
  size_t v, p;
  ab_report_coverage(rep, s, &v, &p);
  snprintf(o->coverage, sizeof o->coverage, "%zu / %zu", v, p);
  failures_text(rep->lang, sub, o->failures, sizeof o->failures);
  size_t best = ab_report_best_of_class(rep, s, integer);
  if (best == SIZE_MAX) {
    snprintf(o->rate, sizeof o->rate, "%s", ab_tr(rep->lang, AB_M_NO_CASE_OF_CLASS));
    snprintf(o->perfw, sizeof o->perfw, DASH);
    snprintf(o->cost, sizeof o->cost, DASH);
    return false;
  }
  const ab_report_row *r = &rep->rows[best];
  rate_text(rep, r, o->rate, sizeof o->rate);
  perfw_text(rep->lang, r, o->perfw, sizeof o->perfw);
  cost_text(rep, s, r, o);
  return true;
}

static void cost_header(const ab_report *rep, bool integer, char *buf, size_t len) {
  ab_lang lang = rep->lang;
  trf(buf, len, lang, AB_M_COL_COST_PER, ab_tr(lang, integer ? AB_M_UNIT_POP : AB_M_UNIT_PFLOP),
      rep->have_cost ? rep->cost.currency : DASH);
}

void ab_conclusion_cost_header(const ab_report *rep, char *buf, size_t len) {
  cost_header(rep, false, buf, len);
}

/* The floating-point class's cost per PFLOP: what the tender summary shows beside the
 * verdict, so one table answers "which device, at what cost per unit of work". */
void ab_conclusion_cost_text(const ab_report *rep, size_t s, char *buf, size_t len) {
  concl_row o;
  concl_fill(rep, s, false, &o);
  snprintf(buf, len, "%s", o.cost);
}

/* ---- Markdown ------------------------------------------------------------------------------ */

static void md_cell(FILE *out, const char *s) {
  fputs(" ", out);
  ab_write_md_cell(out, s && s[0] ? s : DASH);
  fputs(" |", out);
}

static void md_class(const ab_report *rep, bool integer, FILE *out) {
  ab_lang lang = rep->lang;
  char cost[128];
  cost_header(rep, integer, cost, sizeof cost);
  fprintf(out, "### %s\n\n", ab_tr(lang, integer ? AB_M_CLASS_INT : AB_M_CLASS_FLOAT));
  fputs("|", out);
  md_cell(out, ab_tr(lang, AB_M_COL_DEVICE));
  md_cell(out, ab_tr(lang, AB_M_COL_BEST_RATE));
  md_cell(out, ab_tr(lang, AB_M_COL_PERFW));
  md_cell(out, cost);
  md_cell(out, ab_tr(lang, AB_M_COL_COVERAGE));
  md_cell(out, ab_tr(lang, AB_M_COL_FAILURES));
  fputs("\n| --- | --- | --- | --- | --- | --- |\n", out);
  for (size_t s = 0; s < rep->n_subjects; s++) {
    concl_row o;
    concl_fill(rep, s, integer, &o);
    fputs("|", out);
    md_cell(out, rep->subjects[s].label);
    md_cell(out, o.rate);
    md_cell(out, o.perfw);
    md_cell(out, o.cost);
    md_cell(out, o.coverage);
    md_cell(out, o.failures);
    fputs("\n", out);
  }
  fputs("\n", out);
}

void ab_conclusion_write_md(const ab_report *rep, FILE *out) {
  fprintf(out, "## %s\n\n", ab_tr(rep->lang, AB_M_CONCLUSION_HEADING));
  ab_write_md_cell(out, ab_tr(rep->lang, AB_M_CONCLUSION_INTRO));
  fputs("\n\n", out);
  md_class(rep, false, out);
  md_class(rep, true, out);
}

/* ---- HTML ---------------------------------------------------------------------------------- */

static void h_text(FILE *out, const char *tag, const char *cls, const char *s) {
  fprintf(out, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
  ab_write_markup_escaped(out, s && s[0] ? s : DASH);
  fprintf(out, "</%s>", tag);
}

static void html_class(const ab_report *rep, bool integer, FILE *out) {
  ab_lang lang = rep->lang;
  char cost[128];
  cost_header(rep, integer, cost, sizeof cost);
  h_text(out, "h3", NULL, ab_tr(lang, integer ? AB_M_CLASS_INT : AB_M_CLASS_FLOAT));
  fputs("\n<table class=\"conclusion\"><thead><tr>", out);
  h_text(out, "th", NULL, ab_tr(lang, AB_M_COL_DEVICE));
  h_text(out, "th", NULL, ab_tr(lang, AB_M_COL_BEST_RATE));
  h_text(out, "th", NULL, ab_tr(lang, AB_M_COL_PERFW));
  h_text(out, "th", NULL, cost);
  h_text(out, "th", NULL, ab_tr(lang, AB_M_COL_COVERAGE));
  h_text(out, "th", NULL, ab_tr(lang, AB_M_COL_FAILURES));
  fputs("</tr></thead><tbody>\n", out);
  for (size_t s = 0; s < rep->n_subjects; s++) {
    concl_row o;
    bool any = concl_fill(rep, s, integer, &o);
    fputs("<tr>", out);
    h_text(out, "td", "dev", rep->subjects[s].label);
    h_text(out, "td", any ? "num" : "na", o.rate);
    h_text(out, "td", "num", o.perfw);
    h_text(out, "td", o.capex_only ? "num capex" : "num", o.cost);
    h_text(out, "td", "num", o.coverage);
    h_text(out, "td", ab_report_failures(&rep->subjects[s]) ? "bad" : NULL, o.failures);
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table>\n", out);
}

void ab_conclusion_write_html(const ab_report *rep, FILE *out) {
  fputs("<section id=\"conclusion\">", out);
  h_text(out, "h2", NULL, ab_tr(rep->lang, AB_M_CONCLUSION_HEADING));
  fputs("\n", out);
  h_text(out, "p", "small", ab_tr(rep->lang, AB_M_CONCLUSION_INTRO));
  fputs("\n", out);
  html_class(rep, false, out);
  html_class(rep, true, out);
  fputs("</section>\n", out);
}

/* ---- cost of ownership --------------------------------------------------------------------- */

void ab_cost_inputs_text(const ab_report *rep, char *buf, size_t len) {
  const ab_cost_inputs *c = &rep->cost;
  trf(buf, len, rep->lang, AB_M_COST_INPUTS, c->file, NUM(c->electricity_per_kwh), c->currency,
      PCT(c->subsidy_fraction), NUM(c->pue), NUM(c->years), PCT(c->utilisation));
}

/* What kept a figure out, from the model's state (not by joining messages). */
void ab_cost_missing_text(const ab_report *rep, const ab_report_cost *c, char *buf, size_t len) {
  const ab_report_row *r = &rep->rows[c->row];
  const char *price = isnan(c->unit_price) ? c->price_why : "";
  snprintf(buf, len, "%s%s%s", price, price[0] && !r->power.measured ? "; " : "",
           r->power.measured ? "" : ab_tr(rep->lang, AB_M_CAPEX_ONLY));
}

/* The cost per PFLOP (or P-op) cell: total, else capex only, labelled. */
void ab_cost_per_unit_text(const ab_report *rep, const ab_report_cost *c, char *buf, size_t len) {
  if (isfinite(c->r.cost_per_unit))
    snprintf(buf, len, "%s", NUM(c->r.cost_per_unit));
  else if (isfinite(c->r.capex_per_unit))
    snprintf(buf, len, "%s (%s)", NUM(c->r.capex_per_unit), ab_tr(rep->lang, AB_M_CAPEX_ONLY));
  else
    snprintf(buf, len, DASH);
}

void ab_cost_write_html(const ab_report *rep, FILE *out) {
  if (!rep->have_cost)
    return;
  ab_lang lang = rep->lang;
  const char *cur = rep->cost.currency;
  char text[1024], h[6][96];
  fputs("<section id=\"cost\">", out);
  h_text(out, "h2", NULL, ab_tr(lang, AB_M_COST_HEADING));
  ab_cost_inputs_text(rep, text, sizeof text);
  h_text(out, "p", "small", text);
  trf(h[0], sizeof h[0], lang, AB_M_COL_UNIT_PRICE, cur);
  trf(h[1], sizeof h[1], lang, AB_M_COL_ENERGY_COST, cur);
  trf(h[2], sizeof h[2], lang, AB_M_COL_TOTAL_COST, cur);
  trf(h[3], sizeof h[3], lang, AB_M_COL_COST_PER_PETA, cur);
  fputs("\n<table class=\"cost\"><thead><tr>", out);
  h_text(out, "th", NULL, ab_tr(lang, AB_M_COL_DEVICE));
  h_text(out, "th", NULL, ab_tr(lang, AB_M_COL_DTYPE));
  h_text(out, "th", NULL, h[0]);
  h_text(out, "th", NULL, ab_tr(lang, AB_M_COL_RATE));
  h_text(out, "th", NULL, ab_tr(lang, AB_M_COL_AVG_W));
  h_text(out, "th", NULL, ab_tr(lang, AB_M_COL_KWH_YEAR));
  h_text(out, "th", NULL, h[1]);
  h_text(out, "th", NULL, h[2]);
  h_text(out, "th", NULL, h[3]);
  h_text(out, "th", NULL, ab_tr(lang, AB_M_COL_MISSING));
  fputs("</tr></thead><tbody>\n", out);
  for (size_t i = 0; i < rep->n_costs; i++) {
    const ab_report_cost *c = &rep->costs[i];
    const ab_report_row *r = &rep->rows[c->row];
    char rate[96], watts[96], per[160], missing[600];
    double m, lo, hi;
    const char *unit = ab_report_rate(r, &m, &lo, &hi);
    snprintf(rate, sizeof rate, "%s %s", NUM(m), unit);
    snprintf(watts, sizeof watts, "%s (%s)", NUM(r->power.measured ? r->power.avg_w : NAN),
             r->power.measured ? ab_scope_text(lang, r->power.ref.scope)
                               : ab_tr(lang, AB_M_NOT_MEASURED));
    ab_cost_per_unit_text(rep, c, per, sizeof per);
    ab_cost_missing_text(rep, c, missing, sizeof missing);
    fputs("<tr>", out);
    h_text(out, "td", "dev", rep->subjects[c->subject].label);
    h_text(out, "td", NULL, ab_dtype_name(c->dtype));
    h_text(out, "td", "num", NUM(c->unit_price));
    h_text(out, "td", "num", rate);
    h_text(out, "td", "num", watts);
    h_text(out, "td", "num", NUM(c->r.energy_kwh_per_year));
    h_text(out, "td", "num", NUM(c->r.energy_cost_per_year));
    h_text(out, "td", "num", NUM(c->r.total_cost));
    h_text(out, "td", "num", per);
    h_text(out, "td", "small", missing);
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table>\n", out);
  h_text(out, "p", "small", ab_tr(lang, AB_M_NO_DECODER_COST));
  fputs("</section>\n", out);
}
