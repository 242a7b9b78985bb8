/* accelbench cuda backend — loading the CUDA libraries through the shared adapter layer. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cuda_internal.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Sonames and plain symbol names: facts 1.1 (CUDA 13; the .12 names are the previous
 * major's, tried second) and 1.3 (the driver's versioned names). */
static const char *const rt_names[] = {"libcudart.so.13", "libcudart.so.12", NULL};
static const char *const drv_names[] = {"libcuda.so.1", NULL};
static const char *const blas_names[] = {"libcublas.so.13", "libcublas.so.12", NULL};
static const char *const lt_names[] = {"libcublasLt.so.13", "libcublasLt.so.12", NULL};

#define RT(f) AB_VSYM(abcu_rt_api, f, #f)
static const ab_vsym rt_syms[] = {
    RT(cudaGetDeviceCount),
    RT(cudaSetDevice),
    RT(cudaDeviceSynchronize),
    RT(cudaMalloc),
    RT(cudaFree),
    RT(cudaMallocHost),
    RT(cudaFreeHost),
    RT(cudaMemGetInfo),
    RT(cudaMemcpy),
    RT(cudaMemcpyAsync),
    RT(cudaStreamCreateWithFlags),
    RT(cudaStreamDestroy),
    RT(cudaStreamSynchronize),
    RT(cudaEventCreateWithFlags),
    RT(cudaEventRecord),
    RT(cudaEventSynchronize),
    RT(cudaEventElapsedTime),
    RT(cudaEventDestroy),
    RT(cudaGetErrorString),
    RT(cudaGetErrorName),
    RT(cudaGetLastError),
    RT(cudaDriverGetVersion),
    RT(cudaRuntimeGetVersion),
};

#define DRV(f)     AB_VSYM(abcu_drv_api, f, #f)
#define DRV_OPT(f) AB_VSYM_OPT(abcu_drv_api, f, #f)
static const ab_vsym drv_syms[] = {
    DRV(cuInit),
    DRV(cuDriverGetVersion),
    DRV(cuDeviceGet),
    DRV(cuDeviceGetName),
    DRV(cuDeviceGetAttribute),
    DRV(cuDeviceTotalMem_v2),
    DRV(cuGetErrorString),
    DRV(cuGetErrorName),
    DRV_OPT(cuModuleLoadData),
    DRV_OPT(cuModuleGetFunction),
    DRV_OPT(cuModuleUnload),
    DRV_OPT(cuLaunchKernel),
};

#define BLAS(f) AB_VSYM(abcu_blas_api, f, #f)
static const ab_vsym blas_syms[] = {
    BLAS(cublasCreate_v2),
    BLAS(cublasDestroy_v2),
    BLAS(cublasGetVersion_v2),
    BLAS(cublasSetStream_v2),
    BLAS(cublasSetWorkspace_v2),
    BLAS(cublasSetMathMode),
    BLAS(cublasGemmEx),
    BLAS(cublasGetStatusString),
    AB_VSYM_OPT(abcu_blas_api, cublasGetStatusName, "cublasGetStatusName"),
};

#define LT(f) AB_VSYM(abcu_lt_api, f, #f)
static const ab_vsym lt_syms[] = {
    LT(cublasLtCreate),
    LT(cublasLtDestroy),
    LT(cublasLtGetVersion),
    LT(cublasLtMatmulDescCreate),
    LT(cublasLtMatmulDescDestroy),
    LT(cublasLtMatmulDescSetAttribute),
    LT(cublasLtMatrixLayoutCreate),
    LT(cublasLtMatrixLayoutDestroy),
    LT(cublasLtMatmulPreferenceCreate),
    LT(cublasLtMatmulPreferenceDestroy),
    LT(cublasLtMatmulPreferenceSetAttribute),
    LT(cublasLtMatmulAlgoGetHeuristic),
    LT(cublasLtMatmul),
    AB_VSYM_OPT(abcu_lt_api, cublasLtGetStatusString, "cublasLtGetStatusString"),
};

#define NV(f) AB_VSYM(abcu_nvrtc_api, f, #f)
static const ab_vsym nvrtc_syms[] = {
    NV(nvrtcVersion),       NV(nvrtcCreateProgram),  NV(nvrtcCompileProgram),
    NV(nvrtcGetCUBINSize),  NV(nvrtcGetCUBIN),       NV(nvrtcGetProgramLogSize),
    NV(nvrtcGetProgramLog), NV(nvrtcDestroyProgram), NV(nvrtcGetErrorString),
};
static const char *const nvrtc_names[] = {"libnvrtc.so.13", "libnvrtc.so.12", NULL};

static const ab_vlib_spec rt_spec = {"CUDA runtime", "AB_CUDART_LIBRARY",
                                     rt_names,       rt_syms,
                                     N_OF(rt_syms),  "install the CUDA 12 or 13 runtime"};
static const ab_vlib_spec drv_spec = {"CUDA driver API", "AB_CUDA_DRIVER_LIBRARY",
                                      drv_names,         drv_syms,
                                      N_OF(drv_syms),    "install the NVIDIA driver"};
static const ab_vlib_spec blas_spec = {"cuBLAS",  "AB_CUBLAS_LIBRARY", blas_names,
                                       blas_syms, N_OF(blas_syms),     "install libcublas"};
static const ab_vlib_spec lt_spec = {"cuBLASLt", "AB_CUBLASLT_LIBRARY", lt_names,
                                     lt_syms,    N_OF(lt_syms),         "install libcublasLt"};

/* NVRTC (facts 1.4): compiles the portable kernels (cuda_nvrtc.c). */
static const ab_vlib_spec nvrtc_spec = {"NVRTC",          "AB_NVRTC_LIBRARY",
                                        nvrtc_names,      nvrtc_syms,
                                        N_OF(nvrtc_syms), "install the CUDA toolkit's libnvrtc"};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static cuda_libs g_libs;
static int g_loaded, g_blas_tried, g_lt_tried, g_nvrtc_tried, g_have_nvrtc;
static abcu_nvrtc_api g_nvrtc;
static ab_vlib g_nvrtc_lib;
static char g_nvrtc_why[AB_MSG_LEN];

ab_status cuda_rt_fail(char *msg, const char *call, abcu_error e) {
  const char *name = g_libs.rt.cudaGetErrorName ? g_libs.rt.cudaGetErrorName(e) : NULL;
  const char *text = g_libs.rt.cudaGetErrorString ? g_libs.rt.cudaGetErrorString(e) : NULL;
  ab_status st = e == ABCU_ERROR_MEMORY_ALLOCATION ? AB_E_NOMEM : AB_E_DEVICE;
  return ab_vfail(msg, st, call, (long)e, name, text);
}

ab_status cuda_drv_fail(char *msg, const char *call, abcu_result r) {
  const char *name = NULL, *text = NULL;
  if (g_libs.drv.cuGetErrorName && g_libs.drv.cuGetErrorName(r, &name) != 0)
    name = NULL;
  if (g_libs.drv.cuGetErrorString && g_libs.drv.cuGetErrorString(r, &text) != 0)
    text = NULL;
  return ab_vfail(msg, AB_E_DEVICE, call, (long)r, name, text);
}

/* cublasStatus_t names (facts 1.5), shared by cuBLAS and cuBLASLt so both libraries'
 * errors read the same whichever of them is loaded. */
static const char *blas_status_name(abcu_blas_status s) {
  static const char *const names[] = {
      [0] = "CUBLAS_STATUS_SUCCESS",           [1] = "CUBLAS_STATUS_NOT_INITIALIZED",
      [3] = "CUBLAS_STATUS_ALLOC_FAILED",      [7] = "CUBLAS_STATUS_INVALID_VALUE",
      [8] = "CUBLAS_STATUS_ARCH_MISMATCH",     [11] = "CUBLAS_STATUS_MAPPING_ERROR",
      [13] = "CUBLAS_STATUS_EXECUTION_FAILED", [14] = "CUBLAS_STATUS_INTERNAL_ERROR",
      [15] = "CUBLAS_STATUS_NOT_SUPPORTED",    [16] = "CUBLAS_STATUS_LICENSE_ERROR"};
  return s < sizeof names / sizeof names[0] ? names[s] : NULL;
}

ab_status cuda_blas_fail(char *msg, const char *call, abcu_blas_status s) {
  const char *name = blas_status_name(s);
  const char *text = g_libs.blas.cublasGetStatusString   ? g_libs.blas.cublasGetStatusString(s)
                     : g_libs.lt.cublasLtGetStatusString ? g_libs.lt.cublasLtGetStatusString(s)
                                                         : NULL;
  ab_status st = s == ABCU_BLAS_NOT_SUPPORTED ? AB_E_UNSUPPORTED : AB_E_DEVICE;
  return ab_vfail(msg, st, call, (long)s, name, text);
}

static ab_status load_locked(char *msg) {
  ab_status st = ab_vlib_open(&rt_spec, &g_libs.rt_lib, &g_libs.rt, msg);
  if (st != AB_OK)
    return st;
  /* A runtime without a driver answers 35 and leaves the count unwritten (facts 1.1):
   * start from 0 and report the runtime's own code and text. */
  int count = 0;
  abcu_error e = g_libs.rt.cudaGetDeviceCount(&count);
  if (e != ABCU_SUCCESS)
    st = cuda_rt_fail(msg, "cudaGetDeviceCount", e);
  else if (count <= 0)
    st = ab_vfail(msg, AB_E_NOT_FOUND, "cudaGetDeviceCount", 0, NULL, "no CUDA device");
  if (st == AB_OK)
    st = ab_vlib_open(&drv_spec, &g_libs.drv_lib, &g_libs.drv, msg);
  if (st == AB_OK) {
    abcu_result r = g_libs.drv.cuInit(0);
    if (r != 0)
      st = cuda_drv_fail(msg, "cuInit", r);
  }
  if (st != AB_OK) {
    ab_vlib_close(&g_libs.drv_lib);
    ab_vlib_close(&g_libs.rt_lib);
    memset(&g_libs.rt, 0, sizeof g_libs.rt);
    memset(&g_libs.drv, 0, sizeof g_libs.drv);
    return st;
  }
  g_loaded = 1;
  return AB_OK;
}

ab_status cuda_load(const cuda_libs **out, char *msg) {
  pthread_mutex_lock(&g_lock);
  ab_status st = g_loaded ? AB_OK : load_locked(msg);
  pthread_mutex_unlock(&g_lock);
  *out = st == AB_OK ? &g_libs : NULL;
  return st;
}

/* Loads one optional library once; later calls repeat the first answer. */
static ab_status load_optional(const ab_vlib_spec *spec, ab_vlib *lib, void *table, int *tried,
                               int *have, char *why, char *msg) {
  pthread_mutex_lock(&g_lock);
  if (!*tried) {
    *tried = 1;
    *have = ab_vlib_open(spec, lib, table, why) == AB_OK;
  }
  int ok = *have;
  pthread_mutex_unlock(&g_lock);
  if (ok)
    return AB_OK;
  snprintf(msg, AB_MSG_LEN, "%s", why);
  return AB_E_UNSUPPORTED;
}

ab_status cuda_load_blas(char *msg) {
  return load_optional(&blas_spec, &g_libs.blas_lib, &g_libs.blas, &g_blas_tried, &g_libs.have_blas,
                       g_libs.blas_why, msg);
}

ab_status cuda_load_lt(char *msg) {
  return load_optional(&lt_spec, &g_libs.lt_lib, &g_libs.lt, &g_lt_tried, &g_libs.have_lt,
                       g_libs.lt_why, msg);
}

ab_status cuda_load_nvrtc(const abcu_nvrtc_api **nv, char *msg) {
  ab_status st = load_optional(&nvrtc_spec, &g_nvrtc_lib, &g_nvrtc, &g_nvrtc_tried, &g_have_nvrtc,
                               g_nvrtc_why, msg);
  *nv = st == AB_OK ? &g_nvrtc : NULL;
  return st;
}

ab_status cuda_check_library(const char *which, const char *path, int *missing_optional,
                             char *msg) {
  static const struct {
    const char *name;
    const ab_vlib_spec *spec;
  } specs[] = {{"cudart", &rt_spec},
               {"cuda", &drv_spec},
               {"cublas", &blas_spec},
               {"cublasLt", &lt_spec},
               {"nvrtc", &nvrtc_spec}};
  for (size_t i = 0; i < N_OF(specs); i++) {
    if (strcmp(which, specs[i].name) != 0)
      continue;
    const char *const names[] = {path, NULL};
    ab_vlib_spec spec = *specs[i].spec;
    spec.env = NULL;
    spec.sonames = names;
    union {
      abcu_rt_api rt;
      abcu_drv_api drv;
      abcu_blas_api blas;
      abcu_lt_api lt;
      abcu_nvrtc_api nvrtc;
    } table;
    memset(&table, 0, sizeof table);
    ab_vlib lib;
    ab_status st = ab_vlib_open(&spec, &lib, &table, msg);
    if (st != AB_OK)
      return st;
    *missing_optional = 0;
    for (size_t s = 0; s < spec.n_syms; s++) {
      void *p;
      memcpy(&p, (char *)&table + spec.syms[s].offset, sizeof p);
      *missing_optional += p == NULL;
    }
    /* Left loaded, as the backend leaves its libraries: their initialisers keep
     * allocations that only their own data points to (LeakSanitizer would call them leaks
     * once the library is unmapped). */
    return AB_OK;
  }
  snprintf(msg, AB_MSG_LEN, "no symbol table named %s", which);
  return AB_E_INVALID;
}
