/* accelbench — the Markdown report (report.md): the committee summary, best GEMM per dtype,
 * cost of ownership, then every case per device. Rendered from the report model only;
 * every string from a run file is escaped (escape.h). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "model/kernel.h"
#include "model/kind.h"
#include "model/names.h"
#include "render_summary.h"
#include "render_tender.h"
#include "report.h"

/* A label given by its English text, in the report's language (needs `lang` in scope). */
#define L(en)  ab_tr_label(lang, en)
#define NUM(v) ab_report_fmt((v), (char[32]){0}, 32)
#define PCT(v) ab_report_fmt_pct((v), (char[32]){0}, 32)

static void cell(FILE *out, const char *s) {
  fputs(" ", out);
  ab_write_md_cell(out, s && s[0] ? s : "\xe2\x80\x94");
  fputs(" |", out);
}

static void header(FILE *out, ab_lang lang, const char *const *cols, size_t n) {
  fputs("|", out);
  for (size_t i = 0; i < n; i++)
    fprintf(out, " %s |", ab_tr_label(lang, cols[i]));
  fputs("\n|", out);
  for (size_t i = 0; i < n; i++)
    fputs(" --- |", out);
  fputs("\n", out);
}

#define HEADER(out, lang, ...)                                                                     \
  do {                                                                                             \
    static const char *const cols_[] = {__VA_ARGS__};                                              \
    header((out), (lang), cols_, sizeof cols_ / sizeof cols_[0]);                                  \
  } while (0)

static void write_inputs(const ab_report *rep, FILE *out) {
  ab_lang lang = rep->lang;
  bool trust = ab_report_trust_checked(rep);
  fprintf(out, "## %s\n\n", ab_tr(rep->lang, AB_M_H_RUN_FILES));
  if (trust)
    HEADER(out, rep->lang, "#", "file", "host", "started (UTC)", "accelbench", "suite", "complete",
           "cases", "bundle (accelbench verify)");
  else
    HEADER(out, rep->lang, "#", "file", "host", "started (UTC)", "accelbench", "suite", "complete",
           "cases");
  for (size_t i = 0; i < rep->n_inputs; i++) {
    const ab_report_input *in = &rep->inputs[i];
    char host[128] = "";
    const char *h = json_string_value(json_object_get(in->run.system, "hostname"));
    snprintf(host, sizeof host, "%s", h ? h : "");
    fprintf(out, "| %zu |", i + 1);
    cell(out, in->path);
    cell(out, host);
    cell(out, in->run.started_utc);
    cell(out, in->run.harness_version);
    cell(out, in->run.suite_name);
    cell(out, in->run.complete ? L("yes") : L("NO (cut short)"));
    fprintf(out, " %zu |", in->run.n_cases);
    if (trust) {
      char text[320];
      ab_report_trust_text(lang, &in->trust, text, sizeof text);
      cell(out, text);
    }
    fputs("\n", out);
  }
  fputs("\n", out);
}

/* Provenance: which module file, exactly, produced each run's results. */
static void write_modules(const ab_report *rep, FILE *out) {
  ab_lang lang = rep->lang;
  fprintf(out, "## %s\n\n", ab_tr(rep->lang, AB_M_H_BACKENDS));
  HEADER(out, rep->lang, "run", "backend", "enabled", "ABI", "module", "size (bytes)", "SHA-256");
  for (size_t i = 0; i < rep->n_inputs; i++) {
    const ab_run *run = &rep->inputs[i].run;
    for (size_t b = 0; b < run->n_backends; b++) {
      const ab_backend_record *be = &run->backends[b];
      char abi[32] = "", size[32] = "";
      if (be->abi_major || be->abi_minor)
        snprintf(abi, sizeof abi, "%u.%u", be->abi_major, be->abi_minor);
      if (be->module_sha256[0])
        snprintf(size, sizeof size, "%llu", (unsigned long long)be->module_size);
      fprintf(out, "| %zu |", i + 1);
      cell(out, be->name);
      cell(out, be->enabled ? L("yes") : L("no"));
      cell(out, abi);
      cell(out, be->module_path);
      cell(out, size);
      cell(out, be->module_sha256);
      fputs("\n", out);
    }
  }
  fputs("\n", out);
}

static void write_warnings(const ab_report *rep, FILE *out) {
  if (!rep->n_warnings)
    return;
  fprintf(out, "## %s\n\n", ab_tr(rep->lang, AB_M_WARNINGS));
  for (size_t i = 0; i < rep->n_warnings; i++) {
    fputs("- ", out);
    ab_write_md_cell(out, rep->warnings_text[i]);
    fputs("\n", out);
  }
  fputs("\n", out);
}

static void status_counts(const ab_report_subject *s, FILE *out) {
  fprintf(out, " %zu / %zu / %zu / %zu / %zu / %zu |", s->n_status[AB_CASE_OK],
          s->n_status[AB_CASE_UNSUPPORTED], s->n_status[AB_CASE_FAILED],
          s->n_status[AB_CASE_WRONG_RESULT], s->n_status[AB_CASE_CRASHED],
          s->n_status[AB_CASE_TIMEOUT]);
}

static void write_devices(const ab_report *rep, FILE *out) {
  ab_lang lang = rep->lang;
  fprintf(out, "## %s\n\n", ab_tr(rep->lang, AB_M_H_DEVICES));
  HEADER(out, rep->lang, "device", "catalogue entry", "vendor", "country",
         "procurement list (declared)", "TDP, spec-sheet (W)", "idle (W)",
         "ok / unsupported / failed / wrong / crashed / timeout");
  for (size_t i = 0; i < rep->n_subjects; i++) {
    const ab_report_subject *s = &rep->subjects[i];
    const ab_catalog_entry *e = s->catalog;
    fputs("|", out);
    cell(out, s->label);
    cell(out, e ? e->id : L("none"));
    cell(out, e ? e->vendor : (s->device ? s->device->info.vendor : ""));
    cell(out, e ? e->country : "");
    cell(out, e ? e->procurement_list : "");
    cell(out, NUM(e ? e->tdp_w : NAN));
    fprintf(out, " %s", NUM(s->idle_w));
    if (isfinite(s->idle_w)) {
      fputc(' ', out);
      ab_write_md_cell(out, ab_scope_label(lang, s->idle_ref.scope));
    }
    fputs(" |", out);
    status_counts(s, out);
    fputs("\n", out);
  }
  fputs("\n", out);
}

/* Perf/W and energy per operation in the unit of the kernel's work: FLOP, integer op, or
 * byte for bandwidth kernels (ab_report_work_unit). */
static void power_cells(const ab_report_row *r, ab_lang lang, FILE *out) {
  const ab_report_power *p = &r->power;
  if (!p->measured) {
    fprintf(out, " %s | \xe2\x80\x94 | \xe2\x80\x94 | \xe2\x80\x94 | \xe2\x80\x94 |",
            L("not measured"));
    return;
  }
  const char *op = ab_report_work_unit(r->c);
  bool bytes = strcmp(op, "B") == 0;
  fprintf(out, " %s |", NUM(p->avg_w));
  cell(out, ab_scope_label(lang, p->ref.scope));
  fprintf(out, " %s G%s/s/W |", NUM(bytes ? p->gbytes_per_s_per_w : p->gflops_per_w), op);
  if (!bytes && p->net_cell[0]) /* net power was noise: the words, never a number */
    cell(out, p->net_cell);
  else
    fprintf(out, " %s |", NUM(bytes ? NAN : p->net_gflops_per_w));
  fprintf(out, " %s pJ/%s", NUM(bytes ? p->pj_per_byte : p->pj_per_flop), op);
  if (isfinite(p->j_per_token)) /* a model step: what a token costs is the figure to quote */
    fprintf(out, "; %s J/token", NUM(p->j_per_token));
  if (isfinite(p->j_per_token) && isfinite(p->net_j_per_token))
    fprintf(out, " (%s %s)", L("net"), NUM(p->net_j_per_token));
  fputs(" |", out);
}

/* The rate with its unit (GOP/s for integer kinds), and its interval as a second cell. */
static void rate_cells(const ab_report_row *r, FILE *out, bool interval) {
  double m, lo, hi;
  const char *unit = ab_report_rate(r, &m, &lo, &hi);
  fprintf(out, " %s %s |", NUM(m), unit);
  if (interval)
    fprintf(out, " %s \xe2\x80\x93 %s |", NUM(lo), NUM(hi));
}

static void write_best(const ab_report *rep, FILE *out) {
  fprintf(out, "## %s\n\n", ab_tr(rep->lang, AB_M_H_BEST_GEMM));
  fprintf(out, "%s\n\n", ab_tr(rep->lang, AB_M_BEST_GEMM_INTRO));
  HEADER(out, rep->lang, "device", "dtype", "shape", "rate", "95% CI", "vs spec peak",
         "vs measured peak", "avg W", "scope", "perf per W", "net of idle", "energy per op");
  for (size_t i = 0; i < rep->n_subjects; i++) {
    const ab_report_subject *s = &rep->subjects[i];
    for (int t = 1; t < AB_DTYPE_COUNT; t++) {
      if (s->best_gemm[t] == SIZE_MAX)
        continue;
      const ab_report_row *r = &rep->rows[s->best_gemm[t]];
      char shape[160];
      ab_kernel_shape_str(&r->c->desc, shape, sizeof shape);
      fputs("|", out);
      cell(out, s->label);
      cell(out, ab_dtype_name((ab_dtype)t));
      cell(out, shape);
      rate_cells(r, out, true);
      fprintf(out, " %s | %s |", PCT(r->eff_spec), PCT(r->eff_measured));
      power_cells(r, rep->lang, out);
      fputs("\n", out);
    }
  }
  fputs("\n", out);
}

static void case_row(const ab_report_row *r, ab_lang rep_lang, FILE *out) {
  char key[256];
  ab_report_kernel_key(r->c, key, sizeof key);
  fputs("|", out);
  cell(out, key);
  cell(out, ab_case_status_label(rep_lang, r->c->status));
  if (r->c->status == AB_CASE_OK)
    rate_cells(r, out, true);
  else
    fputs(" \xe2\x80\x94 | \xe2\x80\x94 |", out);
  fprintf(out, " %s / %s / %s |", NUM(r->t_p5 * 1e6), NUM(r->t_median * 1e6), NUM(r->t_p95 * 1e6));
  fprintf(out, " %s |", PCT(r->eff_spec));
  const ab_kind_def *def = ab_kind_def_of(r->c->desc.kind);
  if (def && def->bound == AB_BOUND_MEMORY && isfinite(r->eff_measured)) {
    char bw[96]; /* a memory-bound kind against the device's measured bandwidth */
    snprintf(bw, sizeof bw, ab_tr(rep_lang, AB_M_OF_MEASURED_BW), PCT(r->eff_measured));
    cell(out, bw);
  } else {
    fprintf(out, " %s |", PCT(r->eff_measured));
  }
  power_cells(r, rep_lang, out);
  cell(out, r->c->status == AB_CASE_OK ? r->c->implementation : r->c->reason);
  fputs("\n", out);
}

static void write_cases(const ab_report *rep, FILE *out) {
  fprintf(out, "## %s\n\n", ab_tr(rep->lang, AB_M_H_RESULTS_BY_DEVICE));
  for (size_t i = 0; i < rep->n_subjects; i++) {
    fputs("### ", out);
    ab_write_md_cell(out, rep->subjects[i].label);
    fputs("\n\n", out);
    HEADER(out, rep->lang, "kernel", "status", "rate", "95% CI", "time p5 / median / p95 (us)",
           "vs spec peak", "vs measured peak", "avg W", "scope", "perf per W", "net of idle",
           "energy per op", "implementation or reason");
    for (size_t k = 0; k < rep->n_rows; k++)
      if (rep->rows[k].subject == i)
        case_row(&rep->rows[k], rep->lang, out);
    fputs("\n", out);
  }
}

ab_status ab_report_write_md(const ab_report *rep, FILE *out) {
  fprintf(out, "# %s\n\n%s\n\n", ab_tr(rep->lang, AB_M_REPORT_TITLE),
          ab_tr(rep->lang, AB_M_MD_INTRO));
  ab_tender_write_md(rep, out);
  ab_conclusion_write_md(rep, out);
  write_inputs(rep, out);
  write_warnings(rep, out);
  write_devices(rep, out);
  write_best(rep, out);
  ab_cost_write_md(rep, out);
  ab_providers_write_md(rep, out);
  write_cases(rep, out);
  write_modules(rep, out);
  return ferror(out) ? AB_E_IO : AB_OK;
}
