#include "model/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifdef CLOCK_MONOTONIC_RAW
#define AB_CLOCK CLOCK_MONOTONIC_RAW
#else
#define AB_CLOCK CLOCK_MONOTONIC
#endif

double ab_now_s(void) {
  struct timespec ts;
  clock_gettime(AB_CLOCK, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double ab_clock_resolution_s(void) {
  struct timespec ts;
  if (clock_getres(AB_CLOCK, &ts) != 0)
    return 1e-6; /* conservative guess only used to size samples, never reported */
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

size_t ab_strlcpy(char *dst, const char *src, size_t len) {
  size_t n = strlen(src);
  if (len > 0) {
    size_t c = n < len - 1 ? n : len - 1;
    memcpy(dst, src, c);
    dst[c] = '\0';
  }
  return n;
}

void ab_msgf(char *msg, size_t len, const char *fmt, ...) {
  if (!msg || len == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, len, fmt, ap);
  va_end(ap);
}

void ab_utc_now(char *buf, size_t len) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void *ab_alloc_large(size_t bytes) {
  const size_t huge = (size_t)2 << 20;
  if (bytes < 2 * huge)
    return malloc(bytes ? bytes : 1);
  void *p = NULL;
  size_t rounded = (bytes + huge - 1) / huge * huge;
  if (posix_memalign(&p, huge, rounded) != 0)
    return NULL;
#ifdef MADV_HUGEPAGE
  madvise(p, rounded, MADV_HUGEPAGE); /* advice only: failure just means small pages */
#endif
  return p;
}

int ab_exe_relative(const char *rel, char *out, size_t len) {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return 0;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash)
    return 0;
  *slash = '\0'; /* the bin directory */
  return snprintf(out, len, "%s/../%s", exe, rel) < (int)len;
}

uint64_t ab_runtime_seed(void) {
  uint64_t v = 0;
  if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) {
    /* No random source (very old kernel): the clock's low bits and the address space. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    v = ((uint64_t)ts.tv_nsec << 32) ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)&v;
    v *= UINT64_C(0x9e3779b97f4a7c15);
  }
  return v & ((UINT64_C(1) << 62) - 1);
}

int ab_write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t w = write(fd, buf, len);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return 0;
    buf += w;
    len -= (size_t)w;
  }
  return 1;
}
