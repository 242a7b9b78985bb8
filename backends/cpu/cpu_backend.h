/* accelbench CPU backend — private declarations shared by its source files.
 *
 * cpu_backend.c holds the ab_backend table, device facts, memory and the threads/pinning
 * options; cpu_openblas.c and cpu_onednn.c are the two GEMM providers, and
 * cpu_gemm_native.c stands in for OpenBLAS in a build without it (AB_WITH_OPENBLAS=OFF).
 */
#ifndef AB_CPU_BACKEND_H
#define AB_CPU_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "accelbench/backend.h"
#include "cpu_affinity.h"
#ifdef AB_HAVE_OPENBLAS
#include "openblas_loader.h"
#endif

#ifdef AB_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.h>
#endif

/* Device memory of the CPU backend is host memory. */
struct ab_buffer {
  size_t bytes;
  void *data; /* 64-byte aligned: one cache line, the widest AVX-512 load */
};

/* Per-device state, allocated (zeroed) by the harness. */
typedef struct ab_cpu_device {
#ifdef AB_HAVE_OPENBLAS
  const ab_openblas *blas;
#endif
  ab_cpu_affinity aff;
  int threads;
#ifdef AB_HAVE_ONEDNN
  dnnl_engine_t engine;
  dnnl_stream_t stream;
#endif
} ab_cpu_device;

/* A GEMM case whose descriptor and operands have been checked (cpu_backend.c). */
typedef struct ab_cpu_gemm {
  ab_gemm_params p;
  ab_dtype in;
  ab_dtype out;
  void *a;
  void *b;
  void *c;
} ab_cpu_gemm;

/* Provider ids (cpu_providers in cpu_backend.c lists the names this build has). */
enum { AB_CPU_PROV_OPENBLAS = 0, AB_CPU_PROV_ONEDNN = 1, AB_CPU_PROV_NATIVE = 2 };

/* One kernel kind other than GEMM on one provider (cpu_kinds.c lists them all). The
 * harness has checked the descriptor (ab_kernel_check) and allocated the operands in the
 * kind's order (bench/model/kinds/); prepare checks what it relies on, run does
 * `iterations` calls back to back and returns when they are done. */
typedef struct ab_cpu_kind_impl {
  ab_kernel_kind kind;
  int provider; /* AB_CPU_PROV_* */
  ab_status (*prepare)(ab_cpu_device *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                       size_t n_ops, void **impl, ab_case_info *info, char *msg);
  ab_status (*run)(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg);
  void (*release)(void *impl); /* NULL: nothing to free */
} ab_cpu_kind_impl;

/* Implementations, one per (kind, provider): cpu_<kind>.c. */
extern const ab_cpu_kind_impl ab_cpu_conv2d_native;
#ifdef AB_HAVE_ONEDNN
extern const ab_cpu_kind_impl ab_cpu_conv2d_onednn;
#endif
extern const ab_cpu_kind_impl ab_cpu_attention_native;

/* The implementation of `kind` on provider `prov`, or NULL. */
const ab_cpu_kind_impl *ab_cpu_kind_find(ab_kernel_kind kind, int prov);
/* The implementations (one file per kind: cpu_norm.c, cpu_softmax.c, ...). */
extern const ab_cpu_kind_impl ab_cpu_norm_native;
extern const ab_cpu_kind_impl ab_cpu_softmax_native;
extern const ab_cpu_kind_impl ab_cpu_activation_native;
extern const ab_cpu_kind_impl ab_cpu_elementwise_native;
extern const ab_cpu_kind_impl ab_cpu_rotary_native;
#ifdef AB_HAVE_ONEDNN
extern const ab_cpu_kind_impl ab_cpu_norm_onednn;
extern const ab_cpu_kind_impl ab_cpu_softmax_onednn;
extern const ab_cpu_kind_impl ab_cpu_activation_onednn;
extern const ab_cpu_kind_impl ab_cpu_elementwise_onednn;
#endif

/* "cpu: softmax is not offered by provider openblas (it is by: native)" into msg. */
void ab_cpu_kind_unsupported(ab_kernel_kind kind, const char *provider, char *msg);

/* cpu_stream.c: STREAM and membw, the backend's own loops under openblas and native. */
extern const ab_cpu_kind_impl ab_cpu_stream_native, ab_cpu_membw_native;
#ifdef AB_HAVE_OPENBLAS
extern const ab_cpu_kind_impl ab_cpu_stream_openblas, ab_cpu_membw_openblas;

ab_status ab_cpu_openblas_prepare(ab_cpu_device *dev, const ab_cpu_gemm *g, ab_case_info *info,
                                  char *msg);
ab_status ab_cpu_openblas_run(ab_cpu_device *dev, const ab_cpu_gemm *g, uint32_t iterations,
                              char *msg);
#else
/* cpu_gemm_native.c: f64 and f32 GEMM as plain C loops with OpenMP. */
ab_status ab_cpu_native_gemm_prepare(const ab_cpu_gemm *g, ab_case_info *info, char *msg);
ab_status ab_cpu_native_gemm_run(ab_cpu_device *dev, const ab_cpu_gemm *g, uint32_t iterations,
                                 char *msg);
#endif

#ifdef AB_HAVE_ONEDNN
ab_status ab_cpu_onednn_open(ab_cpu_device *dev, char *msg);
void ab_cpu_onednn_close(ab_cpu_device *dev);
/* Tell oneDNN's threading runtime how many threads to use on the calling thread. */
void ab_cpu_onednn_set_threads(int threads);
ab_status ab_cpu_onednn_prepare(ab_cpu_device *dev, const ab_cpu_gemm *g, void **impl,
                                ab_case_info *info, char *msg);
ab_status ab_cpu_onednn_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg);
void ab_cpu_onednn_release(void *impl);
/* AB_E_DEVICE with the reason when this process was forked after another one ran oneDNN
 * (GNU OpenMP would hang); AB_OK otherwise. */
ab_status ab_cpu_onednn_check_fork(char *msg);
/* "call: oneDNN's words (status N)" into msg; AB_E_UNSUPPORTED for "unimplemented". */
ab_status ab_cpu_onednn_fail(dnnl_status_t s, const char *call, char *msg);
/* check_fork and fail of cpu_onednn.c, for cpu_onednn_prim.c: AB_E_DEVICE when this
 * process was forked after another ran oneDNN (GNU OpenMP would hang); and "call: oneDNN's
 * words (status N)" into msg, AB_E_UNSUPPORTED for "unimplemented". */
ab_status ab_cpu_onednn_check_fork(char *msg);
ab_status ab_cpu_onednn_fail(dnnl_status_t s, const char *call, char *msg);
/* "2.6.3 (cpu runtime OpenMP)" and "avx512_core_bf16" for device_info. */
void ab_cpu_onednn_describe(char *version, size_t vn, char *isa, size_t in);
/* For every oneDNN provider: refuse to run in a child forked after the parent ran oneDNN
 * (GNU OpenMP would hang); a oneDNN status as an ab_status with "call: text (status N)" in
 * msg (unimplemented -> AB_E_UNSUPPORTED); the oneDNN data type of a dtype, or
 * dnnl_data_type_undef with the reason in msg. */
ab_status ab_cpu_onednn_check_fork(char *msg);
/* Execute `prim` `iterations` times on the device's stream and wait for it (with the fork
 * guard and the device's thread count); `call` names the execute in an error. */
ab_status ab_cpu_onednn_execute(ab_cpu_device *dev, dnnl_primitive_t prim, int nargs,
                                const dnnl_exec_arg_t *args, uint32_t iterations, const char *call,
                                char *msg);
ab_status ab_cpu_onednn_fail(dnnl_status_t s, const char *call, char *msg);
dnnl_data_type_t ab_cpu_onednn_dtype(ab_dtype t, char *msg);
#endif

#endif
