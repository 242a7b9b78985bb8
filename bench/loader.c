/* Backend discovery and ABI checks (hwloc/CLAP: one versioned entry symbol; the loader
 * refuses unknown majors with both versions in the message). */
#include "loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discover.h"
#include "model/util.h"
#include "module_file.h"
#include "paths.h"

#define MODULE_PREFIX "accelbench-backend-"
#define MODULE_SUFFIX ".so"

/* Size of the version 1.0 table: a module must provide at least this much. */
#define AB_BACKEND_V1_0_SIZE (offsetof(ab_backend, case_release) + sizeof(void (*)(void)))

static const char *missing_mandatory_slot(const ab_backend *t) {
  /* case_release is optional; every other slot is mandatory (backend.h). */
  if (!t->name || !t->name[0])
    return "name";
  if (!t->providers || !t->providers[0])
    return "providers";
  if (!t->probe)
    return "probe";
  if (!t->device_count)
    return "device_count";
  if (!t->device_info)
    return "device_info";
  if (!t->open)
    return "open";
  if (!t->close)
    return "close";
  if (!t->buffer_alloc)
    return "buffer_alloc";
  if (!t->buffer_free)
    return "buffer_free";
  if (!t->copy_to_device)
    return "copy_to_device";
  if (!t->copy_to_host)
    return "copy_to_host";
  if (!t->case_prepare)
    return "case_prepare";
  if (!t->case_run)
    return "case_run";
  return NULL;
}

ab_status ab_backend_adopt(ab_backend_entry_fn entry, const char *origin, ab_loaded_backend *out,
                           char *msg) {
  ab_strlcpy(out->path, origin, sizeof out->path);
  const ab_backend *t = entry(AB_BACKEND_ABI_MAJOR);
  if (!t) {
    ab_msgf(msg, AB_MSG_LEN, "%s: %s() returned NULL (the module has no table for ABI %d)", origin,
            AB_BACKEND_ENTRY_SYMBOL, AB_BACKEND_ABI_MAJOR);
    return AB_E_ABI;
  }
  if (t->abi_major != AB_BACKEND_ABI_MAJOR) {
    ab_msgf(msg, AB_MSG_LEN,
            "%s: backend ABI version %u.%u, but this accelbench speaks %d.%d; rebuild the "
            "module against this accelbench's backend.h",
            origin, t->abi_major, t->abi_minor, AB_BACKEND_ABI_MAJOR, AB_BACKEND_ABI_MINOR);
    return AB_E_ABI;
  }
  if (t->struct_size < AB_BACKEND_V1_0_SIZE) {
    ab_msgf(msg, AB_MSG_LEN, "%s: backend table is %u bytes, smaller than ABI 1.0's %zu", origin,
            t->struct_size, (size_t)AB_BACKEND_V1_0_SIZE);
    return AB_E_ABI;
  }
  /* Read only what the module declared; slots it predates stay NULL. */
  memset(&out->table, 0, sizeof out->table);
  size_t n = t->struct_size < sizeof out->table ? t->struct_size : sizeof out->table;
  memcpy(&out->table, t, n);
  const char *slot = missing_mandatory_slot(&out->table);
  if (slot) {
    ab_msgf(msg, AB_MSG_LEN, "%s: backend '%s' leaves mandatory slot '%s' empty", origin,
            out->table.name ? out->table.name : "?", slot);
    return AB_E_INVALID;
  }
  ab_strlcpy(out->name, out->table.name, sizeof out->name);
  out->loaded = true;
  return AB_OK;
}

void ab_module_stem(const char *path, char *name, size_t len) {
  ab_module_name(path, MODULE_PREFIX, name, len);
}

ab_status ab_backend_load_file(const char *path, ab_loaded_backend *out, char *msg) {
  memset(out, 0, sizeof *out);
  ab_strlcpy(out->path, path, sizeof out->path);
  ab_module_stem(path, out->name, sizeof out->name);
  void *h, *sym;
  ab_status st = ab_module_open(path, AB_BACKEND_ENTRY_SYMBOL, "backend", &h, &sym, msg);
  if (st != AB_OK)
    return st;
  ab_backend_entry_fn entry;
  memcpy(&entry, &sym, sizeof entry); /* object-to-function pointer without a cast warning */
  st = ab_backend_adopt(entry, path, out, msg);
  if (st != AB_OK) {
    dlclose(h);
    return st;
  }
  out->handle = h;
  return AB_OK;
}

size_t ab_backend_search_dirs(const char **dirs, size_t max) {
  static char env_copy[4096], relocated[4096];
  size_t n = 0;
  const char *env = getenv(AB_BACKEND_PATH_ENV);
  if (env && *env) {
    ab_strlcpy(env_copy, env, sizeof env_copy);
    for (char *save = NULL, *tok = strtok_r(env_copy, ":", &save); tok && n < max;
         tok = strtok_r(NULL, ":", &save))
      dirs[n++] = tok;
  }
  if (ab_exe_in_build_tree()) { /* paths.h: a build tree's binary uses its own modules */
    if (n < max)
      dirs[n++] = AB_BUILD_BACKEND_DIR;
    return n;
  }
  if (n < max && ab_own_prefix_dir(AB_REL_BACKEND_DIR, relocated, sizeof relocated))
    dirs[n++] = relocated;
  if (n < max && !(n && ab_same_dir(dirs[n - 1], AB_INSTALL_BACKEND_DIR)))
    dirs[n++] = AB_INSTALL_BACKEND_DIR;
  return n;
}

static int is_module_name(const char *f, const char *prefix) {
  size_t len = strlen(f), pl = strlen(prefix), sl = strlen(MODULE_SUFFIX);
  return len > pl + sl && strncmp(f, prefix, pl) == 0 && strcmp(f + len - sl, MODULE_SUFFIX) == 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t ab_module_list_dir(const char *dir, const char *prefix, char ***out) {
  *out = NULL;
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  size_t n = 0, cap = 0;
  char **names = NULL;
  for (struct dirent *e; (e = readdir(d));) {
    if (!is_module_name(e->d_name, prefix))
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 8;
      char **grown = realloc(names, cap * sizeof *names);
      if (!grown)
        break;
      names = grown;
    }
    names[n] = strdup(e->d_name);
    if (names[n])
      n++;
  }
  closedir(d);
  if (n > 1) /* names is NULL when the folder holds none (qsort's pointer must not be) */
    qsort(names, n, sizeof *names, cmp_str);
  *out = names;
  return n;
}

static void announce(ab_probe_step_fn step, void *ctx, const char *what) {
  if (step)
    step(ctx, what);
}

static void read_devices(ab_loaded_backend *lb, uint32_t count, ab_probe_step_fn step, void *ctx) {
  for (uint32_t i = 0; i < count; i++) {
    char what[32];
    snprintf(what, sizeof what, "device_info %u", i);
    announce(step, ctx, what);
    ab_probed_device *d = &lb->devices[i];
    char err[AB_MSG_LEN] = "";
    d->info.struct_size = sizeof d->info;
    if (lb->table.device_info(i, &d->info, err) != AB_OK)
      ab_strlcpy(d->error, err[0] ? err : "failed (no reason given)", sizeof d->error);
  }
}

void ab_backend_probe(ab_loaded_backend *lb, ab_probe_step_fn step, void *ctx) {
  char msg[AB_MSG_LEN] = "";
  announce(step, ctx, "probe");
  if (lb->table.probe(msg) != AB_OK) {
    ab_strlcpy(lb->disabled_reason, msg[0] ? msg : "probe failed (no reason given)",
               sizeof lb->disabled_reason);
    return;
  }
  uint32_t count = 0;
  msg[0] = '\0';
  announce(step, ctx, "device_count");
  if (lb->table.device_count(&count, msg) != AB_OK) {
    ab_msgf(lb->disabled_reason, sizeof lb->disabled_reason, "device_count failed: %s", msg);
    return;
  }
  if (count == 0) {
    ab_strlcpy(lb->disabled_reason, msg[0] ? msg : "no devices found", sizeof lb->disabled_reason);
    return;
  }
  if (count > AB_MAX_DEVICES) {
    ab_msgf(lb->disabled_reason, sizeof lb->disabled_reason,
            "device_count() says %u devices; accelbench takes at most %d from one backend", count,
            AB_MAX_DEVICES);
    return;
  }
  lb->devices = calloc(count, sizeof *lb->devices);
  if (!lb->devices) {
    ab_msgf(lb->disabled_reason, sizeof lb->disabled_reason, "out of memory for %u devices", count);
    return;
  }
  read_devices(lb, count, step, ctx);
  lb->n_devices = count;
  lb->enabled = true;
}

ab_status ab_backend_device_info(const ab_loaded_backend *lb, uint32_t index, ab_device_info *info,
                                 char *msg) {
  if (!lb->devices || index >= lb->n_devices) {
    ab_msgf(msg, AB_MSG_LEN, "backend %s has no device %u", lb->name, index);
    return AB_E_INVALID;
  }
  if (lb->devices[index].error[0]) {
    ab_msgf(msg, AB_MSG_LEN, "%s", lb->devices[index].error);
    return AB_E_INVALID;
  }
  *info = lb->devices[index].info;
  return AB_OK;
}

/* ---- finding module files ------------------------------------------------------------ */

typedef struct file_id {
  dev_t dev;
  ino_t ino;
} file_id;

typedef struct candidates {
  char **paths; /* module files to load, in search order */
  size_t n, cap;
  file_id *seen; /* every file considered, to skip one reached through two directories */
  size_t n_seen, cap_seen;
  ab_shadowed_module *shadowed; /* `used` indexes paths until the set is built */
  size_t n_shadowed;
} candidates;

/* Room for one more element in a growing array. */
static bool room(void **items, size_t *cap, size_t n, size_t size) {
  if (n < *cap)
    return true;
  size_t grown_cap = *cap ? *cap * 2 : 8;
  void *grown = realloc(*items, grown_cap * size);
  if (!grown)
    return false;
  *items = grown;
  *cap = grown_cap;
  return true;
}

static bool add_shadowed(ab_shadowed_module **list, size_t *n, const char *path, const char *name,
                         size_t used, bool same_file) {
  ab_shadowed_module *grown = realloc(*list, (*n + 1) * sizeof *grown);
  if (!grown)
    return false;
  *list = grown;
  ab_shadowed_module *s = &grown[(*n)++];
  memset(s, 0, sizeof *s);
  ab_strlcpy(s->path, path, sizeof s->path);
  ab_strlcpy(s->name, name, sizeof s->name);
  s->used = used;
  s->same_file = same_file;
  return true;
}

/* One file found: a new candidate, a file already seen through another directory of the
 * search path (ignored), or a file name an earlier directory already has (shadowed). */
static bool consider(candidates *c, const char *path) {
  struct stat st;
  if (stat(path, &st) == 0) {
    for (size_t i = 0; i < c->n_seen; i++)
      if (c->seen[i].dev == st.st_dev && c->seen[i].ino == st.st_ino)
        return true;
    if (!room((void **)&c->seen, &c->cap_seen, c->n_seen, sizeof *c->seen))
      return false;
    c->seen[c->n_seen++] = (file_id){st.st_dev, st.st_ino};
  }
  char stem[32], other[32];
  ab_module_stem(path, stem, sizeof stem);
  for (size_t i = 0; i < c->n; i++) {
    ab_module_stem(c->paths[i], other, sizeof other);
    if (strcmp(stem, other) == 0)
      return add_shadowed(&c->shadowed, &c->n_shadowed, path, stem, i, true);
  }
  if (!room((void **)&c->paths, &c->cap, c->n, sizeof *c->paths) ||
      !(c->paths[c->n] = strdup(path)))
    return false;
  c->n++;
  return true;
}

static bool find_candidates(candidates *c) {
  const char *dirs[32];
  size_t nd = ab_backend_search_dirs(dirs, 32);
  bool ok = true;
  for (size_t d = 0; d < nd; d++) {
    char **names;
    size_t n = ab_module_list_dir(dirs[d], MODULE_PREFIX, &names);
    for (size_t i = 0; i < n; i++) {
      char path[2048];
      snprintf(path, sizeof path, "%s/%s", dirs[d], names[i]);
      ok = ok && consider(c, path);
      free(names[i]);
    }
    free(names);
  }
  return ok;
}

static void free_candidates(candidates *c) {
  for (size_t i = 0; i < c->n; i++)
    free(c->paths[i]);
  free(c->paths);
  free(c->seen);
  free(c->shadowed);
}

/* ---- building the set ---------------------------------------------------------------- */

static void load_in_process(char *const *paths, size_t n, ab_loaded_backend *out) {
  for (size_t i = 0; i < n; i++) {
    char msg[AB_MSG_LEN] = "";
    if (ab_backend_load_file(paths[i], &out[i], msg) != AB_OK)
      ab_strlcpy(out[i].disabled_reason, msg, sizeof out[i].disabled_reason);
    else
      ab_backend_probe(&out[i], NULL, NULL);
  }
}

/* Of modules whose tables give the same name, the first in search order is used; the
 * others are set aside. used[i] is the index (among all) of the module used for i's name. */
static bool set_aside_duplicates(ab_backend_set *set, ab_loaded_backend *all, size_t n,
                                 size_t *used) {
  for (size_t i = 0; i < n; i++) {
    used[i] = i;
    for (size_t k = 0; k < i && used[i] == i; k++)
      if (used[k] == k && strcmp(all[k].name, all[i].name) == 0)
        used[i] = k;
    if (used[i] != i) {
      if (!add_shadowed(&set->shadowed, &set->n_shadowed, all[i].path, all[i].name, used[i], false))
        return false;
      ab_backend_release(&all[i]);
    }
  }
  return true;
}

/* Keep the modules used, in order, and point every shadowed entry at its index there. */
static void compact(ab_backend_set *set, ab_loaded_backend *all, size_t n, size_t *used) {
  size_t *new_index = used; /* reused in place: used[i] is read before new_index[i] is set */
  for (size_t i = 0; i < n; i++) {
    size_t winner = used[i];
    if (winner == i) {
      set->items[set->n] = all[i];
      new_index[i] = set->n++;
    } else {
      new_index[i] = new_index[winner]; /* winner < i: already renumbered */
    }
  }
  for (size_t s = 0; s < set->n_shadowed; s++)
    set->shadowed[s].used = new_index[set->shadowed[s].used];
}

ab_status ab_backends_discover(ab_backend_set *set, const ab_discovery *how, char *msg) {
  memset(set, 0, sizeof *set);
  candidates c = {0};
  ab_loaded_backend *all = NULL;
  size_t *used = NULL;
  bool ok = find_candidates(&c);
  if (ok && c.n) {
    all = calloc(c.n, sizeof *all);
    used = calloc(c.n, sizeof *used);
    set->items = calloc(c.n, sizeof *set->items);
    ok = all && used && set->items;
  }
  if (ok && c.n) {
    if (how)
      ab_discover_isolated(c.paths, c.n, how, all);
    else
      load_in_process(c.paths, c.n, all);
    /* Same-file-name entries first, so theirs index `all` too when compacted. */
    set->shadowed = c.shadowed;
    set->n_shadowed = c.n_shadowed;
    c.shadowed = NULL;
    ok = set_aside_duplicates(set, all, c.n, used);
    if (ok)
      compact(set, all, c.n, used);
  }
  free_candidates(&c);
  free(used);
  if (!ok) {
    for (size_t i = 0; all && i < c.n; i++)
      ab_backend_release(&all[i]);
    free(all);
    set->n = 0;
    ab_backends_free(set);
    ab_msgf(msg, AB_MSG_LEN, "out of memory while loading backends");
    return AB_E_NOMEM;
  }
  free(all);
  return AB_OK;
}

void ab_backend_release(ab_loaded_backend *lb) {
#ifndef AB_SANITIZE
  /* Sanitizer builds keep modules mapped: LeakSanitizer reports at exit and cannot name
   * a frame in a module that is gone. */
  if (lb->handle)
    dlclose(lb->handle);
#endif
  lb->handle = NULL;
  free(lb->devices);
  lb->devices = NULL;
  lb->n_devices = 0;
  free(lb->reported);
  lb->reported = NULL;
}

void ab_backends_free(ab_backend_set *set) {
  for (size_t i = 0; i < set->n; i++)
    ab_backend_release(&set->items[i]);
  free(set->items);
  free(set->shadowed);
  memset(set, 0, sizeof *set);
}
