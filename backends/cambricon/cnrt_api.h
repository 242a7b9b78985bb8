/* Private declarations of the Cambricon runtime (libcnrt) functions the cambricon backend
 * calls, resolved at run time through the shared layer (backends/common/ab_vendor.h); the
 * module never links Neuware and never needs it to build. Nothing else of CNRT is declared.
 *
 * source: ../shared/reference/vendor-api-facts.md 3.1 (VERIFIED against a public copy of
 * cnrt.h with CNRT_MAJOR_VERSION 6 / MINOR 0 / PATCH 2; a CNRT 6.14.1 copy agrees), with
 * correction 7.7: cnrtNotifierDuration gives MICROseconds of hardware time, cnrtMemcpyAsync
 * takes the queue before the direction, and the direction enum is not CUDA's order.
 * Read in the same two public cnrt.h copies (6.0.2 and 6.14.1; their repository could not
 * be identified, facts 8), for what the sheet lists without a prototype:
 *   cnrtRet_t cnrtDeviceGetAttribute(int *pValue, cnrtDeviceAttr_t attr, int device);
 *   cnrtRet_t cnrtGetDeviceProperties(cnrtDeviceProp_t *prop, int device);
 *   cnrtRet_t cnrtDeviceGetPCIBusId(char *pciBusId, int len, int device);
 *   cnrtRet_t cnrtHostMalloc(void **pPtr, size_t bytes);  cnrtRet_t cnrtFreeHost(void *ptr);
 * cnrtDeviceProp_t is never mirrored: it is { char name[256]; } in 6.0.2 and grew many
 * fields by 6.14.1, always starting with char name[256], so the backend passes a large
 * zeroed block and reads only those first 256 bytes.
 *
 * Enum-typed parameters are declared as int (the enumerators are small and non-negative). */
#ifndef AB_CNRT_API_H
#define AB_CNRT_API_H

#include <stddef.h>

typedef int abmlu_ret;                       /* cnrtRet_t; cnrtSuccess = 0 */
typedef struct cnrtQueue *abmlu_queue;       /* cnrtQueue_t (opaque) */
typedef struct cnrtNotifier *abmlu_notifier; /* cnrtNotifier_t (opaque) */

/* facts 3.1 */
enum {
  ABMLU_SUCCESS = 0,
  ABMLU_ERROR_NO_DEVICE = 100004,
  ABMLU_ERROR_NO_MEM = 100100,
  /* cnrtMemTransDir_t (CNRT 6.0.2): HostToDev 0, DevToDev 1, DevToHost 2 */
  ABMLU_MEMCPY_HOST_TO_DEV = 0,
  ABMLU_MEMCPY_DEV_TO_DEV = 1,
  ABMLU_MEMCPY_DEV_TO_HOST = 2,
  /* cnrtDeviceAttr_t */
  ABMLU_ATTR_CC_MAJOR = 0x01,
  ABMLU_ATTR_CC_MINOR = 0x02,
  ABMLU_ATTR_CLUSTER_COUNT = 0x205,
  ABMLU_ATTR_MCORE_PER_CLUSTER = 0x206,
  ABMLU_ATTR_IPU_CLOCK_KHZ = 0x402,
  ABMLU_ATTR_MEM_CLOCK_KHZ = 0x403,
  ABMLU_ATTR_GMEM_BUS_BITS = 0x404,
  ABMLU_ATTR_TOTAL_MEM_MB = 0x405,
};

/* Bytes handed to cnrtGetDeviceProperties: more than the 6.14.1 struct needs. */
#define ABMLU_PROP_BYTES 8192

typedef struct abmlu_api {
  abmlu_ret (*cnrtGetDeviceCount)(unsigned int *count);
  abmlu_ret (*cnrtSetDevice)(int ordinal);
  abmlu_ret (*cnrtMalloc)(void **ptr, size_t bytes);
  abmlu_ret (*cnrtFree)(void *ptr);
  abmlu_ret (*cnrtMemcpy)(void *dst, void *src, size_t bytes, int dir);
  abmlu_ret (*cnrtMemcpyAsync)(void *dst, void *src, size_t bytes, abmlu_queue queue, int dir);
  abmlu_ret (*cnrtQueueCreate)(abmlu_queue *queue);
  abmlu_ret (*cnrtQueueDestroy)(abmlu_queue queue);
  abmlu_ret (*cnrtQueueSync)(abmlu_queue queue);
  abmlu_ret (*cnrtNotifierCreate)(abmlu_notifier *notifier);
  abmlu_ret (*cnrtNotifierDestroy)(abmlu_notifier notifier);
  abmlu_ret (*cnrtPlaceNotifier)(abmlu_notifier notifier, abmlu_queue queue);
  abmlu_ret (*cnrtWaitNotifier)(abmlu_notifier notifier);
  abmlu_ret (*cnrtNotifierDuration)(abmlu_notifier start, abmlu_notifier end, float *us);
  abmlu_ret (*cnrtGetLibVersion)(int *major, int *minor, int *patch);
  abmlu_ret (*cnrtDriverGetVersion)(int *major, int *minor, int *patch);
  const char *(*cnrtGetErrorStr)(abmlu_ret error);
  /* optional: a missing one loses only what needs it, named in the reason */
  const char *(*cnrtGetErrorName)(abmlu_ret error);
  abmlu_ret (*cnrtDeviceGetAttribute)(int *value, int attr, int device);
  abmlu_ret (*cnrtGetDeviceProperties)(void *prop, int device);
  abmlu_ret (*cnrtDeviceGetPCIBusId)(char *bus_id, int len, int device);
  abmlu_ret (*cnrtHostMalloc)(void **ptr, size_t bytes);
  abmlu_ret (*cnrtFreeHost)(void *ptr);
} abmlu_api;

#endif
