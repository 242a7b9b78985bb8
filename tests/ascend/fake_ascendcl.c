/* A fake libascendcl.so for tests (never installed): the ACL runtime symbols the ascend
 * backend resolves, on the CPU. Device memory is host memory, a stream runs everything at
 * once, events read the monotonic clock. Fault switches: fake_acl.h. Variants:
 * FAKE_OMIT_ELAPSED lacks aclrtEventElapsedTime (mandatory); FAKE_OMIT_VERSIONS lacks the
 * optional version and SoC-name calls. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fake_acl.h"

typedef int aclError;
struct fake_stream {
  int unused;
};
struct fake_event {
  double t;
};

static char g_err[512];

EXPORT void fake_acl_set_error(const char *text) {
  snprintf(g_err, sizeof g_err, "%s", text);
}

EXPORT const char *aclGetRecentErrMsg(void) {
  return g_err[0] ? g_err : NULL;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

EXPORT aclError aclInit(const char *config) {
  (void)config;
  long e = fake_env_long("FAKE_ACL_INIT_ERROR", 0);
  if (e)
    fake_acl_set_error("EE8888: fake aclInit failure: the driver is not loaded");
  return (aclError)e;
}

EXPORT aclError aclFinalize(void) {
  return 0;
}

EXPORT aclError aclrtGetDeviceCount(uint32_t *count) {
  *count = (uint32_t)fake_env_long("FAKE_ACL_DEVICES", 1);
  return 0;
}

EXPORT aclError aclrtSetDevice(int32_t id) {
  if (id < 0 || id >= fake_env_long("FAKE_ACL_DEVICES", 1)) {
    fake_acl_set_error("EE1001: fake: the device id is out of range");
    return 107001;
  }
  return 0;
}

EXPORT aclError aclrtResetDevice(int32_t id) {
  (void)id;
  return 0;
}

EXPORT aclError aclrtCreateStream(void **s) {
  *s = calloc(1, sizeof(struct fake_stream));
  return *s ? 0 : 207001;
}

EXPORT aclError aclrtDestroyStream(void *s) {
  free(s);
  return 0;
}

EXPORT aclError aclrtSynchronizeStream(void *s) {
  (void)s;
  return 0;
}

EXPORT aclError aclrtMalloc(void **p, size_t size, int policy) {
  (void)policy;
  long fail = fake_env_long("FAKE_ACL_MALLOC_FAIL_BYTES", 0);
  if (fail > 0 && size >= (size_t)fail) {
    fake_acl_set_error("EL0004: fake: failed to allocate device memory");
    return 207001;
  }
  *p = malloc(size ? size : 1);
  return *p ? 0 : 207001;
}

EXPORT aclError aclrtFree(void *p) {
  free(p);
  return 0;
}

EXPORT aclError aclrtMallocHost(void **p, size_t size) {
  return aclrtMalloc(p, size, 0);
}

EXPORT aclError aclrtFreeHost(void *p) {
  free(p);
  return 0;
}

EXPORT aclError aclrtMemcpy(void *dst, size_t dest_max, const void *src, size_t count, int kind) {
  if (count > dest_max || kind < 0 || kind > 4) {
    fake_acl_set_error("EE1001: fake: aclrtMemcpy count exceeds destMax or bad kind");
    return 100000;
  }
  memmove(dst, src, count);
  return 0;
}

EXPORT aclError aclrtMemcpyAsync(void *dst, size_t dest_max, const void *src, size_t count,
                                 int kind, void *s) {
  (void)s;
  return aclrtMemcpy(dst, dest_max, src, count, kind);
}

EXPORT aclError aclrtGetMemInfo(int attr, size_t *free_bytes, size_t *total) {
  (void)attr;
  *free_bytes = *total = (size_t)64 << 30;
  return 0;
}

EXPORT aclError aclrtCreateEvent(void **e) {
  *e = calloc(1, sizeof(struct fake_event));
  return *e ? 0 : 207001;
}

EXPORT aclError aclrtRecordEvent(void *e, void *s) {
  (void)s;
  ((struct fake_event *)e)->t = now();
  return 0;
}

EXPORT aclError aclrtSynchronizeEvent(void *e) {
  (void)e;
  return 0;
}

#ifndef FAKE_OMIT_ELAPSED
EXPORT aclError aclrtEventElapsedTime(float *ms, void *start, void *end) {
  *ms = (float)((((struct fake_event *)end)->t - ((struct fake_event *)start)->t) * 1e3);
  return 0;
}
#endif

EXPORT aclError aclrtDestroyEvent(void *e) {
  free(e);
  return 0;
}

#ifndef FAKE_OMIT_VERSIONS
EXPORT const char *aclrtGetSocName(void) {
  return "Ascend910B3";
}

EXPORT aclError aclrtGetVersion(int32_t *major, int32_t *minor, int32_t *patch) {
  *major = 1, *minor = 12, *patch = 0;
  return 0;
}

typedef struct {
  char version[128], major[64], minor[64], release[64], patch[64], reserved[128];
} fake_pkg_version;

EXPORT aclError aclsysGetCANNVersion(int name, fake_pkg_version *v) {
  if (name != 0)
    return 100000;
  memset(v, 0, sizeof *v);
  const char *ver = getenv("FAKE_CANN_VERSION");
  snprintf(v->version, sizeof v->version, "%s", ver && *ver ? ver : "8.1.RC1");
  return 0;
}

EXPORT aclError aclsysGetVersionStr(char *pkg, char *out) {
  if (strcmp(pkg, "driver") != 0)
    return 100000;
  snprintf(out, 128, "24.1.rc3");
  return 0;
}
#endif
