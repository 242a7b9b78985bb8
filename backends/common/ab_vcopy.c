/* accelbench — the shared vendor-adapter layer: checks and host data of the copies every
 * adapter does (buffer ranges, the transfer microbenchmarks of kernel.h). */
#include <stdio.h>

#include "ab_vendor.h"

ab_status ab_vcheck_range(size_t have, size_t offset, size_t bytes, char *msg) {
  if (offset > have || bytes > have - offset) {
    snprintf(msg, AB_MSG_LEN, "copy of %zu bytes at offset %zu is outside a buffer of %zu", bytes,
             offset, have);
    return AB_E_INVALID;
  }
  return AB_OK;
}

ab_status ab_vcheck_transfer(const ab_kernel_desc *d, const size_t *op_bytes, size_t n_ops,
                             char *msg) {
  int64_t bytes = d->params.transfer.bytes;
  if (bytes <= 0) {
    snprintf(msg, AB_MSG_LEN, "desc.params.transfer.bytes: must be positive, got %lld",
             (long long)bytes);
    return AB_E_INVALID;
  }
  size_t need = d->kind == AB_KERNEL_MEMBW ? 2 : 1; /* membw: source and destination */
  for (size_t i = 0; i < need; i++)
    if (i >= n_ops || op_bytes[i] < (size_t)bytes) {
      snprintf(msg, AB_MSG_LEN, "operand %zu (%s): needs %lld bytes", i,
               ab_kernel_kind_str(d->kind), (long long)bytes);
      return AB_E_INVALID;
    }
  return AB_OK;
}

void ab_vfill_transfer_pattern(void *host, size_t bytes) {
  unsigned char *h = host;
  for (size_t i = 0; i < bytes; i++)
    h[i] = (unsigned char)((i * 131 + 7) & 0xff);
}
