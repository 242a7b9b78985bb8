/* accelbench cambricon backend — Cambricon MLUs through the CNRT runtime, loaded at run
 * time (docs/cambricon.md). This file: discovery, device lifetime, buffers, copies, and
 * case dispatch; the copy microbenchmarks in cambricon_micro.c. Operators (GEMM and the
 * other library kinds) would go through CNNL, whose matmul declarations could not be
 * confirmed from a public header: those kinds answer unsupported with that reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambricon_internal.h"

static const char *const providers[] = {"cnrt", NULL};

/* Why every kind that needs CNNL is refused (facts 3.2 and 8; docs/cambricon.md). */
#define CNNL_REASON                                                                                \
  "needs CNNL, and CNNL's declarations are not confirmed from a public header: no public "         \
  "cnnl.h was found; cnnlMatMul/cnnlMatMul_v2 prototypes and the CNNL_MATMUL_* attribute "         \
  "values appear only in callers (Cambricon/cnnl-example's cnnl_core.h declares handles and "      \
  "tensor descriptors, no operator)"

static ab_status mlu_probe(char *msg) {
  const mlu_libs *libs;
  return mlu_load(&libs, msg);
}

static ab_status mlu_device_count(uint32_t *count, char *msg) {
  const mlu_libs *libs;
  *count = 0;
  ab_status st = mlu_load(&libs, msg);
  if (st != AB_OK)
    return st;
  unsigned int n = 0;
  abmlu_ret r = libs->rt.cnrtGetDeviceCount(&n);
  if (r != ABMLU_SUCCESS)
    return mlu_fail(msg, "cnrtGetDeviceCount", r);
  *count = n;
  return AB_OK;
}

static int attr(const mlu_libs *libs, int a, int dev) {
  int v = 0;
  if (!libs->rt.cnrtDeviceGetAttribute || libs->rt.cnrtDeviceGetAttribute(&v, a, dev) != 0)
    return 0;
  return v > 0 ? v : 0;
}

/* The name is the first 256 bytes of cnrtDeviceProp_t in every verified CNRT (cnrt_api.h). */
static void device_name(const mlu_libs *libs, int index, ab_device_info *info) {
  /* long double: the block is aligned for any field the struct may hold */
  long double *prop = libs->rt.cnrtGetDeviceProperties ? calloc(1, ABMLU_PROP_BYTES) : NULL;
  const char *name = (const char *)prop;
  if (prop && libs->rt.cnrtGetDeviceProperties(prop, index) == ABMLU_SUCCESS && name[0])
    snprintf(info->name, sizeof info->name, "%.*s", (int)sizeof info->name - 1, name);
  else
    snprintf(info->name, sizeof info->name, "Cambricon MLU %d", index);
  free(prop);
}

/* uid: the PCI bus id as CNRT writes it ("[domain]:[bus]:[device].[function]", hex), which
 * the harness compares with CNDev's in one form; without the call, the ordinal. */
static void device_uid(const mlu_libs *libs, int index, ab_device_info *info) {
  char bus[64] = "";
  if (libs->rt.cnrtDeviceGetPCIBusId &&
      libs->rt.cnrtDeviceGetPCIBusId(bus, (int)sizeof bus, index) == 0 && bus[0]) {
    bus[sizeof bus - 1] = '\0';
    snprintf(info->uid, sizeof info->uid, "%s", bus);
    return;
  }
  snprintf(info->uid, sizeof info->uid, "mlu%d", index);
}

static void device_versions(const mlu_libs *libs, ab_device_info *info) {
  const int *v = libs->version;
  snprintf(info->runtime_version, sizeof info->runtime_version, "CNRT %d.%d.%d", v[0], v[1], v[2]);
  int d[3] = {0, 0, 0};
  if (libs->rt.cnrtDriverGetVersion(&d[0], &d[1], &d[2]) == ABMLU_SUCCESS && d[0] > 0)
    snprintf(info->driver_version, sizeof info->driver_version, "%d.%d.%d", d[0], d[1], d[2]);
}

static ab_status mlu_device_info(uint32_t index, ab_device_info *info, char *msg) {
  const mlu_libs *libs;
  ab_status st = mlu_load(&libs, msg);
  if (st != AB_OK)
    return st;
  int dev = (int)index;
  info->type = AB_DEVICE_NPU;
  snprintf(info->vendor, sizeof info->vendor, "Cambricon");
  device_name(libs, dev, info);
  device_uid(libs, dev, info);
  device_versions(libs, info);
  info->memory_bytes = (uint64_t)attr(libs, ABMLU_ATTR_TOTAL_MEM_MB, dev) << 20;
  info->compute_units = (uint32_t)(attr(libs, ABMLU_ATTR_CLUSTER_COUNT, dev) *
                                   attr(libs, ABMLU_ATTR_MCORE_PER_CLUSTER, dev));
  info->max_clock_mhz = (uint32_t)attr(libs, ABMLU_ATTR_IPU_CLOCK_KHZ, dev) / 1000u;
  ab_vattr(info, "compute_capability", "%d.%d", attr(libs, ABMLU_ATTR_CC_MAJOR, dev),
           attr(libs, ABMLU_ATTR_CC_MINOR, dev));
  ab_vattr(info, "clusters", "%d", attr(libs, ABMLU_ATTR_CLUSTER_COUNT, dev));
  ab_vattr(info, "memory_bus_bits", "%d", attr(libs, ABMLU_ATTR_GMEM_BUS_BITS, dev));
  ab_vattr(info, "memory_clock_mhz", "%d", attr(libs, ABMLU_ATTR_MEM_CLOCK_KHZ, dev) / 1000);
  ab_vattr(info, "cnrt", "%s", libs->lib.path);
  return AB_OK;
}

/* ---- notifiers for the shared timing helpers ---- */

static ab_status nt_record(void *ctx, int which, char *msg) {
  mlu_dev *d = ctx;
  abmlu_ret r = d->libs->rt.cnrtPlaceNotifier(d->nt[which], d->queue);
  return r == ABMLU_SUCCESS ? AB_OK : mlu_fail(msg, "cnrtPlaceNotifier", r);
}

/* cnrtNotifierDuration: the hardware time between the two notifiers, in MICROseconds
 * (facts 7.7; cnrtNotifierElapsedTime would be the software time in ms). */
static ab_status nt_elapsed(void *ctx, double *seconds, char *msg) {
  mlu_dev *d = ctx;
  abmlu_ret r = d->libs->rt.cnrtWaitNotifier(d->nt[1]);
  if (r != ABMLU_SUCCESS)
    return mlu_fail(msg, "cnrtWaitNotifier", r);
  float us = 0.0f;
  r = d->libs->rt.cnrtNotifierDuration(d->nt[0], d->nt[1], &us);
  if (r != ABMLU_SUCCESS)
    return mlu_fail(msg, "cnrtNotifierDuration", r);
  *seconds = (double)us * 1e-6;
  return AB_OK;
}

/* ---- device lifetime ---- */

static void mlu_close(void *state) {
  mlu_dev *d = state;
  if (!d->libs)
    return;
  const abmlu_api *rt = &d->libs->rt;
  if (d->queue)
    rt->cnrtQueueSync(d->queue);
  for (int i = 0; i < 2; i++)
    if (d->nt[i])
      rt->cnrtNotifierDestroy(d->nt[i]);
  if (d->queue)
    rt->cnrtQueueDestroy(d->queue);
  memset(d, 0, sizeof *d);
}

static ab_status open_failed(mlu_dev *d, const char *call, abmlu_ret r, char *msg) {
  ab_status st = mlu_fail(msg, call, r);
  mlu_close(d);
  return st == AB_E_NOMEM ? st : AB_E_DEVICE;
}

static ab_status mlu_open(uint32_t index, void *state, const ab_option *options, size_t n_options,
                          char *msg) {
  (void)options, (void)n_options;
  mlu_dev *d = state;
  const mlu_libs *l;
  ab_status st = mlu_load(&l, msg);
  if (st != AB_OK)
    return st;
  d->libs = l;
  d->index = (int)index;
  d->timer = (ab_vtimer){d, nt_record, nt_elapsed};
  abmlu_ret r = l->rt.cnrtSetDevice((int)index);
  if (r != ABMLU_SUCCESS)
    return open_failed(d, "cnrtSetDevice", r, msg);
  r = l->rt.cnrtQueueCreate(&d->queue);
  if (r != ABMLU_SUCCESS)
    return open_failed(d, "cnrtQueueCreate", r, msg);
  for (int i = 0; i < 2; i++) {
    r = l->rt.cnrtNotifierCreate(&d->nt[i]);
    if (r != ABMLU_SUCCESS)
      return open_failed(d, "cnrtNotifierCreate", r, msg);
  }
  return AB_OK;
}

/* ---- memory ---- */

static ab_status dev_alloc(void *ctx, size_t bytes, void **ptr, char *msg) {
  mlu_dev *d = ctx;
  abmlu_ret r = d->libs->rt.cnrtMalloc(ptr, bytes);
  return r == ABMLU_SUCCESS ? AB_OK : mlu_fail(msg, "cnrtMalloc", r);
}

static void dev_free(void *ctx, void *ptr) {
  mlu_dev *d = ctx;
  d->libs->rt.cnrtFree(ptr);
}

static ab_status mlu_buffer_alloc(void *state, size_t bytes, ab_buffer **out, char *msg) {
  const ab_vmem mem = {state, dev_alloc, dev_free};
  return ab_vbuffer_alloc(&mem, bytes, out, msg);
}

static void mlu_buffer_free(void *state, ab_buffer *buf) {
  const ab_vmem mem = {state, dev_alloc, dev_free};
  ab_vbuffer_free(&mem, buf);
}

static ab_status mlu_copy_to_device(void *state, ab_buffer *dst, size_t offset, const void *src,
                                    size_t bytes, char *msg) {
  mlu_dev *d = state;
  ab_status st = ab_vbuffer_range(dst, offset, bytes, msg);
  if (st != AB_OK)
    return st;
  /* cnrtMemcpy takes a non-const source; it only reads it. */
  abmlu_ret r = d->libs->rt.cnrtMemcpy((char *)dst->ptr + offset, (void *)(uintptr_t)src, bytes,
                                       ABMLU_MEMCPY_HOST_TO_DEV);
  return r == ABMLU_SUCCESS ? AB_OK : mlu_fail(msg, "cnrtMemcpy(host to device)", r);
}

static ab_status mlu_copy_to_host(void *state, void *dst, const ab_buffer *src, size_t offset,
                                  size_t bytes, char *msg) {
  mlu_dev *d = state;
  ab_status st = ab_vbuffer_range(src, offset, bytes, msg);
  if (st != AB_OK)
    return st;
  /* The harness reads results after case_run returned; finish the queue's work first. */
  abmlu_ret r = d->libs->rt.cnrtQueueSync(d->queue);
  if (r == ABMLU_SUCCESS)
    r = d->libs->rt.cnrtMemcpy(dst, (char *)src->ptr + offset, bytes, ABMLU_MEMCPY_DEV_TO_HOST);
  return r == ABMLU_SUCCESS ? AB_OK : mlu_fail(msg, "cnrtMemcpy(device to host)", r);
}

/* ABI 1.4: device-to-device on the device's queue, complete on return. */
static ab_status mlu_buffer_copy(void *state, ab_buffer *dst, size_t dst_offset,
                                 const ab_buffer *src, size_t src_offset, size_t bytes, char *msg) {
  mlu_dev *d = state;
  ab_status st = ab_vbuffer_range(dst, dst_offset, bytes, msg);
  if (st == AB_OK)
    st = ab_vbuffer_range(src, src_offset, bytes, msg);
  if (st != AB_OK)
    return st;
  abmlu_ret r =
      d->libs->rt.cnrtMemcpyAsync((char *)dst->ptr + dst_offset, (char *)src->ptr + src_offset,
                                  bytes, d->queue, ABMLU_MEMCPY_DEV_TO_DEV);
  if (r != ABMLU_SUCCESS)
    return mlu_fail(msg, "cnrtMemcpyAsync(device to device)", r);
  r = d->libs->rt.cnrtQueueSync(d->queue);
  return r == ABMLU_SUCCESS ? AB_OK : mlu_fail(msg, "cnrtQueueSync", r);
}

/* ---- cases ---- */

static int is_copy(ab_kernel_kind k) {
  return k == AB_KERNEL_MEMBW || k == AB_KERNEL_COPY_H2D || k == AB_KERNEL_COPY_D2H;
}

/* Launch latency, peak compute and STREAM need a kernel of accelbench's own, which on an MLU means
 * a BANG C program and the cncc compiler at build time: not something a dlopen adapter
 * can carry. */
static const char *unsupported_reason(ab_kernel_kind k) {
  if (k == AB_KERNEL_LAUNCH || k == AB_KERNEL_PEAK || k == AB_KERNEL_STREAM)
    return "needs a BANG C kernel of accelbench's own (compiled with cncc), which this "
           "dlopen adapter does not carry";
  return CNNL_REASON;
}

static ab_status mlu_case_query(void *state, const ab_kernel_desc *desc, const char *provider,
                                char *msg) {
  if (!provider || strcmp(provider, providers[0]) != 0) {
    snprintf(msg, AB_MSG_LEN, "provider '%s' is not cnrt", provider ? provider : "(null)");
    return AB_E_UNSUPPORTED;
  }
  if (is_copy(desc->kind))
    return mlu_micro_query(state, desc, msg);
  snprintf(msg, AB_MSG_LEN, "%s %s", ab_kernel_kind_str(desc->kind),
           unsupported_reason(desc->kind));
  return AB_E_UNSUPPORTED;
}

static void mlu_case_release(void *state, void *case_state) {
  mlu_case *c = case_state;
  if (!c)
    return;
  mlu_micro_release(state, c);
  free(c);
}

static ab_status mlu_case_prepare(void *state, const ab_kernel_desc *desc, const char *provider,
                                  ab_buffer *const *operands, size_t n_operands, void **case_state,
                                  ab_case_info *info, char *msg) {
  mlu_dev *d = state;
  *case_state = NULL;
  ab_status st = mlu_case_query(state, desc, provider, msg);
  if (st != AB_OK)
    return st;
  mlu_case *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for a case");
    return AB_E_NOMEM;
  }
  c->dev = d;
  st = mlu_micro_prepare(d, desc, operands, n_operands, c, info, msg);
  if (st != AB_OK) {
    mlu_case_release(d, c);
    return st;
  }
  *case_state = c;
  return AB_OK;
}

static ab_status mlu_case_run(void *state, void *case_state, uint32_t iterations, ab_timing *timing,
                              char *msg) {
  mlu_dev *d = state;
  return ab_vtime_case(&d->timer, mlu_micro_call, case_state, iterations, timing, msg);
}

static const ab_backend table = {
    .abi_major = AB_BACKEND_ABI_MAJOR,
    .abi_minor = AB_BACKEND_ABI_MINOR,
    .struct_size = sizeof(ab_backend),
    .name = "cambricon",
    .description = "Cambricon MLUs: CNRT 6 copies and transfers timed by notifiers (loaded at "
                   "run time; CNNL operators not yet confirmed)",
    .device_state_size = sizeof(mlu_dev),
    .providers = providers,
    .probe = mlu_probe,
    .device_count = mlu_device_count,
    .device_info = mlu_device_info,
    .open = mlu_open,
    .close = mlu_close,
    .buffer_alloc = mlu_buffer_alloc,
    .buffer_free = mlu_buffer_free,
    .copy_to_device = mlu_copy_to_device,
    .copy_to_host = mlu_copy_to_host,
    .case_prepare = mlu_case_prepare,
    .case_run = mlu_case_run,
    .case_release = mlu_case_release,
    .case_query = mlu_case_query,
    .buffer_copy = mlu_buffer_copy,
};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_major) {
  return harness_major == AB_BACKEND_ABI_MAJOR ? &table : NULL;
}
