/* A fake libcudart for tests (never installed): the runtime symbols the cuda backend
 * resolves, on the CPU. Device memory is host memory, streams run everything at once,
 * events read the monotonic clock. Fault switches: fake_env.h. Built twice; the
 * FAKE_OMIT_ELAPSED variant lacks cudaEventElapsedTime (a missing mandatory symbol). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_env.h"

typedef int cudaError_t;
typedef struct CUstream_st *cudaStream_t;
typedef struct CUevent_st *cudaEvent_t;

struct CUstream_st {
  int unused;
};
struct CUevent_st {
  double t;
};

#define EXPORT __attribute__((visibility("default")))

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

EXPORT cudaError_t cudaGetDeviceCount(int *count) {
  if (fake_env_long("FAKE_CUDA_NO_DRIVER", 0))
    return 35; /* like the real runtime: *count is left as it was */
  *count = (int)fake_env_long("FAKE_CUDA_DEVICES", 1);
  return 0;
}

EXPORT cudaError_t cudaSetDevice(int device) {
  return device >= 0 && device < fake_env_long("FAKE_CUDA_DEVICES", 1) ? 0 : 101;
}

EXPORT cudaError_t cudaDeviceSynchronize(void) {
  return 0;
}

EXPORT cudaError_t cudaMalloc(void **ptr, size_t size) {
  long fail = fake_env_long("FAKE_CUDA_MALLOC_FAIL_BYTES", 0);
  if (fail > 0 && size >= (size_t)fail)
    return 2;
  *ptr = malloc(size ? size : 1);
  return *ptr ? 0 : 2;
}

EXPORT cudaError_t cudaFree(void *ptr) {
  free(ptr);
  return 0;
}

EXPORT cudaError_t cudaMallocHost(void **ptr, size_t size) {
  return cudaMalloc(ptr, size);
}

EXPORT cudaError_t cudaFreeHost(void *ptr) {
  free(ptr);
  return 0;
}

EXPORT cudaError_t cudaMemGetInfo(size_t *free_bytes, size_t *total) {
  *free_bytes = *total = (size_t)1 << 30;
  return 0;
}

EXPORT cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, int kind) {
  if (kind < 0 || kind > 4)
    return 21; /* cudaErrorInvalidMemcpyDirection */
  memmove(dst, src, count);
  return 0;
}

EXPORT cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, int kind,
                                   cudaStream_t s) {
  (void)s;
  return cudaMemcpy(dst, src, count, kind);
}

EXPORT cudaError_t cudaStreamCreateWithFlags(cudaStream_t *s, unsigned int flags) {
  (void)flags;
  *s = calloc(1, sizeof **s);
  return *s ? 0 : 2;
}

EXPORT cudaError_t cudaStreamDestroy(cudaStream_t s) {
  free(s);
  return 0;
}

EXPORT cudaError_t cudaStreamSynchronize(cudaStream_t s) {
  (void)s;
  return 0;
}

EXPORT cudaError_t cudaEventCreateWithFlags(cudaEvent_t *e, unsigned int flags) {
  (void)flags;
  *e = calloc(1, sizeof **e);
  return *e ? 0 : 2;
}

EXPORT cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t s) {
  (void)s;
  e->t = now();
  return 0;
}

EXPORT cudaError_t cudaEventSynchronize(cudaEvent_t e) {
  (void)e;
  return 0;
}

#ifndef FAKE_OMIT_ELAPSED
EXPORT cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end) {
  *ms = (float)((end->t - start->t) * 1e3);
  return 0;
}
#endif

EXPORT cudaError_t cudaEventDestroy(cudaEvent_t e) {
  free(e);
  return 0;
}

/* The texts of the codes the fake returns, as the real runtime spells them. */
static const struct {
  int code;
  const char *name, *text;
} errors[] = {
    {0, "cudaSuccess", "no error"},
    {2, "cudaErrorMemoryAllocation", "out of memory"},
    {21, "cudaErrorInvalidMemcpyDirection", "invalid copy direction for memcpy"},
    {35, "cudaErrorInsufficientDriver",
     "CUDA driver version is insufficient for CUDA runtime version"},
    {101, "cudaErrorInvalidDevice", "invalid device ordinal"},
};

EXPORT const char *cudaGetErrorName(cudaError_t e) {
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
    if (errors[i].code == e)
      return errors[i].name;
  return "cudaErrorUnknown";
}

EXPORT const char *cudaGetErrorString(cudaError_t e) {
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
    if (errors[i].code == e)
      return errors[i].text;
  return "unknown error";
}

EXPORT cudaError_t cudaGetLastError(void) {
  return 0;
}

EXPORT cudaError_t cudaDriverGetVersion(int *v) {
  *v = fake_env_long("FAKE_CUDA_NO_DRIVER", 0) ? 0 : 13000;
  return 0;
}

EXPORT cudaError_t cudaRuntimeGetVersion(int *v) {
  *v = 13000;
  return 0;
}
