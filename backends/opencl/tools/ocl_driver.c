/* ab-ocl-driver — loads the OpenCL backend module and runs one case directly through the
 * backend ABI (case_prepare / case_run), printing device-event and host-clock rates.
 * A measurement tool for scripts/bench-opencl.sh until the harness runner exists; not part
 * of the harness. Usage: ab-ocl-driver --help. */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accelbench/backend.h"

#ifndef AB_OCL_BACKEND_DIR
#define AB_OCL_BACKEND_DIR "."
#endif

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void usage(void) {
  fprintf(stderr, "usage: ab-ocl-driver [--device I] [--iters N] [--reps R] COMMAND ...\n"
                  "  list\n"
                  "  gemm clblast|portable f32|f64|f16|int8 M N K [nn|nt|tn|tt]\n"
                  "  peak f32|f64|f16|int8 ITEMS FMA_PER_ITEM\n"
                  "  membw BYTES\n"
                  "  h2d|d2h BYTES pinned|pageable\n"
                  "  launch\n");
}

static ab_dtype parse_dtype(const char *s, ab_dtype *out) {
  if (!strcmp(s, "f32"))
    return *out = AB_DTYPE_F32, AB_DTYPE_F32;
  if (!strcmp(s, "f64"))
    return *out = AB_DTYPE_F64, AB_DTYPE_F64;
  if (!strcmp(s, "f16"))
    return *out = AB_DTYPE_F16, AB_DTYPE_F16;
  if (!strcmp(s, "int8"))
    return *out = AB_DTYPE_I32, AB_DTYPE_I8;
  return AB_DTYPE_INVALID;
}

/* Fills a buffer with seeded values that every dtype represents exactly. */
static void fill(void *p, size_t n, ab_dtype t, unsigned seed) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    int v = (int)((seed >> 16) % 9) - 4;
    switch (t) {
    case AB_DTYPE_F32: ((float *)p)[i] = (float)v * 0.25f; break;
    case AB_DTYPE_F64: ((double *)p)[i] = v * 0.25; break;
    case AB_DTYPE_F16: ((uint16_t *)p)[i] = ab_f32_to_f16((float)v * 0.25f); break;
    case AB_DTYPE_I8: ((int8_t *)p)[i] = (int8_t)v; break;
    default: break;
    }
  }
}

static double get(const void *p, size_t i, ab_dtype t) {
  switch (t) {
  case AB_DTYPE_F32: return ((const float *)p)[i];
  case AB_DTYPE_F64: return ((const double *)p)[i];
  case AB_DTYPE_F16: return ab_f16_to_f32(((const uint16_t *)p)[i]);
  case AB_DTYPE_I8: return ((const int8_t *)p)[i];
  case AB_DTYPE_I32: return ((const int32_t *)p)[i];
  default: return 0;
  }
}

int main(int argc, char **argv) {
  uint32_t device = 0, iters = 0, reps = 5;
  int a = 1;
  for (; a < argc && !strncmp(argv[a], "--", 2); a++) {
    if (!strcmp(argv[a], "--device") && a + 1 < argc)
      device = (uint32_t)atoi(argv[++a]);
    else if (!strcmp(argv[a], "--iters") && a + 1 < argc)
      iters = (uint32_t)atoi(argv[++a]);
    else if (!strcmp(argv[a], "--reps") && a + 1 < argc)
      reps = (uint32_t)atoi(argv[++a]);
    else {
      usage();
      return 2;
    }
  }
  if (a >= argc) {
    usage();
    return 2;
  }
  const char *cmd = argv[a++];
  char path[1200];
  const char *dir = getenv("AB_BACKEND_DIR") ? getenv("AB_BACKEND_DIR") : AB_OCL_BACKEND_DIR;
  snprintf(path, sizeof path, "%s/accelbench-backend-opencl.so", dir);
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
    return 1;
  }
  ab_backend_entry_fn entry;
  *(void **)&entry = dlsym(h, AB_BACKEND_ENTRY_SYMBOL);
  const ab_backend *be = entry ? entry(AB_BACKEND_ABI_MAJOR) : NULL;
  if (!be) {
    fprintf(stderr, "%s: no entry symbol\n", path);
    return 1;
  }
  char msg[AB_MSG_LEN] = "";
  ab_status s = be->probe(msg);
  if (s != AB_OK) {
    fprintf(stderr, "probe: %s\n", msg);
    return 1;
  }
  if (!strcmp(cmd, "list")) {
    uint32_t n = 0;
    be->device_count(&n, msg);
    if (msg[0])
      printf("probe: %s\n", msg);
    for (uint32_t i = 0; i < n; i++) {
      ab_device_info info = {.struct_size = sizeof info};
      if (be->device_info(i, &info, msg) != AB_OK) {
        printf("%u: %s\n", i, msg);
        continue;
      }
      printf("%u: %s | %s | driver %s | %s | uid %s | %llu bytes | %u CU | %u MHz\n", i, info.name,
             info.vendor, info.driver_version, info.runtime_version, info.uid,
             (unsigned long long)info.memory_bytes, info.compute_units, info.max_clock_mhz);
      for (uint32_t k = 0; k < info.n_attrs; k++)
        printf("    %s = %s\n", info.attrs[k].key, info.attrs[k].value);
    }
    return 0;
  }

  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  const char *provider = "portable";
  double work = 0; /* FLOPs or bytes per call */
  const char *unit = "GFLOP/s";
  if (!strcmp(cmd, "gemm") && argc - a >= 5) {
    provider = argv[a];
    d.kind = AB_KERNEL_GEMM;
    if (!parse_dtype(argv[a + 1], &d.out_dtype)) {
      usage();
      return 2;
    }
    parse_dtype(argv[a + 1], &d.out_dtype);
    d.dtype = !strcmp(argv[a + 1], "int8") ? AB_DTYPE_I8 : d.out_dtype;
    d.params.gemm.m = atoll(argv[a + 2]);
    d.params.gemm.n = atoll(argv[a + 3]);
    d.params.gemm.k = atoll(argv[a + 4]);
    if (argc - a >= 6) {
      d.params.gemm.trans_a = argv[a + 5][0] == 't';
      d.params.gemm.trans_b = argv[a + 5][1] == 't';
    }
    work = 2.0 * (double)d.params.gemm.m * (double)d.params.gemm.n * (double)d.params.gemm.k;
  } else if (!strcmp(cmd, "peak") && argc - a >= 3) {
    d.kind = AB_KERNEL_PEAK;
    ab_dtype o;
    d.dtype =
        parse_dtype(argv[a], &o) ? (!strcmp(argv[a], "int8") ? AB_DTYPE_I8 : o) : AB_DTYPE_INVALID;
    d.out_dtype = d.dtype;
    d.params.peak.items = atoll(argv[a + 1]);
    d.params.peak.fma_per_item = atoll(argv[a + 2]);
    work = 2.0 * (double)d.params.peak.items * (double)d.params.peak.fma_per_item;
    unit = d.dtype == AB_DTYPE_I8 ? "GOP/s" : "GFLOP/s";
  } else if (!strcmp(cmd, "membw") && argc - a >= 1) {
    d.kind = AB_KERNEL_MEMBW;
    d.params.transfer.bytes = atoll(argv[a]);
    work = 2.0 * (double)d.params.transfer.bytes;
    unit = "GB/s";
  } else if ((!strcmp(cmd, "h2d") || !strcmp(cmd, "d2h")) && argc - a >= 2) {
    d.kind = !strcmp(cmd, "h2d") ? AB_KERNEL_COPY_H2D : AB_KERNEL_COPY_D2H;
    d.params.transfer.bytes = atoll(argv[a]);
    d.params.transfer.pinned = !strcmp(argv[a + 1], "pinned");
    work = (double)d.params.transfer.bytes;
    unit = "GB/s";
  } else if (!strcmp(cmd, "launch")) {
    d.kind = AB_KERNEL_LAUNCH;
    work = 0;
  } else {
    usage();
    return 2;
  }

  void *state = calloc(1, be->device_state_size);
  if (be->open(device, state, NULL, 0, msg) != AB_OK) {
    fprintf(stderr, "open: %s\n", msg);
    return 1;
  }
  size_t nops = 0, opbytes[3] = {0, 0, 0};
  if (d.kind == AB_KERNEL_GEMM) {
    const ab_gemm_params *g = &d.params.gemm;
    size_t es = ab_dtype_size(d.dtype);
    nops = 3;
    opbytes[0] = (size_t)(g->m * g->k) * es;
    opbytes[1] = (size_t)(g->k * g->n) * es;
    opbytes[2] = (size_t)(g->m * g->n) * ab_dtype_size(d.out_dtype);
  } else if (d.kind == AB_KERNEL_PEAK) {
    nops = 1;
    opbytes[0] = (size_t)d.params.peak.items * ab_dtype_size(d.dtype);
  } else if (d.kind == AB_KERNEL_MEMBW) {
    nops = 2;
    opbytes[0] = opbytes[1] = (size_t)d.params.transfer.bytes;
  } else if (d.kind != AB_KERNEL_LAUNCH) {
    nops = 1;
    opbytes[0] = (size_t)d.params.transfer.bytes;
  }
  ab_buffer *ops[3] = {NULL, NULL, NULL};
  void *host[3] = {NULL, NULL, NULL};
  for (size_t i = 0; i < nops; i++) {
    if (be->buffer_alloc(state, opbytes[i], &ops[i], msg) != AB_OK) {
      fprintf(stderr, "alloc: %s\n", msg);
      return 1;
    }
    host[i] = calloc(1, opbytes[i]);
    if (d.kind == AB_KERNEL_GEMM && i < 2)
      fill(host[i], opbytes[i] / ab_dtype_size(d.dtype), d.dtype, 17u + (unsigned)i);
    be->copy_to_device(state, ops[i], 0, host[i], opbytes[i], msg);
  }
  void *cs = NULL;
  ab_case_info info = {.struct_size = sizeof info};
  double t0 = now();
  s = be->case_prepare(state, &d, provider, ops, nops, &cs, &info, msg);
  double prep = now() - t0;
  if (s != AB_OK) {
    printf("status %d: %s\n", (int)s, msg);
    return s == AB_E_UNSUPPORTED ? 3 : 1;
  }
  printf("implementation: %s\nsetup_seconds: %.3f (case_prepare wall %.3f)\n", info.implementation,
         info.setup_seconds, prep);
  ab_timing tm = {.struct_size = sizeof tm};
  /* Calibrate iterations to about 0.3 s per sample unless --iters. */
  if (!iters) {
    double w0 = now();
    if (be->case_run(state, cs, 1, &tm, msg) != AB_OK) {
      fprintf(stderr, "run: %s\n", msg);
      return 1;
    }
    double one = now() - w0;
    printf("first case_run (1 call): %.3f s\n", one);
    iters = one > 0 ? (uint32_t)(0.3 / one) : 1000;
    if (iters < 1)
      iters = 1;
    if (iters > 100000)
      iters = 100000;
  }
  be->case_run(state, cs, iters > 3 ? 3 : iters, &tm, msg); /* warm-up */
  double *dev = calloc(reps, sizeof *dev), *hst = calloc(reps, sizeof *hst);
  for (uint32_t r = 0; r < reps; r++) {
    double w0 = now();
    if (be->case_run(state, cs, iters, &tm, msg) != AB_OK) {
      fprintf(stderr, "run: %s\n", msg);
      return 1;
    }
    hst[r] = (now() - w0) / iters;
    dev[r] = tm.device_seconds / iters;
  }
  qsort(dev, reps, sizeof *dev, cmp_double);
  qsort(hst, reps, sizeof *hst, cmp_double);
  double dmed = dev[reps / 2], hmed = hst[reps / 2];
  printf("iterations: %u x %u reps\n", iters, reps);
  printf("per call: device %.3f us, host %.3f us (median)\n", dmed * 1e6, hmed * 1e6);
  if (work > 0)
    printf("rate: device %.2f %s, host %.2f %s (median); best device %.2f, best host %.2f\n",
           work / dmed * 1e-9, unit, work / hmed * 1e-9, unit, work / dev[0] * 1e-9,
           work / hst[0] * 1e-9);
  if (d.kind == AB_KERNEL_GEMM) {
    /* Spot-check 64 sampled elements of C against a double reference. */
    const ab_gemm_params *g = &d.params.gemm;
    be->copy_to_host(state, host[2], ops[2], 0, opbytes[2], msg);
    double maxerr = 0;
    for (int sidx = 0; sidx < 64; sidx++) {
      size_t i = (size_t)(sidx * 7919) % (size_t)g->m, j = (size_t)(sidx * 104729) % (size_t)g->n;
      double ref = 0;
      for (int64_t p = 0; p < g->k; p++) {
        size_t ai = g->trans_a ? (size_t)p * (size_t)g->m + i : i * (size_t)g->k + (size_t)p;
        size_t bi = g->trans_b ? j * (size_t)g->k + (size_t)p : (size_t)p * (size_t)g->n + j;
        ref += get(host[0], ai, d.dtype) * get(host[1], bi, d.dtype);
      }
      double got = get(host[2], i * (size_t)g->n + j, d.out_dtype);
      double e = fabs(got - ref) / (fabs(ref) + 1.0);
      if (e > maxerr)
        maxerr = e;
    }
    printf("check: max relative error over 64 samples %.3g\n", maxerr);
  }
  be->case_release(state, cs);
  for (size_t i = 0; i < nops; i++) {
    be->buffer_free(state, ops[i]);
    free(host[i]);
  }
  be->close(state);
  free(state);
  free(dev);
  free(hst);
  dlclose(h);
  return 0;
}
