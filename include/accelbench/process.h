/* accelbench — a process found on a device, as a backend (backend.h, ABI 1.4) or a power
 * source (power.h, ABI 1.2) reports it. Shared by both ABIs so the harness judges either
 * report the same way: another process using the device during a timed window makes the
 * window `disturbed` (docs/measurement.md, "Interference"). */
#ifndef ACCELBENCH_PROCESS_H
#define ACCELBENCH_PROCESS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ab_device_process {
  uint32_t pid;               /* as the vendor runtime reports it (host pid namespace) */
  uint32_t flags;             /* 0; reserved */
  uint64_t used_memory_bytes; /* device memory it holds; 0 = unknown */
  char name[64];              /* "" = unknown: the harness reads /proc/<pid>/comm */
} ab_device_process;

/* Most processes one call reports; a longer list is cut (the count still says so). */
#define AB_MAX_DEVICE_PROCESSES 64

#ifdef __cplusplus
}
#endif
#endif
