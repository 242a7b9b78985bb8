/* accelbench-power-mtml.so — Moore Threads board power through MTML (docs/cudalike.md,
 * "Power").
 *
 * source: ../shared/reference/vendor-api-facts.md 5: libmtml.so and the prototypes below,
 * and mtmlDeviceGetPowerUsage's unit (mW), VERIFIED from a public mtml.h copy. That MTML
 * returns 0 for success is INFERRED (the usual C convention of these vendor libraries);
 * MTML's window or update period for the power reading is not documented there, so the
 * channel says "instant power, update period unknown".
 *
 * Channels: "gpuN/power" per device, scope board, covering backend "musa" and uid "musa:N"
 * (the musa backend's uid: no verified MTML or MUSA call gives a PCI address), so the
 * power is joined to the same device's cases. The library: $AB_MTML_LIBRARY, else
 * libmtml.so in $MUSA_HOME/lib, /usr/local/musa/lib, then on the loader path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ab_vendor.h"
#include "accelbench/power.h"

#define MAX_GPUS 64

typedef int mtml_return;                /* MtmlReturn; 0 success (INFERRED) */
typedef struct MtmlLibrary MtmlLibrary; /* opaque */
typedef struct MtmlDevice MtmlDevice;   /* opaque */

typedef struct mtml_api {
  mtml_return (*init)(MtmlLibrary **lib);
  mtml_return (*count)(const MtmlLibrary *lib, unsigned *count);
  mtml_return (*device)(const MtmlLibrary *lib, unsigned index, MtmlDevice **dev);
  mtml_return (*power_mw)(const MtmlDevice *dev, unsigned *mw);
  mtml_return (*shutdown)(MtmlLibrary *lib);
} mtml_api;

static const ab_vsym mtml_syms[] = {
    AB_VSYM(mtml_api, init, "mtmlLibraryInit"),
    AB_VSYM(mtml_api, count, "mtmlLibraryCountDevice"),
    AB_VSYM(mtml_api, device, "mtmlLibraryInitDeviceByIndex"),
    AB_VSYM(mtml_api, power_mw, "mtmlDeviceGetPowerUsage"),
    AB_VSYM(mtml_api, shutdown, "mtmlLibraryShutDown"),
};

typedef struct mtml_state {
  ab_vlib lib;
  mtml_api api;
  MtmlLibrary *handle;
  uint32_t n;
  MtmlDevice *dev[MAX_GPUS];
} mtml_state;

static ab_status load(mtml_state *s, char *msg) {
  static char home_path[300];
  const char *home = getenv("MUSA_HOME");
  const char *names[] = {"/usr/local/musa/lib/libmtml.so", "libmtml.so", NULL, NULL};
  if (home && *home) { /* the SDK root the user named first, the default folder after it */
    snprintf(home_path, sizeof home_path, "%s/lib/libmtml.so", home);
    names[2] = names[1], names[1] = names[0], names[0] = home_path;
  }
  const ab_vlib_spec spec = {"MTML library",
                             "AB_MTML_LIBRARY",
                             names,
                             mtml_syms,
                             sizeof mtml_syms / sizeof mtml_syms[0],
                             "install the MUSA driver"};
  return ab_vlib_open(&spec, &s->lib, &s->api, msg);
}

static void mtml_close(void *state) {
  mtml_state *s = state;
  if (s->handle)
    s->api.shutdown(s->handle);
  ab_vlib_close(&s->lib);
  memset(s, 0, sizeof *s);
}

static ab_status fail(mtml_state *s, const char *call, mtml_return r, char *msg) {
  ab_vfail(msg, AB_E_DEVICE, call, r, NULL, NULL);
  mtml_close(s);
  return AB_E_DEVICE;
}

static ab_status mtml_open(void *state, const ab_option *o, size_t n_o, char *msg) {
  (void)o, (void)n_o;
  mtml_state *s = state;
  ab_status st = load(s, msg);
  if (st != AB_OK)
    return st;
  mtml_return r = s->api.init(&s->handle);
  if (r != 0) {
    s->handle = NULL;
    return fail(s, "mtmlLibraryInit", r, msg);
  }
  unsigned count = 0;
  if ((r = s->api.count(s->handle, &count)) != 0)
    return fail(s, "mtmlLibraryCountDevice", r, msg);
  if (count == 0) {
    ab_vfail(msg, AB_E_NOT_FOUND, "mtmlLibraryCountDevice", 0, NULL, "no device");
    mtml_close(s);
    return AB_E_NOT_FOUND;
  }
  s->n = count < MAX_GPUS ? count : MAX_GPUS;
  for (uint32_t i = 0; i < s->n; i++)
    if ((r = s->api.device(s->handle, i, &s->dev[i])) != 0)
      return fail(s, "mtmlLibraryInitDeviceByIndex", r, msg);
  return AB_OK;
}

static ab_status mtml_probe(const ab_option *o, size_t n_o, char *msg) {
  mtml_state s;
  memset(&s, 0, sizeof s);
  ab_status st = mtml_open(&s, o, n_o, msg);
  if (st == AB_OK)
    mtml_close(&s);
  return st;
}

static ab_status mtml_channel_count(void *state, uint32_t *count, char *msg) {
  (void)msg;
  *count = ((mtml_state *)state)->n;
  return AB_OK;
}

static ab_status mtml_channel_info(void *state, uint32_t i, ab_power_channel_info *info,
                                   char *msg) {
  mtml_state *s = state;
  if (i >= s->n) {
    snprintf(msg, AB_MSG_LEN, "channel %u: only %u", i, s->n);
    return AB_E_INVALID;
  }
  snprintf(info->name, sizeof info->name, "gpu%u/power", i);
  snprintf(info->label, sizeof info->label, "Moore Threads GPU %u board power (MTML)", i);
  info->scope = AB_POWER_SCOPE_BOARD;
  info->kind = AB_POWER_KIND_INSTANT_POWER;
  snprintf(info->covers, sizeof info->covers, "Moore Threads GPU %u", i);
  snprintf(info->covers_backend, sizeof info->covers_backend, "musa");
  snprintf(info->covers_uid, sizeof info->covers_uid, "musa:%u", i);
  snprintf(info->path, sizeof info->path, "%.200s: mtmlDeviceGetPowerUsage (mW)", s->lib.path);
  return AB_OK;
}

static ab_status mtml_read(void *state, uint32_t i, double *value, char *msg) {
  mtml_state *s = state;
  unsigned mw = 0;
  if (i >= s->n) {
    snprintf(msg, AB_MSG_LEN, "channel %u: only %u", i, s->n);
    return AB_E_INVALID;
  }
  mtml_return r = s->api.power_mw(s->dev[i], &mw);
  if (r != 0)
    return ab_vfail(msg, AB_E_DEVICE, "mtmlDeviceGetPowerUsage", r, NULL, NULL);
  *value = mw * 1e-3;
  return AB_OK;
}

static const ab_power_source k_mtml = {
    .abi_major = AB_POWER_ABI_MAJOR,
    .abi_minor = AB_POWER_ABI_MINOR,
    .struct_size = sizeof(ab_power_source),
    .name = "mtml",
    .description = "Moore Threads GPU board power through MTML (libmtml)",
    .state_size = sizeof(mtml_state),
    .probe = mtml_probe,
    .open = mtml_open,
    .close = mtml_close,
    .channel_count = mtml_channel_count,
    .channel_info = mtml_channel_info,
    .read = mtml_read,
};

__attribute__((visibility("default"))) const ab_power_source *
accelbench_power_entry(uint32_t harness_abi_major) {
  return harness_abi_major == AB_POWER_ABI_MAJOR ? &k_mtml : NULL;
}
