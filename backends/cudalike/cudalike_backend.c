/* accelbench cudalike backends — Moore Threads MUSA, MetaX MACA and Iluvatar CoreX from one
 * source driven by a table (cudalike_vendors.c; docs/cudalike.md). This file: discovery,
 * device lifetime, buffers, copies, case dispatch and event timing; GEMM and the copy
 * microbenchmarks in cudalike_cases.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cudalike_internal.h"

static const char *const providers[] = {"blas", NULL};

static ab_status cl_probe(char *msg) {
  const cl_libs *libs;
  return cl_load(&libs, msg);
}

static ab_status cl_device_count(uint32_t *count, char *msg) {
  const cl_libs *libs;
  *count = 0;
  ab_status st = cl_load(&libs, msg);
  if (st != AB_OK)
    return st;
  int n = 0;
  cl_error e = libs->rt.get_device_count(&n);
  if (e != cl_this_vendor()->success.v)
    return cl_rt_fail(msg, "GetDeviceCount", e);
  *count = n > 0 ? (uint32_t)n : 0;
  return AB_OK;
}

/* A DeviceGetAttribute value the row has a number for; -1 when it has none or the call
 * fails. */
static int attr(const cl_libs *l, const cl_vendor *v, cl_value a, int dev) {
  int out = 0;
  if (!a.from || !l->rt.device_get_attribute)
    return -1;
  return l->rt.device_get_attribute(&out, a.v, dev) == v->success.v ? out : -1;
}

static void version_fact(const cl_libs *l, const cl_vendor *v, cl_error (*fn)(int *), char *out,
                         size_t n, const char *label) {
  int ver = 0;
  if (!fn || fn(&ver) != v->success.v || ver <= 0)
    return;
  if (v->version_is_cuda_encoding)
    snprintf(out, n, "%s%d.%d", label, ver / 1000, (ver % 1000) / 10);
  else
    snprintf(out, n, "%s%d (raw)", label, ver);
  (void)l;
}

/* The uid: the PCI address where the row has the attribute numbers (in NVML's busId form,
 * so an NVML-typed power channel names the device the same way), else the vendor's
 * device index ("musa:0"): no verified call gives these runtimes' PCI address. */
static void set_uid(const cl_libs *l, const cl_vendor *v, int dev, ab_device_info *info) {
  int bus = attr(l, v, v->attr_pci_bus, dev), slot = attr(l, v, v->attr_pci_device, dev);
  int domain = attr(l, v, v->attr_pci_domain, dev);
  if (bus >= 0 && slot >= 0 && domain >= 0)
    snprintf(info->uid, sizeof info->uid, "%08X:%02X:%02X.0", (unsigned)domain, (unsigned)bus,
             (unsigned)slot);
  else
    snprintf(info->uid, sizeof info->uid, "%s:%d", v->backend, dev);
}

static ab_status cl_device_info(uint32_t index, ab_device_info *info, char *msg) {
  const cl_libs *l;
  ab_status st = cl_load(&l, msg);
  if (st != AB_OK)
    return st;
  const cl_vendor *v = cl_this_vendor();
  int dev = (int)index;
  cl_error e = l->rt.set_device(dev);
  if (e != v->success.v)
    return cl_rt_fail(msg, "SetDevice", e);
  info->type = AB_DEVICE_GPU;
  snprintf(info->vendor, sizeof info->vendor, "%s", v->vendor);
  /* No name call of these runtimes is verified (the CUDA one fills a struct whose layout
   * is not mirrored, facts 1.2): the name says which device it is and no more. */
  snprintf(info->name, sizeof info->name, "%s device %u", v->vendor, index);
  size_t free_b = 0, total = 0;
  if (l->rt.mem_get_info(&free_b, &total) == v->success.v)
    info->memory_bytes = total;
  int sms = attr(l, v, v->attr_sm_count, dev), khz = attr(l, v, v->attr_clock_khz, dev);
  info->compute_units = sms > 0 ? (uint32_t)sms : 0;
  info->max_clock_mhz = khz > 0 ? (uint32_t)khz / 1000u : 0;
  set_uid(l, v, dev, info);
  char rt_label[32];
  snprintf(rt_label, sizeof rt_label, "%s ", v->rt.what);
  version_fact(l, v, l->rt.runtime_get_version, info->runtime_version, sizeof info->runtime_version,
               rt_label);
  version_fact(l, v, l->rt.driver_get_version, info->driver_version, sizeof info->driver_version,
               "");
  ab_vattr(info, "runtime_library", "%s", l->rt_lib.path);
  ab_vattr(info, "management_library", "%s", v->management);
  ab_vattr(info, "enum_values", "%s", v->success.from);
  return AB_OK;
}

/* ---- events for the shared timing helpers ---- */

static ab_status ev_record(void *ctx, int which, char *msg) {
  cl_dev *d = ctx;
  cl_error e = d->libs->rt.event_record(d->ev[which], d->stream);
  return e == d->v->success.v ? AB_OK : cl_rt_fail(msg, "EventRecord", e);
}

static ab_status ev_elapsed(void *ctx, double *seconds, char *msg) {
  cl_dev *d = ctx;
  cl_error e = d->libs->rt.event_synchronize(d->ev[1]);
  if (e != d->v->success.v)
    return cl_rt_fail(msg, "EventSynchronize", e);
  float ms = 0.0f;
  e = d->libs->rt.event_elapsed_time(&ms, d->ev[0], d->ev[1]);
  if (e != d->v->success.v)
    return cl_rt_fail(msg, "EventElapsedTime", e);
  *seconds = (double)ms * 1e-3;
  return AB_OK;
}

static ab_status dev_alloc(void *ctx, size_t bytes, void **ptr, char *msg) {
  cl_dev *d = ctx;
  *ptr = NULL;
  cl_error e = d->libs->rt.malloc_dev(ptr, bytes);
  return e == d->v->success.v ? AB_OK : cl_rt_fail(msg, "Malloc", e);
}

static void dev_free(void *ctx, void *ptr) {
  cl_dev *d = ctx;
  d->libs->rt.free_dev(ptr);
}

/* ---- device lifetime ---- */

static void cl_close(void *state) {
  cl_dev *d = state;
  if (!d->libs)
    return;
  const cl_libs *l = d->libs;
  if (d->stream)
    l->rt.stream_synchronize(d->stream);
  if (d->blas)
    l->blas.destroy(d->blas);
  for (int i = 0; i < 2; i++)
    if (d->ev[i])
      l->rt.event_destroy(d->ev[i]);
  if (d->stream)
    l->rt.stream_destroy(d->stream);
  memset(d, 0, sizeof *d);
}

static ab_status cl_open(uint32_t index, void *state, const ab_option *options, size_t n_options,
                         char *msg) {
  (void)options, (void)n_options;
  cl_dev *d = state;
  const cl_libs *l;
  ab_status st = cl_load(&l, msg);
  if (st != AB_OK)
    return st;
  d->libs = l;
  d->v = cl_this_vendor();
  d->index = (int)index;
  d->mem = (ab_vmem){d, dev_alloc, dev_free};
  d->timer = (ab_vtimer){d, ev_record, ev_elapsed};
  const char *step = "SetDevice";
  cl_error e = l->rt.set_device((int)index);
  if (e == d->v->success.v) {
    step = "StreamCreate";
    e = l->rt.stream_create(&d->stream);
  }
  for (int i = 0; e == d->v->success.v && i < 2; i++) {
    step = "EventCreate";
    e = l->rt.event_create(&d->ev[i]);
  }
  if (e != d->v->success.v) {
    st = cl_rt_fail(msg, step, e);
    cl_close(d);
    return st;
  }
  return AB_OK;
}

/* ---- memory ---- */

static ab_status cl_buffer_alloc(void *state, size_t bytes, ab_buffer **out, char *msg) {
  cl_dev *d = state;
  return ab_vbuffer_alloc(&d->mem, bytes, out, msg);
}

static void cl_buffer_free(void *state, ab_buffer *buf) {
  cl_dev *d = state;
  ab_vbuffer_free(&d->mem, buf);
}

/* A synchronous copy of `kind`; refused when the row has no confirmed copy kinds. */
static ab_status copy_sync(cl_dev *d, void *dst, const void *src, size_t bytes, cl_value kind,
                           char *msg) {
  if (!cl_has_copy_values(d->v)) {
    snprintf(msg, AB_MSG_LEN, "%s", d->v->memcpy_why);
    return AB_E_UNSUPPORTED;
  }
  cl_error e = d->libs->rt.stream_synchronize(d->stream);
  if (e == d->v->success.v)
    e = d->libs->rt.memcpy_sync(dst, src, bytes, kind.v);
  return e == d->v->success.v ? AB_OK : cl_rt_fail(msg, "Memcpy", e);
}

static ab_status cl_copy_to_device(void *state, ab_buffer *dst, size_t offset, const void *src,
                                   size_t bytes, char *msg) {
  cl_dev *d = state;
  ab_status st = ab_vbuffer_range(dst, offset, bytes, msg);
  return st != AB_OK ? st
                     : copy_sync(d, (char *)dst->ptr + offset, src, bytes, d->v->memcpy_h2d, msg);
}

static ab_status cl_copy_to_host(void *state, void *dst, const ab_buffer *src, size_t offset,
                                 size_t bytes, char *msg) {
  cl_dev *d = state;
  ab_status st = ab_vbuffer_range(src, offset, bytes, msg);
  return st != AB_OK
             ? st
             : copy_sync(d, dst, (const char *)src->ptr + offset, bytes, d->v->memcpy_d2h, msg);
}

static ab_status cl_buffer_copy(void *state, ab_buffer *dst, size_t dst_offset,
                                const ab_buffer *src, size_t src_offset, size_t bytes, char *msg) {
  cl_dev *d = state;
  ab_status st = ab_vbuffer_range(dst, dst_offset, bytes, msg);
  if (st == AB_OK)
    st = ab_vbuffer_range(src, src_offset, bytes, msg);
  return st != AB_OK ? st
                     : copy_sync(d, (char *)dst->ptr + dst_offset,
                                 (const char *)src->ptr + src_offset, bytes, d->v->memcpy_d2d, msg);
}

/* ---- cases ---- */

static ab_status cl_case_query(void *state, const ab_kernel_desc *desc, const char *provider,
                               char *msg) {
  const cl_vendor *v = cl_this_vendor();
  (void)state;
  if (!provider || strcmp(provider, providers[0]) != 0) {
    snprintf(msg, AB_MSG_LEN, "provider '%s' is not blas", provider ? provider : "(null)");
    return AB_E_UNSUPPORTED;
  }
  switch (desc->kind) {
  case AB_KERNEL_GEMM:
    if (!cl_has_copy_values(v)) {
      snprintf(msg, AB_MSG_LEN, "operands cannot be uploaded: %s", v->memcpy_why);
      return AB_E_UNSUPPORTED;
    }
    return cl_gemm_query(v, desc, msg);
  case AB_KERNEL_MEMBW:
  case AB_KERNEL_COPY_H2D:
  case AB_KERNEL_COPY_D2H:
    if (cl_has_copy_values(v))
      return AB_OK;
    snprintf(msg, AB_MSG_LEN, "%s", v->memcpy_why);
    return AB_E_UNSUPPORTED;
  case AB_KERNEL_PEAK:
  case AB_KERNEL_LAUNCH:
    snprintf(msg, AB_MSG_LEN,
             "%s: needs a device kernel, and this adapter loads no %s compiler or prebuilt "
             "kernel module (it calls the runtime and BLAS libraries only)",
             ab_kernel_kind_str(desc->kind), v->vendor);
    return AB_E_UNSUPPORTED;
  default:
    snprintf(msg, AB_MSG_LEN,
             "%s: not offered by the %s adapter (GEMM through the BLAS library and the "
             "runtime's copies only)",
             ab_kernel_kind_str(desc->kind), v->backend);
    return AB_E_UNSUPPORTED;
  }
}

static void cl_case_release(void *state, void *case_state) {
  cl_case *c = case_state;
  if (!c)
    return;
  cl_micro_release(state, c);
  free(c);
}

static ab_status cl_case_prepare(void *state, const ab_kernel_desc *desc, const char *provider,
                                 ab_buffer *const *operands, size_t n_operands, void **case_state,
                                 ab_case_info *info, char *msg) {
  cl_dev *d = state;
  *case_state = NULL;
  ab_status st = cl_case_query(state, desc, provider, msg);
  if (st != AB_OK)
    return st;
  cl_case *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for a case");
    return AB_E_NOMEM;
  }
  c->dev = d;
  if (desc->kind == AB_KERNEL_GEMM)
    st = cl_gemm_prepare(d, desc, operands, n_operands, c, info, msg);
  else
    st = cl_micro_prepare(d, desc, operands, n_operands, c, info, msg);
  if (st != AB_OK) {
    cl_case_release(d, c);
    return st;
  }
  *case_state = c;
  return AB_OK;
}

static ab_status run_one(void *ctx, char *msg) {
  cl_case *c = ctx;
  return c->call(c->dev, c, msg);
}

static ab_status cl_case_run(void *state, void *case_state, uint32_t iterations, ab_timing *timing,
                             char *msg) {
  cl_dev *d = state;
  return ab_vtime_case(&d->timer, run_one, case_state, iterations, timing, msg);
}

static ab_backend table = {
    .abi_major = AB_BACKEND_ABI_MAJOR,
    .abi_minor = AB_BACKEND_ABI_MINOR,
    .struct_size = sizeof(ab_backend),
    .device_state_size = sizeof(cl_dev),
    .providers = providers,
    .probe = cl_probe,
    .device_count = cl_device_count,
    .device_info = cl_device_info,
    .open = cl_open,
    .close = cl_close,
    .buffer_alloc = cl_buffer_alloc,
    .buffer_free = cl_buffer_free,
    .copy_to_device = cl_copy_to_device,
    .copy_to_host = cl_copy_to_host,
    .case_prepare = cl_case_prepare,
    .case_run = cl_case_run,
    .case_release = cl_case_release,
    .case_query = cl_case_query,
    .buffer_copy = cl_buffer_copy,
};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_major) {
  if (harness_major != AB_BACKEND_ABI_MAJOR)
    return NULL;
  table.name = cl_this_vendor()->backend;
  table.description = cl_this_vendor()->description;
  return &table;
}
