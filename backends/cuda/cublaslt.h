/* Private declarations of the cuBLASLt (libcublasLt) functions the cuda backend calls: the
 * matmul with a heuristic-chosen algorithm and an explicit workspace, and FP8 scaling.
 *
 * source: ../shared/reference/vendor-api-facts.md 1.6 (prototypes, struct sizes, attribute
 * ids, the FP8 "TN" recipe), VERIFIED-LOCAL against the CUDA 13.0 toolkit header
 * cublasLt.h. The descriptor handles are pointers to anonymous structs in cublasLt.h; the
 * toolkit type check (tests/cuda/toolkit_types.c) defines ABCU_LT_TOOLKIT_TYPES to use the
 * toolkit's own types here so every other parameter is checked exactly. */
#ifndef AB_CUDA_CUBLASLT_H
#define AB_CUDA_CUBLASLT_H

#include <stddef.h>
#include <stdint.h>

#include "cublas.h"

typedef struct cublasLtContext *abcu_lt; /* cublasLtHandle_t */

/* facts 1.6: cublasLtMatmulAlgo_t is 64 bytes; the heuristic result 96 bytes with the
 * algorithm at 0, workspaceSize at 64, state at 72, wavesCount at 76. */
typedef struct abcu_lt_algo_layout {
  uint64_t data[8];
} abcu_lt_algo_layout;
typedef struct abcu_lt_heuristic_layout {
  abcu_lt_algo_layout algo;
  size_t workspace_size;
  abcu_blas_status state;
  float waves_count;
  int reserved[4];
} abcu_lt_heuristic_layout;

#ifdef ABCU_LT_TOOLKIT_TYPES
typedef cublasLtMatmulDesc_t abcu_lt_desc;
typedef cublasLtMatrixLayout_t abcu_lt_layout;
typedef cublasLtMatmulPreference_t abcu_lt_pref;
typedef cublasLtMatmulAlgo_t abcu_lt_algo;
typedef cublasLtMatmulHeuristicResult_t abcu_lt_heuristic;
#else
typedef struct abcu_lt_desc_st *abcu_lt_desc;
typedef struct abcu_lt_layout_st *abcu_lt_layout;
typedef struct abcu_lt_pref_st *abcu_lt_pref;
typedef abcu_lt_algo_layout abcu_lt_algo;
typedef abcu_lt_heuristic_layout abcu_lt_heuristic;
#endif

enum {
  /* cublasLtMatmulDescAttributes_t */
  ABCU_LT_DESC_TRANSA = 3,
  ABCU_LT_DESC_TRANSB = 4,
  ABCU_LT_DESC_A_SCALE_POINTER = 17,
  ABCU_LT_DESC_B_SCALE_POINTER = 18,
  /* cublasLtMatmulPreferenceAttributes_t */
  ABCU_LT_PREF_MAX_WORKSPACE_BYTES = 1,
};

typedef struct abcu_lt_api {
  abcu_blas_status (*cublasLtCreate)(abcu_lt *handle);
  abcu_blas_status (*cublasLtDestroy)(abcu_lt handle);
  size_t (*cublasLtGetVersion)(void);
  abcu_blas_status (*cublasLtMatmulDescCreate)(abcu_lt_desc *desc, unsigned int compute_type,
                                               unsigned int scale_type);
  abcu_blas_status (*cublasLtMatmulDescDestroy)(abcu_lt_desc desc);
  abcu_blas_status (*cublasLtMatmulDescSetAttribute)(abcu_lt_desc desc, unsigned int attr,
                                                     const void *buf, size_t bytes);
  abcu_blas_status (*cublasLtMatrixLayoutCreate)(abcu_lt_layout *layout, unsigned int type,
                                                 uint64_t rows, uint64_t cols, int64_t ld);
  abcu_blas_status (*cublasLtMatrixLayoutDestroy)(abcu_lt_layout layout);
  abcu_blas_status (*cublasLtMatmulPreferenceCreate)(abcu_lt_pref *pref);
  abcu_blas_status (*cublasLtMatmulPreferenceDestroy)(abcu_lt_pref pref);
  abcu_blas_status (*cublasLtMatmulPreferenceSetAttribute)(abcu_lt_pref pref, unsigned int attr,
                                                           const void *buf, size_t bytes);
  abcu_blas_status (*cublasLtMatmulAlgoGetHeuristic)(abcu_lt handle, abcu_lt_desc op,
                                                     abcu_lt_layout a, abcu_lt_layout b,
                                                     abcu_lt_layout c, abcu_lt_layout d,
                                                     abcu_lt_pref pref, int requested,
                                                     abcu_lt_heuristic results[], int *returned);
  abcu_blas_status (*cublasLtMatmul)(abcu_lt handle, abcu_lt_desc op, const void *alpha,
                                     const void *a, abcu_lt_layout a_desc, const void *b,
                                     abcu_lt_layout b_desc, const void *beta, const void *c,
                                     abcu_lt_layout c_desc, void *d, abcu_lt_layout d_desc,
                                     const abcu_lt_algo *algo, void *workspace,
                                     size_t workspace_bytes, abcu_stream stream);
  const char *(*cublasLtGetStatusString)(abcu_blas_status status);
} abcu_lt_api;

#endif
