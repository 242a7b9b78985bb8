/* accelbench CPU backend — GEMM of the "native" provider, in a build without OpenBLAS
 * (AB_WITH_OPENBLAS=OFF): f64 and f32, row-major, as plain C loops with OpenMP.
 *
 * It exists so a build with no BLAS library still measures and validates GEMM end to end;
 * its rate is that of a simple loop, not of a tuned library, and its implementation string
 * says so. Each thread owns whole rows of C; the inner loop runs along a row of B, which
 * the compiler vectorises when B is not transposed. */
#include <stdio.h>

#include "cpu_backend.h"

ab_status ab_cpu_native_gemm_prepare(const ab_cpu_gemm *g, ab_case_info *info, char *msg) {
  if (!(g->in == AB_DTYPE_F64 && g->out == AB_DTYPE_F64) &&
      !(g->in == AB_DTYPE_F32 && g->out == AB_DTYPE_F32)) {
    snprintf(msg, AB_MSG_LEN,
             "native GEMM (this build has no OpenBLAS: AB_WITH_OPENBLAS=OFF) runs f64 and f32 "
             "only, not %s -> %s",
             ab_dtype_str(g->in), ab_dtype_str(g->out));
    return AB_E_UNSUPPORTED;
  }
  snprintf(info->implementation, sizeof info->implementation,
           "native %s: plain C loops of the cpu backend (built without OpenBLAS)",
           g->in == AB_DTYPE_F64 ? "dgemm" : "sgemm");
  info->setup_seconds = 0.0;
  return AB_OK;
}

/* Row i of C = A * B, with A m x k (k x m when transposed) and B k x n (n x k): the same
 * loop for both element types. */
#define NATIVE_GEMM_ROW(T)                                                                         \
  static void row_##T(const ab_cpu_gemm *g, int64_t i) {                                           \
    const T *a = g->a, *b = g->b;                                                                  \
    T *row = (T *)g->c + i * g->p.n;                                                               \
    const int64_t m = g->p.m, n = g->p.n, k = g->p.k;                                              \
    for (int64_t j = 0; j < n; j++)                                                                \
      row[j] = 0;                                                                                  \
    for (int64_t p = 0; p < k; p++) {                                                              \
      const T aip = g->p.trans_a ? a[p * m + i] : a[i * k + p];                                    \
      if (g->p.trans_b)                                                                            \
        for (int64_t j = 0; j < n; j++)                                                            \
          row[j] += aip * b[j * k + p];                                                            \
      else                                                                                         \
        for (int64_t j = 0; j < n; j++)                                                            \
          row[j] += aip * b[p * n + j];                                                            \
    }                                                                                              \
  }

NATIVE_GEMM_ROW(double)
NATIVE_GEMM_ROW(float)

ab_status ab_cpu_native_gemm_run(ab_cpu_device *dev, const ab_cpu_gemm *g, uint32_t iterations,
                                 char *msg) {
  int threads = dev->threads > 0 ? dev->threads : 1;
  void (*row)(const ab_cpu_gemm *, int64_t) = g->in == AB_DTYPE_F64   ? row_double
                                              : g->in == AB_DTYPE_F32 ? row_float
                                                                      : NULL;
  if (!row) {
    snprintf(msg, AB_MSG_LEN, "native: case_run for a %s GEMM that prepare refused",
             ab_dtype_str(g->in));
    return AB_E_INTERNAL;
  }
  for (uint32_t it = 0; it < iterations; it++) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < g->p.m; i++)
      row(g, i);
  }
  return AB_OK;
}
