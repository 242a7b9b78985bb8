/* accelbench — comparing run files (docs/compare.md).
 *
 * Two uses share one notion of "faster" and "slower":
 *   - side by side: subjects (device + provider per run, from the report model) against one
 *     baseline subject, one table per kernel key, with a coverage matrix (compare.c builds
 *     the model, compare_render.c writes its Markdown, CSV and JSON);
 *   - the CI gate: a current run against a baseline run of the same machine, case by case
 *     (ab_report_case_key), with a regression threshold (gate.c).
 * junit.c writes the JUnit XML of both.
 * A ratio is current / baseline of the headline rate (ab_report_rate: higher is better),
 * and its 95% interval is [cur_lo / base_hi, cur_hi / base_lo]. A difference counts only
 * when that interval exists and lies wholly on one side of 1: otherwise it is within noise.
 * There is no interval when either case has fewer than AB_MIN_CI_SAMPLES samples. */
#ifndef AB_COMPARE_H
#define AB_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* ---- ratios ---------------------------------------------------------------------------- */

typedef struct ab_ratio {
  double value, lo, hi; /* NAN when either rate is unknown; lo/hi NAN without intervals */
} ab_ratio;

typedef enum ab_cmp_verdict {
  AB_CMP_NA = 0,    /* either side is not ok (or not run): no ratio */
  AB_CMP_BASELINE,  /* the baseline's own cell */
  AB_CMP_FASTER,    /* the interval lies wholly above 1 */
  AB_CMP_SLOWER,    /* the interval lies wholly below 1 */
  AB_CMP_NOISE,     /* the interval contains 1, or there is no interval (n < 6 samples) */
  AB_CMP_DISTURBED, /* faster or slower, but a side ran beside other load: no verdict */
} ab_cmp_verdict;

ab_ratio ab_ratio_of(double cur, double cur_lo, double cur_hi, double base, double base_lo,
                     double base_hi);
/* Faster or slower only with a finite interval wholly above or below 1. */
ab_cmp_verdict ab_ratio_verdict(const ab_ratio *r);
/* "faster", "slower", "within noise", "baseline", "—"; never NULL. */
const char *ab_cmp_verdict_name(ab_cmp_verdict v);

/* ---- side by side ------------------------------------------------------------------------ */

/* One subject's case for one kernel key. */
typedef struct ab_cmp_cell {
  const ab_report_row *row; /* NULL: the subject has no case with this key ("not run") */
  double rate, lo, hi;      /* ab_report_rate; NAN unless the case is ok */
  ab_ratio ratio;           /* to the baseline's cell; NAN unless both are ok */
  ab_cmp_verdict verdict;
} ab_cmp_cell;

typedef struct ab_cmp_kernel {
  char key[256];      /* ab_report_kernel_key */
  const char *unit;   /* ab_report_rate's: "GFLOP/s", "GOP/s", "GB/s", "calls/s" */
  ab_cmp_cell *cells; /* one per subject (rep->n_subjects), owned */
  bool common;        /* every input run file has a case with this key */
  bool all_ok;        /* common, and every subject's case is ok: in the headline geomean */
  bool *in_input;     /* per input: does that run file have the key; owned */
} ab_cmp_kernel;

typedef struct ab_comparison {
  const ab_report *rep;   /* not owned; must outlive the comparison */
  size_t baseline;        /* subject index */
  ab_cmp_kernel *kernels; /* in first-seen order (run files in order, cases in order) */
  size_t n_kernels;
  size_t n_common;
  /* The headline, per subject: the geometric mean ratio over the n_all_ok keys where every
   * subject and the baseline are ok. One key set for all, so subjects rank by it; NAN when
   * no key is ok everywhere. */
  double *geomean;
  size_t n_all_ok;
  /* Per subject over its own keys (common keys where it and the baseline are ok). The key
   * sets differ between subjects, so these do not rank; shown apart, with the count. */
  double *own_geomean;
  size_t *own_geomean_n;
  bool runs_differ;  /* harness versions or suites differ between run files */
  char **notes;      /* what a reader must see: runs that differ, mixed power scopes */
  char **notes_text; /* the same in the report's language (Markdown, HTML) */
  size_t n_notes;
} ab_comparison;

/* The subject a --baseline SELECTOR names: an exact label, BACKEND:INDEX,
 * BACKEND:INDEX/PROVIDER, or a case-insensitive substring of one label. No match or more
 * than one: AB_E_INVALID, msg names the selector and the candidates. */
ab_status ab_compare_select(const ab_report *rep, const char *selector, size_t *subject, char *msg);

ab_status ab_compare_build(ab_comparison *cmp, const ab_report *rep, size_t baseline, char *msg);

/* Take back every faster/slower verdict where either side's case was disturbed (other
 * processes or a hypervisor took the machine during its window; docs/measurement.md), and
 * say how many in a note. compare does this unless --allow-disturbed. */
ab_status ab_compare_refuse_disturbed(ab_comparison *cmp);
void ab_compare_free(ab_comparison *cmp);

/* "ok", "unsupported", ... or "not run" for a cell without a case; never NULL. */
const char *ab_cmp_cell_status(const ab_cmp_cell *cell);

/* Renderers (compare_render.c, junit.c): the whole document to `out`, deterministic.
 * AB_E_IO when writing fails; AB_E_NOMEM when the document cannot be built, and then
 * nothing is written rather than a shorter document. */
ab_status ab_compare_write_md(const ab_comparison *cmp, FILE *out);
ab_status ab_compare_write_csv(const ab_comparison *cmp, FILE *out);
/* The compliance matrix of cmp->rep's tender (compliance.csv); only the header without one. */
ab_status ab_compare_write_compliance_csv(const ab_comparison *cmp, FILE *out);
ab_status ab_compare_write_json(const ab_comparison *cmp, FILE *out);
/* One self-contained page (compare_html.c): ranking, kernels, coverage; --lang aware. */
ab_status ab_compare_write_html(const ab_comparison *cmp, FILE *out);
/* One testcase per subject's case: failed / wrong_result / crashed / timeout fail,
 * unsupported / skipped / not run are skipped; ratios go into system-out. */
ab_status ab_compare_write_junit(const ab_comparison *cmp, FILE *out);

/* ---- the CI gate ------------------------------------------------------------------------ */

typedef enum ab_gate_outcome {
  AB_GATE_PASS = 0,          /* ok in both and not regressed (faster, noise, within threshold,
                                or no interval to tell) */
  AB_GATE_REGRESSED,         /* ratio < 1 - threshold and its interval wholly below 1 */
  AB_GATE_NEWLY_FAILED,      /* ok in the baseline, now failed / crashed / timeout */
  AB_GATE_NEWLY_WRONG,       /* now wrong_result, and was not */
  AB_GATE_NEWLY_UNSUPPORTED, /* ok in the baseline, now unsupported or skipped: coverage lost
                                (a driver update that drops a data type) */
  AB_GATE_NOT_OK,            /* not ok now without being new: still unsupported or failing */
  AB_GATE_FIXED,             /* not ok in the baseline, ok now */
  AB_GATE_MISSING,           /* in the baseline only */
  AB_GATE_NEW,               /* in the current run only */
  AB_GATE_OUTCOME_COUNT
} ab_gate_outcome;

/* Failures of the current run as a whole, whatever its cases say. */
typedef enum ab_gate_check {
  AB_GATE_CHECK_COMPLETE, /* the current run has complete: false (cut short) */
  AB_GATE_CHECK_OVERLAP,  /* no baseline case is in the current run (e.g. a backend that
                             loaded nothing), or the baseline has no cases */
  AB_GATE_CHECK_VERIFIED, /* asked for (ab_gate_require_verified): a run file whose bundle
                             did not verify with a given key (docs/verify.md) */
  AB_GATE_CHECK_COUNT
} ab_gate_check;

typedef struct ab_gate_case {
  char key[512];                   /* ab_report_case_key */
  const ab_report_row *base, *cur; /* either may be NULL (missing / new) */
  const char *unit;
  ab_ratio ratio; /* NAN unless both ok */
  ab_gate_outcome outcome;
} ab_gate_case;

typedef struct ab_gate {
  const ab_report *rep; /* inputs[0] the baseline, inputs[1] the current run; not owned */
  double threshold;     /* 0.05 for 5% */
  ab_gate_case *cases;  /* baseline order, then new cases in current order; owned */
  size_t n_cases;
  size_t n_outcome[AB_GATE_OUTCOME_COUNT];
  size_t n_base, n_cur; /* cases in each run */
  size_t n_no_interval; /* ok pairs without a ratio interval (never regress) */
  bool check_failed[AB_GATE_CHECK_COUNT];
  char **notes;      /* runs that differ (versions, suites, hosts), cases without an interval */
  char **notes_text; /* the same in the report's language (the Markdown) */
  size_t n_notes;
} ab_gate;

/* "5%" or "0.05" -> 0.05. Refuses negative, >= 100%, and anything but a number (with an
 * optional %): AB_E_INVALID with the reason in msg. */
ab_status ab_threshold_parse(const char *text, double *out, char *msg);

/* Pair the two run files of `rep` (exactly two inputs) case by case. */
ab_status ab_gate_build(ab_gate *gate, const ab_report *rep, double threshold, char *msg);
/* Fail the gate unless both run files are verified bundles: signed by a given key, every
 * hash and recomputed figure matching (ab_report_input.trust, filled in by the CLI). */
void ab_gate_require_verified(ab_gate *gate);
void ab_gate_free(ab_gate *gate);

/* At least one failed check, regression, new failure, new wrong result or newly
 * unsupported case. */
bool ab_gate_failed(const ab_gate *gate);
/* Does this outcome fail the gate? */
bool ab_gate_outcome_fails(ab_gate_outcome o);
/* "pass", "regressed", "newly failed", ...; never NULL. */
const char *ab_gate_outcome_name(ab_gate_outcome o);
/* "incomplete run", "nothing compared"; never NULL. */
const char *ab_gate_check_name(ab_gate_check c);
/* One line of why: the ratio and its interval (or "no interval"), or the status change.
 * Valid UTF-8 whatever len cuts. */
void ab_gate_case_describe(const ab_gate *gate, const ab_gate_case *gc, char *buf, size_t len);
/* Why a failed check failed (only meaningful when gate->check_failed[c]). */
void ab_gate_check_describe(const ab_gate *gate, ab_gate_check c, char *buf, size_t len);
/* The same two in `lang` (the English ones serve JUnit and the console). */
void ab_gate_case_describe_in(const ab_gate *gate, const ab_gate_case *gc, ab_lang lang, char *buf,
                              size_t len);
void ab_gate_check_describe_in(const ab_gate *gate, ab_gate_check c, ab_lang lang, char *buf,
                               size_t len);

/* Human summary (Markdown) and JUnit XML; AB_E_IO when writing fails. */
ab_status ab_gate_write_md(const ab_gate *gate, FILE *out);
ab_status ab_gate_write_junit(const ab_gate *gate, FILE *out);

#endif
