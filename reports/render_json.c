/* accelbench — the JSON report (report.json): the report model as data — subjects with
 * their catalogue entry and measured ceilings, every case with its derived figures, cost
 * of ownership with its inputs, and the warnings. Derived from run files; the run files
 * remain the source of truth. null = not measured / not applicable. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "model/kernel.h"
#include "model/names.h"
#include "render_tender.h"
#include "report.h"

#define AB_REPORT_JSON_VERSION 1

static json_t *num(double v) {
  return isfinite(v) ? json_real(v) : json_null();
}

static json_t *str(const char *s) {
  return ab_report_json_text(s);
}

/* Appends, and remembers a failure: a report with a record missing is not written. */
static void push(json_t *arr, json_t *v, bool *ok) {
  if (!v || json_array_append_new(arr, v) != 0)
    *ok = false;
}

static json_t *dtype_map(const double *v) {
  json_t *o = json_object();
  for (int t = 1; t < AB_DTYPE_COUNT; t++)
    if (isfinite(v[t]))
      json_object_set_new(o, ab_dtype_name((ab_dtype)t), json_real(v[t]));
  return o;
}

static json_t *catalog_json(const ab_catalog_entry *e) {
  if (!e)
    return json_null();
  return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
                   str(e->id), "vendor", str(e->vendor), "model", str(e->model), "country",
                   str(e->country), "procurement_list", str(e->procurement_list), "unit_price",
                   num(e->unit_price), "currency", str(e->currency), "tdp_w_spec_sheet",
                   num(e->tdp_w), "peak_tflops_spec_sheet", dtype_map(e->peak_tflops), "memory_gib",
                   num(e->memory_gib), "memory_bw_gbs", num(e->memory_bw_gbs), "sources",
                   str(e->sources), "file", str(e->file));
}

static json_t *subject_json(const ab_report *rep, const ab_report_subject *s) {
  json_t *best = json_object();
  for (int t = 1; t < AB_DTYPE_COUNT; t++)
    if (s->best_gemm[t] != SIZE_MAX)
      json_object_set_new(best, ab_dtype_name((ab_dtype)t),
                          str(rep->rows[s->best_gemm[t]].c->case_id));
  json_t *counts = json_object();
  for (int k = 0; k < AB_CASE_STATUS_COUNT; k++)
    json_object_set_new(counts, ab_case_status_name((ab_case_status)k),
                        json_integer((json_int_t)s->n_status[k]));
  return json_pack("{s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
                   "s:o, s:o}",
                   "label", str(s->label), "run_file", str(rep->inputs[s->input].path), "backend",
                   str(s->backend), "device_index", (json_int_t)s->device_index, "device_uid",
                   str(s->device_uid), "device_name", str(s->device_name), "provider",
                   str(s->provider), "host", str(s->host), "catalog", catalog_json(s->catalog),
                   "catalog_match", str(s->catalog_why), "measured_peak_gflops",
                   dtype_map(s->measured_peak_gflops), "measured_membw_gbs",
                   num(s->measured_membw_gbs), "idle_w", num(s->idle_w), "idle_scope",
                   str(s->idle_ref.scope), "best_gemm_case", best, "status_counts", counts);
}

static json_t *power_json(const ab_report_row *r) {
  const ab_report_power *p = &r->power;
  if (!p->measured)
    return json_pack("{s:o}", "not_measured", str(p->not_measured));
  json_t *j = json_pack(
      "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
      "s:o, s:o}",
      "source", str(p->ref.source), "scope", str(p->ref.scope), "covers", str(p->ref.covers),
      "avg_w", num(p->avg_w), "peak_w", num(p->peak_w), "energy_j", num(p->energy_j), "idle_w",
      num(p->idle_w), "net_avg_w", num(p->net_avg_w), "net_energy_j", num(p->net_energy_j),
      "gflops_per_w", num(p->gflops_per_w), "net_gflops_per_w", num(p->net_gflops_per_w),
      "pj_per_flop", num(p->pj_per_flop), "net_pj_per_flop", num(p->net_pj_per_flop),
      "gbytes_per_s_per_w", num(p->gbytes_per_s_per_w), "pj_per_byte", num(p->pj_per_byte),
      "j_per_token", num(p->j_per_token), "net_j_per_token", num(p->net_j_per_token));
  json_object_set_new(j, "net_uncertainty_w", num(p->net_uncertainty_w));
  json_object_set_new(j, "net_not_measurable",
                      p->net_not_measurable[0] ? str(p->net_not_measurable) : json_null());
  return j;
}

static json_t *row_json(const ab_report *rep, const ab_report_row *r) {
  char key[256];
  ab_report_kernel_key(r->c, key, sizeof key);
  double m, lo, hi;
  const char *unit = ab_report_rate(r, &m, &lo, &hi);
  json_t *rate = json_pack("{s:s, s:o, s:o, s:o}", "unit", unit, "median", num(m), "ci95_lo",
                           num(lo), "ci95_hi", num(hi));
  json_t *latency = json_pack("{s:o, s:o, s:o}", "p5", num(r->t_p5), "median", num(r->t_median),
                              "p95", num(r->t_p95));
  return json_pack("{s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}", "subject",
                   str(rep->subjects[r->subject].label), "case_id", str(r->c->case_id),
                   "kernel_key", str(key), "status", ab_case_status_name(r->c->status), "reason",
                   str(r->c->reason), "implementation", str(r->c->implementation), "rate", rate,
                   "time_s", latency, "eff_vs_spec", num(r->eff_spec), "eff_vs_measured",
                   num(r->eff_measured), "power", power_json(r), "clock_fell", r->clock_fell);
}

static json_t *cost_inputs_json(const ab_cost_inputs *c) {
  return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "file", str(c->file), "currency",
                   str(c->currency), "electricity_per_kwh", num(c->electricity_per_kwh),
                   "subsidy_fraction", num(c->subsidy_fraction), "pue", num(c->pue), "years",
                   num(c->years), "utilisation", num(c->utilisation));
}

static json_t *cost_json(const ab_report *rep, const ab_report_cost *c) {
  const ab_cost_result *r = &c->r;
  return json_pack(
      "{s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "subject",
      str(rep->subjects[c->subject].label), "dtype", ab_dtype_name(c->dtype), "case_id",
      str(rep->rows[c->row].c->case_id), "unit_price", num(c->unit_price), "unit_price_note",
      str(c->price_why), "energy_kwh_per_year", num(r->energy_kwh_per_year), "energy_cost_per_year",
      num(r->energy_cost_per_year), "capex", num(r->capex), "total_cost", num(r->total_cost),
      "work_unit", ab_report_work_unit(rep->rows[c->row].c), "work_per_life", num(r->work_per_life),
      "cost_per_peta_unit", num(r->cost_per_unit), "capex_per_peta_unit", num(r->capex_per_unit),
      "not_available", str(r->missing), "power_scope", str(rep->rows[c->row].power.ref.scope));
}

/* The bundle's verification; null when the CLI did not check it. */
static json_t *trust_json(const ab_trust *t) {
  if (t->state == AB_TRUST_NOT_CHECKED)
    return json_null();
  return json_pack("{s:s, s:o, s:o}", "state", ab_trust_state_name(t->state), "key",
                   t->key[0] ? str(t->key) : json_null(), "why",
                   t->why[0] ? str(t->why) : json_null());
}

/* Backend modules with their provenance (path, ABI, size, SHA-256), as the run file has
 * them. */
static json_t *backends_json(const ab_run *run) {
  json_t *a = json_array();
  bool ok = a != NULL;
  for (size_t b = 0; b < run->n_backends && ok; b++)
    push(a, ab_backend_to_json(&run->backends[b]), &ok);
  if (!ok) {
    json_decref(a);
    return NULL;
  }
  return a;
}

static json_t *inputs_json(const ab_report *rep) {
  json_t *a = json_array();
  bool ok = a != NULL;
  for (size_t i = 0; i < rep->n_inputs && ok; i++) {
    const ab_run *run = &rep->inputs[i].run;
    push(a,
         json_pack("{s:o, s:o, s:o, s:o, s:b, s:I, s:o, s:o}", "path", str(rep->inputs[i].path),
                   "harness_version", str(run->harness_version), "suite", str(run->suite_name),
                   "started_utc", str(run->started_utc), "complete", run->complete, "cases",
                   (json_int_t)run->n_cases, "verification", trust_json(&rep->inputs[i].trust),
                   "backends", backends_json(run)),
         &ok);
  }
  if (!ok) {
    json_decref(a);
    return NULL;
  }
  return a;
}

static json_t *report_json(const ab_report *rep) {
  json_t *subjects = json_array(), *rows = json_array(), *warnings = json_array();
  bool ok = subjects && rows && warnings;
  for (size_t i = 0; i < rep->n_subjects && ok; i++)
    push(subjects, subject_json(rep, &rep->subjects[i]), &ok);
  for (size_t i = 0; i < rep->n_rows && ok; i++)
    push(rows, row_json(rep, &rep->rows[i]), &ok);
  for (size_t i = 0; i < rep->n_warnings && ok; i++)
    push(warnings, str(rep->warnings[i]), &ok);
  json_t *cost = json_null();
  if (rep->have_cost && ok) {
    json_t *results = json_array();
    for (size_t i = 0; i < rep->n_costs && results && ok; i++)
      push(results, cost_json(rep, &rep->costs[i]), &ok);
    cost = json_pack("{s:o, s:o}", "inputs", cost_inputs_json(&rep->cost), "results", results);
  }
  json_t *runs = inputs_json(rep);
  json_t *tender = ab_tender_json(rep);
  if (!ok || !cost || !runs || !tender) {
    json_decref(tender);
    json_decref(subjects);
    json_decref(rows);
    json_decref(warnings);
    json_decref(cost);
    json_decref(runs);
    return NULL;
  }
  return json_pack("{s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:o}", "schema", "accelbench-report",
                   "schema_version", AB_REPORT_JSON_VERSION, "tender_compliance", tender,
                   "run_files", runs, "warnings", warnings, "subjects", subjects, "cases", rows,
                   "cost_of_ownership", cost);
}

ab_status ab_report_write_json(const ab_report *rep, FILE *out) {
  json_t *j = report_json(rep);
  if (!j)
    return AB_E_NOMEM;
  int rc = json_dumpf(j, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
  json_decref(j);
  fputc('\n', out);
  return rc == 0 && !ferror(out) ? AB_OK : AB_E_IO;
}
