/* accelbench OpenCL backend — what the portable kernels of the floating-point kinds
 * (norm, softmax, activation, elementwise, rotary) share: one OpenCL C prelude with typed
 * loads and stores for every float dtype, and the setup of a case from its operand list. */
#ifndef AB_OCL_FLOAT_H
#define AB_OCL_FLOAT_H

#include "ocl_internal.h"

/* A kind's kernel: its program family, OpenCL C body (compiled after the prelude), kernel
 * name, and the operands' dtypes and element counts in kernel.h's order. */
typedef struct ocl_float_kernel {
  const char *family;
  const char *body;
  const char *name;
  size_t n;
  ab_dtype types[AB_KERNEL_MAX_OPERANDS];
  size_t elements[AB_KERNEL_MAX_OPERANDS];
  const char *options; /* further -D options of the kind, or "" */
} ocl_float_kernel;

/* Check the operands against k (float dtypes; f64 only with cl_khr_fp64), compile (or
 * fetch) the program with -DREAL=float|double and -DT<i>=<ab_dtype> per operand, create
 * c->kernel with operands 0..n-1 as its first arguments, and declare the arithmetic dtype
 * in info. The caller sets the kernel's further arguments and work sizes. */
ab_status ocl_float_prepare(ocl_state *st, const ocl_float_kernel *k, ab_buffer *const *ops,
                            size_t n_ops, ocl_case *c, ab_case_info *info, char *msg);

/* Largest power of two <= min(cap, the device's work-group limit): a row kernel's
 * work-group size. */
size_t ocl_float_group(const ocl_state *st, size_t cap);

/* A row kernel (norm, softmax): one work-group of *group items per row; sets argument
 * `arg` to the row length n and `arg` + 1 to the work-group's local scratch of REALs. */
ab_status ocl_float_rows(ocl_state *st, ocl_case *c, cl_uint arg, int64_t rows, int64_t n,
                         const ab_case_info *info, size_t *group, char *msg);

/* The kinds' prepares (ocl_kinds.c lists them): one file each. */
ab_status ocl_norm_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                           size_t n_ops, ocl_case *c, ab_case_info *info, char *msg);
ab_status ocl_softmax_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                              size_t n_ops, ocl_case *c, ab_case_info *info, char *msg);
ab_status ocl_activation_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                                 size_t n_ops, ocl_case *c, ab_case_info *info, char *msg);
ab_status ocl_elementwise_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                                  size_t n_ops, ocl_case *c, ab_case_info *info, char *msg);
ab_status ocl_rotary_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                             size_t n_ops, ocl_case *c, ab_case_info *info, char *msg);

#endif
