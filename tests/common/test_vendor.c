/* The shared vendor-adapter layer (backends/common/ab_vendor.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ab_vendor.h"

typedef struct abv_table {
  int (*first)(int);
  int (*second)(int);
} abv_table;

static const ab_vsym both[] = {AB_VSYM(abv_table, first, "abv_first"),
                               AB_VSYM(abv_table, second, "abv_second")};
static const ab_vsym second_optional[] = {AB_VSYM(abv_table, first, "abv_first"),
                                          AB_VSYM_OPT(abv_table, second, "abv_second")};

static ab_vlib_spec spec(const char *const *sonames, const ab_vsym *syms) {
  return (ab_vlib_spec){.what = "Fixture runtime",
                        .env = "ABV_TEST_LIBRARY",
                        .sonames = sonames,
                        .syms = syms,
                        .n_syms = 2,
                        .hint = "install the fixture"};
}

Test(vlib, finds_the_first_candidate_that_loads) {
  unsetenv("ABV_TEST_LIBRARY");
  const char *const names[] = {"libabv-absent.so.13", ABV_FULL, NULL};
  ab_vlib_spec s = spec(names, both);
  ab_vlib lib;
  abv_table t = {0};
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_vlib_open(&s, &lib, &t, msg), AB_OK, "%s", msg);
  cr_expect_str_eq(lib.path, ABV_FULL);
  cr_expect_eq(t.first(1), 2);
  cr_expect_eq(t.second(3), 6);
  ab_vlib_close(&lib);
  cr_expect_null(lib.handle);
}

Test(vlib, not_found_lists_every_path_with_dlerror) {
  unsetenv("ABV_TEST_LIBRARY");
  const char *const names[] = {"libabv-absent.so.13", "libabv-absent.so.12", NULL};
  ab_vlib_spec s = spec(names, both);
  ab_vlib lib;
  abv_table t = {0};
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_vlib_open(&s, &lib, &t, msg), AB_E_NOT_FOUND);
  cr_expect_str_eq(msg, "Fixture runtime not found: tried libabv-absent.so.13 "
                        "(libabv-absent.so.13: cannot open shared object file: No such file or "
                        "directory); libabv-absent.so.12 (libabv-absent.so.12: cannot open shared "
                        "object file: No such file or directory); set ABV_TEST_LIBRARY to the "
                        "library's path to use another file (install the fixture)");
  cr_expect_null(lib.handle);
}

Test(vlib, missing_mandatory_symbol_names_it_and_the_file) {
  unsetenv("ABV_TEST_LIBRARY");
  const char *const names[] = {ABV_PARTIAL, NULL};
  ab_vlib_spec s = spec(names, both);
  ab_vlib lib;
  abv_table t = {0};
  char msg[AB_MSG_LEN], want[AB_MSG_LEN];
  cr_assert_eq(ab_vlib_open(&s, &lib, &t, msg), AB_E_NOT_FOUND);
  snprintf(want, sizeof want,
           "%s: mandatory symbol abv_second missing (%s: undefined symbol: "
           "abv_second)",
           ABV_PARTIAL, ABV_PARTIAL);
  cr_expect_str_eq(msg, want);
  cr_expect_null(lib.handle, "a refused library must not stay loaded");
}

Test(vlib, missing_optional_symbol_leaves_its_slot_null) {
  unsetenv("ABV_TEST_LIBRARY");
  const char *const names[] = {ABV_PARTIAL, NULL};
  ab_vlib_spec s = spec(names, second_optional);
  ab_vlib lib;
  abv_table t = {.second = (int (*)(int))abs};
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_vlib_open(&s, &lib, &t, msg), AB_OK, "%s", msg);
  cr_expect_not_null(t.first);
  cr_expect_null(t.second);
  ab_vlib_close(&lib);
}

Test(vlib, override_is_honoured_and_is_the_only_path_tried) {
  const char *const names[] = {ABV_PARTIAL, NULL};
  ab_vlib_spec s = spec(names, both);
  ab_vlib lib;
  abv_table t = {0};
  char msg[AB_MSG_LEN];
  setenv("ABV_TEST_LIBRARY", ABV_FULL, 1);
  cr_assert_eq(ab_vlib_open(&s, &lib, &t, msg), AB_OK, "%s", msg);
  cr_expect_str_eq(lib.path, ABV_FULL);
  ab_vlib_close(&lib);
  /* A wrong override is reported as such, not silently replaced by a soname. */
  setenv("ABV_TEST_LIBRARY", "/nonexistent/libabv.so", 1);
  const char *const good[] = {ABV_FULL, NULL};
  s = spec(good, both);
  cr_assert_eq(ab_vlib_open(&s, &lib, &t, msg), AB_E_NOT_FOUND);
  cr_expect_str_eq(msg, "Fixture runtime not found: tried ABV_TEST_LIBRARY=/nonexistent/libabv.so "
                        "(/nonexistent/libabv.so: cannot open shared object file: No such file or "
                        "directory) (install the fixture)");
  unsetenv("ABV_TEST_LIBRARY");
}

Test(vfail, keeps_the_vendor_code_and_text) {
  char msg[AB_MSG_LEN];
  cr_expect_eq(ab_vfail(msg, AB_E_DEVICE, "cudaGetDeviceCount", 35, "cudaErrorInsufficientDriver",
                        "CUDA driver version is insufficient for CUDA runtime version"),
               AB_E_DEVICE);
  cr_expect_str_eq(msg, "cudaGetDeviceCount: cudaErrorInsufficientDriver (35): CUDA driver "
                        "version is insufficient for CUDA runtime version");
  ab_vfail(msg, AB_E_DEVICE, "aclrtMalloc", 207001, NULL, NULL);
  cr_expect_str_eq(msg, "aclrtMalloc: error (207001)");
}

/* ---- GEMM mapping: a plain column-major GEMM on the mapped arguments must equal the
 * row-major definition for every transpose combination. ---- */

static void colmajor_gemm(int ta, int tb, int64_t m, int64_t n, int64_t k, const double *a,
                          int64_t lda, const double *b, int64_t ldb, double *c, int64_t ldc) {
  for (int64_t j = 0; j < n; j++)
    for (int64_t i = 0; i < m; i++) {
      double s = 0.0;
      for (int64_t p = 0; p < k; p++)
        s += (ta ? a[p + i * lda] : a[i + p * lda]) * (tb ? b[j + p * ldb] : b[p + j * ldb]);
      c[i + j * ldc] = s;
    }
}

Test(gemm_map, colmajor_call_computes_the_rowmajor_product) {
  enum { M = 3, N = 5, K = 4 };
  double a[M * K], b[K * N], c[M * N];
  for (int i = 0; i < M * K; i++)
    a[i] = i * 0.5 - 2;
  for (int i = 0; i < K * N; i++)
    b[i] = 1.0 / (i + 1);
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++) {
      ab_gemm_params g = {.m = M, .n = N, .k = K, .trans_a = ta, .trans_b = tb};
      ab_colmajor_gemm cm;
      ab_gemm_to_colmajor(&g, &cm);
      cr_expect_eq(cm.m, N);
      cr_expect_eq(cm.n, M);
      colmajor_gemm(cm.trans_first, cm.trans_second, cm.m, cm.n, cm.k, b, cm.ld_first, a,
                    cm.ld_second, c, cm.ld_c);
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
          double want = 0.0;
          for (int p = 0; p < K; p++)
            want += (ta ? a[p * M + i] : a[i * K + p]) * (tb ? b[j * K + p] : b[p * N + j]);
          cr_expect_float_eq(c[i * N + j], want, 1e-12, "ta=%d tb=%d C[%d][%d]", ta, tb, i, j);
        }
    }
}

Test(gemm_check, names_the_field_and_operand) {
  ab_kernel_desc d = {.struct_size = sizeof d,
                      .kind = AB_KERNEL_GEMM,
                      .dtype = AB_DTYPE_F32,
                      .out_dtype = AB_DTYPE_F32};
  d.params.gemm = (ab_gemm_params){.m = 4, .n = 8, .k = 2};
  size_t ok[3] = {4 * 2 * 4, 2 * 8 * 4, 4 * 8 * 4}, small[3] = {32, 64, 127};
  char msg[AB_MSG_LEN];
  cr_expect_eq(ab_vcheck_gemm(&d, ok, 3, INT32_MAX, msg), AB_OK, "%s", msg);
  cr_expect_eq(ab_vcheck_gemm(&d, small, 3, INT32_MAX, msg), AB_E_INVALID);
  cr_expect_str_eq(msg, "operand 2 (C): needs 128 bytes of f32, got 127");
  cr_expect_eq(ab_vcheck_gemm(&d, ok, 2, INT32_MAX, msg), AB_E_INVALID);
  d.params.gemm.k = INT64_C(1) << 31;
  cr_expect_eq(ab_vcheck_gemm(&d, ok, 3, INT32_MAX, msg), AB_E_INVALID);
  cr_expect(strstr(msg, "desc.params.gemm: m, n, k must be in 1..2147483647") != NULL, "%s", msg);
}

/* ---- timing and warm calls through callbacks ---- */

typedef struct fake_events {
  double clock, start, end;
  int records[2];
  uint32_t calls;
} fake_events;

static ab_status fake_record(void *ctx, int which, char *msg) {
  (void)msg;
  fake_events *e = ctx;
  e->records[which]++;
  *(which ? &e->end : &e->start) = e->clock;
  return AB_OK;
}

static ab_status fake_elapsed(void *ctx, double *s, char *msg) {
  (void)msg;
  fake_events *e = ctx;
  *s = e->end - e->start;
  return AB_OK;
}

static ab_status fake_call(void *ctx, char *msg) {
  fake_events *e = ctx;
  e->calls++;
  e->clock += 0.25; /* each call takes a quarter of a second of "device" time */
  if (e->calls == 100) {
    snprintf(msg, AB_MSG_LEN, "call 100 failed");
    return AB_E_DEVICE;
  }
  return AB_OK;
}

Test(vtime, times_n_calls_between_two_markers) {
  fake_events e = {0};
  ab_vtimer t = {&e, fake_record, fake_elapsed};
  double s;
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_vtime_calls(&t, fake_call, &e, 8, &s, msg), AB_OK);
  cr_expect_eq(e.calls, 8);
  cr_expect_eq(e.records[0], 1);
  cr_expect_eq(e.records[1], 1);
  cr_expect_float_eq(s, 2.0, 1e-12);
  /* A failing call stops the loop and keeps its message. */
  cr_expect_eq(ab_vtime_calls(&t, fake_call, &e, 200, &s, msg), AB_E_DEVICE);
  cr_expect_eq(e.calls, 100);
  cr_expect_str_eq(msg, "call 100 failed");
}

Test(vtime, case_run_writes_device_seconds_or_minus_one) {
  fake_events e = {0};
  ab_vtimer t = {&e, fake_record, fake_elapsed};
  ab_timing timing = {.struct_size = sizeof timing};
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_vtime_case(&t, fake_call, &e, 4, &timing, msg), AB_OK);
  cr_expect_float_eq(timing.device_seconds, 1.0, 1e-12);
  cr_expect_eq(ab_vtime_case(&t, fake_call, &e, 200, &timing, msg), AB_E_DEVICE);
  cr_expect_eq(timing.device_seconds, -1.0, "a failed run reports no device time");
}

Test(vtime, warm_call_books_device_time_as_warm_not_setup) {
  fake_events e = {0};
  ab_vtimer t = {&e, fake_record, fake_elapsed};
  ab_case_info info = {.struct_size = sizeof info};
  char msg[AB_MSG_LEN];
  double t0 = ab_vnow() - 10.0; /* prepare started 10 s ago */
  cr_assert_eq(ab_vwarm_call(&t, fake_call, &e, t0, &info, msg), AB_OK);
  cr_expect_eq(info.warm_calls, 1);
  cr_expect_float_eq(info.warm_seconds, 0.25, 1e-12);
  cr_expect(info.setup_seconds > 9.7 && info.setup_seconds < 11.0, "%g", info.setup_seconds);
  /* An older harness without warm_calls: everything stays setup. */
  ab_case_info old = {.struct_size = offsetof(ab_case_info, warm_seconds)};
  ab_vwarm_account(&old, 2.0, 0.5);
  cr_expect_float_eq(old.setup_seconds, 2.0, 1e-12);
}

static int n_allocs, n_frees;
static ab_status host_alloc(void *ctx, size_t bytes, void **p, char *msg) {
  (void)ctx, (void)msg;
  n_allocs++;
  *p = malloc(bytes);
  return AB_OK;
}
static void host_free(void *ctx, void *p) {
  (void)ctx;
  n_frees++;
  free(p);
}

Test(vworkspace, grows_only_and_counts_allocations) {
  ab_vmem mem = {NULL, host_alloc, host_free};
  ab_vworkspace ws = {0};
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_vworkspace_reserve(&ws, &mem, 1024, msg), AB_OK);
  cr_assert_eq(ab_vworkspace_reserve(&ws, &mem, 512, msg), AB_OK);
  cr_expect_eq(ws.allocations, 1);
  cr_assert_eq(ab_vworkspace_reserve(&ws, &mem, 4096, msg), AB_OK);
  cr_expect_eq(ws.allocations, 2);
  cr_expect_eq(ws.bytes, 4096);
  ab_vworkspace_release(&ws, &mem);
  cr_expect_eq(n_allocs, 2);
  cr_expect_eq(n_frees, 2);
  cr_expect_null(ws.ptr);
}
