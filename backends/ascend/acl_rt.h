/* Private declarations of the Ascend ACL runtime (libascendcl.so) functions the ascend
 * backend calls, resolved at run time through the shared layer (backends/common/ab_vendor.h);
 * the module never links CANN and never needs it to build.
 *
 * source: ../shared/reference/vendor-api-facts.md 2.1 (library), 2.2 (prototypes, enum
 * values), VERIFIED against Ascend/pytorch:third_party/acl/inc/acl/{acl_base.h,acl_rt.h}
 * @82a855102b72 and hicann/runtime:include/external/acl/{acl_rt.h,acl_base_rt.h}
 * @681ef7610df1. The aclCANNPackageVersion layout: facts 2.2 and
 * hicann/runtime:docs/api_docs/aclCANNPackageVersion.md. */
#ifndef AB_ASCEND_ACL_RT_H
#define AB_ASCEND_ACL_RT_H

#include <stddef.h>
#include <stdint.h>

typedef int aclError;       /* ACL_SUCCESS = 0 (acl_base.h) */
typedef void *abacl_stream; /* aclrtStream */
typedef void *abacl_event;  /* aclrtEvent */

enum {
  ABACL_SUCCESS = 0,
  ABACL_ERROR_REPEAT_INITIALIZE = 100002, /* aclInit a second time (facts 2.2) */
  /* aclrtMemcpyKind (facts 2.2) */
  ABACL_MEMCPY_HOST_TO_DEVICE = 1,
  ABACL_MEMCPY_DEVICE_TO_HOST = 2,
  ABACL_MEMCPY_DEVICE_TO_DEVICE = 3,
  /* aclrtMemMallocPolicy (facts 2.2) */
  ABACL_MEM_MALLOC_HUGE_FIRST = 0,
  /* aclrtMemAttr (facts 2.2) */
  ABACL_HBM_MEM = 1,
  /* aclCANNPackageName (facts 2.2) */
  ABACL_PKG_NAME_CANN = 0,
};

/* aclCANNPackageVersion (facts 2.2; ACL_PKG_VERSION_MAX_SIZE 128, _PARTS_MAX_SIZE 64). */
typedef struct abacl_pkg_version {
  char version[128];
  char major[64];
  char minor[64];
  char release[64];
  char patch[64];
  char reserved[128];
} abacl_pkg_version;

typedef struct abacl_rt_api {
  aclError (*aclInit)(const char *configPath);
  aclError (*aclFinalize)(void);
  aclError (*aclrtSetDevice)(int32_t deviceId);
  aclError (*aclrtResetDevice)(int32_t deviceId);
  aclError (*aclrtGetDeviceCount)(uint32_t *count);
  aclError (*aclrtCreateStream)(abacl_stream *stream);
  aclError (*aclrtDestroyStream)(abacl_stream stream);
  aclError (*aclrtSynchronizeStream)(abacl_stream stream);
  aclError (*aclrtMalloc)(void **devPtr, size_t size, int policy);
  aclError (*aclrtFree)(void *devPtr);
  aclError (*aclrtMallocHost)(void **hostPtr, size_t size);
  aclError (*aclrtFreeHost)(void *hostPtr);
  aclError (*aclrtMemcpy)(void *dst, size_t destMax, const void *src, size_t count, int kind);
  aclError (*aclrtMemcpyAsync)(void *dst, size_t destMax, const void *src, size_t count, int kind,
                               abacl_stream stream);
  aclError (*aclrtGetMemInfo)(int attr, size_t *free_bytes, size_t *total);
  aclError (*aclrtCreateEvent)(abacl_event *event);
  aclError (*aclrtRecordEvent)(abacl_event event, abacl_stream stream);
  aclError (*aclrtSynchronizeEvent)(abacl_event event);
  aclError (*aclrtEventElapsedTime)(float *ms, abacl_event start, abacl_event end);
  aclError (*aclrtDestroyEvent)(abacl_event event);
  const char *(*aclGetRecentErrMsg)(void);
  /* optional: facts, not needed to run */
  const char *(*aclrtGetSocName)(void);
  aclError (*aclrtGetVersion)(int32_t *major, int32_t *minor, int32_t *patch);
  aclError (*aclsysGetCANNVersion)(int name, abacl_pkg_version *version);
  aclError (*aclsysGetVersionStr)(char *pkgName, char *versionStr);
} abacl_rt_api;

#endif
