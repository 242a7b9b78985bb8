/* Test-only module speaking a future backend ABI major: the loader must refuse it. */
#include "accelbench/backend.h"

static ab_backend table = {
    .abi_major = 99, .abi_minor = 3, .struct_size = sizeof(ab_backend), .name = "badabi"};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t major) {
  (void)major;
  return &table;
}
