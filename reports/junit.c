/* accelbench — JUnit XML for CI systems: the run files themselves (report.h), a side-by-side
 * comparison and the CI gate (compare.h). One writer for all three: each builds a list of
 * test suites and cases, then the same code writes them, so escaping and the document's
 * shape cannot drift between them. Every string goes through escape.h (which also replaces invalid
 * UTF-8), and every cut keeps whole characters, so the document is well-formed XML whatever a run
 * file or a command-line path holds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "compare_priv.h"
#include "escape.h"
#include "render_tender.h"
#include "report.h"

typedef enum j_result { J_PASS, J_FAILURE, J_SKIPPED } j_result;

typedef struct jcase {
  char classname[256];
  char name[256];
  double time_s;
  j_result result;
  const char *type;   /* failure type: the status or gate outcome */
  char message[1024]; /* failure or skipped message */
  char out[1024];     /* system-out: figures of a passing case */
} jcase;

typedef struct jsuite {
  char name[1100];
  jcase *cases;
  size_t n, cap;
  size_t n_failures, n_skipped;
} jsuite;

typedef struct jdoc {
  const char *name;
  jsuite *suites;
  size_t n;
} jdoc;

/* ---------------------------------------------------------------------------------------
 * Building the document
 * ------------------------------------------------------------------------------------- */

static jsuite *add_suite(jdoc *d, const char *name) {
  jsuite *s = realloc(d->suites, (d->n + 1) * sizeof *s);
  if (!s)
    return NULL;
  d->suites = s;
  s = &s[d->n++];
  memset(s, 0, sizeof *s);
  ab_cmp_printf(s->name, sizeof s->name, "%s", name);
  return s;
}

static jcase *add_case(jsuite *s) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 16;
    jcase *c = realloc(s->cases, cap * sizeof *c);
    if (!c)
      return NULL;
    s->cases = c;
    s->cap = cap;
  }
  jcase *c = &s->cases[s->n++];
  memset(c, 0, sizeof *c);
  return c;
}

static void count(jsuite *s, const jcase *c) {
  s->n_failures += c->result == J_FAILURE;
  s->n_skipped += c->result == J_SKIPPED;
}

static void free_doc(jdoc *d) {
  for (size_t i = 0; i < d->n; i++)
    free(d->suites[i].cases);
  free(d->suites);
}

/* JUnit viewers split a classname at dots into a package tree; a dot inside a device name
 * ("Xeon 8480+ 2.0GHz") would add levels, so it becomes '_' and the tree stays
 * backend > device > provider. */
static void set_classname(jcase *c, const char *backend, const char *device, const char *provider) {
  char dev[128];
  ab_cmp_printf(dev, sizeof dev, "%s", device[0] ? device : "device");
  for (char *p = dev; *p; p++)
    if (*p == '.')
      *p = '_';
  ab_cmp_printf(c->classname, sizeof c->classname, "%s.%s.%s", backend, dev, provider);
}

static void set_from_case(jcase *jc, const ab_case_result *c, const char *device_name) {
  set_classname(jc, c->backend, device_name, c->provider);
  ab_cmp_printf(jc->name, sizeof jc->name, "%s", c->case_id);
  jc->time_s = isfinite(c->measured_s) && c->measured_s > 0 ? c->measured_s : 0;
}

/* A case's own status: failures fail, cases that never ran are skipped. */
static void set_status(jcase *jc, const ab_case_result *c) {
  jc->type = ab_case_status_name(c->status);
  switch (c->status) {
  case AB_CASE_OK: jc->result = J_PASS; return;
  case AB_CASE_UNSUPPORTED:
  case AB_CASE_SKIPPED: jc->result = J_SKIPPED; break;
  default: jc->result = J_FAILURE;
  }
  ab_cmp_printf(jc->message, sizeof jc->message, "%s%s%s", jc->type, c->reason[0] ? ": " : "",
                c->reason);
}

/* "rate 2200 GFLOP/s (95% CI 2178-2222)", or "(no interval)" below AB_MIN_CI_SAMPLES. */
static void rate_text(const ab_report_row *r, char *buf, size_t len) {
  double v, lo, hi;
  char ci[64];
  const char *unit = ab_report_rate(r, &v, &lo, &hi);
  if (!isfinite(v))
    ab_cmp_printf(buf, len, "no rate (%s)", unit);
  else
    ab_cmp_printf(buf, len, "rate %.6g %s (%s)", v, unit,
                  ab_cmp_ci_text(lo, hi, 6, false, ci, sizeof ci));
}

/* ---------------------------------------------------------------------------------------
 * Writing the document
 * ------------------------------------------------------------------------------------- */

/* Escaped text that is valid UTF-8 whatever it came from. */
static void text(FILE *out, const char *s) {
  ab_write_markup_escaped(out, s);
}

static void attr(FILE *out, const char *name, const char *value) {
  fprintf(out, " %s=\"", name);
  text(out, value);
  fputc('"', out);
}

static void write_case(FILE *out, const jcase *c) {
  fputs("    <testcase", out);
  attr(out, "classname", c->classname);
  attr(out, "name", c->name);
  fprintf(out, " time=\"%.6f\">\n", c->time_s);
  if (c->result == J_FAILURE) {
    fputs("      <failure", out);
    attr(out, "message", c->message);
    attr(out, "type", c->type ? c->type : "failure");
    fputs(">", out);
    text(out, c->message);
    fputs("</failure>\n", out);
  } else if (c->result == J_SKIPPED) {
    fputs("      <skipped", out);
    attr(out, "message", c->message);
    fputs("/>\n", out);
  }
  if (c->out[0]) {
    fputs("      <system-out>", out);
    text(out, c->out);
    fputs("</system-out>\n", out);
  }
  fputs("    </testcase>\n", out);
}

static void write_suite(FILE *out, const jsuite *s) {
  double t = 0;
  for (size_t i = 0; i < s->n; i++)
    t += s->cases[i].time_s;
  fputs("  <testsuite", out);
  attr(out, "name", s->name);
  fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.6f\">\n",
          s->n, s->n_failures, s->n_skipped, t);
  for (size_t i = 0; i < s->n; i++)
    write_case(out, &s->cases[i]);
  fputs("  </testsuite>\n", out);
}

static ab_status write_doc(FILE *out, const jdoc *d) {
  size_t tests = 0, failures = 0, skipped = 0;
  for (size_t i = 0; i < d->n; i++) {
    tests += d->suites[i].n;
    failures += d->suites[i].n_failures;
    skipped += d->suites[i].n_skipped;
  }
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
  attr(out, "name", d->name);
  fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n", tests, failures,
          skipped);
  for (size_t i = 0; i < d->n; i++)
    write_suite(out, &d->suites[i]);
  fputs("</testsuites>\n", out);
  return fflush(out) == 0 && !ferror(out) ? AB_OK : AB_E_IO;
}

/* Build with `fill`, write, free: the shape every entry point shares. */
static ab_status emit(FILE *out, const char *name, ab_status (*fill)(jdoc *, const void *),
                      const void *arg) {
  jdoc d = {.name = name};
  ab_status st = fill(&d, arg);
  if (st == AB_OK)
    st = write_doc(out, &d);
  free_doc(&d);
  return st;
}

/* ---------------------------------------------------------------------------------------
 * The run files: one suite per run file, one testcase per case
 * ------------------------------------------------------------------------------------- */

/* One testcase per device x requirement, so CI can gate on the tender: not met fails, and
 * so does a mandatory requirement that is not measured or unsupported; an optional one
 * without a figure is skipped. */
static ab_status fill_tender(jdoc *d, const ab_report *rep) {
  jsuite *js = add_suite(d, "tender compliance");
  if (!js)
    return AB_E_NOMEM;
  ab_report en = *rep;
  en.lang = AB_LANG_EN;
  for (size_t q = 0; q < rep->tender.n_reqs; q++) {
    const ab_tender_req *r = &rep->tender.reqs[q];
    for (size_t s = 0; s < rep->n_subjects; s++) {
      const ab_report_subject *sub = &rep->subjects[s];
      const ab_tender_cell *c = ab_report_tender_cell(rep, q, s);
      jcase *jc = add_case(js);
      if (!jc)
        return AB_E_NOMEM;
      char rule[512], fig[256], note[800];
      ab_tender_rule_text(AB_LANG_EN, r, rule, sizeof rule);
      ab_tender_figure_text(AB_LANG_EN, r, c, fig, sizeof fig);
      ab_tender_note_text(&en, c, note, sizeof note);
      set_classname(jc, sub->backend, sub->device_name, sub->provider);
      ab_cmp_printf(jc->name, sizeof jc->name, "%s%s %s", r->marker, r->id, rule);
      jc->type = ab_tender_verdict_name(c->verdict);
      bool fails = c->verdict == AB_TENDER_NOT_MET || (r->mandatory && c->verdict != AB_TENDER_MET);
      jc->result = c->verdict == AB_TENDER_MET ? J_PASS : fails ? J_FAILURE : J_SKIPPED;
      ab_cmp_printf(jc->result == J_PASS ? jc->out : jc->message, sizeof jc->out, "%s: %s; %s",
                    jc->type, fig, note);
      count(js, jc);
    }
  }
  return AB_OK;
}

static ab_status fill_report(jdoc *d, const void *arg) {
  const ab_report *rep = arg;
  if (rep->have_tender && fill_tender(d, rep) != AB_OK)
    return AB_E_NOMEM;
  for (size_t in = 0; in < rep->n_inputs; in++) {
    jsuite *s = add_suite(d, rep->inputs[in].path);
    if (!s)
      return AB_E_NOMEM;
    for (size_t i = 0; i < rep->n_rows; i++) {
      const ab_report_row *r = &rep->rows[i];
      const ab_report_subject *sub = &rep->subjects[r->subject];
      if (sub->input != in)
        continue;
      jcase *jc = add_case(s);
      if (!jc)
        return AB_E_NOMEM;
      set_from_case(jc, r->c, sub->device_name);
      set_status(jc, r->c);
      if (jc->result == J_PASS)
        rate_text(r, jc->out, sizeof jc->out);
      count(s, jc);
    }
  }
  return AB_OK;
}

ab_status ab_report_write_junit(const ab_report *rep, FILE *out) {
  return emit(out, "accelbench", fill_report, rep);
}

/* ---------------------------------------------------------------------------------------
 * A comparison: one suite per subject, one testcase per kernel key
 * ------------------------------------------------------------------------------------- */

static void compare_case(const ab_comparison *cmp, const ab_cmp_kernel *k, size_t subj, jcase *jc) {
  const ab_report_subject *sub = &cmp->rep->subjects[subj];
  const ab_cmp_cell *cell = &k->cells[subj];
  if (!cell->row) {
    set_classname(jc, sub->backend, sub->device_name, sub->provider);
    ab_cmp_printf(jc->name, sizeof jc->name, "%s", k->key);
    jc->result = J_SKIPPED;
    ab_cmp_printf(jc->message, sizeof jc->message, "not run: %s has no case with this kernel key",
                  sub->label);
    return;
  }
  set_from_case(jc, cell->row->c, sub->device_name);
  set_status(jc, cell->row->c);
  if (jc->result != J_PASS)
    return;
  char rate[256], ci[64];
  const char *base = cmp->rep->subjects[cmp->baseline].label;
  rate_text(cell->row, rate, sizeof rate);
  if (isnan(cell->ratio.value)) {
    ab_cmp_printf(jc->out, sizeof jc->out, "%s; no ratio to %s (%s there)", rate, base,
                  ab_cmp_cell_status(&k->cells[cmp->baseline]));
    return;
  }
  ab_cmp_printf(jc->out, sizeof jc->out, "%s; ratio %.4g (%s) to %s: %s", rate, cell->ratio.value,
                ab_cmp_ci_text(cell->ratio.lo, cell->ratio.hi, 4, false, ci, sizeof ci), base,
                ab_cmp_verdict_name(cell->verdict));
}

static ab_status fill_compare(jdoc *d, const void *arg) {
  const ab_comparison *cmp = arg;
  if (cmp->rep->have_tender && fill_tender(d, cmp->rep) != AB_OK)
    return AB_E_NOMEM;
  for (size_t subj = 0; subj < cmp->rep->n_subjects; subj++) {
    jsuite *s = add_suite(d, cmp->rep->subjects[subj].label);
    if (!s)
      return AB_E_NOMEM;
    for (size_t i = 0; i < cmp->n_kernels; i++) {
      jcase *jc = add_case(s);
      if (!jc)
        return AB_E_NOMEM;
      compare_case(cmp, &cmp->kernels[i], subj, jc);
      count(s, jc);
    }
  }
  return AB_OK;
}

ab_status ab_compare_write_junit(const ab_comparison *cmp, FILE *out) {
  return emit(out, "accelbench compare", fill_compare, cmp);
}

/* ---------------------------------------------------------------------------------------
 * The CI gate: one suite, one testcase per paired case
 * ------------------------------------------------------------------------------------- */

static j_result gate_result(ab_gate_outcome o) {
  if (ab_gate_outcome_fails(o))
    return J_FAILURE;
  switch (o) {
  case AB_GATE_MISSING:
  case AB_GATE_NEW:
  case AB_GATE_NOT_OK: return J_SKIPPED;
  default: return J_PASS;
  }
}

static void gate_case(const ab_gate *g, const ab_gate_case *gc, jcase *jc) {
  const ab_report_row *r = gc->cur ? gc->cur : gc->base;
  set_from_case(jc, r->c, g->rep->subjects[r->subject].device_name);
  if (!gc->cur)
    jc->time_s = 0; /* nothing ran this time */
  jc->result = gate_result(gc->outcome);
  jc->type = ab_gate_outcome_name(gc->outcome);
  char detail[1024];
  ab_gate_case_describe(g, gc, detail, sizeof detail);
  char *dst = jc->result == J_PASS ? jc->out : jc->message;
  ab_cmp_printf(dst, sizeof jc->out, "%s: %s", jc->type, detail);
}

/* A failed check of the current run as a whole: a testcase of its own, so that a CI
 * viewer shows why a gate with no failing case failed. */
static void check_case(const ab_gate *g, ab_gate_check c, jcase *jc) {
  static const char *const names[AB_GATE_CHECK_COUNT] = {
      [AB_GATE_CHECK_COMPLETE] = "the current run is complete",
      [AB_GATE_CHECK_OVERLAP] = "the current run has the baseline's cases",
      [AB_GATE_CHECK_VERIFIED] = "both run files are verified bundles"};
  snprintf(jc->classname, sizeof jc->classname, "accelbench.gate.run");
  snprintf(jc->name, sizeof jc->name, "%s", names[c]);
  jc->result = J_FAILURE;
  jc->type = ab_gate_check_name(c);
  char why[1024];
  ab_gate_check_describe(g, c, why, sizeof why);
  ab_cmp_printf(jc->message, sizeof jc->message, "%s: %s", jc->type, why);
}

static ab_status fill_gate(jdoc *d, const void *arg) {
  const ab_gate *g = arg;
  const char *cur = g->rep->inputs[1].path, *base = g->rep->inputs[0].path;
  char name[1100];
  ab_cmp_printf(name, sizeof name, "%.*s against %.*s", ab_utf8_prefix(cur, 500), cur,
                ab_utf8_prefix(base, 500), base);
  jsuite *s = add_suite(d, name);
  if (!s)
    return AB_E_NOMEM;
  for (int c = 0; c < AB_GATE_CHECK_COUNT; c++) {
    if (!g->check_failed[c])
      continue;
    jcase *jc = add_case(s);
    if (!jc)
      return AB_E_NOMEM;
    check_case(g, (ab_gate_check)c, jc);
    count(s, jc);
  }
  for (size_t i = 0; i < g->n_cases; i++) {
    jcase *jc = add_case(s);
    if (!jc)
      return AB_E_NOMEM;
    gate_case(g, &g->cases[i], jc);
    count(s, jc);
  }
  return AB_OK;
}

ab_status ab_gate_write_junit(const ab_gate *g, FILE *out) {
  return emit(out, "accelbench compare --against", fill_gate, g);
}
