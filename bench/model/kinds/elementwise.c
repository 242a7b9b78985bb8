/* Element-wise binary operations: c = a + b (the residual add; include/accelbench/
 * kernel.h, ab_elementwise_params). Memory-bound: two reads and one write per element. */
#include <math.h>
#include <stdio.h>

#include "model/inputs.h"
#include "model/kind.h"
#include "model/kinds/kinds.h"
#include "model/reference.h"
#include "model/util.h"

static const char *const op_names[] = {"add"};

static const ab_param_field fields[] = {
    AB_FIELD_ENUM(ab_elementwise_params, op, op_names),
    AB_FIELD_COUNT(ab_elementwise_params, elements),
};

static size_t elements(const ab_kernel_desc *d) {
  return (size_t)d->params.elementwise.elements;
}

static size_t three(const ab_kernel_desc *d) {
  (void)d;
  return 3;
}

static void operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  ab_dtype t = i < 2 ? d->dtype : d->out_dtype;
  *out = (ab_operand_def){i < 2 ? AB_OPERAND_INPUT : AB_OPERAND_OUTPUT, t,
                          elements(d) * ab_dtype_size(t), AB_DIST_UNIFORM};
}

static double flops(const ab_kernel_desc *d) {
  return (double)elements(d);
}

static double bytes(const ab_kernel_desc *d) {
  return (double)elements(d) *
         (2.0 * (double)ab_dtype_size(d->dtype) + (double)ab_dtype_size(d->out_dtype));
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len) {
  int64_t n = d->params.elementwise.elements;
  ab_status st = ab_kind_check_float(d, 0, msg, len);
  if (st == AB_OK && (ab_product_overflows(n, 1, ab_dtype_size(d->dtype)) ||
                      ab_product_overflows(n, 1, ab_dtype_size(d->out_dtype)))) {
    ab_msgf(msg, len, "elementwise elements=%lld: operand size overflows", (long long)n);
    st = AB_E_INVALID;
  }
  return st;
}

/* One add in the arithmetic's precision, then one rounding to the output dtype: each is
 * within half an ulp, u|ref| (IEEE 754 correct rounding; Higham, sec. 2.2). */
static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  const ab_kernel_desc *d = io->desc;
  const void *c = io->read_all(io->ctx, 2, msg);
  if (!c)
    return AB_E_DEVICE;
  double u = ab_kind_compute_roundoff(io), u_out = ab_unit_roundoff(d->out_dtype);
  ab_cmp_begin(v, (uint64_t)elements(d), "|err| <= (u + u_out)|ref|, every element");
  for (size_t i = 0; i < elements(d); i++) {
    double ref =
        ab_load_as_double(io->host[0], d->dtype, i) + ab_load_as_double(io->host[1], d->dtype, i);
    double tol = (u + u_out) * fabs(ref) + ab_kind_floor(d->out_dtype);
    ab_cmp_element(v, ab_load_as_double(c, d->out_dtype, i), ref, tol);
  }
  return AB_OK;
}

const ab_kind_def ab_kind_elementwise = {
    .kind = AB_KERNEL_ELEMENTWISE,
    .fields = fields,
    .n_fields = sizeof fields / sizeof fields[0],
    .metric = AB_METRIC_BYTES,
    .bound = AB_BOUND_MEMORY,
    .flops = flops,
    .bytes = bytes,
    .operand_count = three,
    .operand = operand,
    .check = check,
    .validate = validate,
    .tolerance_source = "IEEE 754 correct rounding, Higham, Accuracy and Stability of "
                        "Numerical Algorithms, 2nd ed., sec. 2.2; docs/measurement.md",
};
