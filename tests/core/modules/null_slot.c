/* Test-only module whose table leaves a mandatory slot (case_run) NULL. */
#include "accelbench/backend.h"

static ab_status ok_probe(char *msg) {
  (void)msg;
  return AB_OK;
}

static const char *const providers[] = {"x", 0};

static ab_backend table = {.abi_major = AB_BACKEND_ABI_MAJOR,
                           .abi_minor = AB_BACKEND_ABI_MINOR,
                           .struct_size = sizeof(ab_backend),
                           .name = "nullslot",
                           .providers = providers,
                           .probe = ok_probe};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t major) {
  (void)major;
  return &table;
}
