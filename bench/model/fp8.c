/* 8-bit floats and TF32 (fp8.h). One parametrised minifloat decoder and encoder serves
 * both 8-bit formats; the formats differ only in field widths, bias and how the top
 * exponent is used (E4M3 keeps it for numbers except S.1111.111; E5M2 reserves it). */
#include "model/fp8.h"

#include <math.h>
#include <string.h>

typedef struct minifloat {
  int exp_bits, man_bits, bias;
  int ieee_top; /* 1: the all-ones exponent is inf/NaN (E5M2); 0: only S.1111.111 is NaN */
  double max_finite;
  uint8_t nan_code, overflow_code; /* without sign */
} minifloat;

static const minifloat e4m3 = {4, 3, 7, 0, 448.0, 0x7f, 0x7f};
static const minifloat e5m2 = {5, 2, 15, 1, 57344.0, 0x7f, 0x7c};

static double decode(const minifloat *f, uint8_t code) {
  int sign = code >> 7;
  int e = (code >> f->man_bits) & ((1 << f->exp_bits) - 1);
  int m = code & ((1 << f->man_bits) - 1);
  int top = (1 << f->exp_bits) - 1;
  double v;
  if (f->ieee_top && e == top)
    v = m ? NAN : INFINITY;
  else if (!f->ieee_top && e == top && m == (1 << f->man_bits) - 1)
    v = NAN;
  else if (e == 0)
    v = ldexp((double)m, 1 - f->bias - f->man_bits); /* subnormal */
  else
    v = ldexp((double)((1 << f->man_bits) + m), e - f->bias - f->man_bits);
  return sign ? -v : v;
}

/* Round |x| to the format's grid: the quantum of the binade it lies in (the subnormal
 * quantum below the smallest normal), ties to even. The result may be one binade up. */
static double round_to_grid(const minifloat *f, double a) {
  int e2;
  frexp(a, &e2); /* a = frac * 2^e2, frac in [0.5, 1): the binade's exponent is e2 - 1 */
  int e = e2 - 1 < 1 - f->bias ? 1 - f->bias : e2 - 1;
  double q = ldexp(1.0, e - f->man_bits);
  double n = a / q, r = floor(n), rem = n - r;
  if (rem > 0.5 || (rem == 0.5 && fmod(r, 2.0) != 0.0))
    r += 1.0;
  return r * q;
}

static uint8_t encode(const minifloat *f, double x) {
  uint8_t sign = signbit(x) ? 0x80 : 0x00;
  if (isnan(x))
    return (uint8_t)(sign | f->nan_code);
  double a = fabs(x);
  double v = isinf(a) ? INFINITY : round_to_grid(f, a);
  if (v > f->max_finite)
    return (uint8_t)(sign | f->overflow_code);
  if (v == 0.0)
    return sign;
  int e2;
  frexp(v, &e2);
  int e = e2 - 1;
  if (e < 1 - f->bias) /* subnormal: exponent field 0 */
    return (uint8_t)(sign | (uint8_t)ldexp(v, f->bias - 1 + f->man_bits));
  int man = (int)ldexp(v, f->man_bits - e) - (1 << f->man_bits);
  return (uint8_t)(sign | ((e + f->bias) << f->man_bits) | man);
}

double ab_f8e4m3_to_double(uint8_t code) {
  return decode(&e4m3, code);
}

uint8_t ab_double_to_f8e4m3(double x) {
  return encode(&e4m3, x);
}

double ab_f8e5m2_to_double(uint8_t code) {
  return decode(&e5m2, code);
}

uint8_t ab_double_to_f8e5m2(double x) {
  return encode(&e5m2, x);
}

float ab_f32_to_tf32(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  if ((u & 0x7f800000u) != 0x7f800000u) { /* finite: round away the low 13 bits */
    u += 0x0fffu + ((u >> 13) & 1u);
    u &= ~0x1fffu;
  }
  memcpy(&x, &u, sizeof x);
  return x;
}
