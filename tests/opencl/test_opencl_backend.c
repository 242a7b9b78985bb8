/* Tests of the OpenCL backend module through its ABI, on whatever OpenCL platforms the ICD
 * loader finds (POCL in CI). GEMM results are compared with a float64 reference on odd
 * shapes and every transpose; microbenchmarks are checked against the values their
 * kernels document (backends/opencl/ocl_source.c). */
#define _DEFAULT_SOURCE /* mincore */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "accelbench/backend.h"
#include "ocl_internal.h" /* the pool tests look at a buffer's cl_mem and the queue */

static void *g_module;
static const ab_backend *g_be;
static void *g_state;
static char g_msg[AB_MSG_LEN];

/* Debian's pocl-opencl-icd registers itself here; when it is installed the backend must
 * find at least one device. */
#define POCL_ICD "/etc/OpenCL/vendors/pocl.icd"

static void load_module(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/accelbench-backend-opencl.so", AB_TEST_BACKEND_DIR);
  g_module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  cr_assert_not_null(g_module, "dlopen %s: %s", path, dlerror());
  ab_backend_entry_fn entry;
  *(void **)&entry = dlsym(g_module, AB_BACKEND_ENTRY_SYMBOL);
  cr_assert_not_null(entry, "no %s in %s", AB_BACKEND_ENTRY_SYMBOL, path);
  g_be = entry(AB_BACKEND_ABI_MAJOR);
  cr_assert_not_null(g_be);
  ab_status s = g_be->probe(g_msg);
  if (s != AB_OK && access(POCL_ICD, R_OK) != 0)
    cr_skip_test("no OpenCL platform on this machine: %s", g_msg);
  cr_assert_eq(s, AB_OK, "probe with POCL installed: %s", g_msg);
}

static void open_device(void) {
  load_module();
  g_state = calloc(1, g_be->device_state_size);
  cr_assert_not_null(g_state);
  cr_assert_eq(g_be->open(0, g_state, NULL, 0, g_msg), AB_OK, "open: %s", g_msg);
}

static void close_device(void) {
  if (g_state && g_be)
    g_be->close(g_state);
  free(g_state);
  g_state = NULL;
  if (g_module)
    dlclose(g_module);
  g_module = NULL;
}

static int attr_value(const ab_device_info *info, const char *key, const char **value) {
  for (uint32_t i = 0; i < info->n_attrs; i++) {
    if (strcmp(info->attrs[i].key, key) == 0) {
      *value = info->attrs[i].value;
      return 1;
    }
  }
  return 0;
}

static int device_has_fp16(void) {
  ab_device_info info = {.struct_size = sizeof info};
  cr_assert_eq(g_be->device_info(0, &info, g_msg), AB_OK, "%s", g_msg);
  const char *v = NULL;
  cr_assert(attr_value(&info, "cl_khr_fp16", &v));
  return strcmp(v, "yes") == 0;
}

Test(opencl, abi_table, .init = load_module, .fini = close_device) {
  cr_assert_eq(g_be->abi_major, AB_BACKEND_ABI_MAJOR);
  cr_assert_eq(g_be->struct_size, sizeof(ab_backend));
  cr_assert_str_eq(g_be->name, "opencl");
  /* portable first: the default provider, which also runs the microbenchmarks */
  cr_assert_str_eq(g_be->providers[0], "portable");
  cr_assert_str_eq(g_be->providers[1], "clblast");
  cr_assert_null(g_be->providers[2]);
}

Test(opencl, enumerate_devices, .init = load_module, .fini = close_device) {
  uint32_t n = 0;
  cr_assert_eq(g_be->device_count(&n, g_msg), AB_OK, "%s", g_msg);
  cr_assert_geq(n, 1, "POCL is installed but no OpenCL device was found");
  for (uint32_t i = 0; i < n; i++) {
    ab_device_info info = {.struct_size = sizeof info};
    cr_assert_eq(g_be->device_info(i, &info, g_msg), AB_OK, "%s", g_msg);
    cr_assert_neq(info.name[0], '\0');
    cr_assert_neq(info.vendor[0], '\0');
    cr_assert_neq(info.driver_version[0], '\0');
    cr_assert(strncmp(info.runtime_version, "OpenCL ", 7) == 0, "runtime_version '%s'",
              info.runtime_version);
    cr_assert(strncmp(info.uid, "opencl:", 7) == 0, "uid '%s'", info.uid);
    cr_assert_gt(info.compute_units, 0);
    cr_assert_gt(info.memory_bytes, 0);
    const char *v = NULL;
    cr_assert(attr_value(&info, "opencl_c_version", &v) && strstr(v, "OpenCL C"), "%s", v);
    cr_assert(attr_value(&info, "cl_khr_fp64", &v));
    cr_assert(attr_value(&info, "cl_khr_fp16", &v));
    cr_assert(attr_value(&info, "integer_dot_product", &v));
    cr_assert(attr_value(&info, "local_mem_bytes", &v) && atoll(v) > 0);
    cr_assert(attr_value(&info, "platform", &v) && v[0]);
  }
  ab_device_info info = {.struct_size = sizeof info};
  cr_assert_eq(g_be->device_info(n, &info, g_msg), AB_E_INVALID);
  cr_assert(strstr(g_msg, "device index") != NULL, "%s", g_msg);
}

/* A broken vendor entry (a library that does not exist, one that is no ICD at all) next to
 * POCL: the loader and the backend skip it and POCL's devices still run. OCL_ICD_VENDORS
 * is ocl-icd's documented override of /etc/OpenCL/vendors (ocl-icd README). */
Test(opencl, broken_vendor_skipped) {
  if (access(POCL_ICD, R_OK) != 0)
    cr_skip_test("POCL is not installed");
  char dir[] = "/tmp/ab-ocl-icd-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char path[256], line[512];
  FILE *in = fopen(POCL_ICD, "r");
  cr_assert_not_null(in);
  cr_assert_not_null(fgets(line, sizeof line, in));
  fclose(in);
  const char *files[3][2] = {{"pocl.icd", line},
                             {"broken.icd", "/nonexistent/libbroken-opencl.so\n"},
                             {"notanicd.icd", "libm.so.6\n"}};
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(files[i][1], f);
    fclose(f);
  }
  cr_assert_eq(setenv("OCL_ICD_VENDORS", dir, 1), 0);
  load_module();
  uint32_t n = 0;
  cr_assert_eq(g_be->device_count(&n, g_msg), AB_OK, "%s", g_msg);
  cr_assert_geq(n, 1, "POCL's device vanished beside a broken vendor entry");
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
    unlink(path);
  }
  rmdir(dir);
  close_device();
}

/* ---------------------------------------------------------------- GEMM -------------- */

static double elem(const void *p, size_t i, ab_dtype t) {
  switch (t) {
  case AB_DTYPE_F32: return ((const float *)p)[i];
  case AB_DTYPE_F64: return ((const double *)p)[i];
  case AB_DTYPE_F16: return ab_f16_to_f32(((const uint16_t *)p)[i]);
  case AB_DTYPE_I8: return ((const int8_t *)p)[i];
  case AB_DTYPE_I32: return ((const int32_t *)p)[i];
  default: return NAN;
  }
}

static void fill_random(void *p, size_t n, ab_dtype t, uint64_t seed) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    double u = (double)(seed >> 11) / 9007199254740992.0 * 2.0 - 1.0; /* [-1, 1) */
    switch (t) {
    case AB_DTYPE_F32: ((float *)p)[i] = (float)u; break;
    case AB_DTYPE_F64: ((double *)p)[i] = u; break;
    case AB_DTYPE_F16: ((uint16_t *)p)[i] = ab_f32_to_f16((float)u); break;
    case AB_DTYPE_I8: ((int8_t *)p)[i] = (int8_t)(int)floor(u * 128.0); break;
    default: break;
    }
  }
}

/* Error bound relative to sum |a||b| (the scale of the rounding errors): binary16 output
 * rounding is 2^-11 relative; CLBlast Hgemm also accumulates in half. int8 is exact. */
static double gemm_tol(const char *provider, ab_dtype t, int64_t k) {
  switch (t) {
  case AB_DTYPE_F64: return 1e-13 * (double)k;
  case AB_DTYPE_F32: return 1e-6 * (double)k;
  case AB_DTYPE_F16: return strcmp(provider, "clblast") == 0 ? 2e-3 * (double)k : 1e-3;
  default: return 0.0;
  }
}

/* Runs one GEMM case on device 0 and checks every element of C. Returns the prepare status
 * (the test decides what it expects); on AB_OK the result has been checked. */
static ab_status run_gemm(const char *provider, ab_dtype dt, int64_t m, int64_t n, int64_t k,
                          int ta, int tb) {
  ab_dtype out = dt == AB_DTYPE_I8 ? AB_DTYPE_I32 : dt;
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.kind = AB_KERNEL_GEMM;
  d.dtype = dt;
  d.out_dtype = out;
  d.params.gemm = (ab_gemm_params){.m = m, .n = n, .k = k, .trans_a = ta, .trans_b = tb};
  size_t es = ab_dtype_size(dt), os = ab_dtype_size(out);
  size_t bytes[3] = {(size_t)(m * k) * es, (size_t)(k * n) * es, (size_t)(m * n) * os};
  void *host[3];
  ab_buffer *ops[3];
  for (int i = 0; i < 3; i++) {
    host[i] = malloc(bytes[i]);
    cr_assert_not_null(host[i]);
    if (i < 2)
      fill_random(host[i], bytes[i] / es, dt, 1234u + (uint64_t)i * 77u + (uint64_t)m);
    else
      memset(host[i], 0x7f, bytes[i]); /* poison: an unwritten element fails the check */
    cr_assert_eq(g_be->buffer_alloc(g_state, bytes[i], &ops[i], g_msg), AB_OK, "%s", g_msg);
    cr_assert_eq(g_be->copy_to_device(g_state, ops[i], 0, host[i], bytes[i], g_msg), AB_OK, "%s",
                 g_msg);
  }
  void *cs = NULL;
  ab_case_info info = {.struct_size = sizeof info};
  ab_status s = g_be->case_prepare(g_state, &d, provider, ops, 3, &cs, &info, g_msg);
  if (s == AB_OK) {
    cr_assert(strstr(info.implementation, provider) != NULL, "implementation '%s'",
              info.implementation);
    cr_assert_geq(info.setup_seconds, 0.0);
    /* CLBlast's full-size warm call is reported as one (ABI 1.2), with its kernel's device
     * time; the portable kernel's one-work-group launch is not a call of the case. */
    if (strcmp(provider, "clblast") == 0)
      cr_assert(info.warm_calls == 1 && info.warm_seconds > 0.0,
                "clblast warm call not reported: %llu calls, %g s",
                (unsigned long long)info.warm_calls, info.warm_seconds);
    else
      cr_assert_eq(info.warm_calls, 0);
    /* C must not be touched by prepare (its warm-up writes a scratch buffer). */
    cr_assert_eq(g_be->copy_to_host(g_state, host[2], ops[2], 0, bytes[2], g_msg), AB_OK);
    cr_assert_eq(((unsigned char *)host[2])[0], 0x7f, "case_prepare wrote C");
    ab_timing tm = {.struct_size = sizeof tm};
    cr_assert_eq(g_be->case_run(g_state, cs, 2, &tm, g_msg), AB_OK, "%s", g_msg);
    cr_assert_gt(tm.device_seconds, 0.0);
    cr_assert_eq(g_be->copy_to_host(g_state, host[2], ops[2], 0, bytes[2], g_msg), AB_OK);
    double tol = gemm_tol(provider, dt, k);
    for (int64_t i = 0; i < m; i++) {
      for (int64_t j = 0; j < n; j++) {
        double ref = 0, mag = 0;
        for (int64_t p = 0; p < k; p++) {
          size_t ai = ta ? (size_t)(p * m + i) : (size_t)(i * k + p);
          size_t bi = tb ? (size_t)(j * k + p) : (size_t)(p * n + j);
          double x = elem(host[0], ai, dt) * elem(host[1], bi, dt);
          ref += x;
          mag += fabs(x);
        }
        double got = elem(host[2], (size_t)(i * n + j), out);
        cr_assert(fabs(got - ref) <= tol * mag + (dt == AB_DTYPE_F16 ? 1e-3 * fabs(ref) : 0),
                  "%s %s %lldx%lldx%lld %c%c: C[%lld][%lld] = %.9g, reference %.9g", provider,
                  dt == AB_DTYPE_I8 ? "int8" : "float", (long long)m, (long long)n, (long long)k,
                  ta ? 't' : 'n', tb ? 't' : 'n', (long long)i, (long long)j, got, ref);
      }
    }
    g_be->case_release(g_state, cs);
  }
  for (int i = 0; i < 3; i++) {
    g_be->buffer_free(g_state, ops[i]);
    free(host[i]);
  }
  return s;
}

/* Odd shapes (not multiples of any tile), a shape spanning several tiles in each
 * dimension, and the degenerate 1x1x1, each with all four transpose combinations. */
static void gemm_all_shapes(const char *provider, ab_dtype dt) {
  static const int64_t shapes[][3] = {{67, 45, 129}, {1, 1, 1}, {130, 261, 70}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (int t = 0; t < 4; t++) {
      ab_status st =
          run_gemm(provider, dt, shapes[s][0], shapes[s][1], shapes[s][2], t & 1, t >> 1);
      cr_assert_eq(st, AB_OK, "%s: %s", provider, g_msg);
    }
}

Test(opencl_gemm, portable_f32, .init = open_device, .fini = close_device, .timeout = 120) {
  gemm_all_shapes("portable", AB_DTYPE_F32);
}

Test(opencl_gemm, portable_f16, .init = open_device, .fini = close_device, .timeout = 120) {
  gemm_all_shapes("portable", AB_DTYPE_F16);
}

Test(opencl_gemm, portable_int8, .init = open_device, .fini = close_device, .timeout = 120) {
  gemm_all_shapes("portable", AB_DTYPE_I8);
}

Test(opencl_gemm, portable_f64, .init = open_device, .fini = close_device, .timeout = 120) {
  gemm_all_shapes("portable", AB_DTYPE_F64);
}

Test(opencl_gemm, clblast_f32, .init = open_device, .fini = close_device, .timeout = 120) {
  gemm_all_shapes("clblast", AB_DTYPE_F32);
}

Test(opencl_gemm, clblast_f64, .init = open_device, .fini = close_device, .timeout = 120) {
  gemm_all_shapes("clblast", AB_DTYPE_F64);
}

Test(opencl_gemm, clblast_f16_or_unsupported, .init = open_device, .fini = close_device,
     .timeout = 120) {
  if (device_has_fp16()) {
    gemm_all_shapes("clblast", AB_DTYPE_F16);
    return;
  }
  cr_assert_eq(run_gemm("clblast", AB_DTYPE_F16, 67, 45, 129, 0, 0), AB_E_UNSUPPORTED);
  cr_assert(strstr(g_msg, "cl_khr_fp16") != NULL, "%s", g_msg);
}

Test(opencl_gemm, unsupported_reasons, .init = open_device, .fini = close_device) {
  cr_assert_eq(run_gemm("clblast", AB_DTYPE_I8, 8, 8, 8, 0, 0), AB_E_UNSUPPORTED);
  cr_assert_str_eq(g_msg, "CLBlast has no int8 GEMM");
  cr_assert_eq(run_gemm("portable", AB_DTYPE_BF16, 8, 8, 8, 0, 0), AB_E_UNSUPPORTED);
  cr_assert(strstr(g_msg, "bf16") != NULL, "%s", g_msg);
  cr_assert_eq(run_gemm("nosuch", AB_DTYPE_F32, 8, 8, 8, 0, 0), AB_E_INVALID);
  cr_assert(strstr(g_msg, "nosuch") != NULL, "%s", g_msg);
}

/* A kernel that fails to compile is a failed case whose reason carries the build log. */
Test(opencl_gemm, build_failure_reports_log, .init = open_device, .fini = close_device) {
  cr_assert_eq(setenv("ACCELBENCH_OPENCL_EXTRA_SOURCE",
                      "\n__kernel void ab_broken(void) { undeclared_identifier_xyz = 1; }\n", 1),
               0);
  ab_status s = run_gemm("portable", AB_DTYPE_F32, 16, 16, 16, 0, 0);
  unsetenv("ACCELBENCH_OPENCL_EXTRA_SOURCE");
  cr_assert_eq(s, AB_E_DEVICE, "status %d: %s", (int)s, g_msg);
  cr_assert(strstr(g_msg, "CL_BUILD_PROGRAM_FAILURE") != NULL, "%s", g_msg);
  cr_assert(strstr(g_msg, "undeclared_identifier_xyz") != NULL, "log missing: %s", g_msg);
  /* The knob gone, the same case compiles again (the failure was not cached). */
  cr_assert_eq(run_gemm("portable", AB_DTYPE_F32, 16, 16, 16, 0, 0), AB_OK, "%s", g_msg);
}

/* ---------------------------------------------------------------- microbenchmarks --- */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Prepares and runs `iters` iterations; checks device time is positive and not above the
 * host time around the call (event timestamps and the host clock must agree). */
static ab_status run_case(ab_kernel_desc *d, ab_buffer **ops, size_t n_ops, uint32_t iters) {
  void *cs = NULL;
  ab_case_info info = {.struct_size = sizeof info};
  ab_status s = g_be->case_prepare(g_state, d, "portable", ops, n_ops, &cs, &info, g_msg);
  if (s != AB_OK)
    return s;
  cr_assert_neq(info.implementation[0], '\0');
  ab_timing tm = {.struct_size = sizeof tm};
  double t0 = now();
  s = g_be->case_run(g_state, cs, iters, &tm, g_msg);
  double host = now() - t0;
  cr_assert_eq(s, AB_OK, "%s", g_msg);
  cr_assert_gt(tm.device_seconds, 0.0);
  cr_assert_leq(tm.device_seconds, host * 1.05 + 1e-4, "device %g s > host %g s", tm.device_seconds,
                host);
  g_be->case_release(g_state, cs);
  return AB_OK;
}

/* The documented PEAK output (ocl_source.c): out[i] = sum_j x_j with x0_j = (i + j) % 4,
 * s_j = q + (j < r), x_j = s_j even ? x0_j : 1 - x0_j. */
static double peak_expected(int64_t item, int64_t fma_per_item) {
  int64_t q = fma_per_item / 8, r = fma_per_item % 8;
  double sum = 0;
  for (int j = 0; j < 8; j++) {
    int64_t steps = q + (j < r ? 1 : 0);
    double x0 = (double)((item + j) % 4);
    sum += steps % 2 == 0 ? x0 : 1.0 - x0;
  }
  return sum;
}

static void check_peak(ab_dtype dt, int64_t items, int64_t fma) {
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.kind = AB_KERNEL_PEAK;
  d.dtype = d.out_dtype = dt;
  d.params.peak.items = items;
  d.params.peak.fma_per_item = fma;
  size_t bytes = (size_t)items * ab_dtype_size(dt);
  ab_buffer *out;
  cr_assert_eq(g_be->buffer_alloc(g_state, bytes, &out, g_msg), AB_OK);
  ab_status s = run_case(&d, &out, 1, 2);
  if (s == AB_E_UNSUPPORTED && dt == AB_DTYPE_F16 && !device_has_fp16()) {
    cr_assert(strstr(g_msg, "cl_khr_fp16") != NULL, "%s", g_msg);
    g_be->buffer_free(g_state, out);
    return;
  }
  cr_assert_eq(s, AB_OK, "%s", g_msg);
  void *host = malloc(bytes);
  cr_assert_eq(g_be->copy_to_host(g_state, host, out, 0, bytes, g_msg), AB_OK);
  for (int64_t i = 0; i < items; i++)
    cr_assert_eq(elem(host, (size_t)i, dt), peak_expected(i, fma), "item %lld: %g vs %g",
                 (long long)i, elem(host, (size_t)i, dt), peak_expected(i, fma));
  free(host);
  g_be->buffer_free(g_state, out);
}

Test(opencl_micro, peak_values, .init = open_device, .fini = close_device, .timeout = 120) {
  /* 1001 items: not a multiple of any vector width; 203 and 64 FMAs: odd and even chains. */
  check_peak(AB_DTYPE_F32, 1001, 203);
  check_peak(AB_DTYPE_F32, 1001, 64);
  check_peak(AB_DTYPE_F64, 1001, 203);
  check_peak(AB_DTYPE_I8, 1001, 203);
  check_peak(AB_DTYPE_F16, 1001, 203);
}

Test(opencl_micro, membw_copies, .init = open_device, .fini = close_device) {
  const size_t bytes = 1000003; /* not a multiple of 16: the tail path runs too */
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.kind = AB_KERNEL_MEMBW;
  d.params.transfer.bytes = (int64_t)bytes;
  ab_buffer *ops[2];
  unsigned char *src = malloc(bytes), *dst = malloc(bytes);
  for (size_t i = 0; i < bytes; i++)
    src[i] = (unsigned char)(i * 7 + 3);
  for (int i = 0; i < 2; i++)
    cr_assert_eq(g_be->buffer_alloc(g_state, bytes, &ops[i], g_msg), AB_OK);
  cr_assert_eq(g_be->copy_to_device(g_state, ops[0], 0, src, bytes, g_msg), AB_OK);
  cr_assert_eq(run_case(&d, ops, 2, 3), AB_OK, "%s", g_msg);
  cr_assert_eq(g_be->copy_to_host(g_state, dst, ops[1], 0, bytes, g_msg), AB_OK);
  cr_assert(memcmp(src, dst, bytes) == 0, "copy differs");
  free(src);
  free(dst);
  for (int i = 0; i < 2; i++)
    g_be->buffer_free(g_state, ops[i]);
}

static void check_transfer(ab_kernel_kind kind, int pinned, size_t bytes) {
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.kind = kind;
  d.params.transfer.bytes = (int64_t)bytes;
  d.params.transfer.pinned = pinned;
  ab_buffer *buf;
  unsigned char *host = malloc(bytes);
  memset(host, 0xab, bytes);
  cr_assert_eq(g_be->buffer_alloc(g_state, bytes, &buf, g_msg), AB_OK);
  cr_assert_eq(g_be->copy_to_device(g_state, buf, 0, host, bytes, g_msg), AB_OK);
  cr_assert_eq(run_case(&d, &buf, 1, 3), AB_OK, "%s", g_msg);
  cr_assert_eq(g_be->copy_to_host(g_state, host, buf, 0, bytes, g_msg), AB_OK);
  for (size_t i = 0; i < bytes; i++) {
    /* H2D writes the documented pattern; D2H leaves the device buffer alone. */
    unsigned char want =
        kind == AB_KERNEL_COPY_H2D ? (unsigned char)((i * 131u + 7u) & 0xffu) : 0xab;
    cr_assert_eq(host[i], want, "byte %zu", i);
  }
  free(host);
  g_be->buffer_free(g_state, buf);
}

Test(opencl_micro, transfers, .init = open_device, .fini = close_device) {
  /* The host side is kept from one transfer case to the next (ocl_micro.c): the same
   * size reuses it, a smaller one uses part of it, a larger one replaces it. */
  for (int pinned = 0; pinned < 2; pinned++) {
    check_transfer(AB_KERNEL_COPY_H2D, pinned, 4u << 20);
    check_transfer(AB_KERNEL_COPY_D2H, pinned, 4u << 20);
    check_transfer(AB_KERNEL_COPY_H2D, pinned, 3u << 20);
    check_transfer(AB_KERNEL_COPY_D2H, pinned, 6u << 20);
    check_transfer(AB_KERNEL_COPY_H2D, pinned, 6u << 20);
  }
}

/* Two transfer cases of one kind prepared at once would share the kept host buffer (one
 * overwriting or freeing the other's): the second is refused until the first is released;
 * the other kind is independent. */
Test(opencl_micro, one_transfer_case_per_kind_at_a_time, .init = open_device,
     .fini = close_device) {
  ab_kernel_desc d = {.struct_size = sizeof d, .kind = AB_KERNEL_COPY_H2D};
  d.params.transfer.bytes = 1 << 20;
  ab_buffer *buf;
  cr_assert_eq(g_be->buffer_alloc(g_state, 2u << 20, &buf, g_msg), AB_OK, "%s", g_msg);
  ab_case_info info = {.struct_size = sizeof info};
  void *first = NULL, *second = NULL, *pinned = NULL;
  cr_assert_eq(g_be->case_prepare(g_state, &d, "portable", &buf, 1, &first, &info, g_msg), AB_OK,
               "%s", g_msg);
  d.params.transfer.bytes = 2 << 20; /* larger: would have freed the first one's buffer */
  cr_assert_eq(g_be->case_prepare(g_state, &d, "portable", &buf, 1, &second, &info, g_msg),
               AB_E_INVALID);
  cr_assert(strstr(g_msg, "another pageable transfer case of this device is still prepared"), "%s",
            g_msg);
  d.params.transfer.pinned = 1;
  cr_assert_eq(g_be->case_prepare(g_state, &d, "portable", &buf, 1, &pinned, &info, g_msg), AB_OK,
               "%s", g_msg);
  g_be->case_release(g_state, first);
  d.params.transfer.pinned = 0;
  cr_assert_eq(g_be->case_prepare(g_state, &d, "portable", &buf, 1, &second, &info, g_msg), AB_OK,
               "after release: %s", g_msg);
  ab_timing tm = {.struct_size = sizeof tm};
  cr_assert_eq(g_be->case_run(g_state, second, 1, &tm, g_msg), AB_OK, "%s", g_msg);
  g_be->case_release(g_state, second);
  g_be->case_release(g_state, pinned);
  g_be->buffer_free(g_state, buf);
}

/* Fills `bytes` of a device buffer with byte `v` and checks every byte reads back. */
static void fill_and_check(ab_buffer *b, size_t bytes, unsigned char v) {
  unsigned char *h = malloc(bytes);
  cr_assert_not_null(h);
  memset(h, v, bytes);
  cr_assert_eq(g_be->copy_to_device(g_state, b, 0, h, bytes, g_msg), AB_OK, "%s", g_msg);
  memset(h, 0, bytes);
  cr_assert_eq(g_be->copy_to_host(g_state, h, b, 0, bytes, g_msg), AB_OK, "%s", g_msg);
  for (size_t i = 0; i < bytes; i++)
    cr_assert_eq(h[i], v, "byte %zu", i);
  free(h);
}

/* Freed buffers are kept and reused (ocl_pool.c): a reused buffer has the requested size
 * (copies past it are refused), live buffers never share memory, and kernels run on a
 * reused (sub-)buffer. */
Test(opencl_pool, reuse, .init = open_device, .fini = close_device, .timeout = 120) {
  const size_t big = 4u << 20, part = 3u << 20;
  ab_buffer *a, *b, *c;
  cr_assert_eq(g_be->buffer_alloc(g_state, big, &a, g_msg), AB_OK, "%s", g_msg);
  fill_and_check(a, big, 0x11);
  g_be->buffer_free(g_state, a);
  cr_assert_eq(g_be->buffer_alloc(g_state, part, &b, g_msg), AB_OK, "%s", g_msg); /* reuse */
  fill_and_check(b, part, 0x22);
  unsigned char *h = malloc(big);
  cr_assert_not_null(h);
  cr_assert_eq(g_be->copy_to_device(g_state, b, 0, h, big, g_msg), AB_E_INVALID,
               "a reused buffer must keep its requested size");
  cr_assert_eq(g_be->buffer_alloc(g_state, part, &c, g_msg), AB_OK, "%s", g_msg); /* fresh */
  fill_and_check(c, part, 0x33);
  cr_assert_eq(g_be->copy_to_host(g_state, h, b, 0, part, g_msg), AB_OK, "%s", g_msg);
  for (size_t i = 0; i < part; i++)
    cr_assert_eq(h[i], 0x22, "byte %zu of a live buffer changed", i);
  ab_kernel_desc d = {.struct_size = sizeof d, .kind = AB_KERNEL_MEMBW};
  d.params.transfer.bytes = (int64_t)part;
  ab_buffer *ops[2] = {b, c};
  cr_assert_eq(run_case(&d, ops, 2, 2), AB_OK, "%s", g_msg);
  cr_assert_eq(g_be->copy_to_host(g_state, h, c, 0, part, g_msg), AB_OK, "%s", g_msg);
  for (size_t i = 0; i < part; i++)
    cr_assert_eq(h[i], 0x22, "byte %zu of the copy", i);
  free(h);
  g_be->buffer_free(g_state, b);
  g_be->buffer_free(g_state, c);
  /* Much smaller than anything kept: a buffer of its own, still correct. */
  cr_assert_eq(g_be->buffer_alloc(g_state, 100, &a, g_msg), AB_OK, "%s", g_msg);
  fill_and_check(a, 100, 0x44);
  g_be->buffer_free(g_state, a);
}

/* Fraction of the pages of a new 8 MiB buffer that are resident right after buffer_alloc,
 * seen through a map of it (zero-copy on POCL) and mincore. */
static double resident_fraction_of_new_buffer(void) {
  const size_t bytes = 8u << 20;
  ab_buffer *b;
  cr_assert_eq(g_be->buffer_alloc(g_state, bytes, &b, g_msg), AB_OK, "%s", g_msg);
  cl_command_queue q = ((ocl_state *)g_state)->queue;
  cl_int err;
  void *p = clEnqueueMapBuffer(q, b->mem, CL_TRUE, CL_MAP_READ, 0, bytes, 0, NULL, NULL, &err);
  cr_assert_eq(err, CL_SUCCESS);
  long page = sysconf(_SC_PAGESIZE);
  uintptr_t lo = (uintptr_t)p & ~((uintptr_t)page - 1);
  size_t pages = ((uintptr_t)p + bytes - lo + (size_t)page - 1) / (size_t)page;
  unsigned char *vec = calloc(pages, 1);
  cr_assert_not_null(vec);
  cr_assert_eq(mincore((void *)lo, pages * (size_t)page, vec), 0);
  size_t resident = 0;
  for (size_t i = 0; i < pages; i++)
    resident += vec[i] & 1;
  free(vec);
  clEnqueueUnmapMemObject(q, b->mem, p, 0, NULL, NULL);
  clFinish(q);
  g_be->buffer_free(g_state, b);
  return (double)resident / (double)pages;
}

static int device0_is_cpu(void) {
  ab_device_info info = {.struct_size = sizeof info};
  cr_assert_eq(g_be->device_info(0, &info, g_msg), AB_OK, "%s", g_msg);
  return info.type == AB_DEVICE_CPU;
}

/* On a CPU device a new buffer's pages are faulted in at allocation (ocl_pool.c), so no
 * case pays page faults inside its uploads or kernels; with ocl_prefault=off they are
 * not (POCL faults a buffer in on first use: if a POCL update changed that, the second
 * check says so and the prefault may be unnecessary). */
/* Whether this kernel has madvise(MADV_POPULATE_WRITE) (Linux 5.14). */
static int kernel_can_populate(void) {
#ifndef MADV_POPULATE_WRITE
  return 0; /* the C library does not know it either: ocl_util.c defines it itself */
#else
  long page = sysconf(_SC_PAGESIZE);
  void *m = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED)
    return 0;
  int ok = madvise(m, (size_t)page, MADV_POPULATE_WRITE) == 0;
  munmap(m, (size_t)page);
  return ok;
#endif
}

Test(opencl_pool, cpu_device_buffers_are_faulted_in, .init = open_device, .fini = close_device) {
  if (!device0_is_cpu())
    cr_skip_test("device 0 is not a CPU device: its buffers are device memory");
  if (!kernel_can_populate())
    cr_skip_test("this kernel has no MADV_POPULATE_WRITE: buffers fault in on first use");
  double on = resident_fraction_of_new_buffer();
  cr_assert_geq(on, 0.99, "only %.0f%% of a new buffer's pages are resident", 100 * on);
  g_be->close(g_state);
  ab_option off = {"ocl_prefault", "off"};
  cr_assert_eq(g_be->open(0, g_state, &off, 1, g_msg), AB_OK, "open: %s", g_msg);
  double lazy = resident_fraction_of_new_buffer();
  cr_assert_lt(lazy, 0.5,
               "with ocl_prefault=off %.0f%% of the pages are resident: the driver faults "
               "buffers in itself now",
               100 * lazy);
}

/* A value of ocl_prefault the backend does not know is refused at open, the key named. */
Test(opencl_pool, option_prefault_bad_value, .init = load_module, .fini = close_device) {
  g_state = calloc(1, g_be->device_state_size);
  cr_assert_not_null(g_state);
  ab_option bad = {"ocl_prefault", "maybe"};
  cr_assert_eq(g_be->open(0, g_state, &bad, 1, g_msg), AB_E_INVALID);
  cr_assert(strstr(g_msg, "ocl_prefault") && strstr(g_msg, "maybe"), "message: %s", g_msg);
}

/* A harness built before ABI 1.2 passes a shorter ab_case_info: the backend must write
 * nothing past its struct_size (a canary fills the rest). */
Test(opencl_gemm, clblast_writes_nothing_past_an_older_case_info, .init = open_device,
     .fini = close_device) {
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.kind = AB_KERNEL_GEMM;
  d.dtype = d.out_dtype = AB_DTYPE_F32;
  d.params.gemm = (ab_gemm_params){.m = 64, .n = 64, .k = 64};
  ab_buffer *ops[3];
  for (int i = 0; i < 3; i++)
    cr_assert_eq(g_be->buffer_alloc(g_state, 64 * 64 * 4, &ops[i], g_msg), AB_OK, "%s", g_msg);
  ab_case_info info;
  memset(&info, 0xab, sizeof info);
  info.struct_size = (uint32_t)offsetof(ab_case_info, warm_seconds); /* ABI 1.1's size */
  info.implementation[0] = '\0';
  void *cs = NULL;
  ab_status s = g_be->case_prepare(g_state, &d, "clblast", ops, 3, &cs, &info, g_msg);
  if (s == AB_E_UNSUPPORTED)
    cr_skip_test("no CLBlast in this build: %s", g_msg);
  cr_assert_eq(s, AB_OK, "%s", g_msg);
  const unsigned char *tail = (const unsigned char *)&info + offsetof(ab_case_info, warm_seconds);
  for (size_t i = 0; i < sizeof info - offsetof(ab_case_info, warm_seconds); i++)
    cr_assert_eq(tail[i], 0xab, "byte %zu past a 1.1 ab_case_info was written", i);
  cr_assert_gt(info.setup_seconds, 0.0, "without warm_calls the whole warm call is setup");
  g_be->case_release(g_state, cs);
  for (int i = 0; i < 3; i++)
    g_be->buffer_free(g_state, ops[i]);
}

Test(opencl_micro, launch_latency, .init = open_device, .fini = close_device) {
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.kind = AB_KERNEL_LAUNCH;
  cr_assert_eq(run_case(&d, NULL, 0, 100), AB_OK, "%s", g_msg);
}

Test(opencl_micro, unknown_kind_unsupported, .init = open_device, .fini = close_device) {
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.kind = (ab_kernel_kind)99; /* a kind value no accelbench defines */
  cr_assert_eq(run_case(&d, NULL, 0, 1), AB_E_UNSUPPORTED);
}
