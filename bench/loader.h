/* accelbench — finding, loading and checking backend modules. Built-in backends and
 * dlopen'ed modules go through the same checks (ab_backend_adopt).
 *
 * Discovery is isolated by default (ab_discovery): each module is loaded, probed and its
 * devices enumerated in a worker process (discover.h), and this process keeps what the
 * worker reported without ever loading the module. A module that crashes, hangs or is
 * not a module stays in the set, refused, with the reason. */
#ifndef AB_LOADER_H
#define AB_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "accelbench/backend.h"

/* One device as discovery read it. */
typedef struct ab_probed_device {
  ab_device_info info;
  char error[AB_MSG_LEN]; /* why device_info() failed; "" when it did not */
} ab_probed_device;

/* More devices than this from one backend's device_count() is taken for a lie. */
#define AB_MAX_DEVICES 1024

typedef struct ab_loaded_backend {
  char path[1024];  /* module file, or "built-in" */
  char name[32];    /* table name, or the file's stem for a refused module */
  void *handle;     /* dlopen handle; NULL for built-in, refused, or probed in a worker */
  ab_backend table; /* the module's table, zero-extended to this harness's size. When a
                       worker probed the module, only the describing fields are set (ABI,
                       name, description, providers) and every slot is NULL: this process
                       never runs that module's code */
  bool loaded;      /* the table passed the ABI checks */
  bool enabled;     /* loaded and probe() said yes */
  char disabled_reason[AB_MSG_LEN];
  uint32_t n_devices;
  ab_probed_device *devices; /* n_devices entries once probed (owned) */
  void *reported;            /* the strings `table` points to when a worker probed it (owned) */
} ab_loaded_backend;

/* A module file that was found but not used because an earlier one has its name. */
typedef struct ab_shadowed_module {
  char path[1024];
  char name[32];
  size_t used;    /* index in the set's items of the module used in its place */
  bool same_file; /* same file name as the one used, later in the search path: never
                     loaded. Otherwise a different file whose table gives the same backend
                     name: it was loaded and probed, then set aside */
} ab_shadowed_module;

typedef struct ab_backend_set {
  ab_loaded_backend *items;
  size_t n;
  ab_shadowed_module *shadowed;
  size_t n_shadowed;
} ab_backend_set;

/* Environment variable with extra module directories (colon-separated), searched first. */
#define AB_BACKEND_PATH_ENV "ACCELBENCH_BACKEND_PATH"

/* How discovery runs: in discovery workers (self_exe set), or in this process (NULL). */
typedef struct ab_discovery {
  const char *self_exe; /* the accelbench binary to exec as `__discover` */
  double timeout_s;     /* per module: load + probe + device enumeration */
} ab_discovery;

/* Default per-module limit: generous, since a first driver start-up or kernel-cache build
 * can take tens of seconds, and a refused backend must mean "hung", not "slow". */
#define AB_DISCOVERY_TIMEOUT_S 60.0

/* Check the table an entry function returns and copy it into `out`. On refusal, returns
 * AB_E_ABI or AB_E_INVALID with a message naming `origin` and what is wrong. */
ab_status ab_backend_adopt(ab_backend_entry_fn entry, const char *origin, ab_loaded_backend *out,
                           char *msg);

/* Check the file (module_file.h), dlopen it and adopt its table. */
ab_status ab_backend_load_file(const char *path, ab_loaded_backend *out, char *msg);

/* "…/accelbench-backend-cpu.so" -> "cpu": the name a refused module is listed under. */
void ab_module_stem(const char *path, char *name, size_t len);

/* Called before each step of a probe ("probe", "device_count", "device_info 0", ...). */
typedef void (*ab_probe_step_fn)(void *ctx, const char *step);

/* probe(), device_count() and device_info() of each device of a loaded backend; sets
 * enabled, n_devices, devices or the disabled reason. `step` may be NULL. */
void ab_backend_probe(ab_loaded_backend *lb, ab_probe_step_fn step, void *ctx);

/* Device `index` as discovery read it; AB_E_INVALID with the backend's message when its
 * device_info() failed then. */
ab_status ab_backend_device_info(const ab_loaded_backend *lb, uint32_t index, ab_device_info *info,
                                 char *msg);

/* Search $ACCELBENCH_BACKEND_PATH, then this binary's own prefix and the install directory
 * (or, for a binary in the build tree, the build tree only: paths.h), for
 * accelbench-backend-*.so. The first file of a name is used; a later file of the same name
 * is listed in set->shadowed and never loaded; of two files whose tables give the same
 * backend name the first is used and the other is set aside the same way. Each module is
 * loaded, probed and its devices read, in workers when `how` is not NULL. Refused and
 * disabled modules stay in the set with their reason. */
ab_status ab_backends_discover(ab_backend_set *set, const ab_discovery *how, char *msg);

/* File names in `dir` that start with `prefix` and end in ".so", sorted so discovery order
 * is stable (*out and each name malloc'd; backends and power modules alike). */
size_t ab_module_list_dir(const char *dir, const char *prefix, char ***out);

/* The directories searched, in order, for `list` and error messages. */
size_t ab_backend_search_dirs(const char **dirs, size_t max);

/* Release what one backend holds (module handle, device list, reported strings). */
void ab_backend_release(ab_loaded_backend *lb);

void ab_backends_free(ab_backend_set *set);

#endif
