/* The NVML power module against the fake libnvidia-ml (tests/nvml/fake_nvml.c), loaded
 * the way a case worker loads a vetted module (ab_power_worker_registry), and the
 * harness's PCI bus id form, channel-to-device join and device-process filter. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model/util.h"
#include "power/power_private.h"
#include "power_modules.h"

#define NVML_MODULE AB_TEST_BACKEND_DIR "/accelbench-power-nvml.so"
#define FAKE        AB_FAKE_NVML_DIR "/libfake-nvml.so"
#define FAKE_NOSYM  AB_FAKE_NVML_DIR "/libfake-nvml-noenergy.so"

static ab_power_registry *g_reg;
static ab_power_module_set g_mods;

static void clean_env(void) {
  const char *vars[] = {"FAKE_NVML_INIT_FAIL", "FAKE_NVML_DEVICES",
                        "FAKE_NVML_WATTS",     "FAKE_NVML_ENERGY_UNSUPPORTED",
                        "FAKE_NVML_REASONS",   "FAKE_NVML_PROCS_FILE"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    unsetenv(vars[i]);
  setenv("AB_NVML_LIBRARY", FAKE, 1);
}

/* Only the nvml source: the host's own RAPL/hwmon must not change what is tested. */
static ab_power_registry *open_nvml(const char *extra_key, const char *extra_value) {
  ab_option o[] = {{"sources", "nvml"}, {extra_key, extra_value}};
  const char *paths[] = {NVML_MODULE};
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

static const reg_source *nvml_source(const ab_power_registry *reg) {
  for (size_t i = 0; i < reg->n_sources; i++)
    if (strcmp(reg->sources[i].table.name, "nvml") == 0)
      return &reg->sources[i];
  cr_assert_fail("no nvml source");
  return NULL;
}

static const reg_channel *channel(const ab_power_registry *reg, const char *id) {
  for (size_t i = 0; i < reg->n_channels; i++)
    if (strcmp(reg->channels[i].id, id) == 0)
      return &reg->channels[i];
  cr_assert_fail("no channel %s", id);
  return NULL;
}

TestSuite(nvml, .init = clean_env, .fini = teardown);

Test(nvml, two_gpus_energy_counters_board_scope_joined_by_bus_id) {
  ab_power_registry *reg = open_nvml(NULL, NULL);
  const reg_source *rs = nvml_source(reg);
  cr_assert(rs->enabled, "%s", rs->reason);
  cr_assert(rs->module && rs->module_sha256[0] && rs->module_size > 0);
  cr_assert_eq(rs->module_abi_minor, AB_POWER_ABI_MINOR);
  cr_assert_eq(rs->n_channels, 4);
  const reg_channel *e1 = channel(reg, "nvml:gpu1/energy");
  cr_assert(e1->enabled, "%s", e1->info.disabled_reason);
  cr_assert_eq(e1->info.kind, AB_POWER_KIND_ENERGY_COUNTER);
  cr_assert_eq(e1->info.scope, AB_POWER_SCOPE_BOARD);
  cr_assert_str_eq(e1->info.covers_backend, "cuda");
  cr_assert_str_eq(e1->info.covers_uid, "0000:18:00.0");
  cr_assert_eq(e1->info.max_watts, 700.0); /* FAKE_NVML_LIMIT_W default: the enforced limit */
  /* The 1 s average is listed, but not read while the counter works. */
  const reg_channel *p0 = channel(reg, "nvml:gpu0/power_avg_1s");
  cr_assert_not(p0->enabled);
  cr_assert(strstr(p0->info.disabled_reason, "energy counter is preferred"));
  cr_assert(strstr(p0->info.label, "1 s average"));
  cr_assert_eq(p0->info.update_period_s, 1.0);
}

Test(nvml, counter_follows_the_fake_wattage) {
  setenv("FAKE_NVML_WATTS", "100,300", 1);
  ab_power_registry *reg = open_nvml(NULL, NULL);
  const reg_source *rs = nvml_source(reg);
  const reg_channel *e1 = channel(reg, "nvml:gpu1/energy");
  double a, b;
  char msg[AB_MSG_LEN];
  struct timespec t0, t1, pause = {0, 200 * 1000 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cr_assert_eq(rs->table.read(rs->state, e1->index, &a, msg), AB_OK, "%s", msg);
  nanosleep(&pause, NULL);
  cr_assert_eq(rs->table.read(rs->state, e1->index, &b, msg), AB_OK, "%s", msg);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double dt = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  double watts = (b - a) / dt; /* the fake's configured 300 W, in joules from millijoules */
  cr_assert(watts > 0.8 * 300 && watts < 1.2 * 300, "%g W", watts);
}

Test(nvml, power_usage_on_request) {
  ab_power_registry *reg = open_nvml("nvml.power_usage", "on");
  cr_assert(channel(reg, "nvml:gpu0/power_avg_1s")->enabled);
}

Test(nvml, init_failure_keeps_the_code_and_text) {
  setenv("FAKE_NVML_INIT_FAIL", "9", 1);
  ab_power_registry *reg = open_nvml(NULL, NULL);
  const reg_source *rs = nvml_source(reg);
  cr_assert_not(rs->enabled);
  cr_assert(strstr(rs->reason, "nvmlInit_v2 failed: 9 (Driver Not Loaded)"), "%s", rs->reason);
}

Test(nvml, energy_not_supported_falls_back_to_power_usage) {
  setenv("FAKE_NVML_ENERGY_UNSUPPORTED", "1", 1);
  ab_power_registry *reg = open_nvml(NULL, NULL);
  const reg_channel *e1 = channel(reg, "nvml:gpu1/energy");
  cr_assert_not(e1->enabled);
  cr_assert(strstr(e1->info.disabled_reason, "3 (Not Supported)"), "%s", e1->info.disabled_reason);
  cr_assert(channel(reg, "nvml:gpu1/power_avg_1s")->enabled);
  cr_assert(channel(reg, "nvml:gpu0/energy")->enabled);
}

Test(nvml, missing_energy_symbol_is_named) {
  setenv("AB_NVML_LIBRARY", FAKE_NOSYM, 1);
  ab_power_registry *reg = open_nvml(NULL, NULL);
  const reg_channel *e0 = channel(reg, "nvml:gpu0/energy");
  cr_assert_not(e0->enabled);
  cr_assert(strstr(e0->info.disabled_reason, "symbol nvmlDeviceGetTotalEnergyConsumption missing"),
            "%s", e0->info.disabled_reason);
}

Test(nvml, library_not_found_names_what_was_tried) {
  setenv("AB_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1", 1);
  ab_power_registry *reg = open_nvml(NULL, NULL);
  const reg_source *rs = nvml_source(reg);
  cr_assert_not(rs->enabled);
  cr_assert(strstr(rs->reason, "NVML library not found: tried"), "%s", rs->reason);
  cr_assert(strstr(rs->reason, "/nonexistent/libnvidia-ml.so.1"), "%s", rs->reason);
}

/* A child that sleeps: another program on the GPU, as the fake's process list says. */
static pid_t sleeper(void) {
  pid_t p = fork();
  if (p == 0) {
    pause();
    _exit(0);
  }
  return p;
}

Test(nvml, window_facts_and_other_processes_at_the_edges) {
  char procs[] = "/tmp/ab-nvml-procs-XXXXXX";
  int fd = mkstemp(procs);
  cr_assert(fd >= 0);
  pid_t other = sleeper();
  dprintf(fd, "0 %d 1024\n0 %d\n1 %d\n", (int)getpid(), (int)other, (int)getppid());
  close(fd);
  setenv("FAKE_NVML_PROCS_FILE", procs, 1);
  setenv("FAKE_NVML_REASONS", "0x4c", 1); /* SwPowerCap, HwSlowdown, HwThermalSlowdown */
  ab_power_registry *reg = open_nvml(NULL, NULL);
  ab_power_sampler *s;
  ab_energy_window *w;
  size_t n;
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_power_sampler_start(reg, 50, &s, msg), AB_OK, "%s", msg);
  struct timespec pause_ = {0, 100 * 1000 * 1000};
  nanosleep(&pause_, NULL);
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  kill(other, SIGKILL);
  waitpid(other, NULL, 0);
  unlink(procs);
  cr_assert_eq(n, 2); /* the two energy counters */
  cr_assert(w[0].has_facts);
  bool reasons = false, clock = false;
  for (uint32_t i = 0; i < w[0].n_facts_after; i++) {
    reasons |= strcmp(w[0].facts_after[i].key, "clock_event_reasons") == 0 &&
               strcmp(w[0].facts_after[i].value, "SwPowerCap,HwSlowdown,HwThermalSlowdown") == 0;
    clock |= strcmp(w[0].facts_after[i].key, "sm_clock_mhz") == 0;
  }
  cr_assert(reasons && clock);
  /* GPU 0: this process left out (by the module and the harness), the sleeper kept. */
  cr_assert(w[0].procs_measured);
  cr_assert_eq(w[0].n_procs, 1);
  cr_assert_eq(w[0].procs[0].pid, (uint32_t)other);
  cr_assert(w[0].procs[0].name[0], "name read from /proc");
  /* GPU 1: only this test's parent, an ancestor: the harness's own, not interference. */
  cr_assert(w[1].procs_measured);
  cr_assert_eq(w[1].n_procs, 0);
  json_t *j = ab_power_window_json(&w[0], &(ab_energy_figures){0});
  cr_assert(json_object_get(json_object_get(j, "window_facts"), "before"));
  cr_assert_eq(json_integer_value(json_object_get(json_object_get(j, "device_processes"), "count")),
               1);
  json_decref(j);
  ab_power_windows_free(w, n);
}

Test(nvml, a_cuda_case_gets_only_its_own_gpu) {
  setenv("FAKE_NVML_DEVICES", "2", 1);
  ab_power_registry *reg = open_nvml(NULL, NULL);
  size_t e0 = (size_t)(channel(reg, "nvml:gpu0/energy") - reg->channels);
  size_t e1 = (size_t)(channel(reg, "nvml:gpu1/energy") - reg->channels);
  /* The CUDA driver's form of GPU 1's bus id. */
  cr_assert(ab_power_channel_covers_case(reg, e1, "cuda", "0000:18:00.0"));
  cr_assert_not(ab_power_channel_covers_case(reg, e0, "cuda", "0000:18:00.0"));
  cr_assert(ab_power_channel_covers_case(reg, e0, "cuda", "00000000:17:00.0"));
  /* Another backend's case keeps every GPU's board (labelled by what it covers). */
  cr_assert(ab_power_channel_covers_case(reg, e0, "cpu", "cpu0"));
  ab_energy_window w[2] = {{.channel = e0}, {.channel = e1}};
  size_t n = 2;
  ab_power_windows_for_case(reg, w, &n, "cuda", "0000:18:00.0");
  cr_assert_eq(n, 1);
  cr_assert_eq(w[0].channel, e1);
}

Test(pci_bus_id, one_form_for_cuda_and_nvml) {
  char out[32], msg[AB_MSG_LEN];
  cr_assert_eq(ab_pci_bus_id_normalize("0000:17:00.0", out, sizeof out, msg), AB_OK);
  cr_assert_str_eq(out, "0000:17:00.0");
  cr_assert_eq(ab_pci_bus_id_normalize("00000000:17:00.0", out, sizeof out, msg), AB_OK);
  cr_assert_str_eq(out, "0000:17:00.0");
  cr_assert_eq(ab_pci_bus_id_normalize("0000000A:B3:1F.7", out, sizeof out, msg), AB_OK);
  cr_assert_str_eq(out, "000a:b3:1f.7");
  cr_assert_eq(ab_pci_bus_id_normalize("b3:00.0", out, sizeof out, msg), AB_OK);
  cr_assert_str_eq(out, "0000:b3:00.0");
  const char *bad[] = {"",
                       "cpu0",
                       "0000:17:00",
                       "10000:17:00.0",
                       "0000:17:20.0",
                       "0000:17:00.8",
                       "0000:117:00.0",
                       "0000:17:00.0x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cr_assert_eq(ab_pci_bus_id_normalize(bad[i], out, sizeof out, msg), AB_E_INVALID, "%s", bad[i]);
    cr_assert(strstr(msg, "PCI bus id"), "%s", msg);
  }
}
