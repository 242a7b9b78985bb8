/* accelbench — the kind tables (one file each in this folder) and what they share. Only
 * kinds.c and the kind files include this header; everyone else asks ab_kind_def_of(). */
#ifndef AB_MODEL_KINDS_H
#define AB_MODEL_KINDS_H

#include <stdint.h>

#include "model/kind.h"

extern const ab_kind_def ab_kind_gemm;
extern const ab_kind_def ab_kind_membw;
extern const ab_kind_def ab_kind_copy_h2d;
extern const ab_kind_def ab_kind_copy_d2h;
extern const ab_kind_def ab_kind_peak;
extern const ab_kind_def ab_kind_launch;
extern const ab_kind_def ab_kind_stream;
extern const ab_kind_def ab_kind_attention;

/* Whether a x b elements of `elem` bytes reach 2^62 bytes (byte counts must fit int64 and
 * size_t); also true for a non-positive a or b. */
int ab_product_overflows(int64_t a, int64_t b, size_t elem);

#endif
