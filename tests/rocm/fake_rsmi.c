/* A fake librocm_smi64 for tests (never installed): the rocm_smi symbols the ROCm power
 * module resolves (power/rocm_smi/rocm_smi_api.h), power in µW and energy counters from
 * fake_env.h; rsmi_dev_power_get says its figure is an average (RSMI_AVERAGE_POWER). */
#include "fake_env.h"

typedef int rsmi_status_t;

static int valid(uint32_t i) {
  return (int)i < fake_smi_devices();
}

EXPORT rsmi_status_t rsmi_init(uint64_t flags) {
  (void)flags;
  return (rsmi_status_t)fake_env_long("FAKE_SMI_INIT_FAIL", 0);
}

EXPORT rsmi_status_t rsmi_shut_down(void) {
  return 0;
}

EXPORT rsmi_status_t rsmi_num_monitor_devices(uint32_t *n) {
  *n = (uint32_t)fake_smi_devices();
  return 0;
}

EXPORT rsmi_status_t rsmi_dev_pci_id_get(uint32_t i, uint64_t *bdf) {
  if (!valid(i))
    return 1;
  *bdf = fake_smi_bdf((int)i);
  return 0;
}

EXPORT rsmi_status_t rsmi_dev_power_get(uint32_t i, uint64_t *uw, int *type) {
  if (!valid(i))
    return 1;
  *uw = (uint64_t)(fake_smi_watts((int)i) * 1e6);
  *type = 0;
  return 0;
}

EXPORT rsmi_status_t rsmi_dev_energy_count_get(uint32_t i, uint64_t *counter, float *res,
                                               uint64_t *timestamp) {
  if (!valid(i))
    return 1;
  long fail = fake_env_long("FAKE_SMI_ENERGY_FAIL", 0);
  if (fail)
    return (rsmi_status_t)fail;
  *counter = fake_smi_counter((int)i);
  *res = FAKE_SMI_RESOLUTION;
  *timestamp = (uint64_t)(fake_now() * 1e9);
  return 0;
}

EXPORT rsmi_status_t rsmi_status_string(rsmi_status_t s, const char **text) {
  switch (s) {
  case 0: *text = "RSMI_STATUS_SUCCESS: The function has been executed successfully."; break;
  case 1:
    *text = "RSMI_STATUS_INVALID_ARGS: The provided arguments do not meet the preconditions";
    break;
  case 2:
    *text = "RSMI_STATUS_NOT_SUPPORTED: This function is not supported in the current environment.";
    break;
  case 8: *text = "RSMI_STATUS_INIT_ERROR: An error occurred during initialization"; break;
  default: *text = "RSMI_STATUS_UNKNOWN_ERROR: An unknown error occurred"; break;
  }
  return 0;
}
