/* accelbench rocm backend — microbenchmarks through the HIP runtime: device memory
 * bandwidth (a device-to-device hipMemcpyAsync), host<->device transfers from pageable
 * (malloc) or pinned (hipHostMalloc) memory, each named in the implementation text. Peak
 * compute and launch latency need a kernel of accelbench's own, which this adapter cannot
 * build without a compiler (rocm_backend.c says so per case). */
#include <stdio.h>
#include <stdlib.h>

#include "rocm_internal.h"

ab_status rocm_micro_query(const rocm_dev *dev, const ab_kernel_desc *d, char *msg) {
  int pinned = d->kind != AB_KERNEL_MEMBW && d->params.transfer.pinned;
  if (pinned && dev->libs && (!dev->libs->hip.hipHostMalloc || !dev->libs->hip.hipHostFree)) {
    snprintf(msg, AB_MSG_LEN, "%s pinned: symbol hipHostMalloc or hipHostFree missing from %s",
             ab_kernel_kind_str(d->kind), dev->libs->hip_file);
    return AB_E_UNSUPPORTED;
  }
  return AB_OK;
}

static ab_status copy_call(rocm_dev *dev, rocm_case *c, char *msg) {
  abhip_error e =
      dev->libs->hip.hipMemcpyAsync(c->dst, c->src, c->bytes, c->direction, dev->stream);
  return e == ABHIP_SUCCESS ? AB_OK : rocm_hip_fail(msg, "hipMemcpyAsync", e);
}

static ab_status host_alloc(rocm_dev *dev, rocm_case *c, char *msg) {
  if (c->pinned) {
    abhip_error e = dev->libs->hip.hipHostMalloc(&c->host, c->bytes, ABHIP_HOST_MALLOC_DEFAULT);
    if (e != ABHIP_SUCCESS) {
      c->host = NULL;
      return rocm_hip_fail(msg, "hipHostMalloc", e);
    }
    return AB_OK;
  }
  c->host = malloc(c->bytes);
  if (!c->host) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for a %zu-byte transfer buffer", c->bytes);
    return AB_E_NOMEM;
  }
  return AB_OK;
}

static ab_status check_sizes(const ab_kernel_desc *d, ab_buffer *const *ops, size_t n_ops,
                             size_t need_ops, char *msg) {
  int64_t bytes = d->params.transfer.bytes;
  if (bytes <= 0) {
    snprintf(msg, AB_MSG_LEN, "desc.params.transfer.bytes: must be positive, got %lld",
             (long long)bytes);
    return AB_E_INVALID;
  }
  for (size_t i = 0; i < need_ops; i++)
    if (i >= n_ops || !ops[i] || ops[i]->bytes < (size_t)bytes) {
      snprintf(msg, AB_MSG_LEN, "operand %zu (%s): needs %lld bytes", i,
               ab_kernel_kind_str(d->kind), (long long)bytes);
      return AB_E_INVALID;
    }
  return AB_OK;
}

/* The host side of a transfer; h2d's source carries the pattern kernel.h asks for. */
static ab_status setup_transfer(rocm_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                rocm_case *c, char *msg) {
  c->pinned = d->params.transfer.pinned != 0;
  ab_status st = host_alloc(dev, c, msg);
  if (st != AB_OK)
    return st;
  if (d->kind == AB_KERNEL_COPY_H2D) {
    unsigned char *h = c->host;
    for (size_t i = 0; i < c->bytes; i++)
      h[i] = (unsigned char)((i * 131 + 7) & 0xff);
    c->src = c->host;
    c->dst = ops[0]->ptr;
    c->direction = ABHIP_MEMCPY_HOST_TO_DEVICE;
  } else {
    c->src = ops[0]->ptr;
    c->dst = c->host;
    c->direction = ABHIP_MEMCPY_DEVICE_TO_HOST;
  }
  return AB_OK;
}

ab_status rocm_micro_prepare(rocm_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                             size_t n_ops, rocm_case *c, ab_case_info *info, char *msg) {
  size_t need = d->kind == AB_KERNEL_MEMBW ? 2 : 1;
  ab_status st = check_sizes(d, ops, n_ops, need, msg);
  if (st != AB_OK)
    return st;
  c->bytes = (size_t)d->params.transfer.bytes;
  c->call = copy_call;
  if (d->kind == AB_KERNEL_MEMBW) {
    c->src = ops[0]->ptr;
    c->dst = ops[1]->ptr;
    c->direction = ABHIP_MEMCPY_DEVICE_TO_DEVICE;
  } else if ((st = setup_transfer(dev, d, ops, c, msg)) != AB_OK) {
    return st;
  }
  const char *what = d->kind == AB_KERNEL_MEMBW      ? "device-to-device"
                     : d->kind == AB_KERNEL_COPY_H2D ? "host-to-device from"
                                                     : "device-to-host into";
  const char *host = d->kind == AB_KERNEL_MEMBW ? ""
                     : c->pinned                ? " pinned host memory (hipHostMalloc)"
                                                : " pageable host memory (malloc)";
  snprintf(info->implementation, sizeof info->implementation, "hipMemcpyAsync %s%s, HIP events",
           what, host);
  return AB_OK;
}

void rocm_micro_release(rocm_dev *dev, rocm_case *c) {
  if (!c->host)
    return;
  if (c->pinned)
    dev->libs->hip.hipHostFree(c->host);
  else
    free(c->host);
  c->host = NULL;
}
