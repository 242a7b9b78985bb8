/* accelbench CPU backend — thread placement with hwloc. See cpu_affinity.h. */
#include "cpu_affinity.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool ab_cpu_can_pin(void) {
  return true;
}

ab_status ab_cpu_affinity_init(ab_cpu_affinity *aff, char *msg) {
  memset(aff, 0, sizeof *aff);
  if (hwloc_topology_init(&aff->topo) != 0) {
    snprintf(msg, AB_MSG_LEN, "hwloc_topology_init: %s", strerror(errno));
    aff->topo = NULL;
    return AB_E_NOMEM;
  }
  if (hwloc_topology_load(aff->topo) != 0) {
    snprintf(msg, AB_MSG_LEN, "hwloc_topology_load: %s", strerror(errno));
    hwloc_topology_destroy(aff->topo);
    aff->topo = NULL;
    return AB_E_DEVICE;
  }
  return AB_OK;
}

void ab_cpu_affinity_fini(ab_cpu_affinity *aff) {
  if (aff->saved) {
    /* Best effort: the process may have lost access to some PUs meanwhile. */
    (void)hwloc_set_cpubind(aff->topo, aff->saved, HWLOC_CPUBIND_PROCESS);
    hwloc_bitmap_free(aff->saved);
  }
  if (aff->topo)
    hwloc_topology_destroy(aff->topo);
  memset(aff, 0, sizeof *aff);
}

unsigned ab_cpu_pu_count(const ab_cpu_affinity *aff) {
  int n = aff->topo ? hwloc_get_nbobjs_by_type(aff->topo, HWLOC_OBJ_PU) : 0;
  return n > 0 ? (unsigned)n : 0;
}

/* Some VMs report no core objects; each PU then counts as a core of its own. */
static hwloc_obj_type_t core_type(const ab_cpu_affinity *aff) {
  return hwloc_get_nbobjs_by_type(aff->topo, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
}

unsigned ab_cpu_core_count(const ab_cpu_affinity *aff) {
  if (!aff->topo)
    return 0;
  int n = hwloc_get_nbobjs_by_type(aff->topo, core_type(aff));
  return n > 0 ? (unsigned)n : 0;
}

/* One PU (the first) of each of the first `cores` cores. */
static int first_pus(const ab_cpu_affinity *aff, unsigned cores, hwloc_bitmap_t set) {
  hwloc_obj_type_t type = core_type(aff);
  for (unsigned i = 0; i < cores; i++) {
    hwloc_obj_t core = hwloc_get_obj_by_type(aff->topo, type, i);
    if (!core)
      return -1;
    hwloc_obj_t pu =
        type == HWLOC_OBJ_PU
            ? core
            : hwloc_get_obj_inside_cpuset_by_type(aff->topo, core->cpuset, HWLOC_OBJ_PU, 0);
    if (!pu)
      return -1;
    hwloc_bitmap_set(set, pu->os_index);
  }
  return 0;
}

ab_status ab_cpu_bind_cores(ab_cpu_affinity *aff, unsigned cores, char *desc, size_t n, char *msg) {
  ab_status st = AB_OK;
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  hwloc_bitmap_t saved = hwloc_bitmap_alloc();
  char list[96];
  if (!set || !saved) {
    snprintf(msg, AB_MSG_LEN, "hwloc_bitmap_alloc: out of memory");
    st = AB_E_NOMEM;
    goto out;
  }
  if (first_pus(aff, cores, set) != 0) {
    snprintf(msg, AB_MSG_LEN, "pin=cores: the topology has fewer than %u cores", cores);
    st = AB_E_INVALID;
    goto out;
  }
  if (hwloc_get_cpubind(aff->topo, saved, HWLOC_CPUBIND_PROCESS) != 0)
    hwloc_bitmap_copy(saved, hwloc_topology_get_allowed_cpuset(aff->topo));
  hwloc_bitmap_list_snprintf(list, sizeof list, set);
  if (hwloc_set_cpubind(aff->topo, set, HWLOC_CPUBIND_PROCESS) != 0) {
    snprintf(msg, AB_MSG_LEN, "hwloc_set_cpubind(PUs %s, process): %s (use pin=none)", list,
             strerror(errno));
    st = AB_E_DEVICE;
    goto out;
  }
  if (!aff->saved) { /* keep the binding from before the first call, to restore at the end */
    aff->saved = saved;
    saved = NULL;
  }
  snprintf(desc, n, "process bound to PUs %s (one per core, first %u cores)", list, cores);
out:
  hwloc_bitmap_free(set);
  hwloc_bitmap_free(saved);
  return st;
}

void ab_cpu_describe_binding(const ab_cpu_affinity *aff, char *desc, size_t n) {
  hwloc_bitmap_t cur = aff->topo ? hwloc_bitmap_alloc() : NULL;
  char list[96];
  if (!cur || hwloc_get_cpubind(aff->topo, cur, HWLOC_CPUBIND_PROCESS) != 0) {
    snprintf(desc, n, "unknown (hwloc_get_cpubind failed)");
  } else {
    hwloc_bitmap_list_snprintf(list, sizeof list, cur);
    int all = hwloc_bitmap_isincluded(hwloc_topology_get_allowed_cpuset(aff->topo), cur);
    snprintf(desc, n, "PUs %s (%s)", list, all ? "not bound: all allowed PUs" : "bound");
  }
  hwloc_bitmap_free(cur);
}
