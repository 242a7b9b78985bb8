/* accelbench rocm backend — state shared by its source files.
 *
 * The HIP runtime and rocBLAS are loaded at run time through the shared adapter layer
 * (backends/common/ab_vendor.h), once per process, and stay loaded: both keep process-wide
 * state of their own that unloading would break. Hygon DCU's DTK ships the same library
 * names (facts 4.5), so one adapter serves AMD Instinct and Hygon DCU. */
#ifndef AB_ROCM_INTERNAL_H
#define AB_ROCM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ab_vbuffer.h"
#include "ab_vendor.h"
#include "accelbench/backend.h"
#include "hip_rt.h"
#include "rocblas_api.h"

typedef struct rocm_libs {
  abhip_api hip;
  abrb_api blas;
  ab_vlib hip_lib, blas_lib;
  char hip_file[256]; /* the file the loader resolved the runtime to (DTK or ROCm tree) */
  int runtime_version;
  int have_blas;
  char blas_why[AB_MSG_LEN];
} rocm_libs;

/* Loads the HIP runtime once per process and checks it (a device, a version this adapter
 * knows the attribute numbering of). AB_OK or the disabled reason. */
ab_status rocm_load(const rocm_libs **out, char *msg);
/* rocBLAS on first use: AB_E_UNSUPPORTED with the loader's reason when absent. */
ab_status rocm_load_blas(char *msg);

/* "call: hipErrorX (code): text" from a HIP error code; rocBLAS likewise. */
ab_status rocm_hip_fail(char *msg, const char *call, abhip_error e);
ab_status rocm_blas_fail(char *msg, const char *call, abrb_status s);

typedef struct rocm_dev {
  const rocm_libs *libs;
  int index;
  abhip_stream stream;
  abhip_event ev[2];
  abrb_handle blas; /* created on the first GEMM case */
  ab_vmem mem;      /* hipMalloc/hipFree */
  ab_vtimer timer;  /* HIP events on `stream` */
} rocm_dev;

/* Providers; their order is the `providers` list's. */
enum { ROCM_PROV_ROCBLAS = 0, ROCM_PROV_HIPBLASLT = 1 };

typedef struct rocm_case rocm_case;
typedef ab_status (*rocm_run_fn)(rocm_dev *dev, rocm_case *c, char *msg);

/* One prepared case: what case_run calls `iterations` times between the two events. */
struct rocm_case {
  rocm_dev *dev;
  rocm_run_fn call;
  /* GEMM */
  ab_colmajor_gemm cm;
  const void *first, *second;
  void *c;
  int in_type, out_type, compute_type;
  const void *alpha, *beta;
  double alpha_d, beta_d;
  float alpha_f, beta_f;
  int32_t alpha_i, beta_i;
  /* copies */
  void *host;
  int pinned;
  size_t bytes;
  const void *src;
  void *dst;
  int direction;
};

ab_status rocm_gemm_query(const ab_kernel_desc *d, int provider, char *msg);
ab_status rocm_gemm_prepare(rocm_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                            size_t n_ops, rocm_case *c, ab_case_info *info, char *msg);

ab_status rocm_micro_query(const rocm_dev *dev, const ab_kernel_desc *d, char *msg);
ab_status rocm_micro_prepare(rocm_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                             size_t n_ops, rocm_case *c, ab_case_info *info, char *msg);
void rocm_micro_release(rocm_dev *dev, rocm_case *c);

#endif
