/* accelbench CPU backend — private declarations shared by its source files.
 *
 * cpu_backend.c holds the ab_backend table, device facts, memory and the threads/pinning
 * options; cpu_openblas.c and cpu_onednn.c are the two GEMM providers.
 */
#ifndef AB_CPU_BACKEND_H
#define AB_CPU_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "accelbench/backend.h"
#include "cpu_affinity.h"
#include "openblas_loader.h"

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
  const ab_openblas *blas;
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

extern const ab_cpu_kind_impl ab_cpu_attention_native;

/* The implementation of `kind` on provider `prov`, or NULL. */
const ab_cpu_kind_impl *ab_cpu_kind_find(ab_kernel_kind kind, int prov);
/* "cpu: softmax is not offered by provider openblas (it is by: native)" into msg. */
void ab_cpu_kind_unsupported(ab_kernel_kind kind, const char *provider, char *msg);

/* cpu_stream.c: STREAM and membw, the backend's own loops under openblas and native. */
extern const ab_cpu_kind_impl ab_cpu_stream_openblas, ab_cpu_stream_native;
extern const ab_cpu_kind_impl ab_cpu_membw_openblas, ab_cpu_membw_native;

ab_status ab_cpu_openblas_prepare(ab_cpu_device *dev, const ab_cpu_gemm *g, ab_case_info *info,
                                  char *msg);
ab_status ab_cpu_openblas_run(ab_cpu_device *dev, const ab_cpu_gemm *g, uint32_t iterations,
                              char *msg);

#ifdef AB_HAVE_ONEDNN
ab_status ab_cpu_onednn_open(ab_cpu_device *dev, char *msg);
void ab_cpu_onednn_close(ab_cpu_device *dev);
/* Tell oneDNN's threading runtime how many threads to use on the calling thread. */
void ab_cpu_onednn_set_threads(int threads);
ab_status ab_cpu_onednn_prepare(ab_cpu_device *dev, const ab_cpu_gemm *g, void **impl,
                                ab_case_info *info, char *msg);
ab_status ab_cpu_onednn_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg);
void ab_cpu_onednn_release(void *impl);
/* "2.6.3 (cpu runtime OpenMP)" and "avx512_core_bf16" for device_info. */
void ab_cpu_onednn_describe(char *version, size_t vn, char *isa, size_t in);
#endif

#endif
