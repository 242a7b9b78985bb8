#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kernel.h"
#include "model/kind.h"
#include "model/util.h"

static bool in_list(const char *const *list, size_t n, const char *s) {
  if (n == 0)
    return true;
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i], s) == 0)
      return true;
  return false;
}

static ab_status enumerate(const ab_backend_set *set, ab_plan *plan, char *msg) {
  size_t total = 0;
  for (size_t b = 0; b < set->n; b++)
    if (set->items[b].enabled)
      total += set->items[b].n_devices;
  plan->devices = calloc(total ? total : 1, sizeof *plan->devices);
  plan->device_backend = calloc(total ? total : 1, sizeof *plan->device_backend);
  plan->device_selected = calloc(total ? total : 1, sizeof *plan->device_selected);
  if (!plan->devices || !plan->device_backend || !plan->device_selected) {
    ab_msgf(msg, AB_MSG_LEN, "out of memory");
    return AB_E_NOMEM;
  }
  for (size_t b = 0; b < set->n; b++) {
    const ab_loaded_backend *lb = &set->items[b];
    for (uint32_t i = 0; lb->enabled && i < lb->n_devices; i++) {
      ab_device_record *d = &plan->devices[plan->n_devices];
      char err[AB_MSG_LEN] = "";
      ab_strlcpy(d->backend, lb->name, sizeof d->backend);
      d->index = i;
      d->info.struct_size = sizeof d->info;
      if (ab_backend_device_info(lb, i, &d->info, err) != AB_OK)
        snprintf(d->info.name, sizeof d->info.name, "(device_info failed: %.90s)", err);
      plan->device_backend[plan->n_devices++] = lb;
    }
  }
  return AB_OK;
}

static bool device_matches(const ab_filters *f, const ab_device_record *d) {
  char id[64];
  snprintf(id, sizeof id, "%s:%u", d->backend, d->index);
  return in_list(f->backends, f->n_backends, d->backend) && in_list(f->devices, f->n_devices, id);
}

/* "cpu: openblas, onednn, native; opencl: portable, clblast" for messages. */
static void provider_names(const ab_plan *plan, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t d = 0; d < plan->n_devices && used < len; d++) {
    const ab_loaded_backend *lb = plan->device_backend[d];
    if (d > 0 && plan->device_backend[d - 1] == lb)
      continue; /* one entry per backend, not per device */
    int n = snprintf(buf + used, len - used, "%s%s:", used ? "; " : "", lb->name);
    used += n > 0 ? (size_t)n : 0;
    for (const char *const *p = lb->table.providers; *p && used < len; p++) {
      n = snprintf(buf + used, len - used, "%s %s", p == lb->table.providers ? "" : ",", *p);
      used += n > 0 ? (size_t)n : 0;
    }
  }
  if (!buf[0])
    snprintf(buf, len, "none");
}

/* A filter entry that selects nothing is a user error, not an empty run. */
static ab_status check_filters(const ab_filters *f, const ab_plan *plan, char *msg) {
  for (size_t i = 0; i < f->n_backends; i++) {
    bool hit = false;
    for (size_t d = 0; d < plan->n_devices; d++)
      hit |= strcmp(plan->devices[d].backend, f->backends[i]) == 0;
    if (!hit) {
      ab_msgf(msg, AB_MSG_LEN,
              "--backend %s: no enabled backend of that name has a device "
              "(see 'accelbench list')",
              f->backends[i]);
      return AB_E_INVALID;
    }
  }
  for (size_t i = 0; i < f->n_providers; i++) {
    bool hit = false;
    for (size_t d = 0; d < plan->n_devices; d++)
      for (const char *const *p = plan->device_backend[d]->table.providers; *p; p++)
        hit |= strcmp(*p, f->providers[i]) == 0;
    if (!hit) {
      char offered[256];
      provider_names(plan, offered, sizeof offered);
      ab_msgf(msg, AB_MSG_LEN, "--provider %s: no enabled backend offers it (offered here: %s)",
              f->providers[i], offered);
      return AB_E_INVALID;
    }
  }
  for (size_t i = 0; i < f->n_devices; i++) {
    bool hit = false;
    for (size_t d = 0; d < plan->n_devices; d++) {
      char id[64];
      snprintf(id, sizeof id, "%s:%u", plan->devices[d].backend, plan->devices[d].index);
      hit |= strcmp(id, f->devices[i]) == 0;
    }
    if (!hit) {
      ab_msgf(msg, AB_MSG_LEN,
              "--device %s: no such device (expected BACKEND:INDEX as "
              "'accelbench list' prints it)",
              f->devices[i]);
      return AB_E_INVALID;
    }
  }
  return AB_OK;
}

static ab_status push_case(ab_plan *plan, size_t *cap, ab_planned_case pc) {
  if (plan->n_cases == *cap) {
    *cap = *cap ? *cap * 2 : 64;
    ab_planned_case *grown = realloc(plan->cases, *cap * sizeof *grown);
    if (!grown)
      return AB_E_NOMEM;
    plan->cases = grown;
  }
  plan->cases[plan->n_cases++] = pc;
  return AB_OK;
}

/* Case ids must be unique within a run (journal, resume, comparisons): the same shape
 * and dtype listed twice in one set is a config mistake. */
static ab_status check_repeats(const ab_suite *suite, char *msg) {
  for (size_t i = 0; i < suite->n_cases; i++)
    for (size_t j = i + 1; j < suite->n_cases; j++) {
      const ab_case_spec *a = &suite->cases[i], *b = &suite->cases[j];
      if (strcmp(a->set, b->set) == 0 && a->desc.kind == b->desc.kind &&
          a->desc.dtype == b->desc.dtype && a->desc.out_dtype == b->desc.out_dtype &&
          memcmp(&a->desc.params, &b->desc.params, sizeof a->desc.params) == 0) {
        char shape[96];
        ab_kernel_shape_str(&a->desc, shape, sizeof shape);
        ab_msgf(msg, AB_MSG_LEN, "%s: set '%s' lists %s %s twice (cases %zu and %zu)", suite->path,
                a->set, ab_dtype_name(a->desc.dtype), shape, i + 1, j + 1);
        return AB_E_INVALID;
      }
    }
  return AB_OK;
}

ab_status ab_plan_build(const ab_suite *suite, const ab_backend_set *set, const ab_filters *f,
                        ab_plan *plan, char *msg) {
  memset(plan, 0, sizeof *plan);
  ab_status st = check_repeats(suite, msg);
  if (st == AB_OK)
    st = enumerate(set, plan, msg);
  if (st == AB_OK)
    st = check_filters(f, plan, msg);
  size_t cap = 0;
  /* Device-major order: one device's cases run together, so it is opened once. */
  for (size_t d = 0; st == AB_OK && d < plan->n_devices; d++) {
    const ab_loaded_backend *lb = plan->device_backend[d];
    plan->device_selected[d] =
        device_matches(f, &plan->devices[d]) &&
        in_list((const char *const *)suite->backends, suite->n_backends, lb->name);
    if (!plan->device_selected[d])
      continue;
    for (size_t s = 0; st == AB_OK && s < suite->n_cases; s++) {
      /* A device ceiling measures the device, not a library: one row, default provider.
       * Every other kind runs once per provider (bench/model/kinds/), so no row vanishes. */
      const ab_kind_def *kind = ab_kind_def_of(suite->cases[s].desc.kind);
      bool once = kind && kind->once_per_device;
      for (const char *const *p = lb->table.providers;
           st == AB_OK && *p && !(once && p != lb->table.providers); p++) {
        if (!in_list(f->providers, f->n_providers, *p) ||
            !in_list((const char *const *)suite->providers, suite->n_providers, *p))
          continue;
        st = push_case(plan, &cap, (ab_planned_case){s, d, *p});
        if (st != AB_OK)
          ab_msgf(msg, AB_MSG_LEN, "out of memory while planning");
      }
    }
  }
  return st;
}

void ab_plan_free(ab_plan *plan) {
  free(plan->devices);
  free(plan->device_backend);
  free(plan->device_selected);
  free(plan->cases);
  memset(plan, 0, sizeof *plan);
}
