/* accelbench CPU backend — AB_KERNEL_ROTARY (rotate-half RoPE, token t at position
 * position + (t mod period), ABI 1.4; kernel.h ab_rotary_params). native: one token per OpenMP
 * iteration; the token's cos/sin are computed once and used for every head. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpu_float.h"

static size_t rotary_position(const ab_rotary_params *p, size_t t) {
  return (size_t)p->position + (p->period ? t % (size_t)p->period : t);
}

/* One token in arithmetic type T; cs holds head_dim T values of scratch (cos, then sin). */
#define ROTARY_TOKEN(T, POW, COS, SIN)                                                             \
  static void rotary_token_##T(const cpu_fcase *c, size_t t, T *cs) {                              \
    const ab_rotary_params *p = &c->d.params.rotary;                                               \
    size_t half = (size_t)p->head_dim / 2;                                                         \
    for (size_t i = 0; i < half; i++) {                                                            \
      T angle = (T)rotary_position(p, t) *                                                         \
                POW((T)p->theta, (T)(-2.0 * (double)i / (double)p->head_dim));                     \
      cs[i] = COS(angle);                                                                          \
      cs[half + i] = SIN(angle);                                                                   \
    }                                                                                              \
    for (size_t n = 0; n < (size_t)p->heads; n++) {                                                \
      size_t base = (t * (size_t)p->heads + n) * (size_t)p->head_dim;                              \
      for (size_t i = 0; i < half; i++) {                                                          \
        T a = (T)cpu_load(c->op[0], c->t[0], base + i);                                            \
        T b = (T)cpu_load(c->op[0], c->t[0], base + i + half);                                     \
        cpu_store(c->op[1], c->t[1], base + i, a * cs[i] - b * cs[half + i]);                      \
        cpu_store(c->op[1], c->t[1], base + i + half, b * cs[i] + a * cs[half + i]);               \
      }                                                                                            \
    }                                                                                              \
  }
ROTARY_TOKEN(float, powf, cosf, sinf)
ROTARY_TOKEN(double, pow, cos, sin)

static ab_status native_prepare(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                                size_t n_ops, void **impl, ab_case_info *info, char *msg) {
  const ab_rotary_params *p = &d->params.rotary;
  size_t n = (size_t)p->tokens * (size_t)p->heads * (size_t)p->head_dim;
  size_t elements[2] = {n, n};
  ab_dtype types[2] = {d->dtype, d->out_dtype};
  if (p->head_dim < 2 || p->head_dim % 2 || p->head_dim > (1 << 20)) {
    snprintf(msg, AB_MSG_LEN, "cpu: rotary head_dim=%lld: expected an even number up to 2^20",
             (long long)p->head_dim);
    return AB_E_INVALID;
  }
  cpu_fcase *c;
  ab_status st = cpu_fcase_new(dev, d, ops, n_ops, 2, elements, types, &c, msg);
  if (st != AB_OK)
    return st;
  cpu_fcase_describe(c, "rotary (rotate-half)", info);
  *impl = c;
  return AB_OK;
}

static ab_status native_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  (void)dev;
  const cpu_fcase *c = impl;
  long tokens = (long)c->d.params.rotary.tokens;
  size_t dim = (size_t)c->d.params.rotary.head_dim;
  int failed = 0;
  for (uint32_t it = 0; it < iterations && !failed; it++) {
#pragma omp parallel num_threads(c->threads) reduction(| : failed)
    {
      /* Scratch per thread for one token's cos/sin: double covers both arithmetic types. */
      double *cs = malloc(dim * sizeof *cs);
      failed |= !cs;
#pragma omp for schedule(static)
      for (long t = 0; t < tokens; t++) {
        if (!cs)
          continue;
        if (c->wide)
          rotary_token_double(c, (size_t)t, cs);
        else
          rotary_token_float(c, (size_t)t, (float *)cs);
      }
      free(cs);
    }
  }
  if (failed) {
    snprintf(msg, AB_MSG_LEN, "cpu: rotary: out of host memory for %zu cos/sin values", dim);
    return AB_E_NOMEM;
  }
  return AB_OK;
}

const ab_cpu_kind_impl ab_cpu_rotary_native = {AB_KERNEL_ROTARY, AB_CPU_PROV_NATIVE, native_prepare,
                                               native_run, cpu_fcase_release};
