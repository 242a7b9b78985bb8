/* accelbench — CPU clocks and temperatures before and after a case, to flag a case whose
 * clock fell while it ran (thermal or power throttling changes what was measured).
 *
 * cpufreq: <root>/sys/devices/system/cpu/cpuN/cpufreq/scaling_cur_freq in kHz
 * (Documentation/admin-guide/pm/cpufreq.rst). hwmon: temp[1-*]_input in millidegrees
 * Celsius, optional temp[1-*]_label (Documentation/hwmon/sysfs-interface.rst). */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler.h"
#include "sources.h"

static void take_clocks(const char *root, ab_thermal_snapshot *s) {
  char dir[512], path[700], msg[AB_MSG_LEN];
  ab_power_join(dir, sizeof dir, root, "/sys/devices/system/cpu");
  DIR *d = opendir(dir);
  double sum = 0;
  if (!d)
    return;
  for (struct dirent *e; (e = readdir(d));) {
    unsigned cpu = 0;
    int used = 0;
    if (sscanf(e->d_name, "cpu%u%n", &cpu, &used) != 1 || e->d_name[used] != '\0')
      continue;
    uint64_t khz = 0;
    ab_pfmt(path, sizeof path, "%s/%s/cpufreq/scaling_cur_freq", dir, e->d_name);
    if (ab_power_read_u64(path, &khz, msg) != AB_OK || khz == 0)
      continue;
    double mhz = (double)khz * 1e-3;
    s->cpu_mhz_min = s->n_cpus == 0 ? mhz : fmin(s->cpu_mhz_min, mhz);
    s->cpu_mhz_max = s->n_cpus == 0 ? mhz : fmax(s->cpu_mhz_max, mhz);
    sum += mhz;
    s->n_cpus++;
  }
  closedir(d);
  if (s->n_cpus)
    s->cpu_mhz_mean = sum / s->n_cpus;
}

static void take_temps_of(const char *dir, const char *hw, ab_thermal_snapshot *s) {
  char dev[600], path[700], driver[32] = "", label[32], msg[AB_MSG_LEN];
  ab_pfmt(dev, sizeof dev, "%s/%s", dir, hw);
  ab_pfmt(path, sizeof path, "%s/name", dev);
  if (ab_power_read_text(path, driver, sizeof driver, msg) != AB_OK)
    ab_pfmt(driver, sizeof driver, "%.31s", hw);
  DIR *d = opendir(dev);
  if (!d)
    return;
  for (struct dirent *e; (e = readdir(d)) && s->n_temps < AB_THERMAL_MAX_TEMPS;) {
    unsigned idx = 0;
    int used = 0;
    if (sscanf(e->d_name, "temp%u_input%n", &idx, &used) != 1 || e->d_name[used] != '\0')
      continue;
    uint64_t mc = 0;
    ab_pfmt(path, sizeof path, "%s/%s", dev, e->d_name);
    if (ab_power_read_u64(path, &mc, msg) != AB_OK)
      continue;
    ab_pfmt(path, sizeof path, "%s/temp%u_label", dev, idx);
    if (ab_power_read_text(path, label, sizeof label, msg) != AB_OK)
      ab_pfmt(label, sizeof label, "temp%u", idx);
    ab_pfmt(s->temps[s->n_temps].name, sizeof s->temps[0].name, "%s:%s/%s", hw, driver, label);
    s->temps[s->n_temps++].celsius = (double)mc * 1e-3;
  }
  closedir(d);
}

void ab_thermal_take(const char *root, ab_thermal_snapshot *s) {
  memset(s, 0, sizeof *s);
  take_clocks(root, s);
  char dir[512];
  ab_power_join(dir, sizeof dir, root, "/sys/class/hwmon");
  DIR *d = opendir(dir);
  if (d) {
    for (struct dirent *e; (e = readdir(d));)
      if (strncmp(e->d_name, "hwmon", 5) == 0)
        take_temps_of(dir, e->d_name, s);
    closedir(d);
  }
  if (s->n_cpus == 0 && s->n_temps == 0)
    ab_pfmt(s->unreadable, sizeof s->unreadable,
            "no readable cpufreq scaling_cur_freq or hwmon temp*_input under %s",
            root && *root ? root : "/");
}

bool ab_thermal_clock_fell(const ab_thermal_snapshot *before, const ab_thermal_snapshot *after,
                           double threshold, double *drop_pct) {
  if (drop_pct)
    *drop_pct = NAN;
  if (before->n_cpus == 0 || after->n_cpus == 0 || before->cpu_mhz_mean <= 0)
    return false;
  double drop = (before->cpu_mhz_mean - after->cpu_mhz_mean) / before->cpu_mhz_mean;
  if (drop_pct)
    *drop_pct = drop * 100.0;
  return drop > threshold;
}

static json_t *snapshot_json(const ab_thermal_snapshot *s) {
  json_t *j = json_object();
  if (s->n_cpus) {
    json_object_set_new(j, "cpus", json_integer(s->n_cpus));
    json_object_set_new(j, "cpu_mhz_mean", json_real(s->cpu_mhz_mean));
    json_object_set_new(j, "cpu_mhz_min", json_real(s->cpu_mhz_min));
    json_object_set_new(j, "cpu_mhz_max", json_real(s->cpu_mhz_max));
  } else {
    json_object_set_new(j, "cpu_mhz_not_measured", json_string("no readable scaling_cur_freq"));
  }
  json_t *t = json_object();
  for (uint32_t i = 0; i < s->n_temps; i++)
    json_object_set_new(t, s->temps[i].name, json_real(s->temps[i].celsius));
  json_object_set_new(j, "temps_c", t);
  return j;
}

/* Clock drop beyond which a case is flagged: frequency steps of a busy core are usually
 * 100 MHz or more, so 5% is past the jitter of one scaling_cur_freq read. */
#define CLOCK_FELL_THRESHOLD 0.05

json_t *ab_thermal_json(const ab_thermal_snapshot *before, const ab_thermal_snapshot *after) {
  if (before->unreadable[0] && after->unreadable[0])
    return json_pack("{s:s}", "not_measured", before->unreadable);
  double drop = NAN;
  bool fell = ab_thermal_clock_fell(before, after, CLOCK_FELL_THRESHOLD, &drop);
  json_t *j = json_object();
  json_object_set_new(j, "before", snapshot_json(before));
  json_object_set_new(j, "after", snapshot_json(after));
  if (isfinite(drop)) {
    json_object_set_new(j, "clock_fell", json_boolean(fell));
    json_object_set_new(j, "clock_drop_pct", json_real(drop));
  }
  return j;
}
