/* ab-bare-gemm — a bare timing loop over one OpenBLAS GEMM call, for comparing the
 * harness's figures with the library's: same loader (core-type choice), same pinning.
 *
 *   ab-bare-gemm [-r sgemm|dgemm] [-n N] [-t threads] [-p cores|none] [-w warmup] [-R reps]
 *
 * Prints the OpenBLAS core in use and the median, min and max GFLOP/s of R timed calls
 * of C = A * B (N x N, row-major, alpha 1, beta 0) after the warm-up calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu_affinity.h"
#include "openblas_loader.h"

typedef struct bare_args {
  int dgemm;
  long n, threads, warmup, reps;
  int pin;
} bare_args;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int parse_long(const char *opt, const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) {
    fprintf(stderr, "ab-bare-gemm: option %s \"%s\": expected a whole number from %ld to %ld\n",
            opt, s, lo, hi);
    return -1;
  }
  *out = v;
  return 0;
}

static int parse_args(int argc, char **argv, bare_args *a) {
  int c, bad = 0;
  *a = (bare_args){.dgemm = 0, .n = 2048, .threads = 0, .warmup = 2, .reps = 10, .pin = 1};
  while (!bad && (c = getopt(argc, argv, "r:n:t:p:w:R:")) != -1) {
    switch (c) {
    case 'r':
      a->dgemm = strcmp(optarg, "dgemm") == 0;
      bad = !a->dgemm && strcmp(optarg, "sgemm") != 0;
      if (bad)
        fprintf(stderr, "ab-bare-gemm: option -r \"%s\": expected sgemm or dgemm\n", optarg);
      break;
    case 'n': bad = parse_long("-n", optarg, 1, 65536, &a->n); break;
    case 't': bad = parse_long("-t", optarg, 1, 4096, &a->threads); break;
    case 'w': bad = parse_long("-w", optarg, 0, 1000000, &a->warmup); break;
    case 'R': bad = parse_long("-R", optarg, 1, 1000000, &a->reps); break;
    case 'p':
      a->pin = strcmp(optarg, "cores") == 0;
      bad = !a->pin && strcmp(optarg, "none") != 0;
      if (bad)
        fprintf(stderr, "ab-bare-gemm: option -p \"%s\": expected cores or none\n", optarg);
      break;
    default: bad = 1;
    }
  }
  if (bad)
    fprintf(stderr, "usage: ab-bare-gemm [-r sgemm|dgemm] [-n N] [-t threads] [-p cores|none] "
                    "[-w warmup] [-R reps]\n");
  return bad ? -1 : 0;
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* Same placement as the backend's open(): threads = physical cores unless given. */
static int place_threads(ab_cpu_affinity *aff, bare_args *a, char *binding, size_t n) {
  char msg[AB_MSG_LEN];
  if (ab_cpu_affinity_init(aff, msg) != AB_OK) {
    fprintf(stderr, "ab-bare-gemm: %s\n", msg);
    return -1;
  }
  unsigned cores = ab_cpu_core_count(aff);
  if (a->threads == 0)
    a->threads = cores ? (long)cores : 1;
  if (!a->pin) {
    ab_cpu_describe_binding(aff, binding, n);
    return 0;
  }
  if ((unsigned long)a->threads > cores) {
    fprintf(stderr, "ab-bare-gemm: -t %ld with -p cores: only %u physical cores\n", a->threads,
            cores);
    return -1;
  }
  if (ab_cpu_bind_cores(aff, (unsigned)a->threads, binding, n, msg) != AB_OK) {
    fprintf(stderr, "ab-bare-gemm: %s\n", msg);
    return -1;
  }
  return 0;
}

static void fill(void *p, size_t count, int dbl) {
  unsigned x = 12345u;
  for (size_t i = 0; i < count; i++) {
    x = x * 1103515245u + 12345u;
    double v = (double)(x >> 8) / (double)(1u << 24) - 0.5;
    if (dbl)
      ((double *)p)[i] = v;
    else
      ((float *)p)[i] = (float)v;
  }
}

static void call(const ab_openblas *b, const bare_args *a, void *A, void *B, void *C) {
  blasint n = (blasint)a->n;
  if (a->dgemm)
    b->dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A, n, B, n, 0.0, C, n);
  else
    b->sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, A, n, B, n, 0.0f, C, n);
}

static int run(const ab_openblas *blas, const bare_args *a) {
  size_t count = (size_t)a->n * (size_t)a->n, esz = a->dgemm ? 8 : 4;
  void *A = malloc(count * esz), *B = malloc(count * esz), *C = malloc(count * esz);
  double *rate = malloc((size_t)a->reps * sizeof *rate);
  int rc = -1;
  if (!A || !B || !C || !rate) {
    fprintf(stderr, "ab-bare-gemm: out of memory for n=%ld\n", a->n);
    goto out;
  }
  fill(A, count, a->dgemm);
  fill(B, count, a->dgemm);
  blas->set_num_threads((int)a->threads);
  for (long i = 0; i < a->warmup; i++)
    call(blas, a, A, B, C);
  double flop = 2.0 * (double)a->n * (double)a->n * (double)a->n;
  for (long i = 0; i < a->reps; i++) {
    double t0 = now_seconds();
    call(blas, a, A, B, C);
    rate[i] = flop / (now_seconds() - t0) * 1e-9;
  }
  qsort(rate, (size_t)a->reps, sizeof *rate, cmp_double);
  double median =
      a->reps % 2 ? rate[a->reps / 2] : 0.5 * (rate[a->reps / 2 - 1] + rate[a->reps / 2]);
  printf("%s n=%ld threads=%ld: median %.1f GFLOP/s (min %.1f, max %.1f) over %ld reps after "
         "%ld warm-up\n",
         a->dgemm ? "dgemm" : "sgemm", a->n, a->threads, median, rate[0], rate[a->reps - 1],
         a->reps, a->warmup);
  rc = 0;
out:
  free(A);
  free(B);
  free(C);
  free(rate);
  return rc;
}

int main(int argc, char **argv) {
  bare_args a;
  ab_cpu_affinity aff = {0};
  const ab_openblas *blas;
  char msg[AB_MSG_LEN], binding[160];
  if (parse_args(argc, argv, &a) != 0)
    return 2;
  if (ab_openblas_load(&blas, msg) != AB_OK) {
    fprintf(stderr, "ab-bare-gemm: %s\n", msg);
    return 1;
  }
  if (place_threads(&aff, &a, binding, sizeof binding) != 0)
    return 1;
  printf("openblas_core: %s (%s)\nopenblas_config: %s\nbinding: %s\n", blas->get_corename(),
         blas->coretype_source, blas->get_config(), binding);
  int rc = run(blas, &a);
  ab_cpu_affinity_fini(&aff);
  return rc ? 1 : 0;
}
