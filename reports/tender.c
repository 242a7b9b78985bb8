/* accelbench — the tender requirements file (docs/tender.md): `tender:` YAML -> ab_tender.
 *
 * The walk follows a fixed schema (model/yaml_doc.h), so no input can make it recurse or
 * loop; every rejection names file, line, column and field. Whether a unit fits a kernel
 * is checked here, at load, so a requirement that could never be compared ("min 200
 * TFLOP/s" of an int8 GEMM, whose rate is in op/s) is refused before any report. */
#include "tender.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kind.h"
#include "model/names.h"
#include "model/yaml_doc.h"

#define TENDER_WHAT "tender requirements file"
#define N_OF(a)     (sizeof(a) / sizeof((a)[0]))

static const char *const metric_names[AB_TREQ_METRIC_COUNT] = {
    "throughput",       "latency",  "perf_per_watt", "energy_per_op",
    "energy_per_token", "coverage", "board_power",   "price"};

static const char *const verdict_names[AB_TENDER_VERDICT_COUNT] = {"met", "not met", "not measured",
                                                                   "unsupported"};

static const char *const scope_words[] = {"board", "chip", "node", "any"};

const char *ab_tender_verdict_name(ab_tender_verdict v) {
  return v >= 0 && v < AB_TENDER_VERDICT_COUNT ? verdict_names[v] : "invalid";
}

const char *ab_tender_metric_name(ab_tender_metric m) {
  return m >= 0 && m < AB_TREQ_METRIC_COUNT ? metric_names[m] : "invalid";
}

/* ---- units ---------------------------------------------------------------------------- */

/* What a figure counts, which decides the units it may be given in. */
typedef enum unit_class {
  UC_RATE_FLOP,
  UC_RATE_OP,
  UC_RATE_BYTE,
  UC_RATE_CALL,
  UC_TIME,
  UC_PPW_FLOP,
  UC_PPW_OP,
  UC_PPW_BYTE,
  UC_EPO_FLOP,
  UC_EPO_OP,
  UC_EPO_BYTE,
  UC_TOKEN,
  UC_POWER,
} unit_class;

/* scale: multiply the harness's figure (GFLOP/s, GB/s, calls/s, s, GFLOP/s/W, pJ per unit,
 * J/token, W) by it to get the unit's. */
static const struct {
  unit_class cls;
  const char *name;
  double scale;
} units[] = {
    {UC_RATE_FLOP, "GFLOP/s", 1},
    {UC_RATE_FLOP, "TFLOP/s", 1e-3},
    {UC_RATE_FLOP, "PFLOP/s", 1e-6},
    {UC_RATE_OP, "GOP/s", 1},
    {UC_RATE_OP, "TOP/s", 1e-3},
    {UC_RATE_BYTE, "GB/s", 1},
    {UC_RATE_BYTE, "TB/s", 1e-3},
    {UC_RATE_CALL, "calls/s", 1},
    {UC_TIME, "s", 1},
    {UC_TIME, "ms", 1e3},
    {UC_TIME, "us", 1e6},
    {UC_PPW_FLOP, "GFLOP/s/W", 1},
    {UC_PPW_FLOP, "TFLOP/s/W", 1e-3},
    {UC_PPW_OP, "GOP/s/W", 1},
    {UC_PPW_OP, "TOP/s/W", 1e-3},
    {UC_PPW_BYTE, "GB/s/W", 1},
    {UC_EPO_FLOP, "pJ/FLOP", 1},
    {UC_EPO_OP, "pJ/op", 1},
    {UC_EPO_BYTE, "pJ/B", 1},
    {UC_TOKEN, "J/token", 1},
    {UC_TOKEN, "mJ/token", 1e3},
    {UC_POWER, "W", 1},
};

static bool integer_dtype(ab_dtype t) {
  return t == AB_DTYPE_I8 || t == AB_DTYPE_I32;
}

/* The unit class a requirement's figure has, from its metric and kernel. */
static unit_class class_of(const ab_tender_req *r) {
  const ab_kind_def *def = ab_kind_def_of(r->kind);
  ab_metric m = def ? def->metric : AB_METRIC_FLOPS;
  int what = m == AB_METRIC_BYTES ? 2 : integer_dtype(r->dtype) ? 1 : 0; /* FLOP, op, B */
  switch (r->metric) {
  case AB_TREQ_THROUGHPUT:
    return m == AB_METRIC_LATENCY ? UC_RATE_CALL : (unit_class)(UC_RATE_FLOP + what);
  case AB_TREQ_LATENCY: return UC_TIME;
  case AB_TREQ_PERF_PER_WATT: return (unit_class)(UC_PPW_FLOP + what);
  case AB_TREQ_ENERGY_PER_OP: return (unit_class)(UC_EPO_FLOP + what);
  case AB_TREQ_ENERGY_PER_TOKEN: return UC_TOKEN;
  default: return UC_POWER;
  }
}

static void unit_list(unit_class cls, char *buf, size_t len) {
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < N_OF(units) && o < len; i++)
    if (units[i].cls == cls)
      o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", units[i].name);
}

/* ---- small readers -------------------------------------------------------------------- */

static ab_status get_word(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                          const char *const *words, size_t n_words, int *index) {
  char list[160] = "", got[AB_YAML_GOT_LEN];
  size_t o = 0;
  for (size_t i = 0; i < n_words; i++) {
    if (ab_yaml_scalar_is(n, words[i])) {
      *index = (int)i;
      return AB_OK;
    }
    o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", words[i]);
  }
  return ab_yaml_fail_at(d, n->start_mark, path, "expected one of %s, got %s", list,
                         ab_yaml_describe(n, got, sizeof got));
}

static ab_status get_bool(const ab_yaml_doc *d, const yaml_node_t *n, const char *path, bool *v) {
  static const char *const words[] = {"false", "true"};
  int i = 0;
  ab_status st = get_word(d, n, path, words, N_OF(words), &i);
  *v = i == 1;
  return st;
}

static ab_status get_kind(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                          ab_kernel_kind *k) {
  char name[64], list[512], got[AB_YAML_GOT_LEN];
  ab_status st = ab_yaml_get_name(d, n, path, name, sizeof name);
  if (st)
    return st;
  *k = ab_kernel_kind_parse(name);
  if (*k != AB_KERNEL_INVALID)
    return AB_OK;
  ab_name_list(&ab_kernel_kind_names, list, sizeof list);
  return ab_yaml_fail_at(d, n->start_mark, path, "expected a kernel kind (%s), got %s", list,
                         ab_yaml_describe(n, got, sizeof got));
}

static ab_status get_dtype(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                           ab_dtype *t) {
  char name[16], got[AB_YAML_GOT_LEN];
  ab_dtype out;
  ab_status st = ab_yaml_get_name(d, n, path, name, sizeof name);
  if (st)
    return st;
  if (ab_dtype_parse(name, t, &out) == AB_OK)
    return AB_OK;
  return ab_yaml_fail_at(d, n->start_mark, path,
                         "expected an input dtype (f64, f32, f16, bf16, int8), got %s",
                         ab_yaml_describe(n, got, sizeof got));
}

/* Optional text of a mapping: absent or null leaves dst empty. */
static ab_status opt_text(const ab_yaml_doc *d, const yaml_node_t *map, const char *parent,
                          const char *key, char *dst, size_t cap) {
  char path[AB_YAML_PATH_LEN];
  const yaml_node_t *v = ab_yaml_lookup(d, map, key);
  ab_yaml_join(path, parent, key);
  dst[0] = '\0';
  return !v || ab_yaml_is_null(v) ? AB_OK : ab_yaml_get_text(d, v, path, dst, cap);
}

/* A key the metric does not use is refused, not ignored: a `max` on a throughput line is
 * a typo for `min` that would otherwise pass silently. */
static ab_status refuse(const ab_yaml_doc *d, const yaml_node_t *map, const char *parent,
                        const char *key, const char *metric) {
  const yaml_node_t *v = ab_yaml_lookup(d, map, key);
  char path[AB_YAML_PATH_LEN];
  if (!v)
    return AB_OK;
  ab_yaml_join(path, parent, key);
  return ab_yaml_fail_at(d, v->start_mark, path, "expected no %s for a %s requirement", key,
                         metric);
}

/* ---- one requirement ------------------------------------------------------------------ */

/* Which fields a metric takes: kernel (k), dtype (t), shape (s), scope (p), kinds (c). */
static const char *metric_fields(ab_tender_metric m) {
  static const char *const f[AB_TREQ_METRIC_COUNT] = {"kts",  "kts", "ktsp", "ktsp",
                                                      "ktsp", "tc",  "p",    ""};
  return f[m];
}

static bool takes(const ab_tender_req *r, char field) {
  return strchr(metric_fields(r->metric), field) != NULL;
}

static ab_status read_kernel(const ab_yaml_doc *d, const yaml_node_t *m, const char *p,
                             ab_tender_req *r) {
  const char *metric = metric_names[r->metric];
  const yaml_node_t *v;
  ab_status st = AB_OK;
  if (takes(r, 'k')) {
    st = ab_yaml_require(d, m, p, "kernel", "a kernel kind", &v);
    char path[AB_YAML_PATH_LEN];
    ab_yaml_join(path, p, "kernel");
    if (!st)
      st = get_kind(d, v, path, &r->kind);
  } else {
    st = refuse(d, m, p, "kernel", metric);
  }
  if (!st && takes(r, 't') && (v = ab_yaml_lookup(d, m, "dtype")) != NULL) {
    char path[AB_YAML_PATH_LEN];
    ab_yaml_join(path, p, "dtype");
    st = get_dtype(d, v, path, &r->dtype);
  } else if (!st && takes(r, 'k') && r->metric != AB_TREQ_LATENCY) {
    st = ab_yaml_require(d, m, p, "dtype", "an input dtype", &v); /* fails: it is absent */
  } else if (!st && !takes(r, 't')) {
    st = refuse(d, m, p, "dtype", metric);
  }
  if (!st && takes(r, 's'))
    st = opt_text(d, m, p, "shape", r->shape, sizeof r->shape);
  else if (!st)
    st = refuse(d, m, p, "shape", metric);
  return st;
}

static ab_status read_kinds(const ab_yaml_doc *d, const yaml_node_t *m, const char *p,
                            ab_tender_req *r) {
  const yaml_node_t *v;
  char path[AB_YAML_PATH_LEN], ipath[AB_YAML_PATH_LEN], got[AB_YAML_GOT_LEN];
  if (!takes(r, 'c'))
    return refuse(d, m, p, "kinds", metric_names[r->metric]);
  ab_status st = ab_yaml_require(d, m, p, "kinds", "a list of kernel kinds", &v);
  ab_yaml_join(path, p, "kinds");
  if (!st)
    st = ab_yaml_expect_type(d, v, path, YAML_SEQUENCE_NODE, "a list of kernel kinds");
  size_t n = st ? 0 : ab_yaml_seq_len(v);
  if (!st && (n == 0 || n > AB_TENDER_MAX_KINDS))
    return ab_yaml_fail_at(d, v->start_mark, path, "expected 1 to %d kernel kinds, got %s",
                           AB_TENDER_MAX_KINDS, ab_yaml_describe(v, got, sizeof got));
  for (size_t i = 0; !st && i < n; i++) {
    ab_yaml_index_path(ipath, path, i);
    st = get_kind(d, ab_yaml_seq_item(d, v, i), ipath, &r->kinds[r->n_kinds++]);
  }
  return st;
}

static ab_status read_scope(const ab_yaml_doc *d, const yaml_node_t *m, const char *p,
                            ab_tender_req *r) {
  const yaml_node_t *v;
  char path[AB_YAML_PATH_LEN];
  int i = 0;
  if (!takes(r, 'p'))
    return refuse(d, m, p, "scope", metric_names[r->metric]);
  /* perf/W and energy mean nothing without saying what the meter covered. */
  ab_status st = ab_yaml_require(d, m, p, "scope", "a power scope (board, chip, node, any)", &v);
  ab_yaml_join(path, p, "scope");
  if (!st)
    st = get_word(d, v, path, scope_words, N_OF(scope_words), &i);
  if (!st)
    snprintf(r->scope, sizeof r->scope, "%s", scope_words[i]);
  return st;
}

/* `min` for figures where more is better, `max` for the others; the unit must fit. */
static ab_status read_limit(const ab_yaml_doc *d, const yaml_node_t *m, const char *p,
                            const ab_tender *t, ab_tender_req *r) {
  const char *want = r->is_max ? "max" : "min", *other = r->is_max ? "min" : "max";
  const yaml_node_t *v;
  char path[AB_YAML_PATH_LEN], list[160], got[AB_YAML_GOT_LEN];
  ab_status st = refuse(d, m, p, other, metric_names[r->metric]);
  if (!st)
    st = ab_yaml_require(d, m, p, want, "a number", &v);
  ab_yaml_join(path, p, want);
  if (!st)
    st = ab_yaml_get_double(d, v, path, 0, r->is_max ? 1 : 0, INFINITY, 0, &r->limit);
  if (st)
    return st;
  ab_yaml_join(path, p, "unit");
  const yaml_node_t *u = ab_yaml_lookup(d, m, "unit");
  if (r->metric == AB_TREQ_PRICE) { /* in the file's currency; `unit` may repeat it */
    r->scale = 1;
    snprintf(r->unit, sizeof r->unit, "%s", t->currency);
    if (u && !ab_yaml_scalar_is(u, t->currency))
      return ab_yaml_fail_at(d, u->start_mark, path, "expected the tender's currency %s, got %s",
                             t->currency, ab_yaml_describe(u, got, sizeof got));
    return AB_OK;
  }
  unit_class cls = class_of(r);
  unit_list(cls, list, sizeof list);
  if (!u)
    return ab_yaml_require(d, m, p, "unit", list, &v);
  for (size_t i = 0; i < N_OF(units); i++)
    if (units[i].cls == cls && ab_yaml_scalar_is(u, units[i].name)) {
      snprintf(r->unit, sizeof r->unit, "%s", units[i].name);
      r->scale = units[i].scale;
      return AB_OK;
    }
  return ab_yaml_fail_at(d, u->start_mark, path,
                         "expected one of %s for this %s requirement, got %s", list,
                         metric_names[r->metric], ab_yaml_describe(u, got, sizeof got));
}

static bool metric_is_max(ab_tender_metric m) {
  return m == AB_TREQ_LATENCY || m == AB_TREQ_ENERGY_PER_OP || m == AB_TREQ_ENERGY_PER_TOKEN ||
         m == AB_TREQ_BOARD_POWER || m == AB_TREQ_PRICE;
}

static ab_status read_header(const ab_yaml_doc *d, const yaml_node_t *m, const char *p,
                             ab_tender_req *r) {
  static const char *const keys[] = {"id",     "marker", "mandatory", "text", "metric",
                                     "kernel", "dtype",  "shape",     "min",  "max",
                                     "unit",   "scope",  "kinds"};
  const yaml_node_t *v;
  char path[AB_YAML_PATH_LEN];
  int metric = 0;
  ab_status st = ab_yaml_expect_type(d, m, p, YAML_MAPPING_NODE, "a requirement (a mapping)");
  if (!st)
    st = ab_yaml_check_keys(d, m, p, keys, N_OF(keys));
  if (!st)
    st = ab_yaml_require(d, m, p, "id", "the tender's item number", &v);
  ab_yaml_join(path, p, "id");
  if (!st)
    st = ab_yaml_get_text(d, v, path, r->id, sizeof r->id);
  if (!st)
    st = opt_text(d, m, p, "marker", r->marker, sizeof r->marker);
  if (!st)
    st = opt_text(d, m, p, "text", r->text, sizeof r->text);
  if (!st && (v = ab_yaml_lookup(d, m, "mandatory")) != NULL) {
    ab_yaml_join(path, p, "mandatory");
    st = get_bool(d, v, path, &r->mandatory);
  }
  if (!st)
    st = ab_yaml_require(d, m, p, "metric", "a requirement metric", &v);
  ab_yaml_join(path, p, "metric");
  if (!st)
    st = get_word(d, v, path, metric_names, AB_TREQ_METRIC_COUNT, &metric);
  r->metric = (ab_tender_metric)metric;
  r->is_max = metric_is_max(r->metric);
  return st;
}

static ab_status read_req(const ab_yaml_doc *d, const yaml_node_t *m, const char *p,
                          const ab_tender *t, ab_tender_req *r) {
  memset(r, 0, sizeof *r);
  r->limit = NAN;
  r->line = (int)m->start_mark.line + 1;
  ab_status st = read_header(d, m, p, r);
  if (!st)
    st = read_kernel(d, m, p, r);
  if (!st)
    st = read_kinds(d, m, p, r);
  if (!st)
    st = read_scope(d, m, p, r);
  if (st || r->metric == AB_TREQ_COVERAGE)
    return st ? st : refuse(d, m, p, "unit", "coverage");
  if (r->metric == AB_TREQ_PRICE && !t->currency[0])
    return ab_yaml_fail_at(d, m->start_mark, p,
                           "expected tender.currency to be given for a price requirement");
  return read_limit(d, m, p, t, r);
}

/* ---- the file ------------------------------------------------------------------------- */

static ab_status read_reqs(const ab_yaml_doc *d, const yaml_node_t *sec, ab_tender *t) {
  const char *path = "tender.requirements";
  const yaml_node_t *v;
  char ipath[AB_YAML_PATH_LEN], got[AB_YAML_GOT_LEN];
  ab_status st = ab_yaml_require(d, sec, "tender", "requirements", "a list of requirements", &v);
  if (!st)
    st = ab_yaml_expect_type(d, v, path, YAML_SEQUENCE_NODE, "a list of requirements");
  size_t n = st ? 0 : ab_yaml_seq_len(v);
  if (!st && (n == 0 || n > AB_TENDER_MAX_REQS))
    return ab_yaml_fail_at(d, v->start_mark, path, "expected 1 to %d requirements, got %s",
                           AB_TENDER_MAX_REQS, ab_yaml_describe(v, got, sizeof got));
  if (!st && !(t->reqs = calloc(n, sizeof *t->reqs)))
    return ab_yaml_fail_nomem(d);
  for (size_t i = 0; !st && i < n; i++) {
    const yaml_node_t *item = ab_yaml_seq_item(d, v, i);
    ab_yaml_index_path(ipath, path, i);
    st = read_req(d, item, ipath, t, &t->reqs[i]);
    for (size_t j = 0; !st && j < i; j++)
      if (strcmp(t->reqs[j].id, t->reqs[i].id) == 0)
        st = ab_yaml_fail_at(d, item->start_mark, ipath,
                             "expected each id once, got '%s' again (first on line %d)",
                             t->reqs[i].id, t->reqs[j].line);
    t->n_reqs = i + 1;
  }
  return st;
}

static ab_status read_domestic(const ab_yaml_doc *d, const yaml_node_t *sec, ab_tender *t) {
  static const char *const keys[] = {"fraction", "products"};
  const char *path = "tender.domestic_preference";
  const yaml_node_t *v = ab_yaml_lookup(d, sec, "domestic_preference"), *f, *list;
  char lpath[AB_YAML_PATH_LEN], ipath[AB_YAML_PATH_LEN];
  if (!v)
    return AB_OK;
  ab_status st = ab_yaml_expect_type(d, v, path, YAML_MAPPING_NODE, "a mapping");
  if (!st)
    st = ab_yaml_check_keys(d, v, path, keys, N_OF(keys));
  if (!st)
    st = ab_yaml_require(d, v, path, "fraction", "a number in [0, 1)", &f);
  if (!st)
    st = ab_yaml_get_double(d, f, "tender.domestic_preference.fraction", 0, 0, 1, 1,
                            &t->domestic_fraction);
  if (!st)
    st = ab_yaml_require(d, v, path, "products", "a list of catalogue ids", &list);
  ab_yaml_join(lpath, path, "products");
  if (!st)
    st = ab_yaml_expect_type(d, list, lpath, YAML_SEQUENCE_NODE, "a list of catalogue ids");
  size_t n = st ? 0 : ab_yaml_seq_len(list);
  if (!st && n > 4096)
    return ab_yaml_fail_at(d, list->start_mark, lpath, "expected at most 4096 ids");
  if (!st && n && !(t->domestic_ids = calloc(n, sizeof *t->domestic_ids)))
    return ab_yaml_fail_nomem(d);
  for (size_t i = 0; !st && i < n; i++) {
    ab_yaml_index_path(ipath, lpath, i);
    st = ab_yaml_get_name(d, ab_yaml_seq_item(d, list, i), ipath, t->domestic_ids[i],
                          sizeof t->domestic_ids[i]);
    t->n_domestic = i + 1;
  }
  return st;
}

static ab_status walk_tender(const ab_yaml_doc *d, const yaml_node_t *root, void *arg) {
  static const char *const keys[] = {"title", "currency", "domestic_preference", "requirements"};
  ab_tender *t = arg;
  const yaml_node_t *sec, *v;
  ab_status st = ab_yaml_only_section(d, root, "tender", "a mapping of tender requirements", &sec);
  if (!st)
    st = ab_yaml_expect_type(d, sec, "tender", YAML_MAPPING_NODE, "a mapping");
  if (!st)
    st = ab_yaml_check_keys(d, sec, "tender", keys, N_OF(keys));
  if (!st)
    st = opt_text(d, sec, "tender", "title", t->title, sizeof t->title);
  if (!st && (v = ab_yaml_lookup(d, sec, "currency")) != NULL)
    st = ab_yaml_get_currency(d, v, "tender.currency", t->currency, sizeof t->currency);
  if (!st)
    st = read_domestic(d, sec, t);
  return st ? st : read_reqs(d, sec, t);
}

ab_status ab_tender_parse(const char *name, const char *buf, size_t len, ab_tender *out,
                          char *msg) {
  ab_yaml_doc d;
  memset(out, 0, sizeof *out);
  snprintf(out->file, sizeof out->file, "%s", name);
  ab_status st = ab_yaml_parse(&d, name, TENDER_WHAT, buf, len, msg);
  if (!st)
    st = walk_tender(&d, ab_yaml_root(&d), out);
  if (!st)
    st = ab_yaml_expect_end(&d);
  ab_yaml_close(&d);
  if (st)
    ab_tender_free(out);
  return st;
}

ab_status ab_tender_load(const char *path, ab_tender *out, char *msg) {
  char *buf = NULL;
  size_t len = 0;
  memset(out, 0, sizeof *out);
  ab_status st = ab_yaml_read_file(path, TENDER_WHAT, &buf, &len, msg);
  if (!st)
    st = ab_tender_parse(path, buf, len, out, msg);
  free(buf);
  return st;
}

void ab_tender_free(ab_tender *t) {
  if (!t)
    return;
  free(t->reqs);
  free(t->domestic_ids);
  memset(t, 0, sizeof *t);
}

bool ab_tender_is_domestic(const ab_tender *t, const char *catalog_id) {
  for (size_t i = 0; catalog_id && i < t->n_domestic; i++)
    if (strcmp(t->domestic_ids[i], catalog_id) == 0)
      return true;
  return false;
}
