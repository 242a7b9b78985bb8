/* accelbench-power-nvml.so — NVIDIA board power through NVML (docs/power.md, "NVML").
 *
 * Channels, per GPU: "gpuN/energy", the total-energy counter (mJ since the driver loaded,
 * Volta or newer; preferred), and "gpuN/power_avg_1s", nvmlDeviceGetPowerUsage, which on
 * Ampere (except GA100) and newer, Hopper included, is a 1 s average (facts sheet 1.8). The
 * power channel is read only when the counter is unsupported on that GPU, or when asked
 * for (nvml.power_usage=on): a 1 s average stretches every measured window to 10 s.
 * Scope board; each channel covers backend "cuda" and the GPU's PCI bus id in the form
 * of ab_pci_bus_id_normalize ("0000:17:00.0"), so energy is joined to that GPU's cases.
 *
 * The library: $AB_NVML_LIBRARY or the option nvml.library, else libnvidia-ml.so.1 then
 * libnvidia-ml.so (the driver's soname). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ab_vendor.h"
#include "accelbench/power.h"
#include "nvml_api.h"

#define MAX_GPUS           64
#define CHANNELS_PER_GPU   2
#define NVML_LIBRARY_ENV   "AB_NVML_LIBRARY"
#define MAX_NVML_PROCESSES 256

typedef struct nvml_lib {
  ab_vlib file; /* the library opened by the shared vendor loader (backends/common) */
  nvmlInit_v2_fn init;
  nvmlShutdown_fn shutdown;
  nvmlErrorString_fn error_string;
  nvmlDeviceGetCount_v2_fn count;
  nvmlDeviceGetHandleByIndex_v2_fn by_index;
  nvmlDeviceGetPciInfo_v3_fn pci;
  nvmlDeviceGetName_fn name;
  /* optional: a missing one disables what needs it, with the symbol named */
  nvmlDeviceGetTotalEnergyConsumption_fn energy;
  nvmlDeviceGetPowerUsage_fn power;
  nvmlDeviceGetEnforcedPowerLimit_fn limit;
  nvmlDeviceGetClockInfo_fn clock;
  nvmlDeviceGetTemperatureV_fn temperature_v;
  nvmlDeviceGetTemperature_fn temperature;
  nvmlDeviceGetReasons_fn reasons;
  nvmlDeviceGetReasons_fn throttle_reasons;
  nvmlDeviceGetProcesses_fn compute_procs;
  nvmlDeviceGetProcesses_fn graphics_procs;
} nvml_lib;

typedef struct gpu {
  nvmlDevice_t dev;
  char uid[32]; /* "0000:17:00.0" */
  char name[96];
  double limit_w; /* enforced power limit; 0 = unknown */
  char energy_off[200], power_off[200];
} gpu;

typedef struct nvml_state {
  nvml_lib lib;
  bool initialised;
  uint32_t n_gpus;
  gpu gpus[MAX_GPUS];
} nvml_state;

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

/* "9 (Driver Not Loaded)": NVML's code and its own text. */
static void nvml_err(const nvml_lib *l, nvmlReturn_t r, char *out, size_t len) {
  const char *text = l->error_string ? l->error_string(r) : NULL;
  fmt(out, len, "%d (%s)", r, text ? text : "no text");
}

/* 13.0 deprecates nvmlDeviceGetTemperature and the throttle-reasons call; whether r580
 * still exports them is unverified, so the replacements are resolved too and preferred
 * (facts sheet 1.7). */
static const ab_vsym nvml_symbols[] = {
    AB_VSYM(nvml_lib, init, "nvmlInit_v2"),
    AB_VSYM(nvml_lib, shutdown, "nvmlShutdown"),
    AB_VSYM(nvml_lib, error_string, "nvmlErrorString"),
    AB_VSYM(nvml_lib, count, "nvmlDeviceGetCount_v2"),
    AB_VSYM(nvml_lib, by_index, "nvmlDeviceGetHandleByIndex_v2"),
    AB_VSYM(nvml_lib, pci, "nvmlDeviceGetPciInfo_v3"),
    AB_VSYM(nvml_lib, name, "nvmlDeviceGetName"),
    AB_VSYM_OPT(nvml_lib, energy, "nvmlDeviceGetTotalEnergyConsumption"),
    AB_VSYM_OPT(nvml_lib, power, "nvmlDeviceGetPowerUsage"),
    AB_VSYM_OPT(nvml_lib, limit, "nvmlDeviceGetEnforcedPowerLimit"),
    AB_VSYM_OPT(nvml_lib, clock, "nvmlDeviceGetClockInfo"),
    AB_VSYM_OPT(nvml_lib, temperature_v, "nvmlDeviceGetTemperatureV"),
    AB_VSYM_OPT(nvml_lib, temperature, "nvmlDeviceGetTemperature"),
    AB_VSYM_OPT(nvml_lib, reasons, "nvmlDeviceGetCurrentClocksEventReasons"),
    AB_VSYM_OPT(nvml_lib, throttle_reasons, "nvmlDeviceGetCurrentClocksThrottleReasons"),
    AB_VSYM_OPT(nvml_lib, compute_procs, "nvmlDeviceGetComputeRunningProcesses_v3"),
    AB_VSYM_OPT(nvml_lib, graphics_procs, "nvmlDeviceGetGraphicsRunningProcesses_v3"),
};

static const char *const nvml_sonames[] = {"libnvidia-ml.so.1", "libnvidia-ml.so", NULL};

/* The option nvml.library, else $AB_NVML_LIBRARY, else the driver's sonames; the reason
 * names every path tried (the shared loader's form). */
static bool load_library(nvml_lib *l, const ab_option *o, size_t n, char *msg) {
  memset(l, 0, sizeof *l);
  const char *forced = opt(o, n, "nvml.library");
  const char *const forced_list[] = {forced, NULL};
  ab_vlib_spec spec = {.what = "NVML library",
                       .env = NVML_LIBRARY_ENV,
                       .sonames = nvml_sonames,
                       .syms = nvml_symbols,
                       .n_syms = sizeof nvml_symbols / sizeof nvml_symbols[0],
                       .hint = "the NVIDIA driver installs it"};
  if (forced && forced[0]) {
    spec.env = NULL;
    spec.sonames = forced_list;
  }
  if (ab_vlib_open(&spec, &l->file, l, msg) != AB_OK)
    return false;
  if (!l->reasons)
    l->reasons = l->throttle_reasons;
  return true;
}

static bool init_library(nvml_lib *l, char *msg) {
  nvmlReturn_t r = l->init();
  if (r != NVML_SUCCESS) {
    char e[160];
    nvml_err(l, r, e, sizeof e);
    fmt(msg, AB_MSG_LEN, "%s: nvmlInit_v2 failed: %s", l->file.path, e);
    return false;
  }
  return true;
}

static void unload(nvml_lib *l) {
  ab_vlib_close(&l->file);
}

/* NVML's "00000000:17:00.0" in the join form "0000:17:00.0": the domain keeps its low 4
 * hex digits (NVML pads to 8, CUDA's cuDeviceGetPCIBusId writes 4), lower case, as
 * ab_pci_bus_id_normalize does on the harness side. */
static void uid_of(const nvmlPciInfo_t *p, char *out, size_t len) {
  fmt(out, len, "%04x:%02x:%02x.0", p->domain & 0xffffu, p->bus & 0xffu, p->device & 0x1fu);
}

static bool power_usage_wanted(const ab_option *o, size_t n) {
  const char *v = opt(o, n, "nvml.power_usage");
  return v && strcmp(v, "on") == 0;
}

/* Which channels of one GPU can be read, and why the others cannot. */
static void judge_channels(nvml_state *s, gpu *g, bool want_power) {
  const nvml_lib *l = &s->lib;
  char e[160];
  unsigned long long mj;
  unsigned int mw;
  nvmlReturn_t r;
  if (!l->energy)
    fmt(g->energy_off, sizeof g->energy_off,
        "symbol nvmlDeviceGetTotalEnergyConsumption missing from %s", l->file.path);
  else if ((r = l->energy(g->dev, &mj)) != NVML_SUCCESS) {
    nvml_err(l, r, e, sizeof e);
    fmt(g->energy_off, sizeof g->energy_off, "nvmlDeviceGetTotalEnergyConsumption: %s", e);
  }
  if (!l->power)
    fmt(g->power_off, sizeof g->power_off, "symbol nvmlDeviceGetPowerUsage missing from %s",
        l->file.path);
  else if ((r = l->power(g->dev, &mw)) != NVML_SUCCESS) {
    nvml_err(l, r, e, sizeof e);
    fmt(g->power_off, sizeof g->power_off, "nvmlDeviceGetPowerUsage: %s", e);
  } else if (!want_power && !g->energy_off[0])
    fmt(g->power_off, sizeof g->power_off,
        "not read: the energy counter is preferred (nvml.power_usage=on reads this 1 s "
        "average too, and stretches every measured window to 10 s)");
  unsigned int limit_mw = 0;
  if (l->limit && l->limit(g->dev, &limit_mw) == NVML_SUCCESS)
    g->limit_w = limit_mw / 1000.0;
}

static bool open_gpu(nvml_state *s, uint32_t i, bool want_power, char *msg) {
  const nvml_lib *l = &s->lib;
  gpu *g = &s->gpus[i];
  char e[160];
  nvmlReturn_t r = l->by_index(i, &g->dev);
  nvmlPciInfo_t pci;
  memset(&pci, 0, sizeof pci);
  if (r == NVML_SUCCESS)
    r = l->pci(g->dev, &pci);
  if (r != NVML_SUCCESS) {
    nvml_err(l, r, e, sizeof e);
    fmt(msg, AB_MSG_LEN, "%s: GPU %u: %s", l->file.path, i, e);
    return false;
  }
  uid_of(&pci, g->uid, sizeof g->uid);
  if (l->name(g->dev, g->name, sizeof g->name) != NVML_SUCCESS)
    fmt(g->name, sizeof g->name, "GPU %u", i);
  g->name[sizeof g->name - 1] = '\0';
  judge_channels(s, g, want_power);
  return true;
}

static ab_status nvml_probe(const ab_option *o, size_t n, char *msg) {
  nvml_lib l;
  if (!load_library(&l, o, n, msg))
    return AB_E_NOT_FOUND;
  if (!init_library(&l, msg)) {
    unload(&l);
    return AB_E_DEVICE;
  }
  unsigned int count = 0;
  nvmlReturn_t r = l.count(&count);
  ab_status st = AB_OK;
  if (r != NVML_SUCCESS || count == 0) {
    char e[160] = "0 GPUs";
    if (r != NVML_SUCCESS)
      nvml_err(&l, r, e, sizeof e);
    fmt(msg, AB_MSG_LEN, "%s: nvmlDeviceGetCount_v2: %s", l.file.path, e);
    st = AB_E_DEVICE;
  }
  l.shutdown();
  unload(&l);
  return st;
}

static ab_status nvml_open(void *state, const ab_option *o, size_t n, char *msg) {
  nvml_state *s = state;
  if (!load_library(&s->lib, o, n, msg))
    return AB_E_NOT_FOUND;
  if (!init_library(&s->lib, msg)) {
    unload(&s->lib);
    return AB_E_DEVICE;
  }
  s->initialised = true;
  unsigned int count = 0;
  nvmlReturn_t r = s->lib.count(&count);
  if (r != NVML_SUCCESS) {
    char e[160];
    nvml_err(&s->lib, r, e, sizeof e);
    fmt(msg, AB_MSG_LEN, "%s: nvmlDeviceGetCount_v2: %s", s->lib.file.path, e);
    s->lib.shutdown();
    unload(&s->lib);
    return AB_E_DEVICE;
  }
  s->n_gpus = count < MAX_GPUS ? count : MAX_GPUS;
  bool want_power = power_usage_wanted(o, n);
  for (uint32_t i = 0; i < s->n_gpus; i++)
    if (!open_gpu(s, i, want_power, msg)) {
      s->lib.shutdown();
      unload(&s->lib);
      return AB_E_DEVICE;
    }
  return AB_OK;
}

static void nvml_close(void *state) {
  nvml_state *s = state;
  if (s->initialised)
    s->lib.shutdown();
  unload(&s->lib);
}

static ab_status nvml_channel_count(void *state, uint32_t *count, char *msg) {
  (void)msg;
  *count = ((nvml_state *)state)->n_gpus * CHANNELS_PER_GPU;
  return AB_OK;
}

static ab_status nvml_channel_info(void *state, uint32_t index, ab_power_channel_info *info,
                                   char *msg) {
  nvml_state *s = state;
  if (index >= s->n_gpus * CHANNELS_PER_GPU) {
    fmt(msg, AB_MSG_LEN, "nvml: no channel %u", index);
    return AB_E_INVALID;
  }
  const gpu *g = &s->gpus[index / CHANNELS_PER_GPU];
  uint32_t i = index / CHANNELS_PER_GPU;
  bool energy = index % CHANNELS_PER_GPU == 0;
  info->scope = AB_POWER_SCOPE_BOARD;
  fmt(info->covers, sizeof info->covers, "GPU %u %.60s (%s)", i, g->name, g->uid);
  fmt(info->covers_backend, sizeof info->covers_backend, "cuda");
  fmt(info->covers_uid, sizeof info->covers_uid, "%s", g->uid);
  info->max_watts = g->limit_w;
  if (energy) {
    fmt(info->name, sizeof info->name, "gpu%u/energy", i);
    fmt(info->label, sizeof info->label, "%.60s total energy counter (mJ since driver load)",
        g->name);
    info->kind = AB_POWER_KIND_ENERGY_COUNTER;
    info->update_period_s = 0; /* not documented by NVIDIA (facts sheet 1.8): unknown */
    info->wrap_joules = 0;     /* 64-bit millijoules: no wrap in practice */
    fmt(info->path, sizeof info->path, "%s nvmlDeviceGetTotalEnergyConsumption", s->lib.file.path);
    fmt(info->disabled_reason, sizeof info->disabled_reason, "%s", g->energy_off);
  } else {
    fmt(info->name, sizeof info->name, "gpu%u/power_avg_1s", i);
    fmt(info->label, sizeof info->label, "%.60s power usage, 1 s average on Ampere and newer",
        g->name);
    info->kind = AB_POWER_KIND_AVERAGE_POWER;
    info->update_period_s = 1.0; /* averaged over 1 s (facts sheet 1.8) */
    fmt(info->path, sizeof info->path, "%s nvmlDeviceGetPowerUsage", s->lib.file.path);
    fmt(info->disabled_reason, sizeof info->disabled_reason, "%s", g->power_off);
  }
  return AB_OK;
}

static ab_status nvml_read(void *state, uint32_t index, double *value, char *msg) {
  nvml_state *s = state;
  const gpu *g = &s->gpus[index / CHANNELS_PER_GPU];
  nvmlReturn_t r;
  char e[160];
  if (index % CHANNELS_PER_GPU == 0) {
    unsigned long long mj = 0;
    if ((r = s->lib.energy(g->dev, &mj)) == NVML_SUCCESS) {
      *value = (double)mj / 1000.0;
      return AB_OK;
    }
  } else {
    unsigned int mw = 0;
    if ((r = s->lib.power(g->dev, &mw)) == NVML_SUCCESS) {
      *value = mw / 1000.0;
      return AB_OK;
    }
  }
  nvml_err(&s->lib, r, e, sizeof e);
  fmt(msg, AB_MSG_LEN, "nvml GPU %s: read failed: %s", g->uid, e);
  return AB_E_DEVICE;
}

/* ---- power ABI 1.2 extras ------------------------------------------------------------ */

/* Clock event reason bits and names (facts sheet 1.7, VERIFIED). */
static const struct {
  unsigned long long bit;
  const char *name;
} k_reasons[] = {
    {0x1, "GpuIdle"},
    {0x2, "ApplicationsClocksSetting"},
    {0x4, "SwPowerCap"},
    {0x8, "HwSlowdown"},
    {0x10, "SyncBoost"},
    {0x20, "SwThermalSlowdown"},
    {0x40, "HwThermalSlowdown"},
    {0x80, "HwPowerBrakeSlowdown"},
    {0x100, "DisplayClockSetting"},
};

/* "SwPowerCap,HwSlowdown", "None", with unknown bits as hex. */
static void decode_reasons(unsigned long long bits, char *out, size_t len) {
  out[0] = '\0';
  unsigned long long known = 0;
  for (size_t i = 0; i < sizeof k_reasons / sizeof k_reasons[0]; i++) {
    known |= k_reasons[i].bit;
    if (bits & k_reasons[i].bit) {
      size_t used = strlen(out);
      fmt(out + used, len - used, "%s%s", used ? "," : "", k_reasons[i].name);
    }
  }
  if (bits & ~known) {
    size_t used = strlen(out);
    fmt(out + used, len - used, "%s0x%llx", used ? "," : "", bits & ~known);
  }
  if (!out[0])
    fmt(out, len, "None");
}

static void add_fact(ab_power_fact *f, uint32_t max, uint32_t *n, const char *key, const char *v) {
  if (*n >= max)
    return;
  fmt(f[*n].key, sizeof f[*n].key, "%s", key);
  fmt(f[*n].value, sizeof f[*n].value, "%s", v);
  (*n)++;
}

static void clock_fact(const nvml_lib *l, const gpu *g, int type, const char *key, ab_power_fact *f,
                       uint32_t max, uint32_t *n) {
  unsigned int mhz;
  char v[32];
  if (l->clock && l->clock(g->dev, type, &mhz) == NVML_SUCCESS) {
    fmt(v, sizeof v, "%u", mhz);
    add_fact(f, max, n, key, v);
  }
}

static void temperature_fact(const nvml_lib *l, const gpu *g, ab_power_fact *f, uint32_t max,
                             uint32_t *n) {
  nvmlTemperature_t t = {.version = AB_NVML_TEMPERATURE_V1, .sensorType = AB_NVML_TEMPERATURE_GPU};
  unsigned int c;
  char v[32] = "";
  if (l->temperature_v && l->temperature_v(g->dev, &t) == NVML_SUCCESS)
    fmt(v, sizeof v, "%d", t.temperature);
  else if (l->temperature && l->temperature(g->dev, AB_NVML_TEMPERATURE_GPU, &c) == NVML_SUCCESS)
    fmt(v, sizeof v, "%u", c);
  if (v[0])
    add_fact(f, max, n, "gpu_temperature_c", v);
}

/* Facts of the GPU, on its energy channel only (one set per GPU, not one per channel). */
static ab_status nvml_window_facts(void *state, uint32_t channel, ab_power_fact *f, uint32_t max,
                                   uint32_t *n, char *msg) {
  (void)msg;
  nvml_state *s = state;
  const nvml_lib *l = &s->lib;
  *n = 0;
  if (channel % CHANNELS_PER_GPU != 0 || channel / CHANNELS_PER_GPU >= s->n_gpus)
    return AB_OK;
  const gpu *g = &s->gpus[channel / CHANNELS_PER_GPU];
  char v[AB_MSG_LEN];
  clock_fact(l, g, AB_NVML_CLOCK_SM, "sm_clock_mhz", f, max, n);
  clock_fact(l, g, AB_NVML_CLOCK_MEM, "mem_clock_mhz", f, max, n);
  temperature_fact(l, g, f, max, n);
  unsigned long long bits;
  if (l->reasons && l->reasons(g->dev, &bits) == NVML_SUCCESS) {
    decode_reasons(bits, v, sizeof f[0].value);
    add_fact(f, max, n, "clock_event_reasons", v);
    fmt(v, sizeof v, "0x%llx", bits);
    add_fact(f, max, n, "clock_event_reasons_bits", v);
  }
  unsigned int mw;
  if (l->limit && l->limit(g->dev, &mw) == NVML_SUCCESS) {
    fmt(v, sizeof v, "%.3f", mw / 1000.0);
    add_fact(f, max, n, "enforced_power_limit_w", v);
  }
  return AB_OK;
}

/* Compute or graphics processes of one GPU into out[*n...], this process left out. */
static ab_status list_kind(nvml_state *s, const gpu *g, nvmlDeviceGetProcesses_fn call,
                           const char *what, ab_device_process *out, uint32_t max, uint32_t *n,
                           char *msg) {
  nvmlProcessInfo_t infos[MAX_NVML_PROCESSES];
  unsigned int count = MAX_NVML_PROCESSES;
  nvmlReturn_t r = call(g->dev, &count, infos);
  if (r == NVML_ERROR_INSUFFICIENT_SIZE) { /* more than we asked room for: say how many */
    *n += count;
    return AB_OK;
  }
  if (r != NVML_SUCCESS) {
    char e[160];
    nvml_err(&s->lib, r, e, sizeof e);
    fmt(msg, AB_MSG_LEN, "nvml GPU %s: %s: %s", g->uid, what, e);
    return AB_E_DEVICE;
  }
  for (unsigned int i = 0; i < count && i < MAX_NVML_PROCESSES; i++) {
    if (infos[i].pid == (unsigned int)getpid())
      continue;
    if (*n < max) {
      memset(&out[*n], 0, sizeof out[*n]);
      out[*n].pid = infos[i].pid;
      out[*n].used_memory_bytes = infos[i].usedGpuMemory;
    }
    (*n)++;
  }
  return AB_OK;
}

static ab_status nvml_foreign_processes(void *state, uint32_t channel, ab_device_process *procs,
                                        uint32_t max, uint32_t *n, char *msg) {
  nvml_state *s = state;
  *n = 0;
  if (channel / CHANNELS_PER_GPU >= s->n_gpus) {
    fmt(msg, AB_MSG_LEN, "nvml: no channel %u", channel);
    return AB_E_INVALID;
  }
  const gpu *g = &s->gpus[channel / CHANNELS_PER_GPU];
  if (!s->lib.compute_procs) {
    fmt(msg, AB_MSG_LEN, "symbol nvmlDeviceGetComputeRunningProcesses_v3 missing from %s",
        s->lib.file.path);
    return AB_E_UNSUPPORTED;
  }
  ab_status st = list_kind(s, g, s->lib.compute_procs, "compute processes", procs, max, n, msg);
  if (st == AB_OK && s->lib.graphics_procs)
    st = list_kind(s, g, s->lib.graphics_procs, "graphics processes", procs, max, n, msg);
  return st;
}

static const ab_power_source k_nvml = {
    .abi_major = AB_POWER_ABI_MAJOR,
    .abi_minor = AB_POWER_ABI_MINOR,
    .struct_size = sizeof(ab_power_source),
    .name = "nvml",
    .description = "NVIDIA GPU board energy counter and power through NVML (libnvidia-ml)",
    .state_size = sizeof(nvml_state),
    .probe = nvml_probe,
    .open = nvml_open,
    .close = nvml_close,
    .channel_count = nvml_channel_count,
    .channel_info = nvml_channel_info,
    .read = nvml_read,
    .flags = 0, /* reads are driver calls that return at once: the shared sampler thread */
    .window_facts = nvml_window_facts,
    .foreign_processes = nvml_foreign_processes,
};

__attribute__((visibility("default"))) const ab_power_source *
accelbench_power_entry(uint32_t harness_abi_major) {
  return harness_abi_major == AB_POWER_ABI_MAJOR ? &k_nvml : NULL;
}
