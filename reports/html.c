/* accelbench — the HTML report: one self-contained HTML5 file for a procurement committee
 * (docs/reports.md). Inline CSS and inline SVG only: no script, font, image or stylesheet
 * is fetched (labs are offline, and the Content-Security-Policy below turns any accidental
 * fetch into a console error that tests/html catches). Every figure comes from the report
 * model (report.h); a figure that is missing is shown as "—" or "not measured" with why,
 * never as a zero. Every string from a run file goes through the markup escaper. The output
 * depends on the run files only (no clock), so it can be compared byte for byte. */
#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "html_priv.h"
#include "model/kernel.h"
#include "model/kind.h"
#include "model/names.h"
#include "render_summary.h"
#include "render_tender.h"
#include "svg.h"

/* Power timelines drawn per subject: enough to see a run's shape (ramp-up, throttling)
 * without a huge file; the rest are counted and left to the JSON report. */
#define TIMELINES_PER_SUBJECT 6
#define KEY_LEN               256
#define DASH                  "\xe2\x80\x94"     /* em dash: a missing figure */
#define ENDASH                "\xe2\x80\x93"     /* en dash: a range */
#define DEG_PER_RAD           57.295779513082323 /* M_PI is not in strict C11 */

static const char CSS[] =
    "body{font:14px/1.45 system-ui,'DejaVu Sans','Noto Sans','Noto Sans CJK SC','Source Han Sans "
    "SC',"
    "'WenQuanYi Micro Hei','Microsoft YaHei','PingFang SC',Arial,sans-serif;color:#111;"
    "background:#fff;margin:16px auto;max-width:1360px;padding:0 8px}\n"
    "h1{font-size:24px;margin:0 0 4px}h3{font-size:16px;margin:20px 0 6px}\n"
    "h2{font-size:19px;border-bottom:2px solid #333;margin:32px 0 8px;padding-bottom:2px}\n"
    "table{border-collapse:collapse;margin:6px 0 14px;font-size:13px}\n"
    "th,td{border:1px solid #aaa;padding:3px 6px;text-align:left;vertical-align:top}\n"
    "th{background:#e8e8e8}thead{display:table-header-group}tr{break-inside:avoid}\n"
    "td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
    "td.key{min-width:17em}td.na,.na{color:#555}.small{font-size:12px;color:#333}\n"
    ".mono{font-family:monospace}.nowrap{white-space:nowrap}.bad{color:#a00;font-weight:bold}\n"
    ".warn{border:3px solid #a00;background:#fff0f0;padding:6px 14px;margin:12px 0}\n"
    ".warn h2{border:0;margin:4px 0;color:#a00}.ok-box{border:1px solid #080;padding:4px 12px}\n"
    /* status: colour for the screen, weight and style so that greyscale prints differ too */
    ".st-ok{background:#d7f0d7}.st-unsupported{background:#ececec;font-style:italic}\n"
    ".st-failed{background:#f6c9c9;font-weight:bold}.st-crashed{background:#e49a9a;"
    "font-weight:bold}\n"
    ".st-wrong_result{background:#f0c0e6;font-weight:bold;text-decoration:underline}\n"
    ".st-timeout{background:#fbdcae;font-weight:bold}.st-skipped{color:#555;font-style:italic}"
    ".st-none{color:#777}\n"
    "figure{margin:10px 0 18px;break-inside:avoid}figcaption{font-size:13px;max-width:1000px}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:6px 18px}.charts figure.rf{width:660px}"
    ".charts figure.tlf{width:440px}\n"
    "svg{display:block;max-width:100%;height:auto}svg text{font-size:12px;fill:#111}\n"
    "svg .tick{font-size:11px;fill:#333}svg .small{font-size:11px;fill:#444}\n"
    "svg .nm{font-style:italic;fill:#7a0000}svg .title{font-weight:bold}\n"
    ".axis{stroke:#222;stroke-width:1}.grid{stroke:#ddd;stroke-width:1}\n"
    ".bar{fill:#3465a4}.bar-net{fill:#9bb7dc}.tl{fill:none;stroke:#c4302b;stroke-width:1.5}\n"
    ".idle{stroke:#555;stroke-dasharray:5 4}.roof{fill:none;stroke-width:2}\n"
    ".bw{stroke:#222}.peak{stroke-dasharray:8 3}\n"
    ".dt-f64{stroke:#1f4e9c;fill:#1f4e9c}.dt-f32{stroke:#c4302b;fill:#c4302b}\n"
    ".dt-f16{stroke:#2e8b3a;fill:#2e8b3a}.dt-bf16{stroke:#7b3fa0;fill:#7b3fa0}\n"
    ".dt-int8{stroke:#d07a00;fill:#d07a00}.dt-int32{stroke:#6b4a2b;fill:#6b4a2b}\n"
    ".pt{fill-opacity:.75;stroke:#000;stroke-width:.6}\n"
    /* compliance verdicts: colour, and weight or style for greyscale */
    "td.met{background:#d7f0d7}td.notmet{background:#f6c9c9;font-weight:bold}\n"
    "td.nm{background:#fbeccb;font-style:italic}td.unsup{background:#ececec;font-style:italic}\n"
    ".why{font-size:11px;color:#333;font-weight:normal;font-style:normal}\n"
    "details{margin:6px 0}summary{cursor:pointer;font-weight:bold}\n"
    "table.kv{margin:2px 0}table.kv th{background:#f3f3f3;font-weight:normal;"
    "white-space:nowrap}\n"
    /* paper: black text, nothing cut in half, colours kept (status cells, bars) */
    "@page{size:A4 landscape;margin:10mm}\n"
    "@media print{body{margin:0;max-width:none;padding:0;color:#000;font-size:11px}\n"
    "table{font-size:10px}th,td{padding:1px 3px}.small{font-size:9px}\n"
    "h2,h3{break-after:avoid}figure,svg,.warn{break-inside:avoid}\n"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "td,th,.small,.na{color:#000}svg text,svg .tick,svg .small{fill:#000}\n"
    ".charts{display:block}a{color:#000;text-decoration:none}\n"
    /* collapsed sections print expanded, their summary as a heading */
    "details::details-content{content-visibility:visible;display:block}\n"
    "details>summary{list-style:none}details>summary::-webkit-details-marker{display:none}}\n"
    ".capex{font-style:italic}td.dev{font-weight:bold}\n"
    "table.conclusion td,table.tender-summary td,table.tender-matrix td{font-size:13px}\n";

/* Numbers for people through the report's one formatter, so HTML, Markdown and the
 * console show the same digits; false (and "—") when v is not a number. */
static bool fmt(double v, char *buf, size_t len) {
  ab_report_fmt(v, buf, len);
  return isfinite(v);
}

static void esc(FILE *out, const char *s) {
  ab_write_markup_escaped(out, s ? s : "");
}

/* A label given by its English text, in the report's language (needs `lang` in scope). */
#define L(en) ab_tr_label(lang, en)

/* A row of table headers, each a label in the report's language. */
static void th_row(FILE *out, ab_lang lang, const char *const *cols, size_t n) {
  for (size_t i = 0; i < n; i++) {
    fputs("<th>", out);
    esc(out, L(cols[i]));
    fputs("</th>", out);
  }
}

#define TH(out, lang, ...)                                                                         \
  do {                                                                                             \
    static const char *const cols_[] = {__VA_ARGS__};                                              \
    th_row((out), (lang), cols_, sizeof cols_ / sizeof cols_[0]);                                  \
  } while (0)

/* Copies at most `max` bytes of s, cut on a UTF-8 character boundary, with "…" when cut:
 * SVG text does not wrap, so long run-file strings would run over the bars. */
static void trunc_text(const char *s, size_t max, char *buf, size_t len) {
  size_t n = strlen(s);
  if (n <= max || max + 4 > len) {
    snprintf(buf, len, "%s", s);
    return;
  }
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
    max--;
  memcpy(buf, s, max);
  memcpy(buf + max, "\xe2\x80\xa6", 4);
}

static const char *device_type_name(ab_lang lang, const ab_report_subject *s) {
  if (!s->device)
    return L("unknown");
  return L(ab_device_type_name(s->device->info.type));
}

/* The status as a CSS class (st-ok...): never translated. */
static const char *status_name(ab_case_status s) {
  return ab_case_status_name(s);
}

/* A reason in the page text as well as on hover: a printed page has no tooltips. */
static void why_span(FILE *out, const char *why) {
  if (!why || !why[0])
    return;
  fputs("<span class=\"why\"> ", out);
  esc(out, why);
  fputs("</span>", out);
}

/* A number cell with 3 significant digits, or "—" with why as its hover text. */
static void td_num(FILE *out, double v, const char *why) {
  char b[48];
  if (fmt(v, b, sizeof b)) {
    fprintf(out, "<td class=\"num\">%s</td>", b);
    return;
  }
  fputs("<td class=\"na\" title=\"", out);
  esc(out, why);
  fputs("\">" DASH, out);
  why_span(out, why);
  fputs("</td>", out);
}

/* A fraction as a percentage cell. */
static void td_pct(FILE *out, double frac, const char *why) {
  char b[48];
  if (!isfinite(frac)) {
    td_num(out, NAN, why);
    return;
  }
  fprintf(out, "<td class=\"num\">%s</td>", ab_report_fmt_pct(frac, b, sizeof b));
}

/* A count from the device ABI, where 0 means "not reported", never zero. */
static void td_count(FILE *out, ab_lang lang, uint64_t v) {
  if (v) {
    fprintf(out, "<td class=\"num\">%" PRIu64 "</td>", v);
    return;
  }
  fputs("<td class=\"na\">", out);
  esc(out, L("not reported"));
  fputs("</td>", out);
}

static void td_text(FILE *out, const char *s) {
  fputs("<td>", out);
  if (s && *s)
    esc(out, s);
  else
    fputs("<span class=\"na\">" DASH "</span>", out);
  fputs("</td>", out);
}

static void row_key(const ab_report_row *r, char *buf) {
  ab_report_kernel_key(r->c, buf, KEY_LEN);
}

static bool row_ok(const ab_report_row *r) {
  return r->c->status == AB_CASE_OK;
}

/* "scope board, source nvml:gpu0, covers GPU board": the whole power reference. */
static void power_ref_text(ab_lang lang, const ab_power_ref *p, char *buf, size_t len) {
  if (p->covers[0])
    ab_trf(buf, len, lang, AB_M_POWER_REF_COVERS, ab_scope_label(lang, p->scope),
           p->source[0] ? p->source : L("unknown"), p->covers);
  else
    ab_trf(buf, len, lang, AB_M_POWER_REF, ab_scope_label(lang, p->scope),
           p->source[0] ? p->source : L("unknown"));
}

/* "node (file:meter)": scope first, as it decides what a figure may be compared with; what
 * the source covers under it (`covers`) or, in dense tables, on hover. */
static void td_power_ref(FILE *out, ab_lang lang, const ab_power_ref *p, bool covers) {
  char ref[512], cov[320];
  power_ref_text(lang, p, ref, sizeof ref);
  fputs("<td title=\"", out);
  esc(out, ref);
  fputs("\">", out);
  esc(out, ab_scope_label(lang, p->scope));
  fputs(" (", out);
  esc(out, p->source);
  fputs(")", out);
  if (covers && p->covers[0]) {
    ab_trf(cov, sizeof cov, lang, AB_M_POWER_COVERS, p->covers);
    fputs("<br><span class=\"small\">", out);
    esc(out, cov);
    fputs("</span>", out);
  }
  fputs("</td>", out);
}

/* The perf/W figures of an ok case with power: GFLOP/s per W for kernels that count FLOPs,
 * GB/s per W for bandwidth kernels (which have no net-of-idle figure). */
static bool row_perfw(const ab_report_row *r, double *gross, double *net) {
  if (!row_ok(r) || !r->power.measured)
    return false;
  if (r->c->flops > 0) {
    *gross = r->power.gflops_per_w;
    *net = r->power.net_gflops_per_w;
  } else {
    *gross = r->power.gbytes_per_s_per_w;
    *net = NAN;
  }
  return isfinite(*gross) && *gross > 0;
}

/* ---- head, warnings, run files ---------------------------------------------------- */

void ab_html_head(FILE *out, ab_lang lang, const char *title) {
  fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
          ab_lang_tag(lang));
  /* Nothing may be fetched: an accidental external reference becomes a console error. */
  fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">\n",
        out);
  fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
  esc(out, title);
  fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", CSS);
}

/* A section heading in the report's language; `id` (may be NULL) anchors the nav. */
static void heading(FILE *out, const ab_report *rep, const char *tag, const char *id, ab_msg msg) {
  fprintf(out, "<%s%s%s%s>", tag, id ? " id=\"" : "", id ? id : "", id ? "\"" : "");
  esc(out, ab_tr(rep->lang, msg));
  fprintf(out, "</%s>\n", tag);
}

static void write_head(FILE *out, const ab_report *rep) {
  char title[256];
  ab_trf(title, sizeof title, rep->lang, AB_M_HTML_TITLE, ab_tr(rep->lang, AB_M_REPORT_TITLE),
         rep->n_inputs);
  ab_html_head(out, rep->lang, title);
}

static void write_intro(FILE *out, const ab_report *rep) {
  fputs("<h1>", out);
  esc(out, ab_tr(rep->lang, AB_M_REPORT_TITLE));
  fputs("</h1>\n<p class=\"small\">", out);
  char intro[1024];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  snprintf(intro, sizeof intro, ab_tr(rep->lang, AB_M_HTML_INTRO), rep->n_inputs, rep->n_subjects,
           rep->n_rows);
#pragma GCC diagnostic pop
  esc(out, intro);
  fputs("</p>\n", out);
}

static void write_warnings(FILE *out, const ab_report *rep) {
  if (rep->n_warnings == 0) {
    fputs("<p class=\"ok-box\">", out);
    esc(out, ab_tr(rep->lang, AB_M_NO_WARNINGS));
    fputs("</p>\n", out);
    return;
  }
  fputs("<section class=\"warn\" id=\"warnings\">\n", out);
  heading(out, rep, "h2", NULL, AB_M_WARNINGS);
  fputs("<ul>\n", out);
  for (size_t i = 0; i < rep->n_warnings; i++) {
    fputs("<li>", out);
    esc(out, rep->warnings_text[i]);
    fputs("</li>\n", out);
  }
  fputs("</ul>\n</section>\n", out);
}

static const char *json_str(const json_t *obj, const char *key) {
  const char *s = json_string_value(json_object_get(obj, key));
  return s ? s : "";
}

/* The bundle's verification (docs/verify.md), as `accelbench verify` would say it. */
static void td_trust(FILE *out, ab_lang lang, const ab_trust *t) {
  char text[480];
  ab_report_trust_text(lang, t, text, sizeof text);
  fprintf(out, "<td class=\"%s\">", t->state == AB_TRUST_VERIFIED ? "mono" : "bad");
  esc(out, text);
  fputs("</td>", out);
}

static void write_runs(FILE *out, const ab_report *rep) {
  ab_lang lang = rep->lang;
  bool trust = ab_report_trust_checked(rep);
  heading(out, rep, "h3", "runs", AB_M_H_RUN_FILES);
  fputs("<table>\n<thead><tr>", out);
  TH(out, lang, "#", "run file", "host", "started (UTC)", "finished (UTC)", "harness", "suite",
     "cases", "complete");
  if (trust)
    TH(out, lang, "bundle (accelbench verify)");
  fputs("</tr></thead>\n<tbody>\n", out);
  for (size_t i = 0; i < rep->n_inputs; i++) {
    const ab_report_input *in = &rep->inputs[i];
    const ab_run *run = &in->run;
    fprintf(out, "<tr><td class=\"num\">%zu</td><td class=\"mono\">", i + 1);
    esc(out, in->path);
    fputs("</td>", out);
    td_text(out, json_str(run->system, "hostname"));
    td_text(out, run->started_utc);
    td_text(out, run->finished_utc[0] ? run->finished_utc : L("never finished"));
    fputs("<td>", out);
    esc(out, run->harness_version);
    if (run->git_commit[0]) {
      fputs(" <span class=\"small mono\">", out);
      esc(out, run->git_commit);
      fputs("</span>", out);
    }
    fputs("</td>", out);
    td_text(out, run->suite_name);
    fprintf(out, "<td class=\"num\">%zu</td>", run->n_cases);
    fputs(run->complete ? "<td>" : "<td class=\"bad\">", out);
    esc(out, run->complete ? L("yes") : L("no: cut short; its cases are not all there"));
    fputs("</td>", out);
    if (trust)
      td_trust(out, lang, &in->trust);
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table>\n", out);
}

/* ---- committee summary: subjects and their best GEMM --------------------------------- */

static void write_catalog_cells(FILE *out, ab_lang lang, const ab_report_subject *s) {
  const ab_catalog_entry *e = s->catalog;
  if (!e) {
    fputs("<td colspan=\"3\" class=\"na\">", out);
    esc(out, L("no catalogue entry"));
    fputs(": ", out);
    esc(out, s->catalog_why_text[0] ? s->catalog_why_text : L("no entry matched"));
    fputs("</td>", out);
    td_num(out, NAN, L("no catalogue entry"));
    return;
  }
  fputs("<td>", out);
  esc(out, e->vendor);
  fputs(" ", out);
  esc(out, e->model);
  fputs("<br><span class=\"small\">", out);
  esc(out, e->id);
  fputs("</span></td>", out);
  td_text(out, e->country);
  td_text(out, e->procurement_list);
  td_num(out, e->tdp_w, L("TDP not in the catalogue entry"));
}

/* Where each catalogue entry's spec-sheet figures came from, once per entry. */
static void write_catalog_sources(FILE *out, const ab_report *rep) {
  ab_lang lang = rep->lang;
  bool any = false;
  for (size_t s = 0; s < rep->n_subjects; s++) {
    const ab_catalog_entry *e = rep->subjects[s].catalog;
    bool seen = false;
    for (size_t t = 0; t < s && !seen; t++)
      seen = rep->subjects[t].catalog == e;
    if (!e || seen)
      continue;
    if (!any) {
      fputs("<p class=\"small\">", out);
      esc(out, L("Catalogue sources (spec-sheet figures):"));
    }
    fputs("<br>", out);
    any = true;
    fputs("<strong>", out);
    esc(out, e->id);
    fputs("</strong>: ", out);
    esc(out, e->sources[0] ? e->sources : L("none given"));
    if (e->notes[0]) {
      fputs(" (", out);
      esc(out, e->notes);
      fputs(")", out);
    }
  }
  if (any)
    fputs("</p>\n", out);
}

static void write_subject_row(FILE *out, const ab_report *rep, size_t s) {
  const ab_report_subject *sub = &rep->subjects[s];
  const size_t *counts = sub->n_status;
  fputs("<tr><td>", out);
  esc(out, sub->label);
  fprintf(out, "</td><td class=\"num\">%zu</td><td>", sub->input + 1);
  esc(out, device_type_name(rep->lang, sub));
  fputs("</td>", out);
  write_catalog_cells(out, rep->lang, sub);
  for (int st = 0; st < AB_CASE_STATUS_COUNT; st++) {
    const char *name = status_name((ab_case_status)st);
    if (counts[st])
      fprintf(out, "<td class=\"num st-%s\">%zu</td>", name, counts[st]);
    else
      fputs("<td class=\"num\">0</td>", out);
  }
  fputs("</tr>\n", out);
}

static void write_subjects(FILE *out, const ab_report *rep) {
  ab_lang lang = rep->lang;
  heading(out, rep, "h3", NULL, AB_M_H_DEVICES);
  fputs("<table>\n<thead><tr>", out);
  TH(out, lang, "subject (device, library)", "run", "type", "catalogue: vendor, model",
     "country of origin", "procurement list (as declared)", "TDP (W, spec-sheet)");
  for (int st = 0; st < AB_CASE_STATUS_COUNT; st++) {
    /* "wrong_<wbr>result": lets a narrow (printed) table break the longest header */
    const char *name = ab_case_status_text(lang, (ab_case_status)st), *u = strchr(name, '_');
    if (u)
      fprintf(out, "<th>%.*s<wbr>%s</th>", (int)(u - name + 1), name, u + 1);
    else
      fprintf(out, "<th>%s</th>", name);
  }
  fputs("</tr></thead>\n<tbody>\n", out);
  for (size_t s = 0; s < rep->n_subjects; s++)
    write_subject_row(out, rep, s);
  fputs("</tbody></table>\n", out);
  write_catalog_sources(out, rep);
}

/* The subject's fastest ok GEMM case of one input dtype (chosen by the model), or NULL. */
static const ab_report_row *best_gemm(const ab_report *rep, size_t s, ab_dtype dt) {
  size_t i = rep->subjects[s].best_gemm[dt];
  return i < rep->n_rows ? &rep->rows[i] : NULL;
}

/* No net figure because net power was within its noise: say so, the details on hover. */
static void td_net_noise(FILE *out, const ab_report_power *p) {
  fputs("<td class=\"na\" title=\"", out);
  esc(out, p->net_not_measurable);
  fputs("\">", out);
  esc(out, p->net_cell);
  why_span(out, p->net_not_measurable);
  fputs("</td>", out);
}

static void write_power_cells(FILE *out, ab_lang lang, const ab_report_row *r) {
  double gross = NAN, net = NAN;
  if (!row_perfw(r, &gross, &net)) {
    const char *why =
        r->power.measured ? L("power measured but no valid figure") : r->power.not_measured;
    fputs("<td colspan=\"3\" class=\"na\" title=\"", out);
    esc(out, why);
    fputs("\">", out);
    esc(out, L("not measured"));
    why_span(out, why);
    fputs("</td>", out);
    return;
  }
  td_num(out, gross, "");
  if (r->c->flops > 0 && r->power.net_cell[0])
    td_net_noise(out, &r->power);
  else
    td_num(out, net,
           r->c->flops > 0 ? L("no valid idle baseline")
                           : L("no net figure for bandwidth kernels"));
  td_power_ref(out, lang, &r->power.ref, true);
}

static void write_best_row(FILE *out, const ab_report *rep, size_t s, const ab_report_row *r) {
  ab_lang lang = rep->lang;
  const ab_report_subject *sub = &rep->subjects[s];
  char ci[96], lo[40], hi[40], med[40];
  double m, l, h;
  const char *unit = ab_report_rate(r, &m, &l, &h); /* GOP/s for int8; no CI below 6 samples */
  bool has_ci = fmt(l, lo, sizeof lo) && fmt(h, hi, sizeof hi);
  snprintf(ci, sizeof ci, "%s" ENDASH "%s", lo, hi);
  if (!has_ci)
    snprintf(ci, sizeof ci, DASH);
  fmt(m, med, sizeof med);
  fputs("<tr><td>", out);
  esc(out, sub->label);
  fprintf(out, "</td><td>%s</td>", ab_dtype_name(r->c->desc.dtype));
  char shape[128];
  ab_kernel_shape_str(&r->c->desc, shape, sizeof shape);
  fputs("<td class=\"nowrap\">", out);
  esc(out, shape);
  fputs("</td>", out);
  fprintf(out, "<td class=\"num\">%s %s</td>", med, unit);
  fprintf(out, "<td class=\"num\">%s</td>", ci);
  td_pct(out, r->eff_spec,
         sub->catalog ? L("no spec-sheet peak for this dtype") : L("no catalogue entry"));
  td_pct(out, r->eff_measured, sub->measured_peak_source[r->c->desc.dtype]);
  write_power_cells(out, lang, r);
  fputs("</tr>\n", out);
}

static void write_best_gemm(FILE *out, const ab_report *rep) {
  ab_lang lang = rep->lang;
  heading(out, rep, "h3", NULL, AB_M_H_BEST_GEMM);
  fputs("<p class=\"small\">", out);
  esc(out, ab_tr(lang, AB_M_HTML_BEST_GEMM_INTRO));
  fputs("</p>\n<table>\n<thead><tr>", out);
  TH(out, lang, "subject", "dtype", "shape", "rate (median)", "95% CI", "% of spec-sheet peak",
     "% of measured peak", "rate per W", "rate per W, net of idle", "power figure");
  fputs("</tr></thead>\n<tbody>\n", out);
  size_t n = 0;
  for (size_t s = 0; s < rep->n_subjects; s++)
    for (int dt = 1; dt < AB_DTYPE_COUNT; dt++) {
      const ab_report_row *r = best_gemm(rep, s, (ab_dtype)dt);
      if (r) {
        write_best_row(out, rep, s, r);
        n++;
      }
    }
  if (n == 0) {
    fputs("<tr><td colspan=\"10\" class=\"na\">", out);
    esc(out, L("no ok GEMM case in any run file"));
    fputs("</td></tr>\n", out);
  }
  fputs("</tbody></table>\n", out);
}

/* ---- perf/W bars ------------------------------------------------------------------ */

/* One bar of a perf/W chart: a subject's most efficient ok case of one kernel and dtype,
 * or (row NULL) a subject that ran the kernel without a power figure. */
typedef struct perfw_bar {
  size_t subject;
  const ab_report_row *row;
  const ab_report_row *any; /* an ok case, for the not-measured reason */
  double gross, net;
} perfw_bar;

/* Work per watt needs work: latency kinds (and kinds without a table) have none. */
static bool perfw_kind(ab_kernel_kind k) {
  const ab_kind_def *def = ab_kind_def_of(k);
  return def && def->metric != AB_METRIC_LATENCY;
}

/* Fills one bar per subject that has ok cases of (kind, dt); returns how many. */
static size_t perfw_collect(const ab_report *rep, ab_kernel_kind kind, ab_dtype dt,
                            perfw_bar *bars) {
  size_t n = 0;
  for (size_t s = 0; s < rep->n_subjects; s++) {
    perfw_bar b = {.subject = s, .gross = NAN, .net = NAN};
    for (size_t i = 0; i < rep->n_rows; i++) {
      const ab_report_row *r = &rep->rows[i];
      double g, nt;
      if (r->subject != s || !row_ok(r) || r->c->desc.kind != kind || r->c->desc.dtype != dt)
        continue;
      if (!b.any)
        b.any = r;
      if (row_perfw(r, &g, &nt) && (!b.row || g > b.gross)) {
        b.row = r;
        b.gross = g;
        b.net = nt;
      }
    }
    if (b.any)
      bars[n++] = b;
  }
  return n;
}

static void perfw_bar_label(FILE *out, const ab_report *rep, const perfw_bar *b, double y) {
  char lab[128], line2[320], shape[96];
  trunc_text(rep->subjects[b->subject].label, 60, lab, sizeof lab);
  ab_svg_text(out, 420, y + 14, "end", NULL, lab);
  if (!b->row)
    return;
  ab_kernel_shape_str(&b->row->c->desc, shape, sizeof shape);
  ab_trf(line2, sizeof line2, rep->lang, AB_M_BAR_SCOPE, shape,
         ab_scope_label(rep->lang, b->row->power.ref.scope), b->row->power.ref.source);
  trunc_text(line2, 72, lab, sizeof lab);
  ab_svg_text(out, 420, y + 29, "end", "small", lab);
}

static void perfw_bar_draw(FILE *out, ab_lang lang, const ab_svg_scale *x, const perfw_bar *b,
                           double y, const char *unit) {
  char v[48], t[320];
  if (!b->row) {
    /* never a zero-length bar: a missing measurement is not a bad result */
    ab_svg_text(out, x->p0 + 6, y + 18, "start", "nm", L("not measured (reason in the caption)"));
    return;
  }
  fmt(b->gross, v, sizeof v);
  ab_trf(t, sizeof t, lang, AB_M_BAR_GROSS, v, unit);
  ab_svg_rect(out, x->p0, y + 4, ab_svg_pos(x, b->gross) - x->p0, 15, "bar", t);
  ab_svg_text(out, ab_svg_pos(x, b->gross) + 4, y + 16, "start", NULL, v);
  if (!isfinite(b->net)) {
    const ab_report_power *p = &b->row->power;
    ab_trf(t, sizeof t, lang, AB_M_BAR_NET_NONE,
           b->row->c->flops <= 0 ? L("no figure for bandwidth kernels")
           : p->net_cell[0]      ? p->net_cell
                                 : L("not measured (no valid idle baseline)"));
    ab_svg_text(out, x->p0 + 2, y + 31, "start", "small", t);
    return;
  }
  fmt(b->net, v, sizeof v);
  ab_trf(t, sizeof t, lang, AB_M_BAR_NET, v, unit);
  ab_svg_rect(out, x->p0, y + 22, fmax(ab_svg_pos(x, b->net) - x->p0, 0), 9, "bar-net", t);
  ab_trf(t, sizeof t, lang, AB_M_BAR_NET_SHORT, v);
  ab_svg_text(out, fmax(ab_svg_pos(x, b->net), x->p0) + 4, y + 31, "start", "small", t);
}

static void perfw_chart(FILE *out, const ab_report *rep, const char *title, const char *unit,
                        const perfw_bar *bars, size_t n) {
  const double row_h = 40, top = 8;
  double max = 0;
  for (size_t i = 0; i < n; i++)
    if (bars[i].row)
      max = fmax(max, fmax(bars[i].gross, isfinite(bars[i].net) ? bars[i].net : 0));
  double step = ab_svg_nice_max(&max, 5);
  ab_svg_scale x = {.lo = 0, .hi = max, .p0 = 430, .p1 = 900};
  int h = (int)(top + n * row_h + 40);
  ab_svg_begin(out, 1000, h, "chart", title);
  double axis_y = top + n * row_h + 4;
  ab_svg_axis(out, &x, false, axis_y, top, step);
  ab_svg_text(out, (x.p0 + x.p1) / 2, axis_y + 32, "middle", NULL, unit);
  for (size_t i = 0; i < n; i++) {
    perfw_bar_label(out, rep, &bars[i], top + i * row_h);
    perfw_bar_draw(out, rep->lang, &x, &bars[i], top + i * row_h, unit);
  }
  ab_svg_end(out);
}

/* Above the chart: the reasons for every "not measured", and whether scopes differ. */
static void perfw_caption(FILE *out, const ab_report *rep, const char *title, const perfw_bar *bars,
                          size_t n) {
  ab_lang lang = rep->lang;
  fputs("<figcaption><strong>", out);
  esc(out, title);
  fputs("</strong>", out);
  esc(out, ab_tr(lang, AB_M_PERFW_CAPTION));
  const char *scope = NULL;
  bool mixed = false;
  for (size_t i = 0; i < n; i++) {
    if (!bars[i].row)
      continue;
    if (scope && strcmp(scope, bars[i].row->power.ref.scope) != 0)
      mixed = true;
    scope = bars[i].row->power.ref.scope;
  }
  if (mixed) {
    fputs(" <span class=\"bad\">", out);
    esc(out, ab_tr(lang, AB_M_PERFW_MIXED));
    fputs("</span>", out);
  }
  for (size_t i = 0; i < n; i++) {
    if (bars[i].row)
      continue;
    char line[1024];
    ab_trf(line, sizeof line, lang, AB_M_PERFW_NOT_MEASURED_FOR,
           rep->subjects[bars[i].subject].label,
           bars[i].any->power.not_measured[0] ? bars[i].any->power.not_measured
                                              : L("no power figure in the run file"));
    fputs("<br>", out);
    esc(out, line);
  }
  fputs("</figcaption>\n", out);
}

static bool any_power(const ab_report *rep) {
  for (size_t i = 0; i < rep->n_rows; i++)
    if (rep->rows[i].power.measured)
      return true;
  return false;
}

/* One chart for a kernel and dtype, when at least one subject measured its power. */
static void perfw_group(FILE *out, const ab_report *rep, ab_kernel_kind k, ab_dtype dt,
                        perfw_bar *bars) {
  size_t n = perfw_collect(rep, k, dt, bars), measured = 0;
  for (size_t i = 0; i < n; i++)
    measured += bars[i].row != NULL;
  if (measured == 0)
    return;
  char unit[48];
  double m, l, h;
  ab_trf(unit, sizeof unit, rep->lang, AB_M_PER_W, ab_report_rate(bars[0].any, &m, &l, &h));
  char title[128];
  snprintf(title, sizeof title, "%s %s: %s", ab_kernel_kind_name(k), ab_dtype_name(dt), unit);
  fputs("<figure>\n", out);
  perfw_caption(out, rep, title, bars, n);
  perfw_chart(out, rep, title, unit, bars, n);
  fputs("</figure>\n", out);
}

/* With no power anywhere, each run's own reason (its power object) instead of charts. */
static void perfw_none(FILE *out, const ab_report *rep) {
  ab_lang lang = rep->lang;
  fputs("<p class=\"na\">", out);
  esc(out, ab_tr(lang, AB_M_PERFW_NONE));
  for (size_t i = 0; i < rep->n_inputs; i++) {
    const char *why = json_str(rep->inputs[i].run.power, "not_measured");
    char line[1024];
    ab_trf(line, sizeof line, lang, AB_M_RUN_N_WHY, i + 1,
           why[0] ? why : L("the run file records no power sources"));
    fputs("<br>", out);
    esc(out, line);
  }
  fputs("</p>\n", out);
}

static void write_perfw(FILE *out, const ab_report *rep) {
  heading(out, rep, "h2", "perfw", AB_M_H_PERFW);
  if (!any_power(rep)) {
    perfw_none(out, rep);
    return;
  }
  perfw_bar *bars = calloc(rep->n_subjects ? rep->n_subjects : 1, sizeof *bars);
  if (!bars)
    return;
  for (int k = 1; k < AB_KERNEL_KIND_COUNT; k++)
    for (int dt = 1; dt < AB_DTYPE_COUNT && perfw_kind((ab_kernel_kind)k); dt++)
      perfw_group(out, rep, (ab_kernel_kind)k, (ab_dtype)dt, bars);
  free(bars);
}

/* ---- rooflines -------------------------------------------------------------------- */

/* A roofline point: an ok case with FLOPs, at its arithmetic intensity and rate. */
static bool roof_point(const ab_report_row *r) {
  return row_ok(r) && r->c->flops > 0 && r->rates.arithmetic_intensity > 0 &&
         r->rates.gflops_median > 0 && isfinite(r->rates.arithmetic_intensity) &&
         isfinite(r->rates.gflops_median);
}

static bool measured(double v) {
  return isfinite(v) && v > 0;
}

/* The data ranges of a roofline: points, measured ceilings and the ridge points where
 * bandwidth meets each peak, widened to whole decades. */
static bool roof_ranges(const ab_report *rep, size_t s, ab_svg_scale *x, ab_svg_scale *y,
                        bool *dtypes) {
  const ab_report_subject *sub = &rep->subjects[s];
  double xl = INFINITY, xh = 0, yl = INFINITY, yh = 0;
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_row *r = &rep->rows[i];
    if (r->subject != s || !roof_point(r))
      continue;
    xl = fmin(xl, r->rates.arithmetic_intensity);
    xh = fmax(xh, r->rates.arithmetic_intensity);
    yl = fmin(yl, r->rates.gflops_median);
    yh = fmax(yh, r->rates.gflops_median);
    dtypes[r->c->desc.dtype < AB_DTYPE_COUNT ? r->c->desc.dtype : 0] = true;
  }
  if (xh == 0)
    return false;
  for (int dt = 1; dt < AB_DTYPE_COUNT; dt++) {
    double p = sub->measured_peak_gflops[dt];
    if (!measured(p))
      continue;
    yl = fmin(yl, p);
    yh = fmax(yh, p);
    if (measured(sub->measured_membw_gbs)) {
      xl = fmin(xl, p / sub->measured_membw_gbs);
      xh = fmax(xh, p / sub->measured_membw_gbs);
    }
  }
  ab_svg_decades(&xl, &xh);
  ab_svg_decades(&yl, &yh);
  x->lo = xl;
  x->hi = xh;
  y->lo = yl;
  y->hi = yh;
  return true;
}

static const char *dtype_class(ab_dtype dt) {
  static const char *cls[AB_DTYPE_COUNT] = {"",        "dt-f64",  "dt-f32",  "dt-f16",
                                            "dt-bf16", "dt-int8", "dt-int32"};
  /* ABI 1.4 dtypes (tf32, f8e4m3, f8e5m2) have no colour class of their own yet. */
  return dt < AB_DTYPE_COUNT && cls[dt] ? cls[dt] : "";
}

static ab_svg_shape dtype_shape(ab_dtype dt) {
  return (ab_svg_shape)(dt % AB_SVG_SHAPE_COUNT);
}

/* The memory-bandwidth roof (GFLOP/s = GB/s x FLOP/byte), clipped to the plot and ending
 * where it meets the highest measured compute roof. */
static void roof_bandwidth(FILE *out, ab_lang lang, const ab_report_subject *sub,
                           const ab_svg_scale *x, const ab_svg_scale *y, double top_peak) {
  double bw = sub->measured_membw_gbs;
  double xa = fmax(x->lo, y->lo / bw);
  double xb = fmin(x->hi, (measured(top_peak) ? top_peak : y->hi) / bw);
  if (!(xa < xb))
    return;
  double x0 = ab_svg_pos(x, xa), y0 = ab_svg_pos(y, bw * xa);
  double x1 = ab_svg_pos(x, xb), y1 = ab_svg_pos(y, bw * xb);
  ab_svg_line(out, x0, y0, x1, y1, "roof bw");
  char v[40], t[96];
  fmt(bw, v, sizeof v);
  ab_trf(t, sizeof t, lang, AB_M_ROOF_MEMORY, v);
  /* along the line, just above its middle */
  ab_svg_text_rotated(out, (x0 + x1) / 2, (y0 + y1) / 2 - 6, atan2(y1 - y0, x1 - x0) * DEG_PER_RAD,
                      "middle", "small", t);
}

static void roof_peaks(FILE *out, ab_lang lang, const ab_report_subject *sub, const ab_svg_scale *x,
                       const ab_svg_scale *y) {
  double bw = sub->measured_membw_gbs;
  for (int dt = 1; dt < AB_DTYPE_COUNT; dt++) {
    double p = sub->measured_peak_gflops[dt];
    if (!measured(p))
      continue;
    double xa = measured(bw) ? fmax(x->lo, p / bw) : x->lo;
    char cls[48], v[40], t[96];
    snprintf(cls, sizeof cls, "roof peak %s", dtype_class((ab_dtype)dt));
    ab_svg_line(out, ab_svg_pos(x, xa), ab_svg_pos(y, p), x->p1, ab_svg_pos(y, p), cls);
    fmt(p, v, sizeof v);
    ab_trf(t, sizeof t, lang, AB_M_ROOF_PEAK_AT, ab_dtype_name((ab_dtype)dt), v);
    /* at the roof's left end: GEMM points crowd the right-hand side */
    ab_svg_text(out, ab_svg_pos(x, xa) + 4, ab_svg_pos(y, p) - 5, "start", "small", t);
  }
}

/* In the chart's legend, a line for each ceiling that was not measured, instead of a
 * drawn roof; returns the next free line. */
static double roof_missing(FILE *out, ab_lang lang, const ab_report_subject *sub, double lx,
                           double ly, const bool *dtypes) {
  bool any = !measured(sub->measured_membw_gbs);
  for (int dt = 1; dt < AB_DTYPE_COUNT; dt++)
    any = any || (dtypes[dt] && !measured(sub->measured_peak_gflops[dt]));
  if (!any)
    return ly;
  ab_svg_text(out, lx, ly, "start", "title", L("not measured"));
  if (!measured(sub->measured_membw_gbs))
    ab_svg_text(out, lx, ly += 16, "start", "nm", L("memory bandwidth ceiling"));
  for (int dt = 1; dt < AB_DTYPE_COUNT; dt++) {
    if (!dtypes[dt] || measured(sub->measured_peak_gflops[dt]))
      continue;
    char t[96];
    ab_trf(t, sizeof t, lang, AB_M_ROOF_COMPUTE_CEILING, ab_dtype_name((ab_dtype)dt));
    ab_svg_text(out, lx, ly += 16, "start", "nm", t);
  }
  return ly + 26;
}

static void roof_points(FILE *out, const ab_report *rep, size_t s, const ab_svg_scale *x,
                        const ab_svg_scale *y) {
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_row *r = &rep->rows[i];
    if (r->subject != s || !roof_point(r))
      continue;
    char key[KEY_LEN], g[40], ai[40], t[KEY_LEN + 320], cls[32];
    row_key(r, key);
    fmt(r->rates.gflops_median, g, sizeof g);
    fmt(r->rates.arithmetic_intensity, ai, sizeof ai);
    bool ops = strcmp(ab_report_work_unit(r->c), "op") == 0; /* integer kinds: GOP/s */
    ab_trf(t, sizeof t, rep->lang, AB_M_ROOF_POINT, key, g, ops ? "GOP/s" : "GFLOP/s", ai,
           ops ? "op" : "FLOP", r->c->implementation);
    snprintf(cls, sizeof cls, "pt %s", dtype_class(r->c->desc.dtype));
    ab_svg_marker(out, dtype_shape(r->c->desc.dtype), ab_svg_pos(x, r->rates.arithmetic_intensity),
                  ab_svg_pos(y, r->rates.gflops_median), 4.5, cls, t);
  }
}

/* Legend: the ceilings drawn, then a marker per dtype; returns the next free line. */
static double roof_legend(FILE *out, ab_lang lang, const ab_report_subject *sub, double lx,
                          double ly, const bool *dtypes) {
  bool peaks = false;
  for (int dt = 1; dt < AB_DTYPE_COUNT; dt++)
    peaks = peaks || measured(sub->measured_peak_gflops[dt]);
  if (measured(sub->measured_membw_gbs) || peaks)
    ab_svg_text(out, lx, ly, "start", "title", L("ceilings (measured)"));
  if (measured(sub->measured_membw_gbs)) {
    ly += 16;
    ab_svg_line(out, lx, ly - 4, lx + 22, ly - 4, "roof bw");
    ab_svg_text(out, lx + 28, ly, "start", NULL, L("memory bandwidth"));
  }
  if (peaks) {
    ly += 16;
    ab_svg_line(out, lx, ly - 4, lx + 22, ly - 4, "roof peak dt-f32");
    ab_svg_text(out, lx + 28, ly, "start", NULL, L("peak compute"));
  }
  if (measured(sub->measured_membw_gbs) || peaks)
    ly += 26;
  ab_svg_text(out, lx, ly, "start", "title", L("cases (ok)"));
  for (int dt = 1; dt < AB_DTYPE_COUNT; dt++) {
    if (!dtypes[dt])
      continue;
    char cls[32];
    ly += 17;
    snprintf(cls, sizeof cls, "pt %s", dtype_class((ab_dtype)dt));
    ab_svg_marker(out, dtype_shape((ab_dtype)dt), lx + 11, ly - 4, 4.5, cls, NULL);
    ab_svg_text(out, lx + 28, ly, "start", NULL, ab_dtype_name((ab_dtype)dt));
  }
  return ly + 26;
}

/* One ceiling in the caption: its value and where it came from, or "not measured" and the
 * model's reason when it gives one. */
static void roof_caption_ceiling(FILE *out, ab_lang lang, const char *sep, const char *what,
                                 double v, const char *unit, const char *source) {
  char b[40];
  fputs(sep, out);
  esc(out, what);
  fputs(" ", out);
  if (fmt(v, b, sizeof b) && v > 0)
    fprintf(out, "%s %s", b, unit);
  else
    esc(out, L("not measured"));
  if (source[0]) {
    fputs(" (", out);
    esc(out, source);
    fputs(")", out);
  }
}

static void roof_caption(FILE *out, ab_lang lang, const ab_report_subject *sub,
                         const bool *dtypes) {
  fputs("<figcaption><strong>", out);
  esc(out, sub->label);
  fputs("</strong>", out);
  esc(out, ab_tr(lang, AB_M_ROOF_CAPTION));
  roof_caption_ceiling(out, lang, ": ", L("memory bandwidth"), sub->measured_membw_gbs, "GB/s",
                       sub->measured_membw_source);
  for (int dt = 1; dt < AB_DTYPE_COUNT; dt++) {
    char what[64];
    if (!measured(sub->measured_peak_gflops[dt]) && !dtypes[dt])
      continue;
    ab_trf(what, sizeof what, lang, AB_M_ROOF_PEAK_OF, ab_dtype_name((ab_dtype)dt));
    bool ops = dt == AB_DTYPE_I8 || dt == AB_DTYPE_I32;
    roof_caption_ceiling(out, lang, "; ", what, sub->measured_peak_gflops[dt],
                         ops ? "GOP/s" : "GFLOP/s", sub->measured_peak_source[dt]);
  }
  fputs(".</figcaption>\n", out);
}

/* One y range for every roofline of the report, so devices read against each other at a
 * glance: the union of each one's decades. */
static bool roof_shared_y(const ab_report *rep, double *lo, double *hi) {
  *lo = INFINITY;
  *hi = 0;
  for (size_t s = 0; s < rep->n_subjects; s++) {
    bool dtypes[AB_DTYPE_COUNT] = {false};
    ab_svg_scale x = {.log = true}, y = {.log = true};
    if (!roof_ranges(rep, s, &x, &y, dtypes))
      continue;
    *lo = fmin(*lo, y.lo);
    *hi = fmax(*hi, y.hi);
  }
  return *hi > 0;
}

static void roofline(FILE *out, const ab_report *rep, size_t s) {
  ab_lang lang = rep->lang;
  const ab_report_subject *sub = &rep->subjects[s];
  bool dtypes[AB_DTYPE_COUNT] = {false};
  ab_svg_scale x = {.p0 = 62, .p1 = 470, .log = true};
  ab_svg_scale y = {.p0 = 370, .p1 = 20, .log = true};
  bool any = roof_ranges(rep, s, &x, &y, dtypes);
  if (any)
    roof_shared_y(rep, &y.lo, &y.hi);
  if (!any) {
    char line[512];
    ab_trf(line, sizeof line, lang, AB_M_ROOF_NONE, sub->label);
    fputs("<p class=\"na\">", out);
    esc(out, line);
    fputs("</p>\n", out);
    return;
  }
  char title[400];
  ab_trf(title, sizeof title, lang, AB_M_ROOF_TITLE, sub->label);
  fputs("<figure class=\"rf\">\n", out);
  ab_svg_begin(out, 660, 420, "chart", title);
  ab_svg_axis(out, &x, false, y.p0, y.p1, 0);
  ab_svg_axis(out, &y, true, x.p0, x.p1, 0);
  ab_svg_text(out, (x.p0 + x.p1) / 2, 412, "middle", NULL, ab_tr(lang, AB_M_ROOF_X_AXIS));
  ab_svg_text_rotated(out, 14, (y.p0 + y.p1) / 2, -90, "middle", NULL,
                      ab_tr(lang, AB_M_ROOF_Y_AXIS));
  double top_peak = NAN;
  for (int dt = 1; dt < AB_DTYPE_COUNT; dt++)
    if (measured(sub->measured_peak_gflops[dt]))
      top_peak = isfinite(top_peak) ? fmax(top_peak, sub->measured_peak_gflops[dt])
                                    : sub->measured_peak_gflops[dt];
  if (measured(sub->measured_membw_gbs))
    roof_bandwidth(out, lang, sub, &x, &y, top_peak);
  roof_peaks(out, lang, sub, &x, &y);
  roof_points(out, rep, s, &x, &y);
  roof_missing(out, lang, sub, 490, roof_legend(out, lang, sub, 490, 30, dtypes), dtypes);
  ab_svg_end(out);
  roof_caption(out, lang, sub, dtypes);
  fputs("</figure>\n", out);
}

static void write_rooflines(FILE *out, const ab_report *rep) {
  heading(out, rep, "h2", "roofline", AB_M_H_ROOFLINE);
  fputs("<p class=\"small\">", out);
  esc(out, ab_tr(rep->lang, AB_M_ROOF_INTRO));
  fputs("</p>\n", out);
  fputs("<div class=\"charts\">\n", out);
  for (size_t s = 0; s < rep->n_subjects; s++)
    roofline(out, rep, s);
  fputs("</div>\n", out);
}

/* ---- power timelines ---------------------------------------------------------------- */

/* The timeline's arrays as doubles (owned by the caller); false when malformed. */
static bool timeline_arrays(const json_t *tl, double **t, double **w, size_t *n) {
  const json_t *jt = json_object_get(tl, "t_s"), *jw = json_object_get(tl, "w");
  *n = json_array_size(jt);
  if (*n < 2 || json_array_size(jw) != *n)
    return false;
  *t = malloc(*n * sizeof **t);
  *w = malloc(*n * sizeof **w);
  if (!*t || !*w)
    return false;
  for (size_t i = 0; i < *n; i++) {
    const json_t *a = json_array_get(jt, i), *b = json_array_get(jw, i);
    (*t)[i] = json_is_number(a) ? json_number_value(a) : NAN;
    (*w)[i] = json_is_number(b) ? json_number_value(b) : NAN;
  }
  return true;
}

static void range_of(const double *v, size_t n, double *lo, double *hi) {
  *lo = INFINITY;
  *hi = -INFINITY;
  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i])) {
      *lo = fmin(*lo, v[i]);
      *hi = fmax(*hi, v[i]);
    }
}

static void timeline_svg(FILE *out, ab_lang lang, const ab_report_row *r, const char *key,
                         const double *t, const double *w, size_t n) {
  double tlo, thi, wlo, whi;
  range_of(t, n, &tlo, &thi);
  range_of(w, n, &wlo, &whi);
  if (isfinite(r->power.idle_w))
    whi = fmax(whi, r->power.idle_w);
  double tmax = thi, wmax = whi;
  double tstep = ab_svg_nice_max(&tmax, 5), wstep = ab_svg_nice_max(&wmax, 4);
  ab_svg_scale x = {.lo = fmin(0, tlo), .hi = tmax, .p0 = 52, .p1 = 430};
  ab_svg_scale y = {.lo = 0, .hi = wmax, .p0 = 150, .p1 = 10};
  char title[KEY_LEN + 80];
  ab_trf(title, sizeof title, lang, AB_M_TL_TITLE, key);
  ab_svg_begin(out, 440, 190, "chart", title);
  ab_svg_axis(out, &x, false, y.p0, y.p1, tstep);
  ab_svg_axis(out, &y, true, x.p0, x.p1, wstep);
  ab_svg_text(out, (x.p0 + x.p1) / 2, 184, "middle", NULL, L("time in the timed window (s)"));
  ab_svg_text_rotated(out, 12, (y.p0 + y.p1) / 2, -90, "middle", NULL, L("power (W)"));
  if (isfinite(r->power.idle_w)) {
    ab_svg_line(out, x.p0, ab_svg_pos(&y, r->power.idle_w), x.p1, ab_svg_pos(&y, r->power.idle_w),
                "idle");
    ab_svg_text(out, x.p1 - 2, ab_svg_pos(&y, r->power.idle_w) - 4, "end", "small", L("idle"));
  }
  ab_svg_polyline(out, &x, &y, t, w, n, "tl");
  ab_svg_end(out);
}

static void timeline_caption(FILE *out, ab_lang lang, const ab_report_row *r, const char *key) {
  char avg[40], peak[40], ref[512], figures[160];
  fmt(r->power.avg_w, avg, sizeof avg);
  fmt(r->power.peak_w, peak, sizeof peak);
  power_ref_text(lang, &r->power.ref, ref, sizeof ref);
  ab_trf(figures, sizeof figures, lang, AB_M_TL_FIGURES, avg, peak);
  fputs("<figcaption class=\"small\">", out);
  esc(out, key);
  fputs("<br>", out);
  esc(out, ref);
  esc(out, figures);
  fputs("</figcaption>\n", out);
}

static void timeline(FILE *out, ab_lang lang, const ab_report_row *r) {
  char key[KEY_LEN];
  double *t = NULL, *w = NULL;
  size_t n = 0;
  row_key(r, key);
  fputs("<figure class=\"tlf\">\n", out);
  if (timeline_arrays(r->power.timeline, &t, &w, &n))
    timeline_svg(out, lang, r, key, t, w, n);
  else {
    fputs("<p class=\"na\">", out);
    esc(out, L("timeline has fewer than 2 points or is malformed"));
    fputs("</p>\n", out);
  }
  timeline_caption(out, lang, r, key);
  fputs("</figure>\n", out);
  free(t);
  free(w);
}

static void write_timelines(FILE *out, const ab_report *rep) {
  ab_lang lang = rep->lang;
  heading(out, rep, "h2", "timelines", AB_M_H_TIMELINES);
  size_t drawn_total = 0;
  for (size_t s = 0; s < rep->n_subjects; s++) {
    size_t have = 0, drawn = 0;
    for (size_t i = 0; i < rep->n_rows; i++) {
      const ab_report_row *r = &rep->rows[i];
      if (r->subject != s || !r->power.measured || !r->power.timeline)
        continue;
      if (have++ == 0) {
        fputs("<h3>", out);
        esc(out, rep->subjects[s].label);
        fputs("</h3>\n<div class=\"charts\">\n", out);
      }
      if (drawn < TIMELINES_PER_SUBJECT) {
        timeline(out, lang, r);
        drawn++;
      }
    }
    if (have)
      fputs("</div>\n", out);
    if (have > drawn) {
      char line[512];
      ab_trf(line, sizeof line, lang, AB_M_TL_MORE, have - drawn, TIMELINES_PER_SUBJECT);
      fputs("<p class=\"small\">", out);
      esc(out, line);
      fputs("</p>\n", out);
    }
    drawn_total += drawn;
  }
  if (drawn_total == 0) {
    fputs("<p class=\"na\">", out);
    esc(out, L("No case has a power timeline: power was not measured."));
    fputs("</p>\n", out);
  }
}

/* ---- coverage matrix ---------------------------------------------------------------- */

/* Kernel keys in first-seen order, and each row's index into them. */
typedef struct key_table {
  char (*keys)[KEY_LEN];
  size_t n;
  size_t *of_row;
} key_table;

static bool key_table_build(const ab_report *rep, key_table *kt) {
  kt->n = 0;
  kt->keys = calloc(rep->n_rows ? rep->n_rows : 1, sizeof *kt->keys);
  kt->of_row = calloc(rep->n_rows ? rep->n_rows : 1, sizeof *kt->of_row);
  if (!kt->keys || !kt->of_row)
    return false;
  for (size_t i = 0; i < rep->n_rows; i++) {
    char key[KEY_LEN];
    row_key(&rep->rows[i], key);
    size_t k = 0;
    while (k < kt->n && strcmp(kt->keys[k], key) != 0)
      k++;
    if (k == kt->n)
      memcpy(kt->keys[kt->n++], key, KEY_LEN);
    kt->of_row[i] = k;
  }
  return true;
}

static void key_table_free(key_table *kt) {
  free(kt->keys);
  free(kt->of_row);
}

/* One cell: the status of each case of this key on this subject (usually one). */
static void coverage_cell(FILE *out, const ab_report *rep, const key_table *kt, size_t k,
                          size_t s) {
  ab_lang lang = rep->lang;
  const ab_report_row *first = NULL;
  size_t more = 0;
  for (size_t i = 0; i < rep->n_rows; i++) {
    if (rep->rows[i].subject != s || kt->of_row[i] != k)
      continue;
    if (first)
      more++;
    else
      first = &rep->rows[i];
  }
  if (!first) {
    fputs("<td class=\"st-none\">" DASH " ", out);
    esc(out, L("not planned"));
    fputs("</td>", out);
    return;
  }
  const char *name = status_name(first->c->status);
  fprintf(out, "<td class=\"st-%s\" title=\"", name);
  esc(out, first->c->reason);
  fputs("\">", out);
  esc(out, ab_case_status_text(lang, first->c->status));
  if (more) {
    char m[96];
    ab_trf(m, sizeof m, lang, AB_M_N_MORE, more);
    esc(out, m);
  }
  if (first->c->status != AB_CASE_OK)
    why_span(out, first->c->reason);
  fputs("</td>", out);
}

static void write_coverage(FILE *out, const ab_report *rep) {
  key_table kt;
  ab_lang lang = rep->lang;
  heading(out, rep, "h2", "coverage", AB_M_H_COVERAGE);
  fputs("<p class=\"small\">", out);
  esc(out, ab_tr(lang, AB_M_HTML_COVERAGE_INTRO));
  fputs("</p>\n", out);
  if (!key_table_build(rep, &kt)) {
    key_table_free(&kt);
    return;
  }
  fputs("<table>\n<thead><tr>", out);
  TH(out, lang, "kernel");
  for (size_t s = 0; s < rep->n_subjects; s++) {
    fputs("<th>", out);
    esc(out, rep->subjects[s].label);
    fputs("</th>", out);
  }
  fputs("</tr></thead>\n<tbody>\n", out);
  for (size_t k = 0; k < kt.n; k++) {
    fputs("<tr><td class=\"mono\">", out);
    esc(out, kt.keys[k]);
    fputs("</td>", out);
    for (size_t s = 0; s < rep->n_subjects; s++)
      coverage_cell(out, rep, &kt, k, s);
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table>\n", out);
  key_table_free(&kt);
}

/* ---- system information (open JSON objects, walked generically) --------------------- */

static bool json_is_scalar(const json_t *v) {
  return !json_is_object(v) && !json_is_array(v);
}

/* Units are in run-file member names: a *_bytes integer also gets its size in GiB. */
static bool key_is_bytes(const char *key) {
  size_t n = key ? strlen(key) : 0;
  return n >= 6 && strcmp(key + n - 6, "_bytes") == 0;
}

static void json_scalar(FILE *out, ab_lang lang, const char *key, const json_t *v) {
  char b[64];
  switch (json_typeof(v)) {
  case JSON_STRING: esc(out, json_string_value(v)); break;
  case JSON_INTEGER:
    fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    if (key_is_bytes(key) && json_integer_value(v) >= 1048576) {
      fmt((double)json_integer_value(v) / 1073741824.0, b, sizeof b);
      fprintf(out, " (%s GiB)", b);
    }
    break;
  case JSON_REAL:
    snprintf(b, sizeof b, "%.6g", json_real_value(v));
    fputs(b, out);
    break;
  case JSON_TRUE: fputs("true", out); break;
  case JSON_FALSE: fputs("false", out); break;
  default:
    fputs("<span class=\"na\">", out);
    esc(out, L("unknown (null in the run file)"));
    fputs("</span>", out);
  }
}

static void json_html(FILE *out, ab_lang lang, const char *key, const json_t *v, int depth);

static void json_array_html(FILE *out, ab_lang lang, const char *key, const json_t *v, int depth) {
  size_t i;
  const json_t *e;
  bool scalars = true;
  json_array_foreach(v, i, e) scalars = scalars && json_is_scalar(e);
  if (json_array_size(v) == 0) {
    fputs("<span class=\"na\">", out);
    esc(out, L("(empty)"));
    fputs("</span>", out);
    return;
  }
  if (scalars) { /* flags, SIMD lists: a comma-separated line wraps better than a list */
    json_array_foreach(v, i, e) {
      if (i)
        fputs(", ", out);
      json_scalar(out, lang, key, e);
    }
    return;
  }
  fputs("<ol>", out);
  json_array_foreach(v, i, e) {
    fputs("<li>", out);
    json_html(out, lang, key, e, depth + 1);
    fputs("</li>", out);
  }
  fputs("</ol>", out);
}

static void json_html(FILE *out, ab_lang lang, const char *key, const json_t *v, int depth) {
  if (depth > 8) { /* open objects are small; a deeper one is not worth a nested table */
    fputs("<span class=\"na\">", out);
    esc(out, L("(nested too deep; see the run file)"));
    fputs("</span>", out);
    return;
  }
  if (json_is_array(v)) {
    json_array_html(out, lang, key, v, depth);
    return;
  }
  if (!json_is_object(v)) {
    json_scalar(out, lang, key, v);
    return;
  }
  const char *k;
  const json_t *e;
  fputs("<table class=\"kv\">", out);
  json_object_foreach((json_t *)v, k, e) {
    fputs("<tr><th>", out);
    esc(out, k);
    fputs("</th><td>", out);
    json_html(out, lang, k, e, depth + 1);
    fputs("</td></tr>", out);
  }
  fputs("</table>", out);
}

static void write_devices(FILE *out, ab_lang lang, const ab_run *run) {
  fputs("<table>\n<thead><tr>", out);
  TH(out, lang, "device", "name", "type", "vendor", "driver", "runtime", "memory (GiB)",
     "compute units", "max clock (MHz, reported)");
  fputs("</tr></thead>\n<tbody>\n", out);
  static const char *types[] = {"other", "cpu", "gpu", "npu"};
  for (size_t d = 0; d < run->n_devices; d++) {
    const ab_device_record *dev = &run->devices[d];
    const ab_device_info *i = &dev->info;
    fputs("<tr><td>", out);
    esc(out, dev->backend);
    fprintf(out, ":%u</td>", dev->index);
    td_text(out, i->name);
    fputs("<td>", out);
    esc(out, L((unsigned)i->type < 4 ? types[i->type] : "other"));
    fputs("</td>", out);
    td_text(out, i->vendor);
    td_text(out, i->driver_version);
    td_text(out, i->runtime_version);
    /* the device ABI keeps unknown numbers at 0: shown as unknown, never as zero */
    td_num(out, i->memory_bytes ? (double)i->memory_bytes / 1073741824.0 : NAN, L("not reported"));
    td_count(out, lang, i->compute_units);
    td_count(out, lang, i->max_clock_mhz);
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table>\n", out);
}

/* Each backend with its module's provenance: path, ABI, size and SHA-256. */
static void write_backends(FILE *out, ab_lang lang, const ab_run *run) {
  fputs("<table>\n<thead><tr>", out);
  TH(out, lang, "backend", "enabled", "why not", "description", "ABI", "module", "size (bytes)",
     "SHA-256");
  fputs("</tr></thead>\n<tbody>\n", out);
  for (size_t b = 0; b < run->n_backends; b++) {
    const ab_backend_record *be = &run->backends[b];
    char abi[32] = "";
    if (be->abi_major || be->abi_minor)
      snprintf(abi, sizeof abi, "%u.%u", be->abi_major, be->abi_minor);
    fputs("<tr>", out);
    td_text(out, be->name);
    fputs(be->enabled ? "<td>" : "<td><strong>", out);
    esc(out, be->enabled ? L("yes") : L("no"));
    fputs(be->enabled ? "</td>" : "</strong></td>", out);
    td_text(out, be->enabled ? "" : be->disabled_reason);
    td_text(out, be->description);
    td_text(out, abi);
    td_text(out, be->module_path);
    if (be->module_sha256[0])
      td_count(out, lang, be->module_size);
    else
      td_text(out, "");
    fputs("<td class=\"mono small\">", out);
    esc(out, be->module_sha256[0] ? be->module_sha256 : DASH);
    fputs("</td></tr>\n", out);
  }
  fputs("</tbody></table>\n", out);
}

static void write_system(FILE *out, const ab_report *rep) {
  ab_lang lang = rep->lang;
  heading(out, rep, "h2", "system", AB_M_H_SYSTEM);
  for (size_t i = 0; i < rep->n_inputs; i++) {
    const ab_report_input *in = &rep->inputs[i];
    char run[64];
    ab_trf(run, sizeof run, lang, AB_M_RUN_N, i + 1);
    fputs("<h3>", out);
    esc(out, run);
    fputs(": <span class=\"mono\">", out);
    esc(out, in->path);
    fputs("</span></h3>\n<p class=\"small\">", out);
    esc(out, L("Command"));
    fputs(": <span class=\"mono\">", out);
    esc(out, in->run.command_line);
    fputs("</span></p>\n", out);
    write_devices(out, lang, &in->run);
    write_backends(out, lang, &in->run);
    fputs("<details open><summary>", out);
    esc(out, L("Host (system object of the run file)"));
    fputs("</summary>\n", out);
    json_html(out, lang, NULL, in->run.system, 0);
    fputs("\n</details>\n", out);
    if (in->run.power) {
      fputs("<details><summary>", out);
      esc(out, L("Power sources of the run"));
      fputs("</summary>\n", out);
      json_html(out, lang, NULL, in->run.power, 0);
      fputs("\n</details>\n", out);
    }
  }
}

/* ---- per-case detail ---------------------------------------------------------------- */

/* "51000 GFLOP/s" over its 95% CI, in one cell: the table is wide enough already. */
static void detail_rate_cell(FILE *out, ab_lang lang, const ab_report_row *r) {
  double med = NAN, lo = NAN, hi = NAN;
  const char *unit = ab_report_rate(r, &med, &lo, &hi);
  char m[40], a[40], b[40];
  if (!row_ok(r) || !fmt(med, m, sizeof m)) {
    td_num(out, NAN,
           row_ok(r) ? L("no rate: zero work or time") : L("no rate unless status is ok"));
    return;
  }
  fprintf(out, "<td class=\"num\">%s %s", m, unit ? unit : "");
  if (fmt(lo, a, sizeof a) && fmt(hi, b, sizeof b))
    fprintf(out, "<br><span class=\"small\">%s" ENDASH "%s</span>", a, b);
  fputs("</td>", out);
}

/* p5 / median / p95 of one call, in milliseconds. */
static void detail_time_cell(FILE *out, ab_lang lang, const ab_report_row *r) {
  char a[40], b[40], c[40];
  if (!isfinite(r->t_median)) {
    td_num(out, NAN, L("not timed"));
    return;
  }
  fmt(r->t_p5 * 1e3, a, sizeof a);
  fmt(r->t_median * 1e3, b, sizeof b);
  fmt(r->t_p95 * 1e3, c, sizeof c);
  fprintf(out, "<td class=\"num\">%s / <strong>%s</strong> / %s</td>", a, b, c);
}

static void detail_power_cells(FILE *out, ab_lang lang, const ab_report_row *r) {
  double gross = NAN, net = NAN;
  if (!r->power.measured) {
    fputs("<td colspan=\"3\" class=\"na\" title=\"", out);
    esc(out, r->power.not_measured);
    fputs("\">", out);
    esc(out, L("not measured"));
    why_span(out, r->power.not_measured);
    fputs("</td>", out);
    return;
  }
  row_perfw(r, &gross, &net);
  td_num(out, r->power.avg_w, L("no valid power window"));
  td_num(out, gross, L("no per-W figure for this case"));
  td_power_ref(out, lang, &r->power.ref, false);
}

static void detail_row(FILE *out, ab_lang lang, const ab_report_row *r) {
  char key[KEY_LEN];
  const char *name = status_name(r->c->status);
  row_key(r, key);
  fputs("<tr><td class=\"mono key\">", out);
  esc(out, key);
  fprintf(out, "</td><td class=\"st-%s\">", name);
  esc(out, ab_case_status_text(lang, r->c->status));
  if (r->clock_fell) {
    fputs("<br><strong>", out);
    esc(out, L("clock fell during the case"));
    fputs("</strong>", out);
  }
  fputs("</td>", out);
  td_text(out, r->c->reason);
  detail_rate_cell(out, lang, r);
  detail_time_cell(out, lang, r);
  td_pct(out, r->eff_spec, L("no spec-sheet peak"));
  td_pct(out, r->eff_measured, L("no measured ceiling"));
  detail_power_cells(out, lang, r);
  td_text(out, r->c->implementation);
  if (r->c->validation.checked)
    fprintf(out, "<td class=\"num\">%" PRIu64 " / %" PRIu64 "</td>", r->c->validation.mismatches,
            r->c->validation.elements_checked);
  else {
    fputs("<td class=\"na\">", out);
    esc(out, L("not checked"));
    fputs("</td>", out);
  }
  fputs("</tr>\n", out);
}

static void write_details(FILE *out, const ab_report *rep) {
  ab_lang lang = rep->lang;
  heading(out, rep, "h2", "cases", AB_M_H_CASES);
  for (size_t s = 0; s < rep->n_subjects; s++) {
    size_t n = 0;
    for (size_t i = 0; i < rep->n_rows; i++)
      n += rep->rows[i].subject == s;
    char count[96];
    ab_trf(count, sizeof count, lang, AB_M_N_CASES, n);
    fputs("<details><summary>", out);
    esc(out, rep->subjects[s].label);
    fputs(" " DASH " ", out);
    esc(out, count);
    fputs("</summary>\n<table>\n<thead><tr>", out);
    TH(out, lang, "kernel", "status", "reason", "rate: median (95% CI)",
       "time per call (ms): p5 / median / p95", "% of spec-sheet peak", "% of measured peak",
       "avg power (W)", "per W (rate unit / W)", "power (scope, source)", "implementation",
       "mismatches / checked");
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < rep->n_rows; i++)
      if (rep->rows[i].subject == s)
        detail_row(out, lang, &rep->rows[i]);
    fputs("</tbody></table>\n</details>\n", out);
  }
}

/* ---- the document ------------------------------------------------------------------- */

static void write_nav(FILE *out, const ab_report *rep) {
  static const struct {
    const char *id;
    ab_msg msg;
  } links[] = {{"tender", AB_M_TENDER_HEADING}, {"conclusion", AB_M_CONCLUSION_HEADING},
               {"summary", AB_M_H_SUMMARY},     {"cost", AB_M_COST_HEADING},
               {"perfw", AB_M_H_PERFW},         {"roofline", AB_M_H_ROOFLINE},
               {"timelines", AB_M_H_TIMELINES}, {"coverage", AB_M_H_COVERAGE},
               {"system", AB_M_H_SYSTEM},       {"cases", AB_M_H_CASES}};
  fputs("<p class=\"small\">", out);
  esc(out, ab_tr(rep->lang, AB_M_H_SECTIONS));
  fputs(":", out);
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    if ((!rep->have_tender && strcmp(links[i].id, "tender") == 0) ||
        (!rep->have_cost && strcmp(links[i].id, "cost") == 0))
      continue;
    fprintf(out, "%s<a href=\"#%s\">", i ? " \xc2\xb7 " : " ", links[i].id);
    esc(out, ab_tr(rep->lang, links[i].msg));
    fputs("</a>", out);
  }
  fputs("</p>\n", out);
}

ab_status ab_report_write_html(const ab_report *rep, FILE *out) {
  write_head(out, rep);
  write_intro(out, rep);
  write_nav(out, rep);
  ab_tender_write_html(rep, out);
  ab_conclusion_write_html(rep, out);
  write_warnings(out, rep);
  heading(out, rep, "h2", "summary", AB_M_H_SUMMARY);
  write_runs(out, rep);
  write_subjects(out, rep);
  write_best_gemm(out, rep);
  ab_cost_write_html(rep, out);
  ab_providers_write_html(rep, out);
  write_perfw(out, rep);
  write_rooflines(out, rep);
  write_timelines(out, rep);
  write_coverage(out, rep);
  write_system(out, rep);
  write_details(out, rep);
  fputs("</body>\n</html>\n", out);
  return ferror(out) ? AB_E_IO : AB_OK;
}
