/* accelbench — the side-by-side comparison as Markdown, CSV and JSON (compare.h,
 * docs/compare.md). The model (compare.c) holds every figure; these only lay it out. Every
 * string from a run file or the command line is escaped and made valid UTF-8. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "compare_priv.h"
#include "escape.h"
#include "render_summary.h"
#include "render_tender.h"

#define DASH "\xe2\x80\x94"
/* A label given by its English text, in the report's language (needs `lang` in scope). */
#define L(en) ab_tr_label(lang, en)

/* A cell's status in the report's language ("not run" when the subject has no such case). */
static const char *cell_status(ab_lang lang, const ab_cmp_cell *cell) {
  return cell->row ? ab_case_status_label(lang, cell->row->c->status) : L("not run");
}

/* ---------------------------------------------------------------------------------------
 * Power figures of a cell
 * ------------------------------------------------------------------------------------- */

typedef struct cell_power {
  double per_w, per_op; /* perf/W and energy per operation; NAN when not measured */
  char per_w_unit[24];  /* "GFLOP/s/W", "GOP/s/W", "GB/s/W" */
  char per_op_unit[16]; /* "pJ/FLOP", "pJ/op", "pJ/B" */
  const char *scope;
} cell_power;

/* The units follow the case's own work (ab_report_work_unit): an int8 GEMM counts integer
 * operations, so its figures are GOP/s/W and pJ/op, never per FLOP. */
static cell_power power_of(const ab_cmp_cell *cell) {
  cell_power p = {.per_w = NAN, .per_op = NAN, .scope = ""};
  const ab_report_row *r = cell->row;
  if (!r || r->c->status != AB_CASE_OK || !r->power.measured)
    return p;
  double v, lo, hi;
  if (strcmp(ab_report_rate(r, &v, &lo, &hi), "tokens/s") == 0) {
    /* decoder: a token is the work; tokens/s/W is 1 / (J/token) */
    if (!(r->power.j_per_token > 0))
      return p;
    p.per_w = 1.0 / r->power.j_per_token;
    p.per_op = r->power.j_per_token;
    snprintf(p.per_w_unit, sizeof p.per_w_unit, "tokens/s/W");
    snprintf(p.per_op_unit, sizeof p.per_op_unit, "J/token");
    p.scope = r->power.ref.scope;
    return p;
  }
  const char *work = ab_report_work_unit(r->c);
  bool bytes = strcmp(work, "B") == 0;
  double per_w = bytes ? r->power.gbytes_per_s_per_w : r->power.gflops_per_w;
  if (!isfinite(per_w))
    return p;
  const char *rate_unit = ab_report_rate(r, &v, &lo, &hi);
  p.per_w = per_w;
  p.per_op = bytes ? r->power.pj_per_byte : r->power.pj_per_flop;
  snprintf(p.per_w_unit, sizeof p.per_w_unit, "%s/W", bytes ? "GB/s" : rate_unit);
  snprintf(p.per_op_unit, sizeof p.per_op_unit, "pJ/%s", work);
  p.scope = r->power.ref.scope;
  return p;
}

/* ---------------------------------------------------------------------------------------
 * Markdown
 * ------------------------------------------------------------------------------------- */

static const char *fmt(double v, char *buf, size_t len) {
  return ab_report_fmt(v, buf, len);
}

const char *ab_cmp_fmt_ratio(double v, char *buf, size_t len) {
  if (!isfinite(v))
    return fmt(v, buf, len);
  snprintf(buf, len, "%.3f", v);
  return buf;
}

/* "lo–hi"; "no interval" for a figure that has none (fewer than AB_MIN_CI_SAMPLES
 * samples); "—" where there is no figure at all. */
static void md_interval(FILE *out, ab_lang lang, double v, double lo, double hi, bool ratio) {
  char a[32], b[32];
  if (!isfinite(v)) {
    fputs(DASH, out);
  } else if (!isfinite(lo) || !isfinite(hi)) {
    fputs(L("no interval"), out);
  } else if (ratio) {
    fprintf(out, "%s\xe2\x80\x93%s", ab_cmp_fmt_ratio(lo, a, sizeof a),
            ab_cmp_fmt_ratio(hi, b, sizeof b));
  } else {
    fprintf(out, "%s\xe2\x80\x93%s", fmt(lo, a, sizeof a), fmt(hi, b, sizeof b));
  }
}

/* "—" with the status of whichever side is not ok. */
static void md_verdict(FILE *out, const ab_comparison *cmp, const ab_cmp_kernel *k, size_t s) {
  ab_lang lang = cmp->rep->lang;
  const ab_cmp_cell *cell = &k->cells[s], *base = &k->cells[cmp->baseline];
  if (cell->verdict != AB_CMP_NA) {
    fputs(L(ab_cmp_verdict_name(cell->verdict)), out);
    return;
  }
  bool self_ok = cell->row && cell->row->c->status == AB_CASE_OK;
  const ab_cmp_cell *why = self_ok ? base : cell;
  if (self_ok)
    fprintf(out, DASH " (%s %s)", L("baseline"), cell_status(lang, why));
  else
    fprintf(out, DASH " (%s)", cell_status(lang, why));
}

static void md_subject_row(const ab_comparison *cmp, size_t s, FILE *out) {
  const ab_report_subject *sub = &cmp->rep->subjects[s];
  const ab_report_input *in = &cmp->rep->inputs[sub->input];
  fprintf(out, "| %zu | ", s + 1);
  ab_write_md_cell(out, sub->label);
  if (s == cmp->baseline)
    fprintf(out, " **(%s)**", ab_tr_label(cmp->rep->lang, "baseline"));
  fputs(" | ", out);
  ab_write_md_cell(out, ab_cmp_base_name(in->path));
  fputs(" | ", out);
  ab_write_md_cell(out, sub->host);
  fputs(" | ", out);
  ab_write_md_cell(out, in->run.harness_version);
  fputs(" | ", out);
  ab_write_md_cell(out, in->run.suite_name);
  if (ab_report_trust_checked(cmp->rep)) {
    char text[320];
    ab_report_trust_text(cmp->rep->lang, &in->trust, text, sizeof text);
    fputs(" | ", out);
    ab_write_md_cell(out, text);
  }
  fputs(" |\n", out);
}

static void md_subjects(const ab_comparison *cmp, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  bool trust = ab_report_trust_checked(cmp->rep);
  fprintf(out, "## %s\n\n| # | %s | %s | %s | accelbench | %s |", L("Subjects"), L("subject"),
          L("run file"), L("host"), L("suite"));
  if (trust)
    fprintf(out, " %s |", L("bundle (accelbench verify)"));
  fprintf(out, "\n| --- | --- | --- | --- | --- | --- |%s\n", trust ? " --- |" : "");
  for (size_t s = 0; s < cmp->rep->n_subjects; s++)
    md_subject_row(cmp, s, out);
  fputc('\n', out);
}

static void md_notes(const ab_comparison *cmp, FILE *out) {
  if (!cmp->n_notes)
    return;
  fprintf(out, "## %s\n\n", ab_tr(cmp->rep->lang, AB_M_WARNINGS));
  for (size_t i = 0; i < cmp->n_notes; i++) {
    fprintf(out, "- **%s:** ", ab_tr_label(cmp->rep->lang, "Warning"));
    ab_write_md_cell(out, cmp->notes_text[i]);
    fputc('\n', out);
  }
  fputc('\n', out);
}

static void md_geomean_intro(const ab_comparison *cmp, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  char text[1024];
  if (!cmp->n_all_ok) {
    fprintf(out, "%s\n\n", ab_tr(lang, AB_M_CMP_NO_HEADLINE));
    return;
  }
  ab_trf(text, sizeof text, lang, AB_M_CMP_HEADLINE, cmp->n_all_ok);
  fputs(text, out);
  for (size_t i = 0, n = 0; i < cmp->n_kernels; i++)
    if (cmp->kernels[i].all_ok) {
      fputs(n++ ? ", " : "", out);
      ab_write_md_cell(out, cmp->kernels[i].key);
    }
  fputs(ab_tr(lang, AB_M_CMP_HEADLINE_END), out);
  fputs("\n\n", out);
}

static void md_geomean(const ab_comparison *cmp, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  char head[256];
  fprintf(out, "## %s\n\n", ab_tr(lang, AB_M_CMP_RANKING));
  md_geomean_intro(cmp, out);
  fprintf(out, "%s\n\n", ab_tr(lang, AB_M_CMP_OWN_KEYS_NOTE));
  ab_trf(head, sizeof head, lang, AB_M_CMP_GEOMEAN_HEAD, cmp->n_all_ok);
  fprintf(out, "| %s | %s | %s | %s |\n| --- | --- | --- | --- |\n", L("subject"), head,
          L("own-keys geometric mean"), L("own keys"));
  for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
    char a[32], b[32];
    fputs("| ", out);
    ab_write_md_cell(out, cmp->rep->subjects[s].label);
    fprintf(out, " | %s | %s | %zu |\n", ab_cmp_fmt_ratio(cmp->geomean[s], a, sizeof a),
            ab_cmp_fmt_ratio(cmp->own_geomean[s], b, sizeof b), cmp->own_geomean_n[s]);
  }
  fputc('\n', out);
}

static void md_power_cells(FILE *out, ab_lang lang, const ab_cmp_cell *cell) {
  cell_power p = power_of(cell);
  char a[32], b[32];
  if (isnan(p.per_w)) {
    fputs(" " DASH " | " DASH " | " DASH " |", out);
    return;
  }
  fprintf(out, " %s %s | %s %s | ", fmt(p.per_w, a, sizeof a), p.per_w_unit,
          fmt(p.per_op, b, sizeof b), p.per_op_unit);
  ab_write_md_cell(out, ab_scope_label(lang, p.scope));
  fputs(" |", out);
}

static void md_kernel_row(const ab_comparison *cmp, const ab_cmp_kernel *k, size_t s, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  const ab_cmp_cell *cell = &k->cells[s];
  char a[32], b[32];
  fputs("| ", out);
  ab_write_md_cell(out, cmp->rep->subjects[s].label);
  fprintf(out, " | %s | %s | ", cell_status(lang, cell), fmt(cell->rate, a, sizeof a));
  md_interval(out, lang, cell->rate, cell->lo, cell->hi, false);
  fprintf(out, " | %s | ", ab_cmp_fmt_ratio(cell->ratio.value, b, sizeof b));
  md_interval(out, lang, cell->ratio.value, cell->ratio.lo, cell->ratio.hi, true);
  fputs(" | ", out);
  md_verdict(out, cmp, k, s);
  fputs(" |", out);
  md_power_cells(out, lang, cell);
  fputc('\n', out);
}

static void md_kernel(const ab_comparison *cmp, const ab_cmp_kernel *k, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  static const char *const cols[] = {"subject",   "status",       "",        "95% CI",
                                     "ratio",     "ratio 95% CI", "verdict", "perf/W",
                                     "energy/op", "power scope"};
  fputs("### ", out);
  ab_write_md_cell(out, k->key);
  fputs("\n\n|", out);
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
    fprintf(out, " %s |", cols[i][0] ? L(cols[i]) : k->unit ? k->unit : L("rate"));
  fputs("\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n", out);
  for (size_t s = 0; s < cmp->rep->n_subjects; s++)
    md_kernel_row(cmp, k, s, out);
  fputc('\n', out);
}

static void md_coverage_head(const ab_comparison *cmp, FILE *out) {
  fprintf(out, "## %s\n\n", ab_tr(cmp->rep->lang, AB_M_CMP_COVERAGE));
  ab_write_md_cell(out, ab_tr(cmp->rep->lang, AB_M_CMP_COVERAGE_INTRO));
  fprintf(out, "\n\n| %s |", ab_tr(cmp->rep->lang, AB_M_COL_KERNEL_KEY));
  for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
    fputc(' ', out);
    ab_write_md_cell(out, cmp->rep->subjects[s].label);
    fputs(" |", out);
  }
  fputs("\n| --- |", out);
  for (size_t s = 0; s < cmp->rep->n_subjects; s++)
    fputs(" --- |", out);
  fputc('\n', out);
}

static void md_coverage(const ab_comparison *cmp, FILE *out) {
  md_coverage_head(cmp, out);
  for (size_t i = 0; i < cmp->n_kernels; i++) {
    fputs("| ", out);
    ab_write_md_cell(out, cmp->kernels[i].key);
    fputs(" |", out);
    for (size_t s = 0; s < cmp->rep->n_subjects; s++)
      fprintf(out, " %s |", cell_status(cmp->rep->lang, &cmp->kernels[i].cells[s]));
    fputc('\n', out);
  }
  fputc('\n', out);
}

static void md_left_out(const ab_comparison *cmp, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  if (cmp->n_common == cmp->n_kernels)
    return;
  fprintf(out, "## %s\n\n%s\n\n| %s | %s |\n| --- | --- |\n", L("Left out"),
          L("Kernel keys that some run files do not have: not compared."), L("kernel key"),
          L("missing from"));
  for (size_t i = 0; i < cmp->n_kernels; i++) {
    const ab_cmp_kernel *k = &cmp->kernels[i];
    if (k->common)
      continue;
    fputs("| ", out);
    ab_write_md_cell(out, k->key);
    fputs(" | ", out);
    for (size_t in = 0, n = 0; in < cmp->rep->n_inputs; in++)
      if (!k->in_input[in]) {
        fputs(n++ ? ", " : "", out);
        ab_write_md_cell(out, ab_cmp_base_name(cmp->rep->inputs[in].path));
      }
    fputs(" |\n", out);
  }
  fputc('\n', out);
}

ab_status ab_compare_write_md(const ab_comparison *cmp, FILE *out) {
  ab_lang lang = cmp->rep->lang;
  char text[1024];
  fprintf(out, "# %s\n\n", ab_tr(lang, AB_M_CMP_TITLE));
  ab_tender_write_md(cmp->rep, out);
  fprintf(out, "%s: **", L("Baseline"));
  ab_write_md_cell(out, cmp->rep->subjects[cmp->baseline].label);
  ab_trf(text, sizeof text, lang, AB_M_CMP_MD_INTRO, AB_MIN_CI_SAMPLES);
  fprintf(out, "**%s\n\n", text);
  md_subjects(cmp, out);
  md_notes(cmp, out);
  md_geomean(cmp, out);
  ab_trf(text, sizeof text, lang, AB_M_CMP_N_COMMON, cmp->n_common);
  fprintf(out, "## %s\n\n%s\n\n", ab_tr(lang, AB_M_CMP_KERNELS), text);
  for (size_t i = 0; i < cmp->n_kernels; i++)
    if (cmp->kernels[i].common)
      md_kernel(cmp, &cmp->kernels[i], out);
  md_coverage(cmp, out);
  md_left_out(cmp, out);
  return ab_cmp_finish(out);
}

/* ---------------------------------------------------------------------------------------
 * CSV: one row per kernel key and subject
 * ------------------------------------------------------------------------------------- */

static void csv_num(FILE *out, double v) {
  if (isfinite(v))
    fprintf(out, ",%.17g", v);
  else
    fputc(',', out);
}

static void csv_str(FILE *out, const char *s) {
  fputc(',', out);
  ab_write_csv_field(out, s);
}

static void csv_yes(FILE *out, bool yes) {
  fputs(yes ? ",yes" : ",no", out);
}

static void csv_power(FILE *out, const ab_cmp_cell *cell) {
  cell_power p = power_of(cell);
  csv_num(out, p.per_w);
  csv_str(out, p.per_w_unit);
  csv_num(out, p.per_op);
  csv_str(out, p.per_op_unit);
  csv_str(out, p.scope);
}

static void csv_row(const ab_comparison *cmp, const ab_cmp_kernel *k, size_t s, FILE *out) {
  const ab_report_subject *sub = &cmp->rep->subjects[s];
  const ab_cmp_cell *cell = &k->cells[s];
  ab_write_csv_field(out, k->key);
  csv_yes(out, k->common);
  csv_str(out, sub->label);
  csv_yes(out, s == cmp->baseline);
  csv_str(out, ab_cmp_base_name(cmp->rep->inputs[sub->input].path));
  csv_str(out, ab_cmp_cell_status(cell));
  csv_str(out, cell->row ? cell->row->c->reason : "");
  csv_str(out, k->unit ? k->unit : "");
  csv_num(out, cell->rate);
  csv_num(out, cell->lo);
  csv_num(out, cell->hi);
  csv_num(out, cell->ratio.value);
  csv_num(out, cell->ratio.lo);
  csv_num(out, cell->ratio.hi);
  csv_str(out, cell->verdict == AB_CMP_NA ? "" : ab_cmp_verdict_name(cell->verdict));
  csv_power(out, cell);
  csv_yes(out, k->all_ok);
  fputs("\r\n", out);
}

ab_status ab_compare_write_compliance_csv(const ab_comparison *cmp, FILE *out) {
  return ab_report_write_compliance_csv(cmp->rep, out);
}

ab_status ab_compare_write_csv(const ab_comparison *cmp, FILE *out) {
  fputs("kernel_key,common,subject,baseline,run_file,status,reason,unit,rate,rate_ci95_lo,"
        "rate_ci95_hi,ratio,ratio_ci95_lo,ratio_ci95_hi,verdict,perf_per_w,perf_per_w_unit,"
        "energy_per_op,energy_per_op_unit,power_scope,in_geomean\r\n",
        out);
  for (size_t i = 0; i < cmp->n_kernels; i++)
    for (size_t s = 0; s < cmp->rep->n_subjects; s++)
      csv_row(cmp, &cmp->kernels[i], s, out);
  return ab_cmp_finish(out);
}

/* ---------------------------------------------------------------------------------------
 * JSON. Every value is checked: a value that cannot be made (out of memory) fails the whole
 * document, which is then not written at all; a shorter document would shift indices such
 * as "baseline". Strings go through jstr, so text that is not UTF-8 (a path from the
 * command line) becomes U+FFFD instead of a value jansson refuses.
 * ------------------------------------------------------------------------------------- */

#define AB_COMPARE_JSON_VERSION 2

static json_t *jstr(const char *s) {
  return ab_report_json_text(s);
}

static json_t *jstr_or_null(const char *s) {
  return s ? jstr(s) : json_null();
}

static json_t *jnum(double v) {
  return isfinite(v) ? json_real(v) : json_null();
}

static void put(json_t *o, const char *key, json_t *v, bool *ok) {
  if (json_object_set_new(o, key, v) != 0) /* frees v when it cannot be added */
    *ok = false;
}

static void push(json_t *a, json_t *v, bool *ok) {
  if (json_array_append_new(a, v) != 0)
    *ok = false;
}

/* o when everything went into it, else NULL (o freed). */
static json_t *done(json_t *o, bool ok) {
  if (ok && o)
    return o;
  json_decref(o);
  return NULL;
}

static json_t *json_subject(const ab_comparison *cmp, size_t s) {
  const ab_report_subject *sub = &cmp->rep->subjects[s];
  const ab_report_input *in = &cmp->rep->inputs[sub->input];
  json_t *o = json_object();
  bool ok = true;
  put(o, "label", jstr(sub->label), &ok);
  put(o, "run_file", jstr(in->path), &ok);
  put(o, "backend", jstr(sub->backend), &ok);
  put(o, "device_index", json_integer(sub->device_index), &ok);
  put(o, "device_uid", jstr(sub->device_uid), &ok);
  put(o, "device_name", jstr(sub->device_name), &ok);
  put(o, "provider", jstr(sub->provider), &ok);
  put(o, "host", jstr(sub->host), &ok);
  put(o, "harness_version", jstr(in->run.harness_version), &ok);
  if (in->trust.state != AB_TRUST_NOT_CHECKED) {
    char text[320];
    ab_trust_text(&in->trust, text, sizeof text);
    put(o, "bundle", jstr(text), &ok);
  }
  put(o, "baseline", json_boolean(s == cmp->baseline), &ok);
  put(o, "geomean_ratio", jnum(cmp->geomean[s]), &ok);
  put(o, "own_geomean_ratio", jnum(cmp->own_geomean[s]), &ok);
  put(o, "own_geomean_keys", json_integer((json_int_t)cmp->own_geomean_n[s]), &ok);
  return done(o, ok);
}

static json_t *json_power(const ab_cmp_cell *cell) {
  cell_power p = power_of(cell);
  if (isnan(p.per_w))
    return json_null();
  json_t *o = json_object();
  bool ok = true;
  put(o, "perf_per_w", jnum(p.per_w), &ok);
  put(o, "perf_per_w_unit", jstr(p.per_w_unit), &ok);
  put(o, "energy_per_op", jnum(p.per_op), &ok);
  put(o, "energy_per_op_unit", jstr(p.per_op_unit), &ok);
  put(o, "scope", jstr(p.scope), &ok);
  return done(o, ok);
}

static json_t *json_cell(const ab_cmp_cell *cell) {
  const ab_case_result *c = cell->row ? cell->row->c : NULL;
  json_t *o = json_object();
  bool ok = true;
  put(o, "status", jstr(ab_cmp_cell_status(cell)), &ok);
  put(o, "reason", jstr_or_null(c ? c->reason : NULL), &ok);
  put(o, "case_id", jstr_or_null(c ? c->case_id : NULL), &ok);
  put(o, "rate", jnum(cell->rate), &ok);
  put(o, "rate_ci95_lo", jnum(cell->lo), &ok);
  put(o, "rate_ci95_hi", jnum(cell->hi), &ok);
  put(o, "ratio", jnum(cell->ratio.value), &ok);
  put(o, "ratio_ci95_lo", jnum(cell->ratio.lo), &ok);
  put(o, "ratio_ci95_hi", jnum(cell->ratio.hi), &ok);
  put(o, "verdict",
      jstr_or_null(cell->verdict == AB_CMP_NA ? NULL : ab_cmp_verdict_name(cell->verdict)), &ok);
  put(o, "power", json_power(cell), &ok);
  return done(o, ok);
}

static json_t *json_missing_from(const ab_comparison *cmp, const ab_cmp_kernel *k) {
  json_t *a = json_array();
  bool ok = true;
  for (size_t in = 0; in < cmp->rep->n_inputs; in++)
    if (!k->in_input[in])
      push(a, jstr(cmp->rep->inputs[in].path), &ok);
  return done(a, ok);
}

static json_t *json_kernel(const ab_comparison *cmp, const ab_cmp_kernel *k) {
  json_t *o = json_object(), *cells = json_array();
  bool ok = true;
  for (size_t s = 0; s < cmp->rep->n_subjects; s++)
    push(cells, json_cell(&k->cells[s]), &ok);
  put(o, "key", jstr(k->key), &ok);
  put(o, "unit", jstr_or_null(k->unit), &ok);
  put(o, "common", json_boolean(k->common), &ok);
  put(o, "in_geomean", json_boolean(k->all_ok), &ok);
  put(o, "missing_from", json_missing_from(cmp, k), &ok);
  put(o, "cells", done(cells, ok), &ok);
  return done(o, ok);
}

static json_t *json_list(const ab_comparison *cmp, json_t *(*item)(const ab_comparison *, size_t),
                         size_t n) {
  json_t *a = json_array();
  bool ok = true;
  for (size_t i = 0; i < n; i++)
    push(a, item(cmp, i), &ok);
  return done(a, ok);
}

static json_t *item_subject(const ab_comparison *cmp, size_t i) {
  return json_subject(cmp, i);
}

static json_t *item_kernel(const ab_comparison *cmp, size_t i) {
  return json_kernel(cmp, &cmp->kernels[i]);
}

static json_t *item_note(const ab_comparison *cmp, size_t i) {
  return jstr(cmp->notes[i]);
}

static json_t *json_geomean_keys(const ab_comparison *cmp) {
  json_t *a = json_array();
  bool ok = true;
  for (size_t i = 0; i < cmp->n_kernels; i++)
    if (cmp->kernels[i].all_ok)
      push(a, jstr(cmp->kernels[i].key), &ok);
  return done(a, ok);
}

static json_t *json_doc(const ab_comparison *cmp) {
  json_t *o = json_object();
  bool ok = true;
  put(o, "schema", json_string("accelbench-compare"), &ok);
  put(o, "schema_version", json_integer(AB_COMPARE_JSON_VERSION), &ok);
  put(o, "baseline", json_integer((json_int_t)cmp->baseline), &ok);
  put(o, "runs_differ", json_boolean(cmp->runs_differ), &ok);
  put(o, "warnings", json_list(cmp, item_note, cmp->n_notes), &ok);
  put(o, "geomean_keys", json_geomean_keys(cmp), &ok);
  put(o, "subjects", json_list(cmp, item_subject, cmp->rep->n_subjects), &ok);
  put(o, "kernels", json_list(cmp, item_kernel, cmp->n_kernels), &ok);
  put(o, "tender_compliance", ab_tender_json(cmp->rep), &ok);
  return done(o, ok);
}

ab_status ab_compare_write_json(const ab_comparison *cmp, FILE *out) {
  json_t *doc = json_doc(cmp);
  /* Dump to memory first: a document that cannot be finished is not begun. */
  char *text =
      doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) : NULL;
  json_decref(doc);
  if (!text)
    return AB_E_NOMEM;
  fputs(text, out);
  fputc('\n', out);
  free(text);
  return ab_cmp_finish(out);
}
