/* accelbench — the backend plugin ABI.
 *
 * A backend is a shared module (accelbench-backend-<name>.so) that exports exactly one
 * symbol, AB_BACKEND_ENTRY_SYMBOL, of type ab_backend_entry_fn. It returns a pointer to a
 * const ab_backend table that lives as long as the module is loaded. Everything else in
 * the module stays local (link with a version script and -Wl,-z,defs).
 *
 * Versioning (hwloc/CLAP style): the table starts with the ABI major and minor version and
 * the table's own size. Fields are only ever appended, which bumps the minor version; a
 * change to an existing field bumps the major version. The harness refuses a module whose
 * major version differs from AB_BACKEND_ABI_MAJOR, naming the file and both versions, and
 * reads only the first `struct_size` bytes of a table from an older minor version (slots
 * past that are treated as NULL).
 *
 * NULL slots: a slot marked "optional" may be NULL; the harness then answers
 * "unsupported" (or skips the step) itself. Mandatory slots are checked at load time; a
 * module with a NULL mandatory slot is refused with a message naming the slot.
 *
 * Threads: the harness calls every slot of one device from one thread at a time. Slots
 * taking no device state (probe, device_count, device_info) may be called before any
 * device is opened and from a different thread than later calls. A backend must not
 * keep globals that break when two devices of it are open at once; per-device state lives
 * in the block of `device_state_size` bytes that the harness allocates (zeroed) and
 * passes to open().
 *
 * Processes: the harness may run a device's cases in a child process (fork, then open in
 * the child). A backend must therefore initialise its vendor runtime in probe() only as
 * far as fork-safe, and do the rest in open(). See docs/writing-a-backend.md.
 *
 * Errors: every fallible slot returns ab_status and writes a human-readable message into
 * the caller's buffer `msg` (AB_MSG_LEN bytes), including the vendor's own error code and
 * text where there is one ("clEnqueueNDRangeKernel: CL_OUT_OF_RESOURCES (-5)").
 */
#ifndef ACCELBENCH_BACKEND_H
#define ACCELBENCH_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "option.h"
#include "process.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Minor versions: 1.1 added ab_case_info.accumulate_dtype; 1.2 ab_case_info.warm_seconds
 * and warm_calls; 1.3 ab_backend.case_query, ab_kernel_desc.operand_dtypes and layout, and
 * the kinds rotary, elementwise, stream and decoder_layer; 1.4 the dtypes tf32,
 * f8e4m3 and f8e5m2, ab_backend.device_processes and ab_backend.option_keys. */
#define AB_BACKEND_ABI_MAJOR    1
#define AB_BACKEND_ABI_MINOR    4
#define AB_BACKEND_ENTRY_SYMBOL "accelbench_backend_entry"

/* One free-form fact about a device that has no field of its own
 * ("openblas_core" = "SkylakeX", "opencl_c_version" = "OpenCL C 1.2"). */
typedef struct ab_attr {
  char key[32];
  char value[160];
} ab_attr;

#define AB_MAX_ATTRS 24

typedef enum ab_device_type {
  AB_DEVICE_OTHER = 0,
  AB_DEVICE_CPU = 1,
  AB_DEVICE_GPU = 2,
  AB_DEVICE_NPU = 3, /* Ascend, MLU and other AI accelerators */
} ab_device_type;

/* Filled by device_info(). Unknown numbers stay 0 and unknown strings stay empty; the
 * harness reports them as "unknown", never as zero. */
typedef struct ab_device_info {
  uint32_t struct_size;
  ab_device_type type;
  char name[128]; /* marketing name as the runtime reports it */
  char vendor[64];
  char driver_version[64];
  char runtime_version[64]; /* library / API version (OpenBLAS 0.3.21, OpenCL 3.0 ...) */
  char uid[64];             /* stable identity within the machine (PCI bus id, index) */
  uint64_t memory_bytes;    /* device memory usable by kernels */
  uint32_t compute_units;   /* cores, SMs, AI cores, CUs */
  uint32_t max_clock_mhz;   /* as reported by the runtime; may not be the running clock */
  uint32_t n_attrs;
  ab_attr attrs[AB_MAX_ATTRS];
} ab_device_info;

/* Opaque device buffer; each backend defines struct ab_buffer for itself. */
typedef struct ab_buffer ab_buffer;

/* Filled by case_prepare(). */
typedef struct ab_case_info {
  uint32_t struct_size;
  /* The library and kernel that will run, as precisely as the platform tells
   * ("openblas 0.3.21 SkylakeX sgemm", "onednn brg:avx512_core_bf16"). */
  char implementation[128];
  /* Seconds spent compiling, planning or tuning in case_prepare (0 if none); kept out of
   * the timed figures and reported as its own field. */
  double setup_seconds;
  /* ABI 1.1: the type partial sums are kept in (AB_DTYPE_F32 for most half-precision
   * GEMMs, AB_DTYPE_F16 where they stay in half, as CLBlast's HGEMM does). The validation
   * tolerance follows it; AB_DTYPE_INVALID (not said) means f32 for half-precision inputs,
   * the accuracy a user expects. Write it only when AB_HAS_FIELD says the harness has it. */
  ab_dtype accumulate_dtype;
  /* ABI 1.2: calls of the case's own kernel that case_prepare made on the case's operands
   * and shape, because the library compiles or plans on its first call (CLBlast does) and
   * only a real call gets that done before the timed loop; and the device seconds those
   * calls ran (the host clock's where the device has no timer), never a compile. The
   * harness counts those seconds toward the warm-up time (warmup_s), not backend
   * overhead, but not toward warmup_min_calls (the harness's own calls calibrate the
   * samples); it cuts them to case_prepare's wall time. setup_seconds must leave them
   * out. Write both only when AB_HAS_FIELD says
   * the harness has warm_calls; 64-bit count so no tail padding follows it for a later
   * field to hide in. */
  double warm_seconds;
  uint64_t warm_calls;
} ab_case_info;

/* True when a struct the harness passed (with its struct_size first) has `field`: a
 * backend built against a newer header checks before writing a field an older harness
 * lacks. */
#define AB_HAS_FIELD(ptr, type, field)                                                             \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof((ptr)->field))

/* Filled by case_run(). */
typedef struct ab_timing {
  uint32_t struct_size;
  /* Total device-side time of all iterations in seconds, from device events/timers;
   * negative when the platform has no device timer (the harness then uses the host
   * monotonic clock it measured around the call). */
  double device_seconds;
} ab_timing;

typedef struct ab_backend {
  /* ---- header: never moves ---- */
  uint16_t abi_major;   /* AB_BACKEND_ABI_MAJOR the module was built with */
  uint16_t abi_minor;   /* AB_BACKEND_ABI_MINOR the module was built with */
  uint32_t struct_size; /* sizeof(ab_backend) the module was built with */

  /* ---- identity ---- */
  const char *name;         /* short, lower case, unique: "cpu", "opencl", "cuda" */
  const char *description;  /* one line for `accelbench list` */
  size_t device_state_size; /* bytes of per-device state the harness allocates */

  /* Providers: libraries this backend can route a kernel to, each reported as its own
   * labelled row ("openblas", "onednn"; "clblast", "portable"). NULL-terminated; the
   * first is the default. */
  const char *const *providers;

  /* ---- discovery (any thread, no device open) ---- */

  /* Mandatory. Is the backend usable on this machine? AB_OK, or an error whose `msg`
   * becomes the "disabled: reason" that `accelbench list` prints (library absent, no
   * driver, ...). May be called more than once. */
  ab_status (*probe)(char *msg);

  /* Mandatory. Number of devices this backend can drive. */
  ab_status (*device_count)(uint32_t *count, char *msg);

  /* Mandatory. Facts about device `index` (< device_count). */
  ab_status (*device_info)(uint32_t index, ab_device_info *info, char *msg);

  /* ---- device lifetime (one thread per device) ---- */

  /* Mandatory. Open device `index` into `state` (device_state_size zeroed bytes). */
  ab_status (*open)(uint32_t index, void *state, const ab_option *options, size_t n_options,
                    char *msg);

  /* Mandatory. Release everything open() and later calls acquired. Never fails. */
  void (*close)(void *state);

  /* ---- device memory ---- */

  /* Mandatory. Allocate `bytes` of device memory. */
  ab_status (*buffer_alloc)(void *state, size_t bytes, ab_buffer **out, char *msg);

  /* Mandatory. Free a buffer from buffer_alloc (NULL is a no-op). */
  void (*buffer_free)(void *state, ab_buffer *buf);

  /* Mandatory. Copy `bytes` from host memory into `dst` at `offset`; complete on return. */
  ab_status (*copy_to_device)(void *state, ab_buffer *dst, size_t offset, const void *src,
                              size_t bytes, char *msg);

  /* Mandatory. Copy `bytes` from `src` at `offset` into host memory; complete on return. */
  ab_status (*copy_to_host)(void *state, void *dst, const ab_buffer *src, size_t offset,
                            size_t bytes, char *msg);

  /* ---- kernel cases ---- */

  /* Mandatory. Get ready to run `desc` with `provider` (one of `providers`) on the given
   * operands (device buffers, order fixed per kernel kind; see kernel.h): check support,
   * compile, plan, choose an algorithm. Returns AB_E_UNSUPPORTED with the reason in `msg`
   * for what the device or provider cannot run. On success `*case_state` is whatever the
   * backend needs for case_run (may be NULL) and `info` says what will run. Operand
   * contents are already on the device and must not be changed here. */
  ab_status (*case_prepare)(void *state, const ab_kernel_desc *desc, const char *provider,
                            ab_buffer *const *operands, size_t n_operands, void **case_state,
                            ab_case_info *info, char *msg);

  /* Mandatory. Run the prepared case `iterations` times back to back and return only when
   * all of them have completed on the device. Fill `timing` (device time if the platform
   * has a device timer). The harness times the call with the host monotonic clock too. */
  ab_status (*case_run)(void *state, void *case_state, uint32_t iterations, ab_timing *timing,
                        char *msg);

  /* Optional. Release what case_prepare acquired. */
  void (*case_release)(void *state, void *case_state);

  /* ---- ABI 1.3 ---- */

  /* Optional. Can `provider` run `desc` on this open device? Called before any operand is
   * allocated or generated, so an unsupported case costs nothing: AB_OK (case_prepare may
   * still refuse), or AB_E_UNSUPPORTED with the reason. Same thread as case_prepare. NULL:
   * the harness finds out from case_prepare. */
  ab_status (*case_query)(void *state, const ab_kernel_desc *desc, const char *provider, char *msg);

  /* ---- ABI 1.4 ---- */

  /* Optional. Processes other than this one using the open device now, for a runtime that
   * can tell (a vendor SMI library): up to `max` into `procs`, the number found into *n
   * (may exceed max). Called at both edges of every timed window, on the device's thread;
   * any process reported (less the harness's own, which it removes) makes the window
   * `disturbed` (docs/measurement.md, "Interference"). NULL: the backend cannot tell. */
  ab_status (*device_processes)(void *state, ab_device_process *procs, uint32_t max, uint32_t *n,
                                char *msg);

  /* Optional. The option keys open() understands, NULL-terminated ({"threads", "pin",
   * NULL}), so the harness refuses a misspelt `-O key` before anything runs and names the
   * valid keys. Read at discovery, like `providers`. NULL: the backend does not say; every
   * key is passed on, with a warning that a typo cannot be caught. */
  const char *const *option_keys;
} ab_backend;

/* The one symbol a module exports. `harness_abi_major` lets a module that supports
 * several ABI majors return the matching table; most return their only table. */
typedef const ab_backend *(*ab_backend_entry_fn)(uint32_t harness_abi_major);

/* Declare the entry point in a backend with:
 *   AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t major);
 */
#if defined(__GNUC__)
#define AB_BACKEND_EXPORT __attribute__((visibility("default")))
#else
#define AB_BACKEND_EXPORT
#endif

#ifdef __cplusplus
}
#endif
#endif
