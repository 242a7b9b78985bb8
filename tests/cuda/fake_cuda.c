/* A fake libcuda (driver API) for tests (never installed): device facts for the devices
 * FAKE_CUDA_DRIVER_DEVICES says exist (fake_env.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/cuda/kernels/cuk_params.h"
#include "fake_env.h"

typedef int CUresult;
typedef int CUdevice;

#define EXPORT __attribute__((visibility("default")))

static long driver_devices(void) {
  return fake_env_long("FAKE_CUDA_DRIVER_DEVICES", fake_env_long("FAKE_CUDA_DEVICES", 1));
}

EXPORT CUresult cuInit(unsigned int flags) {
  return flags == 0 ? 0 : 1;
}

EXPORT CUresult cuDriverGetVersion(int *v) {
  *v = 13000;
  return 0;
}

EXPORT CUresult cuDeviceGet(CUdevice *d, int ordinal) {
  if (ordinal < 0 || ordinal >= driver_devices())
    return 101; /* CUDA_ERROR_INVALID_DEVICE */
  *d = ordinal;
  return 0;
}

EXPORT CUresult cuDeviceGetName(char *name, int len, CUdevice d) {
  snprintf(name, (size_t)len, "Fake CUDA Device %d (CPU)", d);
  return 0;
}

EXPORT CUresult cuDeviceGetAttribute(int *v, int attr, CUdevice d) {
  switch (attr) {
  case 13: *v = 1500000; return 0;  /* clock, kHz */
  case 16: *v = 4; return 0;        /* SMs */
  case 33: *v = 0x17 + d; return 0; /* PCI bus */
  case 34: *v = 0; return 0;
  case 36: *v = 2619000; return 0;
  case 37: *v = 5120; return 0;
  case 50: *v = 0; return 0;
  case 75: *v = fake_cc() / 10; return 0;
  case 76: *v = fake_cc() % 10; return 0;
  default: return 1; /* CUDA_ERROR_INVALID_VALUE */
  }
}

EXPORT CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice d) {
  (void)d;
  *bytes = (size_t)1 << 30;
  return 0;
}

static const struct {
  int code;
  const char *name, *text;
} errors[] = {
    {0, "CUDA_SUCCESS", "no error"},
    {101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {200, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid"},
    {500, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {719, "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure"},
};

EXPORT CUresult cuGetErrorName(CUresult r, const char **s) {
  *s = "CUDA_ERROR_UNKNOWN";
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
    if (errors[i].code == r)
      *s = errors[i].name;
  return 0;
}

EXPORT CUresult cuGetErrorString(CUresult r, const char **s) {
  *s = "unknown error";
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
    if (errors[i].code == r)
      *s = errors[i].text;
  return 0;
}

/* ---- modules and launches: the fake "runs" the test planner's kernels (cuk_test.c) by
 * name on the CPU, covering exactly the threads the launch geometry gives, and three of the
 * shipped planner's (backends/cuda/kernels: ab_launch_empty, ab_add_f32_f32, ab_peak_f32)
 * from their arguments, so the real plans' argument layout is checked end to end. ---- */

struct CUmod_st {
  int unused;
};
struct CUfunc_st {
  char name[64];
};

EXPORT CUresult cuModuleLoadData(struct CUmod_st **m, const void *image) {
  if (strncmp(image, "FAKECUBIN sm_", 13) != 0)
    return 200;
  *m = calloc(1, sizeof **m);
  return *m ? 0 : 2;
}

EXPORT CUresult cuModuleUnload(struct CUmod_st *m) {
  free(m);
  return 0;
}

/* Functions live as long as the process (the real ones as long as their module); a small
 * static table is enough for the tests. */
static struct CUfunc_st functions[8];

EXPORT CUresult cuModuleGetFunction(struct CUfunc_st **f, struct CUmod_st *m, const char *name) {
  (void)m;
  static const char *const known[] = {"cuk_test_empty", "cuk_test_add_f32", "ab_launch_empty",
                                      "ab_add_f32_f32", "ab_peak_f32"};
  bool found = false;
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    found |= strcmp(name, known[i]) == 0;
  if (!found)
    return 500;
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
    if (!functions[i].name[0] || strcmp(functions[i].name, name) == 0) {
      snprintf(functions[i].name, sizeof functions[i].name, "%s", name);
      *f = &functions[i];
      return 0;
    }
  return 2;
}

EXPORT CUresult cuLaunchKernel(struct CUfunc_st *f, unsigned gx, unsigned gy, unsigned gz,
                               unsigned bx, unsigned by, unsigned bz, unsigned shared, void *stream,
                               void **params, void **extra) {
  (void)gy, (void)gz, (void)by, (void)bz, (void)shared, (void)stream, (void)extra;
  long fault = fake_env_long("FAKE_CUDA_LAUNCH_STATUS", 0);
  if (fault)
    return (CUresult)fault;
  if (strcmp(f->name, "ab_add_f32_f32") == 0) { /* the shipped planner's (cuk_elementwise.cu) */
    const float *a = (const float *)(uintptr_t) * (unsigned long long *)params[0];
    const float *b = (const float *)(uintptr_t) * (unsigned long long *)params[1];
    float *c = (float *)(uintptr_t) * (unsigned long long *)params[2];
    cuk_map_args p;
    memcpy(&p, params[3], sizeof p);
    for (long long i = 0; i < p.n; i++)
      c[i] = a[i] + b[i];
  } else if (strcmp(f->name, "ab_peak_f32") == 0) { /* cuk_micro.cu's chains, on the CPU */
    float *out = (float *)(uintptr_t) * (unsigned long long *)params[0];
    cuk_peak_args p;
    memcpy(&p, params[1], sizeof p);
    for (long long i = 0; i < p.items; i++) {
      float sum = 0.0f;
      for (int j = 0; j < 8; j++) {
        float x = (float)((i + j) % 4);
        for (long long s = 0; s < p.q + (j < p.r); s++)
          x = x * (float)p.a + (float)p.b;
        sum += x;
      }
      out[i] = sum;
    }
  } else if (strcmp(f->name, "cuk_test_add_f32") == 0) {
    const float *a = (const float *)(uintptr_t) * (unsigned long long *)params[0];
    const float *b = (const float *)(uintptr_t) * (unsigned long long *)params[1];
    float *c = (float *)(uintptr_t) * (unsigned long long *)params[2];
    long long n = *(long long *)params[3];
    unsigned long long threads = (unsigned long long)gx * bx;
    for (unsigned long long i = 0; i < threads && (long long)i < n; i++)
      c[i] = a[i] + b[i];
  }
  return 0;
}
