/* Every case the portable CUDA kernels cover, one per kernel they contain: each kind, op,
 * layout, kernel variant and dtype combination, at a small valid shape. Both the planner
 * test (each must plan) and the NVRTC test (each planned name must be in the PTX, and each
 * PTX entry must be one of them) walk this list. */
#ifndef AB_TEST_CUK_CASES_H
#define AB_TEST_CUK_CASES_H

#include <stddef.h>

#include "accelbench/kernel.h"

typedef void (*cuk_case_fn)(const ab_kernel_desc *d, size_t n_operands, void *ctx);

/* Calls fn for each case; returns how many. */
size_t cuk_each_case(cuk_case_fn fn, void *ctx);

/* A zeroed descriptor of `kind` with struct_size set. */
ab_kernel_desc cuk_test_desc(ab_kernel_kind kind, ab_dtype dtype, ab_dtype out);

#endif
