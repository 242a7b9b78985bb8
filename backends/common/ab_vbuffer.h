/* accelbench — the shared vendor-adapter layer: buffers that hold a device pointer.
 *
 * Every adapter whose runtime hands out device memory as a pointer (cuda, ascend,
 * cambricon, rocm, the CUDA-like runtimes; not OpenCL's cl_mem) includes this header for its
 * `struct ab_buffer` instead of defining its own, and implements buffer_alloc and
 * buffer_free with the two helpers below, over its allocator (ab_vmem). */
#ifndef AB_BACKENDS_COMMON_VBUFFER_H
#define AB_BACKENDS_COMMON_VBUFFER_H

#include <stddef.h>

#include "ab_vendor.h"

struct ab_buffer {
  void *ptr; /* device pointer */
  size_t bytes;
};

/* A handle and `bytes` of device memory through `mem` (at least one byte: a zero-size
 * allocation is NULL or an error on some runtimes). *out is NULL on error. */
ab_status ab_vbuffer_alloc(const ab_vmem *mem, size_t bytes, ab_buffer **out, char *msg);

/* Free the memory and the handle (NULL is a no-op). */
void ab_vbuffer_free(const ab_vmem *mem, ab_buffer *buf);

/* [offset, offset + bytes) lies inside `b` (a NULL buffer holds nothing): ab_vcheck_range. */
ab_status ab_vbuffer_range(const ab_buffer *b, size_t offset, size_t bytes, char *msg);

#endif
