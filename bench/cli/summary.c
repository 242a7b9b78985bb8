#include "summary.h"

#include <string.h>

#include "escape.h"
#include "model/kernel.h"
#include "model/kind.h"
#include "model/util.h"
#include "suite.h"

/* The kind's metric (bench/model/kinds/): GFLOP/s for compute kernels, GB/s for data
 * movement (also for memory-bound kinds that do some FLOPs); launch latency has only a time. */
static void rate_text(const ab_case_result *c, char *buf, size_t len) {
  if (c->status != AB_CASE_OK || c->time_s.median <= 0.0 || (c->flops <= 0.0 && c->bytes <= 0.0)) {
    snprintf(buf, len, "-");
    return;
  }
  /* Rates come from the run file's one derivation (bench/model/runfile.c). */
  ab_case_rates r;
  ab_case_rates_compute(c, &r);
  const ab_kind_def *kind = ab_kind_def_of(c->desc.kind);
  if (kind && kind->metric == AB_METRIC_TOKENS) /* decoder: tokens per call / time */
    snprintf(buf, len, "%.1f tokens/s", ab_kernel_tokens(&c->desc) / c->time_s.median);
  else if (c->flops > 0.0 && (!kind || kind->metric == AB_METRIC_FLOPS))
    snprintf(buf, len, "%.1f [%.1f, %.1f]", r.gflops_median, r.gflops_ci95_lo, r.gflops_ci95_hi);
  else
    snprintf(buf, len, "%.1f GB/s", r.gbytes_per_s_median);
}

static void row(FILE *out, const ab_case_result *c, bool md) {
  char shape[96], rate[64], dtype[24], device[48], time[32];
  ab_kernel_shape_str(&c->desc, shape, sizeof shape);
  rate_text(c, rate, sizeof rate);
  snprintf(dtype, sizeof dtype, "%s", ab_dtype_name(c->desc.dtype));
  snprintf(device, sizeof device, "%s:%u", c->backend, c->device_index);
  if (c->status == AB_CASE_OK)
    snprintf(time, sizeof time, "%.4g", c->time_s.median * 1e3);
  else
    snprintf(time, sizeof time, "-");
  const char *detail = c->status == AB_CASE_OK ? c->implementation : c->reason;
  if (md) {
    fprintf(out, "| %s | %s | %s | %s | %s | %s | %s | %s | ", ab_case_status_name(c->status),
            device, c->provider, c->set, dtype, shape, time, rate);
    ab_write_md_cell(out, detail); /* escape.h: build logs hold | and newlines */
    fputs(" |\n", out);
  } else {
    fprintf(out, "%-12s %-9s %-9s %-17s %-5s %-28s %10s %24s  %.60s\n",
            ab_case_status_name(c->status), device, c->provider, c->set, dtype, shape, time, rate,
            detail);
  }
}

void ab_summary_print(FILE *out, const ab_run *run, bool md) {
  if (md) {
    fprintf(out, "| status | device | provider | set | dtype | shape | median ms | GFLOP/s "
                 "[95%% CI] | implementation / reason |\n");
    fprintf(out, "|---|---|---|---|---|---|---:|---:|---|\n");
  } else {
    fprintf(out, "%-12s %-9s %-9s %-17s %-5s %-28s %10s %24s  %s\n", "status", "device", "provider",
            "set", "dtype", "shape", "median ms", "GFLOP/s [95% CI]", "implementation / reason");
  }
  for (size_t i = 0; i < run->n_cases; i++)
    row(out, &run->cases[i], md);
}

void ab_summary_counts(const ab_run *run, char *buf, size_t len) {
  size_t count[AB_CASE_STATUS_COUNT] = {0};
  for (size_t i = 0; i < run->n_cases; i++)
    if (run->cases[i].status < AB_CASE_STATUS_COUNT)
      count[run->cases[i].status]++;
  size_t used = 0;
  buf[0] = '\0';
  for (int s = 0; s < AB_CASE_STATUS_COUNT && used < len; s++) {
    if (!count[s])
      continue;
    used += (size_t)snprintf(buf + used, len - used, "%s%zu %s", used ? ", " : "", count[s],
                             ab_case_status_name((ab_case_status)s));
  }
  if (!used)
    snprintf(buf, len, "no cases");
}
