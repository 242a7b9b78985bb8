/* The sampler and energy arithmetic: a fake RAPL counter advanced at a known rate by a
 * test thread (with wraps and a reset), trapezoid integration of a known power curve,
 * validity rules, idle baseline, figures, JSON and clock/temperature snapshots. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fake_sysfs.h"
#include "power/sampler.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static char g_root[256];

static void setup(void) {
  fake_mkdtemp(g_root, sizeof g_root);
}

static void teardown(void) {
  fake_rmtree(g_root);
}

TestSuite(power_sampler, .init = setup, .fini = teardown);

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_s(double s) {
  struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
  nanosleep(&ts, NULL);
}

/* ---- arithmetic ---- */

Test(power_sampler, trapezoid_known_curves) {
  /* A ramp from 10 W to 30 W over 2 s is 40 J exactly, whatever the spacing. */
  double t[5] = {0, 0.1, 0.7, 1.5, 2.0}, w[5];
  for (int i = 0; i < 5; i++)
    w[i] = 10 + 10 * t[i];
  cr_assert_float_eq(ab_power_trapezoid(t, w, 5), 40.0, 1e-12);
  /* 100 + 50 sin(2 pi t) over [0, 1.25] s at 1 kHz: 125 + 50/(2 pi) (1 - cos(2.5 pi)). */
  enum { N = 1251 };
  static double ts[N], ws[N];
  for (int i = 0; i < N; i++) {
    ts[i] = i * 1e-3;
    ws[i] = 100 + 50 * sin(2 * M_PI * ts[i]);
  }
  double exact = 125 + 50 / (2 * M_PI) * (1 - cos(2.5 * M_PI));
  cr_assert_float_eq(ab_power_trapezoid(ts, ws, N), exact, 1e-4);
  cr_assert_float_eq(ab_power_trapezoid(ts, ws, 1), 0, 0);
}

Test(power_sampler, counter_steps) {
  ab_counter_step st;
  cr_assert_float_eq(ab_power_counter_delta(10, 12.5, 100, 0, 0.1, &st), 2.5, 1e-12);
  cr_assert_eq(st, AB_STEP_NORMAL);
  cr_assert_float_eq(ab_power_counter_delta(99, 1, 100, 0, 0.1, &st), 2.0, 1e-12);
  cr_assert_eq(st, AB_STEP_WRAP);
  /* Back to near zero from mid-range: a wrap would be 70 J in one poll, over half the
   * range, so it is a reset and only the energy since the reset counts. */
  cr_assert_float_eq(ab_power_counter_delta(40, 10, 100, 0, 0.1, &st), 10.0, 1e-12);
  cr_assert_eq(st, AB_STEP_RESET);
  /* A wrap that implies more than the power limit is a reset too. */
  cr_assert_float_eq(ab_power_counter_delta(90, 20, 100, 50, 0.1, &st), 20.0, 1e-12);
  cr_assert_eq(st, AB_STEP_RESET);
  /* No wrap range (hwmon energy): any decrease is a reset. */
  cr_assert_float_eq(ab_power_counter_delta(99, 1, 0, 0, 0.1, &st), 1.0, 1e-12);
  cr_assert_eq(st, AB_STEP_RESET);
}

Test(power_sampler, figures_one_place) {
  ab_energy_window w = {.joules = 100, .avg_watts = 50, .duration_s = 2, .valid = true};
  ab_energy_figures f;
  ab_power_figures(&w, 20, &(ab_window_work){1e12, 4e9, 0}, &f);
  cr_assert_float_eq(f.net_j, 60, 1e-12);
  cr_assert_float_eq(f.net_avg_w, 30, 1e-12);
  cr_assert_float_eq(f.pj_per_flop, 100, 1e-9);
  cr_assert_float_eq(f.net_pj_per_flop, 60, 1e-9);
  cr_assert_float_eq(f.gflops_per_w, 10, 1e-12); /* 500 GFLOP/s at 50 W */
  cr_assert_float_eq(f.pj_per_byte, 25000, 1e-6);
  cr_assert_float_eq(f.gbytes_per_s_per_w, 0.04, 1e-12);
  cr_assert(isnan(f.j_per_token) && isnan(f.net_j_per_token), "no tokens, no J/token");
  /* A model step: 100 J gross, 60 J net over 400 tokens. */
  ab_power_figures(&w, 20, &(ab_window_work){1e12, 4e9, 400}, &f);
  cr_assert_float_eq(f.j_per_token, 0.25, 1e-12);
  cr_assert_float_eq(f.net_j_per_token, 0.15, 1e-12);
  json_t *j = ab_power_window_json(&w, &f);
  cr_assert_float_eq(json_real_value(json_object_get(j, "j_per_token")), 0.25, 1e-12);
  cr_assert_float_eq(json_real_value(json_object_get(j, "net_j_per_token")), 0.15, 1e-12);
  json_decref(j);
  ab_power_figures(&w, -1, &(ab_window_work){0, 0, 0}, &f);
  cr_assert(isnan(f.net_j) && isnan(f.pj_per_flop) && isnan(f.gflops_per_w) && !f.has_idle);
  ab_power_figures(&w, -1, &(ab_window_work){0, 0, 400}, &f);
  cr_assert_float_eq(f.j_per_token, 0.25, 1e-12);
  cr_assert(isnan(f.net_j_per_token), "no baseline, no net figure");
  j = ab_power_window_json(&w, &f);
  cr_assert_null(json_object_get(j, "net_j_per_token"), "absent, never a made-up number");
  json_decref(j);
}

/* ---- fake RAPL counter advanced by a thread ---- */

typedef struct counter_writer {
  int fd;
  double watts, range_j, t0;
  double reset_after_s; /* reset once, after this long and mid-range */
  atomic_bool stop;
  atomic_int resets;
  /* True energy (uJ) behind the value last written: the ground truth of what a reader of
   * the file can see, even when the scheduler stalls this thread between writes. */
  atomic_llong written_uj;
  pthread_t th;
} counter_writer;

static double true_joules(const counter_writer *c, double t) {
  return c->watts * (t - c->t0);
}

static void write_counter(int fd, uint64_t uj) {
  char buf[32];
  /* Fixed width: one in-place pwrite of the same length, as sysfs never shows a torn
   * value and a reader here must not see a half-written shorter one. */
  int n = snprintf(buf, sizeof buf, "%020llu\n", (unsigned long long)uj);
  cr_assert_eq(pwrite(fd, buf, (size_t)n, 0), n);
}

static void *advance(void *arg) {
  counter_writer *c = arg;
  double base_j = 0; /* energy at the last reset */
  while (!atomic_load(&c->stop)) {
    double t = now_s();
    double e = true_joules(c, t) - base_j;
    double shown = fmod(e, c->range_j);
    /* Reset (driver reload) once, when the counter sits between a third and a half of its
     * range: the previous poll then lies far enough back that a wrap is implausible. */
    if (atomic_load(&c->resets) == 0 && t - c->t0 > c->reset_after_s && shown > c->range_j / 3 &&
        shown < c->range_j / 2) {
      base_j = true_joules(c, t);
      shown = 0;
      atomic_fetch_add(&c->resets, 1);
    }
    write_counter(c->fd, (uint64_t)llround(shown * 1e6));
    atomic_store(&c->written_uj, llround(true_joules(c, t) * 1e6));
    sleep_s(0.0005);
  }
  return NULL;
}

Test(power_sampler, rapl_counter_known_rate_with_wraps_and_reset) {
  const double watts = 20.0, range_j = 10.0;
  fake_write(g_root, "sys/class/powercap/intel-rapl:0/name", "package-0\n");
  fake_write(g_root, "sys/class/powercap/intel-rapl:0/max_energy_range_uj", "10000000\n");
  fake_write(g_root, "sys/class/powercap/intel-rapl:0/energy_uj", "00000000000000000000\n");
  char path[512];
  snprintf(path, sizeof path, "%s/sys/class/powercap/intel-rapl:0/energy_uj", g_root);
  counter_writer c = {.watts = watts, .range_j = range_j, .reset_after_s = 1.0};
  c.fd = open(path, O_WRONLY);
  cr_assert_geq(c.fd, 0);
  c.t0 = now_s();
  cr_assert_eq(pthread_create(&c.th, NULL, advance, &c), 0);
  sleep_s(0.05);

  ab_option o[] = {{"rapl.root", g_root}, {"hwmon", "off"}, {"ipmi", "off"}, {"rate_hz", "200"}};
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_registry_create(o, 4, &reg, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_registry_enabled(reg), 1);
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  /* The edge reads happen inside start() and stop(); what the counter showed then lies
   * between the writer's published truth just before and just after each call. */
  double a1 = atomic_load(&c.written_uj) * 1e-6;
  cr_assert_eq(ab_power_sampler_start(reg, 0, &s, msg), AB_OK, "%s", msg);
  double a2 = atomic_load(&c.written_uj) * 1e-6;
  sleep_s(3.0);
  double b1 = atomic_load(&c.written_uj) * 1e-6;
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  double b2 = atomic_load(&c.written_uj) * 1e-6;
  atomic_store(&c.stop, true);
  pthread_join(c.th, NULL);
  close(c.fd);

  cr_assert_eq(n, 1);
  cr_assert(w[0].valid, "%s", w[0].invalid_reason);
  cr_assert_str_eq(w[0].method, "counter");
  cr_assert_eq(atomic_load(&c.resets), 1, "the writer reset the counter once");
  cr_assert_eq(w[0].resets, 1, "the sampler saw the reset as a reset");
  /* 3 s at 20 W over a 10 J range: about 6 wraps. A range this size still tells a wrap
   * from a reset when a loaded machine delays a thread by up to 250 ms. */
  cr_assert_geq(w[0].wraps, 4, "wraps seen: %u", w[0].wraps);
  /* Known joules: between b1 - a2 and b2 - a1 (a tight bracket unless the writer was
   * stalled); the measurement must be within 1% of it. */
  double lo = b1 - a2, hi = b2 - a1, known = 0.5 * (lo + hi);
  cr_assert_gt(w[0].joules, lo - 0.01 * known, "measured %.4f J, known %.4f..%.4f J", w[0].joules,
               lo, hi);
  cr_assert_lt(w[0].joules, hi + 0.01 * known, "measured %.4f J, known %.4f..%.4f J", w[0].joules,
               lo, hi);
  cr_assert_lt(hi - lo, 0.01 * known, "bracket %.4f..%.4f J too wide (writer stalled)", lo, hi);
  cr_assert_gt(w[0].n_points, 100);
  cr_assert_leq(w[0].n_points, AB_POWER_TIMELINE_MAX);
  double tl = 0;
  for (uint32_t i = 0; i < w[0].n_points; i++)
    tl += w[0].timeline[i].watts * w[0].duration_s / w[0].n_points;
  cr_assert_lt(fabs(tl - w[0].joules) / w[0].joules, 1e-6, "timeline integrates to the energy");
  ab_power_windows_free(w, n);
  ab_power_registry_free(reg);
}

/* ---- file source following a known power curve ---- */

typedef struct curve_writer {
  char path[512], tmp[520];
  double t0;
  atomic_bool stop;
  pthread_t th;
} curve_writer;

/* 100 + 50 sin(pi t): a 2 s period, slow enough that a writer delayed by the scheduler
 * for a few milliseconds does not move the integral by much. */
static double curve_w(double t) {
  return 100 + 50 * sin(M_PI * t);
}

static double curve_j(double a, double b) {
  return 100 * (b - a) - 50 / M_PI * (cos(M_PI * b) - cos(M_PI * a));
}

static void *write_curve(void *arg) {
  curve_writer *c = arg;
  while (!atomic_load(&c->stop)) {
    FILE *f = fopen(c->tmp, "w");
    if (f) {
      fprintf(f, "%.6f W\n", curve_w(now_s() - c->t0));
      fclose(f);
      rename(c->tmp, c->path); /* atomic: a reader sees the old or the new value */
    }
    sleep_s(0.001);
  }
  return NULL;
}

Test(power_sampler, file_source_trapezoid_on_known_curve) {
  curve_writer c = {0};
  snprintf(c.path, sizeof c.path, "%s/meter", g_root);
  snprintf(c.tmp, sizeof c.tmp, "%s/meter.tmp", g_root);
  c.t0 = now_s();
  fake_write(g_root, "meter", "100 W\n");
  cr_assert_eq(pthread_create(&c.th, NULL, write_curve, &c), 0);
  ab_option o[] = {{"rapl", "off"},  {"hwmon", "off"},           {"ipmi", "off"},
                   {"file", c.path}, {"file.period_s", "0.005"}, {"rate_hz", "100"}};
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_registry_create(o, 6, &reg, msg), AB_OK, "%s", msg);
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  double a = now_s() - c.t0;
  cr_assert_eq(ab_power_sampler_start(reg, 0, &s, msg), AB_OK, "%s", msg);
  sleep_s(2.3);
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  double b = now_s() - c.t0;
  atomic_store(&c.stop, true);
  pthread_join(c.th, NULL);
  cr_assert_eq(n, 1);
  cr_assert(w[0].valid, "%s", w[0].invalid_reason);
  cr_assert_str_eq(w[0].method, "trapezoid");
  cr_assert_float_eq(w[0].poll_interval_s, 0.01, 1e-12, "100 Hz, not the 5 ms period");
  double known = curve_j(a, b);
  cr_assert_lt(fabs(w[0].joules - known) / known, 0.01, "measured %.3f J, known %.3f J",
               w[0].joules, known);
  cr_assert_gt(w[0].peak_watts, 140, "peak %.1f W", w[0].peak_watts);

  json_t *j = ab_power_case_json(reg, w, n, &(ab_window_work){2e12, 0, 0});
  json_t *src = json_array_get(json_object_get(j, "sources"), 0);
  cr_assert_str_eq(json_string_value(json_object_get(src, "source")), "file:file");
  cr_assert_str_eq(json_string_value(json_object_get(src, "scope")), "node");
  cr_assert_float_eq(json_real_value(json_object_get(src, "energy_j")), w[0].joules, 1e-9);
  cr_assert_float_eq(json_real_value(json_object_get(src, "pj_per_flop")),
                     w[0].joules / 2e12 * 1e12, 1e-9);
  cr_assert_not_null(json_object_get(src, "net_not_measured"), "no idle baseline taken");
  cr_assert_eq(json_array_size(json_object_get(json_object_get(src, "timeline"), "w")),
               w[0].n_points);
  json_decref(j);
  ab_power_windows_free(w, n);
  ab_power_registry_free(reg);
}

/* ---- validity, stretching, idle ---- */

Test(power_sampler, short_window_is_invalid_and_has_no_number) {
  fake_write(g_root, "meter", "80 W\n");
  char path[512];
  snprintf(path, sizeof path, "%s/meter", g_root);
  ab_option o[] = {{"rapl", "off"}, {"hwmon", "off"},         {"ipmi", "off"},
                   {"file", path},  {"file.period_s", "0.2"}, {"min_window_s", "1.5"}};
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "", why[256];
  cr_assert_eq(ab_power_registry_create(o, 6, &reg, msg), AB_OK, "%s", msg);
  cr_assert_float_eq(ab_power_min_window_s(reg, why, sizeof why), 2.0, 1e-12, "10 x 0.2 s");
  cr_assert(strstr(why, "stretched to at least 2 s") && strstr(why, "file:file"), "%s", why);
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  cr_assert_eq(ab_power_sampler_start(reg, 0, &s, msg), AB_OK, "%s", msg);
  sleep_s(0.5);
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  cr_assert_float_eq(w[0].poll_interval_s, 0.2, 1e-12, "bounded by the update period");
  cr_assert_not(w[0].valid);
  cr_assert(strstr(w[0].invalid_reason, "shorter than 10 x the source's update period"), "%s",
            w[0].invalid_reason);
  ab_energy_figures f;
  ab_power_figures(&w[0], -1, &(ab_window_work){1e9, 0, 0}, &f);
  json_t *j = ab_power_window_json(&w[0], &f);
  cr_assert_null(json_object_get(j, "energy_j"), "no number for an invalid window");
  cr_assert_null(json_object_get(j, "avg_w"));
  cr_assert_not_null(json_object_get(j, "invalid_reason"));
  json_decref(j);
  ab_power_windows_free(w, n);
  ab_power_registry_free(reg);
}

Test(power_sampler, read_errors_make_a_gap) {
  fake_write(g_root, "meter", "80 W\n");
  char path[512];
  snprintf(path, sizeof path, "%s/meter", g_root);
  ab_option o[] = {{"rapl", "off"},
                   {"hwmon", "off"},
                   {"ipmi", "off"},
                   {"file", path},
                   {"file.period_s", "0.01"}};
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_registry_create(o, 5, &reg, msg), AB_OK, "%s", msg);
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  cr_assert_eq(ab_power_sampler_start(reg, 50, &s, msg), AB_OK, "%s", msg);
  sleep_s(0.2);
  fake_write(g_root, "meter", "meter lost its link\n");
  sleep_s(0.6);
  fake_write(g_root, "meter", "80 W\n");
  sleep_s(0.2);
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  cr_assert_not(w[0].valid);
  cr_assert_gt(w[0].read_errors, 5);
  cr_assert(strstr(w[0].invalid_reason, "gap of") &&
                strstr(w[0].invalid_reason, "meter, last line"),
            "%s", w[0].invalid_reason);
  ab_power_windows_free(w, n);
  ab_power_registry_free(reg);
}

Test(power_sampler, idle_baseline_and_net_figures) {
  fake_write(g_root, "meter", "40 W\n");
  char path[512];
  snprintf(path, sizeof path, "%s/meter", g_root);
  ab_option o[] = {{"rapl", "off"}, {"hwmon", "off"},          {"ipmi", "off"},
                   {"file", path},  {"file.period_s", "0.02"}, {"rate_hz", "50"}};
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_registry_create(o, 6, &reg, msg), AB_OK, "%s", msg);
  cr_assert_lt(ab_power_idle_watts(reg, 0), 0, "no baseline yet");
  cr_assert_eq(ab_power_idle_baseline(reg, 0.5, msg), AB_OK, "%s", msg);
  cr_assert_float_eq(ab_power_idle_watts(reg, 0), 40.0, 1e-9);

  fake_write(g_root, "meter", "100 W\n");
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  cr_assert_eq(ab_power_sampler_start(reg, 0, &s, msg), AB_OK, "%s", msg);
  sleep_s(0.6);
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  cr_assert(w[0].valid, "%s", w[0].invalid_reason);
  json_t *j = ab_power_case_json(reg, w, n, &(ab_window_work){1e12, 0, 0});
  json_t *src = json_array_get(json_object_get(j, "sources"), 0);
  cr_assert_float_eq(json_real_value(json_object_get(src, "avg_w")), 100.0, 1e-9);
  cr_assert_float_eq(json_real_value(json_object_get(src, "idle_w")), 40.0, 1e-9);
  cr_assert_float_eq(json_real_value(json_object_get(src, "net_avg_w")), 60.0, 1e-9);
  cr_assert_float_eq(json_real_value(json_object_get(src, "net_energy_j")), 60.0 * w[0].duration_s,
                     1e-9);
  json_decref(j);
  json_t *list = ab_power_registry_to_json(reg);
  json_t *ch = json_array_get(
      json_object_get(json_array_get(json_object_get(list, "sources"), 4), "channels"), 0);
  cr_assert_float_eq(json_real_value(json_object_get(json_object_get(ch, "idle"), "avg_w")), 40.0,
                     1e-9);
  json_decref(list);
  ab_power_windows_free(w, n);
  ab_power_registry_free(reg);
}

Test(power_sampler, stop_is_prompt_with_slow_sources) {
  fake_write(g_root, "meter", "40 W\n");
  char path[512];
  snprintf(path, sizeof path, "%s/meter", g_root);
  ab_option o[] = {
      {"rapl", "off"}, {"hwmon", "off"}, {"ipmi", "off"}, {"file", path}, {"file.period_s", "5"}};
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_registry_create(o, 5, &reg, msg), AB_OK, "%s", msg);
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  cr_assert_eq(ab_power_sampler_start(reg, 0, &s, msg), AB_OK, "%s", msg);
  sleep_s(0.05);
  double t0 = now_s();
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  cr_assert_lt(now_s() - t0, 0.5, "the thread is woken, not waited out");
  ab_power_windows_free(w, n);
  ab_power_registry_free(reg);
}

/* ---- poller threads ---- */

/* Test sources: one instant-power channel each; read() records the calling thread in the
 * record its "slot" option names and, with a "sleep" option, sleeps like a
 * subprocess-backed meter. */
typedef struct probe_rec {
  pthread_mutex_t mu; /* the reader is a poller thread, the checker the test thread */
  pthread_t last_reader;
} probe_rec;

static probe_rec g_probe[3] = {{.mu = PTHREAD_MUTEX_INITIALIZER},
                               {.mu = PTHREAD_MUTEX_INITIALIZER},
                               {.mu = PTHREAD_MUTEX_INITIALIZER}};

static pthread_t last_reader(probe_rec *r) {
  pthread_mutex_lock(&r->mu);
  pthread_t t = r->last_reader;
  pthread_mutex_unlock(&r->mu);
  return t;
}

typedef struct probe_src {
  double sleep_s;
  probe_rec *rec;
} probe_src;

static ab_status ps_probe(const ab_option *o, size_t n, char *msg) {
  (void)o, (void)n, (void)msg;
  return AB_OK;
}
static ab_status ps_open(void *st, const ab_option *o, size_t n, char *msg) {
  (void)msg;
  probe_src *p = st;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(o[i].key, "sleep") == 0)
      p->sleep_s = atof(o[i].value);
    else if (strcmp(o[i].key, "slot") == 0)
      p->rec = &g_probe[atoi(o[i].value)];
  }
  return p->rec ? AB_OK : AB_E_INVALID;
}
static void ps_close(void *st) {
  (void)st;
}
static ab_status ps_count(void *st, uint32_t *n, char *msg) {
  (void)st, (void)msg;
  *n = 1;
  return AB_OK;
}
static ab_status ps_info(void *st, uint32_t i, ab_power_channel_info *ci, char *msg) {
  (void)st, (void)i, (void)msg;
  snprintf(ci->name, sizeof ci->name, "w");
  ci->scope = AB_POWER_SCOPE_NODE;
  ci->kind = AB_POWER_KIND_INSTANT_POWER;
  return AB_OK;
}
static ab_status ps_read(void *st, uint32_t i, double *v, char *msg) {
  (void)i, (void)msg;
  probe_src *p = st;
  pthread_mutex_lock(&p->rec->mu);
  p->rec->last_reader = pthread_self();
  pthread_mutex_unlock(&p->rec->mu);
  if (p->sleep_s > 0)
    sleep_s(p->sleep_s);
  *v = 100.0;
  return AB_OK;
}

static ab_power_source probe_table(const char *name, uint32_t flags) {
  return (ab_power_source){.abi_major = AB_POWER_ABI_MAJOR,
                           .abi_minor = AB_POWER_ABI_MINOR,
                           .struct_size = sizeof(ab_power_source),
                           .name = name,
                           .description = "test",
                           .state_size = sizeof(probe_src),
                           .probe = ps_probe,
                           .open = ps_open,
                           .close = ps_close,
                           .channel_count = ps_count,
                           .channel_info = ps_info,
                           .read = ps_read,
                           .flags = flags};
}

/* Samples each channel took in a 0.5 s window at 100 Hz, with the slow source's table
 * as given. */
static void sample_with(const ab_power_source *slow, uint32_t *fast_n, uint32_t *slow_n,
                        bool *fast_share_thread, bool *slow_has_own_thread) {
  ab_option none[] = {{"rapl", "off"}, {"hwmon", "off"}, {"ipmi", "off"}};
  ab_option o1[] = {{"slot", "0"}}, os[] = {{"slot", "1"}, {"sleep", "0.08"}},
            o2[] = {{"slot", "2"}};
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_registry_create(none, 3, &reg, msg), AB_OK, "%s", msg);
  ab_power_source f1 = probe_table("fast1", 0), f2 = probe_table("fast2", 0);
  cr_assert_eq(ab_power_registry_add(reg, &f1, o1, 1, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_registry_add(reg, slow, os, 2, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_registry_add(reg, &f2, o2, 1, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_registry_enabled(reg), 3, "%s", ab_power_registry_none_reason(reg));
  probe_rec *p1 = &g_probe[0], *ps = &g_probe[1], *p2 = &g_probe[2];
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  cr_assert_eq(ab_power_sampler_start(reg, 100.0, &s, msg), AB_OK, "%s", msg);
  sleep_s(0.5);
  /* Read while the pollers still run: the edge reads at stop come from this thread. */
  *fast_share_thread = pthread_equal(last_reader(p1), last_reader(p2));
  *slow_has_own_thread = !pthread_equal(last_reader(ps), last_reader(p1));
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  cr_assert_eq(n, 3);
  *fast_n = w[0].n_samples;
  *slow_n = w[1].n_samples;
  cr_assert_eq(w[2].n_samples, w[0].n_samples, "both fast sources are read on each tick");
  ab_power_windows_free(w, n);
  ab_power_registry_free(reg);
}

Test(power_sampler, fast_sources_share_one_thread_slow_ones_do_not_delay_them) {
  uint32_t fast_n = 0, slow_n = 0;
  bool shared = false, own = false;
  ab_power_source slow = probe_table("slow", AB_POWER_SOURCE_SLOW_READ);
  sample_with(&slow, &fast_n, &slow_n, &shared, &own);
  cr_assert(shared, "fast sources are polled by one thread (one wake-up per tick)");
  cr_assert(own, "the slow source has a thread of its own");
  /* 0.5 s at 100 Hz is ~50 reads; behind an 80 ms read it would be ~8. The bounds leave
   * room for a loaded machine. */
  cr_assert_gt(fast_n, 20, "fast channel got %u samples", fast_n);
  cr_assert_lt(slow_n, 12, "slow channel got %u samples", slow_n);

  /* A 1.0 table (no flags field) cannot vouch for its reads: it gets its own thread. */
  ab_power_source old = probe_table("old", 0);
  old.abi_minor = 0;
  old.struct_size = (uint32_t)offsetof(ab_power_source, flags);
  sample_with(&old, &fast_n, &slow_n, &shared, &own);
  cr_assert(own, "a 1.0 source is polled on its own thread");
  cr_assert_gt(fast_n, 20, "fast channel got %u samples", fast_n);

  /* The control: a slow reader that claims to be fast shares the thread and delays the
   * others, which is what the flag is for (and shows the checks above can fail). */
  ab_power_source liar = probe_table("liar", 0);
  sample_with(&liar, &fast_n, &slow_n, &shared, &own);
  cr_assert(!own, "an unflagged 1.1 source shares the thread");
  cr_assert_lt(fast_n, 15, "fast channel got %u samples behind the slow read", fast_n);
}

/* The fast channels are read closest to the work at both edges: a slow source's reads
 * (a subprocess each) must not stretch their windows. */
Test(power_sampler, slow_edge_reads_stay_outside_fast_windows) {
  fake_write(g_root, "meter", "40 W\n");
  char path[512];
  snprintf(path, sizeof path, "%s/meter", g_root);
  /* Registry order puts command before file: the order the edges must not follow. */
  ab_option o[] = {{"rapl", "off"},
                   {"hwmon", "off"},
                   {"ipmi", "off"},
                   {"file", path},
                   {"file.period_s", "0.01"},
                   {"command.period_s", "0.01"},
                   {"command", "sleep 0.2; echo 50 W"}};
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_registry_create(o, 7, &reg, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_registry_enabled(reg), 2, "%s", ab_power_registry_none_reason(reg));
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  double t0 = now_s();
  cr_assert_eq(ab_power_sampler_start(reg, 100.0, &s, msg), AB_OK, "%s", msg);
  double t1 = now_s();
  sleep_s(0.3);
  double t2 = now_s();
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  double t3 = now_s();
  cr_assert_eq(n, 2);
  const ab_energy_window *file = strcmp(w[0].source, "file:file") == 0 ? &w[0] : &w[1];
  cr_assert_str_eq(file->source, "file:file");
  cr_assert_geq(t1 - t0, 0.2, "the left edge ran the command once (%.3f s)", t1 - t0);
  cr_assert_geq(t3 - t2, 0.2, "and so did the right edge (%.3f s)", t3 - t2);
  /* Wrong order: 0.3 s + 2 x 0.2 s of subprocess inside the file's window. */
  cr_assert_lt(file->duration_s, 0.3 + 0.15, "file window %.3f s", file->duration_s);
  ab_power_windows_free(w, n);
  ab_power_registry_free(reg);
}

Test(power_sampler, failed_case_keeps_energy_loses_per_work_figures) {
  ab_energy_window w = {.joules = 100, .avg_watts = 50, .duration_s = 2, .valid = true};
  ab_energy_figures f;
  ab_power_figures(&w, 20, &(ab_window_work){1e12, 4e9, 400}, &f);
  json_t *power = json_pack("{s:[o]}", "sources", ab_power_window_json(&w, &f));
  ab_power_strip_efficiency(power);
  json_t *src = json_array_get(json_object_get(power, "sources"), 0);
  static const char *const gone[] = {"gflops_per_w",    "net_gflops_per_w", "pj_per_flop",
                                     "net_pj_per_flop", "pj_per_byte",      "gbytes_per_s_per_w",
                                     "j_per_token",     "net_j_per_token"};
  for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
    cr_assert_null(json_object_get(src, gone[i]), "%s stripped", gone[i]);
  cr_assert_float_eq(json_real_value(json_object_get(src, "energy_j")), 100, 1e-12);
  cr_assert_float_eq(json_real_value(json_object_get(src, "avg_w")), 50, 1e-12);
  cr_assert_not_null(json_object_get(src, "net_energy_j"), "what the device drew stays");
  json_decref(power);
}

/* ---- clocks and temperatures ---- */

static void cpu_freq(const char *cpu, const char *khz) {
  char rel[256];
  snprintf(rel, sizeof rel, "sys/devices/system/cpu/%s/cpufreq/scaling_cur_freq", cpu);
  fake_write(g_root, rel, khz);
}

Test(power_sampler, thermal_snapshots_and_clock_fell) {
  cpu_freq("cpu0", "3000000\n");
  cpu_freq("cpu1", "3000000\n");
  fake_mkdirs(g_root, "sys/devices/system/cpu/cpufreq"); /* not a cpuN entry */
  fake_write(g_root, "sys/class/hwmon/hwmon0/name", "k10temp\n");
  fake_write(g_root, "sys/class/hwmon/hwmon0/temp1_input", "61250\n");
  fake_write(g_root, "sys/class/hwmon/hwmon0/temp1_label", "Tctl\n");
  ab_thermal_snapshot before, after;
  ab_thermal_take(g_root, &before);
  cr_assert_eq(before.n_cpus, 2);
  cr_assert_float_eq(before.cpu_mhz_mean, 3000, 1e-9);
  cr_assert_eq(before.n_temps, 1);
  cr_assert_str_eq(before.temps[0].name, "hwmon0:k10temp/Tctl");
  cr_assert_float_eq(before.temps[0].celsius, 61.25, 1e-9);

  cpu_freq("cpu0", "2400000\n");
  cpu_freq("cpu1", "2600000\n");
  ab_thermal_take(g_root, &after);
  double drop = 0;
  cr_assert(ab_thermal_clock_fell(&before, &after, 0.05, &drop));
  cr_assert_float_eq(drop, 16.666666, 1e-4);
  cr_assert_not(ab_thermal_clock_fell(&before, &before, 0.05, NULL));
  json_t *j = ab_thermal_json(&before, &after);
  cr_assert(json_is_true(json_object_get(j, "clock_fell")));
  json_decref(j);

  char empty[300];
  snprintf(empty, sizeof empty, "%s/nothing", g_root);
  ab_thermal_take(empty, &before);
  cr_assert_eq(before.n_cpus + before.n_temps, 0);
  j = ab_thermal_json(&before, &before);
  cr_assert(strstr(json_string_value(json_object_get(j, "not_measured")), "no readable"));
  json_decref(j);
}
