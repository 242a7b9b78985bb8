/* Module discovery in worker processes (see discover.h). */
#include "discover.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "model/util.h"
#include "subproc.h"

/* Provider names travel on worker command lines and in case ids: short, and few. */
#define MAX_PROVIDERS     64
#define MAX_PROVIDER_NAME 63

void ab_backend_record_of(const ab_loaded_backend *lb, ab_backend_record *out) {
  memset(out, 0, sizeof *out);
  ab_strlcpy(out->name, lb->name, sizeof out->name);
  ab_strlcpy(out->module_path, lb->path, sizeof out->module_path);
  if (lb->loaded && lb->table.description)
    ab_strlcpy(out->description, lb->table.description, sizeof out->description);
  out->abi_major = lb->table.abi_major;
  out->abi_minor = lb->table.abi_minor;
  out->enabled = lb->enabled;
  ab_strlcpy(out->disabled_reason, lb->disabled_reason, sizeof out->disabled_reason);
}

/* ---- worker side --------------------------------------------------------------------- */

static void send_step(void *ctx, const char *step) {
  (void)ctx;
  char line[64];
  int len = snprintf(line, sizeof line, "S %s\n", step);
  if (len > 0 && (size_t)len < sizeof line)
    ab_worker_send(line, (size_t)len);
}

static json_t *devices_json(const ab_loaded_backend *lb) {
  json_t *a = json_array();
  for (uint32_t i = 0; a && i < lb->n_devices; i++) {
    const ab_probed_device *d = &lb->devices[i];
    ab_device_record rec = {.index = i, .info = d->info};
    ab_strlcpy(rec.backend, lb->name, sizeof rec.backend);
    json_t *one = d->error[0] ? json_pack("{s:s}", "error", d->error) : ab_device_to_json(&rec);
    if (!one || json_array_append_new(a, one) != 0) {
      json_decref(a);
      return NULL;
    }
  }
  return a;
}

static json_t *report_json(const ab_loaded_backend *lb) {
  ab_backend_record rec;
  ab_backend_record_of(lb, &rec);
  json_t *o = ab_backend_to_json(&rec), *providers = json_array();
  for (const char *const *p = lb->loaded ? lb->table.providers : NULL; providers && p && *p; p++)
    json_array_append_new(providers, json_string(*p));
  json_t *devices = devices_json(lb);
  /* ABI 1.4: absent when the backend does not declare its option keys. */
  if (o && lb->loaded && lb->table.option_keys) {
    json_t *keys = json_array();
    for (const char *const *k = lb->table.option_keys; keys && *k; k++)
      json_array_append_new(keys, json_string(*k));
    json_object_set_new(o, "option_keys", keys);
  }
  if (!o || !providers || !devices ||
      json_object_set_new(o, "loaded", json_boolean(lb->loaded)) != 0 ||
      json_object_set_new(o, "providers", providers) != 0 ||
      json_object_set_new(o, "devices", devices) != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

int ab_discover_worker(const char *path) {
  ab_loaded_backend lb;
  char msg[AB_MSG_LEN] = "";
  send_step(NULL, "load");
  if (ab_backend_load_file(path, &lb, msg) != AB_OK)
    ab_strlcpy(lb.disabled_reason, msg, sizeof lb.disabled_reason);
  else
    ab_backend_probe(&lb, send_step, NULL);
  json_t *j = report_json(&lb);
  char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
  bool ok = text && ab_worker_send("R ", 2) && ab_worker_send(text, strlen(text)) &&
            ab_worker_send("\n", 1);
  free(text);
  json_decref(j);
  ab_backend_release(&lb);
  return ok ? 0 : 1;
}

/* ---- parent side: reading a report --------------------------------------------------- */

static ab_status bad(char *msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static ab_status bad(char *msg, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, AB_MSG_LEN, fmt, ap);
  va_end(ap);
  return AB_E_INVALID;
}

/* Bytes of a list of names (a "providers" or "option_keys" array), or 0 with a message
 * when one is not a short non-empty string. */
static size_t names_bytes(const json_t *names, const char *what, char *msg) {
  size_t bytes = 0;
  for (size_t i = 0; i < json_array_size(names); i++) {
    const char *p = json_string_value(json_array_get(names, i));
    if (!p || !p[0] || strlen(p) > MAX_PROVIDER_NAME) {
      bad(msg, "%s[%zu]: expected a name of 1 to %d bytes", what, i, MAX_PROVIDER_NAME);
      return 0;
    }
    bytes += strlen(p) + 1;
  }
  return bytes ? bytes : 1;
}

/* Copy the names into `text`, pointed at from `list` (NULL-terminated); returns the end. */
static char *copy_names(const json_t *names, char **list, char *text) {
  size_t n = json_array_size(names);
  for (size_t i = 0; i < n; i++) {
    list[i] = strcpy(text, json_string_value(json_array_get(names, i)));
    text += strlen(text) + 1;
  }
  list[n] = NULL;
  return text;
}

/* One block holding the strings the table points to: providers array, option keys array
 * (ABI 1.4, when reported), then the text. */
static ab_status adopt_strings(const ab_backend_record *rec, const json_t *providers,
                               const json_t *keys, ab_loaded_backend *out, char *msg) {
  size_t np = json_array_size(providers), nk = json_array_size(keys);
  if (!json_is_array(providers) || np == 0 || np > MAX_PROVIDERS)
    return bad(msg, "providers: expected 1 to %d names", MAX_PROVIDERS);
  if (keys && (!json_is_array(keys) || nk > MAX_PROVIDERS))
    return bad(msg, "option_keys: expected at most %d names", MAX_PROVIDERS);
  size_t pb = names_bytes(providers, "providers", msg), kb = names_bytes(keys, "option_keys", msg);
  if (!pb || !kb)
    return AB_E_INVALID;
  size_t n_ptrs = np + 1 + (keys ? nk + 1 : 0);
  size_t bytes = n_ptrs * sizeof(char *) + pb + kb;
  bytes += strlen(rec->name) + 1 + strlen(rec->description) + 1;
  char **block = malloc(bytes), *text = (char *)(block + n_ptrs);
  if (!block) {
    ab_msgf(msg, AB_MSG_LEN, "out of memory");
    return AB_E_NOMEM;
  }
  text = copy_names(providers, block, text);
  out->table.providers = (const char *const *)block;
  if (keys) {
    text = copy_names(keys, block + np + 1, text);
    out->table.option_keys = (const char *const *)(block + np + 1);
  }
  out->table.name = strcpy(text, rec->name);
  text += strlen(text) + 1;
  out->table.description = rec->description[0] ? strcpy(text, rec->description) : NULL;
  out->reported = block;
  return AB_OK;
}

static ab_status adopt_devices(const json_t *devices, ab_loaded_backend *out, char *msg) {
  size_t n = json_array_size(devices);
  if (!json_is_array(devices) || n == 0 || n > AB_MAX_DEVICES)
    return bad(msg, "devices: expected 1 to %d devices", AB_MAX_DEVICES);
  out->devices = calloc(n, sizeof *out->devices);
  if (!out->devices) {
    ab_msgf(msg, AB_MSG_LEN, "out of memory");
    return AB_E_NOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    const json_t *d = json_array_get(devices, i);
    const char *error = json_string_value(json_object_get(d, "error"));
    char where[32];
    snprintf(where, sizeof where, "devices[%zu]", i);
    if (error) {
      ab_strlcpy(out->devices[i].error, error[0] ? error : "failed", sizeof out->devices[i].error);
      continue;
    }
    ab_device_record rec;
    ab_status st = ab_device_from_json(d, where, &rec, msg);
    if (st != AB_OK)
      return st;
    out->devices[i].info = rec.info;
  }
  out->n_devices = (uint32_t)n;
  return AB_OK;
}

/* The worker's report into `out`; this process keeps its own idea of the path. */
static ab_status adopt_report(const char *text, const char *path, ab_loaded_backend *out,
                              char *msg) {
  json_error_t jerr;
  json_t *j = json_loads(text, 0, &jerr);
  ab_backend_record rec;
  ab_status st =
      j ? ab_backend_from_json(j, "report", &rec, msg) : bad(msg, "not JSON: %s", jerr.text);
  const json_t *loaded = json_object_get(j, "loaded");
  if (st == AB_OK && !json_is_boolean(loaded))
    st = bad(msg, "report.loaded: expected true or false");
  if (st == AB_OK) {
    ab_strlcpy(out->path, path, sizeof out->path);
    ab_strlcpy(out->name, rec.name, sizeof out->name);
    ab_strlcpy(out->disabled_reason, rec.disabled_reason, sizeof out->disabled_reason);
    out->loaded = json_is_true(loaded);
  }
  if (st == AB_OK && out->loaded) {
    out->table.abi_major = rec.abi_major;
    out->table.abi_minor = rec.abi_minor;
    st = adopt_strings(&rec, json_object_get(j, "providers"), json_object_get(j, "option_keys"),
                       out, msg);
  }
  if (st == AB_OK && out->loaded && rec.enabled) {
    st = adopt_devices(json_object_get(j, "devices"), out, msg);
    out->enabled = st == AB_OK;
  }
  json_decref(j);
  return st;
}

/* ---- parent side: supervising the workers -------------------------------------------- */

typedef struct probe_worker {
  ab_subproc proc;
  const char *path;
  ab_loaded_backend *out;
  double deadline;
  char step[48]; /* the step the worker announced last, as text for a reason */
  bool reported; /* an R line arrived */
  char bad_report[AB_MSG_LEN];
} probe_worker;

/* Steps are shown to the user: only the worker's own vocabulary is taken. */
static void take_step(probe_worker *w, const char *step) {
  unsigned idx;
  char tail;
  if (strcmp(step, "load") == 0)
    snprintf(w->step, sizeof w->step, "while loading it");
  else if (strcmp(step, "probe") == 0 || strcmp(step, "device_count") == 0)
    snprintf(w->step, sizeof w->step, "in %s()", step);
  else if (sscanf(step, "device_info %u%c", &idx, &tail) == 1)
    snprintf(w->step, sizeof w->step, "in device_info(%u)", idx);
}

static void on_line(void *ctx, char *line) {
  probe_worker *w = ctx;
  if (line[0] == 'S' && line[1] == ' ') {
    take_step(w, line + 2);
    return;
  }
  if (line[0] != 'R' || line[1] != ' ' || w->reported)
    return;
  w->reported = true;
  /* Its work is done: a module that hangs while the worker exits costs 2 s, not the limit. */
  if (w->deadline > ab_now_s() + 2.0)
    w->deadline = ab_now_s() + 2.0;
  char msg[AB_MSG_LEN] = "";
  ab_loaded_backend got;
  memset(&got, 0, sizeof got);
  if (adopt_report(line + 2, w->path, &got, msg) == AB_OK) {
    *w->out = got;
    return;
  }
  ab_backend_release(&got);
  ab_strlcpy(w->bad_report, msg[0] ? msg : "unreadable", sizeof w->bad_report);
}

/* A module refused without a usable report: listed under its file's stem, with why. */
static void refuse(ab_loaded_backend *out, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void refuse(ab_loaded_backend *out, const char *path, const char *fmt, ...) {
  char why[AB_MSG_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  ab_backend_release(out);
  memset(out, 0, sizeof *out);
  ab_strlcpy(out->path, path, sizeof out->path);
  ab_module_stem(path, out->name, sizeof out->name);
  ab_msgf(out->disabled_reason, sizeof out->disabled_reason, "%s: %s", path, why);
}

typedef enum { END_EOF, END_EXITED, END_TIMEOUT, END_INTERRUPTED } probe_end;

/* A worker has ended (or was stopped): reap it, with its group, and judge its module. */
static void settle(probe_worker *w, probe_end how, const ab_discovery *d) {
  ab_subproc_finish(&w->proc, how == END_EOF ? 2.0 : 0.0);
  const char *step = w->step[0] ? w->step : "before loading it";
  if (w->reported && !w->bad_report[0])
    return;
  if (w->bad_report[0]) {
    refuse(w->out, w->path, "the discovery worker sent an unusable report: %s", w->bad_report);
  } else if (how == END_TIMEOUT) {
    refuse(w->out, w->path, "timed out after %g s %s (the discovery limit, --probe-timeout)",
           d->timeout_s, step);
  } else if (how == END_INTERRUPTED) {
    refuse(w->out, w->path, "not probed: discovery was interrupted");
  } else {
    char end[AB_MSG_LEN];
    ab_subproc_describe_end(w->proc.status, end, sizeof end);
    refuse(w->out, w->path, "discovery %s %s", end, step);
  }
}

static bool start_worker(probe_worker *w, const char *path, ab_loaded_backend *out,
                         const ab_discovery *d) {
  memset(w, 0, sizeof *w);
  w->path = path;
  w->out = out;
  char *argv[] = {(char *)d->self_exe, "__discover", (char *)path, NULL};
  char msg[AB_MSG_LEN] = "";
  if (ab_subproc_start(&w->proc, argv, msg) != AB_OK) {
    refuse(out, path, "cannot start a discovery worker: %s", msg);
    return false;
  }
  w->deadline = ab_now_s() + d->timeout_s;
  return true;
}

/* One look at one running worker; true when it has ended and was settled. */
static bool watch(probe_worker *w, short revents, const ab_discovery *d) {
  if (revents && !ab_subproc_read(&w->proc, on_line, w)) {
    settle(w, END_EOF, d);
    return true;
  }
  /* A helper the module forked may hold the pipe open after the worker died. */
  if (!revents && ab_subproc_exited(&w->proc)) {
    ab_subproc_drain(&w->proc, on_line, w);
    settle(w, END_EXITED, d);
    return true;
  }
  if (ab_now_s() >= w->deadline) {
    settle(w, END_TIMEOUT, d);
    return true;
  }
  return false;
}

static volatile sig_atomic_t discovery_signal;

static void on_signal(int sig) {
  discovery_signal = sig;
}

/* Catch `sig` for the time of discovery, unless it is ignored (nohup): then it stays so. */
static void catch_signal(int sig, struct sigaction *old) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigaction(sig, NULL, old);
  if (old->sa_handler == SIG_IGN)
    return;
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

typedef struct pool {
  probe_worker slot[AB_DISCOVERY_PARALLEL];
  bool busy[AB_DISCOVERY_PARALLEL];
  size_t running;
} pool;

/* Start workers in the free slots for the next modules. */
static void fill(pool *pl, char *const *paths, size_t n, size_t *next, const ab_discovery *how,
                 ab_loaded_backend *out) {
  for (size_t s = 0; s < AB_DISCOVERY_PARALLEL && *next < n; s++) {
    if (pl->busy[s])
      continue;
    size_t m = (*next)++;
    if (start_worker(&pl->slot[s], paths[m], &out[m], how)) {
      pl->busy[s] = true;
      pl->running++;
    }
  }
}

/* Wait (at most 200 ms, to check deadlines and deaths) and look at every running worker. */
static bool watch_all(pool *pl, const ab_discovery *how) {
  struct pollfd p[AB_DISCOVERY_PARALLEL];
  for (size_t s = 0; s < AB_DISCOVERY_PARALLEL; s++)
    p[s] = (struct pollfd){.fd = pl->busy[s] ? pl->slot[s].proc.fd : -1, .events = POLLIN};
  int r = poll(p, AB_DISCOVERY_PARALLEL, 200);
  if (r < 0 && errno != EINTR)
    return false;
  for (size_t s = 0; s < AB_DISCOVERY_PARALLEL; s++)
    if (pl->busy[s] && watch(&pl->slot[s], r > 0 ? p[s].revents : 0, how)) {
      pl->busy[s] = false;
      pl->running--;
    }
  return true;
}

void ab_discover_isolated(char *const *paths, size_t n, const ab_discovery *how,
                          ab_loaded_backend *out) {
  pool pl;
  size_t next = 0;
  memset(&pl, 0, sizeof pl);
  struct sigaction old_int, old_term;
  discovery_signal = 0;
  catch_signal(SIGINT, &old_int);
  catch_signal(SIGTERM, &old_term);
  bool polling = true;
  while (polling && (next < n || pl.running > 0) && !discovery_signal) {
    fill(&pl, paths, n, &next, how, out);
    polling = watch_all(&pl, how);
  }
  /* Interrupted (or poll failed): the workers' groups go before anything else happens. */
  for (size_t s = 0; s < AB_DISCOVERY_PARALLEL; s++)
    if (pl.busy[s])
      settle(&pl.slot[s], END_INTERRUPTED, how);
  for (; next < n; next++)
    refuse(&out[next], paths[next], "not probed: discovery was interrupted");
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  if (discovery_signal)
    raise(discovery_signal);
}
