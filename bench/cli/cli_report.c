/* accelbench report — render run files (only run files: nothing is re-run) as Markdown,
 * CSV, JSON, offline HTML and JUnit, with the device catalogue and cost of ownership
 * (docs/reports.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_common.h"
#include "report.h"

#define DEFAULT_FORMATS "md,csv,html,json"

static void report_usage(FILE *out) {
  fprintf(out, "usage: accelbench report RUN.json... [options]\n"
               "\n"
               "Render one or more run files (from any machines and vendors) into one report:\n"
               "devices with their catalogue entry, best GEMM per dtype with efficiency against\n"
               "spec-sheet and measured peaks, perf/W and energy per operation with the power\n"
               "scope, cost of ownership, every case, the coverage of each device. Only run\n"
               "files are read; a malformed or newer-schema file is refused with its field named.\n"
               "\n"
               "options:\n"
               "  -f, --format LIST   formats, comma-separated: md, csv, html, json, junit\n"
               "                      (default " DEFAULT_FORMATS ")\n"
               "  -o, --output DIR    output directory, created if absent (default: report);\n"
               "                      files: report.md, report.csv, report.html, report.json,\n"
               "                      junit.xml. '-' writes the one format given to stdout\n"
               "  -c, --catalog PATH  a lab's device catalogue (YAML file or directory), on top\n"
               "                      of configs/devices; repeatable (docs/catalog.md)\n"
               "      --no-default-catalog  do not load the shipped configs/devices\n"
               "      --cost FILE     cost-of-ownership inputs (a `cost:` section, see\n"
               "                      configs/cost.yaml): adds cost per PFLOP and energy per year\n"
               "      --tender FILE   tender requirements (docs/tender.md): the report opens with\n"
               "                      the compliance matrix; with csv also compliance.csv\n"
               "      --lang LANG     en (default) or zh-CN: the language of md and html\n"
               "  -k, --public-key FILE  a trusted key for the run bundles (repeatable). Each\n"
               "                      run file that is the run.json of a run directory is\n"
               "                      verified as 'accelbench verify' does; the report says\n"
               "                      verified (key), unsigned or not verified (why) per file\n"
               "  -q, --quiet         do not print the files written\n"
               "  -h, --help          this text\n"
               "\n"
               "exit codes: 0 written; 2 bad usage, or a run file, catalogue or cost file that\n"
               "does not load (the message names the file and field); 3 output that cannot be\n"
               "written.\n");
}

typedef struct report_args {
  const char **formats;
  size_t n_formats;
  char *format_arg; /* owned copy the format list points into */
  const char *output;
  const char **catalogs;
  size_t n_catalogs;
  bool no_default_catalog;
  const char *cost;
  const char *tender;
  ab_lang lang;
  const char **keys; /* --public-key files */
  size_t n_keys;
  bool quiet;
} report_args;

static int check_formats(const report_args *a) {
  for (size_t i = 0; i < a->n_formats; i++)
    if (!ab_report_file_name(a->formats[i])) {
      fprintf(stderr,
              "accelbench report: --format: unknown format '%s' (expected md, csv, html, "
              "json or junit)\n",
              a->formats[i]);
      return AB_EXIT_USAGE;
    }
  if (strcmp(a->output, "-") == 0 && a->n_formats != 1) {
    fprintf(stderr, "accelbench report: -o -: give exactly one --format to write to stdout\n");
    return AB_EXIT_USAGE;
  }
  return AB_EXIT_OK;
}

static int parse_args(int argc, char **argv, report_args *a) {
  static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                       {"output", required_argument, NULL, 'o'},
                                       {"catalog", required_argument, NULL, 'c'},
                                       {"no-default-catalog", no_argument, NULL, 'N'},
                                       {"cost", required_argument, NULL, 'C'},
                                       {"quiet", no_argument, NULL, 'q'},
                                       {"public-key", required_argument, NULL, 'k'},
                                       {"help", no_argument, NULL, 'h'},
                                       {"tender", required_argument, NULL, 'T'},
                                       {"lang", required_argument, NULL, 'L'},
                                       {NULL, 0, NULL, 0}};
  a->output = "report";
  optind = 1;
  for (int c; (c = getopt_long(argc, argv, "f:o:c:k:qh", opts, NULL)) != -1;) {
    switch (c) {
    case 'f':
      if (!ab_list_set_csv(optarg, &a->format_arg, &a->formats, &a->n_formats) ||
          a->n_formats == 0) {
        fprintf(stderr,
                "accelbench report: --format '%s': expected a comma-separated list of "
                "md, csv, html, json, junit\n",
                optarg);
        return AB_EXIT_USAGE;
      }
      break;
    case 'o': a->output = optarg; break;
    case 'c':
      if (!ab_list_append_csv(optarg, &a->catalogs, &a->n_catalogs))
        return AB_EXIT_USAGE;
      break;
    case 'N': a->no_default_catalog = true; break;
    case 'C': a->cost = optarg; break;
    case 'T': a->tender = optarg; break;
    case 'L':
      if (ab_lang_parse(optarg, &a->lang) != AB_OK) {
        fprintf(stderr, "accelbench report: --lang '%s': expected en or zh-CN\n", optarg);
        return AB_EXIT_USAGE;
      }
      break;
    case 'k':
      if (!ab_cli_add_path(optarg, &a->keys, &a->n_keys))
        return AB_EXIT_ENV;
      break;
    case 'q': a->quiet = true; break;
    case 'h': report_usage(stdout); return -1;
    default: report_usage(stderr); return AB_EXIT_USAGE;
    }
  }
  if (!a->formats && !ab_list_set_csv(DEFAULT_FORMATS, &a->format_arg, &a->formats, &a->n_formats))
    return AB_EXIT_USAGE;
  if (optind >= argc) {
    fprintf(stderr, "accelbench report: no run file given (usage: accelbench report "
                    "RUN.json... ; see --help)\n");
    return AB_EXIT_USAGE;
  }
  return check_formats(a);
}

static int make_dir(const char *dir) {
  if (mkdir(dir, 0755) == 0 || errno == EEXIST)
    return AB_EXIT_OK;
  fprintf(stderr, "accelbench report: cannot create output directory %s: %s\n", dir,
          strerror(errno));
  return AB_EXIT_ENV;
}

static int write_stdout(const ab_report *rep, const char *format) {
  char *text = NULL, msg[AB_MSG_LEN] = "";
  if (ab_report_render(rep, format, &text, msg) != AB_OK) {
    fprintf(stderr, "accelbench report: %s\n", msg);
    return AB_EXIT_ENV;
  }
  bool ok = fputs(text, stdout) >= 0 && fflush(stdout) == 0;
  free(text);
  return ok ? AB_EXIT_OK : AB_EXIT_ENV;
}

static int write_files(const ab_report *rep, const report_args *a) {
  if (strcmp(a->output, "-") == 0)
    return write_stdout(rep, a->formats[0]);
  int rc = make_dir(a->output);
  if (rc != AB_EXIT_OK)
    return rc;
  char msg[AB_MSG_LEN] = "";
  if (ab_report_write_dir(rep, a->output, a->formats, a->n_formats, msg) != AB_OK) {
    fprintf(stderr, "accelbench report: %s\n", msg);
    return AB_EXIT_ENV;
  }
  for (size_t i = 0; i < a->n_formats && !a->quiet; i++)
    fprintf(stderr, "accelbench report: wrote %s/%s%s\n", a->output,
            ab_report_file_name(a->formats[i]),
            rep->have_tender && strcmp(a->formats[i], "csv") == 0 ? " and compliance.csv" : "");
  return AB_EXIT_OK;
}

static void print_warnings(const ab_report *rep) {
  for (size_t i = 0; i < rep->n_warnings; i++)
    fprintf(stderr, "accelbench report: warning: %s\n", rep->warnings[i]);
}

int ab_cmd_report(int argc, char **argv) {
  report_args a = {0};
  ab_public_key *keys = NULL;
  int rc = parse_args(argc, argv, &a);
  if (rc == 0 && !ab_cli_load_public_keys("accelbench report", a.keys, a.n_keys, &keys))
    rc = AB_EXIT_USAGE;
  if (rc == 0) {
    ab_report_opts opts = {.catalog_paths = a.catalogs,
                           .n_catalog_paths = a.n_catalogs,
                           .no_default_catalog = a.no_default_catalog,
                           .cost_path = a.cost,
                           .tender_path = a.tender,
                           .lang = a.lang};
    ab_report rep;
    char msg[AB_MSG_LEN] = "";
    ab_status st = ab_report_build(&rep, (const char *const *)argv + optind,
                                   (size_t)(argc - optind), &opts, msg);
    if (st != AB_OK) {
      fprintf(stderr, "accelbench report: %s\n", msg);
      rc = st == AB_E_NOMEM ? AB_EXIT_ENV : AB_EXIT_USAGE;
    } else {
      if (!a.quiet)
        print_warnings(&rep);
      ab_cli_report_trust(&rep, keys, a.n_keys);
      rc = write_files(&rep, &a);
      ab_report_free(&rep);
    }
  }
  free(a.formats);
  free(a.format_arg);
  free(a.catalogs);
  free(a.keys);
  free(keys);
  return rc < 0 ? AB_EXIT_OK : rc;
}
