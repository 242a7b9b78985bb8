/* GEMM helpers: the row-major -> column-major mapping and descriptor checks (ab_vendor.h). */
#include <stdio.h>

#include "ab_vendor.h"

void ab_gemm_to_colmajor(const ab_gemm_params *g, ab_colmajor_gemm *out) {
  /* Row-major X (r x c) is column-major X^T (c x r) with ld = c. The column-major call
   * computes C^T (n x m) = op(B)^T (n x k) * op(A)^T (k x m). B stored k x n (no trans) is
   * column-major n x k: used as is (N, ld n); stored n x k (trans_b) it is column-major
   * k x n and needs T (ld k). Likewise A: m x k stored is column-major k x m (N, ld k);
   * k x m stored (trans_a) is column-major m x k (T, ld m). */
  out->m = g->n;
  out->n = g->m;
  out->k = g->k;
  out->trans_first = g->trans_b ? 1 : 0;
  out->ld_first = g->trans_b ? g->k : g->n;
  out->trans_second = g->trans_a ? 1 : 0;
  out->ld_second = g->trans_a ? g->m : g->k;
  out->ld_c = g->n;
}

void ab_gemm_sizes(const ab_gemm_params *g, size_t *a, size_t *b, size_t *c) {
  *a = (size_t)g->m * (size_t)g->k;
  *b = (size_t)g->k * (size_t)g->n;
  *c = (size_t)g->m * (size_t)g->n;
}

ab_status ab_vcheck_gemm(const ab_kernel_desc *d, const size_t *bytes, size_t n_operands,
                         int64_t max_dim, char *msg) {
  const ab_gemm_params *g = &d->params.gemm;
  if (d->kind != AB_KERNEL_GEMM) {
    snprintf(msg, AB_MSG_LEN, "desc.kind: expected gemm, got %s", ab_kernel_kind_str(d->kind));
    return AB_E_INVALID;
  }
  if (g->m <= 0 || g->n <= 0 || g->k <= 0 || g->m > max_dim || g->n > max_dim || g->k > max_dim) {
    snprintf(msg, AB_MSG_LEN,
             "desc.params.gemm: m, n, k must be in 1..%lld, got m=%lld n=%lld k=%lld",
             (long long)max_dim, (long long)g->m, (long long)g->n, (long long)g->k);
    return AB_E_INVALID;
  }
  if (n_operands != 3) {
    snprintf(msg, AB_MSG_LEN, "operands: gemm takes 3 (A, B, C), got %zu", n_operands);
    return AB_E_INVALID;
  }
  size_t count[3];
  ab_gemm_sizes(g, &count[0], &count[1], &count[2]);
  const ab_dtype types[3] = {d->dtype, d->dtype, d->out_dtype};
  static const char *const names[3] = {"A", "B", "C"};
  for (int i = 0; i < 3; i++) {
    size_t need = count[i] * ab_dtype_size(types[i]);
    if (bytes[i] < need || need == 0) {
      snprintf(msg, AB_MSG_LEN, "operand %d (%s): needs %zu bytes of %s, got %zu", i, names[i],
               need, ab_dtype_str(types[i]), bytes[i]);
      return AB_E_INVALID;
    }
  }
  return AB_OK;
}
