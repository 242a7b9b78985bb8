/* accelbench run — plan, run every case, write the run file and a summary. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_common.h"
#include "cli_plan.h"
#include "coldcache.h"
#include "discover.h"
#include "isolate.h"
#include "journal.h"
#include "loader.h"
#include "model/digest.h"
#include "model/kernel.h"
#include "model/runfile.h"
#include "model/util.h"
#include "paths.h"
#include "plan.h"
#include "power/sampler.h"
#include "power_modules.h"
#include "report.h"
#include "runner.h"
#include "summary.h"
#include "sysinfo.h"
#include "table.h"

typedef struct run_args {
  const char *suite;
  const char *output;
  ab_filters filters;
  const char **options; /* "key=value" */
  size_t n_options;
  double time_cap_s;      /* <= 0: the suite's */
  const char *cold_cache; /* --cold-cache: on, off or a budget in bytes; NULL: the suite's */
  bool progress;
  bool quiet;
  bool measure_clock;
  bool isolate;
  double case_timeout_s;  /* <= 0: derived from the suite */
  double probe_timeout_s; /* per module in discovery workers; <= 0: the default */
  const char *resume;     /* output directory of an interrupted run */
  const char **power;     /* "key=value" power-source options */
  size_t n_power;
  double idle_s;        /* idle baseline length when power is measured */
  const char *sign_key; /* --sign-key FILE: sign the run bundle (docs/verify.md) */
  ab_secret_key key;    /* read from it before anything runs; wiped at the end */
  bool dry_run;         /* --dry-run (`accelbench plan`): print the plan, run nothing */
} run_args;

static void run_usage(FILE *out) {
  fprintf(out,
          "usage: accelbench run [options]\n"
          "\n"
          "Run a suite on every device found (or those selected), validate every result\n"
          "against a float64 reference, and write OUTPUT/run.json (the run file),\n"
          "OUTPUT/summary.md, OUTPUT/journal.jsonl, and the reports OUTPUT/report.md and\n"
          "OUTPUT/report.html (as 'accelbench report' renders them); print a summary table.\n"
          "OUTPUT/manifest.json hashes every file and input of the run ('accelbench\n"
          "verify OUTPUT' checks it); with --sign-key, OUTPUT/manifest.sig signs it.\n"
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
          "      --cold-cache on|off|BYTES\n"
          "                          rotate copies of small cases' operands over a budget\n"
          "                          (default 1 GiB), overriding measure.cold_cache\n"
          "      --no-isolation      run cases in this process (for debugging; a crashing\n"
          "                          driver then ends the whole run)\n"
          "      --case-timeout S    kill a case after S seconds and mark it timeout\n"
          "                          (default: 120 + 10 x (warm-up + time cap))\n"
          "      --probe-timeout S   refuse a backend module whose load, probe and device\n"
          "                          listing take longer than S seconds (default 60)\n"
          "      --resume DIR        continue the interrupted run in DIR: finished cases are\n"
          "                          kept, the rest run; the same options are reused\n"
          "  -P, --power KEY=VALUE   power-source option (docs/power.md): rapl=off,\n"
          "                          command='meter-cli --watts', command.scope=node, ...\n"
          "      --idle-baseline S   seconds of idle power measured before the suite when a\n"
          "                          source is found (default 5; 0 skips it)\n"
          "      --sign-key FILE     sign the run's manifest with this Ed25519 key (from\n"
          "                          'accelbench keygen'; docs/verify.md)\n"
          "      --no-clock          skip the short CPU clock/FMA-peak measurement\n"
          "      --no-progress       no progress line (it is shown only on a terminal)\n"
          "  -n, --dry-run           print the cases the suite will run on the devices found,\n"
          "                          with an upper-bound estimate of the time, and stop\n"
          "                          (the same as 'accelbench plan')\n"
          "  -q, --quiet             no summary table on stdout\n"
          "  -h, --help              this text\n"
          "\n"
          "exit codes: 0 all cases ran (unsupported/skipped allowed); 1 a case failed,\n"
          "crashed, timed out or returned wrong results; 2 bad usage or config;\n"
          "3 no usable device or unwritable output; 4 interrupted (partial run file written).\n");
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

int ab_list_set_csv(const char *arg, char **owned, const char ***list, size_t *n) {
  free(*owned);
  free(*list);
  *list = NULL;
  *n = 0;
  *owned = strdup(arg);
  return *owned && ab_list_append_csv(*owned, list, n);
}

int ab_parse_seconds(const char *cmd, const char *opt, const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !(v > 0.0) || v > 1e6) {
    fprintf(stderr, "accelbench %s: %s '%s': expected a number of seconds > 0\n", cmd, opt, s);
    return 0;
  }
  *out = v;
  return 1;
}

/* Checked here, applied to the suite once it is loaded (ab_cmd_run). */
static int parse_cold_cache_arg(const char *text, const char **out) {
  ab_measure_opts probe = {0};
  char msg[AB_MSG_LEN];
  if (!ab_cold_cache_parse(text, &probe, msg)) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    return 0;
  }
  *out = text;
  return 1;
}

static int parse_double_arg(const char *opt, const char *s, double *out) {
  return ab_parse_seconds("run", opt, s, out);
}

int ab_discovery_setup(const char *cmd, bool isolate, double timeout_s, ab_discovery *storage,
                       const ab_discovery **how, char *exe, size_t len) {
  *how = NULL;
  if (!isolate)
    return 1;
  if (!ab_self_exe(exe, len)) {
    fprintf(stderr,
            "accelbench %s: cannot find this program to start workers; use --no-isolation\n", cmd);
    return 0;
  }
  *storage = (ab_discovery){.self_exe = exe, .timeout_s = timeout_s};
  *how = storage;
  return 1;
}

static int parse_args(int argc, char **argv, run_args *a) {
  enum {
    OPT_TIME_CAP = 256,
    OPT_COLD_CACHE,
    OPT_NO_PROGRESS,
    OPT_NO_CLOCK,
    OPT_NO_ISOLATION,
    OPT_CASE_TIMEOUT,
    OPT_PROBE_LIMIT,
    OPT_RESUME,
    OPT_IDLE,
    OPT_SIGN_KEY,
  };
  static const struct option opts[] = {{"suite", required_argument, NULL, 's'},
                                       {"output", required_argument, NULL, 'o'},
                                       {"backend", required_argument, NULL, 'b'},
                                       {"device", required_argument, NULL, 'd'},
                                       {"provider", required_argument, NULL, 'p'},
                                       {"option", required_argument, NULL, 'O'},
                                       {"time-cap", required_argument, NULL, OPT_TIME_CAP},
                                       {"cold-cache", required_argument, NULL, OPT_COLD_CACHE},
                                       {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
                                       {"no-clock", no_argument, NULL, OPT_NO_CLOCK},
                                       {"no-isolation", no_argument, NULL, OPT_NO_ISOLATION},
                                       {"case-timeout", required_argument, NULL, OPT_CASE_TIMEOUT},
                                       {"probe-timeout", required_argument, NULL, OPT_PROBE_LIMIT},
                                       {"resume", required_argument, NULL, OPT_RESUME},
                                       {"power", required_argument, NULL, 'P'},
                                       {"idle-baseline", required_argument, NULL, OPT_IDLE},
                                       {"sign-key", required_argument, NULL, OPT_SIGN_KEY},
                                       {"dry-run", no_argument, NULL, 'n'},
                                       {"quiet", no_argument, NULL, 'q'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int ok = 1;
  optind = 1;
  for (int c; ok && (c = getopt_long(argc, argv, "s:o:b:d:p:O:P:nqh", opts, NULL)) != -1;) {
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
      {
        const char **grown = realloc(a->options, (a->n_options + 1) * sizeof *grown);
        ok = grown != NULL;
        if (ok) {
          a->options = grown;
          a->options[a->n_options++] = optarg;
        }
      }
      break;
    case OPT_TIME_CAP: ok = parse_double_arg("--time-cap", optarg, &a->time_cap_s); break;
    case OPT_COLD_CACHE: ok = parse_cold_cache_arg(optarg, &a->cold_cache); break;
    case OPT_NO_PROGRESS: a->progress = false; break;
    case OPT_NO_CLOCK: a->measure_clock = false; break;
    case OPT_NO_ISOLATION: a->isolate = false; break;
    case OPT_CASE_TIMEOUT:
      ok = parse_double_arg("--case-timeout", optarg, &a->case_timeout_s);
      break;
    case OPT_PROBE_LIMIT:
      ok = parse_double_arg("--probe-timeout", optarg, &a->probe_timeout_s);
      break;
    case OPT_RESUME: a->resume = optarg; break;
    case 'P': {
      const char **grown = realloc(a->power, (a->n_power + 1) * sizeof *grown);
      if (!grown || !strchr(optarg, '=') || optarg[0] == '=') {
        free(grown == a->power ? NULL : (void *)grown);
        fprintf(stderr, "accelbench run: --power '%s': expected KEY=VALUE\n", optarg);
        return 0;
      }
      a->power = grown;
      a->power[a->n_power++] = optarg;
      break;
    }
    case OPT_IDLE:
      if (strcmp(optarg, "0") == 0)
        a->idle_s = 0.0;
      else
        ok = parse_double_arg("--idle-baseline", optarg, &a->idle_s);
      break;
    case OPT_SIGN_KEY: a->sign_key = optarg; break;
    case 'n': a->dry_run = true; break;
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
int ab_suite_apply_overrides(ab_suite *s, const char *const *kv, size_t n, double time_cap_s) {
  for (size_t i = 0; i < n; i++) {
    const char *eq = strchr(kv[i], '=');
    if (!eq)
      return 0;
    char *key = strndup(kv[i], (size_t)(eq - kv[i]));
    char *value = strdup(eq + 1);
    size_t k = 0;
    while (key && k < s->n_options && strcmp(s->option_keys[k], key) != 0)
      k++;
    if (key && value && k == s->n_options) {
      char **keys = realloc(s->option_keys, (k + 1) * sizeof *keys);
      if (keys)
        s->option_keys = keys;
      char **values = keys ? realloc(s->option_values, (k + 1) * sizeof *values) : NULL;
      if (values) {
        s->option_values = values;
        s->option_keys[k] = key;
        s->option_values[k] = NULL;
        s->n_options++;
        key = NULL; /* owned by the suite now */
      }
    }
    if (!value || k == s->n_options) {
      free(key);
      free(value);
      return 0;
    }
    free(key);
    free(s->option_values[k]);
    s->option_values[k] = value;
  }
  if (time_cap_s > 0.0)
    s->measure.time_cap_s = time_cap_s;
  return 1;
}

int ab_power_option_split(char *kv, ab_option *out) {
  char *eq = strchr(kv, '=');
  if (!eq || eq == kv)
    return 0;
  *eq = '\0';
  out->key = kv;
  out->value = eq + 1;
  return 1;
}

/* Power sources from the --power options (copied: the split writes into its input), with
 * the power modules found and probed the way `how` discovers backends. */
static ab_power_registry *make_power(const char *const *kv, size_t n, const ab_discovery *how,
                                     ab_power_module_set *mods, char *msg) {
  ab_option opts[64] = {{0}};
  char *copies[64];
  size_t m = 0;
  ab_power_registry *reg = NULL;
  for (size_t i = 0; i < n && m < 64; i++) {
    copies[m] = strdup(kv[i]);
    if (copies[m] && ab_power_option_split(copies[m], &opts[m]))
      m++;
    else
      free(copies[m]);
  }
  if (ab_power_discover_registry(opts, m, how, &reg, mods, msg) != AB_OK)
    reg = NULL;
  for (size_t i = 0; i < m; i++)
    free(copies[i]);
  return reg;
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
  const char *dirs[8];
  size_t n = ab_config_search_dirs(dirs, 8);
  for (size_t i = 0; i < n; i++) {
    snprintf(path, len, "%s/%s.yaml", dirs[i], arg);
    if (file_exists(path))
      return AB_OK;
  }
  char searched[1024];
  ab_search_dirs_text(dirs, n, searched, sizeof searched);
  ab_msgf(msg, AB_MSG_LEN,
          "--suite %s: no suite of that name in %s (expected quick, poc-full, llm, or a path to "
          "a YAML file; $ACCELBENCH_CONFIG_DIR is searched first when set)",
          arg, searched);
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

/* ---- the run ------------------------------------------------------------------------- */

typedef struct run_ctx {
  ab_run *run;
  ab_journal journal;
  bool journal_failed;
  bool show;
  size_t total, finished;
  size_t finished_here; /* in this session (a resumed run's earlier cases do not count) */
  double started_s;     /* ab_now_s() when the first case started */
  double budget_s;      /* upper bound per case, for the ETA before any case finished */
} run_ctx;

static void on_start(void *p, const ab_job *job) {
  run_ctx *ctx = p;
  if (!ctx->show)
    return;
  const ab_case_result *c = job->res;
  char shape[96], label[256], line[512];
  ab_kernel_shape_str(&c->desc, shape, sizeof shape);
  snprintf(label, sizeof label, "%s:%u %s %s %s", c->backend, c->device_index, c->provider,
           ab_dtype_name(c->desc.dtype), shape);
  ab_progress_format(line, sizeof line, ctx->finished, ctx->total, ctx->finished_here,
                     ab_now_s() - ctx->started_s, ctx->budget_s, label, ab_terminal_width(stderr));
  fprintf(stderr, "\r\033[K%s", line);
  fflush(stderr);
}

/* Every finished case goes to the journal before the next one starts. A journal that can
 * no longer be written (disk full) stops the run: results already written stay. */
static void on_done(void *p, const ab_job *job) {
  run_ctx *ctx = p;
  char msg[AB_MSG_LEN];
  ctx->finished++;
  ctx->finished_here++;
  if (ctx->journal_failed)
    return;
  if (ab_journal_append(&ctx->journal, (size_t)(job->res - ctx->run->cases), job->res, msg) !=
      AB_OK) {
    fprintf(stderr, "\naccelbench run: %s; stopping the run\n", msg);
    ctx->journal_failed = true;
    ab_interrupted = 1;
  }
}

static void run_device(const ab_plan *plan, size_t d, const ab_suite *suite, const bool *done,
                       const ab_isolation *iso, ab_power_registry *power, run_ctx *ctx) {
  ab_job *jobs = calloc(plan->n_cases ? plan->n_cases : 1, sizeof *jobs);
  size_t n = 0;
  if (!jobs)
    return;
  for (size_t i = 0; i < plan->n_cases; i++)
    if (plan->cases[i].device == d && !done[i])
      jobs[n++] = (ab_job){plan->cases[i].spec, plan->cases[i].provider, &ctx->run->cases[i]};
  if (n && iso)
    ab_run_jobs_isolated(plan->device_backend[d], plan->devices[d].index, suite, iso, jobs, n,
                         on_start, on_done, ctx);
  else if (n)
    ab_run_jobs_inprocess(plan->device_backend[d], plan->devices[d].index, suite, power, jobs, n,
                          on_start, on_done, ctx);
  free(jobs);
}

/* Identity of every planned case up front: its row exists even if it never runs. */
static void plan_identities(const ab_plan *plan, const ab_suite *suite, ab_case_result *cases,
                            const char **ids) {
  for (size_t i = 0; i < plan->n_cases; i++) {
    const ab_planned_case *pc = &plan->cases[i];
    ab_open_device shell = {.backend = plan->device_backend[pc->device],
                            .index = plan->devices[pc->device].index,
                            .info = plan->devices[pc->device].info};
    ab_case_identity(&cases[i], &shell, &suite->cases[pc->spec], pc->provider);
    cases[i].status = AB_CASE_SKIPPED;
    ab_strlcpy(cases[i].reason, "not run: the run was interrupted (finish it with --resume)",
               sizeof cases[i].reason);
    ids[i] = cases[i].case_id;
  }
}

static void fill_backends(ab_run *run, const ab_backend_set *set) {
  run->backends = calloc(set->n ? set->n : 1, sizeof *run->backends);
  if (!run->backends)
    return;
  for (size_t i = 0; i < set->n; i++) {
    ab_backend_record *b = &run->backends[run->n_backends++];
    ab_backend_record_of(&set->items[i], b);
    ab_backend_provenance(b); /* which file, exactly: size and SHA-256 (docs/verify.md) */
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

static json_t *effective_suite(const ab_suite *s, const run_args *a) {
  const ab_measure_opts *m = &s->measure;
  json_t *opts = json_object();
  for (size_t i = 0; i < s->n_options; i++)
    json_object_set_new(opts, s->option_keys[i], json_string(s->option_values[i]));
  return json_pack("{s:s, s:I, s:{s:f, s:i, s:f, s:i, s:i, s:f, s:f}, s:I, s:o, s:i, s:b, s:f}",
                   "name", s->name, "seed", (json_int_t)s->seed, "measure", "warmup_s", m->warmup_s,
                   "warmup_min_calls", (int)m->warmup_min_calls, "sample_min_s", m->sample_min_s,
                   "min_samples", (int)m->min_samples, "max_samples", (int)m->max_samples,
                   "target_cv", m->target_cv, "time_cap_s", m->time_cap_s, "validate_max_elements",
                   (json_int_t)s->validate_max_elements, "options", opts, "cases", (int)s->n_cases,
                   "isolation", a->isolate, "case_timeout_s", a->case_timeout_s);
}

static void command_line(char *buf, size_t len, int argc, char **argv) {
  size_t used = (size_t)snprintf(buf, len, "accelbench run");
  for (int i = 1; i < argc && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, " %s", argv[i]);
}

/* Buffers a case holds at its peak: host inputs and output, the same on the device, and
 * the output read back for validation (on a CPU device "device" memory is host memory). */
static double case_buffer_bytes(const ab_case_result *c) {
  double total = 0.0;
  size_t n = ab_kernel_operand_count(&c->desc);
  for (size_t i = 0; i < n; i++)
    total += 2.0 * (double)ab_kernel_operand_bytes(&c->desc, i);
  return n ? total + (double)ab_kernel_operand_bytes(&c->desc, n - 1) : 0.0;
}

static json_t *harness_resources(const ab_run *run) {
  struct rusage self, children;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  double biggest = 0.0;
  for (size_t i = 0; i < run->n_cases; i++)
    if (run->cases[i].status != AB_CASE_UNSUPPORTED && run->cases[i].status != AB_CASE_SKIPPED &&
        case_buffer_bytes(&run->cases[i]) > biggest)
      biggest = case_buffer_bytes(&run->cases[i]);
  /* ru_maxrss is in KiB on Linux. */
  return json_pack("{s:I, s:I, s:f}", "parent_peak_rss_bytes", (json_int_t)self.ru_maxrss * 1024,
                   "workers_peak_rss_bytes", (json_int_t)children.ru_maxrss * 1024,
                   "max_case_buffer_bytes", biggest);
}

static int exit_code_for(const ab_run *run) {
  if (!run->complete)
    return AB_EXIT_INTERRUPTED;
  for (size_t i = 0; i < run->n_cases; i++) {
    ab_case_status s = run->cases[i].status;
    if (s == AB_CASE_FAILED || s == AB_CASE_WRONG_RESULT || s == AB_CASE_CRASHED ||
        s == AB_CASE_TIMEOUT || s == AB_CASE_IMPLAUSIBLE)
      return AB_EXIT_CASES_FAILED;
  }
  return AB_EXIT_OK;
}

/* The committee's documents, rendered from the run file just written (never from memory,
 * so they show exactly what `accelbench report` would). A report that cannot be made is a
 * warning: the run file, the source of truth, is already safe. */
static void write_reports(const char *run_path, const char *dir, ab_manifest *bundle) {
  static const char *const formats[] = {"md", "html"};
  ab_report rep;
  char msg[AB_MSG_LEN] = "";
  const char *paths[] = {run_path};
  ab_status st = ab_report_build(&rep, paths, 1, NULL, msg);
  if (st == AB_OK) {
    /* The catalogue files the reports draw on are inputs of the bundle, if there is one. */
    for (size_t i = 0; bundle && st == AB_OK && i < rep.catalog.n_entries; i++)
      st = ab_manifest_add_input(bundle, "catalogue", NULL, rep.catalog.entries[i].file, msg);
    if (st == AB_OK)
      st = ab_report_write_dir(&rep, dir, formats, 2, msg);
    ab_report_free(&rep);
  }
  if (st != AB_OK)
    fprintf(stderr, "accelbench run: warning: no report.md/report.html: %s\n", msg);
}

/* The last lines name every file the run wrote: the run directory's files as the manifest
 * lists them, then the manifest (and its signature). */
static void print_files_written(const ab_manifest *m, const char *dir, bool signed_run) {
  fprintf(stderr, "accelbench: wrote %s/\n", dir);
  for (size_t i = 0; i < m->n_entries; i++)
    if (strcmp(m->entries[i].role, "file") == 0)
      fprintf(stderr, "  %s/%s\n", dir, m->entries[i].name);
  fprintf(stderr, "  %s/%s\n", dir, AB_MANIFEST_FILE);
  if (signed_run)
    fprintf(stderr, "  %s/%s\n", dir, AB_SIGNATURE_FILE);
}

/* The summary table and the closing lines; `bundle` is NULL when no manifest was written. */
static int finish_outputs(const ab_run *run, const char *dir, bool quiet, const ab_manifest *bundle,
                          bool signed_run) {
  if (!quiet)
    ab_summary_print(stdout, run, false);
  fflush(stdout); /* the table before the closing lines on stderr, also through a pipe */
  char counts[256];
  ab_summary_counts(run, counts, sizeof counts);
  fprintf(stderr, "accelbench: %s%s\n", counts,
          run->complete ? "" : " (incomplete: resume with --resume)");
  if (bundle)
    print_files_written(bundle, dir, signed_run);
  else
    fprintf(stderr, "accelbench: wrote %s/\n", dir);
  return 1;
}

static int write_outputs(ab_run *run, const char *dir, bool quiet, const ab_secret_key *key) {
  char path[2048], msg[AB_MSG_LEN] = "";
  snprintf(path, sizeof path, "%s/run.json", dir);
  if (ab_run_write(run, path, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    return 0;
  }
  char md[2048], *text = NULL;
  size_t len = 0;
  snprintf(md, sizeof md, "%s/summary.md", dir);
  FILE *f = open_memstream(&text, &len);
  if (f) {
    fprintf(f, "# accelbench run %s\n\nsuite `%s`, %zu cases, %.1f s%s\n\n", run->started_utc,
            run->suite_name, run->n_cases, run->wall_s,
            run->complete ? "" : " (**incomplete**: interrupted)");
    ab_summary_print(f, run, true);
    fclose(f);
  }
  if (!text || ab_text_write_atomic(text, md, msg) != AB_OK)
    fprintf(stderr, "accelbench run: %s\n", text ? msg : "out of memory for summary.md");
  free(text);
  ab_manifest bundle = {0};
  bool hashing = ab_sha256_available(msg);
  write_reports(path, dir, hashing ? &bundle : NULL);
  if (!hashing) {
    fprintf(stderr, "accelbench run: note: no %s (nothing for 'accelbench verify' to check): %s\n",
            AB_MANIFEST_FILE, msg);
    return finish_outputs(run, dir, quiet, NULL, false);
  }
  ab_status sealed = ab_bundle_seal(&bundle, dir, run, key, msg);
  if (sealed != AB_OK) {
    ab_manifest_free(&bundle);
    fprintf(stderr, "accelbench run: run bundle: %s\n", msg);
    return 0;
  }
  int ok = finish_outputs(run, dir, quiet, &bundle, key != NULL);
  ab_manifest_free(&bundle);
  return ok;
}

/* ---- invocation record, for --resume ------------------------------------------------- */

#define AB_INVOCATION_FILE "invocation.json"

static json_t *str_array(const char **list, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, json_string(list[i]));
  return a;
}

static ab_status save_invocation(const run_args *a, const char *suite_path, const char *dir,
                                 char *msg) {
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", dir, AB_INVOCATION_FILE);
  /* Absolute, so --resume works from any directory. */
  char abs_suite[4096];
  if (!realpath(suite_path, abs_suite))
    ab_strlcpy(abs_suite, suite_path, sizeof abs_suite);
  json_t *j =
      json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:f, s:f, s:f, s:f, s:b, s:b, s:s?}", "suite",
                abs_suite, "backends", str_array(a->filters.backends, a->filters.n_backends),
                "devices", str_array(a->filters.devices, a->filters.n_devices), "providers",
                str_array(a->filters.providers, a->filters.n_providers), "options",
                str_array(a->options, a->n_options), "power", str_array(a->power, a->n_power),
                "idle_s", a->idle_s, "time_cap_s", a->time_cap_s, "case_timeout_s",
                a->case_timeout_s, "probe_timeout_s", a->probe_timeout_s, "isolate", a->isolate,
                "measure_clock", a->measure_clock, "cold_cache", a->cold_cache);
  ab_status st = j ? ab_json_write_atomic(j, path, msg) : AB_E_NOMEM;
  json_decref(j);
  return st;
}

static int load_str_array(json_t *inv, const char *key, const char ***list, size_t *n) {
  json_t *arr = json_object_get(inv, key), *v;
  size_t i;
  if (!json_is_array(arr))
    return 0;
  json_array_foreach(arr, i, v) {
    if (!json_is_string(v))
      return 0;
    const char **grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown)
      return 0;
    *list = grown;
    (*list)[(*n)++] = json_string_value(v);
  }
  return 1;
}

/* Rebuild the interrupted run's arguments from DIR/invocation.json. The returned JSON
 * owns the strings `a` points to. */
static json_t *load_invocation(run_args *a, char *suite_path, size_t len, char *msg) {
  char path[2048];
  json_error_t err;
  snprintf(path, sizeof path, "%s/%s", a->resume, AB_INVOCATION_FILE);
  json_t *inv = json_load_file(path, 0, &err);
  if (!inv) {
    ab_msgf(msg, AB_MSG_LEN, "--resume %s: %s: %s (is it the output directory of a run?)",
            a->resume, path, err.text);
    return NULL;
  }
  json_t *suite = json_object_get(inv, "suite");
  json_t *cap = json_object_get(inv, "time_cap_s"), *tmo = json_object_get(inv, "case_timeout_s");
  if (!json_is_string(suite) || !json_is_number(cap) || !json_is_number(tmo) ||
      !load_str_array(inv, "backends", &a->filters.backends, &a->filters.n_backends) ||
      !load_str_array(inv, "devices", &a->filters.devices, &a->filters.n_devices) ||
      !load_str_array(inv, "providers", &a->filters.providers, &a->filters.n_providers) ||
      !load_str_array(inv, "options", &a->options, &a->n_options) ||
      !load_str_array(inv, "power", &a->power, &a->n_power) ||
      !json_is_number(json_object_get(inv, "idle_s"))) {
    ab_msgf(msg, AB_MSG_LEN,
            "%s: expected suite, backends, devices, providers, options, "
            "time_cap_s and case_timeout_s as accelbench wrote them",
            path);
    json_decref(inv);
    return NULL;
  }
  ab_strlcpy(suite_path, json_string_value(suite), len);
  a->time_cap_s = json_number_value(cap);
  a->case_timeout_s = json_number_value(tmo);
  a->idle_s = json_number_value(json_object_get(inv, "idle_s"));
  a->isolate = json_is_true(json_object_get(inv, "isolate"));
  /* Absent in runs started before discovery had its own limit: the default. */
  a->probe_timeout_s = json_number_value(json_object_get(inv, "probe_timeout_s"));
  a->measure_clock = json_is_true(json_object_get(inv, "measure_clock"));
  a->cold_cache = json_string_value(json_object_get(inv, "cold_cache")); /* NULL: absent */
  a->output = a->resume;
  return inv;
}

/* ---- execute ------------------------------------------------------------------------- */

static void on_signal(int sig) {
  (void)sig;
  ab_interrupted = 1;
}

static void install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

/* Worker arguments that make it load the same suite with the same overrides. */
static const char **worker_suite_args(const ab_suite *suite, const run_args *a, char *cap,
                                      char *cold, size_t *n) {
  const char **args = calloc(6 + 2 * a->n_options, sizeof *args);
  *n = 0;
  if (!args)
    return NULL;
  args[(*n)++] = "--suite";
  args[(*n)++] = suite->path;
  for (size_t i = 0; i < a->n_options; i++) {
    args[(*n)++] = "-O";
    args[(*n)++] = a->options[i];
  }
  snprintf(cap, 32, "%.17g", suite->measure.time_cap_s);
  args[(*n)++] = "--time-cap";
  args[(*n)++] = cap;
  if (suite->measure.cold_cache)
    snprintf(cold, 32, "%llu", (unsigned long long)suite->measure.cold_cache_budget_bytes);
  else
    snprintf(cold, 32, "off");
  args[(*n)++] = "--cold-cache";
  args[(*n)++] = cold;
  return args;
}

static int resume_from_journal(const run_args *a, ab_run *run, bool *done, size_t n,
                               const char **ids) {
  char msg[AB_MSG_LEN] = "";
  size_t loaded = 0;
  /* The journal's copies replace the planned identities of the cases it holds. */
  if (ab_journal_load(a->resume, run->cases, done, n, ids, &loaded, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: --resume: %s\n", msg);
    return 0;
  }
  fprintf(stderr, "accelbench: resuming %s: %zu of %zu cases already finished\n", a->resume, loaded,
          n);
  return 1;
}

/* Power sources, the idle baseline (measured here, at rest, before any case) and the
 * arguments that rebuild both in each worker. */
static void setup_power(const run_args *a, ab_power_registry *reg, const ab_power_module_set *mods,
                        ab_run *run, const char ***args, size_t *n_args, char (*idle)[96]) {
  if (ab_power_registry_enabled(reg) > 0 && a->idle_s > 0.0) {
    fprintf(stderr, "accelbench: measuring idle power for %.1f s\n", a->idle_s);
    char err[AB_MSG_LEN];
    if (ab_power_idle_baseline(reg, a->idle_s, err) != AB_OK)
      fprintf(stderr, "accelbench: idle baseline: %s\n", err);
  }
  run->power = ab_power_registry_to_json(reg);
  size_t nch = ab_power_channel_count(reg), k = 0, m = 0;
  *args = calloc(2 * (a->n_power + (nch < 64 ? nch : 64) + mods->n) + 1, sizeof **args);
  for (size_t i = 0; *args && i < a->n_power; i++) {
    (*args)[k++] = "--power";
    (*args)[k++] = a->power[i];
  }
  for (size_t i = 0; *args && i < mods->n; i++) { /* vetted here: workers load them directly */
    if (!mods->items[i].table)
      continue;
    (*args)[k++] = "--power-module";
    (*args)[k++] = mods->items[i].path;
  }
  for (size_t ch = 0; *args && ch < nch && m < 64; ch++) {
    ab_idle_power ip = ab_power_idle(reg, ch);
    if (ip.watts < 0)
      continue;
    snprintf(idle[m], sizeof idle[m], "%zu=%.17g:%.17g:%.17g", ch, ip.watts, a->idle_s, ip.se_w);
    (*args)[k++] = "--power-idle";
    (*args)[k++] = idle[m++];
  }
  *n_args = k;
}

static int execute(run_args *a, ab_suite *suite, int argc, char **argv) {
  char msg[AB_MSG_LEN] = "", outdir[1024], exe[1024] = "", cap[32], cold[32];
  ab_backend_set set;
  ab_plan plan = {0};
  ab_run run = {0};
  run_ctx ctx = {.run = &run};
  bool *done = NULL;
  const char **ids = NULL, **wargs = NULL, **pargs = NULL;
  static char idle[64][96];
  ab_power_registry *power = NULL;
  ab_power_module_set pmods = {0};
  int rc = AB_EXIT_ENV;
  double t0 = ab_now_s();
  ab_discovery discovery;
  const ab_discovery *how;

  double probe_s = a->probe_timeout_s > 0.0 ? a->probe_timeout_s : AB_DISCOVERY_TIMEOUT_S;
  if (!ab_discovery_setup("run", a->isolate, probe_s, &discovery, &how, exe, sizeof exe))
    return AB_EXIT_ENV;
  if (ab_backends_discover(&set, how, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    return AB_EXIT_ENV;
  }
  /* Power sources are found once, before anything runs: an option typo is a usage error. */
  power = make_power(a->power, a->n_power, how, &pmods, msg);
  if (!power) {
    fprintf(stderr, "accelbench run: --power: %s\n", msg);
    ab_backends_free(&set);
    return AB_EXIT_USAGE;
  }
  ab_status st = ab_plan_build(suite, &set, &a->filters, &plan, msg);
  if (st != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    rc = st == AB_E_INVALID ? AB_EXIT_USAGE : AB_EXIT_ENV;
    goto out;
  }
  if (plan.n_cases == 0) {
    const char *dirs[32];
    char searched[2048];
    ab_search_dirs_text(dirs, ab_backend_search_dirs(dirs, 32), searched, sizeof searched);
    fprintf(stderr,
            "accelbench run: nothing to run: no enabled device matches (modules searched in %s; "
            "see 'accelbench list' for backends and why any are disabled)\n",
            searched);
    goto out;
  }
  if (ab_check_option_keys(&plan, a->options, a->n_options, stderr, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    rc = AB_EXIT_USAGE;
    goto out;
  }
  if (a->dry_run) {
    ab_plan_print(stdout, &plan, suite, ab_terminal_width(stdout));
    rc = AB_EXIT_OK;
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
  run.cases = calloc(plan.n_cases, sizeof *run.cases);
  done = calloc(plan.n_cases, sizeof *done);
  ids = calloc(plan.n_cases, sizeof *ids);
  if (!run.cases || !done || !ids) {
    fprintf(stderr, "accelbench run: out of memory for %zu results\n", plan.n_cases);
    goto out;
  }
  run.n_cases = plan.n_cases;
  plan_identities(&plan, suite, run.cases, ids);
  if (a->resume && !resume_from_journal(a, &run, done, plan.n_cases, ids)) {
    rc = AB_EXIT_USAGE;
    goto out;
  }
  if ((!a->resume && save_invocation(a, suite->path, outdir, msg) != AB_OK) ||
      ab_journal_open(&ctx.journal, outdir, a->resume != NULL, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    goto out;
  }

  install_signals(); /* from here on an interrupt still leaves a partial run file */
  ab_strlcpy(run.harness_version, AB_VERSION, sizeof run.harness_version);
  ab_strlcpy(run.git_commit, AB_GIT_COMMIT, sizeof run.git_commit);
  ab_utc_now(run.started_utc, sizeof run.started_utc);
  command_line(run.command_line, sizeof run.command_line, argc, argv);
  ab_strlcpy(run.suite_name, suite->name, sizeof run.suite_name);
  ab_strlcpy(run.suite_path, suite->path, sizeof run.suite_path);
  run.suite_text = slurp(suite->path);
  if (a->case_timeout_s <= 0.0)
    a->case_timeout_s = 120.0 + 10.0 * (suite->measure.warmup_s + suite->measure.time_cap_s);
  run.suite_effective = effective_suite(suite, a);
  ab_sysinfo_opts so = {.measure_clock = a->measure_clock};
  run.system = ab_sysinfo_collect(&so);
  fill_backends(&run, &set);
  size_t n_pargs = 0;
  setup_power(a, power, &pmods, &run, &pargs, &n_pargs, idle);

  ab_isolation iso = {.self_exe = exe,
                      .case_timeout_s = a->case_timeout_s,
                      .power_args = pargs,
                      .n_power_args = n_pargs};
  wargs = worker_suite_args(suite, a, cap, cold, &iso.n_suite_args);
  iso.suite_args = wargs;
  if (a->isolate && !wargs) {
    fprintf(stderr, "accelbench run: out of memory for the workers' arguments\n");
    goto out;
  }
  ctx.show = a->progress && isatty(STDERR_FILENO);
  ctx.total = plan.n_cases;
  ctx.started_s = ab_now_s();
  ctx.budget_s = ab_case_budget_s(&suite->measure);
  for (size_t i = 0; i < plan.n_cases; i++)
    ctx.finished += done[i];
  for (size_t d = 0; d < plan.n_devices && !ab_interrupted; d++)
    if (plan.device_selected[d])
      run_device(&plan, d, suite, done, a->isolate ? &iso : NULL, power, &ctx);
  if (ctx.show)
    fprintf(stderr, "\r\033[K");

  run.devices = plan.devices; /* handed over: the run file lists every device found */
  run.n_devices = plan.n_devices;
  plan.devices = NULL;
  ab_utc_now(run.finished_utc, sizeof run.finished_utc);
  run.wall_s = ab_now_s() - t0;
  /* Complete means every planned case has its result, however the run ended. */
  run.complete = ctx.finished == ctx.total && !ctx.journal_failed;
  run.harness_resources = harness_resources(&run);
  rc = write_outputs(&run, outdir, a->quiet, a->sign_key ? &a->key : NULL) ? exit_code_for(&run)
                                                                           : AB_EXIT_ENV;
  if (ctx.journal_failed)
    rc = AB_EXIT_ENV;
out:
  ab_journal_close(&ctx.journal);
  free(done);
  free(ids);
  free(wargs);
  free(pargs);
  ab_power_registry_free(power);
  ab_power_modules_free(&pmods);
  ab_run_free(&run);
  ab_plan_free(&plan);
  ab_backends_free(&set);
  return rc;
}

int ab_cmd_run(int argc, char **argv) {
  run_args a = {
      .suite = "quick", .progress = true, .measure_clock = true, .isolate = true, .idle_s = 5.0};
  ab_suite suite;
  char path[2048], msg[AB_MSG_LEN] = "";
  json_t *invocation = NULL;
  int rc = AB_EXIT_USAGE;
  memset(&suite, 0, sizeof suite);
  int parsed = parse_args(argc, argv, &a);
  if (parsed <= 0) {
    rc = parsed < 0 ? AB_EXIT_OK : AB_EXIT_USAGE;
    goto out;
  }
  if (a.resume) {
    invocation = load_invocation(&a, path, sizeof path, msg);
    if (!invocation) {
      fprintf(stderr, "accelbench run: %s\n", msg);
      goto out;
    }
  } else if (ab_resolve_suite(a.suite, path, sizeof path, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    goto out;
  }
  if (ab_suite_load(path, &suite, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    goto out;
  }
  if (a.sign_key && ab_secret_key_load(a.sign_key, &a.key, msg) != AB_OK) {
    fprintf(stderr, "accelbench run: --sign-key: %s\n", msg); /* before hours of running */
    goto out;
  }
  if (!ab_suite_apply_overrides(&suite, a.options, a.n_options, a.time_cap_s)) {
    fprintf(stderr, "accelbench run: out of memory\n");
    goto out;
  }
  if (a.cold_cache && !ab_cold_cache_parse(a.cold_cache, &suite.measure, msg)) {
    fprintf(stderr, "accelbench run: %s\n", msg);
    goto out;
  }
  rc = execute(&a, &suite, argc, argv);
out:
  ab_suite_free(&suite);
  free(a.filters.backends);
  free(a.filters.devices);
  free(a.filters.providers);
  free(a.options);
  free(a.power);
  ab_secret_key_wipe(&a.key);
  json_decref(invocation);
  return rc;
}

int ab_cmd_plan(int argc, char **argv) {
  char **args = calloc((size_t)argc + 2, sizeof *args);
  if (!args) {
    fprintf(stderr, "accelbench plan: out of memory\n");
    return AB_EXIT_ENV;
  }
  args[0] = "plan";
  args[1] = "--dry-run";
  for (int i = 1; i < argc; i++)
    args[i + 1] = argv[i];
  int rc = ab_cmd_run(argc + 1, args);
  free(args);
  return rc;
}
