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
 * On a CPU device a new allocation is this module's own memory, faulted in at once
 * (create_host_backed below), so even the first use of a buffer takes no page faults.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

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

/* Host memory that backs a CPU device's buffer, unmapped when the buffer is destroyed. */
typedef struct host_backing {
  void *ptr;
  size_t len;
} host_backing;

/* Touches nothing but its own record: a driver may run it on a thread of its own after
 * the device is closed (POCL 6 does; the module is linked -z nodelete so the code stays). */
static void CL_CALLBACK unmap_backing(cl_mem mem, void *user) {
  (void)mem;
  host_backing *h = user;
  munmap(h->ptr, h->len);
  free(h);
}

/* On a CPU device a buffer's storage is host memory whatever the flags, and the driver
 * faults it in page by page on first use (see the top of this file). Here the memory is
 * mapped by this module and faulted in at once (ocl_prefault) before the driver gets it as
 * CL_MEM_USE_HOST_PTR, which the OpenCL spec lets a driver use as the buffer's storage
 * (page-aligned, as CPU drivers want for zero-copy). It is the same kind of memory the
 * driver would allocate: anonymous, the system's page size and transparent-huge-page
 * policy (no page-size advice here). Returns NULL (the caller lets the driver allocate)
 * for GPUs and accelerators, whose buffers live in device memory, when the option
 * ocl_buffers=driver asks for the driver's memory, or when mapping fails. */
static cl_mem create_host_backed(ocl_state *st, size_t bytes, cl_int *err) {
  if (!(st->caps.type & CL_DEVICE_TYPE_CPU) || st->driver_buffers)
    return NULL;
  host_backing *h = malloc(sizeof *h);
  if (!h)
    return NULL;
  h->len = bytes;
  h->ptr = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (h->ptr == MAP_FAILED) {
    free(h);
    return NULL;
  }
  ocl_prefault(h->ptr, bytes);
  cl_mem mem =
      clCreateBuffer(st->context, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, bytes, h->ptr, err);
  if (*err == CL_SUCCESS && clSetMemObjectDestructorCallback(mem, unmap_backing, h) == CL_SUCCESS)
    return mem;
  if (*err == CL_SUCCESS)
    clReleaseMemObject(mem); /* no callback to unmap later: nothing has used it, unmap now */
  munmap(h->ptr, h->len);
  free(h);
  return NULL;
}

static cl_mem create_buffer(ocl_state *st, size_t bytes, cl_int *err) {
  cl_mem mem = create_host_backed(st, bytes, err);
  if (mem)
    return mem;
  return clCreateBuffer(st->context, CL_MEM_READ_WRITE, bytes, NULL, err);
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
  b->mem = create_buffer(st, want, &err);
  if (err != CL_SUCCESS && st->pool) {
    /* Kept memory is a convenience: give all of it back before failing a case. */
    ocl_pool_release(st);
    b->mem = create_buffer(st, want, &err);
  }
  if (err != CL_SUCCESS) {
    free(b);
    return ocl_fail(msg, "clCreateBuffer", err);
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
