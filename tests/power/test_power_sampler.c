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

/* ---- test power sources: one channel each, slots shared where they do nothing ---- */

static ab_status stub_probe(const ab_option *o, size_t n, char *msg) {
  (void)o, (void)n, (void)msg;
  return AB_OK;
}
static ab_status stub_open(void *st, const ab_option *o, size_t n, char *msg) {
  (void)st, (void)o, (void)n, (void)msg;
  return AB_OK;
}
static void stub_close(void *st) {
  (void)st;
}
static ab_status one_channel(void *st, uint32_t *n, char *msg) {
  (void)st, (void)msg;
  *n = 1;
  return AB_OK;
}

typedef ab_status (*open_slot)(void *, const ab_option *, size_t, char *);
typedef ab_status (*info_slot)(void *, uint32_t, ab_power_channel_info *, char *);
typedef ab_status (*read_slot)(void *, uint32_t, double *, char *);

static ab_power_source test_source(const char *name, size_t state_size, open_slot open,
                                   info_slot info, read_slot read, uint64_t flags) {
  return (ab_power_source){.abi_major = AB_POWER_ABI_MAJOR,
                           .abi_minor = AB_POWER_ABI_MINOR,
                           .struct_size = sizeof(ab_power_source),
                           .name = name,
                           .description = "test",
                           .state_size = state_size,
                           .probe = stub_probe,
                           .open = open,
                           .close = stub_close,
                           .channel_count = one_channel,
                           .channel_info = info,
                           .read = read,
                           .flags = flags};
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
  ab_power_figures(&w, &(ab_idle_power){20, 0}, &(ab_window_work){1e12, 4e9, 0}, &f);
  cr_assert_float_eq(f.net_j, 60, 1e-12);
  cr_assert_float_eq(f.net_avg_w, 30, 1e-12);
  cr_assert_float_eq(f.pj_per_flop, 100, 1e-9);
  cr_assert_float_eq(f.net_pj_per_flop, 60, 1e-9);
  cr_assert_float_eq(f.gflops_per_w, 10, 1e-12); /* 500 GFLOP/s at 50 W */
  cr_assert_float_eq(f.pj_per_byte, 25000, 1e-6);
  cr_assert_float_eq(f.gbytes_per_s_per_w, 0.04, 1e-12);
  cr_assert(isnan(f.j_per_token) && isnan(f.net_j_per_token), "no tokens, no J/token");
  /* A model step: 100 J gross, 60 J net over 400 tokens. */
  ab_power_figures(&w, &(ab_idle_power){20, 0}, &(ab_window_work){1e12, 4e9, 400}, &f);
  cr_assert_float_eq(f.j_per_token, 0.25, 1e-12);
  cr_assert_float_eq(f.net_j_per_token, 0.15, 1e-12);
  json_t *j = ab_power_window_json(&w, &f);
  cr_assert_float_eq(json_real_value(json_object_get(j, "j_per_token")), 0.25, 1e-12);
  cr_assert_float_eq(json_real_value(json_object_get(j, "net_j_per_token")), 0.15, 1e-12);
  json_decref(j);
  ab_power_figures(&w, NULL, &(ab_window_work){0, 0, 0}, &f);
  cr_assert(isnan(f.net_j) && isnan(f.pj_per_flop) && isnan(f.gflops_per_w) && !f.has_idle);
  ab_power_figures(&w, NULL, &(ab_window_work){0, 0, 400}, &f);
  cr_assert_float_eq(f.j_per_token, 0.25, 1e-12);
  cr_assert(isnan(f.net_j_per_token), "no baseline, no net figure");
  j = ab_power_window_json(&w, &f);
  cr_assert_null(json_object_get(j, "net_j_per_token"), "absent, never a made-up number");
  json_decref(j);
}

/* ---- net of idle (docs/power.md, "Net of idle") ---- */

Test(power_sampler, weighted_standard_error) {
  double v[] = {1, 2, 3, 4, 5}, eq[] = {1, 1, 1, 1, 1};
  cr_assert_float_eq(ab_power_weighted_se(v, eq, 5), sqrt(2.5 / 5), 1e-12, "s / sqrt(n)");
  /* 10 W for 1 s and 20 W for 3 s: mean 17.5, n_eff = 16 / 10, sqrt(75 / 4 / 0.6). */
  double v2[] = {10, 20}, w2[] = {1, 3};
  cr_assert_float_eq(ab_power_weighted_se(v2, w2, 2), sqrt(31.25), 1e-12);
  cr_assert(isnan(ab_power_weighted_se(v, eq, 1)), "one value has no spread");
  double w0[] = {1, 0};
  cr_assert(isnan(ab_power_weighted_se(v2, w0, 2)), "one value with weight is still one");
}

static json_t *window_json_with_idle(const ab_energy_window *w, ab_idle_power idle,
                                     ab_energy_figures *f) {
  ab_power_figures(w, &idle, &(ab_window_work){1e12, 0, 400}, f);
  return ab_power_window_json(w, f);
}

/* The case: net power that is noise gave a perf/W in the hundreds of thousands. Net
 * power is published only above 2 x sqrt(se_window^2 + se_idle^2). */
Test(power_sampler, net_figures_only_above_their_uncertainty) {
  ab_energy_window w = {
      .joules = 100, .avg_watts = 50, .avg_se_w = 3, .duration_s = 2, .valid = true};
  ab_energy_figures f;
  /* se 3 W and 4 W: the uncertainty is 2 x 5 W = 10 W; 9.9 W net of idle is within it. */
  json_t *j = window_json_with_idle(&w, (ab_idle_power){40.1, 4}, &f);
  cr_assert_float_eq(f.net_u_w, 10.0, 1e-12);
  cr_assert_not(f.net_measurable);
  cr_assert(isnan(f.net_avg_w) && isnan(f.net_j) && isnan(f.net_gflops_per_w) &&
                isnan(f.net_pj_per_flop) && isnan(f.net_j_per_token),
            "no net figure out of noise");
  static const char *const net_keys[] = {"net_avg_w", "net_energy_j", "net_pj_per_flop",
                                         "net_gflops_per_w", "net_j_per_token"};
  for (size_t i = 0; i < sizeof net_keys / sizeof net_keys[0]; i++)
    cr_assert_null(json_object_get(j, net_keys[i]), "%s absent", net_keys[i]);
  const char *why = json_string_value(json_object_get(j, "net_not_measurable"));
  cr_assert(why && strstr(why, "net power within noise: 9.9 W net of idle, uncertainty 10 W"), "%s",
            why ? why : "(none)");
  cr_assert_float_eq(json_real_value(json_object_get(j, "net_uncertainty_w")), 10.0, 1e-12);
  cr_assert_float_eq(json_real_value(json_object_get(j, "idle_w")), 40.1, 1e-12);
  cr_assert_float_eq(json_real_value(json_object_get(j, "idle_se_w")), 4.0, 1e-12);
  cr_assert_float_eq(json_real_value(json_object_get(j, "avg_se_w")), 3.0, 1e-12);
  cr_assert_not_null(json_object_get(j, "gflops_per_w"), "gross figures stay");
  json_decref(j);

  /* 10.1 W net stands out of 10 W: every net figure is there. */
  j = window_json_with_idle(&w, (ab_idle_power){39.9, 4}, &f);
  cr_assert(f.net_measurable);
  cr_assert_float_eq(f.net_avg_w, 10.1, 1e-9);
  cr_assert_float_eq(f.net_j, 100 - 39.9 * 2, 1e-9);
  cr_assert_float_eq(f.net_gflops_per_w, 1e12 / f.net_j * 1e-9, 1e-9);
  cr_assert_float_eq(json_real_value(json_object_get(j, "net_avg_w")), 10.1, 1e-9);
  cr_assert_null(json_object_get(j, "net_not_measurable"));
  json_decref(j);

  /* Below idle is not a net figure either. */
  json_decref(window_json_with_idle(&w, (ab_idle_power){70, 0}, &f));
  cr_assert_not(f.net_measurable);
  /* No spread known for the baseline: no uncertainty, no net figure. */
  j = window_json_with_idle(&w, (ab_idle_power){20, NAN}, &f);
  cr_assert_not(f.net_measurable);
  cr_assert(strstr(json_string_value(json_object_get(j, "net_not_measurable")),
                   "net power uncertainty unknown"));
  cr_assert_null(json_object_get(j, "net_uncertainty_w"));
  json_decref(j);
}

/* An instant-power test source reading g_wobble_base W, 4 W above and below it in turn. */
static double g_wobble_base;

static ab_status wob_info(void *st, uint32_t i, ab_power_channel_info *ci, char *msg) {
  (void)st, (void)i, (void)msg;
  snprintf(ci->name, sizeof ci->name, "wobble");
  ci->scope = AB_POWER_SCOPE_BOARD;
  ci->kind = AB_POWER_KIND_INSTANT_POWER;
  return AB_OK;
}
static ab_status wob_read(void *st, uint32_t i, double *v, char *msg) {
  (void)i, (void)msg;
  int *reads = st;
  *v = g_wobble_base + ((*reads)++ % 2 ? 4.0 : -4.0);
  return AB_OK;
}

/* The "power" source object of a 0.5 s case window at g_wobble_base W. */
static json_t *wobble_case(ab_power_registry *reg) {
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_sampler_start(reg, 50, &s, msg), AB_OK, "%s", msg);
  sleep_s(0.5);
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  cr_assert(w[0].valid, "%s", w[0].invalid_reason);
  json_t *j = ab_power_case_json(reg, w, n, &(ab_window_work){1e12, 0, 0});
  json_t *src = json_incref(json_array_get(json_object_get(j, "sources"), 0));
  json_decref(j);
  ab_power_windows_free(w, n);
  return src;
}

/* The spread of the idle baseline travels with it (as the parent hands it to the workers)
 * and decides, with the window's own, whether a case has a net figure. */
Test(power_sampler, idle_spread_decides_net_figures) {
  ab_option none[] = {{"rapl", "off"}, {"hwmon", "off"}, {"ipmi", "off"}, {"rate_hz", "50"}};
  ab_power_source wobble = test_source("wobble", sizeof(int), stub_open, wob_info, wob_read, 0);
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_registry_create(none, 4, &reg, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_registry_add(reg, &wobble, NULL, 0, msg), AB_OK, "%s", msg);
  g_wobble_base = 40;
  cr_assert_eq(ab_power_idle_baseline(reg, 0.5, msg), AB_OK, "%s", msg);
  ab_idle_power idle = ab_power_idle(reg, 0);
  cr_assert_float_eq(idle.watts, 40, 0.5);
  /* +-4 W over ~25 samples: a standard error near 4 / 5. */
  cr_assert(idle.se_w > 0.4 && idle.se_w < 1.6, "idle se %g W", idle.se_w);

  ab_power_registry *worker = NULL;
  cr_assert_eq(ab_power_registry_create(none, 4, &worker, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_registry_add(worker, &wobble, NULL, 0, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_set_idle_watts(worker, 0, idle.watts, idle.se_w, 0.5), AB_OK);
  cr_assert_eq(ab_power_set_idle_watts(worker, 0, idle.watts, -1, 0.5), AB_E_INVALID);

  g_wobble_base = 41; /* 1 W over idle, inside the ~2.3 W uncertainty */
  json_t *src = wobble_case(worker);
  cr_assert_null(json_object_get(src, "net_avg_w"), "1 W over idle is noise here");
  cr_assert_null(json_object_get(src, "net_gflops_per_w"));
  cr_assert(strstr(json_string_value(json_object_get(src, "net_not_measurable")),
                   "net power within noise"));
  cr_assert_float_eq(json_real_value(json_object_get(src, "idle_se_w")), idle.se_w, 1e-12);
  json_decref(src);

  g_wobble_base = 100;
  src = wobble_case(worker);
  cr_assert_float_eq(json_real_value(json_object_get(src, "net_avg_w")), 60, 1.0);
  cr_assert_not_null(json_object_get(src, "net_gflops_per_w"));
  cr_assert_null(json_object_get(src, "net_not_measurable"));
  json_decref(src);

  json_t *list = ab_power_registry_to_json(reg);
  json_t *ch = json_array_get(
      json_object_get(json_array_get(json_object_get(list, "sources"), 5), "channels"), 0);
  cr_assert_float_eq(json_real_value(json_object_get(json_object_get(ch, "idle"), "se_w")),
                     idle.se_w, 1e-12);
  json_decref(list);
  ab_power_registry_free(worker);
  ab_power_registry_free(reg);
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

/* A fake powercap zone intel-rapl:0 ("package-0") that wraps at range_j, with the
 * constraint attributes in `limits` (name, microwatts, ..., NULL). */
static void rapl_tree(double range_j, const char *const *limits) {
  char text[64];
  fake_write(g_root, "sys/class/powercap/intel-rapl:0/name", "package-0\n");
  snprintf(text, sizeof text, "%.0f\n", range_j * 1e6);
  fake_write(g_root, "sys/class/powercap/intel-rapl:0/max_energy_range_uj", text);
  fake_write(g_root, "sys/class/powercap/intel-rapl:0/energy_uj", "00000000000000000000\n");
  for (size_t i = 0; limits && limits[i]; i += 2) {
    char rel[256];
    snprintf(rel, sizeof rel, "sys/class/powercap/intel-rapl:0/%s", limits[i]);
    fake_write(g_root, rel, limits[i + 1]);
  }
}

/* What the sampler measured on the zone of rapl_tree() while `c` advanced it for `seconds`
 * at poll rate `rate_hz`. [*lo, *hi] brackets the true energy between the edge reads: the
 * writer's published truth just before and after start() and stop(). */
static ab_energy_window measure_rapl(counter_writer *c, const char *rate_hz, double seconds,
                                     double *lo, double *hi, double *max_w) {
  char path[512];
  snprintf(path, sizeof path, "%s/sys/class/powercap/intel-rapl:0/energy_uj", g_root);
  c->fd = open(path, O_WRONLY);
  cr_assert_geq(c->fd, 0);
  c->t0 = now_s();
  cr_assert_eq(pthread_create(&c->th, NULL, advance, c), 0);
  sleep_s(0.05);
  ab_option o[] = {{"rapl.root", g_root}, {"hwmon", "off"}, {"ipmi", "off"}, {"rate_hz", rate_hz}};
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_registry_create(o, 4, &reg, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_registry_enabled(reg), 1);
  json_t *list = ab_power_registry_to_json(reg);
  json_t *ch = json_array_get(
      json_object_get(json_array_get(json_object_get(list, "sources"), 0), "channels"), 0);
  *max_w = json_is_number(json_object_get(ch, "max_w"))
               ? json_number_value(json_object_get(ch, "max_w"))
               : 0;
  json_decref(list);
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  double a1 = atomic_load(&c->written_uj) * 1e-6;
  cr_assert_eq(ab_power_sampler_start(reg, 0, &s, msg), AB_OK, "%s", msg);
  double a2 = atomic_load(&c->written_uj) * 1e-6;
  sleep_s(seconds);
  double b1 = atomic_load(&c->written_uj) * 1e-6;
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  double b2 = atomic_load(&c->written_uj) * 1e-6;
  atomic_store(&c->stop, true);
  pthread_join(c->th, NULL);
  close(c->fd);
  cr_assert_eq(n, 1);
  ab_energy_window out = w[0];
  ab_power_windows_free(w, n);
  ab_power_registry_free(reg);
  *lo = b1 - a2;
  *hi = b2 - a1;
  return out;
}

/* The measurement lies within 1% of the bracket, and the bracket is tight (the writer was
 * not stalled). */
static void assert_energy_within(const ab_energy_window *w, double lo, double hi) {
  double known = 0.5 * (lo + hi);
  cr_assert_gt(w->joules, lo - 0.01 * known, "measured %.4f J, known %.4f..%.4f J", w->joules, lo,
               hi);
  cr_assert_lt(w->joules, hi + 0.01 * known, "measured %.4f J, known %.4f..%.4f J", w->joules, lo,
               hi);
  cr_assert_lt(hi - lo, 0.01 * known, "bracket %.4f..%.4f J too wide (writer stalled)", lo, hi);
}

/* The rule of docs/power.md: a counter window is right, or invalid because a gap between
 * its reads really was longer than the wrap-safe period (the writer and the sampler are
 * threads of a machine other work may load); never wrong and valid. Returns w->valid. */
static bool right_or_wrap_unsafe(const ab_energy_window *w, double lo, double hi) {
  if (w->valid) {
    assert_energy_within(w, lo, hi);
    return true;
  }
  cr_assert(strstr(w->invalid_reason, "wrap-safe period"), "%s", w->invalid_reason);
  cr_assert_gt(w->max_gap_s, w->wrap_safe_s, "%s", w->invalid_reason);
  return false;
}

Test(power_sampler, rapl_counter_known_rate_with_wraps_and_reset) {
  /* A stated maximum, as package zones have: with none, the sampler would bound the power
   * by what it sees, and this writer thread, stalled by a loaded machine and then catching
   * up, shows spikes a real counter does not have. 100 W over 20 J is wrap-safe for 0.1 s
   * (a loaded machine may stall the sampler that long), and a catch-up at a wrap must look
   * faster than 1.5 x 100 W, 7.5 x the true rate, before it is taken for a reset. */
  static const char *const limits[] = {"constraint_0_max_power_uw", "100000000\n", NULL};
  rapl_tree(20.0, limits);
  counter_writer c = {.watts = 20.0, .range_j = 20.0, .reset_after_s = 1.0};
  double lo, hi, max_w;
  ab_energy_window w = measure_rapl(&c, "200", 3.0, &lo, &hi, &max_w);
  cr_assert_float_eq(w.poll_interval_s, 0.005, 1e-12, "200 Hz is inside the safe period");
  /* The energy between the last read before a reset and the reset is gone for any reader:
   * at most the longest gap between reads at the writer's power (a loaded machine stretches
   * the gap, so this is a bound on what was lost, not a tolerance). */
  lo -= w.max_gap_s * c.watts;
  if (!right_or_wrap_unsafe(&w, lo, hi))
    cr_skip_test("the machine stalled the sampler for %.3g s: %s", w.max_gap_s, w.invalid_reason);
  cr_assert_str_eq(w.method, "counter");
  cr_assert_eq(atomic_load(&c.resets), 1, "the writer reset the counter once");
  cr_assert_eq(w.resets, 1, "the sampler saw the reset as a reset");
  /* 3 s at 20 W over a 20 J range: about 3 wraps. */
  cr_assert_geq(w.wraps, 2, "wraps seen: %u", w.wraps);
  cr_assert_gt(w.n_points, 100);
  cr_assert_leq(w.n_points, AB_POWER_TIMELINE_MAX);
  double tl = 0;
  for (uint32_t i = 0; i < w.n_points; i++)
    tl += w.timeline[i].watts * w.duration_s / w.n_points;
  cr_assert_lt(fabs(tl - w.joules) / w.joules, 1e-6, "timeline integrates to the energy");
}

/* ---- wrap safety (docs/power.md, "Counter wrap-around") ---- */

Test(power_sampler, wrap_safe_period_rule) {
  /* 10 J at 20 W: half the range passes in 0.25 s. */
  cr_assert_float_eq(ab_power_wrap_safe_s(10, 20), 0.25, 1e-12);
  cr_assert(isinf(ab_power_wrap_safe_s(0, 20)), "a counter that does not wrap has no limit");
  cr_assert(isinf(ab_power_wrap_safe_s(10, 0)), "nothing known, nothing to limit by");
}

/* What the reporter saw: `rate_hz=1` on a counter wrapping every second gave energy far
 * too low, marked valid. The zone states its limits; the largest (20 W, the short-term
 * limit) bounds the power, so the sampler polls every 10 J / (2 x 20 W) / 2 = 0.125 s. */
Test(power_sampler, slow_poll_small_range_polls_faster_at_max_power) {
  static const char *const limits[] = {"constraint_0_max_power_uw",
                                       "12000000\n",
                                       "constraint_0_power_limit_uw",
                                       "8000000\n",
                                       "constraint_1_power_limit_uw",
                                       "20000000\n",
                                       NULL};
  rapl_tree(10.0, limits);
  counter_writer c = {.watts = 10.0, .range_j = 10.0, .reset_after_s = 1e9};
  double lo, hi, max_w;
  ab_energy_window w = measure_rapl(&c, "1", 3.0, &lo, &hi, &max_w);
  cr_assert_float_eq(max_w, 20.0, 1e-9, "the largest constraint bounds the power");
  cr_assert_float_eq(w.poll_interval_s, 0.125, 1e-12);
  cr_assert_float_eq(w.wrap_safe_s, 0.25, 1e-12);
  cr_assert_float_eq(w.wrap_power_w, 20.0, 1e-12);
  if (right_or_wrap_unsafe(&w, lo, hi))
    cr_assert_geq(w.wraps, 2, "wraps seen: %u", w.wraps);
  ab_energy_figures f;
  ab_power_figures(&w, NULL, &(ab_window_work){1e9, 0, 0}, &f);
  json_t *j = ab_power_window_json(&w, &f);
  cr_assert_float_eq(json_real_value(json_object_get(j, "wrap_safe_period_s")), 0.25, 1e-12);
  cr_assert_float_eq(json_real_value(json_object_get(j, "wrap_power_w")), 20.0, 1e-12);
  cr_assert_str_eq(json_string_value(json_object_get(j, "wrap_power_from")), "max power");
  json_decref(j);
}

/* No stated maximum: whatever the machine's scheduling does, the figure is either right or
 * invalid with the reason, never wrong and valid. */
Test(power_sampler, slow_poll_small_range_no_max_power_right_or_invalid) {
  rapl_tree(10.0, NULL);
  counter_writer c = {.watts = 10.0, .range_j = 10.0, .reset_after_s = 1e9};
  double lo, hi, max_w;
  ab_energy_window w = measure_rapl(&c, "1", 3.0, &lo, &hi, &max_w);
  cr_assert_eq(max_w, 0, "the zone states no maximum");
  cr_assert_lt(w.poll_interval_s, 0.5, "polled faster than 1 Hz: %.3g s", w.poll_interval_s);
  if (right_or_wrap_unsafe(&w, lo, hi)) {
    cr_assert_not_null(w.wrap_power_from, "the bound it was checked against is recorded");
    cr_assert(strstr(w.wrap_power_from, "highest power seen"), "%s", w.wrap_power_from);
  }
}

/* A range the sampler cannot poll fast enough for (1 mJ at 10 W: 50 us) is invalid with the
 * reason, not counted short. */
Test(power_sampler, range_too_small_to_poll_is_invalid_with_the_reason) {
  static const char *const limits[] = {"constraint_0_max_power_uw", "10000000\n", NULL};
  rapl_tree(0.001, limits);
  counter_writer c = {.watts = 10.0, .range_j = 0.001, .reset_after_s = 1e9};
  double lo, hi, max_w;
  ab_energy_window w = measure_rapl(&c, "10", 0.5, &lo, &hi, &max_w);
  cr_assert_not(w.valid, "%.6f J measured, %.4f J known", w.joules, lo);
  cr_assert(strstr(w.invalid_reason, "counter read gap") &&
                strstr(w.invalid_reason, "exceeds the 5e-05 s wrap-safe period at max power 10 W"),
            "%s", w.invalid_reason);
  ab_energy_figures f;
  ab_power_figures(&w, NULL, &(ab_window_work){1e9, 0, 0}, &f);
  json_t *j = ab_power_window_json(&w, &f);
  cr_assert_null(json_object_get(j, "energy_j"), "no number for an invalid window");
  json_decref(j);
}

/* A counter source computed at read time, for exact figures: it has run at `watts` since
 * open() and wraps at `range`; `max` is its stated maximum (0: none). Its read number
 * `stall_at` sleeps `stall_s` first: on the shared sampler thread that holds up every other
 * fast channel's next read, as a scheduler stall would. */
typedef struct saw_src {
  double watts, range, max, t0, stall_s, update_s;
  int stall_at, reads;
} saw_src;

static double opt_num(const ab_option *o, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(o[i].key, key) == 0)
      return atof(o[i].value);
  return 0;
}

static ab_status saw_open(void *st, const ab_option *o, size_t n, char *msg) {
  (void)msg;
  saw_src *p = st;
  *p = (saw_src){.watts = opt_num(o, n, "watts"),
                 .range = opt_num(o, n, "range"),
                 .max = opt_num(o, n, "max"),
                 .stall_s = opt_num(o, n, "stall_s"),
                 .stall_at = (int)opt_num(o, n, "stall_at"),
                 .update_s = opt_num(o, n, "update_s"),
                 .t0 = now_s()};
  return AB_OK;
}
static ab_status saw_info(void *st, uint32_t i, ab_power_channel_info *ci, char *msg) {
  (void)i, (void)msg;
  saw_src *p = st;
  snprintf(ci->name, sizeof ci->name, "saw");
  ci->scope = AB_POWER_SCOPE_CHIP;
  ci->kind = AB_POWER_KIND_ENERGY_COUNTER;
  ci->update_period_s = p->update_s > 0 ? p->update_s : 1e-3;
  ci->wrap_joules = p->range;
  ci->max_watts = p->max;
  return AB_OK;
}
static ab_status saw_read(void *st, uint32_t i, double *v, char *msg) {
  (void)i, (void)msg;
  saw_src *p = st;
  if (++p->reads == p->stall_at)
    sleep_s(p->stall_s);
  double t = now_s() - p->t0;
  if (p->update_s > 0) /* the counter moves once per update period */
    t = floor(t / p->update_s) * p->update_s;
  *v = fmod(p->watts * t, p->range);
  return AB_OK;
}

/* The window of a saw counter (10 W, 10 J range, updated every update_s, 0: continuously
 * with a stated 1 ms update period) polled at rate_hz
 * for `seconds`, sharing its thread with a second saw that stalls it for 1.2 s at that
 * one's read `stall_at`: 12 J pass meanwhile, more than the range. */
static ab_energy_window measure_saw(const char *max, const char *update_s, const char *stall_at,
                                    double rate_hz, double seconds) {
  ab_option none[] = {{"rapl", "off"}, {"hwmon", "off"}, {"ipmi", "off"}};
  ab_option o[] = {{"watts", "10"}, {"range", "10"}, {"max", max}, {"update_s", update_s}};
  ab_option staller[] = {
      {"watts", "1"}, {"range", "1000"}, {"stall_at", stall_at}, {"stall_s", "1.2"}};
  ab_power_source saw = test_source("saw", sizeof(saw_src), saw_open, saw_info, saw_read, 0);
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_registry_create(none, 3, &reg, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_registry_add(reg, &saw, o, 4, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_registry_add(reg, &saw, staller, 4, msg), AB_OK, "%s", msg);
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  cr_assert_eq(ab_power_sampler_start(reg, rate_hz, &s, msg), AB_OK, "%s", msg);
  sleep_s(seconds);
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  cr_assert_eq(n, 2);
  ab_energy_window out = w[0];
  ab_power_windows_free(w, n);
  ab_power_registry_free(reg);
  return out;
}

/* No stated maximum and 1 Hz asked for: the sampler starts at 2 ms and lengthens its gaps
 * only as far as the power it has seen allows (10 J / (2 x 2 x 10 W) / 2 = 0.125 s). */
Test(power_sampler, slow_poll_without_max_power_adapts_and_is_exact) {
  ab_energy_window w = measure_saw("0", "0", "0", 1.0, 2.5);
  cr_assert(w.valid, "%s", w.invalid_reason);
  cr_assert_float_eq(w.wrap_power_w, 20.0, 0.2, "2 x the 10 W seen: %g", w.wrap_power_w);
  cr_assert_float_eq(w.poll_interval_s, 0.125, 0.002);
  cr_assert_geq(w.wraps, 2);
  cr_assert_lt(fabs(w.joules - 10.0 * w.duration_s), 1e-3 * w.joules, "%.5f J in %.5f s", w.joules,
               w.duration_s);
}

/* A sampler stalled for 1.2 s: at the stated 40 W a wrap could hide in it (one did). */
Test(power_sampler, stalled_counter_read_at_max_power_is_invalid) {
  ab_energy_window w = measure_saw("40", "0", "10", 50.0, 1.5);
  cr_assert_not(w.valid);
  cr_assert(strstr(w.invalid_reason, "counter read gap 1.2") &&
                strstr(w.invalid_reason, "exceeds the 0.125 s wrap-safe period at max power 40 W"),
            "%s", w.invalid_reason);
}

/* The same stall with no stated maximum: judged at 2 x the 10 W seen. The control without
 * the stall is valid. */
Test(power_sampler, stalled_counter_read_without_max_power_is_invalid) {
  ab_energy_window w = measure_saw("0", "0", "10", 50.0, 1.5);
  cr_assert_not(w.valid);
  cr_assert(strstr(w.invalid_reason, "wrap-safe period at 2 x the highest power seen (no stated "
                                     "maximum), "),
            "%s", w.invalid_reason);
  cr_assert_float_eq(w.wrap_power_w, 20.0, 0.2, "2 x the 10 W seen: %g", w.wrap_power_w);
  cr_assert_float_eq(w.wrap_safe_s, 0.25, 0.003);
  w = measure_saw("0", "0", "0", 50.0, 1.0);
  cr_assert(w.valid, "%s", w.invalid_reason);
}

/* A counter that moves only every 50 ms, polled every 20 ms: the power is seen over spans
 * of 4 updates (one update more or less in a single 20 ms gap is no power reading), and the
 * same stall is judged against it. Its own gap, wrapped over, shows 2 J in 1.2 s: judged
 * by that, the stall would pass as safe. */
Test(power_sampler, stalled_slow_updating_counter_is_invalid) {
  ab_energy_window w = measure_saw("0", "0.05", "10", 50.0, 2.0);
  cr_assert_not(w.valid, "%.4f J in %.4f s", w.joules, w.duration_s);
  cr_assert(strstr(w.invalid_reason, "wrap-safe period at 2 x the highest power seen"), "%s",
            w.invalid_reason);
  cr_assert(w.wrap_power_w > 15 && w.wrap_power_w < 30, "2 x ~10 W: %g", w.wrap_power_w);
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
  ab_power_figures(&w[0], NULL, &(ab_window_work){1e9, 0, 0}, &f);
  json_t *j = ab_power_window_json(&w[0], &f);
  cr_assert_null(json_object_get(j, "energy_j"), "no number for an invalid window");
  cr_assert_null(json_object_get(j, "avg_w"));
  cr_assert_not_null(json_object_get(j, "invalid_reason"));
  json_decref(j);
  ab_power_windows_free(w, n);
  ab_power_registry_free(reg);
}

static int rename_in(const char *root, const char *from, const char *to) {
  char a[512], b[512];
  snprintf(a, sizeof a, "%s/%s", root, from);
  snprintf(b, sizeof b, "%s/%s", root, to);
  return rename(a, b);
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
  /* Replaced by rename, as a meter does: a truncating write could be read empty first. */
  fake_write(g_root, "meter.tmp", "meter lost its link\n");
  cr_assert_eq(rename_in(g_root, "meter.tmp", "meter"), 0);
  sleep_s(0.6);
  fake_write(g_root, "meter.tmp", "80 W\n");
  cr_assert_eq(rename_in(g_root, "meter.tmp", "meter"), 0);
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
  return test_source(name, sizeof(probe_src), ps_open, ps_info, ps_read, flags);
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
  ab_power_figures(&w, &(ab_idle_power){20, 0}, &(ab_window_work){1e12, 4e9, 400}, &f);
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
