/* accelbench __worker — internal: runs one device's cases for an isolated run and reports
 * on file descriptor 3 ("S <job>" when a case starts, "R <job> <json>" when it ends).
 * accelbench __discover — internal: loads and probes one module for discovery and reports
 * on file descriptor 3 (bench/discover.h).
 * Not for users; `accelbench run` and `list` start them (bench/isolate.c, discover.c). */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_common.h"
#include "coldcache.h"
#include "discover.h"
#include "isolate.h"
#include "model/runfile.h"
#include "model/util.h"
#include "power_modules.h"

typedef struct worker_args {
  const char *suite;
  const char **overrides;
  size_t n_overrides;
  double time_cap_s;
  const char *cold_cache; /* --cold-cache: "off" or the budget the parent's suite has */
  const char *module;
  unsigned device;
  char **jobs; /* "job:spec:provider" */
  size_t n_jobs;
  ab_option power[64]; /* --power key=value */
  size_t n_power;
  char *idle[64]; /* --power-idle channel=watts:seconds:standard-error */
  size_t n_idle;
  const char *power_modules[32]; /* --power-module PATH: vetted by the parent */
  size_t n_power_modules;
} worker_args;

static int send_result(unsigned long job, const ab_case_result *res) {
  json_t *j = ab_case_to_json(res);
  char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  if (!text)
    return 0;
  char head[32];
  int ok = snprintf(head, sizeof head, "R %lu ", job) > 0 && ab_worker_send(head, strlen(head)) &&
           ab_worker_send(text, strlen(text)) && ab_worker_send("\n", 1);
  free(text);
  return ok;
}

static int parse(int argc, char **argv, worker_args *a) {
  for (int i = 2; i < argc; i++) {
    const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (!val)
      return 0;
    if (strcmp(opt, "--suite") == 0)
      a->suite = val;
    else if (strcmp(opt, "-O") == 0) {
      const char **grown = realloc(a->overrides, (a->n_overrides + 1) * sizeof *grown);
      if (!grown)
        return 0;
      a->overrides = grown;
      a->overrides[a->n_overrides++] = val;
    } else if (strcmp(opt, "--time-cap") == 0)
      a->time_cap_s = strtod(val, NULL);
    else if (strcmp(opt, "--cold-cache") == 0)
      a->cold_cache = val;
    else if (strcmp(opt, "--worker-module") == 0)
      a->module = val;
    else if (strcmp(opt, "--power") == 0 || strcmp(opt, "--power-idle") == 0) {
      if (a->n_power >= 64 || a->n_idle >= 64)
        return 0;
      if (opt[7] == '-')
        a->idle[a->n_idle++] = argv[i + 1];
      else if (ab_power_option_split(argv[i + 1], &a->power[a->n_power]))
        a->n_power++;
      else
        return 0;
    } else if (strcmp(opt, "--power-module") == 0) {
      if (a->n_power_modules >= 32)
        return 0;
      a->power_modules[a->n_power_modules++] = val;
    } else if (strcmp(opt, "--worker-device") == 0)
      a->device = (unsigned)strtoul(val, NULL, 10);
    else if (strcmp(opt, "--worker-job") == 0) {
      char **grown = realloc(a->jobs, (a->n_jobs + 1) * sizeof *grown);
      if (!grown)
        return 0;
      a->jobs = grown;
      a->jobs[a->n_jobs++] = argv[i + 1];
    } else
      return 0;
    i++;
  }
  return a->suite && a->module;
}

/* The parent's power sources, rebuilt here, with the idle baseline it measured. */
static ab_power_registry *worker_power(const worker_args *a, ab_power_module_set *mods) {
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN];
  if (ab_power_worker_registry(a->power, a->n_power, a->power_modules, a->n_power_modules, &reg,
                               mods, msg) != AB_OK)
    return NULL; /* the parent created the same registry, so this does not happen */
  for (size_t i = 0; i < a->n_idle; i++) {
    unsigned long ch;
    double w, s, se = NAN; /* "nan" when the parent could not estimate the spread */
    if (sscanf(a->idle[i], "%lu=%lf:%lf:%lf", &ch, &w, &s, &se) >= 3)
      ab_power_set_idle_watts(reg, ch, w, se, s);
  }
  return reg;
}

static int run_jobs(const worker_args *a, const ab_suite *suite, ab_loaded_backend *lb) {
  ab_open_device dev;
  char msg[AB_MSG_LEN] = "";
  ab_device_open(&dev, lb, a->device, suite, msg); /* a failed open fails each case */
  ab_power_module_set mods = {0};
  ab_power_registry *power = worker_power(a, &mods);
  dev.power = power;
  dev.thermal_root = "/";
  int ok = 1;
  for (size_t i = 0; ok && i < a->n_jobs; i++) {
    char *end, provider[64];
    unsigned long job = strtoul(a->jobs[i], &end, 10);
    unsigned long spec = *end == ':' ? strtoul(end + 1, &end, 10) : ~0ul;
    if (*end != ':' || spec >= suite->n_cases)
      break;
    ab_strlcpy(provider, end + 1, sizeof provider);
    char head[32];
    snprintf(head, sizeof head, "S %lu\n", job);
    if (!ab_worker_send(head, strlen(head)))
      break;
    ab_case_result res;
    ab_run_case(&dev, &suite->cases[spec], provider, suite, &res);
    ok = send_result(job, &res);
    ab_case_result_clear(&res);
  }
  ab_device_close(&dev);
  ab_power_registry_free(power);
  ab_power_modules_free(&mods);
  return ok;
}

int ab_cmd_worker(int argc, char **argv) {
  worker_args a = {0};
  ab_suite suite;
  ab_loaded_backend lb;
  char msg[AB_MSG_LEN] = "";
  int rc = AB_EXIT_USAGE;
  memset(&suite, 0, sizeof suite);
  memset(&lb, 0, sizeof lb);
  /* The parent decides what an interrupt means (it kills this process); a Ctrl-C that
   * reaches the whole terminal must not make the running case look crashed. */
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  if (fcntl(AB_WORKER_FD, F_GETFD) < 0 || !parse(argc, argv, &a)) {
    fprintf(stderr, "accelbench __worker: internal command, started by 'accelbench run'\n");
    goto out;
  }
  if (ab_suite_load(a.suite, &suite, msg) != AB_OK ||
      !ab_suite_apply_overrides(&suite, a.overrides, a.n_overrides, a.time_cap_s) ||
      (a.cold_cache && !ab_cold_cache_parse(a.cold_cache, &suite.measure, msg))) {
    fprintf(stderr, "accelbench __worker: %s\n", msg);
    goto out;
  }
  if (ab_backend_load_file(a.module, &lb, msg) != AB_OK) {
    fprintf(stderr, "accelbench __worker: %s\n", msg);
    rc = AB_EXIT_ENV;
    goto out;
  }
  /* probe() may do set-up the backend needs before open() (loading its libraries). A
   * failure here still runs the jobs, so each case gets the open error as its reason. */
  lb.table.probe(msg);
  rc = run_jobs(&a, &suite, &lb) ? AB_EXIT_OK : AB_EXIT_ENV;
out:
  ab_suite_free(&suite);
  if (lb.handle)
    dlclose(lb.handle);
  free(a.overrides);
  free(a.jobs);
  return rc;
}

int ab_cmd_discover(int argc, char **argv) {
  /* As for case workers: the parent decides what an interrupt means. */
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  if (argc != 3 || fcntl(AB_WORKER_FD, F_GETFD) < 0) {
    fprintf(stderr, "accelbench __discover: internal command, started by 'accelbench list' "
                    "and 'accelbench run'\n");
    return AB_EXIT_USAGE;
  }
  return ab_discover_worker(argv[2]) == 0 ? AB_EXIT_OK : AB_EXIT_ENV;
}

int ab_cmd_discover_power(int argc, char **argv) {
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  ab_option opts[64];
  size_t n = 0;
  for (int i = 3; i < argc && n < 64; i++)
    if (ab_power_option_split(argv[i], &opts[n]))
      n++;
  if (argc < 3 || fcntl(AB_WORKER_FD, F_GETFD) < 0) {
    fprintf(stderr, "accelbench __discover-power: internal command, started by 'accelbench list' "
                    "and 'accelbench run'\n");
    return AB_EXIT_USAGE;
  }
  return ab_power_discover_worker(argv[2], opts, n) == 0 ? AB_EXIT_OK : AB_EXIT_ENV;
}
