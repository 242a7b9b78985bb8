/* accelbench cuda backend — microbenchmarks through the CUDA runtime: device memory
 * bandwidth (a device-to-device copy), host<->device transfers from pageable (malloc) or
 * pinned (cudaMallocHost) memory, each recorded in the implementation text. Peak compute
 * and launch latency run accelbench's own kernels (the portable CUDA kernels, cuda_nvrtc.c);
 * where those are not built they answer unsupported, and the large GEMM rows stand for
 * the library's compute ceiling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_internal.h"

ab_status cuda_micro_query(const ab_kernel_desc *d, int provider, char *msg) {
  /* The harness runs a device's microbenchmarks once, on its default provider: the copies
   * are the runtime's whatever library the provider names. */
  (void)d, (void)provider, (void)msg;
  return AB_OK;
}

static ab_status copy_call(cuda_dev *dev, cuda_case *c, char *msg) {
  abcu_error e = dev->libs->rt.cudaMemcpyAsync(c->dst, c->src, c->bytes, c->direction, dev->stream);
  return e == ABCU_SUCCESS ? AB_OK : cuda_rt_fail(msg, "cudaMemcpyAsync", e);
}

static ab_status host_alloc(cuda_dev *dev, cuda_case *c, char *msg) {
  if (c->pinned) {
    abcu_error e = dev->libs->rt.cudaMallocHost(&c->host, c->bytes);
    if (e != ABCU_SUCCESS) {
      c->host = NULL;
      return cuda_rt_fail(msg, "cudaMallocHost", e);
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
  for (size_t i = 0; bytes > 0 && i < need_ops; i++)
    if (i >= n_ops || !ops[i] || ops[i]->bytes < (size_t)bytes) {
      snprintf(msg, AB_MSG_LEN, "operand %zu (%s): needs %lld bytes", i,
               ab_kernel_kind_str(d->kind), (long long)bytes);
      return AB_E_INVALID;
    }
  if (bytes <= 0) {
    snprintf(msg, AB_MSG_LEN, "desc.params.transfer.bytes: must be positive, got %lld",
             (long long)bytes);
    return AB_E_INVALID;
  }
  return AB_OK;
}

ab_status cuda_micro_prepare(cuda_dev *dev, const ab_kernel_desc *d, int provider,
                             ab_buffer *const *ops, size_t n_ops, cuda_case *c, ab_case_info *info,
                             char *msg) {
  ab_status st = cuda_micro_query(d, provider, msg);
  size_t need = d->kind == AB_KERNEL_MEMBW ? 2 : 1;
  if (st == AB_OK)
    st = check_sizes(d, ops, n_ops, need, msg);
  if (st != AB_OK)
    return st;
  c->bytes = (size_t)d->params.transfer.bytes;
  c->call = copy_call;
  const char *from = "";
  if (d->kind == AB_KERNEL_MEMBW) {
    c->src = ops[0]->ptr;
    c->dst = ops[1]->ptr;
    c->direction = ABCU_MEMCPY_DEVICE_TO_DEVICE;
  } else {
    c->pinned = d->params.transfer.pinned != 0;
    st = host_alloc(dev, c, msg);
    if (st != AB_OK)
      return st;
    from = c->pinned ? " pinned host memory (cudaMallocHost)" : " pageable host memory (malloc)";
    if (d->kind == AB_KERNEL_COPY_H2D) {
      unsigned char *h = c->host;
      for (size_t i = 0; i < c->bytes; i++) /* the pattern kernel.h asks for */
        h[i] = (unsigned char)((i * 131 + 7) & 0xff);
      c->src = c->host;
      c->dst = ops[0]->ptr;
      c->direction = ABCU_MEMCPY_HOST_TO_DEVICE;
    } else {
      c->src = ops[0]->ptr;
      c->dst = c->host;
      c->direction = ABCU_MEMCPY_DEVICE_TO_HOST;
    }
  }
  snprintf(info->implementation, sizeof info->implementation, "cudaMemcpyAsync %s%s%s",
           d->kind == AB_KERNEL_MEMBW      ? "device-to-device"
           : d->kind == AB_KERNEL_COPY_H2D ? "host-to-device from"
                                           : "device-to-host into",
           from, "");
  return AB_OK;
}

void cuda_micro_release(cuda_dev *dev, cuda_case *c) {
  if (!c->host)
    return;
  if (c->pinned)
    dev->libs->rt.cudaFreeHost(c->host);
  else
    free(c->host);
  c->host = NULL;
}
