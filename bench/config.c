/* accelbench — suite loader: configs/<name>.yaml -> ab_suite (format: docs/config.md).
 *
 * The YAML is read with libyaml's document API and then walked by a fixed schema, so the
 * walk never recurses deeper than the format does (aliases, even cyclic ones, cannot make
 * it loop). Every rejection names FILE:LINE:COL (1-based, from libyaml marks), the field
 * path, what was expected and what was found. Input size, list lengths and the number of
 * expanded cases are bounded so that hostile input (the loader is fuzzed) costs bounded
 * time and memory. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "suite.h"

/* Limits. Configs are hand-written and a few KiB long; the bounds only stop hostile or
 * broken input from costing unbounded memory or quadratic time. */
#define CFG_MAX_FILE_BYTES   (1u << 20)   /* 1 MiB */
#define CFG_MAX_DIM          2147483647LL /* BLAS libraries take int dimensions */
#define CFG_MAX_OPERAND_LOG2 40           /* any one operand at most 2^40 bytes (1 TiB) */
#define CFG_MAX_SETS         256          /* gemm sets per suite */
#define CFG_MAX_SHAPES       4096         /* shapes (or llm token counts) per set */
#define CFG_MAX_CASES        100000       /* expanded cases per suite */
#define CFG_MAX_NAMES        64           /* entries in backends/providers/options */
#define CFG_GOT_LEN          48           /* bytes of a bad value quoted in a message */
#define CFG_PATH_LEN         160

typedef struct cfg_ctx {
  const char *file; /* name used in messages */
  const unsigned char *buf;
  size_t len;
  yaml_document_t *doc;
  char *msg;
  ab_suite *out;
  size_t cases_cap;
  /* set names seen so far, to reject a repeated set (its cases would collide) */
  const yaml_node_t *set_nodes[CFG_MAX_SETS];
  size_t n_sets;
} cfg_ctx;

/* One GEMM shape of a set before it is crossed with the set's dtypes. */
typedef struct cfg_shape {
  int64_t m, n, k;
  const char *label;
  yaml_mark_t mark;
  char path[CFG_PATH_LEN];
} cfg_shape;

ab_measure_opts ab_measure_defaults(void) {
  /* The header promises 10 samples minimum, 1% CV and a 2 s cap; the rest follows the
   * proposal in docs/config.md. */
  ab_measure_opts m = {.warmup_s = 0.2,
                       .warmup_min_calls = 2,
                       .sample_min_s = 0.01,
                       .min_samples = 10,
                       .max_samples = 1000,
                       .target_cv = 0.01,
                       .time_cap_s = 2.0};
  return m;
}

/* ---- messages ---------------------------------------------------------------------- */

static ab_status fail_at(const cfg_ctx *c, yaml_mark_t mark, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static ab_status fail_at(const cfg_ctx *c, yaml_mark_t mark, const char *path, const char *fmt,
                         ...) {
  int n = snprintf(c->msg, AB_MSG_LEN, "%s:%zu:%zu: %s: ", c->file, mark.line + 1, mark.column + 1,
                   path);
  if (n >= 0 && n < AB_MSG_LEN) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg + n, AB_MSG_LEN - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return AB_E_INVALID;
}

static ab_status fail_nomem(const cfg_ctx *c) {
  snprintf(c->msg, AB_MSG_LEN, "%s: out of memory while loading the suite", c->file);
  return AB_E_NOMEM;
}

/* Make text safe to print: printable ASCII kept, anything else as \xNN, and cut with
 * "..." to fit `cap` (at least 12) bytes with room for two quotes. */
static void escape_text(const unsigned char *s, size_t len, char *out, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    if (o + 10 >= cap) {
      memcpy(out + o, "...", 3);
      o += 3;
      break;
    }
    if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' && s[i] != '\'')
      out[o++] = (char)s[i];
    else
      o += (size_t)snprintf(out + o, cap - o, "\\x%02x", s[i]);
  }
  out[o] = '\0';
}

static void quote_text(const unsigned char *s, size_t len, char *out, size_t cap) {
  out[0] = '\'';
  escape_text(s, len, out + 1, cap - 2);
  size_t o = strlen(out);
  out[o] = '\'';
  out[o + 1] = '\0';
}

/* What a node is, for the "got ..." half of a message. */
static const char *describe(const yaml_node_t *node, char *buf, size_t cap) {
  if (!node)
    return "nothing";
  switch (node->type) {
  case YAML_SCALAR_NODE:
    if (node->data.scalar.length == 0)
      return node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? "nothing (an empty value)"
                                                                : "an empty string";
    if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
      quote_text(node->data.scalar.value, node->data.scalar.length, buf, cap);
    } else { /* say it was quoted: "512" is a string, not a number */
      size_t o = (size_t)snprintf(buf, cap, "the quoted string ");
      quote_text(node->data.scalar.value, node->data.scalar.length, buf + o, cap - o);
    }
    return buf;
  case YAML_SEQUENCE_NODE: {
    size_t items = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    if (items == 0)
      return "an empty sequence";
    snprintf(buf, cap, "a sequence of %zu item%s", items, items == 1 ? "" : "s");
    return buf;
  }
  case YAML_MAPPING_NODE: return "a mapping";
  default: return "nothing";
  }
}

/* ---- node helpers ------------------------------------------------------------------ */

static size_t seq_len(const yaml_node_t *n) {
  return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_t *seq_item(const cfg_ctx *c, const yaml_node_t *n, size_t i) {
  return yaml_document_get_node(c->doc, n->data.sequence.items.start[i]);
}

static int scalar_is(const yaml_node_t *n, const char *s) {
  size_t l = strlen(s);
  return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length == l &&
         memcmp(n->data.scalar.value, s, l) == 0;
}

/* A plain empty scalar (`key:` or `key: ~`-like nothing) means "not given". */
static int is_null(const yaml_node_t *n) {
  if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return 0;
  return n->data.scalar.length == 0 || scalar_is(n, "~") || scalar_is(n, "null");
}

static ab_status expect_type(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                             yaml_node_type_t type, const char *what) {
  if (n->type == type)
    return AB_OK;
  char got[CFG_GOT_LEN];
  return fail_at(c, n->start_mark, path, "expected %s, got %s", what, describe(n, got, sizeof got));
}

static void join(char *dst, const char *parent, const char *key);

/* Check that every key of a mapping is a known, unrepeated scalar. Runs before any value
 * is read, so later lookups see each key at most once. */
static ab_status check_keys(const cfg_ctx *c, const yaml_node_t *map, const char *path,
                            const char *const *allowed, size_t n_allowed) {
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *key = yaml_document_get_node(c->doc, p->key);
    char got[CFG_GOT_LEN];
    if (key->type != YAML_SCALAR_NODE)
      return fail_at(c, key->start_mark, path, "expected a key name, got %s",
                     describe(key, got, sizeof got));
    size_t i = 0;
    while (i < n_allowed && !scalar_is(key, allowed[i]))
      i++;
    if (i == n_allowed) {
      char list[256] = "";
      size_t o = 0;
      for (size_t j = 0; j < n_allowed && o < sizeof list; j++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", allowed[j]);
      char kpath[CFG_PATH_LEN];
      escape_text(key->data.scalar.value, key->data.scalar.length, got, sizeof got);
      join(kpath, path, got);
      return fail_at(c, key->start_mark, kpath, "expected one of %s, got unknown key '%s'", list,
                     got);
    }
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
      yaml_node_t *prev = yaml_document_get_node(c->doc, q->key);
      char kpath[CFG_PATH_LEN];
      join(kpath, path, allowed[i]);
      if (scalar_is(prev, allowed[i]))
        return fail_at(c, key->start_mark, kpath,
                       "expected each key once, got '%s' again (first at line %zu)", allowed[i],
                       prev->start_mark.line + 1);
    }
  }
  return AB_OK;
}

static yaml_node_t *lookup(const cfg_ctx *c, const yaml_node_t *map, const char *key) {
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++)
    if (scalar_is(yaml_document_get_node(c->doc, p->key), key))
      return yaml_document_get_node(c->doc, p->value);
  return NULL;
}

/* Field paths ("gemm[2].llm.tokens[0]") are short; one that would not fit ends in "...". */
static void mark_cut(char *dst, int written) {
  if (written >= CFG_PATH_LEN)
    memcpy(dst + CFG_PATH_LEN - 4, "...", 4);
}

static void join(char *dst, const char *parent, const char *key) {
  mark_cut(dst, snprintf(dst, CFG_PATH_LEN, "%s%s%s", parent, parent[0] ? "." : "", key));
}

static void index_path(char *dst, const char *parent, size_t i) {
  mark_cut(dst, snprintf(dst, CFG_PATH_LEN, "%s[%zu]", parent, i));
}

/* ---- scalars ----------------------------------------------------------------------- */

/* An unsigned decimal integer in [lo, hi], written as a plain scalar (a quoted "256" is a
 * string, and saying so catches configs generated with the wrong quoting). */
static ab_status get_uint(const cfg_ctx *c, const yaml_node_t *n, const char *path, uint64_t lo,
                          uint64_t hi, uint64_t *v) {
  char got[CFG_GOT_LEN];
  int ok = n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           n->data.scalar.length > 0;
  uint64_t x = 0;
  int big = 0;
  for (size_t i = 0; ok && i < n->data.scalar.length; i++) {
    unsigned char ch = n->data.scalar.value[i];
    if (ch == '+' && i == 0 && n->data.scalar.length > 1)
      continue;
    if (ch < '0' || ch > '9') {
      ok = 0;
      break;
    }
    if (x > (UINT64_MAX - (uint64_t)(ch - '0')) / 10)
      big = 1; /* saturate: reported as out of range below */
    else
      x = x * 10 + (uint64_t)(ch - '0');
  }
  if (ok && !big && x >= lo && x <= hi) {
    *v = x;
    return AB_OK;
  }
  return fail_at(c, n->start_mark, path, "expected an integer in %llu..%llu, got %s",
                 (unsigned long long)lo, (unsigned long long)hi, describe(n, got, sizeof got));
}

/* A finite decimal number in [lo, hi] (lo excluded when lo_open). */
static ab_status get_double(const cfg_ctx *c, const yaml_node_t *n, const char *path, double lo,
                            int lo_open, double hi, int hi_open, double *v) {
  char got[CFG_GOT_LEN], text[64];
  int ok = n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           n->data.scalar.length > 0 && n->data.scalar.length < sizeof text;
  double x = 0;
  if (ok) {
    /* Only digits, sign, point and exponent: strtod alone would also take "inf", "nan"
     * and hex floats, which no measurement setting should be written as. */
    memcpy(text, n->data.scalar.value, n->data.scalar.length);
    text[n->data.scalar.length] = '\0';
    ok = strspn(text, "0123456789.eE+-") == n->data.scalar.length;
    char *end = NULL;
    errno = 0;
    x = ok ? strtod(text, &end) : 0;
    ok = ok && end && *end == '\0' && errno == 0 && isfinite(x);
  }
  if (ok && (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi)) {
    *v = x;
    return AB_OK;
  }
  return fail_at(c, n->start_mark, path, "expected a number %s %g and %s %g, got %s",
                 lo_open ? ">" : ">=", lo, hi_open ? "<" : "<=", hi, describe(n, got, sizeof got));
}

/* A name: letters, digits, '_', '-', '.', 1..cap-1 bytes. Names end up in case ids, file
 * names and report tables, so they are kept to a safe alphabet. */
static ab_status get_name(const cfg_ctx *c, const yaml_node_t *n, const char *path, char *dst,
                          size_t cap) {
  char got[CFG_GOT_LEN];
  int ok = n->type == YAML_SCALAR_NODE && n->data.scalar.length > 0 && n->data.scalar.length < cap;
  for (size_t i = 0; ok && i < n->data.scalar.length; i++) {
    unsigned char ch = n->data.scalar.value[i];
    ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '-' || ch == '.';
  }
  if (!ok)
    return fail_at(c, n->start_mark, path,
                   "expected a name of 1..%zu letters, digits, '_', '-' or '.', got %s", cap - 1,
                   describe(n, got, sizeof got));
  memcpy(dst, n->data.scalar.value, n->data.scalar.length);
  dst[n->data.scalar.length] = '\0';
  return AB_OK;
}

/* Free text (a description, an option value): any scalar without NUL bytes. */
static ab_status get_text(const cfg_ctx *c, const yaml_node_t *n, const char *path, char *dst,
                          size_t cap) {
  char got[CFG_GOT_LEN];
  if (n->type != YAML_SCALAR_NODE || is_null(n))
    return fail_at(c, n->start_mark, path, "expected text, got %s", describe(n, got, sizeof got));
  if (n->data.scalar.length >= cap || memchr(n->data.scalar.value, '\0', n->data.scalar.length))
    return fail_at(c, n->start_mark, path,
                   "expected text of at most %zu bytes without NUL, got %zu bytes", cap - 1,
                   n->data.scalar.length);
  memcpy(dst, n->data.scalar.value, n->data.scalar.length);
  dst[n->data.scalar.length] = '\0';
  return AB_OK;
}

static char *dup_str(const char *s) {
  size_t l = strlen(s) + 1;
  char *d = malloc(l);
  if (d)
    memcpy(d, s, l);
  return d;
}

/* ---- top-level sections ------------------------------------------------------------ */

static ab_status parse_measure(const cfg_ctx *c, const yaml_node_t *n, ab_measure_opts *m) {
  static const char *const keys[] = {"warmup_s",    "warmup_min_calls", "sample_min_s",
                                     "min_samples", "max_samples",      "target_cv",
                                     "time_cap_s"};
  ab_status st = expect_type(c, n, "measure", YAML_MAPPING_NODE, "a mapping of measure settings");
  if (!st)
    st = check_keys(c, n, "measure", keys, sizeof keys / sizeof keys[0]);
  const yaml_node_t *v;
  uint64_t u = 0;
  if (!st && (v = lookup(c, n, "warmup_s")))
    st = get_double(c, v, "measure.warmup_s", 0, 0, 3600, 0, &m->warmup_s);
  if (!st && (v = lookup(c, n, "warmup_min_calls")) &&
      !(st = get_uint(c, v, "measure.warmup_min_calls", 0, 1000000, &u)))
    m->warmup_min_calls = (uint32_t)u;
  if (!st && (v = lookup(c, n, "sample_min_s")))
    st = get_double(c, v, "measure.sample_min_s", 0, 1, 60, 0, &m->sample_min_s);
  if (!st && (v = lookup(c, n, "min_samples")) &&
      !(st = get_uint(c, v, "measure.min_samples", 1, 1000000, &u)))
    m->min_samples = (uint32_t)u;
  if (!st && (v = lookup(c, n, "max_samples")) &&
      !(st = get_uint(c, v, "measure.max_samples", 1, 10000000, &u))) {
    m->max_samples = (uint32_t)u;
    if (m->max_samples < m->min_samples)
      st = fail_at(c, v->start_mark, "measure.max_samples",
                   "expected at least min_samples (%u), got %u", m->min_samples, m->max_samples);
  }
  /* Without max_samples the default must still leave room for min_samples. */
  if (!st && m->max_samples < m->min_samples)
    st = fail_at(c, lookup(c, n, "min_samples")->start_mark, "measure.min_samples",
                 "expected at most max_samples (%u, the default), got %u", m->max_samples,
                 m->min_samples);
  /* target_cv 0 means "never stop early on spread": only the cap or max_samples stop. */
  if (!st && (v = lookup(c, n, "target_cv")))
    st = get_double(c, v, "measure.target_cv", 0, 0, 1, 1, &m->target_cv);
  if (!st && (v = lookup(c, n, "time_cap_s")))
    st = get_double(c, v, "measure.time_cap_s", 0, 1, 86400, 0, &m->time_cap_s);
  return st;
}

static ab_status parse_validate(const cfg_ctx *c, const yaml_node_t *n, ab_suite *s) {
  static const char *const keys[] = {"max_elements"};
  ab_status st =
      expect_type(c, n, "validate", YAML_MAPPING_NODE, "a mapping of validation settings");
  if (!st)
    st = check_keys(c, n, "validate", keys, 1);
  const yaml_node_t *v;
  if (!st && (v = lookup(c, n, "max_elements")))
    st = get_uint(c, v, "validate.max_elements", 1, 1000000000, &s->validate_max_elements);
  return st;
}

/* backends: / providers: a list of distinct names; null or [] means "all found". */
static ab_status parse_names(const cfg_ctx *c, const yaml_node_t *n, const char *path, char ***out,
                             size_t *count) {
  if (is_null(n))
    return AB_OK;
  ab_status st = expect_type(c, n, path, YAML_SEQUENCE_NODE, "a sequence of names");
  if (st)
    return st;
  size_t len = seq_len(n);
  if (len > CFG_MAX_NAMES)
    return fail_at(c, n->start_mark, path, "expected at most %d names, got %zu", CFG_MAX_NAMES,
                   len);
  if (len == 0)
    return AB_OK;
  *out = calloc(len, sizeof **out);
  if (!*out)
    return fail_nomem(c);
  for (size_t i = 0; i < len; i++) {
    char ipath[CFG_PATH_LEN], name[64];
    yaml_node_t *item = seq_item(c, n, i);
    index_path(ipath, path, i);
    if ((st = get_name(c, item, ipath, name, sizeof name)))
      return st;
    for (size_t j = 0; j < *count; j++)
      if (strcmp((*out)[j], name) == 0)
        return fail_at(c, item->start_mark, ipath, "expected each name once, got '%s' again", name);
    if (!((*out)[*count] = dup_str(name)))
      return fail_nomem(c);
    (*count)++;
  }
  return AB_OK;
}

/* options: key/value strings handed to every backend's open(); values keep their text. */
static ab_status parse_options(const cfg_ctx *c, const yaml_node_t *n, ab_suite *s) {
  if (is_null(n))
    return AB_OK;
  ab_status st = expect_type(c, n, "options", YAML_MAPPING_NODE, "a mapping of backend options");
  if (st)
    return st;
  size_t len = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  if (len > CFG_MAX_NAMES)
    return fail_at(c, n->start_mark, "options", "expected at most %d options, got %zu",
                   CFG_MAX_NAMES, len);
  if (len == 0)
    return AB_OK;
  s->option_keys = calloc(len, sizeof *s->option_keys);
  s->option_values = calloc(len, sizeof *s->option_values);
  if (!s->option_keys || !s->option_values)
    return fail_nomem(c);
  for (size_t i = 0; i < len; i++) {
    yaml_node_pair_t *p = n->data.mapping.pairs.start + i;
    yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
    yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
    char key[64], value[256], vpath[CFG_PATH_LEN];
    if ((st = get_name(c, k, "options", key, sizeof key)))
      return st;
    join(vpath, "options", key);
    for (size_t j = 0; j < s->n_options; j++)
      if (strcmp(s->option_keys[j], key) == 0)
        return fail_at(c, k->start_mark, vpath, "expected each key once, got '%s' again", key);
    if ((st = get_text(c, v, vpath, value, sizeof value)))
      return st;
    s->option_keys[s->n_options] = dup_str(key);
    s->option_values[s->n_options] = dup_str(value);
    s->n_options++; /* counted before the check so ab_suite_free frees a half-made pair */
    if (!s->option_keys[s->n_options - 1] || !s->option_values[s->n_options - 1])
      return fail_nomem(c);
  }
  return AB_OK;
}

/* ---- gemm sets --------------------------------------------------------------------- */

static ab_status get_dim(const cfg_ctx *c, const yaml_node_t *n, const char *path, int64_t *v) {
  uint64_t u = 0;
  ab_status st = get_uint(c, n, path, 1, (uint64_t)CFG_MAX_DIM, &u);
  *v = (int64_t)u;
  return st;
}

/* Bytes of a rows x cols operand, or 0 when it exceeds 2^40 bytes. Dimensions are at most
 * 2^31 - 1, so rows * cols fits in 62 bits and the division test cannot overflow. */
static uint64_t operand_bytes(int64_t rows, int64_t cols, size_t esize) {
  uint64_t elems = (uint64_t)rows * (uint64_t)cols;
  if (esize == 0 || elems > ((uint64_t)1 << CFG_MAX_OPERAND_LOG2) / esize)
    return 0;
  return elems * esize;
}

static ab_status check_operands(const cfg_ctx *c, const cfg_shape *sh, ab_dtype in, ab_dtype out) {
  static const char names[3] = {'A', 'B', 'C'};
  int64_t rows[3] = {sh->m, sh->k, sh->m}, cols[3] = {sh->k, sh->n, sh->n};
  size_t esize[3] = {ab_dtype_size(in), ab_dtype_size(in), ab_dtype_size(out)};
  for (int i = 0; i < 3; i++)
    if (!operand_bytes(rows[i], cols[i], esize[i]))
      return fail_at(c, sh->mark, sh->path,
                     "expected operands of at most 2^%d bytes each, got %s m=%lld n=%lld "
                     "k=%lld whose %c is %lld x %lld elements of %zu bytes",
                     CFG_MAX_OPERAND_LOG2, ab_dtype_name(in), (long long)sh->m, (long long)sh->n,
                     (long long)sh->k, names[i], (long long)rows[i], (long long)cols[i], esize[i]);
  return AB_OK;
}

static ab_status push_shape(const cfg_ctx *c, cfg_shape *shapes, size_t *n, const cfg_shape *sh,
                            const yaml_node_t *at, const char *list_path) {
  for (size_t i = 0; i < *n; i++)
    if (shapes[i].m == sh->m && shapes[i].n == sh->n && shapes[i].k == sh->k)
      return fail_at(c, at->start_mark, sh->path,
                     "expected each shape once in %s, got m=%lld n=%lld k=%lld again (first at "
                     "line %zu)",
                     list_path, (long long)sh->m, (long long)sh->n, (long long)sh->k,
                     shapes[i].mark.line + 1);
  shapes[(*n)++] = *sh;
  return AB_OK;
}

static ab_status nonempty_seq(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                              const char *what) {
  ab_status st = expect_type(c, n, path, YAML_SEQUENCE_NODE, what);
  if (st)
    return st;
  if (seq_len(n) == 0)
    return fail_at(c, n->start_mark, path, "expected %s, got an empty sequence", what);
  if (seq_len(n) > CFG_MAX_SHAPES)
    return fail_at(c, n->start_mark, path, "expected at most %d entries, got %zu", CFG_MAX_SHAPES,
                   seq_len(n));
  return AB_OK;
}

/* sizes: [256, 512] -> square m = n = k. */
static ab_status read_sizes(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                            cfg_shape *shapes, size_t *count) {
  ab_status st = nonempty_seq(c, n, path, "a non-empty sequence of sizes");
  for (size_t i = 0; !st && i < seq_len(n); i++) {
    cfg_shape sh = {.label = ""};
    yaml_node_t *item = seq_item(c, n, i);
    index_path(sh.path, path, i);
    sh.mark = item->start_mark;
    if (!(st = get_dim(c, item, sh.path, &sh.m))) {
      sh.n = sh.k = sh.m;
      st = push_shape(c, shapes, count, &sh, item, path);
    }
  }
  return st;
}

/* shapes: [[m, n, k], ...] */
static ab_status read_shapes(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                             cfg_shape *shapes, size_t *count) {
  ab_status st = nonempty_seq(c, n, path, "a non-empty sequence of [m, n, k] shapes");
  for (size_t i = 0; !st && i < seq_len(n); i++) {
    cfg_shape sh = {.label = ""};
    yaml_node_t *item = seq_item(c, n, i);
    index_path(sh.path, path, i);
    sh.mark = item->start_mark;
    if (item->type != YAML_SEQUENCE_NODE || seq_len(item) != 3) {
      char got[CFG_GOT_LEN];
      return fail_at(c, item->start_mark, sh.path, "expected [m, n, k], got %s",
                     describe(item, got, sizeof got));
    }
    int64_t *dims[3] = {&sh.m, &sh.n, &sh.k};
    for (size_t d = 0; !st && d < 3; d++) {
      char dpath[CFG_PATH_LEN];
      index_path(dpath, sh.path, d);
      st = get_dim(c, seq_item(c, item, d), dpath, dims[d]);
    }
    if (!st)
      st = push_shape(c, shapes, count, &sh, item, path);
  }
  return st;
}

/* llm: {hidden, ffn, tokens} -> per token count t, the GEMMs of one transformer layer:
 * attention projections (t x hidden x hidden), FFN up (t x ffn x hidden) and FFN down
 * (t x hidden x ffn). Weights are n x k; t tokens are the rows of A. */
static ab_status read_llm(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                          cfg_shape *shapes, size_t *count) {
  static const char *const keys[] = {"hidden", "ffn", "tokens"};
  ab_status st = expect_type(c, n, path, YAML_MAPPING_NODE, "a mapping {hidden, ffn, tokens}");
  if (!st)
    st = check_keys(c, n, path, keys, 3);
  const yaml_node_t *vals[3];
  int64_t hidden = 0, ffn = 0;
  char kpath[3][CFG_PATH_LEN];
  for (size_t i = 0; !st && i < 3; i++) {
    join(kpath[i], path, keys[i]);
    if (!(vals[i] = lookup(c, n, keys[i])))
      st = fail_at(c, n->start_mark, kpath[i], "expected a value (llm needs %s), got no such key",
                   "hidden, ffn and tokens");
  }
  if (!st)
    st = get_dim(c, vals[0], kpath[0], &hidden);
  if (!st)
    st = get_dim(c, vals[1], kpath[1], &ffn);
  if (!st)
    st = nonempty_seq(c, vals[2], kpath[2], "a non-empty sequence of token counts");
  /* A set holds at most CFG_MAX_SHAPES shapes; three per token count. */
  if (!st && seq_len(vals[2]) * 3 > CFG_MAX_SHAPES)
    st = fail_at(c, vals[2]->start_mark, kpath[2], "expected at most %d token counts, got %zu",
                 CFG_MAX_SHAPES / 3, seq_len(vals[2]));
  for (size_t i = 0; !st && i < seq_len(vals[2]); i++) {
    yaml_node_t *item = seq_item(c, vals[2], i);
    cfg_shape sh = {.mark = item->start_mark};
    index_path(sh.path, kpath[2], i);
    int64_t t = 0;
    if ((st = get_dim(c, item, sh.path, &t)))
      break;
    for (size_t j = 0; j < i; j++) /* shapes[3j] is the first GEMM of token count j */
      if (shapes[3 * j].m == t)
        return fail_at(c, item->start_mark, sh.path,
                       "expected each token count once, got %lld again", (long long)t);
    const cfg_shape layer[3] = {{t, hidden, hidden, "attn_proj", sh.mark, ""},
                                {t, ffn, hidden, "ffn_up", sh.mark, ""},
                                {t, hidden, ffn, "ffn_down", sh.mark, ""}};
    for (size_t l = 0; l < 3; l++) {
      shapes[*count] = layer[l];
      memcpy(shapes[*count].path, sh.path, sizeof sh.path);
      (*count)++;
    }
  }
  return st;
}

/* trans: [n, n] (default); "t" transposes that operand as stored. */
static ab_status read_trans(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                            int32_t trans[2]) {
  char got[CFG_GOT_LEN];
  if (n->type != YAML_SEQUENCE_NODE || seq_len(n) != 2)
    return fail_at(c, n->start_mark, path, "expected [a, b] with each 'n' or 't', got %s",
                   describe(n, got, sizeof got));
  for (size_t i = 0; i < 2; i++) {
    yaml_node_t *item = seq_item(c, n, i);
    char ipath[CFG_PATH_LEN];
    index_path(ipath, path, i);
    if (scalar_is(item, "n") || scalar_is(item, "t")) {
      trans[i] = scalar_is(item, "t");
      continue;
    }
    return fail_at(c, item->start_mark, ipath, "expected 'n' or 't', got %s",
                   describe(item, got, sizeof got));
  }
  return AB_OK;
}

static ab_status read_dtypes(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                             ab_dtype in[AB_DTYPE_COUNT], ab_dtype out[AB_DTYPE_COUNT],
                             size_t *count) {
  const char *what = "a non-empty sequence of dtypes (f64, f32, f16, bf16, int8)";
  ab_status st = expect_type(c, n, path, YAML_SEQUENCE_NODE, what);
  if (!st && seq_len(n) == 0)
    st = fail_at(c, n->start_mark, path, "expected %s, got an empty sequence", what);
  for (size_t i = 0; !st && i < seq_len(n); i++) {
    yaml_node_t *item = seq_item(c, n, i);
    char ipath[CFG_PATH_LEN], name[16], got[CFG_GOT_LEN];
    ab_dtype a = AB_DTYPE_INVALID, b = AB_DTYPE_INVALID;
    index_path(ipath, path, i);
    int ok = item->type == YAML_SCALAR_NODE && item->data.scalar.length < sizeof name &&
             !memchr(item->data.scalar.value, '\0', item->data.scalar.length);
    if (ok) {
      memcpy(name, item->data.scalar.value, item->data.scalar.length);
      name[item->data.scalar.length] = '\0';
      ok = ab_dtype_parse(name, &a, &b) == AB_OK && a > AB_DTYPE_INVALID && a < AB_DTYPE_COUNT;
    }
    if (!ok)
      return fail_at(c, item->start_mark, ipath,
                     "expected one of f64, f32, f16, bf16, int8, got %s",
                     describe(item, got, sizeof got));
    for (size_t j = 0; j < *count; j++)
      if (in[j] == a)
        return fail_at(c, item->start_mark, ipath, "expected each dtype once, got '%s' again",
                       name);
    /* At most one entry per dtype, so the arrays cannot overflow. */
    in[*count] = a;
    out[*count] = b;
    (*count)++;
  }
  return st;
}

/* A new zeroed case at the end of the suite (the array grows by doubling); NULL when
 * memory runs out (the context then holds the message). */
static ab_case_spec *new_case(cfg_ctx *c, const char *set) {
  ab_suite *s = c->out;
  if (s->n_cases == c->cases_cap) {
    size_t cap = c->cases_cap ? c->cases_cap * 2 : 64;
    ab_case_spec *grown = realloc(s->cases, cap * sizeof *grown);
    if (!grown) {
      fail_nomem(c);
      return NULL;
    }
    s->cases = grown;
    c->cases_cap = cap;
  }
  ab_case_spec *cs = &s->cases[s->n_cases++];
  memset(cs, 0, sizeof *cs);
  snprintf(cs->set, sizeof cs->set, "%s", set);
  cs->desc.struct_size = (uint32_t)sizeof cs->desc;
  return cs;
}

static ab_status append_case(cfg_ctx *c, const char *set, const cfg_shape *sh, ab_dtype in,
                             ab_dtype out, const int32_t trans[2]) {
  ab_case_spec *cs = new_case(c, set);
  if (!cs)
    return AB_E_NOMEM;
  snprintf(cs->label, sizeof cs->label, "%s", sh->label ? sh->label : "");
  cs->desc.kind = AB_KERNEL_GEMM;
  cs->desc.dtype = in;
  cs->desc.out_dtype = out;
  cs->desc.params.gemm.m = sh->m;
  cs->desc.params.gemm.n = sh->n;
  cs->desc.params.gemm.k = sh->k;
  cs->desc.params.gemm.trans_a = trans[0];
  cs->desc.params.gemm.trans_b = trans[1];
  return AB_OK;
}

static ab_status parse_gemm_set(cfg_ctx *c, const yaml_node_t *n, const char *path,
                                cfg_shape *shapes) {
  static const char *const keys[] = {"set", "dtypes", "sizes", "shapes", "llm", "trans"};
  static const char *const forms[] = {"sizes", "shapes", "llm"};
  ab_status st = expect_type(c, n, path, YAML_MAPPING_NODE,
                             "a mapping {set, dtypes, sizes|shapes|llm, trans}");
  if (!st)
    st = check_keys(c, n, path, keys, sizeof keys / sizeof keys[0]);
  if (st)
    return st;
  char kpath[CFG_PATH_LEN], set[sizeof c->out->cases[0].set];
  const yaml_node_t *v = lookup(c, n, "set");
  join(kpath, path, "set");
  if (!v)
    return fail_at(c, n->start_mark, kpath, "expected a set name, got no such key");
  if ((st = get_name(c, v, kpath, set, sizeof set)))
    return st;
  for (size_t i = 0; i < c->n_sets; i++)
    if (scalar_is(c->set_nodes[i], set))
      return fail_at(c, v->start_mark, kpath,
                     "expected a set name not used before, got '%s' again (first at line %zu)", set,
                     c->set_nodes[i]->start_mark.line + 1);
  c->set_nodes[c->n_sets++] = v;

  ab_dtype in[AB_DTYPE_COUNT], out[AB_DTYPE_COUNT];
  size_t n_dtypes = 0;
  join(kpath, path, "dtypes");
  if (!(v = lookup(c, n, "dtypes")))
    return fail_at(c, n->start_mark, kpath, "expected a sequence of dtypes, got no such key");
  if ((st = read_dtypes(c, v, kpath, in, out, &n_dtypes)))
    return st;

  int32_t trans[2] = {0, 0};
  join(kpath, path, "trans");
  if ((v = lookup(c, n, "trans")) && (st = read_trans(c, v, kpath, trans)))
    return st;

  /* Exactly one shape form per set. */
  const yaml_node_t *form = NULL;
  size_t which = 0;
  for (size_t i = 0; i < 3; i++) {
    const yaml_node_t *f = lookup(c, n, forms[i]);
    if (f && form)
      return fail_at(c, f->start_mark, path,
                     "expected one of sizes, shapes or llm, got both %s "
                     "and %s",
                     forms[which], forms[i]);
    if (f) {
      form = f;
      which = i;
    }
  }
  if (!form)
    return fail_at(c, n->start_mark, path, "expected one of sizes, shapes or llm, got none");
  size_t n_shapes = 0;
  join(kpath, path, forms[which]);
  if (which == 0)
    st = read_sizes(c, form, kpath, shapes, &n_shapes);
  else if (which == 1)
    st = read_shapes(c, form, kpath, shapes, &n_shapes);
  else
    st = read_llm(c, form, kpath, shapes, &n_shapes);
  if (st)
    return st;

  if (c->out->n_cases + n_dtypes * n_shapes > CFG_MAX_CASES)
    return fail_at(c, n->start_mark, path, "expected at most %d cases in a suite, got %zu",
                   CFG_MAX_CASES, c->out->n_cases + n_dtypes * n_shapes);
  /* dtype-major: a report's per-dtype rows come out in the order the config lists them. */
  for (size_t d = 0; d < n_dtypes; d++)
    for (size_t i = 0; i < n_shapes; i++) {
      if ((st = check_operands(c, &shapes[i], in[d], out[d])))
        return st;
      if ((st = append_case(c, set, &shapes[i], in[d], out[d], trans)))
        return st;
    }
  return AB_OK;
}

/* Shapes a set will list, so the scratch array is sized to the config, not to the bound
 * (lists over CFG_MAX_SHAPES are rejected before anything is stored). */
static size_t shapes_needed(const cfg_ctx *c, const yaml_node_t *set) {
  if (set->type != YAML_MAPPING_NODE)
    return 0;
  const yaml_node_t *v = lookup(c, set, "sizes"), *llm = lookup(c, set, "llm");
  size_t need = v && v->type == YAML_SEQUENCE_NODE ? seq_len(v) : 0;
  if ((v = lookup(c, set, "shapes")) && v->type == YAML_SEQUENCE_NODE && seq_len(v) > need)
    need = seq_len(v);
  if (llm && llm->type == YAML_MAPPING_NODE && (v = lookup(c, llm, "tokens")) &&
      v->type == YAML_SEQUENCE_NODE && 3 * seq_len(v) > need)
    need = 3 * seq_len(v);
  return need < CFG_MAX_SHAPES ? need : CFG_MAX_SHAPES;
}

static ab_status parse_gemm(cfg_ctx *c, const yaml_node_t *n) {
  const char *what = "a non-empty sequence of gemm sets";
  ab_status st = expect_type(c, n, "gemm", YAML_SEQUENCE_NODE, what);
  if (st)
    return st;
  if (seq_len(n) == 0)
    return fail_at(c, n->start_mark, "gemm", "expected %s, got an empty sequence", what);
  if (seq_len(n) > CFG_MAX_SETS)
    return fail_at(c, n->start_mark, "gemm", "expected at most %d sets, got %zu", CFG_MAX_SETS,
                   seq_len(n));
  size_t need = 1;
  for (size_t i = 0; i < seq_len(n); i++) {
    size_t k = shapes_needed(c, seq_item(c, n, i));
    need = k > need ? k : need;
  }
  cfg_shape *shapes = malloc(need * sizeof *shapes);
  if (!shapes)
    return fail_nomem(c);
  for (size_t i = 0; !st && i < seq_len(n); i++) {
    char path[CFG_PATH_LEN];
    index_path(path, "gemm", i);
    st = parse_gemm_set(c, seq_item(c, n, i), path, shapes);
  }
  free(shapes);
  return st;
}

/* ---- microbenchmarks (device ceilings for the roofline) ------------------------------ */

static ab_status push_micro(cfg_ctx *c, ab_kernel_kind kind, ab_dtype in, ab_dtype out,
                            const ab_kernel_desc *params) {
  if (c->out->n_cases >= CFG_MAX_CASES)
    return fail_at(c, (yaml_mark_t){0, 0, 0}, "micro", "expected at most %d cases in a suite",
                   CFG_MAX_CASES);
  ab_case_spec *cs = new_case(c, "micro");
  if (!cs)
    return AB_E_NOMEM;
  cs->desc.kind = kind;
  cs->desc.dtype = in;
  cs->desc.out_dtype = out;
  cs->desc.params = params->params;
  return AB_OK;
}

/* A list of byte counts: 1 KiB .. 16 GiB each. */
static ab_status read_byte_list(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                                int64_t *out, size_t *count) {
  ab_status st = nonempty_seq(c, n, path, "a non-empty sequence of byte counts");
  for (size_t i = 0; !st && i < seq_len(n); i++) {
    char ipath[CFG_PATH_LEN];
    uint64_t v;
    index_path(ipath, path, i);
    if (i >= 16)
      return fail_at(c, seq_item(c, n, i)->start_mark, ipath, "expected at most 16 sizes");
    if ((st = get_uint(c, seq_item(c, n, i), ipath, 1024, UINT64_C(1) << 34, &v)))
      return st;
    out[(*count)++] = (int64_t)v;
  }
  return st;
}

static ab_status parse_peak(cfg_ctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {"dtypes", "items", "fma_per_item"};
  ab_status st =
      expect_type(c, n, "micro.peak", YAML_MAPPING_NODE, "a mapping {dtypes, items, fma_per_item}");
  if (!st)
    st = check_keys(c, n, "micro.peak", keys, 3);
  if (st)
    return st;
  ab_dtype in[AB_DTYPE_COUNT], out[AB_DTYPE_COUNT];
  size_t n_dtypes = 0;
  uint64_t items = 1 << 16, fma = 1 << 12;
  const yaml_node_t *v;
  if (!(v = lookup(c, n, "dtypes")))
    return fail_at(c, n->start_mark, "micro.peak.dtypes",
                   "expected a sequence of dtypes, got no such key");
  if ((st = read_dtypes(c, v, "micro.peak.dtypes", in, out, &n_dtypes)))
    return st;
  if ((v = lookup(c, n, "items")) &&
      (st = get_uint(c, v, "micro.peak.items", 1, UINT64_C(1) << 28, &items)))
    return st;
  if ((v = lookup(c, n, "fma_per_item")) &&
      (st = get_uint(c, v, "micro.peak.fma_per_item", 8, UINT64_C(1) << 24, &fma)))
    return st;
  for (size_t d = 0; !st && d < n_dtypes; d++) {
    ab_kernel_desc p = {0};
    p.params.peak = (ab_peak_params){.items = (int64_t)items, .fma_per_item = (int64_t)fma};
    st = push_micro(c, AB_KERNEL_PEAK, in[d], out[d], &p);
  }
  return st;
}

static ab_status parse_transfers(cfg_ctx *c, const yaml_node_t *n, const char *path,
                                 ab_kernel_kind kind) {
  int64_t bytes[16];
  size_t count = 0;
  ab_status st = read_byte_list(c, n, path, bytes, &count);
  for (size_t i = 0; !st && i < count; i++)
    for (int pinned = 0; !st && pinned <= (kind == AB_KERNEL_MEMBW ? 0 : 1); pinned++) {
      ab_kernel_desc p = {0};
      p.params.transfer = (ab_transfer_params){.bytes = bytes[i], .pinned = pinned};
      st = push_micro(c, kind, AB_DTYPE_I8, AB_DTYPE_I8, &p);
    }
  return st;
}

static ab_status parse_micro(cfg_ctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {"peak", "membw", "copy", "launch"};
  ab_status st =
      expect_type(c, n, "micro", YAML_MAPPING_NODE, "a mapping {peak, membw, copy, launch}");
  if (!st)
    st = check_keys(c, n, "micro", keys, 4);
  const yaml_node_t *v;
  if (!st && (v = lookup(c, n, "peak")))
    st = parse_peak(c, v);
  if (!st && (v = lookup(c, n, "membw")))
    st = parse_transfers(c, v, "micro.membw", AB_KERNEL_MEMBW);
  if (!st && (v = lookup(c, n, "copy"))) {
    st = parse_transfers(c, v, "micro.copy", AB_KERNEL_COPY_H2D);
    if (!st)
      st = parse_transfers(c, v, "micro.copy", AB_KERNEL_COPY_D2H);
  }
  if (!st && (v = lookup(c, n, "launch"))) {
    if (!scalar_is(v, "true") && !scalar_is(v, "false"))
      return fail_at(c, v->start_mark, "micro.launch", "expected true or false");
    ab_kernel_desc p = {0};
    if (scalar_is(v, "true"))
      st = push_micro(c, AB_KERNEL_LAUNCH, AB_DTYPE_I8, AB_DTYPE_I8, &p);
  }
  return st;
}

static ab_status parse_root(cfg_ctx *c, const yaml_node_t *root) {
  static const char *const keys[] = {"suite",    "description", "seed",    "measure", "validate",
                                     "backends", "providers",   "options", "gemm",    "micro"};
  ab_suite *s = c->out;
  yaml_mark_t start = {0, 0, 0};
  if (!root)
    return fail_at(c, start, "document",
                   "expected a mapping with at least 'suite' and 'gemm', "
                   "got an empty document");
  ab_status st = expect_type(c, root, "document", YAML_MAPPING_NODE,
                             "a mapping with at least 'suite' and 'gemm'");
  if (!st)
    st = check_keys(c, root, "", keys, sizeof keys / sizeof keys[0]);
  if (st)
    return st;
  const yaml_node_t *v;
  if (!(v = lookup(c, root, "suite")))
    return fail_at(c, root->start_mark, "suite", "expected a suite name, got no such key");
  if ((st = get_name(c, v, "suite", s->name, sizeof s->name)))
    return st;
  if ((v = lookup(c, root, "description")) &&
      (st = get_text(c, v, "description", s->description, sizeof s->description)))
    return st;
  /* At most INT64_MAX: run files store JSON integers, and a seed must read back exactly. */
  if ((v = lookup(c, root, "seed")) && (st = get_uint(c, v, "seed", 0, INT64_MAX, &s->seed)))
    return st;
  if ((v = lookup(c, root, "measure")) && (st = parse_measure(c, v, &s->measure)))
    return st;
  if ((v = lookup(c, root, "validate")) && (st = parse_validate(c, v, s)))
    return st;
  if ((v = lookup(c, root, "backends")) &&
      (st = parse_names(c, v, "backends", &s->backends, &s->n_backends)))
    return st;
  if ((v = lookup(c, root, "providers")) &&
      (st = parse_names(c, v, "providers", &s->providers, &s->n_providers)))
    return st;
  if ((v = lookup(c, root, "options")) && (st = parse_options(c, v, s)))
    return st;
  if (!(v = lookup(c, root, "gemm")))
    return fail_at(c, root->start_mark, "gemm",
                   "expected a sequence of gemm sets, got no such key");
  if ((st = parse_gemm(c, v)))
    return st;
  if ((v = lookup(c, root, "micro")))
    st = parse_micro(c, v);
  return st;
}

/* ---- libyaml errors ---------------------------------------------------------------- */

/* Reader errors (bad UTF-8, control characters) carry only a byte offset. */
static yaml_mark_t mark_of_offset(const cfg_ctx *c, size_t offset) {
  yaml_mark_t m = {offset, 0, 0};
  for (size_t i = 0; i < offset && i < c->len; i++) {
    if (c->buf[i] == '\n') {
      m.line++;
      m.column = 0;
    } else if ((c->buf[i] & 0xc0) != 0x80) {
      m.column++; /* count characters, as libyaml's marks do */
    }
  }
  return m;
}

/* libyaml's "found character that cannot start any token" is what a tab indent gives;
 * say so, since tabs are the usual mistake in hand-edited YAML. */
static int tab_at(const cfg_ctx *c, yaml_mark_t m) {
  size_t i = 0, line = 0, col = 0;
  while (i < c->len && line < m.line)
    if (c->buf[i++] == '\n')
      line++;
  for (; i < c->len && c->buf[i] != '\n'; i++) {
    if ((c->buf[i] & 0xc0) == 0x80)
      continue;
    if (col++ == m.column)
      return c->buf[i] == '\t';
  }
  return 0;
}

static ab_status syntax_error(const cfg_ctx *c, const yaml_parser_t *p) {
  if (p->error == YAML_MEMORY_ERROR)
    return fail_nomem(c);
  yaml_mark_t m = p->problem_mark;
  char value[16] = "";
  if (p->error == YAML_READER_ERROR) {
    m = mark_of_offset(c, p->problem_offset);
    if (p->problem_value != -1)
      snprintf(value, sizeof value, " (#x%02x)", (unsigned)p->problem_value & 0xffu);
  }
  const char *problem = p->problem ? p->problem : "an unknown libyaml error";
  char ctx[96] = "";
  if (p->context)
    snprintf(ctx, sizeof ctx, " %s at line %zu column %zu", p->context, p->context_mark.line + 1,
             p->context_mark.column + 1);
  return fail_at(c, m, "yaml", "expected valid YAML, got %s%s%s%s", problem, value, ctx,
                 tab_at(c, m) ? " (a tab: YAML indents with spaces only)" : "");
}

/* ---- public entry points ----------------------------------------------------------- */

void ab_suite_free(ab_suite *s) {
  if (!s)
    return;
  for (size_t i = 0; s->backends && i < s->n_backends; i++)
    free(s->backends[i]);
  for (size_t i = 0; s->providers && i < s->n_providers; i++)
    free(s->providers[i]);
  for (size_t i = 0; i < s->n_options; i++) {
    free(s->option_keys ? s->option_keys[i] : NULL);
    free(s->option_values ? s->option_values[i] : NULL);
  }
  free(s->backends);
  free(s->providers);
  free(s->option_keys);
  free(s->option_values);
  free(s->cases);
  memset(s, 0, sizeof *s);
}

static void suite_defaults(ab_suite *s, const char *name) {
  memset(s, 0, sizeof *s);
  snprintf(s->path, sizeof s->path, "%s", name);
  s->seed = 42;
  s->measure = ab_measure_defaults();
  s->validate_max_elements = 4096;
}

ab_status ab_suite_load_string(const char *name, const char *yaml, size_t len, ab_suite *out,
                               char *msg) {
  char scratch[AB_MSG_LEN];
  cfg_ctx c = {.file = name ? name : "<string>",
               .buf = (const unsigned char *)yaml,
               .len = len,
               .msg = msg ? msg : scratch,
               .out = out};
  c.msg[0] = '\0';
  if (!out || (!yaml && len)) {
    snprintf(c.msg, AB_MSG_LEN, "%s: expected a suite buffer and an output, got NULL", c.file);
    return AB_E_INVALID;
  }
  suite_defaults(out, c.file);
  if (len > CFG_MAX_FILE_BYTES) {
    snprintf(c.msg, AB_MSG_LEN, "%s: expected a suite of at most %u bytes, got %zu bytes", c.file,
             CFG_MAX_FILE_BYTES, len);
    return AB_E_INVALID;
  }
  yaml_parser_t parser;
  yaml_document_t doc, extra;
  if (!yaml_parser_initialize(&parser))
    return fail_nomem(&c);
  yaml_parser_set_input_string(&parser, len ? c.buf : (const unsigned char *)"", len);
  ab_status st;
  if (!yaml_parser_load(&parser, &doc)) {
    st = syntax_error(&c, &parser);
  } else {
    c.doc = &doc;
    st = parse_root(&c, yaml_document_get_root_node(&doc));
    /* A second document would be silently ignored; a typo'd "---" is the usual cause. */
    if (!st) {
      if (!yaml_parser_load(&parser, &extra)) {
        st = syntax_error(&c, &parser);
      } else {
        yaml_node_t *r = yaml_document_get_root_node(&extra);
        if (r)
          st = fail_at(&c, r->start_mark, "document",
                       "expected one YAML document, got a second one");
        yaml_document_delete(&extra);
      }
    }
    yaml_document_delete(&doc);
  }
  yaml_parser_delete(&parser);
  if (st) {
    ab_suite_free(out);
    snprintf(out->path, sizeof out->path, "%s", c.file);
  }
  return st;
}

ab_status ab_suite_load(const char *path, ab_suite *out, char *msg) {
  char scratch[AB_MSG_LEN];
  char *m = msg ? msg : scratch;
  if (!path || !out) {
    snprintf(m, AB_MSG_LEN, "suite: expected a path and an output, got NULL");
    return AB_E_INVALID;
  }
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(m, AB_MSG_LEN, "%s: expected a readable suite file, got %s", path, strerror(errno));
    return AB_E_IO;
  }
  /* Read one byte past the limit so an oversized file is reported, not truncated. */
  char *buf = malloc(CFG_MAX_FILE_BYTES + 1);
  if (!buf) {
    fclose(f);
    snprintf(m, AB_MSG_LEN, "%s: out of memory while loading the suite", path);
    return AB_E_NOMEM;
  }
  size_t len = fread(buf, 1, CFG_MAX_FILE_BYTES + 1, f);
  int bad = ferror(f);
  fclose(f);
  ab_status st;
  if (bad) {
    snprintf(m, AB_MSG_LEN, "%s: expected a readable suite file, got a read error", path);
    st = AB_E_IO;
  } else {
    st = ab_suite_load_string(path, buf, len, out, m);
  }
  free(buf);
  return st;
}
