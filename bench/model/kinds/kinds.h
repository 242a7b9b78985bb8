/* accelbench — the kind tables (one file each in this folder) and what they share. Only
 * kinds.c and the kind files include this header; everyone else asks ab_kind_def_of(). */
#ifndef AB_MODEL_KINDS_H
#define AB_MODEL_KINDS_H

#include <stdbool.h>
#include <stdint.h>

#include "model/kind.h"

extern const ab_kind_def ab_kind_gemm;
extern const ab_kind_def ab_kind_membw;
extern const ab_kind_def ab_kind_copy_h2d;
extern const ab_kind_def ab_kind_copy_d2h;
extern const ab_kind_def ab_kind_peak;
extern const ab_kind_def ab_kind_launch;
extern const ab_kind_def ab_kind_conv2d;
extern const ab_kind_def ab_kind_stream;
extern const ab_kind_def ab_kind_attention;
extern const ab_kind_def ab_kind_norm;
extern const ab_kind_def ab_kind_softmax;
extern const ab_kind_def ab_kind_activation;
extern const ab_kind_def ab_kind_elementwise;
extern const ab_kind_def ab_kind_rotary;
extern const ab_kind_def ab_kind_decoder_layer;

/* Whether a x b elements of `elem` bytes reach 2^62 bytes (byte counts must fit int64 and
 * size_t); also true for a non-positive a or b. */
int ab_product_overflows(int64_t a, int64_t b, size_t elem);
/* Whether a x b x c elements of `elem` bytes reach 2^62 bytes (checks.c). */
bool ab_kind_elems_overflow(int64_t a, int64_t b, int64_t c, size_t elem);

/* ---- the floating-point kinds (checks.c) ---- */

bool ab_kind_is_float(ab_dtype t);
/* u of the arithmetic: the dtype the backend declared, else f64 for f64 cases and f32 for
 * every narrower dtype. */
double ab_kind_compute_roundoff(const ab_check_io *io);
/* The absolute error rounding into the output dtype's subnormal range can make. */
double ab_kind_floor(ab_dtype t);
/* Higham's gamma_n = n u / (1 - n u) (Accuracy and Stability of Numerical Algorithms,
 * 2nd ed., Lemma 3.1); infinity when n u >= 1. */
double ab_kind_gamma(double n, double u);
/* dtype, out_dtype and the first n_ops operands' dtypes are all floating point. */
ab_status ab_kind_check_float(const ab_kernel_desc *d, size_t n_ops, char *msg, size_t len);
/* Kinds of one input x and one output y of `elements` each (softmax, rotary): operand 0 is
 * x in the input dtype, 1 is y in the output dtype; bytes read x and write y once. */
void ab_kind_unary_operand(const ab_kernel_desc *d, size_t i, size_t elements, ab_operand_def *out);
double ab_kind_unary_bytes(const ab_kernel_desc *d, size_t elements);
/* Start a full comparison of `total` elements under `rule`, then compare each element. */
void ab_cmp_begin(ab_validation *v, uint64_t total, const char *rule);
void ab_cmp_element(ab_validation *v, double got, double ref, double tol);

#endif
