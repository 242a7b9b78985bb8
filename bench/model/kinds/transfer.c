/* The byte-moving microbenchmarks (include/accelbench/kernel.h, ab_transfer_params):
 * membw copies operand 0 to operand 1 on the device; copy_h2d fills operand 0 from the
 * backend's host memory with the pattern byte i = (i*131+7) & 0xff; copy_d2h reads operand
 * 0 back to the host and leaves it unchanged. All three are device ceilings, checked byte
 * for byte. */
#include <stdio.h>

#include "model/kind.h"
#include "model/kinds/kinds.h"

static const ab_param_field fields[] = {
    {.name = "bytes",
     .offset = offsetof(ab_transfer_params, bytes),
     .type = AB_PARAM_I64,
     .min = 1,
     .max = INT64_C(1) << 40},
    {.name = "pinned",
     .offset = offsetof(ab_transfer_params, pinned),
     .type = AB_PARAM_BOOL,
     .optional = true},
};

static size_t size_of(const ab_kernel_desc *d) {
  return (size_t)d->params.transfer.bytes;
}

static double no_flops(const ab_kernel_desc *d) {
  (void)d;
  return 0.0;
}

static double copy_bytes(const ab_kernel_desc *d) {
  return 2.0 * (double)d->params.transfer.bytes; /* read once, written once */
}

static double transfer_bytes(const ab_kernel_desc *d) {
  return (double)d->params.transfer.bytes;
}

static size_t two(const ab_kernel_desc *d) {
  (void)d;
  return 2;
}

static size_t one(const ab_kernel_desc *d) {
  (void)d;
  return 1;
}

static void membw_operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  *out = (ab_operand_def){i == 0 ? AB_OPERAND_INPUT : AB_OPERAND_OUTPUT, AB_DTYPE_I8, size_of(d),
                          AB_DIST_UNIFORM};
}

static void h2d_operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  (void)i;
  *out = (ab_operand_def){AB_OPERAND_OUTPUT, AB_DTYPE_I8, size_of(d), AB_DIST_NONE};
}

static void d2h_operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  (void)i;
  *out = (ab_operand_def){AB_OPERAND_INPUT, AB_DTYPE_I8, size_of(d), AB_DIST_UNIFORM};
}

static void shape_str(const ab_kernel_desc *d, char *buf, size_t len) {
  snprintf(buf, len, "bytes=%lld%s", (long long)d->params.transfer.bytes,
           d->params.transfer.pinned ? " pinned" : "");
}

static ab_status membw_validate(const ab_check_io *io, ab_validation *v, char *msg) {
  return ab_check_bytes(io, 1, size_of(io->desc), io->host[0], v, msg);
}

static ab_status h2d_validate(const ab_check_io *io, ab_validation *v, char *msg) {
  return ab_check_bytes(io, 0, size_of(io->desc), NULL, v, msg);
}

/* The operand must still hold the uploaded input: a read must not change it. */
static ab_status d2h_validate(const ab_check_io *io, ab_validation *v, char *msg) {
  return ab_check_bytes(io, 0, size_of(io->desc), io->host[0], v, msg);
}

#define TRANSFER_KIND(k, bytes_fn, n_fn, op_fn, check_fn, bound_v, ceiling)                        \
  {                                                                                                \
    .kind = (k), .fields = fields, .n_fields = sizeof fields / sizeof fields[0],                   \
    .metric = AB_METRIC_BYTES, .bound = (bound_v), .once_per_device = true,                        \
    .measures_ceiling = (ceiling), .dtype_fixed = true, .fixed_in = AB_DTYPE_I8,                   \
    .fixed_out = AB_DTYPE_I8, .flops = no_flops, .bytes = (bytes_fn), .operand_count = (n_fn),     \
    .operand = (op_fn), .shape_str = shape_str, .validate = (check_fn),                            \
    .tolerance_source = "exact: a copy is byte for byte"                                           \
  }

const ab_kind_def ab_kind_membw = TRANSFER_KIND(AB_KERNEL_MEMBW, copy_bytes, two, membw_operand,
                                                membw_validate, AB_BOUND_MEMORY, true);
const ab_kind_def ab_kind_copy_h2d = TRANSFER_KIND(AB_KERNEL_COPY_H2D, transfer_bytes, one,
                                                   h2d_operand, h2d_validate, AB_BOUND_NONE, false);
const ab_kind_def ab_kind_copy_d2h = TRANSFER_KIND(AB_KERNEL_COPY_D2H, transfer_bytes, one,
                                                   d2h_operand, d2h_validate, AB_BOUND_NONE, false);
