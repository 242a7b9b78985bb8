/* Peak compute microbenchmark (include/accelbench/kernel.h, ab_peak_params): a device
 * ceiling per dtype, checked exactly. */
#include <stdio.h>

#include "model/kind.h"
#include "model/kinds/kinds.h"
#include "model/reference.h"
#include "model/util.h"

static const ab_param_field fields[] = {
    {.name = "items",
     .offset = offsetof(ab_peak_params, items),
     .type = AB_PARAM_I64,
     .min = 1,
     .max = INT64_C(1) << 40},
    AB_FIELD_COUNT(ab_peak_params, fma_per_item),
};

static double flops(const ab_kernel_desc *d) {
  return 2.0 * (double)d->params.peak.items * (double)d->params.peak.fma_per_item;
}

static double bytes(const ab_kernel_desc *d) {
  return (double)d->params.peak.items * (double)ab_dtype_size(d->out_dtype);
}

static size_t operand_count(const ab_kernel_desc *d) {
  (void)d;
  return 1;
}

static void operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  (void)i;
  *out =
      (ab_operand_def){AB_OPERAND_OUTPUT, d->out_dtype,
                       (size_t)d->params.peak.items * ab_dtype_size(d->out_dtype), AB_DIST_UNIFORM};
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len) {
  if (ab_product_overflows(d->params.peak.items, 1, ab_dtype_size(d->out_dtype))) {
    ab_msgf(msg, len, "peak: items=%lld: operand size overflows", (long long)d->params.peak.items);
    return AB_E_INVALID;
  }
  return AB_OK;
}

static void shape_str(const ab_kernel_desc *d, char *buf, size_t len) {
  snprintf(buf, len, "items=%lld fma=%lld", (long long)d->params.peak.items,
           (long long)d->params.peak.fma_per_item);
}

static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  const void *got = io->read_all(io->ctx, 0, msg);
  if (!got)
    return AB_E_DEVICE;
  ab_validate_peak(io->desc, got, v);
  return AB_OK;
}

const ab_kind_def ab_kind_peak = {
    .kind = AB_KERNEL_PEAK,
    .fields = fields,
    .n_fields = sizeof fields / sizeof fields[0],
    .metric = AB_METRIC_FLOPS,
    .bound = AB_BOUND_COMPUTE,
    .once_per_device = true,
    .measures_ceiling = true,
    .flops = flops,
    .bytes = bytes,
    .operand_count = operand_count,
    .operand = operand,
    .check = check,
    .shape_str = shape_str,
    .validate = validate,
    .tolerance_source = "exact: small integers in every dtype (kernel.h)",
};
