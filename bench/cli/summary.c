#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "model/kernel.h"
#include "model/kind.h"
#include "model/util.h"
#include "suite.h"
#include "table.h"

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
  if (c->flops > 0.0 && (!kind || kind->metric == AB_METRIC_FLOPS))
    snprintf(buf, len, "%.1f [%.1f, %.1f]", r.gflops_median, r.gflops_ci95_lo, r.gflops_ci95_hi);
  else
    snprintf(buf, len, "%.1f GB/s", r.gbytes_per_s_median);
}

/* The cells of one case, in the column order of `summary_cols`. */
enum {
  COL_STATUS,
  COL_DEVICE,
  COL_PROVIDER,
  COL_SET,
  COL_DTYPE,
  COL_SHAPE,
  COL_TIME,
  COL_RATE,
  COL_DETAIL,
  N_COLS
};

typedef struct row_text {
  char device[48], shape[96], time[32], rate[64];
} row_text;

static void row_cells(const ab_case_result *c, row_text *t, const char **cells) {
  ab_kernel_shape_str(&c->desc, t->shape, sizeof t->shape);
  rate_text(c, t->rate, sizeof t->rate);
  snprintf(t->device, sizeof t->device, "%s:%u", c->backend, c->device_index);
  if (c->status == AB_CASE_OK)
    snprintf(t->time, sizeof t->time, "%.4g", c->time_s.median * 1e3);
  else
    snprintf(t->time, sizeof t->time, "-");
  cells[COL_STATUS] = ab_case_status_name(c->status);
  cells[COL_DEVICE] = t->device;
  cells[COL_PROVIDER] = c->provider;
  cells[COL_SET] = c->set;
  cells[COL_DTYPE] = ab_dtype_name(c->desc.dtype);
  cells[COL_SHAPE] = t->shape;
  cells[COL_TIME] = t->time;
  cells[COL_RATE] = t->rate;
  cells[COL_DETAIL] = c->status == AB_CASE_OK ? c->implementation : c->reason;
}

static void md_row(FILE *out, const ab_case_result *c) {
  row_text t;
  const char *cells[N_COLS];
  row_cells(c, &t, cells);
  fputs("|", out);
  for (int i = 0; i < COL_DETAIL; i++)
    fprintf(out, " %s |", cells[i]);
  fputs(" ", out);
  ab_write_md_cell(out, cells[COL_DETAIL]); /* escape.h: build logs hold | and newlines */
  fputs(" |\n", out);
}

/* Free text goes first, then the set and shape; status, dtype and the time last. */
static const ab_table_col summary_cols[N_COLS] = {
    [COL_STATUS] = {"status", 12, 9, false},
    [COL_DEVICE] = {"device", 6, 4, false},
    [COL_PROVIDER] = {"provider", 6, 3, false},
    [COL_SET] = {"set", 3, 1, false},
    [COL_DTYPE] = {"dtype", 4, 6, false},
    [COL_SHAPE] = {"shape", 8, 2, false},
    [COL_TIME] = {"median ms", 6, 7, true},
    [COL_RATE] = {"GFLOP/s [95% CI]", 6, 5, true},
    [COL_DETAIL] = {"implementation / reason", 6, 0, false},
};

static void terminal_table(FILE *out, const ab_run *run, size_t width) {
  row_text *text = calloc(run->n_cases ? run->n_cases : 1, sizeof *text);
  const char **cells = calloc(run->n_cases * N_COLS + 1, sizeof *cells);
  if (text && cells) {
    for (size_t i = 0; i < run->n_cases; i++)
      row_cells(&run->cases[i], &text[i], cells + i * N_COLS);
    ab_table_print(out, summary_cols, N_COLS, cells, run->n_cases, width);
  }
  free(text);
  free(cells);
}

void ab_summary_print(FILE *out, const ab_run *run, bool md) {
  if (!md) {
    ab_summary_print_width(out, run, ab_terminal_width(out));
    return;
  }
  fprintf(out, "| status | device | provider | set | dtype | shape | median ms | GFLOP/s "
               "[95%% CI] | implementation / reason |\n");
  fprintf(out, "|---|---|---|---|---|---|---:|---:|---|\n");
  for (size_t i = 0; i < run->n_cases; i++)
    md_row(out, &run->cases[i]);
}

void ab_summary_print_width(FILE *out, const ab_run *run, size_t width) {
  terminal_table(out, run, width);
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
