/* The CNDev power module against the fake libcndev (tests/cambricon/fake_cndev.c), loaded
 * the way a case worker loads a vetted module (ab_power_worker_registry): its channels,
 * the counter following the fake's wattage, the fall-back to power usage, every fault with
 * CNDev's code and text, and the join to the cambricon backend's devices by PCI bus id. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "power/power_private.h"
#include "power_modules.h"

#define CNDEV_MODULE AB_TEST_BACKEND_DIR "/accelbench-power-cndev.so"
#define FAKE         AB_FAKE_MLU_DIR "/libcndev.so"
#define FAKE_NOSYM   AB_FAKE_MLU_DIR "/libcndev-nofields.so"

static ab_power_registry *g_reg;
static ab_power_module_set g_mods;

static void clean_env(void) {
  const char *vars[] = {"FAKE_CNDEV_INIT_FAIL", "FAKE_CNDEV_WATTS", "FAKE_CNDEV_ENERGY_FAIL",
                        "FAKE_CNDEV_CAP_W"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    unsetenv(vars[i]);
  setenv("FAKE_CNDEV_DEVICES", "2", 1);
  setenv("AB_CNDEV_LIBRARY", FAKE, 1);
}

/* Only the cndev source: the host's own RAPL/hwmon must not change what is tested. */
static ab_power_registry *open_cndev(const char *extra_key, const char *extra_value) {
  ab_option o[] = {{"sources", "cndev"}, {extra_key, extra_value}};
  const char *paths[] = {CNDEV_MODULE};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_worker_registry(o, extra_key ? 2 : 1, paths, 1, &g_reg, &g_mods, msg),
               AB_OK, "%s", msg);
  return g_reg;
}

static void teardown(void) {
  ab_power_registry_free(g_reg);
  g_reg = NULL;
  if (g_mods.items)
    ab_power_modules_free(&g_mods);
}

static const reg_source *cndev_source(const ab_power_registry *reg) {
  for (size_t i = 0; i < reg->n_sources; i++)
    if (strcmp(reg->sources[i].table.name, "cndev") == 0)
      return &reg->sources[i];
  cr_assert_fail("no cndev source");
  return NULL;
}

static const reg_channel *channel(const ab_power_registry *reg, const char *id) {
  for (size_t i = 0; i < reg->n_channels; i++)
    if (strcmp(reg->channels[i].id, id) == 0)
      return &reg->channels[i];
  cr_assert_fail("no channel %s", id);
  return NULL;
}

TestSuite(cndev, .init = clean_env, .fini = teardown);

Test(cndev, two_mlus_energy_counters_joined_by_bus_id) {
  ab_power_registry *reg = open_cndev(NULL, NULL);
  const reg_source *rs = cndev_source(reg);
  cr_assert(rs->enabled, "%s", rs->reason);
  cr_assert(rs->module && rs->module_sha256[0]);
  cr_assert_eq(rs->n_channels, 4);
  const reg_channel *e1 = channel(reg, "cndev:mlu1/energy");
  cr_assert(e1->enabled, "%s", e1->info.disabled_reason);
  cr_assert_eq(e1->info.kind, AB_POWER_KIND_ENERGY_COUNTER);
  cr_assert_eq(e1->info.scope, AB_POWER_SCOPE_UNKNOWN);
  cr_assert_str_eq(e1->info.covers_backend, "cambricon");
  cr_assert_str_eq(e1->info.covers_uid, "0000:1b:00.0");
  cr_assert_eq(e1->info.max_watts, 150.0); /* the fake's power cap */
  const reg_channel *p0 = channel(reg, "cndev:mlu0/power");
  cr_assert_not(p0->enabled);
  cr_assert(strstr(p0->info.disabled_reason, "energy counter is preferred"));
}

Test(cndev, counter_follows_the_fake_wattage) {
  setenv("FAKE_CNDEV_WATTS", "100,300", 1);
  ab_power_registry *reg = open_cndev(NULL, NULL);
  const reg_source *rs = cndev_source(reg);
  const reg_channel *e1 = channel(reg, "cndev:mlu1/energy");
  double a, b;
  char msg[AB_MSG_LEN];
  struct timespec t0, t1, pause = {0, 200 * 1000 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cr_assert_eq(rs->table.read(rs->state, e1->index, &a, msg), AB_OK, "%s", msg);
  nanosleep(&pause, NULL);
  cr_assert_eq(rs->table.read(rs->state, e1->index, &b, msg), AB_OK, "%s", msg);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double dt = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  double watts = (b - a) / dt; /* 300 W, in joules from the field's millijoules */
  cr_assert(watts > 0.8 * 300 && watts < 1.2 * 300, "%g W", watts);
}

Test(cndev, power_usage_on_request_reads_watts) {
  setenv("FAKE_CNDEV_WATTS", "120", 1);
  ab_power_registry *reg = open_cndev("cndev.power_usage", "on");
  const reg_source *rs = cndev_source(reg);
  const reg_channel *p0 = channel(reg, "cndev:mlu0/power");
  cr_assert(p0->enabled, "%s", p0->info.disabled_reason);
  cr_assert_eq(p0->info.kind, AB_POWER_KIND_AVERAGE_POWER);
  double w;
  char msg[AB_MSG_LEN];
  cr_assert_eq(rs->table.read(rs->state, p0->index, &w, msg), AB_OK, "%s", msg);
  cr_assert_eq(w, 120.0);
}

Test(cndev, energy_error_falls_back_to_power_usage) {
  setenv("FAKE_CNDEV_ENERGY_FAIL", "1", 1);
  ab_power_registry *reg = open_cndev(NULL, NULL);
  const reg_channel *e1 = channel(reg, "cndev:mlu1/energy");
  cr_assert_not(e1->enabled);
  cr_assert(strstr(e1->info.disabled_reason,
                   "cndevDeviceGetFieldValues(TotalEnergyConsumption): error (7): fake: unknown "
                   "error"),
            "%s", e1->info.disabled_reason);
  cr_assert(channel(reg, "cndev:mlu1/power")->enabled);
  cr_assert(channel(reg, "cndev:mlu0/energy")->enabled);
}

Test(cndev, missing_field_symbol_is_named) {
  setenv("AB_CNDEV_LIBRARY", FAKE_NOSYM, 1);
  ab_power_registry *reg = open_cndev(NULL, NULL);
  const reg_channel *e0 = channel(reg, "cndev:mlu0/energy");
  cr_assert_not(e0->enabled);
  cr_assert(strstr(e0->info.disabled_reason, "symbol cndevDeviceGetFieldValues missing from"), "%s",
            e0->info.disabled_reason);
  cr_assert(channel(reg, "cndev:mlu0/power")->enabled);
}

Test(cndev, init_failure_keeps_the_code_and_text) {
  setenv("FAKE_CNDEV_INIT_FAIL", "1", 1);
  ab_power_registry *reg = open_cndev(NULL, NULL);
  const reg_source *rs = cndev_source(reg);
  cr_assert_not(rs->enabled);
  cr_assert(strstr(rs->reason, "cndevInit: error (1): fake: no Cambricon driver"), "%s",
            rs->reason);
}

Test(cndev, zero_mlus_disable_the_source) {
  setenv("FAKE_CNDEV_DEVICES", "0", 1);
  ab_power_registry *reg = open_cndev(NULL, NULL);
  const reg_source *rs = cndev_source(reg);
  cr_assert_not(rs->enabled);
  cr_assert(strstr(rs->reason, "cndevGetDeviceCount: 0 MLUs"), "%s", rs->reason);
}

Test(cndev, library_not_found_names_what_was_tried) {
  setenv("AB_CNDEV_LIBRARY", "/nonexistent/libcndev.so", 1);
  ab_power_registry *reg = open_cndev(NULL, NULL);
  const reg_source *rs = cndev_source(reg);
  cr_assert_not(rs->enabled);
  cr_assert(strstr(rs->reason, "CNDev library not found: tried AB_CNDEV_LIBRARY=/nonexistent/"
                               "libcndev.so"),
            "%s", rs->reason);
}

Test(cndev, a_cambricon_case_gets_only_its_own_mlu) {
  ab_power_registry *reg = open_cndev(NULL, NULL);
  size_t e0 = (size_t)(channel(reg, "cndev:mlu0/energy") - reg->channels);
  size_t e1 = (size_t)(channel(reg, "cndev:mlu1/energy") - reg->channels);
  /* CNRT's form of MLU 1's bus id (tests/cambricon/fake_cnrt.c). */
  cr_assert(ab_power_channel_covers_case(reg, e1, "cambricon", "0000:1b:00.0"));
  cr_assert_not(ab_power_channel_covers_case(reg, e0, "cambricon", "0000:1b:00.0"));
  ab_energy_window w[2] = {{.channel = e0}, {.channel = e1}};
  size_t n = 2;
  ab_power_windows_for_case(reg, w, &n, "cambricon", "0000:1a:00.0");
  cr_assert_eq(n, 1);
  cr_assert_eq(w[0].channel, e0);
}
