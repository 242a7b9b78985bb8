/* A fake CUDA-shaped runtime for tests (never installed): the symbols the cudalike adapter
 * resolves, glued from FAKE_PREFIX ("musa", "mc", "cuda") the way the vendor's library
 * names them, on the CPU. Device memory is host memory, streams run everything at once,
 * events read the monotonic clock. Its codes are the fake's own (0 success, 2 out of
 * memory, 35 no driver, 101 invalid device), each with a name and text like a runtime's.
 * Fault switches (environment):
 *   FAKE_CL_DEVICES=N             devices reported (default 1; 0 = zero devices)
 *   FAKE_CL_NO_DRIVER=1           GetDeviceCount fails with 35 and leaves the count alone
 *   FAKE_CL_MALLOC_FAIL_BYTES=N   Malloc of N bytes or more fails with 2 (out of memory)
 *   FAKE_CL_RUNTIME_VERSION=N     RuntimeGetVersion's answer (default 12000)
 *   FAKE_CL_SUCCESS_NAME=X        GetErrorName(0) answers X (a runtime disagreeing)
 * Built again with FAKE_OMIT_ELAPSED: no EventElapsedTime (a missing mandatory symbol). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAT2(a, b) a##b
#define CAT(a, b)  CAT2(a, b)
#define F(sfx)     CAT(FAKE_PREFIX, sfx)
#define STR2(x)    #x
#define STR(x)     STR2(x)
#define EXPORT     __attribute__((visibility("default")))

typedef int err_t;
typedef struct fake_stream {
  int unused;
} * stream_t;
typedef struct fake_event {
  double t;
} * event_t;

static long env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 10) : dflt;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

EXPORT err_t F(GetDeviceCount)(int *count) {
  if (env_long("FAKE_CL_NO_DRIVER", 0))
    return 35;
  *count = (int)env_long("FAKE_CL_DEVICES", 1);
  return 0;
}

EXPORT err_t F(SetDevice)(int device) {
  return device >= 0 && device < env_long("FAKE_CL_DEVICES", 1) ? 0 : 101;
}

EXPORT err_t F(Malloc)(void **ptr, size_t size) {
  long fail = env_long("FAKE_CL_MALLOC_FAIL_BYTES", 0);
  if (fail > 0 && size >= (size_t)fail)
    return 2;
  *ptr = malloc(size ? size : 1);
  return *ptr ? 0 : 2;
}

EXPORT err_t F(Free)(void *ptr) {
  free(ptr);
  return 0;
}

EXPORT err_t F(MallocHost)(void **ptr, size_t size) {
  return F(Malloc)(ptr, size);
}

EXPORT err_t F(FreeHost)(void *ptr) {
  free(ptr);
  return 0;
}

EXPORT err_t F(MemGetInfo)(size_t *free_bytes, size_t *total) {
  *free_bytes = *total = (size_t)3 << 30;
  return 0;
}

/* The fake's copy kinds are CUDA's order; the adapter passes what its row says. */
EXPORT err_t F(Memcpy)(void *dst, const void *src, size_t count, int kind) {
  if (kind < 0 || kind > 4)
    return 21;
  memmove(dst, src, count);
  return 0;
}

EXPORT err_t F(MemcpyAsync)(void *dst, const void *src, size_t count, int kind, stream_t s) {
  (void)s;
  return F(Memcpy)(dst, src, count, kind);
}

EXPORT err_t F(StreamCreate)(stream_t *s) {
  *s = calloc(1, sizeof **s);
  return *s ? 0 : 2;
}

EXPORT err_t F(StreamDestroy)(stream_t s) {
  free(s);
  return 0;
}

EXPORT err_t F(StreamSynchronize)(stream_t s) {
  (void)s;
  return 0;
}

EXPORT err_t F(EventCreate)(event_t *e) {
  *e = calloc(1, sizeof **e);
  return *e ? 0 : 2;
}

EXPORT err_t F(EventRecord)(event_t e, stream_t s) {
  (void)s;
  e->t = now();
  return 0;
}

EXPORT err_t F(EventSynchronize)(event_t e) {
  (void)e;
  return 0;
}

#ifndef FAKE_OMIT_ELAPSED
EXPORT err_t F(EventElapsedTime)(float *ms, event_t start, event_t end) {
  *ms = (float)((end->t - start->t) * 1e3);
  return 0;
}
#endif

EXPORT err_t F(EventDestroy)(event_t e) {
  free(e);
  return 0;
}

static const struct {
  int code;
  const char *name, *text;
} errors[] = {
    {0, STR(FAKE_PREFIX) "Success", "no error"},
    {2, STR(FAKE_PREFIX) "ErrorMemoryAllocation", "out of memory"},
    {21, STR(FAKE_PREFIX) "ErrorInvalidMemcpyDirection", "invalid copy direction for memcpy"},
    {35, STR(FAKE_PREFIX) "ErrorInsufficientDriver", "driver version is insufficient for runtime"},
    {101, STR(FAKE_PREFIX) "ErrorInvalidDevice", "invalid device ordinal"},
};

EXPORT const char *F(GetErrorName)(err_t e) {
  const char *forced = getenv("FAKE_CL_SUCCESS_NAME");
  if (e == 0 && forced && *forced)
    return forced;
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
    if (errors[i].code == e)
      return errors[i].name;
  return STR(FAKE_PREFIX) "ErrorUnknown";
}

EXPORT const char *F(GetErrorString)(err_t e) {
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
    if (errors[i].code == e)
      return errors[i].text;
  return "unknown error";
}

EXPORT err_t F(RuntimeGetVersion)(int *v) {
  *v = (int)env_long("FAKE_CL_RUNTIME_VERSION", 12000);
  return 0;
}

EXPORT err_t F(DriverGetVersion)(int *v) {
  *v = 12000;
  return 0;
}

/* PCI bus 0x2a, device 0, domain 0; 8 compute units at 1.2 GHz (CUDA's attribute numbers,
 * which only the CoreX row passes). */
EXPORT err_t F(DeviceGetAttribute)(int *value, int attr, int device) {
  if (device < 0 || device >= env_long("FAKE_CL_DEVICES", 1))
    return 101;
  switch (attr) {
  case 33: *value = 0x2a + device; return 0;
  case 34: *value = 0; return 0;
  case 50: *value = 0; return 0;
  case 16: *value = 8; return 0;
  case 13: *value = 1200000; return 0;
  default: return 1;
  }
}
