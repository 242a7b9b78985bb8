/* ab-stream-triad: the harness's CPU STREAM triad against a STREAM-style OpenMP triad loop
 * built beside it, in the same process, alternating rounds (the kernel-suite issue's
 * ">= 0.95 of a STREAM-style OpenMP triad, same run" check; scripts/bench-stream.sh).
 *
 *   ab-stream-triad [-d f64|f32] [-n elements] [-t threads] [-R rounds]
 *
 * The harness side is the real path: the CPU backend module loaded by the harness's loader,
 * ab_run_case() under the default provider with warm-up, calibrated samples, the stopping
 * rule and the full-output check. The bare side is stream.c's triad loop (a[j] = b[j] +
 * scalar * c[j] under `#pragma omp parallel for`) on arrays of the same size, first touched
 * in parallel as stream.c does, with the same thread count and the binding the module's
 * open() gave the process. A third loop, the same triad with non-temporal stores, shows
 * whether streaming stores pay on this machine (the backend uses them for arrays beyond the
 * last-level cache), and the harness's figure against it too. Rates count 3 arrays per element, as
 * STREAM does; each side's figure is the median of its timed calls. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader.h"
#include "model/runfile.h"
#include "model/util.h"
#include "runner.h"
#include "stats.h"

#define MAX_ROUNDS 32
#define BARE_CALLS 7

typedef struct bare_arrays {
  double *a, *b, *c; /* f32 runs use them as float arrays */
  size_t n;
  int f64, threads;
} bare_arrays;

static void bare_triad_f64(const bare_arrays *x) {
  double *restrict a = x->a;
  const double *restrict b = x->b, *restrict c = x->c;
  const double scalar = 3.0;
#pragma omp parallel for num_threads(x->threads)
  for (size_t j = 0; j < x->n; j++)
    a[j] = b[j] + scalar * c[j];
}

static void bare_triad_f32(const bare_arrays *x) {
  float *restrict a = (float *)x->a;
  const float *restrict b = (const float *)x->b, *restrict c = (const float *)x->c;
  const float scalar = 3.0f;
#pragma omp parallel for num_threads(x->threads)
  for (size_t j = 0; j < x->n; j++)
    a[j] = b[j] + scalar * c[j];
}

/* The same triad with non-temporal stores: each thread takes a slice of whole 64-byte lines
 * (the arrays are 64-byte aligned), so every store is aligned. */
static void nt_triad(const bare_arrays *x) {
  size_t per_line = x->f64 ? 8 : 16, lines = (x->n + per_line - 1) / per_line;
#pragma omp parallel num_threads(x->threads)
  {
    size_t t = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
    size_t lo = lines * t / nt * per_line, hi = lines * (t + 1) / nt * per_line;
    hi = hi < x->n ? hi : x->n;
    size_t j = lo;
    if (x->f64) {
      __m128d s = _mm_set1_pd(3.0);
      for (; j + 2 <= hi; j += 2)
        _mm_stream_pd(x->a + j,
                      _mm_add_pd(_mm_load_pd(x->b + j), _mm_mul_pd(s, _mm_load_pd(x->c + j))));
      for (; j < hi; j++)
        x->a[j] = x->b[j] + 3.0 * x->c[j];
    } else {
      float *a = (float *)x->a;
      const float *b = (const float *)x->b, *c = (const float *)x->c;
      __m128 s = _mm_set1_ps(3.0f);
      for (; j + 4 <= hi; j += 4)
        _mm_stream_ps(a + j, _mm_add_ps(_mm_load_ps(b + j), _mm_mul_ps(s, _mm_load_ps(c + j))));
      for (; j < hi; j++)
        a[j] = b[j] + 3.0f * c[j];
    }
  }
  _mm_sfence();
}

/* Median GB/s of BARE_CALLS timed calls of `loop` after 3 untimed ones. */
static double bare_round(const bare_arrays *x, void (*loop)(const bare_arrays *)) {
  double t[BARE_CALLS];
  for (int i = -3; i < BARE_CALLS; i++) {
    double t0 = ab_now_s();
    loop(x);
    if (i >= 0)
      t[i] = ab_now_s() - t0;
  }
  ab_stats st;
  ab_stats_compute(t, BARE_CALLS, &st);
  return 3.0 * (double)x->n * (x->f64 ? 8.0 : 4.0) / st.median * 1e-9;
}

/* stream.c's arrays: aligned, first touched by the threads that will use them. */
static int bare_alloc(bare_arrays *x) {
  size_t bytes = (x->n * (x->f64 ? 8 : 4) + 63) / 64 * 64;
  x->a = aligned_alloc(64, bytes), x->b = aligned_alloc(64, bytes), x->c = aligned_alloc(64, bytes);
  if (!x->a || !x->b || !x->c)
    return 0;
  size_t words = bytes / 8;
#pragma omp parallel for num_threads(x->threads)
  for (size_t j = 0; j < words; j++) {
    x->a[j] = 1.0;
    x->b[j] = 2.0;
    x->c[j] = 0.0;
  }
  return 1;
}

static void bare_free(bare_arrays *x) {
  free(x->a), free(x->b), free(x->c);
}

static ab_case_spec triad_spec(int f64, size_t n) {
  ab_case_spec spec = {.set = "stream"};
  ab_dtype t = f64 ? AB_DTYPE_F64 : AB_DTYPE_F32;
  spec.desc = (ab_kernel_desc){
      .struct_size = sizeof spec.desc, .kind = AB_KERNEL_STREAM, .dtype = t, .out_dtype = t};
  spec.desc.params.stream = (ab_stream_params){.elements = (int64_t)n, .op = AB_STREAM_TRIAD};
  return spec;
}

static int usage(void) {
  fprintf(stderr, "usage: ab-stream-triad [-d f64|f32] [-n elements] [-t threads] [-R rounds]\n");
  return 2;
}

int main(int argc, char **argv) {
  int f64 = 1, rounds = 15;
  size_t n = (size_t)1 << 25; /* 256 MiB per f64 array: far beyond any last-level cache here */
  const char *threads = "2";
  for (int opt; (opt = getopt(argc, argv, "d:n:t:R:")) != -1;) {
    if (opt == 'd')
      f64 = strcmp(optarg, "f32") != 0;
    else if (opt == 'n')
      n = (size_t)strtoull(optarg, NULL, 10);
    else if (opt == 't')
      threads = optarg;
    else if (opt == 'R')
      rounds = atoi(optarg);
    else
      return usage();
  }
  if (n == 0 || rounds < 1 || atoi(threads) < 1)
    return usage();
  rounds = rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds;
  ab_loaded_backend cpu;
  char msg[AB_MSG_LEN] = "";
  if (ab_backend_load_file(AB_BUILD_BACKEND_DIR "/accelbench-backend-cpu.so", &cpu, msg) != AB_OK ||
      cpu.table.probe(msg) != AB_OK) {
    fprintf(stderr, "ab-stream-triad: %s\n", msg);
    return 1;
  }
  char *keys[] = {"threads", "pin"}, *values[] = {(char *)threads, "cores"};
  ab_suite suite = {.seed = 42, .option_keys = keys, .option_values = values, .n_options = 2};
  /* Short rounds, many of them: on a shared machine the load changes within seconds, and
   * the two sides must see the same load to be compared. */
  suite.measure = (ab_measure_opts){.warmup_s = 0.1,
                                    .warmup_min_calls = 2,
                                    .sample_min_s = 0.05,
                                    .min_samples = 5,
                                    .max_samples = 200,
                                    .target_cv = 0.01,
                                    .time_cap_s = 0.5};
  ab_case_spec spec = triad_spec(f64, n);
  ab_open_device dev;
  if (ab_device_open(&dev, &cpu, 0, &suite, msg) != AB_OK) {
    fprintf(stderr, "ab-stream-triad: open: %s\n", msg);
    return 1;
  }
  bare_arrays x = {.n = n, .f64 = f64, .threads = atoi(threads)};
  if (!bare_alloc(&x)) {
    fprintf(stderr, "ab-stream-triad: out of memory for three %zu-element arrays\n", n);
    return 1;
  }
  double ratio[MAX_ROUNDS], nt_ratio[MAX_ROUNDS]; /* harness / each bare loop, per round */
  for (int r = 0; r < rounds; r++) {
    ab_case_result res;
    ab_run_case(&dev, &spec, "openblas", &suite, &res);
    double h = res.status == AB_CASE_OK ? res.bytes / res.time_s.median * 1e-9 : 0.0;
    double b = bare_round(&x, f64 ? bare_triad_f64 : bare_triad_f32);
    double s = bare_round(&x, nt_triad);
    ratio[r] = h / b;
    nt_ratio[r] = h / s;
    printf("round %d: harness %.2f GB/s (%u samples, cv %.4f, %s), bare %.2f GB/s, "
           "bare non-temporal %.2f GB/s\n",
           r + 1, h, res.time_s.n, res.time_s.cv,
           res.status == AB_CASE_OK ? "validated" : res.reason, b, s);
    ab_case_result_clear(&res);
  }
  ab_stats rs, ns;
  ab_stats_compute(ratio, (size_t)rounds, &rs);
  ab_stats_compute(nt_ratio, (size_t)rounds, &ns);
  printf("triad %s, %zu elements (%.0f MiB per array), %s threads, %d rounds: median ratio "
         "harness/bare %.3f (min %.3f, max %.3f); harness/bare non-temporal %.3f (min %.3f, "
         "max %.3f)\n",
         f64 ? "f64" : "f32", n, (double)n * (f64 ? 8 : 4) / 1048576.0, threads, rounds, rs.median,
         rs.min, rs.max, ns.median, ns.min, ns.max);
  bare_free(&x);
  ab_device_close(&dev);
  return 0;
}
