/* accelbench cudalike backends — state shared by the adapter's source files. The libraries
 * are loaded once per process and stay loaded, as the cuda backend's are. */
#ifndef AB_CUDALIKE_INTERNAL_H
#define AB_CUDALIKE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ab_vbuffer.h"
#include "ab_vendor.h"
#include "accelbench/backend.h"
#include "cudalike_api.h"
#include "cudalike_vendor.h"

typedef struct cl_libs {
  cl_rt_api rt;
  cl_blas_api blas;
  ab_vlib rt_lib, blas_lib;
  int have_blas;
} cl_libs;

/* The runtime (mandatory), its success code confirmed, its version and devices checked:
 * AB_OK or the disabled reason. */
ab_status cl_load(const cl_libs **out, char *msg);
/* The BLAS library on first use: AB_E_UNSUPPORTED with the reason when the row lacks the
 * GemmEx values or the library is absent. */
ab_status cl_load_blas(char *msg);
int cl_has_gemm_values(const cl_vendor *v);
int cl_has_copy_values(const cl_vendor *v);

/* "<prefix><suffix>" of the runtime: "musaMemcpyAsync". */
void cl_symbol(char *out, size_t n, const char *suffix);
/* "<prefix><suffix>: <name> (<code>): <text>" from the runtime's / BLAS's own code. */
ab_status cl_rt_fail(char *msg, const char *suffix, cl_error e);
ab_status cl_blas_fail(char *msg, const char *suffix, cl_blas_status s);

typedef struct cl_dev {
  const cl_libs *libs;
  const cl_vendor *v;
  int index;
  cl_stream stream;
  cl_event ev[2];
  cl_blas blas;
  ab_vmem mem;
  ab_vtimer timer;
} cl_dev;

typedef struct cl_case cl_case;
typedef ab_status (*cl_run_fn)(cl_dev *dev, cl_case *c, char *msg);

struct cl_case {
  cl_dev *dev;
  cl_run_fn call;
  /* GEMM */
  ab_colmajor_gemm cm;
  const void *first, *second;
  void *c;
  int in_type, out_type, compute_type;
  const void *alpha, *beta;
  double alpha_d, beta_d;
  float alpha_f, beta_f;
  /* copies */
  void *host;
  int pinned;
  size_t bytes;
  const void *src;
  void *dst;
  int kind;
};

ab_status cl_gemm_query(const cl_vendor *v, const ab_kernel_desc *d, char *msg);
ab_status cl_gemm_prepare(cl_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops, size_t n_ops,
                          cl_case *c, ab_case_info *info, char *msg);
ab_status cl_micro_prepare(cl_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                           size_t n_ops, cl_case *c, ab_case_info *info, char *msg);
void cl_micro_release(cl_dev *dev, cl_case *c);

#endif
