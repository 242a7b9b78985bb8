/* A power module built for a future ABI major (tests/nvml): refused with both versions. */
#include <stddef.h>

#include "accelbench/power.h"

static const ab_power_source k_future = {
    .abi_major = AB_POWER_ABI_MAJOR + 1,
    .abi_minor = 0,
    .struct_size = sizeof(ab_power_source),
    .name = "futurepower",
};

__attribute__((visibility("default"))) const ab_power_source *accelbench_power_entry(uint32_t m) {
  (void)m;
  return &k_future;
}
