/* accelbench compare — subjects side by side against a baseline, or the CI gate of a run
 * against a baseline run (docs/compare.md). Reads run files only. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_common.h"
#include "compare.h"
#include "report.h"

#define PROG "accelbench compare"

static void compare_usage(FILE *out) {
  fprintf(out,
          "usage: accelbench compare RUN.json... [--baseline SELECTOR] [-f LIST] [-o DIR]\n"
          "       accelbench compare --against BASELINE.json CURRENT.json\n"
          "                          [--max-regression 5%%] [--junit FILE]\n"
          "\n"
          "A ratio is subject / baseline of the rate (GFLOP/s, GOP/s for integer kernels,\n"
          "GB/s, calls/s, tokens/s: higher is faster) with a 95%% interval from both cases'\n"
          "intervals.\n"
          "It is faster or slower only when that interval lies wholly above or below 1;\n"
          "otherwise, and always when a case has fewer than %d samples (no interval), it is\n"
          "within noise.\n"
          "\n"
          "Side by side: every device + provider of every run file (a subject) against one\n"
          "baseline subject: one table per kernel key with each subject's rate, its ratio\n"
          "to the baseline and a verdict, perf/W and energy per operation with the power\n"
          "scope, and a coverage matrix. The headline geometric-mean ratio is over the keys\n"
          "where every subject is ok (the same keys for all); each subject's own-keys\n"
          "geometric mean is shown apart with its key count. Keys some run files lack are\n"
          "listed as left out, not compared.\n"
          "\n"
          "  -b, --baseline SEL   the baseline subject: its exact label, BACKEND:INDEX,\n"
          "                       BACKEND:INDEX/PROVIDER (cpu:0/openblas), or a\n"
          "                       case-insensitive part of one label; then @HOST (the run's\n"
          "                       hostname) and #N (the Nth run file given) narrow it:\n"
          "                       cuda:0@node-a, cpu:0/onednn#2, #1. More than one match is\n"
          "                       an error listing them (default: the first subject)\n"
          "  -f, --format LIST    md, csv, json, junit, html, comma-separated (default md)\n"
          "  -o, --output DIR     write DIR/compare.md, compare.csv, compare.json,\n"
          "                       compare-junit.xml, compare.html (created if absent);\n"
          "                       -o NAME.html writes the HTML page alone; without it (or\n"
          "                       with -o -) the one format given goes to stdout\n"
          "      --allow-disturbed  give faster/slower verdicts even where a case ran beside\n"
          "                       other load (its run file says interference.disturbed)\n"
          "      --tender FILE    open with the compliance matrix (docs/tender.md)\n"
          "      --lang LANG      en (default) or zh-CN for md and html\n"
          "      --cost FILE      with --tender: cost per PFLOP beside each verdict\n"
          "  -c, --catalog PATH   with --tender: a lab's catalogue (prices, repeatable)\n"
          "\n",
          AB_MIN_CI_SAMPLES);
  /* Two strings: each within the 4095 characters C99 promises a compiler takes. */
  fputs("Gate (CI): pairs each case of CURRENT with the same case of BASELINE (backend,\n"
        "device uid, provider, kernel). The gate fails when a case\n"
        "  regressed          current/baseline < 1 - threshold and the ratio's 95%\n"
        "                     interval lies wholly below 1\n"
        "  newly failed       was ok, now failed, crashed or timeout\n"
        "  newly wrong        is now wrong_result and was not\n"
        "  newly unsupported  was ok, now unsupported or skipped (coverage lost)\n"
        "and when the current run is incomplete (complete: false) or has none of the\n"
        "baseline's cases. Missing cases (in the baseline only) are listed with a\n"
        "warning, new ones listed; neither fails the gate.\n"
        "\n"
        "  -a, --against FILE   the baseline run file; the one other file is the current\n"
        "  -t, --max-regression T  5% or 0.05 (default 5%); 0 <= T < 100%\n"
        "  -j, --junit FILE     also write JUnit XML (one testcase per case, and one per\n"
        "                       failed check of the current run)\n"
        "      --require-verified  fail the gate unless both run files are verified run\n"
        "                       bundles signed by a --public-key (docs/verify.md)\n"
        "      --lang LANG      en (default) or zh-CN for the summary on stdout (the JUnit\n"
        "                       file and the messages on stderr stay English)\n"
        "\n"
        "Both modes verify each run file that is the run.json of a run directory, as\n"
        "'accelbench verify' does, and show verified (key) / unsigned / not verified (why):\n"
        "  -k, --public-key FILE  a trusted key (from 'accelbench keygen'); repeatable\n"
        "\n"
        "  -h, --help           this text\n"
        "\n"
        "exit codes:\n"
        "  0  compared (gate: passed)\n"
        "  1  gate only: a case regressed, newly failed, is newly wrong or newly\n"
        "     unsupported, or the current run is incomplete or has no baseline case, or\n"
        "     (--require-verified) a run file is not a verified bundle\n"
        "  2  bad usage (unknown option, bad threshold, no or ambiguous baseline), or a\n"
        "     run file that cannot be read, is malformed or has a newer schema (the\n"
        "     message names the file and the field)\n"
        "  3  output that cannot be built or written (-o DIR, --junit FILE, stdout);\n"
        "     takes precedence over 1 so that CI notices a missing report\n",
        out);
}

typedef struct compare_args {
  const char *baseline_sel;
  const char *against;
  const char *threshold_arg;
  const char *junit;
  const char *output;
  char *format_arg;
  const char **formats;
  size_t n_formats;
  const char **runs;
  size_t n_runs;
  bool allow_disturbed;
  const char **keys; /* --public-key files */
  size_t n_keys;
  bool require_verified;
  const char *tender, *cost;
  const char **catalogs;
  size_t n_catalogs;
  ab_lang lang;
} compare_args;

/* ---------------------------------------------------------------------------------------
 * Arguments
 * ------------------------------------------------------------------------------------- */

typedef ab_status (*cmp_writer)(const ab_comparison *, FILE *);

static const struct {
  const char *name, *file;
  cmp_writer write;
} formats[] = {{"md", "compare.md", ab_compare_write_md},
               {"csv", "compare.csv", ab_compare_write_csv},
               {"json", "compare.json", ab_compare_write_json},
               {"junit", "compare-junit.xml", ab_compare_write_junit},
               {"html", "compare.html", ab_compare_write_html},
               {"compliance", "compliance.csv", ab_compare_write_compliance_csv}};

static int format_index(const char *name) {
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
    if (strcmp(formats[i].name, name) == 0)
      return (int)i;
  return -1;
}

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, PROG ": ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, " (see --help)\n");
  return AB_EXIT_USAGE;
}

/* "-o compare.html" names one HTML file rather than a directory. */
static bool html_file(const char *output) {
  size_t n = output ? strlen(output) : 0;
  return n > 5 && strcmp(output + n - 5, ".html") == 0;
}

/* Options that belong to one mode only are refused in the other rather than ignored. */
static int check_mode(const compare_args *a) {
  if (a->against) {
    if (a->baseline_sel || a->format_arg || a->output || a->tender || a->cost || a->catalogs)
      return usage_error("%s: --baseline, --format, --output, --tender, --cost and --catalog are "
                         "for side-by-side "
                         "comparisons, not the gate",
                         "--against");
    if (a->n_runs != 1)
      return usage_error("--against BASELINE takes exactly one CURRENT run file%s", "");
    return AB_EXIT_OK;
  }
  if (a->threshold_arg || a->junit || a->require_verified)
    return usage_error("%s: --max-regression, --junit and --require-verified need --against "
                       "BASELINE.json",
                       a->threshold_arg ? "--max-regression"
                       : a->junit       ? "--junit"
                                        : "--require-verified");
  if (a->n_runs == 0)
    return usage_error("no run file given%s", "");
  if ((a->cost || a->catalogs) && !a->tender)
    return usage_error("%s: --cost and --catalog serve the tender matrix; give --tender FILE",
                       a->cost ? "--cost" : "--catalog");
  if (a->n_formats == 0) /* "-f ," */
    return usage_error("--format '%s': no format named", a->format_arg);
  for (size_t i = 0; i < a->n_formats; i++)
    if (format_index(a->formats[i]) < 0)
      return usage_error("--format: unknown format '%s' (expected md, csv, json, junit, html "
                         "or compliance)",
                         a->formats[i]);
  if (!a->output && a->n_formats != 1)
    return usage_error("%s: several formats need -o DIR (stdout takes one)", "--format");
  if (html_file(a->output) && (a->n_formats != 1 || strcmp(a->formats[0], "html") != 0))
    return usage_error("-o %s: an .html file takes the html format only", a->output);
  return AB_EXIT_OK;
}

static int parse_args(int argc, char **argv, compare_args *a) {
  static const struct option opts[] = {{"baseline", required_argument, NULL, 'b'},
                                       {"format", required_argument, NULL, 'f'},
                                       {"output", required_argument, NULL, 'o'},
                                       {"against", required_argument, NULL, 'a'},
                                       {"max-regression", required_argument, NULL, 't'},
                                       {"junit", required_argument, NULL, 'j'},
                                       {"allow-disturbed", no_argument, NULL, 'D'},
                                       {"public-key", required_argument, NULL, 'k'},
                                       {"require-verified", no_argument, NULL, 'V'},
                                       {"help", no_argument, NULL, 'h'},
                                       {"tender", required_argument, NULL, 'T'},
                                       {"lang", required_argument, NULL, 'L'},
                                       {"cost", required_argument, NULL, 'C'},
                                       {"catalog", required_argument, NULL, 'c'},
                                       {NULL, 0, NULL, 0}};
  optind = 1;
  for (int c; (c = getopt_long(argc, argv, "b:f:o:a:t:j:k:hc:", opts, NULL)) != -1;) {
    switch (c) {
    case 'b': a->baseline_sel = optarg; break;
    case 'f':
      if (!ab_list_set_csv(optarg, &a->format_arg, &a->formats, &a->n_formats))
        return usage_error("--format '%s': expected a comma-separated list", optarg);
      break;
    case 'o': a->output = strcmp(optarg, "-") == 0 ? NULL : optarg; break; /* - : stdout */
    case 'a': a->against = optarg; break;
    case 't': a->threshold_arg = optarg; break;
    case 'j': a->junit = optarg; break;
    case 'D': a->allow_disturbed = true; break;
    case 'k':
      if (!ab_cli_add_path(optarg, &a->keys, &a->n_keys))
        return AB_EXIT_ENV;
      break;
    case 'V': a->require_verified = true; break;
    case 'T': a->tender = optarg; break;
    case 'C': a->cost = optarg; break;
    case 'c':
      if (!ab_list_append_csv(optarg, &a->catalogs, &a->n_catalogs))
        return AB_EXIT_USAGE;
      break;
    case 'L':
      if (ab_lang_parse(optarg, &a->lang) != AB_OK)
        return usage_error("--lang '%s': expected en or zh-CN", optarg);
      break;
    case 'h': compare_usage(stdout); return -1;
    default: compare_usage(stderr); return AB_EXIT_USAGE;
    }
  }
  a->runs = (const char **)argv + optind;
  a->n_runs = (size_t)(argc - optind);
  if (!a->format_arg) {
    static const char *md[] = {"md"}, *html[] = {"html"};
    a->formats = malloc(sizeof md);
    if (!a->formats)
      return AB_EXIT_ENV;
    memcpy(a->formats, html_file(a->output) ? html : md, sizeof md); /* -o x.html: HTML */
    a->n_formats = 1;
  }
  return check_mode(a);
}

/* ---------------------------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------------------------- */

/* Render into memory, then replace the file atomically: a reader (CI artefact upload)
 * never sees half a document, and a failed write leaves the old one. */
typedef ab_status (*render_fn)(const void *, FILE *);

static int write_atomic(const char *path, render_fn render, const void *arg) {
  char *text = NULL, msg[AB_MSG_LEN] = "";
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  if (!mem)
    return AB_EXIT_ENV;
  ab_status st = render(arg, mem);
  if (fclose(mem) != 0 && st == AB_OK)
    st = AB_E_IO;
  if (st == AB_OK)
    st = ab_text_write_atomic(text, path, msg);
  free(text);
  if (st != AB_OK) {
    fprintf(stderr, PROG ": cannot write %s%s%s\n", path, msg[0] ? ": " : "", msg);
    return AB_EXIT_ENV;
  }
  return AB_EXIT_OK;
}

typedef struct cmp_job {
  cmp_writer write;
  const ab_comparison *cmp;
} cmp_job;

static ab_status render_cmp(const void *arg, FILE *out) {
  const cmp_job *job = arg;
  return job->write(job->cmp, out);
}

static int write_comparison(const ab_comparison *cmp, const compare_args *a) {
  if (!a->output) {
    int f = format_index(a->formats[0]);
    ab_status st = formats[f].write(cmp, stdout);
    if (st != AB_OK)
      fprintf(stderr, PROG ": cannot %s the %s output\n", st == AB_E_IO ? "write" : "build",
              formats[f].name);
    return st == AB_OK ? AB_EXIT_OK : AB_EXIT_ENV;
  }
  if (html_file(a->output)) {
    cmp_job job = {ab_compare_write_html, cmp};
    return write_atomic(a->output, render_cmp, &job);
  }
  if (mkdir(a->output, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, PROG ": cannot create output directory %s: %s\n", a->output, strerror(errno));
    return AB_EXIT_ENV;
  }
  for (size_t i = 0; i < a->n_formats; i++) {
    int f = format_index(a->formats[i]);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", a->output, formats[f].file);
    cmp_job job = {formats[f].write, cmp};
    int rc = write_atomic(path, render_cmp, &job);
    if (rc != AB_EXIT_OK)
      return rc;
  }
  return AB_EXIT_OK;
}

/* ---------------------------------------------------------------------------------------
 * The two modes
 * ------------------------------------------------------------------------------------- */

/* The run files, each with its bundle verified against the --public-key files. */
static int load(ab_report *rep, const char *const *paths, size_t n, const compare_args *a) {
  /* No catalogue: a comparison uses measured figures only, and catalogue notes about
   * unmatched devices would bury the warnings that matter here. */
  ab_report_opts opts = {.no_default_catalog = !a->tender, /* a price needs the catalogue */
                         .catalog_paths = a->catalogs,
                         .n_catalog_paths = a->n_catalogs,
                         .cost_path = a->cost,
                         .tender_path = a->tender,
                         .lang = a->lang};
  char msg[AB_MSG_LEN] = "";
  ab_public_key *keys = NULL;
  if (!ab_cli_load_public_keys(PROG, a->keys, a->n_keys, &keys))
    return AB_EXIT_USAGE;
  int rc = AB_EXIT_OK;
  if (ab_report_build(rep, paths, n, &opts, msg) != AB_OK) {
    fprintf(stderr, PROG ": %s\n", msg);
    rc = AB_EXIT_USAGE;
  } else {
    ab_cli_report_trust(rep, keys, a->n_keys);
  }
  free(keys);
  return rc;
}

static int side_by_side(const compare_args *a) {
  ab_report rep;
  int rc = load(&rep, a->runs, a->n_runs, a);
  if (rc != AB_EXIT_OK)
    return rc;
  size_t baseline = 0;
  char msg[AB_MSG_LEN] = "";
  ab_comparison cmp;
  if (a->baseline_sel && ab_cli_select_baseline(&rep, a->baseline_sel, &baseline, msg) != AB_OK)
    rc = AB_EXIT_USAGE;
  else if (ab_compare_build(&cmp, &rep, baseline, msg) != AB_OK)
    rc = AB_EXIT_USAGE;
  else if (!a->allow_disturbed && ab_compare_refuse_disturbed(&cmp) != AB_OK) {
    rc = AB_EXIT_ENV;
    ab_compare_free(&cmp);
  } else {
    rc = write_comparison(&cmp, a);
    ab_compare_free(&cmp);
  }
  if (msg[0])
    fprintf(stderr, PROG ": %s\n", msg);
  ab_report_free(&rep);
  return rc;
}

static ab_status render_gate_junit(const void *g, FILE *out) {
  return ab_gate_write_junit(g, out);
}

/* What must not scroll past in a CI log: checks that failed, and cases that vanished. */
static void gate_stderr(const ab_gate *g) {
  for (int c = 0; c < AB_GATE_CHECK_COUNT; c++) {
    if (!g->check_failed[c])
      continue;
    char why[1024];
    ab_gate_check_describe(g, (ab_gate_check)c, why, sizeof why);
    fprintf(stderr, PROG ": gate failure (%s): %s\n", ab_gate_check_name((ab_gate_check)c), why);
  }
  if (g->n_outcome[AB_GATE_MISSING])
    fprintf(stderr,
            PROG ": WARNING: %zu of the baseline's %zu cases are missing from the current run "
                 "and were not compared (listed under Missing)\n",
            g->n_outcome[AB_GATE_MISSING], g->n_base);
}

static int gate_run(const ab_report *rep, double threshold, const compare_args *a) {
  ab_gate g;
  char msg[AB_MSG_LEN] = "";
  const char *junit = a->junit;
  if (ab_gate_build(&g, rep, threshold, msg) != AB_OK) {
    fprintf(stderr, PROG ": %s\n", msg);
    return AB_EXIT_USAGE;
  }
  if (a->require_verified)
    ab_gate_require_verified(&g);
  gate_stderr(&g);
  int rc = ab_gate_write_md(&g, stdout) == AB_OK ? AB_EXIT_OK : AB_EXIT_ENV;
  if (rc == AB_EXIT_OK && junit)
    rc = write_atomic(junit, render_gate_junit, &g);
  if (rc == AB_EXIT_OK && ab_gate_failed(&g))
    rc = AB_EXIT_CASES_FAILED;
  ab_gate_free(&g);
  return rc;
}

static int gate(const compare_args *a) {
  double threshold = 0.05;
  char msg[AB_MSG_LEN] = "";
  if (a->threshold_arg && ab_threshold_parse(a->threshold_arg, &threshold, msg) != AB_OK)
    return usage_error("%s", msg);
  const char *paths[2] = {a->against, a->runs[0]};
  ab_report rep;
  int rc = load(&rep, paths, 2, a);
  if (rc != AB_EXIT_OK)
    return rc;
  rc = gate_run(&rep, threshold, a);
  ab_report_free(&rep);
  return rc;
}

int ab_cmd_compare(int argc, char **argv) {
  compare_args a = {0};
  int rc = parse_args(argc, argv, &a);
  if (rc == AB_EXIT_OK)
    rc = a.against ? gate(&a) : side_by_side(&a);
  free(a.format_arg);
  free(a.formats);
  free(a.keys);
  free(a.catalogs);
  return rc < 0 ? AB_EXIT_OK : rc;
}
