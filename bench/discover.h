/* accelbench — module discovery in worker processes.
 *
 * Each module file is loaded, probed and its devices read in its own discovery worker
 * (`accelbench __discover MODULE`, started like a case worker: fork + exec, its own
 * process group, fd 3 protocol, a time limit). The worker writes
 *     S load | S probe | S device_count | S device_info N     before each step
 *     R {report}                                               at the end
 * where the report is the module's run-file backend record plus "loaded", "providers"
 * and "devices" (each a run-file device record, or {"error": "..."}). The parent keeps
 * the report and never loads the module; a worker that dies, hangs past the limit or
 * sends no usable report gets its module refused, with the signal or the limit and the
 * step it was in. Up to AB_DISCOVERY_PARALLEL workers run at once, so a module that
 * hangs costs one time limit, not one per module. */
#ifndef AB_DISCOVER_H
#define AB_DISCOVER_H

#include <stddef.h>

#include "loader.h"
#include "model/runfile.h"

#define AB_DISCOVERY_PARALLEL 8

/* Probe paths[0..n) in discovery workers and fill out[i] for each (zeroed by the caller).
 * SIGINT and SIGTERM during discovery kill the workers' process groups first, then take
 * their usual course. */
void ab_discover_isolated(char *const *paths, size_t n, const ab_discovery *how,
                          ab_loaded_backend *out);

/* The worker side: load and probe `path`, reporting on AB_WORKER_FD. Returns 0 when the
 * report was written. */
int ab_discover_worker(const char *path);

/* The run-file record of a backend as discovery left it. */
void ab_backend_record_of(const ab_loaded_backend *lb, ab_backend_record *out);

#endif
