/* accelbench CPU backend — a single oneDNN primitive over the case's operands
 * (cpu_onednn_prim.c), shared by the onednn providers of the kinds beyond GEMM. */
#ifndef AB_CPU_ONEDNN_PRIM_H
#define AB_CPU_ONEDNN_PRIM_H

#include "cpu_backend.h"

#ifdef AB_HAVE_ONEDNN
#define AB_ONEDNN_MAX_ARGS 6

typedef struct ab_onednn_prim {
  ab_cpu_device *dev;
  dnnl_primitive_t prim;
  int n;
  dnnl_exec_arg_t args[AB_ONEDNN_MAX_ARGS];
} ab_onednn_prim;

/* oneDNN's data type for f32, f16, bf16; AB_E_UNSUPPORTED with the reason otherwise (oneDNN
 * 2.6 has no f64 for these primitives). */
ab_status ab_onednn_dtype(ab_dtype t, dnnl_data_type_t *out, char *msg);
/* A dense row-major descriptor of 1 or 2 dims. */
ab_status ab_onednn_md(dnnl_memory_desc_t *md, int ndims, const int64_t *dims, ab_dtype t,
                       char *msg);
/* Create the primitive for `op` ("softmax", ... in messages and the implementation). */
ab_status ab_onednn_prim_new(ab_cpu_device *dev, const_dnnl_op_desc_t op, const char *what,
                             ab_case_info *info, ab_onednn_prim **out, char *msg);
/* Wrap `ptr` (the operand's memory) as argument `arg` (DNNL_ARG_SRC, ...). */
ab_status ab_onednn_prim_bind(ab_onednn_prim *p, int arg, const dnnl_memory_desc_t *md, void *ptr,
                              char *msg);
/* The end of a prepare: on AB_OK hand p over as the case and declare f32 arithmetic;
 * otherwise release p (NULL is fine). Returns st. */
ab_status ab_onednn_prim_done(ab_status st, ab_onednn_prim *p, void **impl, ab_case_info *info);
/* ab_cpu_kind_impl run and release. */
ab_status ab_onednn_prim_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg);
void ab_onednn_prim_release(void *impl);
#endif

#endif
