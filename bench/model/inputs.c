#include "model/inputs.h"

#include <math.h>

#include "model/fp8.h"

void ab_rng_seed(ab_rng *r, uint64_t seed) {
  r->state = seed;
}

uint64_t ab_rng_next(ab_rng *r) {
  uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

double ab_rng_uniform(ab_rng *r) {
  return (double)(ab_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t ab_operand_seed(uint64_t suite_seed, size_t operand) {
  ab_rng r;
  ab_rng_seed(&r, suite_seed ^ (UINT64_C(0xa0761d6478bd642f) * (operand + 1)));
  return ab_rng_next(&r);
}

void ab_fill_random(void *dst, ab_dtype dtype, size_t count, uint64_t seed) {
  ab_rng r;
  ab_rng_seed(&r, seed);
  for (size_t i = 0; i < count; i++) {
    double u = 2.0 * ab_rng_uniform(&r) - 1.0;
    switch (dtype) {
    case AB_DTYPE_F64: ((double *)dst)[i] = u; break;
    case AB_DTYPE_F32: ((float *)dst)[i] = (float)u; break;
    case AB_DTYPE_F16: ((uint16_t *)dst)[i] = ab_f32_to_f16((float)u); break;
    case AB_DTYPE_BF16: ((uint16_t *)dst)[i] = ab_f32_to_bf16((float)u); break;
    case AB_DTYPE_I8: ((int8_t *)dst)[i] = (int8_t)((int)(ab_rng_next(&r) % 64u) - 32); break;
    case AB_DTYPE_I32: ((int32_t *)dst)[i] = (int32_t)((int)(ab_rng_next(&r) % 64u) - 32); break;
    /* ABI 1.4: within range by construction ([-1, 1) is far inside both 8-bit formats). */
    case AB_DTYPE_TF32: ((float *)dst)[i] = ab_f32_to_tf32((float)u); break;
    case AB_DTYPE_F8E4M3: ((uint8_t *)dst)[i] = ab_double_to_f8e4m3(u); break;
    case AB_DTYPE_F8E5M2: ((uint8_t *)dst)[i] = ab_double_to_f8e5m2(u); break;
    default: return;
    }
  }
}

double ab_load_as_double(const void *data, ab_dtype dtype, size_t idx) {
  switch (dtype) {
  case AB_DTYPE_F64: return ((const double *)data)[idx];
  case AB_DTYPE_F32: return ((const float *)data)[idx];
  case AB_DTYPE_F16: return ab_f16_to_f32(((const uint16_t *)data)[idx]);
  case AB_DTYPE_BF16: return ab_bf16_to_f32(((const uint16_t *)data)[idx]);
  case AB_DTYPE_I8: return ((const int8_t *)data)[idx];
  case AB_DTYPE_I32: return ((const int32_t *)data)[idx];
  case AB_DTYPE_TF32: return ((const float *)data)[idx];
  case AB_DTYPE_F8E4M3: return ab_f8e4m3_to_double(((const uint8_t *)data)[idx]);
  case AB_DTYPE_F8E5M2: return ab_f8e5m2_to_double(((const uint8_t *)data)[idx]);
  default: return 0.0;
  }
}

#define AB_SPAN_LOOP(type, convert)                                                                \
  do {                                                                                             \
    const type *src = (const type *)data + idx;                                                    \
    for (size_t i = 0; i < count; i++)                                                             \
      out[i] = convert(src[i * stride]);                                                           \
  } while (0)
#define AB_AS_IS(x) ((double)(x))

void ab_load_span_as_double(const void *data, ab_dtype dtype, size_t idx, size_t stride,
                            size_t count, double *out) {
  switch (dtype) {
  case AB_DTYPE_F64: AB_SPAN_LOOP(double, AB_AS_IS); break;
  case AB_DTYPE_F32:
  case AB_DTYPE_TF32: AB_SPAN_LOOP(float, AB_AS_IS); break;
  case AB_DTYPE_I8: AB_SPAN_LOOP(int8_t, AB_AS_IS); break;
  case AB_DTYPE_I32: AB_SPAN_LOOP(int32_t, AB_AS_IS); break;
  default: /* the 8- and 16-bit floats convert through their own functions anyway */
    for (size_t i = 0; i < count; i++)
      out[i] = ab_load_as_double(data, dtype, idx + i * stride);
  }
}

static double saturate(double v, double lo, double hi) {
  v = nearbyint(v);
  return v < lo ? lo : v > hi ? hi : v;
}

void ab_store_from_double(void *data, ab_dtype dtype, size_t idx, double v) {
  switch (dtype) {
  case AB_DTYPE_F64: ((double *)data)[idx] = v; break;
  case AB_DTYPE_F32: ((float *)data)[idx] = (float)v; break;
  case AB_DTYPE_F16: ((uint16_t *)data)[idx] = ab_f32_to_f16((float)v); break;
  case AB_DTYPE_BF16: ((uint16_t *)data)[idx] = ab_f32_to_bf16((float)v); break;
  case AB_DTYPE_I8: ((int8_t *)data)[idx] = (int8_t)saturate(v, INT8_MIN, INT8_MAX); break;
  case AB_DTYPE_I32: ((int32_t *)data)[idx] = (int32_t)saturate(v, INT32_MIN, INT32_MAX); break;
  case AB_DTYPE_TF32: ((float *)data)[idx] = ab_f32_to_tf32((float)v); break;
  case AB_DTYPE_F8E4M3: ((uint8_t *)data)[idx] = ab_double_to_f8e4m3(v); break;
  case AB_DTYPE_F8E5M2: ((uint8_t *)data)[idx] = ab_double_to_f8e5m2(v); break;
  default: break;
  }
}
