/* accelbench cudalike backends — private declarations of the CUDA-shaped runtime and BLAS
 * functions the adapter calls, resolved at run time by prefix + suffix ("musa" + "Malloc",
 * "mc" + "Malloc", "cuda" + "Malloc"); the modules never link a vendor SDK.
 *
 * Shapes. These runtimes copy the CUDA runtime's C API (facts sheet section 5 and 6:
 * Moore Threads musa*, MetaX mc*, Iluvatar CoreX the CUDA names themselves), so one
 * prototype per suffix serves all three. The prototypes are the CUDA runtime's
 * (../shared/reference/vendor-api-facts.md 1.2, VERIFIED-LOCAL against CUDA 13.0
 * cuda_runtime_api.h) and cuBLAS's (facts 1.5). That MUSA's and MACA's functions of the
 * same suffix take the same arguments is INFERRED from facts 6: InfiniCore's
 * src/infinirt/moore/infinirt_moore.cc and src/infinirt/metax/infinirt_metax.cc
 * (InfiniTensor/InfiniCore@2cec6ce6b27a) call each of them with CUDA's argument list.
 *
 * Values. Enum values (status codes, copy kinds, BLAS operation/datatype/compute/algo) are
 * never declared here: they are per vendor, with their provenance, in the table
 * (cudalike_vendors.c), and a value no public source confirms is absent there. */
#ifndef AB_CUDALIKE_API_H
#define AB_CUDALIKE_API_H

#include <stddef.h>

typedef int cl_error;                   /* cudaError_t / musaError_t / mcError_t */
typedef struct cl_stream_st *cl_stream; /* cudaStream_t and its renames: opaque pointers */
typedef struct cl_event_st *cl_event;
typedef int cl_blas_status;         /* cublasStatus_t and its renames */
typedef struct cl_blas_st *cl_blas; /* cublasHandle_t and its renames */

/* Runtime functions; the comment is the suffix after the vendor's prefix. */
typedef struct cl_rt_api {
  cl_error (*get_device_count)(int *count);                                    /* GetDeviceCount */
  cl_error (*set_device)(int device);                                          /* SetDevice */
  cl_error (*malloc_dev)(void **ptr, size_t size);                             /* Malloc */
  cl_error (*free_dev)(void *ptr);                                             /* Free */
  cl_error (*malloc_host)(void **ptr, size_t size);                            /* MallocHost */
  cl_error (*free_host)(void *ptr);                                            /* FreeHost */
  cl_error (*mem_get_info)(size_t *free_bytes, size_t *total);                 /* MemGetInfo */
  cl_error (*memcpy_sync)(void *dst, const void *src, size_t count, int kind); /* Memcpy */
  cl_error (*memcpy_async)(void *dst, const void *src, size_t count, int kind,
                           cl_stream stream);                              /* MemcpyAsync */
  cl_error (*stream_create)(cl_stream *stream);                            /* StreamCreate */
  cl_error (*stream_destroy)(cl_stream stream);                            /* StreamDestroy */
  cl_error (*stream_synchronize)(cl_stream stream);                        /* StreamSynchronize */
  cl_error (*event_create)(cl_event *event);                               /* EventCreate */
  cl_error (*event_record)(cl_event event, cl_stream stream);              /* EventRecord */
  cl_error (*event_synchronize)(cl_event event);                           /* EventSynchronize */
  cl_error (*event_elapsed_time)(float *ms, cl_event start, cl_event end); /* EventElapsedTime */
  cl_error (*event_destroy)(cl_event event);                               /* EventDestroy */
  /* optional */
  const char *(*get_error_name)(cl_error e);                          /* GetErrorName */
  const char *(*get_error_string)(cl_error e);                        /* GetErrorString */
  cl_error (*runtime_get_version)(int *version);                      /* RuntimeGetVersion */
  cl_error (*driver_get_version)(int *version);                       /* DriverGetVersion */
  cl_error (*device_get_attribute)(int *value, int attr, int device); /* DeviceGetAttribute */
} cl_rt_api;

/* BLAS functions (cuBLAS shape, facts 1.5); the suffix follows the BLAS prefix, and the
 * handle functions take the row's handle suffix ("_v2" for cuBLAS's exported names). */
typedef struct cl_blas_api {
  cl_blas_status (*create)(cl_blas *handle);                      /* Create<v2> */
  cl_blas_status (*destroy)(cl_blas handle);                      /* Destroy<v2> */
  cl_blas_status (*set_stream)(cl_blas handle, cl_stream stream); /* SetStream<v2> */
  cl_blas_status (*gemm_ex)(cl_blas handle, int transa, int transb, int m, int n, int k,
                            const void *alpha, const void *a, int atype, int lda, const void *b,
                            int btype, int ldb, const void *beta, void *c, int ctype, int ldc,
                            int compute_type, int algo); /* GemmEx */
  const char *(*get_status_string)(cl_blas_status s);    /* GetStatusString (optional) */
} cl_blas_api;

#endif
