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

/* "f32", "bf16", ... for messages. */
const char *ab_cpu_dtype_name(ab_dtype t);

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
