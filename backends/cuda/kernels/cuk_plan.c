/* accelbench portable CUDA kernels — cuk_plan(): the kind's planner, and the helpers that
 * lay a launch's arguments out as cuLaunchKernel reads them. */
#include <stdio.h>
#include <string.h>

#include "cuk_internal.h"

/* The generated translation unit (embed.cmake): bytes, since comments may hold UTF-8. */
extern const unsigned char cuk_text[];

const char *cuk_source(void) {
  return (const char *)cuk_text;
}

/* Append new kinds here (planner in its own file, kernels in their own .cu). */
static const struct {
  ab_kernel_kind kind;
  cuk_kind_plan_fn plan;
} planners[] = {
    {AB_KERNEL_STREAM, cuk_plan_stream},         {AB_KERNEL_ELEMENTWISE, cuk_plan_elementwise},
    {AB_KERNEL_ACTIVATION, cuk_plan_activation}, {AB_KERNEL_NORM, cuk_plan_norm},
    {AB_KERNEL_SOFTMAX, cuk_plan_softmax},       {AB_KERNEL_ROTARY, cuk_plan_rotary},
    {AB_KERNEL_CONV2D, cuk_plan_conv2d},         {AB_KERNEL_ATTENTION, cuk_plan_attention},
    {AB_KERNEL_LAUNCH, cuk_plan_launch},         {AB_KERNEL_PEAK, cuk_plan_peak},
};

static cuk_kind_plan_fn planner_of(ab_kernel_kind kind) {
  for (size_t i = 0; i < sizeof planners / sizeof planners[0]; i++)
    if (planners[i].kind == kind)
      return planners[i].plan;
  return NULL;
}

ab_status cuk_plan(const ab_kernel_desc *d, const uint64_t *operand_ptrs, size_t n_operands,
                   cuk_launch *steps, size_t max_steps, size_t *n_steps, char *msg) {
  *n_steps = 0;
  if (!d || d->struct_size < sizeof *d) {
    snprintf(msg, AB_MSG_LEN, "portable CUDA kernels: descriptor of %u bytes, need %zu (ABI 1.3)",
             d ? d->struct_size : 0u, sizeof *d);
    return AB_E_INVALID;
  }
  cuk_kind_plan_fn plan = planner_of(d->kind);
  if (!plan) {
    snprintf(msg, AB_MSG_LEN, "%s has no portable CUDA kernel", ab_kernel_kind_str(d->kind));
    return AB_E_UNSUPPORTED;
  }
  if (max_steps < 1 || !steps) {
    snprintf(msg, AB_MSG_LEN, "%s: room for %zu launch steps, need 1", ab_kernel_kind_str(d->kind),
             max_steps);
    return AB_E_INVALID;
  }
  for (size_t i = 0; i < n_operands; i++)
    if (!operand_ptrs || !operand_ptrs[i]) {
      snprintf(msg, AB_MSG_LEN, "%s operand %zu: null device pointer", ab_kernel_kind_str(d->kind),
               i);
      return AB_E_INVALID;
    }
  memset(steps, 0, sizeof *steps);
  ab_status s = plan(d, operand_ptrs, n_operands, steps, msg);
  if (s == AB_OK)
    *n_steps = 1;
  return s;
}

/* Every kernel takes its operands' device pointers, in the kind's order, then one parameter
 * block by value (cuk_params.h): the pointers at 8-byte steps of storage, the block after
 * them (its fields are all 8-byte, so 8-byte alignment is its alignment). */
ab_status cuk_simple(const ab_kernel_desc *d, const char *function, const uint64_t *ptrs,
                     size_t n_ptrs, const void *params, size_t params_size, uint32_t grid_x,
                     uint32_t block_x, uint32_t shared_bytes, cuk_launch *out, char *msg) {
  size_t need = n_ptrs * sizeof(uint64_t) + params_size;
  if (n_ptrs + 1 > sizeof out->args / sizeof out->args[0] || need > sizeof out->storage ||
      grid_x < 1 || grid_x > CUK_GRID_X_MAX) {
    snprintf(msg, AB_MSG_LEN,
             "%s: %s: %zu operands, %zu parameter bytes, %u blocks do not fit one "
             "launch",
             ab_kernel_kind_str(d->kind), function, n_ptrs, params_size, grid_x);
    return AB_E_INTERNAL;
  }
  memset(out, 0, sizeof *out);
  snprintf(out->function, sizeof out->function, "%s", function);
  for (size_t i = 0; i < n_ptrs; i++) {
    memcpy(out->storage + i * sizeof(uint64_t), &ptrs[i], sizeof(uint64_t));
    out->args[i] = out->storage + i * sizeof(uint64_t);
  }
  memcpy(out->storage + n_ptrs * sizeof(uint64_t), params, params_size);
  out->args[n_ptrs] = out->storage + n_ptrs * sizeof(uint64_t);
  out->n_args = n_ptrs + 1;
  out->grid[0] = grid_x;
  out->grid[1] = out->grid[2] = 1;
  out->block[0] = block_x;
  out->block[1] = out->block[2] = 1;
  out->shared_bytes = shared_bytes;
  return AB_OK;
}

void cuk_name(char *out, size_t len, const char *base, const ab_dtype *types, size_t n) {
  int used = snprintf(out, len, "%s", base);
  for (size_t i = 0; i < n && used > 0 && (size_t)used < len; i++)
    used += snprintf(out + used, len - (size_t)used, "_%s", ab_dtype_str(types[i]));
}

bool cuk_float_dtype(ab_dtype t, const char *what, char *msg) {
  if (t == AB_DTYPE_F32 || t == AB_DTYPE_F16 || t == AB_DTYPE_BF16)
    return true;
  snprintf(msg, AB_MSG_LEN, "%s: dtype %s: the portable CUDA kernels take f32, f16 and bf16", what,
           ab_dtype_str(t));
  return false;
}

uint32_t cuk_map_blocks(int64_t n) {
  int64_t blocks = (n + (int64_t)CUK_MAP_THREADS - 1) / (int64_t)CUK_MAP_THREADS;
  if (blocks < 1)
    return 1;
  return blocks > (int64_t)CUK_MAP_MAX_BLOCKS ? CUK_MAP_MAX_BLOCKS : (uint32_t)blocks;
}

ab_status cuk_operands(const ab_kernel_desc *d, size_t n_ptrs, size_t expected, char *msg) {
  if (n_ptrs == expected)
    return AB_OK;
  snprintf(msg, AB_MSG_LEN, "%s takes %zu operands, got %zu", ab_kernel_kind_str(d->kind), expected,
           n_ptrs);
  return AB_E_INVALID;
}
