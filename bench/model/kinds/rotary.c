/* Rotary position embedding, rotate-half convention, token t at position
 * position + (t mod period), t when period is 0 (include/accelbench/kernel.h,
 * ab_rotary_params). Memory-bound: x read once, y written. */
#include <math.h>
#include <stdio.h>

#include "model/inputs.h"
#include "model/kind.h"
#include "model/kinds/kinds.h"
#include "model/reference.h"
#include "model/util.h"

static const ab_param_field fields[] = {
    {.name = "tokens",
     .offset = offsetof(ab_rotary_params, tokens),
     .type = AB_PARAM_I64,
     .min = 1,
     .max = INT64_C(1) << 31},
    AB_FIELD_COUNT(ab_rotary_params, heads),
    {.name = "head_dim",
     .offset = offsetof(ab_rotary_params, head_dim),
     .type = AB_PARAM_I64,
     .min = 2,
     .max = INT64_C(1) << 20},
    {.name = "theta",
     .offset = offsetof(ab_rotary_params, theta),
     .type = AB_PARAM_I64,
     .min = 2,
     .max = INT64_C(1) << 40},
    /* decoder, ABI 1.4: optional, 0 keeps the 1.3 meaning (token t at position t) */
    {.name = "position",
     .offset = offsetof(ab_rotary_params, position),
     .type = AB_PARAM_I64,
     .min = 0,
     .max = INT64_C(1) << 31,
     .optional = true},
    {.name = "period",
     .offset = offsetof(ab_rotary_params, period),
     .type = AB_PARAM_I64,
     .min = 0,
     .max = INT64_C(1) << 31,
     .optional = true},
};

/* The position of token t. */
static double position_of(const ab_rotary_params *p, int64_t t) {
  return (double)(p->position + (p->period ? t % p->period : t));
}

static size_t elements(const ab_kernel_desc *d) {
  const ab_rotary_params *p = &d->params.rotary;
  return (size_t)p->tokens * (size_t)p->heads * (size_t)p->head_dim;
}

static size_t two(const ab_kernel_desc *d) {
  (void)d;
  return 2;
}

static void operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  ab_kind_unary_operand(d, i, elements(d), out);
}

/* Per output element: two multiplies and an add (the angles' cos/sin not counted). */
static double flops(const ab_kernel_desc *d) {
  return 3.0 * (double)elements(d);
}

static double bytes(const ab_kernel_desc *d) {
  return ab_kind_unary_bytes(d, elements(d));
}

/* The 1.3 fields as before, then position and period where they are set, so that case ids
 * of the cases 1.3 could express stay as they were. */
static void shape_str(const ab_kernel_desc *d, char *buf, size_t len) {
  const ab_rotary_params *p = &d->params.rotary;
  int n =
      snprintf(buf, len, "tokens=%lld heads=%lld head_dim=%lld theta=%lld", (long long)p->tokens,
               (long long)p->heads, (long long)p->head_dim, (long long)p->theta);
  if ((p->position || p->period) && n > 0 && (size_t)n < len)
    snprintf(buf + n, len - (size_t)n, " position=%lld period=%lld", (long long)p->position,
             (long long)p->period);
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len) {
  const ab_rotary_params *p = &d->params.rotary;
  ab_status st = ab_kind_check_float(d, 0, msg, len);
  if (st != AB_OK)
    return st;
  if (p->head_dim % 2) {
    ab_msgf(msg, len, "rotary head_dim=%lld: expected an even head dimension (rotate-half pairs)",
            (long long)p->head_dim);
    return AB_E_INVALID;
  }
  size_t widest = ab_dtype_size(d->dtype) > ab_dtype_size(d->out_dtype)
                      ? ab_dtype_size(d->dtype)
                      : ab_dtype_size(d->out_dtype);
  if (ab_kind_elems_overflow(p->tokens, p->heads, p->head_dim, widest)) {
    ab_msgf(msg, len, "rotary shape tokens=%lld heads=%lld head_dim=%lld: operand size overflows",
            (long long)p->tokens, (long long)p->heads, (long long)p->head_dim);
    return AB_E_INVALID;
  }
  return AB_OK;
}

/* Error bound (docs/measurement.md, "Rotary"). The angle a = t theta^(-2i/d) is computed in
 * the arithmetic's precision: pow is within 16 ulp in OpenCL C (OpenCL 1.2 sec. 7.4, table
 * 7.1), i.e. 32u, its rounded exponent adds ln(theta) u, the product u; so a is off by
 * (34 + ln theta) u a, allowed as (48 + 2 ln theta) u a. cos and sin are within 4 ulp (8u,
 * absolute since both are at most 1); two products and an add cost 3u of the terms; the
 * store rounds to the output dtype. */
static double tolerance(double angle, double theta, double xa, double xb, double ref, double u,
                        ab_dtype out) {
  double angle_err = (48.0 + 2.0 * log(theta)) * u * angle;
  return (fabs(xa) + fabs(xb)) * (angle_err + 8.0 * u + 3.0 * u) +
         ab_unit_roundoff(out) * fabs(ref) + ab_kind_floor(out);
}

static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  const ab_kernel_desc *d = io->desc;
  const ab_rotary_params *p = &d->params.rotary;
  const void *y = io->read_all(io->ctx, 1, msg);
  if (!y)
    return AB_E_DEVICE;
  double u = ab_kind_compute_roundoff(io), theta = (double)p->theta;
  size_t half = (size_t)p->head_dim / 2;
  ab_cmp_begin(v, (uint64_t)elements(d),
               "|err| <= (|x_i|+|x_j|)((48+2ln theta)u angle + 11u) + u_out|ref|, every element");
  for (int64_t t = 0; t < p->tokens; t++)
    for (int64_t n = 0; n < p->heads; n++) {
      size_t base = ((size_t)t * (size_t)p->heads + (size_t)n) * (size_t)p->head_dim;
      for (size_t i = 0; i < half; i++) {
        double angle = position_of(p, t) * pow(theta, -2.0 * (double)i / (double)p->head_dim);
        double c = cos(angle), s = sin(angle);
        double xa = ab_load_as_double(io->host[0], d->dtype, base + i);
        double xb = ab_load_as_double(io->host[0], d->dtype, base + i + half);
        double ref_a = xa * c - xb * s, ref_b = xb * c + xa * s;
        ab_cmp_element(v, ab_load_as_double(y, d->out_dtype, base + i), ref_a,
                       tolerance(angle, theta, xa, xb, ref_a, u, d->out_dtype));
        ab_cmp_element(v, ab_load_as_double(y, d->out_dtype, base + i + half), ref_b,
                       tolerance(angle, theta, xa, xb, ref_b, u, d->out_dtype));
      }
    }
  return AB_OK;
}

const ab_kind_def ab_kind_rotary = {
    .kind = AB_KERNEL_ROTARY,
    .fields = fields,
    .n_fields = sizeof fields / sizeof fields[0],
    .metric = AB_METRIC_BYTES,
    .bound = AB_BOUND_MEMORY,
    .flops = flops,
    .bytes = bytes,
    .operand_count = two,
    .operand = operand,
    .check = check,
    .shape_str = shape_str,
    .validate = validate,
    .tolerance_source = "OpenCL 1.2 sec. 7.4 table 7.1 (pow 16, cos/sin 4 ulp), an ulp <= 2u; "
                        "docs/measurement.md",
};
