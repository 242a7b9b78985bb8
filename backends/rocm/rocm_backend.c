/* accelbench rocm backend — AMD Instinct / Radeon and Hygon DCU GPUs through the HIP
 * runtime and rocBLAS, loaded at run time (docs/rocm.md). This file: discovery, device
 * facts, device lifetime, buffers, copies, and case dispatch; GEMM in rocm_gemm.c, the
 * copy microbenchmarks in rocm_micro.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rocm_internal.h"

static const char *const providers[] = {"rocblas", "hipblaslt", NULL};

static ab_status rocm_probe(char *msg) {
  const rocm_libs *libs;
  return rocm_load(&libs, msg);
}

static ab_status rocm_device_count(uint32_t *count, char *msg) {
  const rocm_libs *libs;
  *count = 0;
  ab_status st = rocm_load(&libs, msg);
  if (st != AB_OK)
    return st;
  int n = 0;
  abhip_error e = libs->hip.hipGetDeviceCount(&n);
  if (e != ABHIP_SUCCESS)
    return rocm_hip_fail(msg, "hipGetDeviceCount", e);
  *count = n > 0 ? (uint32_t)n : 0;
  return AB_OK;
}

static int attr(const rocm_libs *libs, int index, int which) {
  int v = 0;
  return libs->hip.hipDeviceGetAttribute(&v, which, index) == ABHIP_SUCCESS ? v : 0;
}

/* hipDeviceGetPCIBusId's text in the join form "%04x:%02x:%02x.%x" (lower case, 4-digit
 * domain), the form the power module writes from rocm_smi / amdsmi's BDF id. */
static ab_status bus_id(const rocm_libs *libs, int index, char *out, size_t len, char *msg) {
  char raw[64] = "";
  abhip_error e = libs->hip.hipDeviceGetPCIBusId(raw, (int)sizeof raw, index);
  if (e != ABHIP_SUCCESS)
    return rocm_hip_fail(msg, "hipDeviceGetPCIBusId", e);
  unsigned dom = 0, bus = 0, dev = 0, fn = 0;
  char tail = 0;
  if (sscanf(raw, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) != 4) {
    dom = 0;
    if (sscanf(raw, "%x:%x.%x%c", &bus, &dev, &fn, &tail) != 3) {
      snprintf(msg, AB_MSG_LEN, "hipDeviceGetPCIBusId: '%.60s' is not a PCI bus id", raw);
      return AB_E_DEVICE;
    }
  }
  snprintf(out, len, "%04x:%02x:%02x.%x", dom & 0xffffu, bus & 0xffu, dev & 0x1fu, fn & 0x7u);
  return AB_OK;
}

static int contains_nocase(const char *s, const char *word) {
  size_t n = strlen(word);
  for (; *s; s++) {
    size_t i = 0;
    while (i < n && s[i] && tolower((unsigned char)s[i]) == tolower((unsigned char)word[i]))
      i++;
    if (i == n)
      return 1;
  }
  return 0;
}

/* "24.04.1" from a path component "dtk-24.04.1" (DTK installs as /opt/dtk-<version>, with
 * /opt/dtk its default root, facts 4.5); 0 when the path has none. */
static int dtk_version_in(const char *path, char *out, size_t len) {
  const char *p = path ? strstr(path, "dtk-") : NULL;
  if (!p || !isdigit((unsigned char)p[4]))
    return 0;
  p += 4;
  size_t n = strspn(p, "0123456789.");
  snprintf(out, len, "%.*s", (int)n, p);
  return 1;
}

/* Hygon DCU runs the same HIP runtime from its DTK: its facts name the DTK in use. */
static void dtk_facts(const rocm_libs *libs, ab_device_info *info) {
  const char *root = getenv("DTK_ROOT");
  if (root && *root)
    ab_vattr(info, "dtk_root", "%s", root);
  char v[32];
  if (dtk_version_in(libs->hip_file, v, sizeof v))
    ab_vattr(info, "dtk_version", "%s (from the HIP library path)", v);
  else if (dtk_version_in(root, v, sizeof v))
    ab_vattr(info, "dtk_version", "%s (from DTK_ROOT)", v);
}

static void version_facts(const rocm_libs *libs, ab_device_info *info) {
  int v = libs->runtime_version;
  snprintf(info->runtime_version, sizeof info->runtime_version, "HIP runtime %d.%d.%d",
           v / 10000000, (v / 100000) % 100, v % 100000);
  int d = 0;
  if (libs->hip.hipDriverGetVersion(&d) == ABHIP_SUCCESS && d > 0)
    snprintf(info->driver_version, sizeof info->driver_version, "%d", d);
}

/* Device facts from hipDeviceGet* and the ROCm 6 attribute numbers (hip_rt.h), never from
 * hipDeviceProp_t (its layout is versioned, facts 4.1). */
static ab_status rocm_device_info(uint32_t index, ab_device_info *info, char *msg) {
  const rocm_libs *libs;
  ab_status st = rocm_load(&libs, msg);
  if (st != AB_OK)
    return st;
  abhip_device dev;
  abhip_error e = libs->hip.hipDeviceGet(&dev, (int)index);
  if (e == ABHIP_SUCCESS)
    e = libs->hip.hipDeviceGetName(info->name, (int)sizeof info->name, dev);
  if (e != ABHIP_SUCCESS)
    return rocm_hip_fail(msg, "hipDeviceGet/hipDeviceGetName", e);
  info->type = AB_DEVICE_GPU;
  int hygon = contains_nocase(info->name, "hygon") || contains_nocase(info->name, "dcu");
  snprintf(info->vendor, sizeof info->vendor, "%s", hygon ? "Hygon" : "AMD");
  st = bus_id(libs, (int)index, info->uid, sizeof info->uid, msg);
  if (st != AB_OK)
    return st;
  size_t total = 0;
  if (libs->hip.hipDeviceTotalMem(&total, dev) == ABHIP_SUCCESS)
    info->memory_bytes = total;
  int i = (int)index;
  info->compute_units = (uint32_t)attr(libs, i, ABHIP_ATTR_MULTIPROCESSOR_COUNT);
  info->max_clock_mhz = (uint32_t)attr(libs, i, ABHIP_ATTR_CLOCK_RATE_KHZ) / 1000u;
  version_facts(libs, info);
  ab_vattr(info, "hip_compute_capability", "%d.%d", attr(libs, i, ABHIP_ATTR_CC_MAJOR),
           attr(libs, i, ABHIP_ATTR_CC_MINOR));
  ab_vattr(info, "memory_bus_bits", "%d", attr(libs, i, ABHIP_ATTR_MEMORY_BUS_WIDTH));
  ab_vattr(info, "memory_clock_mhz", "%d", attr(libs, i, ABHIP_ATTR_MEMORY_CLOCK_RATE_KHZ) / 1000);
  ab_vattr(info, "l2_cache_bytes", "%d", attr(libs, i, ABHIP_ATTR_L2_CACHE_SIZE));
  ab_vattr(info, "warp_size", "%d", attr(libs, i, ABHIP_ATTR_WARP_SIZE));
  ab_vattr(info, "hip_library", "%s", libs->hip_file);
  if (hygon)
    dtk_facts(libs, info);
  return AB_OK;
}

/* ---- HIP events for the shared timing helpers ---- */

static ab_status ev_record(void *ctx, int which, char *msg) {
  rocm_dev *d = ctx;
  abhip_error e = d->libs->hip.hipEventRecord(d->ev[which], d->stream);
  return e == ABHIP_SUCCESS ? AB_OK : rocm_hip_fail(msg, "hipEventRecord", e);
}

static ab_status ev_elapsed(void *ctx, double *seconds, char *msg) {
  rocm_dev *d = ctx;
  abhip_error e = d->libs->hip.hipEventSynchronize(d->ev[1]);
  if (e != ABHIP_SUCCESS)
    return rocm_hip_fail(msg, "hipEventSynchronize", e);
  float ms = 0.0f;
  e = d->libs->hip.hipEventElapsedTime(&ms, d->ev[0], d->ev[1]);
  if (e != ABHIP_SUCCESS)
    return rocm_hip_fail(msg, "hipEventElapsedTime", e);
  *seconds = (double)ms * 1e-3;
  return AB_OK;
}

static ab_status dev_alloc(void *ctx, size_t bytes, void **ptr, char *msg) {
  rocm_dev *d = ctx;
  *ptr = NULL;
  abhip_error e = d->libs->hip.hipMalloc(ptr, bytes);
  return e == ABHIP_SUCCESS ? AB_OK : rocm_hip_fail(msg, "hipMalloc", e);
}

static void dev_free(void *ctx, void *ptr) {
  rocm_dev *d = ctx;
  d->libs->hip.hipFree(ptr);
}

/* ---- device lifetime ---- */

static void rocm_close(void *state) {
  rocm_dev *d = state;
  if (!d->libs)
    return;
  const rocm_libs *l = d->libs;
  if (d->stream)
    l->hip.hipStreamSynchronize(d->stream);
  if (d->blas)
    l->blas.rocblas_destroy_handle(d->blas);
  for (int i = 0; i < 2; i++)
    if (d->ev[i])
      l->hip.hipEventDestroy(d->ev[i]);
  if (d->stream)
    l->hip.hipStreamDestroy(d->stream);
  memset(d, 0, sizeof *d);
}

static ab_status rocm_open(uint32_t index, void *state, const ab_option *options, size_t n_options,
                           char *msg) {
  (void)options, (void)n_options;
  rocm_dev *d = state;
  const rocm_libs *l;
  ab_status st = rocm_load(&l, msg);
  if (st != AB_OK)
    return st;
  d->libs = l;
  d->index = (int)index;
  d->mem = (ab_vmem){d, dev_alloc, dev_free};
  d->timer = (ab_vtimer){d, ev_record, ev_elapsed};
  /* hipSetDevice is per thread: the harness opens and runs a device on one thread. */
  abhip_error e = l->hip.hipSetDevice((int)index);
  if (e == ABHIP_SUCCESS)
    e = l->hip.hipStreamCreateWithFlags(&d->stream, ABHIP_STREAM_NON_BLOCKING);
  for (int i = 0; e == ABHIP_SUCCESS && i < 2; i++)
    e = l->hip.hipEventCreateWithFlags(&d->ev[i], ABHIP_EVENT_DEFAULT);
  if (e != ABHIP_SUCCESS) {
    rocm_hip_fail(msg, "hipSetDevice/hipStreamCreateWithFlags/hipEventCreateWithFlags", e);
    rocm_close(d);
    return AB_E_DEVICE;
  }
  return AB_OK;
}

/* ---- memory ---- */

static ab_status rocm_buffer_alloc(void *state, size_t bytes, ab_buffer **out, char *msg) {
  rocm_dev *d = state;
  return ab_vbuffer_alloc(&d->mem, bytes, out, msg);
}

static void rocm_buffer_free(void *state, ab_buffer *buf) {
  rocm_dev *d = state;
  ab_vbuffer_free(&d->mem, buf);
}

static ab_status rocm_copy_to_device(void *state, ab_buffer *dst, size_t offset, const void *src,
                                     size_t bytes, char *msg) {
  rocm_dev *d = state;
  ab_status st = ab_vbuffer_range(dst, offset, bytes, msg);
  if (st != AB_OK)
    return st;
  abhip_error e =
      d->libs->hip.hipMemcpy((char *)dst->ptr + offset, src, bytes, ABHIP_MEMCPY_HOST_TO_DEVICE);
  return e == ABHIP_SUCCESS ? AB_OK : rocm_hip_fail(msg, "hipMemcpy(host to device)", e);
}

static ab_status rocm_copy_to_host(void *state, void *dst, const ab_buffer *src, size_t offset,
                                   size_t bytes, char *msg) {
  rocm_dev *d = state;
  ab_status st = ab_vbuffer_range(src, offset, bytes, msg);
  if (st != AB_OK)
    return st;
  /* The harness reads results after case_run returned; finish the stream's work first. */
  abhip_error e = d->libs->hip.hipStreamSynchronize(d->stream);
  if (e == ABHIP_SUCCESS)
    e = d->libs->hip.hipMemcpy(dst, (const char *)src->ptr + offset, bytes,
                               ABHIP_MEMCPY_DEVICE_TO_HOST);
  return e == ABHIP_SUCCESS ? AB_OK : rocm_hip_fail(msg, "hipMemcpy(device to host)", e);
}

/* ABI 1.4: a device-to-device copy on the device's stream, complete on return. */
static ab_status rocm_buffer_copy(void *state, ab_buffer *dst, size_t dst_offset,
                                  const ab_buffer *src, size_t src_offset, size_t bytes,
                                  char *msg) {
  rocm_dev *d = state;
  ab_status st = ab_vbuffer_range(src, src_offset, bytes, msg);
  if (st == AB_OK)
    st = ab_vbuffer_range(dst, dst_offset, bytes, msg);
  if (st != AB_OK)
    return st;
  abhip_error e = d->libs->hip.hipMemcpyAsync((char *)dst->ptr + dst_offset,
                                              (const char *)src->ptr + src_offset, bytes,
                                              ABHIP_MEMCPY_DEVICE_TO_DEVICE, d->stream);
  if (e == ABHIP_SUCCESS)
    e = d->libs->hip.hipStreamSynchronize(d->stream);
  return e == ABHIP_SUCCESS ? AB_OK : rocm_hip_fail(msg, "hipMemcpyAsync(device to device)", e);
}

/* ---- cases ---- */

static int provider_index(const char *name) {
  for (int i = 0; providers[i]; i++)
    if (name && strcmp(name, providers[i]) == 0)
      return i;
  return -1;
}

static int is_copy(ab_kernel_kind k) {
  return k == AB_KERNEL_MEMBW || k == AB_KERNEL_COPY_H2D || k == AB_KERNEL_COPY_D2H;
}

/* Why a kind this adapter has no routine for is unsupported (docs/rocm.md). */
static ab_status kind_unsupported(const ab_kernel_desc *d, char *msg) {
  if (d->kind == AB_KERNEL_PEAK || d->kind == AB_KERNEL_LAUNCH)
    snprintf(msg, AB_MSG_LEN,
             "%s needs a kernel of accelbench's own: HIP loads only code objects built for the "
             "device's gfx target, and this adapter carries no compiler (hipRTC is not bound)",
             ab_kernel_kind_str(d->kind));
  else
    snprintf(msg, AB_MSG_LEN,
             "%s: no ROCm library routine bound in this adapter (rocBLAS GEMM and the HIP "
             "runtime's copies only; MIOpen is not bound)",
             ab_kernel_kind_str(d->kind));
  return AB_E_UNSUPPORTED;
}

static ab_status rocm_case_query(void *state, const ab_kernel_desc *desc, const char *provider,
                                 char *msg) {
  int p = provider_index(provider);
  if (p < 0) {
    snprintf(msg, AB_MSG_LEN, "provider '%s' is not one of rocblas, hipblaslt",
             provider ? provider : "(null)");
    return AB_E_UNSUPPORTED;
  }
  if (desc->kind == AB_KERNEL_GEMM)
    return rocm_gemm_query(desc, p, msg);
  if (is_copy(desc->kind))
    return rocm_micro_query(state, desc, msg);
  return kind_unsupported(desc, msg);
}

static void rocm_case_release(void *state, void *case_state) {
  rocm_case *c = case_state;
  if (!c)
    return;
  rocm_micro_release(state, c);
  free(c);
}

static ab_status rocm_case_prepare(void *state, const ab_kernel_desc *desc, const char *provider,
                                   ab_buffer *const *operands, size_t n_operands, void **case_state,
                                   ab_case_info *info, char *msg) {
  rocm_dev *d = state;
  *case_state = NULL;
  ab_status st = rocm_case_query(state, desc, provider, msg);
  if (st != AB_OK)
    return st;
  rocm_case *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for a case");
    return AB_E_NOMEM;
  }
  c->dev = d;
  if (desc->kind == AB_KERNEL_GEMM)
    st = rocm_gemm_prepare(d, desc, operands, n_operands, c, info, msg);
  else
    st = rocm_micro_prepare(d, desc, operands, n_operands, c, info, msg);
  if (st != AB_OK) {
    rocm_case_release(d, c);
    return st;
  }
  *case_state = c;
  return AB_OK;
}

static ab_status run_one(void *ctx, char *msg) {
  rocm_case *c = ctx;
  return c->call(c->dev, c, msg);
}

static ab_status rocm_case_run(void *state, void *case_state, uint32_t iterations,
                               ab_timing *timing, char *msg) {
  rocm_dev *d = state;
  return ab_vtime_case(&d->timer, run_one, case_state, iterations, timing, msg);
}

static const ab_backend table = {
    .abi_major = AB_BACKEND_ABI_MAJOR,
    .abi_minor = AB_BACKEND_ABI_MINOR,
    .struct_size = sizeof(ab_backend),
    .name = "rocm",
    .description = "AMD and Hygon DCU GPUs: HIP runtime 6+, rocBLAS (loaded at run time)",
    .device_state_size = sizeof(rocm_dev),
    .providers = providers,
    .probe = rocm_probe,
    .device_count = rocm_device_count,
    .device_info = rocm_device_info,
    .open = rocm_open,
    .close = rocm_close,
    .buffer_alloc = rocm_buffer_alloc,
    .buffer_free = rocm_buffer_free,
    .copy_to_device = rocm_copy_to_device,
    .copy_to_host = rocm_copy_to_host,
    .case_prepare = rocm_case_prepare,
    .case_run = rocm_case_run,
    .case_release = rocm_case_release,
    .case_query = rocm_case_query,
    .buffer_copy = rocm_buffer_copy,
};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_major) {
  return harness_major == AB_BACKEND_ABI_MAJOR ? &table : NULL;
}
