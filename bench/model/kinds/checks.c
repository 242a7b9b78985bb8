/* What the floating-point kinds (norm, softmax, activation, elementwise, rotary) share:
 * dtype rules, unit roundoffs and the element-by-element comparison with a tolerance. */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "model/kinds/kinds.h"
#include "model/reference.h"
#include "model/util.h"

bool ab_kind_is_float(ab_dtype t) {
  return t == AB_DTYPE_F64 || t == AB_DTYPE_F32 || t == AB_DTYPE_F16 || t == AB_DTYPE_BF16;
}

double ab_kind_compute_roundoff(const ab_check_io *io) {
  if (ab_kind_is_float(io->accumulate))
    return ab_unit_roundoff(io->accumulate);
  /* Undeclared: f64 cases compute in f64, every narrower dtype at least in f32. */
  return io->desc->dtype == AB_DTYPE_F64 ? 0x1.0p-53 : 0x1.0p-24;
}

/* Half the spacing of the output dtype's subnormals: what rounding a result that small can
 * lose, however small the reference is. */
double ab_kind_floor(ab_dtype t) {
  switch (t) {
  case AB_DTYPE_F16: return 0x1.0p-25;
  case AB_DTYPE_BF16: return 0x1.0p-134;
  case AB_DTYPE_F32: return 0x1.0p-150;
  default: return DBL_TRUE_MIN;
  }
}

double ab_kind_gamma(double n, double u) {
  double nu = n * u;
  return nu < 1.0 ? nu / (1.0 - nu) : INFINITY;
}

ab_status ab_kind_check_float(const ab_kernel_desc *d, size_t n_ops, char *msg, size_t len) {
  if (!ab_kind_is_float(d->dtype) || !ab_kind_is_float(d->out_dtype)) {
    ab_msgf(msg, len,
            "%s: dtype %s -> %s: this kind takes floating-point dtypes only (f64, f32, "
            "f16, bf16)",
            ab_kernel_kind_str(d->kind), ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype));
    return AB_E_INVALID;
  }
  for (size_t i = 0; i < n_ops; i++)
    if (!ab_kind_is_float(ab_operand_dtype(d, i, AB_DTYPE_F32))) {
      ab_msgf(msg, len, "%s: operand %zu: dtype %s: floating-point dtypes only",
              ab_kernel_kind_str(d->kind), i, ab_dtype_str(ab_operand_dtype(d, i, AB_DTYPE_F32)));
      return AB_E_INVALID;
    }
  return AB_OK;
}

void ab_cmp_begin(ab_validation *v, uint64_t total, const char *rule) {
  *v = (ab_validation){.checked = true, .elements_total = total};
  snprintf(v->rule, sizeof v->rule, "%s", rule);
}

void ab_cmp_element(ab_validation *v, double got, double ref, double tol) {
  double err = fabs(got - ref);
  double ratio = err / tol;
  if (isnan(got) || isnan(err)) { /* NaN compares false: count it explicitly */
    err = INFINITY;
    ratio = INFINITY;
  }
  v->elements_checked++;
  if (!(ratio <= 1.0))
    v->mismatches++;
  if (err > v->max_abs_error)
    v->max_abs_error = err;
  if (ratio > v->max_error_ratio)
    v->max_error_ratio = ratio;
}

bool ab_kind_elems_overflow(int64_t a, int64_t b, int64_t c, size_t elem) {
  if (ab_product_overflows(a, b, 1))
    return true;
  return ab_product_overflows(a * b, c, elem);
}

void ab_kind_unary_operand(const ab_kernel_desc *d, size_t i, size_t elements,
                           ab_operand_def *out) {
  ab_dtype t = i == 0 ? d->dtype : d->out_dtype;
  *out = (ab_operand_def){i == 0 ? AB_OPERAND_INPUT : AB_OPERAND_OUTPUT, t,
                          elements * ab_dtype_size(t), AB_DIST_UNIFORM};
}

double ab_kind_unary_bytes(const ab_kernel_desc *d, size_t elements) {
  return (double)elements * (double)(ab_dtype_size(d->dtype) + ab_dtype_size(d->out_dtype));
}
