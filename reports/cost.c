/* accelbench — cost-of-ownership inputs (the `cost:` section, configs/cost.yaml) and the
 * arithmetic of a device's cost per unit of work (formulas: catalog.h, docs/catalog.md).
 *
 * Nothing here estimates: energy is priced only at a measured average power, a price is
 * used only in the cost file's currency, and whatever is missing makes the figures that
 * depend on it NAN, with the reason in `missing`. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "model/yaml_doc.h"

#define COST_HOURS_PER_YEAR 8760.0 /* 365 days; leap days are below the inputs' precision */
#define COST_MAX_PRICES     4096
#define COST_WHAT           "cost"

/* ---- loading ------------------------------------------------------------------------- */

static ab_status read_prices(const ab_yaml_doc *d, const yaml_node_t *n, ab_cost_inputs *c) {
  const char *path = "cost.unit_prices";
  if (ab_yaml_is_null(n))
    return AB_OK;
  ab_status st =
      ab_yaml_expect_type(d, n, path, YAML_MAPPING_NODE, "a mapping of catalogue id to unit price");
  size_t len = st ? 0 : ab_yaml_map_len(n);
  if (!st && len > COST_MAX_PRICES)
    return ab_yaml_fail_at(d, n->start_mark, path, "expected at most %d prices, got %zu",
                           COST_MAX_PRICES, len);
  if (!st && len &&
      (!(c->price_ids = calloc(len, sizeof *c->price_ids)) ||
       !(c->prices = calloc(len, sizeof *c->prices))))
    return ab_yaml_fail_nomem(d);
  for (size_t i = 0; !st && i < len; i++) {
    const yaml_node_t *k = ab_yaml_map_key(d, n, i), *v = ab_yaml_map_value(d, n, i);
    char id[sizeof c->price_ids[0]], vpath[AB_YAML_PATH_LEN];
    if ((st = ab_yaml_get_name(d, k, path, id, sizeof id)))
      break;
    ab_yaml_join(vpath, path, id);
    for (size_t j = 0; j < c->n_prices; j++)
      if (strcmp(c->price_ids[j], id) == 0)
        return ab_yaml_fail_at(d, k->start_mark, vpath, "expected each id once, got '%s' again",
                               id);
    if ((st = ab_yaml_get_double(d, v, vpath, 0, 0, INFINITY, 0, &c->prices[c->n_prices])))
      break;
    memcpy(c->price_ids[c->n_prices++], id, sizeof id);
  }
  return st;
}

/* A required number of the section in [lo, hi] (either end open on request). */
static ab_status read_number(const ab_yaml_doc *d, const yaml_node_t *sec, const char *key,
                             double lo, int lo_open, double hi, int hi_open, double *v) {
  char path[AB_YAML_PATH_LEN];
  const yaml_node_t *n;
  ab_status st = ab_yaml_require(d, sec, "cost", key, "a number", &n);
  ab_yaml_join(path, "cost", key);
  return st ? st : ab_yaml_get_double(d, n, path, lo, lo_open, hi, hi_open, v);
}

static ab_status read_section(const ab_yaml_doc *d, const yaml_node_t *sec, ab_cost_inputs *c) {
  static const char *const keys[] = {"currency", "electricity_per_kwh", "subsidy_fraction", "pue",
                                     "years",    "utilisation",         "unit_prices"};
  const yaml_node_t *v;
  ab_status st = ab_yaml_expect_type(d, sec, "cost", YAML_MAPPING_NODE, "a mapping of cost inputs");
  if (!st)
    st = ab_yaml_check_keys(d, sec, "cost", keys, sizeof keys / sizeof keys[0]);
  if (!st)
    st = ab_yaml_require(d, sec, "cost", "currency", "the currency of every price (CNY, ...)", &v);
  if (!st)
    st = ab_yaml_get_currency(d, v, "cost.currency", c->currency, sizeof c->currency);
  if (!st)
    st = read_number(d, sec, "electricity_per_kwh", 0, 0, INFINITY, 0, &c->electricity_per_kwh);
  if (!st && (v = ab_yaml_lookup(d, sec, "subsidy_fraction")))
    st = ab_yaml_get_double(d, v, "cost.subsidy_fraction", 0, 0, 1, 0, &c->subsidy_fraction);
  if (!st)
    st = read_number(d, sec, "pue", 1, 0, INFINITY, 0, &c->pue);
  if (!st)
    st = read_number(d, sec, "years", 0, 1, 100, 0, &c->years);
  if (!st)
    st = read_number(d, sec, "utilisation", 0, 1, 1, 0, &c->utilisation);
  if (!st && (v = ab_yaml_lookup(d, sec, "unit_prices")))
    st = read_prices(d, v, c);
  return st;
}

static ab_status walk_cost(const ab_yaml_doc *d, const yaml_node_t *root, void *arg) {
  const yaml_node_t *sec;
  ab_status st = ab_yaml_only_section(d, root, "cost", "a mapping of cost inputs", &sec);
  return st ? st : read_section(d, sec, arg);
}

ab_status ab_cost_load(const char *path, ab_cost_inputs *out, char *msg) {
  char scratch[AB_MSG_LEN];
  char *m = msg ? msg : scratch;
  m[0] = '\0';
  if (!path || !out) {
    snprintf(m, AB_MSG_LEN, "cost: expected a path and an output, got NULL");
    return AB_E_INVALID;
  }
  memset(out, 0, sizeof *out);
  snprintf(out->file, sizeof out->file, "%s", path);
  ab_status st = ab_yaml_load_file(path, COST_WHAT, walk_cost, out, m);
  if (st)
    ab_cost_free(out);
  return st;
}

void ab_cost_free(ab_cost_inputs *c) {
  if (!c)
    return;
  free(c->price_ids);
  free(c->prices);
  memset(c, 0, sizeof *c);
}

/* ---- prices -------------------------------------------------------------------------- */

static void say(char *why, size_t len, ab_lang lang, ab_msg id, ...) {
  if (!why || !len)
    return;
  va_list ap;
  va_start(ap, id);
  ab_vtrf(why, len, lang, id, ap);
  va_end(ap);
}

double ab_cost_unit_price_in(const ab_cost_inputs *c, const ab_catalog_entry *e, ab_lang lang,
                             char *why, size_t len) {
  if (!e) {
    say(why, len, lang, AB_M_P_NO_ENTRY);
    return NAN;
  }
  for (size_t i = 0; c && i < c->n_prices; i++)
    if (strcmp(c->price_ids[i], e->id) == 0) {
      say(why, len, lang, AB_M_P_QUOTE, c->file, e->id);
      return c->prices[i];
    }
  if (isnan(e->unit_price)) {
    say(why, len, lang, AB_M_P_NEITHER, e->id);
    return NAN;
  }
  /* No conversion: an exchange rate is an input the lab must own, not one we pick. */
  if (c && strcmp(e->currency, c->currency) != 0) {
    say(why, len, lang, AB_M_P_CURRENCY, e->id, e->currency, c->currency, e->id);
    return NAN;
  }
  say(why, len, lang, AB_M_P_CATALOGUE_AT, e->id, e->file, e->line);
  return e->unit_price;
}

double ab_cost_unit_price(const ab_cost_inputs *c, const ab_catalog_entry *e, char *why,
                          size_t len) {
  return ab_cost_unit_price_in(c, e, AB_LANG_EN, why, len);
}

/* ---- cost of ownership --------------------------------------------------------------- */

static void add_missing(ab_cost_result *r, const char *what) {
  size_t o = strlen(r->missing);
  snprintf(r->missing + o, sizeof r->missing - o, "%s%s", o ? "; " : "", what);
}

void ab_cost_compute(const ab_cost_inputs *c, double unit_price, double rate, double avg_w,
                     double unit_scale, ab_cost_result *out) {
  memset(out, 0, sizeof *out);
  out->energy_kwh_per_year = out->energy_cost_per_year = out->capex = NAN;
  out->total_cost = out->work_per_life = out->cost_per_unit = out->capex_per_unit = NAN;
  if (!c) {
    add_missing(out, "no cost inputs");
    return;
  }
  if (isfinite(unit_price) && unit_price >= 0)
    out->capex = unit_price;
  else
    add_missing(out, "no unit price");
  if (isfinite(avg_w) && avg_w >= 0) {
    out->energy_kwh_per_year = avg_w * c->pue * c->utilisation * COST_HOURS_PER_YEAR / 1000.0;
    out->energy_cost_per_year =
        out->energy_kwh_per_year * c->electricity_per_kwh * (1.0 - c->subsidy_fraction);
  } else {
    add_missing(out, "power not measured");
  }
  out->total_cost = out->capex + out->energy_cost_per_year * c->years; /* NAN stays NAN */
  if (isfinite(rate) && rate > 0)
    out->work_per_life = rate * c->utilisation * c->years * COST_HOURS_PER_YEAR * 3600.0;
  else
    add_missing(out, "no measured rate");
  out->cost_per_unit = out->total_cost / out->work_per_life * unit_scale;
  out->capex_per_unit = out->capex / out->work_per_life * unit_scale;
}
