/* accelbench — system information for the run file: CPU (model, cores, SIMD, clocks, with
 * the source of each fact), hwloc topology summary, OS and library versions. */
#ifndef AB_SYSINFO_H
#define AB_SYSINFO_H

#include <jansson.h>
#include <stdbool.h>

typedef struct ab_sysinfo_opts {
  /* Run the short clock and FMA-peak microbenchmarks (about 0.5 s). */
  bool measure_clock;
} ab_sysinfo_opts;

/* Collect everything into a new JSON object (never NULL; unknown facts are null with a
 * "*_source" saying why). */
json_t *ab_sysinfo_collect(const ab_sysinfo_opts *opts);

/* The running core clock in GHz, measured with a dependent-add loop on this thread
 * (one add per cycle); <= 0 if it could not be measured. */
double ab_measure_core_clock_ghz(void);

/* Measured single-thread peak of fused multiply-adds (GFLOP/s, 2 FLOPs per FMA lane) for
 * the widest vector ISA this CPU has, for f32 (`f64 = false`) or f64. <= 0 if none. */
double ab_measure_fma_peak_gflops(bool f64, char *isa_used, size_t isa_len);

#endif
