/* accelbench — comparing run files (compare.h, docs/compare.md): ratios and verdicts, the
 * side-by-side model (subjects against a baseline subject), and the helpers its renderers
 * (compare_render.c), the gate (gate.c) and the JUnit writer (junit.c) share. Every rate
 * comes from the report model (ab_report_rate), so a number here is the number in a report. */
#include "compare.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compare_priv.h"
#include "escape.h"
#include "render_tender.h"

/* ---------------------------------------------------------------------------------------
 * Text: valid UTF-8 whatever the input or the cut
 * ------------------------------------------------------------------------------------- */

/* Drop a character that a cut left incomplete at the end of s. */
static void trim_partial_char(char *s) {
  size_t end = strlen(s), i = end;
  while (i > 0 && end - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
    i--;
  if (i > 0 && (unsigned char)s[i - 1] >= 0xC0 &&
      ab_utf8_seq_len((const unsigned char *)s + i - 1) != end - i + 1)
    s[i - 1] = '\0';
}

static void vprint_utf8(char *buf, size_t len, const char *fmt, va_list ap) {
  if (len == 0)
    return;
  int n = vsnprintf(buf, len, fmt, ap);
  if (n < 0)
    buf[0] = '\0';
  else if ((size_t)n >= len)
    trim_partial_char(buf);
}

void ab_cmp_printf(char *buf, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprint_utf8(buf, len, fmt, ap);
  va_end(ap);
}

const char *ab_cmp_ci_text(double lo, double hi, int digits, bool fixed, char *buf, size_t len) {
  if (!isfinite(lo) || !isfinite(hi))
    snprintf(buf, len, "no interval");
  else if (fixed)
    snprintf(buf, len, "95%% CI %.*f-%.*f", digits, lo, digits, hi);
  else
    snprintf(buf, len, "95%% CI %.*g-%.*g", digits, lo, digits, hi);
  return buf;
}

const char *ab_cmp_base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

ab_status ab_cmp_finish(FILE *out) {
  return fflush(out) == 0 && !ferror(out) ? AB_OK : AB_E_IO;
}

/* ---------------------------------------------------------------------------------------
 * Notes
 * ------------------------------------------------------------------------------------- */

/* Harness versions or suites that differ between run files: such runs planned different
 * cases, so only keys present in both are compared, and the reader is told. */
static ab_status note_versions(const ab_report *rep, char ***notes, char ***texts, size_t *n,
                               bool *differ) {
  const ab_report_input *first = &rep->inputs[0];
  ab_status st = AB_OK;
  for (size_t i = 1; i < rep->n_inputs && st == AB_OK; i++) {
    const ab_report_input *in = &rep->inputs[i];
    if (strcmp(in->run.harness_version, first->run.harness_version) != 0) {
      *differ = true;
      st = ab_note_add(notes, texts, n, rep->lang, AB_M_N_VERSIONS, ab_cmp_base_name(first->path),
                       first->run.harness_version, ab_cmp_base_name(in->path),
                       in->run.harness_version);
    }
    if (st == AB_OK && strcmp(in->run.suite_name, first->run.suite_name) != 0) {
      *differ = true;
      st = ab_note_add(notes, texts, n, rep->lang, AB_M_N_SUITES, ab_cmp_base_name(first->path),
                       first->run.suite_name, ab_cmp_base_name(in->path), in->run.suite_name);
    }
  }
  return st;
}

ab_status ab_cmp_note_runs_differ(const ab_report *rep, size_t n_check_complete, char ***notes,
                                  char ***texts, size_t *n, bool *differ) {
  *differ = false;
  ab_status st = note_versions(rep, notes, texts, n, differ);
  for (size_t i = 0; i < n_check_complete && i < rep->n_inputs && st == AB_OK; i++)
    if (!rep->inputs[i].run.complete)
      st = ab_note_add(notes, texts, n, rep->lang, AB_M_N_CUT_SHORT,
                       ab_cmp_base_name(rep->inputs[i].path));
  return st;
}

/* ---------------------------------------------------------------------------------------
 * Ratios
 * ------------------------------------------------------------------------------------- */

static double safe_div(double a, double b) {
  return isfinite(a) && isfinite(b) && b > 0 && a >= 0 ? a / b : NAN;
}

ab_ratio ab_ratio_of(double cur, double cur_lo, double cur_hi, double base, double base_lo,
                     double base_hi) {
  /* The widest ratio the two intervals allow: slowest current over fastest baseline, and
   * the other way round. Half an interval is none. */
  ab_ratio r = {safe_div(cur, base), safe_div(cur_lo, base_hi), safe_div(cur_hi, base_lo)};
  if (isnan(r.value) || isnan(r.lo) || isnan(r.hi))
    r.lo = r.hi = NAN;
  return r;
}

ab_cmp_verdict ab_ratio_verdict(const ab_ratio *r) {
  if (isnan(r->value))
    return AB_CMP_NA;
  /* Without an interval (fewer than AB_MIN_CI_SAMPLES samples on either side, or none
   * recorded) nothing is outside noise, however large the change looks. */
  if (!isfinite(r->lo) || !isfinite(r->hi))
    return AB_CMP_NOISE;
  if (r->lo > 1)
    return AB_CMP_FASTER;
  if (r->hi < 1)
    return AB_CMP_SLOWER;
  return AB_CMP_NOISE;
}

const char *ab_cmp_verdict_name(ab_cmp_verdict v) {
  switch (v) {
  case AB_CMP_BASELINE: return "baseline";
  case AB_CMP_FASTER: return "faster";
  case AB_CMP_SLOWER: return "slower";
  case AB_CMP_NOISE: return "within noise";
  case AB_CMP_DISTURBED: return "disturbed: no verdict";
  default: return "\xe2\x80\x94";
  }
}

const char *ab_cmp_row_rate(const ab_report_row *r, double *v, double *lo, double *hi) {
  *v = *lo = *hi = NAN;
  if (!r)
    return NULL;
  return ab_report_rate(r, v, lo, hi);
}

/* ---------------------------------------------------------------------------------------
 * Side by side: selecting the baseline
 * ------------------------------------------------------------------------------------- */

/* BACKEND:INDEX or BACKEND:INDEX/PROVIDER; false when the selector is neither. */
static bool parse_device_selector(const char *sel, char *backend, size_t blen, unsigned *index,
                                  char *provider, size_t plen) {
  const char *colon = strchr(sel, ':');
  if (!colon || colon == sel || (size_t)(colon - sel) >= blen || !isdigit((unsigned char)colon[1]))
    return false;
  char *end;
  errno = 0;
  unsigned long v = strtoul(colon + 1, &end, 10);
  if (errno || v > UINT32_MAX || (*end && *end != '/'))
    return false;
  snprintf(backend, blen, "%.*s", (int)(colon - sel), sel);
  *index = (unsigned)v;
  snprintf(provider, plen, "%s", *end == '/' ? end + 1 : "");
  return true;
}

static bool subject_matches_device(const ab_report_subject *s, const char *backend, unsigned index,
                                   const char *provider) {
  return strcmp(s->backend, backend) == 0 && s->device_index == index &&
         (!provider[0] || strcmp(s->provider, provider) == 0);
}

static bool contains_nocase(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (const char *p = hay; *p; p++)
    if (strncasecmp(p, needle, n) == 0)
      return true;
  return false;
}

/* "SEL": no subject matches / matches several; lists labels into msg. */
static ab_status select_fail(const ab_report *rep, const char *sel, const bool *hit, size_t n_hit,
                             char *msg) {
  int len = snprintf(msg, AB_MSG_LEN, "--baseline '%s' %s", sel,
                     n_hit ? "is ambiguous; it matches:" : "matches no subject; subjects are:");
  for (size_t i = 0; i < rep->n_subjects && len >= 0 && len < AB_MSG_LEN; i++)
    if (!n_hit || hit[i])
      len += snprintf(msg + len, (size_t)(AB_MSG_LEN - len), "%s '%s'", i ? ";" : "",
                      rep->subjects[i].label);
  trim_partial_char(msg); /* a long list cut inside a label */
  return AB_E_INVALID;
}

ab_status ab_compare_select(const ab_report *rep, const char *sel, size_t *subject, char *msg) {
  for (size_t i = 0; i < rep->n_subjects; i++)
    if (strcmp(rep->subjects[i].label, sel) == 0) {
      *subject = i;
      return AB_OK;
    }
  bool *hit = calloc(rep->n_subjects ? rep->n_subjects : 1, sizeof *hit);
  if (!hit)
    return AB_E_NOMEM;
  char backend[32], provider[32];
  unsigned index = 0;
  bool device =
      parse_device_selector(sel, backend, sizeof backend, &index, provider, sizeof provider);
  size_t n_hit = 0, first = 0;
  for (size_t i = 0; i < rep->n_subjects; i++) {
    const ab_report_subject *s = &rep->subjects[i];
    hit[i] = device ? subject_matches_device(s, backend, index, provider)
                    : contains_nocase(s->label, sel);
    if (hit[i] && n_hit++ == 0)
      first = i;
  }
  ab_status st = n_hit == 1 ? AB_OK : select_fail(rep, sel, hit, n_hit, msg);
  if (st == AB_OK)
    *subject = first;
  free(hit);
  return st;
}

/* ---------------------------------------------------------------------------------------
 * Side by side: building the tables
 * ------------------------------------------------------------------------------------- */

static ab_cmp_kernel *find_kernel(ab_comparison *cmp, const char *key) {
  for (size_t i = 0; i < cmp->n_kernels; i++)
    if (strcmp(cmp->kernels[i].key, key) == 0)
      return &cmp->kernels[i];
  return NULL;
}

static ab_cmp_kernel *add_kernel(ab_comparison *cmp, const char *key) {
  ab_cmp_kernel *k = realloc(cmp->kernels, (cmp->n_kernels + 1) * sizeof *k);
  if (!k)
    return NULL;
  cmp->kernels = k;
  k = &k[cmp->n_kernels];
  memset(k, 0, sizeof *k);
  snprintf(k->key, sizeof k->key, "%s", key);
  k->cells = calloc(cmp->rep->n_subjects, sizeof *k->cells);
  k->in_input = calloc(cmp->rep->n_inputs, sizeof *k->in_input);
  if (!k->cells || !k->in_input) {
    free(k->cells);
    free(k->in_input);
    return NULL;
  }
  cmp->n_kernels++;
  return k;
}

/* Put each row into its kernel's cell for its subject. A subject with two cases of one
 * key (the same shape from two sets) keeps the first: they did the same work. */
static ab_status place_rows(ab_comparison *cmp) {
  const ab_report *rep = cmp->rep;
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_row *r = &rep->rows[i];
    char key[256];
    ab_report_kernel_key(r->c, key, sizeof key);
    ab_cmp_kernel *k = find_kernel(cmp, key);
    if (!k && !(k = add_kernel(cmp, key)))
      return AB_E_NOMEM;
    k->in_input[rep->subjects[r->subject].input] = true;
    ab_cmp_cell *cell = &k->cells[r->subject];
    if (!cell->row)
      cell->row = r;
  }
  return AB_OK;
}

static void fill_cells(ab_comparison *cmp, ab_cmp_kernel *k) {
  const ab_cmp_cell *base = &k->cells[cmp->baseline];
  double b, blo, bhi;
  ab_cmp_row_rate(base->row, &b, &blo, &bhi);
  for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
    ab_cmp_cell *cell = &k->cells[s];
    const char *unit = ab_cmp_row_rate(cell->row, &cell->rate, &cell->lo, &cell->hi);
    if (unit && !k->unit)
      k->unit = unit;
    cell->ratio = ab_ratio_of(cell->rate, cell->lo, cell->hi, b, blo, bhi);
    cell->verdict = s == cmp->baseline && cell->row && cell->row->c->status == AB_CASE_OK
                        ? AB_CMP_BASELINE
                        : ab_ratio_verdict(&cell->ratio);
  }
  k->common = true;
  for (size_t i = 0; i < cmp->rep->n_inputs; i++)
    k->common &= k->in_input[i];
}

static bool usable_ratio(double r) {
  return isfinite(r) && r > 0;
}

/* A key of the headline geometric mean: compared, and ok for every subject (a ratio exists
 * only where the subject and the baseline are both ok). */
static bool key_all_ok(const ab_comparison *cmp, const ab_cmp_kernel *k) {
  if (!k->common)
    return false;
  for (size_t s = 0; s < cmp->rep->n_subjects; s++)
    if (!usable_ratio(k->cells[s].ratio.value))
      return false;
  return true;
}

/* exp(mean log ratio) of subject s over the all-ok keys, or over its own usable keys. */
static double geomean_over(const ab_comparison *cmp, size_t s, bool all_ok_only, size_t *n) {
  double log_sum = 0;
  *n = 0;
  for (size_t i = 0; i < cmp->n_kernels; i++) {
    const ab_cmp_kernel *k = &cmp->kernels[i];
    double r = k->cells[s].ratio.value;
    if (all_ok_only ? k->all_ok : k->common && usable_ratio(r)) {
      log_sum += log(r);
      (*n)++;
    }
  }
  return *n ? exp(log_sum / (double)*n) : NAN;
}

/* Two geometric means: the headline over one key set for every subject, so subjects rank
 * by it; and each subject's own, over whatever it shares with the baseline (an NPU that ran
 * one key beside a GPU that ran three), which does not rank and is labelled so. */
static void geomeans(ab_comparison *cmp) {
  for (size_t i = 0; i < cmp->n_kernels; i++) {
    cmp->kernels[i].all_ok = key_all_ok(cmp, &cmp->kernels[i]);
    cmp->n_all_ok += cmp->kernels[i].all_ok;
  }
  for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
    size_t n;
    cmp->geomean[s] = geomean_over(cmp, s, true, &n);
    cmp->own_geomean[s] = geomean_over(cmp, s, false, &cmp->own_geomean_n[s]);
  }
}

/* The power scope of a subject's first case with power figures; NULL when none has. */
static const char *subject_scope(const ab_comparison *cmp, size_t s) {
  for (size_t i = 0; i < cmp->n_kernels; i++) {
    const ab_report_row *r = cmp->kernels[i].cells[s].row;
    if (r && r->power.measured)
      return r->power.ref.scope;
  }
  return NULL;
}

/* Perf/W from a node meter includes the host; from a board source only the card. Ranking
 * the two against each other misleads, so say so whenever both appear. */
static ab_status note_scopes(ab_comparison *cmp) {
  char first[16] = "", list[AB_LANG_COUNT][512] = {""}, text[AB_LANG_COUNT][1536];
  bool mixed = false;
  for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
    const char *scope = subject_scope(cmp, s), *label = cmp->rep->subjects[s].label;
    if (!scope)
      continue;
    if (!first[0])
      snprintf(first, sizeof first, "%s", scope);
    mixed |= strcmp(first, scope) != 0;
    for (int l = 0; l < AB_LANG_COUNT; l++) { /* the scopes are words: a list per language */
      size_t used = strlen(list[l]);
      ab_cmp_printf(list[l] + used, sizeof list[l] - used, "%s%.*s: %s", used ? "; " : "",
                    ab_utf8_prefix(label, 80), label, ab_scope_label((ab_lang)l, scope));
    }
  }
  if (!mixed)
    return AB_OK;
  for (int l = 0; l < AB_LANG_COUNT; l++)
    ab_trf(text[l], sizeof text[l], (ab_lang)l, AB_M_N_SCOPES, list[l]);
  return ab_note_add_texts(&cmp->notes, &cmp->notes_text, &cmp->n_notes, text[AB_LANG_EN],
                           text[cmp->rep->lang]);
}

static ab_status build_tables(ab_comparison *cmp) {
  size_t n = cmp->rep->n_subjects;
  cmp->geomean = calloc(n, sizeof *cmp->geomean);
  cmp->own_geomean = calloc(n, sizeof *cmp->own_geomean);
  cmp->own_geomean_n = calloc(n, sizeof *cmp->own_geomean_n);
  if (!cmp->geomean || !cmp->own_geomean || !cmp->own_geomean_n)
    return AB_E_NOMEM;
  ab_status st = place_rows(cmp);
  for (size_t i = 0; st == AB_OK && i < cmp->n_kernels; i++) {
    fill_cells(cmp, &cmp->kernels[i]);
    cmp->n_common += cmp->kernels[i].common;
  }
  if (st == AB_OK)
    geomeans(cmp);
  return st;
}

ab_status ab_compare_build(ab_comparison *cmp, const ab_report *rep, size_t baseline, char *msg) {
  memset(cmp, 0, sizeof *cmp);
  cmp->rep = rep;
  cmp->baseline = baseline;
  if (baseline >= rep->n_subjects) {
    if (rep->n_subjects)
      snprintf(msg, AB_MSG_LEN, "baseline subject %zu out of range", baseline + 1);
    else
      snprintf(msg, AB_MSG_LEN, "the run files hold no cases to compare");
    return AB_E_INVALID;
  }
  ab_status st = build_tables(cmp);
  if (st == AB_OK)
    st = ab_cmp_note_runs_differ(rep, rep->n_inputs, &cmp->notes, &cmp->notes_text, &cmp->n_notes,
                                 &cmp->runs_differ);
  if (st == AB_OK)
    st = note_scopes(cmp);
  if (st != AB_OK) {
    snprintf(msg, AB_MSG_LEN, "out of memory while comparing");
    ab_compare_free(cmp);
  }
  return st;
}

void ab_compare_free(ab_comparison *cmp) {
  if (!cmp)
    return;
  for (size_t i = 0; i < cmp->n_kernels; i++) {
    free(cmp->kernels[i].cells);
    free(cmp->kernels[i].in_input);
  }
  free(cmp->kernels);
  free(cmp->geomean);
  free(cmp->own_geomean);
  free(cmp->own_geomean_n);
  ab_notes_free(cmp->notes, cmp->notes_text, cmp->n_notes);
  memset(cmp, 0, sizeof *cmp);
}

const char *ab_cmp_cell_status(const ab_cmp_cell *cell) {
  return cell->row ? ab_case_status_name(cell->row->c->status) : "not run";
}

static bool disturbed(const ab_cmp_cell *cell) {
  return cell->row && cell->row->c->interference.disturbed;
}

ab_status ab_compare_refuse_disturbed(ab_comparison *cmp) {
  size_t taken = 0;
  for (size_t k = 0; k < cmp->n_kernels; k++) {
    const ab_cmp_kernel *kern = &cmp->kernels[k];
    bool base_disturbed = disturbed(&kern->cells[cmp->baseline]);
    for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
      ab_cmp_cell *cell = &kern->cells[s];
      bool judged = cell->verdict == AB_CMP_FASTER || cell->verdict == AB_CMP_SLOWER;
      if (judged && (base_disturbed || disturbed(cell))) {
        cell->verdict = AB_CMP_DISTURBED;
        taken++;
      }
    }
  }
  if (!taken)
    return AB_OK;
  return ab_note_add(&cmp->notes, &cmp->notes_text, &cmp->n_notes, cmp->rep->lang, AB_M_N_DISTURBED,
                     taken);
}
