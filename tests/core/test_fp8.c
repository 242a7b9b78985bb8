/* The 8-bit floats and TF32 (bench/model/fp8.c): every one of the 256 codes of each
 * format against an independent decoder written from the OCP OFP8 definition, round
 * trips, ties to even, overflow, and the generated inputs staying on the grid. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "model/fp8.h"
#include "model/inputs.h"

/* Independent decode: sign, exponent and fraction fields by division and powers of two,
 * with the special codes listed by value (OFP8 spec tables), not by the shared decoder's
 * parametrised branches. */
static double ref_e4m3(unsigned c) {
  double s = (c & 0x80) ? -1.0 : 1.0;
  unsigned e = (c / 8) % 16, f = c % 8;
  if ((c & 0x7f) == 0x7f)
    return NAN;
  if (e == 0)
    return s * (f / 8.0) * pow(2.0, -6);
  return s * (1.0 + f / 8.0) * pow(2.0, (double)e - 7.0);
}

static double ref_e5m2(unsigned c) {
  double s = (c & 0x80) ? -1.0 : 1.0;
  unsigned e = (c / 4) % 32, f = c % 4;
  if (e == 31)
    return f ? NAN : s * INFINITY;
  if (e == 0)
    return s * (f / 4.0) * pow(2.0, -14);
  return s * (1.0 + f / 4.0) * pow(2.0, (double)e - 15.0);
}

static void expect_same(double got, double want, unsigned code, const char *fmt) {
  if (isnan(want)) {
    cr_expect(isnan(got), "%s code 0x%02x: want NaN, got %a", fmt, code, got);
    return;
  }
  cr_expect(got == want && signbit(got) == signbit(want), "%s code 0x%02x: want %a, got %a", fmt,
            code, want, got);
}

Test(fp8, e4m3_every_code_decodes_and_round_trips) {
  for (unsigned c = 0; c < 256; c++) {
    double v = ab_f8e4m3_to_double((uint8_t)c);
    expect_same(v, ref_e4m3(c), c, "e4m3");
    if (!isnan(v))
      cr_expect_eq(ab_double_to_f8e4m3(v), c, "e4m3 0x%02x round trip", c);
  }
  cr_expect_eq(ab_f8e4m3_to_double(0x7e), 448.0);
  cr_expect_eq(ab_f8e4m3_to_double(0x01), 0x1p-9);
}

Test(fp8, e5m2_every_code_decodes_and_round_trips) {
  for (unsigned c = 0; c < 256; c++) {
    double v = ab_f8e5m2_to_double((uint8_t)c);
    expect_same(v, ref_e5m2(c), c, "e5m2");
    if (!isnan(v))
      cr_expect_eq(ab_double_to_f8e5m2(v), c, "e5m2 0x%02x round trip", c);
  }
  cr_expect_eq(ab_f8e5m2_to_double(0x7b), 57344.0);
  cr_expect_eq(ab_f8e5m2_to_double(0x01), 0x1p-16);
}

/* Between every pair of neighbouring finite codes: just below the midpoint rounds down,
 * just above rounds up, the midpoint itself to the even code. */
static void check_rounding(double (*dec)(uint8_t), uint8_t (*enc)(double), const char *fmt) {
  for (unsigned c = 0; c < 0x7f; c++) {
    double lo = dec((uint8_t)c), hi = dec((uint8_t)(c + 1));
    if (isnan(hi) || isinf(hi))
      break;
    double mid = (lo + hi) / 2;
    cr_expect_eq(enc(nextafter(mid, 0.0)), c, "%s below mid of 0x%02x", fmt, c);
    cr_expect_eq(enc(nextafter(mid, INFINITY)), c + 1, "%s above mid of 0x%02x", fmt, c);
    cr_expect_eq(enc(mid), (c & 1) ? c + 1 : c, "%s tie at 0x%02x", fmt, c);
    cr_expect_eq(enc(-mid), 0x80 | ((c & 1) ? c + 1 : c), "%s negative tie at 0x%02x", fmt, c);
  }
}

Test(fp8, rounds_to_nearest_even) {
  check_rounding(ab_f8e4m3_to_double, ab_double_to_f8e4m3, "e4m3");
  check_rounding(ab_f8e5m2_to_double, ab_double_to_f8e5m2, "e5m2");
}

Test(fp8, overflow_nan_and_tiny) {
  cr_expect_eq(ab_double_to_f8e4m3(463.9), 0x7e); /* below the 448/480 midpoint: 448 */
  cr_expect_eq(ab_double_to_f8e4m3(464.0), 0x7e); /* the tie: to even (448) */
  cr_expect_eq(ab_double_to_f8e4m3(464.1), 0x7f); /* past it: NaN, E4M3 has no inf */
  cr_expect_eq(ab_double_to_f8e4m3(-1e9), 0xff);
  cr_expect_eq(ab_double_to_f8e5m2(1e9), 0x7c);
  cr_expect_eq(ab_double_to_f8e5m2(-INFINITY), 0xfc);
  cr_expect(isnan(ab_f8e5m2_to_double(ab_double_to_f8e5m2(NAN))));
  cr_expect_eq(ab_double_to_f8e4m3(0x1p-11), 0x00); /* a quarter quantum: zero */
  cr_expect_eq(ab_double_to_f8e4m3(-0x1p-11), 0x80);
}

Test(tf32, rounds_away_13_bits_to_nearest_even) {
  float one_ulp = 0x1p-10f; /* TF32 spacing at 1 */
  cr_expect_eq(ab_f32_to_tf32(1.0f + one_ulp * 0.49f), 1.0f);
  cr_expect_eq(ab_f32_to_tf32(1.0f + one_ulp * 0.51f), 1.0f + one_ulp);
  cr_expect_eq(ab_f32_to_tf32(1.0f + one_ulp * 0.5f), 1.0f);                  /* tie: even */
  cr_expect_eq(ab_f32_to_tf32(1.0f + one_ulp * 1.5f), 1.0f + 2.0f * one_ulp); /* tie: even */
  cr_expect(isinf(ab_f32_to_tf32(INFINITY)));
  cr_expect(isnan(ab_f32_to_tf32(NAN)));
}

Test(fp8, generated_inputs_are_codes_of_their_format) {
  uint8_t e4[4096], e5[4096];
  float t[4096];
  ab_fill_random(e4, AB_DTYPE_F8E4M3, 4096, 7);
  ab_fill_random(e5, AB_DTYPE_F8E5M2, 4096, 7);
  ab_fill_random(t, AB_DTYPE_TF32, 4096, 7);
  int distinct = 0;
  for (int i = 0; i < 4096; i++) {
    double a = ab_load_as_double(e4, AB_DTYPE_F8E4M3, (size_t)i);
    cr_assert(fabs(a) <= 1.0 && !isnan(a));
    cr_assert(fabs(ab_load_as_double(e5, AB_DTYPE_F8E5M2, (size_t)i)) <= 1.0);
    uint32_t u;
    memcpy(&u, &t[i], sizeof u);
    cr_assert_eq(u & 0x1fffu, 0, "tf32 input %d has low mantissa bits", i);
    distinct += i > 0 && e4[i] != e4[i - 1];
  }
  cr_expect(distinct > 1000, "inputs vary");
}
