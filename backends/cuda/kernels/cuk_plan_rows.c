/* accelbench portable CUDA kernels — planners of the row kinds, norm and softmax (kernels in
 * cuk_norm.cu, cuk_softmax.cu): a block per row (grid-stride over rows), of as many threads
 * as the row has elements rounded up to a power of two, at most CUK_ROW_MAX_THREADS (a
 * 32-element softmax row must not wake 256 threads). */
#include <stdio.h>

#include "cuk_internal.h"

static uint32_t row_threads(int64_t cols) {
  uint32_t t = 1;
  while (t < CUK_ROW_MAX_THREADS && (int64_t)t < cols)
    t *= 2;
  return t;
}

static uint32_t row_blocks(int64_t rows) {
  return rows > (int64_t)CUK_MAP_MAX_BLOCKS ? CUK_MAP_MAX_BLOCKS : (uint32_t)rows;
}

static ab_status check_rows(const char *kind, int64_t rows, int64_t cols, char *msg) {
  if (rows >= 1 && cols >= 1)
    return AB_OK;
  snprintf(msg, AB_MSG_LEN, "%s: rows=%lld cols=%lld: expected both >= 1", kind, (long long)rows,
           (long long)cols);
  return AB_E_INVALID;
}

ab_status cuk_plan_softmax(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                           cuk_launch *out, char *msg) {
  const ab_softmax_params *p = &d->params.softmax;
  ab_status s = check_rows("softmax", p->rows, p->cols, msg);
  if (s == AB_OK)
    s = cuk_operands(d, n_ptrs, 2, msg);
  if (s != AB_OK)
    return s;
  if (!cuk_float_dtype(d->dtype, "softmax", msg) || !cuk_float_dtype(d->out_dtype, "softmax", msg))
    return AB_E_UNSUPPORTED;
  ab_dtype types[2] = {d->dtype, d->out_dtype};
  char name[64];
  cuk_name(name, sizeof name, "ab_softmax", types, 2);
  cuk_rows_args a = {.rows = p->rows, .cols = p->cols};
  return cuk_simple(d, name, ptrs, 2, &a, sizeof a, row_blocks(p->rows), row_threads(p->cols), 0,
                    out, msg);
}

/* The norm's operand dtypes in kernel-name order (x, weights, y); gamma and beta share one. */
static ab_status norm_types(const ab_kernel_desc *d, bool layer, ab_dtype types[3], char *msg) {
  size_t y = layer ? 3 : 2;
  types[0] = ab_operand_dtype(d, 0, d->dtype);
  types[1] = ab_operand_dtype(d, 1, AB_DTYPE_F32);
  types[2] = ab_operand_dtype(d, y, d->out_dtype);
  if (layer && ab_operand_dtype(d, 2, AB_DTYPE_F32) != types[1]) {
    snprintf(msg, AB_MSG_LEN,
             "norm: gamma %s and beta %s: the portable CUDA kernel takes one "
             "dtype for both",
             ab_dtype_str(types[1]), ab_dtype_str(ab_operand_dtype(d, 2, AB_DTYPE_F32)));
    return AB_E_UNSUPPORTED;
  }
  static const char *const what[] = {"norm x", "norm weights", "norm y"};
  for (size_t i = 0; i < 3; i++)
    if (!cuk_float_dtype(types[i], what[i], msg))
      return AB_E_UNSUPPORTED;
  return AB_OK;
}

ab_status cuk_plan_norm(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                        cuk_launch *out, char *msg) {
  const ab_norm_params *p = &d->params.norm;
  if (p->op != AB_NORM_RMSNORM && p->op != AB_NORM_LAYERNORM) {
    snprintf(msg, AB_MSG_LEN, "norm op %d: not one of kernel.h's", (int)p->op);
    return AB_E_INVALID;
  }
  bool layer = p->op == AB_NORM_LAYERNORM;
  ab_dtype types[3];
  ab_status s = check_rows("norm", p->rows, p->hidden, msg);
  if (s == AB_OK)
    s = cuk_operands(d, n_ptrs, layer ? 4 : 3, msg);
  if (s == AB_OK)
    s = norm_types(d, layer, types, msg);
  if (s != AB_OK)
    return s;
  char name[64];
  cuk_name(name, sizeof name, layer ? "ab_layernorm" : "ab_rmsnorm", types, 3);
  cuk_rows_args a = {.rows = p->rows, .cols = p->hidden, .eps = AB_NORM_EPS};
  return cuk_simple(d, name, ptrs, n_ptrs, &a, sizeof a, row_blocks(p->rows),
                    row_threads(p->hidden), 0, out, msg);
}
