/* accelbench cudalike backends — loading the vendor's runtime and BLAS through the shared
 * adapter layer, with symbol names glued from the row's prefix and the suffixes below. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cudalike_internal.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

typedef struct cl_suffix {
  const char *suffix;
  size_t offset;
  int optional;
  int handle_fn; /* BLAS: takes the row's handle suffix ("_v2") */
} cl_suffix;

#define RT(field, sfx)                                                                             \
  { sfx, offsetof(cl_rt_api, field), 0, 0 }
#define RT_OPT(field, sfx)                                                                         \
  { sfx, offsetof(cl_rt_api, field), 1, 0 }
static const cl_suffix rt_suffixes[] = {
    RT(get_device_count, "GetDeviceCount"),
    RT(set_device, "SetDevice"),
    RT(malloc_dev, "Malloc"),
    RT(free_dev, "Free"),
    RT(malloc_host, "MallocHost"),
    RT(free_host, "FreeHost"),
    RT(mem_get_info, "MemGetInfo"),
    RT(memcpy_sync, "Memcpy"),
    RT(memcpy_async, "MemcpyAsync"),
    RT(stream_create, "StreamCreate"),
    RT(stream_destroy, "StreamDestroy"),
    RT(stream_synchronize, "StreamSynchronize"),
    RT(event_create, "EventCreate"),
    RT(event_record, "EventRecord"),
    RT(event_synchronize, "EventSynchronize"),
    RT(event_elapsed_time, "EventElapsedTime"),
    RT(event_destroy, "EventDestroy"),
    RT_OPT(get_error_name, "GetErrorName"),
    RT_OPT(get_error_string, "GetErrorString"),
    RT_OPT(runtime_get_version, "RuntimeGetVersion"),
    RT_OPT(driver_get_version, "DriverGetVersion"),
    RT_OPT(device_get_attribute, "DeviceGetAttribute"),
};

static const cl_suffix blas_suffixes[] = {
    {"Create", offsetof(cl_blas_api, create), 0, 1},
    {"Destroy", offsetof(cl_blas_api, destroy), 0, 1},
    {"SetStream", offsetof(cl_blas_api, set_stream), 0, 1},
    {"GemmEx", offsetof(cl_blas_api, gemm_ex), 0, 0},
    {"GetStatusString", offsetof(cl_blas_api, get_status_string), 1, 0},
};

#define CL_MAX_SYMS  24
#define CL_MAX_PATHS (3 * CL_MAX_SONAMES + 1)

/* A library's spec with its names built: the symbols and the candidate paths. */
typedef struct built_spec {
  ab_vlib_spec spec;
  ab_vsym syms[CL_MAX_SYMS];
  char names[CL_MAX_SYMS][64];
  const char *paths[CL_MAX_PATHS];
  char path_buf[CL_MAX_PATHS][320];
} built_spec;

/* Candidates: $HOME_ENV/lib/<name>, <default>/lib/<name>, then <name> on the loader path
 * when the row allows it (CoreX's names are NVIDIA's: there only its own folder counts). */
static void build_paths(const cl_lib_row *row, built_spec *b) {
  size_t n = 0;
  const char *home = row->home_env ? getenv(row->home_env) : NULL;
  const char *roots[2] = {home && *home ? home : NULL, row->home_default};
  for (size_t r = 0; r < 2; r++)
    for (size_t i = 0; roots[r] && i < CL_MAX_SONAMES && row->sonames[i]; i++) {
      snprintf(b->path_buf[n], sizeof b->path_buf[n], "%s/lib/%s", roots[r], row->sonames[i]);
      b->paths[n] = b->path_buf[n];
      n++;
    }
  for (size_t i = 0; row->bare_names && i < CL_MAX_SONAMES && row->sonames[i]; i++)
    b->paths[n++] = row->sonames[i];
  b->paths[n] = NULL;
}

static void build_spec(const cl_lib_row *row, const cl_suffix *sfx, size_t n,
                       const char *handle_suffix, built_spec *b) {
  memset(b, 0, sizeof *b);
  for (size_t i = 0; i < n && i < CL_MAX_SYMS; i++) {
    snprintf(b->names[i], sizeof b->names[i], "%s%s%s", row->prefix, sfx[i].suffix,
             sfx[i].handle_fn && handle_suffix ? handle_suffix : "");
    b->syms[i] = (ab_vsym){b->names[i], sfx[i].offset, sfx[i].optional};
  }
  build_paths(row, b);
  b->spec = (ab_vlib_spec){row->what, row->env, b->paths, b->syms, n, row->hint};
}

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static cl_libs g_libs;
static int g_loaded, g_blas_tried;
static char g_blas_why[AB_MSG_LEN];

void cl_symbol(char *out, size_t n, const char *suffix) {
  snprintf(out, n, "%s%s", cl_this_vendor()->rt.prefix, suffix);
}

ab_status cl_rt_fail(char *msg, const char *suffix, cl_error e) {
  const cl_rt_api *rt = &g_libs.rt;
  const cl_vendor *v = cl_this_vendor();
  char call[64];
  cl_symbol(call, sizeof call, suffix);
  const char *name = rt->get_error_name ? rt->get_error_name(e) : NULL;
  const char *text = rt->get_error_string ? rt->get_error_string(e) : NULL;
  ab_status st =
      v->err_memory_allocation.from && e == v->err_memory_allocation.v ? AB_E_NOMEM : AB_E_DEVICE;
  return ab_vfail(msg, st, call, (long)e, name, text);
}

ab_status cl_blas_fail(char *msg, const char *suffix, cl_blas_status s) {
  char call[64];
  snprintf(call, sizeof call, "%s%s", cl_this_vendor()->blas.prefix, suffix);
  const char *text = g_libs.blas.get_status_string ? g_libs.blas.get_status_string(s) : NULL;
  return ab_vfail(msg, AB_E_DEVICE, call, (long)s, NULL, text);
}

/* The success code is INFERRED (the row says from where); the runtime's own name for it
 * confirms it before anything relies on it. */
static ab_status confirm_success(const cl_vendor *v, char *msg) {
  char want[64];
  cl_symbol(want, sizeof want, "Success");
  const char *got = g_libs.rt.get_error_name ? g_libs.rt.get_error_name(v->success.v) : NULL;
  if (got && strcmp(got, want) == 0)
    return AB_OK;
  snprintf(msg, AB_MSG_LEN,
           "%s: cannot confirm the success code: %sGetErrorName(%d) %s%s%s, not %s",
           g_libs.rt_lib.path, v->rt.prefix, v->success.v, got ? "names it " : "is missing",
           got ? got : "", "", want);
  return AB_E_NOT_FOUND;
}

static ab_status check_version(const cl_vendor *v, char *msg) {
  if (v->min_runtime_version <= 0)
    return AB_OK;
  int ver = 0;
  char call[64];
  cl_symbol(call, sizeof call, "RuntimeGetVersion");
  if (!g_libs.rt.runtime_get_version) {
    snprintf(msg, AB_MSG_LEN, "%s: %s missing: cannot check for version %d or newer (%s)",
             g_libs.rt_lib.path, call, v->min_runtime_version, v->version_why);
    return AB_E_NOT_FOUND;
  }
  cl_error e = g_libs.rt.runtime_get_version(&ver);
  if (e != v->success.v)
    return cl_rt_fail(msg, "RuntimeGetVersion", e);
  if (ver < v->min_runtime_version) {
    snprintf(msg, AB_MSG_LEN, "%s: %s reports %d; this adapter needs %d or newer (%s)",
             g_libs.rt_lib.path, call, ver, v->min_runtime_version, v->version_why);
    return AB_E_UNSUPPORTED;
  }
  return AB_OK;
}

static ab_status count_devices(const cl_vendor *v, int *count, char *msg) {
  *count = 0; /* a runtime without a driver may leave it unwritten (facts 1.1) */
  cl_error e = g_libs.rt.get_device_count(count);
  if (e != v->success.v)
    return cl_rt_fail(msg, "GetDeviceCount", e);
  if (*count <= 0) {
    char call[64];
    cl_symbol(call, sizeof call, "GetDeviceCount");
    return ab_vfail(msg, AB_E_NOT_FOUND, call, 0, NULL, "no device");
  }
  return AB_OK;
}

static ab_status load_locked(char *msg) {
  const cl_vendor *v = cl_this_vendor();
  static built_spec rt;
  build_spec(&v->rt, rt_suffixes, N_OF(rt_suffixes), NULL, &rt);
  ab_status st = ab_vlib_open(&rt.spec, &g_libs.rt_lib, &g_libs.rt, msg);
  if (st != AB_OK)
    return st;
  int count = 0;
  st = confirm_success(v, msg);
  if (st == AB_OK)
    st = check_version(v, msg);
  if (st == AB_OK)
    st = count_devices(v, &count, msg);
  if (st != AB_OK) {
    ab_vlib_close(&g_libs.rt_lib);
    memset(&g_libs.rt, 0, sizeof g_libs.rt);
    return st;
  }
  g_loaded = 1;
  return AB_OK;
}

ab_status cl_load(const cl_libs **out, char *msg) {
  pthread_mutex_lock(&g_lock);
  ab_status st = g_loaded ? AB_OK : load_locked(msg);
  pthread_mutex_unlock(&g_lock);
  *out = st == AB_OK ? &g_libs : NULL;
  return st;
}

/* The BLAS library on the first GEMM case; refused without loading when the row lacks
 * the GemmEx values. */
ab_status cl_load_blas(char *msg) {
  const cl_vendor *v = cl_this_vendor();
  if (!cl_has_gemm_values(v)) {
    snprintf(msg, AB_MSG_LEN, "%s", v->gemm_why);
    return AB_E_UNSUPPORTED;
  }
  pthread_mutex_lock(&g_lock);
  if (!g_blas_tried) {
    static built_spec blas;
    g_blas_tried = 1;
    build_spec(&v->blas, blas_suffixes, N_OF(blas_suffixes), v->blas_handle_suffix, &blas);
    g_libs.have_blas =
        ab_vlib_open(&blas.spec, &g_libs.blas_lib, &g_libs.blas, g_blas_why) == AB_OK;
  }
  int ok = g_libs.have_blas;
  pthread_mutex_unlock(&g_lock);
  if (ok)
    return AB_OK;
  snprintf(msg, AB_MSG_LEN, "%s", g_blas_why);
  return AB_E_UNSUPPORTED;
}

int cl_has_gemm_values(const cl_vendor *v) {
  return v->blas.what && v->op_n.from && v->op_t.from && v->gemm_default.from && v->r_32f.from &&
         v->compute_32f.from;
}

int cl_has_copy_values(const cl_vendor *v) {
  return v->memcpy_h2d.from && v->memcpy_d2h.from && v->memcpy_d2d.from;
}
