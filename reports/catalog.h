/* accelbench — the device catalogue (configs/devices/ YAML files) and the cost-of-ownership
 * inputs of a report (docs/reports.md). Spec-sheet facts a run cannot measure: vendor,
 * country of origin, procurement-list status as the lab declares it, price, TDP, peak
 * throughput per dtype, memory. Unknown values stay unknown (NAN / empty), never guessed. */
#ifndef AB_CATALOG_H
#define AB_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "accelbench/kernel.h"
#include "accelbench/status.h"
#include "i18n.h"
#include "model/runfile.h"

typedef struct ab_catalog_entry {
  char id[64];               /* unique key, e.g. "nvidia-h100-sxm5-80gb" */
  char vendor[64];           /* "NVIDIA", "Huawei", ... */
  char model[128];           /* "H100 SXM5 80GB" */
  char device_type[16];      /* "gpu", "npu", "cpu", "other" (as in run files) */
  char country[64];          /* country of origin of the chip vendor */
  char procurement_list[32]; /* "listed", "not_listed" or "unknown": declared by the user */
  double unit_price;         /* NAN when unknown */
  char currency[8];          /* ISO 4217 ("CNY", "USD"); empty when unit_price is unknown */
  double tdp_w;              /* spec-sheet TDP / TBP in watts; NAN when unknown */
  double peak_tflops[AB_DTYPE_COUNT]; /* dense spec-sheet peak per input dtype; NAN unknown
                                         (int8: TOPS) */
  double memory_gib;                  /* NAN when unknown */
  double memory_bw_gbs;               /* GB/s (10^9 bytes/s); NAN when unknown */
  char sources[1024]; /* where the figures came from (documents, URLs), as written */
  char notes[512];

  /* Match rule (docs/catalog.md, "Matching"): every field given must match the run
   * file's device; name patterns are case-insensitive substrings, any one of which may
   * match; the longest matching pattern wins, then a lab entry, then the first loaded. */
  char match_backend[32];   /* empty: any backend */
  char match_vendor[64];    /* empty: any vendor (case-insensitive substring) */
  char match_type[16];      /* empty: any type */
  char (*match_names)[128]; /* owned */
  size_t n_match_names;

  char file[1024]; /* where it was defined, for messages */
  int line;
  bool user; /* loaded from a user (lab) catalogue, not a shipped file */
} ab_catalog_entry;

typedef struct ab_catalog {
  ab_catalog_entry *entries; /* owned */
  size_t n_entries;
} ab_catalog;

/* Load one YAML file, or every *.yaml in a directory in name order, and add its entries.
 * `user` marks a lab's own catalogue: its entries win ties against shipped ones, and an
 * entry whose id exists already replaces it. Errors: AB_E_INVALID / AB_E_IO with
 * "FILE:LINE:COL: field: expected ..." in msg (AB_MSG_LEN). */
ab_status ab_catalog_load(ab_catalog *cat, const char *path, bool user, char *msg);

/* The shipped catalogue directory (configs/devices): $ACCELBENCH_CONFIG_DIR/devices, the
 * source tree, then the install directory; returns false when none exists. */
bool ab_catalog_default_dir(char *path, size_t len);

/* The entry for a run file's device, by the documented rule; NULL when none matches.
 * `why` (may be NULL, `len` bytes) says which pattern matched, or that none did, or which
 * entries tied. */
const ab_catalog_entry *ab_catalog_match(const ab_catalog *cat, const ab_device_record *dev,
                                         char *why, size_t len);
/* The same with `why` in `lang` when no entry matches (the report's Markdown and HTML say it
 * in their language); which pattern matched stays English (a reader of the JSON report
 * checks the catalogue with it). */
const ab_catalog_entry *ab_catalog_match_in(const ab_catalog *cat, const ab_device_record *dev,
                                            ab_lang lang, char *why, size_t len);

void ab_catalog_free(ab_catalog *cat);

/* Cost-of-ownership inputs: the `cost:` section of a report config (configs/cost.yaml).
 * Energy is priced at measured average power x PUE x utilisation; nothing is estimated. */
typedef struct ab_cost_inputs {
  char currency[8];           /* currency of every price below */
  double electricity_per_kwh; /* price of 1 kWh */
  double subsidy_fraction;    /* 0..1: share of the electricity bill refunded */
  double pue;                 /* >= 1: facility overhead on device power */
  double years;               /* service life */
  double utilisation;         /* 0..1: share of the hours the device does this work */
  /* Unit prices by catalogue id, overriding the catalogue's (a lab's quotes). */
  char (*price_ids)[64];
  double *prices;
  size_t n_prices;
  char file[1024];
} ab_cost_inputs;

/* Load the `cost:` section of a YAML file (other top-level sections are refused with the
 * field named). Errors as ab_catalog_load. */
ab_status ab_cost_load(const char *path, ab_cost_inputs *out, char *msg);
void ab_cost_free(ab_cost_inputs *c);

/* The unit price of a catalogue entry under these inputs: the override, else the
 * catalogue's when its currency matches; NAN otherwise, with the reason in `why`. */
double ab_cost_unit_price(const ab_cost_inputs *c, const ab_catalog_entry *e, char *why,
                          size_t len);
/* The same with `why` in `lang` (catalogue messages AB_M_P_*). */
double ab_cost_unit_price_in(const ab_cost_inputs *c, const ab_catalog_entry *e, ab_lang lang,
                             char *why, size_t len);

/* Cost of ownership of one device doing one kind of work at a measured rate. */
typedef struct ab_cost_result {
  double energy_kwh_per_year;  /* avg_w x PUE x utilisation x 8760 h / 1000 */
  double energy_cost_per_year; /* x price x (1 - subsidy) */
  double capex;                /* unit price */
  double total_cost;           /* capex + energy_cost_per_year x years */
  double work_per_life;        /* rate x utilisation x years x 8760 h x 3600 s */
  double cost_per_unit;        /* total_cost / work_per_life x unit_scale */
  /* capex / work_per_life x unit_scale: a figure even without a power meter, always shown
   * labelled "capex only" since it leaves the electricity out. */
  double capex_per_unit;
  char missing[256]; /* what was not available; empty when complete */
} ab_cost_result;

/* rate: units of work per second (e.g. FLOP/s); avg_w: measured average watts of the
 * device (NAN: not measured -> energy figures NAN and `missing` says so); unit_price NAN
 * -> capex and totals NAN. unit_scale converts per-unit cost to the reported unit
 * (1e15 for "per PFLOP", 1e6 for "per million tokens"). */
void ab_cost_compute(const ab_cost_inputs *c, double unit_price, double rate, double avg_w,
                     double unit_scale, ab_cost_result *out);

#endif
