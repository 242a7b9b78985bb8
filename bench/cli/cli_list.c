/* accelbench list — backends (enabled or with the reason they are not), the module files
 * they shadow, and devices. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_common.h"
#include "loader.h"
#include "model/util.h"
#include "paths.h"
#include "power/sampler.h"
#include "power_modules.h"

static void list_usage(FILE *out) {
  fprintf(out,
          "usage: accelbench list [-P KEY=VALUE]... [--probe-timeout S] [--no-isolation] [--help]\n"
          "\n"
          "List every backend module found, whether it is enabled (and why not), the\n"
          "devices of the enabled ones as BACKEND:INDEX (the form --device takes), and\n"
          "every power source with its scope, kind and update period, or why it is\n"
          "disabled. -P/--power takes the same power-source options as 'run'.\n"
          "\n"
          "Each module is loaded and probed in a worker process: one that crashes, hangs\n"
          "for --probe-timeout seconds (default 60) or is not a valid module is listed as\n"
          "refused, with the reason. --no-isolation loads them in this process instead.\n"
          "Modules are searched in $" AB_BACKEND_PATH_ENV " (colon-separated), then the\n"
          "directories below; the first file of a name is used, and a later file of the\n"
          "same name, or whose backend has the same name, is listed as shadowed:\n");
  const char *dirs[32];
  size_t n = ab_backend_search_dirs(dirs, 32);
  for (size_t i = 0; i < n; i++)
    fprintf(out, "  %s\n", dirs[i]);
}

static void print_size(uint64_t bytes) {
  if (bytes == 0)
    printf("unknown");
  else
    printf("%.1f GiB", (double)bytes / (1024.0 * 1024.0 * 1024.0));
}

static void print_device(const ab_loaded_backend *lb, uint32_t i) {
  ab_device_info info = {.struct_size = sizeof info};
  char msg[AB_MSG_LEN] = "";
  if (ab_backend_device_info(lb, i, &info, msg) != AB_OK) {
    printf("    %s:%u  device_info failed: %s\n", lb->name, i, msg);
    return;
  }
  printf("    %s:%u  %s (%s)\n", lb->name, i, info.name, info.vendor[0] ? info.vendor : "?");
  printf("           memory ");
  print_size(info.memory_bytes);
  char clock[32] = "unknown";
  if (info.max_clock_mhz)
    snprintf(clock, sizeof clock, "%u MHz", info.max_clock_mhz);
  printf(", compute units %u, max clock %s, runtime %s, driver %s\n", info.compute_units, clock,
         info.runtime_version[0] ? info.runtime_version : "unknown",
         info.driver_version[0] ? info.driver_version : "unknown");
  for (uint32_t a = 0; a < info.n_attrs && a < AB_MAX_ATTRS; a++)
    printf("           %s: %s\n", info.attrs[a].key, info.attrs[a].value);
}

/* Module files not used because this backend's file came first. */
static void print_shadowed(const ab_backend_set *set, size_t used) {
  for (size_t s = 0; s < set->n_shadowed; s++) {
    const ab_shadowed_module *m = &set->shadowed[s];
    if (m->used != used)
      continue;
    if (m->same_file)
      printf("             shadows %s (same file name, later in the search path: not loaded)\n",
             m->path);
    else
      printf("             shadows %s (its backend is also named '%s': probed, not used)\n",
             m->path, m->name);
  }
}

static void print_backend(const ab_backend_set *set, size_t index) {
  const ab_loaded_backend *lb = &set->items[index];
  if (!lb->loaded) {
    printf("  %-10s refused   %s\n", lb->name, lb->disabled_reason);
    print_shadowed(set, index);
    return;
  }
  printf("  %-10s %-9s %s\n", lb->name, lb->enabled ? "enabled" : "disabled",
         lb->table.description ? lb->table.description : "");
  printf("             module %s (ABI %u.%u)\n", lb->path, lb->table.abi_major,
         lb->table.abi_minor);
  printf("             providers:");
  for (const char *const *p = lb->table.providers; *p; p++)
    printf(" %s", *p);
  printf("\n");
  print_shadowed(set, index);
  if (!lb->enabled) {
    printf("             disabled: %s\n", lb->disabled_reason);
    return;
  }
  for (uint32_t i = 0; i < lb->n_devices; i++)
    print_device(lb, i);
}

int ab_cmd_list(int argc, char **argv) {
  enum { OPT_NO_ISOLATION = 256, OPT_PROBE_TIMEOUT };
  static const struct option opts[] = {
      {"help", no_argument, NULL, 'h'},
      {"power", required_argument, NULL, 'P'},
      {"no-isolation", no_argument, NULL, OPT_NO_ISOLATION},
      {"probe-timeout", required_argument, NULL, OPT_PROBE_TIMEOUT},
      {NULL, 0, NULL, 0}};
  ab_option power[64];
  size_t n_power = 0;
  bool isolate = true;
  double probe_timeout_s = AB_DISCOVERY_TIMEOUT_S;
  optind = 1;
  for (int c; (c = getopt_long(argc, argv, "hP:", opts, NULL)) != -1;) {
    if (c == 'h') {
      list_usage(stdout);
      return AB_EXIT_OK;
    }
    if (c == OPT_NO_ISOLATION) {
      isolate = false;
      continue;
    }
    if (c == OPT_PROBE_TIMEOUT) {
      if (!ab_parse_seconds("list", "--probe-timeout", optarg, &probe_timeout_s))
        return AB_EXIT_USAGE;
      continue;
    }
    if (c == 'P' && n_power < 64 && ab_power_option_split(optarg, &power[n_power])) {
      n_power++;
      continue;
    }
    if (c == 'P')
      fprintf(stderr, "accelbench list: --power '%s': expected KEY=VALUE\n", optarg);
    else
      list_usage(stderr);
    return AB_EXIT_USAGE;
  }
  if (optind < argc) {
    fprintf(stderr, "accelbench list: unexpected argument '%s'\n", argv[optind]);
    return AB_EXIT_USAGE;
  }
  ab_backend_set set;
  ab_discovery discovery;
  const ab_discovery *how;
  char msg[AB_MSG_LEN] = "", exe[4096];
  if (!ab_discovery_setup("list", isolate, probe_timeout_s, &discovery, &how, exe, sizeof exe))
    return AB_EXIT_ENV;
  if (ab_backends_discover(&set, how, msg) != AB_OK) {
    fprintf(stderr, "accelbench list: %s\n", msg);
    return AB_EXIT_ENV;
  }
  printf("backends:\n");
  if (set.n == 0) {
    const char *dirs[32];
    char searched[2048];
    ab_search_dirs_text(dirs, ab_backend_search_dirs(dirs, 32), searched, sizeof searched);
    printf("  none found (searched %s)\n", searched);
  }
  for (size_t i = 0; i < set.n; i++)
    print_backend(&set, i);
  ab_backends_free(&set);
  ab_power_registry *reg = NULL;
  ab_power_module_set mods;
  if (ab_power_discover_registry(power, n_power, how, &reg, &mods, msg) != AB_OK) {
    fprintf(stderr, "accelbench list: --power: %s\n", msg);
    return AB_EXIT_USAGE;
  }
  ab_power_registry_print(reg, stdout); /* says "not measured" and why when nothing is */
  ab_power_registry_free(reg);
  ab_power_modules_free(&mods);
  return AB_EXIT_OK;
}
