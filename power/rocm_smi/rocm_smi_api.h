/* accelbench ROCm power module — the parts of amdsmi and rocm_smi it calls, declared
 * privately so that building it never needs their headers or a driver.
 *
 * amdsmi: ../shared/reference/vendor-api-facts.md 4.4 (VERIFIED:
 * ROCm/amdsmi:include/amd_smi/amdsmi.h@0ceca28f4139dced5e9b5739a3f393780d7add48, library
 * libamd_smi.so); amdsmi_get_gpu_bdf_id and its BDFID layout (domain [63:32], bus [15:8],
 * device [7:3], function [2:0]) and AMDSMI_STATUS_NOT_SUPPORTED = 2 read in that header at
 * that commit. amdsmi_power_info_t changed layout across releases and is never mirrored.
 *
 * rocm_smi: facts 4.4 (VERIFIED:
 * ROCm/rocm_smi_lib:include/rocm_smi/rocm_smi.h@a1295714f2f6eefa5c55bf5779d17d163ed0e3d0,
 * library librocm_smi64.so); rsmi_dev_pci_id_get (same BDFID layout) and
 * RSMI_STATUS_NOT_SUPPORTED = 2 read there. Power in microwatts, energy counter in units
 * of counter_resolution microjoules, timestamps in nanoseconds. */
#ifndef AB_ROCM_SMI_API_H
#define AB_ROCM_SMI_API_H

#include <stdint.h>

typedef int abamd_status;   /* amdsmi_status_t; AMDSMI_STATUS_SUCCESS 0 */
typedef void *abamd_handle; /* amdsmi_socket_handle, amdsmi_processor_handle */

#define ABAMD_INIT_AMD_GPUS (1ull << 1)
#define ABAMD_MAX_DEVICES   32 /* AMDSMI_MAX_DEVICES */

typedef struct abamd_api {
  abamd_status (*amdsmi_init)(uint64_t init_flags);
  abamd_status (*amdsmi_shut_down)(void);
  abamd_status (*amdsmi_get_socket_handles)(uint32_t *count, abamd_handle *sockets);
  abamd_status (*amdsmi_get_processor_handles)(abamd_handle socket, uint32_t *count,
                                               abamd_handle *processors);
  abamd_status (*amdsmi_get_gpu_bdf_id)(abamd_handle processor, uint64_t *bdfid);
  abamd_status (*amdsmi_get_energy_count)(abamd_handle processor, uint64_t *energy_accumulator,
                                          float *counter_resolution, uint64_t *timestamp);
  abamd_status (*amdsmi_status_code_to_string)(abamd_status status, const char **text);
} abamd_api;

typedef int abrsmi_status; /* rsmi_status_t; RSMI_STATUS_SUCCESS 0 */

/* RSMI_POWER_TYPE */
#define ABRSMI_AVERAGE_POWER 0
#define ABRSMI_CURRENT_POWER 1

typedef struct abrsmi_api {
  abrsmi_status (*rsmi_init)(uint64_t init_flags);
  abrsmi_status (*rsmi_shut_down)(void);
  abrsmi_status (*rsmi_num_monitor_devices)(uint32_t *num_devices);
  abrsmi_status (*rsmi_dev_pci_id_get)(uint32_t dv_ind, uint64_t *bdfid);
  abrsmi_status (*rsmi_dev_power_get)(uint32_t dv_ind, uint64_t *microwatts, int *type);
  abrsmi_status (*rsmi_dev_energy_count_get)(uint32_t dv_ind, uint64_t *counter,
                                             float *counter_resolution, uint64_t *timestamp);
  abrsmi_status (*rsmi_status_string)(abrsmi_status status, const char **text);
} abrsmi_api;

#endif
