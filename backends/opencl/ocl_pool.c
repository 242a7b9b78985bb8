/* accelbench OpenCL backend — reuse of device allocations across cases.
 *
 * A worker process runs all of a device's cases on one open device (docs/reliability.md),
 * and the harness frees each case's output and each shape's inputs when it moves on, so
 * the next case would allocate afresh. On a CPU device such as POCL a fresh buffer is
 * fresh host memory: its pages are faulted in by the first write (POCL allocates buffer
 * storage lazily; clCreateBuffer of 128 MiB returns at once and the first
 * clEnqueueWriteBuffer takes the faults). In the 2-core VM this backend is developed on,
 * that first write of 128 MiB took 0.38-0.46 s against 0.02-0.06 s for a second write
 * into the same buffer (a standalone clCreateBuffer/clEnqueueWriteBuffer loop on POCL 3.1;
 * docs/opencl.md). A freed allocation is therefore kept and handed to a later
 * buffer_alloc of the same or a somewhat smaller size, as a sub-buffer when smaller
 * (clCreateSubBuffer, OpenCL 1.1; origin 0 is aligned for every device). Reused memory
 * is what a real application that allocates once and reuses would have; every operand is
 * still written by the harness (inputs uploaded, outputs poisoned) before a case uses it.
 * On a CPU device a new allocation is faulted in at once (prefault_new_buffer below), so
 * even the first use of a buffer takes no page faults.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ocl_internal.h"

/* Buffers below this are allocated and released directly: their page faults cost
 * little, and keeping them would let small buffers pin down large allocations. */
#define OCL_POOL_MIN_BYTES ((size_t)1 << 20)
/* A kept allocation serves a request of at least 1/OCL_POOL_MAX_SLACK of its size, so a
 * small buffer does not occupy a large allocation a later large request could use. */
#define OCL_POOL_MAX_SLACK 4
/* Kept (free) bytes are capped at a quarter of the device's global memory, and 1 GiB. */
#define OCL_POOL_MAX_BYTES ((size_t)1 << 30)

static size_t pool_cap(const ocl_state *st) {
  size_t quarter = (size_t)(st->caps.global_mem / 4);
  return quarter && quarter < OCL_POOL_MAX_BYTES ? quarter : OCL_POOL_MAX_BYTES;
}

/* Unlinks and returns the smallest kept allocation that fits `bytes`, or NULL. */
static ocl_pooled *take_best_fit(ocl_state *st, size_t bytes) {
  ocl_pooled **best = NULL;
  for (ocl_pooled **p = &st->pool; *p; p = &(*p)->next) {
    size_t have = (*p)->bytes;
    if (have >= bytes && have / OCL_POOL_MAX_SLACK <= bytes && (!best || have < (*best)->bytes))
      best = p;
  }
  if (!best)
    return NULL;
  ocl_pooled *e = *best;
  *best = e->next;
  st->pool_bytes -= e->bytes;
  return e;
}

/* Releases the least recently freed kept allocation (the list's tail). */
static void drop_oldest(ocl_state *st) {
  ocl_pooled **last = &st->pool;
  while ((*last)->next)
    last = &(*last)->next;
  st->pool_bytes -= (*last)->bytes;
  clReleaseMemObject((*last)->mem);
  free(*last);
  *last = NULL;
}

/* Drops the least recently freed allocations until `room` more bytes fit under the cap. */
static void make_room(ocl_state *st, size_t room) {
  while (st->pool && st->pool_bytes + room > pool_cap(st))
    drop_oldest(st);
}

/* Drops the least recently freed allocations until what is handed out, what is kept and
 * `want` more fit in 90% of the device's memory (the share the runner lets one case use,
 * bench/runner.c fits_device), so that kept memory never makes a case that fits fail. */
static void leave_room_on_device(ocl_state *st, size_t want) {
  double limit = 0.9 * (double)st->caps.global_mem;
  while (st->pool && st->caps.global_mem &&
         (double)st->live_bytes + (double)st->pool_bytes + (double)want > limit) {
    drop_oldest(st);
  }
}

/* Keeps `mem` for reuse, or releases it when it is too small or cannot fit the cap. */
static void keep(ocl_state *st, cl_mem mem, size_t bytes) {
  ocl_pooled *e = NULL;
  if (bytes >= OCL_POOL_MIN_BYTES && bytes <= pool_cap(st))
    e = malloc(sizeof *e);
  if (!e) {
    clReleaseMemObject(mem);
    return;
  }
  make_room(st, bytes);
  *e = (ocl_pooled){.mem = mem, .bytes = bytes, .next = st->pool};
  st->pool = e;
  st->pool_bytes += bytes;
}

/* `b` on a kept allocation: the allocation itself when the size matches, otherwise a
 * sub-buffer of its first `bytes`. Returns 0 when the driver refuses the sub-buffer. */
static int reuse(ocl_state *st, ocl_pooled *e, size_t bytes, ab_buffer *b) {
  b->root = e->mem;
  b->root_bytes = e->bytes;
  if (e->bytes == bytes) {
    b->mem = e->mem;
    return 1;
  }
  cl_buffer_region region = {.origin = 0, .size = bytes};
  cl_int err;
  b->mem =
      clCreateSubBuffer(e->mem, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &region, &err);
  if (err == CL_SUCCESS)
    return 1;
  b->mem = b->root = NULL;
  keep(st, e->mem, e->bytes);
  return 0;
}

static int is_allocation_failure(cl_int err) {
  return err == CL_MEM_OBJECT_ALLOCATION_FAILURE || err == CL_OUT_OF_RESOURCES ||
         err == CL_OUT_OF_HOST_MEMORY;
}

/* On a CPU device a buffer's storage is host memory that the driver faults in page by
 * page on first use (see the top of this file). A map of the new buffer reaches that
 * storage on CPU drivers (zero-copy: POCL returns the buffer's own memory), so it is
 * mapped with CL_MAP_WRITE_INVALIDATE_REGION (no copy: the contents are undefined until
 * the harness writes them, as they are for any new buffer), faulted in by one madvise
 * call (ocl_prefault) and unmapped. The buffer stays the driver's own allocation: same
 * pages, same placement as any application gets. On the 2-core dev VM a new 128 MiB
 * buffer then took 0.016-0.029 s to map and fault in plus 0.07 s for its first write,
 * against 0.39-0.42 s for a first write page by page (docs/opencl.md). GPUs and
 * accelerators are left alone (their buffers are device memory), and so is everything
 * under the option ocl_prefault=off. A driver whose map is not zero-copy gets its
 * staging memory faulted in instead: wasted, never wrong (nothing has been written to
 * the buffer yet, and the map and unmap are finished before buffer_alloc returns).
 *
 * Returns CL_SUCCESS, or the error that makes the new buffer unusable: an allocation
 * failure the driver only noticed at the map (POCL reserves lazily; the caller then
 * releases kept memory and retries), or a failed unmap (the buffer would stay mapped). */
static cl_int prefault_new_buffer(ocl_state *st, cl_mem mem, size_t bytes) {
  if (!(st->caps.type & CL_DEVICE_TYPE_CPU) || st->no_prefault || bytes < OCL_POOL_MIN_BYTES)
    return CL_SUCCESS; /* small buffers' faults cost little */
  cl_int err;
  void *p = clEnqueueMapBuffer(st->queue, mem, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, 0, bytes, 0,
                               NULL, NULL, &err);
  if (err == CL_INVALID_VALUE) /* an OpenCL 1.1 driver does not know the 1.2 flag */
    p = clEnqueueMapBuffer(st->queue, mem, CL_TRUE, CL_MAP_WRITE, 0, bytes, 0, NULL, NULL, &err);
  if (err != CL_SUCCESS)
    return is_allocation_failure(err) ? err : CL_SUCCESS; /* else: a saving missed, no more */
  ocl_prefault(p, bytes);
  err = clEnqueueUnmapMemObject(st->queue, mem, p, 0, NULL, NULL);
  return err == CL_SUCCESS ? clFinish(st->queue) : err;
}

/* `*what` names the call that failed, for the message. */
static cl_mem create_buffer(ocl_state *st, size_t bytes, cl_int *err, const char **what) {
  *what = "clCreateBuffer";
  cl_mem mem = clCreateBuffer(st->context, CL_MEM_READ_WRITE, bytes, NULL, err);
  if (*err != CL_SUCCESS)
    return NULL;
  *what = "map/unmap of a new buffer to fault it in (ocl_prefault=off skips it)";
  *err = prefault_new_buffer(st, mem, bytes);
  if (*err == CL_SUCCESS)
    return mem;
  clReleaseMemObject(mem);
  return NULL;
}

ab_status ocl_pool_alloc(ocl_state *st, size_t bytes, ab_buffer **out, char *msg) {
  *out = NULL;
  ab_buffer *b = calloc(1, sizeof *b);
  if (!b) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for a buffer handle");
    return AB_E_NOMEM;
  }
  /* OpenCL refuses zero-sized buffers; keep one byte so a zero-sized operand still works. */
  size_t want = bytes ? bytes : 1;
  b->bytes = bytes;
  ocl_pooled *e = want >= OCL_POOL_MIN_BYTES ? take_best_fit(st, want) : NULL;
  int reused = e && reuse(st, e, want, b);
  free(e);
  if (reused) {
    st->live_bytes += b->root_bytes;
    *out = b;
    return AB_OK;
  }
  leave_room_on_device(st, want);
  cl_int err;
  const char *what;
  b->mem = create_buffer(st, want, &err, &what);
  if (err != CL_SUCCESS && st->pool) {
    /* Kept memory is a convenience: give all of it back before failing a case. */
    ocl_pool_release(st);
    b->mem = create_buffer(st, want, &err, &what);
  }
  if (err != CL_SUCCESS) {
    free(b);
    return ocl_fail(msg, what, err);
  }
  b->root = b->mem;
  b->root_bytes = want;
  st->live_bytes += want;
  *out = b;
  return AB_OK;
}

void ocl_pool_free(ocl_state *st, ab_buffer *buf) {
  if (!buf)
    return;
  if (buf->mem != buf->root)
    clReleaseMemObject(buf->mem); /* the sub-buffer; its root is kept below */
  st->live_bytes -= buf->root_bytes <= st->live_bytes ? buf->root_bytes : st->live_bytes;
  keep(st, buf->root, buf->root_bytes);
  free(buf);
}

void ocl_pool_release(ocl_state *st) {
  while (st->pool) {
    ocl_pooled *next = st->pool->next;
    clReleaseMemObject(st->pool->mem);
    free(st->pool);
    st->pool = next;
  }
  st->pool_bytes = 0;
}
