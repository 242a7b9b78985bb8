/* accelbench — loadable power modules (accelbench-power-<name>.so, include/accelbench/power.h).
 *
 * They are found where backend modules are (ab_backend_search_dirs: $ACCELBENCH_BACKEND_PATH,
 * the build tree, the install directory; the first file of a name is used), checked as
 * ELF files (module_file.h), and loaded and probed first in a discovery worker
 * (`accelbench __discover-power MODULE [KEY=VALUE...]`, isolated like backend discovery:
 * its own process group, a time limit). A module whose worker crashes, hangs or refuses
 * its table is listed as refused with the reason; one that passes is then loaded here and
 * adopted by the power registry through the same checks and code path as a built-in
 * source (ab_power_registry_create_with). A case worker gets the parent's vetted paths
 * (--power-module) and loads them without a second isolated probe. */
#ifndef AB_POWER_MODULES_H
#define AB_POWER_MODULES_H

#include <stddef.h>

#include "loader.h"
#include "power/sampler.h"

#define AB_POWER_MODULE_PREFIX "accelbench-power-"

typedef struct ab_power_module_set {
  ab_power_module *items;
  void **handles; /* dlopen handles of the adopted modules (NULL for refused ones) */
  size_t n;
} ab_power_module_set;

/* Find every power module, probe each in a discovery worker (`how` not NULL) or in this
 * process (NULL), load the ones that passed, and create the registry with them and the
 * built-in sources. `options` go to every probe and to the registry. On error (a bad
 * option) nothing is left allocated. */
ab_status ab_power_discover_registry(const ab_option *options, size_t n_options,
                                     const ab_discovery *how, ab_power_registry **reg,
                                     ab_power_module_set *mods, char *msg);

/* A case worker's registry: the modules the parent adopted (`paths`), loaded here. */
ab_status ab_power_worker_registry(const ab_option *options, size_t n_options,
                                   const char *const *paths, size_t n_paths,
                                   ab_power_registry **reg, ab_power_module_set *mods, char *msg);

/* Free the registry first: its sources point into the modules. */
void ab_power_modules_free(ab_power_module_set *mods);

/* The worker side of the isolated probe: load, check and probe `path` with `options`,
 * reporting on AB_WORKER_FD ("S step" lines, then "R {report}"). Returns 0 when the report
 * was written. */
int ab_power_discover_worker(const char *path, const ab_option *options, size_t n_options);

#endif
