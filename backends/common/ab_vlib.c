/* Loading a vendor library and resolving its symbol table (ab_vendor.h). */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ab_vendor.h"

/* Append to msg without overflowing it (a long list of paths is cut, never overrun). */
static void append(char *msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char *msg, const char *fmt, ...) {
  size_t used = strlen(msg);
  if (used + 1 >= AB_MSG_LEN)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg + used, AB_MSG_LEN - used, fmt, ap);
  va_end(ap);
}

static void *try_open(const char *path, char *msg, int *tried) {
  dlerror();
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *err = dlerror();
    append(msg, "%s%s (%s)", (*tried)++ ? "; " : "", path, err ? err : "unknown dlopen error");
  }
  return h;
}

ab_status ab_vlib_resolve(const ab_vlib_spec *spec, const ab_vlib *lib, void *table, char *msg) {
  for (size_t i = 0; i < spec->n_syms; i++) {
    const ab_vsym *s = &spec->syms[i];
    dlerror();
    void *sym = dlsym(lib->handle, s->name);
    const char *err = sym ? NULL : dlerror();
    if (!sym && !s->optional) {
      snprintf(msg, AB_MSG_LEN, "%s: mandatory symbol %s missing (%s)", lib->path, s->name,
               err ? err : "dlsym returned NULL");
      return AB_E_NOT_FOUND;
    }
    /* POSIX lets dlsym's void * become a function pointer; memcpy keeps -Wpedantic quiet. */
    memcpy((char *)table + s->offset, &sym, sizeof sym);
  }
  return AB_OK;
}

ab_status ab_vlib_open(const ab_vlib_spec *spec, ab_vlib *lib, void *table, char *msg) {
  memset(lib, 0, sizeof *lib);
  const char *override = spec->env ? getenv(spec->env) : NULL;
  int tried = 0;
  msg[0] = '\0';
  snprintf(msg, AB_MSG_LEN, "%s not found: tried ", spec->what);
  if (override && *override) {
    append(msg, "%s=", spec->env);
    lib->handle = try_open(override, msg, &tried);
    if (lib->handle)
      snprintf(lib->path, sizeof lib->path, "%s", override);
  } else {
    for (const char *const *s = spec->sonames; !lib->handle && s && *s; s++) {
      lib->handle = try_open(*s, msg, &tried);
      if (lib->handle)
        snprintf(lib->path, sizeof lib->path, "%s", *s);
    }
    if (!lib->handle && spec->env)
      append(msg, "; set %s to the library's path to use another file", spec->env);
  }
  if (!lib->handle && spec->hint)
    append(msg, " (%s)", spec->hint);
  if (!lib->handle)
    return AB_E_NOT_FOUND;
  ab_status st = ab_vlib_resolve(spec, lib, table, msg);
  if (st != AB_OK)
    ab_vlib_close(lib);
  else
    msg[0] = '\0';
  return st;
}

void ab_vlib_close(ab_vlib *lib) {
  if (lib->handle)
    dlclose(lib->handle);
  memset(lib, 0, sizeof *lib);
}

ab_status ab_vfail(char *msg, ab_status st, const char *call, long code, const char *name,
                   const char *text) {
  snprintf(msg, AB_MSG_LEN, "%s: %s%s(%ld)%s%s", call, name ? name : "error", " ", code,
           text && *text ? ": " : "", text ? text : "");
  return st;
}

void ab_vattr(ab_device_info *info, const char *key, const char *fmt, ...) {
  if (info->n_attrs >= AB_MAX_ATTRS)
    return;
  ab_attr *a = &info->attrs[info->n_attrs++];
  snprintf(a->key, sizeof a->key, "%s", key);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->value, sizeof a->value, fmt, ap);
  va_end(ap);
}
