/* Private declarations of the CUDA driver API (libcuda.so.1) functions the cuda backend
 * calls: device facts (name, attributes, memory, PCI bus id) and, for run-time compiled
 * kernels, module loading and launches.
 *
 * source: ../shared/reference/vendor-api-facts.md 1.1 (libcuda.so.1 ships with the driver;
 * never load the toolkit's stub) and 1.3 (prototypes; versioned symbol names: dlsym
 * "cuDeviceTotalMem_v2"), VERIFIED-LOCAL against the CUDA 13.0 toolkit header cuda.h.
 * The attribute numbers below are from facts 1.2 ("the driver enum uses the same numbers";
 * PCI ids 33/34/50 checked in the CUDA 13.0 toolkit header cuda.h). Integer types of enum
 * parameters: see cuda_rt.h. */
#ifndef AB_CUDA_DRV_H
#define AB_CUDA_DRV_H

#include <stddef.h>

typedef unsigned int abcu_result; /* enum cudaError_enum (CUresult); CUDA_SUCCESS = 0 */
typedef int abcu_device;          /* CUdevice */
typedef struct CUmod_st *abcu_module;
typedef struct CUfunc_st *abcu_function;
typedef struct CUstream_st *abcu_drv_stream;
typedef unsigned long long abcu_deviceptr;

enum {
  ABCU_ATTR_CLOCK_RATE_KHZ = 13,
  ABCU_ATTR_MULTIPROCESSOR_COUNT = 16,
  ABCU_ATTR_PCI_BUS_ID = 33,
  ABCU_ATTR_PCI_DEVICE_ID = 34,
  ABCU_ATTR_MEMORY_CLOCK_RATE_KHZ = 36,
  ABCU_ATTR_MEMORY_BUS_WIDTH = 37,
  ABCU_ATTR_PCI_DOMAIN_ID = 50,
  ABCU_ATTR_CC_MAJOR = 75,
  ABCU_ATTR_CC_MINOR = 76,
};

typedef struct abcu_drv_api {
  abcu_result (*cuInit)(unsigned int flags);
  abcu_result (*cuDriverGetVersion)(int *version);
  abcu_result (*cuDeviceGet)(abcu_device *device, int ordinal);
  abcu_result (*cuDeviceGetName)(char *name, int len, abcu_device dev);
  abcu_result (*cuDeviceGetAttribute)(int *value, unsigned int attrib, abcu_device dev);
  abcu_result (*cuDeviceTotalMem_v2)(size_t *bytes, abcu_device dev);
  abcu_result (*cuGetErrorString)(abcu_result error, const char **text);
  abcu_result (*cuGetErrorName)(abcu_result error, const char **name);
  /* Optional: run-time compiled kernels (launch latency, NVRTC kinds). */
  abcu_result (*cuModuleLoadData)(abcu_module *module, const void *image);
  abcu_result (*cuModuleGetFunction)(abcu_function *fn, abcu_module module, const char *name);
  abcu_result (*cuModuleUnload)(abcu_module module);
  abcu_result (*cuLaunchKernel)(abcu_function f, unsigned int gx, unsigned int gy, unsigned int gz,
                                unsigned int bx, unsigned int by, unsigned int bz,
                                unsigned int shared_bytes, abcu_drv_stream s, void **params,
                                void **extra);
} abcu_drv_api;

#endif
