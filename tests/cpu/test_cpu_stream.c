/* STREAM and membw on the CPU backend, through the real runner: every op in both dtypes is
 * ok with every element checked, under the default provider (as the planner runs a device
 * ceiling) and under native. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "run_kind.h"
#include "stream_desc.h"

static rk_device g;

static void setup(void) {
  rk_open(&g, "cpu");
}

static void teardown(void) {
  rk_close(&g);
}

TestSuite(cpu_stream, .init = setup, .fini = teardown);

/* An odd count, so the threads' slices are uneven and the loop tails are exercised. */
#define N 100003

Test(cpu_stream, every_op_and_dtype_is_ok_through_the_runner) {
  const char *providers[] = {"openblas", "native"};
  const ab_dtype dtypes[] = {AB_DTYPE_F32, AB_DTYPE_F64};
  for (int op = AB_STREAM_COPY; op <= AB_STREAM_TRIAD; op++)
    for (size_t t = 0; t < 2; t++)
      for (size_t p = 0; p < 2; p++) {
        ab_kernel_desc d = stream_desc((ab_stream_op)op, dtypes[t], N);
        ab_case_result r = rk_run(&g, &d, providers[p]);
        cr_expect_eq(r.status, AB_CASE_OK, "op %d %s %s: %s", op, ab_dtype_str(dtypes[t]),
                     providers[p], r.reason);
        cr_expect(r.validation.checked);
        cr_expect_eq(r.validation.elements_checked, N);
        cr_expect_eq(r.validation.mismatches, 0);
        cr_expect(strstr(r.implementation, "own OpenMP STREAM") != NULL, "%s", r.implementation);
        cr_expect_gt(r.time_s.median, 0.0);
      }
}

/* The L3 size as the kernel reports it (hwloc, which the backend asks, reads the same
 * files; glibc's sysconf may report the host's L3 inside a VM); 32 MiB when unknown. */
static int64_t l3_bytes(void) {
  FILE *f = fopen("/sys/devices/system/cpu/cpu0/cache/index3/size", "r");
  long kib = 0;
  if (f && fscanf(f, "%ldK", &kib) != 1)
    kib = 0;
  if (f)
    fclose(f);
  return kib > 0 ? (int64_t)kib << 10 : (int64_t)32 << 20;
}

/* Arrays beyond the last-level cache take the non-temporal path (where the CPU has one):
 * every op in f64 and triad in f32, with an odd count so the slices end in a plain tail. */
Test(cpu_stream, arrays_beyond_the_cache_are_ok_with_streaming_stores) {
  int64_t bytes = l3_bytes() * 5 / 4;
  const struct {
    ab_stream_op op;
    ab_dtype t;
  } cases[] = {{AB_STREAM_COPY, AB_DTYPE_F64},
               {AB_STREAM_SCALE, AB_DTYPE_F64},
               {AB_STREAM_ADD, AB_DTYPE_F64},
               {AB_STREAM_TRIAD, AB_DTYPE_F64},
               {AB_STREAM_TRIAD, AB_DTYPE_F32}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t n = bytes / (int64_t)ab_dtype_size(cases[i].t) + 3;
    ab_kernel_desc d = stream_desc(cases[i].op, cases[i].t, n);
    ab_case_result r = rk_run(&g, &d, "openblas");
    cr_expect_eq(r.status, AB_CASE_OK, "case %zu: %s", i, r.reason);
    cr_expect_eq(r.validation.elements_checked, (uint64_t)n);
#if defined(__SSE2__)
    cr_expect(strstr(r.implementation, "non-temporal") != NULL, "%s", r.implementation);
#endif
  }
}

Test(cpu_stream, membw_copies_every_byte_through_the_runner) {
  ab_kernel_desc d = {.struct_size = sizeof d,
                      .kind = AB_KERNEL_MEMBW,
                      .dtype = AB_DTYPE_I8,
                      .out_dtype = AB_DTYPE_I8};
  d.params.transfer.bytes = 1000003;
  ab_case_result r = rk_run(&g, &d, "openblas");
  cr_expect_eq(r.status, AB_CASE_OK, "%s", r.reason);
  cr_expect_eq(r.validation.elements_checked, 1000003);
  cr_expect(strstr(r.implementation, "memcpy") != NULL, "%s", r.implementation);
}

Test(cpu_stream, other_dtypes_are_refused_with_a_reason) {
  ab_kernel_desc d = stream_desc(AB_STREAM_TRIAD, AB_DTYPE_F16, 1000);
  ab_case_result r = rk_run(&g, &d, "openblas");
  cr_expect_neq(r.status, AB_CASE_OK);
  cr_expect(strstr(r.reason, "f32 or f64") != NULL, "%s", r.reason);
}
