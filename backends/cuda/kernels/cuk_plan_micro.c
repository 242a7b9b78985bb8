/* accelbench portable CUDA kernels — planners of the microbenchmarks the cuda backend runs
 * on its own kernels (kernels in cuk_micro.cu): launch latency (one empty kernel, one thread)
 * and peak compute (a grid-stride launch, a thread per item). */
#include <stdio.h>

#include "cuk_internal.h"

ab_status cuk_plan_launch(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                          cuk_launch *out, char *msg) {
  ab_status s = cuk_operands(d, n_ptrs, 0, msg);
  if (s != AB_OK)
    return s;
  cuk_map_args a = {.n = 0};
  return cuk_simple(d, "ab_launch_empty", ptrs, 0, &a, sizeof a, 1, 1, 0, out, msg);
}

ab_status cuk_plan_peak(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                        cuk_launch *out, char *msg) {
  const ab_peak_params *p = &d->params.peak;
  if (p->items < 1 || p->fma_per_item < 1) {
    snprintf(msg, AB_MSG_LEN, "peak: items=%lld fma_per_item=%lld: expected both >= 1",
             (long long)p->items, (long long)p->fma_per_item);
    return AB_E_INVALID;
  }
  bool float_type = d->dtype == AB_DTYPE_F64 || d->dtype == AB_DTYPE_F32 ||
                    d->dtype == AB_DTYPE_F16 || d->dtype == AB_DTYPE_BF16;
  if (!float_type || d->out_dtype != d->dtype) {
    snprintf(msg, AB_MSG_LEN,
             "peak: dtype %s -> %s: the portable CUDA kernels have f64, f32, f16 and bf16 "
             "fused multiply-adds (out_dtype equal to dtype); int8 and 8-bit float ceilings "
             "come from the cuBLAS GEMM rows",
             ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype));
    return AB_E_UNSUPPORTED;
  }
  ab_status s = cuk_operands(d, n_ptrs, 1, msg);
  if (s != AB_OK)
    return s;
  char name[64];
  cuk_name(name, sizeof name, "ab_peak", &d->dtype, 1);
  cuk_peak_args a = {
      .items = p->items, .q = p->fma_per_item / 8, .r = p->fma_per_item % 8, .a = -1.0, .b = 1.0};
  return cuk_simple(d, name, ptrs, 1, &a, sizeof a, cuk_map_blocks(p->items), CUK_MAP_THREADS, 0,
                    out, msg);
}
