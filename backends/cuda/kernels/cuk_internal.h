/* accelbench portable CUDA kernels — what the per-kind planners share (cuk_plan.c). */
#ifndef AB_CUK_INTERNAL_H
#define AB_CUK_INTERNAL_H

#include <stdbool.h>

#include "cuk.h"
#include "cuk_params.h"

/* The most blocks a grid-stride launch uses (the loop covers any remainder; more blocks
 * than a few waves of the largest GPU only add scheduling). */
#define CUK_MAP_MAX_BLOCKS (1u << 20)
/* grid.x of every launch stays at or below this (CUDA's limit is 2^31 - 1). */
#define CUK_GRID_X_MAX 0x7fffffffu

/* "<base>_<t0>_<t1>..." with kernel.h's dtype names. */
void cuk_name(char *out, size_t len, const char *base, const ab_dtype *types, size_t n);

/* f32, f16 or bf16; otherwise writes why into msg ("<what>: dtype X: ...") and says false. */
bool cuk_float_dtype(ab_dtype t, const char *what, char *msg);

/* n_ptrs == expected, else AB_E_INVALID naming the kind and both counts. */
ab_status cuk_operands(const ab_kernel_desc *d, size_t n_ptrs, size_t expected, char *msg);

/* Blocks of CUK_MAP_THREADS for a grid-stride loop over n items. */
uint32_t cuk_map_blocks(int64_t n);

/* A launch whose arguments are the operands in order followed by `params`. */
ab_status cuk_simple(const ab_kernel_desc *d, const char *function, const uint64_t *ptrs,
                     size_t n_ptrs, const void *params, size_t params_size, uint32_t grid_x,
                     uint32_t block_x, uint32_t shared_bytes, cuk_launch *out, char *msg);

/* One planner per kind (one file each). Each writes exactly one launch into *out. */
typedef ab_status (*cuk_kind_plan_fn)(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                                      cuk_launch *out, char *msg);
ab_status cuk_plan_stream(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                          cuk_launch *out, char *msg);
ab_status cuk_plan_elementwise(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                               cuk_launch *out, char *msg);
ab_status cuk_plan_activation(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                              cuk_launch *out, char *msg);
ab_status cuk_plan_norm(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                        cuk_launch *out, char *msg);
ab_status cuk_plan_softmax(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                           cuk_launch *out, char *msg);
ab_status cuk_plan_rotary(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                          cuk_launch *out, char *msg);
ab_status cuk_plan_conv2d(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                          cuk_launch *out, char *msg);
ab_status cuk_plan_launch(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                          cuk_launch *out, char *msg);
ab_status cuk_plan_peak(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                        cuk_launch *out, char *msg);
ab_status cuk_plan_attention(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                             cuk_launch *out, char *msg);

#endif
