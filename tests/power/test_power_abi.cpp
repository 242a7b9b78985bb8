// The power-source ABI header compiled as C++: the layout a C++ vendor module sees must be
// the one the C harness sees (checked against the C side in test_power_abi_c.c).
#include <cstddef>

#include "accelbench/power.h"

static_assert(offsetof(ab_power_source, abi_major) == 0, "abi_major first");
static_assert(offsetof(ab_power_source, abi_minor) == 2, "abi_minor second");
static_assert(offsetof(ab_power_source, struct_size) == 4, "struct_size third");
static_assert(offsetof(ab_power_channel_info, struct_size) == 0, "struct_size first");
// 1.1's flags follow read() at once and end the table with no tail padding: a field
// appended later always grows struct_size (bench/power/registry.c tells a 1.0 table from
// a 1.1 one by struct_size alone).
static_assert(offsetof(ab_power_source, flags) == offsetof(ab_power_source, read) + sizeof(void *),
              "flags right after read");
// 1.2 (branch nvml) appends two optional slots after flags, again with no tail padding.
static_assert(offsetof(ab_power_source, window_facts) == offsetof(ab_power_source, flags) + 8,
              "window_facts right after flags");
static_assert(sizeof(ab_power_source) == offsetof(ab_power_source, foreign_processes) + 8,
              "no tail padding after the 1.2 slots");

extern "C" size_t ab_test_cxx_sizeof_source(void) {
  return sizeof(ab_power_source);
}
extern "C" size_t ab_test_cxx_sizeof_channel(void) {
  return sizeof(ab_power_channel_info);
}
extern "C" size_t ab_test_cxx_offsetof_read(void) {
  return offsetof(ab_power_source, read);
}
