/* accelbench — power sampler overhead benchmark (scripts/bench-power-overhead.sh).
 *
 * 1. CPU SGEMM 2048^3 throughput with the sampler off and polling at 100 Hz, side by side in
 *    one run: pairs of runs in alternating order (off/on, on/off, ...) so drift of the
 *    machine cancels; the medians are compared.
 * 2. Sampler CPU time at 10 Hz (and 100 Hz) with the machine otherwise idle: thread CPU
 *    clock of the sampler threads divided by wall time, in percent of one core.
 *
 * RAPL and hwmon are not readable on the VMs this runs on, so the sampler reads a fake
 * powercap tree built in a temporary directory, shaped like a one-socket server's (package-0
 * and its DRAM subzone: what a CPU SGEMM run is measured with), and with SOURCES
 * "rapl+file" also a meter file: the same code path (pread on a kept descriptor; stat and
 * pread for the file) a real source takes. OpenBLAS is loaded with dlopen so the benchmark needs no
 * link-time BLAS; OPENBLAS_CORETYPE=SkylakeX is set before loading, as the CPU backend does on
 * these VMs.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model/util.h"
#include "sampler.h"
#include "stats.h"

typedef void (*sgemm_fn)(int order, int ta, int tb, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c,
                         int ldc);

enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111 };

static int write_file(const char *dir, const char *rel, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fputs(text, f);
  return fclose(f);
}

/* Fake powercap tree and meter file under dir. */
static int make_fakes(const char *dir) {
  char p[512];
  snprintf(p, sizeof p, "%s/sys", dir);
  mkdir(p, 0755);
  snprintf(p, sizeof p, "%s/sys/class", dir);
  mkdir(p, 0755);
  snprintf(p, sizeof p, "%s/sys/class/powercap", dir);
  mkdir(p, 0755);
  snprintf(p, sizeof p, "%s/sys/class/powercap/intel-rapl:0", dir);
  mkdir(p, 0755);
  /* The kernel lists every zone, sub-zones too, flat in /sys/class/powercap. */
  snprintf(p, sizeof p, "%s/sys/class/powercap/intel-rapl:0:0", dir);
  mkdir(p, 0755);
  if (write_file(dir, "sys/class/powercap/intel-rapl:0/name", "package-0\n") ||
      write_file(dir, "sys/class/powercap/intel-rapl:0/energy_uj", "123456789\n") ||
      write_file(dir, "sys/class/powercap/intel-rapl:0/max_energy_range_uj", "262143328850\n") ||
      write_file(dir, "sys/class/powercap/intel-rapl:0:0/name", "dram\n") ||
      write_file(dir, "sys/class/powercap/intel-rapl:0:0/energy_uj", "4567890\n") ||
      write_file(dir, "sys/class/powercap/intel-rapl:0:0/max_energy_range_uj", "65712999613\n") ||
      write_file(dir, "meter.txt", "215.5 W\n"))
    return -1;
  return 0;
}

typedef struct bench {
  sgemm_fn sgemm;
  float *a, *b, *c;
  int n, calls;
} bench;

static double run_gemm(const bench *g) {
  double t0 = ab_now_s();
  for (int i = 0; i < g->calls; i++)
    g->sgemm(CBLAS_ROW_MAJOR, CBLAS_NO_TRANS, CBLAS_NO_TRANS, g->n, g->n, g->n, 1.0f, g->a, g->n,
             g->b, g->n, 0.0f, g->c, g->n);
  double dt = ab_now_s() - t0;
  return 2.0 * g->n * (double)g->n * g->n * g->calls / dt * 1e-9;
}

/* One run with the sampler on; adds the sampler's CPU seconds and wall seconds. */
static int run_on(const bench *g, ab_power_registry *reg, double *gflops, double *cpu,
                  double *wall) {
  char msg[AB_MSG_LEN];
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t nw = 0;
  if (ab_power_sampler_start(reg, 100.0, &s, msg) != AB_OK) {
    fprintf(stderr, "sampler: %s\n", msg);
    return -1;
  }
  double t0 = ab_now_s();
  *gflops = run_gemm(g);
  *cpu += ab_power_sampler_cpu_s(s);
  *wall += ab_now_s() - t0;
  if (ab_power_sampler_stop(s, &w, &nw, msg) != AB_OK) {
    fprintf(stderr, "sampler: %s\n", msg);
    return -1;
  }
  ab_power_windows_free(w, nw);
  return 0;
}

static int idle_cost(ab_power_registry *reg, double hz, double seconds, double *pct,
                     uint32_t *samples) {
  char msg[AB_MSG_LEN];
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t nw = 0;
  if (ab_power_sampler_start(reg, hz, &s, msg) != AB_OK)
    return -1;
  double t0 = ab_now_s();
  struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
  nanosleep(&ts, NULL);
  double cpu = ab_power_sampler_cpu_s(s);
  double wall = ab_now_s() - t0;
  if (ab_power_sampler_stop(s, &w, &nw, msg) != AB_OK)
    return -1;
  *samples = 0;
  for (size_t i = 0; i < nw; i++)
    *samples += w[i].n_samples;
  ab_power_windows_free(w, nw);
  *pct = cpu / wall * 100.0;
  return 0;
}

int main(int argc, char **argv) {
  int pairs = argc > 1 ? atoi(argv[1]) : 10;
  int calls = argc > 2 ? atoi(argv[2]) : 4;
  double idle_s = argc > 3 ? atof(argv[3]) : 10.0;
  const char *sources = argc > 4 ? argv[4] : "rapl";
  bool with_file = strcmp(sources, "rapl+file") == 0;
  if (pairs < 1 || calls < 1 || !(idle_s > 0) || (!with_file && strcmp(sources, "rapl") != 0)) {
    fprintf(stderr,
            "usage: %s [pairs=10] [calls_per_run=4] [idle_seconds=10] [sources=rapl|rapl+file]\n"
            "(scripts/bench-power-overhead.sh passes 160 pairs of 2 calls)\n",
            argv[0]);
    return 2;
  }
  setenv("OPENBLAS_CORETYPE", "SkylakeX", 1); /* before dlopen: OpenBLAS reads it once */
  void *lib = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "dlopen libopenblas.so.0: %s\n", dlerror());
    return 1;
  }
  bench g = {.n = 2048, .calls = calls};
  *(void **)&g.sgemm = dlsym(lib, "cblas_sgemm");
  char dir[] = "/tmp/ab-power-overhead-XXXXXX";
  if (!g.sgemm || !mkdtemp(dir) || make_fakes(dir) != 0) {
    fprintf(stderr, "setup failed (cblas_sgemm or temporary fake tree)\n");
    return 1;
  }
  size_t nn = (size_t)g.n * (size_t)g.n;
  g.a = malloc(nn * sizeof(float));
  g.b = malloc(nn * sizeof(float));
  g.c = malloc(nn * sizeof(float));
  srand(7);
  for (size_t i = 0; g.a && g.b && g.c && i < nn; i++) {
    g.a[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    g.b[i] = (float)rand() / (float)RAND_MAX - 0.5f;
  }
  char meter[600];
  snprintf(meter, sizeof meter, "%s/meter.txt", dir);
  ab_option opts[] = {{"rapl.root", dir}, {"hwmon", "off"}, {"ipmi", "off"},
                      {"rate_hz", "100"}, {"file", meter},  {"file.period_s", "0.01"}};
  size_t n_opts = with_file ? 6 : 4; /* the meter file's two options come last */
  ab_power_registry *reg = NULL;
  char msg[AB_MSG_LEN];
  if (!g.a || !g.b || !g.c || ab_power_registry_create(opts, n_opts, &reg, msg) != AB_OK) {
    fprintf(stderr, "registry: %s\n", msg);
    return 1;
  }
  ab_power_registry_print(reg, stdout);
  run_gemm(&g); /* warm-up: thread pool, page faults, caches */
  double *off = calloc((size_t)pairs, sizeof *off), *on = calloc((size_t)pairs, sizeof *on);
  double cpu = 0, wall = 0;
  for (int p = 0; p < pairs; p++) {
    bool on_first = p % 2 == 1; /* alternate the order so drift cancels */
    if (on_first && run_on(&g, reg, &on[p], &cpu, &wall) != 0)
      return 1;
    off[p] = run_gemm(&g);
    if (!on_first && run_on(&g, reg, &on[p], &cpu, &wall) != 0)
      return 1;
    printf("pair %2d: off %.1f GFLOP/s, on(100 Hz) %.1f GFLOP/s\n", p + 1, off[p], on[p]);
  }
  /* Per-pair change first (both runs of a pair see the same machine state), then its
   * median with the harness's distribution-free 95% interval (bench/stats.c): less
   * sensitive to neighbours' load than comparing two medians, and the interval says
   * whether the pairs can tell a 1% change from noise at all. */
  double *ratio = calloc((size_t)pairs, sizeof *ratio);
  ab_stats rs = {.median = NAN, .median_ci95_lo = NAN, .median_ci95_hi = NAN};
  for (int p = 0; p < pairs && ratio; p++)
    ratio[p] = (on[p] - off[p]) / off[p] * 100.0;
  if (ratio)
    ab_stats_compute(ratio, (size_t)pairs, &rs);
  free(ratio);
  double pair_median = rs.median;
  ab_stats st_off, st_on;
  ab_stats_compute(off, (size_t)pairs, &st_off);
  ab_stats_compute(on, (size_t)pairs, &st_on);
  double mo = st_off.median, mn = st_on.median;
  printf("median of per-pair changes: %+.2f%% (95%% CI %+.2f%% .. %+.2f%%, %d pairs)\n",
         pair_median, rs.median_ci95_lo, rs.median_ci95_hi, pairs);
  printf("SGEMM 2048^3, %d pairs x %d calls: median off %.2f GFLOP/s, on %.2f GFLOP/s, "
         "change %+.2f%%\n",
         pairs, calls, mo, mn, (mn - mo) / mo * 100.0);
  printf("sampler CPU during the 100 Hz runs: %.3f%% of one core\n", cpu / wall * 100.0);
  double pct10 = 0, pct100 = 0;
  uint32_t s10 = 0, s100 = 0;
  if (idle_cost(reg, 10.0, idle_s, &pct10, &s10) != 0 ||
      idle_cost(reg, 100.0, idle_s, &pct100, &s100) != 0)
    return 1;
  printf("sampler CPU, idle machine, %.0f s: 10 Hz %.4f%% of one core (%u reads), "
         "100 Hz %.4f%% (%u reads)\n",
         idle_s, pct10, s10, pct100, s100);
  printf("RESULT sources=%s coretype=%s sgemm_off_gflops=%.3f sgemm_on_gflops=%.3f change_pct=%.3f "
         "pair_change_median_pct=%.3f pair_change_ci95=%.3f,%.3f sampler_cpu_pct_10hz=%.4f "
         "sampler_cpu_pct_100hz=%.4f\n",
         sources, getenv("OPENBLAS_CORETYPE"), mo, mn, (mn - mo) / mo * 100.0, pair_median,
         rs.median_ci95_lo, rs.median_ci95_hi, pct10, pct100);
  ab_power_registry_free(reg);
  free(off);
  free(on);
  free(g.a);
  free(g.b);
  free(g.c);
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : 1;
}
