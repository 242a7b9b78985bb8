/* Private declarations of the HIP runtime (libamdhip64) functions the rocm backend calls,
 * resolved at run time through the shared layer (backends/common/ab_vendor.h); the module
 * never links ROCm and never needs its headers to build.
 *
 * source: ../shared/reference/vendor-api-facts.md 4.1 (VERIFIED: prototypes, error codes,
 * hipMemcpyKind, event and stream flags, the ROCm 6.x hipDeviceAttribute_t numbers), and
 * the functions the sheet does not list read in the same header at the same commit:
 * ROCm/HIP:include/hip/hip_runtime_api.h@c5e11fcac8249ce4f7e70157588ff9661a870b59
 * (hipDeviceGet, hipDeviceGetName, hipDeviceTotalMem, hipDeviceGetPCIBusId, hipHostMalloc,
 * hipHostFree, hipStreamCreateWithFlags, hipMemcpyAsync; hipDevice_t is int;
 * hipHostMallocDefault 0x0; hipErrorOutOfMemory 2). The runtime version encoding
 * (major * 10000000 + minor * 100000 + patch since ROCm 4.2) is ROCm/HIP:docs/how-to/faq.md
 * at that commit ("How can I know the version of HIP?").
 *
 * hipDeviceProp_t is never mirrored (its layout moved with R0600, facts 4.1), so the
 * gcnArchName it carries is not read: HIP 6 retired the attribute that gave it
 * (hipDeviceAttributeUnused5, "Previously hipDeviceAttributeGcnArchName"). */
#ifndef AB_ROCM_HIP_RT_H
#define AB_ROCM_HIP_RT_H

#include <stddef.h>

typedef int abhip_error;                   /* hipError_t; hipSuccess = 0 */
typedef struct ihipStream_t *abhip_stream; /* hipStream_t */
typedef struct ihipEvent_t *abhip_event;   /* hipEvent_t */
typedef int abhip_device;                  /* hipDevice_t */

enum {
  ABHIP_SUCCESS = 0,
  ABHIP_ERROR_OUT_OF_MEMORY = 2,
  ABHIP_ERROR_NO_DEVICE = 100,
  ABHIP_MEMCPY_HOST_TO_DEVICE = 1,
  ABHIP_MEMCPY_DEVICE_TO_HOST = 2,
  ABHIP_MEMCPY_DEVICE_TO_DEVICE = 3,
  ABHIP_STREAM_NON_BLOCKING = 0x01,
  ABHIP_EVENT_DEFAULT = 0x0,
  ABHIP_HOST_MALLOC_DEFAULT = 0x0,
};

/* hipDeviceAttribute_t, ROCm 6.x numbering (facts 4.1 table). Older HIP numbered them
 * differently: the backend refuses a runtime older than ABHIP_MIN_VERSION. */
enum {
  ABHIP_ATTR_CLOCK_RATE_KHZ = 5,
  ABHIP_ATTR_L2_CACHE_SIZE = 19,
  ABHIP_ATTR_CC_MAJOR = 23,
  ABHIP_ATTR_MEMORY_BUS_WIDTH = 59,
  ABHIP_ATTR_MEMORY_CLOCK_RATE_KHZ = 60,
  ABHIP_ATTR_CC_MINOR = 61,
  ABHIP_ATTR_MULTIPROCESSOR_COUNT = 63,
  ABHIP_ATTR_WARP_SIZE = 87,
};

/* HIP 6.0 in hipRuntimeGetVersion's encoding: the first runtime of the attribute table. */
#define ABHIP_VERSION(major, minor) ((major)*10000000 + (minor)*100000)
#define ABHIP_MIN_VERSION           ABHIP_VERSION(6, 0)

typedef struct abhip_api {
  abhip_error (*hipGetDeviceCount)(int *count);
  abhip_error (*hipSetDevice)(int device);
  abhip_error (*hipDeviceSynchronize)(void);
  abhip_error (*hipDeviceGet)(abhip_device *device, int ordinal);
  abhip_error (*hipDeviceGetName)(char *name, int len, abhip_device device);
  abhip_error (*hipDeviceTotalMem)(size_t *bytes, abhip_device device);
  abhip_error (*hipDeviceGetPCIBusId)(char *bus_id, int len, int device);
  abhip_error (*hipDeviceGetAttribute)(int *value, int attr, int device);
  abhip_error (*hipMalloc)(void **ptr, size_t size);
  abhip_error (*hipFree)(void *ptr);
  abhip_error (*hipMemGetInfo)(size_t *free_bytes, size_t *total_bytes);
  abhip_error (*hipMemcpy)(void *dst, const void *src, size_t bytes, int kind);
  abhip_error (*hipMemcpyAsync)(void *dst, const void *src, size_t bytes, int kind,
                                abhip_stream stream);
  abhip_error (*hipStreamCreateWithFlags)(abhip_stream *stream, unsigned int flags);
  abhip_error (*hipStreamDestroy)(abhip_stream stream);
  abhip_error (*hipStreamSynchronize)(abhip_stream stream);
  abhip_error (*hipEventCreateWithFlags)(abhip_event *event, unsigned int flags);
  abhip_error (*hipEventRecord)(abhip_event event, abhip_stream stream);
  abhip_error (*hipEventSynchronize)(abhip_event event);
  abhip_error (*hipEventElapsedTime)(float *ms, abhip_event start, abhip_event stop);
  abhip_error (*hipEventDestroy)(abhip_event event);
  const char *(*hipGetErrorString)(abhip_error error);
  const char *(*hipGetErrorName)(abhip_error error);
  abhip_error (*hipDriverGetVersion)(int *version);
  abhip_error (*hipRuntimeGetVersion)(int *version);
  /* optional: without them the pinned-memory copies are unsupported, with the reason */
  abhip_error (*hipHostMalloc)(void **ptr, size_t size, unsigned int flags);
  abhip_error (*hipHostFree)(void *ptr);
} abhip_api;

#endif
