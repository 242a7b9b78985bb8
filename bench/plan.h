/* accelbench — the plan: suite cases expanded over devices and providers. */
#ifndef AB_PLAN_H
#define AB_PLAN_H

#include "loader.h"
#include "model/runfile.h"
#include "suite.h"

/* Filters from the command line; empty lists select everything. */
typedef struct ab_filters {
  const char **backends; /* "cpu" */
  size_t n_backends;
  const char **devices; /* "cpu:0" */
  size_t n_devices;
  const char **providers; /* "onednn" */
  size_t n_providers;
} ab_filters;

typedef struct ab_planned_case {
  size_t spec;   /* index into suite->cases */
  size_t device; /* index into plan->devices */
  const char *provider;
} ab_planned_case;

typedef struct ab_plan {
  ab_device_record *devices; /* every device found, selected or not */
  const ab_loaded_backend **device_backend;
  bool *device_selected;
  size_t n_devices;
  ab_planned_case *cases;
  size_t n_cases;
} ab_plan;

/* Enumerate devices of the enabled backends and expand the suite over the selected ones.
 * Fails (AB_E_INVALID, message naming the filter) when a filter matches nothing. */
ab_status ab_plan_build(const ab_suite *suite, const ab_backend_set *set, const ab_filters *f,
                        ab_plan *plan, char *msg);
void ab_plan_free(ab_plan *plan);

#endif
