/* A fake libcndev for tests (never installed): the CNDev symbols the CNDev power module
 * resolves, with the prototypes of power/cndev/cndev_api.h, on the CPU. MLU i sits at PCI
 * bus 0x1a + i, as in the fake libcnrt, so a run's devices and channels join. The texts
 * of the codes are the fake's own.
 *
 * Environment (read at every call):
 *   FAKE_CNDEV_DEVICES=n            MLUs [1]
 *   FAKE_CNDEV_INIT_FAIL=code       cndevInit returns this code
 *   FAKE_CNDEV_WATTS=w[,w...]       power per MLU [75]: the energy field advances with
 *                                   CLOCK_MONOTONIC at this rate, the power usage says it
 *   FAKE_CNDEV_ENERGY_FAIL=i        MLU i's energy field answers CNDEV_ERROR_UNKNOWN (7)
 *   FAKE_CNDEV_CAP_W=w              the power cap [150]
 * Built twice: the second copy (-DFAKE_CNDEV_NO_FIELDS) lacks cndevDeviceGetFieldValues, the
 * missing-optional-symbol variant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cndev_api.h"

#define EXPORT __attribute__((visibility("default")))

static long env_long(const char *name, long def) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 0) : def;
}

static int n_devices(void) {
  return (int)env_long("FAKE_CNDEV_DEVICES", 1);
}

static int valid(abcndev_dev d) {
  return d >= 0 && d < n_devices();
}

static double watts_of(int i) {
  const char *v = getenv("FAKE_CNDEV_WATTS");
  double w = 75;
  for (int k = 0; v && *v && k <= i; k++) {
    char *end;
    w = strtod(v, &end);
    v = *end == ',' ? end + 1 : NULL;
  }
  return w;
}

EXPORT abcndev_ret cndevInit(int reserved) {
  (void)reserved;
  return (abcndev_ret)env_long("FAKE_CNDEV_INIT_FAIL", 0);
}

EXPORT abcndev_ret cndevRelease(void) {
  return 0;
}

EXPORT const char *cndevGetErrorString(abcndev_ret e) {
  switch (e) {
  case 0: return "fake: success";
  case 1: return "fake: no Cambricon driver";
  case 5: return "fake: invalid argument";
  case 6: return "fake: invalid device id";
  case 7: return "fake: unknown error";
  default: return "fake: unrecognised code";
  }
}

EXPORT abcndev_ret cndevGetDeviceCount(abcndev_card_info *cards) {
  if (!cards || cards->version != ABCNDEV_VERSION_6)
    return 3; /* unsupported API version */
  cards->number = (unsigned int)n_devices();
  return 0;
}

EXPORT abcndev_ret cndevGetDeviceHandleByIndex(int index, abcndev_dev *handle) {
  if (index < 0 || index >= n_devices())
    return 6;
  *handle = index;
  return 0;
}

EXPORT abcndev_ret cndevGetDevicePowerInfo(abcndev_power_info *info, abcndev_dev d) {
  if (!valid(d))
    return 6;
  memset(info, 0, sizeof *info);
  info->usage = (int)watts_of(d);
  info->cap = (int)env_long("FAKE_CNDEV_CAP_W", 150);
  info->tdp = info->cap;
  return 0;
}

EXPORT abcndev_ret cndevGetPCIeInfo(abcndev_pcie_info *info, abcndev_dev d) {
  if (!valid(d) || info->version != ABCNDEV_VERSION_6)
    return !valid(d) ? 6 : 3;
  info->domain = 0;
  info->bus = 0x1a + (unsigned int)d;
  info->device = 0;
  info->function = 0;
  return 0;
}

#ifndef FAKE_CNDEV_NO_FIELDS
EXPORT abcndev_ret cndevDeviceGetFieldValues(abcndev_dev d, int count, abcndev_field_value *v) {
  if (!valid(d))
    return 6;
  for (int i = 0; i < count; i++) {
    if (v[i].field_id != ABCNDEV_FIELD_TOTAL_ENERGY ||
        env_long("FAKE_CNDEV_ENERGY_FAIL", -1) == d) {
      v[i].ret = 7;
      continue;
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double t = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
    v[i].ret = 0;
    v[i].value_type = ABCNDEV_VALUE_ULONGLONG;
    v[i].value.ull = (unsigned long long)(watts_of(d) * t * 1000.0); /* mJ */
  }
  return 0;
}
#endif
