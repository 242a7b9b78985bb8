/* accelbench — the run file: JSON form of cases, devices, backends and the whole run, the
 * strict reader of a case, and the atomic writer. The layout is documented field by field
 * in docs/run-file.md and checked by reports/schema/run-file.schema.json; change all three
 * together. */
#include "model/runfile.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/digest.h"
#include "model/kernel.h"
#include "model/kind.h"
#include "model/names.h"
#include "model/verdict.h"

#define RUNFILE_SCHEMA_NAME "accelbench-run"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------------------------
 * Writing: small builders. json_object_set_new steals (and on failure releases) the value,
 * including a NULL one, so builders chain `ok &= put(...)` and check once at the end.
 * ------------------------------------------------------------------------------------- */

static bool put(json_t *o, const char *key, json_t *v) {
  return json_object_set_new(o, key, v) == 0;
}

/* jansson cannot encode NaN or infinity; an undefined number is JSON null. */
/* The object when every member went in, else NULL (and the partial object freed). */
static json_t *built(json_t *o, bool ok) {
  if (ok)
    return o;
  json_decref(o);
  return NULL;
}

static json_t *num(double v) {
  return isfinite(v) ? json_real(v) : json_null();
}

/* An unknown quantity (a device that reports 0 memory or 0 MHz) is null, never 0. */
static json_t *u64_or_null(uint64_t v) {
  if (v == 0)
    return json_null();
  return v <= (uint64_t)INT64_MAX ? json_integer((json_int_t)v) : json_real((double)v);
}

static json_t *u64(uint64_t v) {
  return v <= (uint64_t)INT64_MAX ? json_integer((json_int_t)v) : json_real((double)v);
}

/* A string from a fixed-size field. Backends copy vendor text into reasons and names, and
 * jansson refuses invalid UTF-8, so bytes that do not form UTF-8 become '?' rather than
 * losing the whole record. */
static json_t *str(const char *s, size_t cap) {
  size_t len = strnlen(s, cap);
  json_t *v = json_stringn(s, len);
  if (v)
    return v;
  char *copy = malloc(len + 1);
  if (!copy)
    return NULL;
  for (size_t i = 0; i < len; i++)
    copy[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
  v = json_stringn(copy, len);
  free(copy);
  return v;
}

#define STR(field) str((field), sizeof(field))

/* Empty means unknown in ab_device_info; unknown is null in the run file. */
static json_t *str_or_null(const char *s, size_t cap) {
  return s[0] ? str(s, cap) : json_null();
}

#define STR_OR_NULL(field) str_or_null((field), sizeof(field))

json_t *ab_stats_to_json(const ab_stats *s) {
  if (s->n == 0)
    return json_null(); /* never measured: no statistics, not zeros */
  json_t *o = json_object();
  bool ok = put(o, "n", json_integer(s->n));
  ok &= put(o, "median", num(s->median));
  ok &= put(o, "mean", num(s->mean));
  ok &= put(o, "min", num(s->min));
  ok &= put(o, "max", num(s->max));
  ok &= put(o, "p5", num(s->p5));
  ok &= put(o, "p95", num(s->p95));
  ok &= put(o, "stdev", num(s->stdev));
  ok &= put(o, "cv", num(s->cv));
  ok &= put(o, "median_ci95_lo", num(s->median_ci95_lo));
  ok &= put(o, "median_ci95_hi", num(s->median_ci95_hi));
  return built(o, ok);
}

static json_t *param_json(const ab_kernel_desc *d, const ab_param_field *f) {
  int64_t v = ab_param_get(d, f);
  if (f->type == AB_PARAM_BOOL)
    return json_boolean(v);
  if (f->type == AB_PARAM_ENUM)
    return json_string(v >= 0 && (size_t)v < f->n_names ? f->names[v] : "invalid");
  return json_integer(v);
}

/* kernel.shape: the kind's parameters by name (bench/model/kinds/). */
static json_t *shape_json(const ab_kernel_desc *d) {
  json_t *o = json_object();
  bool ok = o != NULL;
  const ab_kind_def *k = ab_kind_def_of(d->kind);
  for (size_t i = 0; ok && k && i < k->n_fields; i++)
    ok &= put(o, k->fields[i].name, param_json(d, &k->fields[i]));
  return built(o, ok);
}

/* Kernels without element data (launch latency) have no dtype: null, not "invalid". */
static json_t *dtype_json(ab_dtype t) {
  return t == AB_DTYPE_INVALID ? json_null() : json_string(ab_dtype_name(t));
}

/* ABI 1.3 fields are written only when set, so files of cases without them stay as they
 * were. */
static bool has_operand_dtypes(const ab_kernel_desc *d) {
  for (size_t i = 0; i < AB_KERNEL_MAX_OPERANDS; i++)
    if (d->operand_dtypes[i] != AB_DTYPE_INVALID)
      return true;
  return false;
}

static json_t *operand_dtypes_json(const ab_kernel_desc *d) {
  json_t *a = json_array();
  bool ok = a != NULL;
  size_t n = AB_KERNEL_MAX_OPERANDS;
  while (n > 0 && d->operand_dtypes[n - 1] == AB_DTYPE_INVALID)
    n--;
  for (size_t i = 0; ok && i < n; i++)
    ok = json_array_append_new(a, dtype_json(d->operand_dtypes[i])) == 0;
  return built(a, ok);
}

static json_t *kernel_json(const ab_kernel_desc *d) {
  char shape[128];
  ab_kernel_shape_str(d, shape, sizeof shape);
  json_t *o = json_object();
  bool ok = put(o, "kind", json_string(ab_kernel_kind_name(d->kind)));
  ok &= put(o, "dtype", dtype_json(d->dtype));
  ok &= put(o, "out_dtype", dtype_json(d->out_dtype));
  ok &= put(o, "shape", shape_json(d));
  ok &= put(o, "shape_str", STR(shape));
  if (has_operand_dtypes(d))
    ok &= put(o, "operand_dtypes", operand_dtypes_json(d));
  if (d->layout != AB_LAYOUT_DEFAULT)
    ok &= put(o, "layout", json_string(ab_layout_name((ab_layout)d->layout)));
  return built(o, ok);
}

/* The raw samples (every value, 17 significant digits: verify recomputes from them). */
static json_t *samples_json(const double *v, uint32_t n) {
  json_t *a = json_array();
  for (uint32_t i = 0; a && i < n; i++)
    if (json_array_append_new(a, num(v[i])) != 0) {
      json_decref(a);
      a = NULL;
    }
  return a;
}

static json_t *timing_json(const ab_case_result *c) {
  json_t *o = json_object();
  bool ok = put(o, "source", json_string(ab_timer_source_name(c->timer)));
  ok &= put(o, "time_s", ab_stats_to_json(&c->time_s));
  ok &= put(o, "host_time_s", ab_stats_to_json(&c->host_time_s));
  ok &= put(o, "iterations_per_sample", json_integer(c->iterations_per_sample));
  ok &= put(o, "iterations_total", u64(c->iterations_total));
  ok &= put(o, "warmup_s", num(c->warmup_s));
  ok &= put(o, "setup_s", num(c->setup_s));
  ok &= put(o, "measured_s", num(c->measured_s));
  ok &= put(o, "stop_reason", json_string(ab_stop_reason_name(c->stop_reason)));
  ok &= put(o, "backend_overhead_s", num(c->backend_overhead_s));
  ok &= put(o, "harness_overhead_s", num(c->harness_overhead_s));
  if (c->check_s > 0.0)
    ok &= put(o, "check_s", num(c->check_s));
  if (c->device_timer_rejected_s > 0.0)
    ok &= put(o, "device_timer_rejected_median_s", num(c->device_timer_rejected_s));
  if (c->cold_cache_copies)
    ok &= put(o, "cold_cache",
              json_pack("{s:I, s:I}", "copies", (json_int_t)c->cold_cache_copies, "bytes",
                        (json_int_t)c->cold_cache_bytes));
  if (c->n_samples > 0) {
    ok &= put(o, "samples_s", samples_json(c->samples_s, c->n_samples));
    ok &= put(o, "host_samples_s", samples_json(c->host_samples_s, c->n_samples));
  }
  return built(o, ok);
}

/* Only a validated, timed case is ranked (ab_case_has_rates). */
/* A derived rate in the file: NAN means "not defined" (ab_case_rates), written as null. */
static json_t *rate_json(double v) {
  return isfinite(v) ? num(v) : json_null();
}

json_t *ab_case_rates_json(const ab_case_result *c) {
  ab_case_rates r;
  ab_case_rates_compute(c, &r);
  json_t *o = json_object();
  bool ok = put(o, "gflops_median", rate_json(r.gflops_median));
  ok &= put(o, "gflops_ci95_lo", rate_json(r.gflops_ci95_lo));
  ok &= put(o, "gflops_ci95_hi", rate_json(r.gflops_ci95_hi));
  ok &= put(o, "gbytes_per_s_median", rate_json(r.gbytes_per_s_median));
  ok &= put(o, "gbytes_per_s_ci95_lo", rate_json(r.gbytes_per_s_ci95_lo));
  ok &= put(o, "gbytes_per_s_ci95_hi", rate_json(r.gbytes_per_s_ci95_hi));
  ok &= put(o, "arithmetic_intensity_flops_per_byte", rate_json(r.arithmetic_intensity));
  return built(o, ok);
}

static json_t *interference_json(const ab_interference *x) {
  json_t *o = json_pack("{s:o,s:o,s:o,s:o,s:b}", "window_s", num(x->window_s), "other_cpu_s",
                        num(x->other_cpu_s), "steal_s", num(x->steal_s), "quantum_s",
                        num(x->quantum_s), "disturbed", x->disturbed);
  if (o && x->device_measured) {
    json_object_set_new(o, "device_processes", json_integer(x->device_processes));
    json_object_set_new(o, "device_process_list", json_string(x->device_process_list));
  }
  return o;
}

static json_t *validation_json(const ab_validation *v) {
  json_t *o = json_object();
  bool ok = put(o, "checked", json_boolean(v->checked));
  ok &= put(o, "elements_checked", u64(v->elements_checked));
  ok &= put(o, "elements_total", u64(v->elements_total));
  ok &= put(o, "mismatches", u64(v->mismatches));
  ok &= put(o, "max_abs_error", num(v->max_abs_error)); /* NaN output: null */
  ok &= put(o, "max_error_ratio", num(v->max_error_ratio));
  ok &= put(o, "rule", STR(v->rule));
  if (v->full_checked)
    ok &= put(o, "full_check",
              json_pack("{s:I,s:I,s:s}", "failed", (json_int_t)v->full_failed, "first_failed",
                        (json_int_t)v->full_first_failed, "rule", v->full_rule));
  if (v->checked)
    ok &= put(o, "seed", json_integer((json_int_t)v->seed));
  return built(o, ok);
}

static json_t *case_device_json(const ab_case_result *c) {
  json_t *o = json_object();
  bool ok = put(o, "index", json_integer(c->device_index));
  ok &= put(o, "uid", STR(c->device_uid));
  ok &= put(o, "name", STR(c->device_name));
  return built(o, ok);
}

json_t *ab_case_to_json(const ab_case_result *c) {
  if (!c)
    return NULL;
  json_t *o = json_object();
  bool ok = put(o, "id", STR(c->case_id));
  ok &= put(o, "set", STR(c->set));
  ok &= put(o, "backend", STR(c->backend));
  ok &= put(o, "device", case_device_json(c));
  ok &= put(o, "provider", STR(c->provider));
  ok &= put(o, "kernel", kernel_json(&c->desc));
  ok &= put(o, "status", json_string(ab_case_status_name(c->status)));
  ok &= put(o, "reason", STR(c->reason));
  ok &= put(o, "implementation", STR(c->implementation));
  json_t *work = json_object();
  ok &= put(work, "flops", num(c->flops));
  ok &= put(work, "bytes", num(c->bytes));
  ok &= put(o, "work", work);
  ok &= put(o, "timing", timing_json(c));
  if (ab_case_has_rates(c))
    ok &= put(o, "rates", ab_case_rates_json(c));
  ok &= put(o, "validation", validation_json(&c->validation));
  if (c->interference.measured)
    ok &= put(o, "interference", interference_json(&c->interference));
  if (c->audit.done)
    ok &= put(o, "audit",
              json_pack("{s:i,s:i,s:i,s:b,s:o,s:o,s:I}", "sample", (int)c->audit.sample, "rounds",
                        (int)c->audit.rounds, "calls", (int)c->audit.calls, "as_sample",
                        c->audit.as_sample, "control_s", num(c->audit.control_s), "audit_s",
                        num(c->audit.audit_s), "mismatches", (json_int_t)c->audit.mismatches));
  /* Power and clocks are objects of the power library (bench/power, docs/power.md); the
   * run file carries them as they are. */
  if (c->power)
    ok &= put(o, "power", json_deep_copy(c->power));
  if (c->thermal)
    ok &= put(o, "thermal", json_deep_copy(c->thermal));
  if (c->composite) /* decoder: the steps of a composed case, as the harness made them */
    ok &= put(o, "composite", json_deep_copy(c->composite));
  return built(o, ok);
}

void ab_case_result_clear(ab_case_result *c) {
  json_decref(c->power);
  json_decref(c->thermal);
  json_decref(c->composite);
  c->power = c->thermal = c->composite = NULL;
  free(c->samples_s);
  free(c->host_samples_s);
  c->samples_s = c->host_samples_s = NULL;
  c->n_samples = 0;
}

static json_t *attrs_json(const ab_device_info *info) {
  json_t *o = json_object();
  bool ok = o != NULL;
  uint32_t n = info->n_attrs < AB_MAX_ATTRS ? info->n_attrs : AB_MAX_ATTRS;
  for (uint32_t i = 0; i < n && ok; i++) {
    char key[sizeof info->attrs[i].key + 1];
    size_t len = strnlen(info->attrs[i].key, sizeof info->attrs[i].key);
    memcpy(key, info->attrs[i].key, len);
    key[len] = '\0';
    json_t *valid = json_string(key); /* NULL for non-UTF-8: such a key cannot be a member */
    json_decref(valid);
    if (!key[0] || !valid)
      continue;
    ok &= put(o, key, STR(info->attrs[i].value));
  }
  return built(o, ok);
}

json_t *ab_device_to_json(const ab_device_record *d) {
  if (!d)
    return NULL;
  const ab_device_info *i = &d->info;
  json_t *o = json_object();
  bool ok = put(o, "backend", STR(d->backend));
  ok &= put(o, "index", json_integer(d->index));
  ok &= put(o, "uid", STR_OR_NULL(i->uid));
  ok &= put(o, "name", STR(i->name));
  ok &= put(o, "type", json_string(ab_device_type_name(i->type)));
  ok &= put(o, "vendor", STR_OR_NULL(i->vendor));
  ok &= put(o, "driver_version", STR_OR_NULL(i->driver_version));
  ok &= put(o, "runtime_version", STR_OR_NULL(i->runtime_version));
  ok &= put(o, "memory_bytes", u64_or_null(i->memory_bytes));
  ok &= put(o, "compute_units", u64_or_null(i->compute_units));
  ok &= put(o, "max_clock_mhz", u64_or_null(i->max_clock_mhz));
  ok &= put(o, "attrs", attrs_json(i));
  return built(o, ok);
}

json_t *ab_backend_to_json(const ab_backend_record *b) {
  if (!b)
    return NULL;
  json_t *o = json_object();
  bool ok = put(o, "name", STR(b->name));
  ok &= put(o, "module_path", STR_OR_NULL(b->module_path));
  /* Provenance: what exactly was loaded (a built-in backend has no file). */
  ok &= put(o, "module_size", b->module_sha256[0] ? u64(b->module_size) : json_null());
  ok &= put(o, "module_sha256", STR_OR_NULL(b->module_sha256));
  ok &= put(o, "description", STR_OR_NULL(b->description));
  /* A module that could not be loaded has no ABI version to report. */
  if (b->abi_major == 0 && b->abi_minor == 0) {
    ok &= put(o, "abi", json_null());
  } else {
    json_t *abi = json_object();
    ok &= put(abi, "major", json_integer(b->abi_major));
    ok &= put(abi, "minor", json_integer(b->abi_minor));
    ok &= put(o, "abi", abi);
  }
  ok &= put(o, "enabled", json_boolean(b->enabled));
  ok &= put(o, "disabled_reason", b->enabled ? json_null() : STR(b->disabled_reason));
  return built(o, ok);
}

/* Builds an array from n records with a per-record converter; NULL on any failure. */
#define RECORD_ARRAY(arr, items, n, fn)                                                            \
  do {                                                                                             \
    (arr) = json_array();                                                                          \
    for (size_t i_ = 0; (arr) && i_ < (n); i_++) {                                                 \
      if (json_array_append_new((arr), fn(&(items)[i_])) != 0) {                                   \
        json_decref(arr);                                                                          \
        (arr) = NULL;                                                                              \
      }                                                                                            \
    }                                                                                              \
  } while (0)

static json_t *suite_json(const ab_run *run) {
  json_t *o = json_object();
  bool ok = put(o, "name", STR(run->suite_name));
  ok &= put(o, "path", STR_OR_NULL(run->suite_path));
  ok &= put(o, "text", run->suite_text ? str(run->suite_text, SIZE_MAX) : json_null());
  ok &= put(o, "effective",
            run->suite_effective ? json_deep_copy(run->suite_effective) : json_null());
  return built(o, ok);
}

json_t *ab_run_to_json(const ab_run *run) {
  if (!run)
    return NULL;
  json_t *o = json_object();
  bool ok = put(o, "schema", json_string(RUNFILE_SCHEMA_NAME));
  ok &= put(o, "schema_version", json_integer(AB_RUNFILE_SCHEMA_VERSION));
  json_t *harness = json_object();
  ok &= put(harness, "version", STR(run->harness_version));
  ok &= put(harness, "git_commit", STR_OR_NULL(run->git_commit));
  ok &= put(o, "harness", harness);
  ok &= put(o, "started_utc", STR(run->started_utc));
  ok &= put(o, "finished_utc", STR_OR_NULL(run->finished_utc));
  ok &= put(o, "wall_s", num(run->wall_s));
  ok &= put(o, "complete", json_boolean(run->complete));
  ok &= put(o, "command_line", STR(run->command_line));
  ok &= put(o, "suite", suite_json(run));
  ok &= put(o, "system", run->system ? json_deep_copy(run->system) : json_object());
  if (run->power)
    ok &= put(o, "power", json_deep_copy(run->power));
  if (run->harness_resources)
    ok &= put(o, "harness_resources", json_deep_copy(run->harness_resources));
  json_t *arr;
  RECORD_ARRAY(arr, run->backends, run->n_backends, ab_backend_to_json);
  ok &= put(o, "backends", arr);
  RECORD_ARRAY(arr, run->devices, run->n_devices, ab_device_to_json);
  ok &= put(o, "devices", arr);
  RECORD_ARRAY(arr, run->cases, run->n_cases, ab_case_to_json);
  ok &= put(o, "cases", arr);
  return built(o, ok);
}

/* ---------------------------------------------------------------------------------------
 * Reading one case. Every member is checked for presence and type; a message names the
 * member's path inside the case ("timing.time_s.median: expected a number or null, got
 * string"). The caller adds where the case sits ("cases[3].") and the file name. Unknown
 * members are ignored: a newer writer may add fields without a schema_version bump.
 * ------------------------------------------------------------------------------------- */

static const char *kind_of(const json_t *v) {
  if (!v)
    return "nothing (member absent)";
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER: return "an integer";
  case JSON_REAL: return "a real number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  case JSON_NULL: return "null";
  }
  return "an unknown value";
}

static void path_join(char *buf, size_t len, const char *pre, const char *key) {
  snprintf(buf, len, "%s%s%s", pre, pre[0] && key[0] ? "." : "", key);
}

static ab_status fail(char *msg, const char *pre, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static ab_status fail(char *msg, const char *pre, const char *key, const char *fmt, ...) {
  if (!msg)
    return AB_E_INVALID;
  char path[160];
  path_join(path, sizeof path, pre, key);
  int n = snprintf(msg, AB_MSG_LEN, "%s: ", path[0] ? path : "case");
  if (n < 0 || n >= AB_MSG_LEN)
    return AB_E_INVALID;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg + n, (size_t)(AB_MSG_LEN - n), fmt, ap);
  va_end(ap);
  return AB_E_INVALID;
}

static ab_status member(const json_t *o, const char *pre, const char *key, const json_t **out,
                        char *msg) {
  *out = json_object_get(o, key);
  if (!*out)
    return fail(msg, pre, key, "missing required member");
  return AB_OK;
}

static ab_status rd_obj(const json_t *o, const char *pre, const char *key, const json_t **out,
                        char *msg) {
  ab_status st = member(o, pre, key, out, msg);
  if (st == AB_OK && !json_is_object(*out))
    return fail(msg, pre, key, "expected an object, got %s", kind_of(*out));
  return st;
}

static ab_status rd_str(const json_t *o, const char *pre, const char *key, char *dst, size_t cap,
                        char *msg) {
  const json_t *v;
  ab_status st = member(o, pre, key, &v, msg);
  if (st != AB_OK)
    return st;
  if (!json_is_string(v))
    return fail(msg, pre, key, "expected a string, got %s", kind_of(v));
  size_t len = json_string_length(v);
  if (len >= cap)
    return fail(msg, pre, key, "expected at most %zu bytes, got %zu", cap - 1, len);
  if (memchr(json_string_value(v), '\0', len))
    return fail(msg, pre, key, "expected a string without NUL characters");
  memcpy(dst, json_string_value(v), len);
  dst[len] = '\0';
  return AB_OK;
}

static ab_status rd_int(const json_t *o, const char *pre, const char *key, int64_t lo, int64_t hi,
                        int64_t *out, char *msg) {
  const json_t *v;
  ab_status st = member(o, pre, key, &v, msg);
  if (st != AB_OK)
    return st;
  if (!json_is_integer(v))
    return fail(msg, pre, key, "expected an integer, got %s", kind_of(v));
  json_int_t x = json_integer_value(v);
  if (x < lo || x > hi)
    return fail(msg, pre, key, "expected an integer in [%lld, %lld], got %lld", (long long)lo,
                (long long)hi, (long long)x);
  *out = (int64_t)x;
  return AB_OK;
}

static ab_status rd_u32(const json_t *o, const char *pre, const char *key, uint32_t *out,
                        char *msg) {
  int64_t x;
  ab_status st = rd_int(o, pre, key, 0, UINT32_MAX, &x, msg);
  if (st == AB_OK)
    *out = (uint32_t)x;
  return st;
}

static ab_status rd_u64(const json_t *o, const char *pre, const char *key, uint64_t *out,
                        char *msg) {
  int64_t x;
  ab_status st = rd_int(o, pre, key, 0, INT64_MAX, &x, msg);
  if (st == AB_OK)
    *out = (uint64_t)x;
  return st;
}

static ab_status rd_bool(const json_t *o, const char *pre, const char *key, bool *out, char *msg) {
  const json_t *v;
  ab_status st = member(o, pre, key, &v, msg);
  if (st != AB_OK)
    return st;
  if (!json_is_boolean(v))
    return fail(msg, pre, key, "expected true or false, got %s", kind_of(v));
  *out = json_is_true(v);
  return AB_OK;
}

/* A number; with `nullable`, null reads as NaN (the writer's form of "undefined"). */
static ab_status rd_num(const json_t *o, const char *pre, const char *key, bool nullable,
                        double *out, char *msg) {
  const json_t *v;
  ab_status st = member(o, pre, key, &v, msg);
  if (st != AB_OK)
    return st;
  if (nullable && json_is_null(v)) {
    *out = NAN;
    return AB_OK;
  }
  if (!json_is_number(v))
    return fail(msg, pre, key, "expected a number%s, got %s", nullable ? " or null" : "",
                kind_of(v));
  *out = json_number_value(v);
  return AB_OK;
}

static ab_status rd_enum(const json_t *o, const char *pre, const char *key,
                         const ab_name_table *names, int *out, char *msg) {
  const json_t *v;
  ab_status st = member(o, pre, key, &v, msg);
  if (st != AB_OK)
    return st;
  if (!json_is_string(v))
    return fail(msg, pre, key, "expected a string, got %s", kind_of(v));
  int i = ab_name_index(names, json_string_value(v));
  if (i < 0) {
    char list[256];
    ab_name_list(names, list, sizeof list);
    return fail(msg, pre, key, "expected one of %s, got \"%.64s\"", list, json_string_value(v));
  }
  *out = i;
  return AB_OK;
}

static ab_status rd_dtype(const json_t *o, const char *pre, const char *key, ab_dtype *out,
                          char *msg) {
  const json_t *v = json_object_get(o, key);
  if (json_is_null(v)) {
    *out = AB_DTYPE_INVALID; /* the kernel has no element type */
    return AB_OK;
  }
  int i = 0;
  ab_status st = rd_enum(o, pre, key, &ab_dtype_names, &i, msg);
  if (st == AB_OK)
    *out = (ab_dtype)i;
  return st;
}

static ab_status rd_kind(const json_t *o, const char *pre, const char *key, ab_kernel_kind *out,
                         char *msg) {
  int i = 0;
  ab_status st = rd_enum(o, pre, key, &ab_kernel_kind_names, &i, msg);
  if (st == AB_OK)
    *out = (ab_kernel_kind)i;
  return st;
}

static ab_status rd_stats(const json_t *o, const char *pre, const char *key, ab_stats *out,
                          char *msg) {
  const json_t *v;
  ab_status st = member(o, pre, key, &v, msg);
  if (st != AB_OK)
    return st;
  memset(out, 0, sizeof *out);
  if (json_is_null(v))
    return AB_OK; /* never measured */
  if (!json_is_object(v))
    return fail(msg, pre, key, "expected an object or null, got %s", kind_of(v));
  char p[128];
  path_join(p, sizeof p, pre, key);
  st = rd_u32(v, p, "n", &out->n, msg);
  struct {
    const char *name;
    double *dst;
  } f[] = {
      {"median", &out->median},
      {"mean", &out->mean},
      {"min", &out->min},
      {"max", &out->max},
      {"p5", &out->p5},
      {"p95", &out->p95},
      {"stdev", &out->stdev},
      {"cv", &out->cv},
      {"median_ci95_lo", &out->median_ci95_lo},
      {"median_ci95_hi", &out->median_ci95_hi},
  };
  for (size_t i = 0; i < N_OF(f) && st == AB_OK; i++)
    st = rd_num(v, p, f[i].name, true, f[i].dst, msg);
  return st;
}

static ab_status rd_param(const json_t *s, const char *p, const ab_param_field *f,
                          ab_kernel_desc *d, char *msg) {
  int64_t v = 0;
  ab_status st;
  if (f->optional && !json_object_get(s, f->name)) { /* a field added later: its default */
    ab_param_set(d, f, f->dflt);
    return AB_OK;
  }
  if (f->type == AB_PARAM_BOOL) {
    bool b = false;
    st = rd_bool(s, p, f->name, &b, msg);
    v = b;
  } else if (f->type == AB_PARAM_ENUM) {
    int i = 0;
    ab_name_table names = {f->names, f->n_names};
    st = rd_enum(s, p, f->name, &names, &i, msg);
    v = i;
  } else {
    st = rd_int(s, p, f->name, f->min, f->max, &v, msg);
  }
  if (st == AB_OK)
    ab_param_set(d, f, v);
  return st;
}

/* kernel.shape: every parameter of the kind, typed and in range (bench/model/kinds/). */
static ab_status rd_shape(const json_t *k, const char *pre, ab_kernel_desc *d, char *msg) {
  const json_t *s;
  ab_status st = rd_obj(k, pre, "shape", &s, msg);
  if (st != AB_OK)
    return st;
  char p[64];
  path_join(p, sizeof p, pre, "shape");
  const ab_kind_def *kind = ab_kind_def_of(d->kind);
  for (size_t i = 0; st == AB_OK && kind && i < kind->n_fields; i++)
    st = rd_param(s, p, &kind->fields[i], d, msg);
  return st;
}

/* kernel.operand_dtypes (ABI 1.3, optional): dtype names or null, at most one per operand. */
static ab_status rd_operand_dtypes(const json_t *k, ab_kernel_desc *d, char *msg) {
  const json_t *a = json_object_get(k, "operand_dtypes");
  if (!a)
    return AB_OK;
  if (!json_is_array(a) || json_array_size(a) > AB_KERNEL_MAX_OPERANDS)
    return fail(msg, "kernel", "operand_dtypes", "expected an array of at most %d dtypes, got %s",
                AB_KERNEL_MAX_OPERANDS, kind_of(a));
  for (size_t i = 0; i < json_array_size(a); i++) {
    const json_t *v = json_array_get(a, i);
    int t =
        json_is_null(v) ? AB_DTYPE_INVALID : ab_name_index(&ab_dtype_names, json_string_value(v));
    if (t < 0) {
      char key[48];
      snprintf(key, sizeof key, "operand_dtypes[%u]", (unsigned)i);
      return fail(msg, "kernel", key, "expected a dtype name or null, got %s", kind_of(v));
    }
    d->operand_dtypes[i] = (ab_dtype)t;
  }
  return AB_OK;
}

static ab_status rd_kernel(const json_t *j, ab_kernel_desc *d, char *msg) {
  const json_t *k;
  ab_status st = rd_obj(j, "", "kernel", &k, msg);
  memset(d, 0, sizeof *d);
  d->struct_size = sizeof *d;
  if (st == AB_OK)
    st = rd_kind(k, "kernel", "kind", &d->kind, msg);
  if (st == AB_OK)
    st = rd_dtype(k, "kernel", "dtype", &d->dtype, msg);
  if (st == AB_OK)
    st = rd_dtype(k, "kernel", "out_dtype", &d->out_dtype, msg);
  if (st == AB_OK)
    st = rd_shape(k, "kernel", d, msg);
  if (st == AB_OK)
    st = rd_operand_dtypes(k, d, msg);
  if (st == AB_OK && json_object_get(k, "layout")) {
    int l = 0;
    st = rd_enum(k, "kernel", "layout", &ab_layout_names, &l, msg);
    d->layout = l;
  }
  return st;
}

static ab_status rd_identity(const json_t *j, ab_case_result *c, char *msg) {
  const json_t *dev;
  ab_status st = rd_str(j, "", "id", c->case_id, sizeof c->case_id, msg);
  if (st == AB_OK)
    st = rd_str(j, "", "set", c->set, sizeof c->set, msg);
  if (st == AB_OK)
    st = rd_str(j, "", "backend", c->backend, sizeof c->backend, msg);
  if (st == AB_OK)
    st = rd_obj(j, "", "device", &dev, msg);
  if (st == AB_OK)
    st = rd_u32(dev, "device", "index", &c->device_index, msg);
  if (st == AB_OK)
    st = rd_str(dev, "device", "uid", c->device_uid, sizeof c->device_uid, msg);
  if (st == AB_OK)
    st = rd_str(dev, "device", "name", c->device_name, sizeof c->device_name, msg);
  if (st == AB_OK)
    st = rd_str(j, "", "provider", c->provider, sizeof c->provider, msg);
  return st;
}

/* Work per call: a count, so never negative (rates are derived from it). */
static ab_status rd_work(const json_t *w, const char *key, double *out, char *msg) {
  ab_status st = rd_num(w, "work", key, false, out, msg);
  if (st == AB_OK && *out < 0.0)
    return fail(msg, "work", key, "expected a number >= 0, got %g", *out);
  return st;
}

static ab_status rd_outcome(const json_t *j, ab_case_result *c, char *msg) {
  int s = 0;
  ab_status st = rd_enum(j, "", "status", &ab_case_status_names, &s, msg);
  c->status = (ab_case_status)s;
  if (st == AB_OK)
    st = rd_str(j, "", "reason", c->reason, sizeof c->reason, msg);
  if (st == AB_OK)
    st = rd_str(j, "", "implementation", c->implementation, sizeof c->implementation, msg);
  const json_t *w;
  if (st == AB_OK)
    st = rd_obj(j, "", "work", &w, msg);
  if (st == AB_OK)
    st = rd_work(w, "flops", &c->flops, msg);
  if (st == AB_OK)
    st = rd_work(w, "bytes", &c->bytes, msg);
  /* rates are derived from work and timing, so they are not read back; only their type is
   * checked so a damaged file does not pass unnoticed. */
  const json_t *r = json_object_get(j, "rates");
  if (st == AB_OK && r && !json_is_object(r))
    st = fail(msg, "", "rates", "expected an object, got %s", kind_of(r));
  return st;
}

/* An array of n non-negative numbers into a malloc'ed block (*out; NULL for n == 0). */
static ab_status rd_sample_array(const json_t *a, const char *key, double **out, char *msg) {
  size_t n = json_array_size(a);
  *out = NULL;
  if (!json_is_array(a))
    return fail(msg, "timing", key, "expected an array of numbers, got %s", kind_of(a));
  if (n > UINT32_MAX)
    return fail(msg, "timing", key, "expected at most %u samples, got %zu", UINT32_MAX, n);
  *out = n ? malloc(n * sizeof **out) : NULL;
  if (n && !*out)
    return AB_E_NOMEM;
  for (size_t i = 0; i < n; i++) {
    const json_t *v = json_array_get(a, i);
    if (!json_is_number(v) || json_number_value(v) < 0) {
      char p[48];
      snprintf(p, sizeof p, "%s[%zu]", key, i);
      return fail(msg, "timing", p, "expected a number >= 0, got %s", kind_of(v));
    }
    (*out)[i] = json_number_value(v);
  }
  return AB_OK;
}

/* Raw samples, added without a schema_version bump: absent in older files. When present,
 * both clocks' arrays are, with one value per sample each. */
static ab_status rd_samples(const json_t *t, ab_case_result *c, char *msg) {
  const json_t *dev = json_object_get(t, "samples_s"), *host = json_object_get(t, "host_samples_s");
  if (!dev && !host)
    return AB_OK;
  if (!dev || !host)
    return fail(msg, "timing", dev ? "host_samples_s" : "samples_s",
                "missing required member (samples_s and host_samples_s come together)");
  ab_status st = rd_sample_array(dev, "samples_s", &c->samples_s, msg);
  if (st == AB_OK)
    st = rd_sample_array(host, "host_samples_s", &c->host_samples_s, msg);
  if (st == AB_OK && json_array_size(dev) != json_array_size(host))
    st = fail(msg, "timing", "host_samples_s", "expected %zu values, as samples_s, got %zu",
              json_array_size(dev), json_array_size(host));
  if (st == AB_OK)
    c->n_samples = (uint32_t)json_array_size(dev);
  return st; /* on error the caller clears what was read */
}

static ab_status rd_timing(const json_t *j, ab_case_result *c, char *msg) {
  const json_t *t;
  int src = 0, stop = 0;
  ab_status st = rd_obj(j, "", "timing", &t, msg);
  if (st == AB_OK)
    st = rd_enum(t, "timing", "source", &ab_timer_source_names, &src, msg);
  if (st == AB_OK)
    st = rd_stats(t, "timing", "time_s", &c->time_s, msg);
  if (st == AB_OK)
    st = rd_stats(t, "timing", "host_time_s", &c->host_time_s, msg);
  if (st == AB_OK)
    st = rd_u32(t, "timing", "iterations_per_sample", &c->iterations_per_sample, msg);
  if (st == AB_OK)
    st = rd_u64(t, "timing", "iterations_total", &c->iterations_total, msg);
  if (st == AB_OK)
    st = rd_num(t, "timing", "warmup_s", true, &c->warmup_s, msg);
  if (st == AB_OK)
    st = rd_num(t, "timing", "setup_s", true, &c->setup_s, msg);
  if (st == AB_OK)
    st = rd_num(t, "timing", "measured_s", true, &c->measured_s, msg);
  if (st == AB_OK)
    st = rd_enum(t, "timing", "stop_reason", &ab_stop_reason_names, &stop, msg);
  /* Added without a schema_version bump: optional for readers of older files. */
  if (st == AB_OK && json_object_get(t, "backend_overhead_s"))
    st = rd_num(t, "timing", "backend_overhead_s", true, &c->backend_overhead_s, msg);
  if (st == AB_OK && json_object_get(t, "harness_overhead_s"))
    st = rd_num(t, "timing", "harness_overhead_s", true, &c->harness_overhead_s, msg);
  if (st == AB_OK && json_object_get(t, "check_s"))
    st = rd_num(t, "timing", "check_s", false, &c->check_s, msg);
  if (st == AB_OK && json_object_get(t, "device_timer_rejected_median_s"))
    st = rd_num(t, "timing", "device_timer_rejected_median_s", false, &c->device_timer_rejected_s,
                msg);
  const json_t *cold = NULL;
  if (st == AB_OK && json_object_get(t, "cold_cache"))
    st = rd_obj(t, "timing", "cold_cache", &cold, msg);
  if (st == AB_OK && cold)
    st = rd_u32(cold, "timing.cold_cache", "copies", &c->cold_cache_copies, msg);
  if (st == AB_OK && cold)
    st = rd_u64(cold, "timing.cold_cache", "bytes", &c->cold_cache_bytes, msg);
  if (st == AB_OK)
    st = rd_samples(t, c, msg);
  c->timer = (ab_timer_source)src;
  c->stop_reason = (ab_stop_reason)stop;
  return st;
}

/* Times are never negative and a median lies inside its interval and its sample range: a
 * file that says otherwise was not written by a harness, and a report must not print it
 * as a measurement. */
static ab_status check_stats(const ab_stats *s, const char *path, char *msg) {
  const struct {
    const char *name;
    double v;
  } f[] = {{"median", s->median},
           {"mean", s->mean},
           {"min", s->min},
           {"max", s->max},
           {"p5", s->p5},
           {"p95", s->p95},
           {"stdev", s->stdev},
           {"cv", s->cv},
           {"median_ci95_lo", s->median_ci95_lo},
           {"median_ci95_hi", s->median_ci95_hi}};
  for (size_t i = 0; i < N_OF(f); i++)
    if (f[i].v < 0)
      return fail(msg, path, f[i].name, "expected a value >= 0, got %g", f[i].v);
  if (s->min > s->median || s->median > s->max)
    return fail(msg, path, "median", "expected min <= median <= max, got %g <= %g <= %g", s->min,
                s->median, s->max);
  if (s->median_ci95_lo > s->median || s->median > s->median_ci95_hi)
    return fail(msg, path, "median_ci95_lo",
                "expected median_ci95_lo <= median <= median_ci95_hi, got %g <= %g <= %g",
                s->median_ci95_lo, s->median, s->median_ci95_hi);
  return AB_OK;
}

static ab_status check_timing(const ab_case_result *c, char *msg) {
  ab_status st = check_stats(&c->time_s, "timing.time_s", msg);
  if (st == AB_OK)
    st = check_stats(&c->host_time_s, "timing.host_time_s", msg);
  /* An ok case was timed: its rate is computed from this median. */
  if (st == AB_OK && c->status == AB_CASE_OK && !(c->time_s.n > 0 && c->time_s.median > 0))
    return fail(msg, "timing.time_s", "median",
                "expected a time > 0 for a case with status \"ok\" (it was timed)");
  return st;
}

/* validation.full_check (optional: kinds with an every-element check, files since it). */
static ab_status rd_full_check(const json_t *o, ab_validation *v, char *msg) {
  const json_t *f = json_object_get(o, "full_check");
  v->full_first_failed = -1;
  if (!f)
    return AB_OK;
  const char *p = "validation.full_check";
  if (!json_is_object(f))
    return fail(msg, "validation", "full_check", "expected an object, got %s", kind_of(f));
  v->full_checked = true;
  ab_status st = rd_u64(f, p, "failed", &v->full_failed, msg);
  if (st == AB_OK)
    st = rd_int(f, p, "first_failed", -1, INT64_MAX, &v->full_first_failed, msg);
  if (st == AB_OK)
    st = rd_str(f, p, "rule", v->full_rule, sizeof v->full_rule, msg);
  return st;
}

/* The device's other processes (optional: files since power ABI 1.2 / backend ABI 1.4). */
static ab_status rd_device_processes(const json_t *o, const char *p, ab_interference *x,
                                     char *msg) {
  if (!json_object_get(o, "device_processes"))
    return AB_OK;
  x->device_measured = true;
  ab_status st = rd_u32(o, p, "device_processes", &x->device_processes, msg);
  if (st == AB_OK && json_object_get(o, "device_process_list"))
    st = rd_str(o, p, "device_process_list", x->device_process_list, sizeof x->device_process_list,
                msg);
  return st;
}

/* What else the machine did in the window (optional: files since it). */
static ab_status rd_interference(const json_t *j, ab_interference *x, char *msg) {
  const json_t *o = json_object_get(j, "interference");
  const char *p = "interference";
  if (!o)
    return AB_OK;
  if (!json_is_object(o))
    return fail(msg, "", p, "expected an object, got %s", kind_of(o));
  x->measured = true;
  ab_status st = rd_num(o, p, "window_s", false, &x->window_s, msg);
  if (st == AB_OK)
    st = rd_num(o, p, "other_cpu_s", false, &x->other_cpu_s, msg);
  if (st == AB_OK)
    st = rd_num(o, p, "steal_s", false, &x->steal_s, msg);
  x->quantum_s = -1.0; /* files before it: unknown, and the window is not re-judged */
  if (st == AB_OK && json_object_get(o, "quantum_s"))
    st = rd_num(o, p, "quantum_s", false, &x->quantum_s, msg);
  if (st == AB_OK)
    st = rd_bool(o, p, "disturbed", &x->disturbed, msg);
  if (st == AB_OK)
    st = rd_device_processes(o, p, x, msg);
  return st;
}

/* The case's audited call (optional: cases that ran one, files since it). */
static ab_status rd_audit(const json_t *j, ab_case_result *c, char *msg) {
  const json_t *a = json_object_get(j, "audit");
  if (!a)
    return AB_OK;
  if (!json_is_object(a))
    return fail(msg, "", "audit", "expected an object, got %s", kind_of(a));
  c->audit.done = true;
  ab_status st = rd_u32(a, "audit", "sample", &c->audit.sample, msg);
  if (st == AB_OK)
    st = rd_u32(a, "audit", "rounds", &c->audit.rounds, msg);
  if (st == AB_OK)
    st = rd_num(a, "audit", "control_s", true, &c->audit.control_s, msg);
  if (st == AB_OK)
    st = rd_num(a, "audit", "audit_s", true, &c->audit.audit_s, msg);
  if (st == AB_OK)
    st = rd_u64(a, "audit", "mismatches", &c->audit.mismatches, msg);
  /* Files before "calls" came from a harness whose every round made its control calls. */
  c->audit.calls = c->audit.rounds * (AB_AUDIT_CONTROL_CALLS + 1);
  if (st == AB_OK && json_object_get(a, "calls"))
    st = rd_u32(a, "audit", "calls", &c->audit.calls, msg);
  c->audit.as_sample = false; /* files before "as_sample": always an extra call */
  if (st == AB_OK && json_object_get(a, "as_sample"))
    st = rd_bool(a, "audit", "as_sample", &c->audit.as_sample, msg);
  return st;
}

static ab_status rd_validation(const json_t *j, ab_validation *v, char *msg) {
  const json_t *o;
  const char *p = "validation";
  ab_status st = rd_obj(j, "", p, &o, msg);
  if (st == AB_OK)
    st = rd_bool(o, p, "checked", &v->checked, msg);
  if (st == AB_OK)
    st = rd_u64(o, p, "elements_checked", &v->elements_checked, msg);
  if (st == AB_OK)
    st = rd_u64(o, p, "elements_total", &v->elements_total, msg);
  if (st == AB_OK)
    st = rd_u64(o, p, "mismatches", &v->mismatches, msg);
  if (st == AB_OK)
    st = rd_num(o, p, "max_abs_error", true, &v->max_abs_error, msg);
  if (st == AB_OK)
    st = rd_num(o, p, "max_error_ratio", true, &v->max_error_ratio, msg);
  if (st == AB_OK)
    st = rd_str(o, p, "rule", v->rule, sizeof v->rule, msg);
  if (st == AB_OK)
    st = rd_full_check(o, v, msg);
  if (st == AB_OK && json_object_get(o, "seed"))
    st = rd_u64(o, p, "seed", &v->seed, msg);
  return st;
}

/* An optional object member, copied; anything else than an object is a format error. */
static ab_status rd_opt_object(const json_t *j, const char *key, json_t **out, char *msg) {
  const json_t *v = json_object_get(j, key);
  if (!v || json_is_null(v))
    return AB_OK;
  if (!json_is_object(v))
    return fail(msg, "", key, "expected an object, got %s", kind_of(v));
  *out = json_deep_copy(v);
  return *out ? AB_OK : AB_E_NOMEM;
}

/* One case; `check_figures` adds the plausibility checks of its statistics. */
static ab_status case_from_json(const json_t *j, ab_case_result *out, bool check_figures,
                                char *msg) {
  if (!out)
    return fail(msg, "", "", "no output record given");
  memset(out, 0, sizeof *out);
  if (!json_is_object(j))
    return fail(msg, "", "", "expected an object, got %s", kind_of(j));
  ab_status st = rd_identity(j, out, msg);
  if (st == AB_OK)
    st = rd_kernel(j, &out->desc, msg);
  if (st == AB_OK)
    st = rd_outcome(j, out, msg);
  if (st == AB_OK)
    st = rd_timing(j, out, msg);
  if (st == AB_OK && check_figures)
    st = check_timing(out, msg);
  if (st == AB_OK)
    st = rd_validation(j, &out->validation, msg);
  if (st == AB_OK)
    st = rd_audit(j, out, msg);
  if (st == AB_OK)
    st = rd_interference(j, &out->interference, msg);
  if (st == AB_OK)
    st = rd_opt_object(j, "power", &out->power, msg);
  if (st == AB_OK)
    st = rd_opt_object(j, "thermal", &out->thermal, msg);
  if (st == AB_OK)
    st = rd_opt_object(j, "composite", &out->composite, msg);
  if (st != AB_OK) {
    ab_case_result_clear(out);
    memset(out, 0, sizeof *out); /* never hand back a half-filled record */
  }
  return st;
}

ab_status ab_run_write(const ab_run *run, const char *path, char *msg) {
  json_t *j = ab_run_to_json(run);
  if (!j) {
    if (msg)
      snprintf(msg, AB_MSG_LEN, "%s: cannot build the run file JSON (out of memory?)",
               path ? path : "(null)");
    return AB_E_NOMEM;
  }
  ab_status st = ab_json_write_atomic(j, path, msg);
  json_decref(j);
  return st;
}

void ab_run_free(ab_run *run) {
  if (!run)
    return;
  free(run->suite_text);
  json_decref(run->suite_effective);
  json_decref(run->system);
  json_decref(run->power);
  json_decref(run->harness_resources);
  free(run->backends);
  free(run->devices);
  for (size_t i = 0; run->cases && i < run->n_cases; i++)
    ab_case_result_clear(&run->cases[i]);
  free(run->cases);
  memset(run, 0, sizeof *run);
}

/* ---------------------------------------------------------------------------------------
 * Reading a whole run file. `schema` and `schema_version` are checked before anything
 * else, so a file from a newer accelbench is refused with both versions named rather than
 * with a confusing message about some member it added. Messages are
 * "NAME: PATH: expected ...", PATH a JSON path ("cases[3].timing.time_s.median").
 * ------------------------------------------------------------------------------------- */

/* A string member that the writer sets to null when empty (STR_OR_NULL). */
static ab_status rd_str_or_null(const json_t *o, const char *pre, const char *key, char *dst,
                                size_t cap, char *msg) {
  const json_t *v = json_object_get(o, key);
  if (json_is_null(v)) {
    dst[0] = '\0';
    return AB_OK;
  }
  return rd_str(o, pre, key, dst, cap, msg);
}

/* An integer member that the writer sets to null when unknown (u64_or_null). */
static ab_status rd_u64_or_null(const json_t *o, const char *pre, const char *key, uint64_t hi,
                                uint64_t *out, char *msg) {
  const json_t *v = json_object_get(o, key);
  *out = 0;
  if (json_is_null(v))
    return AB_OK;
  int64_t x = 0;
  ab_status st = rd_int(o, pre, key, 0, (int64_t)hi, &x, msg);
  *out = (uint64_t)x;
  return st;
}

/* An optional open object (power, harness_resources), or a required one (system). */
static ab_status rd_open_object(const json_t *j, const char *pre, const char *key, bool required,
                                json_t **out, char *msg) {
  const json_t *v = json_object_get(j, key);
  if (!v && required)
    return fail(msg, pre, key, "missing required member");
  if (!v || (json_is_null(v) && !required))
    return AB_OK;
  if (!json_is_object(v))
    return fail(msg, pre, key, "expected an object, got %s", kind_of(v));
  *out = json_deep_copy(v);
  return *out ? AB_OK : AB_E_NOMEM;
}

static ab_status rd_version(const json_t *j, char *msg) {
  char schema[32];
  ab_status st = rd_str(j, "", "schema", schema, sizeof schema, msg);
  if (st == AB_OK && strcmp(schema, RUNFILE_SCHEMA_NAME) != 0)
    return fail(msg, "", "schema", "expected \"%s\", got \"%s\" (not an accelbench run file)",
                RUNFILE_SCHEMA_NAME, schema);
  int64_t version = 0;
  if (st == AB_OK)
    st = rd_int(j, "", "schema_version", 1, INT64_MAX, &version, msg);
  if (st == AB_OK && version > AB_RUNFILE_SCHEMA_VERSION)
    return fail(msg, "", "schema_version",
                "%lld, this accelbench reads up to %d (written by a newer accelbench; "
                "upgrade to read it)",
                (long long)version, AB_RUNFILE_SCHEMA_VERSION);
  return st;
}

static ab_status rd_suite(const json_t *j, ab_run *run, char *msg) {
  const json_t *s;
  ab_status st = rd_obj(j, "", "suite", &s, msg);
  if (st == AB_OK)
    st = rd_str(s, "suite", "name", run->suite_name, sizeof run->suite_name, msg);
  if (st == AB_OK)
    st = rd_str_or_null(s, "suite", "path", run->suite_path, sizeof run->suite_path, msg);
  const json_t *text = json_object_get(s, "text");
  if (st == AB_OK && text && !json_is_null(text)) {
    if (!json_is_string(text))
      return fail(msg, "suite", "text", "expected a string or null, got %s", kind_of(text));
    run->suite_text = strdup(json_string_value(text));
    if (!run->suite_text)
      return AB_E_NOMEM;
  }
  if (st == AB_OK)
    st = rd_open_object(s, "suite", "effective", false, &run->suite_effective, msg);
  return st;
}

static ab_status rd_header(const json_t *j, ab_run *run, char *msg) {
  const json_t *h;
  ab_status st = rd_obj(j, "", "harness", &h, msg);
  if (st == AB_OK)
    st = rd_str(h, "harness", "version", run->harness_version, sizeof run->harness_version, msg);
  if (st == AB_OK)
    st = rd_str_or_null(h, "harness", "git_commit", run->git_commit, sizeof run->git_commit, msg);
  if (st == AB_OK)
    st = rd_str(j, "", "started_utc", run->started_utc, sizeof run->started_utc, msg);
  if (st == AB_OK)
    st = rd_str_or_null(j, "", "finished_utc", run->finished_utc, sizeof run->finished_utc, msg);
  if (st == AB_OK)
    st = rd_num(j, "", "wall_s", true, &run->wall_s, msg);
  if (st == AB_OK)
    st = rd_bool(j, "", "complete", &run->complete, msg);
  if (st == AB_OK)
    st = rd_str(j, "", "command_line", run->command_line, sizeof run->command_line, msg);
  if (st == AB_OK)
    st = rd_suite(j, run, msg);
  if (st == AB_OK)
    st = rd_open_object(j, "", "system", true, &run->system, msg);
  if (st == AB_OK)
    st = rd_open_object(j, "", "power", false, &run->power, msg);
  if (st == AB_OK)
    st = rd_open_object(j, "", "harness_resources", false, &run->harness_resources, msg);
  return st;
}

/* Module size and SHA-256: added without a schema_version bump, so optional. */
static ab_status rd_provenance(const json_t *b, const char *pre, ab_backend_record *out,
                               char *msg) {
  ab_status st = AB_OK;
  if (json_object_get(b, "module_sha256"))
    st =
        rd_str_or_null(b, pre, "module_sha256", out->module_sha256, sizeof out->module_sha256, msg);
  if (st == AB_OK && out->module_sha256[0] && !ab_sha256_hex_valid(out->module_sha256))
    return fail(msg, pre, "module_sha256", "expected 64 lower-case hex digits");
  if (st == AB_OK && json_object_get(b, "module_size"))
    st = rd_u64_or_null(b, pre, "module_size", INT64_MAX, &out->module_size, msg);
  return st;
}

static ab_status rd_backend(const json_t *b, const char *pre, ab_backend_record *out, char *msg) {
  if (!json_is_object(b))
    return fail(msg, pre, "", "expected an object, got %s", kind_of(b));
  ab_status st = rd_str(b, pre, "name", out->name, sizeof out->name, msg);
  if (st == AB_OK)
    st = rd_str_or_null(b, pre, "module_path", out->module_path, sizeof out->module_path, msg);
  if (st == AB_OK)
    st = rd_provenance(b, pre, out, msg);
  if (st == AB_OK)
    st = rd_str_or_null(b, pre, "description", out->description, sizeof out->description, msg);
  const json_t *abi = json_object_get(b, "abi");
  if (st == AB_OK && !json_is_null(abi)) {
    char p[96];
    path_join(p, sizeof p, pre, "abi");
    st = rd_obj(b, pre, "abi", &abi, msg);
    if (st == AB_OK)
      st = rd_u32(abi, p, "major", &out->abi_major, msg);
    if (st == AB_OK)
      st = rd_u32(abi, p, "minor", &out->abi_minor, msg);
  }
  if (st == AB_OK)
    st = rd_bool(b, pre, "enabled", &out->enabled, msg);
  if (st == AB_OK)
    st = rd_str_or_null(b, pre, "disabled_reason", out->disabled_reason,
                        sizeof out->disabled_reason, msg);
  return st;
}

static ab_status rd_attrs(const json_t *d, const char *pre, ab_device_info *info, char *msg) {
  const json_t *attrs;
  ab_status st = rd_obj(d, pre, "attrs", &attrs, msg);
  if (st != AB_OK)
    return st;
  char p[96];
  path_join(p, sizeof p, pre, "attrs");
  if (json_object_size(attrs) > AB_MAX_ATTRS)
    return fail(msg, pre, "attrs", "expected at most %d members, got %zu", AB_MAX_ATTRS,
                json_object_size(attrs));
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)attrs, key, v) {
    (void)v;
    ab_attr *a = &info->attrs[info->n_attrs];
    if (strlen(key) >= sizeof a->key)
      return fail(msg, p, key, "expected a key of at most %zu bytes", sizeof a->key - 1);
    st = rd_str(attrs, p, key, a->value, sizeof a->value, msg);
    if (st != AB_OK)
      return st;
    memcpy(a->key, key, strlen(key) + 1);
    info->n_attrs++;
  }
  return AB_OK;
}

static ab_status rd_device_counts(const json_t *d, const char *pre, ab_device_info *i, char *msg) {
  uint64_t cu = 0, mhz = 0;
  ab_status st = rd_u64_or_null(d, pre, "memory_bytes", INT64_MAX, &i->memory_bytes, msg);
  if (st == AB_OK)
    st = rd_u64_or_null(d, pre, "compute_units", UINT32_MAX, &cu, msg);
  if (st == AB_OK)
    st = rd_u64_or_null(d, pre, "max_clock_mhz", UINT32_MAX, &mhz, msg);
  i->compute_units = (uint32_t)cu;
  i->max_clock_mhz = (uint32_t)mhz;
  return st;
}

static ab_status rd_device(const json_t *d, const char *pre, ab_device_record *out, char *msg) {
  if (!json_is_object(d))
    return fail(msg, pre, "", "expected an object, got %s", kind_of(d));
  ab_device_info *i = &out->info;
  i->struct_size = sizeof *i;
  int type = 0;
  ab_status st = rd_str(d, pre, "backend", out->backend, sizeof out->backend, msg);
  if (st == AB_OK)
    st = rd_u32(d, pre, "index", &out->index, msg);
  if (st == AB_OK)
    st = rd_str_or_null(d, pre, "uid", i->uid, sizeof i->uid, msg);
  if (st == AB_OK)
    st = rd_str(d, pre, "name", i->name, sizeof i->name, msg);
  if (st == AB_OK)
    st = rd_enum(d, pre, "type", &ab_device_type_names, &type, msg);
  i->type = (ab_device_type)type;
  if (st == AB_OK)
    st = rd_str_or_null(d, pre, "vendor", i->vendor, sizeof i->vendor, msg);
  if (st == AB_OK)
    st = rd_str_or_null(d, pre, "driver_version", i->driver_version, sizeof i->driver_version, msg);
  if (st == AB_OK)
    st = rd_str_or_null(d, pre, "runtime_version", i->runtime_version, sizeof i->runtime_version,
                        msg);
  if (st == AB_OK)
    st = rd_device_counts(d, pre, i, msg);
  if (st == AB_OK)
    st = rd_attrs(d, pre, i, msg);
  return st;
}

/* A case's power object is written by bench/power (docs/power.md) and kept open in the case
 * record; a report ranks devices by it, so the whole-file reader checks what it relies on:
 * a known scope, and for a valid window non-negative figures (net-of-idle figures may be
 * negative: a device can draw less than the idle baseline) and a consistent timeline. */
static const char *const power_scopes[] = {"unknown", "chip", "board", "node"};
static const ab_name_table power_scope_names = {power_scopes, N_OF(power_scopes)};

static ab_status check_power_timeline(const json_t *src, const char *pre, char *msg) {
  const json_t *tl = json_object_get(src, "timeline");
  if (!tl)
    return AB_OK;
  char p[160];
  path_join(p, sizeof p, pre, "timeline");
  const json_t *t = json_object_get(tl, "t_s"), *w = json_object_get(tl, "w");
  if (!json_is_object(tl) || !json_is_array(t) || !json_is_array(w) ||
      json_array_size(t) != json_array_size(w))
    return fail(msg, pre, "timeline", "expected {\"t_s\": [...], \"w\": [...]} of equal length");
  for (size_t i = 0; i < json_array_size(w); i++)
    if (!json_is_number(json_array_get(t, i)) || !json_is_number(json_array_get(w, i)) ||
        json_number_value(json_array_get(w, i)) < 0)
      return fail(msg, p, "w", "expected numbers, watts >= 0 (point %zu)", i);
  return AB_OK;
}

static ab_status check_power_source(const json_t *src, const char *pre, char *msg) {
  static const char *const figures[] = {
      "energy_j",    "avg_w",           "peak_w",      "idle_w",
      "pj_per_flop", "gflops_per_w",    "pj_per_byte", "gbytes_per_s_per_w",
      "j_per_token", "net_j_per_token", "duration_s",  "net_uncertainty_w",
      "avg_se_w",    "idle_se_w"};
  if (!json_is_object(src))
    return fail(msg, pre, "", "expected an object, got %s", kind_of(src));
  int scope = 0;
  bool valid = false;
  ab_status st = rd_enum(src, pre, "scope", &power_scope_names, &scope, msg);
  if (st == AB_OK)
    st = rd_bool(src, pre, "valid", &valid, msg);
  double v = 0;
  if (st == AB_OK && valid)
    st = rd_num(src, pre, "energy_j", false, &v, msg);
  if (st == AB_OK && valid)
    st = rd_num(src, pre, "avg_w", false, &v, msg);
  for (size_t i = 0; i < N_OF(figures) && st == AB_OK; i++) {
    if (!json_object_get(src, figures[i]))
      continue;
    st = rd_num(src, pre, figures[i], true, &v, msg);
    if (st == AB_OK && v < 0)
      st = fail(msg, pre, figures[i], "expected a value >= 0, got %g", v);
  }
  return st == AB_OK ? check_power_timeline(src, pre, msg) : st;
}

static ab_status check_case_power(const json_t *c, const char *pre, char *msg) {
  const json_t *sources = json_object_get(json_object_get(c, "power"), "sources");
  if (!sources)
    return AB_OK; /* absent, or {"not_measured": reason} */
  char p[96];
  path_join(p, sizeof p, pre, "power");
  if (!json_is_array(sources))
    return fail(msg, p, "sources", "expected an array, got %s", kind_of(sources));
  ab_status st = AB_OK;
  for (size_t i = 0; i < json_array_size(sources) && st == AB_OK; i++) {
    char q[128];
    snprintf(q, sizeof q, "%s.sources[%zu]", p, i);
    st = check_power_source(json_array_get(sources, i), q, msg);
  }
  return st;
}

ab_status ab_case_from_json(const json_t *j, ab_case_result *out, char *msg) {
  return case_from_json(j, out, true, msg);
}

/* A case keeps its own message ("timing.source: ..."); put its place in the file first. */
static ab_status rd_case_at(const json_t *c, const char *pre, ab_case_result *out,
                            bool check_figures, char *msg) {
  char inner[AB_MSG_LEN] = "";
  ab_status st = case_from_json(c, out, check_figures, inner);
  if (st == AB_OK) {
    st = check_case_power(c, pre, msg);
    if (st != AB_OK)
      ab_case_result_clear(out);
    return st;
  }
  if (msg) {
    bool whole = strncmp(inner, "case: ", 6) == 0; /* about the record, not a member */
    int n = snprintf(msg, AB_MSG_LEN, "%s%s", pre, whole ? "" : ".");
    if (n >= 0 && n < AB_MSG_LEN)
      snprintf(msg + n, (size_t)(AB_MSG_LEN - n), "%s", whole ? inner + 4 : inner);
  }
  return st;
}

/* Reads array `key` of records of `size` bytes with `rd`, into a calloc'ed block. */
typedef ab_status (*record_reader)(const json_t *, const char *, void *, char *);

static ab_status rd_records(const json_t *j, const char *key, size_t size, record_reader rd,
                            void **items, size_t *n, char *msg) {
  const json_t *arr;
  ab_status st = member(j, "", key, &arr, msg);
  if (st != AB_OK)
    return st;
  if (!json_is_array(arr))
    return fail(msg, "", key, "expected an array, got %s", kind_of(arr));
  size_t count = json_array_size(arr);
  *items = calloc(count ? count : 1, size);
  if (!*items)
    return AB_E_NOMEM;
  for (size_t i = 0; i < count; i++) {
    char pre[48];
    snprintf(pre, sizeof pre, "%s[%zu]", key, i);
    st = rd(json_array_get(arr, i), pre, (char *)*items + i * size, msg);
    if (st != AB_OK)
      return st;
    *n = i + 1;
  }
  return AB_OK;
}

ab_status ab_backend_from_json(const json_t *j, const char *pre, ab_backend_record *out,
                               char *msg) {
  memset(out, 0, sizeof *out);
  return rd_backend(j, pre, out, msg);
}

ab_status ab_device_from_json(const json_t *j, const char *pre, ab_device_record *out, char *msg) {
  memset(out, 0, sizeof *out);
  return rd_device(j, pre, out, msg);
}

static ab_status rd_backend_v(const json_t *j, const char *pre, void *out, char *msg) {
  return rd_backend(j, pre, out, msg);
}
static ab_status rd_device_v(const json_t *j, const char *pre, void *out, char *msg) {
  return rd_device(j, pre, out, msg);
}
static ab_status rd_case_v(const json_t *j, const char *pre, void *out, char *msg) {
  return rd_case_at(j, pre, out, true, msg);
}
static ab_status rd_case_unchecked_v(const json_t *j, const char *pre, void *out, char *msg) {
  return rd_case_at(j, pre, out, false, msg);
}

static int cmp_case_id(const void *a, const void *b) {
  const ab_case_result *const *x = a, *const *y = b;
  return strcmp((*x)->case_id, (*y)->case_id);
}

/* Every case names a device of devices[]: the report takes the device's facts (type,
 * vendor) from there, and a case on no known device cannot be matched or compared. */
static ab_status check_case_devices(const ab_run *run, char *msg) {
  for (size_t i = 0; i < run->n_cases; i++) {
    const ab_case_result *c = &run->cases[i];
    bool found = false;
    for (size_t d = 0; d < run->n_devices && !found; d++)
      found = run->devices[d].index == c->device_index &&
              strcmp(run->devices[d].backend, c->backend) == 0;
    if (!found) {
      char pre[48];
      snprintf(pre, sizeof pre, "cases[%zu]", i);
      return fail(msg, pre, "device.index", "expected a device of devices[], got %.32s:%u",
                  c->backend, c->device_index);
    }
  }
  return AB_OK;
}

/* Case ids are the key of the journal and of every comparison: a repeated one would pair
 * the wrong records, so it is refused like any other malformed member. */
static ab_status check_unique_ids(const ab_run *run, char *msg) {
  if (run->n_cases < 2)
    return AB_OK;
  const ab_case_result **by_id = malloc(run->n_cases * sizeof *by_id);
  if (!by_id)
    return AB_E_NOMEM;
  for (size_t i = 0; i < run->n_cases; i++)
    by_id[i] = &run->cases[i];
  qsort(by_id, run->n_cases, sizeof *by_id, cmp_case_id);
  ab_status st = AB_OK;
  for (size_t i = 1; i < run->n_cases && st == AB_OK; i++)
    if (strcmp(by_id[i - 1]->case_id, by_id[i]->case_id) == 0) {
      size_t a = (size_t)(by_id[i - 1] - run->cases), b = (size_t)(by_id[i] - run->cases);
      char pre[48];
      snprintf(pre, sizeof pre, "cases[%zu]", a > b ? a : b);
      st = fail(msg, pre, "id", "expected a unique case id, \"%.200s\" is also cases[%zu]",
                by_id[i]->case_id, a > b ? b : a);
    }
  free(by_id);
  return st;
}

/* "NAME: TEXT" into msg, TEXT cut rather than NAME when it does not fit. */
static void name_message(char *msg, const char *name, const char *text) {
  if (!msg)
    return;
  int n = snprintf(msg, AB_MSG_LEN, "%s: ", name);
  if (n >= 0 && n < AB_MSG_LEN)
    snprintf(msg + n, (size_t)(AB_MSG_LEN - n), "%s", text);
}

static ab_status run_from_json(const json_t *j, const char *name, ab_run *out,
                               record_reader case_reader, char *msg) {
  char inner[AB_MSG_LEN] = "";
  memset(out, 0, sizeof *out);
  ab_status st = AB_OK;
  if (json_is_object(j)) {
    st = rd_version(j, inner);
  } else {
    snprintf(inner, sizeof inner, "expected a JSON object at the top, got %s", kind_of(j));
    st = AB_E_INVALID;
  }
  if (st == AB_OK)
    st = rd_header(j, out, inner);
  if (st == AB_OK)
    st = rd_records(j, "backends", sizeof *out->backends, rd_backend_v, (void **)&out->backends,
                    &out->n_backends, inner);
  if (st == AB_OK)
    st = rd_records(j, "devices", sizeof *out->devices, rd_device_v, (void **)&out->devices,
                    &out->n_devices, inner);
  if (st == AB_OK)
    st = rd_records(j, "cases", sizeof *out->cases, case_reader, (void **)&out->cases,
                    &out->n_cases, inner);
  if (st == AB_OK)
    st = check_unique_ids(out, inner);
  if (st == AB_OK)
    st = check_case_devices(out, inner);
  if (st != AB_OK) {
    name_message(msg, name, st == AB_E_NOMEM ? "out of memory" : inner);
    ab_run_free(out);
  }
  return st;
}

ab_status ab_run_from_json(const json_t *j, const char *name, ab_run *out, char *msg) {
  return run_from_json(j, name, out, rd_case_v, msg);
}

ab_status ab_run_from_json_unchecked(const json_t *j, const char *name, ab_run *out, char *msg) {
  return run_from_json(j, name, out, rd_case_unchecked_v, msg);
}

static ab_status load_run(const char *path, ab_run *out, json_t **root, record_reader case_reader,
                          char *msg) {
  if (root)
    *root = NULL;
  memset(out, 0, sizeof *out);
  struct stat sb;
  if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
    if (msg)
      snprintf(msg, AB_MSG_LEN,
               "%s: expected a run file, got a directory (the run file is "
               "DIR/run.json)",
               path);
    return AB_E_INVALID;
  }
  json_error_t err;
  /* JSON_REJECT_DUPLICATES: a repeated member would make what we read depend on order. */
  json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
  if (!j) {
    int e = errno;
    bool io = err.line < 1 && access(path, R_OK) != 0;
    if (io) {
      if (msg)
        snprintf(msg, AB_MSG_LEN, "cannot read run file %s: %s", path, strerror(e));
      return AB_E_IO;
    }
    if (msg)
      snprintf(msg, AB_MSG_LEN, "%s:%d:%d: not valid JSON: %s", path, err.line, err.column,
               err.text);
    return AB_E_INVALID;
  }
  ab_status st = run_from_json(j, path, out, case_reader, msg);
  if (st == AB_OK && root)
    *root = j;
  else
    json_decref(j);
  return st;
}

ab_status ab_run_load(const char *path, ab_run *out, json_t **root, char *msg) {
  return load_run(path, out, root, rd_case_v, msg);
}

ab_status ab_run_load_unchecked(const char *path, ab_run *out, json_t **root, char *msg) {
  return load_run(path, out, root, rd_case_unchecked_v, msg);
}
