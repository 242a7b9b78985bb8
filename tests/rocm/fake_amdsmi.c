/* A fake libamd_smi for tests (never installed): the amdsmi symbols the ROCm power module
 * resolves (power/rocm_smi/rocm_smi_api.h) with one socket holding every GPU, BDF ids and
 * energy counters from fake_env.h. */
#include <stdio.h>

#include "fake_env.h"

typedef int amdsmi_status_t;
typedef void *amdsmi_handle;

static char g_gpus[16]; /* processor handles point here */
static char g_socket;

static int index_of(amdsmi_handle h) {
  long i = (char *)h - g_gpus;
  return h && i >= 0 && i < fake_smi_devices() ? (int)i : -1;
}

EXPORT amdsmi_status_t amdsmi_init(uint64_t flags) {
  if (!(flags & (1u << 1)))
    return 1; /* AMDSMI_STATUS_INVAL: the module asks for GPUs */
  return (amdsmi_status_t)fake_env_long("FAKE_SMI_INIT_FAIL", 0);
}

EXPORT amdsmi_status_t amdsmi_shut_down(void) {
  return 0;
}

EXPORT amdsmi_status_t amdsmi_get_socket_handles(uint32_t *count, amdsmi_handle *sockets) {
  if (sockets && *count >= 1)
    sockets[0] = &g_socket;
  *count = 1;
  return 0;
}

EXPORT amdsmi_status_t amdsmi_get_processor_handles(amdsmi_handle socket, uint32_t *count,
                                                    amdsmi_handle *procs) {
  if (socket != &g_socket)
    return 1;
  uint32_t n = (uint32_t)fake_smi_devices();
  for (uint32_t i = 0; procs && i < n && i < *count; i++)
    procs[i] = &g_gpus[i];
  *count = n;
  return 0;
}

EXPORT amdsmi_status_t amdsmi_get_gpu_bdf_id(amdsmi_handle h, uint64_t *bdf) {
  int i = index_of(h);
  if (i < 0)
    return 1;
  *bdf = fake_smi_bdf(i);
  return 0;
}

EXPORT amdsmi_status_t amdsmi_get_energy_count(amdsmi_handle h, uint64_t *energy, float *res,
                                               uint64_t *timestamp) {
  int i = index_of(h);
  if (i < 0)
    return 1;
  long fail = fake_env_long("FAKE_SMI_ENERGY_FAIL", 0);
  if (fail)
    return (amdsmi_status_t)fail;
  *energy = fake_smi_counter(i);
  *res = FAKE_SMI_RESOLUTION;
  *timestamp = (uint64_t)(fake_now() * 1e9);
  return 0;
}

EXPORT amdsmi_status_t amdsmi_status_code_to_string(amdsmi_status_t s, const char **text) {
  switch (s) {
  case 0: *text = "AMDSMI_STATUS_SUCCESS: Call succeeded"; break;
  case 1: *text = "AMDSMI_STATUS_INVAL: Invalid parameters"; break;
  case 2: *text = "AMDSMI_STATUS_NOT_SUPPORTED: Command not supported"; break;
  case 34: *text = "AMDSMI_STATUS_DRIVER_NOT_LOADED: Processor driver not loaded"; break;
  default: *text = "An unknown error occurred"; break;
  }
  return 0;
}
