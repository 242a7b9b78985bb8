/* A fake libnvrtc for tests (never installed). Its "CUBIN" is the text "FAKECUBIN sm_XY"
 * followed by the source, which the fake libcuda's cuModuleLoadData accepts.
 * FAKE_NVRTC_FAIL=1 makes the compile fail with a log, as a CUDA C error would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_env.h"

typedef int nvrtcResult;
struct _nvrtcProgram {
  char *src;
  char *cubin;
  const char *log;
};
typedef struct _nvrtcProgram *nvrtcProgram;

#define EXPORT __attribute__((visibility("default")))

EXPORT nvrtcResult nvrtcVersion(int *major, int *minor) {
  *major = 13;
  *minor = 0;
  return 0;
}

EXPORT nvrtcResult nvrtcCreateProgram(nvrtcProgram *p, const char *src, const char *name,
                                      int n_headers, const char *const *headers,
                                      const char *const *include_names) {
  (void)name, (void)headers, (void)include_names;
  if (!src || n_headers != 0)
    return 3; /* NVRTC_ERROR_INVALID_INPUT */
  *p = calloc(1, sizeof **p);
  if (!*p || !((*p)->src = strdup(src)))
    return 1; /* NVRTC_ERROR_OUT_OF_MEMORY */
  (*p)->log = "";
  return 0;
}

EXPORT nvrtcResult nvrtcCompileProgram(nvrtcProgram p, int n, const char *const *opts) {
  int arch = 0;
  for (int i = 0; i < n; i++)
    if (strncmp(opts[i], "--include-path=", 15) != 0 &&
        sscanf(opts[i], "--gpu-architecture=sm_%d", &arch) != 1)
      return 5; /* NVRTC_ERROR_INVALID_OPTION */
  if (arch < 75)
    return 5;
  if (fake_env_long("FAKE_NVRTC_FAIL", 0)) {
    p->log = "accelbench_cuk.cu(1): error: fake compile failure";
    return 6;
  }
  size_t len = strlen(p->src) + 32;
  p->cubin = malloc(len);
  if (!p->cubin)
    return 1;
  snprintf(p->cubin, len, "FAKECUBIN sm_%d\n%s", arch, p->src);
  return 0;
}

EXPORT nvrtcResult nvrtcGetCUBINSize(nvrtcProgram p, size_t *n) {
  *n = p->cubin ? strlen(p->cubin) + 1 : 0;
  return 0;
}

EXPORT nvrtcResult nvrtcGetCUBIN(nvrtcProgram p, char *out) {
  if (!p->cubin)
    return 7; /* NVRTC_ERROR_INVALID_PROGRAM */
  strcpy(out, p->cubin);
  return 0;
}

EXPORT nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram p, size_t *n) {
  *n = strlen(p->log) + 1;
  return 0;
}

EXPORT nvrtcResult nvrtcGetProgramLog(nvrtcProgram p, char *out) {
  strcpy(out, p->log);
  return 0;
}

EXPORT nvrtcResult nvrtcDestroyProgram(nvrtcProgram *p) {
  if (*p) {
    free((*p)->src);
    free((*p)->cubin);
    free(*p);
  }
  *p = NULL;
  return 0;
}

EXPORT const char *nvrtcGetErrorString(nvrtcResult r) {
  switch (r) {
  case 0: return "NVRTC_SUCCESS";
  case 5: return "NVRTC_ERROR_INVALID_OPTION";
  case 6: return "NVRTC_ERROR_COMPILATION";
  default: return "NVRTC_ERROR_UNKNOWN";
  }
}
