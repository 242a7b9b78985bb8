/* Backend discovery and ABI checks (hwloc/CLAP: one versioned entry symbol; the loader
 * refuses unknown majors with both versions in the message). */
#include "loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/util.h"

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

/* "…/accelbench-backend-cpu.so" -> "cpu" (the name a refused module is listed under). */
static void stem_of(const char *path, char *name, size_t len) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (strncmp(base, MODULE_PREFIX, strlen(MODULE_PREFIX)) == 0)
    base += strlen(MODULE_PREFIX);
  ab_strlcpy(name, base, len);
  char *dot = strstr(name, MODULE_SUFFIX);
  if (dot)
    *dot = '\0';
}

ab_status ab_backend_load_file(const char *path, ab_loaded_backend *out, char *msg) {
  memset(out, 0, sizeof *out);
  ab_strlcpy(out->path, path, sizeof out->path);
  stem_of(path, out->name, sizeof out->name);
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot load: %s", path, dlerror());
    return AB_E_NOT_FOUND;
  }
  void *sym = dlsym(h, AB_BACKEND_ENTRY_SYMBOL);
  if (!sym) {
    ab_msgf(msg, AB_MSG_LEN, "%s: no symbol '%s' (not an accelbench backend module)", path,
            AB_BACKEND_ENTRY_SYMBOL);
    dlclose(h);
    return AB_E_NOT_FOUND;
  }
  ab_backend_entry_fn entry;
  memcpy(&entry, &sym, sizeof entry); /* object-to-function pointer without a cast warning */
  ab_status st = ab_backend_adopt(entry, path, out, msg);
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
  if (n < max)
    dirs[n++] = AB_BUILD_BACKEND_DIR;
  if (n < max && ab_exe_relative(AB_REL_BACKEND_DIR, relocated, sizeof relocated))
    dirs[n++] = relocated;
  if (n < max)
    dirs[n++] = AB_INSTALL_BACKEND_DIR;
  return n;
}

static bool have_name(const ab_backend_set *set, const char *name) {
  for (size_t i = 0; i < set->n; i++)
    if (strcmp(set->items[i].name, name) == 0)
      return true;
  return false;
}

static int is_module_name(const char *f) {
  size_t len = strlen(f), pl = strlen(MODULE_PREFIX), sl = strlen(MODULE_SUFFIX);
  return len > pl + sl && strncmp(f, MODULE_PREFIX, pl) == 0 &&
         strcmp(f + len - sl, MODULE_SUFFIX) == 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Module file names in `dir`, sorted so discovery order is stable. */
static size_t list_modules(const char *dir, char ***out) {
  *out = NULL;
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  size_t n = 0, cap = 0;
  char **names = NULL;
  for (struct dirent *e; (e = readdir(d));) {
    if (!is_module_name(e->d_name))
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
  qsort(names, n, sizeof *names, cmp_str);
  *out = names;
  return n;
}

static void probe_backend(ab_loaded_backend *lb) {
  char msg[AB_MSG_LEN] = "";
  if (lb->table.probe(msg) != AB_OK) {
    ab_strlcpy(lb->disabled_reason, msg[0] ? msg : "probe failed (no reason given)",
               sizeof lb->disabled_reason);
    return;
  }
  uint32_t count = 0;
  msg[0] = '\0';
  if (lb->table.device_count(&count, msg) != AB_OK) {
    ab_msgf(lb->disabled_reason, sizeof lb->disabled_reason, "device_count failed: %s", msg);
    return;
  }
  if (count == 0) {
    ab_strlcpy(lb->disabled_reason, msg[0] ? msg : "no devices found", sizeof lb->disabled_reason);
    return;
  }
  lb->n_devices = count;
  lb->enabled = true;
}

static ab_status add_module(ab_backend_set *set, const char *path) {
  ab_loaded_backend lb;
  char msg[AB_MSG_LEN] = "";
  if (ab_backend_load_file(path, &lb, msg) != AB_OK)
    ab_strlcpy(lb.disabled_reason, msg, sizeof lb.disabled_reason);
  if (have_name(set, lb.name)) { /* an earlier directory wins */
    if (lb.handle)
      dlclose(lb.handle);
    return AB_OK;
  }
  if (lb.loaded)
    probe_backend(&lb);
  ab_loaded_backend *grown = realloc(set->items, (set->n + 1) * sizeof *grown);
  if (!grown) {
    if (lb.handle)
      dlclose(lb.handle);
    return AB_E_NOMEM;
  }
  set->items = grown;
  set->items[set->n++] = lb;
  return AB_OK;
}

ab_status ab_backends_discover(ab_backend_set *set, char *msg) {
  memset(set, 0, sizeof *set);
  const char *dirs[32];
  size_t nd = ab_backend_search_dirs(dirs, 32);
  for (size_t d = 0; d < nd; d++) {
    char **names;
    size_t n = list_modules(dirs[d], &names);
    for (size_t i = 0; i < n; i++) {
      char path[2048];
      snprintf(path, sizeof path, "%s/%s", dirs[d], names[i]);
      if (add_module(set, path) != AB_OK) {
        ab_msgf(msg, AB_MSG_LEN, "out of memory while loading backends");
        for (size_t k = i; k < n; k++)
          free(names[k]);
        free(names);
        return AB_E_NOMEM;
      }
      free(names[i]);
    }
    free(names);
  }
  return AB_OK;
}

void ab_backends_free(ab_backend_set *set) {
#ifndef AB_SANITIZE
  /* Sanitizer builds keep modules mapped: LeakSanitizer reports at exit and cannot name
   * a frame in a module that is gone. */
  for (size_t i = 0; i < set->n; i++)
    if (set->items[i].handle)
      dlclose(set->items[i].handle);
#endif
  free(set->items);
  memset(set, 0, sizeof *set);
}
