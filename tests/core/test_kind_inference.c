/* The memory-bound inference kinds' tables (bench/model/kinds/norm.c, softmax.c,
 * activation.c, elementwise.c, rotary.c): work figures, operand lists, shape checks, and
 * above all their checks. Each check gets a correct output, computed here independently in
 * float64 from the same seeded inputs and rounded once to the output dtype, and must pass it
 * with every element compared; then a single element made wrong anywhere (first, last,
 * middle, seeded random places; off by 5% of |y| + 0.05, so that outputs near zero, whose
 * bound is absolute, are moved past it too), or NaN, must be the one mismatch it reports; and a
 * plausible wrong formula (interleaved RoPE pairs, the other norm's centring, a half-row
 * softmax sum, GELU's other form, a shifted add operand) must fail. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/inputs.h"
#include "model/kernel.h"
#include "model/kind.h"

typedef struct fixture {
  ab_kernel_desc d;
  void *op[AB_MAX_OPERANDS];
  size_t n_ops, out_op, out_elems;
} fixture;

static const void *read_all(void *ctx, size_t op, char *msg) {
  fixture *f = ctx;
  if (op != f->out_op) {
    strcpy(msg, "read of an input");
    return NULL;
  }
  return f->op[op];
}

static const void *read_part(void *ctx, size_t op, size_t off, size_t bytes, char *msg) {
  (void)bytes;
  const unsigned char *all = read_all(ctx, op, msg);
  return all ? all + off : NULL;
}

static void store(void *p, ab_dtype t, size_t i, double v) {
  switch (t) {
  case AB_DTYPE_F64: ((double *)p)[i] = v; break;
  case AB_DTYPE_F32: ((float *)p)[i] = (float)v; break;
  case AB_DTYPE_F16: ((uint16_t *)p)[i] = ab_f32_to_f16((float)v); break;
  case AB_DTYPE_BF16: ((uint16_t *)p)[i] = ab_f32_to_bf16((float)v); break;
  default: cr_assert_fail("not a float dtype");
  }
}

static double in(const fixture *f, size_t op, size_t i) {
  ab_operand_def o;
  ab_kernel_operand(&f->d, op, &o);
  return ab_load_as_double(f->op[op], o.dtype, i);
}

/* Allocate and seed the operands of f->d as the runner would. */
static void setup_operands(fixture *f) {
  char msg[256] = "";
  cr_assert_eq(ab_kernel_check(&f->d, msg, sizeof msg), AB_OK, "%s", msg);
  f->n_ops = ab_kernel_operand_count(&f->d);
  for (size_t i = 0; i < f->n_ops; i++) {
    ab_operand_def o;
    ab_kernel_operand(&f->d, i, &o);
    f->op[i] = calloc(1, o.bytes);
    cr_assert(f->op[i]);
    if (o.role == AB_OPERAND_INPUT)
      ab_fill_random(f->op[i], o.dtype, o.bytes / ab_dtype_size(o.dtype), ab_operand_seed(9, i));
    else {
      f->out_op = i;
      f->out_elems = o.bytes / ab_dtype_size(o.dtype);
    }
  }
}

static void teardown_operands(fixture *f) {
  for (size_t i = 0; i < f->n_ops; i++)
    free(f->op[i]);
}

static ab_validation check(fixture *f) {
  const void *host[AB_MAX_OPERANDS] = {0};
  for (size_t i = 0; i < f->n_ops; i++)
    host[i] = i == f->out_op ? NULL : f->op[i];
  ab_check_io io = {.desc = &f->d,
                    .host = host,
                    .accumulate = AB_DTYPE_INVALID,
                    .max_elements = 1024,
                    .seed = 3,
                    .ctx = f,
                    .read_all = read_all,
                    .read_part = read_part};
  ab_validation v;
  char msg[256] = "";
  cr_assert_eq(ab_kind_def_of(f->d.kind)->validate(&io, &v, msg), AB_OK, "%s", msg);
  return v;
}

/* ---- independent float64 producers of the right answer (kernel.h's formulas) ---------- */

typedef enum variant { RIGHT = 0, WRONG_FORMULA = 1 } variant;

static void produce_norm(fixture *f, variant how) {
  const ab_norm_params *p = &f->d.params.norm;
  int layer = p->op == AB_NORM_LAYERNORM;
  /* The wrong one: the other norm's centring (RMSNorm subtracting the mean, LayerNorm not). */
  int centre = how == WRONG_FORMULA ? !layer : layer;
  for (int64_t r = 0; r < p->rows; r++) {
    size_t base = (size_t)(r * p->hidden);
    double mean = 0.0, sq = 0.0;
    for (int64_t i = 0; i < p->hidden; i++)
      mean += centre ? in(f, 0, base + (size_t)i) / (double)p->hidden : 0.0;
    for (int64_t i = 0; i < p->hidden; i++)
      sq += pow(in(f, 0, base + (size_t)i) - mean, 2.0);
    double var = sq / (double)p->hidden;
    for (int64_t i = 0; i < p->hidden; i++) {
      double y =
          (in(f, 0, base + (size_t)i) - mean) / sqrt(var + AB_NORM_EPS) * in(f, 1, (size_t)i);
      if (layer)
        y += in(f, 2, (size_t)i);
      store(f->op[f->out_op], f->d.out_dtype, base + (size_t)i, y);
    }
  }
}

static void produce_softmax(fixture *f, variant how) {
  const ab_softmax_params *p = &f->d.params.softmax;
  for (int64_t r = 0; r < p->rows; r++) {
    size_t base = (size_t)(r * p->cols);
    /* The wrong one: a loop bound bug that sums the first half of the row only. */
    int64_t end = how == WRONG_FORMULA ? (p->cols + 1) / 2 : p->cols;
    double sum = 0.0;
    for (int64_t j = 0; j < end; j++)
      sum += exp(in(f, 0, base + (size_t)j));
    for (int64_t j = 0; j < p->cols; j++)
      store(f->op[1], f->d.out_dtype, base + (size_t)j, exp(in(f, 0, base + (size_t)j)) / sum);
  }
}

static void produce_activation(fixture *f, variant how) {
  int op = f->d.params.activation.op;
  for (size_t i = 0; i < f->out_elems; i++) {
    double x = in(f, 0, i), y;
    if (op == AB_ACT_GELU_TANH)
      y = 0.5 * x * (1.0 + tanh(sqrt(2.0 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
    else if (op == AB_ACT_GELU_ERF)
      y = 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
    else if (op == AB_ACT_SILU)
      y = x / (1.0 + exp(-x));
    else
      y = x / (1.0 + exp(-x)) * in(f, 1, i);
    if (how == WRONG_FORMULA) /* the wrong one: tanh-GELU for erf-GELU and back */
      y = op == AB_ACT_GELU_ERF
              ? 0.5 * x *
                    (1.0 + tanh(sqrt(2.0 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)))
              : 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
    store(f->op[f->out_op], f->d.out_dtype, i, y);
  }
}

static void produce_elementwise(fixture *f, variant how) {
  for (size_t i = 0; i < f->out_elems; i++)
    store(f->op[2], f->d.out_dtype, i,
          in(f, 0, i) + (how == WRONG_FORMULA ? in(f, 1, (i + 1) % f->out_elems) : in(f, 1, i)));
}

static void produce_rotary(fixture *f, variant how) {
  const ab_rotary_params *p = &f->d.params.rotary;
  size_t d = (size_t)p->head_dim, h = d / 2;
  for (size_t t = 0; t < (size_t)p->tokens; t++)
    for (size_t n = 0; n < (size_t)p->heads; n++)
      for (size_t i = 0; i < h; i++) {
        size_t base = (t * (size_t)p->heads + n) * d;
        double a = (double)t * pow((double)p->theta, -2.0 * (double)i / (double)d);
        /* The wrong one: the interleaved (GPT-J) pairs (2i, 2i+1) instead of (i, i+h). */
        size_t ia = how == WRONG_FORMULA ? 2 * i : i, ib = how == WRONG_FORMULA ? 2 * i + 1 : i + h;
        double xa = in(f, 0, base + ia), xb = in(f, 0, base + ib);
        store(f->op[1], f->d.out_dtype, base + ia, xa * cos(a) - xb * sin(a));
        store(f->op[1], f->d.out_dtype, base + ib, xb * cos(a) + xa * sin(a));
      }
}

static void produce(fixture *f, variant how) {
  switch (f->d.kind) {
  case AB_KERNEL_NORM: produce_norm(f, how); break;
  case AB_KERNEL_SOFTMAX: produce_softmax(f, how); break;
  case AB_KERNEL_ACTIVATION: produce_activation(f, how); break;
  case AB_KERNEL_ELEMENTWISE: produce_elementwise(f, how); break;
  case AB_KERNEL_ROTARY: produce_rotary(f, how); break;
  default: cr_assert_fail("no producer");
  }
}

/* ---- the properties every kind's check must have -------------------------------------- */

static void bump(fixture *f, size_t i, double by) {
  ab_dtype t = f->d.out_dtype;
  double v = ab_load_as_double(f->op[f->out_op], t, i);
  store(f->op[f->out_op], t, i, isnan(by) ? NAN : v + by * (fabs(v) + 0.05));
}

static void check_catches_one_wrong_element(fixture *f, size_t i) {
  ab_dtype t = f->d.out_dtype;
  unsigned char keep[8];
  size_t es = ab_dtype_size(t);
  unsigned char *out = f->op[f->out_op];
  memcpy(keep, out + i * es, es);
  bump(f, i, 0.05);
  ab_validation v = check(f);
  cr_assert_eq(v.mismatches, 1, "%s: element %zu off by 5%% of |y| + 0.05 not caught alone (%llu)",
               ab_kernel_kind_name(f->d.kind), i, (unsigned long long)v.mismatches);
  bump(f, i, NAN);
  v = check(f);
  cr_assert_eq(v.mismatches, 1, "%s: NaN at %zu not caught", ab_kernel_kind_name(f->d.kind), i);
  memcpy(out + i * es, keep, es);
}

static void check_kind(ab_kernel_desc d) {
  fixture f = {.d = d};
  f.d.struct_size = sizeof f.d;
  setup_operands(&f);
  produce(&f, RIGHT);
  ab_validation v = check(&f);
  cr_assert(v.checked);
  cr_assert_eq(v.elements_total, f.out_elems);
  cr_assert_eq(v.elements_checked, f.out_elems, "every output element is compared");
  cr_assert_eq(v.mismatches, 0, "%s %s: a right output fails (max ratio %g)",
               ab_kernel_kind_name(d.kind), ab_dtype_str(d.dtype), v.max_error_ratio);
  cr_assert(v.rule[0]);
  size_t places[8] = {0, f.out_elems - 1, f.out_elems / 2};
  ab_rng rng;
  ab_rng_seed(&rng, 77);
  for (size_t k = 3; k < 8; k++)
    places[k] = (size_t)(ab_rng_uniform(&rng) * (double)f.out_elems);
  for (size_t k = 0; k < 8; k++)
    check_catches_one_wrong_element(&f, places[k]);
  /* tanh- and erf-GELU differ by less than a bf16 rounding, so formula mix-ups are
   * checked where the output dtype can tell them apart. */
  if (d.out_dtype == AB_DTYPE_F32 || d.out_dtype == AB_DTYPE_F64) {
    produce(&f, WRONG_FORMULA);
    v = check(&f);
    cr_assert_gt(v.mismatches, 0, "%s: a wrong formula passes", ab_kernel_kind_name(d.kind));
  }
  teardown_operands(&f);
}

static ab_kernel_desc norm(int op, int64_t rows, int64_t hidden, ab_dtype t) {
  ab_kernel_desc d = {.kind = AB_KERNEL_NORM, .dtype = t, .out_dtype = t};
  d.params.norm = (ab_norm_params){.rows = rows, .hidden = hidden, .op = op};
  return d;
}

Test(kind_norm, check_passes_right_and_catches_wrong) {
  check_kind(norm(AB_NORM_RMSNORM, 5, 4096, AB_DTYPE_F32));
  check_kind(norm(AB_NORM_LAYERNORM, 3, 8192, AB_DTYPE_F32));
  check_kind(norm(AB_NORM_RMSNORM, 4, 1000, AB_DTYPE_BF16));
  check_kind(norm(AB_NORM_LAYERNORM, 4, 1000, AB_DTYPE_F16));
  check_kind(norm(AB_NORM_LAYERNORM, 2, 64, AB_DTYPE_F64));
}

/* gamma and beta are f32 whatever x is ("f32 norm weights"), unless operand_dtypes says. */
Test(kind_norm, weights_are_f32_by_default) {
  ab_kernel_desc d = norm(AB_NORM_LAYERNORM, 2, 4096, AB_DTYPE_BF16);
  d.struct_size = sizeof d;
  ab_operand_def o;
  cr_assert_eq(ab_kernel_operand_count(&d), 4);
  ab_kernel_operand(&d, 1, &o);
  cr_assert_eq(o.dtype, AB_DTYPE_F32);
  cr_assert_eq(o.bytes, 4096u * 4);
  ab_kernel_operand(&d, 3, &o);
  cr_assert_eq(o.role, AB_OPERAND_OUTPUT);
  cr_assert_eq(o.dtype, AB_DTYPE_BF16);
  d.operand_dtypes[1] = AB_DTYPE_BF16;
  ab_kernel_operand(&d, 1, &o);
  cr_assert_eq(o.dtype, AB_DTYPE_BF16);
  /* bytes: x and y in bf16, gamma in bf16 (now), beta in f32 */
  cr_assert_float_eq(ab_kernel_bytes(&d), 2.0 * 2 * 4096 * 2 + 4096 * 2 + 4096 * 4, 0.5);
  ab_kernel_desc r = norm(AB_NORM_RMSNORM, 2, 4096, AB_DTYPE_F32);
  r.struct_size = sizeof r;
  cr_assert_eq(ab_kernel_operand_count(&r), 3, "rmsnorm has no beta");
  cr_assert_float_eq(ab_kernel_bytes(&r), 4.0 * (2 * 4096 * 2 + 4096), 0.5);
}

Test(kind_softmax, check_passes_right_and_catches_wrong) {
  ab_kernel_desc d = {.kind = AB_KERNEL_SOFTMAX, .dtype = AB_DTYPE_F32, .out_dtype = AB_DTYPE_F32};
  d.params.softmax = (ab_softmax_params){.rows = 7, .cols = 2048};
  check_kind(d);
  d.dtype = d.out_dtype = AB_DTYPE_BF16;
  check_kind(d);
  d.dtype = d.out_dtype = AB_DTYPE_F16;
  d.params.softmax.cols = 33;
  check_kind(d);
}

Test(kind_activation, check_passes_right_and_catches_wrong) {
  for (int op = 0; op <= AB_ACT_SWIGLU; op++) {
    ab_kernel_desc d = {
        .kind = AB_KERNEL_ACTIVATION, .dtype = AB_DTYPE_F32, .out_dtype = AB_DTYPE_F32};
    d.params.activation = (ab_activation_params){.rows = 16, .cols = 1000, .op = op};
    check_kind(d);
    d.dtype = d.out_dtype = AB_DTYPE_BF16;
    check_kind(d);
  }
}

Test(kind_activation, swiglu_reads_gate_and_up) {
  ab_kernel_desc d = {.struct_size = sizeof d,
                      .kind = AB_KERNEL_ACTIVATION,
                      .dtype = AB_DTYPE_F16,
                      .out_dtype = AB_DTYPE_F16};
  d.params.activation = (ab_activation_params){.rows = 4, .cols = 8, .op = AB_ACT_SWIGLU};
  cr_assert_eq(ab_kernel_operand_count(&d), 3);
  cr_assert_float_eq(ab_kernel_bytes(&d), 3.0 * 32 * 2, 0.5);
  d.params.activation.op = AB_ACT_SILU;
  cr_assert_eq(ab_kernel_operand_count(&d), 2);
}

Test(kind_elementwise, check_passes_right_and_catches_wrong) {
  ab_kernel_desc d = {
      .kind = AB_KERNEL_ELEMENTWISE, .dtype = AB_DTYPE_F32, .out_dtype = AB_DTYPE_F32};
  d.params.elementwise = (ab_elementwise_params){.elements = 100000, .op = AB_ELEMENTWISE_ADD};
  check_kind(d);
  d.dtype = d.out_dtype = AB_DTYPE_F16;
  check_kind(d);
  d.dtype = d.out_dtype = AB_DTYPE_F64;
  check_kind(d);
}

Test(kind_rotary, check_passes_right_and_catches_wrong) {
  ab_kernel_desc d = {.kind = AB_KERNEL_ROTARY, .dtype = AB_DTYPE_F32, .out_dtype = AB_DTYPE_F32};
  d.params.rotary = (ab_rotary_params){.tokens = 300, .heads = 4, .head_dim = 64, .theta = 10000};
  check_kind(d);
  d.dtype = d.out_dtype = AB_DTYPE_BF16;
  d.params.rotary.theta = 500000;
  check_kind(d);
}

/* Shape checks: odd head_dim, integer dtypes, operand sizes past 2^62 bytes. */
Test(kind_inference, shapes_and_dtypes_are_checked) {
  char msg[256] = "";
  ab_kernel_desc d = {.struct_size = sizeof d,
                      .kind = AB_KERNEL_ROTARY,
                      .dtype = AB_DTYPE_F32,
                      .out_dtype = AB_DTYPE_F32};
  d.params.rotary = (ab_rotary_params){.tokens = 4, .heads = 4, .head_dim = 63, .theta = 10000};
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_E_INVALID);
  cr_assert(strstr(msg, "even"), "%s", msg);
  ab_kernel_desc s = {.struct_size = sizeof s,
                      .kind = AB_KERNEL_SOFTMAX,
                      .dtype = AB_DTYPE_I8,
                      .out_dtype = AB_DTYPE_I32};
  s.params.softmax = (ab_softmax_params){.rows = 4, .cols = 4};
  cr_assert_eq(ab_kernel_check(&s, msg, sizeof msg), AB_E_INVALID);
  cr_assert(strstr(msg, "floating-point"), "%s", msg);
  ab_kernel_desc e = {.struct_size = sizeof e,
                      .kind = AB_KERNEL_ELEMENTWISE,
                      .dtype = AB_DTYPE_F32,
                      .out_dtype = AB_DTYPE_F32};
  e.params.elementwise.elements = INT64_C(1) << 61;
  cr_assert_eq(ab_kernel_check(&e, msg, sizeof msg), AB_E_INVALID);
  cr_assert(strstr(msg, "overflows"), "%s", msg);
  ab_kernel_desc a = {.struct_size = sizeof a,
                      .kind = AB_KERNEL_ACTIVATION,
                      .dtype = AB_DTYPE_F32,
                      .out_dtype = AB_DTYPE_F32};
  a.params.activation = (ab_activation_params){.rows = 2, .cols = 2, .op = AB_ACT_SILU};
  a.operand_dtypes[0] = AB_DTYPE_F16;
  cr_assert_eq(ab_kernel_check(&a, msg, sizeof msg), AB_E_INVALID, "activation takes one dtype");
}

/* Memory-bound kinds are reported in GB/s against the measured bandwidth; bytes are the
 * minimum moved: each operand once. */
Test(kind_inference, reported_as_bytes_against_memory_bandwidth) {
  ab_kernel_kind kinds[] = {AB_KERNEL_NORM, AB_KERNEL_SOFTMAX, AB_KERNEL_ACTIVATION,
                            AB_KERNEL_ELEMENTWISE, AB_KERNEL_ROTARY};
  for (size_t k = 0; k < 5; k++) {
    const ab_kind_def *def = ab_kind_def_of(kinds[k]);
    cr_assert(def);
    cr_assert_eq(def->metric, AB_METRIC_BYTES);
    cr_assert_eq(def->bound, AB_BOUND_MEMORY);
    cr_assert(!def->once_per_device && !def->measures_ceiling);
  }
  ab_kernel_desc d = {.struct_size = sizeof d,
                      .kind = AB_KERNEL_ROTARY,
                      .dtype = AB_DTYPE_F16,
                      .out_dtype = AB_DTYPE_F16};
  d.params.rotary = (ab_rotary_params){.tokens = 10, .heads = 8, .head_dim = 128, .theta = 10000};
  cr_assert_float_eq(ab_kernel_bytes(&d), 2.0 * 10 * 8 * 128 * 2, 0.5);
  ab_kernel_desc e = {.struct_size = sizeof e,
                      .kind = AB_KERNEL_ELEMENTWISE,
                      .dtype = AB_DTYPE_F32,
                      .out_dtype = AB_DTYPE_F32};
  e.params.elementwise.elements = 1000;
  cr_assert_float_eq(ab_kernel_bytes(&e), 12000.0, 0.5);
  cr_assert_float_eq(ab_kernel_flops(&e), 1000.0, 0.5);
}
