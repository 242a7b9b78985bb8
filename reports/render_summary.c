/* accelbench — the conclusion that opens the Markdown and HTML reports (after the tender
 * matrix, when there is one), and the cost of ownership in both: per dtype class one table
 * with each device's best validated rate, perf/W with its scope, cost per unit of work
 * (capex only, labelled, when no power was measured), coverage and failures
 * (docs/reports.md, "The conclusion"). Words come from the message catalogue. */
#include "render_summary.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "model/kernel.h"
#include "model/kind.h"
#include "model/names.h"
#include "render_tender.h"
#include "table_out.h"

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

const char *ab_case_status_label(ab_lang lang, ab_case_status s) {
  return lang == AB_LANG_EN ? ab_case_status_name(s) : ab_case_status_text(lang, s);
}

/* ---- the figures of one conclusion row ----------------------------------------------------- */

typedef struct concl_row {
  char rate[256], perfw[128], cost[448], coverage[64], failures[256];
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
    snprintf(o->cost, sizeof o->cost, DASH " (%s)", c ? c->price_why_text : ab_tr(lang, AB_M_NONE));
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

/* ---- the conclusion, in either format ----------------------------------------------------- */

static void conclusion_class(const ab_report *rep, bool integer, const ab_tbl *t) {
  ab_lang lang = rep->lang;
  char cost[128];
  cost_header(rep, integer, cost, sizeof cost);
  const char *const heads[] = {ab_tr(lang, AB_M_COL_DEVICE),   ab_tr(lang, AB_M_COL_BEST_RATE),
                               ab_tr(lang, AB_M_COL_PERFW),    cost,
                               ab_tr(lang, AB_M_COL_COVERAGE), ab_tr(lang, AB_M_COL_FAILURES)};
  ab_tbl_heading(t, 3, ab_tr(lang, integer ? AB_M_CLASS_INT : AB_M_CLASS_FLOAT));
  ab_tbl_begin(t, "conclusion", heads, sizeof heads / sizeof heads[0]);
  for (size_t s = 0; s < rep->n_subjects; s++) {
    concl_row o;
    bool any = concl_fill(rep, s, integer, &o);
    ab_tbl_row(t);
    ab_tbl_cell(t, "dev", rep->subjects[s].label);
    ab_tbl_cell(t, any ? "num" : "na", o.rate);
    ab_tbl_cell(t, "num", o.perfw);
    ab_tbl_cell(t, o.capex_only ? "num capex" : "num", o.cost);
    ab_tbl_cell(t, "num", o.coverage);
    ab_tbl_cell(t, ab_report_failures(&rep->subjects[s]) ? "bad" : NULL, o.failures);
    ab_tbl_row_end(t);
  }
  ab_tbl_end(t);
}

static void conclusion(const ab_report *rep, const ab_tbl *t) {
  ab_tbl_heading(t, 2, ab_tr(rep->lang, AB_M_CONCLUSION_HEADING));
  ab_tbl_para(t, "small", ab_tr(rep->lang, AB_M_CONCLUSION_INTRO));
  conclusion_class(rep, false, t);
  conclusion_class(rep, true, t);
}

void ab_conclusion_write_md(const ab_report *rep, FILE *out) {
  conclusion(rep, &(ab_tbl){out, AB_TBL_MD});
}

void ab_conclusion_write_html(const ab_report *rep, FILE *out) {
  fputs("<section id=\"conclusion\">", out);
  conclusion(rep, &(ab_tbl){out, AB_TBL_HTML});
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
  const char *price = isnan(c->unit_price) ? c->price_why_text : "";
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

static void cost_table(const ab_report *rep, const ab_tbl *t) {
  ab_lang lang = rep->lang;
  const char *cur = rep->cost.currency;
  char text[1024], price[96], energy[96], total[96], per[96];
  ab_tbl_heading(t, 2, ab_tr(lang, AB_M_COST_HEADING));
  ab_cost_inputs_text(rep, text, sizeof text);
  ab_tbl_para(t, "small", text);
  trf(price, sizeof price, lang, AB_M_COL_UNIT_PRICE, cur);
  trf(energy, sizeof energy, lang, AB_M_COL_ENERGY_COST, cur);
  trf(total, sizeof total, lang, AB_M_COL_TOTAL_COST, cur);
  trf(per, sizeof per, lang, AB_M_COL_COST_PER_PETA, cur);
  const char *const heads[] = {ab_tr(lang, AB_M_COL_DEVICE),
                               ab_tr(lang, AB_M_COL_DTYPE),
                               price,
                               ab_tr(lang, AB_M_COL_RATE),
                               ab_tr(lang, AB_M_COL_AVG_W),
                               ab_tr(lang, AB_M_COL_KWH_YEAR),
                               energy,
                               total,
                               per,
                               ab_tr(lang, AB_M_COL_MISSING)};
  ab_tbl_begin(t, "cost", heads, sizeof heads / sizeof heads[0]);
  for (size_t i = 0; i < rep->n_costs; i++) {
    const ab_report_cost *c = &rep->costs[i];
    const ab_report_row *r = &rep->rows[c->row];
    char rate[96], watts[96], cost[160], missing[600];
    double m, lo, hi;
    const char *unit = ab_report_rate(r, &m, &lo, &hi);
    snprintf(rate, sizeof rate, "%s %s", NUM(m), unit);
    snprintf(watts, sizeof watts, "%s (%s)", NUM(r->power.measured ? r->power.avg_w : NAN),
             r->power.measured ? ab_scope_text(lang, r->power.ref.scope)
                               : ab_tr(lang, AB_M_NOT_MEASURED));
    ab_cost_per_unit_text(rep, c, cost, sizeof cost);
    ab_cost_missing_text(rep, c, missing, sizeof missing);
    ab_tbl_row(t);
    ab_tbl_cell(t, "dev", rep->subjects[c->subject].label);
    ab_tbl_cell(t, NULL, ab_dtype_name(c->dtype));
    ab_tbl_cell(t, "num", NUM(c->unit_price));
    ab_tbl_cell(t, "num", rate);
    ab_tbl_cell(t, "num", watts);
    ab_tbl_cell(t, "num", NUM(c->r.energy_kwh_per_year));
    ab_tbl_cell(t, "num", NUM(c->r.energy_cost_per_year));
    ab_tbl_cell(t, "num", NUM(c->r.total_cost));
    ab_tbl_cell(t, "num", cost);
    ab_tbl_cell(t, "small", missing[0] ? missing : NULL);
    ab_tbl_row_end(t);
  }
  ab_tbl_end(t);
  ab_tbl_para(t, "small", ab_tr(lang, AB_M_NO_DECODER_COST));
}

void ab_cost_write_md(const ab_report *rep, FILE *out) {
  if (rep->have_cost)
    cost_table(rep, &(ab_tbl){out, AB_TBL_MD});
}

void ab_cost_write_html(const ab_report *rep, FILE *out) {
  if (!rep->have_cost)
    return;
  fputs("<section id=\"cost\">", out);
  cost_table(rep, &(ab_tbl){out, AB_TBL_HTML});
  fputs("</section>\n", out);
}

/* ---- providers side by side (portable kernel, vendor library, spec sheet) ------------------ */

/* Portable kernels are the harness's own code on the device ("portable" OpenCL kernels, a
 * backend's "native" loops); every other provider is a vendor or third-party library. */
static bool portable_provider(const char *p) {
  return strcasecmp(p, "portable") == 0 || strcasecmp(p, "native") == 0;
}

static bool same_device_key(const ab_report *rep, const ab_report_row *a, const ab_report_row *b) {
  const ab_report_subject *x = &rep->subjects[a->subject], *y = &rep->subjects[b->subject];
  if (x->input != y->input || x->device_index != y->device_index ||
      strcmp(x->backend, y->backend) != 0)
    return false;
  char ka[256], kb[256];
  ab_report_kernel_key(a->c, ka, sizeof ka);
  ab_report_kernel_key(b->c, kb, sizeof kb);
  return strcmp(ka, kb) == 0;
}

/* The first row of each device x kernel key that more than one provider ran. */
static bool group_head(const ab_report *rep, size_t i) {
  size_t providers = 0;
  for (size_t j = 0; j < rep->n_rows; j++) {
    if (!same_device_key(rep, &rep->rows[i], &rep->rows[j]))
      continue;
    if (j < i)
      return false;
    providers++;
  }
  return providers > 1;
}

static double spec_ceiling(const ab_report *rep, const ab_report_row *r, const char **unit) {
  const ab_catalog_entry *e = rep->subjects[r->subject].catalog;
  const ab_kind_def *def = ab_kind_def_of(r->c->desc.kind);
  ab_dtype t = r->c->desc.dtype;
  *unit = "";
  if (!e || !def)
    return NAN;
  if (def->bound == AB_BOUND_MEMORY) {
    *unit = "GB/s";
    return e->memory_bw_gbs;
  }
  if (def->bound != AB_BOUND_COMPUTE || t <= 0 || t >= AB_DTYPE_COUNT)
    return NAN;
  *unit = t == AB_DTYPE_I8 || t == AB_DTYPE_I32 ? "GOP/s" : "GFLOP/s";
  return e->peak_tflops[t] * 1e3;
}

typedef struct prov_row {
  char portable[384], vendor[512], spec[96], ratio[32];
} prov_row;

static void prov_fill(const ab_report *rep, size_t head, prov_row *o) {
  const ab_report_row *h = &rep->rows[head];
  double best_portable = NAN, best_vendor = NAN;
  memset(o, 0, sizeof *o);
  for (size_t j = 0; j < rep->n_rows; j++) {
    const ab_report_row *r = &rep->rows[j];
    if (!same_device_key(rep, h, r))
      continue;
    bool port = portable_provider(r->c->provider);
    char *dst = port ? o->portable : o->vendor;
    size_t cap = port ? sizeof o->portable : sizeof o->vendor, at = strlen(dst);
    double m, lo, hi;
    const char *unit = ab_report_rate(r, &m, &lo, &hi);
    if (r->c->status == AB_CASE_OK && !r->implausible)
      snprintf(dst + at, cap - at, "%s%s %s (%s)", at ? "; " : "", NUM(m), unit, r->c->provider);
    else
      snprintf(dst + at, cap - at, "%s%s (%s)", at ? "; " : "",
               ab_case_status_text(rep->lang, r->c->status), r->c->provider);
    double *best = port ? &best_portable : &best_vendor;
    if (isfinite(m) && !r->implausible && !(m <= *best))
      *best = m;
  }
  const char *unit;
  double spec = spec_ceiling(rep, h, &unit);
  if (isfinite(spec))
    snprintf(o->spec, sizeof o->spec, "%s %s", NUM(spec), unit);
  if (isfinite(best_portable) && isfinite(best_vendor))
    snprintf(o->ratio, sizeof o->ratio, "%s", PCT(best_portable / best_vendor));
}

static bool any_group(const ab_report *rep) {
  for (size_t i = 0; i < rep->n_rows; i++)
    if (group_head(rep, i))
      return true;
  return false;
}

static void device_of(const ab_report *rep, const ab_report_row *r, char *buf, size_t len) {
  const ab_report_subject *s = &rep->subjects[r->subject];
  snprintf(buf, len, "%.*s (%s:%u)", ab_utf8_prefix(s->device_name, 120), s->device_name,
           s->backend, s->device_index);
}

static void providers(const ab_report *rep, const ab_tbl *t) {
  ab_lang lang = rep->lang;
  const char *const heads[] = {
      ab_tr(lang, AB_M_COL_DEVICE),   ab_tr(lang, AB_M_COL_KERNEL),
      ab_tr(lang, AB_M_COL_PORTABLE), ab_tr(lang, AB_M_COL_VENDOR),
      ab_tr(lang, AB_M_COL_SPEC),     ab_tr(lang, AB_M_COL_PORT_VS_VENDOR)};
  ab_tbl_heading(t, 2, ab_tr(lang, AB_M_PROV_HEADING));
  ab_tbl_para(t, "small", ab_tr(lang, AB_M_PROV_INTRO));
  ab_tbl_begin(t, "providers", heads, sizeof heads / sizeof heads[0]);
  for (size_t i = 0; i < rep->n_rows; i++) {
    if (!group_head(rep, i))
      continue;
    prov_row o;
    char dev[200], key[256];
    prov_fill(rep, i, &o);
    device_of(rep, &rep->rows[i], dev, sizeof dev);
    ab_report_kernel_key(rep->rows[i].c, key, sizeof key);
    ab_tbl_row(t);
    ab_tbl_cell(t, "dev", dev);
    ab_tbl_cell(t, "mono", key);
    ab_tbl_cell(t, NULL, o.portable);
    ab_tbl_cell(t, NULL, o.vendor);
    ab_tbl_cell(t, "num", o.spec);
    ab_tbl_cell(t, "num", o.ratio);
    ab_tbl_row_end(t);
  }
  ab_tbl_end(t);
}

void ab_providers_write_md(const ab_report *rep, FILE *out) {
  if (any_group(rep))
    providers(rep, &(ab_tbl){out, AB_TBL_MD});
}

void ab_providers_write_html(const ab_report *rep, FILE *out) {
  if (!any_group(rep))
    return;
  fputs("<section id=\"providers\">", out);
  providers(rep, &(ab_tbl){out, AB_TBL_HTML});
  fputs("</section>\n", out);
}
