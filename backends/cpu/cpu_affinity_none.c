/* accelbench CPU backend — thread counts without hwloc (AB_WITH_HWLOC=OFF). See
 * cpu_affinity.h: the process stays unbound and every hardware thread counts as a core. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpu_affinity.h"

#define NO_HWLOC "not built with hwloc (AB_WITH_HWLOC=OFF)"

bool ab_cpu_can_pin(void) {
  return false;
}

ab_status ab_cpu_affinity_init(ab_cpu_affinity *aff, char *msg) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  aff->pus = n > 0 ? (unsigned)n : 1;
  (void)msg;
  return AB_OK;
}

void ab_cpu_affinity_fini(ab_cpu_affinity *aff) {
  memset(aff, 0, sizeof *aff);
}

unsigned ab_cpu_pu_count(const ab_cpu_affinity *aff) {
  return aff->pus;
}

/* Which hardware threads share a core is hwloc's knowledge: each counts as one here. */
unsigned ab_cpu_core_count(const ab_cpu_affinity *aff) {
  return aff->pus;
}

ab_status ab_cpu_bind_cores(ab_cpu_affinity *aff, unsigned cores, char *desc, size_t n, char *msg) {
  (void)aff;
  (void)cores;
  snprintf(desc, n, "unbound");
  snprintf(msg, AB_MSG_LEN, "pin=cores: this accelbench was " NO_HWLOC ": use pin=none");
  return AB_E_UNSUPPORTED;
}

void ab_cpu_describe_binding(const ab_cpu_affinity *aff, char *desc, size_t n) {
  snprintf(desc, n, "%u hardware threads, not bound (" NO_HWLOC ")", aff->pus);
}
