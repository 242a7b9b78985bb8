/* Fault switches and shared state of the fake ROCm libraries (test fixtures only: never
 * installed), read at every call so a test can change them between runs.
 *   FAKE_HIP_DEVICES=N           devices the runtime reports (default 1); 0: hipGetDeviceCount
 *                                answers hipErrorNoDevice (100)
 *   FAKE_HIP_VERSION=N           hipRuntimeGetVersion (default 60342134, HIP 6.3.42134)
 *   FAKE_HIP_NAME=text           device name (default "AMD Instinct MI300X (fake, CPU)")
 *   FAKE_HIP_MALLOC_FAIL_BYTES=N hipMalloc of N bytes or more fails (2, out of memory)
 *   FAKE_ROCBLAS_STATUS=N        rocblas_gemm_ex returns status N
 *   FAKE_SMI_DEVICES=N           GPUs amdsmi / rocm_smi list (default 2); GPU i is at PCI bus
 *                                0xc1 + i, like HIP device i
 *   FAKE_SMI_WATTS=w[,w...]      board power per GPU (default 300): the energy counters
 *                                advance with CLOCK_MONOTONIC at this rate
 *   FAKE_SMI_INIT_FAIL=code      amdsmi_init / rsmi_init return this code
 *   FAKE_SMI_ENERGY_FAIL=code    the energy-count calls return this code
 *   FAKE_SMI_STUCK=1             the energy counters never advance (ROCm/rocm_smi_lib#180) */
#ifndef AB_TESTS_FAKE_ROCM_ENV_H
#define AB_TESTS_FAKE_ROCM_ENV_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

static inline long fake_env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 0) : dflt;
}

static inline double fake_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int fake_smi_devices(void) {
  long n = fake_env_long("FAKE_SMI_DEVICES", 2);
  return n < 0 ? 0 : n > 16 ? 16 : (int)n;
}

static inline double fake_smi_watts(int gpu) {
  const char *v = getenv("FAKE_SMI_WATTS");
  double w = 300;
  for (int k = 0; v && *v && k <= gpu; k++) {
    char *end;
    w = strtod(v, &end);
    v = *end == ',' ? end + 1 : NULL;
  }
  return w;
}

/* The resolution both fakes report (µJ per count) and the counter at the current time. */
#define FAKE_SMI_RESOLUTION 15.3f
static inline uint64_t fake_smi_counter(int gpu) {
  double t = fake_env_long("FAKE_SMI_STUCK", 0) ? 1000.0 : fake_now();
  return (uint64_t)(t * fake_smi_watts(gpu) * 1e6 / FAKE_SMI_RESOLUTION);
}

/* BDFID (domain << 32 | bus << 8 | device << 3 | function) of GPU i: 0000:c1+i:00.0. */
static inline uint64_t fake_smi_bdf(int gpu) {
  return (uint64_t)(0xc1 + gpu) << 8;
}

#endif
