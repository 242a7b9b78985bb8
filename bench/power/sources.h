/* accelbench — built-in power sources and their shared helpers (private to bench/power). */
#ifndef AB_POWER_SOURCES_H
#define AB_POWER_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "accelbench/power.h"

extern const ab_power_source ab_power_source_rapl;
extern const ab_power_source ab_power_source_hwmon;
extern const ab_power_source ab_power_source_ipmi;
extern const ab_power_source ab_power_source_command;
extern const ab_power_source ab_power_source_file;

/* snprintf that truncates silently: messages and paths here are bounded on purpose, and
 * GCC's -Wformat-truncation would otherwise flag every "%s: %s" into a fixed buffer. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void ab_pfmt(char *out, size_t len, const char *fmt, ...);

/* Value of `key` in options, or NULL. */
const char *ab_popt(const ab_option *o, size_t n, const char *key);

/* Parse a positive number option; absent gives `def`. */
ab_status ab_popt_double(const ab_option *o, size_t n, const char *key, double def, double *out,
                         char *msg);

/* "chip" / "board" / "node" -> scope; absent gives `def`. */
ab_status ab_popt_scope(const ab_option *o, size_t n, const char *key, ab_power_scope def,
                        ab_power_scope *out, char *msg);

/* Join root and an absolute path ("/tmp/x" + "/sys/class" -> "/tmp/x/sys/class"). */
void ab_power_join(char *out, size_t len, const char *root, const char *path);

/* Read a small file whole (for probing and names); strips the trailing newline. */
ab_status ab_power_read_text(const char *path, char *buf, size_t len, char *msg);

/* pread a decimal unsigned integer from an fd kept open (sysfs re-read at offset 0). */
ab_status ab_power_pread_u64(int fd, const char *path, uint64_t *value, char *msg);

/* Read an unsigned integer from a file by path (open, read, close). */
ab_status ab_power_read_u64(const char *path, uint64_t *value, char *msg);

/* A channel that is one sysfs file of integers (RAPL energy_uj, hwmon power*_input ...):
 * its facts, the file kept open (-1: not open), and the factor to watts or joules. The
 * RAPL and hwmon sources keep tables of these and share their close/info/read slots. */
typedef struct ab_sysfs_channel {
  ab_power_channel_info info;
  int fd;
  double scale;
} ab_sysfs_channel;

void ab_sysfs_channels_close(ab_sysfs_channel *ch, uint32_t *n);
/* channel_info for channel i of n; `source` names the source in the out-of-range message. */
ab_status ab_sysfs_channel_info(const char *source, const ab_sysfs_channel *ch, uint32_t n,
                                uint32_t i, ab_power_channel_info *info, char *msg);
ab_status ab_sysfs_channel_read(const ab_sysfs_channel *c, double *value, char *msg);

/* Run argv[0] (searched in PATH when it has no '/') with argv, no shell; capture stdout
 * (up to len-1 bytes, NUL-terminated). Fails on spawn error, non-zero exit, a signal, or
 * when it runs past timeout_s (the child is killed); stderr's first line goes into msg. */
ab_status ab_power_run(char *const argv[], double timeout_s, char *out, size_t len, char *msg);

/* Is `name` an executable in PATH (or a path to one)? */
int ab_power_which(const char *name, char *path, size_t len);

#endif
