/* Private declarations of the CUDA runtime (libcudart) functions the cuda backend calls,
 * resolved at run time through the shared layer (backends/common/ab_vendor.h); the module
 * never links CUDA and never needs the toolkit to build.
 *
 * source: ../shared/reference/vendor-api-facts.md 1.1 (sonames, plain symbol names,
 * behaviour with no driver) and 1.2 (prototypes and enum values), VERIFIED-LOCAL against
 * the CUDA 13.0 toolkit header cuda_runtime_api.h / driver_types.h.
 *
 * Enum-typed parameters and results are declared with the integer type GCC and Clang give
 * the vendor's enum (unsigned int when every enumerator is non-negative), so that
 * tests/cuda/toolkit_types.c can assign each real function to these pointer types with no
 * conversion: a mismatch fails that test's build. */
#ifndef AB_CUDA_RT_H
#define AB_CUDA_RT_H

#include <stddef.h>

typedef unsigned int abcu_error;         /* enum cudaError; cudaSuccess = 0 */
typedef struct CUstream_st *abcu_stream; /* cudaStream_t (same pointee as CUstream) */
typedef struct CUevent_st *abcu_event;   /* cudaEvent_t */

/* facts 1.2, driver_types.h */
enum {
  ABCU_SUCCESS = 0,
  ABCU_ERROR_MEMORY_ALLOCATION = 2,
  ABCU_ERROR_INSUFFICIENT_DRIVER = 35,
  ABCU_ERROR_NO_DEVICE = 100,
  ABCU_MEMCPY_HOST_TO_DEVICE = 1,
  ABCU_MEMCPY_DEVICE_TO_HOST = 2,
  ABCU_MEMCPY_DEVICE_TO_DEVICE = 3,
  ABCU_STREAM_NON_BLOCKING = 0x01,
  ABCU_EVENT_DEFAULT = 0x00,
};

typedef struct abcu_rt_api {
  abcu_error (*cudaGetDeviceCount)(int *count);
  abcu_error (*cudaSetDevice)(int device);
  abcu_error (*cudaDeviceSynchronize)(void);
  abcu_error (*cudaMalloc)(void **ptr, size_t size);
  abcu_error (*cudaFree)(void *ptr);
  abcu_error (*cudaMallocHost)(void **ptr, size_t size);
  abcu_error (*cudaFreeHost)(void *ptr);
  abcu_error (*cudaMemGetInfo)(size_t *free_bytes, size_t *total_bytes);
  abcu_error (*cudaMemcpy)(void *dst, const void *src, size_t count, unsigned int kind);
  abcu_error (*cudaMemcpyAsync)(void *dst, const void *src, size_t count, unsigned int kind,
                                abcu_stream stream);
  abcu_error (*cudaStreamCreateWithFlags)(abcu_stream *stream, unsigned int flags);
  abcu_error (*cudaStreamDestroy)(abcu_stream stream);
  abcu_error (*cudaStreamSynchronize)(abcu_stream stream);
  abcu_error (*cudaEventCreateWithFlags)(abcu_event *event, unsigned int flags);
  abcu_error (*cudaEventRecord)(abcu_event event, abcu_stream stream);
  abcu_error (*cudaEventSynchronize)(abcu_event event);
  abcu_error (*cudaEventElapsedTime)(float *ms, abcu_event start, abcu_event end);
  abcu_error (*cudaEventDestroy)(abcu_event event);
  const char *(*cudaGetErrorString)(abcu_error error);
  const char *(*cudaGetErrorName)(abcu_error error);
  abcu_error (*cudaGetLastError)(void);
  abcu_error (*cudaDriverGetVersion)(int *version);
  abcu_error (*cudaRuntimeGetVersion)(int *version);
} abcu_rt_api;

#endif
