#include "cli_plan.h"

#include <stdlib.h>
#include <string.h>

#include "model/kernel.h"
#include "model/names.h"
#include "model/util.h"
#include "table.h"

double ab_case_budget_s(const ab_measure_opts *m) {
  double sampled = (double)m->min_samples * m->sample_min_s;
  return m->warmup_s + (sampled > m->time_cap_s ? sampled : m->time_cap_s);
}

void ab_duration_str(double s, char *buf, size_t len) {
  long t = s > 0.0 ? (long)(s + 0.5) : 0;
  if (t >= 3600)
    snprintf(buf, len, "%ldh%02ldm", t / 3600, t / 60 % 60);
  else if (t >= 60)
    snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
  else
    snprintf(buf, len, "%lds", t);
}

enum { P_DEVICE, P_PROVIDER, P_KIND, P_DTYPE, P_SET, P_SHAPE, P_BUDGET, P_COLS };

static const ab_table_col plan_cols[P_COLS] = {
    [P_DEVICE] = {"device", 6, 3, false}, [P_PROVIDER] = {"provider", 6, 2, false},
    [P_KIND] = {"kind", 4, 4, false},     [P_DTYPE] = {"dtype", 4, 5, false},
    [P_SET] = {"set", 6, 0, false},       [P_SHAPE] = {"shape", 10, 1, false},
    [P_BUDGET] = {"<= s", 4, 6, true},
};

typedef struct plan_text {
  char device[48], shape[96], budget[16];
} plan_text;

static void plan_table(FILE *out, const ab_plan *plan, const ab_suite *suite, double per_case,
                       size_t width) {
  plan_text *text = calloc(plan->n_cases ? plan->n_cases : 1, sizeof *text);
  const char **cells = calloc(plan->n_cases * P_COLS + 1, sizeof *cells);
  for (size_t i = 0; text && cells && i < plan->n_cases; i++) {
    const ab_planned_case *pc = &plan->cases[i];
    const ab_case_spec *spec = &suite->cases[pc->spec];
    const char **row = cells + i * P_COLS;
    snprintf(text[i].device, sizeof text[i].device, "%s:%u", plan->devices[pc->device].backend,
             plan->devices[pc->device].index);
    ab_kernel_shape_str(&spec->desc, text[i].shape, sizeof text[i].shape);
    snprintf(text[i].budget, sizeof text[i].budget, "%.3g", per_case);
    row[P_DEVICE] = text[i].device;
    row[P_PROVIDER] = pc->provider;
    row[P_KIND] = ab_kernel_kind_name(spec->desc.kind);
    row[P_DTYPE] = ab_dtype_name(spec->desc.dtype);
    row[P_SET] = spec->set;
    row[P_SHAPE] = text[i].shape;
    row[P_BUDGET] = text[i].budget;
  }
  if (text && cells)
    ab_table_print(out, plan_cols, P_COLS, cells, plan->n_cases, width);
  free(text);
  free(cells);
}

void ab_plan_print(FILE *out, const ab_plan *plan, const ab_suite *suite, size_t width) {
  double per_case = ab_case_budget_s(&suite->measure);
  char total[32];
  fprintf(out, "suite %s (%s): %zu cases\n", suite->name, suite->path, plan->n_cases);
  for (size_t d = 0; d < plan->n_devices; d++) {
    size_t n = 0;
    for (size_t i = 0; i < plan->n_cases; i++)
      n += plan->cases[i].device == d;
    ab_duration_str((double)n * per_case, total, sizeof total);
    fprintf(out, "  %s:%u %s: %s\n", plan->devices[d].backend, plan->devices[d].index,
            plan->devices[d].info.name,
            !plan->device_selected[d] ? "not selected"
            : n                       ? total
                                      : "no cases");
  }
  fputc('\n', out);
  plan_table(out, plan, suite, per_case, width);
  ab_duration_str((double)plan->n_cases * per_case, total, sizeof total);
  fprintf(out,
          "\nestimate: at most %s of warm-up and timing (%zu cases x %.3g s: warm-up %.3g s + "
          "max(time cap %.3g s, %u samples x %.3g s)).\n"
          "It is an upper bound for kernels faster than one sample; setup, data generation and "
          "validation come on top, and unsupported cases end at once.\n",
          total, plan->n_cases, per_case, suite->measure.warmup_s, suite->measure.time_cap_s,
          suite->measure.min_samples, suite->measure.sample_min_s);
}

/* ---- -O keys ------------------------------------------------------------------------- */

static bool backend_takes(const ab_loaded_backend *lb, const char *key, size_t key_len) {
  for (const char *const *k = lb->table.option_keys; k && *k; k++)
    if (strlen(*k) == key_len && strncmp(*k, key, key_len) == 0)
      return true;
  return false;
}

/* The distinct backends of the selected devices, in plan order (at most `max`). */
static size_t planned_backends(const ab_plan *plan, const ab_loaded_backend **out, size_t max) {
  size_t n = 0;
  for (size_t d = 0; d < plan->n_devices; d++) {
    if (!plan->device_selected[d])
      continue;
    size_t k = 0;
    while (k < n && out[k] != plan->device_backend[d])
      k++;
    if (k == n && n < max)
      out[n++] = plan->device_backend[d];
  }
  return n;
}

static void valid_keys(const ab_loaded_backend *const *b, size_t n, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < len; i++) {
    used += (size_t)snprintf(buf + used, len - used, "%s%s:", i ? "; " : "", b[i]->name);
    for (const char *const *k = b[i]->table.option_keys; *k && used < len; k++)
      used += (size_t)snprintf(buf + used, len - used, " %s", *k);
    if (!b[i]->table.option_keys[0] && used < len) /* declares that it reads none */
      used += (size_t)snprintf(buf + used, len - used, " (none)");
  }
}

ab_status ab_check_option_keys(const ab_plan *plan, const char *const *kv, size_t n, FILE *warn,
                               char *msg) {
  const ab_loaded_backend *b[64];
  size_t nb = planned_backends(plan, b, 64), declaring = 0;
  for (size_t i = 0; i < nb; i++) {
    if (b[i]->table.option_keys)
      declaring++;
    else if (n && warn)
      fprintf(warn,
              "accelbench: warning: backend %s does not declare its option keys (backend ABI "
              "1.4); -O keys are passed to it unchecked\n",
              b[i]->name);
  }
  if (declaring < nb || nb == 0)
    return AB_OK; /* a backend that does not say may take any key */
  for (size_t i = 0; i < n; i++) {
    const char *eq = strchr(kv[i], '=');
    size_t key_len = eq ? (size_t)(eq - kv[i]) : strlen(kv[i]);
    bool taken = false;
    for (size_t k = 0; k < nb && !taken; k++)
      taken = backend_takes(b[k], kv[i], key_len);
    if (!taken) {
      char keys[AB_MSG_LEN / 2];
      valid_keys(b, nb, keys, sizeof keys);
      ab_msgf(msg, AB_MSG_LEN, "-O %s: no backend of this run takes option '%.*s' (valid keys: %s)",
              kv[i], (int)key_len, kv[i], keys);
      return AB_E_INVALID;
    }
  }
  return AB_OK;
}

/* ---- progress ------------------------------------------------------------------------ */

void ab_progress_format(char *buf, size_t len, size_t done, size_t total, size_t done_here,
                        double elapsed_s, double budget_s, const char *label, size_t width) {
  char el[16], eta[16], line[512];
  size_t left = total > done ? total - done : 0;
  double per_case = done_here ? elapsed_s / (double)done_here : budget_s;
  ab_duration_str(elapsed_s, el, sizeof el);
  ab_duration_str(per_case * (double)left, eta, sizeof eta);
  snprintf(line, sizeof line, "[%zu/%zu %s, ETA %s%s] %s", done + (left ? 1 : 0), total, el,
           done_here ? "" : "<= ", eta, label);
  ab_text_fit(line, width ? width - 1 : sizeof line, buf, len);
}
