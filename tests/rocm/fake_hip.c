/* A fake libamdhip64 for tests (never installed): the HIP runtime symbols the rocm backend
 * resolves (backends/rocm/hip_rt.h), on the CPU. Device memory is host memory, streams run
 * everything at once, events read the monotonic clock. Attributes answer only the ROCm 6
 * numbers, so a backend asking with another numbering gets hipErrorInvalidValue. Fault
 * switches: fake_env.h. Built three times: FAKE_OMIT_ELAPSED lacks hipEventElapsedTime
 * (a missing mandatory symbol), FAKE_OMIT_HOSTMALLOC lacks hipHostMalloc / hipHostFree
 * (optional: pinned copies become unsupported). */
#include <stdio.h>
#include <string.h>

#include "fake_env.h"

typedef int hipError_t;
typedef struct ihipStream_t *hipStream_t;
typedef struct ihipEvent_t *hipEvent_t;

struct ihipStream_t {
  int unused;
};
struct ihipEvent_t {
  double t;
};

static int n_devices(void) {
  return (int)fake_env_long("FAKE_HIP_DEVICES", 1);
}

static int valid(int device) {
  return device >= 0 && device < n_devices();
}

EXPORT hipError_t hipGetDeviceCount(int *count) {
  *count = n_devices() > 0 ? n_devices() : 0;
  return *count ? 0 : 100; /* hipErrorNoDevice when there is none */
}

EXPORT hipError_t hipSetDevice(int device) {
  return valid(device) ? 0 : 101;
}

EXPORT hipError_t hipDeviceSynchronize(void) {
  return 0;
}

EXPORT hipError_t hipDeviceGet(int *device, int ordinal) {
  if (!valid(ordinal))
    return 101;
  *device = ordinal;
  return 0;
}

EXPORT hipError_t hipDeviceGetName(char *name, int len, int device) {
  if (!valid(device))
    return 101;
  const char *n = getenv("FAKE_HIP_NAME");
  snprintf(name, (size_t)len, "%s", n && *n ? n : "AMD Instinct MI300X (fake, CPU)");
  return 0;
}

EXPORT hipError_t hipDeviceTotalMem(size_t *bytes, int device) {
  if (!valid(device))
    return 101;
  *bytes = (size_t)192 << 30;
  return 0;
}

EXPORT hipError_t hipDeviceGetPCIBusId(char *bus_id, int len, int device) {
  if (!valid(device))
    return 101;
  snprintf(bus_id, (size_t)len, "0000:%02x:00.0", 0xc1 + device);
  return 0;
}

/* ROCm 6.x hipDeviceAttribute_t numbers (facts 4.1) with an MI300X-like answer each. */
EXPORT hipError_t hipDeviceGetAttribute(int *value, int attr, int device) {
  static const int table[][2] = {{5, 2100000},  {19, 4194304}, {23, 9},   {59, 8192},
                                 {60, 1300000}, {61, 4},       {63, 304}, {87, 64}};
  if (!valid(device))
    return 101;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i][0] == attr) {
      *value = table[i][1];
      return 0;
    }
  return 1;
}

EXPORT hipError_t hipMalloc(void **ptr, size_t size) {
  long fail = fake_env_long("FAKE_HIP_MALLOC_FAIL_BYTES", 0);
  if (fail > 0 && size >= (size_t)fail)
    return 2;
  *ptr = malloc(size ? size : 1);
  return *ptr ? 0 : 2;
}

EXPORT hipError_t hipFree(void *ptr) {
  free(ptr);
  return 0;
}

#ifndef FAKE_OMIT_HOSTMALLOC
EXPORT hipError_t hipHostMalloc(void **ptr, size_t size, unsigned int flags) {
  return flags == 0 ? hipMalloc(ptr, size) : 1;
}

EXPORT hipError_t hipHostFree(void *ptr) {
  free(ptr);
  return 0;
}
#endif

EXPORT hipError_t hipMemGetInfo(size_t *free_bytes, size_t *total) {
  *free_bytes = *total = (size_t)192 << 30;
  return 0;
}

EXPORT hipError_t hipMemcpy(void *dst, const void *src, size_t bytes, int kind) {
  if (kind < 0 || kind > 4)
    return 21; /* hipErrorInvalidMemcpyDirection */
  memmove(dst, src, bytes);
  return 0;
}

EXPORT hipError_t hipMemcpyAsync(void *dst, const void *src, size_t bytes, int kind,
                                 hipStream_t s) {
  (void)s;
  return hipMemcpy(dst, src, bytes, kind);
}

EXPORT hipError_t hipStreamCreateWithFlags(hipStream_t *s, unsigned int flags) {
  (void)flags;
  *s = calloc(1, sizeof **s);
  return *s ? 0 : 2;
}

EXPORT hipError_t hipStreamDestroy(hipStream_t s) {
  free(s);
  return 0;
}

EXPORT hipError_t hipStreamSynchronize(hipStream_t s) {
  (void)s;
  return 0;
}

EXPORT hipError_t hipEventCreateWithFlags(hipEvent_t *e, unsigned int flags) {
  (void)flags;
  *e = calloc(1, sizeof **e);
  return *e ? 0 : 2;
}

EXPORT hipError_t hipEventRecord(hipEvent_t e, hipStream_t s) {
  (void)s;
  e->t = fake_now();
  return 0;
}

EXPORT hipError_t hipEventSynchronize(hipEvent_t e) {
  (void)e;
  return 0;
}

#ifndef FAKE_OMIT_ELAPSED
EXPORT hipError_t hipEventElapsedTime(float *ms, hipEvent_t start, hipEvent_t stop) {
  *ms = (float)((stop->t - start->t) * 1e3);
  return 0;
}
#endif

EXPORT hipError_t hipEventDestroy(hipEvent_t e) {
  free(e);
  return 0;
}

/* The fake's codes with their names and texts. */
static const struct {
  int code;
  const char *name, *text;
} errors[] = {
    {0, "hipSuccess", "no error"},
    {1, "hipErrorInvalidValue", "invalid argument"},
    {2, "hipErrorOutOfMemory", "out of memory"},
    {21, "hipErrorInvalidMemcpyDirection", "invalid copy direction for memcpy"},
    {100, "hipErrorNoDevice", "no ROCm-capable device is detected"},
    {101, "hipErrorInvalidDevice", "invalid device ordinal"},
};

EXPORT const char *hipGetErrorName(hipError_t e) {
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
    if (errors[i].code == e)
      return errors[i].name;
  return "hipErrorUnknown";
}

EXPORT const char *hipGetErrorString(hipError_t e) {
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
    if (errors[i].code == e)
      return errors[i].text;
  return "unknown error";
}

EXPORT hipError_t hipDriverGetVersion(int *v) {
  *v = 60342134;
  return 0;
}

EXPORT hipError_t hipRuntimeGetVersion(int *v) {
  *v = (int)fake_env_long("FAKE_HIP_VERSION", 60342134);
  return 0;
}
