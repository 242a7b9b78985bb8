/* accelbench — the result model: what one planned case leaves behind.
 *
 * Every planned case produces exactly one ab_case_result, whatever happened to it
 * (clpeak's rule: results never vanish). The run file (docs/run-file.md) is the JSON form
 * of these records; reports are rendered only from run files.
 */
#ifndef AB_MODEL_RECORD_H
#define AB_MODEL_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accelbench/kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ab_case_status {
  AB_CASE_OK = 0,           /* ran, validated, timed */
  AB_CASE_UNSUPPORTED = 1,  /* the device or provider does not offer it (reason says why) */
  AB_CASE_FAILED = 2,       /* the backend returned an error */
  AB_CASE_WRONG_RESULT = 3, /* ran, but the output disagrees with the float64 reference */
  AB_CASE_CRASHED = 4,      /* the process running it died (signal in the reason) */
  AB_CASE_TIMEOUT = 5,      /* exceeded its time limit and was stopped */
  AB_CASE_SKIPPED = 6,      /* not attempted (filtered out, device absent, too large) */
  AB_CASE_IMPLAUSIBLE = 7,  /* ran and validated, but its timing cannot be true (audit) */
  AB_CASE_STATUS_COUNT
} ab_case_status;

/* Robust statistics of a sample of per-iteration times (seconds). */
typedef struct ab_stats {
  uint32_t n;
  double median, mean, min, max, p5, p95, stdev, cv;
  double median_ci95_lo, median_ci95_hi; /* distribution-free CI of the median */
} ab_stats;

typedef enum ab_timer_source {
  AB_TIMER_HOST = 0,   /* host monotonic clock around the backend call */
  AB_TIMER_DEVICE = 1, /* device events / timers reported by the backend */
} ab_timer_source;

typedef enum ab_stop_reason {
  AB_STOP_NONE = 0,
  AB_STOP_CV = 1,          /* sigma/mu fell below the target */
  AB_STOP_TIME_CAP = 2,    /* the per-case time cap was reached */
  AB_STOP_MAX_SAMPLES = 3, /* the sample limit was reached */
} ab_stop_reason;

typedef struct ab_validation {
  bool checked;
  uint64_t elements_checked; /* sampled output elements compared with the reference */
  uint64_t elements_total;
  uint64_t mismatches;
  double max_abs_error;
  double max_error_ratio; /* max over elements of |error| / tolerance; <= 1 passes */
  char rule[96];          /* the tolerance rule, in words */
  /* A check covering every output element (GEMM: a Freivalds row test), where the kind
   * has one: units (rows) outside its bound, the first of them (-1: none), its rule. */
  bool full_checked;
  uint64_t full_failed;
  int64_t full_first_failed;
  char full_rule[160];
  /* The seed of the check's random choices (sampled elements, vectors), drawn at run time
   * and recorded after the run: a backend cannot know in advance what will be checked. */
  uint64_t seed;
} ab_validation;

/* What else the machine did during the timed window (bench/interference.h). */
typedef struct ab_interference {
  bool measured;
  double window_s;
  double other_cpu_s; /* CPU seconds other processes used (machine-wide, all cores) */
  double steal_s;     /* seconds a hypervisor stole */
  /* Less than this many seconds (of other CPU time or of steal) is tick-counting noise and
   * never judged: AB_DISTURBED_TICKS clock ticks per CPU. Recorded so that `verify` can
   * re-judge the window; negative when a run file written before it lacks it. */
  double quantum_s;
  bool disturbed; /* over the thresholds of docs/measurement.md (ab_interference_disturbed) */
  /* Other processes on the device during the window, this harness left out: from the
   * backend (ABI 1.4 device_processes) or a power channel covering the device (power ABI
   * 1.2 foreign_processes). Any one makes the window disturbed. */
  bool device_measured;          /* some backend or power source could tell */
  uint32_t device_processes;     /* distinct pids seen at either edge */
  char device_process_list[192]; /* "4242 python, 4243 ?" (cut when long) */
} ab_interference;

struct json_t; /* jansson's type; the harness owns these objects */

typedef struct ab_case_result {
  /* identity: the comparison key is backend/device uid/provider/kernel/dtypes/shape */
  char case_id[256];
  char set[48]; /* the shape set the case came from: "square", "deepbench-server", ... */
  char backend[32];
  uint32_t device_index;
  char device_uid[64];
  char device_name[128];
  char provider[32];
  ab_kernel_desc desc;

  ab_case_status status;
  char reason[512];
  char implementation[128];

  /* timing */
  ab_timer_source timer;
  ab_stats time_s; /* per-iteration time, from `timer` */
  ab_interference interference;
  /* The device timer's median when it disagreed with the host clock and was not believed
   * (time_s is then the host's); 0 when it was believed or there was none. */
  double device_timer_rejected_s;
  ab_stats host_time_s; /* per-iteration host time, always measured (launch overhead) */
  uint32_t iterations_per_sample;
  uint64_t iterations_total;
  double warmup_s;
  double setup_s; /* compile / plan time from case_prepare, outside the timed figures */
  double measured_s;
  ab_stop_reason stop_reason;
  /* Time outside warm-up and the timed loop, split by who spent it: the backend (buffer
   * allocation, uploads, case_prepare including setup_s, read-back, release) and the
   * harness (seeded input generation, float64 validation). Shows what a backend adds to a
   * suite's wall time beyond its kernels. */
  double backend_overhead_s;
  double harness_overhead_s;
  /* The part of harness_overhead_s spent checking the output against the float64
   * reference (read-back excluded): what the every-element check costs a suite. */
  double check_s;
  /* Cold cache (measure.cold_cache): copies of the operands the timed calls rotated through,
   * the case itself included, and their bytes; 0 when the case ran warm. */
  uint32_t cold_cache_copies;
  uint64_t cold_cache_bytes;

  /* work per call, from the descriptor */
  double flops;
  double bytes;

  ab_validation validation;
  /* The audited call (docs/measurement.md): at a position drawn at run time the output is
   * reset, one call is timed against the same call just before, and its output checked. */
  struct {
    bool done;
    uint32_t sample;     /* the sample it preceded */
    uint32_t rounds;     /* reset-and-call rounds (repeated while the call looked slow) */
    uint32_t calls;      /* calls of the case it added (control and audited calls) */
    bool as_sample;      /* the audited call is timed sample `sample` itself, not an extra call */
    double control_s;    /* slowest host time of one call before the reset */
    double audit_s;      /* host time of the one call after it */
    uint64_t mismatches; /* wrong elements in the audited output (sampled + full check) */
  } audit;

  /* Power and energy over the timed window, and clocks/temperatures before and after
   * (docs/power.md); NULL when the record has none. Owned: ab_case_result_clear(). */
  struct json_t *power;
  struct json_t *thermal;

  /* The raw per-iteration time of every timed sample, in the order taken: samples_s from
   * `timer`, host_samples_s from the host clock for the same samples. time_s and
   * host_time_s are their statistics (bench/stats.c), and `accelbench verify` recomputes
   * them from here. Owned: ab_case_result_clear(). NULL and 0 when nothing was timed, and
   * in a record read from a run file written before samples were kept. */
  double *samples_s;
  double *host_samples_s;
  uint32_t n_samples;

  /* decoder: a case the harness composed from steps (bench/composite.h): each step's kind,
   * shape, provider and implementation, the KV append's path, tokens per call and, for a
   * decode step, the p50/p99 time of one token. NULL for an ordinary case. Owned:
   * ab_case_result_clear(). */
  struct json_t *composite;
} ab_case_result;

#ifdef __cplusplus
}
#endif
#endif
