/* Shared by the fake CANN libraries (test fixtures only: never installed).
 * Fault switches (environment):
 *   FAKE_ACL_DEVICES=N            devices aclrtGetDeviceCount reports (default 1)
 *   FAKE_ACL_INIT_ERROR=N         aclInit returns N, with a recent-error text
 *   FAKE_ACL_MALLOC_FAIL_BYTES=N  aclrtMalloc of N bytes or more fails (code 207001)
 *   FAKE_CANN_VERSION=x.y.z       what aclsysGetCANNVersion reports (default 8.1.RC1)
 *   FAKE_ACLNN_STATUS=N           every aclnnXxx run phase returns N with a message
 * The fake operator libraries record in the environment which kind (all-in-one or split)
 * is loaded; an operator of a process that loaded both kinds fails (561000). */
#ifndef AB_TESTS_FAKE_ACL_H
#define AB_TESTS_FAKE_ACL_H

#include <stdint.h>
#include <stdlib.h>

#define EXPORT __attribute__((visibility("default")))

static inline long fake_env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 10) : dflt;
}

/* The fake aclTensor: what aclCreateTensor was given. */
struct aclTensor {
  int64_t dims[8], strides[8];
  uint64_t n;
  int dtype; /* aclDataType: 0 float, 1 float16, 27 bf16 */
  int64_t offset;
  int format;
  void *data;
};

/* Set by the fake operator libraries, read back through aclGetRecentErrMsg (the fakes link
 * the fake libascendcl, as the real operator libraries link the real one). */
void fake_acl_set_error(const char *text);

#endif
