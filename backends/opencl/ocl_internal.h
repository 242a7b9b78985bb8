/* accelbench OpenCL backend — private declarations shared by its source files.
 *
 * The module links only the OpenCL ICD loader (libOpenCL.so from ocl-icd), never a vendor
 * library, so every installed platform (POCL, vendor drivers) is reachable through one
 * binary. API level: OpenCL 1.2 calls only, so 1.2-only drivers work too.
 */
#ifndef AB_OCL_INTERNAL_H
#define AB_OCL_INTERNAL_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#include <stddef.h>
#include <stdint.h>

#include "accelbench/backend.h"

/* What case_prepare needs to know about a device to choose kernels and sizes. */
typedef struct ocl_caps {
  cl_device_type type;
  int has_fp16;          /* cl_khr_fp16: half arithmetic (CLBlast Hgemm needs it) */
  int has_fp64;          /* cl_khr_fp64 or an OpenCL C version that makes it core */
  size_t max_wg;         /* CL_DEVICE_MAX_WORK_GROUP_SIZE */
  cl_ulong local_mem;    /* CL_DEVICE_LOCAL_MEM_SIZE */
  cl_ulong max_alloc;    /* CL_DEVICE_MAX_MEM_ALLOC_SIZE */
  cl_ulong global_mem;   /* CL_DEVICE_GLOBAL_MEM_SIZE */
  cl_uint vec_float;     /* CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT */
  cl_uint vec_double;    /* ..._DOUBLE */
  cl_uint vec_int;       /* ..._INT */
  cl_uint compute_units; /* CL_DEVICE_MAX_COMPUTE_UNITS */
  char name[128];
} ocl_caps;

/* One compiled program, keyed by the kernel family and its exact build options, so a
 * case with the same kernel variant on the same context never compiles twice. */
typedef struct ocl_prog {
  char key[384];
  cl_program program;
  struct ocl_prog *next;
} ocl_prog;

/* A device allocation that outlived the buffer it was made for, kept for the next
 * buffer_alloc (ocl_pool.c). */
typedef struct ocl_pooled {
  cl_mem mem;
  size_t bytes;
  struct ocl_pooled *next; /* most recently freed first */
} ocl_pooled;

/* Host side of the transfer microbenchmarks, kept from one transfer case to the next
 * (ocl_micro.c): allocating and touching 32 MiB per case cost ~0.1 s each in a VM. */
typedef struct ocl_xfer_host {
  void *pageable; /* malloc */
  size_t pageable_bytes;
  cl_mem pinned_buf; /* CL_MEM_ALLOC_HOST_PTR, mapped once at `pinned` */
  void *pinned;
  size_t pinned_bytes;
  /* A prepared case holds the buffer until case_release: a second transfer case prepared
   * meanwhile would overwrite its data or free it under it, so it is refused. */
  int pageable_held, pinned_held;
} ocl_xfer_host;

/* Per-device state; the harness allocates it zeroed (no globals in this module). */
typedef struct ocl_state {
  cl_platform_id platform;
  cl_device_id device;
  cl_context context;
  cl_command_queue queue; /* in order, CL_QUEUE_PROFILING_ENABLE */
  ocl_caps caps;
  ocl_prog *programs; /* compiled-program cache for this context */
  int clblast_used;   /* CLBlast keeps its own per-device kernel cache; cleared at close */
  ocl_pooled *pool;   /* freed device allocations for reuse (ocl_pool.c) */
  size_t pool_bytes;  /* sum of their sizes, at most ocl_pool_cap() */
  size_t live_bytes;  /* allocations handed out and not yet freed (roots' sizes) */
  ocl_xfer_host xfer; /* transfer host buffers (ocl_micro.c) */
  int no_prefault;    /* option ocl_prefault=off: leave page faulting to the driver (ocl_pool.c) */
} ocl_state;

/* `mem` is what kernels see: `root` itself, or a sub-buffer [0, bytes) of it when the
 * allocation was reused from a larger freed one. `root` goes back to the pool on free. */
struct ab_buffer {
  cl_mem mem;
  size_t bytes;
  cl_mem root;
  size_t root_bytes;
};

/* Which provider a case uses (chosen by name in ocl_case_prepare). */
enum { OCL_PROVIDER_CLBLAST = 0, OCL_PROVIDER_PORTABLE = 1 };

/* One prepared case. Kernel cases keep their cl_kernel (and args set once) so case_run
 * only enqueues. */
typedef struct ocl_case {
  ab_kernel_kind kind;
  int provider;
  ab_dtype dtype;
  cl_kernel kernel; /* portable GEMM and microbenchmarks */
  cl_uint work_dim;
  size_t gws[2];
  size_t lws[2];
  int use_lws;
  /* CLBlast GEMM */
  ab_gemm_params gemm;
  cl_mem a, b, c;
  /* transfers */
  cl_mem dev; /* operand 0 */
  void *host; /* host side of the transfer (owned by ocl_state.xfer) */
  size_t bytes;
  int *held; /* the st->xfer flag of the kept host buffer this case holds, or NULL */
} ocl_case;

/* ---- ocl_util.c ---- */
const char *ocl_err_name(cl_int err);
/* Writes "what: CL_NAME (code)" into msg and returns AB_E_NOMEM or AB_E_DEVICE by code. */
ab_status ocl_fail(char *msg, const char *what, cl_int err);
double ocl_now(void); /* monotonic seconds */
/* Faults in the whole pages inside host memory [p, p + bytes) with one
 * madvise(MADV_POPULATE_WRITE) (Linux 5.14), instead of one trap per page on first write:
 * 128 MiB took 0.08 s this way against 0.34-0.39 s written page by page on the 2-core dev
 * VM (docs/opencl.md). The contents are unchanged; without kernel support, nothing is done. */
void ocl_prefault(void *p, size_t bytes);
/* Device time from the first event's START to the last event's END, in seconds. */
ab_status ocl_event_span(cl_event first, cl_event last, double *seconds, char *msg);
/* Build (or fetch from the cache) `source` with `options`; `family` names it in the key.
 * On a compile error returns AB_E_DEVICE with the device's build log in msg. */
ab_status ocl_get_program(ocl_state *st, const char *family, const char *source,
                          const char *options, cl_program *out, double *compile_s, char *msg);
void ocl_release_programs(ocl_state *st);

/* ---- ocl_pool.c ---- */
/* A device buffer of `bytes`, reusing a freed allocation when one fits (AB_E_NOMEM or
 * AB_E_DEVICE with msg on failure). */
ab_status ocl_pool_alloc(ocl_state *st, size_t bytes, ab_buffer **out, char *msg);
void ocl_pool_free(ocl_state *st, ab_buffer *buf);
void ocl_pool_release(ocl_state *st); /* at close: release every kept allocation */

/* ---- ocl_gemm.c ---- */
ab_status ocl_gemm_prepare(ocl_state *st, const ab_kernel_desc *d, int provider,
                           ab_buffer *const *ops, ocl_case *c, ab_case_info *info, char *msg);
ab_status ocl_clblast_run(ocl_state *st, ocl_case *c, uint32_t iterations, ab_timing *t, char *msg);
int ocl_have_clblast(void);
void ocl_clblast_release(ocl_state *st);

/* ---- ocl_micro.c ---- */
ab_status ocl_micro_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                            size_t n_ops, ocl_case *c, ab_case_info *info, char *msg);
ab_status ocl_transfer_run(ocl_state *st, ocl_case *c, uint32_t iterations, ab_timing *t,
                           char *msg);
void ocl_micro_release(ocl_state *st, ocl_case *c);

/* The portable kernels of every other kind (ocl_kinds.c lists them, one file each): a
 * prepare that builds c->kernel, its arguments and work sizes, run by the shared
 * event-timed launcher like the microbenchmarks. */
typedef ab_status (*ocl_kind_prepare_fn)(ocl_state *st, const ab_kernel_desc *d,
                                         ab_buffer *const *ops, size_t n_ops, ocl_case *c,
                                         ab_case_info *info, char *msg);
ab_status ocl_attention_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, ocl_case *c, ab_case_info *info, char *msg);
ab_status ocl_kind_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                           size_t n_ops, ocl_case *c, ab_case_info *info, char *msg);
/* The kinds' prepares (ocl_<kind>.c). */
ab_status ocl_conv2d_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                             size_t n_ops, ocl_case *c, ab_case_info *info, char *msg);
/* Whether the backend has a kernel for `kind` at all (GEMM, microbenchmarks or the list). */
int ocl_kind_offered(ab_kernel_kind kind);
/* The device ceilings (ocl_micro.c, and STREAM): the device's own kernels under either
 * provider. */
int ocl_kind_is_micro(ab_kernel_kind kind);
void ocl_xfer_host_release(ocl_state *st); /* at close */

/* ocl_stream.c: STREAM copy / scale / add / triad. */
ab_status ocl_stream_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                             size_t n_ops, ocl_case *c, ab_case_info *info, char *msg);

/* Enqueue c->kernel `iterations` times; device time = first START .. last END. */
ab_status ocl_kernel_run(ocl_state *st, ocl_case *c, uint32_t iterations, ab_timing *t, char *msg);

/* ---- ocl_source.c: OpenCL C sources, compiled at run time ---- */
extern const char ocl_src_gemm[];
extern const char ocl_src_micro[];

#endif
