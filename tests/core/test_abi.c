/* The public headers compile as C11 and their layout is what the ABI promises. The same
 * assertions compile as C++ in test_abi.cpp (built into this test). */
#include <criterion/criterion.h>

#include "abi_layout.h"

extern int ab_abi_cpp_checked(void);

Test(abi, headers_compile_as_c11_and_cpp) {
  cr_assert_eq(ab_abi_cpp_checked(), (int)sizeof(ab_backend));
}

Test(abi, half_conversions_round_trip) {
  /* Every finite binary16 value survives f16 -> f32 -> f16 exactly. */
  for (uint32_t h = 0; h < 0x10000u; h++) {
    if ((h & 0x7c00u) == 0x7c00u)
      continue; /* inf/NaN */
    cr_assert_eq(ab_f32_to_f16(ab_f16_to_f32((uint16_t)h)), h, "0x%04x", h);
  }
  cr_assert_eq(ab_f32_to_f16(1.0f), 0x3c00);
  cr_assert_eq(ab_f32_to_f16(65520.0f), 0x7c00, "rounds to inf past the largest half");
  cr_assert_eq(ab_f32_to_bf16(1.0f), 0x3f80);
  cr_assert_float_eq(ab_bf16_to_f32(ab_f32_to_bf16(3.140625f)), 3.140625f, 0.0f);
}

Test(abi, every_status_has_words) {
  for (int s = AB_E_INTERNAL; s <= AB_OK; s++) {
    const char *t = ab_status_text((ab_status)s);
    cr_assert(t && *t && strcmp(t, "unknown status") != 0, "status %d has no text", s);
  }
  cr_assert_str_eq(ab_status_text(AB_E_UNSUPPORTED), "unsupported");
  cr_assert_str_eq(ab_status_text((ab_status)-100), "unknown status");
}
