/* accelbench OpenCL backend — the ab_backend table, device discovery and device memory.
 *
 * Devices are every device of every platform the OpenCL ICD loader finds, flattened in
 * platform order: index 0 is platform 0's first device. A platform whose device query
 * fails is skipped with its reason (probe() reports it) and the others still run, as the
 * ICD loader itself does with a broken vendor driver.
 *
 * Environment knobs (debugging and tests only; a normal run sets none of them):
 *   ACCELBENCH_OPENCL_EXTRA_SOURCE  OpenCL C text appended to every program this backend
 *                                   compiles; a test uses it to force a build failure.
 *   ACCELBENCH_OPENCL_GEMM_CONFIG   "VW,WPTM,WPTN,WGM,WGN,TSK": portable GEMM work sizes
 *                                   instead of the ones chosen from the device limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_internal.h"

#define MAX_PLATFORMS 16
#define MAX_DEVICES   64

typedef struct ocl_devref {
  cl_platform_id platform;
  cl_device_id device;
  cl_uint pi, di;
} ocl_devref;

/* Walks every platform; fills up to MAX_DEVICES refs. Platform failures go into `skipped`
 * (may be NULL). Returns AB_E_NOT_FOUND when the loader finds no platform at all. */
static ab_status list_devices(ocl_devref *refs, cl_uint *n_refs, char *skipped, size_t sk_len,
                              char *msg) {
  cl_platform_id plats[MAX_PLATFORMS];
  cl_uint np = 0;
  *n_refs = 0;
  if (skipped && sk_len)
    skipped[0] = '\0';
  cl_int err = clGetPlatformIDs(MAX_PLATFORMS, plats, &np);
  if (err != CL_SUCCESS || np == 0) {
    snprintf(msg, AB_MSG_LEN,
             "no OpenCL platform: clGetPlatformIDs: %s (%d); the ICD loader found no driver "
             "(install pocl-opencl-icd or a vendor ICD in /etc/OpenCL/vendors)",
             ocl_err_name(err), (int)err);
    return AB_E_NOT_FOUND;
  }
  if (np > MAX_PLATFORMS)
    np = MAX_PLATFORMS;
  for (cl_uint p = 0; p < np; p++) {
    cl_device_id devs[MAX_DEVICES];
    cl_uint nd = 0;
    err = clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES, devs, &nd);
    if (err != CL_SUCCESS) {
      if (skipped) {
        char pname[96] = "";
        clGetPlatformInfo(plats[p], CL_PLATFORM_NAME, sizeof pname, pname, NULL);
        size_t used = strlen(skipped);
        snprintf(skipped + used, sk_len - used, "%splatform %u (%s): clGetDeviceIDs: %s (%d)",
                 used ? "; " : "", p, pname[0] ? pname : "unnamed", ocl_err_name(err), (int)err);
      }
      continue;
    }
    if (nd > MAX_DEVICES)
      nd = MAX_DEVICES;
    for (cl_uint d = 0; d < nd && *n_refs < MAX_DEVICES; d++) {
      refs[*n_refs].platform = plats[p];
      refs[*n_refs].device = devs[d];
      refs[*n_refs].pi = p;
      refs[*n_refs].di = d;
      (*n_refs)++;
    }
  }
  return AB_OK;
}

static ab_status get_ref(uint32_t index, ocl_devref *ref, char *msg) {
  ocl_devref refs[MAX_DEVICES];
  cl_uint n = 0;
  ab_status s = list_devices(refs, &n, NULL, 0, msg);
  if (s != AB_OK)
    return s;
  if (index >= n) {
    snprintf(msg, AB_MSG_LEN, "device index %u: the OpenCL backend has %u device(s)", index, n);
    return AB_E_INVALID;
  }
  *ref = refs[index];
  return AB_OK;
}

static ab_status ocl_probe(char *msg) {
  ocl_devref refs[MAX_DEVICES];
  cl_uint n = 0;
  char skipped[AB_MSG_LEN - 96];
  ab_status s = list_devices(refs, &n, skipped, sizeof skipped, msg);
  if (s != AB_OK)
    return s;
  if (n == 0) {
    snprintf(msg, AB_MSG_LEN, "no usable OpenCL device: %s",
             skipped[0] ? skipped : "every platform reports zero devices");
    return AB_E_NOT_FOUND;
  }
  /* On success msg lists platforms that were skipped (empty when none). */
  if (skipped[0])
    snprintf(msg, AB_MSG_LEN, "%u device(s); skipped %s", n, skipped);
  else
    msg[0] = '\0';
  return AB_OK;
}

static ab_status ocl_device_count(uint32_t *count, char *msg) {
  ocl_devref refs[MAX_DEVICES];
  cl_uint n = 0;
  ab_status s = list_devices(refs, &n, NULL, 0, msg);
  *count = s == AB_OK ? n : 0;
  return s;
}

/* Whole-word match in a space-separated extension list. */
static int has_ext(const char *exts, const char *name) {
  size_t len = strlen(name);
  for (const char *p = exts; (p = strstr(p, name)) != NULL; p += len) {
    if ((p == exts || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
      return 1;
  }
  return 0;
}

static char *device_string(cl_device_id dev, cl_device_info what) {
  size_t len = 0;
  if (clGetDeviceInfo(dev, what, 0, NULL, &len) != CL_SUCCESS)
    return NULL;
  char *s = malloc(len + 1);
  if (s && clGetDeviceInfo(dev, what, len, s, NULL) != CL_SUCCESS) {
    free(s);
    return NULL;
  }
  if (s)
    s[len] = '\0';
  return s;
}

/* Strings longer than the field are cut, not dropped (POCL's CL_DEVICE_VERSION is longer
 * than runtime_version, and clGetDeviceInfo refuses a short buffer outright). */
static void copy_device_string(cl_device_id dev, cl_device_info what, char *dst, size_t len) {
  char *s = device_string(dev, what);
  snprintf(dst, len, "%s", s ? s : "");
  free(s);
}

static void add_attr(ab_device_info *info, const char *key, const char *value) {
  if (info->n_attrs >= AB_MAX_ATTRS)
    return;
  ab_attr *a = &info->attrs[info->n_attrs++];
  snprintf(a->key, sizeof a->key, "%s", key);
  snprintf(a->value, sizeof a->value, "%s", value);
}

static void add_attr_u64(ab_device_info *info, const char *key, unsigned long long v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%llu", v);
  add_attr(info, key, buf);
}

static void fill_caps(cl_device_id dev, ocl_caps *c) {
  memset(c, 0, sizeof *c);
  clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof c->type, &c->type, NULL);
  clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof c->max_wg, &c->max_wg, NULL);
  clGetDeviceInfo(dev, CL_DEVICE_LOCAL_MEM_SIZE, sizeof c->local_mem, &c->local_mem, NULL);
  clGetDeviceInfo(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof c->max_alloc, &c->max_alloc, NULL);
  clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof c->global_mem, &c->global_mem, NULL);
  clGetDeviceInfo(dev, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, sizeof c->vec_float, &c->vec_float,
                  NULL);
  clGetDeviceInfo(dev, CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE, sizeof c->vec_double,
                  &c->vec_double, NULL);
  clGetDeviceInfo(dev, CL_DEVICE_PREFERRED_VECTOR_WIDTH_INT, sizeof c->vec_int, &c->vec_int, NULL);
  clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof c->compute_units, &c->compute_units,
                  NULL);
  copy_device_string(dev, CL_DEVICE_NAME, c->name, sizeof c->name);
  char *exts = device_string(dev, CL_DEVICE_EXTENSIONS);
  if (exts) {
    c->has_fp16 = has_ext(exts, "cl_khr_fp16");
    c->has_fp64 = has_ext(exts, "cl_khr_fp64");
    free(exts);
  }
  if (c->max_wg == 0)
    c->max_wg = 1;
}

static ab_status ocl_device_info(uint32_t index, ab_device_info *info, char *msg) {
  ocl_devref ref;
  ab_status s = get_ref(index, &ref, msg);
  if (s != AB_OK)
    return s;
  uint32_t want = info->struct_size ? info->struct_size : (uint32_t)sizeof *info;
  memset(info, 0, sizeof *info);
  info->struct_size = want;
  cl_device_id dev = ref.device;
  ocl_caps caps;
  fill_caps(dev, &caps);
  info->type = caps.type & CL_DEVICE_TYPE_GPU           ? AB_DEVICE_GPU
               : caps.type & CL_DEVICE_TYPE_CPU         ? AB_DEVICE_CPU
               : caps.type & CL_DEVICE_TYPE_ACCELERATOR ? AB_DEVICE_NPU
                                                        : AB_DEVICE_OTHER;
  copy_device_string(dev, CL_DEVICE_NAME, info->name, sizeof info->name);
  copy_device_string(dev, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
  copy_device_string(dev, CL_DRIVER_VERSION, info->driver_version, sizeof info->driver_version);
  copy_device_string(dev, CL_DEVICE_VERSION, info->runtime_version, sizeof info->runtime_version);
  snprintf(info->uid, sizeof info->uid, "opencl:%u:%u", ref.pi, ref.di);
  cl_ulong gmem = 0;
  cl_uint cu = 0, clk = 0;
  clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof gmem, &gmem, NULL);
  clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof cu, &cu, NULL);
  clGetDeviceInfo(dev, CL_DEVICE_MAX_CLOCK_FREQUENCY, sizeof clk, &clk, NULL);
  info->memory_bytes = gmem;
  info->compute_units = cu;
  info->max_clock_mhz = clk;

  char pname[160] = "", pver[160] = "";
  clGetPlatformInfo(ref.platform, CL_PLATFORM_NAME, sizeof pname, pname, NULL);
  clGetPlatformInfo(ref.platform, CL_PLATFORM_VERSION, sizeof pver, pver, NULL);
  pname[sizeof pname - 1] = pver[sizeof pver - 1] = '\0';
  add_attr(info, "platform", pname);
  add_attr(info, "platform_version", pver);
  char *cver = device_string(dev, CL_DEVICE_OPENCL_C_VERSION);
  add_attr(info, "opencl_c_version", cver ? cver : "");
  free(cver);
  add_attr_u64(info, "local_mem_bytes", caps.local_mem);
  add_attr_u64(info, "max_alloc_bytes", caps.max_alloc);
  add_attr_u64(info, "max_work_group_size", caps.max_wg);
  char vec[64];
  snprintf(vec, sizeof vec, "float %u double %u int %u", caps.vec_float, caps.vec_double,
           caps.vec_int);
  add_attr(info, "preferred_vector_width", vec);
  char *exts = device_string(dev, CL_DEVICE_EXTENSIONS);
  add_attr(info, "cl_khr_fp16", caps.has_fp16 ? "yes" : "no");
  add_attr(info, "cl_khr_fp64", caps.has_fp64 ? "yes" : "no");
  /* Integer dot-product extensions (Khronos, and Arm's older int8 one). */
  char dots[160] = "";
  static const char *dot_exts[] = {"cl_khr_integer_dot_product", "cl_arm_integer_dot_product_int8",
                                   "cl_arm_integer_dot_product_accumulate_int8"};
  for (size_t i = 0; exts && i < sizeof dot_exts / sizeof dot_exts[0]; i++) {
    if (has_ext(exts, dot_exts[i])) {
      size_t used = strlen(dots);
      snprintf(dots + used, sizeof dots - used, "%s%s", used ? " " : "", dot_exts[i]);
    }
  }
  add_attr(info, "integer_dot_product", dots[0] ? dots : "none");
  free(exts);
  add_attr(info, "clblast", ocl_have_clblast() ? "built in" : "not in this build");
  return AB_OK;
}

static void ocl_close(void *state) {
  ocl_state *st = state;
  ocl_release_programs(st);
  ocl_clblast_release(st);
  if (st->queue)
    clFinish(st->queue); /* nothing may still use a kept buffer or a mapped host buffer */
  ocl_xfer_host_release(st);
  ocl_pool_release(st);
  if (st->queue) {
    clReleaseCommandQueue(st->queue);
  }
  if (st->context)
    clReleaseContext(st->context);
  memset(st, 0, sizeof *st);
}

/* Option ocl_prefault: "on" (default) faults a CPU device's new buffers and transfer host
 * buffers in at once (ocl_pool.c, ocl_micro.c); "off" leaves that to the first use, as an
 * application that never thinks about it gets. */
static ab_status apply_options(ocl_state *st, const ab_option *options, size_t n_options,
                               char *msg) {
  for (size_t i = 0; i < n_options; i++) {
    if (!options[i].key || strcmp(options[i].key, "ocl_prefault") != 0)
      continue;
    const char *v = options[i].value ? options[i].value : "";
    if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0) {
      snprintf(msg, AB_MSG_LEN, "opencl: option ocl_prefault=\"%.64s\": expected on or off", v);
      return AB_E_INVALID;
    }
    st->no_prefault = strcmp(v, "off") == 0;
  }
  return AB_OK;
}

static ab_status ocl_open(uint32_t index, void *state, const ab_option *options, size_t n_options,
                          char *msg) {
  ocl_state *st = state;
  ab_status s = apply_options(st, options, n_options, msg);
  if (s != AB_OK)
    return s;
  ocl_devref ref;
  s = get_ref(index, &ref, msg);
  if (s != AB_OK)
    return s;
  st->platform = ref.platform;
  st->device = ref.device;
  fill_caps(st->device, &st->caps);
  cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)ref.platform, 0};
  cl_int err;
  st->context = clCreateContext(props, 1, &st->device, NULL, NULL, &err);
  if (err != CL_SUCCESS) {
    st->context = NULL;
    return ocl_fail(msg, "clCreateContext", err);
  }
  /* clCreateCommandQueue is the 1.2 call; OpenCL 2.x drivers still accept it. */
  st->queue = clCreateCommandQueue(st->context, st->device, CL_QUEUE_PROFILING_ENABLE, &err);
  if (err != CL_SUCCESS) {
    st->queue = NULL;
    s = ocl_fail(msg, "clCreateCommandQueue(CL_QUEUE_PROFILING_ENABLE)", err);
    ocl_close(st);
    return s;
  }
  return AB_OK;
}

static ab_status ocl_buffer_alloc(void *state, size_t bytes, ab_buffer **out, char *msg) {
  ocl_state *st = state;
  *out = NULL;
  if (bytes > st->caps.max_alloc && st->caps.max_alloc) {
    snprintf(msg, AB_MSG_LEN,
             "buffer of %zu bytes exceeds CL_DEVICE_MAX_MEM_ALLOC_SIZE (%llu) of %s", bytes,
             (unsigned long long)st->caps.max_alloc, st->caps.name);
    return AB_E_NOMEM;
  }
  return ocl_pool_alloc(st, bytes, out, msg);
}

static void ocl_buffer_free(void *state, ab_buffer *buf) {
  ocl_pool_free(state, buf);
}

static ab_status check_range(const ab_buffer *b, size_t offset, size_t bytes, char *msg) {
  if (!b || offset > b->bytes || bytes > b->bytes - offset) {
    snprintf(msg, AB_MSG_LEN, "copy of %zu bytes at offset %zu: outside a %zu-byte buffer", bytes,
             offset, b ? b->bytes : (size_t)0);
    return AB_E_INVALID;
  }
  return AB_OK;
}

static ab_status ocl_copy_to_device(void *state, ab_buffer *dst, size_t offset, const void *src,
                                    size_t bytes, char *msg) {
  ocl_state *st = state;
  ab_status s = check_range(dst, offset, bytes, msg);
  if (s != AB_OK || bytes == 0)
    return s;
  cl_int err =
      clEnqueueWriteBuffer(st->queue, dst->mem, CL_TRUE, offset, bytes, src, 0, NULL, NULL);
  return err == CL_SUCCESS ? AB_OK : ocl_fail(msg, "clEnqueueWriteBuffer", err);
}

static ab_status ocl_copy_to_host(void *state, void *dst, const ab_buffer *src, size_t offset,
                                  size_t bytes, char *msg) {
  ocl_state *st = state;
  ab_status s = check_range(src, offset, bytes, msg);
  if (s != AB_OK || bytes == 0)
    return s;
  cl_int err = clEnqueueReadBuffer(st->queue, src->mem, CL_TRUE, offset, bytes, dst, 0, NULL, NULL);
  return err == CL_SUCCESS ? AB_OK : ocl_fail(msg, "clEnqueueReadBuffer", err);
}

static const char *const ocl_providers[] = {"portable", "clblast", NULL};

static void ocl_case_release(void *state, void *case_state) {
  ocl_state *st = state;
  ocl_case *c = case_state;
  if (!c)
    return;
  if (st->queue)
    clFinish(st->queue);
  ocl_micro_release(st, c);
  if (c->kernel)
    clReleaseKernel(c->kernel);
  free(c);
}

/* CLBlast offers GEMM; the microbenchmarks are this backend's own kernels whichever
 * provider is named (they run once per device, under the default provider); every other
 * kind runs on the portable provider only, so a clblast row says why it is empty. */
static ab_status ocl_query(const ab_kernel_desc *desc, int prov, char *msg) {
  if (!ocl_kind_offered(desc->kind)) {
    snprintf(msg, AB_MSG_LEN, "%s is not offered by the OpenCL backend",
             ab_kernel_kind_str(desc->kind));
    return AB_E_UNSUPPORTED;
  }
  if (prov == OCL_PROVIDER_CLBLAST && desc->kind != AB_KERNEL_GEMM &&
      !ocl_kind_is_micro(desc->kind)) {
    snprintf(msg, AB_MSG_LEN, "CLBlast offers GEMM only; %s runs on the portable provider",
             ab_kernel_kind_str(desc->kind));
    return AB_E_UNSUPPORTED;
  }
  return AB_OK;
}

static ab_status ocl_case_prepare(void *state, const ab_kernel_desc *desc, const char *provider,
                                  ab_buffer *const *operands, size_t n_operands, void **case_state,
                                  ab_case_info *info, char *msg) {
  ocl_state *st = state;
  *case_state = NULL;
  int prov = OCL_PROVIDER_PORTABLE; /* the default provider (first in the list) */
  if (provider && strcmp(provider, "clblast") == 0)
    prov = OCL_PROVIDER_CLBLAST;
  else if (provider && strcmp(provider, "portable") != 0) {
    snprintf(msg, AB_MSG_LEN, "provider \"%s\": the OpenCL backend offers clblast, portable",
             provider);
    return AB_E_INVALID;
  }
  ab_status q = ocl_query(desc, prov, msg);
  if (q != AB_OK)
    return q;
  ocl_case *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(msg, AB_MSG_LEN, "out of host memory for a case");
    return AB_E_NOMEM;
  }
  c->kind = desc->kind;
  c->provider = prov;
  info->setup_seconds = 0.0;
  info->implementation[0] = '\0';
  ab_status s;
  if (desc->kind == AB_KERNEL_GEMM) {
    if (n_operands < 3) {
      snprintf(msg, AB_MSG_LEN, "GEMM needs operands A, B, C; got %zu", n_operands);
      s = AB_E_INVALID;
    } else {
      s = ocl_gemm_prepare(st, desc, prov, operands, c, info, msg);
    }
  } else {
    /* Microbenchmarks are this backend's own kernels whichever provider is named. */
    s = ocl_micro_prepare(st, desc, operands, n_operands, c, info, msg);
  }
  if (s != AB_OK) {
    ocl_case_release(st, c);
    return s;
  }
  *case_state = c;
  return AB_OK;
}

/* ABI 1.3: what the backend can run, before any operand exists. */
static ab_status ocl_case_query(void *state, const ab_kernel_desc *desc, const char *provider,
                                char *msg) {
  (void)state;
  if (provider && strcmp(provider, "clblast") != 0 && strcmp(provider, "portable") != 0) {
    snprintf(msg, AB_MSG_LEN, "provider \"%s\": the OpenCL backend offers clblast, portable",
             provider);
    return AB_E_INVALID;
  }
  return ocl_query(desc,
                   provider && strcmp(provider, "clblast") == 0 ? OCL_PROVIDER_CLBLAST
                                                                : OCL_PROVIDER_PORTABLE,
                   msg);
}

static ab_status ocl_case_run(void *state, void *case_state, uint32_t iterations, ab_timing *timing,
                              char *msg) {
  ocl_state *st = state;
  ocl_case *c = case_state;
  if (!c) {
    snprintf(msg, AB_MSG_LEN, "case_run: no prepared case");
    return AB_E_INVALID;
  }
  if (timing)
    timing->device_seconds = -1.0;
  if (c->kind == AB_KERNEL_GEMM && c->provider == OCL_PROVIDER_CLBLAST)
    return ocl_clblast_run(st, c, iterations, timing, msg);
  if (c->kind == AB_KERNEL_COPY_H2D || c->kind == AB_KERNEL_COPY_D2H)
    return ocl_transfer_run(st, c, iterations, timing, msg);
  return ocl_kernel_run(st, c, iterations, timing, msg);
}

/* The keys ocl_open() reads (ABI 1.4: the harness refuses any other `-O key`). */
static const char *const ocl_option_keys[] = {"ocl_prefault", NULL};

static const ab_backend ocl_backend = {
    .abi_major = AB_BACKEND_ABI_MAJOR,
    .abi_minor = AB_BACKEND_ABI_MINOR,
    .struct_size = sizeof(ab_backend),
    .name = "opencl",
    .description = "OpenCL through the ICD loader: CLBlast and portable OpenCL C kernels",
    .device_state_size = sizeof(ocl_state),
    .providers = ocl_providers,
    .probe = ocl_probe,
    .device_count = ocl_device_count,
    .device_info = ocl_device_info,
    .open = ocl_open,
    .close = ocl_close,
    .buffer_alloc = ocl_buffer_alloc,
    .buffer_free = ocl_buffer_free,
    .copy_to_device = ocl_copy_to_device,
    .copy_to_host = ocl_copy_to_host,
    .case_prepare = ocl_case_prepare,
    .case_run = ocl_case_run,
    .case_release = ocl_case_release,
    .case_query = ocl_case_query,
    .option_keys = ocl_option_keys,
};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_abi_major);

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_abi_major) {
  (void)harness_abi_major;
  return &ocl_backend;
}
