/* accelbench — seeded inputs, identical on every backend and every machine. */
#ifndef AB_INPUTS_H
#define AB_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "accelbench/kernel.h"

/* splitmix64: tiny, fast, and fully specified, so the same seed gives the same inputs
 * everywhere (Steele, Lea, Flood: "Fast splittable pseudorandom number generators"). */
typedef struct ab_rng {
  uint64_t state;
} ab_rng;

void ab_rng_seed(ab_rng *r, uint64_t seed);
uint64_t ab_rng_next(ab_rng *r);
double ab_rng_uniform(ab_rng *r); /* [0, 1) */

/* Fill `count` elements of `dtype` at `dst`. Floats are uniform in [-1, 1) rounded to the
 * dtype (realistic magnitudes: power draw depends on data, so no all-ones inputs);
 * int8 is uniform in [-32, 31] so int32 accumulation cannot overflow for k <= 1,000,000. */
void ab_fill_random(void *dst, ab_dtype dtype, size_t count, uint64_t seed);

/* Seed for operand `operand` of a case: mixes the suite seed, so operands differ. */
uint64_t ab_operand_seed(uint64_t suite_seed, size_t operand);

/* Element `idx` of a typed array, as double. */
double ab_load_as_double(const void *data, ab_dtype dtype, size_t idx);

/* Elements idx, idx + stride, ... (`count` of them) as double into `out`: the conversion of
 * ab_load_as_double with the dtype's switch outside the loop, for the references' rows and
 * columns (an element's call and switch cost more than its multiply-add there). */
void ab_load_span_as_double(const void *data, ab_dtype dtype, size_t idx, size_t stride,
                            size_t count, double *out);

/* Store `v` into element `idx`, rounded to the dtype (nearest even; integers rounded and
 * saturated). */
void ab_store_from_double(void *data, ab_dtype dtype, size_t idx, double v);

#endif
