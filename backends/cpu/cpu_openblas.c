/* accelbench CPU backend — the "openblas" GEMM provider (cblas_?gemm, row-major). */
#include <limits.h>
#include <stdio.h>

#include "cpu_backend.h"

/* Which cblas routine runs (in, out) here, or NULL with the reason in msg. */
static const char *pick_routine(const ab_openblas *blas, ab_dtype in, ab_dtype out, char *msg) {
  if (in == AB_DTYPE_F64 && out == AB_DTYPE_F64)
    return "dgemm";
  if (in == AB_DTYPE_F32 && out == AB_DTYPE_F32)
    return "sgemm";
  if (in == AB_DTYPE_BF16 && !blas->sbgemm) {
    /* Debian 12 builds OpenBLAS without BUILD_BFLOAT16 (cpu-libraries.md: `nm -D` shows no
     * sbgemm symbol). */
    snprintf(msg, AB_MSG_LEN,
             "OpenBLAS %s is built without bfloat16 (libopenblas.so.0 exports no cblas_sbgemm)",
             blas->version);
    return NULL;
  }
  if (in == AB_DTYPE_BF16 && out == AB_DTYPE_F32)
    return "sbgemm";
  if (in == AB_DTYPE_BF16) {
    snprintf(msg, AB_MSG_LEN, "OpenBLAS cblas_sbgemm writes an f32 C; this case asks for %s",
             ab_dtype_str(out));
    return NULL;
  }
  if (in == AB_DTYPE_F16 || in == AB_DTYPE_I8) {
    snprintf(msg, AB_MSG_LEN, "OpenBLAS %s has no %s GEMM (only s/d/c/z gemm and sbgemm)",
             blas->version, ab_dtype_str(in));
    return NULL;
  }
  snprintf(msg, AB_MSG_LEN, "OpenBLAS has no GEMM with %s inputs and %s output", ab_dtype_str(in),
           ab_dtype_str(out));
  return NULL;
}

ab_status ab_cpu_openblas_prepare(ab_cpu_device *dev, const ab_cpu_gemm *g, ab_case_info *info,
                                  char *msg) {
  const char *routine = pick_routine(dev->blas, g->in, g->out, msg);
  if (!routine)
    return AB_E_UNSUPPORTED;
  /* This build's cblas takes 32-bit `blasint` dimensions. */
  const int64_t max = sizeof(blasint) >= sizeof(int64_t) ? INT64_MAX : INT_MAX;
  if (g->p.m > max || g->p.n > max || g->p.k > max) {
    snprintf(msg, AB_MSG_LEN, "OpenBLAS: gemm m/n/k above %lld do not fit its %zu-byte blasint",
             (long long)max, sizeof(blasint));
    return AB_E_UNSUPPORTED;
  }
  snprintf(info->implementation, sizeof info->implementation, "openblas %s %s %s",
           dev->blas->version, dev->blas->get_corename(), routine);
  info->setup_seconds = 0.0;
  return AB_OK;
}

/* Leading dimensions for tight row-major storage (kernel.h): A is m x k, or k x m when
 * transposed; B is k x n, or n x k. */
static void leading_dims(const ab_gemm_params *p, blasint *lda, blasint *ldb) {
  *lda = (blasint)(p->trans_a ? p->m : p->k);
  *ldb = (blasint)(p->trans_b ? p->k : p->n);
}

ab_status ab_cpu_openblas_run(ab_cpu_device *dev, const ab_cpu_gemm *g, uint32_t iterations,
                              char *msg) {
  const ab_openblas *b = dev->blas;
  const ab_gemm_params *p = &g->p;
  enum CBLAS_TRANSPOSE ta = p->trans_a ? CblasTrans : CblasNoTrans;
  enum CBLAS_TRANSPOSE tb = p->trans_b ? CblasTrans : CblasNoTrans;
  blasint m = (blasint)p->m, n = (blasint)p->n, k = (blasint)p->k, lda, ldb;
  leading_dims(p, &lda, &ldb);
  /* The thread count is process-wide in OpenBLAS; set it on every run in case another
   * user of the library in this process changed it. */
  b->set_num_threads(dev->threads);
  for (uint32_t i = 0; i < iterations; i++) {
    if (g->in == AB_DTYPE_F64)
      b->dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, g->a, lda, g->b, ldb, 0.0, g->c, n);
    else if (g->in == AB_DTYPE_F32)
      b->sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, g->a, lda, g->b, ldb, 0.0f, g->c, n);
    else if (g->in == AB_DTYPE_BF16 && b->sbgemm)
      b->sbgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, g->a, lda, g->b, ldb, 0.0f, g->c, n);
    else {
      snprintf(msg, AB_MSG_LEN, "openblas: case_run for a %s case that prepare refused",
               ab_dtype_str(g->in));
      return AB_E_INTERNAL;
    }
  }
  return AB_OK;
}
