/* accelbench cambricon backend — state shared by its source files.
 *
 * libcnrt is loaded at run time through the shared adapter layer
 * (backends/common/ab_vendor.h), once per process, and stays loaded: the runtime keeps
 * process-wide state of its own that unloading would break. */
#ifndef AB_CAMBRICON_INTERNAL_H
#define AB_CAMBRICON_INTERNAL_H

#include <stddef.h>

#include "ab_vbuffer.h"
#include "ab_vendor.h"
#include "accelbench/backend.h"
#include "cnrt_api.h"

/* Oldest CNRT the adapter runs on: its declarations are verified against CNRT 6.0.2 and
 * 6.14.1 (cnrt_api.h); CNRT 4.x used other names (cnrtCreateQueue, facts 3.1). */
#define MLU_MIN_CNRT_MAJOR 6

typedef struct mlu_libs {
  abmlu_api rt;
  ab_vlib lib;
  int version[3]; /* cnrtGetLibVersion */
} mlu_libs;

/* Loads libcnrt once per process and checks it (version, device count). AB_OK or the
 * disabled reason. */
ab_status mlu_load(const mlu_libs **out, char *msg);

/* "call: cnrtErrorX (code): text" from a CNRT code; AB_E_NOMEM for cnrtErrorNoMem. */
ab_status mlu_fail(char *msg, const char *call, abmlu_ret r);

typedef struct mlu_dev {
  const mlu_libs *libs;
  int index;
  abmlu_queue queue;
  abmlu_notifier nt[2];
  ab_vtimer timer;
} mlu_dev;

typedef struct mlu_case mlu_case;

/* One prepared copy case: what case_run enqueues `iterations` times between the two
 * notifiers. */
struct mlu_case {
  mlu_dev *dev;
  void *host;
  int pinned;
  size_t bytes;
  void *src, *dst;
  int direction;
};

ab_status mlu_micro_query(const mlu_dev *dev, const ab_kernel_desc *d, char *msg);
ab_status mlu_micro_prepare(mlu_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                            size_t n_ops, mlu_case *c, ab_case_info *info, char *msg);
ab_status mlu_micro_call(void *case_state, char *msg);
void mlu_micro_release(mlu_dev *dev, mlu_case *c);

#endif
