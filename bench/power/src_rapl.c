/* accelbench — RAPL energy counters through the powercap sysfs tree.
 *
 * Layout (Linux Documentation/power/powercap/powercap.rst, and
 * ../shared/reference/vendor-runtimes.md): <root>/sys/class/powercap/intel-rapl:N is a
 * package zone (name "package-N", or "psys"), intel-rapl:N:M its sub-zones ("core",
 * "uncore", "dram"); energy_uj counts microjoules and wraps to 0 after
 * max_energy_range_uj. AMD CPUs expose the same tree. Since Linux 5.10 energy_uj is often
 * mode 0400 (root only): such a zone is listed, disabled with the reason.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources.h"

#define RAPL_MAX_ZONES 32
#define POWERCAP_DIR   "/sys/class/powercap"

typedef struct rapl_state {
  uint32_t n;
  ab_sysfs_channel zones[RAPL_MAX_ZONES];
} rapl_state;

static int is_rapl_zone(const char *d) {
  /* intel-rapl-mmio:* duplicates the package zone through another interface; skip it so
   * the same energy is not reported twice. */
  return strncmp(d, "intel-rapl:", 11) == 0;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static ab_status rapl_probe(const ab_option *o, size_t n, char *msg) {
  const char *v = ab_popt(o, n, "rapl");
  if (v && strcmp(v, "off") == 0) {
    ab_pfmt(msg, AB_MSG_LEN, "turned off by the option rapl=off");
    return AB_E_UNSUPPORTED;
  }
  char dir[512];
  ab_power_join(dir, sizeof dir, ab_popt(o, n, "rapl.root"), POWERCAP_DIR);
  DIR *d = opendir(dir);
  if (!d) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: %s (no powercap RAPL on this machine or in this VM)", dir,
            strerror(errno));
    return AB_E_NOT_FOUND;
  }
  int found = 0;
  for (struct dirent *e; (e = readdir(d));)
    found |= is_rapl_zone(e->d_name);
  closedir(d);
  if (!found) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: no intel-rapl:* zones", dir);
    return AB_E_NOT_FOUND;
  }
  return AB_OK;
}

/* "intel-rapl:0:1" -> its parent's name ("package-0") for a readable channel name. */
static void zone_name(const char *dir, const char *zone, char *out, size_t len, char *msg) {
  char path[640], own[64] = "?", parent[64] = "";
  ab_pfmt(path, sizeof path, "%s/%s/name", dir, zone);
  if (ab_power_read_text(path, own, sizeof own, msg) != AB_OK)
    ab_pfmt(own, sizeof own, "%s", zone);
  const char *last = strrchr(zone, ':');
  if (last && last != strchr(zone, ':')) {
    ab_pfmt(path, sizeof path, "%s/%.*s/name", dir, (int)(last - zone), zone);
    if (ab_power_read_text(path, parent, sizeof parent, msg) != AB_OK)
      ab_pfmt(parent, sizeof parent, "%.*s", (int)(last - zone), zone);
  }
  if (parent[0])
    ab_pfmt(out, len, "%s/%s", parent, own);
  else
    ab_pfmt(out, len, "%s", own);
}

/* Constraints a zone may have: long_term, short_term and peak_power on current kernels. */
#define RAPL_MAX_CONSTRAINTS 8

/* The most power the zone can draw, for wrap safety: the largest of every constraint's
 * max_power_uw (the ceiling its limit may be set to) and power_limit_uw (the limit in force;
 * the short-term limit PL2 and the peak limit sit above the long-term one). 0 = the zone
 * states none (many DRAM zones): the sampler then bounds the power by what it sees. */
static double zone_max_watts(const char *dir, const char *zone) {
  static const char *const attrs[] = {"max_power_uw", "power_limit_uw"};
  char path[700], msg[AB_MSG_LEN];
  uint64_t most = 0;
  for (int k = 0; k < RAPL_MAX_CONSTRAINTS; k++) {
    for (size_t a = 0; a < sizeof attrs / sizeof attrs[0]; a++) {
      uint64_t uw = 0;
      ab_pfmt(path, sizeof path, "%s/%s/constraint_%d_%s", dir, zone, k, attrs[a]);
      if (ab_power_read_u64(path, &uw, msg) == AB_OK && uw > most)
        most = uw;
    }
  }
  return (double)most * 1e-6;
}

static void fill_zone(ab_sysfs_channel *z, const char *dir, const char *zone) {
  ab_power_channel_info *ci = &z->info;
  char path[640], msg[AB_MSG_LEN];
  z->fd = -1;
  z->scale = 1e-6; /* energy_uj: microjoules */
  zone_name(dir, zone, ci->name, sizeof ci->name, msg);
  ab_pfmt(ci->label, sizeof ci->label, "RAPL %s (%s)", ci->name, zone);
  ci->kind = AB_POWER_KIND_ENERGY_COUNTER;
  /* psys is the platform domain (SoC and more), the others are on the package. */
  ci->scope = strstr(ci->name, "psys") ? AB_POWER_SCOPE_BOARD : AB_POWER_SCOPE_CHIP;
  ab_pfmt(ci->covers, sizeof ci->covers, "cpu %s", ci->name);
  ab_pfmt(ci->covers_backend, sizeof ci->covers_backend, "cpu");
  /* The energy status registers change about once a millisecond, as measured by Haehnel et
   * al., "Measuring energy consumption for short code paths using RAPL" (2012). Counters
   * are read at the window's edges, so this only bounds how short a window may be. */
  ci->update_period_s = 1e-3;
  ab_pfmt(ci->path, sizeof ci->path, "%s/%s/energy_uj", dir, zone);

  uint64_t range = 0;
  ab_pfmt(path, sizeof path, "%s/%s/max_energy_range_uj", dir, zone);
  if (ab_power_read_u64(path, &range, msg) != AB_OK || range == 0) {
    ab_pfmt(ci->disabled_reason, sizeof ci->disabled_reason,
            "cannot handle counter wrap-around: %.200s", range ? msg : path);
    return;
  }
  ci->wrap_joules = (double)range * 1e-6;
  ci->max_watts = zone_max_watts(dir, zone);

  uint64_t v = 0;
  z->fd = open(ci->path, O_RDONLY | O_CLOEXEC);
  if (z->fd < 0) {
    ab_pfmt(ci->disabled_reason, sizeof ci->disabled_reason, "%.200s: %s%s", ci->path,
            strerror(errno),
            errno == EACCES ? " (root-only since Linux 5.10; run as root or grant read)" : "");
    return;
  }
  if (ab_power_pread_u64(z->fd, ci->path, &v, msg) != AB_OK) {
    ab_pfmt(ci->disabled_reason, sizeof ci->disabled_reason, "%.250s", msg);
    close(z->fd);
    z->fd = -1;
  }
}

static ab_status rapl_open(void *state, const ab_option *o, size_t n, char *msg) {
  rapl_state *s = state;
  char dir[512];
  ab_power_join(dir, sizeof dir, ab_popt(o, n, "rapl.root"), POWERCAP_DIR);
  DIR *d = opendir(dir);
  if (!d) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: %s", dir, strerror(errno));
    return AB_E_NOT_FOUND;
  }
  char *names[RAPL_MAX_ZONES];
  uint32_t count = 0;
  for (struct dirent *e; (e = readdir(d)) && count < RAPL_MAX_ZONES;)
    if (is_rapl_zone(e->d_name))
      names[count++] = strdup(e->d_name);
  closedir(d);
  qsort(names, count, sizeof names[0], cmp_names);
  for (uint32_t i = 0; i < count; i++) {
    if (names[i])
      fill_zone(&s->zones[s->n++], dir, names[i]);
    free(names[i]);
  }
  return AB_OK;
}

static void rapl_close(void *state) {
  rapl_state *s = state;
  ab_sysfs_channels_close(s->zones, &s->n);
}

static ab_status rapl_count(void *state, uint32_t *count, char *msg) {
  (void)msg;
  *count = ((rapl_state *)state)->n;
  return AB_OK;
}

static ab_status rapl_info(void *state, uint32_t i, ab_power_channel_info *info, char *msg) {
  rapl_state *s = state;
  return ab_sysfs_channel_info("rapl", s->zones, s->n, i, info, msg);
}

static ab_status rapl_read(void *state, uint32_t i, double *value, char *msg) {
  return ab_sysfs_channel_read(&((rapl_state *)state)->zones[i], value, msg);
}

const ab_power_source ab_power_source_rapl = {
    .abi_major = AB_POWER_ABI_MAJOR,
    .abi_minor = AB_POWER_ABI_MINOR,
    .struct_size = sizeof(ab_power_source),
    .name = "rapl",
    .description = "RAPL energy counters (powercap sysfs: package, core, uncore, dram, psys)",
    .state_size = sizeof(rapl_state),
    .probe = rapl_probe,
    .open = rapl_open,
    .close = rapl_close,
    .channel_count = rapl_count,
    .channel_info = rapl_info,
    .read = rapl_read,
};
