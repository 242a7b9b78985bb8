/* accelbench — finding, loading and checking backend modules. Built-in backends and
 * dlopen'ed modules go through the same checks (ab_backend_adopt). */
#ifndef AB_LOADER_H
#define AB_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "accelbench/backend.h"

typedef struct ab_loaded_backend {
  char path[1024];  /* module file, or "built-in" */
  char name[32];    /* table name, or the file's stem for a refused module */
  void *handle;     /* dlopen handle; NULL for built-in or refused */
  ab_backend table; /* the module's table, zero-extended to this harness's size */
  bool loaded;      /* the table passed the ABI checks */
  bool enabled;     /* loaded and probe() said yes */
  char disabled_reason[AB_MSG_LEN];
  uint32_t n_devices;
} ab_loaded_backend;

typedef struct ab_backend_set {
  ab_loaded_backend *items;
  size_t n;
} ab_backend_set;

/* Environment variable with extra module directories (colon-separated), searched first. */
#define AB_BACKEND_PATH_ENV "ACCELBENCH_BACKEND_PATH"

/* Check the table an entry function returns and copy it into `out`. On refusal, returns
 * AB_E_ABI or AB_E_INVALID with a message naming `origin` and what is wrong. */
ab_status ab_backend_adopt(ab_backend_entry_fn entry, const char *origin, ab_loaded_backend *out,
                           char *msg);

/* dlopen one module file and adopt its table. */
ab_status ab_backend_load_file(const char *path, ab_loaded_backend *out, char *msg);

/* Search $ACCELBENCH_BACKEND_PATH, then the build tree, then the install directory, for
 * accelbench-backend-*.so; load each name once (first found wins), probe each, count its
 * devices. Refused and disabled modules stay in the set with their reason. */
ab_status ab_backends_discover(ab_backend_set *set, char *msg);

/* The directories searched, in order, for `list` and error messages. */
size_t ab_backend_search_dirs(const char **dirs, size_t max);

void ab_backends_free(ab_backend_set *set);

#endif
