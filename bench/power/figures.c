/* accelbench — energy figures (net of idle, pJ/FLOP, GFLOP/s per W) and their JSON. The
 * formulas live here and only here, so every report derives them the same way. */
#include <math.h>
#include <string.h>

#include "power_private.h"
#include "sources.h"

double ab_power_avg_watts(double joules, double duration_s) {
  return duration_s > 0 ? joules / duration_s : 0;
}

/* Net power is the difference of two means, each known only to within its standard error;
 * it is a figure only when it stands out of their combined spread (docs/power.md). */
static void net_of_idle(const ab_energy_window *w, const ab_idle_power *idle,
                        ab_energy_figures *f) {
  f->idle_w = f->idle_se_w = f->net_u_w = f->net_j = f->net_avg_w = NAN;
  f->avg_se_w = w->avg_se_w;
  f->has_idle = idle && idle->watts >= 0;
  if (!f->has_idle)
    return;
  f->idle_w = idle->watts;
  f->idle_se_w = idle->se_w;
  f->net_u_w = AB_NET_SIGMAS * hypot(w->avg_se_w, idle->se_w); /* NaN when either is */
  double net_w = w->avg_watts - idle->watts;
  if (isnan(f->net_u_w)) {
    ab_pfmt(f->net_why, sizeof f->net_why,
            "net power uncertainty unknown: fewer than 2 power readings in the window or in "
            "the idle baseline");
    return;
  }
  if (!(net_w > f->net_u_w)) {
    ab_pfmt(f->net_why, sizeof f->net_why,
            "net power within noise: %.4g W net of idle, uncertainty %.4g W (%g standard errors "
            "of the window and idle means combined)",
            net_w, f->net_u_w, AB_NET_SIGMAS);
    return;
  }
  f->net_measurable = true;
  f->net_avg_w = net_w;
  f->net_j = w->joules - idle->watts * w->duration_s;
}

void ab_power_figures(const ab_energy_window *w, const ab_idle_power *idle,
                      const ab_window_work *work, ab_energy_figures *f) {
  double flops = work->flops, bytes = work->bytes, tokens = work->tokens;
  memset(f, 0, sizeof *f);
  f->gross_j = w->joules;
  f->avg_w = w->avg_watts;
  net_of_idle(w, idle, f);
  /* Energy per operation: joules / operations, in picojoules. Performance per watt:
   * (operations / seconds) / watts = operations / joules, in GFLOP/s per W. */
  bool fl = flops > 0 && w->joules > 0;
  f->pj_per_flop = fl ? w->joules / flops * 1e12 : NAN;
  f->gflops_per_w = fl ? flops / w->joules * 1e-9 : NAN;
  bool net_ok = fl && f->net_measurable && f->net_j > 0;
  f->net_pj_per_flop = net_ok ? f->net_j / flops * 1e12 : NAN;
  f->net_gflops_per_w = net_ok ? flops / f->net_j * 1e-9 : NAN;
  bool by = bytes > 0 && w->joules > 0;
  f->pj_per_byte = by ? w->joules / bytes * 1e12 : NAN;
  f->gbytes_per_s_per_w = by ? bytes / w->joules * 1e-9 : NAN;
  /* Energy per token: what a decoder layer (or a whole model step) costs per token. */
  bool tk = tokens > 0 && w->joules > 0;
  f->j_per_token = tk ? w->joules / tokens : NAN;
  f->net_j_per_token = tk && f->net_measurable && f->net_j > 0 ? f->net_j / tokens : NAN;
}

static void set_num(json_t *j, const char *key, double v) {
  if (isfinite(v))
    json_object_set_new(j, key, json_real(v));
}

static json_t *timeline_json(const ab_energy_window *w) {
  json_t *t = json_array(), *p = json_array();
  for (uint32_t i = 0; i < w->n_points; i++) {
    json_array_append_new(t, json_real(w->timeline[i].t_s));
    json_array_append_new(p, json_real(w->timeline[i].watts));
  }
  return json_pack("{s:o, s:o}", "t_s", t, "w", p);
}

static json_t *facts_json(const ab_power_fact *f, uint32_t n) {
  json_t *o = json_object();
  for (uint32_t i = 0; i < n; i++)
    if (f[i].key[0])
      json_object_set_new(o, f[i].key, json_string(f[i].value));
  return o;
}

/* Power ABI 1.2 extras: what the source read at the edges, and the device's other
 * processes (docs/power.md, "Window facts"; docs/measurement.md, "Interference"). */
static void extras_json(json_t *j, const ab_energy_window *w) {
  if (w->has_facts) {
    json_t *facts = json_pack("{s:o,s:o}", "before", facts_json(w->facts_before, w->n_facts_before),
                              "after", facts_json(w->facts_after, w->n_facts_after));
    if (w->facts_error[0])
      json_object_set_new(facts, "error", json_string(w->facts_error));
    json_object_set_new(j, "window_facts", facts);
  }
  if (!w->procs_measured && !w->procs_error[0])
    return;
  json_t *procs = json_object(), *list = json_array();
  for (uint32_t i = 0; i < w->n_procs; i++)
    json_array_append_new(
        list, json_pack("{s:I,s:s}", "pid", (json_int_t)w->procs[i].pid, "name", w->procs[i].name));
  json_object_set_new(procs, "count", json_integer(w->n_procs));
  json_object_set_new(procs, "processes", list);
  if (w->procs_error[0])
    json_object_set_new(procs, "error", json_string(w->procs_error));
  json_object_set_new(j, "device_processes", procs);
}

json_t *ab_power_window_json(const ab_energy_window *w, const ab_energy_figures *f) {
  json_t *j = json_object();
  json_object_set_new(j, "source", json_string(w->source));
  json_object_set_new(j, "scope", json_string(ab_power_scope_name(w->scope)));
  json_object_set_new(j, "covers", json_string(w->covers));
  json_object_set_new(j, "kind", json_string(ab_power_kind_name(w->kind)));
  json_object_set_new(j, "method", json_string(w->method ? w->method : ""));
  json_object_set_new(j, "valid", json_boolean(w->valid));
  json_object_set_new(j, "duration_s", json_real(w->duration_s));
  json_object_set_new(j, "n_samples", json_integer(w->n_samples));
  json_object_set_new(j, "poll_interval_s", json_real(w->poll_interval_s));
  json_object_set_new(j, "max_gap_s", json_real(w->max_gap_s));
  json_object_set_new(j, "read_errors", json_integer(w->read_errors));
  if (w->kind == AB_POWER_KIND_ENERGY_COUNTER) {
    json_object_set_new(j, "wraps", json_integer(w->wraps));
    json_object_set_new(j, "resets", json_integer(w->resets));
  }
  if (w->wrap_power_from) { /* what the reads were checked against (docs/power.md) */
    json_object_set_new(j, "wrap_safe_period_s", json_real(w->wrap_safe_s));
    json_object_set_new(j, "wrap_power_w", json_real(w->wrap_power_w));
    json_object_set_new(j, "wrap_power_from", json_string(w->wrap_power_from));
  }
  extras_json(j, w);
  if (!w->valid) {
    /* No number for an invalid window: a reader must not rank what was not measured. */
    json_object_set_new(j, "invalid_reason", json_string(w->invalid_reason));
    return j;
  }
  set_num(j, "energy_j", f->gross_j);
  set_num(j, "avg_w", f->avg_w);
  set_num(j, "peak_w", w->peak_watts);
  set_num(j, "avg_se_w", f->avg_se_w);
  if (f->has_idle) {
    set_num(j, "idle_w", f->idle_w);
    set_num(j, "idle_se_w", f->idle_se_w);
    set_num(j, "net_uncertainty_w", f->net_u_w);
    set_num(j, "net_energy_j", f->net_j);
    set_num(j, "net_avg_w", f->net_avg_w);
    if (!f->net_measurable) /* never a net figure out of noise: the reason instead */
      json_object_set_new(j, "net_not_measurable", json_string(f->net_why));
  } else {
    json_object_set_new(j, "net_not_measured", json_string("no valid idle baseline"));
  }
  set_num(j, "pj_per_flop", f->pj_per_flop);
  set_num(j, "net_pj_per_flop", f->net_pj_per_flop);
  set_num(j, "gflops_per_w", f->gflops_per_w);
  set_num(j, "net_gflops_per_w", f->net_gflops_per_w);
  set_num(j, "pj_per_byte", f->pj_per_byte);
  set_num(j, "gbytes_per_s_per_w", f->gbytes_per_s_per_w);
  set_num(j, "j_per_token", f->j_per_token);
  set_num(j, "net_j_per_token", f->net_j_per_token);
  json_object_set_new(j, "timeline", timeline_json(w));
  return j;
}

void ab_power_strip_efficiency(json_t *power) {
  /* Every figure per unit of work; energy and watts stay (they were measured). A new
   * per-work figure in ab_power_window_json belongs in this list too. */
  static const char *const keys[] = {
      "gflops_per_w", "net_gflops_per_w", "pj_per_flop",        "net_pj_per_flop",
      "pj_per_byte",  "net_pj_per_byte",  "gbytes_per_s_per_w", "net_gbytes_per_s_per_w",
      "j_per_token",  "net_j_per_token"};
  json_t *sources = json_object_get(power, "sources"), *src;
  size_t i;
  json_array_foreach(sources, i, src) {
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
      json_object_del(src, keys[k]);
  }
}

json_t *ab_power_case_json(const ab_power_registry *reg, const ab_energy_window *w, size_t n,
                           const ab_window_work *work) {
  if (n == 0)
    return json_pack("{s:s}", "not_measured", ab_power_registry_none_reason(reg));
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    ab_energy_figures f;
    ab_idle_power idle = ab_power_idle(reg, w[i].channel);
    ab_power_figures(&w[i], &idle, work, &f);
    json_array_append_new(arr, ab_power_window_json(&w[i], &f));
  }
  return json_pack("{s:o}", "sources", arr);
}
