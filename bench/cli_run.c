/* accelbench run — plan, run every case, write the run file and a summary. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_common.h"
#include "kernel.h"
#include "loader.h"
#include "plan.h"
#include "runfile.h"
#include "runner.h"
#include "summary.h"
#include "sysinfo.h"
#include "util.h"

typedef struct run_args {
  const char *suite;
  const char *output;
  ab_filters filters;
  const char **options; /* "key=value" */
  size_t n_options;
  double time_cap_s; /* <= 0: the suite's */
  bool progress;
  bool quiet;
  bool measure_clock;
} run_args;

static void run_usage(FILE *out) {
  fprintf(out, "usage: accelbench run [options]\n"
               "\n"
               "Run a suite on every device found (or those selected), validate every result\n"
               "against a float64 reference, and write OUTPUT/run.json (the run file),\n"
               "OUTPUT/summary.md and OUTPUT/journal.jsonl; print a summary table.\n"
               "\n"
               "options:\n"
               "  -s, --suite NAME|FILE   suite to run: quick (default), poc-full, llm, or a YAML\n"
               "                          file (format: docs/config.md)\n"
               "  -o, --output DIR        output directory (default: results/run-<UTC time>)\n"
               "  -b, --backend NAME      only these backends (repeat or comma-separate)\n"
               "  -d, --device B:I        only these devices, as 'accelbench list' prints them\n"
               "  -p, --provider NAME     only these providers (openblas, onednn, clblast, ...)\n"
               "  -O, --option KEY=VALUE  backend option, overriding the suite's (threads=2)\n"
               "      --time-cap S        per-case cap on the timed loop, overriding the suite's\n"
               "      --no-clock          skip the short CPU clock/FMA-peak measurement\n"
               "      --no-progress       no progress line (it is shown only on a terminal)\n"
               "  -q, --quiet             no summary table on stdout\n"
               "  -h, --help              this text\n"
               "\n"
               "exit codes: 0 all cases ran (unsupported/skipped allowed); 1 a case failed,\n"
               "crashed, timed out or returned wrong results; 2 bad usage or config;\n"
               "3 no usable device or unwritable output.\n");
}

int ab_list_append_csv(char *arg, const char ***list, size_t *n) {
  for (char *save = NULL, *tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    const char **grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown)
      return 0;
    *list = grown;
    (*list)[(*n)++] = tok;
  }
  return 1;
}

static int parse_double_arg(const char *opt, const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !(v > 0.0) || v > 1e6) {
    fprintf(stderr, "accelbench run: %s '%s': expected a number of seconds > 0\n", opt, s);
    return 0;
  }
  *out = v;
  return 1;
}

static int parse_args(int argc, char **argv, run_args *a) {
  enum { OPT_TIME_CAP = 256, OPT_NO_PROGRESS, OPT_NO_CLOCK };
  static const struct option opts[] = {{"suite", required_argument, NULL, 's'},
                                       {"output", required_argument, NULL, 'o'},
                                       {"backend", required_argument, NULL, 'b'},
                                       {"device", required_argument, NULL, 'd'},
                                       {"provider", required_argument, NULL, 'p'},
                                       {"option", required_argument, NULL, 'O'},
                                       {"time-cap", required_argument, NULL, OPT_TIME_CAP},
                                       {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
                                       {"no-clock", no_argument, NULL, OPT_NO_CLOCK},
                                       {"quiet", no_argument, NULL, 'q'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int ok = 1;
  optind = 1;
  for (int c; ok && (c = getopt_long(argc, argv, "s:o:b:d:p:O:qh", opts, NULL)) != -1;) {
    switch (c) {
    case 's': a->suite = optarg; break;
    case 'o': a->output = optarg; break;
    case 'b': ok = ab_list_append_csv(optarg, &a->filters.backends, &a->filters.n_backends); break;
    case 'd': ok = ab_list_append_csv(optarg, &a->filters.devices, &a->filters.n_devices); break;
    case 'p':
      ok = ab_list_append_csv(optarg, &a->filters.providers, &a->filters.n_providers);
      break;
    case 'O':
      if (!strchr(optarg, '=') || optarg[0] == '=') {
        fprintf(stderr, "accelbench run: --option '%s': expected KEY=VALUE\n", optarg);
        return 0;
      }
      ok = ab_list_append_csv(optarg, &a->options, &a->n_options);
      break;
    case OPT_TIME_CAP: ok = parse_double_arg("--time-cap", optarg, &a->time_cap_s); break;
    case OPT_NO_PROGRESS: a->progress = false; break;
    case OPT_NO_CLOCK: a->measure_clock = false; break;
    case 'q': a->quiet = true; break;
    case 'h': run_usage(stdout); return -1;
    default: run_usage(stderr); return 0;
    }
  }
  if (ok && optind < argc) {
    fprintf(stderr, "accelbench run: unexpected argument '%s' (see --help)\n", argv[optind]);
    return 0;
  }
  return ok;
}

/* Command-line options override (or add to) the suite's backend options. */
static int apply_options(ab_suite *s, const run_args *a) {
  for (size_t i = 0; i < a->n_options; i++) {
    const char *eq = strchr(a->options[i], '=');
    char *key = strndup(a->options[i], (size_t)(eq - a->options[i]));
    char *value = strdup(eq + 1);
    if (!key || !value) {
      free(key);
      free(value);
      return 0;
    }
    size_t k = 0;
    while (k < s->n_options && strcmp(s->option_keys[k], key) != 0)
      k++;
    if (k == s->n_options) {
      char **keys = realloc(s->option_keys, (k + 1) * sizeof *keys);
      if (keys)
        s->option_keys = keys;
      char **values = realloc(s->option_values, (k + 1) * sizeof *values);
      if (values)
        s->option_values = values;
      if (!keys || !values) {
        free(key);
        free(value);
        return 0;
      }
      s->option_keys[k] = key;
      s->option_values[k] = NULL;
      s->n_options++;
    } else {
      free(key);
    }
    free(s->option_values[k]);
    s->option_values[k] = value;
  }
  if (a->time_cap_s > 0.0)
    s->measure.time_cap_s = a->time_cap_s;
  return 1;
}

/* ---- suite resolution ---------------------------------------------------------------- */

static int file_exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

ab_status ab_resolve_suite(const char *arg, char *path, size_t len, char *msg) {
  if (strchr(arg, '/') || strstr(arg, ".yaml") || strstr(arg, ".yml")) {
    if (!file_exists(arg)) {
      ab_msgf(msg, AB_MSG_LEN, "--suite %s: no such file", arg);
      return AB_E_NOT_FOUND;
    }
    ab_strlcpy(path, arg, len);
    return AB_OK;
  }
  const char *dirs[] = {getenv("ACCELBENCH_CONFIG_DIR"), AB_SOURCE_CONFIG_DIR,
                        AB_INSTALL_CONFIG_DIR};
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    if (!dirs[i] || !*dirs[i])
      continue;
    snprintf(path, len, "%s/%s.yaml", dirs[i], arg);
    if (file_exists(path))
      return AB_OK;
  }
  ab_msgf(msg, AB_MSG_LEN,
          "--suite %s: no suite of that name in $ACCELBENCH_CONFIG_DIR, %s or %s "
          "(expected quick, poc-full, llm, or a path to a YAML file)",
          arg, AB_SOURCE_CONFIG_DIR, AB_INSTALL_CONFIG_DIR);
  return AB_E_NOT_FOUND;
}

/* ---- output -------------------------------------------------------------------------- */

static int mkdir_p(const char *dir) {
  char tmp[2048];
  ab_strlcpy(tmp, dir, sizeof tmp);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
      return 0;
    *p = '/';
  }
  return mkdir(tmp, 0777) == 0 || errno == EEXIST;
}

static int prepare_output(const char *dir, char *msg) {
  if (!mkdir_p(dir)) {
    ab_msgf(msg, AB_MSG_LEN, "--output %s: cannot create directory: %s", dir, strerror(errno));
    return 0;
  }
  if (access(dir, W_OK) != 0) {
    ab_msgf(msg, AB_MSG_LEN, "--output %s: directory is not writable: %s", dir, strerror(errno));
    return 0;
  }
  return 1;
}

static void default_output(char *buf, size_t len) {
  char stamp[32];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  snprintf(buf, len, "results/run-%s", stamp);
}

/* The journal gets one JSON line per finished case, flushed and synced before the next
 * case starts, so a run cut short keeps what it measured. */
static void journal_append(FILE *journal, const ab_case_result *res) {
  if (!journal)
    return;
  json_t *j = ab_case_to_json(res);
  char *line = j ? json_dumps(j, JSON_COMPACT) : NULL;
  if (line) {
    fprintf(journal, "%s\n", line);
    fflush(journal);
    fsync(fileno(journal));
  }
  free(line);
  json_decref(j);
}

/* ---- the run ------------------------------------------------------------------------- */

static void progress(bool on, size_t done, size_t total, const ab_case_result *c) {
  if (!on)
    return;
  char shape[96];
  ab_kernel_shape_str(&c->desc, shape, sizeof shape);
  fprintf(stderr, "\r\033[K[%zu/%zu] %s:%u %s %s %s", done + 1, total, c->backend, c->device_index,
          c->provider, ab_dtype_name(c->desc.dtype), shape);
  fflush(stderr);
}

static void run_device(ab_plan *plan, size_t d, const ab_suite *suite, ab_run *run, FILE *journal,
                       bool show) {
  ab_open_device dev;
  char msg[AB_MSG_LEN] = "";
  ab_device_open(&dev, plan->device_backend[d], plan->devices[d].index, suite, msg);
  for (size_t i = 0; i < plan->n_cases; i++) {
    const ab_planned_case *pc = &plan->cases[i];
    if (pc->device != d)
      continue;
    ab_case_result *res = &run->cases[run->n_cases];
    ab_case_identity(res, &dev, &suite->cases[pc->spec], pc->provider);
    progress(show, run->n_cases, plan->n_cases, res);
    ab_run_case(&dev, &suite->cases[pc->spec], pc->provider, suite, res);
    journal_append(journal, res);
    run->n_cases++;
  }
  /* device_info again after open: backends learn facts (the OpenBLAS core) on open. */
  if (dev.open) {
    ab_device_info info = {.struct_size = sizeof info};
    if (dev.backend->table.device_info(dev.index, &info, msg) == AB_OK)
      plan->devices[d].info = info;
  }
  ab_device_close(&dev);
}

static void fill_backends(ab_run *run, const ab_backend_set *set) {
  run->backends = calloc(set->n ? set->n : 1, sizeof *run->backends);
  if (!run->backends)
    return;
  for (size_t i = 0; i < set->n; i++) {
    const ab_loaded_backend *lb = &set->items[i];
    ab_backend_record *b = &run->backends[run->n_backends++];
    ab_strlcpy(b->name, lb->name, sizeof b->name);
    ab_strlcpy(b->module_path, lb->path, sizeof b->module_path);
    if (lb->loaded && lb->table.description)
      ab_strlcpy(b->description, lb->table.description, sizeof b->description);
    b->abi_major = lb->table.abi_major;
    b->abi_minor = lb->table.abi_minor;
    b->enabled = lb->enabled;
    ab_strlcpy(b->disabled_reason, lb->disabled_reason, sizeof b->disabled_reason);
  }
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len + 4096 + 1 > cap) {
      cap = cap ? cap * 2 : 8192;
      char *grown = realloc(buf, cap);
      if (!grown)
        break;
      buf = grown;
    }
    size_t got = fread(buf + len, 1, cap - len - 1, f);
    len += got;
    if (got == 0)
      break;
  }
  fclose(f);
  if (buf)
    buf[len] = '\0';
  return buf;
}

static json_t *effective_suite(const ab_suite *s) {
  const ab_measure_opts *m = &s->measure;
  json_t *opts = json_object();
  for (size_t i = 0; i < s->n_options; i++)
    json_object_set_new(opts, s->option_keys[i], json_string(s->option_values[i]));
  return json_pack("{s:s, s:I, s:{s:f, s:i, s:f, s:i, s:i, s:f, s:f}, s:I, s:o, s:i}", "name",
                   s->name, "seed", (json_int_t)s->seed, "measure", "warmup_s", m->warmup_s,
                   "warmup_min_calls", (int)m->warmup_min_calls, "sample_min_s", m->sample_min_s,
                   "min_samples", (int)m->min_samples, "max_samples", (int)m->max_samples,
                   "target_cv", m->target_cv, "time_cap_s", m->time_cap_s, "validate_max_elements",
                   (json_int_t)s->validate_max_elements, "options", opts, "cases", (int)s->n_cases);
}

static void command_line(char *buf, size_t len, int argc, char **argv) {
  size_t used = (size_t)snprintf(buf, len, "accelbench run");
  for (int i = 1; i < argc && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, " %s", argv[i]);
}

static int exit_code_for(const ab_run *run) {
  for (size_t i = 0; i < run->n_cases; i++) {
    ab_case_status s = run->cases[i].status;
    if (s == AB_CASE_FAILED || s == AB_CASE_WRONG_RESULT || s == AB_CASE_CRASHED ||
        s == AB_CASE_TIMEOUT)
      return AB_EXIT_CASES_FAILED;
  }
  return AB_EXIT_OK;
}

static int write_outputs(ab_run *run, const char *dir, bool quiet) {
  char path[2048], msg[AB_MSG_LEN] = "";
  snprintf(path, sizeof path, "%s/run.json", dir);
  if (ab_run_write(run, path, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    return 0;
  }
  char md[2048];
  snprintf(md, sizeof md, "%s/summary.md", dir);
  FILE *f = fopen(md, "w");
  if (f) {
    fprintf(f, "# accelbench run %s\n\nsuite `%s`, %zu cases, %.1f s\n\n", run->started_utc,
            run->suite_name, run->n_cases, run->wall_s);
    ab_summary_print(f, run, true);
    fclose(f);
  }
  if (!quiet)
    ab_summary_print(stdout, run, false);
  char counts[256];
  ab_summary_counts(run, counts, sizeof counts);
  fprintf(stderr, "accelbench: %s; run file %s\n", counts, path);
  return 1;
}

static int execute(run_args *a, ab_suite *suite, int argc, char **argv) {
  char msg[AB_MSG_LEN] = "", outdir[1024];
  ab_backend_set set;
  ab_plan plan = {0};
  ab_run run = {0};
  FILE *journal = NULL;
  int rc = AB_EXIT_ENV;
  double t0 = ab_now_s();

  if (ab_backends_discover(&set, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    return AB_EXIT_ENV;
  }
  ab_status st = ab_plan_build(suite, &set, &a->filters, &plan, msg);
  if (st != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    rc = st == AB_E_INVALID ? AB_EXIT_USAGE : AB_EXIT_ENV;
    goto out;
  }
  if (plan.n_cases == 0) {
    fprintf(stderr, "accelbench run: nothing to run: no enabled device matches (see "
                    "'accelbench list' for backends and why any are disabled)\n");
    goto out;
  }
  if (a->output)
    ab_strlcpy(outdir, a->output, sizeof outdir);
  else
    default_output(outdir, sizeof outdir);
  if (!prepare_output(outdir, msg)) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    goto out;
  }
  char jpath[2048];
  snprintf(jpath, sizeof jpath, "%s/journal.jsonl", outdir);
  journal = fopen(jpath, "w");
  if (!journal) {
    fprintf(stderr, "accelbench run: %s: %s\n", jpath, strerror(errno));
    goto out;
  }

  ab_strlcpy(run.harness_version, AB_VERSION, sizeof run.harness_version);
  ab_strlcpy(run.git_commit, AB_GIT_COMMIT, sizeof run.git_commit);
  ab_utc_now(run.started_utc, sizeof run.started_utc);
  command_line(run.command_line, sizeof run.command_line, argc, argv);
  ab_strlcpy(run.suite_name, suite->name, sizeof run.suite_name);
  ab_strlcpy(run.suite_path, suite->path, sizeof run.suite_path);
  run.suite_text = slurp(suite->path);
  run.suite_effective = effective_suite(suite);
  ab_sysinfo_opts so = {.measure_clock = a->measure_clock};
  run.system = ab_sysinfo_collect(&so);
  fill_backends(&run, &set);
  run.cases = calloc(plan.n_cases, sizeof *run.cases);
  if (!run.cases) {
    fprintf(stderr, "accelbench run: out of memory for %zu results\n", plan.n_cases);
    goto out;
  }
  bool show = a->progress && isatty(STDERR_FILENO);
  for (size_t d = 0; d < plan.n_devices; d++)
    if (plan.device_selected[d])
      run_device(&plan, d, suite, &run, journal, show);
  if (show)
    fprintf(stderr, "\r\033[K");

  run.devices = plan.devices; /* handed over: the run file lists every device found */
  run.n_devices = plan.n_devices;
  plan.devices = NULL;
  ab_utc_now(run.finished_utc, sizeof run.finished_utc);
  run.wall_s = ab_now_s() - t0;
  run.complete = true;
  rc = write_outputs(&run, outdir, a->quiet) ? exit_code_for(&run) : AB_EXIT_ENV;
out:
  if (journal)
    fclose(journal);
  ab_run_free(&run);
  ab_plan_free(&plan);
  ab_backends_free(&set);
  return rc;
}

int ab_cmd_run(int argc, char **argv) {
  run_args a = {.suite = "quick", .progress = true, .measure_clock = true};
  ab_suite suite;
  char path[2048], msg[AB_MSG_LEN] = "";
  int rc = AB_EXIT_USAGE;
  memset(&suite, 0, sizeof suite);
  int parsed = parse_args(argc, argv, &a);
  if (parsed <= 0) {
    rc = parsed < 0 ? AB_EXIT_OK : AB_EXIT_USAGE;
    goto out;
  }
  if (ab_resolve_suite(a.suite, path, sizeof path, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    goto out;
  }
  if (ab_suite_load(path, &suite, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    goto out;
  }
  if (!apply_options(&suite, &a)) {
    fprintf(stderr, "accelbench run: out of memory\n");
    goto out;
  }
  rc = execute(&a, &suite, argc, argv);
out:
  ab_suite_free(&suite);
  free(a.filters.backends);
  free(a.filters.devices);
  free(a.filters.providers);
  free(a.options);
  return rc;
}
