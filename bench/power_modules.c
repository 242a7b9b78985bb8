/* Loadable power modules: finding, isolated probing, loading (power_modules.h). */
#include "power_modules.h"

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/digest.h"
#include "model/util.h"
#include "module_file.h"
#include "subproc.h"

#define MAX_POWER_MODULES 32

/* "…/accelbench-power-nvml.so" -> "nvml". */
static void power_stem(const char *path, char *name, size_t len) {
  ab_module_name(path, AB_POWER_MODULE_PREFIX, name, len);
}

/* Check the file, dlopen it and take its table through the registry's checks. The ABI
 * the table states is kept even when it is refused (both versions go in the reason). */
static ab_status load_table(const char *path, void **handle, const ab_power_source **table,
                            uint16_t abi[2], char *msg) {
  *handle = NULL;
  *table = NULL;
  void *h, *sym;
  ab_status st = ab_module_open(path, AB_POWER_ENTRY_SYMBOL, "power", &h, &sym, msg);
  if (st != AB_OK)
    return st;
  ab_power_entry_fn entry;
  memcpy(&entry, &sym, sizeof entry); /* object-to-function pointer without a cast warning */
  const ab_power_source *t = entry(AB_POWER_ABI_MAJOR);
  if (!t) {
    ab_msgf(msg, AB_MSG_LEN, "%s: its entry returned no table for this harness's power ABI major",
            path);
    dlclose(h);
    return AB_E_ABI;
  }
  abi[0] = t->abi_major;
  abi[1] = t->abi_minor;
  char why[AB_MSG_LEN];
  if ((st = ab_power_check_table(t, why)) != AB_OK) {
    ab_msgf(msg, AB_MSG_LEN, "%s: %s", path, why);
    dlclose(h);
    return st;
  }
  *handle = h;
  *table = t;
  return AB_OK;
}

/* ---- worker side --------------------------------------------------------------------- */

static void send_line(const char *kind, const char *text) {
  if (ab_worker_send(kind, strlen(kind)) && ab_worker_send(text, strlen(text)))
    ab_worker_send("\n", 1);
}

int ab_power_discover_worker(const char *path, const ab_option *options, size_t n_options) {
  void *h;
  const ab_power_source *t;
  uint16_t abi[2] = {0, 0};
  char msg[AB_MSG_LEN] = "";
  send_line("S ", "load");
  ab_status st = load_table(path, &h, &t, abi, msg);
  json_t *r =
      json_pack("{s:b,s:i,s:i}", "adopted", st == AB_OK, "abi_major", abi[0], "abi_minor", abi[1]);
  if (st != AB_OK) {
    json_object_set_new(r, "reason", json_string(msg));
  } else {
    json_object_set_new(r, "name", json_string(t->name));
    send_line("S ", "probe");
    char why[AB_MSG_LEN] = "";
    /* Only whether it survives is judged here: the registry probes it again and keeps a
     * "disabled: reason" the same way as for a built-in source. */
    json_object_set_new(r, "probe_ok", json_boolean(t->probe(options, n_options, why) == AB_OK));
  }
  char *text = json_dumps(r, JSON_COMPACT);
  json_decref(r);
  bool ok = text && ab_worker_send("R ", 2) && ab_worker_send(text, strlen(text)) &&
            ab_worker_send("\n", 1);
  free(text);
  return ok ? 0 : 1;
}

/* ---- parent side --------------------------------------------------------------------- */

typedef struct probe_watch {
  char step[32];
  json_t *report;
} probe_watch;

static void on_line(void *ctx, char *line) {
  probe_watch *w = ctx;
  if (strncmp(line, "S ", 2) == 0 &&
      (strcmp(line + 2, "load") == 0 || strcmp(line + 2, "probe") == 0))
    ab_strlcpy(w->step, line + 2, sizeof w->step);
  else if (strncmp(line, "R ", 2) == 0 && !w->report)
    w->report = json_loads(line + 2, 0, NULL);
}

/* argv for the worker: self, command, module, then KEY=VALUE per option. */
static char **worker_argv(const ab_discovery *how, const char *path, const ab_option *o, size_t n) {
  char **argv = calloc(n + 4, sizeof *argv);
  if (!argv)
    return NULL;
  argv[0] = (char *)how->self_exe;
  argv[1] = "__discover-power";
  argv[2] = (char *)path;
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(o[i].key) + strlen(o[i].value) + 2;
    if (!(argv[3 + i] = malloc(len)))
      break;
    snprintf(argv[3 + i], len, "%s=%s", o[i].key, o[i].value);
  }
  return argv;
}

static void free_argv(char **argv, size_t n) {
  for (size_t i = 0; argv && i < n; i++)
    free(argv[3 + i]);
  free(argv);
}

/* Run the worker to its end or its limit; the step it was in names where it failed. */
static void supervise(ab_subproc *p, const ab_discovery *how, probe_watch *w, char *end,
                      size_t len) {
  double deadline = ab_now_s() + how->timeout_s;
  end[0] = '\0';
  for (;;) {
    struct pollfd pf = {.fd = p->fd, .events = POLLIN};
    int r = poll(&pf, 1, 200);
    if (r < 0 && errno != EINTR)
      break;
    if (r > 0 && !ab_subproc_read(p, on_line, w))
      break;
    if (r <= 0 && ab_subproc_exited(p)) {
      ab_subproc_drain(p, on_line, w);
      break;
    }
    if (!w->report && ab_now_s() >= deadline) {
      snprintf(end, len, "timed out after %g s (the discovery limit, --probe-timeout)",
               how->timeout_s);
      break;
    }
    if (w->report && ab_now_s() >= deadline)
      break;
  }
  ab_subproc_finish(p, end[0] ? 0.0 : 2.0);
}

/* The worker's verdict on one module into `m`; true when it may be loaded here. */
static bool probe_isolated(const char *path, const ab_discovery *how, const ab_option *o, size_t n,
                           ab_power_module *m) {
  char **argv = worker_argv(how, path, o, n), msg[AB_MSG_LEN] = "", end[AB_MSG_LEN];
  ab_subproc p;
  probe_watch w = {.step = ""};
  if (!argv || ab_subproc_start(&p, argv, msg) != AB_OK) {
    ab_msgf(m->refused, sizeof m->refused, "%s: cannot start a discovery worker: %s", path, msg);
    free_argv(argv, n);
    return false;
  }
  free_argv(argv, n);
  supervise(&p, how, &w, end, sizeof end);
  const char *step = strcmp(w.step, "probe") == 0 ? "in probe()"
                     : w.step[0]                  ? "while loading it"
                                                  : "before loading it";
  bool adopted = json_is_true(json_object_get(w.report, "adopted"));
  m->abi_major = (uint16_t)json_integer_value(json_object_get(w.report, "abi_major"));
  m->abi_minor = (uint16_t)json_integer_value(json_object_get(w.report, "abi_minor"));
  if (end[0]) {
    ab_msgf(m->refused, sizeof m->refused, "%s: %s %s", path, end, step);
    adopted = false;
  } else if (!w.report) {
    ab_subproc_describe_end(p.status, end, sizeof end);
    ab_msgf(m->refused, sizeof m->refused, "%s: discovery %s %s", path, end, step);
  } else if (!adopted) {
    const char *why = json_string_value(json_object_get(w.report, "reason"));
    ab_msgf(m->refused, sizeof m->refused, "%s", why ? why : "refused (no reason)");
  }
  json_decref(w.report);
  return adopted && w.report != NULL && !end[0];
}

/* One module file into the set: probed (isolated or not), then loaded here if it passed. */
static void take_module(ab_power_module_set *set, const char *path, const ab_discovery *how,
                        const ab_option *o, size_t n) {
  ab_power_module *m = &set->items[set->n];
  void **h = &set->handles[set->n];
  memset(m, 0, sizeof *m);
  *h = NULL;
  ab_strlcpy(m->path, path, sizeof m->path);
  power_stem(path, m->name, sizeof m->name);
  char msg[AB_MSG_LEN];
  if (ab_sha256_file(path, m->sha256, &m->size, msg) != AB_OK) {
    m->sha256[0] = '\0'; /* unknown is null in the run file, never a guess */
    m->size = 0;
  }
  set->n++;
  if (how && !probe_isolated(path, how, o, n, m))
    return;
  uint16_t abi[2] = {0, 0};
  if (load_table(path, h, &m->table, abi, m->refused) != AB_OK) {
    m->table = NULL;
  } else {
    ab_strlcpy(m->name, m->table->name, sizeof m->name);
    m->refused[0] = '\0';
  }
  m->abi_major = abi[0];
  m->abi_minor = abi[1];
}

static bool have_name(const ab_power_module_set *set, const char *path) {
  char stem[32];
  power_stem(path, stem, sizeof stem);
  for (size_t i = 0; i < set->n; i++) {
    char other[32];
    power_stem(set->items[i].path, other, sizeof other);
    if (strcmp(stem, other) == 0)
      return true;
  }
  return false;
}

static bool alloc_set(ab_power_module_set *set) {
  memset(set, 0, sizeof *set);
  set->items = calloc(MAX_POWER_MODULES, sizeof *set->items);
  set->handles = calloc(MAX_POWER_MODULES, sizeof *set->handles);
  return set->items && set->handles;
}

/* The first file of each name on the search path, as for backends. */
static void find_modules(ab_power_module_set *set, const ab_discovery *how, const ab_option *o,
                         size_t n) {
  const char *dirs[32];
  size_t nd = ab_backend_search_dirs(dirs, 32);
  for (size_t d = 0; d < nd; d++) {
    char **names;
    size_t k = ab_module_list_dir(dirs[d], AB_POWER_MODULE_PREFIX, &names);
    for (size_t i = 0; i < k; i++) {
      char path[2048];
      snprintf(path, sizeof path, "%s/%s", dirs[d], names[i]);
      if (set->n < MAX_POWER_MODULES && !have_name(set, path))
        take_module(set, path, how, o, n);
      free(names[i]);
    }
    free(names);
  }
}

static ab_status make_registry(const ab_option *o, size_t n, ab_power_registry **reg,
                               ab_power_module_set *mods, char *msg) {
  ab_status st = ab_power_registry_create_with(o, n, mods->items, mods->n, reg, msg);
  if (st != AB_OK)
    ab_power_modules_free(mods);
  return st;
}

ab_status ab_power_discover_registry(const ab_option *o, size_t n, const ab_discovery *how,
                                     ab_power_registry **reg, ab_power_module_set *mods,
                                     char *msg) {
  *reg = NULL;
  if (!alloc_set(mods)) {
    ab_power_modules_free(mods);
    ab_msgf(msg, AB_MSG_LEN, "power modules: out of memory");
    return AB_E_NOMEM;
  }
  find_modules(mods, how, o, n);
  return make_registry(o, n, reg, mods, msg);
}

ab_status ab_power_worker_registry(const ab_option *o, size_t n, const char *const *paths,
                                   size_t n_paths, ab_power_registry **reg,
                                   ab_power_module_set *mods, char *msg) {
  *reg = NULL;
  if (!alloc_set(mods)) {
    ab_power_modules_free(mods);
    ab_msgf(msg, AB_MSG_LEN, "power modules: out of memory");
    return AB_E_NOMEM;
  }
  for (size_t i = 0; i < n_paths && mods->n < MAX_POWER_MODULES; i++)
    take_module(mods, paths[i], NULL, o, n);
  return make_registry(o, n, reg, mods, msg);
}

void ab_power_modules_free(ab_power_module_set *mods) {
#ifndef AB_SANITIZE
  /* Sanitizer builds keep modules mapped, as for backends (loader.c). */
  for (size_t i = 0; mods->handles && i < mods->n; i++)
    if (mods->handles[i])
      dlclose(mods->handles[i]);
#endif
  free(mods->handles);
  free(mods->items);
  memset(mods, 0, sizeof *mods);
}
