/* ab-harness-vs-bare: the harness's GEMM figure against a bare loop of the same OpenBLAS
 * call, in the same process, alternating rounds (issue 2's ">= 0.98" check).
 *
 *   ab-harness-vs-bare [-r sgemm|dgemm] [-n N] [-t threads] [-R rounds]
 *
 * The harness side is the real path: the CPU backend module loaded by the harness's
 * loader, ab_run_case() with warm-up, calibrated samples, stopping rule and validation.
 * The bare side calls cblas_?gemm from the library instance the module loaded (same core
 * type, same thread count, same process binding) on buffers of the same size. */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loader.h"
#include "model/inputs.h"
#include "model/runfile.h"
#include "model/util.h"
#include "runner.h"
#include "stats.h"

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *,
                         int, float, float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int, const double *,
                         int, double, double *, int);

enum { ROW_MAJOR = 101, NO_TRANS = 111 }; /* cblas.h enum values */

/* Median GFLOP/s of `reps` timed calls after 3 warm-up calls. */
static double bare_round(void *lib, int dgemm, int n, int reps) {
  size_t count = (size_t)n * (size_t)n, esz = dgemm ? 8 : 4;
  void *a = ab_alloc_large(count * esz), *b = ab_alloc_large(count * esz);
  void *c = ab_alloc_large(count * esz);
  double *t = malloc((size_t)reps * sizeof *t);
  void *sym = dlsym(lib, dgemm ? "cblas_dgemm" : "cblas_sgemm");
  if (!a || !b || !c || !t || !sym)
    return 0.0;
  ab_fill_random(a, dgemm ? AB_DTYPE_F64 : AB_DTYPE_F32, count, 1);
  ab_fill_random(b, dgemm ? AB_DTYPE_F64 : AB_DTYPE_F32, count, 2);
  sgemm_fn s;
  dgemm_fn d;
  memcpy(&s, &sym, sizeof s);
  memcpy(&d, &sym, sizeof d);
  for (int i = -3; i < reps; i++) {
    double t0 = ab_now_s();
    if (dgemm)
      d(ROW_MAJOR, NO_TRANS, NO_TRANS, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
    else
      s(ROW_MAJOR, NO_TRANS, NO_TRANS, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
    if (i >= 0)
      t[i] = ab_now_s() - t0;
  }
  ab_stats st;
  ab_stats_compute(t, (size_t)reps, &st);
  free(a), free(b), free(c), free(t);
  return 2.0 * n * (double)n * n / st.median * 1e-9;
}

int main(int argc, char **argv) {
  int dgemm = 0, n = 2048, rounds = 3;
  const char *threads = "2";
  for (int opt; (opt = getopt(argc, argv, "r:n:t:R:")) != -1;) {
    if (opt == 'r')
      dgemm = strcmp(optarg, "dgemm") == 0;
    else if (opt == 'n')
      n = atoi(optarg);
    else if (opt == 't')
      threads = optarg;
    else if (opt == 'R')
      rounds = atoi(optarg);
    else {
      fprintf(stderr,
              "usage: ab-harness-vs-bare [-r sgemm|dgemm] [-n N] [-t threads] [-R rounds]\n");
      return 2;
    }
  }
  ab_loaded_backend cpu;
  char msg[AB_MSG_LEN] = "";
  if (ab_backend_load_file(AB_BUILD_BACKEND_DIR "/accelbench-backend-cpu.so", &cpu, msg) != AB_OK ||
      cpu.table.probe(msg) != AB_OK) {
    fprintf(stderr, "ab-harness-vs-bare: %s\n", msg);
    return 1;
  }
  char *keys[] = {"threads", "pin"}, *values[] = {(char *)threads, "cores"};
  ab_suite suite = {.seed = 42,
                    .validate_max_elements = 4096,
                    .option_keys = keys,
                    .option_values = values,
                    .n_options = 2};
  suite.measure = (ab_measure_opts){.warmup_s = 1.0,
                                    .warmup_min_calls = 2,
                                    .sample_min_s = 0.05,
                                    .min_samples = 20,
                                    .max_samples = 1000,
                                    .target_cv = 0.005,
                                    .time_cap_s = 8.0};
  ab_case_spec spec = {.set = "square"};
  spec.desc = (ab_kernel_desc){.struct_size = sizeof spec.desc,
                               .kind = AB_KERNEL_GEMM,
                               .dtype = dgemm ? AB_DTYPE_F64 : AB_DTYPE_F32,
                               .out_dtype = dgemm ? AB_DTYPE_F64 : AB_DTYPE_F32};
  spec.desc.params.gemm = (ab_gemm_params){.m = n, .n = n, .k = n};
  ab_open_device dev;
  if (ab_device_open(&dev, &cpu, 0, &suite, msg) != AB_OK) {
    fprintf(stderr, "ab-harness-vs-bare: open: %s\n", msg);
    return 1;
  }
  void *lib = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD); /* the module's instance */
  double h[16], b[16];
  rounds = rounds > 16 ? 16 : rounds;
  for (int r = 0; r < rounds; r++) {
    ab_case_result res;
    ab_run_case(&dev, &spec, "openblas", &suite, &res);
    h[r] = res.status == AB_CASE_OK ? res.flops / res.time_s.median * 1e-9 : 0.0;
    b[r] = lib ? bare_round(lib, dgemm, n, 20) : 0.0;
    printf("round %d: harness %.1f GFLOP/s (%s, %u samples, cv %.4f, %s), bare %.1f GFLOP/s\n",
           r + 1, h[r], res.implementation, res.time_s.n, res.time_s.cv,
           res.status == AB_CASE_OK ? "validated" : res.reason, b[r]);
    ab_case_result_clear(&res);
  }
  ab_stats hs, bs;
  ab_stats_compute(h, (size_t)rounds, &hs);
  ab_stats_compute(b, (size_t)rounds, &bs);
  printf("%s %d^3, %s threads: harness median %.1f, bare median %.1f GFLOP/s, ratio %.3f\n",
         dgemm ? "DGEMM" : "SGEMM", n, threads, hs.median, bs.median, hs.median / bs.median);
  ab_device_close(&dev);
  return 0;
}
