/* accelbench — hwmon power and energy attributes.
 *
 * Units per the kernel's hwmon ABI (Documentation/hwmon/sysfs-interface.rst):
 * power[1-*]_input is instantaneous power in microwatts, power[1-*]_average is power
 * averaged over power[1-*]_average_interval milliseconds, energy[1-*]_input is cumulative
 * energy in microjoules; the chip-level update_interval is in milliseconds. amdgpu exposes
 * power1_average (board power); the ACPI power meter driver ("power_meter") the node.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources.h"

#define HWMON_MAX_CHANNELS 64
#define HWMON_DIR          "/sys/class/hwmon"

typedef struct hwmon_state {
  uint32_t n;
  ab_sysfs_channel ch[HWMON_MAX_CHANNELS];
} hwmon_state;

static ab_status hwmon_probe(const ab_option *o, size_t n, char *msg) {
  const char *v = ab_popt(o, n, "hwmon");
  if (v && strcmp(v, "off") == 0) {
    ab_pfmt(msg, AB_MSG_LEN, "turned off by the option hwmon=off");
    return AB_E_UNSUPPORTED;
  }
  char dir[512];
  ab_power_join(dir, sizeof dir, ab_popt(o, n, "hwmon.root"), HWMON_DIR);
  DIR *d = opendir(dir);
  if (!d) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: %s (no hwmon sensors on this machine or in this VM)", dir,
            strerror(errno));
    return AB_E_NOT_FOUND;
  }
  closedir(d);
  return AB_OK;
}

/* Scope from the driver name: only what is known for sure; the rest stays unknown. */
static ab_power_scope scope_of(const char *driver, char *covers, size_t len, char *backend,
                               size_t blen) {
  if (strcmp(driver, "amdgpu") == 0) {
    ab_pfmt(covers, len, "amdgpu card");
    ab_pfmt(backend, blen, "rocm");
    return AB_POWER_SCOPE_BOARD;
  }
  if (strcmp(driver, "power_meter") == 0) {
    ab_pfmt(covers, len, "node (ACPI power meter)");
    return AB_POWER_SCOPE_NODE;
  }
  if (strcmp(driver, "amd_energy") == 0 || strcmp(driver, "zenergy") == 0) {
    ab_pfmt(covers, len, "cpu");
    ab_pfmt(backend, blen, "cpu");
    return AB_POWER_SCOPE_CHIP;
  }
  ab_pfmt(covers, len, "%s sensor", driver);
  return AB_POWER_SCOPE_UNKNOWN;
}

/* Is `f` one of power%u_input, power%u_average, energy%u_input? Sets kind and index. */
static int match_attr(const char *f, ab_power_kind *kind, unsigned *idx) {
  char tail[32];
  int used = 0;
  if (sscanf(f, "power%u_%31s%n", idx, tail, &used) == 2 && f[used] == '\0') {
    if (strcmp(tail, "input") == 0)
      *kind = AB_POWER_KIND_INSTANT_POWER;
    else if (strcmp(tail, "average") == 0)
      *kind = AB_POWER_KIND_AVERAGE_POWER;
    else
      return 0;
    return 1;
  }
  if (sscanf(f, "energy%u_%31s%n", idx, tail, &used) == 2 && f[used] == '\0' &&
      strcmp(tail, "input") == 0) {
    *kind = AB_POWER_KIND_ENERGY_COUNTER;
    return 1;
  }
  return 0;
}

static double interval_s(const char *dev, ab_power_kind kind, unsigned idx) {
  char path[700], msg[AB_MSG_LEN];
  uint64_t ms = 0;
  if (kind == AB_POWER_KIND_AVERAGE_POWER) {
    ab_pfmt(path, sizeof path, "%s/power%u_average_interval", dev, idx);
    if (ab_power_read_u64(path, &ms, msg) == AB_OK && ms > 0)
      return (double)ms * 1e-3;
  }
  ab_pfmt(path, sizeof path, "%s/update_interval", dev);
  if (ab_power_read_u64(path, &ms, msg) == AB_OK && ms > 0)
    return (double)ms * 1e-3;
  return 0;
}

static void add_channel(hwmon_state *s, const char *dev, const char *hw, const char *driver,
                        const char *attr, ab_power_kind kind, unsigned idx) {
  ab_sysfs_channel *c = &s->ch[s->n++];
  ab_power_channel_info *ci = &c->info;
  char path[700], label[96] = "", msg[AB_MSG_LEN];
  c->fd = -1;
  c->scale = 1e-6; /* microwatts and microjoules */
  ci->kind = kind;
  ab_pfmt(ci->name, sizeof ci->name, "%s/%s", hw, attr);
  ab_pfmt(path, sizeof path, "%s/%s%u_label", dev,
          kind == AB_POWER_KIND_ENERGY_COUNTER ? "energy" : "power", idx);
  if (ab_power_read_text(path, label, sizeof label, msg) != AB_OK)
    label[0] = '\0';
  ab_pfmt(ci->label, sizeof ci->label, "%s %s%s%s", driver, attr, label[0] ? " " : "", label);
  ci->scope = scope_of(driver, ci->covers, sizeof ci->covers, ci->covers_backend,
                       sizeof ci->covers_backend);
  ci->update_period_s = interval_s(dev, kind, idx);
  ab_pfmt(ci->path, sizeof ci->path, "%s/%s", dev, attr);
  c->fd = open(ci->path, O_RDONLY | O_CLOEXEC);
  uint64_t v = 0;
  if (c->fd < 0) {
    ab_pfmt(ci->disabled_reason, sizeof ci->disabled_reason, "%.200s: %s", ci->path,
            strerror(errno));
  } else if (ab_power_pread_u64(c->fd, ci->path, &v, msg) != AB_OK) {
    ab_pfmt(ci->disabled_reason, sizeof ci->disabled_reason, "%.250s", msg);
    close(c->fd);
    c->fd = -1;
  }
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted directory listing (stable channel order across runs). */
static size_t list_dir(const char *dir, char **names, size_t max) {
  DIR *d = opendir(dir);
  size_t n = 0;
  if (!d)
    return 0;
  for (struct dirent *e; (e = readdir(d)) && n < max;)
    if (e->d_name[0] != '.')
      names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], cmp_str);
  return n;
}

static void scan_device(hwmon_state *s, const char *dir, const char *hw) {
  char dev[600], path[700], driver[64], msg[AB_MSG_LEN];
  ab_pfmt(dev, sizeof dev, "%s/%s", dir, hw);
  ab_pfmt(path, sizeof path, "%s/name", dev);
  if (ab_power_read_text(path, driver, sizeof driver, msg) != AB_OK)
    ab_pfmt(driver, sizeof driver, "%s", hw);
  char *files[256];
  size_t nf = list_dir(dev, files, 256);
  for (size_t i = 0; i < nf; i++) {
    ab_power_kind kind;
    unsigned idx = 0;
    if (files[i] && s->n < HWMON_MAX_CHANNELS && match_attr(files[i], &kind, &idx))
      add_channel(s, dev, hw, driver, files[i], kind, idx);
    free(files[i]);
  }
}

static ab_status hwmon_open(void *state, const ab_option *o, size_t n, char *msg) {
  hwmon_state *s = state;
  char dir[512];
  ab_power_join(dir, sizeof dir, ab_popt(o, n, "hwmon.root"), HWMON_DIR);
  char *devs[128];
  size_t nd = list_dir(dir, devs, 128);
  for (size_t i = 0; i < nd; i++) {
    if (devs[i] && strncmp(devs[i], "hwmon", 5) == 0)
      scan_device(s, dir, devs[i]);
    free(devs[i]);
  }
  if (s->n == 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: no power*_input, power*_average or energy*_input attribute", dir);
    return AB_E_NOT_FOUND;
  }
  return AB_OK;
}

static void hwmon_close(void *state) {
  hwmon_state *s = state;
  ab_sysfs_channels_close(s->ch, &s->n);
}

static ab_status hwmon_count(void *state, uint32_t *count, char *msg) {
  (void)msg;
  *count = ((hwmon_state *)state)->n;
  return AB_OK;
}

static ab_status hwmon_info(void *state, uint32_t i, ab_power_channel_info *info, char *msg) {
  hwmon_state *s = state;
  return ab_sysfs_channel_info("hwmon", s->ch, s->n, i, info, msg);
}

static ab_status hwmon_read(void *state, uint32_t i, double *value, char *msg) {
  return ab_sysfs_channel_read(&((hwmon_state *)state)->ch[i], value, msg);
}

const ab_power_source ab_power_source_hwmon = {
    .abi_major = AB_POWER_ABI_MAJOR,
    .abi_minor = AB_POWER_ABI_MINOR,
    .struct_size = sizeof(ab_power_source),
    .name = "hwmon",
    .description = "hwmon power*_input, power*_average (uW) and energy*_input (uJ)",
    .state_size = sizeof(hwmon_state),
    .probe = hwmon_probe,
    .open = hwmon_open,
    .close = hwmon_close,
    .channel_count = hwmon_count,
    .channel_info = hwmon_info,
    .read = hwmon_read,
};
