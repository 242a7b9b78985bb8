/* Buffers that hold a device pointer (ab_vbuffer.h). */
#include <stdio.h>
#include <stdlib.h>

#include "ab_vbuffer.h"

ab_status ab_vbuffer_alloc(const ab_vmem *mem, size_t bytes, ab_buffer **out, char *msg) {
  *out = NULL;
  ab_buffer *b = calloc(1, sizeof *b);
  if (!b) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for a buffer handle");
    return AB_E_NOMEM;
  }
  ab_status st = mem->alloc(mem->ctx, bytes ? bytes : 1, &b->ptr, msg);
  if (st != AB_OK) {
    free(b);
    return st;
  }
  b->bytes = bytes;
  *out = b;
  return AB_OK;
}

void ab_vbuffer_free(const ab_vmem *mem, ab_buffer *buf) {
  if (!buf)
    return;
  mem->free(mem->ctx, buf->ptr);
  free(buf);
}

ab_status ab_vbuffer_range(const ab_buffer *b, size_t offset, size_t bytes, char *msg) {
  return ab_vcheck_range(b ? b->bytes : 0, offset, bytes, msg);
}
