/* accelbench cuda backend — state shared by its source files.
 *
 * The CUDA libraries are loaded at run time through the shared adapter layer
 * (backends/common/ab_vendor.h), once per process, and stay loaded: the runtime and
 * cuBLAS keep process-wide state of their own that unloading would break. */
#ifndef AB_CUDA_INTERNAL_H
#define AB_CUDA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ab_vbuffer.h"
#include "ab_vendor.h"
#include "accelbench/backend.h"
#include "cublaslt.h"
#include "cuda_drv.h"
#include "cuda_rt.h"
#include "kernels/cuk.h"
#include "nvrtc.h"

/* The loaded libraries; a NULL table pointer means that library is not available, with
 * the reason in the matching *_why. */
typedef struct cuda_libs {
  abcu_rt_api rt;
  abcu_drv_api drv;
  abcu_blas_api blas;
  abcu_lt_api lt;
  ab_vlib rt_lib, drv_lib, blas_lib, lt_lib;
  int have_blas, have_lt;
  char blas_why[AB_MSG_LEN], lt_why[AB_MSG_LEN];
} cuda_libs;

/* Loads the runtime and driver API (mandatory) once per process; cuBLAS and cuBLASLt are
 * loaded on first use (cuBLASLt is large, facts 1.1). AB_OK or the disabled reason. */
ab_status cuda_load(const cuda_libs **out, char *msg);
/* cuBLAS / cuBLASLt on demand: AB_E_UNSUPPORTED with the loader's reason when absent. */
ab_status cuda_load_blas(char *msg);
ab_status cuda_load_lt(char *msg);
/* NVRTC on demand (the portable kernels): AB_E_UNSUPPORTED with the reason when absent. */
ab_status cuda_load_nvrtc(const abcu_nvrtc_api **nv, char *msg);

/* Opens `path` with the symbol table of `which` ("cudart", "cuda", "cublas", "cublasLt",
 * "nvrtc") and resolves every symbol (the toolkit test, tests/cuda/symbol_check.c). */
ab_status cuda_check_library(const char *which, const char *path, int *missing_optional, char *msg);

/* "call: cudaErrorX (code): text" from a runtime error code. */
ab_status cuda_rt_fail(char *msg, const char *call, abcu_error e);
ab_status cuda_drv_fail(char *msg, const char *call, abcu_result r);
ab_status cuda_blas_fail(char *msg, const char *call, abcu_blas_status s);

typedef struct cuda_dev {
  const cuda_libs *libs;
  int index;
  int cc_major, cc_minor;
  abcu_stream stream;
  abcu_event ev[2];
  abcu_blas blas;             /* created on the first cuBLAS case */
  unsigned int math_mode_set; /* cublasMath_t + 1 last set on `blas`; 0: none yet */
  abcu_lt lt;                 /* created on the first cuBLASLt case */
  ab_vworkspace ws;
  ab_vmem mem;        /* cudaMalloc/cudaFree for the shared workspace helper */
  abcu_module module; /* the portable kernels, loaded on first use */
  ab_vtimer timer;
} cuda_dev;

/* Providers; their order is the `providers` list's. */
enum { CUDA_PROV_CUBLAS = 0, CUDA_PROV_CUBLASLT = 1, CUDA_PROV_PORTABLE = 2 };

typedef struct cuda_case cuda_case;
typedef ab_status (*cuda_run_fn)(cuda_dev *dev, cuda_case *c, char *msg);

/* Most launch steps one call of a portable kernel case may take. */
#define CUDA_MAX_STEPS 8

/* One prepared case: what case_run calls `iterations` times between the two events. */
struct cuda_case {
  cuda_dev *dev;
  cuda_run_fn call;
  /* GEMM */
  ab_colmajor_gemm cm;
  const void *first, *second;
  void *c;
  unsigned int in_type, out_type, compute_type;
  unsigned int math_mode;
  const void *alpha, *beta;
  double alpha_d, beta_d;
  float alpha_f, beta_f;
  int32_t alpha_i, beta_i;
  /* cuBLASLt */
  abcu_lt_desc lt_desc;
  abcu_lt_layout lt_a, lt_b, lt_c;
  abcu_lt_algo lt_algo;
  size_t lt_ws_bytes;
  float *scales; /* device: A and B scale (FP8) */
  /* transfers */
  void *host;
  int pinned;
  size_t bytes;
  const void *src;
  void *dst;
  unsigned int direction;
  /* portable kernels: planned in place (each step's args point into its own storage) */
  cuk_launch steps[CUDA_MAX_STEPS];
  abcu_function fns[CUDA_MAX_STEPS];
  size_t n_steps;
};

ab_status cuda_gemm_prepare(cuda_dev *dev, const ab_kernel_desc *d, int provider,
                            ab_buffer *const *ops, size_t n_ops, cuda_case *c, ab_case_info *info,
                            char *msg);
ab_status cuda_gemm_query(cuda_dev *dev, const ab_kernel_desc *d, int provider, char *msg);
void cuda_gemm_release(cuda_dev *dev, cuda_case *c);

ab_status cuda_micro_prepare(cuda_dev *dev, const ab_kernel_desc *d, int provider,
                             ab_buffer *const *ops, size_t n_ops, cuda_case *c, ab_case_info *info,
                             char *msg);
ab_status cuda_micro_query(const ab_kernel_desc *d, int provider, char *msg);
void cuda_micro_release(cuda_dev *dev, cuda_case *c);

/* The portable CUDA C kernels (cuda_nvrtc.c). cuda_nvrtc_image: the CUBIN of cuk_source()
 * for sm_<arch> (arch = 10 * major + minor), compiled on first use and cached for the
 * process; *compile_s is the time spent compiling in this call (0 from the cache). */
ab_status cuda_nvrtc_image(int arch, const char **image, double *compile_s, char *msg);
ab_status cuda_kernel_prepare(cuda_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                              size_t n_ops, cuda_case *c, ab_case_info *info, char *msg);
void cuda_kernel_unload(cuda_dev *dev);

#endif
