/* accelbench ascend backend — loading the CANN libraries through the shared adapter layer.
 *
 * Operator libraries (facts 2.1 and correction 7.4): CANN ships either the all-in-one
 * libopapi.so (8.0/8.1) or one libopapi_<repo>.so per operator repository, and the two
 * must never be loaded into one process. The adapter picks one set, once:
 *   AB_OPAPI_LIBRARY set                          -> that all-in-one file only;
 *   AB_OPAPI_NN_LIBRARY / _TRANSFORMER_LIBRARY set -> the split files only;
 *   both kinds set                                -> refused, the rule named;
 *   none set -> libopapi_nn.so (with libopapi_transformer.so when present), else libopapi.so. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascend_internal.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const rt_names[] = {"libascendcl.so", NULL};
static const char *const nn_names[] = {"libnnopbase.so", NULL};
static const char *const op_all_names[] = {"libopapi.so", NULL};
static const char *const op_nn_names[] = {"libopapi_nn.so", NULL};
static const char *const op_tr_names[] = {"libopapi_transformer.so", NULL};

#define RT(f)     AB_VSYM(abacl_rt_api, f, #f)
#define RT_OPT(f) AB_VSYM_OPT(abacl_rt_api, f, #f)
static const ab_vsym rt_syms[] = {
    RT(aclInit),
    RT(aclFinalize),
    RT(aclrtSetDevice),
    RT(aclrtResetDevice),
    RT(aclrtGetDeviceCount),
    RT(aclrtCreateStream),
    RT(aclrtDestroyStream),
    RT(aclrtSynchronizeStream),
    RT(aclrtMalloc),
    RT(aclrtFree),
    RT(aclrtMallocHost),
    RT(aclrtFreeHost),
    RT(aclrtMemcpy),
    RT(aclrtMemcpyAsync),
    RT(aclrtGetMemInfo),
    RT(aclrtCreateEvent),
    RT(aclrtRecordEvent),
    RT(aclrtSynchronizeEvent),
    RT(aclrtEventElapsedTime),
    RT(aclrtDestroyEvent),
    RT(aclGetRecentErrMsg),
    RT_OPT(aclrtGetSocName),
    RT_OPT(aclrtGetVersion),
    RT_OPT(aclsysGetCANNVersion),
    RT_OPT(aclsysGetVersionStr),
};

#define NN(f) AB_VSYM(abnn_tensor_api, f, #f)
static const ab_vsym nn_syms[] = {NN(aclCreateTensor), NN(aclDestroyTensor)};

#define OP(f) AB_VSYM_OPT(abnn_op_api, f, #f)
/* ops-nn's operators (libopapi_nn.so in the split set) */
static const ab_vsym op_nn_syms[] = {
    OP(aclnnMatmulGetWorkspaceSize),  OP(aclnnMatmul),
    OP(aclnnRmsNormGetWorkspaceSize), OP(aclnnRmsNorm),
    OP(aclnnSoftmaxGetWorkspaceSize), OP(aclnnSoftmax),
    OP(aclnnGeluGetWorkspaceSize),    OP(aclnnGelu),
    OP(aclnnSiluGetWorkspaceSize),    OP(aclnnSilu),
};
/* ops-transformer's (libopapi_transformer.so) */
static const ab_vsym op_tr_syms[] = {
    OP(aclnnFlashAttentionScoreGetWorkspaceSize),
    OP(aclnnFlashAttentionScore),
};

static const ab_vlib_spec rt_spec = {
    "Ascend ACL runtime",
    "AB_ASCENDCL_LIBRARY",
    rt_names,
    rt_syms,
    N_OF(rt_syms),
    "install the CANN toolkit and source its set_env.sh, which puts libascendcl.so on "
    "LD_LIBRARY_PATH"};
static const ab_vlib_spec nn_spec = {
    "aclnn tensor library", "AB_NNOPBASE_LIBRARY", nn_names, nn_syms,
    N_OF(nn_syms),          "part of CANN"};
static const ab_vlib_spec op_all_spec = {"aclnn operator library (all-in-one)",
                                         "AB_OPAPI_LIBRARY",
                                         op_all_names,
                                         op_nn_syms,
                                         N_OF(op_nn_syms),
                                         NULL};
static const ab_vlib_spec op_nn_spec = {"aclnn operator library (ops-nn)",
                                        "AB_OPAPI_NN_LIBRARY",
                                        op_nn_names,
                                        op_nn_syms,
                                        N_OF(op_nn_syms),
                                        NULL};
static const ab_vlib_spec op_tr_spec = {"aclnn operator library (ops-transformer)",
                                        "AB_OPAPI_TRANSFORMER_LIBRARY",
                                        op_tr_names,
                                        op_tr_syms,
                                        N_OF(op_tr_syms),
                                        NULL};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static ascend_libs g_libs;
static int g_loaded, g_ops_tried, g_have_ops;
static char g_ops_why[AB_MSG_LEN];

/* Names of the codes facts 2.2 / 2.3 list; other codes keep their number and the runtime's
 * own text. */
static const char *code_name(long code) {
  static const struct {
    long code;
    const char *name;
  } names[] = {
      {100000, "ACL_ERROR_INVALID_PARAM"},
      {100001, "ACL_ERROR_UNINITIALIZE"},
      {100002, "ACL_ERROR_REPEAT_INITIALIZE"},
      {161001, "ACLNN_ERR_PARAM_NULLPTR"},
      {161002, "ACLNN_ERR_PARAM_INVALID"},
      {361001, "ACLNN_ERR_RUNTIME_ERROR"},
      {561000, "ACLNN_ERR_INNER"},
      {561003, "ACLNN_ERR_INNER_FIND_KERNEL_ERROR"},
      {561107, "ACLNN_ERR_INNER_OPP_PATH_NOT_FOUND"},
      {561112, "ACLNN_ERR_INNER_OPP_KERNEL_PKG_NOT_FOUND"},
  };
  for (size_t i = 0; i < N_OF(names); i++)
    if (names[i].code == code)
      return names[i].name;
  return "ACL error";
}

ab_status ascend_fail(char *msg, const char *call, long code) {
  const char *text = g_libs.rt.aclGetRecentErrMsg ? g_libs.rt.aclGetRecentErrMsg() : NULL;
  return ab_vfail(msg, AB_E_DEVICE, call, code, code_name(code), text);
}

/* The CANN package version ("8.1.RC1"), "" when the runtime cannot say. */
static void read_cann_version(void) {
  abacl_pkg_version v;
  memset(&v, 0, sizeof v);
  if (g_libs.rt.aclsysGetCANNVersion &&
      g_libs.rt.aclsysGetCANNVersion(ABACL_PKG_NAME_CANN, &v) == ABACL_SUCCESS) {
    v.version[sizeof v.version - 1] = '\0';
    snprintf(g_libs.cann_version, sizeof g_libs.cann_version, "%.63s", v.version);
  }
}

static ab_status check_runtime(char *msg) {
  aclError e = g_libs.rt.aclInit(NULL);
  if (e != ABACL_SUCCESS && e != ABACL_ERROR_REPEAT_INITIALIZE)
    return ascend_fail(msg, "aclInit", e);
  uint32_t count = 0;
  e = g_libs.rt.aclrtGetDeviceCount(&count);
  if (e != ABACL_SUCCESS)
    return ascend_fail(msg, "aclrtGetDeviceCount", e);
  if (count == 0)
    return ab_vfail(msg, AB_E_NOT_FOUND, "aclrtGetDeviceCount", 0, NULL, "no Ascend device");
  read_cann_version();
  int major = atoi(g_libs.cann_version);
  if (g_libs.cann_version[0] && major < ASCEND_MIN_CANN_MAJOR) {
    snprintf(msg, AB_MSG_LEN,
             "aclsysGetCANNVersion: CANN %s is older than %d.0, the oldest whose library "
             "layout this adapter knows (docs/ascend.md)",
             g_libs.cann_version, ASCEND_MIN_CANN_MAJOR);
    return AB_E_NOT_FOUND;
  }
  return AB_OK;
}

static ab_status load_locked(char *msg) {
  ab_status st = ab_vlib_open(&rt_spec, &g_libs.rt_lib, &g_libs.rt, msg);
  if (st != AB_OK)
    return st;
  st = check_runtime(msg);
  if (st != AB_OK) {
    ab_vlib_close(&g_libs.rt_lib);
    memset(&g_libs, 0, sizeof g_libs);
    return st;
  }
  g_loaded = 1;
  return AB_OK;
}

ab_status ascend_load(const ascend_libs **out, char *msg) {
  pthread_mutex_lock(&g_lock);
  ab_status st = g_loaded ? AB_OK : load_locked(msg);
  pthread_mutex_unlock(&g_lock);
  *out = st == AB_OK ? &g_libs : NULL;
  return st;
}

static int env_set(const char *name) {
  const char *v = getenv(name);
  return v && *v;
}

/* The split set: libopapi_nn.so mandatory, libopapi_transformer.so when present (its
 * absence leaves only attention unsupported). */
static ab_status open_split(char *msg) {
  ab_status st = ab_vlib_open(&op_nn_spec, &g_libs.op_lib, &g_libs.op, msg);
  if (st != AB_OK)
    return st;
  char why[AB_MSG_LEN];
  if (ab_vlib_open(&op_tr_spec, &g_libs.op_tr_lib, &g_libs.op, why) != AB_OK)
    memset(&g_libs.op_tr_lib, 0, sizeof g_libs.op_tr_lib);
  g_libs.split = 1;
  return AB_OK;
}

static ab_status choose_ops(char *msg) {
  int all = env_set(op_all_spec.env);
  int split = env_set(op_nn_spec.env) || env_set(op_tr_spec.env);
  if (all && split) {
    snprintf(msg, AB_MSG_LEN,
             "AB_OPAPI_LIBRARY and AB_OPAPI_NN_LIBRARY/AB_OPAPI_TRANSFORMER_LIBRARY are both "
             "set: CANN's all-in-one libopapi.so and the split libopapi_* libraries must never "
             "be loaded into one process; set one kind");
    return AB_E_UNSUPPORTED;
  }
  if (all)
    return ab_vlib_open(&op_all_spec, &g_libs.op_lib, &g_libs.op, msg);
  if (split)
    return open_split(msg);
  char split_why[AB_MSG_LEN];
  if (open_split(split_why) == AB_OK)
    return AB_OK;
  ab_status st = ab_vlib_open(&op_all_spec, &g_libs.op_lib, &g_libs.op, msg);
  if (st != AB_OK) {
    /* both reasons, the split set's first (the order they were tried in) */
    char both[2 * AB_MSG_LEN + 2];
    snprintf(both, sizeof both, "%s; %s", split_why, msg);
    memcpy(msg, both, AB_MSG_LEN - 1);
    msg[AB_MSG_LEN - 1] = '\0';
  }
  return st;
}

static ab_status load_ops_locked(char *msg) {
  ab_status st = ab_vlib_open(&nn_spec, &g_libs.nn_lib, &g_libs.nn, msg);
  if (st == AB_OK)
    st = choose_ops(msg);
  if (st != AB_OK) {
    ab_vlib_close(&g_libs.op_tr_lib);
    ab_vlib_close(&g_libs.op_lib);
    ab_vlib_close(&g_libs.nn_lib);
    memset(&g_libs.op, 0, sizeof g_libs.op);
    memset(&g_libs.nn, 0, sizeof g_libs.nn);
    return AB_E_UNSUPPORTED;
  }
  return AB_OK;
}

ab_status ascend_load_ops(char *msg) {
  pthread_mutex_lock(&g_lock);
  if (!g_ops_tried) {
    g_ops_tried = 1;
    g_have_ops = load_ops_locked(g_ops_why) == AB_OK;
  }
  int ok = g_have_ops;
  pthread_mutex_unlock(&g_lock);
  if (ok)
    return AB_OK;
  snprintf(msg, AB_MSG_LEN, "%s", g_ops_why);
  return AB_E_UNSUPPORTED;
}

const char *ascend_op_library(int attention) {
  if (attention && g_libs.split)
    return g_libs.op_tr_lib.handle ? g_libs.op_tr_lib.path : "libopapi_transformer.so (absent)";
  return g_libs.op_lib.path;
}
