/* Private declarations of the aclnn tensor API (libnnopbase.so) and the aclnn operators
 * (libopapi.so, or the split libopapi_nn.so / libopapi_transformer.so) the ascend backend
 * calls, resolved at run time (never linked).
 *
 * source: ../shared/reference/vendor-api-facts.md 2.3 (VERIFIED): aclCreateTensor's
 * argument order (offset before format, strides and offset in elements), aclDataType,
 * aclFormat, the aclnn status codes (hicann/ops-nn:docs/zh/context/aclnn_return_code.md),
 * the two-phase operator prototypes:
 *   aclnnMatmul      hicann/ops-nn:matmul/mat_mul_v3/op_host/op_api/aclnn_matmul.h
 *   aclnnRmsNorm     hicann/ops-nn:norm/rms_norm/docs/aclnnRmsNorm.md
 *   aclnnSoftmax     hicann/ops-nn:activation/softmax_v2/op_api/aclnn_softmax.h
 *   aclnnGelu        hicann/ops-nn:activation/gelu/op_api/aclnn_gelu.h (tanh form:
 *                    hicann/ops-nn:activation/gelu/README.md)
 *   aclnnSilu        hicann/ops-nn:activation/swish/op_api/aclnn_silu.h
 *   aclnnFlashAttentionScore  hicann/ops-transformer:attention/flash_attention_score/op_api/
 *                    aclnn_flash_attention_score.h@e4fd38a8e19e
 * (ops-nn @e5c3fa9327ea), and cubeMathType (hicann/ops-nn:matmul/mat_mul_v3/docs/
 * aclnnMatmul.md). */
#ifndef AB_ASCEND_ACLNN_H
#define AB_ASCEND_ACLNN_H

#include <stdint.h>

#include "acl_rt.h"

typedef int32_t aclnnStatus; /* ACLNN_SUCCESS 0 */
typedef struct aclTensor aclTensor;
typedef struct aclOpExecutor aclOpExecutor;
typedef struct aclIntArray aclIntArray;

enum {
  ABNN_SUCCESS = 0,
  /* aclDataType (acl_base.h, facts 2.3) */
  ABNN_FLOAT = 0,
  ABNN_FLOAT16 = 1,
  ABNN_BF16 = 27,
  /* aclFormat */
  ABNN_FORMAT_ND = 2,
  /* cubeMathType of aclnnMatmul */
  ABNN_CUBE_KEEP_DTYPE = 0,
  ABNN_CUBE_USE_HF32 = 3,
};

typedef struct abnn_tensor_api {
  aclTensor *(*aclCreateTensor)(const int64_t *viewDims, uint64_t viewDimsNum, int dataType,
                                const int64_t *stride, int64_t offset, int format,
                                const int64_t *storageDims, uint64_t storageDimsNum,
                                void *tensorData);
  aclnnStatus (*aclDestroyTensor)(const aclTensor *tensor);
} abnn_tensor_api;

/* Every operator is optional in the table: a library without one makes only the kinds
 * that need it unsupported, with the symbol named. */
typedef aclnnStatus (*abnn_run_fn)(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                                   abacl_stream stream);
typedef struct abnn_op_api {
  aclnnStatus (*aclnnMatmulGetWorkspaceSize)(const aclTensor *self, const aclTensor *mat2,
                                             aclTensor *out, int8_t cubeMathType,
                                             uint64_t *workspaceSize, aclOpExecutor **executor);
  abnn_run_fn aclnnMatmul;
  aclnnStatus (*aclnnRmsNormGetWorkspaceSize)(const aclTensor *x, const aclTensor *gamma,
                                              double epsilon, const aclTensor *yOut,
                                              const aclTensor *rstdOut, uint64_t *workspaceSize,
                                              aclOpExecutor **executor);
  abnn_run_fn aclnnRmsNorm;
  aclnnStatus (*aclnnSoftmaxGetWorkspaceSize)(const aclTensor *self, int64_t dim, aclTensor *out,
                                              uint64_t *workspaceSize, aclOpExecutor **executor);
  abnn_run_fn aclnnSoftmax;
  aclnnStatus (*aclnnGeluGetWorkspaceSize)(const aclTensor *self, aclTensor *out,
                                           uint64_t *workspaceSize, aclOpExecutor **executor);
  abnn_run_fn aclnnGelu;
  aclnnStatus (*aclnnSiluGetWorkspaceSize)(const aclTensor *self, aclTensor *out,
                                           uint64_t *workspaceSize, aclOpExecutor **executor);
  abnn_run_fn aclnnSilu;
  aclnnStatus (*aclnnFlashAttentionScoreGetWorkspaceSize)(
      const aclTensor *query, const aclTensor *key, const aclTensor *value,
      const aclTensor *realShiftOptional, const aclTensor *dropMaskOptional,
      const aclTensor *paddingMaskOptional, const aclTensor *attenMaskOptional,
      const aclIntArray *prefixOptional, double scaleValue, double keepProb, int64_t preTokens,
      int64_t nextTokens, int64_t headNum, char *inputLayout, int64_t innerPrecise,
      int64_t sparseMode, const aclTensor *softmaxMaxOut, const aclTensor *softmaxSumOut,
      const aclTensor *softmaxOutOut, const aclTensor *attentionOutOut, uint64_t *workspaceSize,
      aclOpExecutor **executor);
  abnn_run_fn aclnnFlashAttentionScore;
} abnn_op_api;

#endif
