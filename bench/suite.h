/* accelbench — a suite: what to run and how to measure it, as loaded from the YAML files in
 * configs/. The loader (bench/config.c) turns YAML into this; the planner expands it per device. */
#ifndef AB_SUITE_H
#define AB_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accelbench/kernel.h"
#include "accelbench/status.h"
#include "model/names.h"

/* How every case of the suite is measured (docs/measurement.md). */
typedef struct ab_measure_opts {
  double warmup_s;           /* run the kernel for at least this long before timing */
  uint32_t warmup_min_calls; /* ... and at least this many calls */
  double sample_min_s;       /* iterations per sample are calibrated to last at least this */
  uint32_t min_samples;      /* never stop before this many samples */
  uint32_t max_samples;      /* stop after this many samples */
  double target_cv;          /* stop once stdev/mean of the samples is below this */
  double time_cap_s;         /* stop once the timed loop has run this long */
  /* Cold cache (bench/coldcache.c): a case whose operands hold fewer bytes than the budget
   * runs on copies of them that together hold the budget, one call per copy in turn. */
  bool cold_cache;
  uint64_t cold_cache_budget_bytes; /* 0: AB_COLD_CACHE_BUDGET_DEFAULT */
} ab_measure_opts;

#define AB_COLD_CACHE_BUDGET_DEFAULT ((uint64_t)1 << 30)

/* Defaults used when a config omits a field: 10 samples minimum, 1% CV, 2 s cap. */
ab_measure_opts ab_measure_defaults(void);

/* One kernel case before it is expanded over devices and providers. */
typedef struct ab_case_spec {
  char set[48];        /* shape set name, e.g. "square", "deepbench-server", "llm-7b" */
  char label[64];      /* optional human label ("ffn_up", "qkv"), may be empty */
  ab_kernel_desc desc; /* filled with struct_size, kind, dtypes, params */
} ab_case_spec;

/* Default validate.whole_reference_macs: 2^40 multiply-adds (an 8192 x 16384 x 8192 GEMM),
 * tens of seconds of host dgemm at most on a small host; docs/config.md. */
#define AB_WHOLE_REFERENCE_MACS (UINT64_C(1) << 40)

typedef struct ab_suite {
  char name[64];
  char path[1024]; /* file it was loaded from */
  char description[256];
  uint64_t seed; /* input generation seed: same inputs on every backend */
  ab_measure_opts measure;
  uint64_t validate_max_elements; /* sampled output elements checked per case */
  /* Largest m*n*k of a GEMM with f16/bf16 output whose every element is checked against a
   * host-BLAS float64 reference (bench/hostblas.h); 0: never. */
  uint64_t validate_whole_macs;

  /* Backends and providers to use; empty lists mean "all found". */
  char **backends;
  size_t n_backends;
  char **providers;
  size_t n_providers;

  /* Backend options passed to open() ("threads: 2" under `options:`). */
  char **option_keys;
  char **option_values;
  size_t n_options;

  ab_case_spec *cases;
  size_t n_cases;
} ab_suite;

/* Load a suite from a YAML file. On error returns AB_E_INVALID (or AB_E_IO) and writes
 * "FILE:LINE:COL: field 'x': expected ..., got ..." into `msg` (AB_MSG_LEN bytes). */
ab_status ab_suite_load(const char *path, ab_suite *out, char *msg);

/* Same, from a string (name is used in messages in place of the path). */
ab_status ab_suite_load_string(const char *name, const char *yaml, size_t len, ab_suite *out,
                               char *msg);

void ab_suite_free(ab_suite *suite);

#endif
