/* accelbench — tender requirements (a `tender:` YAML file, docs/tender.md) and the
 * compliance matrix of a report: device x requirement -> met / not met / not measured /
 * unsupported, each with the measured figure, its interval and the conservative bound the
 * rule compares. The matrix is the technical deviation table (技术偏离表) a procurement
 * committee reads first; the requirement's marker (★, ▲, "*") is kept as written, and
 * whether a shortfall disqualifies is the file's `mandatory` flag, never the marker's
 * glyph. */
#ifndef AB_TENDER_H
#define AB_TENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "accelbench/kernel.h"
#include "accelbench/status.h"

/* What a requirement measures. */
typedef enum ab_tender_metric {
  AB_TREQ_THROUGHPUT = 0,   /* min rate of a kernel (FLOP/s, op/s, B/s, calls/s) */
  AB_TREQ_LATENCY,          /* max time of one call */
  AB_TREQ_PERF_PER_WATT,    /* min rate per watt, at a stated power scope */
  AB_TREQ_ENERGY_PER_OP,    /* max energy per unit of work (pJ/FLOP, pJ/op, pJ/B) */
  AB_TREQ_ENERGY_PER_TOKEN, /* max J/token of a kernel that processes tokens */
  AB_TREQ_COVERAGE,         /* kinds that must run and validate */
  AB_TREQ_BOARD_POWER,      /* max peak power at a stated scope */
  AB_TREQ_PRICE,            /* max unit price (after the domestic-product preference) */
  AB_TREQ_METRIC_COUNT
} ab_tender_metric;

#define AB_TENDER_MAX_REQS  256
#define AB_TENDER_MAX_KINDS 32

typedef struct ab_tender_req {
  char id[64];     /* the tender's item number (招标文件条目号), as written */
  char marker[16]; /* "★", "▲", "*", or empty: shown verbatim */
  bool mandatory;  /* a shortfall or a missing figure disqualifies (实质性要求) */
  char text[256];  /* the requirement as the tender words it (optional) */
  ab_tender_metric metric;
  /* The kernel it is about (throughput, latency, perf/W, energy): kind, input dtype and
   * optionally one shape (ab_kernel_shape_str's text); no shape: the device's best case of
   * that kind and dtype. */
  ab_kernel_kind kind;
  ab_dtype dtype;
  char shape[160];
  /* The threshold in the requirement's unit, and the factor that converts the harness's
   * figure into that unit (e.g. GFLOP/s -> TFLOP/s: 1e-3). */
  double limit;
  char unit[24];
  double scale;
  bool is_max;    /* latency, energy, power, price: lower is better */
  char scope[16]; /* perf/W, board power: "board", "chip", "node" or "any" */
  ab_kernel_kind kinds[AB_TENDER_MAX_KINDS]; /* coverage */
  size_t n_kinds;
  int line; /* where it was defined, for messages */
} ab_tender_req;

typedef struct ab_tender {
  char file[1024];
  char title[256];
  char currency[8]; /* of max price; empty when no price requirement */
  /* Domestic products (本国产品) are evaluated at price x (1 - fraction) for a price
   * requirement (国办发〔2025〕34号: 20%); the lab declares which catalogue ids qualify,
   * from the suppliers' declarations: the harness cannot measure it. */
  double domestic_fraction;
  char (*domestic_ids)[64];
  size_t n_domestic;
  ab_tender_req *reqs;
  size_t n_reqs;
} ab_tender;

/* Load a `tender:` file. Every bad field: AB_E_INVALID with "FILE:LINE:COL: FIELD: expected
 * ..., got ..." in msg (AB_MSG_LEN); AB_E_IO when it cannot be read. */
ab_status ab_tender_load(const char *path, ab_tender *out, char *msg);
/* The same from a buffer (fuzzing and tests); `name` names it in messages. */
ab_status ab_tender_parse(const char *name, const char *buf, size_t len, ab_tender *out, char *msg);
void ab_tender_free(ab_tender *t);

bool ab_tender_is_domestic(const ab_tender *t, const char *catalog_id);

typedef enum ab_tender_verdict {
  AB_TENDER_MET = 0,
  AB_TENDER_NOT_MET,
  AB_TENDER_NOT_MEASURED,
  AB_TENDER_UNSUPPORTED,
  AB_TENDER_VERDICT_COUNT
} ab_tender_verdict;

/* "met", "not met", "not measured", "unsupported"; never NULL. */
const char *ab_tender_verdict_name(ab_tender_verdict v);
/* "throughput", "latency", ...; never NULL. */
const char *ab_tender_metric_name(ab_tender_metric m);

/* Why a cell has the verdict it has, beyond the figure itself; renderers word it in the
 * report's language, with `arg` (data from the run file or the model) quoted as is. */
typedef enum ab_tender_why {
  AB_TWHY_FIGURE = 0,    /* judged on the figure; arg: the case key (may be empty) */
  AB_TWHY_PRICE,         /* judged on a price; arg: where the price came from */
  AB_TWHY_NO_CASE,       /* the device ran no such case */
  AB_TWHY_UNSUPPORTED,   /* every such case was unsupported; arg: the backend's reason */
  AB_TWHY_FAILED,        /* failed, wrong result, crashed or timed out; arg: "status: reason" */
  AB_TWHY_IMPLAUSIBLE,   /* ok, but faster than the device can be: never counted */
  AB_TWHY_NO_INTERVAL,   /* fewer than 6 samples: no 95% interval, so no conservative bound */
  AB_TWHY_NO_POWER,      /* no power figure; arg: the run file's reason */
  AB_TWHY_OTHER_SCOPE,   /* power measured at another scope; arg: that scope */
  AB_TWHY_NO_TOKENS,     /* the kernel processes no tokens */
  AB_TWHY_NO_PRICE,      /* arg: why (no catalogue entry, other currency, ...) */
  AB_TWHY_KINDS_MISSING, /* coverage: arg lists each kind not validated and its status */
  AB_TWHY_COUNT
} ab_tender_why;

/* One device x requirement. Figures are in the requirement's unit; NAN when absent. */
typedef struct ab_tender_cell {
  ab_tender_verdict verdict;
  ab_tender_why why;
  double value;     /* the measured figure (median rate, peak power, price, kinds validated) */
  double lo, hi;    /* its 95% interval, when it has one */
  double bound;     /* the conservative end the rule compares with the limit */
  double deviation; /* (bound - limit) / limit, signed so that + is better; NAN without one */
  bool domestic;    /* price: evaluated with the domestic-product preference */
  size_t row;       /* the case it comes from (ab_report.rows); SIZE_MAX when none */
  char arg[384];
  /* arg in the report's language (Markdown, HTML); arg itself is English (JSON, JUnit) */
  char arg_text[384];
} ab_tender_cell;

#endif
