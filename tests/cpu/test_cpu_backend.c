/* Tests of the CPU backend module, loaded the way the harness loads it (dlopen of
 * accelbench-backend-cpu.so from the build's backend folder).
 *
 * Criterion runs every test in a forked child, so each test loads the module — and with it
 * OpenBLAS — afresh; that is what lets the core-type tests set OPENBLAS_CORETYPE before
 * the library initialises. GEMM results are compared with a float64 reference computed
 * from the very input values the backend sees (after rounding to the dtype).
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "accelbench/backend.h"

/* The AVX-512 kernel choice exists on x86 only; elsewhere no CPU "has" these flags. */
#if defined(__x86_64__) || defined(__i386__)
#define CPU_HAS(f) __builtin_cpu_supports(f)
#define CPU_INIT() __builtin_cpu_init()
#define CPU_X86    1
#else
#define CPU_HAS(f) 0
#define CPU_INIT() ((void)0)
#define CPU_X86    0
#endif
/* "Haswell" below is an x86 OpenBLAS core; elsewhere OpenBLAS picks its core itself. */
#define SKIP_UNLESS_X86()                                                                          \
  do {                                                                                             \
    if (!CPU_X86)                                                                                  \
      cr_skip_test("OpenBLAS core names such as Haswell are x86 ones");                            \
  } while (0)

#define MODULE_PATH AB_TEST_BACKEND_DIR "/accelbench-backend-cpu.so"

static void *g_module;
static const ab_backend *g_be;
static void *g_dev; /* open device state, or NULL */

static void load_module(void) {
  g_module = dlopen(MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
  cr_assert(g_module, "dlopen %s: %s", MODULE_PATH, dlerror());
  ab_backend_entry_fn entry;
  void *sym = dlsym(g_module, AB_BACKEND_ENTRY_SYMBOL);
  cr_assert(sym, "%s does not export %s", MODULE_PATH, AB_BACKEND_ENTRY_SYMBOL);
  memcpy(&entry, &sym, sizeof entry);
  g_be = entry(AB_BACKEND_ABI_MAJOR);
  cr_assert(g_be, "entry returned NULL");
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(g_be->probe(msg), AB_OK, "probe: %s", msg);
}

static ab_status open_device(const ab_option *opts, size_t n, char *msg) {
  g_dev = calloc(1, g_be->device_state_size);
  cr_assert(g_dev);
  ab_status st = g_be->open(0, g_dev, opts, n, msg);
  if (st != AB_OK) {
    free(g_dev);
    g_dev = NULL;
  }
  return st;
}

static void setup_plain(void) {
  unsetenv("OPENBLAS_CORETYPE"); /* the user's shell must not decide these tests */
  unsetenv("ACCELBENCH_OPENBLAS_CORETYPE");
  load_module();
}

static void setup_open(void) {
  setup_plain();
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(open_device(NULL, 0, msg), AB_OK, "open: %s", msg);
}

static void teardown(void) {
  if (g_dev) {
    g_be->close(g_dev);
    free(g_dev);
    g_dev = NULL;
  }
  /* The module stays loaded: OpenBLAS's threads cannot be unloaded safely. */
}

static const char *attr(const ab_device_info *info, const char *key) {
  for (uint32_t i = 0; i < info->n_attrs; i++)
    if (strcmp(info->attrs[i].key, key) == 0)
      return info->attrs[i].value;
  return NULL;
}

static void get_info(ab_device_info *info) {
  char msg[AB_MSG_LEN] = "";
  memset(info, 0, sizeof *info);
  info->struct_size = sizeof *info;
  cr_assert_eq(g_be->device_info(0, info, msg), AB_OK, "device_info: %s", msg);
}

/* ---- ABI and discovery ----------------------------------------------------------------- */

TestSuite(cpu_abi, .init = setup_plain, .fini = teardown);

Test(cpu_abi, table_header_and_slots) {
  cr_expect_eq(g_be->abi_major, AB_BACKEND_ABI_MAJOR);
  cr_expect_eq(g_be->abi_minor, AB_BACKEND_ABI_MINOR);
  cr_expect_eq(g_be->struct_size, sizeof(ab_backend));
  cr_expect_str_eq(g_be->name, "cpu");
  cr_expect(g_be->description && *g_be->description);
  cr_expect_geq(g_be->device_state_size, 1);
  cr_assert(g_be->providers && g_be->providers[0]);
  cr_expect_str_eq(g_be->providers[0], "openblas");
#ifdef AB_TEST_CPU_ONEDNN
  cr_assert(g_be->providers[1]);
  cr_expect_str_eq(g_be->providers[1], "onednn");
  cr_assert(g_be->providers[2]);
  cr_expect_str_eq(g_be->providers[2], "native");
  cr_expect_null(g_be->providers[3]);
#else
  cr_assert(g_be->providers[1]);
  cr_expect_str_eq(g_be->providers[1], "native");
  cr_expect_null(g_be->providers[2]);
#endif
  cr_expect(g_be->case_query, "ABI 1.3: the cpu backend answers case_query");
  cr_expect(g_be->probe && g_be->device_count && g_be->device_info && g_be->open && g_be->close &&
            g_be->buffer_alloc && g_be->buffer_free && g_be->copy_to_device && g_be->copy_to_host &&
            g_be->case_prepare && g_be->case_run);
}

Test(cpu_abi, only_the_entry_symbol_is_exported) {
  cr_expect_null(dlsym(g_module, "ab_openblas_load"), "loader symbol leaked from the module");
  cr_expect_null(dlsym(g_module, "ab_cpu_openblas_run"), "provider symbol leaked");
}

Test(cpu_abi, one_device_with_sane_facts) {
  uint32_t count = 0;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(g_be->device_count(&count, msg), AB_OK, "%s", msg);
  cr_expect_eq(count, 1);
  ab_device_info info;
  get_info(&info);
  cr_expect_eq(info.type, AB_DEVICE_CPU);
  cr_expect(info.name[0], "device name is empty");
  cr_expect(info.vendor[0], "vendor is empty");
  cr_expect(strncmp(info.runtime_version, "OpenBLAS ", 9) == 0, "runtime_version \"%s\"",
            info.runtime_version);
  cr_expect_gt(info.memory_bytes, 1u << 20);
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  cr_expect(info.compute_units >= 1 && info.compute_units <= (uint32_t)online,
            "compute_units %u with %ld CPUs online", info.compute_units, online);
  const char *core = attr(&info, "openblas_core");
  cr_expect(core && *core, "no openblas_core attr");
  cr_expect(attr(&info, "openblas_coretype_source"), "no openblas_coretype_source attr");
  cr_expect(attr(&info, "openblas_config") && strstr(attr(&info, "openblas_config"), "OpenBLAS"),
            "openblas_config");
  cr_expect(attr(&info, "threads") && attr(&info, "binding"));
#ifdef AB_TEST_CPU_ONEDNN
  cr_expect(attr(&info, "onednn_version") && attr(&info, "onednn_isa"));
  cr_expect(strstr(info.runtime_version, "oneDNN"), "runtime_version \"%s\"", info.runtime_version);
#endif
  memset(&info, 0, sizeof info);
  cr_expect_eq(g_be->device_info(1, &info, msg), AB_E_INVALID, "device 1 must not exist");
  cr_expect(msg[0]);
}

/* ---- OpenBLAS core-type choice ------------------------------------------------------- */

Test(cpu_core, avx512_cpu_gets_avx512_kernels, .init = setup_plain, .fini = teardown) {
  ab_device_info info;
  get_info(&info);
  const char *core = attr(&info, "openblas_core");
  const char *src = attr(&info, "openblas_coretype_source");
  cr_assert(core && src);
  CPU_INIT();
  if (!CPU_HAS("avx512f") || !CPU_HAS("avx512bw") || !CPU_HAS("avx512dq") || !CPU_HAS("avx512vl") ||
      !CPU_HAS("avx512cd")) {
    cr_expect(strncmp(src, "OpenBLAS default", 16) == 0, "source \"%s\"", src);
    return;
  }
  cr_expect(strcmp(core, "SkylakeX") == 0 || strcmp(core, "Cooperlake") == 0,
            "AVX-512 CPU runs OpenBLAS core %s", core);
  cr_expect(strncmp(src, "selected by accelbench", 22) == 0, "source \"%s\"", src);
  cr_expect_null(getenv("OPENBLAS_CORETYPE"), "the loader must not leave its choice in env");
}

static void setup_inherited_haswell(void) {
  unsetenv("ACCELBENCH_OPENBLAS_CORETYPE");
  setenv("OPENBLAS_CORETYPE", "Haswell", 1); /* what these VMs' site profile exports */
  load_module();
}

/* An inherited OPENBLAS_CORETYPE weaker than the CPU is overridden, loudly, and put back
 * in the environment afterwards. */
Test(cpu_core, inherited_env_is_overridden_loudly, .init = setup_inherited_haswell,
     .fini = teardown) {
  ab_device_info info;
  get_info(&info);
  const char *src = attr(&info, "openblas_coretype_source");
  cr_expect_str_eq(getenv("OPENBLAS_CORETYPE"), "Haswell", "the user's export is restored");
  SKIP_UNLESS_X86();
  if (!CPU_HAS("avx512f") || !CPU_HAS("avx512bw")) {
    cr_expect_str_eq(attr(&info, "openblas_core"), "Haswell"); /* nothing better to pick */
    return;
  }
  cr_expect_str_neq(attr(&info, "openblas_core"), "Haswell");
  cr_expect(src && strstr(src, "OVERRODE inherited OPENBLAS_CORETYPE=Haswell"), "source \"%s\"",
            src ? src : "(none)");
}

static void setup_forced_haswell(void) {
  setenv("ACCELBENCH_OPENBLAS_CORETYPE", "Haswell", 1);
  load_module();
}

/* ACCELBENCH_OPENBLAS_CORETYPE is the user's deliberate choice and wins. */
Test(cpu_core, accelbench_choice_is_respected, .init = setup_forced_haswell, .fini = teardown) {
  SKIP_UNLESS_X86();
  ab_device_info info;
  get_info(&info);
  unsetenv("ACCELBENCH_OPENBLAS_CORETYPE");
  cr_expect_str_eq(attr(&info, "openblas_core"), "Haswell");
  const char *src = attr(&info, "openblas_coretype_source");
  cr_expect(src && strstr(src, "user's choice"), "source \"%s\"", src ? src : "(none)");
}

/* ---- options: threads and pinning ---------------------------------------------------- */

TestSuite(cpu_options, .init = setup_plain, .fini = teardown);

static void expect_invalid_option(const char *key, const char *value) {
  ab_option opt = {key, value};
  char msg[AB_MSG_LEN] = "";
  cr_expect_eq(open_device(&opt, 1, msg), AB_E_INVALID, "%s=%s accepted", key, value);
  cr_expect(strstr(msg, key), "message \"%s\" does not name option %s", msg, key);
}

Test(cpu_options, bad_values_are_refused_naming_the_option) {
  expect_invalid_option("threads", "abc");
  expect_invalid_option("threads", "0");
  expect_invalid_option("threads", "-2");
  expect_invalid_option("threads", "2x");
  expect_invalid_option("threads", "100000");
  expect_invalid_option("pin", "sideways");
  expect_invalid_option("pin", "");
}

static int affinity_count(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  cr_assert_eq(sched_getaffinity(0, sizeof set, &set), 0);
  return CPU_COUNT(&set);
}

Test(cpu_options, pin_cores_binds_and_close_restores) {
  int before = affinity_count();
  ab_option opts[] = {{"threads", "1"}, {"pin", "cores"}, {"unknown_key", "ignored"}};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(open_device(opts, 3, msg), AB_OK, "open: %s", msg);
  cr_expect_eq(affinity_count(), 1, "threads=1 pin=cores must bind to one PU");
  ab_device_info info;
  get_info(&info);
  cr_expect(strstr(attr(&info, "threads"), "1"), "threads attr \"%s\"", attr(&info, "threads"));
  cr_expect(strstr(attr(&info, "binding"), "bound"), "binding attr \"%s\"", attr(&info, "binding"));
  teardown();
  cr_expect_eq(affinity_count(), before, "close must restore the binding");
}

Test(cpu_options, pin_none_leaves_binding) {
  int before = affinity_count();
  ab_option opts[] = {{"pin", "none"}};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(open_device(opts, 1, msg), AB_OK, "open: %s", msg);
  cr_expect_eq(affinity_count(), before);
}

/* ---- GEMM correctness ---------------------------------------------------------------- */

typedef struct gemm_case {
  const char *provider;
  ab_dtype in, out;
  int64_t m, n, k;
  int ta, tb;
} gemm_case;

/* Deterministic values in [-1, 1) (int8: the full range, to exercise the s8 handling). */
static double next_value(unsigned *x, ab_dtype t) {
  *x = *x * 1664525u + 1013904223u;
  if (t == AB_DTYPE_I8)
    return (double)(int)((*x >> 16) % 256u) - 128.0;
  return (double)(*x >> 8) / (double)(1u << 23) - 1.0;
}

/* Store v as dtype t at element i of p; return the value actually stored. */
static double store(void *p, size_t i, ab_dtype t, double v) {
  switch (t) {
  case AB_DTYPE_F64: ((double *)p)[i] = v; return v;
  case AB_DTYPE_F32: ((float *)p)[i] = (float)v; return (float)v;
  case AB_DTYPE_BF16: {
    uint16_t h = ab_f32_to_bf16((float)v);
    ((uint16_t *)p)[i] = h;
    return ab_bf16_to_f32(h);
  }
  case AB_DTYPE_F16: {
    uint16_t h = ab_f32_to_f16((float)v);
    ((uint16_t *)p)[i] = h;
    return ab_f16_to_f32(h);
  }
  case AB_DTYPE_I8: ((int8_t *)p)[i] = (int8_t)v; return (int8_t)v;
  default: cr_assert_fail("dtype %d", (int)t); return 0;
  }
}

static double load_value(const void *p, size_t i, ab_dtype t) {
  switch (t) {
  case AB_DTYPE_F64: return ((const double *)p)[i];
  case AB_DTYPE_F32: return ((const float *)p)[i];
  case AB_DTYPE_BF16: return ab_bf16_to_f32(((const uint16_t *)p)[i]);
  case AB_DTYPE_F16: return ab_f16_to_f32(((const uint16_t *)p)[i]);
  case AB_DTYPE_I32: return ((const int32_t *)p)[i];
  default: cr_assert_fail("dtype %d", (int)t); return 0;
  }
}

/* Bound on |C - ref| for one element: accumulation error of a k-term dot product in the
 * accumulator's precision (gamma_k ~ k*u on sum |a||b|, doubled for safety), plus rounding
 * of the result to the output type. int8 -> int32 is exact. */
static double tolerance(const gemm_case *gc, double sum_abs, double ref) {
  double u_acc = gc->in == AB_DTYPE_F64 ? 0x1p-53 : 0x1p-24;
  double u_out = gc->out == AB_DTYPE_BF16 ? 0x1p-8 : gc->out == AB_DTYPE_F16 ? 0x1p-11 : 0.0;
  if (gc->in == AB_DTYPE_I8)
    return 0.0;
  return 2.0 * (double)gc->k * u_acc * sum_abs + u_out * fabs(ref) + 1e-300;
}

typedef struct gemm_host {
  void *a, *b, *c;
  double *ra, *rb; /* the stored values, logical op(A) m x k and op(B) k x n, row-major */
  size_t bytes[3];
} gemm_host;

static void make_inputs(const gemm_case *gc, gemm_host *h) {
  size_t m = (size_t)gc->m, n = (size_t)gc->n, k = (size_t)gc->k;
  size_t ein = ab_dtype_size(gc->in);
  h->bytes[0] = m * k * ein;
  h->bytes[1] = k * n * ein;
  h->bytes[2] = m * n * ab_dtype_size(gc->out);
  h->a = malloc(h->bytes[0]);
  h->b = malloc(h->bytes[1]);
  h->c = malloc(h->bytes[2]);
  h->ra = malloc(m * k * sizeof(double));
  h->rb = malloc(k * n * sizeof(double));
  cr_assert(h->a && h->b && h->c && h->ra && h->rb);
  unsigned x = 42u;
  for (size_t i = 0; i < m; i++) /* element (i,l) of op(A) sits at i*k+l, or l*m+i if trans */
    for (size_t l = 0; l < k; l++)
      h->ra[i * k + l] =
          store(h->a, gc->ta ? l * m + i : i * k + l, gc->in, next_value(&x, gc->in));
  for (size_t l = 0; l < k; l++)
    for (size_t j = 0; j < n; j++)
      h->rb[l * n + j] =
          store(h->b, gc->tb ? j * k + l : l * n + j, gc->in, next_value(&x, gc->in));
}

static void free_host(gemm_host *h) {
  free(h->a);
  free(h->b);
  free(h->c);
  free(h->ra);
  free(h->rb);
}

/* Worst |C - ref| / tolerance over all elements; > 1 means a wrong answer. */
static double worst_ratio(const gemm_case *gc, const gemm_host *h, const void *c) {
  size_t m = (size_t)gc->m, n = (size_t)gc->n, k = (size_t)gc->k;
  double worst = 0.0;
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < n; j++) {
      double ref = 0.0, sum_abs = 0.0;
      for (size_t l = 0; l < k; l++) {
        ref += h->ra[i * k + l] * h->rb[l * n + j];
        sum_abs += fabs(h->ra[i * k + l] * h->rb[l * n + j]);
      }
      double err = fabs(load_value(c, i * n + j, gc->out) - ref);
      double tol = tolerance(gc, sum_abs, ref);
      double r = tol > 0 ? err / tol : (err > 0 ? INFINITY : 0.0);
      if (r > worst)
        worst = r;
    }
  return worst;
}

/* Upload, prepare, run twice, download; returns the prepare/run status. */
static ab_status run_case(const gemm_case *gc, gemm_host *h, ab_case_info *info, char *msg) {
  ab_buffer *buf[3] = {NULL, NULL, NULL};
  void *cs = NULL;
  ab_status st = AB_OK;
  for (int i = 0; i < 3 && st == AB_OK; i++)
    st = g_be->buffer_alloc(g_dev, h->bytes[i], &buf[i], msg);
  cr_assert_eq(st, AB_OK, "buffer_alloc: %s", msg);
  cr_assert_eq(g_be->copy_to_device(g_dev, buf[0], 0, h->a, h->bytes[0], msg), AB_OK);
  cr_assert_eq(g_be->copy_to_device(g_dev, buf[1], 0, h->b, h->bytes[1], msg), AB_OK);
  memset(h->c, 0x7f, h->bytes[2]); /* garbage the backend must overwrite (beta = 0) */
  cr_assert_eq(g_be->copy_to_device(g_dev, buf[2], 0, h->c, h->bytes[2], msg), AB_OK);
  ab_kernel_desc d = {
      .struct_size = sizeof d, .kind = AB_KERNEL_GEMM, .dtype = gc->in, .out_dtype = gc->out};
  d.params.gemm = (ab_gemm_params){gc->m, gc->n, gc->k, gc->ta, gc->tb};
  memset(info, 0, sizeof *info);
  info->struct_size = sizeof *info;
  st = g_be->case_prepare(g_dev, &d, gc->provider, buf, 3, &cs, info, msg);
  if (st == AB_OK) {
    ab_timing t = {.struct_size = sizeof t, .device_seconds = 123.0};
    st = g_be->case_run(g_dev, cs, 2, &t, msg);
    cr_expect_lt(t.device_seconds, 0.0, "the CPU has no device timer");
    if (g_be->case_release)
      g_be->case_release(g_dev, cs);
  }
  if (st == AB_OK)
    cr_assert_eq(g_be->copy_to_host(g_dev, h->c, buf[2], 0, h->bytes[2], msg), AB_OK);
  for (int i = 0; i < 3; i++)
    g_be->buffer_free(g_dev, buf[i]);
  return st;
}

static void check_gemm(const gemm_case *gc) {
  const char *want = gc->provider ? gc->provider : "openblas";
  gemm_host h;
  ab_case_info info;
  char msg[AB_MSG_LEN] = "";
  make_inputs(gc, &h);
  ab_status st = run_case(gc, &h, &info, msg);
  cr_expect_eq(st, AB_OK, "%s dtype %d->%d %lldx%lldx%lld ta=%d tb=%d: %s", want, (int)gc->in,
               (int)gc->out, (long long)gc->m, (long long)gc->n, (long long)gc->k, gc->ta, gc->tb,
               msg);
  if (st == AB_OK) {
    double r = worst_ratio(gc, &h, h.c);
    cr_expect_leq(r, 1.0, "%s dtype %d->%d %lldx%lldx%lld ta=%d tb=%d (%s): error %.3g x tolerance",
                  want, (int)gc->in, (int)gc->out, (long long)gc->m, (long long)gc->n,
                  (long long)gc->k, gc->ta, gc->tb, info.implementation, r);
    cr_expect(strncmp(info.implementation, want, strlen(want)) == 0,
              "implementation \"%s\" does not name provider %s", info.implementation, want);
  }
  free_host(&h);
}

static void check_all_shapes(const char *provider, ab_dtype in, ab_dtype out) {
  static const int64_t shapes[][3] = {{37, 29, 53}, {1, 1, 1}, {64, 96, 130}, {5, 200, 3}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (int t = 0; t < 4; t++) {
      gemm_case gc = {provider, in, out, shapes[s][0], shapes[s][1], shapes[s][2], t & 1, t >> 1};
      check_gemm(&gc);
    }
}

TestSuite(cpu_gemm, .init = setup_open, .fini = teardown);

Test(cpu_gemm, openblas_f64) {
  check_all_shapes("openblas", AB_DTYPE_F64, AB_DTYPE_F64);
}

Test(cpu_gemm, openblas_f32) {
  check_all_shapes("openblas", AB_DTYPE_F32, AB_DTYPE_F32);
}

Test(cpu_gemm, default_provider_is_openblas) {
  check_all_shapes(NULL, AB_DTYPE_F32, AB_DTYPE_F32); /* NULL provider: the first one */
}

#ifdef AB_TEST_CPU_ONEDNN
Test(cpu_gemm, onednn_f32) {
  check_all_shapes("onednn", AB_DTYPE_F32, AB_DTYPE_F32);
}

Test(cpu_gemm, onednn_bf16) {
  check_all_shapes("onednn", AB_DTYPE_BF16, AB_DTYPE_BF16);
}

Test(cpu_gemm, onednn_bf16_to_f32) {
  check_all_shapes("onednn", AB_DTYPE_BF16, AB_DTYPE_F32);
}

Test(cpu_gemm, onednn_int8) {
  check_all_shapes("onednn", AB_DTYPE_I8, AB_DTYPE_I32);
}
#endif

/* The checker itself must reject a wrong answer, or the tests above prove nothing. */
Test(cpu_gemm, checker_rejects_a_wrong_element) {
  gemm_case gc = {"openblas", AB_DTYPE_F32, AB_DTYPE_F32, 37, 29, 53, 0, 0};
  gemm_host h;
  ab_case_info info;
  char msg[AB_MSG_LEN] = "";
  make_inputs(&gc, &h);
  cr_assert_eq(run_case(&gc, &h, &info, msg), AB_OK, "%s", msg);
  cr_expect_leq(worst_ratio(&gc, &h, h.c), 1.0);
  ((float *)h.c)[17 * 29 + 3] *= 1.001f;
  cr_expect_gt(worst_ratio(&gc, &h, h.c), 1.0, "a 0.1%% error went unnoticed");
  free_host(&h);
}

/* ---- unsupported and invalid cases --------------------------------------------------- */

static ab_status prepare_only(const char *provider, ab_kernel_desc *d, size_t n_ops, size_t bytes,
                              char *msg) {
  ab_buffer *buf[3] = {NULL, NULL, NULL};
  void *cs = NULL;
  ab_case_info info = {.struct_size = sizeof info};
  for (int i = 0; i < 3; i++)
    cr_assert_eq(g_be->buffer_alloc(g_dev, bytes, &buf[i], msg), AB_OK, "%s", msg);
  msg[0] = '\0';
  ab_status st = g_be->case_prepare(g_dev, d, provider, buf, n_ops, &cs, &info, msg);
  if (st == AB_OK && g_be->case_release)
    g_be->case_release(g_dev, cs);
  for (int i = 0; i < 3; i++)
    g_be->buffer_free(g_dev, buf[i]);
  return st;
}

static ab_kernel_desc gemm_desc(ab_dtype in, ab_dtype out) {
  ab_kernel_desc d = {
      .struct_size = sizeof d, .kind = AB_KERNEL_GEMM, .dtype = in, .out_dtype = out};
  d.params.gemm = (ab_gemm_params){37, 29, 53, 0, 0};
  return d;
}

static void expect_unsupported(const char *provider, ab_dtype in, ab_dtype out,
                               const char *must_mention) {
  char msg[AB_MSG_LEN];
  ab_kernel_desc d = gemm_desc(in, out);
  ab_status st = prepare_only(provider, &d, 3, 1 << 16, msg);
  cr_expect_eq(st, AB_E_UNSUPPORTED, "%s %d->%d: status %d (%s)", provider, (int)in, (int)out,
               (int)st, msg);
  cr_expect(msg[0], "%s %d->%d: empty reason", provider, (int)in, (int)out);
  if (must_mention)
    cr_expect(strstr(msg, must_mention), "reason \"%s\" does not mention %s", msg, must_mention);
}

Test(cpu_unsupported, answers_with_reasons, .init = setup_open, .fini = teardown) {
  expect_unsupported("openblas", AB_DTYPE_F16, AB_DTYPE_F16, "f16");
  expect_unsupported("openblas", AB_DTYPE_I8, AB_DTYPE_I32, "int8");
  void *sbgemm = dlsym(RTLD_DEFAULT, "cblas_sbgemm");
  void *blas = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD);
  if (blas)
    sbgemm = dlsym(blas, "cblas_sbgemm");
  if (!sbgemm) /* Debian 12's OpenBLAS: no bfloat16 at all */
    expect_unsupported("openblas", AB_DTYPE_BF16, AB_DTYPE_BF16, "cblas_sbgemm");
  else /* sbgemm writes f32; a bf16 C is still not offered */
    expect_unsupported("openblas", AB_DTYPE_BF16, AB_DTYPE_BF16, "f32");
#ifdef AB_TEST_CPU_ONEDNN
  expect_unsupported("onednn", AB_DTYPE_F16, AB_DTYPE_F16, "unimplemented");
  expect_unsupported("onednn", AB_DTYPE_F64, AB_DTYPE_F64, "f64");
#else
  expect_unsupported("onednn", AB_DTYPE_F32, AB_DTYPE_F32, "onednn");
#endif
  expect_unsupported("clblast", AB_DTYPE_F32, AB_DTYPE_F32, "clblast");
  ab_kernel_desc conv = gemm_desc(AB_DTYPE_F32, AB_DTYPE_F32);
  conv.kind = AB_KERNEL_CONV2D;
  char msg[AB_MSG_LEN];
  cr_expect_eq(prepare_only("openblas", &conv, 3, 1 << 16, msg), AB_E_UNSUPPORTED, "%s", msg);
  cr_expect(msg[0]);
}

/* A bad GEMM descriptor is invalid on every GEMM provider; native offers no GEMM at all. */
static void expect_invalid(ab_kernel_desc *d, size_t n_ops, size_t bytes, const char *mention) {
  char msg[AB_MSG_LEN];
  cr_expect_neq(prepare_only("native", d, n_ops, bytes, msg), AB_OK, "native accepted a GEMM");
  for (int p = 0; g_be->providers[p]; p++) {
    if (strcmp(g_be->providers[p], "native") == 0)
      continue;
    cr_expect_eq(prepare_only(g_be->providers[p], d, n_ops, bytes, msg), AB_E_INVALID,
                 "%s accepted a bad case (%s)", g_be->providers[p], msg);
    cr_expect(strstr(msg, mention), "message \"%s\" does not mention %s", msg, mention);
  }
}

Test(cpu_unsupported, odd_descriptors_are_refused, .init = setup_open, .fini = teardown) {
  ab_kernel_desc d = gemm_desc(AB_DTYPE_F32, AB_DTYPE_F32);
  expect_invalid(&d, 2, 1 << 16, "3 operands");
  expect_invalid(&d, 3, 100, "operand A");
  d.params.gemm.m = 0;
  expect_invalid(&d, 3, 1 << 16, "gemm.m");
  d = gemm_desc(AB_DTYPE_F32, AB_DTYPE_F32);
  d.params.gemm.k = -5;
  expect_invalid(&d, 3, 1 << 16, "gemm.k");
  d = gemm_desc(AB_DTYPE_F32, AB_DTYPE_F32);
  d.params.gemm.trans_b = 7;
  expect_invalid(&d, 3, 1 << 16, "trans");
  d = gemm_desc(AB_DTYPE_F32, AB_DTYPE_F32);
  d.params.gemm.m = INT64_MAX / 2;
  expect_invalid(&d, 3, 1 << 16, "operand A");
  d = gemm_desc((ab_dtype)99, AB_DTYPE_F32);
  expect_invalid(&d, 3, 1 << 16, "dtype");
  d = gemm_desc(AB_DTYPE_F32, AB_DTYPE_F32);
  d.struct_size = 4;
  expect_invalid(&d, 3, 1 << 16, "struct_size");
}

Test(cpu_unsupported, copies_outside_a_buffer_are_refused, .init = setup_open, .fini = teardown) {
  ab_buffer *b = NULL;
  char msg[AB_MSG_LEN], host[64] = {0};
  cr_assert_eq(g_be->buffer_alloc(g_dev, 32, &b, msg), AB_OK);
  cr_expect_eq(g_be->copy_to_device(g_dev, b, 0, host, 32, msg), AB_OK);
  cr_expect_eq(g_be->copy_to_device(g_dev, b, 1, host, 32, msg), AB_E_INVALID);
  cr_expect_eq(g_be->copy_to_host(g_dev, host, b, 33, 0, msg), AB_E_INVALID);
  cr_expect_eq(g_be->copy_to_host(g_dev, host, b, SIZE_MAX, 2, msg), AB_E_INVALID);
  g_be->buffer_free(g_dev, b);
  g_be->buffer_free(g_dev, NULL);
}

/* ---- fork: the harness may probe in the parent and run cases in a child -------------- */

/* C = ones(m x k) * ones(k x n) must be k everywhere. Plain C (no Criterion macros):
 * this runs in a grandchild of the Criterion runner. Returns 0 when right. */
static int child_gemm(const char *provider) {
  enum { M = 33, N = 17, K = 45 };
  static float a[M * K], b[K * N], c[M * N];
  ab_buffer *buf[3] = {NULL, NULL, NULL};
  void *cs = NULL;
  char msg[AB_MSG_LEN];
  ab_case_info info = {.struct_size = sizeof info};
  ab_timing t = {.struct_size = sizeof t};
  for (int i = 0; i < M * K; i++)
    a[i] = 1.0f;
  for (int i = 0; i < K * N; i++)
    b[i] = 1.0f;
  const void *host[2] = {a, b};
  size_t bytes[3] = {sizeof a, sizeof b, sizeof c};
  for (int i = 0; i < 3; i++)
    if (g_be->buffer_alloc(g_dev, bytes[i], &buf[i], msg) != AB_OK ||
        (i < 2 && g_be->copy_to_device(g_dev, buf[i], 0, host[i], bytes[i], msg) != AB_OK))
      return 1;
  ab_kernel_desc d = {.struct_size = sizeof d,
                      .kind = AB_KERNEL_GEMM,
                      .dtype = AB_DTYPE_F32,
                      .out_dtype = AB_DTYPE_F32};
  d.params.gemm = (ab_gemm_params){M, N, K, 0, 0};
  if (g_be->case_prepare(g_dev, &d, provider, buf, 3, &cs, &info, msg) != AB_OK ||
      g_be->case_run(g_dev, cs, 3, &t, msg) != AB_OK ||
      g_be->copy_to_host(g_dev, c, buf[2], 0, sizeof c, msg) != AB_OK)
    return 2;
  g_be->case_release(g_dev, cs);
  for (int i = 0; i < 3; i++)
    g_be->buffer_free(g_dev, buf[i]);
  for (int i = 0; i < M * N; i++)
    if (c[i] != (float)K)
      return 3;
  return 0;
}

static int child_main(void) {
  char msg[AB_MSG_LEN];
  g_dev = calloc(1, g_be->device_state_size);
  if (!g_dev || g_be->open(0, g_dev, NULL, 0, msg) != AB_OK)
    return 10;
  int rc = 0;
  for (int p = 0; g_be->providers[p] && rc == 0; p++)
    if (strcmp(g_be->providers[p], "native") != 0) /* GEMM: the library providers */
      rc = child_gemm(g_be->providers[p]) ? 20 + p : 0;
  g_be->close(g_dev);
  return rc;
}

/* Wait up to 60 s for the child; a hang is a failure, not a stuck test run. */
static int wait_child(pid_t pid) {
  int status = 0;
  pid_t done = 0;
  for (int waited_ms = 0; done == 0 && waited_ms < 60000; waited_ms += 10) {
    done = waitpid(pid, &status, WNOHANG);
    if (done == 0)
      nanosleep(&(struct timespec){0, 10000000}, NULL);
  }
  if (done == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    cr_assert_fail("the child hung for 60 s opening/running the device after a fork");
  }
  cr_assert(WIFEXITED(status), "child died of signal %d", WTERMSIG(status));
  return WEXITSTATUS(status);
}

Test(cpu_fork, probe_in_parent_run_in_child, .init = setup_plain, .fini = teardown) {
  ab_device_info info;
  get_info(&info); /* the parent has loaded OpenBLAS, whose threads are up */
  pid_t pid = fork();
  cr_assert_neq(pid, -1, "fork failed");
  if (pid == 0)
    _exit(child_main());
  int rc = wait_child(pid);
  cr_expect_eq(rc, 0, "child failed: exit %d (10: open failed; 20+i: GEMM on provider i failed)",
               rc);
}

#ifdef AB_TEST_CPU_ONEDNN
/* GNU OpenMP hangs in a child forked after the parent ran a parallel region; the backend
 * must answer with an error instead (OpenBLAS keeps working). */
Test(cpu_fork, onednn_in_parent_then_child_errors_not_hangs, .init = setup_open, .fini = teardown) {
  cr_assert_eq(child_gemm("onednn"), 0, "onednn GEMM in the parent failed");
  pid_t pid = fork();
  cr_assert_neq(pid, -1, "fork failed");
  if (pid == 0) {
    char msg[AB_MSG_LEN];
    g_dev = calloc(1, g_be->device_state_size);
    if (!g_dev || g_be->open(0, g_dev, NULL, 0, msg) != AB_OK)
      _exit(10);
    _exit(child_gemm("openblas") != 0 ? 11 : child_gemm("onednn") != 2 ? 12 : 0);
  }
  int rc = wait_child(pid);
  cr_expect_eq(rc, 0, "child: exit %d (11: openblas failed; 12: onednn did not refuse)", rc);
}
#endif
