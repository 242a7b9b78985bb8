/* accelbench — running one planned case on an open device: inputs, warm-up, calibrated
 * samples with a stopping rule, validation against the float64 reference. A case is a
 * function of (backend, device, spec, provider, suite): it needs nothing else from the
 * harness, so it can run in a child process as well as in-process. */
#ifndef AB_RUNNER_H
#define AB_RUNNER_H

#include "loader.h"
#include "model/kind.h"
#include "model/record.h"
#include "power/sampler.h"
#include "suite.h"

typedef struct ab_open_device {
  const ab_loaded_backend *backend;
  uint32_t index;
  ab_device_info info;
  void *state; /* device_state_size bytes, owned */
  bool open;
  char open_error[AB_MSG_LEN];
  /* Host inputs of the last case, reused by the next case with the same descriptor (the
   * same shape runs once per provider): generating 100+ MB of seeded data per row would
   * otherwise dominate the suite's time outside the kernels. */
  ab_kernel_desc cached_desc;
  void *cached_inputs[AB_MAX_OPERANDS];
  ab_buffer *cached_device_inputs[AB_MAX_OPERANDS]; /* the same inputs on the device
                                                     * (read-only to kernels) */
  /* Host buffers reused by every case (runner.c): outputs read back for validation, and
   * one chunk of 0xff bytes to poison outputs with. Fresh host memory per case cost
   * first-touch page faults that dominated the time outside the kernels. */
  void *scratch;
  size_t scratch_bytes;
  void *poison;
  /* Power sources to sample around each timed window (not owned; NULL: no power record).
   * With enabled sources the timed window is stretched to their minimum length. */
  ab_power_registry *power;
  const char *thermal_root; /* "/" or a fake sysfs tree; NULL: no clock/temperature record */
  const char *proc_root;    /* where proc/stat is read for interference; NULL: "/" */
} ab_open_device;

/* Fill the identity fields of a result (backend, device, provider, kernel, work). */
void ab_case_identity(ab_case_result *res, const ab_open_device *dev, const ab_case_spec *spec,
                      const char *provider);

/* Run one case to completion and fill `res` (identity included). Never fails: every
 * outcome is a status with a reason. */
void ab_run_case(ab_open_device *dev, const ab_case_spec *spec, const char *provider,
                 const ab_suite *suite, ab_case_result *res);

/* Open / close a device with the suite's options. */
ab_status ab_device_open(ab_open_device *dev, const ab_loaded_backend *backend, uint32_t index,
                         const ab_suite *suite, char *msg);
void ab_device_close(ab_open_device *dev);

#endif
