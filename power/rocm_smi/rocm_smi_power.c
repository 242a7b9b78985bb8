/* accelbench-power-rocm.so — AMD and Hygon DCU GPU energy through amdsmi, else rocm_smi
 * (docs/rocm.md, "Power").
 *
 * Library: amdsmi (libamd_smi.so, $AB_AMDSMI_LIBRARY) first; when it is absent or its
 * amdsmi_init fails, rocm_smi (librocm_smi64.so, $AB_ROCM_SMI_LIBRARY), the reason amdsmi
 * was not used kept in every channel's label. Both load through the shared vendor loader
 * (backends/common/ab_vendor.h).
 *
 * Channels, per GPU: "gpuN/energy", the GPU's energy accumulator (count x resolution µJ,
 * facts sheet 4.4; preferred), and "gpuN/power", rsmi_dev_power_get in µW (rocm_smi only:
 * amdsmi's power struct changed layout across releases and is never mirrored). A counter
 * that does not advance over a short wait at open (reported on ROCm 6.1,
 * ROCm/rocm_smi_lib#180) is disabled with that reason and the power channel read instead.
 * Each channel covers backend "rocm" and the GPU's PCI bus id from its BDF id, in the form
 * "%04x:%02x:%02x.%x", so energy is joined to that GPU's cases. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ab_vendor.h"
#include "accelbench/power.h"
#include "rocm_smi_api.h"

#define N_OF(a)          (sizeof(a) / sizeof((a)[0]))
#define MAX_GPUS         ABAMD_MAX_DEVICES
#define CHANNELS_PER_GPU 2
/* How long open() waits for the energy counters to move before it distrusts them. */
#define ADVANCE_WAIT_NS (50 * 1000 * 1000)

typedef enum smi_lib { SMI_NONE = 0, SMI_AMDSMI = 1, SMI_ROCM_SMI = 2 } smi_lib;

typedef struct gpu {
  abamd_handle handle; /* amdsmi processor; rocm_smi uses the index */
  char uid[32];
  bool power_instant;
  char energy_off[200], power_off[200];
} gpu;

typedef struct rocm_state {
  smi_lib which;
  abamd_api amd;
  abrsmi_api rsmi;
  ab_vlib lib;
  bool initialised;
  char amd_why[AB_MSG_LEN]; /* why amdsmi is not the library in use; "" when it is */
  uint32_t n_gpus;
  gpu gpus[MAX_GPUS];
} rocm_state;

static const char *const amd_names[] = {"libamd_smi.so", NULL};
static const char *const rsmi_names[] = {"librocm_smi64.so", NULL};

#define AMD(f) AB_VSYM(abamd_api, f, #f)
static const ab_vsym amd_syms[] = {
    AMD(amdsmi_init),
    AMD(amdsmi_shut_down),
    AMD(amdsmi_get_socket_handles),
    AMD(amdsmi_get_processor_handles),
    AMD(amdsmi_get_gpu_bdf_id),
    AMD(amdsmi_get_energy_count),
    AMD(amdsmi_status_code_to_string),
};
#define RSMI(f) AB_VSYM(abrsmi_api, f, #f)
static const ab_vsym rsmi_syms[] = {
    RSMI(rsmi_init),           RSMI(rsmi_shut_down),     RSMI(rsmi_num_monitor_devices),
    RSMI(rsmi_dev_pci_id_get), RSMI(rsmi_dev_power_get), RSMI(rsmi_dev_energy_count_get),
    RSMI(rsmi_status_string),
};
static const ab_vlib_spec amd_spec = {"amdsmi", "AB_AMDSMI_LIBRARY", amd_names,
                                      amd_syms, N_OF(amd_syms),      NULL};
static const ab_vlib_spec rsmi_spec = {"rocm_smi", "AB_ROCM_SMI_LIBRARY", rsmi_names,
                                       rsmi_syms,  N_OF(rsmi_syms),       NULL};

static void fmt(char *out, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *out, size_t len, const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  vsnprintf(out, len, f, ap);
  va_end(ap);
}

static const char *lib_name(const rocm_state *s) {
  return s->which == SMI_AMDSMI ? "amdsmi" : "rocm_smi";
}

/* "2 (AMDSMI_STATUS_NOT_SUPPORTED)": the library's code and its own text. */
static void smi_err(const rocm_state *s, int code, char *out, size_t len) {
  const char *text = NULL;
  if (s->which == SMI_AMDSMI && s->amd.amdsmi_status_code_to_string)
    s->amd.amdsmi_status_code_to_string(code, &text);
  else if (s->which == SMI_ROCM_SMI && s->rsmi.rsmi_status_string)
    s->rsmi.rsmi_status_string(code, &text);
  fmt(out, len, "%d (%s)", code, text ? text : "no text");
}

static ab_status smi_fail(const rocm_state *s, const char *call, int code, char *msg) {
  char e[160];
  smi_err(s, code, e, sizeof e);
  fmt(msg, AB_MSG_LEN, "%s: %s: %s", s->lib.path, call, e);
  return AB_E_DEVICE;
}

/* The BDF id of both libraries (domain [63:32], bus [15:8], device [7:3], function [2:0]) in
 * the harness's join form; the partition bits [31:28] are not part of the PCI address. */
static void uid_of(uint64_t bdf, char *out, size_t len) {
  fmt(out, len, "%04x:%02x:%02x.%x", (unsigned)((bdf >> 32) & 0xffffu),
      (unsigned)((bdf >> 8) & 0xffu), (unsigned)((bdf >> 3) & 0x1fu), (unsigned)(bdf & 0x7u));
}

/* ---- discovery ------------------------------------------------------------------------ */

static ab_status add_amd_gpu(rocm_state *s, abamd_handle h, char *msg) {
  if (s->n_gpus >= MAX_GPUS)
    return AB_OK;
  uint64_t bdf = 0;
  int r = s->amd.amdsmi_get_gpu_bdf_id(h, &bdf);
  if (r != 0)
    return smi_fail(s, "amdsmi_get_gpu_bdf_id", r, msg);
  gpu *g = &s->gpus[s->n_gpus++];
  g->handle = h;
  uid_of(bdf, g->uid, sizeof g->uid);
  return AB_OK;
}

static ab_status list_amd_gpus(rocm_state *s, char *msg) {
  abamd_handle sockets[MAX_GPUS];
  uint32_t n_sockets = MAX_GPUS;
  int r = s->amd.amdsmi_get_socket_handles(&n_sockets, sockets);
  if (r != 0)
    return smi_fail(s, "amdsmi_get_socket_handles", r, msg);
  for (uint32_t i = 0; i < n_sockets && i < MAX_GPUS; i++) {
    abamd_handle procs[MAX_GPUS];
    uint32_t n_procs = MAX_GPUS;
    r = s->amd.amdsmi_get_processor_handles(sockets[i], &n_procs, procs);
    if (r != 0)
      return smi_fail(s, "amdsmi_get_processor_handles", r, msg);
    for (uint32_t k = 0; k < n_procs && k < MAX_GPUS; k++) {
      ab_status st = add_amd_gpu(s, procs[k], msg);
      if (st != AB_OK)
        return st;
    }
  }
  return AB_OK;
}

static ab_status list_rsmi_gpus(rocm_state *s, char *msg) {
  uint32_t n = 0;
  int r = s->rsmi.rsmi_num_monitor_devices(&n);
  if (r != 0)
    return smi_fail(s, "rsmi_num_monitor_devices", r, msg);
  for (uint32_t i = 0; i < n && s->n_gpus < MAX_GPUS; i++) {
    uint64_t bdf = 0;
    r = s->rsmi.rsmi_dev_pci_id_get(i, &bdf);
    if (r != 0)
      return smi_fail(s, "rsmi_dev_pci_id_get", r, msg);
    uid_of(bdf, s->gpus[s->n_gpus++].uid, sizeof s->gpus[0].uid);
  }
  return AB_OK;
}

/* Opens one library and initialises it; on failure nothing stays loaded. */
static ab_status start(rocm_state *s, smi_lib which, char *msg) {
  s->which = which;
  const ab_vlib_spec *spec = which == SMI_AMDSMI ? &amd_spec : &rsmi_spec;
  void *table = which == SMI_AMDSMI ? (void *)&s->amd : (void *)&s->rsmi;
  ab_status st = ab_vlib_open(spec, &s->lib, table, msg);
  if (st != AB_OK)
    return st;
  int r = which == SMI_AMDSMI ? s->amd.amdsmi_init(ABAMD_INIT_AMD_GPUS) : s->rsmi.rsmi_init(0);
  if (r != 0) {
    smi_fail(s, which == SMI_AMDSMI ? "amdsmi_init" : "rsmi_init", r, msg);
    ab_vlib_close(&s->lib);
    return AB_E_DEVICE;
  }
  s->initialised = true;
  s->n_gpus = 0;
  st = which == SMI_AMDSMI ? list_amd_gpus(s, msg) : list_rsmi_gpus(s, msg);
  if (st == AB_OK && s->n_gpus == 0) {
    fmt(msg, AB_MSG_LEN, "%s: no AMD GPU found", s->lib.path);
    st = AB_E_DEVICE;
  }
  return st;
}

static void stop(rocm_state *s) {
  if (s->initialised)
    s->which == SMI_AMDSMI ? s->amd.amdsmi_shut_down() : s->rsmi.rsmi_shut_down();
  s->initialised = false;
  ab_vlib_close(&s->lib);
}

/* amdsmi, else rocm_smi; both reasons when neither works. */
static ab_status start_any(rocm_state *s, char *msg) {
  if (start(s, SMI_AMDSMI, s->amd_why) == AB_OK)
    return AB_OK;
  stop(s);
  memset(&s->amd, 0, sizeof s->amd);
  char rsmi_why[AB_MSG_LEN];
  ab_status st = start(s, SMI_ROCM_SMI, rsmi_why);
  if (st == AB_OK)
    return AB_OK;
  stop(s);
  fmt(msg, AB_MSG_LEN, "amdsmi: %.380s; rocm_smi: %.380s", s->amd_why, rsmi_why);
  return st;
}

/* ---- reads ---------------------------------------------------------------------------- */

static int read_energy(const rocm_state *s, uint32_t i, double *joules) {
  uint64_t count = 0, ts = 0;
  float res = 0.0f;
  int r = s->which == SMI_AMDSMI
              ? s->amd.amdsmi_get_energy_count(s->gpus[i].handle, &count, &res, &ts)
              : s->rsmi.rsmi_dev_energy_count_get(i, &count, &res, &ts);
  if (r == 0)
    *joules = (double)count * (double)res * 1e-6;
  return r;
}

static int read_power(const rocm_state *s, uint32_t i, double *watts, int *type) {
  uint64_t uw = 0;
  int r = s->rsmi.rsmi_dev_power_get(i, &uw, type);
  if (r == 0)
    *watts = (double)uw * 1e-6;
  return r;
}

static void judge_power(rocm_state *s, uint32_t i, bool want_power) {
  gpu *g = &s->gpus[i];
  char e[160];
  double w;
  int type = ABRSMI_AVERAGE_POWER, r;
  if (s->which == SMI_AMDSMI)
    fmt(g->power_off, sizeof g->power_off,
        "amdsmi's power info struct changed layout across releases and is not read; the "
        "energy counter is");
  else if ((r = read_power(s, i, &w, &type)) != 0) {
    smi_err(s, r, e, sizeof e);
    fmt(g->power_off, sizeof g->power_off, "rsmi_dev_power_get: %s", e);
  } else if (!want_power && !g->energy_off[0])
    fmt(g->power_off, sizeof g->power_off,
        "not read: the energy counter is preferred (rocm.power=on reads this too)");
  g->power_instant = type == ABRSMI_CURRENT_POWER;
}

/* Reads every counter, waits, and disables the ones that did not move. */
static void judge_energy(rocm_state *s) {
  double before[MAX_GPUS], after;
  char e[160];
  for (uint32_t i = 0; i < s->n_gpus; i++) {
    int r = read_energy(s, i, &before[i]);
    if (r != 0) {
      smi_err(s, r, e, sizeof e);
      fmt(s->gpus[i].energy_off, sizeof s->gpus[i].energy_off, "%s: %s",
          s->which == SMI_AMDSMI ? "amdsmi_get_energy_count" : "rsmi_dev_energy_count_get", e);
    }
  }
  struct timespec wait = {0, ADVANCE_WAIT_NS};
  nanosleep(&wait, NULL);
  for (uint32_t i = 0; i < s->n_gpus; i++)
    if (!s->gpus[i].energy_off[0] && read_energy(s, i, &after) == 0 && after == before[i])
      fmt(s->gpus[i].energy_off, sizeof s->gpus[i].energy_off,
          "the energy counter did not advance in %d ms (seen on ROCm 6.1, "
          "ROCm/rocm_smi_lib#180): not trusted",
          ADVANCE_WAIT_NS / 1000000);
}

static bool power_wanted(const ab_option *o, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (o[i].key && strcmp(o[i].key, "rocm.power") == 0)
      return o[i].value && strcmp(o[i].value, "on") == 0;
  return false;
}

/* ---- the power-source table ----------------------------------------------------------- */

static ab_status rocm_power_open(void *state, const ab_option *o, size_t n, char *msg) {
  rocm_state *s = state;
  ab_status st = start_any(s, msg);
  if (st != AB_OK)
    return st;
  judge_energy(s);
  bool want_power = power_wanted(o, n);
  for (uint32_t i = 0; i < s->n_gpus; i++)
    judge_power(s, i, want_power);
  return AB_OK;
}

static void rocm_power_close(void *state) {
  stop(state);
}

static ab_status rocm_power_probe(const ab_option *o, size_t n, char *msg) {
  (void)o, (void)n;
  rocm_state *s = calloc(1, sizeof *s);
  if (!s) {
    fmt(msg, AB_MSG_LEN, "rocm: out of host memory");
    return AB_E_NOMEM;
  }
  ab_status st = start_any(s, msg);
  stop(s);
  free(s);
  return st;
}

static ab_status rocm_power_channel_count(void *state, uint32_t *count, char *msg) {
  (void)msg;
  *count = ((rocm_state *)state)->n_gpus * CHANNELS_PER_GPU;
  return AB_OK;
}

static void label(const rocm_state *s, const char *what, char *out, size_t len) {
  if (s->amd_why[0])
    fmt(out, len, "%s (rocm_smi; amdsmi not used: %.60s)", what, s->amd_why);
  else
    fmt(out, len, "%s (%s)", what, lib_name(s));
}

static ab_status rocm_power_channel_info(void *state, uint32_t index, ab_power_channel_info *info,
                                         char *msg) {
  rocm_state *s = state;
  if (index >= s->n_gpus * CHANNELS_PER_GPU) {
    fmt(msg, AB_MSG_LEN, "rocm: no channel %u", index);
    return AB_E_INVALID;
  }
  uint32_t i = index / CHANNELS_PER_GPU;
  const gpu *g = &s->gpus[i];
  bool energy = index % CHANNELS_PER_GPU == 0;
  /* The SMU's socket (package) figure, as both libraries name it. */
  info->scope = AB_POWER_SCOPE_CHIP;
  fmt(info->covers, sizeof info->covers, "GPU %u (%s)", i, g->uid);
  fmt(info->covers_backend, sizeof info->covers_backend, "rocm");
  fmt(info->covers_uid, sizeof info->covers_uid, "%s", g->uid);
  if (energy) {
    fmt(info->name, sizeof info->name, "gpu%u/energy", i);
    label(s, "GPU energy accumulator (count x resolution uJ)", info->label, sizeof info->label);
    info->kind = AB_POWER_KIND_ENERGY_COUNTER;
    info->update_period_s = 0; /* not documented: unknown */
    info->wrap_joules = 0;     /* a 64-bit accumulator */
    fmt(info->path, sizeof info->path, "%s %s", s->lib.path,
        s->which == SMI_AMDSMI ? "amdsmi_get_energy_count" : "rsmi_dev_energy_count_get");
    fmt(info->disabled_reason, sizeof info->disabled_reason, "%s", g->energy_off);
  } else {
    fmt(info->name, sizeof info->name, "gpu%u/power", i);
    label(s, g->power_instant ? "GPU current socket power" : "GPU average socket power",
          info->label, sizeof info->label);
    info->kind = g->power_instant ? AB_POWER_KIND_INSTANT_POWER : AB_POWER_KIND_AVERAGE_POWER;
    fmt(info->path, sizeof info->path, "%s rsmi_dev_power_get", s->lib.path);
    fmt(info->disabled_reason, sizeof info->disabled_reason, "%s", g->power_off);
  }
  return AB_OK;
}

static ab_status rocm_power_read(void *state, uint32_t index, double *value, char *msg) {
  rocm_state *s = state;
  uint32_t i = index / CHANNELS_PER_GPU;
  int type = 0;
  int r = index % CHANNELS_PER_GPU == 0 ? read_energy(s, i, value) : read_power(s, i, value, &type);
  if (r == 0)
    return AB_OK;
  char e[160];
  smi_err(s, r, e, sizeof e);
  fmt(msg, AB_MSG_LEN, "rocm GPU %s: read failed: %s", s->gpus[i].uid, e);
  return AB_E_DEVICE;
}

static const ab_power_source k_rocm = {
    .abi_major = AB_POWER_ABI_MAJOR,
    .abi_minor = AB_POWER_ABI_MINOR,
    .struct_size = sizeof(ab_power_source),
    .name = "rocm",
    .description = "AMD / Hygon DCU GPU energy counter through amdsmi, else rocm_smi",
    .state_size = sizeof(rocm_state),
    .probe = rocm_power_probe,
    .open = rocm_power_open,
    .close = rocm_power_close,
    .channel_count = rocm_power_channel_count,
    .channel_info = rocm_power_channel_info,
    .read = rocm_power_read,
    .flags = 0, /* library calls that read sysfs and return at once: the shared sampler */
};

__attribute__((visibility("default"))) const ab_power_source *
accelbench_power_entry(uint32_t harness_abi_major) {
  return harness_abi_major == AB_POWER_ABI_MAJOR ? &k_rocm : NULL;
}
