/* The CPU GEMM behind the fake cuBLAS and cuBLASLt (test fixtures only): cuBLAS's exact
 * argument semantics — column-major, leading dimensions, op N/T, the cudaDataType of each
 * matrix, the compute type, alpha/beta in the scale type, beta == 0 ignoring C. */
#ifndef AB_TESTS_FAKE_GEMM_H
#define AB_TESTS_FAKE_GEMM_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "accelbench/kernel.h" /* binary16 / bfloat16 conversions */

enum {
  R_32F = 0,
  R_64F = 1,
  R_16F = 2,
  R_8I = 3,
  R_32I = 10,
  R_16BF = 14,
  R_E4M3 = 28,
  R_E5M2 = 29
};
enum { C_32F = 68, C_64F = 70, C_32I = 72, C_TF32 = 77 };

static inline int fake_type_ok(int t) {
  return t == R_32F || t == R_64F || t == R_16F || t == R_8I || t == R_32I || t == R_16BF ||
         t == R_E4M3 || t == R_E5M2;
}

/* OFP8 by its definition (sign, exponent field, fraction field). */
static inline double fake_f8(uint8_t c, int e5m2) {
  int ebits = e5m2 ? 5 : 4, mbits = e5m2 ? 2 : 3, bias = e5m2 ? 15 : 7;
  int e = (c >> mbits) & ((1 << ebits) - 1), m = c & ((1 << mbits) - 1);
  double s = (c & 0x80) ? -1.0 : 1.0;
  if (e5m2 && e == 31)
    return m ? NAN : s * INFINITY;
  if (!e5m2 && (c & 0x7f) == 0x7f)
    return NAN;
  if (e == 0)
    return s * ldexp(m, 1 - bias - mbits);
  return s * ldexp((1 << mbits) + m, e - bias - mbits);
}

static inline double fake_load(const void *p, int t, size_t i) {
  switch (t) {
  case R_64F: return ((const double *)p)[i];
  case R_32F: return ((const float *)p)[i];
  case R_16F: return ab_f16_to_f32(((const uint16_t *)p)[i]);
  case R_16BF: return ab_bf16_to_f32(((const uint16_t *)p)[i]);
  case R_8I: return ((const int8_t *)p)[i];
  case R_32I: return ((const int32_t *)p)[i];
  case R_E4M3: return fake_f8(((const uint8_t *)p)[i], 0);
  case R_E5M2: return fake_f8(((const uint8_t *)p)[i], 1);
  default: return NAN;
  }
}

static inline void fake_store(void *p, int t, size_t i, double v) {
  switch (t) {
  case R_64F: ((double *)p)[i] = v; break;
  case R_32F: ((float *)p)[i] = (float)v; break;
  case R_16F: ((uint16_t *)p)[i] = ab_f32_to_f16((float)v); break;
  case R_16BF: ((uint16_t *)p)[i] = ab_f32_to_bf16((float)v); break;
  case R_32I: ((int32_t *)p)[i] = (int32_t)v; break;
  default: break;
  }
}

static inline float fake_tf32(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  u += 0x0fffu + ((u >> 13) & 1u);
  u &= ~0x1fffu;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* C (m x n, ldc) = alpha * op(A) op(B) + beta * C, column-major; A is m x k after op. */
static inline void fake_gemm(int ta, int tb, int m, int n, int k, double alpha, const void *a,
                             int atype, int lda, const void *b, int btype, int ldb, double beta,
                             void *c, int ctype, int ldc, int compute) {
  for (int j = 0; j < n; j++)
    for (int i = 0; i < m; i++) {
      double dsum = 0.0;
      float fsum = 0.0f;
      int64_t isum = 0;
      for (int p = 0; p < k; p++) {
        double x =
            fake_load(a, atype, ta ? (size_t)p + (size_t)i * lda : (size_t)i + (size_t)p * lda);
        double y =
            fake_load(b, btype, tb ? (size_t)j + (size_t)p * ldb : (size_t)p + (size_t)j * ldb);
        if (compute == C_64F)
          dsum += x * y;
        else if (compute == C_32I)
          isum += (int64_t)x * (int64_t)y;
        else if (compute == C_TF32)
          fsum += fake_tf32((float)x) * fake_tf32((float)y);
        else
          fsum += (float)x * (float)y;
      }
      double acc = compute == C_64F ? dsum : compute == C_32I ? (double)isum : (double)fsum;
      size_t ci = (size_t)i + (size_t)j * ldc;
      double old = beta != 0.0 ? fake_load(c, ctype, ci) : 0.0;
      fake_store(c, ctype, ci, alpha * acc + beta * old);
    }
}

#endif
