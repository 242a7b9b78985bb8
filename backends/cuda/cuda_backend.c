/* accelbench cuda backend — NVIDIA GPUs through the CUDA runtime, cuBLAS and cuBLASLt,
 * loaded at run time (docs/cuda.md). This file: discovery, device lifetime, buffers,
 * copies, and case dispatch; GEMM in cuda_gemm.c, copies in cuda_micro.c, the portable
 * CUDA C kernels (NVRTC) in cuda_nvrtc.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_internal.h"

static const char *const providers[] = {"cublas", "cublaslt", "portable", NULL};

static ab_status cuda_probe(char *msg) {
  const cuda_libs *libs;
  return cuda_load(&libs, msg);
}

static ab_status cuda_device_count(uint32_t *count, char *msg) {
  const cuda_libs *libs;
  *count = 0;
  ab_status st = cuda_load(&libs, msg);
  if (st != AB_OK)
    return st;
  int n = 0;
  abcu_error e = libs->rt.cudaGetDeviceCount(&n);
  if (e != ABCU_SUCCESS)
    return cuda_rt_fail(msg, "cudaGetDeviceCount", e);
  *count = n > 0 ? (uint32_t)n : 0;
  return AB_OK;
}

static int drv_attr(const cuda_libs *libs, abcu_device dev, unsigned int attr) {
  int v = 0;
  return libs->drv.cuDeviceGetAttribute(&v, attr, dev) == 0 ? v : 0;
}

/* "13.0" from 13000 (facts 1.1: the encoding of cudaRuntimeGetVersion). */
static void version_str(char *out, size_t n, int v) {
  snprintf(out, n, "%d.%d", v / 1000, (v % 1000) / 10);
}

/* Device facts from the driver API (not cudaDeviceProp, whose layout changed in CUDA 13:
 * facts 1.2). uid: the PCI bus id in NVML's busId form "%08X:%02X:%02X.0" (facts 1.7), so
 * an NVML power channel names the same device the same way. */
static ab_status cuda_device_info(uint32_t index, ab_device_info *info, char *msg) {
  const cuda_libs *libs;
  ab_status st = cuda_load(&libs, msg);
  if (st != AB_OK)
    return st;
  abcu_device dev;
  abcu_result r = libs->drv.cuDeviceGet(&dev, (int)index);
  if (r != 0)
    return cuda_drv_fail(msg, "cuDeviceGet", r);
  info->type = AB_DEVICE_GPU;
  snprintf(info->vendor, sizeof info->vendor, "NVIDIA");
  r = libs->drv.cuDeviceGetName(info->name, (int)sizeof info->name, dev);
  if (r != 0)
    return cuda_drv_fail(msg, "cuDeviceGetName", r);
  size_t total = 0;
  if (libs->drv.cuDeviceTotalMem_v2(&total, dev) == 0)
    info->memory_bytes = total;
  info->compute_units = (uint32_t)drv_attr(libs, dev, ABCU_ATTR_MULTIPROCESSOR_COUNT);
  info->max_clock_mhz = (uint32_t)drv_attr(libs, dev, ABCU_ATTR_CLOCK_RATE_KHZ) / 1000u;
  snprintf(info->uid, sizeof info->uid, "%08X:%02X:%02X.0",
           (unsigned)drv_attr(libs, dev, ABCU_ATTR_PCI_DOMAIN_ID),
           (unsigned)drv_attr(libs, dev, ABCU_ATTR_PCI_BUS_ID),
           (unsigned)drv_attr(libs, dev, ABCU_ATTR_PCI_DEVICE_ID));
  int v = 0;
  if (libs->drv.cuDriverGetVersion(&v) == 0 && v > 0)
    version_str(info->driver_version, sizeof info->driver_version, v);
  if (libs->rt.cudaRuntimeGetVersion(&v) == ABCU_SUCCESS && v > 0) {
    char rv[16];
    version_str(rv, sizeof rv, v);
    snprintf(info->runtime_version, sizeof info->runtime_version, "CUDA runtime %s", rv);
  }
  ab_vattr(info, "compute_capability", "%d.%d", drv_attr(libs, dev, ABCU_ATTR_CC_MAJOR),
           drv_attr(libs, dev, ABCU_ATTR_CC_MINOR));
  ab_vattr(info, "memory_bus_bits", "%d", drv_attr(libs, dev, ABCU_ATTR_MEMORY_BUS_WIDTH));
  ab_vattr(info, "memory_clock_mhz", "%d",
           drv_attr(libs, dev, ABCU_ATTR_MEMORY_CLOCK_RATE_KHZ) / 1000);
  ab_vattr(info, "cudart", "%s", libs->rt_lib.path);
  ab_vattr(info, "libcuda", "%s", libs->drv_lib.path);
  return AB_OK;
}

/* ---- events for the shared timing helpers ---- */

static ab_status ev_record(void *ctx, int which, char *msg) {
  cuda_dev *d = ctx;
  abcu_error e = d->libs->rt.cudaEventRecord(d->ev[which], d->stream);
  return e == ABCU_SUCCESS ? AB_OK : cuda_rt_fail(msg, "cudaEventRecord", e);
}

static ab_status ev_elapsed(void *ctx, double *seconds, char *msg) {
  cuda_dev *d = ctx;
  abcu_error e = d->libs->rt.cudaEventSynchronize(d->ev[1]);
  if (e != ABCU_SUCCESS)
    return cuda_rt_fail(msg, "cudaEventSynchronize", e);
  float ms = 0.0f;
  e = d->libs->rt.cudaEventElapsedTime(&ms, d->ev[0], d->ev[1]);
  if (e != ABCU_SUCCESS)
    return cuda_rt_fail(msg, "cudaEventElapsedTime", e);
  *seconds = (double)ms * 1e-3;
  return AB_OK;
}

static ab_status dev_alloc(void *ctx, size_t bytes, void **ptr, char *msg) {
  cuda_dev *d = ctx;
  *ptr = NULL;
  abcu_error e = d->libs->rt.cudaMalloc(ptr, bytes);
  return e == ABCU_SUCCESS ? AB_OK : cuda_rt_fail(msg, "cudaMalloc", e);
}

static void dev_free(void *ctx, void *ptr) {
  cuda_dev *d = ctx;
  d->libs->rt.cudaFree(ptr);
}

/* ---- device lifetime ---- */

static void cuda_close(void *state) {
  cuda_dev *d = state;
  if (!d->libs)
    return;
  const cuda_libs *l = d->libs;
  if (d->stream)
    l->rt.cudaStreamSynchronize(d->stream);
  cuda_kernel_unload(d);
  if (d->lt)
    l->lt.cublasLtDestroy(d->lt);
  if (d->blas)
    l->blas.cublasDestroy_v2(d->blas);
  ab_vworkspace_release(&d->ws, &d->mem);
  for (int i = 0; i < 2; i++)
    if (d->ev[i])
      l->rt.cudaEventDestroy(d->ev[i]);
  if (d->stream)
    l->rt.cudaStreamDestroy(d->stream);
  memset(d, 0, sizeof *d);
}

static ab_status cuda_open(uint32_t index, void *state, const ab_option *options, size_t n_options,
                           char *msg) {
  (void)options, (void)n_options;
  cuda_dev *d = state;
  const cuda_libs *l;
  ab_status st = cuda_load(&l, msg);
  if (st != AB_OK)
    return st;
  d->libs = l;
  d->index = (int)index;
  d->mem = (ab_vmem){d, dev_alloc, dev_free};
  d->timer = (ab_vtimer){d, ev_record, ev_elapsed};
  /* cudaSetDevice makes the device's primary context current for this thread, so the
   * runtime, cuBLAS and driver-API calls share it (facts 1.3). */
  abcu_error e = l->rt.cudaSetDevice((int)index);
  if (e == ABCU_SUCCESS)
    e = l->rt.cudaStreamCreateWithFlags(&d->stream, ABCU_STREAM_NON_BLOCKING);
  for (int i = 0; e == ABCU_SUCCESS && i < 2; i++)
    e = l->rt.cudaEventCreateWithFlags(&d->ev[i], ABCU_EVENT_DEFAULT);
  if (e != ABCU_SUCCESS) {
    cuda_rt_fail(msg, "cudaSetDevice/cudaStreamCreateWithFlags/cudaEventCreateWithFlags", e);
    cuda_close(d);
    return AB_E_DEVICE;
  }
  abcu_device dev;
  if (l->drv.cuDeviceGet(&dev, (int)index) == 0) {
    d->cc_major = drv_attr(l, dev, ABCU_ATTR_CC_MAJOR);
    d->cc_minor = drv_attr(l, dev, ABCU_ATTR_CC_MINOR);
  }
  return AB_OK;
}

/* ---- memory ---- */

static ab_status cuda_buffer_alloc(void *state, size_t bytes, ab_buffer **out, char *msg) {
  cuda_dev *d = state;
  return ab_vbuffer_alloc(&d->mem, bytes, out, msg);
}

static void cuda_buffer_free(void *state, ab_buffer *buf) {
  cuda_dev *d = state;
  ab_vbuffer_free(&d->mem, buf);
}

static ab_status cuda_copy_to_device(void *state, ab_buffer *dst, size_t offset, const void *src,
                                     size_t bytes, char *msg) {
  cuda_dev *d = state;
  ab_status st = ab_vbuffer_range(dst, offset, bytes, msg);
  if (st != AB_OK)
    return st;
  abcu_error e =
      d->libs->rt.cudaMemcpy((char *)dst->ptr + offset, src, bytes, ABCU_MEMCPY_HOST_TO_DEVICE);
  return e == ABCU_SUCCESS ? AB_OK : cuda_rt_fail(msg, "cudaMemcpy(host to device)", e);
}

static ab_status cuda_copy_to_host(void *state, void *dst, const ab_buffer *src, size_t offset,
                                   size_t bytes, char *msg) {
  cuda_dev *d = state;
  ab_status st = ab_vbuffer_range(src, offset, bytes, msg);
  if (st != AB_OK)
    return st;
  /* The harness reads results after case_run returned; finish the stream's work first. */
  abcu_error e = d->libs->rt.cudaStreamSynchronize(d->stream);
  if (e == ABCU_SUCCESS)
    e = d->libs->rt.cudaMemcpy(dst, (const char *)src->ptr + offset, bytes,
                               ABCU_MEMCPY_DEVICE_TO_HOST);
  return e == ABCU_SUCCESS ? AB_OK : cuda_rt_fail(msg, "cudaMemcpy(device to host)", e);
}

/* ABI 1.4: device-to-device copy (the decoder layer's KV-cache append), on the case's
 * stream so it follows the kernels before it, and complete on return like the host copies
 * (a device-to-device cudaMemcpy alone would return before the copy is done). */
static ab_status cuda_buffer_copy(void *state, ab_buffer *dst, size_t dst_offset,
                                  const ab_buffer *src, size_t src_offset, size_t bytes,
                                  char *msg) {
  cuda_dev *d = state;
  ab_status st = ab_vbuffer_range(src, src_offset, bytes, msg);
  if (st == AB_OK)
    st = ab_vbuffer_range(dst, dst_offset, bytes, msg);
  if (st != AB_OK || bytes == 0)
    return st;
  abcu_error e = d->libs->rt.cudaMemcpyAsync((char *)dst->ptr + dst_offset,
                                             (const char *)src->ptr + src_offset, bytes,
                                             ABCU_MEMCPY_DEVICE_TO_DEVICE, d->stream);
  if (e != ABCU_SUCCESS)
    return cuda_rt_fail(msg, "cudaMemcpyAsync(device to device)", e);
  e = d->libs->rt.cudaStreamSynchronize(d->stream);
  return e == ABCU_SUCCESS ? AB_OK : cuda_rt_fail(msg, "cudaStreamSynchronize", e);
}

/* ---- cases ---- */

static int provider_index(const char *name) {
  for (int i = 0; providers[i]; i++)
    if (name && strcmp(name, providers[i]) == 0)
      return i;
  return -1;
}

/* Which code runs a case: the libraries' GEMM, the runtime's copies, or the portable
 * kernels (peak and launch on any provider, since the harness runs them once per device on
 * the default one; every other kind, GEMM included, on provider portable). */
typedef enum route { ROUTE_GEMM, ROUTE_COPY, ROUTE_KERNEL } route;

static route route_of(const ab_kernel_desc *d, int provider) {
  switch (d->kind) {
  case AB_KERNEL_GEMM: return provider == CUDA_PROV_PORTABLE ? ROUTE_KERNEL : ROUTE_GEMM;
  case AB_KERNEL_MEMBW:
  case AB_KERNEL_COPY_H2D:
  case AB_KERNEL_COPY_D2H: return ROUTE_COPY;
  default: return ROUTE_KERNEL;
  }
}

static ab_status cuda_case_query(void *state, const ab_kernel_desc *desc, const char *provider,
                                 char *msg) {
  int p = provider_index(provider);
  if (p < 0) {
    snprintf(msg, AB_MSG_LEN, "provider '%s' is not one of cublas, cublaslt, portable",
             provider ? provider : "(null)");
    return AB_E_UNSUPPORTED;
  }
  switch (route_of(desc, p)) {
  case ROUTE_GEMM: return cuda_gemm_query(state, desc, p, msg);
  case ROUTE_COPY: return cuda_micro_query(desc, p, msg);
  case ROUTE_KERNEL: break;
  }
  if (p != CUDA_PROV_PORTABLE && desc->kind != AB_KERNEL_PEAK && desc->kind != AB_KERNEL_LAUNCH) {
    snprintf(msg, AB_MSG_LEN, "%s runs on provider portable (the portable CUDA kernels)",
             ab_kernel_kind_str(desc->kind));
    return AB_E_UNSUPPORTED;
  }
  return AB_OK; /* the kernels' planner decides in case_prepare, on the operands */
}

static void cuda_case_release(void *state, void *case_state) {
  cuda_case *c = case_state;
  if (!c)
    return;
  cuda_gemm_release(state, c);
  cuda_micro_release(state, c);
  free(c);
}

static ab_status cuda_case_prepare(void *state, const ab_kernel_desc *desc, const char *provider,
                                   ab_buffer *const *operands, size_t n_operands, void **case_state,
                                   ab_case_info *info, char *msg) {
  cuda_dev *d = state;
  *case_state = NULL;
  ab_status st = cuda_case_query(state, desc, provider, msg);
  if (st != AB_OK)
    return st;
  cuda_case *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for a case");
    return AB_E_NOMEM;
  }
  c->dev = d;
  int p = provider_index(provider);
  switch (route_of(desc, p)) {
  case ROUTE_GEMM: st = cuda_gemm_prepare(d, desc, p, operands, n_operands, c, info, msg); break;
  case ROUTE_COPY: st = cuda_micro_prepare(d, desc, p, operands, n_operands, c, info, msg); break;
  case ROUTE_KERNEL: st = cuda_kernel_prepare(d, desc, operands, n_operands, c, info, msg); break;
  }
  if (st != AB_OK) {
    cuda_case_release(d, c);
    return st;
  }
  *case_state = c;
  return AB_OK;
}

static ab_status run_one(void *ctx, char *msg) {
  cuda_case *c = ctx;
  return c->call(c->dev, c, msg);
}

static ab_status cuda_case_run(void *state, void *case_state, uint32_t iterations,
                               ab_timing *timing, char *msg) {
  cuda_dev *d = state;
  return ab_vtime_case(&d->timer, run_one, case_state, iterations, timing, msg);
}

/* open() reads no option: every -O key is refused by the harness, with this (empty) list. */
static const char *const cuda_option_keys[] = {NULL};

static const ab_backend table = {
    .abi_major = AB_BACKEND_ABI_MAJOR,
    .abi_minor = AB_BACKEND_ABI_MINOR,
    .struct_size = sizeof(ab_backend),
    .name = "cuda",
    .description = "NVIDIA GPUs: CUDA runtime 12/13, cuBLAS, cuBLASLt (loaded at run time)",
    .device_state_size = sizeof(cuda_dev),
    .providers = providers,
    .probe = cuda_probe,
    .device_count = cuda_device_count,
    .device_info = cuda_device_info,
    .open = cuda_open,
    .close = cuda_close,
    .buffer_alloc = cuda_buffer_alloc,
    .buffer_free = cuda_buffer_free,
    .copy_to_device = cuda_copy_to_device,
    .copy_to_host = cuda_copy_to_host,
    .case_prepare = cuda_case_prepare,
    .case_run = cuda_case_run,
    .case_release = cuda_case_release,
    .case_query = cuda_case_query,
    .option_keys = cuda_option_keys,
    .buffer_copy = cuda_buffer_copy,
};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_major) {
  return harness_major == AB_BACKEND_ABI_MAJOR ? &table : NULL;
}
