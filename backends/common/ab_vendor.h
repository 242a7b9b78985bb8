/* accelbench — the shared vendor-adapter layer (backends/common/).
 *
 * Every vendor backend (cuda today; ascend, cambricon, rocm and the CUDA-like runtimes next)
 * does the same few things around its own API: load the vendor's library at run time from
 * a list of sonames or the user's override, resolve a table of functions, say exactly why
 * it is disabled, time N back-to-back calls with the vendor's events, make one warm call
 * into a scratch output, map row-major GEMMs onto column-major BLAS libraries, keep a
 * workspace, and check descriptors and operands. This static library does each once, with
 * callbacks where the vendor's API differs. It includes only include/accelbench and libc /
 * libdl, so any backend module can link it.
 *
 * Fallible functions return ab_status and write the reason into `msg` (AB_MSG_LEN bytes).
 */
#ifndef AB_BACKENDS_COMMON_VENDOR_H
#define AB_BACKENDS_COMMON_VENDOR_H

#include <stddef.h>
#include <stdint.h>

#include "accelbench/backend.h"
#include "accelbench/kernel.h"
#include "accelbench/status.h"

/* ---- loading a vendor library ------------------------------------------------------- */

/* One function the adapter resolves: its exported name and where its pointer goes in the
 * adapter's table (a struct of function pointers). An optional symbol that is missing
 * leaves its slot NULL; a missing mandatory one refuses the library. */
typedef struct ab_vsym {
  const char *name;
  size_t offset;
  int optional;
} ab_vsym;

#define AB_VSYM(table_type, field, symbol)                                                         \
  { (symbol), offsetof(table_type, field), 0 }
#define AB_VSYM_OPT(table_type, field, symbol)                                                     \
  { (symbol), offsetof(table_type, field), 1 }

typedef struct ab_vlib_spec {
  const char *what;           /* "CUDA runtime": how messages name the library */
  const char *env;            /* override variable ("AB_CUDART_LIBRARY"); NULL: none */
  const char *const *sonames; /* candidates in order of preference, NULL-terminated */
  const ab_vsym *syms;
  size_t n_syms;
  const char *hint; /* appended to "not found" ("install the CUDA runtime"); may be NULL */
} ab_vlib_spec;

typedef struct ab_vlib {
  void *handle;
  char path[256]; /* the name or path that was opened */
} ab_vlib;

/* Open the first candidate that loads (only the override's path when the variable is set
 * and non-empty: a user who names a file means that file) and resolve every symbol of the
 * spec into `table`. Errors:
 *   AB_E_NOT_FOUND: "<what> not found: tried <path> (<dlerror>); <path> (<dlerror>)";
 *   AB_E_NOT_FOUND: "<path>: mandatory symbol <name> missing (<dlerror>)".
 * On error nothing stays loaded and `lib` is zeroed. */
ab_status ab_vlib_open(const ab_vlib_spec *spec, ab_vlib *lib, void *table, char *msg);

/* Resolve the spec's symbols from an already-open library (several tables from one file). */
ab_status ab_vlib_resolve(const ab_vlib_spec *spec, const ab_vlib *lib, void *table, char *msg);

/* Unload (a zeroed lib is a no-op). */
void ab_vlib_close(ab_vlib *lib);

/* The reason a runtime call failed, in the one form every adapter uses:
 * "<call>: <name> (<code>): <text>"; name or text may be NULL (left out). Returns `st`. */
ab_status ab_vfail(char *msg, ab_status st, const char *call, long code, const char *name,
                   const char *text);

/* ---- timing with the vendor's events ------------------------------------------------ */

/* The vendor's event API, as the timing helpers need it. record(which) enqueues marker 0
 * (start) or 1 (end) on the stream; elapsed waits for marker 1 and gives the seconds
 * between the two. */
typedef struct ab_vtimer {
  void *ctx;
  ab_status (*record)(void *ctx, int which, char *msg);
  ab_status (*elapsed)(void *ctx, double *seconds, char *msg);
} ab_vtimer;

/* One call of the timed operation (enqueues it on the stream the timer records on). */
typedef ab_status (*ab_vcall_fn)(void *call_ctx, char *msg);

/* Run `call` `n` times back to back between the two markers and return the device seconds
 * of all of them. */
ab_status ab_vtime_calls(const ab_vtimer *t, ab_vcall_fn call, void *call_ctx, uint32_t n,
                         double *seconds, char *msg);

/* case_run of an adapter: `n` calls timed by ab_vtime_calls into timing->device_seconds
 * (-1 when they failed). */
ab_status ab_vtime_case(const ab_vtimer *t, ab_vcall_fn call, void *call_ctx, uint32_t n,
                        ab_timing *timing, char *msg);

/* The warm call of case_prepare (docs/writing-a-backend.md): one call of the case's own
 * kernel (its ctx writes a scratch output, never the harness's), timed by the events, so
 * that a library that plans or compiles on its first call does so before the timed loop.
 * `t0` is the host clock (ab_vnow) at the start of case_prepare; setup_seconds becomes the
 * prepare time so far less the warm call's device time, which goes to warm_seconds. */
ab_status ab_vwarm_call(const ab_vtimer *t, ab_vcall_fn call, void *call_ctx, double t0,
                        ab_case_info *info, char *msg);

/* Book a warm call measured some other way: `wall` seconds of prepare, `span` of them the
 * kernel's device time (0: unknown, all of it stays setup). */
void ab_vwarm_account(ab_case_info *info, double wall, double span);

/* Host monotonic clock in seconds. */
double ab_vnow(void);

/* ---- GEMM: row-major descriptors on column-major libraries -------------------------- */

/* C = op(A) op(B) row-major is C^T = op(B)^T op(A)^T column-major on the same memory
 * (kernel.h). The column-major call multiplies `first` (the descriptor's B buffer) by
 * `second` (its A buffer) into an m x n column-major result (m = desc n, n = desc m). */
typedef struct ab_colmajor_gemm {
  int trans_first;  /* op on the first operand: 0 N, 1 T */
  int trans_second; /* op on the second operand */
  int64_t m, n, k;
  int64_t ld_first, ld_second, ld_c;
} ab_colmajor_gemm;

void ab_gemm_to_colmajor(const ab_gemm_params *g, ab_colmajor_gemm *out);

/* Checks a GEMM descriptor and its three operands (A, B, C) before a library sees them:
 * kind, positive shape, every dimension and leading dimension within `max_dim` (INT32_MAX
 * for libraries taking int), and each buffer at least as large as its matrix. `bytes` are
 * the operands' sizes. AB_E_INVALID with the field named. */
ab_status ab_vcheck_gemm(const ab_kernel_desc *d, const size_t *bytes, size_t n_operands,
                         int64_t max_dim, char *msg);

/* The element counts of A, B and C of a GEMM descriptor. */
void ab_gemm_sizes(const ab_gemm_params *g, size_t *a, size_t *b, size_t *c);

/* ---- workspaces the harness can count ---------------------------------------------- */

/* Device memory through the backend's own allocator. */
typedef struct ab_vmem {
  void *ctx;
  ab_status (*alloc)(void *ctx, size_t bytes, void **ptr, char *msg);
  void (*free)(void *ctx, void *ptr);
} ab_vmem;

/* A per-device workspace that only grows; the counters go into the case's implementation
 * text and device facts, so the memory a library takes beside the operands is on record. */
typedef struct ab_vworkspace {
  void *ptr;
  size_t bytes;
  uint32_t allocations; /* times it was (re)allocated */
} ab_vworkspace;

/* Make the workspace at least `bytes` large (contents are not kept). */
ab_status ab_vworkspace_reserve(ab_vworkspace *ws, const ab_vmem *mem, size_t bytes, char *msg);
void ab_vworkspace_release(ab_vworkspace *ws, const ab_vmem *mem);

/* ---- copies ------------------------------------------------------------------------ */

/* A copy of `bytes` at `offset` lies inside a buffer of `have` bytes; AB_E_INVALID
 * ("copy of N bytes at offset O is outside a buffer of H") otherwise. */
ab_status ab_vcheck_range(size_t have, size_t offset, size_t bytes, char *msg);

/* Checks a membw / copy_h2d / copy_d2h descriptor before a runtime sees it: a positive
 * transfer.bytes, and the operands it uses (membw two, the transfers one; `op_bytes` holds
 * the sizes of `n_ops` operands) at least that large. AB_E_INVALID with the field named. */
ab_status ab_vcheck_transfer(const ab_kernel_desc *d, const size_t *op_bytes, size_t n_ops,
                             char *msg);

/* The host data a host-to-device transfer sends: byte i = (i * 131 + 7) & 0xff (kernel.h). */
void ab_vfill_transfer_pattern(void *host, size_t bytes);

/* ---- device facts ------------------------------------------------------------------- */

/* Append a key/value fact to info->attrs (dropped silently when the list is full). */
void ab_vattr(ab_device_info *info, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
