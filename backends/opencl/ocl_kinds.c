/* The OpenCL backend's portable kernels for the kinds beyond GEMM and the microbenchmarks:
 * one file per kind, listed here. */
#include <stdio.h>

#include "ocl_float.h"

/* Append new kinds here (and their source to CMakeLists.txt). */
static const struct {
  ab_kernel_kind kind;
  ocl_kind_prepare_fn prepare;
} kinds[] = {
    {AB_KERNEL_CONV2D, ocl_conv2d_prepare},
    {AB_KERNEL_STREAM, ocl_stream_prepare},
    {AB_KERNEL_ATTENTION, ocl_attention_prepare},
    {AB_KERNEL_NORM, ocl_norm_prepare},
    {AB_KERNEL_SOFTMAX, ocl_softmax_prepare},
    {AB_KERNEL_ACTIVATION, ocl_activation_prepare},
    {AB_KERNEL_ELEMENTWISE, ocl_elementwise_prepare},
    {AB_KERNEL_ROTARY, ocl_rotary_prepare},
};

static ocl_kind_prepare_fn find(ab_kernel_kind kind) {
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (kinds[i].prepare && kinds[i].kind == kind)
      return kinds[i].prepare;
  return NULL;
}

int ocl_kind_is_micro(ab_kernel_kind kind) {
  return kind == AB_KERNEL_PEAK || kind == AB_KERNEL_MEMBW || kind == AB_KERNEL_COPY_H2D ||
         kind == AB_KERNEL_COPY_D2H || kind == AB_KERNEL_LAUNCH || kind == AB_KERNEL_STREAM;
}

int ocl_kind_offered(ab_kernel_kind kind) {
  return kind == AB_KERNEL_GEMM || ocl_kind_is_micro(kind) || find(kind) != NULL;
}

ab_status ocl_kind_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                           size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  ocl_kind_prepare_fn prepare = find(d->kind);
  if (!prepare) {
    snprintf(msg, AB_MSG_LEN, "%s is not offered by the OpenCL backend",
             ab_kernel_kind_str(d->kind));
    return AB_E_UNSUPPORTED;
  }
  return prepare(st, d, ops, n_ops, c, info, msg);
}
