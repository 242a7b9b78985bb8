/* accelbench rocm backend — loading the HIP runtime and rocBLAS through the shared layer. */
#define _GNU_SOURCE /* dlinfo: the file a soname resolved to */
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "rocm_internal.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Sonames (facts 4.1, 4.2): the unversioned development link first, then the majors of
 * ROCm 6, 5 and 7 (which major a given ROCm or DTK release ships is UNVERIFIED, so each is
 * tried); rocBLAS's SOVERSION is 4. DTK installs the same names (facts 4.5). */
static const char *const hip_names[] = {"libamdhip64.so", "libamdhip64.so.6", "libamdhip64.so.5",
                                        "libamdhip64.so.7", NULL};
static const char *const blas_names[] = {"librocblas.so", "librocblas.so.4", NULL};

#define HIP(f)     AB_VSYM(abhip_api, f, #f)
#define HIP_OPT(f) AB_VSYM_OPT(abhip_api, f, #f)
static const ab_vsym hip_syms[] = {
    HIP(hipGetDeviceCount),
    HIP(hipSetDevice),
    HIP(hipDeviceSynchronize),
    HIP(hipDeviceGet),
    HIP(hipDeviceGetName),
    HIP(hipDeviceTotalMem),
    HIP(hipDeviceGetPCIBusId),
    HIP(hipDeviceGetAttribute),
    HIP(hipMalloc),
    HIP(hipFree),
    HIP(hipMemGetInfo),
    HIP(hipMemcpy),
    HIP(hipMemcpyAsync),
    HIP(hipStreamCreateWithFlags),
    HIP(hipStreamDestroy),
    HIP(hipStreamSynchronize),
    HIP(hipEventCreateWithFlags),
    HIP(hipEventRecord),
    HIP(hipEventSynchronize),
    HIP(hipEventElapsedTime),
    HIP(hipEventDestroy),
    HIP(hipGetErrorString),
    HIP(hipGetErrorName),
    HIP(hipDriverGetVersion),
    HIP(hipRuntimeGetVersion),
    HIP_OPT(hipHostMalloc),
    HIP_OPT(hipHostFree),
};

#define RB(f) AB_VSYM(abrb_api, f, #f)
static const ab_vsym blas_syms[] = {
    RB(rocblas_create_handle),
    RB(rocblas_destroy_handle),
    RB(rocblas_set_stream),
    RB(rocblas_status_to_string),
    RB(rocblas_gemm_ex),
    AB_VSYM_OPT(abrb_api, rocblas_get_version_string, "rocblas_get_version_string"),
};

static const ab_vlib_spec hip_spec = {
    "HIP runtime",  "AB_HIP_LIBRARY",
    hip_names,      hip_syms,
    N_OF(hip_syms), "install ROCm 6 or a Hygon DTK, or put its lib folder on LD_LIBRARY_PATH"};
static const ab_vlib_spec blas_spec = {"rocBLAS", "AB_ROCBLAS_LIBRARY", blas_names,
                                       blas_syms, N_OF(blas_syms),      "install rocblas"};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static rocm_libs g_libs;
static int g_loaded, g_blas_tried;

ab_status rocm_hip_fail(char *msg, const char *call, abhip_error e) {
  const char *name = g_libs.hip.hipGetErrorName ? g_libs.hip.hipGetErrorName(e) : NULL;
  const char *text = g_libs.hip.hipGetErrorString ? g_libs.hip.hipGetErrorString(e) : NULL;
  ab_status st = e == ABHIP_ERROR_OUT_OF_MEMORY ? AB_E_NOMEM : AB_E_DEVICE;
  return ab_vfail(msg, st, call, (long)e, name, text);
}

/* rocblas_status_to_string gives the enumerator's name ("rocblas_status_invalid_size"),
 * which is the only text rocBLAS has for a status. */
ab_status rocm_blas_fail(char *msg, const char *call, abrb_status s) {
  const char *name =
      g_libs.blas.rocblas_status_to_string ? g_libs.blas.rocblas_status_to_string(s) : NULL;
  ab_status st = s == ABRB_NOT_IMPLEMENTED ? AB_E_UNSUPPORTED
                 : s == ABRB_MEMORY_ERROR  ? AB_E_NOMEM
                                           : AB_E_DEVICE;
  return ab_vfail(msg, st, call, (long)s, name, NULL);
}

/* The file the dynamic linker picked for a soname: a DTK tree or a ROCm tree. */
static void resolved_file(const ab_vlib *lib, char *out, size_t len) {
  struct link_map *map = NULL;
  if (dlinfo(lib->handle, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name && map->l_name[0])
    snprintf(out, len, "%s", map->l_name);
  else
    snprintf(out, len, "%s", lib->path);
}

/* A device and a runtime whose hipDeviceAttribute_t numbering is the one of hip_rt.h. */
static ab_status check_runtime(char *msg) {
  int count = 0;
  abhip_error e = g_libs.hip.hipGetDeviceCount(&count);
  if (e != ABHIP_SUCCESS)
    return rocm_hip_fail(msg, "hipGetDeviceCount", e);
  if (count <= 0)
    return ab_vfail(msg, AB_E_NOT_FOUND, "hipGetDeviceCount", 0, NULL, "no HIP device");
  int v = 0;
  e = g_libs.hip.hipRuntimeGetVersion(&v);
  if (e != ABHIP_SUCCESS)
    return rocm_hip_fail(msg, "hipRuntimeGetVersion", e);
  if (v < ABHIP_MIN_VERSION) {
    snprintf(msg, AB_MSG_LEN,
             "%s: HIP runtime %d.%d (hipRuntimeGetVersion %d) is older than 6.0, whose "
             "hipDeviceAttribute_t numbering this adapter uses (older HIP numbered them "
             "differently)",
             g_libs.hip_file, v / 10000000, (v / 100000) % 100, v);
    return AB_E_UNSUPPORTED;
  }
  g_libs.runtime_version = v;
  return AB_OK;
}

static ab_status load_locked(char *msg) {
  ab_status st = ab_vlib_open(&hip_spec, &g_libs.hip_lib, &g_libs.hip, msg);
  if (st != AB_OK)
    return st;
  resolved_file(&g_libs.hip_lib, g_libs.hip_file, sizeof g_libs.hip_file);
  st = check_runtime(msg);
  if (st != AB_OK) {
    ab_vlib_close(&g_libs.hip_lib);
    memset(&g_libs.hip, 0, sizeof g_libs.hip);
    return st;
  }
  g_loaded = 1;
  return AB_OK;
}

ab_status rocm_load(const rocm_libs **out, char *msg) {
  pthread_mutex_lock(&g_lock);
  ab_status st = g_loaded ? AB_OK : load_locked(msg);
  pthread_mutex_unlock(&g_lock);
  *out = st == AB_OK ? &g_libs : NULL;
  return st;
}

ab_status rocm_load_blas(char *msg) {
  pthread_mutex_lock(&g_lock);
  if (!g_blas_tried) {
    g_blas_tried = 1;
    g_libs.have_blas =
        ab_vlib_open(&blas_spec, &g_libs.blas_lib, &g_libs.blas, g_libs.blas_why) == AB_OK;
  }
  int ok = g_libs.have_blas;
  pthread_mutex_unlock(&g_lock);
  if (ok)
    return AB_OK;
  snprintf(msg, AB_MSG_LEN, "%s", g_libs.blas_why);
  return AB_E_UNSUPPORTED;
}
