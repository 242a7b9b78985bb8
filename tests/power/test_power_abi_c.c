/* The power-source ABI layout: the header fields never move, and C and C++ agree. */
#include <criterion/criterion.h>
#include <stddef.h>

#include "accelbench/power.h"

_Static_assert(offsetof(ab_power_source, abi_major) == 0, "abi_major first");
_Static_assert(offsetof(ab_power_source, abi_minor) == 2, "abi_minor second");
_Static_assert(offsetof(ab_power_source, struct_size) == 4, "struct_size third");
_Static_assert(offsetof(ab_power_source, name) == 8, "identity after the header");
_Static_assert(offsetof(ab_power_channel_info, struct_size) == 0, "struct_size first");
_Static_assert(offsetof(ab_power_source, flags) ==
                   offsetof(ab_power_source, read) + sizeof(ab_status(*)(void)),
               "flags right after read");
_Static_assert(offsetof(ab_power_source, window_facts) == offsetof(ab_power_source, flags) + 8,
               "window_facts right after flags (1.2)");
_Static_assert(offsetof(ab_power_source, foreign_processes) ==
                   offsetof(ab_power_source, window_facts) + sizeof(ab_status(*)(void)),
               "foreign_processes after window_facts (1.2)");
_Static_assert(sizeof(ab_power_source) == offsetof(ab_power_source, foreign_processes) + 8,
               "no tail padding after the 1.2 slots: a later field always grows struct_size");
_Static_assert(AB_POWER_ABI_MINOR == 2, "power ABI minor changed: add the new fields here");
_Static_assert(sizeof(ab_power_fact) == 160, "power fact (1.2)");

size_t ab_test_cxx_sizeof_source(void);
size_t ab_test_cxx_sizeof_channel(void);
size_t ab_test_cxx_offsetof_read(void);

Test(power_abi, c_and_cxx_agree) {
  cr_assert_eq(ab_test_cxx_sizeof_source(), sizeof(ab_power_source));
  cr_assert_eq(ab_test_cxx_sizeof_channel(), sizeof(ab_power_channel_info));
  cr_assert_eq(ab_test_cxx_offsetof_read(), offsetof(ab_power_source, read));
}

Test(power_abi, enum_names) {
  cr_assert_str_eq(ab_power_scope_name(AB_POWER_SCOPE_NODE), "node");
  cr_assert_str_eq(ab_power_scope_name((ab_power_scope)42), "unknown");
  cr_assert_str_eq(ab_power_kind_name(AB_POWER_KIND_ENERGY_COUNTER), "energy_counter");
}
