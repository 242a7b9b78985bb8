/* accelbench — work per kernel call, computed in one place from the descriptor. */
#ifndef AB_KERNEL_WORK_H
#define AB_KERNEL_WORK_H

#include <stddef.h>

#include "accelbench/kernel.h"
#include "accelbench/status.h"
#include "model/kind.h"
#include "model/names.h" /* kind and dtype names */

/* Floating-point (or integer) operations one call performs: 2*m*n*k for GEMM. */
double ab_kernel_flops(const ab_kernel_desc *d);

/* Minimum bytes one call must move to and from device memory (read inputs once, write
 * the output once): the denominator of arithmetic intensity for the roofline. */
double ab_kernel_bytes(const ab_kernel_desc *d);

/* Tokens one call processes, the denominator of energy per token (J/token): batch x
 * positions for a decoder layer. 0 for a kernel that is not a model step (its kind table
 * has no `tokens`). */
double ab_kernel_tokens(const ab_kernel_desc *d);

/* Operand buffers of a kernel: count, and role, dtype, size and values of each (A, B, C
 * for GEMM); an operand past the count reads as an input of 0 bytes. */
size_t ab_kernel_operand_count(const ab_kernel_desc *d);
void ab_kernel_operand(const ab_kernel_desc *d, size_t operand, ab_operand_def *out);
size_t ab_kernel_operand_bytes(const ab_kernel_desc *d, size_t operand);

/* Check a descriptor for impossible shapes and size overflow; writes why into msg.
 * AB_E_UNSUPPORTED for a kind this accelbench has no table for. */
ab_status ab_kernel_check(const ab_kernel_desc *d, char *msg, size_t msg_len);

/* Stable text form of the shape for case ids and tables: "m=1024 n=1024 k=1024 nn". */
void ab_kernel_shape_str(const ab_kernel_desc *d, char *buf, size_t len);

#endif
