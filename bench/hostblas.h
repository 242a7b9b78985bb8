/* accelbench — the host BLAS the harness trusts for whole GEMM references (model/reference.h,
 * ab_validate_gemm_whole): Debian's OpenBLAS, or the reference BLAS, never a backend's
 * library. Loaded once per process on first use. */
#ifndef AB_HOSTBLAS_H
#define AB_HOSTBLAS_H

#include "model/reference.h"

/* The loaded library with `max_macs` as its budget, in `out`; false (and `why` says why:
 * every library tried) when none could be loaded. AB_HOST_BLAS=path overrides the list;
 * AB_HOST_BLAS=none disables it. */
bool ab_host_blas_get(uint64_t max_macs, ab_host_blas *out, char *why, size_t why_len);

#endif
