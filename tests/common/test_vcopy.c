/* The shared vendor layer's copy checks (backends/common/ab_vcopy.c): buffer ranges, the
 * transfer descriptors, and the host pattern of kernel.h. */
#include <criterion/criterion.h>
#include <string.h>

#include "ab_vendor.h"

Test(vcopy, range_inside_and_outside) {
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_vcheck_range(64, 0, 64, msg), AB_OK);
  cr_assert_eq(ab_vcheck_range(64, 64, 0, msg), AB_OK);
  cr_assert_eq(ab_vcheck_range(64, 1, 64, msg), AB_E_INVALID);
  cr_assert_str_eq(msg, "copy of 64 bytes at offset 1 is outside a buffer of 64");
  cr_assert_eq(ab_vcheck_range(64, 65, 0, msg), AB_E_INVALID);
  /* offset + bytes would wrap around */
  cr_assert_eq(ab_vcheck_range(64, 32, (size_t)-1, msg), AB_E_INVALID);
}

static ab_kernel_desc transfer(ab_kernel_kind kind, int64_t bytes) {
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.kind = kind;
  d.params.transfer.bytes = bytes;
  return d;
}

Test(vcopy, transfer_names_the_field_and_operand) {
  char msg[AB_MSG_LEN] = "";
  size_t sizes[2] = {1024, 512};
  ab_kernel_desc d = transfer(AB_KERNEL_COPY_H2D, 1024);
  cr_assert_eq(ab_vcheck_transfer(&d, sizes, 1, msg), AB_OK, "%s", msg);
  d = transfer(AB_KERNEL_MEMBW, 1024); /* membw needs its second operand as large */
  cr_assert_eq(ab_vcheck_transfer(&d, sizes, 2, msg), AB_E_INVALID);
  cr_assert_str_eq(msg, "operand 1 (membw): needs 1024 bytes");
  cr_assert_eq(ab_vcheck_transfer(&d, sizes, 1, msg), AB_E_INVALID);
  d = transfer(AB_KERNEL_COPY_D2H, 0);
  cr_assert_eq(ab_vcheck_transfer(&d, sizes, 1, msg), AB_E_INVALID);
  cr_assert_str_eq(msg, "desc.params.transfer.bytes: must be positive, got 0");
}

Test(vcopy, fills_the_pattern_of_kernel_h) {
  unsigned char h[300];
  ab_vfill_transfer_pattern(h, sizeof h);
  cr_assert_eq(h[0], 7);
  cr_assert_eq(h[1], 138);
  cr_assert_eq(h[2], (unsigned char)((2 * 131 + 7) & 0xff));
  cr_assert_eq(h[299], (unsigned char)((299 * 131 + 7) & 0xff));
}
