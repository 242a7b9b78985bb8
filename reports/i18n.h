/* accelbench — the message catalogue of the human report formats: every heading, label,
 * unit word, verdict and warning the renderers write themselves, in English and Chinese
 * (zh-CN), keyed by message id (reports/i18n.c). Text that comes from run files, the
 * catalogue or the tender file (device and vendor names, reasons, requirement text) is
 * data and is shown as given in either language. The Chinese terms follow the procurement
 * and vendor usage a Chinese committee already reads (docs/reports.md, "Languages"). */
#ifndef AB_I18N_H
#define AB_I18N_H

#include <stdarg.h>
#include <stddef.h>

#include "accelbench/status.h"

typedef enum ab_lang { AB_LANG_EN = 0, AB_LANG_ZH_CN, AB_LANG_COUNT } ab_lang;

/* "en" or "zh-CN" (also "zh_CN", "zh"): AB_E_INVALID for anything else. */
ab_status ab_lang_parse(const char *name, ab_lang *out);
/* The BCP 47 tag for <html lang>: "en", "zh-CN". */
const char *ab_lang_tag(ab_lang lang);

/* One id per message. Printf conversions, where a message has them, are the same in every
 * language, in the same order (tests/i18n checks it). */
typedef enum ab_msg {
  /* the compliance matrix */
  AB_M_TENDER_HEADING,
  AB_M_TENDER_INTRO,
  AB_M_TENDER_SUMMARY,
  AB_M_TENDER_MATRIX,
  AB_M_TENDER_DEVIATION_OF,
  AB_M_COL_DEVICE,
  AB_M_COL_DOMESTIC,
  AB_M_COL_MET,
  AB_M_COL_MANDATORY_FAILED,
  AB_M_COL_OVERALL,
  AB_M_COL_NO,
  AB_M_COL_ITEM,
  AB_M_COL_REQUIREMENT,
  AB_M_COL_MEASURED,
  AB_M_COL_BOUND,
  AB_M_COL_DEVIATION,
  AB_M_COL_VERDICT,
  AB_M_COL_NOTE,
  AB_M_OVERALL_OK,
  AB_M_OVERALL_FAIL,
  AB_M_OVERALL_NO_MANDATORY,
  AB_M_YES,
  AB_M_NO,
  AB_M_MANDATORY,
  AB_M_VERDICT_MET,
  AB_M_VERDICT_NOT_MET,
  AB_M_VERDICT_NOT_MEASURED,
  AB_M_VERDICT_UNSUPPORTED,
  AB_M_DEV_EXCEEDS,
  AB_M_DEV_EXACT,
  AB_M_DEV_SHORT,
  AB_M_WHY_FIGURE,
  AB_M_WHY_PRICE,
  AB_M_WHY_NO_CASE,
  AB_M_WHY_UNSUPPORTED,
  AB_M_WHY_FAILED,
  AB_M_WHY_IMPLAUSIBLE,
  AB_M_WHY_NO_INTERVAL,
  AB_M_WHY_NO_POWER,
  AB_M_WHY_OTHER_SCOPE,
  AB_M_WHY_NO_TOKENS,
  AB_M_WHY_NO_PRICE,
  AB_M_WHY_KINDS_MISSING,
  AB_M_WHY_DOMESTIC,
  AB_M_METRIC_THROUGHPUT,
  AB_M_METRIC_LATENCY,
  AB_M_METRIC_PERF_PER_WATT,
  AB_M_METRIC_ENERGY_PER_OP,
  AB_M_METRIC_ENERGY_PER_TOKEN,
  AB_M_METRIC_COVERAGE,
  AB_M_METRIC_BOARD_POWER,
  AB_M_METRIC_PRICE,
  AB_M_SCOPE_BOARD,
  AB_M_SCOPE_CHIP,
  AB_M_SCOPE_NODE,
  AB_M_SCOPE_ANY,
  AB_M_SCOPE_UNKNOWN,
  AB_M_KINDS_OF,
  AB_M_AT_SCOPE,
  /* the conclusion and cost of ownership */
  AB_M_CONCLUSION_HEADING,
  AB_M_CONCLUSION_INTRO,
  AB_M_CLASS_FLOAT,
  AB_M_CLASS_INT,
  AB_M_COL_BEST_RATE,
  AB_M_COL_PERFW,
  AB_M_COL_COST_PER,
  AB_M_COL_COVERAGE,
  AB_M_COL_FAILURES,
  AB_M_CAPEX_ONLY,
  AB_M_NO_COST_FILE,
  AB_M_NOT_MEASURED,
  AB_M_NONE,
  AB_M_NO_CASE_OF_CLASS,
  AB_M_UNIT_PFLOP,
  AB_M_UNIT_POP,
  AB_M_ST_OK,
  AB_M_ST_UNSUPPORTED,
  AB_M_ST_FAILED,
  AB_M_ST_WRONG_RESULT,
  AB_M_ST_CRASHED,
  AB_M_ST_TIMEOUT,
  AB_M_ST_SKIPPED,
  AB_M_ST_IMPLAUSIBLE,
  AB_M_COST_HEADING,
  AB_M_COST_INPUTS,
  AB_M_COL_DTYPE,
  AB_M_COL_UNIT_PRICE,
  AB_M_COL_RATE,
  AB_M_COL_AVG_W,
  AB_M_COL_KWH_YEAR,
  AB_M_COL_ENERGY_COST,
  AB_M_COL_TOTAL_COST,
  AB_M_COL_COST_PER_PETA,
  AB_M_COL_MISSING,
  AB_M_NO_DECODER_COST,
  /* titles and the comparison */
  AB_M_REPORT_TITLE,
  AB_M_CMP_TITLE,
  AB_M_CMP_INTRO,
  AB_M_CMP_RANKING,
  AB_M_CMP_RANKING_NOTE,
  AB_M_COL_RANK,
  AB_M_COL_GEOMEAN,
  AB_M_COL_OWN_GEOMEAN,
  AB_M_COL_OWN_KEYS,
  AB_M_COL_STATUS,
  AB_M_COL_CI95,
  AB_M_COL_RATIO,
  AB_M_COL_RATIO_CI,
  AB_M_COL_ENERGY_OP,
  AB_M_COL_SCOPE,
  AB_M_COL_KERNEL_KEY,
  AB_M_CMP_KERNELS,
  AB_M_CMP_COVERAGE,
  AB_M_CMP_COVERAGE_INTRO,
  AB_M_WARNINGS,
  AB_M_V_BASELINE,
  AB_M_V_FASTER,
  AB_M_V_SLOWER,
  AB_M_V_NOISE,
  AB_M_V_DISTURBED,
  AB_M_NOT_RUN,
  AB_M_NO_INTERVAL,
  /* section headings and introductions */
  AB_M_H_RUN_FILES,
  AB_M_H_DEVICES,
  AB_M_H_BEST_GEMM,
  AB_M_H_PERFW,
  AB_M_H_ROOFLINE,
  AB_M_H_TIMELINES,
  AB_M_H_COVERAGE,
  AB_M_H_SYSTEM,
  AB_M_H_CASES,
  AB_M_H_SUMMARY,
  AB_M_H_BACKENDS,
  AB_M_H_RESULTS_BY_DEVICE,
  AB_M_H_SECTIONS,
  AB_M_HTML_INTRO,
  AB_M_MD_INTRO,
  AB_M_NO_WARNINGS,
  /* providers side by side */
  AB_M_PROV_HEADING,
  AB_M_PROV_INTRO,
  AB_M_COL_KERNEL,
  AB_M_COL_PORTABLE,
  AB_M_COL_VENDOR,
  AB_M_COL_SPEC,
  AB_M_COL_PORT_VS_VENDOR,
  AB_M_OF_MEASURED_BW,
  /* column labels of the detail tables */
  AB_M_L_FILE,
  AB_M_L_HOST,
  AB_M_L_STARTED,
  AB_M_L_SUITE,
  AB_M_L_COMPLETE,
  AB_M_L_CASES,
  AB_M_L_BUNDLE,
  AB_M_L_RUN,
  AB_M_L_BACKEND,
  AB_M_L_ENABLED,
  AB_M_L_MODULE,
  AB_M_L_SIZE,
  AB_M_L_CATALOGUE,
  AB_M_L_VENDOR,
  AB_M_L_COUNTRY,
  AB_M_L_PROCUREMENT,
  AB_M_L_TDP,
  AB_M_L_IDLE,
  AB_M_L_STATUS_COUNTS,
  AB_M_L_SHAPE,
  AB_M_L_VS_SPEC,
  AB_M_L_VS_MEASURED,
  AB_M_L_AVG_W,
  AB_M_L_SCOPE,
  AB_M_L_PERF_PER_W,
  AB_M_L_NET_OF_IDLE,
  AB_M_L_ENERGY_PER_OP,
  AB_M_L_TIME,
  AB_M_L_IMPL,
  AB_M_BEST_GEMM_INTRO,
  /* warnings of the report and notes of the comparison, built with figures */
  AB_M_W_IMPLAUSIBLE_SPEC,
  AB_M_W_IMPLAUSIBLE_MEASURED,
  AB_M_W_DISTURBED,
  AB_M_W_MIXED_SCOPES,
  AB_M_W_CUT_SHORT,
  AB_M_W_VERSIONS,
  AB_M_W_SUITES,
  AB_M_W_NO_CATALOG,
  AB_M_W_CLOCK_FELL,
  AB_M_N_VERSIONS,
  AB_M_N_SUITES,
  AB_M_N_CUT_SHORT,
  AB_M_N_SCOPES,
  AB_M_N_DISTURBED,
  AB_M_COUNT
} ab_msg;

/* The text of `id` in `lang`; never NULL. */
const char *ab_tr(ab_lang lang, ab_msg id);

/* The catalogue as a table, for tests: the id's name ("AB_M_TENDER_HEADING"), and its text
 * in one language without falling back to English (NULL when missing). */
const char *ab_msg_name(ab_msg id);
const char *ab_msg_text(ab_msg id, ab_lang lang);

/* A label given by its English text (a table column written as a literal): its text in
 * `lang` when the catalogue has a message with exactly that English text, else the
 * English as given. */
const char *ab_tr_label(ab_lang lang, const char *en);

/* Message `id` in `lang` with its conversions filled in, into buf (never cut inside a UTF-8
 * character). The catalogue's formats take the same arguments in every language
 * (tests/i18n), so a caller passes the English message's arguments. */
void ab_trf(char *buf, size_t len, ab_lang lang, ab_msg id, ...);
void ab_vtrf(char *buf, size_t len, ab_lang lang, ab_msg id, va_list ap);

/* A note built from figures (a report warning, a comparison note), kept twice: in English
 * for the machine formats and the console, and in the report's language for Markdown and
 * HTML. Appends both to the lists (`texts` may be NULL: English only); a note already in
 * the list is not added again. AB_E_NOMEM when one cannot be added. */
ab_status ab_note_add(char ***en, char ***texts, size_t *n, ab_lang lang, ab_msg id, ...);
/* The same with both texts already made (a note whose arguments are themselves words). */
ab_status ab_note_add_texts(char ***en, char ***texts, size_t *n, const char *e, const char *t);
void ab_notes_free(char **en, char **texts, size_t n);

#endif
