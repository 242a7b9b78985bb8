/* accelbench — float64 reference kernels and validation of backend results. */
#ifndef AB_REFERENCE_H
#define AB_REFERENCE_H

#include <stdbool.h>
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

/* The Freivalds row test's bound over the rows of `c` (smallest, largest; the vector's
 * signs change only its float64 rounding term): one element wrong by more than twice its
 * row's bound fails the row with probability >= 1 - 1e-12 (docs/measurement.md), so
 * 2 * max_bound is the error the row test catches anywhere in this output. false when out
 * of memory. For ab-detection's guarantee table. */
bool ab_gemm_row_bounds(const ab_kernel_desc *d, ab_dtype acc, const void *a, const void *b,
                        const void *c, double *min_bound, double *max_bound);

/* A host BLAS the harness trusts for whole float64 GEMM references (bench/hostblas.c loads
 * Debian's; the model layer links no library): cblas_dgemm's signature, row-major. */
enum { AB_CBLAS_ROW_MAJOR = 101, AB_CBLAS_NO_TRANS = 111 }; /* cblas.h's values */
typedef void (*ab_host_dgemm_fn)(int layout, int trans_a, int trans_b, int m, int n, int k,
                                 double alpha, const double *a, int lda, const double *b, int ldb,
                                 double beta, double *c, int ldc);
typedef struct ab_host_blas {
  ab_host_dgemm_fn dgemm;
  char name[160];    /* the library, for the rule text: "libopenblas.so.0" */
  uint64_t max_macs; /* largest m*n*k referenced whole; above it the checks of ab_validate_gemm */
} ab_host_blas;

/* Whether ab_validate_gemm_whole applies: f16, bf16 or f32 outputs (the row test's bound
 * grows with the output's rounding summed over a row, and with k: a wrong element hides
 * under it — half precision at every size, f32 at DeepBench's k = 500000, where it passes
 * an element wrong by 16x its own tolerance: docs/measurement.md), a host BLAS, and m*n*k
 * within its budget. f64 and integer outputs keep the row test (a float64 reference is no
 * more exact than an f64 output; integers are exact). */
bool ab_gemm_whole_reference_applies(const ab_kernel_desc *d, const ab_host_blas *blas);

/* Every element of `c` against a float64 reference of the whole product computed by the
 * host BLAS, block by block, with the element rule (Cauchy-Schwarz for sum|ab|). Fills `v`
 * (elements_checked = all; full_failed = rows with a wrong element, the first named);
 * returns 1 when every element is within tolerance. */
int ab_validate_gemm_whole(const ab_kernel_desc *d, ab_dtype acc, const void *a, const void *b,
                           const void *c, const ab_host_blas *blas, ab_validation *v);

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
