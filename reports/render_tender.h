/* accelbench — the compliance matrix's renderers and the texts they share (render_tender.c);
 * private to the reporter library. */
#ifndef AB_RENDER_TENDER_H
#define AB_RENDER_TENDER_H

#include <jansson.h>
#include <stdio.h>

#include "report.h"

const char *ab_tender_verdict_text(ab_lang lang, ab_tender_verdict v);
/* A power scope in words: "board" -> "整卡功耗" in Chinese. */
const char *ab_scope_text(ab_lang lang, const char *scope);
/* The same for a scope read from a run file: a scope it does not know is shown as given. */
const char *ab_scope_label(ab_lang lang, const char *scope);
/* "throughput gemm bf16 ≥ 200 TFLOP/s": the rule a requirement states, in words. */
void ab_tender_rule_text(ab_lang lang, const ab_tender_req *q, char *buf, size_t len);
/* "210 TFLOP/s (205 – 215)", "3 of 4 kinds validated", "—". */
void ab_tender_figure_text(ab_lang lang, const ab_tender_req *q, const ab_tender_cell *c, char *buf,
                           size_t len);
void ab_tender_bound_text(const ab_tender_req *q, const ab_tender_cell *c, char *buf, size_t len);
/* "exceeds by +5.0%", "short by −3.1%", or the verdict where there is no figure. */
void ab_tender_deviation_text(ab_lang lang, const ab_tender_cell *c, char *buf, size_t len);
/* The cell's reason and evidence in the report's language. */
void ab_tender_note_text(const ab_report *rep, const ab_tender_cell *c, char *buf, size_t len);
void ab_tender_overall_text(const ab_report *rep, size_t s, char *buf, size_t len);
void ab_tender_failed_ids(const ab_report *rep, size_t s, char *buf, size_t len);
const char *ab_tender_domestic_text(const ab_report *rep, size_t s);

/* The section in Markdown and HTML (nothing without a tender), the JSON object (null
 * without one), and the CSV file compliance.csv. */
void ab_tender_write_md(const ab_report *rep, FILE *out);
void ab_tender_write_html(const ab_report *rep, FILE *out);
json_t *ab_tender_json(const ab_report *rep);
ab_status ab_report_write_compliance_csv(const ab_report *rep, FILE *out);

#endif
