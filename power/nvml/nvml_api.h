/* accelbench NVML power module — the part of NVML it calls, declared privately so that
 * building it never needs the NVML headers or a driver.
 *
 * source: ../shared/reference/vendor-api-facts.md section 1.7 (VERIFIED:
 * NVIDIA/go-nvml:gen/nvml/nvml.h@9da9e13ce380, "NVML VERSION: 13.0.39"). The running-process
 * calls and nvmlProcessInfo_t are read in that same header at the same commit
 * (nvmlProcessInfo_v2_st; nvmlDeviceGetComputeRunningProcesses_v3,
 * nvmlDeviceGetGraphicsRunningProcesses_v3). */
#ifndef AB_NVML_API_H
#define AB_NVML_API_H

typedef int nvmlReturn_t; /* NVML_SUCCESS 0 */
typedef struct nvmlDevice_st *nvmlDevice_t;

#define NVML_SUCCESS                 0
#define NVML_ERROR_NOT_SUPPORTED     3
#define NVML_ERROR_INSUFFICIENT_SIZE 7

/* 68 bytes, busId at offset 36 ("%08X:%02X:%02X.0"). */
typedef struct nvmlPciInfo_st {
  char busIdLegacy[16];
  unsigned int domain, bus, device;
  unsigned int pciDeviceId;
  unsigned int pciSubSystemId;
  char busId[32];
} nvmlPciInfo_t;

/* nvmlTemperature_v1 = 0x0100000C (sizeof | 1 << 24); sensor NVML_TEMPERATURE_GPU = 0. */
typedef struct {
  unsigned int version;
  int sensorType;
  int temperature;
} nvmlTemperature_t;
#define AB_NVML_TEMPERATURE_V1 0x0100000Cu

/* nvmlProcessInfo_v2_st (= nvmlProcessInfo_t), 24 bytes. */
typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
} nvmlProcessInfo_t;

/* nvmlClockType_t */
#define AB_NVML_CLOCK_SM  1
#define AB_NVML_CLOCK_MEM 2
/* nvmlTemperatureSensors_t */
#define AB_NVML_TEMPERATURE_GPU 0

typedef nvmlReturn_t (*nvmlInit_v2_fn)(void);
typedef nvmlReturn_t (*nvmlShutdown_fn)(void);
typedef const char *(*nvmlErrorString_fn)(nvmlReturn_t);
typedef nvmlReturn_t (*nvmlDeviceGetCount_v2_fn)(unsigned int *);
typedef nvmlReturn_t (*nvmlDeviceGetHandleByIndex_v2_fn)(unsigned int, nvmlDevice_t *);
typedef nvmlReturn_t (*nvmlDeviceGetPciInfo_v3_fn)(nvmlDevice_t, nvmlPciInfo_t *);
typedef nvmlReturn_t (*nvmlDeviceGetName_fn)(nvmlDevice_t, char *, unsigned int);
typedef nvmlReturn_t (*nvmlDeviceGetTotalEnergyConsumption_fn)(nvmlDevice_t, unsigned long long *);
typedef nvmlReturn_t (*nvmlDeviceGetPowerUsage_fn)(nvmlDevice_t, unsigned int *);
typedef nvmlReturn_t (*nvmlDeviceGetEnforcedPowerLimit_fn)(nvmlDevice_t, unsigned int *);
typedef nvmlReturn_t (*nvmlDeviceGetClockInfo_fn)(nvmlDevice_t, int, unsigned int *);
typedef nvmlReturn_t (*nvmlDeviceGetTemperatureV_fn)(nvmlDevice_t, nvmlTemperature_t *);
typedef nvmlReturn_t (*nvmlDeviceGetTemperature_fn)(nvmlDevice_t, int, unsigned int *);
typedef nvmlReturn_t (*nvmlDeviceGetReasons_fn)(nvmlDevice_t, unsigned long long *);
typedef nvmlReturn_t (*nvmlDeviceGetProcesses_fn)(nvmlDevice_t, unsigned int *,
                                                  nvmlProcessInfo_t *);

#endif
