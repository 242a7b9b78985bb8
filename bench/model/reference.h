/* accelbench — float64 reference kernels and validation of backend results. */
#ifndef AB_REFERENCE_H
#define AB_REFERENCE_H

#include <stdint.h>

#include "accelbench/kernel.h"
#include "model/record.h"

/* Reference value of GEMM output element (i, j), in float64, and the sum of |a*b| terms
 * (the scale of the rounding error an accumulation can make). */
double ab_ref_gemm_element(const ab_kernel_desc *d, const void *a, const void *b, int64_t i,
                           int64_t j, double *abs_sum);

/* Compare `c` (the backend's output, host copy), with the tolerance of accumulator `acc`
 * (what the backend declared; AB_DTYPE_INVALID: f32 assumed) with the reference on up to
 * `max_elements` elements: all of them when the output is small; otherwise a grid of
 * sampled rows x sampled columns that always includes the first and last row and column
 * (edge tiles), with the count also bounded so the check stays cheap for huge k.
 * Fills `v`; returns 1 when every checked element is within tolerance. */
int ab_validate_gemm(const ab_kernel_desc *d, ab_dtype acc, const void *a, const void *b,
                     const void *c, uint64_t max_elements, uint64_t seed, ab_validation *v);

/* Byte-exact comparison (memory-bandwidth copies, device-to-host transfers). */
int ab_validate_bytes(const void *got, const void *want, size_t bytes, ab_validation *v);

/* Host-to-device transfers deliver byte i = (i * 131 + 7) & 0xff (kernel.h). */
int ab_validate_h2d_pattern(const void *got, size_t bytes, ab_validation *v);

/* Peak-compute output: the exact value kernel.h defines for each item. */
int ab_validate_peak(const ab_kernel_desc *d, const void *got, ab_validation *v);

/* Unit roundoff of a float dtype (f64 2^-53, f32 2^-24, f16 2^-11, bf16 2^-8); 0 for
 * integers, which are exact. */
double ab_unit_roundoff(ab_dtype t);

/* Tolerance for one output element: accumulation error allowed by the dtype times the
 * sum of |a*b|, plus rounding of the output. Exposed for tests. */
double ab_gemm_tolerance(const ab_kernel_desc *d, ab_dtype acc, double ref, double abs_sum);

#endif
