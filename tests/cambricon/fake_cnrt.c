/* A fake libcnrt for tests (never installed): the CNRT symbols the cambricon backend
 * resolves, with the prototypes of backends/cambricon/cnrt_api.h, on the CPU. Device
 * memory is host memory the fake keeps a list of, so every copy's direction is checked
 * against where its pointers live (CNRT's order: HostToDev 0, DevToDev 1, DevToHost 2); a
 * queue runs each call at once; a notifier reads the monotonic clock when placed and
 * cnrtNotifierDuration answers microseconds, as the real one does. Error names are CNRT's;
 * the texts are the fake's own (the real runtime's wording was not available).
 *
 * Fault switches (read at every call):
 *   FAKE_CNRT_DEVICES=N            devices (default 1); 0: none
 *   FAKE_CNRT_COUNT_STATUS=code    cnrtGetDeviceCount returns this code
 *   FAKE_CNRT_VERSION=M.m.p        what cnrtGetLibVersion reports (default 6.14.1)
 *   FAKE_CNRT_MALLOC_FAIL_BYTES=N  cnrtMalloc of N bytes or more fails (cnrtErrorNoMem)
 *   FAKE_CNRT_MEMCPY_STATUS=code   cnrtMemcpyAsync returns this code
 * Built three times: FAKE_OMIT_DURATION lacks cnrtNotifierDuration (a mandatory symbol),
 * FAKE_OMIT_HOSTMALLOC lacks cnrtHostMalloc (an optional one). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

typedef int cnrtRet_t;
typedef struct cnrtQueue *cnrtQueue_t;
typedef struct cnrtNotifier *cnrtNotifier_t;

struct cnrtQueue {
  int unused;
};
struct cnrtNotifier {
  double t;
};

enum {
  OK = 0,
  NO_DEVICE = 100004,
  DEVICE_INVALID = 100005,
  ARGS_INVALID = 100006,
  NO_MEM = 100100,
  CNDRV_FUNC_CALL = 632015,
};

static long env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 10) : dflt;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- device memory: a list of the blocks cnrtMalloc handed out ---- */

typedef struct block {
  char *p;
  size_t n;
  struct block *next;
} block;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static block *g_blocks;

static int on_device(const void *ptr, size_t bytes) {
  const char *c = ptr;
  int found = 0;
  pthread_mutex_lock(&g_lock);
  for (block *b = g_blocks; b && !found; b = b->next)
    found = c >= b->p && c < b->p + b->n && bytes <= (size_t)(b->p + b->n - c);
  pthread_mutex_unlock(&g_lock);
  return found;
}

EXPORT cnrtRet_t cnrtMalloc(void **ptr, size_t bytes) {
  long fail = env_long("FAKE_CNRT_MALLOC_FAIL_BYTES", 0);
  if (fail > 0 && bytes >= (size_t)fail)
    return NO_MEM;
  block *b = malloc(sizeof *b);
  char *p = malloc(bytes ? bytes : 1);
  if (!b || !p) {
    free(b);
    free(p);
    return NO_MEM;
  }
  *b = (block){p, bytes ? bytes : 1, NULL};
  pthread_mutex_lock(&g_lock);
  b->next = g_blocks;
  g_blocks = b;
  pthread_mutex_unlock(&g_lock);
  *ptr = p;
  return OK;
}

EXPORT cnrtRet_t cnrtFree(void *ptr) {
  pthread_mutex_lock(&g_lock);
  block **at = &g_blocks;
  while (*at && (*at)->p != ptr)
    at = &(*at)->next;
  block *b = *at;
  if (b)
    *at = b->next;
  pthread_mutex_unlock(&g_lock);
  if (!b)
    return ARGS_INVALID;
  free(b->p);
  free(b);
  return OK;
}

/* Where each end must live for a direction, as CNRT numbers them. */
static int direction_fits(void *dst, void *src, size_t bytes, int dir) {
  int d = on_device(dst, bytes), s = on_device(src, bytes);
  switch (dir) {
  case 0: return d && !s; /* cnrtMemcpyHostToDev */
  case 1: return d && s;  /* cnrtMemcpyDevToDev */
  case 2: return !d && s; /* cnrtMemcpyDevToHost */
  default: return 0;
  }
}

EXPORT cnrtRet_t cnrtMemcpy(void *dst, void *src, size_t bytes, int dir) {
  if (!direction_fits(dst, src, bytes, dir))
    return ARGS_INVALID;
  memmove(dst, src, bytes);
  return OK;
}

EXPORT cnrtRet_t cnrtMemcpyAsync(void *dst, void *src, size_t bytes, cnrtQueue_t q, int dir) {
  long status = env_long("FAKE_CNRT_MEMCPY_STATUS", 0);
  if (status)
    return (cnrtRet_t)status;
  if (!q)
    return ARGS_INVALID;
  return cnrtMemcpy(dst, src, bytes, dir);
}

#ifndef FAKE_OMIT_HOSTMALLOC
EXPORT cnrtRet_t cnrtHostMalloc(void **ptr, size_t bytes) {
  *ptr = malloc(bytes ? bytes : 1);
  return *ptr ? OK : NO_MEM;
}
#endif

EXPORT cnrtRet_t cnrtFreeHost(void *ptr) {
  free(ptr);
  return OK;
}

/* ---- devices ---- */

static long n_devices(void) {
  return env_long("FAKE_CNRT_DEVICES", 1);
}

EXPORT cnrtRet_t cnrtGetDeviceCount(unsigned int *count) {
  long status = env_long("FAKE_CNRT_COUNT_STATUS", 0);
  if (status)
    return (cnrtRet_t)status;
  *count = (unsigned int)n_devices();
  return OK;
}

EXPORT cnrtRet_t cnrtSetDevice(int ordinal) {
  return ordinal >= 0 && ordinal < n_devices() ? OK : DEVICE_INVALID;
}

EXPORT cnrtRet_t cnrtGetDeviceProperties(void *prop, int device) {
  if (device < 0 || device >= n_devices())
    return DEVICE_INVALID;
  snprintf(prop, 256, "Fake MLU370-X8 %d (CPU)", device); /* name[256] comes first */
  return OK;
}

EXPORT cnrtRet_t cnrtDeviceGetAttribute(int *value, int attr, int device) {
  if (device < 0 || device >= n_devices())
    return DEVICE_INVALID;
  switch (attr) {
  case 0x01: *value = 3; return OK;        /* compute capability major */
  case 0x02: *value = 0; return OK;        /* minor */
  case 0x205: *value = 8; return OK;       /* clusters */
  case 0x206: *value = 4; return OK;       /* MLU cores per cluster */
  case 0x402: *value = 1300000; return OK; /* IPU clock, kHz */
  case 0x403: *value = 3200000; return OK; /* memory clock, kHz */
  case 0x404: *value = 384; return OK;     /* bus width, bits */
  case 0x405: *value = 1024; return OK;    /* total memory, MB */
  default: return ARGS_INVALID;
  }
}

/* The same bus ids as the fake libcndev's PCIe info (tests/cambricon/fake_cndev.c). */
EXPORT cnrtRet_t cnrtDeviceGetPCIBusId(char *bus_id, int len, int device) {
  if (device < 0 || device >= n_devices() || len <= 0)
    return DEVICE_INVALID;
  snprintf(bus_id, (size_t)len, "0000:%02x:00.0", 0x1a + device);
  return OK;
}

EXPORT cnrtRet_t cnrtGetLibVersion(int *major, int *minor, int *patch) {
  const char *v = getenv("FAKE_CNRT_VERSION");
  *major = 6, *minor = 14, *patch = 1;
  if (v && *v && sscanf(v, "%d.%d.%d", major, minor, patch) != 3)
    return ARGS_INVALID;
  return OK;
}

EXPORT cnrtRet_t cnrtDriverGetVersion(int *major, int *minor, int *patch) {
  *major = 5, *minor = 10, *patch = 22;
  return OK;
}

/* ---- queues and notifiers ---- */

EXPORT cnrtRet_t cnrtQueueCreate(cnrtQueue_t *q) {
  *q = calloc(1, sizeof **q);
  return *q ? OK : NO_MEM;
}

EXPORT cnrtRet_t cnrtQueueDestroy(cnrtQueue_t q) {
  free(q);
  return OK;
}

EXPORT cnrtRet_t cnrtQueueSync(cnrtQueue_t q) {
  return q ? OK : ARGS_INVALID;
}

EXPORT cnrtRet_t cnrtNotifierCreate(cnrtNotifier_t *n) {
  *n = calloc(1, sizeof **n);
  return *n ? OK : NO_MEM;
}

EXPORT cnrtRet_t cnrtNotifierDestroy(cnrtNotifier_t n) {
  free(n);
  return OK;
}

EXPORT cnrtRet_t cnrtPlaceNotifier(cnrtNotifier_t n, cnrtQueue_t q) {
  if (!n || !q)
    return ARGS_INVALID;
  n->t = now();
  return OK;
}

EXPORT cnrtRet_t cnrtWaitNotifier(cnrtNotifier_t n) {
  return n ? OK : ARGS_INVALID;
}

#ifndef FAKE_OMIT_DURATION
EXPORT cnrtRet_t cnrtNotifierDuration(cnrtNotifier_t start, cnrtNotifier_t end, float *us) {
  *us = (float)((end->t - start->t) * 1e6);
  return OK;
}
#endif

/* ---- errors ---- */

static const struct {
  int code;
  const char *name, *text;
} errors[] = {
    {OK, "cnrtSuccess", "fake: success"},
    {NO_DEVICE, "cnrtErrorNoDevice", "fake: no MLU device is available"},
    {DEVICE_INVALID, "cnrtErrorDeviceInvalid", "fake: invalid device ordinal"},
    {ARGS_INVALID, "cnrtErrorArgsInvalid", "fake: invalid argument"},
    {NO_MEM, "cnrtErrorNoMem", "fake: out of device memory"},
    {CNDRV_FUNC_CALL, "cnrtErrorCndrvFuncCall", "fake: a CNDrv call failed"},
};

EXPORT const char *cnrtGetErrorName(cnrtRet_t e) {
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
    if (errors[i].code == e)
      return errors[i].name;
  return "cnrtErrorUnknown";
}

EXPORT const char *cnrtGetErrorStr(cnrtRet_t e) {
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
    if (errors[i].code == e)
      return errors[i].text;
  return "fake: unknown error";
}
