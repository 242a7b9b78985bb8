/* accelbench-power-cndev.so — Cambricon MLU energy and power through CNDev (docs/power.md,
 * "CNDev"; docs/cambricon.md).
 *
 * Channels, per MLU: "mluN/energy", the field cndevFieldTotalEnergyConsumption (mJ since the
 * driver loaded; preferred), and "mluN/power", cndevGetDevicePowerInfo's usage in W, read
 * only when the counter is unavailable on that MLU or when asked for
 * (cndev.power_usage=on). CNDev documents neither what part of the card the figures cover
 * nor over what window its power is averaged, so the scope is unknown and the power
 * channel's update period is unknown. Each channel covers backend "cambricon" and the MLU's
 * PCI bus id from cndevGetPCIeInfo ("0000:1a:00.0"), the form the cambricon backend's uid
 * is compared in, so energy is joined to that MLU's cases.
 *
 * The library: $AB_CNDEV_LIBRARY, else libcndev.so, loaded by the shared vendor loader. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ab_vendor.h"
#include "accelbench/power.h"
#include "cndev_api.h"

#define MAX_MLUS         64
#define CHANNELS_PER_MLU 2

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const cndev_names[] = {"libcndev.so", NULL};

#define SYM(f)     AB_VSYM(abcndev_api, f, #f)
#define SYM_OPT(f) AB_VSYM_OPT(abcndev_api, f, #f)
static const ab_vsym cndev_syms[] = {
    SYM(cndevInit),
    SYM(cndevRelease),
    SYM(cndevGetErrorString),
    SYM(cndevGetDeviceCount),
    SYM(cndevGetDeviceHandleByIndex),
    SYM(cndevGetDevicePowerInfo),
    SYM_OPT(cndevGetPCIeInfo),
    SYM_OPT(cndevDeviceGetFieldValues),
};

static const ab_vlib_spec cndev_spec = {
    "CNDev library", "AB_CNDEV_LIBRARY", cndev_names,
    cndev_syms,      N_OF(cndev_syms),   "install the Cambricon MLU driver, which ships libcndev"};

typedef struct mlu {
  abcndev_dev dev;
  char uid[32]; /* "0000:1a:00.0"; empty when CNDev cannot tell */
  double max_w; /* the power cap; 0 = unknown */
  char energy_off[200], power_off[200];
} mlu;

typedef struct cndev_state {
  abcndev_api api;
  ab_vlib lib;
  bool initialised;
  uint32_t n_mlus;
  mlu mlus[MAX_MLUS];
} cndev_state;

static void fmt(char *out, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));

static void fmt(char *out, size_t len, const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  vsnprintf(out, len, f, ap);
  va_end(ap);
}

static const char *opt(const ab_option *o, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (o[i].key && strcmp(o[i].key, key) == 0)
      return o[i].value;
  return NULL;
}

/* "call: error (code): CNDev's own text" into out. */
static ab_status cndev_fail(const cndev_state *s, char *out, ab_status st, const char *call,
                            abcndev_ret r) {
  const char *text = s->api.cndevGetErrorString ? s->api.cndevGetErrorString(r) : NULL;
  return ab_vfail(out, st, call, (long)r, NULL, text);
}

static void unload(cndev_state *s) {
  if (s->initialised)
    s->api.cndevRelease();
  s->initialised = false;
  ab_vlib_close(&s->lib);
}

/* Load, initialise and count the MLUs; on failure nothing stays loaded. */
static ab_status start(cndev_state *s, char *msg) {
  ab_status st = ab_vlib_open(&cndev_spec, &s->lib, &s->api, msg);
  if (st != AB_OK)
    return st;
  abcndev_ret r = s->api.cndevInit(0);
  if (r != ABCNDEV_SUCCESS) {
    st = cndev_fail(s, msg, AB_E_DEVICE, "cndevInit", r);
    unload(s);
    return st;
  }
  s->initialised = true;
  abcndev_card_info cards = {.version = ABCNDEV_VERSION_6, .number = 0};
  r = s->api.cndevGetDeviceCount(&cards);
  if (r != ABCNDEV_SUCCESS || cards.number == 0) {
    if (r != ABCNDEV_SUCCESS)
      cndev_fail(s, msg, AB_E_DEVICE, "cndevGetDeviceCount", r);
    else
      fmt(msg, AB_MSG_LEN, "cndevGetDeviceCount: 0 MLUs");
    unload(s);
    return AB_E_DEVICE;
  }
  s->n_mlus = cards.number < MAX_MLUS ? cards.number : MAX_MLUS;
  return AB_OK;
}

/* The energy field of one MLU in joules, or the reason it cannot be read. */
static ab_status read_energy(const cndev_state *s, const mlu *m, double *joules, char *msg,
                             size_t len) {
  abcndev_field_value v;
  memset(&v, 0, sizeof v);
  v.field_id = ABCNDEV_FIELD_TOTAL_ENERGY;
  abcndev_ret r = s->api.cndevDeviceGetFieldValues(m->dev, 1, &v);
  if (r == ABCNDEV_SUCCESS)
    r = v.ret;
  if (r != ABCNDEV_SUCCESS) {
    char e[AB_MSG_LEN];
    cndev_fail(s, e, AB_E_DEVICE, "cndevDeviceGetFieldValues(TotalEnergyConsumption)", r);
    fmt(msg, len, "%s", e);
    return AB_E_DEVICE;
  }
  double mj;
  switch (v.value_type) {
  case ABCNDEV_VALUE_DOUBLE: mj = v.value.d; break;
  case ABCNDEV_VALUE_UINT: mj = v.value.ui; break;
  case ABCNDEV_VALUE_ULONG: mj = (double)v.value.ul; break;
  case ABCNDEV_VALUE_ULONGLONG: mj = (double)v.value.ull; break;
  case ABCNDEV_VALUE_INT: mj = v.value.si; break;
  case ABCNDEV_VALUE_LONG: mj = (double)v.value.sl; break;
  case ABCNDEV_VALUE_LONGLONG: mj = (double)v.value.sll; break;
  default:
    fmt(msg, len, "cndevDeviceGetFieldValues(TotalEnergyConsumption): unknown value type %d",
        v.value_type);
    return AB_E_DEVICE;
  }
  *joules = mj / 1000.0;
  return AB_OK;
}

static ab_status read_power(const cndev_state *s, const mlu *m, abcndev_power_info *p, char *msg,
                            size_t len) {
  memset(p, 0, sizeof *p);
  abcndev_ret r = s->api.cndevGetDevicePowerInfo(p, m->dev);
  if (r == ABCNDEV_SUCCESS)
    return AB_OK;
  char e[AB_MSG_LEN];
  cndev_fail(s, e, AB_E_DEVICE, "cndevGetDevicePowerInfo", r);
  fmt(msg, len, "%s", e);
  return AB_E_DEVICE;
}

/* Which channels of one MLU can be read, and why the others cannot. */
static void judge_channels(const cndev_state *s, mlu *m, bool want_power) {
  double j;
  abcndev_power_info p;
  if (!s->api.cndevDeviceGetFieldValues)
    fmt(m->energy_off, sizeof m->energy_off, "symbol cndevDeviceGetFieldValues missing from %s",
        s->lib.path);
  else
    read_energy(s, m, &j, m->energy_off, sizeof m->energy_off);
  if (read_power(s, m, &p, m->power_off, sizeof m->power_off) == AB_OK) {
    m->max_w = p.cap > 0 ? p.cap : 0;
    if (!want_power && !m->energy_off[0])
      fmt(m->power_off, sizeof m->power_off,
          "not read: the energy counter is preferred (cndev.power_usage=on reads this too)");
  }
}

/* The PCI bus id in the form ab_pci_bus_id_normalize gives, or empty. */
static void uid_of(const cndev_state *s, mlu *m) {
  abcndev_pcie_info pci;
  memset(&pci, 0, sizeof pci);
  pci.version = ABCNDEV_VERSION_6;
  if (s->api.cndevGetPCIeInfo && s->api.cndevGetPCIeInfo(&pci, m->dev) == ABCNDEV_SUCCESS)
    fmt(m->uid, sizeof m->uid, "%04x:%02x:%02x.%x", pci.domain & 0xffffu, pci.bus & 0xffu,
        pci.device & 0x1fu, pci.function & 0x7u);
}

static ab_status open_mlu(cndev_state *s, uint32_t i, bool want_power, char *msg) {
  mlu *m = &s->mlus[i];
  abcndev_ret r = s->api.cndevGetDeviceHandleByIndex((int)i, &m->dev);
  if (r != ABCNDEV_SUCCESS) {
    char e[AB_MSG_LEN];
    cndev_fail(s, e, AB_E_DEVICE, "cndevGetDeviceHandleByIndex", r);
    fmt(msg, AB_MSG_LEN, "%s: MLU %u: %s", s->lib.path, i, e);
    return AB_E_DEVICE;
  }
  uid_of(s, m);
  judge_channels(s, m, want_power);
  return AB_OK;
}

static ab_status cndev_probe(const ab_option *o, size_t n, char *msg) {
  (void)o, (void)n;
  cndev_state s;
  memset(&s, 0, sizeof s);
  ab_status st = start(&s, msg);
  if (st == AB_OK)
    unload(&s);
  return st;
}

static ab_status cndev_open(void *state, const ab_option *o, size_t n, char *msg) {
  cndev_state *s = state;
  ab_status st = start(s, msg);
  if (st != AB_OK)
    return st;
  const char *pu = opt(o, n, "cndev.power_usage");
  bool want_power = pu && strcmp(pu, "on") == 0;
  for (uint32_t i = 0; i < s->n_mlus; i++)
    if ((st = open_mlu(s, i, want_power, msg)) != AB_OK) {
      unload(s);
      return st;
    }
  return AB_OK;
}

static void cndev_close(void *state) {
  unload(state);
}

static ab_status cndev_channel_count(void *state, uint32_t *count, char *msg) {
  (void)msg;
  *count = ((cndev_state *)state)->n_mlus * CHANNELS_PER_MLU;
  return AB_OK;
}

static ab_status cndev_channel_info(void *state, uint32_t index, ab_power_channel_info *info,
                                    char *msg) {
  cndev_state *s = state;
  if (index >= s->n_mlus * CHANNELS_PER_MLU) {
    fmt(msg, AB_MSG_LEN, "cndev: no channel %u", index);
    return AB_E_INVALID;
  }
  uint32_t i = index / CHANNELS_PER_MLU;
  const mlu *m = &s->mlus[i];
  bool energy = index % CHANNELS_PER_MLU == 0;
  info->scope = AB_POWER_SCOPE_UNKNOWN; /* CNDev does not say (docs/cambricon.md) */
  fmt(info->covers, sizeof info->covers, "MLU %u (%s)", i, m->uid[0] ? m->uid : "no PCI id");
  fmt(info->covers_backend, sizeof info->covers_backend, "cambricon");
  fmt(info->covers_uid, sizeof info->covers_uid, "%s", m->uid);
  info->max_watts = m->max_w;
  if (energy) {
    fmt(info->name, sizeof info->name, "mlu%u/energy", i);
    fmt(info->label, sizeof info->label,
        "MLU %u total energy consumption (mJ since the driver loaded)", i);
    info->kind = AB_POWER_KIND_ENERGY_COUNTER;
    info->update_period_s = 0; /* not documented: unknown */
    info->wrap_joules = 0;
    fmt(info->path, sizeof info->path, "%s cndevDeviceGetFieldValues(71)", s->lib.path);
    fmt(info->disabled_reason, sizeof info->disabled_reason, "%s", m->energy_off);
  } else {
    fmt(info->name, sizeof info->name, "mlu%u/power", i);
    fmt(info->label, sizeof info->label, "MLU %u power usage (W; averaging not documented)", i);
    info->kind = AB_POWER_KIND_AVERAGE_POWER;
    info->update_period_s = 0; /* not documented: unknown */
    fmt(info->path, sizeof info->path, "%s cndevGetDevicePowerInfo", s->lib.path);
    fmt(info->disabled_reason, sizeof info->disabled_reason, "%s", m->power_off);
  }
  return AB_OK;
}

static ab_status cndev_read(void *state, uint32_t index, double *value, char *msg) {
  cndev_state *s = state;
  if (index >= s->n_mlus * CHANNELS_PER_MLU) {
    fmt(msg, AB_MSG_LEN, "cndev: no channel %u", index);
    return AB_E_INVALID;
  }
  const mlu *m = &s->mlus[index / CHANNELS_PER_MLU];
  char e[AB_MSG_LEN];
  ab_status st;
  if (index % CHANNELS_PER_MLU == 0) {
    st = read_energy(s, m, value, e, sizeof e);
  } else {
    abcndev_power_info p;
    st = read_power(s, m, &p, e, sizeof e);
    if (st == AB_OK)
      *value = p.usage;
  }
  if (st != AB_OK)
    fmt(msg, AB_MSG_LEN, "cndev MLU %u: read failed: %s", index / CHANNELS_PER_MLU, e);
  return st;
}

static const ab_power_source k_cndev = {
    .abi_major = AB_POWER_ABI_MAJOR,
    .abi_minor = AB_POWER_ABI_MINOR,
    .struct_size = sizeof(ab_power_source),
    .name = "cndev",
    .description = "Cambricon MLU energy counter and power through CNDev (libcndev)",
    .state_size = sizeof(cndev_state),
    .probe = cndev_probe,
    .open = cndev_open,
    .close = cndev_close,
    .channel_count = cndev_channel_count,
    .channel_info = cndev_channel_info,
    .read = cndev_read,
    .flags = 0, /* reads are library calls that return at once: the shared sampler thread */
};

__attribute__((visibility("default"))) const ab_power_source *
accelbench_power_entry(uint32_t harness_abi_major) {
  return harness_abi_major == AB_POWER_ABI_MAJOR ? &k_cndev : NULL;
}
