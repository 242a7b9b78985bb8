/* A deliberately non-conforming backend for the conformance test's own tests: the example
 * backend (backends/example/example_backend.c, built with its entry point renamed) with one
 * promise broken, chosen at build time, so the conformance test can be seen to fail:
 *   BROKEN_STATUS  a kind it cannot run answers AB_E_INVALID instead of AB_E_UNSUPPORTED;
 *   BROKEN_REASON  AB_E_UNSUPPORTED with an empty reason;
 *   BROKEN_UID     devices without a uid. */
#include <string.h>

#include <accelbench/backend.h>

const ab_backend *example_entry(uint32_t harness_abi_major);

static ab_backend broken;

static ab_status broken_prepare(void *state, const ab_kernel_desc *desc, const char *provider,
                                ab_buffer *const *ops, size_t n_ops, void **case_state,
                                ab_case_info *info, char *msg) {
  ab_status st = example_entry(AB_BACKEND_ABI_MAJOR)
                     ->case_prepare(state, desc, provider, ops, n_ops, case_state, info, msg);
#if defined(BROKEN_STATUS)
  if (st == AB_E_UNSUPPORTED)
    st = AB_E_INVALID;
#elif defined(BROKEN_REASON)
  if (st == AB_E_UNSUPPORTED)
    msg[0] = '\0';
#endif
  return st;
}

static ab_status broken_info(uint32_t index, ab_device_info *info, char *msg) {
  ab_status st = example_entry(AB_BACKEND_ABI_MAJOR)->device_info(index, info, msg);
#if defined(BROKEN_UID)
  if (st == AB_OK)
    info->uid[0] = '\0';
#endif
  return st;
}

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_abi_major);

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_abi_major) {
  const ab_backend *ok = example_entry(harness_abi_major);
  if (!ok)
    return NULL;
  broken = *ok;
  broken.case_prepare = broken_prepare;
  broken.device_info = broken_info;
  return &broken;
}
