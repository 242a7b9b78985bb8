/* The ROCm power module (power/rocm_smi) against the fake amdsmi and rocm_smi libraries
 * (tests/rocm/fake_amdsmi.c, fake_rsmi.c), loaded the way a case worker loads a vetted
 * module (ab_power_worker_registry): which library and counter it reads, the fallback from
 * amdsmi to rocm_smi, faults with the library's code and text, and the channel-to-device
 * join by PCI bus id. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "power/power_private.h"
#include "power_modules.h"

#define ROCM_MODULE AB_TEST_BACKEND_DIR "/accelbench-power-rocm.so"
#define FAKE_AMDSMI AB_FAKE_ROCM_DIR "/libamd_smi.so"
#define FAKE_RSMI   AB_FAKE_ROCM_DIR "/librocm_smi64.so"

static ab_power_registry *g_reg;
static ab_power_module_set g_mods;

static void clean_env(void) {
  const char *vars[] = {"FAKE_SMI_DEVICES", "FAKE_SMI_WATTS", "FAKE_SMI_INIT_FAIL",
                        "FAKE_SMI_ENERGY_FAIL", "FAKE_SMI_STUCK"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    unsetenv(vars[i]);
  setenv("AB_AMDSMI_LIBRARY", FAKE_AMDSMI, 1);
  setenv("AB_ROCM_SMI_LIBRARY", FAKE_RSMI, 1);
}

static ab_power_registry *open_rocm(const char *extra_key, const char *extra_value) {
  ab_option o[] = {{"sources", "rocm"}, {extra_key, extra_value}};
  const char *paths[] = {ROCM_MODULE};
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

static const reg_source *rocm_source(const ab_power_registry *reg) {
  for (size_t i = 0; i < reg->n_sources; i++)
    if (strcmp(reg->sources[i].table.name, "rocm") == 0)
      return &reg->sources[i];
  cr_assert_fail("no rocm source");
  return NULL;
}

static const reg_channel *channel(const ab_power_registry *reg, const char *id) {
  for (size_t i = 0; i < reg->n_channels; i++)
    if (strcmp(reg->channels[i].id, id) == 0)
      return &reg->channels[i];
  cr_assert_fail("no channel %s", id);
  return NULL;
}

/* Watts a channel's counter shows over 200 ms. */
static double measured_watts(const reg_source *rs, const reg_channel *ch) {
  double a, b;
  char msg[AB_MSG_LEN];
  struct timespec t0, t1, pause = {0, 200 * 1000 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cr_assert_eq(rs->table.read(rs->state, ch->index, &a, msg), AB_OK, "%s", msg);
  nanosleep(&pause, NULL);
  cr_assert_eq(rs->table.read(rs->state, ch->index, &b, msg), AB_OK, "%s", msg);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (b - a) / ((double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
}

TestSuite(rocm_power, .init = clean_env, .fini = teardown);

Test(rocm_power, amdsmi_energy_counters_joined_by_bus_id) {
  ab_power_registry *reg = open_rocm(NULL, NULL);
  const reg_source *rs = rocm_source(reg);
  cr_assert(rs->enabled, "%s", rs->reason);
  cr_assert(rs->module && rs->module_sha256[0]);
  cr_assert_eq(rs->n_channels, 4);
  const reg_channel *e1 = channel(reg, "rocm:gpu1/energy");
  cr_assert(e1->enabled, "%s", e1->info.disabled_reason);
  cr_assert_eq(e1->info.kind, AB_POWER_KIND_ENERGY_COUNTER);
  cr_assert_str_eq(e1->info.covers_backend, "rocm");
  cr_assert_str_eq(e1->info.covers_uid, "0000:c2:00.0");
  cr_assert(strstr(e1->info.path, "amdsmi_get_energy_count"), "%s", e1->info.path);
  cr_assert(strstr(e1->info.label, "(amdsmi)"), "%s", e1->info.label);
  const reg_channel *p0 = channel(reg, "rocm:gpu0/power");
  cr_assert_not(p0->enabled);
  cr_assert(strstr(p0->info.disabled_reason, "changed layout"), "%s", p0->info.disabled_reason);
}

Test(rocm_power, counter_in_joules_follows_the_fake_wattage) {
  setenv("FAKE_SMI_WATTS", "100,300", 1);
  ab_power_registry *reg = open_rocm(NULL, NULL);
  double w = measured_watts(rocm_source(reg), channel(reg, "rocm:gpu1/energy"));
  cr_assert(w > 0.8 * 300 && w < 1.2 * 300, "%g W", w); /* count x resolution µJ -> J */
}

Test(rocm_power, rocm_smi_when_amdsmi_is_absent) {
  setenv("AB_AMDSMI_LIBRARY", "/nonexistent/libamd_smi.so", 1);
  setenv("FAKE_SMI_WATTS", "200", 1);
  ab_power_registry *reg = open_rocm(NULL, NULL);
  const reg_source *rs = rocm_source(reg);
  cr_assert(rs->enabled, "%s", rs->reason);
  const reg_channel *e0 = channel(reg, "rocm:gpu0/energy");
  cr_assert(e0->enabled, "%s", e0->info.disabled_reason);
  cr_assert(strstr(e0->info.path, "rsmi_dev_energy_count_get"), "%s", e0->info.path);
  cr_assert(strstr(e0->info.label, "amdsmi not used"), "%s", e0->info.label);
  double w = measured_watts(rs, e0);
  cr_assert(w > 0.8 * 200 && w < 1.2 * 200, "%g W", w);
  const reg_channel *p0 = channel(reg, "rocm:gpu0/power");
  cr_assert_not(p0->enabled);
  cr_assert(strstr(p0->info.disabled_reason, "energy counter is preferred"));
}

Test(rocm_power, power_on_request_in_watts_from_microwatts) {
  setenv("AB_AMDSMI_LIBRARY", "/nonexistent/libamd_smi.so", 1);
  setenv("FAKE_SMI_WATTS", "250", 1);
  ab_power_registry *reg = open_rocm("rocm.power", "on");
  const reg_source *rs = rocm_source(reg);
  const reg_channel *p0 = channel(reg, "rocm:gpu0/power");
  cr_assert(p0->enabled, "%s", p0->info.disabled_reason);
  cr_assert_eq(p0->info.kind, AB_POWER_KIND_AVERAGE_POWER);
  double v;
  char msg[AB_MSG_LEN];
  cr_assert_eq(rs->table.read(rs->state, p0->index, &v, msg), AB_OK, "%s", msg);
  cr_assert_float_eq(v, 250.0, 1e-6);
}

Test(rocm_power, a_stuck_counter_falls_back_to_power) {
  setenv("AB_AMDSMI_LIBRARY", "/nonexistent/libamd_smi.so", 1);
  setenv("FAKE_SMI_STUCK", "1", 1);
  ab_power_registry *reg = open_rocm(NULL, NULL);
  const reg_channel *e0 = channel(reg, "rocm:gpu0/energy");
  cr_assert_not(e0->enabled);
  cr_assert(strstr(e0->info.disabled_reason, "did not advance"), "%s", e0->info.disabled_reason);
  cr_assert(channel(reg, "rocm:gpu0/power")->enabled);
}

Test(rocm_power, energy_fault_keeps_the_code_and_text) {
  setenv("FAKE_SMI_ENERGY_FAIL", "2", 1);
  ab_power_registry *reg = open_rocm(NULL, NULL);
  const reg_channel *e0 = channel(reg, "rocm:gpu0/energy");
  cr_assert_not(e0->enabled);
  cr_assert(
      strstr(e0->info.disabled_reason,
             "amdsmi_get_energy_count: 2 (AMDSMI_STATUS_NOT_SUPPORTED: Command not supported)"),
      "%s", e0->info.disabled_reason);
}

Test(rocm_power, init_failure_of_both_names_both) {
  setenv("FAKE_SMI_INIT_FAIL", "34", 1);
  ab_power_registry *reg = open_rocm(NULL, NULL);
  const reg_source *rs = rocm_source(reg);
  cr_assert_not(rs->enabled);
  cr_assert(strstr(rs->reason, "amdsmi_init: 34 (AMDSMI_STATUS_DRIVER_NOT_LOADED"), "%s",
            rs->reason);
  cr_assert(strstr(rs->reason, "rocm_smi: "), "%s", rs->reason);
  cr_assert(strstr(rs->reason, "rsmi_init: 34"), "%s", rs->reason);
}

Test(rocm_power, no_library_names_every_path) {
  setenv("AB_AMDSMI_LIBRARY", "/nonexistent/libamd_smi.so", 1);
  setenv("AB_ROCM_SMI_LIBRARY", "/nonexistent/librocm_smi64.so", 1);
  ab_power_registry *reg = open_rocm(NULL, NULL);
  const reg_source *rs = rocm_source(reg);
  cr_assert_not(rs->enabled);
  cr_assert(
      strstr(rs->reason, "amdsmi not found: tried AB_AMDSMI_LIBRARY=/nonexistent/libamd_smi.so"),
      "%s", rs->reason);
  cr_assert(strstr(rs->reason, "/nonexistent/librocm_smi64.so"), "%s", rs->reason);
}

Test(rocm_power, a_rocm_case_gets_only_its_own_gpu) {
  ab_power_registry *reg = open_rocm(NULL, NULL);
  size_t e0 = (size_t)(channel(reg, "rocm:gpu0/energy") - reg->channels);
  size_t e1 = (size_t)(channel(reg, "rocm:gpu1/energy") - reg->channels);
  cr_assert(ab_power_channel_covers_case(reg, e1, "rocm", "0000:c2:00.0"));
  cr_assert_not(ab_power_channel_covers_case(reg, e0, "rocm", "0000:c2:00.0"));
  cr_assert(ab_power_channel_covers_case(reg, e0, "rocm", "0000:C1:00.0"));
  ab_energy_window w[2] = {{.channel = e0}, {.channel = e1}};
  size_t n = 2;
  ab_power_windows_for_case(reg, w, &n, "rocm", "0000:c1:00.0");
  cr_assert_eq(n, 1);
  cr_assert_eq(w[0].channel, e0);
}
