/* accelbench cambricon backend — loading libcnrt through the shared adapter layer and
 * turning its codes into messages. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cambricon_internal.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* libcnrt.so under $NEUWARE_HOME/lib64 (facts 3.1, InfiniCore's xmake/bang.lua); the
 * loader path or the override finds it. */
static const char *const rt_names[] = {"libcnrt.so", NULL};

#define RT(f)     AB_VSYM(abmlu_api, f, #f)
#define RT_OPT(f) AB_VSYM_OPT(abmlu_api, f, #f)
static const ab_vsym rt_syms[] = {
    RT(cnrtGetDeviceCount),
    RT(cnrtSetDevice),
    RT(cnrtMalloc),
    RT(cnrtFree),
    RT(cnrtMemcpy),
    RT(cnrtMemcpyAsync),
    RT(cnrtQueueCreate),
    RT(cnrtQueueDestroy),
    RT(cnrtQueueSync),
    RT(cnrtNotifierCreate),
    RT(cnrtNotifierDestroy),
    RT(cnrtPlaceNotifier),
    RT(cnrtWaitNotifier),
    RT(cnrtNotifierDuration),
    RT(cnrtGetLibVersion),
    RT(cnrtDriverGetVersion),
    RT(cnrtGetErrorStr),
    RT_OPT(cnrtGetErrorName),
    RT_OPT(cnrtDeviceGetAttribute),
    RT_OPT(cnrtGetDeviceProperties),
    RT_OPT(cnrtDeviceGetPCIBusId),
    RT_OPT(cnrtHostMalloc),
    RT_OPT(cnrtFreeHost),
};

static const ab_vlib_spec rt_spec = {"Cambricon runtime (CNRT)",
                                     "AB_CNRT_LIBRARY",
                                     rt_names,
                                     rt_syms,
                                     N_OF(rt_syms),
                                     "install Cambricon Neuware (CNToolkit) 6 or newer and put "
                                     "$NEUWARE_HOME/lib64 on the loader path"};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static mlu_libs g_libs;
static int g_loaded;

ab_status mlu_fail(char *msg, const char *call, abmlu_ret r) {
  const char *name = g_libs.rt.cnrtGetErrorName ? g_libs.rt.cnrtGetErrorName(r) : NULL;
  const char *text = g_libs.rt.cnrtGetErrorStr ? g_libs.rt.cnrtGetErrorStr(r) : NULL;
  ab_status st = r == ABMLU_ERROR_NO_MEM ? AB_E_NOMEM : AB_E_DEVICE;
  return ab_vfail(msg, st, call, (long)r, name, text);
}

/* The runtime must be one whose declarations were verified (cnrt_api.h). */
static ab_status check_version(char *msg) {
  int *v = g_libs.version;
  abmlu_ret r = g_libs.rt.cnrtGetLibVersion(&v[0], &v[1], &v[2]);
  if (r != ABMLU_SUCCESS)
    return mlu_fail(msg, "cnrtGetLibVersion", r);
  if (v[0] < MLU_MIN_CNRT_MAJOR) {
    snprintf(msg, AB_MSG_LEN,
             "%s: CNRT %d.%d.%d is older than %d.0, the oldest this adapter's declarations "
             "were verified against",
             g_libs.lib.path, v[0], v[1], v[2], MLU_MIN_CNRT_MAJOR);
    return AB_E_NOT_FOUND;
  }
  return AB_OK;
}

static ab_status check_devices(char *msg) {
  unsigned int count = 0;
  abmlu_ret r = g_libs.rt.cnrtGetDeviceCount(&count);
  if (r != ABMLU_SUCCESS)
    return mlu_fail(msg, "cnrtGetDeviceCount", r);
  if (count == 0) {
    snprintf(msg, AB_MSG_LEN, "cnrtGetDeviceCount: 0 devices (no MLU device)");
    return AB_E_NOT_FOUND;
  }
  return AB_OK;
}

static ab_status load_locked(char *msg) {
  ab_status st = ab_vlib_open(&rt_spec, &g_libs.lib, &g_libs.rt, msg);
  if (st != AB_OK)
    return st;
  st = check_version(msg);
  if (st == AB_OK)
    st = check_devices(msg);
  if (st != AB_OK) {
    ab_vlib_close(&g_libs.lib);
    memset(&g_libs, 0, sizeof g_libs);
    return st;
  }
  g_loaded = 1;
  return AB_OK;
}

ab_status mlu_load(const mlu_libs **out, char *msg) {
  pthread_mutex_lock(&g_lock);
  ab_status st = g_loaded ? AB_OK : load_locked(msg);
  pthread_mutex_unlock(&g_lock);
  *out = st == AB_OK ? &g_libs : NULL;
  return st;
}
