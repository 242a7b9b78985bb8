/* Tests of the suite loader (bench/config.c): shipped configs, defaults, the llm
 * expansion, a corpus of bad configs with their expected messages, and robustness against
 * truncated and mutated input. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kernel.h"
#include "suite.h"

#define SRC(p) AB_TEST_SOURCE_DIR "/" p

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  cr_assert(f, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)size + 1);
  cr_assert(buf);
  *len = fread(buf, 1, (size_t)size, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static ab_suite load_ok(const char *path) {
  ab_suite s;
  char msg[AB_MSG_LEN];
  ab_status st = ab_suite_load(path, &s, msg);
  cr_assert_eq(st, AB_OK, "%s: %s", path, msg);
  return s;
}

static ab_suite load_str_ok(const char *yaml) {
  ab_suite s;
  char msg[AB_MSG_LEN];
  ab_status st = ab_suite_load_string("t.yaml", yaml, strlen(yaml), &s, msg);
  cr_assert_eq(st, AB_OK, "%s", msg);
  return s;
}

static size_t count_set(const ab_suite *s, const char *set) {
  size_t n = 0;
  for (size_t i = 0; i < s->n_cases; i++)
    n += strcmp(s->cases[i].set, set) == 0;
  return n;
}

/* Invariants every loaded case must hold, whatever the config. */
static void check_cases(const ab_suite *s) {
  for (size_t i = 0; i < s->n_cases; i++) {
    const ab_case_spec *c = &s->cases[i];
    const ab_gemm_params *g = &c->desc.params.gemm;
    cr_assert_eq(c->desc.struct_size, sizeof(ab_kernel_desc));
    cr_assert_neq(c->set[0], '\0');
    if (c->desc.kind >= AB_KERNEL_MEMBW && c->desc.kind <= AB_KERNEL_LAUNCH) {
      cr_assert_str_eq(c->set, "micro"); /* microbenchmarks: the "micro" set */
      continue;
    }
    if (c->desc.kind != AB_KERNEL_GEMM) { /* other kinds: valid by their own table */
      char msg[AB_MSG_LEN] = "";
      cr_assert_eq(ab_kernel_check(&c->desc, msg, sizeof msg), AB_OK, "case %zu: %s", i, msg);
      continue;
    }
    if (c->desc.kind != AB_KERNEL_GEMM) { /* a kernels: set, checked by its kind's table */
      char msg[256] = "";
      cr_assert_eq(ab_kernel_check(&c->desc, msg, sizeof msg), AB_OK, "case %zu: %s", i, msg);
      continue;
    }
    cr_assert(c->desc.dtype > AB_DTYPE_INVALID && c->desc.dtype < AB_DTYPE_COUNT);
    cr_assert_eq(c->desc.out_dtype, c->desc.dtype == AB_DTYPE_I8 ? AB_DTYPE_I32 : c->desc.dtype);
    cr_assert(g->m > 0 && g->n > 0 && g->k > 0, "case %zu has a non-positive dimension", i);
  }
}

/* ---- shipped configs ---------------------------------------------------------------- */

Test(config, quick_loads) {
  ab_suite s = load_ok(SRC("configs/quick.yaml"));
  check_cases(&s);
  cr_assert_str_eq(s.name, "quick");
  /* square: 3 sizes x 5 dtypes; llm-1b: 2 token counts x 3 GEMMs x 2 dtypes. */
  cr_assert_eq(count_set(&s, "square"), 15);
  cr_assert_eq(count_set(&s, "llm-1b"), 12);
  /* micro: peak x 4 dtypes, membw, H2D and D2H pageable + pinned, launch */
  cr_assert_eq(count_set(&s, "micro"), 10);
  cr_assert_eq(count_set(&s, "attn-1b"), 2); /* one prefill, one decode */
  /* conv2d: one shape per layout */
  cr_assert_eq(count_set(&s, "conv-nchw"), 1);
  cr_assert_eq(count_set(&s, "conv-nhwc"), 1);
  /* memory-bound kernels, f32: norm and activation 2 ops each; softmax, residual, rope 1 */
  cr_assert_eq(count_set(&s, "tinyllama-norm"), 2);
  cr_assert_eq(count_set(&s, "tinyllama-activation"), 2);

  /* kernels: stream, 4 ops in f64 */
  cr_assert_eq(count_set(&s, "stream"), 4);
  /* decoder: prefill at batch 1 and 4, decode at batch 1 and 8 */
  cr_assert_eq(count_set(&s, "tinyllama-layer"), 4);
  cr_assert_eq(s.n_cases, 41 + 7 + 4 + 4);
  cr_assert_float_eq(s.measure.time_cap_s, 0.5, 1e-12);
  ab_suite_free(&s);
}

Test(config, llm_loads) {
  ab_suite s = load_ok(SRC("configs/llm.yaml"));
  check_cases(&s);
  /* 2 models x 16 token counts (1..32768, powers of two) x 3 GEMMs x 5 dtypes */
  cr_assert_eq(count_set(&s, "llm-7b"), 240);
  cr_assert_eq(count_set(&s, "llm-70b"), 240);
  /* decoder: 3 prefill + 2 batches x 4 contexts of decode, x 3 dtypes, per KV-head count */
  cr_assert_eq(count_set(&s, "layer-7b-mha"), 33);
  cr_assert_eq(count_set(&s, "layer-7b-gqa"), 33);
  cr_assert_eq(s.n_cases, 480 + 66);
  ab_suite_free(&s);
}

/* poc-full's DeepBench sets must be exactly the shapes of the reference TSV (a copy of
 * ../shared/reference/deepbench-inference-gemm.tsv, from baidu-research/DeepBench
 * code/kernels/gemm_problems.h), in order, for every dtype. */
static void check_deepbench(const ab_suite *s, const char *tsv_set, const char *set,
                            size_t n_dtypes) {
  size_t len = 0;
  char *tsv = slurp(SRC("tests/config/deepbench-inference-gemm.tsv"), &len);
  long long want[128][3];
  size_t n_want = 0;
  for (char *line = strtok(tsv, "\n"); line; line = strtok(NULL, "\n")) {
    char name[32];
    long long m, n, k;
    if (line[0] == '#' || sscanf(line, "%31s %lld %lld %lld", name, &m, &n, &k) != 4 ||
        strcmp(name, tsv_set) != 0)
      continue;
    cr_assert_lt(n_want, 128);
    want[n_want][0] = m;
    want[n_want][1] = n;
    want[n_want][2] = k;
    n_want++;
  }
  free(tsv);
  cr_assert_eq(count_set(s, set), n_want * n_dtypes, "%s: %zu cases, want %zu shapes x %zu", set,
               count_set(s, set), n_want, n_dtypes);
  size_t j = 0;
  for (size_t i = 0; i < s->n_cases; i++) {
    if (strcmp(s->cases[i].set, set) != 0)
      continue;
    const ab_gemm_params *g = &s->cases[i].desc.params.gemm;
    const long long *w = want[j++ % n_want];
    cr_assert(g->m == w[0] && g->n == w[1] && g->k == w[2] && !g->trans_a && !g->trans_b,
              "%s case %zu: %lld %lld %lld, want %lld %lld %lld", set, j, (long long)g->m,
              (long long)g->n, (long long)g->k, w[0], w[1], w[2]);
  }
}

Test(config, poc_full_loads) {
  ab_suite s = load_ok(SRC("configs/poc-full.yaml"));
  check_cases(&s);
  cr_assert_eq(count_set(&s, "square"), 25);
  check_deepbench(&s, "server", "deepbench-server", 5);
  check_deepbench(&s, "device", "deepbench-device", 5);
  cr_assert_eq(count_set(&s, "deepbench-server"), 75 * 5);
  cr_assert_eq(count_set(&s, "deepbench-device"), 13 * 5);
  cr_assert_eq(count_set(&s, "llm-7b"), 60);
  cr_assert_eq(count_set(&s, "llm-70b"), 60);
  cr_assert_eq(count_set(&s, "micro"), 10);
  /* attention: 4 models x (4 prefill + 4 decode) x 3 dtypes; the KV-cache set 4 x 2 layouts */
  const char *attn[] = {"attn-7b-mha", "attn-7b-gqa", "attn-70b", "attn-1b"};
  for (size_t a = 0; a < 4; a++)
    cr_assert_eq(count_set(&s, attn[a]), 24, "%s", attn[a]);
  cr_assert_eq(count_set(&s, "attn-7b-gqa-kvcache"), 8);
  /* conv2d per layout: 23 ResNet-50 and 10 MobileNet-v2 depthwise shapes x 3 batches x 4
   * dtypes */
  cr_assert_eq(count_set(&s, "resnet50-nchw"), 23 * 3 * 4);
  cr_assert_eq(count_set(&s, "resnet50-nhwc"), 23 * 3 * 4);
  cr_assert_eq(count_set(&s, "mobilenetv2-dw-nchw"), 10 * 3 * 4);
  cr_assert_eq(count_set(&s, "mobilenetv2-dw-nhwc"), 10 * 3 * 4);
  /* kernels, 3 dtypes each: norm 2 ops x 3 token counts x 2 widths; softmax 3 + 2 shapes;
   * activation 4 ops x 3 x 2; residual 4 sizes; rope 2 x 2 (7b) + 2 (70b) */
  cr_assert_eq(count_set(&s, "llm-norm"), 36);
  cr_assert_eq(count_set(&s, "llm-softmax"), 15);
  cr_assert_eq(count_set(&s, "llm-activation"), 72);
  cr_assert_eq(count_set(&s, "llm-residual"), 12);
  cr_assert_eq(count_set(&s, "llm-rope"), 18);
  /* kernels: stream, 4 ops x 2 sizes x 2 dtypes */
  cr_assert_eq(count_set(&s, "stream"), 16);
  /* decoder: 2 KV-head counts x (1 prefill + 2 batches x 4 contexts of decode), f32 */
  cr_assert_eq(count_set(&s, "layer-7b"), 18);
  cr_assert_eq(s.n_cases, 595 + 104 + 2 * (23 + 10) * 3 * 4 + 153 + 16 + 18);
  ab_suite_free(&s);
}

/* ---- defaults and values ------------------------------------------------------------ */

Test(config, cold_cache_is_read_from_measure) {
  ab_suite s =
      load_str_ok("suite: c\nmeasure: {cold_cache: true, cold_cache_budget_bytes: 2097152}\n"
                  "gemm:\n  - {set: sq, dtypes: [f32], sizes: [64]}\n");
  cr_assert(s.measure.cold_cache);
  cr_assert_eq(s.measure.cold_cache_budget_bytes, 2097152);
  ab_suite_free(&s);
}

Test(config, defaults_applied) {
  ab_suite s = load_str_ok("suite: mini\ngemm:\n  - {set: sq, dtypes: [f32], sizes: [64]}\n");
  ab_measure_opts d = ab_measure_defaults();
  /* field by field: memcmp would compare the struct's indeterminate padding bytes */
  cr_assert_float_eq(s.measure.warmup_s, d.warmup_s, 0);
  cr_assert_eq(s.measure.warmup_min_calls, d.warmup_min_calls);
  cr_assert_float_eq(s.measure.sample_min_s, d.sample_min_s, 0);
  cr_assert_eq(s.measure.min_samples, d.min_samples);
  cr_assert_eq(s.measure.max_samples, d.max_samples);
  cr_assert_float_eq(s.measure.target_cv, d.target_cv, 0);
  cr_assert_float_eq(s.measure.time_cap_s, d.time_cap_s, 0);
  cr_assert(!s.measure.cold_cache);
  cr_assert_eq(s.measure.cold_cache_budget_bytes, (uint64_t)1 << 30);
  cr_assert_eq(d.min_samples, 10); /* the header's promise: 10 samples, 1% CV, 2 s cap */
  cr_assert_float_eq(d.target_cv, 0.01, 1e-12);
  cr_assert_float_eq(d.time_cap_s, 2.0, 1e-12);
  cr_assert_eq(s.seed, 42);
  cr_assert_eq(s.validate_max_elements, 4096);
  cr_assert_eq(s.n_backends + s.n_providers + s.n_options, 0);
  cr_assert_null(s.backends);
  cr_assert_str_eq(s.description, "");
  cr_assert_str_eq(s.path, "t.yaml");
  cr_assert_eq(s.n_cases, 1);
  cr_assert_str_eq(s.cases[0].label, "");
  cr_assert_eq(s.cases[0].desc.params.gemm.trans_a, 0);
  cr_assert_eq(s.cases[0].desc.params.gemm.trans_b, 0);
  ab_suite_free(&s);
}

Test(config, every_key_read) {
  ab_suite s = load_str_ok("suite: full.v1\n"
                           "description: \"all keys: set\"\n"
                           "seed: 9223372036854775807\n"
                           "measure: {warmup_s: 0, warmup_min_calls: 3, sample_min_s: 0.5,\n"
                           "          min_samples: 4, max_samples: 4, target_cv: 0,\n"
                           "          time_cap_s: 1e1}\n"
                           "validate: {max_elements: 77}\n"
                           "backends: [cpu, opencl]\n"
                           "providers: ~\n"
                           "options: {threads: 2, mode: \"fast path\"}\n"
                           "gemm:\n"
                           "  - set: odd\n"
                           "    dtypes: [int8]\n"
                           "    trans: [t, n]\n"
                           "    shapes: [[3, 5, 7]]\n");
  cr_assert_str_eq(s.name, "full.v1");
  cr_assert_str_eq(s.description, "all keys: set");
  cr_assert_eq(s.seed, (uint64_t)INT64_MAX); /* a JSON integer in the run file */
  cr_assert_float_eq(s.measure.warmup_s, 0.0, 1e-12);
  cr_assert_eq(s.measure.warmup_min_calls, 3);
  cr_assert_float_eq(s.measure.sample_min_s, 0.5, 1e-12);
  cr_assert_eq(s.measure.min_samples, 4);
  cr_assert_eq(s.measure.max_samples, 4);
  cr_assert_float_eq(s.measure.target_cv, 0.0, 1e-12);
  cr_assert_float_eq(s.measure.time_cap_s, 10.0, 1e-12);
  cr_assert_eq(s.validate_max_elements, 77);
  cr_assert_eq(s.n_backends, 2);
  cr_assert_str_eq(s.backends[1], "opencl");
  cr_assert_eq(s.n_providers, 0);
  cr_assert_eq(s.n_options, 2);
  cr_assert_str_eq(s.option_keys[0], "threads");
  cr_assert_str_eq(s.option_values[0], "2");
  cr_assert_str_eq(s.option_values[1], "fast path");
  const ab_case_spec *c = &s.cases[0];
  cr_assert_eq(c->desc.dtype, AB_DTYPE_I8);
  cr_assert_eq(c->desc.out_dtype, AB_DTYPE_I32);
  cr_assert_eq(c->desc.params.gemm.m, 3);
  cr_assert_eq(c->desc.params.gemm.n, 5);
  cr_assert_eq(c->desc.params.gemm.k, 7);
  cr_assert_eq(c->desc.params.gemm.trans_a, 1);
  cr_assert_eq(c->desc.params.gemm.trans_b, 0);
  ab_suite_free(&s);
  ab_suite_free(&s); /* a freed suite is zeroed, so freeing again is harmless */
}

Test(config, llm_expansion) {
  ab_suite s = load_str_ok("suite: l\ngemm:\n  - set: llm-7b\n    dtypes: [bf16, int8]\n"
                           "    llm: {hidden: 4096, ffn: 11008, tokens: [1, 128]}\n");
  struct {
    const char *label;
    int64_t m, n, k;
  } want[] = {{"attn_proj", 1, 4096, 4096}, {"ffn_up", 1, 11008, 4096},
              {"ffn_down", 1, 4096, 11008}, {"attn_proj", 128, 4096, 4096},
              {"ffn_up", 128, 11008, 4096}, {"ffn_down", 128, 4096, 11008}};
  cr_assert_eq(s.n_cases, 12); /* 2 dtypes x 2 token counts x 3 GEMMs */
  for (size_t i = 0; i < s.n_cases; i++) {
    const ab_case_spec *c = &s.cases[i];
    size_t w = i % 6;
    cr_assert_str_eq(c->set, "llm-7b");
    cr_assert_str_eq(c->label, want[w].label);
    cr_assert_eq(c->desc.params.gemm.m, want[w].m, "case %zu", i);
    cr_assert_eq(c->desc.params.gemm.n, want[w].n, "case %zu", i);
    cr_assert_eq(c->desc.params.gemm.k, want[w].k, "case %zu", i);
    cr_assert_eq(c->desc.dtype, i < 6 ? AB_DTYPE_BF16 : AB_DTYPE_I8);
    cr_assert_eq(c->desc.out_dtype, i < 6 ? AB_DTYPE_BF16 : AB_DTYPE_I32);
  }
  ab_suite_free(&s);
}

/* ---- bad configs -------------------------------------------------------------------- */

/* Each tests/config/bad/NAME.yaml has NAME.expect: one or more lines, each a fragment the
 * message must contain (the first names NAME.yaml:LINE:COL: field). */
static void check_bad(const char *dir, const char *file) {
  char path[1024], expect_path[1024], msg[AB_MSG_LEN];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  snprintf(expect_path, sizeof expect_path, "%.*s.expect", (int)(strlen(path) - 5), path);
  size_t len = 0;
  char *expect = slurp(expect_path, &len);
  ab_suite s;
  memset(&s, 0xab, sizeof s); /* the loader must not rely on a zeroed output */
  ab_status st = ab_suite_load(path, &s, msg);
  cr_expect_eq(st, AB_E_INVALID, "%s: status %d, message: %s", file, st, msg);
  cr_expect_eq(strncmp(msg, path, strlen(path)), 0, "%s: message does not start with the path: %s",
               file, msg);
  cr_expect_eq(s.n_cases, 0, "%s: a failed load left cases behind", file);
  cr_expect_null(s.cases);
  size_t n_lines = 0;
  for (char *line = strtok(expect, "\n"); line; line = strtok(NULL, "\n")) {
    n_lines++;
    cr_expect(strstr(msg, line) != NULL, "%s:\n  message: %s\n  expected to contain: %s", file, msg,
              line);
  }
  cr_expect_gt(n_lines, 0, "%s is empty", expect_path);
  free(expect);
  ab_suite_free(&s);
}

Test(config, bad_corpus) {
  const char *dir = SRC("tests/config/bad");
  DIR *d = opendir(dir);
  cr_assert(d, "cannot open %s", dir);
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d));) {
    size_t l = strlen(e->d_name);
    if (l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0) {
      check_bad(dir, e->d_name);
      n++;
    }
  }
  closedir(d);
  cr_assert_geq(n, 15, "only %zu bad configs found in %s", n, dir);
}

Test(config, missing_file) {
  ab_suite s;
  char msg[AB_MSG_LEN];
  ab_status st = ab_suite_load(SRC("tests/config/no-such-file.yaml"), &s, msg);
  cr_assert_eq(st, AB_E_IO);
  cr_assert(strstr(msg, "no-such-file.yaml: expected a readable suite file, got ") != NULL, "%s",
            msg);
}

Test(config, null_arguments) {
  ab_suite s;
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_suite_load(NULL, &s, msg), AB_E_INVALID);
  cr_assert_eq(ab_suite_load_string("x", NULL, 5, &s, msg), AB_E_INVALID);
  cr_assert_eq(ab_suite_load_string("x", "suite: a", 8, NULL, msg), AB_E_INVALID);
  /* a NULL message buffer is tolerated: the status alone tells the caller */
  cr_assert_eq(ab_suite_load_string("x", "suite: [", 8, &s, NULL), AB_E_INVALID);
}

Test(config, string_name_in_messages) {
  ab_suite s;
  char msg[AB_MSG_LEN];
  const char *y = "suite: a\ngemm:\n  - {set: s, dtypes: [f32], sizes: [-1]}\n";
  cr_assert_eq(ab_suite_load_string("inline", y, strlen(y), &s, msg), AB_E_INVALID);
  cr_assert_str_eq(msg, "inline:3:37: gemm[0].sizes[0]: expected an integer in 1..2147483647, "
                        "got '-1'");
}

Test(config, long_name_message_truncated) {
  char name[2000];
  memset(name, 'n', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  char msg[AB_MSG_LEN + 16];
  memset(msg, 'x', sizeof msg);
  ab_suite s;
  cr_assert_eq(ab_suite_load_string(name, "- 1", 3, &s, msg), AB_E_INVALID);
  cr_assert_eq(strlen(msg), AB_MSG_LEN - 1);
  cr_assert_eq(msg[AB_MSG_LEN], 'x', "wrote past AB_MSG_LEN");
}

Test(config, oversized_input_rejected) {
  size_t len = (1u << 20) + 1;
  char *y = malloc(len);
  cr_assert(y);
  memset(y, '#', len);
  ab_suite s;
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_suite_load_string("big", y, len, &s, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "big: expected a suite of at most 1048576 bytes") != NULL, "%s", msg);
  free(y);
}

/* 25 sets of 4096 sizes: 102400 cases, over the 100000-case bound. */
Test(config, case_count_bounded) {
  size_t cap = 25 * 4096 * 12 + 4096;
  char *y = malloc(cap);
  cr_assert(y);
  size_t o = (size_t)snprintf(y, cap, "suite: many\ngemm:\n");
  for (int set = 0; set < 25; set++) {
    o += (size_t)snprintf(y + o, cap - o, "  - set: s%d\n    dtypes: [f32]\n    sizes: [", set);
    for (int i = 1; i <= 4096; i++)
      o += (size_t)snprintf(y + o, cap - o, "%d%s", i, i < 4096 ? "," : "]\n");
  }
  ab_suite s;
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_suite_load_string("many", y, o, &s, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "gemm[24]: expected at most 100000 cases in a suite, got 102400") != NULL,
            "%s", msg);
  free(y);
}

/* ---- robustness: the loader must return (never crash) on any input ------------------ */

static void load_any(const char *buf, size_t len) {
  ab_suite s;
  char msg[AB_MSG_LEN];
  ab_status st = ab_suite_load_string("fuzz", buf, len, &s, msg);
  if (st == AB_OK) {
    check_cases(&s);
  } else {
    cr_assert(st == AB_E_INVALID || st == AB_E_NOMEM, "status %d", st);
    cr_assert_eq(strncmp(msg, "fuzz:", 5), 0, "%s", msg);
    cr_assert_eq(s.n_cases, 0);
  }
  ab_suite_free(&s);
}

Test(config, every_prefix_of_shipped_configs) {
  const char *files[] = {SRC("configs/quick.yaml"), SRC("configs/llm.yaml")};
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    size_t len = 0;
    char *buf = slurp(files[f], &len);
    for (size_t n = 0; n <= len; n++) {
      char *copy = malloc(n ? n : 1); /* exact-size copy: ASan catches reads past the end */
      memcpy(copy, buf, n);
      load_any(copy, n);
      free(copy);
    }
    free(buf);
  }
}

Test(config, mutated_configs) {
  size_t len = 0;
  char *orig = slurp(SRC("configs/quick.yaml"), &len);
  char *buf = malloc(len);
  static const char tokens[] = "\t\n :-[]{},&*!#'\"0\x80\xff";
  uint64_t x = 0x9e3779b97f4a7c15u; /* xorshift: fixed seed, reproducible */
  for (int iter = 0; iter < 20000; iter++) {
    memcpy(buf, orig, len);
    int flips = 1 + iter % 4;
    for (int f = 0; f < flips; f++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      buf[x % len] = tokens[(x >> 32) % (sizeof tokens - 1)];
    }
    load_any(buf, len);
  }
  free(buf);
  free(orig);
}

/* kernels: any kind by its table; a sequence sweeps a field (the last field fastest),
 * crossed with the dtypes; an optional field left out takes its default. */
Test(config, kernels_section_sweeps_fields) {
  ab_suite s = load_str_ok("suite: k\n"
                           "kernels:\n"
                           "  - set: sweep\n"
                           "    kind: gemm\n"
                           "    dtypes: [f32, int8]\n"
                           "    shapes:\n"
                           "      - {m: [1, 8, 64], n: 128, k: [32, 16], label: qkv}\n"
                           "  - set: bw\n"
                           "    kind: membw\n"
                           "    shapes: [{bytes: 4096}]\n");
  cr_assert_eq(s.n_cases, 2 * 3 * 2 + 1);
  const ab_case_spec *c = &s.cases[0];
  cr_assert_eq(c->desc.kind, AB_KERNEL_GEMM);
  cr_assert_eq(c->desc.dtype, AB_DTYPE_F32);
  cr_assert_eq(c->desc.params.gemm.m, 1);
  cr_assert_eq(c->desc.params.gemm.k, 32);
  cr_assert_eq(s.cases[1].desc.params.gemm.k, 16, "the last field varies fastest");
  cr_assert_eq(s.cases[2].desc.params.gemm.m, 8);
  cr_assert_eq(c->desc.params.gemm.trans_a, 0, "optional field takes its default");
  cr_assert_str_eq(c->label, "qkv");
  cr_assert_eq(s.cases[6].desc.dtype, AB_DTYPE_I8);
  cr_assert_eq(s.cases[6].desc.out_dtype, AB_DTYPE_I32);
  const ab_case_spec *bw = &s.cases[12];
  cr_assert_eq(bw->desc.kind, AB_KERNEL_MEMBW);
  cr_assert_str_eq(bw->set, "bw");
  cr_assert_eq(bw->desc.dtype, AB_DTYPE_I8, "a byte-moving kind has its own dtype");
  cr_assert_eq(bw->desc.params.transfer.bytes, 4096);
  ab_suite_free(&s);
}
