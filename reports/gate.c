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
#include "render_summary.h"

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
  return ab_note_add(&g->notes, &g->notes_text, &g->n_notes, rep->lang, AB_M_G_N_HOSTS,
                     ab_utf8_prefix(a, 100), a, ab_utf8_prefix(b, 100), b);
}

static ab_status note_no_interval(ab_gate *g) {
  if (!g->n_no_interval)
    return AB_OK;
  return ab_note_add(&g->notes, &g->notes_text, &g->n_notes, g->rep->lang, AB_M_G_N_NO_INTERVAL,
                     g->n_no_interval, AB_MIN_CI_SAMPLES);
}

static ab_status build_notes(ab_gate *g) {
  bool differ = false;
  /* A current run cut short fails a check of its own; only the baseline's is a note. */
  ab_status st =
      ab_cmp_note_runs_differ(g->rep, 1, &g->notes, &g->notes_text, &g->n_notes, &differ);
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
  ab_notes_free(g->notes, g->notes_text, g->n_notes);
  memset(g, 0, sizeof *g);
}

/* ---------------------------------------------------------------------------------------
 * Describing a case or a failed check
 * ------------------------------------------------------------------------------------- */

static ab_msg ratio_why(const ab_gate_case *gc) {
  if (gc->outcome == AB_GATE_REGRESSED)
    return AB_M_G_WHY_REGRESSED;
  if (!isfinite(gc->ratio.lo) || !isfinite(gc->ratio.hi))
    return AB_M_G_WHY_NO_INTERVAL;
  switch (ab_ratio_verdict(&gc->ratio)) {
  case AB_CMP_FASTER: return AB_M_G_WHY_FASTER;
  case AB_CMP_SLOWER: return AB_M_G_WHY_SLOWER;
  default: return AB_M_G_WHY_NOISE;
  }
}

static void describe_ratio(const ab_gate *g, const ab_gate_case *gc, ab_lang lang, char *buf,
                           size_t len) {
  double v, lo, hi, bv, blo, bhi;
  ab_cmp_row_rate(gc->cur, &v, &lo, &hi);
  ab_cmp_row_rate(gc->base, &bv, &blo, &bhi);
  const char *unit = gc->unit ? gc->unit : ab_tr(lang, AB_M_G_NO_UNIT);
  if (isnan(gc->ratio.value)) {
    ab_trf(buf, len, lang, AB_M_G_NO_RATE, unit);
    return;
  }
  char ci[64], why[256];
  if (isfinite(gc->ratio.lo) && isfinite(gc->ratio.hi))
    ab_cmp_ci_text(gc->ratio.lo, gc->ratio.hi, 3, true, ci, sizeof ci);
  else
    snprintf(ci, sizeof ci, "%s", ab_tr(lang, AB_M_NO_INTERVAL));
  ab_trf(why, sizeof why, lang, ratio_why(gc), AB_MIN_CI_SAMPLES);
  ab_trf(buf, len, lang, AB_M_G_RATIO, gc->ratio.value, ci, v, bv, gc->unit ? gc->unit : "",
         g->threshold * 100, why);
}

/* ": " before a backend's reason, in the language's punctuation; "" without a reason. */
static const char *reason_sep(ab_lang lang, const char *reason) {
  return !reason[0] ? "" : lang == AB_LANG_EN ? ": " : "\xef\xbc\x9a"; /* ： */
}

void ab_gate_case_describe_in(const ab_gate *g, const ab_gate_case *gc, ab_lang lang, char *buf,
                              size_t len) {
  const ab_case_result *b = gc->base ? gc->base->c : NULL, *c = gc->cur ? gc->cur->c : NULL;
  switch (gc->outcome) {
  case AB_GATE_PASS:
  case AB_GATE_REGRESSED: describe_ratio(g, gc, lang, buf, len); break;
  case AB_GATE_MISSING:
    ab_trf(buf, len, lang, AB_M_G_MISSING_CASE, ab_case_status_label(lang, b->status));
    break;
  case AB_GATE_NEW:
    ab_trf(buf, len, lang, AB_M_G_NEW_CASE, ab_case_status_label(lang, c->status),
           reason_sep(lang, c->reason), ab_utf8_prefix(c->reason, 300), c->reason);
    break;
  default:
    ab_trf(buf, len, lang, AB_M_G_CHANGED_CASE, ab_case_status_label(lang, b->status),
           ab_case_status_label(lang, c->status), reason_sep(lang, c->reason),
           ab_utf8_prefix(c->reason, 400), c->reason);
  }
}

void ab_gate_case_describe(const ab_gate *g, const ab_gate_case *gc, char *buf, size_t len) {
  ab_gate_case_describe_in(g, gc, AB_LANG_EN, buf, len);
}

/* "baseline run.json: unsigned; current run.json: not verified (why)" for the inputs that
 * are not verified. */
static void describe_unverified(const ab_gate *g, ab_lang lang, char *buf, size_t len) {
  static const ab_msg roles[2] = {AB_M_G_BASELINE, AB_M_G_CURRENT};
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < 2 && used < len; i++) {
    const ab_report_input *in = &g->rep->inputs[i];
    if (in->trust.state == AB_TRUST_VERIFIED)
      continue;
    char clean[AB_CMP_UTF8_CAP], text[480];
    const char *name = ab_utf8_clean_into(ab_cmp_base_name(in->path), clean, sizeof clean);
    ab_report_trust_text(lang, &in->trust, text, sizeof text);
    if (used)
      ab_cmp_printf(buf + used, len - used, "%s", lang == AB_LANG_EN ? "; " : "\xef\xbc\x9b");
    used = strlen(buf);
    ab_trf(buf + used, len - used, lang, AB_M_G_UNVERIFIED, ab_tr(lang, roles[i]),
           ab_utf8_prefix(name, 200), name, text);
    used = strlen(buf);
  }
}

void ab_gate_check_describe_in(const ab_gate *g, ab_gate_check c, ab_lang lang, char *buf,
                               size_t len) {
  const char *cur = ab_cmp_base_name(g->rep->inputs[1].path);
  char clean[AB_CMP_UTF8_CAP];
  cur = ab_utf8_clean_into(cur, clean, sizeof clean);
  if (c == AB_GATE_CHECK_VERIFIED)
    describe_unverified(g, lang, buf, len);
  else if (c == AB_GATE_CHECK_COMPLETE)
    ab_trf(buf, len, lang, AB_M_G_CUT_SHORT, ab_utf8_prefix(cur, 300), cur);
  else if (g->n_base == 0)
    ab_trf(buf, len, lang, AB_M_G_EMPTY_BASELINE);
  else
    ab_trf(buf, len, lang, AB_M_G_NO_OVERLAP, g->n_base, ab_utf8_prefix(cur, 300), cur, g->n_cur);
}

void ab_gate_check_describe(const ab_gate *g, ab_gate_check c, char *buf, size_t len) {
  ab_gate_check_describe_in(g, c, AB_LANG_EN, buf, len);
}

/* ---------------------------------------------------------------------------------------
 * Markdown summary
 * ------------------------------------------------------------------------------------- */

/* Escaped table-cell text, never a code span: a backtick in a path would end the span. */
static void gate_md_input(const ab_report_input *in, ab_msg role, ab_lang lang, FILE *out) {
  char line[4096], trust[480] = "";
  if (in->trust.state != AB_TRUST_NOT_CHECKED)
    ab_report_trust_text(lang, &in->trust, trust, sizeof trust);
  ab_trf(line, sizeof line, lang, trust[0] ? AB_M_G_INPUT_BUNDLE : AB_M_G_INPUT, in->path,
         in->run.started_utc, in->run.harness_version, in->run.suite_name, trust);
  fprintf(out, "- %s%s", ab_tr(lang, role), lang == AB_LANG_EN ? ": " : "\xef\xbc\x9a");
  ab_write_md_cell(out, line);
  fputc('\n', out);
}

static void gate_md_section(const ab_gate *g, ab_gate_outcome o, ab_msg title, FILE *out) {
  ab_lang lang = g->rep->lang;
  if (!g->n_outcome[o])
    return;
  fprintf(out, "## %s (%zu)\n\n| %s | %s |\n| --- | --- |\n", ab_tr(lang, title), g->n_outcome[o],
          ab_tr(lang, AB_M_G_COL_CASE), ab_tr(lang, AB_M_G_COL_DETAIL));
  for (size_t i = 0; i < g->n_cases; i++) {
    const ab_gate_case *gc = &g->cases[i];
    if (gc->outcome != o)
      continue;
    char detail[1024];
    ab_gate_case_describe_in(g, gc, lang, detail, sizeof detail);
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
  ab_lang lang = g->rep->lang;
  char line[1024];
  ab_trf(line, sizeof line, lang, AB_M_G_RESULT,
         ab_tr(lang, ab_gate_failed(g) ? AB_M_G_FAIL : AB_M_G_PASS), n[AB_GATE_REGRESSED],
         n[AB_GATE_NEWLY_FAILED], n[AB_GATE_NEWLY_WRONG], n[AB_GATE_NEWLY_UNSUPPORTED],
         n[AB_GATE_MISSING], n[AB_GATE_NEW], n[AB_GATE_NOT_OK], n[AB_GATE_FIXED], n[AB_GATE_PASS]);
  fprintf(out, "%s\n\n", line);
}

static const ab_msg check_msg[AB_GATE_CHECK_COUNT] = {
    [AB_GATE_CHECK_COMPLETE] = AB_M_G_CHECK_COMPLETE,
    [AB_GATE_CHECK_OVERLAP] = AB_M_G_CHECK_OVERLAP,
    [AB_GATE_CHECK_VERIFIED] = AB_M_G_CHECK_VERIFIED};

/* Failed checks, missing cases and notes: what a reader must see before the tables. */
static void gate_md_alerts(const ab_gate *g, FILE *out) {
  ab_lang lang = g->rep->lang;
  bool any = false;
  for (int c = 0; c < AB_GATE_CHECK_COUNT; c++) {
    if (!g->check_failed[c])
      continue;
    char why[1024], head[256];
    ab_gate_check_describe_in(g, (ab_gate_check)c, lang, why, sizeof why);
    ab_trf(head, sizeof head, lang, AB_M_G_CHECK_FAILED, ab_tr(lang, check_msg[c]));
    fprintf(out, "- **%s** ", head);
    ab_write_md_cell(out, why);
    fputc('\n', out);
    any = true;
  }
  if (g->n_outcome[AB_GATE_MISSING]) {
    char line[512];
    ab_trf(line, sizeof line, lang, AB_M_G_MISSING_WARNING, g->n_outcome[AB_GATE_MISSING],
           g->n_base);
    fprintf(out, "- %s\n", line);
    any = true;
  }
  for (size_t i = 0; i < g->n_notes; i++) {
    fprintf(out, "- %s ", ab_tr(lang, AB_M_G_WARNING));
    ab_write_md_cell(out, g->notes_text[i]);
    fputc('\n', out);
    any = true;
  }
  if (any)
    fputc('\n', out);
}

ab_status ab_gate_write_md(const ab_gate *g, FILE *out) {
  ab_lang lang = g->rep->lang;
  char line[512];
  fprintf(out, "# %s\n\n", ab_tr(lang, AB_M_G_TITLE));
  gate_md_input(&g->rep->inputs[0], AB_M_G_BASELINE, lang, out);
  gate_md_input(&g->rep->inputs[1], AB_M_G_CURRENT, lang, out);
  ab_trf(line, sizeof line, lang, AB_M_G_THRESHOLD, g->threshold * 100);
  fprintf(out, "- %s\n\n", line);
  gate_md_result(g, out);
  gate_md_alerts(g, out);
  static const struct {
    ab_gate_outcome o;
    ab_msg title;
  } order[] = {{AB_GATE_REGRESSED, AB_M_G_S_REGRESSED},
               {AB_GATE_NEWLY_FAILED, AB_M_G_S_NEWLY_FAILED},
               {AB_GATE_NEWLY_WRONG, AB_M_G_S_NEWLY_WRONG},
               {AB_GATE_NEWLY_UNSUPPORTED, AB_M_G_S_NEWLY_UNSUPPORTED},
               {AB_GATE_MISSING, AB_M_G_S_MISSING},
               {AB_GATE_NEW, AB_M_G_S_NEW},
               {AB_GATE_NOT_OK, AB_M_G_S_NOT_OK},
               {AB_GATE_FIXED, AB_M_G_S_FIXED},
               {AB_GATE_PASS, AB_M_G_S_PASS}};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    gate_md_section(g, order[i].o, order[i].title, out);
  return ab_cmp_finish(out);
}
