/* accelbench — the compliance matrix: every tender requirement (tender.h) judged on every
 * subject of a report, from the report model's figures only (docs/tender.md, "When a
 * requirement is met").
 *
 * The rule is conservative throughout: a figure with a 95% interval is judged at the end
 * of the interval that is worse for the device (the lower end of a rate, the upper end of
 * a time or an energy), so "met" means the device meets the requirement even at the edge
 * of what the measurement allows. A case that failed, crashed, timed out or returned a
 * wrong result is "not met", never a blank: a committee reads a crash as a fail. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "model/kernel.h"
#include "model/names.h"
#include "render_summary.h"
#include "report.h"

static void cell_init(ab_tender_cell *c) {
  memset(c, 0, sizeof *c);
  c->value = c->lo = c->hi = c->bound = c->deviation = NAN;
  c->row = SIZE_MAX;
}

static void copy_arg(char *dst, size_t cap, const char *arg) {
  arg = arg ? arg : "";
  snprintf(dst, cap, "%.*s", ab_utf8_prefix(arg, cap - 1), arg);
}

/* `text`: the argument in the report's language; NULL when it is data, the same in both. */
static void set_why2(ab_tender_cell *c, ab_tender_verdict v, ab_tender_why why, const char *arg,
                     const char *text) {
  c->verdict = v;
  c->why = why;
  copy_arg(c->arg, sizeof c->arg, arg);
  copy_arg(c->arg_text, sizeof c->arg_text, text ? text : arg);
}

static void set_why(ab_tender_cell *c, ab_tender_verdict v, ab_tender_why why, const char *arg) {
  set_why2(c, v, why, arg, NULL);
}

/* "wrong_result: <reason>": the status in words of `lang` (its run-file name in English). */
static void failed_arg(ab_lang lang, const ab_case_result *c, char *buf, size_t len) {
  char reason[sizeof((ab_tender_cell *)0)->arg];
  snprintf(reason, sizeof reason, "%.*s", ab_utf8_prefix(c->reason, sizeof reason - 32), c->reason);
  ab_trf(buf, len, lang, AB_M_WHY_FAILED_AS, ab_case_status_label(lang, c->status), reason);
}

/* Met or not on the conservative bound, with the signed deviation (+ is better). */
static void judge(const ab_tender_req *q, ab_tender_cell *c) {
  bool met = q->is_max ? c->bound <= q->limit : c->bound >= q->limit;
  c->verdict = met ? AB_TENDER_MET : AB_TENDER_NOT_MET;
  if (q->limit > 0)
    c->deviation = (q->is_max ? q->limit - c->bound : c->bound - q->limit) / q->limit;
}

/* ---- which cases a kernel requirement is about ----------------------------------------- */

static bool row_matches(const ab_report_row *r, size_t subject, ab_kernel_kind kind, ab_dtype dt,
                        const char *shape) {
  if (r->subject != subject || r->c->desc.kind != kind || (dt && r->c->desc.dtype != dt))
    return false;
  if (!shape || !shape[0])
    return true;
  char have[160];
  ab_kernel_shape_str(&r->c->desc, have, sizeof have);
  return strcmp(have, shape) == 0;
}

static bool failed_status(ab_case_status s) {
  return s == AB_CASE_FAILED || s == AB_CASE_WRONG_RESULT || s == AB_CASE_CRASHED ||
         s == AB_CASE_TIMEOUT || s == AB_CASE_IMPLAUSIBLE;
}

/* What the cases say when none is usable: the first failure wins over unsupported, which
 * wins over "not run". */
static void no_usable_case(const ab_report *rep, const ab_tender_req *q, size_t subject,
                           ab_tender_cell *c) {
  const ab_report_row *failed = NULL, *unsupported = NULL, *implausible = NULL;
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_row *r = &rep->rows[i];
    if (!row_matches(r, subject, q->kind, q->dtype, q->shape))
      continue;
    if (!failed && failed_status(r->c->status))
      failed = r;
    if (!unsupported && r->c->status == AB_CASE_UNSUPPORTED)
      unsupported = r;
    if (!implausible && r->implausible)
      implausible = r;
  }
  char arg[sizeof c->arg], text[sizeof c->arg_text];
  if (failed) {
    failed_arg(AB_LANG_EN, failed->c, arg, sizeof arg);
    failed_arg(rep->lang, failed->c, text, sizeof text);
    set_why2(c, AB_TENDER_NOT_MET, AB_TWHY_FAILED, arg, text);
    c->row = (size_t)(failed - rep->rows);
  } else if (implausible) {
    ab_report_kernel_key(implausible->c, arg, sizeof arg);
    set_why(c, AB_TENDER_NOT_MEASURED, AB_TWHY_IMPLAUSIBLE, arg);
    c->row = (size_t)(implausible - rep->rows);
  } else if (unsupported) {
    set_why(c, AB_TENDER_UNSUPPORTED, AB_TWHY_UNSUPPORTED, unsupported->c->reason);
    c->row = (size_t)(unsupported - rep->rows);
  } else {
    set_why(c, AB_TENDER_NOT_MEASURED, AB_TWHY_NO_CASE, "");
  }
}

/* ---- the figure of one case, in harness units ------------------------------------------ */

typedef struct figure {
  double value, lo, hi, bound; /* bound NAN: no interval */
  ab_tender_why missing;       /* AB_TWHY_FIGURE when value is finite */
  char arg[512];
} figure;

static bool scope_fits(const char *want, const ab_report_power *p) {
  return strcmp(want, "any") == 0 || strcmp(want, p->ref.scope) == 0;
}

/* Rate per watt and energy per unit of work; conservative: the low end of the rate. */
static void power_figure(const ab_tender_req *q, const ab_report_row *r, double m, double lo,
                         figure *f) {
  const ab_report_power *p = &r->power;
  if (!p->measured) {
    f->missing = AB_TWHY_NO_POWER;
    snprintf(f->arg, sizeof f->arg, "%s", p->not_measured);
    return;
  }
  if (!scope_fits(q->scope, p)) {
    f->missing = AB_TWHY_OTHER_SCOPE;
    snprintf(f->arg, sizeof f->arg, "%s", p->ref.scope);
    return;
  }
  double w = p->avg_w;
  if (q->metric == AB_TREQ_PERF_PER_WATT) {
    f->value = m / w;
    f->lo = f->bound = lo / w;
  } else if (q->metric == AB_TREQ_ENERGY_PER_OP) { /* W / (G unit/s) = nJ -> x1e3 pJ */
    f->value = w / m * 1e3;
    f->hi = f->bound = w / lo * 1e3;
  } else if (!isfinite(p->j_per_token)) {
    f->missing = AB_TWHY_NO_TOKENS;
    return;
  } else {
    f->value = p->j_per_token;
    f->hi = f->bound = p->j_per_token * m / lo;
  }
}

static void case_figure(const ab_tender_req *q, const ab_report_row *r, figure *f) {
  double m, lo, hi;
  memset(f, 0, sizeof *f);
  f->value = f->lo = f->hi = f->bound = NAN;
  ab_report_rate(r, &m, &lo, &hi);
  switch (q->metric) {
  case AB_TREQ_THROUGHPUT:
    f->value = m;
    f->lo = f->bound = lo;
    f->hi = hi;
    break;
  case AB_TREQ_LATENCY: {
    const ab_stats *t = &r->c->time_s;
    f->value = r->t_median;
    if (t->n >= AB_MIN_CI_SAMPLES && t->median_ci95_lo <= t->median &&
        t->median <= t->median_ci95_hi) {
      f->lo = t->median_ci95_lo;
      f->hi = f->bound = t->median_ci95_hi;
    }
    break;
  }
  default: power_figure(q, r, m, lo, f);
  }
}

static void scale_figure(const ab_tender_req *q, figure *f) {
  f->value *= q->scale;
  f->lo *= q->scale;
  f->hi *= q->scale;
  f->bound *= q->scale;
}

/* Better for the device: a higher bound where more is better, a lower one otherwise. */
static bool better(const ab_tender_req *q, double a, double b) {
  if (!isfinite(b))
    return isfinite(a);
  return isfinite(a) && (q->is_max ? a < b : a > b);
}

static void kernel_cell(const ab_report *rep, const ab_tender_req *q, size_t subject,
                        ab_tender_cell *c) {
  figure best = {.value = NAN, .missing = AB_TWHY_COUNT}, f;
  size_t best_row = SIZE_MAX;
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_row *r = &rep->rows[i];
    if (!row_matches(r, subject, q->kind, q->dtype, q->shape) || r->c->status != AB_CASE_OK ||
        r->implausible)
      continue;
    case_figure(q, r, &f);
    scale_figure(q, &f);
    /* The best bound; among cases without one, the best value; else the first reason. */
    bool take = best_row == SIZE_MAX || better(q, f.bound, best.bound) ||
                (!isfinite(best.bound) && !isfinite(f.bound) && better(q, f.value, best.value));
    if (take) {
      best = f;
      best_row = i;
    }
  }
  if (best_row == SIZE_MAX) {
    no_usable_case(rep, q, subject, c);
    return;
  }
  c->row = best_row;
  c->value = best.value;
  c->lo = best.lo;
  c->hi = best.hi;
  c->bound = best.bound;
  if (!isfinite(best.value)) {
    set_why(c, AB_TENDER_NOT_MEASURED, best.missing, best.arg);
    return;
  }
  char key[256];
  ab_report_kernel_key(rep->rows[best_row].c, key, sizeof key);
  if (isfinite(best.bound)) {
    set_why(c, AB_TENDER_MET, AB_TWHY_FIGURE, key);
    judge(q, c);
    return;
  }
  /* No interval: a median that misses is a clear miss; one that meets proves nothing. */
  bool misses = q->is_max ? best.value > q->limit : best.value < q->limit;
  set_why(c, misses ? AB_TENDER_NOT_MET : AB_TENDER_NOT_MEASURED, AB_TWHY_NO_INTERVAL, key);
}

/* ---- coverage, power, price ------------------------------------------------------------ */

/* The best status a subject reached on a kind: ok (validated) beats a failure, which beats
 * unsupported and skipped; -1 when it ran no case of the kind. */
static int kind_outcome(const ab_report *rep, size_t subject, ab_kernel_kind k, ab_dtype dt,
                        ab_case_status *worst) {
  int seen = -1;
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_row *r = &rep->rows[i];
    if (!row_matches(r, subject, k, dt, NULL))
      continue;
    if (r->c->status == AB_CASE_OK && !r->implausible)
      return 1;
    if (seen < 0 || failed_status(r->c->status))
      *worst = r->c->status;
    seen = 0;
  }
  return seen;
}

/* "gemm (wrong_result)" appended to a list in `lang`: the kind, and its status or "not run". */
static void add_kind_status(ab_lang lang, ab_kernel_kind k, int got, ab_case_status worst,
                            char *buf, size_t len) {
  size_t o = strlen(buf);
  if (o + 2 >= len)
    return;
  if (o)
    snprintf(buf + o, len - o, "%s", lang == AB_LANG_EN ? ", " : "\xe3\x80\x81"); /* 、 */
  o = strlen(buf);
  ab_trf(buf + o, len - o, lang, AB_M_KIND_STATUS, ab_kernel_kind_name(k),
         got < 0 ? ab_tr(lang, AB_M_NOT_RUN) : ab_case_status_label(lang, worst));
}

static void coverage_cell(const ab_report *rep, const ab_tender_req *q, size_t subject,
                          ab_tender_cell *c) {
  size_t ok = 0, absent = 0;
  for (size_t i = 0; i < q->n_kinds; i++) {
    ab_case_status worst = AB_CASE_SKIPPED;
    int got = kind_outcome(rep, subject, q->kinds[i], q->dtype, &worst);
    ok += got == 1;
    absent += got < 0;
    if (got != 1) {
      add_kind_status(AB_LANG_EN, q->kinds[i], got, worst, c->arg, sizeof c->arg);
      add_kind_status(rep->lang, q->kinds[i], got, worst, c->arg_text, sizeof c->arg_text);
    }
  }
  c->value = c->bound = (double)ok;
  c->lo = c->hi = NAN;
  if (ok == q->n_kinds) {
    c->verdict = AB_TENDER_MET;
    c->why = AB_TWHY_FIGURE;
  } else {
    /* Kinds the suite never ran are not measured; a kind that ran and did not validate
     * is a shortfall of the device. */
    c->verdict = ok + absent == q->n_kinds ? AB_TENDER_NOT_MEASURED : AB_TENDER_NOT_MET;
    c->why = AB_TWHY_KINDS_MISSING;
  }
}

static void power_cell(const ab_report *rep, const ab_tender_req *q, size_t subject,
                       ab_tender_cell *c) {
  const char *other = NULL, *why = NULL;
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_row *r = &rep->rows[i];
    if (r->subject != subject)
      continue;
    if (!r->power.measured) {
      why = why ? why : r->power.not_measured;
      continue;
    }
    if (!scope_fits(q->scope, &r->power)) {
      other = r->power.ref.scope;
      continue;
    }
    if (isfinite(r->power.peak_w) && !(r->power.peak_w <= c->value)) {
      c->value = c->bound = r->power.peak_w;
      c->row = i;
    }
  }
  if (isfinite(c->value)) {
    char key[256];
    ab_report_kernel_key(rep->rows[c->row].c, key, sizeof key);
    set_why(c, AB_TENDER_MET, AB_TWHY_FIGURE, key);
    judge(q, c);
  } else if (other) {
    set_why(c, AB_TENDER_NOT_MEASURED, AB_TWHY_OTHER_SCOPE, other);
  } else {
    set_why(c, AB_TENDER_NOT_MEASURED, AB_TWHY_NO_POWER, why);
  }
}

/* The unit price in the tender's currency: the cost file's quote when its currency is the
 * tender's, else the catalogue's list price in that currency. Never converted. */
static double price_of(const ab_report *rep, const ab_report_subject *s, ab_lang lang, char *why,
                       size_t len) {
  const char *cur = rep->tender.currency;
  if (!s->catalog) {
    ab_trf(why, len, lang, AB_M_P_NO_CATALOGUE);
    return NAN;
  }
  if (rep->have_cost && strcmp(rep->cost.currency, cur) == 0)
    return ab_cost_unit_price_in(&rep->cost, s->catalog, lang, why, len);
  if (isfinite(s->catalog->unit_price) && strcmp(s->catalog->currency, cur) == 0) {
    ab_trf(why, len, lang, AB_M_P_CATALOGUE, s->catalog->id);
    return s->catalog->unit_price;
  }
  ab_trf(why, len, lang, AB_M_P_NO_CONVERSION, cur, s->catalog->id);
  return NAN;
}

static void price_cell(const ab_report *rep, const ab_tender_req *q, size_t subject,
                       ab_tender_cell *c) {
  const ab_report_subject *s = &rep->subjects[subject];
  char why[sizeof c->arg], text[sizeof c->arg_text];
  c->value = price_of(rep, s, AB_LANG_EN, why, sizeof why);
  price_of(rep, s, rep->lang, text, sizeof text);
  if (!isfinite(c->value)) {
    set_why2(c, AB_TENDER_NOT_MEASURED, AB_TWHY_NO_PRICE, why, text);
    return;
  }
  c->domestic = ab_tender_is_domestic(&rep->tender, s->catalog->id);
  c->bound = c->value * (c->domestic ? 1.0 - rep->tender.domestic_fraction : 1.0);
  set_why2(c, AB_TENDER_MET, AB_TWHY_PRICE, why, text);
  judge(q, c);
}

/* ---- the matrix -------------------------------------------------------------------------- */

static void evaluate(const ab_report *rep, const ab_tender_req *q, size_t subject,
                     ab_tender_cell *c) {
  cell_init(c);
  switch (q->metric) {
  case AB_TREQ_COVERAGE: coverage_cell(rep, q, subject, c); break;
  case AB_TREQ_BOARD_POWER: power_cell(rep, q, subject, c); break;
  case AB_TREQ_PRICE: price_cell(rep, q, subject, c); break;
  default: kernel_cell(rep, q, subject, c);
  }
}

ab_status ab_report_compliance(ab_report *rep) {
  size_t n = rep->tender.n_reqs * rep->n_subjects;
  rep->compliance = calloc(n ? n : 1, sizeof *rep->compliance);
  if (!rep->compliance)
    return AB_E_NOMEM;
  for (size_t q = 0; q < rep->tender.n_reqs; q++)
    for (size_t s = 0; s < rep->n_subjects; s++)
      evaluate(rep, &rep->tender.reqs[q], s, &rep->compliance[q * rep->n_subjects + s]);
  return AB_OK;
}

const ab_tender_cell *ab_report_tender_cell(const ab_report *rep, size_t req, size_t s) {
  return &rep->compliance[req * rep->n_subjects + s];
}

void ab_report_tender_tally(const ab_report *rep, size_t s, size_t *met, size_t *mandatory_failed) {
  *met = *mandatory_failed = 0;
  for (size_t q = 0; q < rep->tender.n_reqs; q++) {
    const ab_tender_cell *c = ab_report_tender_cell(rep, q, s);
    *met += c->verdict == AB_TENDER_MET;
    *mandatory_failed += rep->tender.reqs[q].mandatory && c->verdict != AB_TENDER_MET;
  }
}
