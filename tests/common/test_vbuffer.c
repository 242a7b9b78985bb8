/* The shared vendor layer's device-pointer buffers (backends/common/ab_vbuffer.c): the
 * allocator is asked for at least one byte, a failing allocator leaves no handle and keeps
 * its message, free releases both, and ranges are checked against the buffer's size. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "ab_vbuffer.h"

typedef struct fake_mem {
  size_t last_request;
  int live;
  int fail;
} fake_mem;

static ab_status fake_alloc(void *ctx, size_t bytes, void **ptr, char *msg) {
  fake_mem *m = ctx;
  m->last_request = bytes;
  if (m->fail) {
    strcpy(msg, "fakeMalloc: out of device memory (2)");
    return AB_E_NOMEM;
  }
  *ptr = malloc(bytes);
  m->live++;
  return AB_OK;
}

static void fake_free(void *ctx, void *ptr) {
  fake_mem *m = ctx;
  free(ptr);
  m->live--;
}

Test(vbuffer, alloc_free_and_range) {
  fake_mem m = {0};
  ab_vmem mem = {&m, fake_alloc, fake_free};
  char msg[AB_MSG_LEN] = "";
  ab_buffer *b = NULL;
  cr_assert_eq(ab_vbuffer_alloc(&mem, 0, &b, msg), AB_OK);
  cr_assert_eq(m.last_request, 1, "a zero-size buffer still gets one byte of device memory");
  cr_assert_eq(b->bytes, 0);
  ab_vbuffer_free(&mem, b);
  cr_assert_eq(ab_vbuffer_alloc(&mem, 4096, &b, msg), AB_OK);
  cr_assert_eq(ab_vbuffer_range(b, 4000, 96, msg), AB_OK);
  cr_assert_eq(ab_vbuffer_range(b, 4000, 97, msg), AB_E_INVALID);
  cr_assert_str_eq(msg, "copy of 97 bytes at offset 4000 is outside a buffer of 4096");
  cr_assert_eq(ab_vbuffer_range(NULL, 0, 1, msg), AB_E_INVALID, "a NULL buffer holds nothing");
  ab_vbuffer_free(&mem, b);
  ab_vbuffer_free(&mem, NULL);
  cr_assert_eq(m.live, 0, "every allocation freed");
}

Test(vbuffer, failed_allocation_keeps_the_vendor_message) {
  fake_mem m = {.fail = 1};
  ab_vmem mem = {&m, fake_alloc, fake_free};
  char msg[AB_MSG_LEN] = "";
  ab_buffer *b = (ab_buffer *)&m;
  cr_assert_eq(ab_vbuffer_alloc(&mem, 64, &b, msg), AB_E_NOMEM);
  cr_assert_null(b);
  cr_assert_str_eq(msg, "fakeMalloc: out of device memory (2)");
}
