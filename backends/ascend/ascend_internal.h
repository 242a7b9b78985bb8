/* accelbench ascend backend — state shared by its source files.
 *
 * The CANN libraries are loaded at run time through the shared adapter layer
 * (backends/common/ab_vendor.h), once per process, and stay loaded (the runtime keeps
 * process-wide state). libascendcl is mandatory; libnnopbase and the operator libraries
 * are loaded on the first operator case. */
#ifndef AB_ASCEND_INTERNAL_H
#define AB_ASCEND_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ab_vbuffer.h"
#include "ab_vendor.h"
#include "accelbench/backend.h"
#include "acl_rt.h"
#include "aclnn.h"

/* The oldest CANN the adapter knows the library layout of (facts 2.1: the all-in-one
 * libopapi.so of the 8.0/8.1 era, the split libopapi_* after): an older one is refused
 * rather than guessed at. */
#define ASCEND_MIN_CANN_MAJOR 8

typedef struct ascend_libs {
  abacl_rt_api rt;
  ab_vlib rt_lib;
  char cann_version[64]; /* "" when the runtime cannot say */
  /* the operator side, loaded on first use */
  abnn_tensor_api nn;
  abnn_op_api op;
  ab_vlib nn_lib, op_lib, op_tr_lib;
  int split; /* 1: libopapi_nn (+ _transformer); 0: the all-in-one libopapi */
} ascend_libs;

/* libascendcl once per process, aclInit, device count and CANN version checks: AB_OK or
 * the disabled reason. */
ab_status ascend_load(const ascend_libs **out, char *msg);
/* libnnopbase and one operator-library set (never both kinds, facts 2.1 / 7.4): AB_OK or
 * AB_E_UNSUPPORTED with the reason. */
ab_status ascend_load_ops(char *msg);
/* Which operator libraries were loaded, for implementation texts ("libopapi_nn.so"). */
const char *ascend_op_library(int attention);

/* "call: ACL error (code): <aclGetRecentErrMsg>" from a runtime or aclnn code. */
ab_status ascend_fail(char *msg, const char *call, long code);

typedef struct ascend_dev {
  const ascend_libs *libs;
  int index;
  abacl_stream stream;
  abacl_event ev[2];
  ab_vworkspace ws;
  ab_vmem mem;
  ab_vtimer timer;
} ascend_dev;

/* Providers; their order is the `providers` list's. */
enum { ASCEND_PROV_ACLNN = 0, ASCEND_PROV_HF32 = 1 };

#define ASCEND_MAX_TENSORS 8

typedef struct ascend_case ascend_case;
typedef ab_status (*ascend_run_fn)(ascend_dev *dev, ascend_case *c, char *msg);

struct ascend_case {
  ascend_dev *dev;
  ascend_run_fn call;
  /* aclnn operators: tensors made once, an executor per call (two-phase form) */
  aclTensor *t[ASCEND_MAX_TENSORS];
  void *scratch[2]; /* device memory for outputs the case does not check (rstd, softmax stats) */
  int8_t cube_math;
  int64_t dim, heads, pre_tokens, next_tokens;
  double eps, scale;
  char layout[8];
  /* copies */
  void *host;
  int pinned;
  size_t bytes;
  const void *src;
  void *dst;
  int direction;
};

ab_status ascend_op_query(const ab_kernel_desc *d, int provider, char *msg);
ab_status ascend_op_prepare(ascend_dev *dev, const ab_kernel_desc *d, int provider,
                            ab_buffer *const *ops, size_t n_ops, ascend_case *c, ab_case_info *info,
                            char *msg);
void ascend_op_release(ascend_dev *dev, ascend_case *c);

ab_status ascend_micro_prepare(ascend_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                               size_t n_ops, ascend_case *c, ab_case_info *info, char *msg);
void ascend_micro_release(ascend_dev *dev, ascend_case *c);

#endif
