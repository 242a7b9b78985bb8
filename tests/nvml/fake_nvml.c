/* A fake libnvidia-ml for tests (never installed): the real NVML symbol names with CPU
 * behaviour, loaded through the override a user would use (AB_NVML_LIBRARY=path).
 * Prototypes: power/nvml/nvml_api.h (facts sheet 1.7).
 *
 * Environment (read at every call, so a test can change the state between runs):
 *   FAKE_NVML_INIT_FAIL=code        nvmlInit_v2 returns this NVML code
 *   FAKE_NVML_DEVICES=n             GPUs [2]; GPU i is at PCI bus 0x17+i
 *   FAKE_NVML_WATTS=w[,w...]        board power per GPU [250]: the energy counter advances
 *                                   with CLOCK_MONOTONIC at this rate, power usage says it
 *   FAKE_NVML_ENERGY_UNSUPPORTED=i  GPU i answers NVML_ERROR_NOT_SUPPORTED for energy
 *   FAKE_NVML_LIMIT_W=w             enforced power limit [700]
 *   FAKE_NVML_SM_MHZ, FAKE_NVML_MEM_MHZ, FAKE_NVML_TEMP_C, FAKE_NVML_REASONS (bits)
 *   FAKE_NVML_PROCS_FILE=path       lines "gpu pid [bytes]": compute processes, re-read at
 *                                   every call (a test writes it while a run goes on)
 *   FAKE_NVML_FIRST_BUS=b           PCI bus of GPU 0 [0x17; 0x2a in the IXML build]
 * Built twice: the second copy (-DFAKE_NVML_NO_ENERGY) lacks
 * nvmlDeviceGetTotalEnergyConsumption, the missing-symbol variant. A third copy
 * (-DFAKE_NVML_IXML) is a fake Iluvatar libixml.so: the unversioned names go-ixml resolves
 * (Deep-Spark/go-ixml:pkg/ixml/api.h@8cae99c288be3f56416c84ee4e2e4676465fe186), no energy
 * counter, no nvmlErrorString, and GPU 0 at bus 0x2a, where the CoreX fake runtime of
 * tests/cudalike puts its device 0, so the two join by uid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nvml_api.h"

#define EXPORT   __attribute__((visibility("default")))
#define MAX_FAKE 16

#ifdef FAKE_NVML_IXML
#define FAKE_NVML_NO_ENERGY 1
#define FIRST_BUS           0x2a
#define V2(name)            name /* libixml: nvmlInit, not nvmlInit_v2 */
#define V3(name)            name
#define REASONS             nvmlDeviceGetCurrentClocksThrottleReasons /* api.h's name */
#else
#define FIRST_BUS 0x17
#define V2(name)  name##_v2
#define V3(name)  name##_v3
#define REASONS   nvmlDeviceGetCurrentClocksEventReasons
#endif

static char g_devices[MAX_FAKE]; /* the handles point here */

static long env_long(const char *name, long def) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 0) : def;
}

static int n_devices(void) {
  long n = env_long("FAKE_NVML_DEVICES", 2);
  return n < 0 ? 0 : n > MAX_FAKE ? MAX_FAKE : (int)n;
}

static int index_of(nvmlDevice_t d) {
  long i = (char *)d - g_devices;
  return d && i >= 0 && i < n_devices() ? (int)i : -1;
}

static double watts_of(int i) {
  const char *v = getenv("FAKE_NVML_WATTS");
  double w = 250;
  for (int k = 0; v && *v && k <= i; k++) {
    char *end;
    w = strtod(v, &end);
    v = *end == ',' ? end + 1 : NULL;
  }
  return w;
}

EXPORT nvmlReturn_t V2(nvmlInit)(void) {
  return (nvmlReturn_t)env_long("FAKE_NVML_INIT_FAIL", 0);
}

EXPORT nvmlReturn_t nvmlShutdown(void) {
  return NVML_SUCCESS;
}

#ifndef FAKE_NVML_IXML
EXPORT const char *nvmlErrorString(nvmlReturn_t r) {
  switch (r) {
  case 3: return "Not Supported";
  case 9: return "Driver Not Loaded";
  case 999: return "Unknown Error";
  default: return "fake NVML error";
  }
}
#endif

EXPORT nvmlReturn_t V2(nvmlDeviceGetCount)(unsigned int *count) {
  *count = (unsigned int)n_devices();
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t V2(nvmlDeviceGetHandleByIndex)(unsigned int index, nvmlDevice_t *device) {
  if ((int)index >= n_devices())
    return 2; /* INVALID_ARGUMENT */
  *device = (nvmlDevice_t)(void *)&g_devices[index];
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t V3(nvmlDeviceGetPciInfo)(nvmlDevice_t d, nvmlPciInfo_t *pci) {
  int i = index_of(d);
  if (i < 0)
    return 2;
  memset(pci, 0, sizeof *pci);
  pci->bus = (unsigned)env_long("FAKE_NVML_FIRST_BUS", FIRST_BUS) + (unsigned)i;
  snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "0000:%02X:00.0", pci->bus);
  snprintf(pci->busId, sizeof pci->busId, "%08X:%02X:%02X.0", 0u, pci->bus, 0u);
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length) {
  int i = index_of(d);
  if (i < 0)
    return 2;
  snprintf(name, length, "Fake GPU %d", i);
  return NVML_SUCCESS;
}

#ifndef FAKE_NVML_NO_ENERGY
EXPORT nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t d, unsigned long long *mj) {
  int i = index_of(d);
  if (i < 0)
    return 2;
  if (env_long("FAKE_NVML_ENERGY_UNSUPPORTED", -1) == i)
    return NVML_ERROR_NOT_SUPPORTED;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  double s = (double)ts.tv_sec + ts.tv_nsec * 1e-9;
  *mj = (unsigned long long)(s * watts_of(i) * 1000.0);
  return NVML_SUCCESS;
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw) {
  int i = index_of(d);
  if (i < 0)
    return 2;
  *mw = (unsigned int)(watts_of(i) * 1000.0);
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t d, unsigned int *mw) {
  if (index_of(d) < 0)
    return 2;
  *mw = (unsigned int)(env_long("FAKE_NVML_LIMIT_W", 700) * 1000);
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, int type, unsigned int *mhz) {
  if (index_of(d) < 0)
    return 2;
  if (type == AB_NVML_CLOCK_SM)
    *mhz = (unsigned int)env_long("FAKE_NVML_SM_MHZ", 1500);
  else if (type == AB_NVML_CLOCK_MEM)
    *mhz = (unsigned int)env_long("FAKE_NVML_MEM_MHZ", 2600);
  else
    return NVML_ERROR_NOT_SUPPORTED;
  return NVML_SUCCESS;
}

#ifdef FAKE_NVML_IXML
EXPORT nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int *c) {
  if (index_of(d) < 0 || sensor != AB_NVML_TEMPERATURE_GPU)
    return 2;
  *c = (unsigned int)env_long("FAKE_NVML_TEMP_C", 40);
  return NVML_SUCCESS;
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t d, nvmlTemperature_t *t) {
  if (index_of(d) < 0 || t->version != AB_NVML_TEMPERATURE_V1)
    return 25; /* ARGUMENT_VERSION_MISMATCH */
  t->temperature = (int)env_long("FAKE_NVML_TEMP_C", 40);
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t REASONS(nvmlDevice_t d, unsigned long long *bits) {
  if (index_of(d) < 0)
    return 2;
  *bits = (unsigned long long)env_long("FAKE_NVML_REASONS", 0);
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count,
                                                            nvmlProcessInfo_t *infos) {
  int i = index_of(d);
  if (i < 0)
    return 2;
  unsigned int n = 0;
  const char *path = getenv("FAKE_NVML_PROCS_FILE");
  FILE *f = path ? fopen(path, "r") : NULL;
  int gpu;
  unsigned int pid;
  unsigned long long bytes;
  char line[128];
  while (f && fgets(line, sizeof line, f)) {
    bytes = 0;
    if (sscanf(line, "%d %u %llu", &gpu, &pid, &bytes) < 2 || gpu != i)
      continue;
    if (n < *count)
      infos[n] = (nvmlProcessInfo_t){.pid = pid, .usedGpuMemory = bytes};
    n++;
  }
  if (f)
    fclose(f);
  nvmlReturn_t r = n > *count ? NVML_ERROR_INSUFFICIENT_SIZE : NVML_SUCCESS;
  *count = n;
  return r;
}

EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t d, unsigned int *count,
                                                             nvmlProcessInfo_t *infos) {
  (void)infos;
  if (index_of(d) < 0)
    return 2;
  *count = 0;
  return NVML_SUCCESS;
}
