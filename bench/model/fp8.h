/* accelbench — the 8-bit floats and TF32 of ABI 1.4 (include/accelbench/kernel.h), exactly:
 * every code decodes to its double, and doubles round to nearest, ties to even, so the
 * float64 references see the same inputs the device does. */
#ifndef AB_MODEL_FP8_H
#define AB_MODEL_FP8_H

#include <stdint.h>

/* OCP 8-bit floating point (OFP8) E4M3: bias 7, no infinities, NaN S.1111.111, largest
 * finite 448. Encoding: magnitudes that round past 448 become NaN (the non-saturating
 * conversion); NaN stays NaN. */
double ab_f8e4m3_to_double(uint8_t code);
uint8_t ab_double_to_f8e4m3(double x);

/* OFP8 E5M2: bias 15, IEEE-style infinities and NaNs, largest finite 57344. Magnitudes that
 * round past 57344 become infinity. */
double ab_f8e5m2_to_double(uint8_t code);
uint8_t ab_double_to_f8e5m2(double x);

/* binary32 rounded to TF32 (10 stored mantissa bits; round to nearest even; the low 13
 * bits are zero). NaN and infinity are kept. */
float ab_f32_to_tf32(float x);

#endif
