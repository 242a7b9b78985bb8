/* accelbench portable CUDA kernels — planners of the element-wise kinds: STREAM, elementwise
 * add, activation and rotary (kernels in cuk_stream.cu, cuk_elementwise.cu,
 * cuk_activation.cu, cuk_rotary.cu). Each is one grid-stride launch of CUK_MAP_THREADS
 * threads a block. */
#include <stdio.h>

#include "cuk_internal.h"

/* kernel.h's ab_stream_op order. */
static const char *const stream_names[] = {"ab_stream_copy", "ab_stream_scale", "ab_stream_add",
                                           "ab_stream_triad"};

ab_status cuk_plan_stream(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                          cuk_launch *out, char *msg) {
  const ab_stream_params *p = &d->params.stream;
  if (p->op < AB_STREAM_COPY || p->op > AB_STREAM_TRIAD || p->elements < 1) {
    snprintf(msg, AB_MSG_LEN, "stream: op %d, elements %lld: expected op 0..3 and elements >= 1",
             (int)p->op, (long long)p->elements);
    return AB_E_INVALID;
  }
  if ((d->dtype != AB_DTYPE_F32 && d->dtype != AB_DTYPE_F64) || d->out_dtype != d->dtype) {
    snprintf(msg, AB_MSG_LEN,
             "stream: dtype %s -> %s: the portable CUDA kernels take f32 or f64, "
             "out_dtype equal to dtype",
             ab_dtype_str(d->dtype), ab_dtype_str(d->out_dtype));
    return AB_E_UNSUPPORTED;
  }
  size_t n = p->op == AB_STREAM_ADD || p->op == AB_STREAM_TRIAD ? 3 : 2;
  ab_status s = cuk_operands(d, n_ptrs, n, msg);
  if (s != AB_OK)
    return s;
  char name[64];
  cuk_name(name, sizeof name, stream_names[p->op], &d->dtype, 1);
  cuk_map_args a = {.n = p->elements, .scalar = AB_STREAM_SCALAR};
  return cuk_simple(d, name, ptrs, n, &a, sizeof a, cuk_map_blocks(p->elements), CUK_MAP_THREADS, 0,
                    out, msg);
}

/* Kernels "<base>_<in>_<out>" of n operands over `count` elements. */
static ab_status plan_pair(const ab_kernel_desc *d, const char *base, const uint64_t *ptrs,
                           size_t n_ptrs, size_t n, int64_t count, cuk_launch *out, char *msg) {
  const char *kind = ab_kernel_kind_str(d->kind);
  ab_status s = cuk_operands(d, n_ptrs, n, msg);
  if (s != AB_OK)
    return s;
  if (!cuk_float_dtype(d->dtype, kind, msg) || !cuk_float_dtype(d->out_dtype, kind, msg))
    return AB_E_UNSUPPORTED;
  ab_dtype types[2] = {d->dtype, d->out_dtype};
  char name[64];
  cuk_name(name, sizeof name, base, types, 2);
  cuk_map_args a = {.n = count};
  return cuk_simple(d, name, ptrs, n, &a, sizeof a, cuk_map_blocks(count), CUK_MAP_THREADS, 0, out,
                    msg);
}

ab_status cuk_plan_elementwise(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                               cuk_launch *out, char *msg) {
  const ab_elementwise_params *p = &d->params.elementwise;
  if (p->op != AB_ELEMENTWISE_ADD) {
    snprintf(msg, AB_MSG_LEN, "elementwise op %d: the portable CUDA kernels have add only",
             (int)p->op);
    return AB_E_UNSUPPORTED;
  }
  return plan_pair(d, "ab_add", ptrs, n_ptrs, 3, p->elements, out, msg);
}

ab_status cuk_plan_activation(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                              cuk_launch *out, char *msg) {
  /* kernel.h's ab_activation_op order */
  static const char *const names[] = {"ab_gelu_tanh", "ab_gelu_erf", "ab_silu", "ab_swiglu"};
  const ab_activation_params *p = &d->params.activation;
  if (p->op < AB_ACT_GELU_TANH || p->op > AB_ACT_SWIGLU) {
    snprintf(msg, AB_MSG_LEN, "activation op %d: not one of kernel.h's", (int)p->op);
    return AB_E_INVALID;
  }
  size_t n = p->op == AB_ACT_SWIGLU ? 3 : 2;
  return plan_pair(d, names[p->op], ptrs, n_ptrs, n, p->rows * p->cols, out, msg);
}

ab_status cuk_plan_rotary(const ab_kernel_desc *d, const uint64_t *ptrs, size_t n_ptrs,
                          cuk_launch *out, char *msg) {
  const ab_rotary_params *p = &d->params.rotary;
  if (p->head_dim < 2 || p->head_dim % 2) {
    snprintf(msg, AB_MSG_LEN, "rotary head_dim=%lld: expected an even number",
             (long long)p->head_dim);
    return AB_E_INVALID;
  }
  ab_status s = cuk_operands(d, n_ptrs, 2, msg);
  if (s != AB_OK)
    return s;
  if (!cuk_float_dtype(d->dtype, "rotary", msg) || !cuk_float_dtype(d->out_dtype, "rotary", msg))
    return AB_E_UNSUPPORTED;
  ab_dtype types[2] = {d->dtype, d->out_dtype};
  char name[64];
  cuk_name(name, sizeof name, "ab_rotary", types, 2);
  cuk_rotary_args a = {
      .tokens = p->tokens, .heads = p->heads, .head_dim = p->head_dim, .theta = (double)p->theta};
  int64_t pairs = p->tokens * (p->head_dim / 2);
  return cuk_simple(d, name, ptrs, 2, &a, sizeof a, cuk_map_blocks(pairs), CUK_MAP_THREADS, 0, out,
                    msg);
}
