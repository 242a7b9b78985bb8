/* The host BLAS (hostblas.h). cblas_dgemm is resolved by name from a shared library that
 * Debian ships (libopenblas0 or libblas3, both export the CBLAS interface), so the harness
 * links no BLAS and the model layer none at all. */
#include "hostblas.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/util.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static ab_host_blas loaded;
static char load_error[512];

static bool try_library(const char *name) {
  void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    size_t used = strlen(load_error);
    snprintf(load_error + used, sizeof load_error - used, "%s%s", used ? "; " : "", dlerror());
    return false;
  }
  void *sym = dlsym(h, "cblas_dgemm");
  if (!sym) {
    size_t used = strlen(load_error);
    snprintf(load_error + used, sizeof load_error - used, "%s%s: no cblas_dgemm", used ? "; " : "",
             name);
    dlclose(h);
    return false;
  }
  memcpy(&loaded.dgemm, &sym, sizeof loaded.dgemm);
  ab_strlcpy(loaded.name, name, sizeof loaded.name);
  return true;
}

static void load(void) {
  const char *over = getenv("AB_HOST_BLAS");
  if (over && strcmp(over, "none") == 0) {
    snprintf(load_error, sizeof load_error, "AB_HOST_BLAS=none");
    return;
  }
  if (over && *over) {
    try_library(over);
    return;
  }
  static const char *const candidates[] = {"libopenblas.so.0", "libblas.so.3"};
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
    if (try_library(candidates[i]))
      return;
}

bool ab_host_blas_get(uint64_t max_macs, ab_host_blas *out, char *why, size_t why_len) {
  pthread_once(&once, load);
  if (!loaded.dgemm) {
    snprintf(why, why_len, "no host BLAS: %s", load_error);
    return false;
  }
  *out = loaded;
  out->max_macs = max_macs;
  return true;
}
