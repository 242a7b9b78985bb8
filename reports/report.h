/* accelbench — the report model: run files loaded, devices matched to the catalogue, and
 * every derived figure computed once, here, so the Markdown, CSV, JSON, HTML and JUnit
 * renderers and `compare` all show the same numbers (docs/reports.md). Built from run
 * files only; nothing is re-run or estimated. */
#ifndef AB_REPORT_H
#define AB_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "catalog.h"
#include "i18n.h"
#include "model/manifest.h"
#include "model/runfile.h"
#include "tender.h"

/* One run file as read. */
typedef struct ab_report_input {
  char path[1024];
  ab_run run;   /* the strict reader's result (ab_run_load) */
  json_t *root; /* the whole file, for the open objects (system, power); owned */
  /* Whether its run bundle verified (docs/verify.md). The reporter cannot check it (that
   * recomputes figures with the harness's code): the CLI fills it in after building the
   * report; left at AB_TRUST_NOT_CHECKED, nothing is shown. */
  ab_trust trust;
} ab_report_input;

/* What a figure's power number came from; every power figure carries one. */
typedef struct ab_power_ref {
  char source[64]; /* "rapl:package-0", "file", "nvml", ... */
  char scope[16];  /* "chip", "board", "node", "unknown" */
  char covers[128];
} ab_power_ref;

/* One subject: a device with one provider in one run file. Subjects are the columns of
 * comparisons and the devices of the committee summary. */
typedef struct ab_report_subject {
  size_t input;                   /* index into ab_report.inputs */
  const ab_device_record *device; /* NULL when the cases name a device absent from devices[] */
  char backend[32];
  uint32_t device_index;
  char device_uid[64];
  char device_name[128];
  char provider[32];
  char host[128];  /* system.hostname of the run */
  char label[256]; /* unique within the report: "AMD EPYC (cpu:0 openblas)" [+ " @host"] */

  const ab_catalog_entry *catalog; /* NULL when no entry matched */
  char catalog_why[256];
  /* catalog_why (English, for report.json) in the report's language (Markdown, HTML) */
  char catalog_why_text[384];

  /* Measured ceilings for the roofline and "efficiency vs measured peak": from this
   * device's `peak` and `membw` cases (any provider) in the same run, else for a CPU from
   * system.cpu.fma_peak_gflops_measured. NAN when not measured; *_source says from what, in
   * the report's language (only the HTML shows it). */
  double measured_peak_gflops[AB_DTYPE_COUNT];
  char measured_peak_source[AB_DTYPE_COUNT][128];
  double measured_membw_gbs;
  char measured_membw_source[128];

  /* Idle baseline watts of the primary power source; NAN when none. */
  double idle_w;
  ab_power_ref idle_ref;

  /* Index into ab_report.rows of the fastest ok GEMM case per input dtype (the headline
   * figure of the summary and of cost of ownership); SIZE_MAX when there is none. */
  size_t best_gemm[AB_DTYPE_COUNT];
  /* Case counts per status (ab_case_status). */
  size_t n_status[AB_CASE_STATUS_COUNT];
} ab_report_subject;

/* Power figures of one case from its primary source (the first valid one, preferring
 * the narrowest scope that covers the device: board, then chip, then node). */
typedef struct ab_report_power {
  bool measured;
  char not_measured[512]; /* the run file's reason when !measured */
  ab_power_ref ref;
  double avg_w, peak_w, energy_j, idle_w, net_avg_w, net_energy_j;
  double pj_per_flop, net_pj_per_flop, gflops_per_w, net_gflops_per_w;
  double pj_per_byte, gbytes_per_s_per_w; /* NAN where not applicable / not measured */
  double j_per_token, net_j_per_token;    /* only for kernels that process tokens */
  double net_uncertainty_w;               /* of avg_w - idle_w (docs/power.md); NAN: none */
  /* Why there is no net figure although there is an idle baseline (the run file's
   * net_not_measurable), and the same as a cell: "not measurable: net power within noise". */
  char net_not_measurable[256];
  char net_cell[192];     /* in the report's language */
  const json_t *timeline; /* {"t_s": [...], "w": [...]} of the run file, or NULL */
  size_t n_sources;       /* sources in the case record (others are in the JSON report) */
} ab_report_power;

/* One case and everything derived from it. */
typedef struct ab_report_row {
  size_t subject;
  const ab_case_result *c;
  ab_case_rates rates; /* all NAN unless status is ok */
  /* latency percentiles of one call (time_s), seconds; NAN when not timed */
  double t_p5, t_median, t_p95;
  double eff_spec;     /* rate / catalogue peak of the input dtype; NAN when unknown */
  double eff_measured; /* rate / measured peak (GEMM, PEAK) or measured bandwidth (MEMBW) */
  ab_report_power power;
  bool clock_fell; /* thermal.clock_fell in the run file */
  /* ok in its run file, but faster than the device can be (ab_report_plausibility): a
   * warning says by how much, and the row is never the best or ranked. */
  bool implausible;
} ab_report_row;

/* A rate above the spec-sheet peak by more than this factor cannot be true. */
#define AB_REPORT_SPEC_MARGIN 1.10
/* Nor above the measured peak (peak microbenchmark, the host's FMA loop) by more than this:
 * wider, because a microbenchmark can fall short of what a library reaches. */
#define AB_REPORT_MEASURED_MARGIN 2.0

/* Cost of ownership of one subject doing GEMM of one dtype at its best measured rate. */
typedef struct ab_report_cost {
  size_t subject;
  ab_dtype dtype;
  size_t row;        /* the best_gemm row the rate and watts come from */
  double unit_price; /* NAN when unknown (price_why says why) */
  char price_why[256];
  ab_cost_result r; /* cost_per_unit is per PFLOP (int8: per peta-op) */
  /* price_why (English, for report.json) in the report's language (Markdown, HTML) */
  char price_why_text[384];
} ab_report_cost;

typedef struct ab_report_opts {
  const char *const *catalog_paths; /* user catalogues (files or directories), in order */
  size_t n_catalog_paths;
  bool no_default_catalog; /* do not load configs/devices (tests) */
  const char *cost_path;   /* NULL: no cost-of-ownership section */
  const char *tender_path; /* NULL: no compliance matrix (docs/tender.md) */
  ab_lang lang;            /* language of the human formats (md, html); default English */
} ab_report_opts;

typedef struct ab_report {
  ab_report_input *inputs;
  size_t n_inputs;
  ab_report_subject *subjects;
  size_t n_subjects;
  ab_report_row *rows; /* grouped by subject, in each run file's case order */
  size_t n_rows;
  ab_catalog catalog;
  bool have_cost;
  ab_cost_inputs cost;
  ab_report_cost *costs; /* one per subject and GEMM dtype with an ok case, when have_cost */
  size_t n_costs;
  char **warnings;      /* things a reader must see: mixed power scopes, unmatched devices... */
  char **warnings_text; /* the same in the report's language (Markdown, HTML) */
  size_t n_warnings;
  bool have_tender;
  ab_tender tender;
  /* The compliance matrix: [req * n_subjects + subject], when have_tender (compliance.c). */
  ab_tender_cell *compliance;
  ab_lang lang;
} ab_report;

/* Load every run file (strictly: a malformed or newer-schema file fails with its path and
 * the field in msg), the catalogues and cost inputs, and derive all figures. */
ab_status ab_report_build(ab_report *rep, const char *const *paths, size_t n,
                          const ab_report_opts *opts, char *msg);
void ab_report_free(ab_report *rep);

/* Evaluate every requirement of rep->tender on every subject (compliance.c). */
ab_status ab_report_compliance(ab_report *rep);
/* The cell of requirement `req` on subject `s`. */
const ab_tender_cell *ab_report_tender_cell(const ab_report *rep, size_t req, size_t s);
/* Per subject: requirements met, and mandatory ones not met / not measured / unsupported. */
void ab_report_tender_tally(const ab_report *rep, size_t s, size_t *met, size_t *mandatory_failed);

/* Kinds a subject planned (any case) and validated (an ok case that is not implausible). */
void ab_report_coverage(const ab_report *rep, size_t s, size_t *validated, size_t *planned);
/* Cases of a subject that failed, returned a wrong result, crashed, timed out or were
 * implausible. */
size_t ab_report_failures(const ab_report_subject *s);
/* The cost of ownership of a subject's best case of one dtype; NULL without one. */
const ab_report_cost *ab_report_cost_of(const ab_report *rep, size_t s, ab_dtype t);
/* The subject's best validated GEMM of a dtype class (integer or floating point): the row
 * index, SIZE_MAX when none. Rates of different dtypes are in their own units (GOP/s for
 * integer), so a class never mixes FLOP and op. */
size_t ab_report_best_of_class(const ab_report *rep, size_t s, bool integer);

/* Comparison key of a case, without the device: kind, dtypes and shape
 * ("gemm f32->f32 m=1024 n=1024 k=1024 nn"). Cases with equal keys did the same work. */
void ab_report_kernel_key(const ab_case_result *c, char *buf, size_t len);

/* Full key of a case within a lab: backend, device uid (or index), provider and the kernel
 * key. Used by the CI gate to pair a case with its baseline. */
void ab_report_case_key(const ab_case_result *c, char *buf, size_t len);

/* Fewest samples for which a distribution-free 95% interval of the median exists (with
 * n = 5 even the whole sample range covers the median with only 1 - 2/2^5 = 94%). */
#define AB_MIN_CI_SAMPLES 6

/* The headline rate of a case and its unit: GFLOP/s for kinds that count floating-point
 * operations, GOP/s for integer ones, GB/s for bandwidth kinds, calls/s for `launch`.
 * Higher is better for all. lo/hi: the 95% interval, NAN when there is none (fewer than
 * AB_MIN_CI_SAMPLES samples, or none recorded); every value NAN unless the case is ok. */
const char *ab_report_rate(const ab_report_row *r, double *median, double *lo, double *hi);

/* The unit of one operation of a case's work: "FLOP", "op" (integer) or "B" (bytes). */
const char *ab_report_work_unit(const ab_case_result *c);

/* Whether the CLI checked the run bundle of any input (ab_report_input.trust): renderers
 * show the verification only then. */
bool ab_report_trust_checked(const ab_report *rep);
/* ab_trust_text in `lang`: "verified (key)", "unsigned", "not verified (why)"; a finding of
 * the check is shown as the checker gave it. */
void ab_report_trust_text(ab_lang lang, const ab_trust *t, char *buf, size_t len);

/* A number for people: 3 significant digits, whole numbers from 1000 up, "—" for NAN.
 * Machine formats (CSV, JSON) print full precision instead. */
const char *ab_report_fmt(double v, char *buf, size_t len);
/* A fraction as a percentage ("87.3%"), "—" for NAN. */
const char *ab_report_fmt_pct(double v, char *buf, size_t len);

/* Run-file text as a JSON string: bytes that are not UTF-8 (which JSON cannot hold) become
 * U+FFFD rather than losing the whole string; NULL only when out of memory. */
json_t *ab_report_json_text(const char *s);

/* Renderers. Each writes the whole document to `out`; deterministic (no clock, no
 * environment), so golden files can pin them. */
ab_status ab_report_write_md(const ab_report *rep, FILE *out);
ab_status ab_report_write_csv(const ab_report *rep, FILE *out);
ab_status ab_report_write_json(const ab_report *rep, FILE *out);
ab_status ab_report_write_html(const ab_report *rep, FILE *out);
/* JUnit of the run files themselves: one testcase per case; failed / wrong_result /
 * crashed / timeout are failures, unsupported / skipped are skipped. */
ab_status ab_report_write_junit(const ab_report *rep, FILE *out);

/* The formats by name ("md", "csv", "html", "json", "junit") and the file each is written
 * to in an output directory ("report.md", ..., "junit.xml"); NULL for an unknown name. */
const char *ab_report_file_name(const char *format);

/* Render one format into a malloc'ed string (*text, caller frees). */
ab_status ab_report_render(const ab_report *rep, const char *format, char **text, char *msg);

/* Render each format and write it atomically into `dir` (which must exist). */
ab_status ab_report_write_dir(const ab_report *rep, const char *dir, const char *const *formats,
                              size_t n, char *msg);

#endif
