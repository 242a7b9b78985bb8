/* accelbench — the report model (report.h): run files in, every derived figure out.
 * Renderers only format what is computed here, so a number means the same in every
 * format (docs/reports.md). */
#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "model/kernel.h"
#include "model/kind.h"
#include "model/names.h"
#include "render_tender.h"

/* ---------------------------------------------------------------------------------------
 * Keys and rates
 * ------------------------------------------------------------------------------------- */

void ab_report_kernel_key(const ab_case_result *c, char *buf, size_t len) {
  char shape[160];
  ab_kernel_shape_str(&c->desc, shape, sizeof shape);
  const char *in = c->desc.dtype ? ab_dtype_name(c->desc.dtype) : "-";
  const char *out = c->desc.out_dtype ? ab_dtype_name(c->desc.out_dtype) : "-";
  snprintf(buf, len, "%s %s->%s %s", ab_kernel_kind_name(c->desc.kind), in, out, shape);
}

void ab_report_case_key(const ab_case_result *c, char *buf, size_t len) {
  char kernel[256];
  ab_report_kernel_key(c, kernel, sizeof kernel);
  /* The uid identifies a device across runs on one machine; the index is the fallback for
   * backends that report none. */
  if (c->device_uid[0])
    snprintf(buf, len, "%s/%s/%s/%s", c->backend, c->device_uid, c->provider, kernel);
  else
    snprintf(buf, len, "%s/#%u/%s/%s", c->backend, c->device_index, c->provider, kernel);
}

/* How a kind is reported, from its table (bench/model/kinds/); FLOP/s for a kind this
 * reader has no table for and that carries FLOPs. */
static ab_metric metric_of(ab_kernel_kind k) {
  const ab_kind_def *def = ab_kind_def_of(k);
  return def ? def->metric : AB_METRIC_FLOPS;
}

static bool measures_ceiling(ab_kernel_kind k, ab_bound b) {
  const ab_kind_def *def = ab_kind_def_of(k);
  return def && def->measures_ceiling && def->bound == b;
}

static bool counts_flops(ab_kernel_kind k) {
  return metric_of(k) == AB_METRIC_FLOPS;
}

/* Integer kernels count operations, not floating-point ones: their rate is GOP/s. */
static bool integer_ops(const ab_case_result *c) {
  return c->desc.dtype == AB_DTYPE_I8 || c->desc.dtype == AB_DTYPE_I32;
}

static const char *rate_unit(const ab_case_result *c) {
  if (metric_of(c->desc.kind) == AB_METRIC_LATENCY)
    return "calls/s";
  if (metric_of(c->desc.kind) == AB_METRIC_TOKENS) /* decoder: the layer's tokens per call */
    return "tokens/s";
  if (!counts_flops(c->desc.kind) || !(c->flops > 0))
    return "GB/s";
  return integer_ops(c) ? "GOP/s" : "GFLOP/s";
}

const char *ab_report_work_unit(const ab_case_result *c) {
  if (!counts_flops(c->desc.kind) || !(c->flops > 0))
    return "B";
  return integer_ops(c) ? "op" : "FLOP";
}

/* 1 / time, for latency kernels: their rate is calls per second. */
static double per_call(double t) {
  return t > 0 && isfinite(t) ? 1.0 / t : NAN;
}

const char *ab_report_rate(const ab_report_row *r, double *median, double *lo, double *hi) {
  const ab_case_result *c = r->c;
  const char *unit = rate_unit(c);
  *median = *lo = *hi = NAN;
  if (c->status != AB_CASE_OK)
    return unit;
  const ab_case_rates *x = &r->rates;
  if (metric_of(c->desc.kind) == AB_METRIC_LATENCY) {
    /* A rate falls as time rises: the interval's ends swap. */
    *median = per_call(c->time_s.median);
    *lo = per_call(c->time_s.median_ci95_hi);
    *hi = per_call(c->time_s.median_ci95_lo);
  } else if (metric_of(c->desc.kind) == AB_METRIC_TOKENS) {
    double tokens = ab_kernel_tokens(&c->desc); /* per call, from the kind's table */
    *median = tokens * per_call(c->time_s.median);
    *lo = tokens * per_call(c->time_s.median_ci95_hi);
    *hi = tokens * per_call(c->time_s.median_ci95_lo);
  } else if (strcmp(unit, "GB/s") == 0) {
    *median = x->gbytes_per_s_median;
    *lo = x->gbytes_per_s_ci95_lo;
    *hi = x->gbytes_per_s_ci95_hi;
  } else {
    *median = x->gflops_median;
    *lo = x->gflops_ci95_lo;
    *hi = x->gflops_ci95_hi;
  }
  /* With fewer than AB_MIN_CI_SAMPLES samples no order statistics bound the median at 95%:
   * what the stats hold then is the sample range (one sample: zero width), which must not
   * pass for an interval that separates a change from noise. */
  if (c->time_s.n < AB_MIN_CI_SAMPLES || !(*lo <= *median && *median <= *hi))
    *lo = *hi = NAN;
  return unit;
}

/* ---------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------- */

/* A warning in English (JSON, console) and in the report's language (Markdown, HTML). */
static ab_status warn(ab_report *rep, ab_msg id, ...) {
  char en[1024], text[1536];
  va_list ap, aq;
  va_start(ap, id);
  va_copy(aq, ap);
  ab_vtrf(en, sizeof en, AB_LANG_EN, id, ap);
  ab_vtrf(text, sizeof text, rep->lang, id, aq);
  va_end(aq);
  va_end(ap);
  return ab_note_add_texts(&rep->warnings, &rep->warnings_text, &rep->n_warnings, en, text);
}

static double obj_num(const json_t *o, const char *key) {
  const json_t *v = json_object_get(o, key);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static void obj_str(const json_t *o, const char *key, char *dst, size_t cap) {
  const char *s = json_string_value(json_object_get(o, key));
  snprintf(dst, cap, "%s", s ? s : "");
}

/* ---------------------------------------------------------------------------------------
 * Power: the primary source of a case
 * ------------------------------------------------------------------------------------- */

/* Narrower scopes first: a board meter covers the device and little else, a chip counter
 * misses the memory and regulators, a node meter adds the host. */
static int scope_rank(const char *scope) {
  static const char *const order[] = {"board", "chip", "node"};
  for (int i = 0; i < 3; i++)
    if (strcmp(scope, order[i]) == 0)
      return i;
  return 3;
}

static const json_t *primary_source(const json_t *sources) {
  const json_t *best = NULL;
  int best_rank = 99;
  size_t i;
  const json_t *s;
  json_array_foreach(sources, i, s) {
    if (!json_is_true(json_object_get(s, "valid")))
      continue;
    const char *scope = json_string_value(json_object_get(s, "scope"));
    int rank = scope_rank(scope ? scope : "");
    if (rank < best_rank) {
      best = s;
      best_rank = rank;
    }
  }
  return best;
}

static void power_invalid_reason(const json_t *sources, char *dst, size_t cap) {
  const json_t *s = json_array_get(sources, 0);
  const char *why = json_string_value(json_object_get(s, "invalid_reason"));
  snprintf(dst, cap, "no valid power window%s%s", why ? ": " : "", why ? why : "");
}

/* The run file's reason reads "<what>: <details>" ("net power within noise: 0.4 W net of
 * idle, ..."); a table cell shows "not measurable: <what>", the details go to the CSV, the
 * JSON and the HTML tooltip. */
static void read_net_reason(const json_t *src, ab_lang lang, ab_report_power *f) {
  const char *why = json_string_value(json_object_get(src, "net_not_measurable"));
  if (!why || !*why)
    return;
  snprintf(f->net_not_measurable, sizeof f->net_not_measurable, "%s", why);
  const char *colon = strchr(why, ':');
  int head = colon ? (int)(colon - why) : (int)strlen(why);
  char what[96];
  snprintf(what, sizeof what, "%.*s", head, why);
  ab_trf(f->net_cell, sizeof f->net_cell, lang, AB_M_NET_NOT_MEASURABLE, what);
}

static void power_figures(const json_t *power, ab_lang lang, ab_report_power *f) {
  memset(f, 0, sizeof *f);
  double *nums[] = {
      &f->avg_w,        &f->peak_w,           &f->energy_j,         &f->idle_w,
      &f->net_avg_w,    &f->net_energy_j,     &f->pj_per_flop,      &f->net_pj_per_flop,
      &f->gflops_per_w, &f->net_gflops_per_w, &f->pj_per_byte,      &f->gbytes_per_s_per_w,
      &f->j_per_token,  &f->net_j_per_token,  &f->net_uncertainty_w};
  for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
    *nums[i] = NAN;
  const json_t *sources = json_object_get(power, "sources");
  if (!power || !json_is_array(sources)) {
    const char *why = json_string_value(json_object_get(power, "not_measured"));
    snprintf(f->not_measured, sizeof f->not_measured, "%s",
             why ? why : "no power record in the run file");
    return;
  }
  f->n_sources = json_array_size(sources);
  const json_t *s = primary_source(sources);
  if (!s) {
    power_invalid_reason(sources, f->not_measured, sizeof f->not_measured);
    return;
  }
  f->measured = true;
  obj_str(s, "source", f->ref.source, sizeof f->ref.source);
  obj_str(s, "scope", f->ref.scope, sizeof f->ref.scope);
  obj_str(s, "covers", f->ref.covers, sizeof f->ref.covers);
  static const char *const keys[] = {
      "avg_w",        "peak_w",           "energy_j",         "idle_w",
      "net_avg_w",    "net_energy_j",     "pj_per_flop",      "net_pj_per_flop",
      "gflops_per_w", "net_gflops_per_w", "pj_per_byte",      "gbytes_per_s_per_w",
      "j_per_token",  "net_j_per_token",  "net_uncertainty_w"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    *nums[i] = obj_num(s, keys[i]);
  read_net_reason(s, lang, f);
  const json_t *tl = json_object_get(s, "timeline");
  f->timeline = json_is_object(tl) ? tl : NULL;
}

/* ---------------------------------------------------------------------------------------
 * Subjects
 * ------------------------------------------------------------------------------------- */

static const ab_device_record *find_device(const ab_run *run, const ab_case_result *c) {
  for (size_t i = 0; i < run->n_devices; i++)
    if (strcmp(run->devices[i].backend, c->backend) == 0 &&
        run->devices[i].index == c->device_index)
      return &run->devices[i];
  return NULL;
}

static bool same_subject(const ab_report_subject *s, size_t input, const ab_case_result *c) {
  return s->input == input && s->device_index == c->device_index &&
         strcmp(s->backend, c->backend) == 0 && strcmp(s->provider, c->provider) == 0;
}

static size_t subject_of(ab_report *rep, size_t input, const ab_case_result *c) {
  for (size_t i = 0; i < rep->n_subjects; i++)
    if (same_subject(&rep->subjects[i], input, c))
      return i;
  return SIZE_MAX;
}

static ab_status add_subject(ab_report *rep, size_t input, const ab_case_result *c) {
  ab_report_subject *s = realloc(rep->subjects, (rep->n_subjects + 1) * sizeof *s);
  if (!s)
    return AB_E_NOMEM;
  rep->subjects = s;
  s = &s[rep->n_subjects++];
  memset(s, 0, sizeof *s);
  const ab_run *run = &rep->inputs[input].run;
  s->input = input;
  s->device = find_device(run, c);
  snprintf(s->backend, sizeof s->backend, "%s", c->backend);
  s->device_index = c->device_index;
  snprintf(s->device_uid, sizeof s->device_uid, "%s", c->device_uid);
  snprintf(s->device_name, sizeof s->device_name, "%s",
           s->device ? s->device->info.name : c->device_name);
  snprintf(s->provider, sizeof s->provider, "%s", c->provider);
  obj_str(run->system, "hostname", s->host, sizeof s->host);
  s->idle_w = s->measured_membw_gbs = NAN;
  for (int t = 0; t < AB_DTYPE_COUNT; t++) {
    s->measured_peak_gflops[t] = NAN;
    s->best_gemm[t] = SIZE_MAX;
  }
  return AB_OK;
}

static ab_status collect_subjects(ab_report *rep) {
  for (size_t in = 0; in < rep->n_inputs; in++) {
    const ab_run *run = &rep->inputs[in].run;
    for (size_t i = 0; i < run->n_cases; i++) {
      if (subject_of(rep, in, &run->cases[i]) != SIZE_MAX)
        continue;
      ab_status st = add_subject(rep, in, &run->cases[i]);
      if (st != AB_OK)
        return st;
    }
  }
  return AB_OK;
}

static void base_label(ab_report_subject *s) {
  snprintf(s->label, sizeof s->label, "%.*s (%s:%u %s)", ab_utf8_prefix(s->device_name, 120),
           s->device_name, s->backend, s->device_index, s->provider);
}

/* Whether another subject would get the same base label, and whether any of those is on
 * the same host (then the host does not tell them apart; the run number does). */
static bool label_clash(const ab_report *rep, size_t i, bool *same_host) {
  bool clash = false;
  *same_host = false;
  for (size_t j = 0; j < rep->n_subjects; j++) {
    const ab_report_subject *s = &rep->subjects[i], *o = &rep->subjects[j];
    if (j == i || o->device_index != s->device_index || strcmp(o->backend, s->backend) != 0 ||
        strcmp(o->provider, s->provider) != 0 || strcmp(o->device_name, s->device_name) != 0)
      continue;
    clash = true;
    *same_host |= strcmp(o->host, s->host) == 0;
  }
  return clash;
}

/* "NAME (backend:index provider)". When runs would share a label, every one of them gets
 * "@host", or "run N" when they come from the same host, so no label reads as another
 * machine's. */
static void label_subjects(ab_report *rep) {
  for (size_t i = 0; i < rep->n_subjects; i++) {
    ab_report_subject *s = &rep->subjects[i];
    bool same_host;
    base_label(s);
    if (!label_clash(rep, i, &same_host))
      continue;
    size_t n = strlen(s->label);
    const char *host = s->host[0] ? s->host : "?";
    if (same_host)
      snprintf(s->label + n, sizeof s->label - n, " run %zu", s->input + 1);
    else
      snprintf(s->label + n, sizeof s->label - n, " @%.*s", ab_utf8_prefix(host, 60), host);
  }
}

/* ---------------------------------------------------------------------------------------
 * Measured ceilings: peak and membw cases of the same device (any provider), else the
 * host's measured FMA peak for a CPU device.
 * ------------------------------------------------------------------------------------- */

static bool same_device(const ab_report_subject *s, size_t input, const ab_case_result *c) {
  return s->input == input && s->device_index == c->device_index &&
         strcmp(s->backend, c->backend) == 0;
}

static void ceilings_from_cases(ab_report_subject *s, const ab_run *run, ab_lang lang) {
  for (size_t i = 0; i < run->n_cases; i++) {
    const ab_case_result *c = &run->cases[i];
    if (c->status != AB_CASE_OK || !same_device(s, s->input, c))
      continue;
    ab_case_rates r;
    ab_case_rates_compute(c, &r);
    ab_dtype t = c->desc.dtype;
    /* !(x <= best): best is NAN until a first figure; an undefined rate never counts */
    if (measures_ceiling(c->desc.kind, AB_BOUND_COMPUTE) && t > 0 && t < AB_DTYPE_COUNT &&
        isfinite(r.gflops_median) && !(r.gflops_median <= s->measured_peak_gflops[t])) {
      s->measured_peak_gflops[t] = r.gflops_median;
      ab_trf(s->measured_peak_source[t], sizeof s->measured_peak_source[t], lang, AB_M_CEILING_CASE,
             ab_kernel_kind_name(c->desc.kind), c->provider);
    }
    if (measures_ceiling(c->desc.kind, AB_BOUND_MEMORY) && isfinite(r.gbytes_per_s_median) &&
        !(r.gbytes_per_s_median <= s->measured_membw_gbs)) {
      s->measured_membw_gbs = r.gbytes_per_s_median;
      ab_trf(s->measured_membw_source, sizeof s->measured_membw_source, lang, AB_M_CEILING_CASE,
             ab_kernel_kind_name(c->desc.kind), c->provider);
    }
  }
}

static void ceilings_from_host(ab_report_subject *s, const ab_run *run, ab_lang lang) {
  if (!s->device || s->device->info.type != AB_DEVICE_CPU || strcmp(s->backend, "cpu") != 0)
    return; /* the host's FMA loop measures the host CPU, not an OpenCL view of it */
  const json_t *peak =
      json_object_get(json_object_get(run->system, "cpu"), "fma_peak_gflops_measured");
  const ab_dtype types[] = {AB_DTYPE_F32, AB_DTYPE_F64};
  for (size_t i = 0; i < 2; i++) {
    double v = obj_num(peak, ab_dtype_name(types[i]));
    if (isfinite(v) && v > 0 && isnan(s->measured_peak_gflops[types[i]])) {
      s->measured_peak_gflops[types[i]] = v;
      ab_trf(s->measured_peak_source[types[i]], sizeof s->measured_peak_source[0], lang,
             AB_M_CEILING_HOST);
    }
  }
}

/* ---------------------------------------------------------------------------------------
 * Rows
 * ------------------------------------------------------------------------------------- */

static double fraction(double v, double of) {
  return isfinite(v) && isfinite(of) && of > 0 ? v / of : NAN;
}

static void efficiencies(ab_report_row *r, const ab_report_subject *s) {
  const ab_case_result *c = r->c;
  r->eff_spec = r->eff_measured = NAN;
  if (c->status != AB_CASE_OK)
    return;
  ab_dtype t = c->desc.dtype;
  ab_bound bound = ab_kind_bound(&c->desc);
  if (bound == AB_BOUND_COMPUTE && t > 0 && t < AB_DTYPE_COUNT) {
    r->eff_measured = fraction(r->rates.gflops_median, s->measured_peak_gflops[t]);
    if (s->catalog)
      r->eff_spec = fraction(r->rates.gflops_median, s->catalog->peak_tflops[t] * 1e3);
  } else if (bound == AB_BOUND_MEMORY) {
    r->eff_measured = fraction(r->rates.gbytes_per_s_median, s->measured_membw_gbs);
    if (s->catalog)
      r->eff_spec = fraction(r->rates.gbytes_per_s_median, s->catalog->memory_bw_gbs);
  }
}

static bool clock_fell(const ab_case_result *c) {
  return json_is_true(json_object_get(c->thermal, "clock_fell"));
}

static void fill_row(ab_report *rep, ab_report_row *r, size_t subject, const ab_case_result *c) {
  memset(r, 0, sizeof *r);
  r->subject = subject;
  r->c = c;
  ab_case_rates_compute(c, &r->rates); /* NAN unless the case is ok */
  bool timed = c->time_s.n > 0;
  r->t_p5 = timed ? c->time_s.p5 : NAN;
  r->t_median = timed ? c->time_s.median : NAN;
  r->t_p95 = timed ? c->time_s.p95 : NAN;
  power_figures(c->power, rep->lang, &r->power);
  r->clock_fell = clock_fell(c);
  efficiencies(r, &rep->subjects[subject]);
}

/* A rate above what the device can do (spec sheet, or what it measured itself) by more
 * than the stated margins is flagged and never ranked: the backend's timing lies. */
static ab_status check_plausible(ab_report *rep, ab_report_row *r) {
  bool over_spec = isfinite(r->eff_spec) && r->eff_spec > AB_REPORT_SPEC_MARGIN;
  bool over_measured = isfinite(r->eff_measured) && r->eff_measured > AB_REPORT_MEASURED_MARGIN;
  if (!over_spec && !over_measured)
    return AB_OK;
  r->implausible = true;
  char key[512];
  ab_report_case_key(r->c, key, sizeof key);
  if (over_spec)
    return warn(rep, AB_M_W_IMPLAUSIBLE_SPEC, key, r->eff_spec, AB_REPORT_SPEC_MARGIN);
  return warn(rep, AB_M_W_IMPLAUSIBLE_MEASURED, key, r->eff_measured, AB_REPORT_MEASURED_MARGIN);
}

static void note_best(ab_report *rep, size_t row) {
  const ab_report_row *r = &rep->rows[row];
  const ab_case_result *c = r->c;
  ab_dtype t = c->desc.dtype;
  if (c->status != AB_CASE_OK || r->implausible || c->desc.kind != AB_KERNEL_GEMM || t <= 0 ||
      t >= AB_DTYPE_COUNT)
    return;
  ab_report_subject *s = &rep->subjects[r->subject];
  size_t *best = &s->best_gemm[t];
  if (*best == SIZE_MAX || rep->rows[*best].rates.gflops_median < r->rates.gflops_median)
    *best = row;
}

static ab_status build_rows(ab_report *rep) {
  size_t total = 0;
  for (size_t in = 0; in < rep->n_inputs; in++)
    total += rep->inputs[in].run.n_cases;
  rep->rows = calloc(total ? total : 1, sizeof *rep->rows);
  if (!rep->rows)
    return AB_E_NOMEM;
  /* Grouped by subject, each in its run file's case order. */
  for (size_t s = 0; s < rep->n_subjects; s++) {
    size_t in = rep->subjects[s].input, disturbed = 0;
    const ab_run *run = &rep->inputs[in].run;
    for (size_t i = 0; i < run->n_cases; i++) {
      if (!same_subject(&rep->subjects[s], in, &run->cases[i]))
        continue;
      fill_row(rep, &rep->rows[rep->n_rows], s, &run->cases[i]);
      rep->subjects[s].n_status[run->cases[i].status]++;
      if (check_plausible(rep, &rep->rows[rep->n_rows]) != AB_OK)
        return AB_E_NOMEM;
      disturbed += run->cases[i].interference.disturbed;
      note_best(rep, rep->n_rows++);
    }
    if (disturbed && warn(rep, AB_M_W_DISTURBED, rep->subjects[s].label, disturbed) != AB_OK)
      return AB_E_NOMEM;
  }
  return AB_OK;
}

static void subject_idle(ab_report *rep, ab_report_subject *s, size_t subject) {
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_power *p = &rep->rows[i].power;
    if (rep->rows[i].subject == subject && p->measured && isfinite(p->idle_w)) {
      s->idle_w = p->idle_w;
      s->idle_ref = p->ref;
      return;
    }
  }
}

/* ---------------------------------------------------------------------------------------
 * Warnings a reader must see
 * ------------------------------------------------------------------------------------- */

/* Figures of different power scopes must not be ranked against each other unseen. */
static ab_status warn_mixed_scopes(ab_report *rep) {
  char scopes[4][16] = {{0}};
  size_t n = 0;
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_power *p = &rep->rows[i].power;
    if (!p->measured)
      continue;
    bool seen = false;
    for (size_t k = 0; k < n; k++)
      seen |= strcmp(scopes[k], p->ref.scope) == 0;
    if (!seen && n < 4)
      snprintf(scopes[n++], sizeof scopes[0], "%s", p->ref.scope);
  }
  if (n < 2)
    return AB_OK;
  /* the scopes are words: each language gets its own list */
  char list[AB_LANG_COUNT][160] = {""}, text[AB_LANG_COUNT][1536];
  for (int l = 0; l < AB_LANG_COUNT; l++) {
    for (size_t k = 0; k < n; k++) {
      size_t used = strlen(list[l]);
      snprintf(list[l] + used, sizeof list[l] - used, "%s%s", k ? ", " : "",
               ab_scope_label((ab_lang)l, scopes[k]));
    }
    ab_trf(text[l], sizeof text[l], (ab_lang)l, AB_M_W_MIXED_SCOPES, list[l]);
  }
  return ab_note_add_texts(&rep->warnings, &rep->warnings_text, &rep->n_warnings, text[AB_LANG_EN],
                           text[rep->lang]);
}

static ab_status warn_inputs(ab_report *rep) {
  ab_status st = AB_OK;
  const ab_run *first = &rep->inputs[0].run;
  for (size_t in = 0; in < rep->n_inputs && st == AB_OK; in++) {
    const ab_run *run = &rep->inputs[in].run;
    if (!run->complete)
      st = warn(rep, AB_M_W_CUT_SHORT, rep->inputs[in].path);
    if (st == AB_OK && strcmp(run->harness_version, first->harness_version) != 0)
      st = warn(rep, AB_M_W_VERSIONS, first->harness_version, run->harness_version);
    if (st == AB_OK && strcmp(run->suite_name, first->suite_name) != 0)
      st = warn(rep, AB_M_W_SUITES, first->suite_name, run->suite_name);
  }
  return st;
}

/* The catalogue's reason is itself worded in each language. */
static ab_status warn_no_catalog(ab_report *rep, const ab_report_subject *s) {
  char en[1024], text[1536];
  ab_trf(en, sizeof en, AB_LANG_EN, AB_M_W_NO_CATALOG, s->label, s->catalog_why);
  ab_trf(text, sizeof text, rep->lang, AB_M_W_NO_CATALOG, s->label, s->catalog_why_text);
  return ab_note_add_texts(&rep->warnings, &rep->warnings_text, &rep->n_warnings, en, text);
}

static ab_status warn_subjects(ab_report *rep) {
  ab_status st = AB_OK;
  for (size_t i = 0; i < rep->n_subjects && st == AB_OK; i++) {
    const ab_report_subject *s = &rep->subjects[i];
    if (!s->catalog)
      st = warn_no_catalog(rep, s);
  }
  size_t fell = 0;
  for (size_t i = 0; i < rep->n_rows; i++)
    fell += rep->rows[i].clock_fell;
  if (st == AB_OK && fell)
    st = warn(rep, AB_M_W_CLOCK_FELL, fell);
  return st;
}

/* ---------------------------------------------------------------------------------------
 * Catalogue and cost
 * ------------------------------------------------------------------------------------- */

static ab_status load_catalogs(ab_report *rep, const ab_report_opts *opts, char *msg) {
  char dir[1024];
  if (!opts->no_default_catalog && ab_catalog_default_dir(dir, sizeof dir)) {
    ab_status st = ab_catalog_load(&rep->catalog, dir, false, msg);
    if (st != AB_OK)
      return st;
  }
  for (size_t i = 0; i < opts->n_catalog_paths; i++) {
    ab_status st = ab_catalog_load(&rep->catalog, opts->catalog_paths[i], true, msg);
    if (st != AB_OK)
      return st;
  }
  return AB_OK;
}

static void match_catalog(ab_report *rep) {
  for (size_t i = 0; i < rep->n_subjects; i++) {
    ab_report_subject *s = &rep->subjects[i];
    if (!s->device) {
      ab_trf(s->catalog_why, sizeof s->catalog_why, AB_LANG_EN, AB_M_C_NO_DEVICE, s->backend,
             s->device_index);
      ab_trf(s->catalog_why_text, sizeof s->catalog_why_text, rep->lang, AB_M_C_NO_DEVICE,
             s->backend, s->device_index);
      continue;
    }
    s->catalog = ab_catalog_match(&rep->catalog, s->device, s->catalog_why, sizeof s->catalog_why);
    ab_catalog_match_in(&rep->catalog, s->device, rep->lang, s->catalog_why_text,
                        sizeof s->catalog_why_text);
  }
}

static ab_status add_cost(ab_report *rep, size_t subject, ab_dtype t) {
  const ab_report_subject *s = &rep->subjects[subject];
  const ab_report_row *r = &rep->rows[s->best_gemm[t]];
  ab_report_cost *c = realloc(rep->costs, (rep->n_costs + 1) * sizeof *c);
  if (!c)
    return AB_E_NOMEM;
  rep->costs = c;
  c = &c[rep->n_costs++];
  memset(c, 0, sizeof *c);
  c->subject = subject;
  c->dtype = t;
  c->row = s->best_gemm[t];
  if (s->catalog) {
    c->unit_price = ab_cost_unit_price(&rep->cost, s->catalog, c->price_why, sizeof c->price_why);
    ab_cost_unit_price_in(&rep->cost, s->catalog, rep->lang, c->price_why_text,
                          sizeof c->price_why_text);
  } else {
    c->unit_price = NAN;
    ab_trf(c->price_why, sizeof c->price_why, AB_LANG_EN, AB_M_P_NO_CATALOGUE);
    ab_trf(c->price_why_text, sizeof c->price_why_text, rep->lang, AB_M_P_NO_CATALOGUE);
  }
  double avg_w = r->power.measured ? r->power.avg_w : NAN;
  ab_cost_compute(&rep->cost, c->unit_price, r->rates.gflops_median * 1e9, avg_w, 1e15, &c->r);
  return AB_OK;
}

static ab_status build_costs(ab_report *rep) {
  for (size_t i = 0; i < rep->n_subjects; i++)
    for (int t = 1; t < AB_DTYPE_COUNT; t++) {
      if (rep->subjects[i].best_gemm[t] == SIZE_MAX)
        continue;
      ab_status st = add_cost(rep, i, (ab_dtype)t);
      if (st != AB_OK)
        return st;
    }
  return AB_OK;
}

/* ---------------------------------------------------------------------------------------
 * What the conclusion reads
 * ------------------------------------------------------------------------------------- */

void ab_report_coverage(const ab_report *rep, size_t s, size_t *validated, size_t *planned) {
  bool plan[AB_KERNEL_KIND_COUNT] = {false}, ok[AB_KERNEL_KIND_COUNT] = {false};
  *validated = *planned = 0;
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_row *r = &rep->rows[i];
    ab_kernel_kind k = r->c->desc.kind;
    if (r->subject != s || k <= 0 || k >= AB_KERNEL_KIND_COUNT)
      continue;
    plan[k] = true;
    ok[k] |= r->c->status == AB_CASE_OK && !r->implausible;
  }
  for (int k = 0; k < AB_KERNEL_KIND_COUNT; k++) {
    *planned += plan[k];
    *validated += ok[k];
  }
}

size_t ab_report_failures(const ab_report_subject *s) {
  return s->n_status[AB_CASE_FAILED] + s->n_status[AB_CASE_WRONG_RESULT] +
         s->n_status[AB_CASE_CRASHED] + s->n_status[AB_CASE_TIMEOUT] +
         s->n_status[AB_CASE_IMPLAUSIBLE];
}

const ab_report_cost *ab_report_cost_of(const ab_report *rep, size_t s, ab_dtype t) {
  for (size_t i = 0; i < rep->n_costs; i++)
    if (rep->costs[i].subject == s && rep->costs[i].dtype == t)
      return &rep->costs[i];
  return NULL;
}

size_t ab_report_best_of_class(const ab_report *rep, size_t s, bool integer) {
  const ab_report_subject *sub = &rep->subjects[s];
  size_t best = SIZE_MAX;
  for (int t = 1; t < AB_DTYPE_COUNT; t++) {
    size_t r = sub->best_gemm[t];
    bool is_int = t == AB_DTYPE_I8 || t == AB_DTYPE_I32;
    if (r == SIZE_MAX || is_int != integer)
      continue;
    if (best == SIZE_MAX || rep->rows[r].rates.gflops_median > rep->rows[best].rates.gflops_median)
      best = r;
  }
  return best;
}

/* ---------------------------------------------------------------------------------------
 * Build and free
 * ------------------------------------------------------------------------------------- */

static ab_status load_inputs(ab_report *rep, const char *const *paths, size_t n, char *msg) {
  rep->inputs = calloc(n ? n : 1, sizeof *rep->inputs);
  if (!rep->inputs)
    return AB_E_NOMEM;
  for (size_t i = 0; i < n; i++) {
    ab_report_input *in = &rep->inputs[i];
    snprintf(in->path, sizeof in->path, "%s", paths[i]);
    ab_status st = ab_run_load(paths[i], &in->run, &in->root, msg);
    if (st != AB_OK)
      return st;
    rep->n_inputs = i + 1;
  }
  return AB_OK;
}

static ab_status derive(ab_report *rep) {
  ab_status st = collect_subjects(rep);
  if (st != AB_OK)
    return st;
  label_subjects(rep);
  match_catalog(rep);
  for (size_t i = 0; i < rep->n_subjects; i++) {
    ceilings_from_cases(&rep->subjects[i], &rep->inputs[rep->subjects[i].input].run, rep->lang);
    ceilings_from_host(&rep->subjects[i], &rep->inputs[rep->subjects[i].input].run, rep->lang);
  }
  st = build_rows(rep);
  for (size_t i = 0; i < rep->n_subjects && st == AB_OK; i++)
    subject_idle(rep, &rep->subjects[i], i);
  if (st == AB_OK && rep->have_cost)
    st = build_costs(rep);
  if (st == AB_OK && rep->have_tender)
    st = ab_report_compliance(rep);
  if (st == AB_OK)
    st = warn_inputs(rep);
  if (st == AB_OK)
    st = warn_mixed_scopes(rep);
  if (st == AB_OK)
    st = warn_subjects(rep);
  return st;
}

ab_status ab_report_build(ab_report *rep, const char *const *paths, size_t n,
                          const ab_report_opts *opts, char *msg) {
  static const ab_report_opts none = {0};
  memset(rep, 0, sizeof *rep);
  if (!opts)
    opts = &none;
  if (n == 0) {
    snprintf(msg, AB_MSG_LEN, "no run file given");
    return AB_E_INVALID;
  }
  ab_status st = load_inputs(rep, paths, n, msg);
  if (st == AB_OK)
    st = load_catalogs(rep, opts, msg);
  if (st == AB_OK && opts->cost_path) {
    st = ab_cost_load(opts->cost_path, &rep->cost, msg);
    rep->have_cost = st == AB_OK;
  }
  if (st == AB_OK && opts->tender_path) {
    st = ab_tender_load(opts->tender_path, &rep->tender, msg);
    rep->have_tender = st == AB_OK;
  }
  rep->lang = opts->lang;
  if (st == AB_OK) {
    st = derive(rep);
    if (st == AB_E_NOMEM)
      snprintf(msg, AB_MSG_LEN, "out of memory while building the report");
  }
  if (st != AB_OK)
    ab_report_free(rep);
  return st;
}

void ab_report_free(ab_report *rep) {
  if (!rep)
    return;
  for (size_t i = 0; i < rep->n_inputs; i++) {
    ab_run_free(&rep->inputs[i].run);
    json_decref(rep->inputs[i].root);
  }
  free(rep->inputs);
  free(rep->subjects);
  free(rep->rows);
  free(rep->costs);
  ab_catalog_free(&rep->catalog);
  if (rep->have_cost)
    ab_cost_free(&rep->cost);
  if (rep->have_tender)
    ab_tender_free(&rep->tender);
  free(rep->compliance);
  ab_notes_free(rep->warnings, rep->warnings_text, rep->n_warnings);
  memset(rep, 0, sizeof *rep);
}

/* ---------------------------------------------------------------------------------------
 * Number formatting shared by the human formats
 * ------------------------------------------------------------------------------------- */

bool ab_report_trust_checked(const ab_report *rep) {
  for (size_t i = 0; i < rep->n_inputs; i++)
    if (rep->inputs[i].trust.state != AB_TRUST_NOT_CHECKED)
      return true;
  return false;
}

void ab_report_trust_text(ab_lang lang, const ab_trust *t, char *buf, size_t len) {
  if (t->state == AB_TRUST_VERIFIED)
    ab_trf(buf, len, lang, AB_M_T_VERIFIED, t->key);
  else if (t->state == AB_TRUST_UNSIGNED)
    ab_trf(buf, len, lang, AB_M_T_UNSIGNED);
  else if (t->state != AB_TRUST_NOT_VERIFIED)
    ab_trf(buf, len, lang, AB_M_X_NOT_CHECKED);
  else if (t->cause == AB_TRUST_CAUSE_NOT_BUNDLE)
    ab_trf(buf, len, lang, AB_M_T_NOT_BUNDLE, AB_MANIFEST_FILE);
  else if (t->cause == AB_TRUST_CAUSE_UNTRUSTED)
    ab_trf(buf, len, lang, AB_M_T_UNTRUSTED_KEY, t->key);
  else
    ab_trf(buf, len, lang, AB_M_T_NOT_VERIFIED, t->why);
}

const char *ab_report_fmt(double v, char *buf, size_t len) {
  if (!isfinite(v))
    snprintf(buf, len, "\xe2\x80\x94"); /* an em dash: not measured / not applicable */
  else if (fabs(v) >= 1000)
    snprintf(buf, len, "%.0f", v);
  else
    snprintf(buf, len, "%.3g", v);
  return buf;
}

const char *ab_report_fmt_pct(double v, char *buf, size_t len) {
  if (!isfinite(v))
    return ab_report_fmt(v, buf, len);
  snprintf(buf, len, "%.1f%%", v * 100);
  return buf;
}

/* ---------------------------------------------------------------------------------------
 * Formats and files
 * ------------------------------------------------------------------------------------- */

typedef ab_status (*report_writer)(const ab_report *, FILE *);

static const struct {
  const char *name, *file;
  report_writer write;
} formats[] = {
    {"md", "report.md", ab_report_write_md},
    {"csv", "report.csv", ab_report_write_csv},
    {"html", "report.html", ab_report_write_html},
    {"json", "report.json", ab_report_write_json},
    {"junit", "junit.xml", ab_report_write_junit},
    {"compliance", "compliance.csv", ab_report_write_compliance_csv},
};

static int format_index(const char *name) {
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
    if (strcmp(formats[i].name, name) == 0)
      return (int)i;
  return -1;
}

const char *ab_report_file_name(const char *format) {
  int i = format_index(format);
  return i < 0 ? NULL : formats[i].file;
}

ab_status ab_report_render(const ab_report *rep, const char *format, char **text, char *msg) {
  *text = NULL;
  int i = format_index(format);
  if (i < 0) {
    snprintf(msg, AB_MSG_LEN,
             "unknown report format '%s' (expected md, csv, html, json, junit or "
             "compliance)",
             format);
    return AB_E_INVALID;
  }
  size_t len = 0;
  FILE *f = open_memstream(text, &len);
  if (!f) {
    snprintf(msg, AB_MSG_LEN, "out of memory rendering %s", format);
    return AB_E_NOMEM;
  }
  ab_status st = formats[i].write(rep, f);
  if (fclose(f) != 0 && st == AB_OK)
    st = AB_E_NOMEM;
  if (st != AB_OK) {
    snprintf(msg, AB_MSG_LEN, "could not render %s (%s)", format,
             st == AB_E_NOMEM ? "out of memory" : "write error");
    free(*text);
    *text = NULL;
  }
  return st;
}

ab_status ab_report_write_dir(const ab_report *rep, const char *dir, const char *const *names,
                              size_t n, char *msg) {
  for (size_t i = 0; i < n; i++) {
    char *text = NULL, path[2048];
    ab_status st = ab_report_render(rep, names[i], &text, msg);
    if (st != AB_OK)
      return st;
    snprintf(path, sizeof path, "%s/%s", dir, ab_report_file_name(names[i]));
    st = ab_text_write_atomic(text, path, msg);
    free(text);
    if (st != AB_OK)
      return st;
    /* The compliance matrix has its own columns: beside report.csv, not inside it. */
    if (rep->have_tender && strcmp(names[i], "csv") == 0) {
      const char *const more[] = {"compliance"};
      st = ab_report_write_dir(rep, dir, more, 1, msg);
      if (st != AB_OK)
        return st;
    }
  }
  return AB_OK;
}

json_t *ab_report_json_text(const char *s) {
  json_t *j = json_string(s ? s : "");
  if (j)
    return j;
  char *clean = ab_utf8_clean_dup(s);
  j = clean ? json_string(clean) : NULL;
  free(clean);
  return j;
}
