/* A fake libnnopbase.so for tests (never installed): aclCreateTensor records what it was
 * given (struct aclTensor in fake_acl.h), in facts 2.3's argument order. */
#include <string.h>

#include "fake_acl.h"

EXPORT struct aclTensor *aclCreateTensor(const int64_t *dims, uint64_t n, int dtype,
                                         const int64_t *strides, int64_t offset, int format,
                                         const int64_t *storage, uint64_t storage_n, void *data) {
  (void)storage, (void)storage_n;
  if (n > 8 || !dims || !strides)
    return NULL;
  struct aclTensor *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  memcpy(t->dims, dims, n * sizeof *dims);
  memcpy(t->strides, strides, n * sizeof *strides);
  t->n = n, t->dtype = dtype, t->offset = offset, t->format = format, t->data = data;
  return t;
}

EXPORT int32_t aclDestroyTensor(const struct aclTensor *t) {
  free((void *)t);
  return 0;
}
