/* A power module whose probe() dies (tests/nvml): isolated discovery must list it as
 * refused with the signal, and the run must go on without it. */
#include <signal.h>
#include <stddef.h>

#include "accelbench/power.h"

static ab_status crash_probe(const ab_option *o, size_t n, char *msg) {
  (void)o, (void)n, (void)msg;
  raise(SIGSEGV);
  return AB_OK;
}

/* Never reached: a module whose probe crashed is refused before open(). */
static ab_status t_open(void *st, const ab_option *o, size_t n, char *msg) {
  (void)st, (void)o, (void)n, (void)msg;
  return AB_E_INTERNAL;
}
static void t_close(void *st) {
  (void)st;
}
static ab_status t_count(void *st, uint32_t *count, char *msg) {
  (void)st, (void)msg;
  *count = 0;
  return AB_OK;
}
static ab_status t_info(void *st, uint32_t i, ab_power_channel_info *info, char *msg) {
  (void)st, (void)i, (void)info, (void)msg;
  return AB_E_INTERNAL;
}
static ab_status t_read(void *st, uint32_t i, double *v, char *msg) {
  (void)st, (void)i, (void)v, (void)msg;
  return AB_E_INTERNAL;
}

static const ab_power_source k_crash = {
    .abi_major = AB_POWER_ABI_MAJOR,
    .abi_minor = AB_POWER_ABI_MINOR,
    .struct_size = sizeof(ab_power_source),
    .name = "crashprobe",
    .description = "test module: probe() segfaults",
    .probe = crash_probe,
    .open = t_open,
    .close = t_close,
    .channel_count = t_count,
    .channel_info = t_info,
    .read = t_read,
};

__attribute__((visibility("default"))) const ab_power_source *accelbench_power_entry(uint32_t m) {
  (void)m;
  return &k_crash;
}
