/* accelbench — the CSV report (report.csv): one row per case of every run file, every
 * derived figure in its own column, units in the column names (RFC 4180; empty = not
 * measured / not applicable). For spreadsheets and scripts. */
#include <math.h>
#include <string.h>

#include "escape.h"
#include "model/kernel.h"
#include "model/names.h"
#include "report.h"

static const char *const columns[] = {
    "run_file",
    "host",
    "subject",
    "backend",
    "device_index",
    "device_uid",
    "device_name",
    "provider",
    "catalog_id",
    "case_id",
    "set",
    "kind",
    "dtype",
    "out_dtype",
    "shape",
    "status",
    "reason",
    "implementation",
    "timer",
    "rate_unit",
    "rate_median",
    "rate_ci95_lo",
    "rate_ci95_hi",
    "time_p5_s",
    "time_median_s",
    "time_p95_s",
    "samples",
    "flops",
    "bytes",
    "eff_vs_spec",
    "eff_vs_measured",
    "power_source",
    "power_scope",
    "power_covers",
    "avg_w",
    "peak_w",
    "energy_j",
    "idle_w",
    "net_avg_w",
    "net_energy_j",
    "gflops_per_w",
    "net_gflops_per_w",
    "pj_per_flop",
    "net_pj_per_flop",
    "gbytes_per_s_per_w",
    "pj_per_byte",
    "j_per_token",
    "net_j_per_token",
    "net_uncertainty_w",
    "net_not_measurable",
    "power_not_measured",
    "clock_fell",
};

static void text(FILE *out, const char *s) {
  fputc(',', out);
  ab_write_csv_field(out, s);
}

/* 17 significant digits: a CSV is for further computation, so no figure is rounded. */
static void num(FILE *out, double v) {
  fputc(',', out);
  if (isfinite(v))
    fprintf(out, "%.17g", v);
}

static void identity(const ab_report *rep, const ab_report_row *r, FILE *out) {
  const ab_report_subject *s = &rep->subjects[r->subject];
  const ab_case_result *c = r->c;
  ab_write_csv_field(out, rep->inputs[s->input].path);
  text(out, s->host);
  text(out, s->label);
  text(out, s->backend);
  fprintf(out, ",%u", s->device_index);
  text(out, s->device_uid);
  text(out, s->device_name);
  text(out, s->provider);
  text(out, s->catalog ? s->catalog->id : "");
  text(out, c->case_id);
  text(out, c->set);
}

static void kernel(const ab_report_row *r, FILE *out) {
  const ab_case_result *c = r->c;
  char shape[160];
  ab_kernel_shape_str(&c->desc, shape, sizeof shape);
  text(out, ab_kernel_kind_name(c->desc.kind));
  text(out, c->desc.dtype ? ab_dtype_name(c->desc.dtype) : "");
  text(out, c->desc.out_dtype ? ab_dtype_name(c->desc.out_dtype) : "");
  text(out, shape);
  text(out, ab_case_status_name(c->status));
  text(out, c->reason);
  text(out, c->implementation);
  text(out, ab_timer_source_name(c->timer));
}

static void figures(const ab_report_row *r, FILE *out) {
  double m, lo, hi;
  const char *unit = ab_report_rate(r, &m, &lo, &hi);
  text(out, unit);
  num(out, m);
  num(out, lo);
  num(out, hi);
  num(out, r->t_p5);
  num(out, r->t_median);
  num(out, r->t_p95);
  fprintf(out, ",%u", r->c->time_s.n);
  num(out, r->c->flops);
  num(out, r->c->bytes);
  num(out, r->eff_spec);
  num(out, r->eff_measured);
}

static void power(const ab_report_row *r, FILE *out) {
  const ab_report_power *p = &r->power;
  text(out, p->ref.source);
  text(out, p->ref.scope);
  text(out, p->ref.covers);
  const double v[] = {
      p->avg_w,       p->peak_w,          p->energy_j,           p->idle_w,
      p->net_avg_w,   p->net_energy_j,    p->gflops_per_w,       p->net_gflops_per_w,
      p->pj_per_flop, p->net_pj_per_flop, p->gbytes_per_s_per_w, p->pj_per_byte,
      p->j_per_token, p->net_j_per_token, p->net_uncertainty_w};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    num(out, v[i]);
  text(out, p->net_not_measurable);
  text(out, p->measured ? "" : p->not_measured);
  text(out, r->clock_fell ? "true" : "false");
}

ab_status ab_report_write_csv(const ab_report *rep, FILE *out) {
  for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
    fprintf(out, "%s%s", i ? "," : "", columns[i]);
  fputs("\r\n", out);
  for (size_t i = 0; i < rep->n_rows; i++) {
    const ab_report_row *r = &rep->rows[i];
    identity(rep, r, out);
    kernel(r, out);
    figures(r, out);
    power(r, out);
    fputs("\r\n", out);
  }
  return ferror(out) ? AB_E_IO : AB_OK;
}
