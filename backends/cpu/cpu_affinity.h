/* accelbench CPU backend — thread counts and pinning with hwloc.
 *
 * Shared by the backend module and ab-bare-gemm so both place threads the same way:
 * `pin=cores` binds the whole process to the first N physical cores, one hardware thread
 * (PU) of each, so that N BLAS threads never share a core's SMT siblings.
 *
 * A build without hwloc (AB_WITH_HWLOC=OFF) has cpu_affinity_none.c instead: it knows the
 * hardware threads the process may use but not which share a core, so it counts each as a
 * core, cannot pin (ab_cpu_bind_cores refuses, saying why) and leaves the process unbound.
 */
#ifndef AB_CPU_AFFINITY_H
#define AB_CPU_AFFINITY_H

#include <stdbool.h>
#include <stddef.h>

#include "accelbench/status.h"

#ifdef AB_HAVE_HWLOC
#include <hwloc.h>

typedef struct ab_cpu_affinity {
  hwloc_topology_t topo;
  hwloc_bitmap_t saved; /* process binding before ab_cpu_bind_cores; NULL if untouched */
} ab_cpu_affinity;
#else
typedef struct ab_cpu_affinity {
  unsigned pus; /* hardware threads this process may use; 0 before init */
} ab_cpu_affinity;
#endif

/* Whether ab_cpu_bind_cores can pin here: the default of the `pin` option follows it. */
bool ab_cpu_can_pin(void);

/* Load the topology of the cores this process may use (cgroup limits respected). */
ab_status ab_cpu_affinity_init(ab_cpu_affinity *aff, char *msg);

/* Restore the saved binding, if any, and free everything. Safe on a zeroed struct. */
void ab_cpu_affinity_fini(ab_cpu_affinity *aff);

/* Physical cores and hardware threads (PUs) the process may use; 0 if unknown. */
unsigned ab_cpu_core_count(const ab_cpu_affinity *aff);
unsigned ab_cpu_pu_count(const ab_cpu_affinity *aff);

/* Bind the process (all its threads, present and future) to the first PU of each of the
 * first `cores` cores; `desc` (n bytes) gets a line for the run file. */
ab_status ab_cpu_bind_cores(ab_cpu_affinity *aff, unsigned cores, char *desc, size_t n, char *msg);

/* Describe the process's current binding ("PUs 0-1 (not bound: all allowed)"). */
void ab_cpu_describe_binding(const ab_cpu_affinity *aff, char *desc, size_t n);

#endif
