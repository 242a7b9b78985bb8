/* accelbench cambricon backend — microbenchmarks through CNRT: device memory bandwidth (a
 * device-to-device copy), host<->device transfers from pageable (malloc) or pinned
 * (cnrtHostMalloc) memory, each enqueued with cnrtMemcpyAsync on the device's queue and
 * timed by its notifiers; the implementation text says which copy and which timer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambricon_internal.h"

#define TIMER_TEXT "timed by cnrtNotifierDuration (hardware us)"

ab_status mlu_micro_query(const mlu_dev *dev, const ab_kernel_desc *d, char *msg) {
  int pinned = d->kind != AB_KERNEL_MEMBW && d->params.transfer.pinned;
  if (pinned && !(dev->libs->rt.cnrtHostMalloc && dev->libs->rt.cnrtFreeHost)) {
    snprintf(msg, AB_MSG_LEN,
             "pinned host memory needs cnrtHostMalloc and cnrtFreeHost, missing from %s",
             dev->libs->lib.path);
    return AB_E_UNSUPPORTED;
  }
  return AB_OK;
}

ab_status mlu_micro_call(void *case_state, char *msg) {
  mlu_case *c = case_state;
  mlu_dev *d = c->dev;
  /* CNRT's order: the queue comes before the direction (facts 7.7). */
  abmlu_ret r = d->libs->rt.cnrtMemcpyAsync(c->dst, c->src, c->bytes, d->queue, c->direction);
  return r == ABMLU_SUCCESS ? AB_OK : mlu_fail(msg, "cnrtMemcpyAsync", r);
}

static ab_status host_alloc(mlu_dev *dev, mlu_case *c, char *msg) {
  if (c->pinned) {
    abmlu_ret r = dev->libs->rt.cnrtHostMalloc(&c->host, c->bytes);
    if (r != ABMLU_SUCCESS) {
      c->host = NULL;
      return mlu_fail(msg, "cnrtHostMalloc", r);
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
                             char *msg) {
  size_t sizes[2] = {0, 0};
  for (size_t i = 0; i < n_ops && i < 2; i++)
    sizes[i] = ops[i] ? ops[i]->bytes : 0;
  return ab_vcheck_transfer(d, sizes, n_ops < 2 ? n_ops : 2, msg);
}

/* The host side of a transfer: its buffer, and for host-to-device the pattern kernel.h
 * asks for (ab_vfill_transfer_pattern). */
static ab_status prepare_transfer(mlu_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                  mlu_case *c, char *msg) {
  c->pinned = d->params.transfer.pinned != 0;
  ab_status st = host_alloc(dev, c, msg);
  if (st != AB_OK)
    return st;
  if (d->kind == AB_KERNEL_COPY_H2D) {
    ab_vfill_transfer_pattern(c->host, c->bytes);
    c->src = c->host;
    c->dst = ops[0]->ptr;
    c->direction = ABMLU_MEMCPY_HOST_TO_DEV;
  } else {
    c->src = ops[0]->ptr;
    c->dst = c->host;
    c->direction = ABMLU_MEMCPY_DEV_TO_HOST;
  }
  return AB_OK;
}

ab_status mlu_micro_prepare(mlu_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                            size_t n_ops, mlu_case *c, ab_case_info *info, char *msg) {
  int membw = d->kind == AB_KERNEL_MEMBW;
  ab_status st = check_sizes(d, ops, n_ops, msg);
  if (st != AB_OK)
    return st;
  c->bytes = (size_t)d->params.transfer.bytes;
  if (membw) {
    c->src = ops[0]->ptr;
    c->dst = ops[1]->ptr;
    c->direction = ABMLU_MEMCPY_DEV_TO_DEV;
  } else if ((st = prepare_transfer(dev, d, ops, c, msg)) != AB_OK) {
    return st;
  }
  const char *what = membw                           ? "device-to-device"
                     : d->kind == AB_KERNEL_COPY_H2D ? "host-to-device from"
                                                     : "device-to-host into";
  const char *host = membw       ? ""
                     : c->pinned ? " pinned host memory (cnrtHostMalloc)"
                                 : " pageable host memory (malloc)";
  snprintf(info->implementation, sizeof info->implementation, "cnrtMemcpyAsync %s%s, %s", what,
           host, TIMER_TEXT);
  return AB_OK;
}

void mlu_micro_release(mlu_dev *dev, mlu_case *c) {
  if (!c->host)
    return;
  if (c->pinned)
    dev->libs->rt.cnrtFreeHost(c->host);
  else
    free(c->host);
  c->host = NULL;
}
