/* Launch latency (include/accelbench/kernel.h): one empty kernel per iteration, no
 * operands, nothing to check. Reported as calls per second from the time of one call. */
#include <stdio.h>

#include "model/kind.h"
#include "model/kinds/kinds.h"

static double zero(const ab_kernel_desc *d) {
  (void)d;
  return 0.0;
}

static size_t no_operands(const ab_kernel_desc *d) {
  (void)d;
  return 0;
}

static void no_operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  (void)d;
  (void)i;
  *out = (ab_operand_def){AB_OPERAND_INPUT, AB_DTYPE_INVALID, 0, AB_DIST_NONE};
}

static void shape_str(const ab_kernel_desc *d, char *buf, size_t len) {
  (void)d;
  snprintf(buf, len, "-");
}

static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  (void)io;
  (void)msg;
  snprintf(v->rule, sizeof v->rule, "no output: an empty kernel");
  return AB_OK;
}

const ab_kind_def ab_kind_launch = {
    .kind = AB_KERNEL_LAUNCH,
    .metric = AB_METRIC_LATENCY,
    .bound = AB_BOUND_NONE,
    .once_per_device = true,
    .dtype_fixed = true,
    .fixed_in = AB_DTYPE_I8,
    .fixed_out = AB_DTYPE_I8,
    .flops = zero,
    .bytes = zero,
    .operand_count = no_operands,
    .operand = no_operand,
    .shape_str = shape_str,
    .validate = validate,
    .tolerance_source = "none: nothing is computed",
};
