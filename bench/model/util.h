/* accelbench — small helpers shared by the harness modules. */
#ifndef AB_UTIL_H
#define AB_UTIL_H

#include "accelbench/status.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Monotonic clock in seconds (CLOCK_MONOTONIC_RAW where available: not slewed by NTP). */
double ab_now_s(void);

/* Resolution of ab_now_s in seconds, as reported by clock_getres. */
double ab_clock_resolution_s(void);

/* Copy with truncation; always NUL-terminates when len > 0. Returns strlen(src). */
size_t ab_strlcpy(char *dst, const char *src, size_t len);

/* snprintf into a message buffer; a NULL buffer is ignored. */
void ab_msgf(char *msg, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Allocate `bytes` for a large host array: 2 MiB aligned and advised for transparent huge
 * pages when big, so filling 100+ MB does not cost tens of thousands of page faults (each
 * expensive in a VM). Free with free(). NULL on failure. */
void *ab_alloc_large(size_t bytes);

/* `rel` (an install-relative path such as "lib/accelbench/backends") resolved against the
 * prefix this executable was installed under (<dir of /proc/self/exe>/..), so an install
 * moved to another prefix still finds its modules and configs. 0 if unknown. */
int ab_exe_relative(const char *rel, char *out, size_t len);

/* A seed from the kernel's random source (getrandom), never from the suite: what a check
 * samples must not be known before the run. Below 2^62 so a run file stores it exactly. */
uint64_t ab_runtime_seed(void);

/* Write all `len` bytes of `buf` to `fd`, retrying short and interrupted writes; false on
 * an error (errno says which). */
int ab_write_all(int fd, const char *buf, size_t len);

/* A PCI bus id in the one form device uids and power channels are joined by:
 * "dddd:bb:dd.f", lower-case hex, domain 4 digits. Takes the CUDA driver's
 * cuDeviceGetPCIBusId form ("0000:17:00.0") and NVML's busId ("00000000:17:00.0"), either
 * case, and also "bb:dd.f" (domain 0). AB_E_INVALID, with `in` quoted, for anything else
 * or a domain over 0xffff. */
ab_status ab_pci_bus_id_normalize(const char *in, char *out, size_t len, char *msg);

/* Current UTC time as ISO 8601 ("2026-11-23T16:50:54Z"). */
void ab_utc_now(char *buf, size_t len);

#endif
