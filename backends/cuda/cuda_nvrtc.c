/* accelbench cuda backend — the portable CUDA C kernels (kernels/cuk.h): compiled with
 * NVRTC for the device's architecture (a CUBIN for sm_XY, facts 1.4), once per process and
 * architecture, loaded per device with cuModuleLoadData and launched step by step with
 * cuLaunchKernel on the device's stream (facts 1.3). The compile time goes into the
 * setup_seconds of the case that paid for it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_internal.h"

#define MAX_ARCHS 8

typedef struct compiled {
  int arch; /* 10 * major + minor */
  char *image;
} compiled;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static compiled g_images[MAX_ARCHS];
static size_t g_n_images;

static ab_status nvrtc_fail(const abcu_nvrtc_api *nv, char *msg, const char *call,
                            abcu_nvrtc_result r) {
  /* nvrtcGetErrorString gives the code's name ("NVRTC_ERROR_COMPILATION"). */
  return ab_vfail(msg, AB_E_DEVICE, call, (long)r, nv->nvrtcGetErrorString(r), NULL);
}

/* The compile log's first line(s) after the error, so a CUDA C error is readable. */
static void append_log(const abcu_nvrtc_api *nv, abcu_program prog, char *msg) {
  size_t n = 0;
  if (nv->nvrtcGetProgramLogSize(prog, &n) != 0 || n <= 1)
    return;
  char *log = malloc(n);
  if (log && nv->nvrtcGetProgramLog(prog, log) == 0) {
    size_t used = strlen(msg);
    snprintf(msg + used, AB_MSG_LEN - used, "; log: %s", log);
  }
  free(log);
}

/* "--include-path=<toolkit>/include" for the kernels' cuda_fp16.h and cuda_bf16.h (kernels/
 * cuk.h): the first of $CUDA_HOME, $CUDA_PATH and /usr/local/cuda that has the header; ""
 * when none has, and NVRTC's log then names the missing header. */
static void include_option(char *opt, size_t len) {
  const char *const roots[] = {getenv("CUDA_HOME"), getenv("CUDA_PATH"), "/usr/local/cuda"};
  opt[0] = '\0';
  for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
    char header[4096];
    if (!roots[i] || !roots[i][0])
      continue;
    snprintf(header, sizeof header, "%s/include/cuda_fp16.h", roots[i]);
    FILE *f = fopen(header, "r");
    if (f) {
      fclose(f);
      snprintf(opt, len, "--include-path=%s/include", roots[i]);
      return;
    }
  }
}

static ab_status compile(const abcu_nvrtc_api *nv, int arch, char **image, char *msg) {
  abcu_program prog = NULL;
  abcu_nvrtc_result r =
      nv->nvrtcCreateProgram(&prog, cuk_source(), "accelbench_cuk.cu", 0, NULL, NULL);
  if (r != 0)
    return nvrtc_fail(nv, msg, "nvrtcCreateProgram", r);
  char opt[48], include[4200];
  snprintf(opt, sizeof opt, "--gpu-architecture=sm_%d", arch);
  include_option(include, sizeof include);
  const char *opts[] = {opt, include};
  ab_status st = AB_OK;
  size_t bytes = 0;
  r = nv->nvrtcCompileProgram(prog, include[0] ? 2 : 1, opts);
  if (r != 0) {
    st = nvrtc_fail(nv, msg, "nvrtcCompileProgram", r);
    if (!include[0])
      snprintf(msg + strlen(msg), AB_MSG_LEN - strlen(msg),
               "; no CUDA toolkit headers found (set CUDA_HOME)");
    append_log(nv, prog, msg);
  } else if ((r = nv->nvrtcGetCUBINSize(prog, &bytes)) != 0 || bytes == 0) {
    st = r ? nvrtc_fail(nv, msg, "nvrtcGetCUBINSize", r)
           : ab_vfail(msg, AB_E_DEVICE, "nvrtcGetCUBINSize", 0, NULL, "no CUBIN for this arch");
  } else if (!(*image = malloc(bytes))) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for a %zu-byte CUBIN", bytes);
    st = AB_E_NOMEM;
  } else if ((r = nv->nvrtcGetCUBIN(prog, *image)) != 0) {
    st = nvrtc_fail(nv, msg, "nvrtcGetCUBIN", r);
    free(*image);
    *image = NULL;
  }
  nv->nvrtcDestroyProgram(&prog);
  return st;
}

ab_status cuda_nvrtc_image(int arch, const char **image, double *compile_s, char *msg) {
  const abcu_nvrtc_api *nv;
  ab_status st = cuda_load_nvrtc(&nv, msg);
  if (st != AB_OK)
    return st;
  *compile_s = 0.0;
  pthread_mutex_lock(&g_lock);
  for (size_t i = 0; i < g_n_images; i++)
    if (g_images[i].arch == arch)
      *image = g_images[i].image;
  if (!*image && g_n_images == MAX_ARCHS) {
    snprintf(msg, AB_MSG_LEN, "more than %d GPU architectures in one process", MAX_ARCHS);
    st = AB_E_UNSUPPORTED;
  } else if (!*image) {
    double t0 = ab_vnow();
    char *img = NULL;
    st = compile(nv, arch, &img, msg);
    if (st == AB_OK) {
      g_images[g_n_images++] = (compiled){arch, img};
      *image = img;
      *compile_s = ab_vnow() - t0;
    }
  }
  pthread_mutex_unlock(&g_lock);
  return st;
}

/* The images live as long as the module: freed when the harness unloads it (a process that
 * loads and unloads the module, as the conformance test does, would lose them otherwise). */
__attribute__((destructor)) static void free_images(void) {
  pthread_mutex_lock(&g_lock);
  for (size_t i = 0; i < g_n_images; i++)
    free(g_images[i].image);
  g_n_images = 0;
  pthread_mutex_unlock(&g_lock);
}

static ab_status ensure_module(cuda_dev *dev, double *setup_s, char *msg) {
  if (dev->module)
    return AB_OK;
  const abcu_drv_api *drv = &dev->libs->drv;
  if (!drv->cuModuleLoadData || !drv->cuModuleGetFunction || !drv->cuLaunchKernel) {
    snprintf(msg, AB_MSG_LEN, "%s lacks cuModuleLoadData/cuModuleGetFunction/cuLaunchKernel",
             dev->libs->drv_lib.path);
    return AB_E_UNSUPPORTED;
  }
  const char *image = NULL;
  double compile_s = 0.0;
  ab_status st = cuda_nvrtc_image(10 * dev->cc_major + dev->cc_minor, &image, &compile_s, msg);
  if (st != AB_OK)
    return st;
  double t0 = ab_vnow();
  abcu_result r = drv->cuModuleLoadData(&dev->module, image);
  if (r != 0) {
    dev->module = NULL;
    return cuda_drv_fail(msg, "cuModuleLoadData", r);
  }
  *setup_s += compile_s + (ab_vnow() - t0);
  return AB_OK;
}

static ab_status launch_steps(cuda_dev *dev, cuda_case *c, char *msg) {
  const abcu_drv_api *drv = &dev->libs->drv;
  for (size_t i = 0; i < c->n_steps; i++) {
    cuk_launch *s = &c->steps[i];
    abcu_result r =
        drv->cuLaunchKernel(c->fns[i], s->grid[0], s->grid[1], s->grid[2], s->block[0], s->block[1],
                            s->block[2], s->shared_bytes, dev->stream, s->args, NULL);
    if (r != 0) {
      char call[96];
      snprintf(call, sizeof call, "cuLaunchKernel(%s)", s->function);
      return cuda_drv_fail(msg, call, r);
    }
  }
  return AB_OK;
}

ab_status cuda_kernel_prepare(cuda_dev *dev, const ab_kernel_desc *d, ab_buffer *const *ops,
                              size_t n_ops, cuda_case *c, ab_case_info *info, char *msg) {
  double t0 = ab_vnow();
  uint64_t ptrs[AB_KERNEL_MAX_OPERANDS] = {0};
  for (size_t i = 0; i < n_ops && i < AB_KERNEL_MAX_OPERANDS; i++)
    ptrs[i] = ops[i] ? (uint64_t)(uintptr_t)ops[i]->ptr : 0;
  /* Planned straight into the case: each step's args point into its own storage. */
  ab_status st = cuk_plan(d, ptrs, n_ops, c->steps, CUDA_MAX_STEPS, &c->n_steps, msg);
  if (st != AB_OK)
    return st;
  if (c->n_steps == 0 || c->n_steps > CUDA_MAX_STEPS) {
    snprintf(msg, AB_MSG_LEN, "cuk_plan: %zu launch steps for %s (1 to %d expected)", c->n_steps,
             ab_kernel_kind_str(d->kind), CUDA_MAX_STEPS);
    return AB_E_INTERNAL;
  }
  double setup_s = 0.0;
  st = ensure_module(dev, &setup_s, msg);
  for (size_t i = 0; st == AB_OK && i < c->n_steps; i++) {
    abcu_result r =
        dev->libs->drv.cuModuleGetFunction(&c->fns[i], dev->module, c->steps[i].function);
    if (r != 0) {
      char call[96];
      snprintf(call, sizeof call, "cuModuleGetFunction(%s)", c->steps[i].function);
      st = cuda_drv_fail(msg, call, r);
    }
  }
  if (st != AB_OK)
    return st;
  c->call = launch_steps;
  info->setup_seconds = ab_vnow() - t0;
  /* The kernels' arithmetic (kernels/cuk.h): STREAM and peak in their own dtype, int8 conv2d
   * in int32, everything else in f32. */
  info->accumulate_dtype = d->kind == AB_KERNEL_STREAM || d->kind == AB_KERNEL_PEAK ? d->dtype
                           : d->dtype == AB_DTYPE_I8                                ? AB_DTYPE_I32
                                                                                    : AB_DTYPE_F32;
  snprintf(info->implementation, sizeof info->implementation,
           "portable CUDA C %.63s (NVRTC sm_%d%d, %zu launch%s)", c->steps[0].function,
           dev->cc_major, dev->cc_minor, c->n_steps, c->n_steps == 1 ? "" : "es");
  return AB_OK;
}

void cuda_kernel_unload(cuda_dev *dev) {
  if (dev->module && dev->libs->drv.cuModuleUnload)
    dev->libs->drv.cuModuleUnload(dev->module);
  dev->module = NULL;
}
