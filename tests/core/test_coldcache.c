/* Cold cache (bench/coldcache.c): how many copies a case gets, that calls rotate through
 * every copy, that a failed copy leaves nothing behind, and that the runner records it. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "coldcache.h"
#include "model/runfile.h"
#include "runner.h"

/* ---- copies ----------------------------------------------------------------------------- */

Test(coldcache, copies_fill_the_budget_only_when_on_and_below_it) {
  ab_measure_opts m = {.cold_cache = true, .cold_cache_budget_bytes = 1000};
  cr_expect_eq(ab_cold_cache_copies(&m, 300), 4); /* ceil(1000 / 300) */
  cr_expect_eq(ab_cold_cache_copies(&m, 1000), 0);
  cr_expect_eq(ab_cold_cache_copies(&m, 5000), 0);
  cr_expect_eq(ab_cold_cache_copies(&m, 1), 1000);
  m.cold_cache_budget_bytes = 1 << 20; /* a million copies of a 1-byte case: bounded */
  cr_expect_eq(ab_cold_cache_copies(&m, 1), AB_COLD_CACHE_MAX_COPIES);
  m.cold_cache = false;
  cr_expect_eq(ab_cold_cache_copies(&m, 300), 0);
  m = (ab_measure_opts){.cold_cache = true}; /* budget 0: the default, 1 GiB */
  cr_expect_eq(ab_cold_cache_copies(&m, (uint64_t)1 << 28), 4);
}

Test(coldcache, parse_takes_on_off_and_a_budget) {
  ab_measure_opts m = {0};
  char msg[AB_MSG_LEN] = "";
  cr_expect(ab_cold_cache_parse("on", &m, msg) && m.cold_cache);
  cr_expect(ab_cold_cache_parse("off", &m, msg) && !m.cold_cache);
  cr_expect(ab_cold_cache_parse("2097152", &m, msg) && m.cold_cache);
  cr_expect_eq(m.cold_cache_budget_bytes, 2097152);
  cr_expect(!ab_cold_cache_parse("12", &m, msg));
  cr_expect(strstr(msg, "--cold-cache '12'") != NULL, "%s", msg);
  cr_expect(!ab_cold_cache_parse("-5", &m, msg));
  cr_expect(!ab_cold_cache_parse("1G", &m, msg));
}

/* ---- rotation, with a counting stand-in for a backend ----------------------------------- */

static int g_allocs, g_frees, g_prepares, g_releases, g_fail_prepare_at;

struct ab_buffer {
  size_t bytes;
};

static ab_status cnt_alloc(void *s, size_t bytes, ab_buffer **out, char *msg) {
  (void)s, (void)msg;
  *out = malloc(sizeof **out);
  (*out)->bytes = bytes;
  g_allocs++;
  return AB_OK;
}

static void cnt_free(void *s, ab_buffer *b) {
  (void)s;
  free(b);
  g_frees++;
}

static ab_status cnt_upload(void *s, ab_buffer *b, size_t off, const void *src, size_t n,
                            char *msg) {
  (void)s, (void)src, (void)msg;
  cr_assert_leq(off + n, b->bytes);
  return AB_OK;
}

static ab_status cnt_prepare(void *s, const ab_kernel_desc *d, const char *p, ab_buffer *const *ops,
                             size_t n, void **cs, ab_case_info *info, char *msg) {
  (void)s, (void)d, (void)p, (void)info;
  cr_assert_eq(n, 2);
  cr_assert(ops[0] && ops[1] && ops[0] != ops[1]);
  if (++g_prepares == g_fail_prepare_at) {
    strcpy(msg, "prepare refused");
    return AB_E_DEVICE;
  }
  *cs = malloc(1);
  return AB_OK;
}

static void cnt_release(void *s, void *cs) {
  (void)s;
  free(cs);
  g_releases++;
}

static const ab_backend counting = {.buffer_alloc = cnt_alloc,
                                    .buffer_free = cnt_free,
                                    .copy_to_device = cnt_upload,
                                    .case_prepare = cnt_prepare,
                                    .case_release = cnt_release};

static ab_cold_source source(int *first) {
  static ab_kernel_desc d = {.kind = AB_KERNEL_MEMBW};
  static const ab_operand_def ops[2] = {{AB_OPERAND_INPUT, AB_DTYPE_I8, 100, AB_DIST_UNIFORM},
                                        {AB_OPERAND_OUTPUT, AB_DTYPE_I8, 100, AB_DIST_UNIFORM}};
  static unsigned char input[100];
  static const void *host[2] = {input, NULL};
  g_allocs = g_frees = g_prepares = g_releases = g_fail_prepare_at = 0;
  return (ab_cold_source){&counting, NULL, &d, "p", ops, 2, host, first};
}

Test(coldcache, calls_rotate_through_every_copy) {
  int first;
  ab_cold_source src = source(&first);
  ab_cold_cache *cc;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_cold_cache_make(&src, 5, &cc, msg), AB_OK, "%s", msg);
  cr_expect_eq(ab_cold_cache_count(cc), 5);
  cr_expect_eq(ab_cold_cache_bytes(cc), 5 * 200);
  cr_expect_eq(g_prepares, 4);
  cr_expect_eq(g_allocs, 8);
  void *seen[5];
  for (int i = 0; i < 5; i++) {
    seen[i] = ab_cold_cache_next(cc);
    for (int j = 0; j < i; j++)
      cr_expect_neq(seen[i], seen[j], "call %d reused copy %d's case", i, j);
  }
  cr_expect_eq(seen[0], &first);
  cr_expect_eq(ab_cold_cache_next(cc), &first, "the sixth call starts over");
  ab_cold_cache_free(cc);
  cr_expect_eq(g_releases, 4);
  cr_expect_eq(g_frees, 8);
}

Test(coldcache, a_failed_copy_frees_everything) {
  int first;
  ab_cold_source src = source(&first);
  g_fail_prepare_at = 3;
  ab_cold_cache *cc = (ab_cold_cache *)&first;
  char msg[AB_MSG_LEN] = "";
  cr_expect_eq(ab_cold_cache_make(&src, 6, &cc, msg), AB_E_DEVICE);
  cr_expect_str_eq(msg, "prepare refused");
  cr_expect_null(cc);
  cr_expect_eq(g_releases, 2);
  cr_expect_eq(g_frees, g_allocs);
}

/* ---- through the runner (fake backend) -------------------------------------------------- */

Test(coldcache, the_runner_rotates_one_iteration_per_call_and_records_it) {
  ab_loaded_backend fake;
  ab_open_device dev;
  ab_suite suite = {.seed = 42, .validate_max_elements = 4096};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_backend_load_file(AB_TEST_MODULE_DIR "/accelbench-backend-fake.so", &fake, msg),
               AB_OK, "%s", msg);
  suite.measure = ab_measure_defaults();
  suite.measure.warmup_s = 0.0;
  suite.measure.time_cap_s = 0.05;
  suite.measure.cold_cache = true;
  suite.measure.cold_cache_budget_bytes = 1 << 20;
  cr_assert_eq(ab_device_open(&dev, &fake, 0, &suite, msg), AB_OK, "%s", msg);
  ab_case_spec spec = {.set = "t"};
  spec.desc = (ab_kernel_desc){.struct_size = sizeof spec.desc,
                               .kind = AB_KERNEL_GEMM,
                               .dtype = AB_DTYPE_F32,
                               .out_dtype = AB_DTYPE_F32};
  spec.desc.params.gemm = (ab_gemm_params){.m = 24, .n = 20, .k = 16};
  ab_case_result r;
  ab_run_case(&dev, &spec, "exact", &suite, &r);
  uint64_t case_bytes = (24 * 16 + 16 * 20 + 24 * 20) * 4;
  cr_expect_eq(r.status, AB_CASE_OK, "%s", r.reason);
  cr_expect_eq(r.cold_cache_copies, ((1 << 20) + case_bytes - 1) / case_bytes);
  cr_expect_eq(r.cold_cache_bytes, r.cold_cache_copies * case_bytes);
  cr_expect_eq(r.iterations_per_sample, 1);
  ab_case_result_clear(&r);            /* the record owns its raw samples */
  ab_case_spec ceiling = {.set = "t"}; /* a device ceiling runs warm */
  ceiling.desc = (ab_kernel_desc){.struct_size = sizeof ceiling.desc,
                                  .kind = AB_KERNEL_MEMBW,
                                  .dtype = AB_DTYPE_I8,
                                  .out_dtype = AB_DTYPE_I8};
  ceiling.desc.params.transfer.bytes = 4096;
  ab_run_case(&dev, &ceiling, "exact", &suite, &r);
  cr_expect_eq(r.status, AB_CASE_OK, "%s", r.reason);
  cr_expect_eq(r.cold_cache_copies, 0);
  ab_case_result_clear(&r);
  suite.measure.cold_cache = false; /* warm: nothing recorded */
  ab_run_case(&dev, &spec, "exact", &suite, &r);
  cr_expect_eq(r.status, AB_CASE_OK, "%s", r.reason);
  cr_expect_eq(r.cold_cache_copies, 0);
  ab_case_result_clear(&r);
  ab_device_close(&dev);
}
