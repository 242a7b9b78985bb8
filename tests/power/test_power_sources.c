/* Built-in power sources against fake sysfs trees, a fake ipmitool, meter commands and
 * files: discovery, disabled reasons, units, strict parsing, and the no-source rule. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_sysfs.h"
#include "power/sampler.h"
#include "power/sources.h"

static char g_root[256];

static void setup(void) {
  fake_mkdtemp(g_root, sizeof g_root);
}

static void teardown(void) {
  fake_rmtree(g_root);
}

TestSuite(power_sources, .init = setup, .fini = teardown);

/* Only the sources under test: the machine's own /sys and PATH stay out of it. */
#define ISOLATE(root)                                                                              \
  {"rapl.root", root}, {"hwmon.root", root}, {                                                     \
    "ipmi", "off"                                                                                  \
  }

static ab_power_registry *make_registry(const ab_option *o, size_t n) {
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_registry_create(o, n, &reg, msg), AB_OK, "%s", msg);
  return reg;
}

/* Channel `id` in the registry's JSON listing, or NULL. */
static json_t *find_channel(json_t *list, const char *id) {
  size_t i, k;
  json_t *src, *ch;
  json_array_foreach(json_object_get(list, "sources"), i, src) {
    json_array_foreach(json_object_get(src, "channels"), k, ch) {
      if (strcmp(json_string_value(json_object_get(ch, "id")), id) == 0)
        return ch;
    }
  }
  return NULL;
}

static json_t *find_source(json_t *list, const char *name) {
  size_t i;
  json_t *src;
  json_array_foreach(json_object_get(list, "sources"), i, src) {
    if (strcmp(json_string_value(json_object_get(src, "name")), name) == 0)
      return src;
  }
  return NULL;
}

/* ---- RAPL ---- */

static void rapl_zone(const char *zone, const char *name, const char *energy, const char *range) {
  char rel[256];
  snprintf(rel, sizeof rel, "sys/class/powercap/%s/name", zone);
  fake_write(g_root, rel, name);
  if (energy) {
    snprintf(rel, sizeof rel, "sys/class/powercap/%s/energy_uj", zone);
    fake_write(g_root, rel, energy);
  }
  if (range) {
    snprintf(rel, sizeof rel, "sys/class/powercap/%s/max_energy_range_uj", zone);
    fake_write(g_root, rel, range);
  }
}

Test(power_sources, rapl_zones_and_disabled_reasons) {
  rapl_zone("intel-rapl:0", "package-0\n", "1500000\n", "262143328850\n");
  rapl_zone("intel-rapl:0:0", "dram\n", "250000\n", "65712999613\n");
  rapl_zone("intel-rapl:1", "package-1\n", NULL, "262143328850\n"); /* energy_uj missing */
  rapl_zone("intel-rapl:2", "package-2\n", "100\n", NULL);          /* no wrap range */
  /* Unreadable energy_uj: a directory in its place fails the read even for root (a real
   * 0400 file fails only for other users, tested below when not root). */
  fake_mkdirs(g_root, "sys/class/powercap/intel-rapl:3/energy_uj");
  rapl_zone("intel-rapl:3", "package-3\n", NULL, "262143328850\n");
  fake_write(g_root, "sys/class/powercap/intel-rapl-mmio:0/name", "package-0\n");

  ab_option o[] = {ISOLATE(g_root), {"hwmon", "off"}};
  ab_power_registry *reg = make_registry(o, 4);
  json_t *list = ab_power_registry_to_json(reg);
  cr_assert_eq(ab_power_registry_enabled(reg), 2, "package-0 and its dram domain");

  json_t *pkg = find_channel(list, "rapl:package-0");
  cr_assert_not_null(pkg);
  cr_assert(json_is_true(json_object_get(pkg, "enabled")));
  cr_assert_str_eq(json_string_value(json_object_get(pkg, "scope")), "chip");
  cr_assert_str_eq(json_string_value(json_object_get(pkg, "kind")), "energy_counter");
  cr_assert_float_eq(json_real_value(json_object_get(pkg, "wrap_j")), 262143.32885, 1e-6);

  json_t *dram = find_channel(list, "rapl:package-0/dram");
  cr_assert_not_null(dram, "sub-zone named after its parent");
  cr_assert(json_is_true(json_object_get(dram, "enabled")));

  json_t *p1 = find_channel(list, "rapl:package-1");
  cr_assert(json_is_false(json_object_get(p1, "enabled")));
  cr_assert(strstr(json_string_value(json_object_get(p1, "disabled_reason")),
                   "intel-rapl:1/energy_uj: No such file"));

  json_t *p2 = find_channel(list, "rapl:package-2");
  cr_assert(strstr(json_string_value(json_object_get(p2, "disabled_reason")), "wrap-around"));

  json_t *p3 = find_channel(list, "rapl:package-3");
  cr_assert(strstr(json_string_value(json_object_get(p3, "disabled_reason")), "directory"),
            "got %s", json_string_value(json_object_get(p3, "disabled_reason")));
  cr_assert_null(find_channel(list, "rapl:intel-rapl-mmio"), "mmio duplicate skipped");
  json_decref(list);
  ab_power_registry_free(reg);
}

Test(power_sources, rapl_unreadable_for_non_root) {
  if (geteuid() == 0)
    cr_skip_test("root reads a mode-0000 file; the directory case covers root");
  rapl_zone("intel-rapl:0", "package-0\n", "1500000\n", "262143328850\n");
  char path[512];
  snprintf(path, sizeof path, "%s/sys/class/powercap/intel-rapl:0/energy_uj", g_root);
  cr_assert_eq(chmod(path, 0), 0);
  ab_option o[] = {ISOLATE(g_root), {"hwmon", "off"}};
  ab_power_registry *reg = make_registry(o, 4);
  json_t *list = ab_power_registry_to_json(reg);
  json_t *pkg = find_channel(list, "rapl:package-0");
  cr_assert(
      strstr(json_string_value(json_object_get(pkg, "disabled_reason")), "Permission denied"));
  json_decref(list);
  ab_power_registry_free(reg);
}

Test(power_sources, rapl_read_in_joules) {
  rapl_zone("intel-rapl:0", "package-0\n", "1500000\n", "262143328850\n");
  ab_option o[] = {{"rapl.root", g_root}};
  char msg[AB_MSG_LEN] = "";
  const ab_power_source *t = &ab_power_source_rapl;
  void *state = calloc(1, t->state_size);
  cr_assert_eq(t->probe(o, 1, msg), AB_OK, "%s", msg);
  cr_assert_eq(t->open(state, o, 1, msg), AB_OK, "%s", msg);
  double v = 0;
  cr_assert_eq(t->read(state, 0, &v, msg), AB_OK, "%s", msg);
  cr_assert_float_eq(v, 1.5, 1e-12, "1500000 uJ is 1.5 J");
  fake_write(g_root, "sys/class/powercap/intel-rapl:0/energy_uj", "2500000\n");
  cr_assert_eq(t->read(state, 0, &v, msg), AB_OK, "%s", msg);
  cr_assert_float_eq(v, 2.5, 1e-12, "re-read through the kept descriptor");
  fake_write(g_root, "sys/class/powercap/intel-rapl:0/energy_uj", "12x\n");
  cr_assert_eq(t->read(state, 0, &v, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "energy_uj: expected an unsigned integer"), "%s", msg);
  t->close(state);
  free(state);
}

Test(power_sources, rapl_missing_tree) {
  ab_option o[] = {{"rapl.root", g_root}};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_source_rapl.probe(o, 1, msg), AB_E_NOT_FOUND);
  cr_assert(strstr(msg, "/sys/class/powercap: No such file"), "%s", msg);
}

/* ---- hwmon ---- */

Test(power_sources, hwmon_units_and_kinds) {
  fake_write(g_root, "sys/class/hwmon/hwmon0/name", "amdgpu\n");
  fake_write(g_root, "sys/class/hwmon/hwmon0/power1_average", "152000000\n");
  fake_write(g_root, "sys/class/hwmon/hwmon0/power1_average_interval", "500\n");
  fake_write(g_root, "sys/class/hwmon/hwmon0/temp1_input", "45000\n");
  fake_write(g_root, "sys/class/hwmon/hwmon1/name", "power_meter\n");
  fake_write(g_root, "sys/class/hwmon/hwmon1/power1_input", "350500000\n");
  fake_write(g_root, "sys/class/hwmon/hwmon1/update_interval", "1000\n");
  fake_write(g_root, "sys/class/hwmon/hwmon2/name", "zenergy\n");
  fake_write(g_root, "sys/class/hwmon/hwmon2/energy1_input", "7000000\n");
  fake_write(g_root, "sys/class/hwmon/hwmon2/energy1_label", "Esocket0\n");
  fake_mkdirs(g_root, "sys/class/hwmon/hwmon2/energy2_input"); /* unreadable */

  ab_option o[] = {{"hwmon.root", g_root}};
  char msg[AB_MSG_LEN] = "";
  const ab_power_source *t = &ab_power_source_hwmon;
  void *state = calloc(1, t->state_size);
  cr_assert_eq(t->open(state, o, 1, msg), AB_OK, "%s", msg);
  uint32_t n = 0;
  cr_assert_eq(t->channel_count(state, &n, msg), AB_OK);
  cr_assert_eq(n, 4);
  struct {
    const char *name;
    ab_power_kind kind;
    ab_power_scope scope;
    double period, value;
  } want[] = {
      {"hwmon0/power1_average", AB_POWER_KIND_AVERAGE_POWER, AB_POWER_SCOPE_BOARD, 0.5, 152.0},
      {"hwmon1/power1_input", AB_POWER_KIND_INSTANT_POWER, AB_POWER_SCOPE_NODE, 1.0, 350.5},
      {"hwmon2/energy1_input", AB_POWER_KIND_ENERGY_COUNTER, AB_POWER_SCOPE_CHIP, 0, 7.0},
  };
  for (uint32_t i = 0; i < 3; i++) {
    ab_power_channel_info ci = {.struct_size = sizeof ci};
    cr_assert_eq(t->channel_info(state, i, &ci, msg), AB_OK);
    cr_assert_str_eq(ci.name, want[i].name);
    cr_assert_eq(ci.kind, want[i].kind, "%s kind", ci.name);
    cr_assert_eq(ci.scope, want[i].scope, "%s scope", ci.name);
    cr_assert_float_eq(ci.update_period_s, want[i].period, 1e-12, "%s period", ci.name);
    cr_assert_str_empty(ci.disabled_reason, "%s: %s", ci.name, ci.disabled_reason);
    double v = 0;
    cr_assert_eq(t->read(state, i, &v, msg), AB_OK, "%s", msg);
    cr_assert_float_eq(v, want[i].value, 1e-9, "%s: uW/uJ converted", ci.name);
  }
  ab_power_channel_info ci = {.struct_size = sizeof ci};
  cr_assert_eq(t->channel_info(state, 2, &ci, msg), AB_OK);
  cr_assert(strstr(ci.label, "Esocket0"), "label file used: %s", ci.label);
  cr_assert_eq(t->channel_info(state, 3, &ci, msg), AB_OK);
  cr_assert_str_eq(ci.name, "hwmon2/energy2_input");
  cr_assert(strstr(ci.disabled_reason, "Is a directory"), "%s", ci.disabled_reason);
  t->close(state);
  free(state);
}

Test(power_sources, hwmon_without_power_attributes) {
  fake_write(g_root, "sys/class/hwmon/hwmon0/name", "k10temp\n");
  fake_write(g_root, "sys/class/hwmon/hwmon0/temp1_input", "45000\n");
  ab_option o[] = {ISOLATE(g_root)};
  ab_power_registry *reg = make_registry(o, 3);
  json_t *list = ab_power_registry_to_json(reg);
  json_t *hw = find_source(list, "hwmon");
  cr_assert(json_is_false(json_object_get(hw, "enabled")));
  cr_assert(strstr(json_string_value(json_object_get(hw, "disabled_reason")),
                   "no power*_input, power*_average or energy*_input"));
  json_decref(list);
  ab_power_registry_free(reg);
}

/* ---- IPMI ---- */

static void fixture(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/tests/power/fixtures/%s", AB_TEST_SOURCE_DIR, name);
  setenv("FAKE_IPMITOOL_FIXTURE", path, 1);
}

static char *slurp_fixture(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/tests/power/fixtures/%s", AB_TEST_SOURCE_DIR, name);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "%s", path);
  static char buf[4096];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

Test(power_sources, dcmi_parser_strict) {
  char msg[AB_MSG_LEN] = "";
  double w = 0, period = 0;
  cr_assert_eq(ab_power_parse_dcmi(slurp_fixture("dcmi-good.txt"), &w, &period, msg), AB_OK, "%s",
               msg);
  cr_assert_float_eq(w, 231.0, 0);
  cr_assert_float_eq(period, 1.0, 0);
  cr_assert_eq(ab_power_parse_dcmi(slurp_fixture("dcmi-runon.txt"), &w, &period, msg), AB_OK,
               "timestamp printed without its newline: %s", msg);
  cr_assert_float_eq(w, 195.0, 0);
  cr_assert_float_eq(period, 5.0, 0);

  cr_assert_eq(ab_power_parse_dcmi(slurp_fixture("dcmi-malformed.txt"), &w, &period, msg),
               AB_E_INVALID);
  cr_assert(strstr(msg, "line 2") && strstr(msg, "Instantaneous power reading:"), "%s", msg);
  cr_assert_eq(ab_power_parse_dcmi(slurp_fixture("dcmi-deactivated.txt"), &w, &period, msg),
               AB_E_DEVICE);
  cr_assert(strstr(msg, "deactivated"), "%s", msg);
  cr_assert_eq(ab_power_parse_dcmi(slurp_fixture("dcmi-error.txt"), &w, &period, msg),
               AB_E_INVALID);
  cr_assert(strstr(msg, "line 1: unexpected line"), "%s", msg);

  const char *bad[] = {
      "",                                               /* nothing */
      "    Instantaneous power reading:   231 Watts\n", /* no state line */
      "    Instantaneous power reading:   231 kW\n    Power reading state is: activated\n",
      "    Instantaneous power reading:   231 Watts extra\n",
      "    Instantaneous power reading:   -5 Watts\n    Power reading state is: activated\n",
      "    Power reading state is: activated\n", /* no reading */
      "    Instantaneous power reading:   231 Watts\n    Power reading state is: maybe\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    msg[0] = '\0';
    cr_assert_neq(ab_power_parse_dcmi(bad[i], &w, &period, msg), AB_OK, "case %zu accepted", i);
    cr_assert(strstr(msg, "ipmitool dcmi power reading"), "case %zu: %s", i, msg);
  }
}

Test(power_sources, ipmi_through_fake_ipmitool) {
  char tool[512];
  fake_install_script(g_root, "fake-ipmitool.sh", tool, sizeof tool);
  ab_option o[] = {{"rapl", "off"}, {"hwmon", "off"}, {"ipmi.ipmitool", tool}};

  fixture("dcmi-good.txt");
  unsetenv("FAKE_IPMITOOL_EXIT");
  ab_power_registry *reg = make_registry(o, 3);
  cr_assert_eq(ab_power_registry_enabled(reg), 1);
  json_t *list = ab_power_registry_to_json(reg);
  json_t *ch = find_channel(list, "ipmi:dcmi");
  cr_assert_not_null(ch);
  cr_assert_str_eq(json_string_value(json_object_get(ch, "scope")), "node");
  cr_assert_str_eq(json_string_value(json_object_get(ch, "kind")), "instant_power");
  cr_assert_float_eq(json_real_value(json_object_get(ch, "update_period_s")), 1.0, 0);
  json_decref(list);
  ab_power_registry_free(reg);

  fixture("dcmi-malformed.txt");
  reg = make_registry(o, 3);
  cr_assert_eq(ab_power_registry_enabled(reg), 0);
  list = ab_power_registry_to_json(reg);
  const char *why =
      json_string_value(json_object_get(find_source(list, "ipmi"), "disabled_reason"));
  cr_assert(strstr(why, "line 2: expected \"Instantaneous power reading: <integer> Watts\""), "%s",
            why);
  json_decref(list);
  ab_power_registry_free(reg);

  fixture("dcmi-good.txt");
  setenv("FAKE_IPMITOOL_EXIT", "1", 1);
  setenv("FAKE_IPMITOOL_STDERR", "Could not open device at /dev/ipmi0", 1);
  reg = make_registry(o, 3);
  list = ab_power_registry_to_json(reg);
  why = json_string_value(json_object_get(find_source(list, "ipmi"), "disabled_reason"));
  cr_assert(strstr(why, "exit status 1: Could not open device at /dev/ipmi0"), "%s", why);
  json_decref(list);
  ab_power_registry_free(reg);
  unsetenv("FAKE_IPMITOOL_EXIT");
  unsetenv("FAKE_IPMITOOL_STDERR");
}

Test(power_sources, ipmitool_absent) {
  char tool[512];
  snprintf(tool, sizeof tool, "%s/no-such-ipmitool", g_root);
  ab_option o[] = {{"ipmi.ipmitool", tool}};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_source_ipmi.probe(o, 1, msg), AB_E_NOT_FOUND);
  cr_assert(strstr(msg, "no-such-ipmitool not found"), "%s", msg);
}

/* ---- command and file ---- */

Test(power_sources, value_parser_units) {
  char msg[AB_MSG_LEN] = "";
  double v = 0;
  int energy = -1;
  cr_assert_eq(ab_power_parse_value(" 215.5 W\n", NULL, "t", &v, &energy, msg), AB_OK, "%s", msg);
  cr_assert_float_eq(v, 215.5, 1e-12);
  cr_assert_eq(energy, 0);
  cr_assert_eq(ab_power_parse_value("1.5 kWh", NULL, "t", &v, &energy, msg), AB_OK);
  cr_assert_float_eq(v, 5.4e6, 1e-6);
  cr_assert_eq(energy, 1);
  cr_assert_eq(ab_power_parse_value("1500", "mW", "t", &v, &energy, msg), AB_OK);
  cr_assert_float_eq(v, 1.5, 1e-12);
  cr_assert_eq(ab_power_parse_value("42", NULL, "meter", &v, &energy, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "meter: \"42\" has no unit"), "%s", msg);
  cr_assert_eq(ab_power_parse_value("42 J", "W", "meter", &v, &energy, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "disagrees"), "%s", msg);
  cr_assert_eq(ab_power_parse_value("42 W 7", NULL, "meter", &v, &energy, msg), AB_E_INVALID);
  cr_assert_eq(ab_power_parse_value("banana", "W", "meter", &v, &energy, msg), AB_E_INVALID);
  cr_assert_eq(ab_power_parse_value("42 furlongs", NULL, "meter", &v, &energy, msg), AB_E_INVALID);
  cr_assert_eq(ab_power_parse_value("-3 W", NULL, "meter", &v, &energy, msg), AB_E_INVALID);
}

Test(power_sources, command_source) {
  ab_option o[] = {{"rapl", "off"},
                   {"hwmon", "off"},
                   {"ipmi", "off"},
                   {"command", "echo 42.5 W"},
                   {"command.scope", "board"},
                   {"command.covers", "cuda:0"}};
  ab_power_registry *reg = make_registry(o, 6);
  cr_assert_eq(ab_power_registry_enabled(reg), 1);
  json_t *list = ab_power_registry_to_json(reg);
  json_t *ch = find_channel(list, "command:command");
  cr_assert_str_eq(json_string_value(json_object_get(ch, "scope")), "board");
  cr_assert_str_eq(json_string_value(json_object_get(ch, "covers")), "cuda:0");
  cr_assert_str_eq(json_string_value(json_object_get(ch, "kind")), "instant_power");
  json_decref(list);
  ab_power_registry_free(reg);

  ab_option e[] = {{"command", "printf '12.5 kJ\\n'"}};
  char msg[AB_MSG_LEN] = "";
  const ab_power_source *t = &ab_power_source_command;
  void *state = calloc(1, t->state_size);
  cr_assert_eq(t->open(state, e, 1, msg), AB_OK, "%s", msg);
  ab_power_channel_info ci = {.struct_size = sizeof ci};
  t->channel_info(state, 0, &ci, msg);
  cr_assert_eq(ci.kind, AB_POWER_KIND_ENERGY_COUNTER, "joules make a counter");
  double v = 0;
  cr_assert_eq(t->read(state, 0, &v, msg), AB_OK, "%s", msg);
  cr_assert_float_eq(v, 12500.0, 1e-9);
  t->close(state);
  free(state);
}

Test(power_sources, command_failures) {
  struct {
    const char *cmd, *timeout, *expect;
  } cases[] = {
      {"echo meter offline", "5", "expected \"<number> [unit]\""},
      {"echo 12 W; exit 3", "5", "exit status 3"},
      {"sleep 5; echo 1 W", "0.2", "no answer within 0.2 s"},
  };
  for (size_t i = 0; i < 3; i++) {
    ab_option o[] = {{"rapl", "off"},
                     {"hwmon", "off"},
                     {"ipmi", "off"},
                     {"command", cases[i].cmd},
                     {"command.timeout_s", cases[i].timeout}};
    ab_power_registry *reg = make_registry(o, 5);
    cr_assert_eq(ab_power_registry_enabled(reg), 0, "%s", cases[i].cmd);
    json_t *list = ab_power_registry_to_json(reg);
    const char *why =
        json_string_value(json_object_get(find_source(list, "command"), "disabled_reason"));
    cr_assert(strstr(why, cases[i].expect), "%s -> %s", cases[i].cmd, why);
    json_decref(list);
    ab_power_registry_free(reg);
  }
}

/* The file meter reads `want` after the meter wrote `text` (in place). */
static void reads_as(const ab_power_source *t, void *state, const char *text, double want,
                     const char *why) {
  char msg[AB_MSG_LEN] = "";
  double v = 0;
  fake_write(g_root, "meter.log", text);
  cr_assert_eq(t->read(state, 0, &v, msg), AB_OK, "%s: %s", why, msg);
  cr_assert_float_eq(v, want, 0, "%s", why);
}

Test(power_sources, file_source_last_line) {
  char path[512];
  snprintf(path, sizeof path, "%s/meter.log", g_root);
  fake_write(g_root, "meter.log", "100 W\n101 W\n\n");
  ab_option o[] = {{"file", path}, {"file.unit", "W"}};
  char msg[AB_MSG_LEN] = "";
  const ab_power_source *t = &ab_power_source_file;
  void *state = calloc(1, t->state_size);
  cr_assert_eq(t->open(state, o, 2, msg), AB_OK, "%s", msg);
  double v = 0;
  reads_as(t, state, "100 W\n101 W\n\n", 101.0, "the last non-empty line");
  reads_as(t, state, "100 W\n101 W\n99.5\n", 99.5, "the configured unit applies");
  fake_write(g_root, "meter.log", "100 W\n12 J\n");
  cr_assert_eq(t->read(state, 0, &v, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "meter.log, last line") && strstr(msg, "disagrees"), "%s", msg);
  fake_write(g_root, "meter.log", "");
  cr_assert_eq(t->read(state, 0, &v, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "empty"), "%s", msg);
  /* A meter that writes a new file and renames it over the old one: the kept descriptor
   * must follow the path, not the replaced file. */
  char tmp[600];
  snprintf(tmp, sizeof tmp, "%s/meter.log.new", g_root);
  for (int k = 0; k < 3; k++) {
    char text[32];
    snprintf(text, sizeof text, "%d W\n", 200 + k);
    fake_write(g_root, "meter.log.new", text);
    cr_assert_eq(rename(tmp, path), 0);
    cr_assert_eq(t->read(state, 0, &v, msg), AB_OK, "%s", msg);
    cr_assert_float_eq(v, 200.0 + k, 0, "the renamed-in file is read");
  }
  cr_assert_eq(unlink(path), 0);
  cr_assert_eq(t->read(state, 0, &v, msg), AB_E_NOT_FOUND, "a removed file is not read");
  cr_assert(strstr(msg, "meter.log: No such file"), "%s", msg);
  reads_as(t, state, "7 W\n", 7.0, "a recreated file is read again");
  /* A meter caught appending: the half-written last line is not read as a value. */
  reads_as(t, state, "100 W\n21", 100.0, "the last complete line");
  reads_as(t, state, "42 W", 42.0, "a file rewritten without a newline: its only line");
  /* A FIFO with no writer would block open(): refused, at once. */
  cr_assert_eq(unlink(path), 0);
  cr_assert_eq(mkfifo(path, 0600), 0);
  cr_assert_eq(t->read(state, 0, &v, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "not a regular file"), "%s", msg);
  t->close(state);
  free(state);

  ab_option missing[] = {
      {"rapl", "off"}, {"hwmon", "off"}, {"ipmi", "off"}, {"file", "/nonexistent/meter"}};
  ab_power_registry *reg = make_registry(missing, 4);
  cr_assert_eq(ab_power_registry_enabled(reg), 0);
  cr_assert(strstr(ab_power_registry_none_reason(reg), "file: /nonexistent/meter: No such file"),
            "%s", ab_power_registry_none_reason(reg));
  ab_power_registry_free(reg);
}

/* ---- registry rules ---- */

Test(power_sources, no_source_says_not_measured) {
  ab_option o[] = {ISOLATE(g_root)};
  ab_power_registry *reg = make_registry(o, 3);
  cr_assert_eq(ab_power_registry_enabled(reg), 0);
  const char *why = ab_power_registry_none_reason(reg);
  cr_assert(strstr(why, "rapl: ") && strstr(why, "hwmon: ") && strstr(why, "ipmi: turned off") &&
                strstr(why, "command: no meter command") && strstr(why, "file: no meter file"),
            "every source's reason: %s", why);
  char stretch[256];
  cr_assert_float_eq(ab_power_min_window_s(reg, stretch, sizeof stretch), 0, 0);
  cr_assert(strstr(stretch, "not stretched"));

  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 99;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_power_sampler_start(reg, 0, &s, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_power_sampler_stop(s, &w, &n, msg), AB_OK, "%s", msg);
  cr_assert_eq(n, 0);
  json_t *j = ab_power_case_json(reg, w, n, &(ab_window_work){1e12, 0, 0});
  cr_assert_eq(json_object_size(j), 1, "only the reason, no number");
  cr_assert_str_eq(json_string_value(json_object_get(j, "not_measured")), why);
  json_decref(j);
  json_t *list = ab_power_registry_to_json(reg);
  cr_assert(json_is_false(json_object_get(list, "measured")));
  cr_assert_not_null(json_object_get(list, "not_measured"));
  json_decref(list);
  ab_power_registry_free(reg);
}

Test(power_sources, unknown_option_and_bad_values) {
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN] = "";
  ab_option typo[] = {{"rapl.rot", "/x"}};
  cr_assert_eq(ab_power_registry_create(typo, 1, &reg, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "\"rapl.rot\": unknown key"), "%s", msg);
  ab_option rate[] = {{"rate_hz", "fast"}};
  cr_assert_eq(ab_power_registry_create(rate, 1, &reg, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "rate_hz: expected a positive number, got \"fast\""), "%s", msg);
  cr_assert_null(reg);
}

static ab_status t_probe(const ab_option *o, size_t n, char *msg) {
  (void)o, (void)n, (void)msg;
  return AB_OK;
}

Test(power_sources, abi_checks_refuse_bad_tables) {
  ab_option o[] = {ISOLATE(g_root)};
  ab_power_registry *reg = make_registry(o, 3);
  char msg[AB_MSG_LEN] = "";
  ab_power_source bad = ab_power_source_file;
  bad.abi_major = AB_POWER_ABI_MAJOR + 1;
  bad.name = "future";
  cr_assert_eq(ab_power_registry_add(reg, &bad, NULL, 0, msg), AB_E_ABI);
  cr_assert(strstr(msg, "future: ABI version 2.") && strstr(msg, "but this harness speaks 1.2"),
            "%s", msg);
  bad = ab_power_source_file;
  bad.name = "holey";
  bad.probe = t_probe;
  bad.read = NULL;
  cr_assert_eq(ab_power_registry_add(reg, &bad, NULL, 0, msg), AB_E_ABI);
  cr_assert(strstr(msg, "holey: mandatory slot read is NULL"), "%s", msg);
  bad = ab_power_source_file;
  bad.struct_size = 12;
  cr_assert_eq(ab_power_registry_add(reg, &bad, NULL, 0, msg), AB_E_ABI);
  cr_assert(strstr(msg, "table of 12 bytes"), "%s", msg);
  ab_power_registry_free(reg);
}

Test(power_sources, list_prints_scopes_and_reasons) {
  rapl_zone("intel-rapl:0", "package-0\n", "1500000\n", "262143328850\n");
  ab_option o[] = {ISOLATE(g_root)};
  ab_power_registry *reg = make_registry(o, 3);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  ab_power_registry_print(reg, f);
  fclose(f);
  cr_assert(strstr(buf, "rapl:package-0") && strstr(buf, "scope chip") &&
                strstr(buf, "energy_counter") && strstr(buf, "update 0.001 s"),
            "%s", buf);
  cr_assert(strstr(buf, "ipmi     disabled: turned off by the option ipmi=off"), "%s", buf);
  free(buf);
  ab_power_registry_free(reg);
}
