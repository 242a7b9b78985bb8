/* accelbench ascend backend — copy microbenchmarks through the ACL runtime: device memory
 * bandwidth (a device-to-device aclrtMemcpyAsync) and host<->device transfers from pageable
 * (malloc) or pinned (aclrtMallocHost) memory, each named in the implementation text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascend_internal.h"

static ab_status copy_call(ascend_dev *dev, ascend_case *c, char *msg) {
  aclError e =
      dev->libs->rt.aclrtMemcpyAsync(c->dst, c->bytes, c->src, c->bytes, c->direction, dev->stream);
  return e == ABACL_SUCCESS ? AB_OK : ascend_fail(msg, "aclrtMemcpyAsync", e);
}

static ab_status host_alloc(ascend_dev *dev, ascend_case *c, char *msg) {
  if (c->pinned) {
    aclError e = dev->libs->rt.aclrtMallocHost(&c->host, c->bytes);
    if (e != ABACL_SUCCESS) {
      c->host = NULL;
      return ascend_fail(msg, "aclrtMallocHost", e);
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

ab_status ascend_micro_prepare(ascend_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                               size_t n_ops, ascend_case *c, ab_case_info *info, char *msg) {
  ab_status st = check_sizes(d, ops, n_ops, d->kind == AB_KERNEL_MEMBW ? 2 : 1, msg);
  if (st != AB_OK)
    return st;
  c->bytes = (size_t)d->params.transfer.bytes;
  c->call = copy_call;
  const char *what = "device-to-device";
  if (d->kind == AB_KERNEL_MEMBW) {
    c->src = ops[0]->ptr;
    c->dst = ops[1]->ptr;
    c->direction = ABACL_MEMCPY_DEVICE_TO_DEVICE;
  } else {
    c->pinned = d->params.transfer.pinned != 0;
    st = host_alloc(dev, c, msg);
    if (st != AB_OK)
      return st;
    if (d->kind == AB_KERNEL_COPY_H2D) {
      unsigned char *h = c->host;
      for (size_t i = 0; i < c->bytes; i++) /* the pattern kernel.h asks for */
        h[i] = (unsigned char)((i * 131 + 7) & 0xff);
      c->src = c->host;
      c->dst = ops[0]->ptr;
      c->direction = ABACL_MEMCPY_HOST_TO_DEVICE;
      what = c->pinned ? "host-to-device from pinned host memory (aclrtMallocHost)"
                       : "host-to-device from pageable host memory (malloc)";
    } else {
      c->src = ops[0]->ptr;
      c->dst = c->host;
      c->direction = ABACL_MEMCPY_DEVICE_TO_HOST;
      what = c->pinned ? "device-to-host into pinned host memory (aclrtMallocHost)"
                       : "device-to-host into pageable host memory (malloc)";
    }
  }
  snprintf(info->implementation, sizeof info->implementation,
           "aclrtMemcpyAsync %s, timed by aclrtEventElapsedTime", what);
  return AB_OK;
}

void ascend_micro_release(ascend_dev *dev, ascend_case *c) {
  if (!c->host)
    return;
  if (c->pinned)
    dev->libs->rt.aclrtFreeHost(c->host);
  else
    free(c->host);
  c->host = NULL;
}
