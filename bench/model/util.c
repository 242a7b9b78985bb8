#include "model/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
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

/* Hex digits of one field, up to `max` of them, stopping at `stop`; false when none or
 * more or a character that is neither. */
static bool pci_field(const char **p, char stop, size_t max, unsigned long *value) {
  size_t n = 0;
  unsigned long v = 0;
  for (; **p && **p != stop; (*p)++, n++) {
    int c = tolower((unsigned char)**p);
    if (n == max || !isxdigit(c))
      return false;
    v = v * 16 + (unsigned long)(isdigit(c) ? c - '0' : c - 'a' + 10);
  }
  *value = v;
  return n > 0 && (**p == stop || stop == '\0');
}

ab_status ab_pci_bus_id_normalize(const char *in, char *out, size_t len, char *msg) {
  unsigned long domain = 0, bus, dev, fn;
  const char *p = in ? in : "";
  /* Two colons: a domain first (NVML writes 8 digits, CUDA 4). */
  const char *first = strchr(p, ':');
  bool has_domain = first && strchr(first + 1, ':');
  bool ok = (!has_domain || (pci_field(&p, ':', 8, &domain) && *p++ == ':')) &&
            pci_field(&p, ':', 2, &bus) && *p++ == ':' && pci_field(&p, '.', 2, &dev) &&
            *p++ == '.' && pci_field(&p, '\0', 1, &fn) && *p == '\0';
  if (!ok || domain > 0xffff || dev > 0x1f || fn > 7) {
    ab_msgf(msg, AB_MSG_LEN,
            "PCI bus id \"%.64s\": expected [domain:]bus:device.function in hex "
            "(\"0000:17:00.0\" or \"00000000:17:00.0\")",
            in ? in : "(null)");
    return AB_E_INVALID;
  }
  int w = snprintf(out, len, "%04lx:%02lx:%02lx.%lx", domain, bus, dev, fn);
  if (w < 0 || (size_t)w >= len) {
    ab_msgf(msg, AB_MSG_LEN, "PCI bus id \"%.64s\": no room for the normalised form", in);
    return AB_E_INVALID;
  }
  return AB_OK;
}
