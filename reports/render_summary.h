/* accelbench — the conclusion and the cost of ownership of the human formats
 * (render_summary.c); private to the reporter library. */
#ifndef AB_RENDER_SUMMARY_H
#define AB_RENDER_SUMMARY_H

#include <stdarg.h>
#include <stdio.h>

#include "report.h"

/* A case status in words of the report's language ("wrong result", "结果错误"). */
const char *ab_case_status_text(ab_lang lang, ab_case_status s);
/* A status in a table of cases: in English the run file's name ("wrong_result", as the
 * English goldens and scripts read it), in another language ab_case_status_text. */
const char *ab_case_status_label(ab_lang lang, ab_case_status s);

/* The header ("cost per PFLOP (CNY)") and cell of the best floating-point GEMM's cost per
 * unit of work of subject s (capex only, labelled, without power). */
void ab_conclusion_cost_header(const ab_report *rep, char *buf, size_t len);
void ab_conclusion_cost_text(const ab_report *rep, size_t s, char *buf, size_t len);

void ab_conclusion_write_md(const ab_report *rep, FILE *out);
void ab_conclusion_write_html(const ab_report *rep, FILE *out);

/* The cost inputs as one sentence; what a cost row lacks; its cost per PFLOP (or P-op):
 * the total, else capex only, labelled. */
void ab_cost_inputs_text(const ab_report *rep, char *buf, size_t len);
void ab_cost_missing_text(const ab_report *rep, const ab_report_cost *c, char *buf, size_t len);
void ab_cost_per_unit_text(const ab_report *rep, const ab_report_cost *c, char *buf, size_t len);
void ab_cost_write_md(const ab_report *rep, FILE *out);
void ab_cost_write_html(const ab_report *rep, FILE *out);

/* Each device x kernel key that several providers ran: portable kernels beside vendor
 * libraries and the catalogue's spec-sheet ceiling; nothing when there is none. */
void ab_providers_write_md(const ab_report *rep, FILE *out);
void ab_providers_write_html(const ab_report *rep, FILE *out);

#endif
