/* accelbench — comparing run files (compare.h, docs/compare.md): subjects side by side
 * against a baseline, and the CI gate of a run against a baseline run. Every rate comes
 * from the report model (ab_report_rate), so a number here is the number in a report. */
#include "compare.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"

/* ---------------------------------------------------------------------------------------
 * Ratios
 * ------------------------------------------------------------------------------------- */

static double safe_div(double a, double b) {
  return isfinite(a) && isfinite(b) && b > 0 && a >= 0 ? a / b : NAN;
}

ab_ratio ab_ratio_of(double cur, double cur_lo, double cur_hi, double base, double base_lo,
                     double base_hi) {
  /* The widest ratio the two intervals allow: slowest current over fastest baseline, and
   * the other way round. */
  ab_ratio r = {safe_div(cur, base), safe_div(cur_lo, base_hi), safe_div(cur_hi, base_lo)};
  if (isnan(r.value))
    r.lo = r.hi = NAN;
  return r;
}

ab_cmp_verdict ab_ratio_verdict(const ab_ratio *r) {
  if (isnan(r->value))
    return AB_CMP_NA;
  if (r->lo > 1) /* false for NAN: without an interval nothing is outside noise */
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
  default: return "\xe2\x80\x94";
  }
}

/* The headline rate of a row; NAN unless the case is ok. */
static const char *row_rate(const ab_report_row *r, double *v, double *lo, double *hi) {
  *v = *lo = *hi = NAN;
  if (!r)
    return NULL;
  return ab_report_rate(r, v, lo, hi);
}

/* ---------------------------------------------------------------------------------------
 * Notes: growable lists of messages
 * ------------------------------------------------------------------------------------- */

static ab_status add_note(char ***notes, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ab_status add_note(char ***notes, size_t *n, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char **grown = realloc(*notes, (*n + 1) * sizeof *grown);
  if (!grown)
    return AB_E_NOMEM;
  *notes = grown;
  grown[*n] = strdup(buf);
  if (!grown[*n])
    return AB_E_NOMEM;
  (*n)++;
  return AB_OK;
}

static void free_notes(char **notes, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(notes[i]);
  free(notes);
}

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* Harness versions or suites that differ between run files: such runs planned different
 * cases, so only keys present in both are compared, and the reader is told. */
static ab_status note_runs_differ(const ab_report *rep, char ***notes, size_t *n, bool *differ) {
  const ab_report_input *first = &rep->inputs[0];
  ab_status st = AB_OK;
  *differ = false;
  for (size_t i = 1; i < rep->n_inputs && st == AB_OK; i++) {
    const ab_report_input *in = &rep->inputs[i];
    if (strcmp(in->run.harness_version, first->run.harness_version) != 0) {
      *differ = true;
      st = add_note(notes, n,
                    "%s was written by accelbench %s, %s by %s: compared on common keys only",
                    base_name(first->path), first->run.harness_version, base_name(in->path),
                    in->run.harness_version);
    }
    if (st == AB_OK && strcmp(in->run.suite_name, first->run.suite_name) != 0) {
      *differ = true;
      st = add_note(notes, n,
                    "%s ran suite \"%s\", %s suite \"%s\": compared on common keys "
                    "only",
                    base_name(first->path), first->run.suite_name, base_name(in->path),
                    in->run.suite_name);
    }
  }
  for (size_t i = 0; i < rep->n_inputs && st == AB_OK; i++)
    if (!rep->inputs[i].run.complete)
      st = add_note(notes, n,
                    "%s: the run was cut short (complete: false); cases it did not "
                    "reach are missing",
                    base_name(rep->inputs[i].path));
  return st;
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
  row_rate(base->row, &b, &blo, &bhi);
  for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
    ab_cmp_cell *cell = &k->cells[s];
    const char *unit = row_rate(cell->row, &cell->rate, &cell->lo, &cell->hi);
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

static void geomeans(ab_comparison *cmp) {
  for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
    double log_sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < cmp->n_kernels; i++) {
      const ab_cmp_kernel *k = &cmp->kernels[i];
      double r = k->cells[s].ratio.value;
      if (k->common && isfinite(r) && r > 0) {
        log_sum += log(r);
        n++;
      }
    }
    cmp->geomean[s] = n ? exp(log_sum / (double)n) : NAN;
    cmp->geomean_n[s] = n;
  }
}

/* Perf/W from a node meter includes the host; from a board source only the card. Ranking
 * the two against each other misleads, so say so whenever both appear. */
static ab_status note_scopes(ab_comparison *cmp) {
  char first[16] = "", list[256] = "";
  bool mixed = false;
  for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
    const char *scope = NULL;
    for (size_t i = 0; i < cmp->n_kernels && !scope; i++) {
      const ab_report_row *r = cmp->kernels[i].cells[s].row;
      if (r && r->power.measured)
        scope = r->power.ref.scope;
    }
    if (!scope)
      continue;
    if (!first[0])
      snprintf(first, sizeof first, "%s", scope);
    mixed |= strcmp(first, scope) != 0;
    size_t used = strlen(list);
    snprintf(list + used, sizeof list - used, "%s%.80s: %s", used ? "; " : "",
             cmp->rep->subjects[s].label, scope);
  }
  if (!mixed)
    return AB_OK;
  return add_note(&cmp->notes, &cmp->n_notes,
                  "power scopes differ (%s): a node meter counts the whole machine, a board or "
                  "chip source only the device; do not rank perf/W or energy across scopes",
                  list);
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
  cmp->geomean = calloc(rep->n_subjects, sizeof *cmp->geomean);
  cmp->geomean_n = calloc(rep->n_subjects, sizeof *cmp->geomean_n);
  ab_status st = cmp->geomean && cmp->geomean_n ? place_rows(cmp) : AB_E_NOMEM;
  for (size_t i = 0; st == AB_OK && i < cmp->n_kernels; i++) {
    fill_cells(cmp, &cmp->kernels[i]);
    cmp->n_common += cmp->kernels[i].common;
  }
  if (st == AB_OK) {
    geomeans(cmp);
    st = note_runs_differ(rep, &cmp->notes, &cmp->n_notes, &cmp->runs_differ);
  }
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
  free(cmp->geomean_n);
  free_notes(cmp->notes, cmp->n_notes);
  memset(cmp, 0, sizeof *cmp);
}

const char *ab_cmp_cell_status(const ab_cmp_cell *cell) {
  return cell->row ? ab_case_status_name(cell->row->c->status) : "not run";
}

/* ---------------------------------------------------------------------------------------
 * Side by side: power figures of a cell
 * ------------------------------------------------------------------------------------- */

typedef struct cell_power {
  double per_w, per_op; /* perf/W and energy per operation; NAN when not measured */
  const char *per_w_unit, *per_op_unit, *scope;
} cell_power;

static cell_power power_of(const ab_cmp_cell *cell) {
  cell_power p = {NAN, NAN, "", "", ""};
  const ab_report_row *r = cell->row;
  if (!r || r->c->status != AB_CASE_OK || !r->power.measured)
    return p;
  p.scope = r->power.ref.scope;
  if (isfinite(r->power.gflops_per_w)) {
    p.per_w = r->power.gflops_per_w;
    p.per_op = r->power.pj_per_flop;
    p.per_w_unit = "GFLOP/s/W";
    p.per_op_unit = "pJ/FLOP";
  } else if (isfinite(r->power.gbytes_per_s_per_w)) {
    p.per_w = r->power.gbytes_per_s_per_w;
    p.per_op = r->power.pj_per_byte;
    p.per_w_unit = "GB/s/W";
    p.per_op_unit = "pJ/B";
  }
  return p;
}

/* ---------------------------------------------------------------------------------------
 * Side by side: Markdown
 * ------------------------------------------------------------------------------------- */

static const char *fmt(double v, char *buf, size_t len) {
  return ab_report_fmt(v, buf, len);
}

static const char *fmt_ratio(double v, char *buf, size_t len) {
  if (!isfinite(v))
    return fmt(v, buf, len);
  snprintf(buf, len, "%.3f", v);
  return buf;
}

static void md_interval(FILE *out, double lo, double hi, bool ratio) {
  char a[32], b[32];
  if (!isfinite(lo) || !isfinite(hi)) {
    fputs("\xe2\x80\x94", out);
    return;
  }
  if (ratio)
    fprintf(out, "%s\xe2\x80\x93%s", fmt_ratio(lo, a, sizeof a), fmt_ratio(hi, b, sizeof b));
  else
    fprintf(out, "%s\xe2\x80\x93%s", fmt(lo, a, sizeof a), fmt(hi, b, sizeof b));
}

/* "—" with the status of whichever side is not ok. */
static void md_verdict(FILE *out, const ab_comparison *cmp, const ab_cmp_kernel *k, size_t s) {
  const ab_cmp_cell *cell = &k->cells[s], *base = &k->cells[cmp->baseline];
  if (cell->verdict != AB_CMP_NA) {
    fputs(ab_cmp_verdict_name(cell->verdict), out);
    return;
  }
  bool self_ok = cell->row && cell->row->c->status == AB_CASE_OK;
  const ab_cmp_cell *why = self_ok ? base : cell;
  fprintf(out, "\xe2\x80\x94 (%s%s)", self_ok ? "baseline " : "", ab_cmp_cell_status(why));
}

static void md_subjects(const ab_comparison *cmp, FILE *out) {
  const ab_report *rep = cmp->rep;
  fprintf(out, "## Subjects\n\n| # | subject | run file | host | accelbench | suite |\n"
               "| --- | --- | --- | --- | --- | --- |\n");
  for (size_t s = 0; s < rep->n_subjects; s++) {
    const ab_report_subject *sub = &rep->subjects[s];
    const ab_report_input *in = &rep->inputs[sub->input];
    fprintf(out, "| %zu | ", s + 1);
    ab_write_md_cell(out, sub->label);
    fputs(s == cmp->baseline ? " **(baseline)** | " : " | ", out);
    ab_write_md_cell(out, base_name(in->path));
    fputs(" | ", out);
    ab_write_md_cell(out, sub->host);
    fputs(" | ", out);
    ab_write_md_cell(out, in->run.harness_version);
    fputs(" | ", out);
    ab_write_md_cell(out, in->run.suite_name);
    fputs(" |\n", out);
  }
  fputc('\n', out);
}

static void md_notes(const ab_comparison *cmp, FILE *out) {
  if (!cmp->n_notes)
    return;
  fputs("## Warnings\n\n", out);
  for (size_t i = 0; i < cmp->n_notes; i++) {
    fputs("- **Warning:** ", out);
    ab_write_md_cell(out, cmp->notes[i]);
    fputc('\n', out);
  }
  fputc('\n', out);
}

static void md_geomean(const ab_comparison *cmp, FILE *out) {
  fprintf(out,
          "## Geometric mean ratio to the baseline\n\nOver the kernel keys where both the "
          "subject and the baseline are ok (%zu common keys).\n\n"
          "| subject | geometric mean ratio | keys |\n| --- | --- | --- |\n",
          cmp->n_common);
  for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
    char b[32];
    fputs("| ", out);
    ab_write_md_cell(out, cmp->rep->subjects[s].label);
    fprintf(out, " | %s | %zu |\n", fmt_ratio(cmp->geomean[s], b, sizeof b), cmp->geomean_n[s]);
  }
  fputc('\n', out);
}

static void md_power_cells(FILE *out, const ab_cmp_cell *cell) {
  cell_power p = power_of(cell);
  char a[32], b[32];
  if (isnan(p.per_w)) {
    fputs(" \xe2\x80\x94 | \xe2\x80\x94 | \xe2\x80\x94 |", out);
    return;
  }
  fprintf(out, " %s %s | %s %s | ", fmt(p.per_w, a, sizeof a), p.per_w_unit,
          fmt(p.per_op, b, sizeof b), p.per_op_unit);
  ab_write_md_cell(out, p.scope);
  fputs(" |", out);
}

static void md_kernel(const ab_comparison *cmp, const ab_cmp_kernel *k, FILE *out) {
  fputs("### ", out);
  ab_write_md_cell(out, k->key);
  fprintf(out,
          "\n\n| subject | status | %s | 95%% CI | ratio | ratio 95%% CI | verdict | "
          "perf/W | energy/op | power scope |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
          k->unit ? k->unit : "rate");
  for (size_t s = 0; s < cmp->rep->n_subjects; s++) {
    const ab_cmp_cell *cell = &k->cells[s];
    char a[32], b[32];
    fputs("| ", out);
    ab_write_md_cell(out, cmp->rep->subjects[s].label);
    fprintf(out, " | %s | %s | ", ab_cmp_cell_status(cell), fmt(cell->rate, a, sizeof a));
    md_interval(out, cell->lo, cell->hi, false);
    fprintf(out, " | %s | ", fmt_ratio(cell->ratio.value, b, sizeof b));
    md_interval(out, cell->ratio.lo, cell->ratio.hi, true);
    fputs(" | ", out);
    md_verdict(out, cmp, k, s);
    fputs(" |", out);
    md_power_cells(out, cell);
    fputc('\n', out);
  }
  fputc('\n', out);
}

static void md_coverage(const ab_comparison *cmp, FILE *out) {
  const ab_report *rep = cmp->rep;
  fputs("## Coverage\n\nEvery kernel key in any run file, and what each subject's case did "
        "(\"not run\": the subject has no case with that key).\n\n| kernel key |",
        out);
  for (size_t s = 0; s < rep->n_subjects; s++) {
    fputc(' ', out);
    ab_write_md_cell(out, rep->subjects[s].label);
    fputs(" |", out);
  }
  fputs("\n| --- |", out);
  for (size_t s = 0; s < rep->n_subjects; s++)
    fputs(" --- |", out);
  fputc('\n', out);
  for (size_t i = 0; i < cmp->n_kernels; i++) {
    fputs("| ", out);
    ab_write_md_cell(out, cmp->kernels[i].key);
    fputs(" |", out);
    for (size_t s = 0; s < rep->n_subjects; s++)
      fprintf(out, " %s |", ab_cmp_cell_status(&cmp->kernels[i].cells[s]));
    fputc('\n', out);
  }
  fputc('\n', out);
}

static void md_left_out(const ab_comparison *cmp, FILE *out) {
  if (cmp->n_common == cmp->n_kernels)
    return;
  fputs("## Left out\n\nKernel keys that some run files do not have: not compared.\n\n"
        "| kernel key | missing from |\n| --- | --- |\n",
        out);
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
        ab_write_md_cell(out, base_name(cmp->rep->inputs[in].path));
      }
    fputs(" |\n", out);
  }
  fputc('\n', out);
}

static ab_status finish(FILE *out) {
  return fflush(out) == 0 && !ferror(out) ? AB_OK : AB_E_IO;
}

ab_status ab_compare_write_md(const ab_comparison *cmp, FILE *out) {
  fputs("# accelbench compare\n\nBaseline: **", out);
  ab_write_md_cell(out, cmp->rep->subjects[cmp->baseline].label);
  fputs("**. A ratio is subject / baseline of the rate (higher is faster); its 95% interval "
        "is [subject low / baseline high, subject high / baseline low]. A verdict is "
        "\"within noise\" when that interval contains 1.\n\n",
        out);
  md_subjects(cmp, out);
  md_notes(cmp, out);
  md_geomean(cmp, out);
  fprintf(out, "## Kernels\n\n%zu kernel key(s) common to every run file.\n\n", cmp->n_common);
  for (size_t i = 0; i < cmp->n_kernels; i++)
    if (cmp->kernels[i].common)
      md_kernel(cmp, &cmp->kernels[i], out);
  md_coverage(cmp, out);
  md_left_out(cmp, out);
  return finish(out);
}

/* ---------------------------------------------------------------------------------------
 * Side by side: CSV (one row per kernel key and subject)
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

static void csv_row(const ab_comparison *cmp, const ab_cmp_kernel *k, size_t s, FILE *out) {
  const ab_report_subject *sub = &cmp->rep->subjects[s];
  const ab_cmp_cell *cell = &k->cells[s];
  ab_write_csv_field(out, k->key);
  fputs(k->common ? ",yes" : ",no", out);
  csv_str(out, sub->label);
  fputs(s == cmp->baseline ? ",yes" : ",no", out);
  csv_str(out, base_name(cmp->rep->inputs[sub->input].path));
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
  cell_power p = power_of(cell);
  csv_num(out, p.per_w);
  csv_str(out, p.per_w_unit);
  csv_num(out, p.per_op);
  csv_str(out, p.per_op_unit);
  csv_str(out, p.scope);
  fputs("\r\n", out);
}

ab_status ab_compare_write_csv(const ab_comparison *cmp, FILE *out) {
  fputs("kernel_key,common,subject,baseline,run_file,status,reason,unit,rate,rate_ci95_lo,"
        "rate_ci95_hi,ratio,ratio_ci95_lo,ratio_ci95_hi,verdict,perf_per_w,perf_per_w_unit,"
        "energy_per_op,energy_per_op_unit,power_scope\r\n",
        out);
  for (size_t i = 0; i < cmp->n_kernels; i++)
    for (size_t s = 0; s < cmp->rep->n_subjects; s++)
      csv_row(cmp, &cmp->kernels[i], s, out);
  return finish(out);
}

/* ---------------------------------------------------------------------------------------
 * Side by side: JSON
 * ------------------------------------------------------------------------------------- */

static json_t *jnum(double v) {
  return isfinite(v) ? json_real(v) : json_null();
}

static json_t *json_subject(const ab_comparison *cmp, size_t s) {
  const ab_report_subject *sub = &cmp->rep->subjects[s];
  const ab_report_input *in = &cmp->rep->inputs[sub->input];
  return json_pack(
      "{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:I}", "label", sub->label,
      "run_file", in->path, "backend", sub->backend, "device_index", (json_int_t)sub->device_index,
      "device_uid", sub->device_uid, "device_name", sub->device_name, "provider", sub->provider,
      "host", sub->host, "harness_version", in->run.harness_version, "baseline", s == cmp->baseline,
      "geomean_ratio", jnum(cmp->geomean[s]), "geomean_keys", (json_int_t)cmp->geomean_n[s]);
}

static json_t *json_cell(const ab_cmp_cell *cell) {
  cell_power p = power_of(cell);
  json_t *power = isnan(p.per_w)
                      ? json_null()
                      : json_pack("{s:o, s:s, s:o, s:s, s:s}", "perf_per_w", jnum(p.per_w),
                                  "perf_per_w_unit", p.per_w_unit, "energy_per_op", jnum(p.per_op),
                                  "energy_per_op_unit", p.per_op_unit, "scope", p.scope);
  return json_pack(
      "{s:s, s:s?, s:s?, s:o, s:o, s:o, s:o, s:o, s:o, s:s?, s:o}", "status",
      ab_cmp_cell_status(cell), "reason", cell->row ? cell->row->c->reason : NULL, "case_id",
      cell->row ? cell->row->c->case_id : NULL, "rate", jnum(cell->rate), "rate_ci95_lo",
      jnum(cell->lo), "rate_ci95_hi", jnum(cell->hi), "ratio", jnum(cell->ratio.value),
      "ratio_ci95_lo", jnum(cell->ratio.lo), "ratio_ci95_hi", jnum(cell->ratio.hi), "verdict",
      cell->verdict == AB_CMP_NA ? NULL : ab_cmp_verdict_name(cell->verdict), "power", power);
}

static json_t *json_kernel(const ab_comparison *cmp, const ab_cmp_kernel *k) {
  json_t *cells = json_array(), *missing = json_array();
  for (size_t s = 0; s < cmp->rep->n_subjects; s++)
    json_array_append_new(cells, json_cell(&k->cells[s]));
  for (size_t in = 0; in < cmp->rep->n_inputs; in++)
    if (!k->in_input[in])
      json_array_append_new(missing, json_string(cmp->rep->inputs[in].path));
  return json_pack("{s:s, s:s?, s:b, s:o, s:o}", "key", k->key, "unit", k->unit, "common",
                   k->common, "missing_from", missing, "cells", cells);
}

ab_status ab_compare_write_json(const ab_comparison *cmp, FILE *out) {
  json_t *subjects = json_array(), *kernels = json_array(), *notes = json_array();
  for (size_t s = 0; s < cmp->rep->n_subjects; s++)
    json_array_append_new(subjects, json_subject(cmp, s));
  for (size_t i = 0; i < cmp->n_kernels; i++)
    json_array_append_new(kernels, json_kernel(cmp, &cmp->kernels[i]));
  for (size_t i = 0; i < cmp->n_notes; i++)
    json_array_append_new(notes, json_string(cmp->notes[i]));
  json_t *doc =
      json_pack("{s:s, s:i, s:I, s:b, s:o, s:o, s:o}", "schema", "accelbench-compare",
                "schema_version", 1, "baseline", (json_int_t)cmp->baseline, "runs_differ",
                cmp->runs_differ, "warnings", notes, "subjects", subjects, "kernels", kernels);
  if (!doc)
    return AB_E_NOMEM;
  int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
  json_decref(doc);
  fputc('\n', out);
  return rc == 0 ? finish(out) : AB_E_IO;
}

/* ---------------------------------------------------------------------------------------
 * The CI gate
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
  case AB_GATE_NOT_OK: return "not ok";
  case AB_GATE_FIXED: return "fixed";
  case AB_GATE_MISSING: return "missing";
  case AB_GATE_NEW: return "new";
  default: return "invalid";
  }
}

bool ab_gate_failed(const ab_gate *g) {
  return g->n_outcome[AB_GATE_REGRESSED] + g->n_outcome[AB_GATE_NEWLY_FAILED] +
             g->n_outcome[AB_GATE_NEWLY_WRONG] >
         0;
}

static bool is_failure(ab_case_status s) {
  return s == AB_CASE_FAILED || s == AB_CASE_CRASHED || s == AB_CASE_TIMEOUT;
}

static ab_gate_outcome pair_outcome(const ab_gate *g, ab_gate_case *gc) {
  ab_case_status b = gc->base->c->status, c = gc->cur->c->status;
  if (c == AB_CASE_WRONG_RESULT)
    return b == AB_CASE_WRONG_RESULT ? AB_GATE_NOT_OK : AB_GATE_NEWLY_WRONG;
  if (is_failure(c))
    return b == AB_CASE_OK ? AB_GATE_NEWLY_FAILED : AB_GATE_NOT_OK;
  if (c != AB_CASE_OK)
    return AB_GATE_NOT_OK;
  if (b != AB_CASE_OK)
    return AB_GATE_FIXED;
  double v, lo, hi, bv, blo, bhi;
  gc->unit = row_rate(gc->cur, &v, &lo, &hi);
  row_rate(gc->base, &bv, &blo, &bhi);
  gc->ratio = ab_ratio_of(v, lo, hi, bv, blo, bhi);
  /* Both conditions: a drop beyond the threshold, and one the intervals cannot explain. A
   * large drop within noise is not flagged, nor is a small one outside it. */
  bool beyond = gc->ratio.value < 1 - g->threshold;
  return beyond && ab_ratio_verdict(&gc->ratio) == AB_CMP_SLOWER ? AB_GATE_REGRESSED : AB_GATE_PASS;
}

/* Rows of one input, in case order. */
static size_t rows_of(const ab_report *rep, size_t input, const ab_report_row **out) {
  size_t n = 0;
  for (size_t i = 0; i < rep->n_rows; i++)
    if (rep->subjects[rep->rows[i].subject].input == input)
      out[n++] = &rep->rows[i];
  return n;
}

/* The k-th case with a key in the current run pairs with the k-th in the baseline, so a
 * key that repeats (one shape in two sets) still pairs one to one. */
typedef struct keyed {
  char key[512];
  const ab_report_row *row;
  bool used;
} keyed;

static keyed *key_rows(const ab_report *rep, size_t input, size_t *n) {
  const ab_report_row **rows = malloc((rep->n_rows ? rep->n_rows : 1) * sizeof *rows);
  keyed *k = calloc(rep->n_rows ? rep->n_rows : 1, sizeof *k);
  if (!rows || !k) {
    free(rows);
    free(k);
    return NULL;
  }
  *n = rows_of(rep, input, rows);
  for (size_t i = 0; i < *n; i++) {
    k[i].row = rows[i];
    ab_report_case_key(rows[i]->c, k[i].key, sizeof k[i].key);
  }
  free(rows);
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
  gc->unit = row_rate(cur ? cur : base, &(double){0}, &(double){0}, &(double){0});
  if (!base)
    gc->outcome = AB_GATE_NEW;
  else if (!cur)
    gc->outcome = AB_GATE_MISSING;
  else
    gc->outcome = pair_outcome(g, gc);
  g->n_outcome[gc->outcome]++;
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

static ab_status note_hosts(ab_gate *g) {
  const ab_report *rep = g->rep;
  const char *a = json_string_value(json_object_get(rep->inputs[0].run.system, "hostname"));
  const char *b = json_string_value(json_object_get(rep->inputs[1].run.system, "hostname"));
  if (!a || !b || strcmp(a, b) == 0)
    return AB_OK;
  return add_note(&g->notes, &g->n_notes,
                  "the baseline ran on host \"%.100s\", the current run on \"%.100s\": the gate "
                  "is meant for one machine over time",
                  a, b);
}

ab_status ab_gate_build(ab_gate *g, const ab_report *rep, double threshold, char *msg) {
  memset(g, 0, sizeof *g);
  g->rep = rep;
  g->threshold = threshold;
  if (rep->n_inputs != 2) {
    snprintf(msg, AB_MSG_LEN, "the gate compares exactly two run files, got %zu", rep->n_inputs);
    return AB_E_INVALID;
  }
  size_t nb = 0, nc = 0;
  keyed *base = key_rows(rep, 0, &nb), *cur = key_rows(rep, 1, &nc);
  g->cases = calloc(nb + nc ? nb + nc : 1, sizeof *g->cases);
  ab_status st = base && cur && g->cases ? AB_OK : AB_E_NOMEM;
  if (st == AB_OK)
    pair_cases(g, base, nb, cur, nc);
  free(base);
  free(cur);
  bool differ = false;
  if (st == AB_OK)
    st = note_runs_differ(rep, &g->notes, &g->n_notes, &differ);
  if (st == AB_OK)
    st = note_hosts(g);
  if (st != AB_OK) {
    snprintf(msg, AB_MSG_LEN, "out of memory while pairing cases");
    ab_gate_free(g);
  }
  return st;
}

void ab_gate_free(ab_gate *g) {
  if (!g)
    return;
  free(g->cases);
  free_notes(g->notes, g->n_notes);
  memset(g, 0, sizeof *g);
}

static void describe_ratio(const ab_gate *g, const ab_gate_case *gc, char *buf, size_t len) {
  double v, lo, hi, bv, blo, bhi;
  row_rate(gc->cur, &v, &lo, &hi);
  row_rate(gc->base, &bv, &blo, &bhi);
  if (isnan(gc->ratio.value)) {
    snprintf(buf, len, "no rate to compare (%s)", gc->unit ? gc->unit : "no unit");
    return;
  }
  const char *why;
  switch (gc->outcome == AB_GATE_REGRESSED ? AB_CMP_SLOWER : ab_ratio_verdict(&gc->ratio)) {
  case AB_CMP_FASTER: why = "faster"; break;
  case AB_CMP_SLOWER:
    why = gc->outcome == AB_GATE_REGRESSED ? "slower beyond the threshold, outside noise"
                                           : "slower, within the threshold";
    break;
  default: why = isnan(gc->ratio.lo) ? "no interval to judge noise" : "within noise";
  }
  snprintf(buf, len,
           "ratio %.3f (95%% CI %.3f-%.3f) of the baseline: %.4g vs %.4g %s; threshold %.4g%%; "
           "%s",
           gc->ratio.value, gc->ratio.lo, gc->ratio.hi, v, bv, gc->unit ? gc->unit : "",
           g->threshold * 100, why);
}

void ab_gate_case_describe(const ab_gate *g, const ab_gate_case *gc, char *buf, size_t len) {
  const ab_case_result *b = gc->base ? gc->base->c : NULL, *c = gc->cur ? gc->cur->c : NULL;
  switch (gc->outcome) {
  case AB_GATE_PASS:
  case AB_GATE_REGRESSED: describe_ratio(g, gc, buf, len); break;
  case AB_GATE_MISSING:
    snprintf(buf, len, "in the baseline (%s), not in the current run",
             ab_case_status_name(b->status));
    break;
  case AB_GATE_NEW:
    snprintf(buf, len, "new in the current run (%s%s%.300s)", ab_case_status_name(c->status),
             c->reason[0] ? ": " : "", c->reason);
    break;
  default:
    snprintf(buf, len, "%s in the baseline, %s now%s%.400s", ab_case_status_name(b->status),
             ab_case_status_name(c->status), c->reason[0] ? ": " : "", c->reason);
  }
}

/* ---------------------------------------------------------------------------------------
 * The gate: Markdown summary
 * ------------------------------------------------------------------------------------- */

static void gate_md_input(const ab_report_input *in, const char *role, FILE *out) {
  fprintf(out, "- %s: `", role);
  ab_write_md_cell(out, in->path);
  fputs("` (started ", out);
  ab_write_md_cell(out, in->run.started_utc);
  fputs(", accelbench ", out);
  ab_write_md_cell(out, in->run.harness_version);
  fputs(", suite ", out);
  ab_write_md_cell(out, in->run.suite_name);
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

ab_status ab_gate_write_md(const ab_gate *g, FILE *out) {
  bool failed = ab_gate_failed(g);
  fputs("# accelbench compare: CI gate\n\n", out);
  gate_md_input(&g->rep->inputs[0], "baseline", out);
  gate_md_input(&g->rep->inputs[1], "current", out);
  fprintf(out,
          "- threshold: a case regresses when it is more than %.4g%% slower and the "
          "ratio's 95%% interval lies wholly below 1\n\n",
          g->threshold * 100);
  fprintf(out,
          "**Result: %s** \xe2\x80\x94 %zu regressed, %zu newly failed, %zu newly wrong; "
          "%zu missing, %zu new, %zu not ok, %zu fixed, %zu pass\n\n",
          failed ? "FAIL" : "PASS", g->n_outcome[AB_GATE_REGRESSED],
          g->n_outcome[AB_GATE_NEWLY_FAILED], g->n_outcome[AB_GATE_NEWLY_WRONG],
          g->n_outcome[AB_GATE_MISSING], g->n_outcome[AB_GATE_NEW], g->n_outcome[AB_GATE_NOT_OK],
          g->n_outcome[AB_GATE_FIXED], g->n_outcome[AB_GATE_PASS]);
  for (size_t i = 0; i < g->n_notes; i++) {
    fputs("- **Warning:** ", out);
    ab_write_md_cell(out, g->notes[i]);
    fputc('\n', out);
  }
  if (g->n_notes)
    fputc('\n', out);
  static const struct {
    ab_gate_outcome o;
    const char *title;
  } order[] = {{AB_GATE_REGRESSED, "Regressed"},
               {AB_GATE_NEWLY_FAILED, "Newly failed"},
               {AB_GATE_NEWLY_WRONG, "Newly wrong"},
               {AB_GATE_MISSING, "Missing"},
               {AB_GATE_NEW, "New"},
               {AB_GATE_NOT_OK, "Not ok (not new)"},
               {AB_GATE_FIXED, "Fixed"},
               {AB_GATE_PASS, "Pass"}};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    gate_md_section(g, order[i].o, order[i].title, out);
  return finish(out);
}
