/* accelbench ascend backend — Huawei Ascend NPUs through the ACL runtime and the aclnn
 * operators of CANN, loaded at run time (docs/ascend.md). This file: discovery, device
 * lifetime, buffers, copies, case dispatch and timing with ACL events; the operators in
 * ascend_ops.c, the copy microbenchmarks in ascend_micro.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascend_internal.h"

/* aclnn: every operator with its native precision (Matmul f32 with cubeMathType
 * KEEP_DTYPE); aclnn-hf32: the f32 Matmul with cubeMathType USE_HF32, its own row so an
 * HF32 reduction is never reported as f32. */
static const char *const providers[] = {"aclnn", "aclnn-hf32", NULL};

static ab_status ascend_probe(char *msg) {
  const ascend_libs *libs;
  return ascend_load(&libs, msg);
}

static ab_status ascend_device_count(uint32_t *count, char *msg) {
  const ascend_libs *libs;
  *count = 0;
  ab_status st = ascend_load(&libs, msg);
  if (st != AB_OK)
    return st;
  aclError e = libs->rt.aclrtGetDeviceCount(count);
  return e == ABACL_SUCCESS ? AB_OK : ascend_fail(msg, "aclrtGetDeviceCount", e);
}

/* Versions: CANN (aclsysGetCANNVersion), the ACL API (aclrtGetVersion) and the driver
 * (aclsysGetVersionStr("driver"), a package name facts 2.2 lists). Each optional. */
static void versions(const ascend_libs *libs, ab_device_info *info) {
  int32_t ma = 0, mi = 0, pa = 0;
  if (libs->rt.aclrtGetVersion && libs->rt.aclrtGetVersion(&ma, &mi, &pa) == ABACL_SUCCESS) {
    snprintf(info->runtime_version, sizeof info->runtime_version, "ACL %d.%d.%d", ma, mi, pa);
    ab_vattr(info, "acl_api_version", "%d.%d.%d", ma, mi, pa);
  }
  if (libs->cann_version[0]) {
    ab_vattr(info, "cann_version", "%s", libs->cann_version);
    if (!info->runtime_version[0])
      snprintf(info->runtime_version, sizeof info->runtime_version, "CANN %.40s",
               libs->cann_version);
  }
  char buf[128] = "", pkg[] = "driver";
  if (libs->rt.aclsysGetVersionStr && libs->rt.aclsysGetVersionStr(pkg, buf) == ABACL_SUCCESS) {
    buf[sizeof buf - 1] = '\0';
    snprintf(info->driver_version, sizeof info->driver_version, "%s", buf);
  }
}

/* Device facts. uid "acl:<id>": ACL's device id. The facts sheet has no ACL call for a PCI
 * bus id; the DCMI power module names its channels' devices the same way (docs/ascend.md). */
static ab_status ascend_device_info(uint32_t index, ab_device_info *info, char *msg) {
  const ascend_libs *libs;
  ab_status st = ascend_load(&libs, msg);
  if (st != AB_OK)
    return st;
  aclError e = libs->rt.aclrtSetDevice((int32_t)index);
  if (e != ABACL_SUCCESS)
    return ascend_fail(msg, "aclrtSetDevice", e);
  info->type = AB_DEVICE_NPU;
  snprintf(info->vendor, sizeof info->vendor, "Huawei");
  const char *soc = libs->rt.aclrtGetSocName ? libs->rt.aclrtGetSocName() : NULL;
  snprintf(info->name, sizeof info->name, "%s", soc && *soc ? soc : "Ascend NPU");
  if (soc && *soc)
    ab_vattr(info, "soc_name", "%s", soc);
  size_t free_b = 0, total = 0;
  if (libs->rt.aclrtGetMemInfo(ABACL_HBM_MEM, &free_b, &total) == ABACL_SUCCESS)
    info->memory_bytes = total;
  libs->rt.aclrtResetDevice((int32_t)index);
  snprintf(info->uid, sizeof info->uid, "acl:%u", index);
  versions(libs, info);
  ab_vattr(info, "libascendcl", "%s", libs->rt_lib.path);
  return AB_OK;
}

/* ---- events for the shared timing helpers (facts 2.2: record both on one stream,
 * synchronize, then aclrtEventElapsedTime in ms) ---- */

static ab_status ev_record(void *ctx, int which, char *msg) {
  ascend_dev *d = ctx;
  aclError e = d->libs->rt.aclrtRecordEvent(d->ev[which], d->stream);
  return e == ABACL_SUCCESS ? AB_OK : ascend_fail(msg, "aclrtRecordEvent", e);
}

static ab_status ev_elapsed(void *ctx, double *seconds, char *msg) {
  ascend_dev *d = ctx;
  aclError e = d->libs->rt.aclrtSynchronizeStream(d->stream);
  if (e != ABACL_SUCCESS)
    return ascend_fail(msg, "aclrtSynchronizeStream", e);
  float ms = 0.0f;
  e = d->libs->rt.aclrtEventElapsedTime(&ms, d->ev[0], d->ev[1]);
  if (e != ABACL_SUCCESS)
    return ascend_fail(msg, "aclrtEventElapsedTime", e);
  *seconds = (double)ms * 1e-3;
  return AB_OK;
}

static ab_status dev_alloc(void *ctx, size_t bytes, void **ptr, char *msg) {
  ascend_dev *d = ctx;
  *ptr = NULL;
  aclError e = d->libs->rt.aclrtMalloc(ptr, bytes ? bytes : 1, ABACL_MEM_MALLOC_HUGE_FIRST);
  return e == ABACL_SUCCESS ? AB_OK : ascend_fail(msg, "aclrtMalloc", e);
}

static void dev_free(void *ctx, void *ptr) {
  ascend_dev *d = ctx;
  d->libs->rt.aclrtFree(ptr);
}

/* ---- device lifetime ---- */

static void ascend_close(void *state) {
  ascend_dev *d = state;
  if (!d->libs)
    return;
  const abacl_rt_api *rt = &d->libs->rt;
  if (d->stream)
    rt->aclrtSynchronizeStream(d->stream);
  ab_vworkspace_release(&d->ws, &d->mem);
  for (int i = 0; i < 2; i++)
    if (d->ev[i])
      rt->aclrtDestroyEvent(d->ev[i]);
  if (d->stream)
    rt->aclrtDestroyStream(d->stream);
  rt->aclrtResetDevice(d->index);
  memset(d, 0, sizeof *d);
}

static ab_status ascend_open(uint32_t index, void *state, const ab_option *options,
                             size_t n_options, char *msg) {
  (void)options, (void)n_options;
  ascend_dev *d = state;
  const ascend_libs *l;
  ab_status st = ascend_load(&l, msg);
  if (st != AB_OK)
    return st;
  d->libs = l;
  d->index = (int)index;
  d->mem = (ab_vmem){d, dev_alloc, dev_free};
  d->timer = (ab_vtimer){d, ev_record, ev_elapsed};
  const char *call = "aclrtSetDevice";
  aclError e = l->rt.aclrtSetDevice((int32_t)index);
  if (e == ABACL_SUCCESS && (call = "aclrtCreateStream"))
    e = l->rt.aclrtCreateStream(&d->stream);
  for (int i = 0; e == ABACL_SUCCESS && i < 2; i++)
    if ((call = "aclrtCreateEvent"))
      e = l->rt.aclrtCreateEvent(&d->ev[i]);
  if (e != ABACL_SUCCESS) {
    ascend_fail(msg, call, e);
    ascend_close(d);
    return AB_E_DEVICE;
  }
  return AB_OK;
}

/* ---- memory ---- */

static ab_status ascend_buffer_alloc(void *state, size_t bytes, ab_buffer **out, char *msg) {
  ascend_dev *d = state;
  return ab_vbuffer_alloc(&d->mem, bytes, out, msg);
}

static void ascend_buffer_free(void *state, ab_buffer *buf) {
  ascend_dev *d = state;
  ab_vbuffer_free(&d->mem, buf);
}

/* aclrtMemcpy takes the room left at the destination (destMax) before the source. */
static ab_status copy(ascend_dev *d, void *dst, size_t room, const void *src, size_t bytes,
                      int kind, const char *call, char *msg) {
  aclError e = d->libs->rt.aclrtSynchronizeStream(d->stream);
  if (e == ABACL_SUCCESS)
    e = d->libs->rt.aclrtMemcpy(dst, room, src, bytes, kind);
  return e == ABACL_SUCCESS ? AB_OK : ascend_fail(msg, call, e);
}

static ab_status ascend_copy_to_device(void *state, ab_buffer *dst, size_t offset, const void *src,
                                       size_t bytes, char *msg) {
  ab_status st = ab_vbuffer_range(dst, offset, bytes, msg);
  if (st != AB_OK)
    return st;
  return copy(state, (char *)dst->ptr + offset, dst->bytes - offset, src, bytes,
              ABACL_MEMCPY_HOST_TO_DEVICE, "aclrtMemcpy(host to device)", msg);
}

static ab_status ascend_copy_to_host(void *state, void *dst, const ab_buffer *src, size_t offset,
                                     size_t bytes, char *msg) {
  ab_status st = ab_vbuffer_range(src, offset, bytes, msg);
  if (st != AB_OK)
    return st;
  return copy(state, dst, bytes, (const char *)src->ptr + offset, bytes,
              ABACL_MEMCPY_DEVICE_TO_HOST, "aclrtMemcpy(device to host)", msg);
}

static ab_status ascend_buffer_copy(void *state, ab_buffer *dst, size_t dst_offset,
                                    const ab_buffer *src, size_t src_offset, size_t bytes,
                                    char *msg) {
  ab_status st = ab_vbuffer_range(dst, dst_offset, bytes, msg);
  if (st == AB_OK)
    st = ab_vbuffer_range(src, src_offset, bytes, msg);
  if (st != AB_OK)
    return st;
  return copy(state, (char *)dst->ptr + dst_offset, dst->bytes - dst_offset,
              (const char *)src->ptr + src_offset, bytes, ABACL_MEMCPY_DEVICE_TO_DEVICE,
              "aclrtMemcpy(device to device)", msg);
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

static ab_status ascend_case_query(void *state, const ab_kernel_desc *desc, const char *provider,
                                   char *msg) {
  (void)state;
  int p = provider_index(provider);
  if (p < 0) {
    snprintf(msg, AB_MSG_LEN, "provider '%s' is not one of aclnn, aclnn-hf32",
             provider ? provider : "(null)");
    return AB_E_UNSUPPORTED;
  }
  if (is_copy(desc->kind))
    return AB_OK; /* the runtime's copies, whichever provider the harness runs them on */
  return ascend_op_query(desc, p, msg);
}

static void ascend_case_release(void *state, void *case_state) {
  ascend_case *c = case_state;
  if (!c)
    return;
  ascend_op_release(state, c);
  ascend_micro_release(state, c);
  free(c);
}

static ab_status ascend_case_prepare(void *state, const ab_kernel_desc *desc, const char *provider,
                                     ab_buffer *const *operands, size_t n_operands,
                                     void **case_state, ab_case_info *info, char *msg) {
  ascend_dev *d = state;
  *case_state = NULL;
  ab_status st = ascend_case_query(state, desc, provider, msg);
  if (st != AB_OK)
    return st;
  ascend_case *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for a case");
    return AB_E_NOMEM;
  }
  c->dev = d;
  if (is_copy(desc->kind))
    st = ascend_micro_prepare(d, desc, operands, n_operands, c, info, msg);
  else
    st = ascend_op_prepare(d, desc, provider_index(provider), operands, n_operands, c, info, msg);
  if (st != AB_OK) {
    ascend_case_release(d, c);
    return st;
  }
  *case_state = c;
  return AB_OK;
}

static ab_status run_one(void *ctx, char *msg) {
  ascend_case *c = ctx;
  return c->call(c->dev, c, msg);
}

static ab_status ascend_case_run(void *state, void *case_state, uint32_t iterations,
                                 ab_timing *timing, char *msg) {
  ascend_dev *d = state;
  return ab_vtime_case(&d->timer, run_one, case_state, iterations, timing, msg);
}

static const ab_backend table = {
    .abi_major = AB_BACKEND_ABI_MAJOR,
    .abi_minor = AB_BACKEND_ABI_MINOR,
    .struct_size = sizeof(ab_backend),
    .name = "ascend",
    .description = "Huawei Ascend NPUs: ACL runtime and aclnn operators of CANN 8 (loaded at "
                   "run time)",
    .device_state_size = sizeof(ascend_dev),
    .providers = providers,
    .probe = ascend_probe,
    .device_count = ascend_device_count,
    .device_info = ascend_device_info,
    .open = ascend_open,
    .close = ascend_close,
    .buffer_alloc = ascend_buffer_alloc,
    .buffer_free = ascend_buffer_free,
    .copy_to_device = ascend_copy_to_device,
    .copy_to_host = ascend_copy_to_host,
    .case_prepare = ascend_case_prepare,
    .case_run = ascend_case_run,
    .case_release = ascend_case_release,
    .case_query = ascend_case_query,
    .buffer_copy = ascend_buffer_copy,
};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_major) {
  return harness_major == AB_BACKEND_ABI_MAJOR ? &table : NULL;
}
