/* Tests of the run file (bench/model/runfile.c): names, case round trip for every status, the
 * strict reader, rates, the atomic writer, and a whole run checked against the JSON Schema
 * by tests/runfile/validate_runfile.py (the test that proves writer and schema agree). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/runfile.h"
#include "sysinfo.h"

#define VALIDATOR AB_TEST_SOURCE_DIR "/tests/runfile/validate_runfile.py"

/* ---- fixtures ------------------------------------------------------------------------ */

static ab_stats make_stats(double median) {
  ab_stats s = {.n = 12,
                .median = median,
                .mean = median * 1.01,
                .min = median * 0.97,
                .max = median * 1.2,
                .p5 = median * 0.98,
                .p95 = median * 1.1,
                .stdev = median * 0.02,
                .cv = 0.0198,
                .median_ci95_lo = median * 0.99,
                .median_ci95_hi = median * 1.02};
  return s;
}

/* A case as the runner would leave it for `status`: never-run cases have no samples. */
static ab_case_result make_case(ab_case_status status) {
  ab_case_result c;
  memset(&c, 0, sizeof c);
  snprintf(c.case_id, sizeof c.case_id, "cpu/0/openblas/gemm/f32/m=512 n=256 k=128 nt");
  strcpy(c.set, "square");
  strcpy(c.backend, "cpu");
  c.device_index = 0;
  strcpy(c.device_uid, "cpu0");
  strcpy(c.device_name, "AMD EPYC");
  strcpy(c.provider, "openblas");
  c.desc.struct_size = sizeof c.desc;
  c.desc.kind = AB_KERNEL_GEMM;
  c.desc.dtype = AB_DTYPE_F32;
  c.desc.out_dtype = AB_DTYPE_F32;
  c.desc.params.gemm = (ab_gemm_params){.m = 512, .n = 256, .k = 128, .trans_a = 0, .trans_b = 1};
  c.status = status;
  snprintf(c.reason, sizeof c.reason, "reason for %s", ab_case_status_name(status));
  strcpy(c.implementation, "openblas 0.3.21 Haswell sgemm");
  c.flops = 2.0 * 512 * 256 * 128;
  c.bytes = 4.0 * (512 * 128 + 128 * 256 + 512 * 256);
  bool ran = status != AB_CASE_UNSUPPORTED && status != AB_CASE_SKIPPED;
  if (ran) {
    c.timer = AB_TIMER_DEVICE;
    c.time_s = make_stats(1.25e-4);
    c.host_time_s = make_stats(1.5e-4);
    c.iterations_per_sample = 80;
    c.iterations_total = 960;
    c.warmup_s = 0.1;
    c.setup_s = 0.003;
    c.measured_s = 0.12;
    c.stop_reason = AB_STOP_CV;
    c.validation = (ab_validation){.checked = true,
                                   .elements_checked = 4096,
                                   .elements_total = 512 * 256,
                                   .mismatches = status == AB_CASE_WRONG_RESULT ? 17 : 0,
                                   .max_abs_error = 3.5e-6,
                                   .max_error_ratio = status == AB_CASE_WRONG_RESULT ? 40.0 : 0.3};
    strcpy(c.validation.rule, "|err| <= 1e-5 * k * max|a||b|");
  }
  return c;
}

static void assert_stats_eq(const ab_stats *a, const ab_stats *b) {
  cr_assert_eq(a->n, b->n);
  const double *x = &a->median, *y = &b->median;
  for (int i = 0; i < 10; i++) /* median .. median_ci95_hi are consecutive doubles */
    cr_assert(x[i] == y[i] || (isnan(x[i]) && isnan(y[i])), "stats field %d: %g != %g", i, x[i],
              y[i]);
}

static void assert_case_eq(const ab_case_result *a, const ab_case_result *b) {
  cr_assert_str_eq(a->case_id, b->case_id);
  cr_assert_str_eq(a->set, b->set);
  cr_assert_str_eq(a->backend, b->backend);
  cr_assert_eq(a->device_index, b->device_index);
  cr_assert_str_eq(a->device_uid, b->device_uid);
  cr_assert_str_eq(a->device_name, b->device_name);
  cr_assert_str_eq(a->provider, b->provider);
  cr_assert_eq(memcmp(&a->desc, &b->desc, sizeof a->desc), 0, "kernel descriptor differs");
  cr_assert_eq(a->status, b->status);
  cr_assert_str_eq(a->reason, b->reason);
  cr_assert_str_eq(a->implementation, b->implementation);
  cr_assert_eq(a->timer, b->timer);
  assert_stats_eq(&a->time_s, &b->time_s);
  assert_stats_eq(&a->host_time_s, &b->host_time_s);
  cr_assert_eq(a->iterations_per_sample, b->iterations_per_sample);
  cr_assert_eq(a->iterations_total, b->iterations_total);
  cr_assert_eq(a->warmup_s, b->warmup_s);
  cr_assert_eq(a->setup_s, b->setup_s);
  cr_assert_eq(a->measured_s, b->measured_s);
  cr_assert_eq(a->stop_reason, b->stop_reason);
  cr_assert_eq(a->flops, b->flops);
  cr_assert_eq(a->bytes, b->bytes);
  cr_assert_eq(a->validation.checked, b->validation.checked);
  cr_assert_eq(a->validation.elements_checked, b->validation.elements_checked);
  cr_assert_eq(a->validation.elements_total, b->validation.elements_total);
  cr_assert_eq(a->validation.mismatches, b->validation.mismatches);
  cr_assert_eq(a->validation.max_abs_error, b->validation.max_abs_error);
  cr_assert_eq(a->validation.max_error_ratio, b->validation.max_error_ratio);
  cr_assert_str_eq(a->validation.rule, b->validation.rule);
  cr_assert_eq(a->n_samples, b->n_samples);
  for (uint32_t i = 0; i < a->n_samples; i++) /* bit for bit: verify recomputes from these */
    cr_assert(a->samples_s[i] == b->samples_s[i] && a->host_samples_s[i] == b->host_samples_s[i],
              "sample %u: %.17g / %.17g read back as %.17g / %.17g", i, a->samples_s[i],
              a->host_samples_s[i], b->samples_s[i], b->host_samples_s[i]);
}

/* Raw samples for a case (owned by it): values with all 17 digits in use. */
static void add_samples(ab_case_result *c, uint32_t n) {
  c->samples_s = malloc(n * sizeof *c->samples_s);
  c->host_samples_s = malloc(n * sizeof *c->host_samples_s);
  cr_assert(c->samples_s && c->host_samples_s);
  for (uint32_t i = 0; i < n; i++) {
    c->samples_s[i] = 1.25e-4 * (1.0 + 0.001 * i) / 3.0;
    c->host_samples_s[i] = c->samples_s[i] * 1.0000001 + 1e-7 / 7.0;
  }
  c->n_samples = n;
}

/* ---- names --------------------------------------------------------------------------- */

Test(runfile, status_names_round_trip) {
  for (int s = 0; s < AB_CASE_STATUS_COUNT; s++) {
    const char *name = ab_case_status_name((ab_case_status)s);
    cr_assert_str_neq(name, "invalid", "status %d has no name", s);
    ab_case_status back = AB_CASE_STATUS_COUNT;
    cr_assert_eq(ab_case_status_parse(name, &back), AB_OK);
    cr_assert_eq((int)back, s);
  }
  cr_assert_str_eq(ab_case_status_name(AB_CASE_WRONG_RESULT), "wrong_result");
  cr_assert_str_eq(ab_case_status_name((ab_case_status)99), "invalid");
  cr_assert_str_eq(ab_case_status_name((ab_case_status)-1), "invalid");
  ab_case_status s;
  cr_assert_eq(ab_case_status_parse("OK", &s), AB_E_INVALID);
  cr_assert_eq(ab_case_status_parse("invalid", &s), AB_E_INVALID);
  cr_assert_eq(ab_case_status_parse(NULL, &s), AB_E_INVALID);
}

Test(runfile, timer_and_stop_names) {
  cr_assert_str_eq(ab_timer_source_name(AB_TIMER_HOST), "host");
  cr_assert_str_eq(ab_timer_source_name(AB_TIMER_DEVICE), "device");
  cr_assert_str_eq(ab_timer_source_name((ab_timer_source)7), "invalid");
  cr_assert_str_eq(ab_stop_reason_name(AB_STOP_NONE), "none");
  cr_assert_str_eq(ab_stop_reason_name(AB_STOP_CV), "cv");
  cr_assert_str_eq(ab_stop_reason_name(AB_STOP_TIME_CAP), "time_cap");
  cr_assert_str_eq(ab_stop_reason_name(AB_STOP_MAX_SAMPLES), "max_samples");
  cr_assert_str_eq(ab_stop_reason_name((ab_stop_reason)4), "invalid");
}

/* ---- case round trip ----------------------------------------------------------------- */

Test(runfile, case_round_trip_every_status) {
  for (int s = 0; s < AB_CASE_STATUS_COUNT; s++) {
    ab_case_result in = make_case((ab_case_status)s), out;
    json_t *j = ab_case_to_json(&in);
    cr_assert_not_null(j, "status %d", s);
    /* Through text too: what a reader of the file sees. */
    char *text = json_dumps(j, 0);
    json_t *parsed = json_loads(text, 0, NULL);
    cr_assert_not_null(parsed);
    char msg[AB_MSG_LEN] = "";
    cr_assert_eq(ab_case_from_json(parsed, &out, msg), AB_OK, "status %d: %s", s, msg);
    assert_case_eq(&in, &out);
    free(text);
    json_decref(parsed);
    json_decref(j);
  }
}

Test(runfile, non_gemm_kinds_round_trip) {
  ab_case_result in = make_case(AB_CASE_OK), out;
  char msg[AB_MSG_LEN];
  in.desc.kind = AB_KERNEL_MEMBW;
  memset(&in.desc.params, 0, sizeof in.desc.params);
  in.desc.params.transfer.bytes = 1 << 26;
  in.desc.params.transfer.pinned = 1;
  json_t *j = ab_case_to_json(&in);
  cr_assert_eq(ab_case_from_json(j, &out, msg), AB_OK, "%s", msg);
  assert_case_eq(&in, &out);
  json_decref(j);

  in.desc.kind = AB_KERNEL_LAUNCH; /* no params, no dtype */
  in.desc.dtype = in.desc.out_dtype = AB_DTYPE_INVALID;
  memset(&in.desc.params, 0, sizeof in.desc.params);
  j = ab_case_to_json(&in);
  cr_assert(json_is_null(json_object_get(json_object_get(j, "kernel"), "dtype")));
  cr_assert_eq(ab_case_from_json(j, &out, msg), AB_OK, "%s", msg);
  assert_case_eq(&in, &out);
  json_decref(j);
}

Test(runfile, case_json_shape) {
  ab_case_result c = make_case(AB_CASE_OK);
  json_t *j = ab_case_to_json(&c);
  json_t *k = json_object_get(j, "kernel");
  cr_assert_str_eq(json_string_value(json_object_get(k, "kind")), "gemm");
  cr_assert_str_eq(json_string_value(json_object_get(k, "dtype")), "f32");
  cr_assert_str_eq(json_string_value(json_object_get(k, "shape_str")), "m=512 n=256 k=128 nt");
  json_t *shape = json_object_get(k, "shape");
  cr_assert_eq(json_integer_value(json_object_get(shape, "m")), 512);
  cr_assert(json_is_false(json_object_get(shape, "trans_a")));
  cr_assert(json_is_true(json_object_get(shape, "trans_b")));
  cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "ok");
  json_t *t = json_object_get(j, "timing");
  cr_assert_str_eq(json_string_value(json_object_get(t, "source")), "device");
  cr_assert_str_eq(json_string_value(json_object_get(t, "stop_reason")), "cv");
  json_decref(j);
}

/* ---- rates ---------------------------------------------------------------------------- */

Test(runfile, rates_from_work_and_median) {
  ab_case_result c = make_case(AB_CASE_OK);
  json_t *j = ab_case_to_json(&c);
  json_t *r = json_object_get(j, "rates");
  cr_assert(json_is_object(r));
  double gf = json_real_value(json_object_get(r, "gflops_median"));
  cr_assert_float_eq(gf, c.flops / c.time_s.median / 1e9, 1e-9 * gf);
  /* a longer time is a lower rate: the interval ends swap */
  double lo = json_real_value(json_object_get(r, "gflops_ci95_lo"));
  double hi = json_real_value(json_object_get(r, "gflops_ci95_hi"));
  cr_assert_float_eq(lo, c.flops / c.time_s.median_ci95_hi / 1e9, 1e-9 * lo);
  cr_assert_float_eq(hi, c.flops / c.time_s.median_ci95_lo / 1e9, 1e-9 * hi);
  cr_assert(lo < gf && gf < hi);
  double gb = json_real_value(json_object_get(r, "gbytes_per_s_median"));
  cr_assert_float_eq(gb, c.bytes / c.time_s.median / 1e9, 1e-9 * gb);
  double ai = json_real_value(json_object_get(r, "arithmetic_intensity_flops_per_byte"));
  cr_assert_float_eq(ai, c.flops / c.bytes, 1e-12 * ai);
  json_decref(j);
}

Test(runfile, rates_struct_matches_json) {
  ab_case_result c = make_case(AB_CASE_OK);
  ab_case_rates r;
  ab_case_rates_compute(&c, &r);
  json_t *j = ab_case_to_json(&c);
  json_t *jr = json_object_get(j, "rates");
  cr_assert_eq(r.gflops_median, json_real_value(json_object_get(jr, "gflops_median")));
  cr_assert_eq(r.gflops_ci95_lo, json_real_value(json_object_get(jr, "gflops_ci95_lo")));
  cr_assert_eq(r.gbytes_per_s_median, json_real_value(json_object_get(jr, "gbytes_per_s_median")));
  cr_assert_eq(r.arithmetic_intensity,
               json_real_value(json_object_get(jr, "arithmetic_intensity_flops_per_byte")));
  json_decref(j);
  /* no timing: every rate is undefined (NAN), never a division by zero or a zero speed */
  c = make_case(AB_CASE_UNSUPPORTED);
  ab_case_rates_compute(&c, &r);
  cr_assert(isnan(r.gflops_median) && isnan(r.gflops_ci95_hi) && isnan(r.gbytes_per_s_median) &&
            isnan(r.arithmetic_intensity));
}

Test(runfile, no_rates_unless_ok) {
  for (int s = 1; s < AB_CASE_STATUS_COUNT; s++) {
    ab_case_result c = make_case((ab_case_status)s);
    json_t *j = ab_case_to_json(&c);
    cr_assert_null(json_object_get(j, "rates"), "%s case has rates", ab_case_status_name(s));
    json_t *t = json_object_get(json_object_get(j, "timing"), "time_s");
    bool ran = s != AB_CASE_UNSUPPORTED && s != AB_CASE_SKIPPED;
    /* a wrong result keeps its timing for diagnosis; a case that never ran has none */
    cr_assert_eq(json_is_object(t), ran, "%s", ab_case_status_name(s));
    cr_assert_eq(json_is_null(t), !ran, "%s", ab_case_status_name(s));
    json_decref(j);
  }
}

Test(runfile, zero_work_rates_are_null) {
  ab_case_result c = make_case(AB_CASE_OK);
  c.flops = 0; /* a bandwidth kernel has no FLOPs */
  json_t *j = ab_case_to_json(&c);
  json_t *r = json_object_get(j, "rates");
  cr_assert(json_is_null(json_object_get(r, "gflops_median")));
  cr_assert(json_is_null(json_object_get(r, "arithmetic_intensity_flops_per_byte")));
  cr_assert(json_is_real(json_object_get(r, "gbytes_per_s_median")));
  json_decref(j);
}

Test(runfile, non_finite_numbers_become_null) {
  ab_case_result c = make_case(AB_CASE_WRONG_RESULT), out;
  c.validation.max_abs_error = NAN; /* NaN output from a broken kernel */
  c.validation.max_error_ratio = INFINITY;
  json_t *j = ab_case_to_json(&c);
  cr_assert_not_null(j);
  json_t *v = json_object_get(j, "validation");
  cr_assert(json_is_null(json_object_get(v, "max_abs_error")));
  cr_assert(json_is_null(json_object_get(v, "max_error_ratio")));
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_case_from_json(j, &out, msg), AB_OK, "%s", msg);
  cr_assert(isnan(out.validation.max_abs_error));
  json_decref(j);
}

Test(runfile, invalid_utf8_is_replaced_not_dropped) {
  ab_case_result c = make_case(AB_CASE_FAILED);
  strcpy(c.reason, "vendor said \xff\xfe bad");
  json_t *j = ab_case_to_json(&c);
  cr_assert_not_null(j);
  cr_assert_str_eq(json_string_value(json_object_get(j, "reason")), "vendor said ?? bad");
  json_decref(j);
}

/* ---- strict reader -------------------------------------------------------------------- */

/* The member at a dotted path ("timing.time_s"), and its parent with the last key. */
static json_t *parent_of(json_t *root, const char *path, char *last, size_t len) {
  char buf[128];
  snprintf(buf, sizeof buf, "%s", path);
  json_t *o = root;
  char *save = NULL, *tok = strtok_r(buf, ".", &save), *next;
  while ((next = strtok_r(NULL, ".", &save))) {
    o = json_object_get(o, tok);
    tok = next;
  }
  snprintf(last, len, "%s", tok);
  return o;
}

typedef struct bad_case {
  const char *path;       /* member to change */
  json_t *(*value)(void); /* new value; NULL deletes the member */
  const char *expect;     /* substring the message must contain */
} bad_case;

static json_t *v_int(void) {
  return json_integer(7);
}
static json_t *v_str(void) {
  return json_string("seven");
}
static json_t *v_neg(void) {
  return json_integer(-1);
}
static json_t *v_bool(void) {
  return json_true();
}
static json_t *v_arr(void) {
  return json_array();
}
static json_t *v_big(void) {
  return json_integer(1LL << 33);
}
static json_t *v_real(void) {
  return json_real(1.5);
}
static json_t *v_long(void) {
  char s[300];
  memset(s, 'x', sizeof s - 1);
  s[sizeof s - 1] = '\0';
  return json_string(s);
}

static const bad_case bad_cases[] = {
    {"id", NULL, "id: missing required member"},
    {"id", v_int, "id: expected a string, got an integer"},
    {"id", v_long, "id: expected at most 255 bytes"},
    {"device.index", v_neg, "device.index: expected an integer in [0, 4294967295], got -1"},
    {"device.index", v_big, "device.index: expected an integer in"},
    {"device", v_arr, "device: expected an object, got an array"},
    {"kernel.kind", v_str, "kernel.kind: expected one of \"gemm\""},
    {"kernel.dtype", v_str, "kernel.dtype: expected one of"},
    {"kernel.shape.m", v_real, "kernel.shape.m: expected an integer, got a real number"},
    {"kernel.shape.k", v_neg, "kernel.shape.k: expected an integer in [1,"},
    {"kernel.shape.trans_b", v_int, "kernel.shape.trans_b: expected true or false"},
    {"status", v_str, "status: expected one of \"ok\", \"unsupported\""},
    {"status", v_int, "status: expected a string, got an integer"},
    {"work.flops", v_str, "work.flops: expected a number, got a string"},
    {"work.bytes", v_neg, "work.bytes: expected a number >= 0, got -1"},
    {"timing.source", v_str, "timing.source: expected one of \"host\", \"device\""},
    {"timing.time_s", v_bool, "timing.time_s: expected an object or null, got a boolean"},
    {"timing.time_s.median", v_str, "timing.time_s.median: expected a number or null"},
    {"timing.time_s.n", NULL, "timing.time_s.n: missing required member"},
    {"timing.iterations_total", v_neg, "timing.iterations_total: expected an integer in [0,"},
    {"timing.stop_reason", v_str, "timing.stop_reason: expected one of"},
    {"validation.checked", v_int, "validation.checked: expected true or false"},
    {"validation.rule", NULL, "validation.rule: missing required member"},
    {"rates", v_arr, "rates: expected an object, got an array"},
};

Test(runfile, from_json_rejects_with_field_path) {
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    ab_case_result c = make_case(AB_CASE_OK), out;
    json_t *j = ab_case_to_json(&c);
    char last[64];
    json_t *parent = parent_of(j, bad_cases[i].path, last, sizeof last);
    cr_assert_not_null(parent, "%s", bad_cases[i].path);
    if (bad_cases[i].value)
      json_object_set_new(parent, last, bad_cases[i].value());
    else
      json_object_del(parent, last);
    char msg[AB_MSG_LEN] = "";
    out.status = AB_CASE_OK;
    cr_assert_eq(ab_case_from_json(j, &out, msg), AB_E_INVALID, "%s accepted", bad_cases[i].path);
    cr_assert(strstr(msg, bad_cases[i].expect), "%s: message \"%s\" lacks \"%s\"",
              bad_cases[i].path, msg, bad_cases[i].expect);
    json_decref(j);
  }
}

Test(runfile, from_json_rejects_non_objects) {
  ab_case_result out;
  char msg[AB_MSG_LEN];
  json_t *vals[] = {json_null(), json_array(), json_string("x"), json_integer(1)};
  for (size_t i = 0; i < 4; i++) {
    cr_assert_eq(ab_case_from_json(vals[i], &out, msg), AB_E_INVALID);
    cr_assert(strstr(msg, "case: expected an object"), "%s", msg);
    json_decref(vals[i]);
  }
  cr_assert_eq(ab_case_from_json(NULL, &out, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "got nothing"), "%s", msg);
}

/* Every member replaced by every kind of JSON value: the reader answers OK or INVALID with
 * a message, never crashes (a cheap, deterministic cousin of the fuzzer). */
static void mutate_all(json_t *root, json_t *node, int *checked) {
  static json_t *(*const kinds[])(void) = {json_null, json_true, v_int, v_neg,      v_real,
                                           v_str,     v_arr,     v_big, json_object};
  /* Keys first: deleting and re-adding a member moves it to the end of the object. */
  const char *keys[32];
  size_t n = 0;
  const char *key;
  json_t *child;
  json_object_foreach(node, key, child) {
    if (n < 32)
      keys[n++] = strdup(key);
  }
  for (size_t i = 0; i < n; i++) {
    child = json_incref(json_object_get(node, keys[i]));
    for (size_t k = 0; k <= sizeof kinds / sizeof kinds[0]; k++) {
      if (k < sizeof kinds / sizeof kinds[0])
        json_object_set_new(node, keys[i], kinds[k]());
      else
        json_object_del(node, keys[i]); /* and once with the member missing */
      ab_case_result out;
      char msg[AB_MSG_LEN] = "";
      ab_status st = ab_case_from_json(root, &out, msg);
      cr_assert(st == AB_OK || (st == AB_E_INVALID && msg[0]), "%s: status %d", keys[i], st);
      (*checked)++;
    }
    json_object_set_new(node, keys[i], child);
    if (json_is_object(child))
      mutate_all(root, child, checked);
  }
  for (size_t i = 0; i < n; i++)
    free((void *)keys[i]);
}

Test(runfile, from_json_survives_every_mutation) {
  ab_case_result c = make_case(AB_CASE_OK);
  json_t *j = ab_case_to_json(&c);
  int checked = 0;
  mutate_all(j, j, &checked);
  cr_assert_gt(checked, 400);
  json_decref(j);
}

/* ---- devices and backends ------------------------------------------------------------- */

Test(runfile, device_unknown_numbers_are_null) {
  ab_device_record d;
  memset(&d, 0, sizeof d);
  strcpy(d.backend, "opencl");
  d.index = 1;
  d.info.struct_size = sizeof d.info;
  d.info.type = AB_DEVICE_GPU;
  strcpy(d.info.name, "pthread-AMD EPYC");
  d.info.compute_units = 2;
  d.info.n_attrs = 1;
  strcpy(d.info.attrs[0].key, "opencl_c_version");
  strcpy(d.info.attrs[0].value, "OpenCL C 1.2");
  json_t *j = ab_device_to_json(&d);
  cr_assert(json_is_null(json_object_get(j, "memory_bytes")));
  cr_assert(json_is_null(json_object_get(j, "max_clock_mhz")));
  cr_assert(json_is_null(json_object_get(j, "vendor")));
  cr_assert_eq(json_integer_value(json_object_get(j, "compute_units")), 2);
  cr_assert_str_eq(json_string_value(json_object_get(j, "type")), "gpu");
  cr_assert_str_eq(
      json_string_value(json_object_get(json_object_get(j, "attrs"), "opencl_c_version")),
      "OpenCL C 1.2");
  json_decref(j);
}

Test(runfile, backend_disabled_reason) {
  ab_backend_record b;
  memset(&b, 0, sizeof b);
  strcpy(b.name, "cuda");
  strcpy(b.module_path, "/usr/lib/accelbench/backends/accelbench-backend-cuda.so");
  b.abi_major = 1;
  b.enabled = false;
  strcpy(b.disabled_reason, "libcuda.so.1: cannot open shared object file");
  json_t *j = ab_backend_to_json(&b);
  cr_assert(json_is_false(json_object_get(j, "enabled")));
  cr_assert_str_eq(json_string_value(json_object_get(j, "disabled_reason")), b.disabled_reason);
  cr_assert_eq(json_integer_value(json_object_get(json_object_get(j, "abi"), "major")), 1);
  json_decref(j);
}

/* ---- atomic write --------------------------------------------------------------------- */

static char tmpdir[64];

static void make_tmpdir(void) {
  strcpy(tmpdir, "/tmp/ab-runfile-XXXXXX");
  cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void) {
  DIR *d = opendir(tmpdir);
  if (!d)
    return;
  struct dirent *e;
  char p[512];
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
      unlink(p);
    }
  }
  closedir(d);
  rmdir(tmpdir);
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)))
    n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  if (d)
    closedir(d);
  return n;
}

Test(runfile, atomic_write_leaves_no_temp_file, .init = make_tmpdir, .fini = remove_tmpdir) {
  char path[128];
  snprintf(path, sizeof path, "%s/out.json", tmpdir);
  json_t *j = json_pack("{s:i, s:[f]}", "a", 1, "b", 0.5);
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_json_write_atomic(j, path, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_json_write_atomic(j, path, msg), AB_OK, "overwrite: %s", msg);
  cr_assert_eq(count_entries(tmpdir), 1, "temporary file left behind");
  json_error_t err;
  json_t *back = json_load_file(path, 0, &err);
  cr_assert_not_null(back, "%s", err.text);
  cr_assert(json_equal(j, back));
  struct stat st;
  cr_assert_eq(stat(path, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0644);
  json_decref(back);
  json_decref(j);
}

Test(runfile, atomic_write_fails_cleanly, .init = make_tmpdir, .fini = remove_tmpdir) {
  /* A path below a regular file cannot be created, even by root. */
  char file[128], path[160];
  snprintf(file, sizeof file, "%s/not-a-dir", tmpdir);
  FILE *f = fopen(file, "w");
  cr_assert_not_null(f);
  fclose(f);
  snprintf(path, sizeof path, "%s/x.json", file);
  json_t *j = json_object();
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_json_write_atomic(j, path, msg), AB_E_IO);
  cr_assert(strstr(msg, path), "message does not name the path: %s", msg);
  cr_assert(strstr(msg, "Not a directory"), "message lacks strerror: %s", msg);
  cr_assert_eq(count_entries(tmpdir), 1);
  cr_assert_eq(ab_json_write_atomic(j, "", msg), AB_E_INVALID);
  cr_assert_eq(ab_json_write_atomic(j, "/tmp/", msg), AB_E_INVALID);
  json_decref(j);
}

/* ---- whole run against the schema ----------------------------------------------------- */

static void build_run(ab_run *run) {
  memset(run, 0, sizeof *run);
  strcpy(run->harness_version, "0.1.0");
  strcpy(run->git_commit, "7fab4bc00000");
  strcpy(run->started_utc, "2026-11-23T16:50:54Z");
  strcpy(run->finished_utc, "2026-11-23T16:52:10Z");
  run->wall_s = 76.2;
  strcpy(run->command_line, "accelbench run configs/quick.yaml -o run.json");
  run->complete = true;
  strcpy(run->suite_name, "quick");
  strcpy(run->suite_path, "configs/quick.yaml");
  run->suite_text = strdup("name: quick\ncases:\n  - gemm: {m: 512, n: 256, k: 128}\n");
  run->suite_effective = json_pack("{s:f, s:i, s:f, s:I}", "warmup_s", 0.1, "min_samples", 10,
                                   "target_cv", 0.01, "seed", (json_int_t)42);
  ab_sysinfo_opts opts = {.measure_clock = false};
  run->system = ab_sysinfo_collect(&opts);

  run->n_backends = 2;
  run->backends = calloc(2, sizeof *run->backends);
  strcpy(run->backends[0].name, "cpu");
  strcpy(run->backends[0].module_path, "/build/backends/accelbench-backend-cpu.so");
  strcpy(run->backends[0].description, "CPU: OpenBLAS and oneDNN");
  run->backends[0].abi_major = 1;
  run->backends[0].enabled = true;
  run->backends[0].module_size = 54216;
  strcpy(run->backends[0].module_sha256,
         "7384e56d198af776a9b3376cd2492e1a9b3cdee98b6062bae9cc9c97125c7c38");
  strcpy(run->backends[1].name, "cuda");
  strcpy(run->backends[1].disabled_reason, "libcuda.so.1 not found");

  run->n_devices = 1;
  run->devices = calloc(1, sizeof *run->devices);
  strcpy(run->devices[0].backend, "cpu");
  run->devices[0].info.type = AB_DEVICE_CPU;
  strcpy(run->devices[0].info.name, "AMD EPYC");
  strcpy(run->devices[0].info.uid, "cpu0");
  run->devices[0].info.memory_bytes = 5ull << 30;
  run->devices[0].info.compute_units = 2;

  run->n_cases = AB_CASE_STATUS_COUNT + 1;
  run->cases = calloc(run->n_cases, sizeof *run->cases);
  for (int s = 0; s < AB_CASE_STATUS_COUNT; s++)
    run->cases[s] = make_case((ab_case_status)s);
  add_samples(&run->cases[AB_CASE_OK], 12);
  add_samples(&run->cases[AB_CASE_WRONG_RESULT], 12);
  ab_case_result *launch = &run->cases[AB_CASE_STATUS_COUNT];
  *launch = make_case(AB_CASE_OK);
  launch->desc.kind = AB_KERNEL_LAUNCH;
  launch->desc.dtype = launch->desc.out_dtype = AB_DTYPE_INVALID;
  memset(&launch->desc.params, 0, sizeof launch->desc.params);
  launch->flops = launch->bytes = 0;
}

static int run_validator(const char *file) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "python3 '%s' '%s' >&2", VALIDATOR, file);
  int rc = system(cmd);
  cr_assert_neq(rc, -1, "system() failed");
  cr_assert(WIFEXITED(rc), "validator did not exit normally");
  return WEXITSTATUS(rc);
}

Test(runfile, whole_run_validates_against_schema, .init = make_tmpdir, .fini = remove_tmpdir) {
  ab_run run;
  build_run(&run);
  char path[128], msg[AB_MSG_LEN] = "";
  snprintf(path, sizeof path, "%s/run.json", tmpdir);
  cr_assert_eq(ab_run_write(&run, path, msg), AB_OK, "%s", msg);
  cr_assert_eq(run_validator(path), 0, "the schema rejects what the writer wrote (see stderr)");

  /* Every case in the file reads back as written. */
  json_t *j = json_load_file(path, 0, NULL);
  cr_assert_not_null(j);
  cr_assert_str_eq(json_string_value(json_object_get(j, "schema")), "accelbench-run");
  cr_assert_eq(json_integer_value(json_object_get(j, "schema_version")), AB_RUNFILE_SCHEMA_VERSION);
  json_t *cases = json_object_get(j, "cases");
  cr_assert_eq(json_array_size(cases), run.n_cases);
  for (size_t i = 0; i < run.n_cases; i++) {
    ab_case_result back;
    cr_assert_eq(ab_case_from_json(json_array_get(cases, i), &back, msg), AB_OK, "cases[%zu]: %s",
                 i, msg);
    assert_case_eq(&run.cases[i], &back);
    ab_case_result_clear(&back);
  }
  json_t *cpu = json_array_get(json_object_get(j, "backends"), 0);
  cr_assert_str_eq(json_string_value(json_object_get(cpu, "module_sha256")),
                   run.backends[0].module_sha256);
  cr_assert_eq(json_integer_value(json_object_get(cpu, "module_size")), 54216);
  cr_assert(json_is_null(json_object_get(json_array_get(json_object_get(j, "backends"), 1),
                                         "module_sha256")),
            "a module that was not read has no hash, not an empty one");

  /* The validator is not a rubber stamp: a ranked wrong result must fail it. */
  json_t *wrong = json_array_get(cases, AB_CASE_WRONG_RESULT);
  json_object_set_new(wrong, "rates", json_pack("{s:f}", "gflops_median", 1.0));
  char bad[160];
  snprintf(bad, sizeof bad, "%s/bad.json", tmpdir);
  cr_assert_eq(ab_json_write_atomic(j, bad, msg), AB_OK, "%s", msg);
  cr_assert_eq(run_validator(bad), 1, "validator accepted rates on a wrong_result case");
  json_decref(j);
  ab_run_free(&run);
  cr_assert_null(run.cases);
  cr_assert_null(run.system);
}

/* ---- raw samples and module provenance ------------------------------------------------ */

Test(runfile, raw_samples_round_trip_exactly) {
  ab_case_result c = make_case(AB_CASE_OK), back;
  add_samples(&c, 40);
  char msg[AB_MSG_LEN] = "";
  json_t *j = ab_case_to_json(&c);
  json_t *t = json_object_get(j, "timing");
  cr_assert_eq(json_array_size(json_object_get(t, "samples_s")), 40);
  cr_assert_eq(json_array_size(json_object_get(t, "host_samples_s")), 40);
  /* through text, as a run file is written and read */
  char *text = json_dumps(j, JSON_COMPACT);
  json_t *again = json_loads(text, 0, NULL);
  cr_assert_eq(ab_case_from_json(again, &back, msg), AB_OK, "%s", msg);
  assert_case_eq(&c, &back);
  free(text);
  json_decref(again);
  json_decref(j);
  ab_case_result_clear(&c);
  ab_case_result_clear(&back);
  cr_assert_null(c.samples_s);
  cr_assert_eq(c.n_samples, 0);
}

Test(runfile, no_samples_member_without_samples) {
  ab_case_result c = make_case(AB_CASE_OK), back;
  char msg[AB_MSG_LEN] = "";
  json_t *j = ab_case_to_json(&c);
  cr_assert_null(json_object_get(json_object_get(j, "timing"), "samples_s"),
                 "a record without samples (an older file's) writes none");
  cr_assert_eq(ab_case_from_json(j, &back, msg), AB_OK, "an older file still loads: %s", msg);
  cr_assert_eq(back.n_samples, 0);
  json_decref(j);
}

static ab_status read_edited(const char *member, json_t *value, char *msg) {
  ab_case_result c = make_case(AB_CASE_OK), back;
  add_samples(&c, 3);
  json_t *j = ab_case_to_json(&c);
  json_t *t = json_object_get(j, "timing");
  if (value)
    json_object_set_new(t, member, value);
  else
    json_object_del(t, member);
  ab_status st = ab_case_from_json(j, &back, msg);
  ab_case_result_clear(&back);
  ab_case_result_clear(&c);
  json_decref(j);
  return st;
}

Test(runfile, samples_are_checked_and_come_in_pairs) {
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(read_edited("host_samples_s", NULL, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "timing.host_samples_s: missing required member"), "%s", msg);
  cr_assert_eq(read_edited("host_samples_s", json_pack("[f, f]", 1e-4, 1e-4), msg), AB_E_INVALID);
  cr_assert(strstr(msg, "expected 3 values, as samples_s, got 2"), "%s", msg);
  cr_assert_eq(read_edited("samples_s", json_pack("[f, f, f]", 1e-4, -1e-4, 1e-4), msg),
               AB_E_INVALID);
  cr_assert(strstr(msg, "timing.samples_s[1]: expected a number >= 0"), "%s", msg);
  cr_assert_eq(read_edited("samples_s", json_pack("[f, s, f]", 1e-4, "x", 1e-4), msg),
               AB_E_INVALID);
  cr_assert(strstr(msg, "timing.samples_s[1]: expected a number >= 0, got a string"), "%s", msg);
  cr_assert_eq(read_edited("samples_s", json_string("no"), msg), AB_E_INVALID);
  cr_assert(strstr(msg, "timing.samples_s: expected an array"), "%s", msg);
}

Test(runfile, module_provenance_is_checked) {
  ab_run run, back;
  char msg[AB_MSG_LEN] = "";
  build_run(&run);
  json_t *j = ab_run_to_json(&run);
  for (size_t i = 0; i < run.n_cases; i++) { /* build_run repeats one id: make them unique */
    char id[32];
    snprintf(id, sizeof id, "case-%zu", i);
    json_object_set_new(json_array_get(json_object_get(j, "cases"), i), "id", json_string(id));
  }
  cr_assert_eq(ab_run_from_json(j, "run.json", &back, msg), AB_OK, "%s", msg);
  cr_assert_str_eq(back.backends[0].module_sha256, run.backends[0].module_sha256);
  cr_assert_eq(back.backends[0].module_size, run.backends[0].module_size);
  ab_run_free(&back);
  json_t *cpu = json_array_get(json_object_get(j, "backends"), 0);
  json_object_set_new(cpu, "module_sha256", json_string("7384E56D"));
  cr_assert_eq(ab_run_from_json(j, "run.json", &back, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "run.json: backends[0].module_sha256: expected 64 lower-case hex digits"),
            "%s", msg);
  json_object_del(cpu, "module_sha256");
  json_object_del(cpu, "module_size");
  cr_assert_eq(ab_run_from_json(j, "run.json", &back, msg), AB_OK, "older files load: %s", msg);
  cr_assert_eq(back.backends[0].module_sha256[0], '\0');
  ab_run_free(&back);
  json_decref(j);
  ab_run_free(&run);
}
