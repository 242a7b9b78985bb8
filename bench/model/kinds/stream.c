/* STREAM copy / scale / add / triad (include/accelbench/kernel.h, ab_stream_params): a device
 * memory-bandwidth ceiling, checked element by element against a float64 reference. */
#include <math.h>
#include <stdio.h>

#include "model/inputs.h"
#include "model/kind.h"
#include "model/kinds/kinds.h"
#include "model/util.h"

static const char *const op_names[] = {"copy", "scale", "add", "triad"};

static const ab_param_field fields[] = {
    AB_FIELD_ENUM(ab_stream_params, op, op_names),
    {.name = "elements",
     .offset = offsetof(ab_stream_params, elements),
     .type = AB_PARAM_I64,
     .min = 1,
     .max = INT64_C(1) << 40},
};

static size_t arrays_read(const ab_kernel_desc *d) {
  int op = d->params.stream.op;
  return op == AB_STREAM_ADD || op == AB_STREAM_TRIAD ? 2 : 1;
}

static size_t array_bytes(const ab_kernel_desc *d) {
  return (size_t)d->params.stream.elements * ab_dtype_size(d->dtype);
}

/* STREAM's FLOP counts: none for copy, one per element for scale and add, two for triad. */
static double flops(const ab_kernel_desc *d) {
  static const double per_element[] = {0.0, 1.0, 1.0, 2.0};
  int op = d->params.stream.op;
  return op >= 0 && op <= AB_STREAM_TRIAD ? per_element[op] * (double)d->params.stream.elements
                                          : 0.0;
}

/* STREAM counts the arrays read plus the one written, not write-allocate traffic. */
static double bytes(const ab_kernel_desc *d) {
  return (double)(arrays_read(d) + 1) * (double)d->params.stream.elements *
         (double)ab_dtype_size(d->dtype);
}

static size_t operand_count(const ab_kernel_desc *d) {
  return arrays_read(d) + 1;
}

/* The inputs in STREAM's order, then the output (kernel.h). */
static void operand(const ab_kernel_desc *d, size_t i, ab_operand_def *out) {
  bool is_output = i == arrays_read(d);
  *out = (ab_operand_def){is_output ? AB_OPERAND_OUTPUT : AB_OPERAND_INPUT, d->dtype,
                          array_bytes(d), AB_DIST_UNIFORM};
}

static ab_status check(const ab_kernel_desc *d, char *msg, size_t len) {
  if (d->dtype != AB_DTYPE_F32 && d->dtype != AB_DTYPE_F64) {
    ab_msgf(msg, len, "stream: dtype %s: expected f32 or f64 (STREAM's arrays are floating point)",
            ab_dtype_str(d->dtype));
    return AB_E_INVALID;
  }
  if (d->out_dtype != d->dtype) {
    ab_msgf(msg, len, "stream: out_dtype %s: expected the input dtype %s",
            ab_dtype_str(d->out_dtype), ab_dtype_str(d->dtype));
    return AB_E_INVALID;
  }
  if (ab_product_overflows(d->params.stream.elements, 1, ab_dtype_size(d->dtype))) {
    ab_msgf(msg, len, "stream: elements=%lld: operand size overflows",
            (long long)d->params.stream.elements);
    return AB_E_INVALID;
  }
  return AB_OK;
}

/* Rounding errors one output element may carry: copy none, scale and add one operation,
 * triad two (or one, fused). */
static int roundings(int op) {
  return op == AB_STREAM_COPY ? 0 : op == AB_STREAM_TRIAD ? 2 : 1;
}

/* The reference of element i in float64, and the sum of the magnitudes of its terms (the
 * scale of the rounding error; Higham's standard model). */
static double reference(int op, ab_dtype t, const void *const *host, size_t i, double *terms) {
  double x = ab_load_as_double(host[0], t, i);
  double y = op == AB_STREAM_ADD || op == AB_STREAM_TRIAD ? ab_load_as_double(host[1], t, i) : 0.0;
  switch (op) {
  case AB_STREAM_SCALE: *terms = fabs(AB_STREAM_SCALAR * x); return AB_STREAM_SCALAR * x;
  case AB_STREAM_ADD: *terms = fabs(x) + fabs(y); return x + y;
  case AB_STREAM_TRIAD:
    *terms = fabs(x) + fabs(AB_STREAM_SCALAR * y);
    return x + AB_STREAM_SCALAR * y;
  default: *terms = 0.0; return x;
  }
}

/* One chunk of output elements [first, first + n) against the reference. */
static void check_chunk(const ab_kernel_desc *d, const void *const *host, const void *got,
                        size_t first, size_t n, double gamma2, ab_validation *v) {
  int op = d->params.stream.op;
  for (size_t j = 0; j < n; j++) {
    double terms, ref = reference(op, d->dtype, host, first + j, &terms);
    double err = fabs(ab_load_as_double(got, d->dtype, j) - ref);
    double tol = gamma2 * terms;
    double ratio = err == 0.0 ? 0.0 : tol > 0.0 ? err / tol : INFINITY;
    if (!(err <= tol)) /* NaN (the poison) fails too */
      v->mismatches++;
    if (isnan(err))
      err = ratio = INFINITY;
    v->max_abs_error = err > v->max_abs_error ? err : v->max_abs_error;
    v->max_error_ratio = ratio > v->max_error_ratio ? ratio : v->max_error_ratio;
  }
}

/* Every output element, read back chunk by chunk. Tolerance: twice Higham's gamma_k =
 * k*u / (1 - k*u) times the sum of |terms|, with k the roundings of the operation and u the
 * dtype's unit roundoff: the backend's result and a float64 reference of an f64 case may each
 * be off by gamma_k; copy (k = 0) must be exact. */
static ab_status validate(const ab_check_io *io, ab_validation *v, char *msg) {
  const ab_kernel_desc *d = io->desc;
  size_t elem = ab_dtype_size(d->dtype), total = (size_t)d->params.stream.elements;
  size_t out = arrays_read(d), per_chunk = AB_CHECK_CHUNK / elem;
  double u = d->dtype == AB_DTYPE_F64 ? 0x1p-53 : 0x1p-24;
  int k = roundings(d->params.stream.op);
  double gamma2 = 2.0 * (k * u) / (1.0 - k * u);
  for (size_t first = 0; first < total; first += per_chunk) {
    size_t n = total - first < per_chunk ? total - first : per_chunk;
    const void *got = io->read_part(io->ctx, out, first * elem, n * elem, msg);
    if (!got)
      return AB_E_DEVICE;
    check_chunk(d, io->host, got, first, n, gamma2, v);
  }
  v->checked = true;
  v->elements_total = total;
  v->elements_checked = total;
  if (k)
    snprintf(v->rule, sizeof v->rule, "every element: |err| <= 2*gamma_%d(u_%s) * sum|terms|", k,
             ab_dtype_str(d->dtype));
  else
    snprintf(v->rule, sizeof v->rule, "every element: exact copy");
  return AB_OK;
}

const ab_kind_def ab_kind_stream = {
    .kind = AB_KERNEL_STREAM,
    .fields = fields,
    .n_fields = sizeof fields / sizeof fields[0],
    .metric = AB_METRIC_BYTES,
    .bound = AB_BOUND_MEMORY,
    .once_per_device = true,
    .measures_ceiling = true,
    .flops = flops,
    .bytes = bytes,
    .operand_count = operand_count,
    .operand = operand,
    .check = check,
    .validate = validate,
    .tolerance_source = "Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., "
                        "sec. 2.2 (standard model) and 3.1 (gamma_k); docs/measurement.md",
};
