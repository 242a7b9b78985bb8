/* accelbench — the CI gate (compare.h, docs/compare.md): a current run against a baseline
 * run of the same machine, case by case, with a regression threshold; and its Markdown
 * summary. The JUnit of the gate is in junit.c. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "compare_priv.h"
#include "escape.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

/* ---------------------------------------------------------------------------------------
 * Threshold, names
 * ------------------------------------------------------------------------------------- */

ab_status ab_threshold_parse(const char *text, double *out, char *msg) {
  const char *why = NULL;
  char *end = NULL;
  errno = 0;
  double v = text && *text && !isspace((unsigned char)*text) ? strtod(text, &end) : NAN;
  bool pct = end && *end == '%';
  if (!isfinite(v) || end == text || errno || (*end && !(pct && end[1] == '\0')))
    why = "expected a percentage (5%) or a fraction (0.05)";
  else if (v < 0)
    why = "a regression threshold cannot be negative";
  else if ((pct && v >= 100) || (!pct && v >= 1))
    why = pct ? "a threshold of 100% or more would never fail"
              : "a fraction must be below 1 (write 5% or 0.05 for five percent)";
  if (why) {
    snprintf(msg, AB_MSG_LEN, "--max-regression '%s': %s", text ? text : "", why);
    return AB_E_INVALID;
  }
  *out = pct ? v / 100 : v;
  return AB_OK;
}

const char *ab_gate_outcome_name(ab_gate_outcome o) {
  switch (o) {
  case AB_GATE_PASS: return "pass";
  case AB_GATE_REGRESSED: return "regressed";
  case AB_GATE_NEWLY_FAILED: return "newly failed";
  case AB_GATE_NEWLY_WRONG: return "newly wrong";
  case AB_GATE_NEWLY_UNSUPPORTED: return "newly unsupported";
  case AB_GATE_NOT_OK: return "not ok";
  case AB_GATE_FIXED: return "fixed";
  case AB_GATE_MISSING: return "missing";
  case AB_GATE_NEW: return "new";
  default: return "invalid";
  }
}

const char *ab_gate_check_name(ab_gate_check c) {
  switch (c) {
  case AB_GATE_CHECK_COMPLETE: return "incomplete run";
  case AB_GATE_CHECK_OVERLAP: return "nothing compared";
  case AB_GATE_CHECK_VERIFIED: return "unverified input";
  default: return "invalid";
  }
}

bool ab_gate_outcome_fails(ab_gate_outcome o) {
  return o == AB_GATE_REGRESSED || o == AB_GATE_NEWLY_FAILED || o == AB_GATE_NEWLY_WRONG ||
         o == AB_GATE_NEWLY_UNSUPPORTED;
}

bool ab_gate_failed(const ab_gate *g) {
  for (int c = 0; c < AB_GATE_CHECK_COUNT; c++)
    if (g->check_failed[c])
      return true;
  for (int o = 0; o < AB_GATE_OUTCOME_COUNT; o++)
    if (ab_gate_outcome_fails((ab_gate_outcome)o) && g->n_outcome[o])
      return true;
  return false;
}

/* ---------------------------------------------------------------------------------------
 * Pairing cases
 * ------------------------------------------------------------------------------------- */

static bool is_failure(ab_case_status s) {
  return s == AB_CASE_FAILED || s == AB_CASE_CRASHED || s == AB_CASE_TIMEOUT;
}

/* Both ok: a drop beyond the threshold, and one the intervals cannot explain. A large drop
 * within noise is not flagged, nor a small one outside it, nor one without an interval. */
static ab_gate_outcome rate_outcome(const ab_gate *g, ab_gate_case *gc) {
  double v, lo, hi, bv, blo, bhi;
  gc->unit = ab_cmp_row_rate(gc->cur, &v, &lo, &hi);
  ab_cmp_row_rate(gc->base, &bv, &blo, &bhi);
  gc->ratio = ab_ratio_of(v, lo, hi, bv, blo, bhi);
  bool beyond = gc->ratio.value < 1 - g->threshold;
  return beyond && ab_ratio_verdict(&gc->ratio) == AB_CMP_SLOWER ? AB_GATE_REGRESSED : AB_GATE_PASS;
}

static ab_gate_outcome pair_outcome(const ab_gate *g, ab_gate_case *gc) {
  ab_case_status b = gc->base->c->status, c = gc->cur->c->status;
  if (c == AB_CASE_WRONG_RESULT || c == AB_CASE_IMPLAUSIBLE) /* an answer or a time not true */
    return b == c ? AB_GATE_NOT_OK : AB_GATE_NEWLY_WRONG;
  if (is_failure(c))
    return b == AB_CASE_OK ? AB_GATE_NEWLY_FAILED : AB_GATE_NOT_OK;
  if (c != AB_CASE_OK) /* unsupported or skipped: coverage the baseline had is gone */
    return b == AB_CASE_OK ? AB_GATE_NEWLY_UNSUPPORTED : AB_GATE_NOT_OK;
  if (b != AB_CASE_OK)
    return AB_GATE_FIXED;
  return rate_outcome(g, gc);
}

/* The k-th case with a key in the current run pairs with the k-th in the baseline, so a
 * key that repeats (one shape in two sets) still pairs one to one. */
typedef struct keyed {
  char key[512];
  const ab_report_row *row;
  bool used;
} keyed;

/* The rows of one input, in case order, with their keys. */
static keyed *key_rows(const ab_report *rep, size_t input, size_t *n) {
  keyed *k = calloc(rep->n_rows ? rep->n_rows : 1, sizeof *k);
  *n = 0;
  if (!k)
    return NULL;
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_row *r = &rep->rows[i];
    if (rep->subjects[r->subject].input != input)
      continue;
    k[*n].row = r;
    ab_report_case_key(r->c, k[*n].key, sizeof k[*n].key);
    (*n)++;
  }
  return k;
}

static keyed *take_match(keyed *cur, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (!cur[i].used && strcmp(cur[i].key, key) == 0) {
      cur[i].used = true;
      return &cur[i];
    }
  return NULL;
}

static void add_gate_case(ab_gate *g, const char *key, const ab_report_row *base,
                          const ab_report_row *cur) {
  ab_gate_case *gc = &g->cases[g->n_cases++];
  memset(gc, 0, sizeof *gc);
  snprintf(gc->key, sizeof gc->key, "%s", key);
  gc->base = base;
  gc->cur = cur;
  gc->ratio = (ab_ratio){NAN, NAN, NAN};
  gc->unit = ab_cmp_row_rate(cur ? cur : base, &(double){0}, &(double){0}, &(double){0});
  if (!base)
    gc->outcome = AB_GATE_NEW;
  else if (!cur)
    gc->outcome = AB_GATE_MISSING;
  else
    gc->outcome = pair_outcome(g, gc);
  g->n_outcome[gc->outcome]++;
  if (isfinite(gc->ratio.value) && !isfinite(gc->ratio.lo))
    g->n_no_interval++;
}

static void pair_cases(ab_gate *g, keyed *base, size_t nb, keyed *cur, size_t nc) {
  for (size_t i = 0; i < nb; i++) {
    keyed *m = take_match(cur, nc, base[i].key);
    add_gate_case(g, base[i].key, base[i].row, m ? m->row : NULL);
  }
  for (size_t i = 0; i < nc; i++)
    if (!cur[i].used)
      add_gate_case(g, cur[i].key, NULL, cur[i].row);
}

/* ---------------------------------------------------------------------------------------
 * Checks of the runs as a whole, and notes
 * ------------------------------------------------------------------------------------- */

/* A run that stopped early, or one that shares no case with the baseline (a backend that
 * loaded nothing), would otherwise pass with everything "missing". */
static void run_checks(ab_gate *g) {
  g->check_failed[AB_GATE_CHECK_COMPLETE] = !g->rep->inputs[1].run.complete;
  g->check_failed[AB_GATE_CHECK_OVERLAP] = g->n_outcome[AB_GATE_MISSING] == g->n_base;
}

static ab_status note_hosts(ab_gate *g) {
  const ab_report *rep = g->rep;
  const char *a = json_string_value(json_object_get(rep->inputs[0].run.system, "hostname"));
  const char *b = json_string_value(json_object_get(rep->inputs[1].run.system, "hostname"));
  if (!a || !b || strcmp(a, b) == 0)
    return AB_OK;
  return ab_cmp_add_note(&g->notes, &g->n_notes,
                         "the baseline ran on host \"%.*s\", the current run on \"%.*s\": the "
                         "gate is meant for one machine over time",
                         ab_utf8_prefix(a, 100), a, ab_utf8_prefix(b, 100), b);
}

static ab_status note_no_interval(ab_gate *g) {
  if (!g->n_no_interval)
    return AB_OK;
  return ab_cmp_add_note(&g->notes, &g->n_notes,
                         "%zu case(s) ok in both runs have no 95%% interval (fewer than %d "
                         "samples, or none recorded): a slowdown there cannot be told from "
                         "noise and never fails the gate; measure longer to gate them",
                         g->n_no_interval, AB_MIN_CI_SAMPLES);
}

static ab_status build_notes(ab_gate *g) {
  bool differ = false;
  /* A current run cut short fails a check of its own; only the baseline's is a note. */
  ab_status st = ab_cmp_note_runs_differ(g->rep, 1, &g->notes, NULL, &g->n_notes, &differ);
  if (st == AB_OK)
    st = note_hosts(g);
  if (st == AB_OK)
    st = note_no_interval(g);
  return st;
}

static ab_status pair_runs(ab_gate *g) {
  size_t nb = 0, nc = 0;
  keyed *base = key_rows(g->rep, 0, &nb), *cur = key_rows(g->rep, 1, &nc);
  g->cases = calloc(nb + nc ? nb + nc : 1, sizeof *g->cases);
  ab_status st = base && cur && g->cases ? AB_OK : AB_E_NOMEM;
  if (st == AB_OK) {
    g->n_base = nb;
    g->n_cur = nc;
    pair_cases(g, base, nb, cur, nc);
  }
  free(base);
  free(cur);
  return st;
}

ab_status ab_gate_build(ab_gate *g, const ab_report *rep, double threshold, char *msg) {
  memset(g, 0, sizeof *g);
  g->rep = rep;
  g->threshold = threshold;
  if (rep->n_inputs != 2) {
    snprintf(msg, AB_MSG_LEN, "the gate compares exactly two run files, got %zu", rep->n_inputs);
    return AB_E_INVALID;
  }
  ab_status st = pair_runs(g);
  if (st == AB_OK) {
    run_checks(g);
    st = build_notes(g);
  }
  if (st != AB_OK) {
    snprintf(msg, AB_MSG_LEN, "out of memory while pairing cases");
    ab_gate_free(g);
  }
  return st;
}

void ab_gate_require_verified(ab_gate *g) {
  g->check_failed[AB_GATE_CHECK_VERIFIED] = g->rep->inputs[0].trust.state != AB_TRUST_VERIFIED ||
                                            g->rep->inputs[1].trust.state != AB_TRUST_VERIFIED;
}

void ab_gate_free(ab_gate *g) {
  if (!g)
    return;
  free(g->cases);
  ab_cmp_free_notes(g->notes, g->n_notes);
  memset(g, 0, sizeof *g);
}

/* ---------------------------------------------------------------------------------------
 * Describing a case or a failed check
 * ------------------------------------------------------------------------------------- */

static const char *ratio_why(const ab_gate_case *gc) {
  if (gc->outcome == AB_GATE_REGRESSED)
    return "slower beyond the threshold, outside noise";
  if (!isfinite(gc->ratio.lo) || !isfinite(gc->ratio.hi))
    return "no interval to tell a change from noise (fewer than " STR(
        AB_MIN_CI_SAMPLES) " "
                           "samples): not a regression";
  switch (ab_ratio_verdict(&gc->ratio)) {
  case AB_CMP_FASTER: return "faster";
  case AB_CMP_SLOWER: return "slower, within the threshold";
  default: return "within noise";
  }
}

static void describe_ratio(const ab_gate *g, const ab_gate_case *gc, char *buf, size_t len) {
  double v, lo, hi, bv, blo, bhi;
  ab_cmp_row_rate(gc->cur, &v, &lo, &hi);
  ab_cmp_row_rate(gc->base, &bv, &blo, &bhi);
  if (isnan(gc->ratio.value)) {
    ab_cmp_printf(buf, len, "no rate to compare (%s)", gc->unit ? gc->unit : "no unit");
    return;
  }
  char ci[64];
  ab_cmp_printf(buf, len, "ratio %.3f (%s) of the baseline: %.4g vs %.4g %s; threshold %.4g%%; %s",
                gc->ratio.value, ab_cmp_ci_text(gc->ratio.lo, gc->ratio.hi, 3, true, ci, sizeof ci),
                v, bv, gc->unit ? gc->unit : "", g->threshold * 100, ratio_why(gc));
}

void ab_gate_case_describe(const ab_gate *g, const ab_gate_case *gc, char *buf, size_t len) {
  const ab_case_result *b = gc->base ? gc->base->c : NULL, *c = gc->cur ? gc->cur->c : NULL;
  switch (gc->outcome) {
  case AB_GATE_PASS:
  case AB_GATE_REGRESSED: describe_ratio(g, gc, buf, len); break;
  case AB_GATE_MISSING:
    ab_cmp_printf(buf, len, "in the baseline (%s), not in the current run",
                  ab_case_status_name(b->status));
    break;
  case AB_GATE_NEW:
    ab_cmp_printf(buf, len, "new in the current run (%s%s%.*s)", ab_case_status_name(c->status),
                  c->reason[0] ? ": " : "", ab_utf8_prefix(c->reason, 300), c->reason);
    break;
  default:
    ab_cmp_printf(buf, len, "%s in the baseline, %s now%s%.*s", ab_case_status_name(b->status),
                  ab_case_status_name(c->status), c->reason[0] ? ": " : "",
                  ab_utf8_prefix(c->reason, 400), c->reason);
  }
}

/* "baseline run.json: unsigned; current run.json: not verified (why)" for the inputs that
 * are not verified. */
static void describe_unverified(const ab_gate *g, char *buf, size_t len) {
  static const char *const roles[2] = {"baseline", "current"};
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < 2 && used < len; i++) {
    const ab_report_input *in = &g->rep->inputs[i];
    if (in->trust.state == AB_TRUST_VERIFIED)
      continue;
    char clean[AB_CMP_UTF8_CAP], text[320];
    const char *name = ab_utf8_clean_into(ab_cmp_base_name(in->path), clean, sizeof clean);
    ab_trust_text(&in->trust, text, sizeof text);
    ab_cmp_printf(buf + used, len - used, "%s%s %.*s: %s", used ? "; " : "", roles[i],
                  ab_utf8_prefix(name, 200), name, text);
    used = strlen(buf);
  }
}

void ab_gate_check_describe(const ab_gate *g, ab_gate_check c, char *buf, size_t len) {
  const char *cur = ab_cmp_base_name(g->rep->inputs[1].path);
  char clean[AB_CMP_UTF8_CAP];
  cur = ab_utf8_clean_into(cur, clean, sizeof clean);
  if (c == AB_GATE_CHECK_VERIFIED)
    describe_unverified(g, buf, len);
  else if (c == AB_GATE_CHECK_COMPLETE)
    ab_cmp_printf(buf, len,
                  "the current run %.*s was cut short (complete: false): cases it did not reach "
                  "are not compared",
                  ab_utf8_prefix(cur, 300), cur);
  else if (g->n_base == 0)
    ab_cmp_printf(buf, len, "the baseline has no cases: there is nothing to gate against");
  else
    ab_cmp_printf(buf, len,
                  "none of the baseline's %zu cases is in the current run %.*s (%zu cases): a "
                  "backend or device that loaded nothing?",
                  g->n_base, ab_utf8_prefix(cur, 300), cur, g->n_cur);
}

/* ---------------------------------------------------------------------------------------
 * Markdown summary
 * ------------------------------------------------------------------------------------- */

/* Escaped table-cell text, never a code span: a backtick in a path would end the span. */
static void gate_md_input(const ab_report_input *in, const char *role, FILE *out) {
  fprintf(out, "- %s: ", role);
  ab_write_md_cell(out, in->path);
  fputs(" (started ", out);
  ab_write_md_cell(out, in->run.started_utc);
  fputs(", accelbench ", out);
  ab_write_md_cell(out, in->run.harness_version);
  fputs(", suite ", out);
  ab_write_md_cell(out, in->run.suite_name);
  if (in->trust.state != AB_TRUST_NOT_CHECKED) {
    char text[320];
    ab_trust_text(&in->trust, text, sizeof text);
    fputs("; bundle ", out);
    ab_write_md_cell(out, text);
  }
  fputs(")\n", out);
}

static void gate_md_section(const ab_gate *g, ab_gate_outcome o, const char *title, FILE *out) {
  if (!g->n_outcome[o])
    return;
  fprintf(out, "## %s (%zu)\n\n| case | detail |\n| --- | --- |\n", title, g->n_outcome[o]);
  for (size_t i = 0; i < g->n_cases; i++) {
    const ab_gate_case *gc = &g->cases[i];
    if (gc->outcome != o)
      continue;
    char detail[1024];
    ab_gate_case_describe(g, gc, detail, sizeof detail);
    fputs("| ", out);
    ab_write_md_cell(out, (gc->cur ? gc->cur : gc->base)->c->case_id);
    fputs(" | ", out);
    ab_write_md_cell(out, detail);
    fputs(" |\n", out);
  }
  fputc('\n', out);
}

static void gate_md_result(const ab_gate *g, FILE *out) {
  const size_t *n = g->n_outcome;
  fprintf(out,
          "**Result: %s** \xe2\x80\x94 %zu regressed, %zu newly failed, %zu newly wrong, %zu "
          "newly unsupported; %zu missing, %zu new, %zu not ok, %zu fixed, %zu pass\n\n",
          ab_gate_failed(g) ? "FAIL" : "PASS", n[AB_GATE_REGRESSED], n[AB_GATE_NEWLY_FAILED],
          n[AB_GATE_NEWLY_WRONG], n[AB_GATE_NEWLY_UNSUPPORTED], n[AB_GATE_MISSING], n[AB_GATE_NEW],
          n[AB_GATE_NOT_OK], n[AB_GATE_FIXED], n[AB_GATE_PASS]);
}

/* Failed checks, missing cases and notes: what a reader must see before the tables. */
static void gate_md_alerts(const ab_gate *g, FILE *out) {
  bool any = false;
  for (int c = 0; c < AB_GATE_CHECK_COUNT; c++) {
    if (!g->check_failed[c])
      continue;
    char why[1024];
    ab_gate_check_describe(g, (ab_gate_check)c, why, sizeof why);
    fprintf(out, "- **Gate failure (%s):** ", ab_gate_check_name((ab_gate_check)c));
    ab_write_md_cell(out, why);
    fputc('\n', out);
    any = true;
  }
  if (g->n_outcome[AB_GATE_MISSING]) {
    fprintf(out,
            "- **Warning: %zu of the baseline's %zu cases are missing from the current run** "
            "(listed under Missing): they were not compared\n",
            g->n_outcome[AB_GATE_MISSING], g->n_base);
    any = true;
  }
  for (size_t i = 0; i < g->n_notes; i++) {
    fputs("- **Warning:** ", out);
    ab_write_md_cell(out, g->notes[i]);
    fputc('\n', out);
    any = true;
  }
  if (any)
    fputc('\n', out);
}

ab_status ab_gate_write_md(const ab_gate *g, FILE *out) {
  fputs("# accelbench compare: CI gate\n\n", out);
  gate_md_input(&g->rep->inputs[0], "baseline", out);
  gate_md_input(&g->rep->inputs[1], "current", out);
  fprintf(out,
          "- threshold: a case regresses when it is more than %.4g%% slower and the "
          "ratio's 95%% interval lies wholly below 1\n\n",
          g->threshold * 100);
  gate_md_result(g, out);
  gate_md_alerts(g, out);
  static const struct {
    ab_gate_outcome o;
    const char *title;
  } order[] = {{AB_GATE_REGRESSED, "Regressed"},
               {AB_GATE_NEWLY_FAILED, "Newly failed"},
               {AB_GATE_NEWLY_WRONG, "Newly wrong"},
               {AB_GATE_NEWLY_UNSUPPORTED, "Newly unsupported"},
               {AB_GATE_MISSING, "Missing"},
               {AB_GATE_NEW, "New"},
               {AB_GATE_NOT_OK, "Not ok (not new)"},
               {AB_GATE_FIXED, "Fixed"},
               {AB_GATE_PASS, "Pass"}};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    gate_md_section(g, order[i].o, order[i].title, out);
  return ab_cmp_finish(out);
}
