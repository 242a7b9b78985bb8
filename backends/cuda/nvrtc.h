/* Private declarations of NVRTC (libnvrtc) for run-time compiled kernels.
 *
 * source: ../shared/reference/vendor-api-facts.md 1.4 (prototypes; libnvrtc.so.13 loads
 * libnvrtc-builtins beside it; supported architectures from sm_75; --gpu-architecture=sm_XY
 * gives a CUBIN), VERIFIED-LOCAL against the CUDA 13.0 toolkit header nvrtc.h. */
#ifndef AB_CUDA_NVRTC_H
#define AB_CUDA_NVRTC_H

#include <stddef.h>

typedef unsigned int abcu_nvrtc_result;     /* nvrtcResult; NVRTC_SUCCESS = 0 */
typedef struct _nvrtcProgram *abcu_program; /* nvrtcProgram */

typedef struct abcu_nvrtc_api {
  abcu_nvrtc_result (*nvrtcVersion)(int *major, int *minor);
  abcu_nvrtc_result (*nvrtcCreateProgram)(abcu_program *prog, const char *src, const char *name,
                                          int n_headers, const char *const *headers,
                                          const char *const *include_names);
  abcu_nvrtc_result (*nvrtcCompileProgram)(abcu_program prog, int n_options,
                                           const char *const *options);
  abcu_nvrtc_result (*nvrtcGetCUBINSize)(abcu_program prog, size_t *bytes);
  abcu_nvrtc_result (*nvrtcGetCUBIN)(abcu_program prog, char *cubin);
  abcu_nvrtc_result (*nvrtcGetProgramLogSize)(abcu_program prog, size_t *bytes);
  abcu_nvrtc_result (*nvrtcGetProgramLog)(abcu_program prog, char *log);
  abcu_nvrtc_result (*nvrtcDestroyProgram)(abcu_program *prog);
  const char *(*nvrtcGetErrorString)(abcu_nvrtc_result result);
} abcu_nvrtc_api;

#endif
