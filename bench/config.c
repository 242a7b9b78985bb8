/* accelbench — suite loader: configs/<name>.yaml -> ab_suite (format: docs/config.md).
 *
 * The YAML is read by the shared document helpers (yaml_doc.h) and walked by a fixed
 * schema. Every rejection names FILE:LINE:COL (1-based, from libyaml marks), the field
 * path, what was expected and what was found. Input size, list lengths and the number of
 * expanded cases are bounded so that hostile input (the loader is fuzzed) costs bounded
 * time and memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kernel.h"
#include "model/kind.h"
#include "model/yaml_doc.h"
#include "suite.h"

/* Limits. Configs are hand-written and a few KiB long; the bounds only stop hostile or
 * broken input from costing unbounded memory or quadratic time (the file size bound is
 * AB_YAML_MAX_FILE_BYTES). */
#define CFG_MAX_DIM          2147483647LL /* BLAS libraries take int dimensions */
#define CFG_MAX_OPERAND_LOG2 40           /* any one operand at most 2^40 bytes (1 TiB) */
#define CFG_MAX_SETS         256          /* gemm sets per suite */
#define CFG_MAX_SHAPES       4096         /* shapes (or llm token counts) per set */
#define CFG_MAX_CASES        100000       /* expanded cases per suite */
#define CFG_MAX_NAMES        64           /* entries in backends/providers/options */

typedef struct cfg_ctx {
  ab_yaml_doc y; /* the document, its name and the message buffer */
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
  char path[AB_YAML_PATH_LEN];
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
                       .time_cap_s = 2.0,
                       .cold_cache_budget_bytes = AB_COLD_CACHE_BUDGET_DEFAULT};
  return m;
}

static char *dup_str(const char *s) {
  size_t l = strlen(s) + 1;
  char *d = malloc(l);
  if (d)
    memcpy(d, s, l);
  return d;
}

/* ---- top-level sections ------------------------------------------------------------ */

/* cold_cache: true/false, cold_cache_budget_bytes: 1 MiB .. 1 TiB. */
static ab_status parse_cold_cache(const cfg_ctx *c, const yaml_node_t *n, ab_measure_opts *m) {
  char got[AB_YAML_GOT_LEN];
  const yaml_node_t *v = ab_yaml_lookup(&c->y, n, "cold_cache");
  if (v && !ab_yaml_scalar_is(v, "true") && !ab_yaml_scalar_is(v, "false"))
    return ab_yaml_fail_at(&c->y, v->start_mark, "measure.cold_cache",
                           "expected true or false, got %s", ab_yaml_describe(v, got, sizeof got));
  if (v)
    m->cold_cache = ab_yaml_scalar_is(v, "true");
  v = ab_yaml_lookup(&c->y, n, "cold_cache_budget_bytes");
  return v ? ab_yaml_get_uint(&c->y, v, "measure.cold_cache_budget_bytes", (uint64_t)1 << 20,
                              (uint64_t)1 << 40, &m->cold_cache_budget_bytes)
           : AB_OK;
}

static ab_status parse_measure(const cfg_ctx *c, const yaml_node_t *n, ab_measure_opts *m) {
  static const char *const keys[] = {"warmup_s",    "warmup_min_calls", "sample_min_s",
                                     "min_samples", "max_samples",      "target_cv",
                                     "time_cap_s",  "cold_cache",       "cold_cache_budget_bytes"};
  ab_status st =
      ab_yaml_expect_type(&c->y, n, "measure", YAML_MAPPING_NODE, "a mapping of measure settings");
  if (!st)
    st = ab_yaml_check_keys(&c->y, n, "measure", keys, sizeof keys / sizeof keys[0]);
  const yaml_node_t *v;
  uint64_t u = 0;
  if (!st && (v = ab_yaml_lookup(&c->y, n, "warmup_s")))
    st = ab_yaml_get_double(&c->y, v, "measure.warmup_s", 0, 0, 3600, 0, &m->warmup_s);
  if (!st && (v = ab_yaml_lookup(&c->y, n, "warmup_min_calls")) &&
      !(st = ab_yaml_get_uint(&c->y, v, "measure.warmup_min_calls", 0, 1000000, &u)))
    m->warmup_min_calls = (uint32_t)u;
  if (!st && (v = ab_yaml_lookup(&c->y, n, "sample_min_s")))
    st = ab_yaml_get_double(&c->y, v, "measure.sample_min_s", 0, 1, 60, 0, &m->sample_min_s);
  if (!st && (v = ab_yaml_lookup(&c->y, n, "min_samples")) &&
      !(st = ab_yaml_get_uint(&c->y, v, "measure.min_samples", 1, 1000000, &u)))
    m->min_samples = (uint32_t)u;
  if (!st && (v = ab_yaml_lookup(&c->y, n, "max_samples")) &&
      !(st = ab_yaml_get_uint(&c->y, v, "measure.max_samples", 1, 10000000, &u))) {
    m->max_samples = (uint32_t)u;
    if (m->max_samples < m->min_samples)
      st = ab_yaml_fail_at(&c->y, v->start_mark, "measure.max_samples",
                           "expected at least min_samples (%u), got %u", m->min_samples,
                           m->max_samples);
  }
  /* Without max_samples the default must still leave room for min_samples. */
  if (!st && m->max_samples < m->min_samples)
    st = ab_yaml_fail_at(
        &c->y, ab_yaml_lookup(&c->y, n, "min_samples")->start_mark, "measure.min_samples",
        "expected at most max_samples (%u, the default), got %u", m->max_samples, m->min_samples);
  /* target_cv 0 means "never stop early on spread": only the cap or max_samples stop. */
  if (!st && (v = ab_yaml_lookup(&c->y, n, "target_cv")))
    st = ab_yaml_get_double(&c->y, v, "measure.target_cv", 0, 0, 1, 1, &m->target_cv);
  if (!st && (v = ab_yaml_lookup(&c->y, n, "time_cap_s")))
    st = ab_yaml_get_double(&c->y, v, "measure.time_cap_s", 0, 1, 86400, 0, &m->time_cap_s);
  return st ? st : parse_cold_cache(c, n, m);
}

static ab_status parse_validate(const cfg_ctx *c, const yaml_node_t *n, ab_suite *s) {
  static const char *const keys[] = {"max_elements", "whole_reference_macs"};
  ab_status st = ab_yaml_expect_type(&c->y, n, "validate", YAML_MAPPING_NODE,
                                     "a mapping of validation settings");
  if (!st)
    st = ab_yaml_check_keys(&c->y, n, "validate", keys, 2);
  const yaml_node_t *v;
  if (!st && (v = ab_yaml_lookup(&c->y, n, "max_elements")))
    st = ab_yaml_get_uint(&c->y, v, "validate.max_elements", 1, 1000000000,
                          &s->validate_max_elements);
  if (!st && (v = ab_yaml_lookup(&c->y, n, "whole_reference_macs")))
    st = ab_yaml_get_uint(&c->y, v, "validate.whole_reference_macs", 0, UINT64_MAX / 2,
                          &s->validate_whole_macs);
  return st;
}

/* backends: / providers: a list of distinct names; null or [] means "all found". */
static ab_status parse_names(const cfg_ctx *c, const yaml_node_t *n, const char *path, char ***out,
                             size_t *count) {
  if (ab_yaml_is_null(n))
    return AB_OK;
  ab_status st = ab_yaml_expect_type(&c->y, n, path, YAML_SEQUENCE_NODE, "a sequence of names");
  if (st)
    return st;
  size_t len = ab_yaml_seq_len(n);
  if (len > CFG_MAX_NAMES)
    return ab_yaml_fail_at(&c->y, n->start_mark, path, "expected at most %d names, got %zu",
                           CFG_MAX_NAMES, len);
  if (len == 0)
    return AB_OK;
  *out = calloc(len, sizeof **out);
  if (!*out)
    return ab_yaml_fail_nomem(&c->y);
  for (size_t i = 0; i < len; i++) {
    char ipath[AB_YAML_PATH_LEN], name[64];
    yaml_node_t *item = ab_yaml_seq_item(&c->y, n, i);
    ab_yaml_index_path(ipath, path, i);
    if ((st = ab_yaml_get_name(&c->y, item, ipath, name, sizeof name)))
      return st;
    for (size_t j = 0; j < *count; j++)
      if (strcmp((*out)[j], name) == 0)
        return ab_yaml_fail_at(&c->y, item->start_mark, ipath,
                               "expected each name once, got '%s' again", name);
    if (!((*out)[*count] = dup_str(name)))
      return ab_yaml_fail_nomem(&c->y);
    (*count)++;
  }
  return AB_OK;
}

/* options: key/value strings handed to every backend's open(); values keep their text. */
static ab_status parse_options(const cfg_ctx *c, const yaml_node_t *n, ab_suite *s) {
  if (ab_yaml_is_null(n))
    return AB_OK;
  ab_status st =
      ab_yaml_expect_type(&c->y, n, "options", YAML_MAPPING_NODE, "a mapping of backend options");
  if (st)
    return st;
  size_t len = ab_yaml_map_len(n);
  if (len > CFG_MAX_NAMES)
    return ab_yaml_fail_at(&c->y, n->start_mark, "options", "expected at most %d options, got %zu",
                           CFG_MAX_NAMES, len);
  if (len == 0)
    return AB_OK;
  s->option_keys = calloc(len, sizeof *s->option_keys);
  s->option_values = calloc(len, sizeof *s->option_values);
  if (!s->option_keys || !s->option_values)
    return ab_yaml_fail_nomem(&c->y);
  for (size_t i = 0; i < len; i++) {
    yaml_node_t *k = ab_yaml_map_key(&c->y, n, i);
    yaml_node_t *v = ab_yaml_map_value(&c->y, n, i);
    char key[64], value[256], vpath[AB_YAML_PATH_LEN];
    if ((st = ab_yaml_get_name(&c->y, k, "options", key, sizeof key)))
      return st;
    ab_yaml_join(vpath, "options", key);
    for (size_t j = 0; j < s->n_options; j++)
      if (strcmp(s->option_keys[j], key) == 0)
        return ab_yaml_fail_at(&c->y, k->start_mark, vpath,
                               "expected each key once, got '%s' again", key);
    if ((st = ab_yaml_get_text(&c->y, v, vpath, value, sizeof value)))
      return st;
    s->option_keys[s->n_options] = dup_str(key);
    s->option_values[s->n_options] = dup_str(value);
    s->n_options++; /* counted before the check so ab_suite_free frees a half-made pair */
    if (!s->option_keys[s->n_options - 1] || !s->option_values[s->n_options - 1])
      return ab_yaml_fail_nomem(&c->y);
  }
  return AB_OK;
}

/* ---- gemm sets --------------------------------------------------------------------- */

static ab_status get_dim(const cfg_ctx *c, const yaml_node_t *n, const char *path, int64_t *v) {
  uint64_t u = 0;
  ab_status st = ab_yaml_get_uint(&c->y, n, path, 1, (uint64_t)CFG_MAX_DIM, &u);
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
      return ab_yaml_fail_at(&c->y, sh->mark, sh->path,
                             "expected operands of at most 2^%d bytes each, got %s m=%lld n=%lld "
                             "k=%lld whose %c is %lld x %lld elements of %zu bytes",
                             CFG_MAX_OPERAND_LOG2, ab_dtype_name(in), (long long)sh->m,
                             (long long)sh->n, (long long)sh->k, names[i], (long long)rows[i],
                             (long long)cols[i], esize[i]);
  return AB_OK;
}

static ab_status push_shape(const cfg_ctx *c, cfg_shape *shapes, size_t *n, const cfg_shape *sh,
                            const yaml_node_t *at, const char *list_path) {
  for (size_t i = 0; i < *n; i++)
    if (shapes[i].m == sh->m && shapes[i].n == sh->n && shapes[i].k == sh->k)
      return ab_yaml_fail_at(
          &c->y, at->start_mark, sh->path,
          "expected each shape once in %s, got m=%lld n=%lld k=%lld again (first at "
          "line %zu)",
          list_path, (long long)sh->m, (long long)sh->n, (long long)sh->k, shapes[i].mark.line + 1);
  shapes[(*n)++] = *sh;
  return AB_OK;
}

static ab_status nonempty_seq(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                              const char *what) {
  ab_status st = ab_yaml_expect_type(&c->y, n, path, YAML_SEQUENCE_NODE, what);
  if (st)
    return st;
  if (ab_yaml_seq_len(n) == 0)
    return ab_yaml_fail_at(&c->y, n->start_mark, path, "expected %s, got an empty sequence", what);
  if (ab_yaml_seq_len(n) > CFG_MAX_SHAPES)
    return ab_yaml_fail_at(&c->y, n->start_mark, path, "expected at most %d entries, got %zu",
                           CFG_MAX_SHAPES, ab_yaml_seq_len(n));
  return AB_OK;
}

/* sizes: [256, 512] -> square m = n = k. */
static ab_status read_sizes(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                            cfg_shape *shapes, size_t *count) {
  ab_status st = nonempty_seq(c, n, path, "a non-empty sequence of sizes");
  for (size_t i = 0; !st && i < ab_yaml_seq_len(n); i++) {
    cfg_shape sh = {.label = ""};
    yaml_node_t *item = ab_yaml_seq_item(&c->y, n, i);
    ab_yaml_index_path(sh.path, path, i);
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
  for (size_t i = 0; !st && i < ab_yaml_seq_len(n); i++) {
    cfg_shape sh = {.label = ""};
    yaml_node_t *item = ab_yaml_seq_item(&c->y, n, i);
    ab_yaml_index_path(sh.path, path, i);
    sh.mark = item->start_mark;
    if (item->type != YAML_SEQUENCE_NODE || ab_yaml_seq_len(item) != 3) {
      char got[AB_YAML_GOT_LEN];
      return ab_yaml_fail_at(&c->y, item->start_mark, sh.path, "expected [m, n, k], got %s",
                             ab_yaml_describe(item, got, sizeof got));
    }
    int64_t *dims[3] = {&sh.m, &sh.n, &sh.k};
    for (size_t d = 0; !st && d < 3; d++) {
      char dpath[AB_YAML_PATH_LEN];
      ab_yaml_index_path(dpath, sh.path, d);
      st = get_dim(c, ab_yaml_seq_item(&c->y, item, d), dpath, dims[d]);
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
  ab_status st =
      ab_yaml_expect_type(&c->y, n, path, YAML_MAPPING_NODE, "a mapping {hidden, ffn, tokens}");
  if (!st)
    st = ab_yaml_check_keys(&c->y, n, path, keys, 3);
  const yaml_node_t *vals[3];
  int64_t hidden = 0, ffn = 0;
  char kpath[3][AB_YAML_PATH_LEN];
  for (size_t i = 0; !st && i < 3; i++) {
    ab_yaml_join(kpath[i], path, keys[i]);
    if (!(vals[i] = ab_yaml_lookup(&c->y, n, keys[i])))
      st = ab_yaml_fail_at(&c->y, n->start_mark, kpath[i],
                           "expected a value (llm needs %s), got no such key",
                           "hidden, ffn and tokens");
  }
  if (!st)
    st = get_dim(c, vals[0], kpath[0], &hidden);
  if (!st)
    st = get_dim(c, vals[1], kpath[1], &ffn);
  if (!st)
    st = nonempty_seq(c, vals[2], kpath[2], "a non-empty sequence of token counts");
  /* A set holds at most CFG_MAX_SHAPES shapes; three per token count. */
  if (!st && ab_yaml_seq_len(vals[2]) * 3 > CFG_MAX_SHAPES)
    st = ab_yaml_fail_at(&c->y, vals[2]->start_mark, kpath[2],
                         "expected at most %d token counts, got %zu", CFG_MAX_SHAPES / 3,
                         ab_yaml_seq_len(vals[2]));
  for (size_t i = 0; !st && i < ab_yaml_seq_len(vals[2]); i++) {
    yaml_node_t *item = ab_yaml_seq_item(&c->y, vals[2], i);
    cfg_shape sh = {.mark = item->start_mark};
    ab_yaml_index_path(sh.path, kpath[2], i);
    int64_t t = 0;
    if ((st = get_dim(c, item, sh.path, &t)))
      break;
    for (size_t j = 0; j < i; j++) /* shapes[3j] is the first GEMM of token count j */
      if (shapes[3 * j].m == t)
        return ab_yaml_fail_at(&c->y, item->start_mark, sh.path,
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
  char got[AB_YAML_GOT_LEN];
  if (n->type != YAML_SEQUENCE_NODE || ab_yaml_seq_len(n) != 2)
    return ab_yaml_fail_at(&c->y, n->start_mark, path,
                           "expected [a, b] with each 'n' or 't', got %s",
                           ab_yaml_describe(n, got, sizeof got));
  for (size_t i = 0; i < 2; i++) {
    yaml_node_t *item = ab_yaml_seq_item(&c->y, n, i);
    char ipath[AB_YAML_PATH_LEN];
    ab_yaml_index_path(ipath, path, i);
    if (ab_yaml_scalar_is(item, "n") || ab_yaml_scalar_is(item, "t")) {
      trans[i] = ab_yaml_scalar_is(item, "t");
      continue;
    }
    return ab_yaml_fail_at(&c->y, item->start_mark, ipath, "expected 'n' or 't', got %s",
                           ab_yaml_describe(item, got, sizeof got));
  }
  return AB_OK;
}

static ab_status read_dtypes(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                             ab_dtype in[AB_DTYPE_COUNT], ab_dtype out[AB_DTYPE_COUNT],
                             size_t *count) {
  const char *what =
      "a non-empty sequence of dtypes (f64, f32, f16, bf16, int8, tf32, f8e4m3, f8e5m2)";
  ab_status st = ab_yaml_expect_type(&c->y, n, path, YAML_SEQUENCE_NODE, what);
  if (!st && ab_yaml_seq_len(n) == 0)
    st = ab_yaml_fail_at(&c->y, n->start_mark, path, "expected %s, got an empty sequence", what);
  for (size_t i = 0; !st && i < ab_yaml_seq_len(n); i++) {
    yaml_node_t *item = ab_yaml_seq_item(&c->y, n, i);
    char ipath[AB_YAML_PATH_LEN], name[16], got[AB_YAML_GOT_LEN];
    ab_dtype a = AB_DTYPE_INVALID, b = AB_DTYPE_INVALID;
    ab_yaml_index_path(ipath, path, i);
    int ok = item->type == YAML_SCALAR_NODE && item->data.scalar.length < sizeof name &&
             !memchr(item->data.scalar.value, '\0', item->data.scalar.length);
    if (ok) {
      memcpy(name, item->data.scalar.value, item->data.scalar.length);
      name[item->data.scalar.length] = '\0';
      ok = ab_dtype_parse(name, &a, &b) == AB_OK && a > AB_DTYPE_INVALID && a < AB_DTYPE_COUNT;
    }
    if (!ok)
      return ab_yaml_fail_at(
          &c->y, item->start_mark, ipath,
          "expected one of f64, f32, f16, bf16, int8, tf32, f8e4m3, f8e5m2, got %s",
          ab_yaml_describe(item, got, sizeof got));
    for (size_t j = 0; j < *count; j++)
      if (in[j] == a)
        return ab_yaml_fail_at(&c->y, item->start_mark, ipath,
                               "expected each dtype once, got '%s' again", name);
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
      ab_yaml_fail_nomem(&c->y);
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

/* The `set` key of a set mapping: a name no earlier set of any section used (case ids
 * include the set, so a repeat would make two cases one). */
static ab_status read_set_name(cfg_ctx *c, const yaml_node_t *n, const char *path,
                               char set[sizeof c->out->cases[0].set]) {
  char kpath[AB_YAML_PATH_LEN];
  const yaml_node_t *v = ab_yaml_lookup(&c->y, n, "set");
  ab_yaml_join(kpath, path, "set");
  if (!v)
    return ab_yaml_fail_at(&c->y, n->start_mark, kpath, "expected a set name, got no such key");
  ab_status st = ab_yaml_get_name(&c->y, v, kpath, set, sizeof c->out->cases[0].set);
  if (st)
    return st;
  for (size_t i = 0; i < c->n_sets; i++)
    if (ab_yaml_scalar_is(c->set_nodes[i], set))
      return ab_yaml_fail_at(
          &c->y, v->start_mark, kpath,
          "expected a set name not used before, got '%s' again (first at line %zu)", set,
          c->set_nodes[i]->start_mark.line + 1);
  if (c->n_sets == CFG_MAX_SETS)
    return ab_yaml_fail_at(&c->y, v->start_mark, kpath, "expected at most %d sets in a suite",
                           CFG_MAX_SETS);
  c->set_nodes[c->n_sets++] = v;
  return AB_OK;
}

static ab_status parse_gemm_set(cfg_ctx *c, const yaml_node_t *n, const char *path,
                                cfg_shape *shapes) {
  static const char *const keys[] = {"set", "dtypes", "sizes", "shapes", "llm", "trans"};
  static const char *const forms[] = {"sizes", "shapes", "llm"};
  ab_status st = ab_yaml_expect_type(&c->y, n, path, YAML_MAPPING_NODE,
                                     "a mapping {set, dtypes, sizes|shapes|llm, trans}");
  if (!st)
    st = ab_yaml_check_keys(&c->y, n, path, keys, sizeof keys / sizeof keys[0]);
  if (st)
    return st;
  char kpath[AB_YAML_PATH_LEN], set[sizeof c->out->cases[0].set];
  const yaml_node_t *v;
  if ((st = read_set_name(c, n, path, set)))
    return st;

  ab_dtype in[AB_DTYPE_COUNT], out[AB_DTYPE_COUNT];
  size_t n_dtypes = 0;
  ab_yaml_join(kpath, path, "dtypes");
  if (!(v = ab_yaml_lookup(&c->y, n, "dtypes")))
    return ab_yaml_fail_at(&c->y, n->start_mark, kpath,
                           "expected a sequence of dtypes, got no such key");
  if ((st = read_dtypes(c, v, kpath, in, out, &n_dtypes)))
    return st;

  int32_t trans[2] = {0, 0};
  ab_yaml_join(kpath, path, "trans");
  if ((v = ab_yaml_lookup(&c->y, n, "trans")) && (st = read_trans(c, v, kpath, trans)))
    return st;

  /* Exactly one shape form per set. */
  const yaml_node_t *form = NULL;
  size_t which = 0;
  for (size_t i = 0; i < 3; i++) {
    const yaml_node_t *f = ab_yaml_lookup(&c->y, n, forms[i]);
    if (f && form)
      return ab_yaml_fail_at(&c->y, f->start_mark, path,
                             "expected one of sizes, shapes or llm, got both %s "
                             "and %s",
                             forms[which], forms[i]);
    if (f) {
      form = f;
      which = i;
    }
  }
  if (!form)
    return ab_yaml_fail_at(&c->y, n->start_mark, path,
                           "expected one of sizes, shapes or llm, got none");
  size_t n_shapes = 0;
  ab_yaml_join(kpath, path, forms[which]);
  if (which == 0)
    st = read_sizes(c, form, kpath, shapes, &n_shapes);
  else if (which == 1)
    st = read_shapes(c, form, kpath, shapes, &n_shapes);
  else
    st = read_llm(c, form, kpath, shapes, &n_shapes);
  if (st)
    return st;

  if (c->out->n_cases + n_dtypes * n_shapes > CFG_MAX_CASES)
    return ab_yaml_fail_at(&c->y, n->start_mark, path,
                           "expected at most %d cases in a suite, got %zu", CFG_MAX_CASES,
                           c->out->n_cases + n_dtypes * n_shapes);
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
  const yaml_node_t *v = ab_yaml_lookup(&c->y, set, "sizes"),
                    *llm = ab_yaml_lookup(&c->y, set, "llm");
  size_t need = v && v->type == YAML_SEQUENCE_NODE ? ab_yaml_seq_len(v) : 0;
  if ((v = ab_yaml_lookup(&c->y, set, "shapes")) && v->type == YAML_SEQUENCE_NODE &&
      ab_yaml_seq_len(v) > need)
    need = ab_yaml_seq_len(v);
  if (llm && llm->type == YAML_MAPPING_NODE && (v = ab_yaml_lookup(&c->y, llm, "tokens")) &&
      v->type == YAML_SEQUENCE_NODE && 3 * ab_yaml_seq_len(v) > need)
    need = 3 * ab_yaml_seq_len(v);
  return need < CFG_MAX_SHAPES ? need : CFG_MAX_SHAPES;
}

static ab_status parse_gemm(cfg_ctx *c, const yaml_node_t *n) {
  const char *what = "a non-empty sequence of gemm sets";
  ab_status st = ab_yaml_expect_type(&c->y, n, "gemm", YAML_SEQUENCE_NODE, what);
  if (st)
    return st;
  if (ab_yaml_seq_len(n) == 0)
    return ab_yaml_fail_at(&c->y, n->start_mark, "gemm", "expected %s, got an empty sequence",
                           what);
  if (ab_yaml_seq_len(n) > CFG_MAX_SETS)
    return ab_yaml_fail_at(&c->y, n->start_mark, "gemm", "expected at most %d sets, got %zu",
                           CFG_MAX_SETS, ab_yaml_seq_len(n));
  size_t need = 1;
  for (size_t i = 0; i < ab_yaml_seq_len(n); i++) {
    size_t k = shapes_needed(c, ab_yaml_seq_item(&c->y, n, i));
    need = k > need ? k : need;
  }
  cfg_shape *shapes = malloc(need * sizeof *shapes);
  if (!shapes)
    return ab_yaml_fail_nomem(&c->y);
  for (size_t i = 0; !st && i < ab_yaml_seq_len(n); i++) {
    char path[AB_YAML_PATH_LEN];
    ab_yaml_index_path(path, "gemm", i);
    st = parse_gemm_set(c, ab_yaml_seq_item(&c->y, n, i), path, shapes);
  }
  free(shapes);
  return st;
}

/* ---- microbenchmarks (device ceilings for the roofline) ------------------------------ */

static ab_status push_micro(cfg_ctx *c, ab_kernel_kind kind, ab_dtype in, ab_dtype out,
                            const ab_kernel_desc *params) {
  if (c->out->n_cases >= CFG_MAX_CASES)
    return ab_yaml_fail_at(&c->y, (yaml_mark_t){0, 0, 0}, "micro",
                           "expected at most %d cases in a suite", CFG_MAX_CASES);
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
  for (size_t i = 0; !st && i < ab_yaml_seq_len(n); i++) {
    char ipath[AB_YAML_PATH_LEN];
    uint64_t v;
    ab_yaml_index_path(ipath, path, i);
    if (i >= 16)
      return ab_yaml_fail_at(&c->y, ab_yaml_seq_item(&c->y, n, i)->start_mark, ipath,
                             "expected at most 16 sizes");
    if ((st = ab_yaml_get_uint(&c->y, ab_yaml_seq_item(&c->y, n, i), ipath, 1024, UINT64_C(1) << 34,
                               &v)))
      return st;
    out[(*count)++] = (int64_t)v;
  }
  return st;
}

static ab_status parse_peak(cfg_ctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {"dtypes", "items", "fma_per_item"};
  ab_status st = ab_yaml_expect_type(&c->y, n, "micro.peak", YAML_MAPPING_NODE,
                                     "a mapping {dtypes, items, fma_per_item}");
  if (!st)
    st = ab_yaml_check_keys(&c->y, n, "micro.peak", keys, 3);
  if (st)
    return st;
  ab_dtype in[AB_DTYPE_COUNT], out[AB_DTYPE_COUNT];
  size_t n_dtypes = 0;
  uint64_t items = 1 << 16, fma = 1 << 12;
  const yaml_node_t *v;
  if (!(v = ab_yaml_lookup(&c->y, n, "dtypes")))
    return ab_yaml_fail_at(&c->y, n->start_mark, "micro.peak.dtypes",
                           "expected a sequence of dtypes, got no such key");
  if ((st = read_dtypes(c, v, "micro.peak.dtypes", in, out, &n_dtypes)))
    return st;
  if ((v = ab_yaml_lookup(&c->y, n, "items")) &&
      (st = ab_yaml_get_uint(&c->y, v, "micro.peak.items", 1, UINT64_C(1) << 28, &items)))
    return st;
  if ((v = ab_yaml_lookup(&c->y, n, "fma_per_item")) &&
      (st = ab_yaml_get_uint(&c->y, v, "micro.peak.fma_per_item", 8, UINT64_C(1) << 24, &fma)))
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
  ab_status st = ab_yaml_expect_type(&c->y, n, "micro", YAML_MAPPING_NODE,
                                     "a mapping {peak, membw, copy, launch}");
  if (!st)
    st = ab_yaml_check_keys(&c->y, n, "micro", keys, 4);
  const yaml_node_t *v;
  if (!st && (v = ab_yaml_lookup(&c->y, n, "peak")))
    st = parse_peak(c, v);
  if (!st && (v = ab_yaml_lookup(&c->y, n, "membw")))
    st = parse_transfers(c, v, "micro.membw", AB_KERNEL_MEMBW);
  if (!st && (v = ab_yaml_lookup(&c->y, n, "copy"))) {
    st = parse_transfers(c, v, "micro.copy", AB_KERNEL_COPY_H2D);
    if (!st)
      st = parse_transfers(c, v, "micro.copy", AB_KERNEL_COPY_D2H);
  }
  if (!st && (v = ab_yaml_lookup(&c->y, n, "launch"))) {
    if (!ab_yaml_scalar_is(v, "true") && !ab_yaml_scalar_is(v, "false"))
      return ab_yaml_fail_at(&c->y, v->start_mark, "micro.launch", "expected true or false");
    ab_kernel_desc p = {0};
    if (ab_yaml_scalar_is(v, "true"))
      st = push_micro(c, AB_KERNEL_LAUNCH, AB_DTYPE_I8, AB_DTYPE_I8, &p);
  }
  return st;
}

/* ---- kernels: any kind, from its table (bench/model/kinds/) -------------------------- */

/* The values one field takes in one shape: a scalar, or a sequence to sweep. */
typedef struct cfg_values {
  int64_t *v;
  size_t n;
} cfg_values;

static ab_status read_field_value(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                                  const ab_param_field *f, int64_t *out) {
  char got[AB_YAML_GOT_LEN];
  if (f->type == AB_PARAM_BOOL) {
    if (!ab_yaml_scalar_is(n, "true") && !ab_yaml_scalar_is(n, "false"))
      return ab_yaml_fail_at(&c->y, n->start_mark, path, "expected true or false, got %s",
                             ab_yaml_describe(n, got, sizeof got));
    *out = ab_yaml_scalar_is(n, "true");
    return AB_OK;
  }
  if (f->type == AB_PARAM_ENUM) {
    for (size_t i = 0; i < f->n_names; i++)
      if (ab_yaml_scalar_is(n, f->names[i])) {
        *out = (int64_t)i;
        return AB_OK;
      }
    ab_name_table names = {f->names, f->n_names};
    char list[256];
    ab_name_list(&names, list, sizeof list);
    return ab_yaml_fail_at(&c->y, n->start_mark, path, "expected one of %s, got %s", list,
                           ab_yaml_describe(n, got, sizeof got));
  }
  uint64_t v;
  ab_status st =
      ab_yaml_get_uint(&c->y, n, path, (uint64_t)(f->min > 0 ? f->min : 0), (uint64_t)f->max, &v);
  *out = (int64_t)v;
  return st;
}

/* What a kernels: set gives every case of its shapes. */
typedef struct cfg_kset {
  char name[sizeof((ab_case_spec *)0)->set];
  const ab_kind_def *kind;
  ab_dtype in[AB_DTYPE_COUNT], out[AB_DTYPE_COUNT];
  size_t n_dtypes;
  ab_dtype operand_dtypes[AB_KERNEL_MAX_OPERANDS];
  int32_t layouts[AB_LAYOUT_COUNT];
  size_t n_layouts;
} cfg_kset;

/* One field of a shape: its value, the values of a sweep, or its default. */
static ab_status read_field(const cfg_ctx *c, const yaml_node_t *shape, const char *path,
                            const ab_param_field *f, cfg_values *out) {
  char fpath[AB_YAML_PATH_LEN];
  ab_yaml_join(fpath, path, f->name);
  const yaml_node_t *v = ab_yaml_lookup(&c->y, shape, f->name);
  size_t n = v && v->type == YAML_SEQUENCE_NODE ? ab_yaml_seq_len(v) : 1;
  if (!v && !f->optional)
    return ab_yaml_fail_at(&c->y, shape->start_mark, fpath, "expected a value, got no such key");
  if (n == 0 || n > CFG_MAX_SHAPES)
    return ab_yaml_fail_at(&c->y, v->start_mark, fpath, "expected 1 to %d values to sweep, got %zu",
                           CFG_MAX_SHAPES, n);
  out->v = malloc(n * sizeof *out->v);
  if (!out->v)
    return ab_yaml_fail_nomem(&c->y);
  out->n = n;
  if (!v) {
    out->v[0] = f->dflt;
    return AB_OK;
  }
  if (v->type != YAML_SEQUENCE_NODE)
    return read_field_value(c, v, fpath, f, &out->v[0]);
  ab_status st = AB_OK;
  for (size_t i = 0; !st && i < n; i++) {
    char ipath[AB_YAML_PATH_LEN];
    ab_yaml_index_path(ipath, fpath, i);
    st = read_field_value(c, ab_yaml_seq_item(&c->y, v, i), ipath, f, &out->v[i]);
  }
  return st;
}

/* Every combination of the fields' values (the last field varies fastest), crossed with
 * the set's dtypes and layouts, becomes one case, checked as the runner will check it. */
static ab_status expand_shape(cfg_ctx *c, const yaml_node_t *shape, const char *path,
                              const cfg_kset *ks, const cfg_values *vals) {
  const ab_kind_def *k = ks->kind;
  size_t combos = 1, per_combo = ks->n_dtypes * ks->n_layouts;
  for (size_t f = 0; f < k->n_fields; f++)
    combos = combos > CFG_MAX_CASES / vals[f].n ? (size_t)CFG_MAX_CASES + 1 : combos * vals[f].n;
  if (combos > CFG_MAX_CASES || c->out->n_cases + combos * per_combo > CFG_MAX_CASES)
    return ab_yaml_fail_at(&c->y, shape->start_mark, path,
                           "expected at most %d cases in a suite, this shape adds %zu",
                           CFG_MAX_CASES, combos * per_combo);
  const yaml_node_t *label = ab_yaml_lookup(&c->y, shape, "label");
  char lpath[AB_YAML_PATH_LEN], text[sizeof c->out->cases[0].label] = "";
  ab_yaml_join(lpath, path, "label");
  ab_status st = label ? ab_yaml_get_name(&c->y, label, lpath, text, sizeof text) : AB_OK;
  for (size_t d = 0; !st && d < ks->n_dtypes; d++)
    for (size_t l = 0; !st && l < ks->n_layouts; l++)
      for (size_t i = 0; !st && i < combos; i++) {
        ab_case_spec *cs = new_case(c, ks->name);
        if (!cs)
          return AB_E_NOMEM;
        snprintf(cs->label, sizeof cs->label, "%s", text);
        cs->desc.kind = k->kind;
        cs->desc.dtype = ks->in[d];
        cs->desc.out_dtype = ks->out[d];
        cs->desc.layout = ks->layouts[l];
        memcpy(cs->desc.operand_dtypes, ks->operand_dtypes, sizeof cs->desc.operand_dtypes);
        for (size_t f = k->n_fields, rest = i; f-- > 0; rest /= vals[f].n)
          ab_param_set(&cs->desc, &k->fields[f], vals[f].v[rest % vals[f].n]);
        char why[AB_MSG_LEN];
        if (ab_kernel_check(&cs->desc, why, sizeof why) != AB_OK)
          st = ab_yaml_fail_at(&c->y, shape->start_mark, path, "expected a valid %s case, got %s",
                               ab_kernel_kind_name(k->kind), why);
      }
  return st;
}

static ab_status parse_kernel_shape(cfg_ctx *c, const yaml_node_t *shape, const char *path,
                                    const cfg_kset *ks) {
  const ab_kind_def *k = ks->kind;
  const char *keys[32];
  size_t n_keys = 0;
  for (size_t f = 0; f < k->n_fields && n_keys < 31; f++)
    keys[n_keys++] = k->fields[f].name;
  keys[n_keys++] = "label";
  ab_status st = ab_yaml_expect_type(&c->y, shape, path, YAML_MAPPING_NODE,
                                     "a mapping of the kind's parameters");
  if (!st)
    st = ab_yaml_check_keys(&c->y, shape, path, keys, n_keys);
  cfg_values vals[32] = {{0}};
  for (size_t f = 0; !st && f < k->n_fields && f < 31; f++)
    st = read_field(c, shape, path, &k->fields[f], &vals[f]);
  if (!st)
    st = expand_shape(c, shape, path, ks, vals);
  for (size_t f = 0; f < 31; f++)
    free(vals[f].v);
  return st;
}

/* The kind of a set: a name with a table in this accelbench. */
static ab_status read_kind(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                           const ab_kind_def **out) {
  char kpath[AB_YAML_PATH_LEN], got[AB_YAML_GOT_LEN], list[256] = "";
  ab_yaml_join(kpath, path, "kind");
  const yaml_node_t *v = ab_yaml_lookup(&c->y, n, "kind");
  for (int k = 1; k < AB_KERNEL_KIND_COUNT; k++)
    if (ab_kind_def_of((ab_kernel_kind)k)) {
      size_t used = strlen(list);
      snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
               ab_kernel_kind_name((ab_kernel_kind)k));
    }
  if (!v)
    return ab_yaml_fail_at(&c->y, n->start_mark, kpath, "expected one of %s, got no such key",
                           list);
  for (int k = 1; k < AB_KERNEL_KIND_COUNT; k++)
    if (ab_kind_def_of((ab_kernel_kind)k) &&
        ab_yaml_scalar_is(v, ab_kernel_kind_name((ab_kernel_kind)k))) {
      *out = ab_kind_def_of((ab_kernel_kind)k);
      return AB_OK;
    }
  return ab_yaml_fail_at(&c->y, v->start_mark, kpath, "expected one of %s, got %s", list,
                         ab_yaml_describe(v, got, sizeof got));
}

/* The dtypes of a set; a kind that moves bytes has its own and takes none. */
static ab_status read_kernel_dtypes(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                                    const ab_kind_def *k, ab_dtype *in, ab_dtype *out,
                                    size_t *count) {
  char dpath[AB_YAML_PATH_LEN];
  ab_yaml_join(dpath, path, "dtypes");
  const yaml_node_t *v = ab_yaml_lookup(&c->y, n, "dtypes");
  if (k->dtype_fixed) {
    if (v)
      return ab_yaml_fail_at(&c->y, v->start_mark, dpath,
                             "expected no dtypes: %s has its own element type",
                             ab_kernel_kind_name(k->kind));
    in[0] = k->fixed_in;
    out[0] = k->fixed_out;
    *count = 1;
    return AB_OK;
  }
  if (!v)
    return ab_yaml_fail_at(&c->y, n->start_mark, dpath,
                           "expected a sequence of dtypes, got no such key");
  return read_dtypes(c, v, dpath, in, out, count);
}

/* operand_dtypes: one dtype name (or null: the kind's default) per operand, in order. */
static ab_status read_operand_dtypes(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                                     ab_dtype *out) {
  char got[AB_YAML_GOT_LEN];
  ab_status st = ab_yaml_expect_type(&c->y, n, path, YAML_SEQUENCE_NODE,
                                     "a sequence of dtypes (null: the kind's default)");
  if (!st && ab_yaml_seq_len(n) > AB_KERNEL_MAX_OPERANDS)
    st = ab_yaml_fail_at(&c->y, n->start_mark, path, "expected at most %d operands, got %zu",
                         AB_KERNEL_MAX_OPERANDS, ab_yaml_seq_len(n));
  char list[128];
  ab_name_list(&ab_dtype_names, list, sizeof list);
  for (size_t i = 0; !st && i < ab_yaml_seq_len(n); i++) {
    const yaml_node_t *item = ab_yaml_seq_item(&c->y, n, i);
    char ipath[AB_YAML_PATH_LEN];
    ab_yaml_index_path(ipath, path, i);
    if (ab_yaml_is_null(item))
      continue;
    for (int t = 1; t < AB_DTYPE_COUNT && out[i] == AB_DTYPE_INVALID; t++)
      if (ab_yaml_scalar_is(item, ab_dtype_name((ab_dtype)t)))
        out[i] = (ab_dtype)t;
    if (out[i] == AB_DTYPE_INVALID)
      st = ab_yaml_fail_at(&c->y, item->start_mark, ipath, "expected one of %s or null, got %s",
                           list, ab_yaml_describe(item, got, sizeof got));
  }
  return st;
}

/* layouts: the layouts to run each shape in (a sweep); default: the kind's own. */
static ab_status read_layouts(const cfg_ctx *c, const yaml_node_t *n, const char *path,
                              cfg_kset *ks) {
  char got[AB_YAML_GOT_LEN], list[128];
  ab_status st = nonempty_seq(c, n, path, "a non-empty sequence of layouts");
  ab_name_list(&ab_layout_names, list, sizeof list);
  for (size_t i = 0; !st && i < ab_yaml_seq_len(n); i++) {
    const yaml_node_t *item = ab_yaml_seq_item(&c->y, n, i);
    char ipath[AB_YAML_PATH_LEN];
    ab_yaml_index_path(ipath, path, i);
    int l = -1;
    for (int k = 0; k < AB_LAYOUT_COUNT && l < 0; k++)
      if (ab_yaml_scalar_is(item, ab_layout_name((ab_layout)k)))
        l = k;
    for (size_t j = 0; l >= 0 && j < ks->n_layouts; j++)
      l = ks->layouts[j] == l ? -1 : l;
    if (l < 0)
      return ab_yaml_fail_at(&c->y, item->start_mark, ipath,
                             "expected one of %s, each once, got %s", list,
                             ab_yaml_describe(item, got, sizeof got));
    ks->layouts[ks->n_layouts++] = l;
  }
  return st;
}

static ab_status parse_kernel_set(cfg_ctx *c, const yaml_node_t *n, const char *path) {
  static const char *const keys[] = {"set",     "kind",  "dtypes", "operand_dtypes",
                                     "layouts", "shapes"};
  ab_status st = ab_yaml_expect_type(&c->y, n, path, YAML_MAPPING_NODE,
                                     "a mapping {set, kind, dtypes, shapes}");
  if (!st)
    st = ab_yaml_check_keys(&c->y, n, path, keys, sizeof keys / sizeof keys[0]);
  cfg_kset ks = {.n_layouts = 0};
  char spath[AB_YAML_PATH_LEN];
  const yaml_node_t *v;
  if (!st)
    st = read_set_name(c, n, path, ks.name);
  if (!st)
    st = read_kind(c, n, path, &ks.kind);
  if (!st)
    st = read_kernel_dtypes(c, n, path, ks.kind, ks.in, ks.out, &ks.n_dtypes);
  ab_yaml_join(spath, path, "operand_dtypes");
  if (!st && (v = ab_yaml_lookup(&c->y, n, "operand_dtypes")))
    st = read_operand_dtypes(c, v, spath, ks.operand_dtypes);
  ab_yaml_join(spath, path, "layouts");
  if (!st && (v = ab_yaml_lookup(&c->y, n, "layouts")))
    st = read_layouts(c, v, spath, &ks);
  if (ks.n_layouts == 0)
    ks.layouts[ks.n_layouts++] = AB_LAYOUT_DEFAULT;
  if (st)
    return st;
  ab_yaml_join(spath, path, "shapes");
  const yaml_node_t *shapes = ab_yaml_lookup(&c->y, n, "shapes");
  if (!shapes)
    return ab_yaml_fail_at(&c->y, n->start_mark, spath,
                           "expected a sequence of shapes, got no such key");
  if ((st = nonempty_seq(c, shapes, spath, "a non-empty sequence of shapes")))
    return st;
  for (size_t i = 0; !st && i < ab_yaml_seq_len(shapes); i++) {
    char ipath[AB_YAML_PATH_LEN];
    ab_yaml_index_path(ipath, spath, i);
    st = parse_kernel_shape(c, ab_yaml_seq_item(&c->y, shapes, i), ipath, &ks);
  }
  return st;
}

static ab_status parse_kernels(cfg_ctx *c, const yaml_node_t *n) {
  ab_status st = nonempty_seq(c, n, "kernels", "a non-empty sequence of kernel sets");
  for (size_t i = 0; !st && i < ab_yaml_seq_len(n); i++) {
    char path[AB_YAML_PATH_LEN];
    ab_yaml_index_path(path, "kernels", i);
    st = parse_kernel_set(c, ab_yaml_seq_item(&c->y, n, i), path);
  }
  return st;
}

static ab_status parse_root(cfg_ctx *c, const yaml_node_t *root) {
  static const char *const keys[] = {"suite",    "description", "seed",      "measure",
                                     "validate", "backends",    "providers", "options",
                                     "gemm",     "micro",       "kernels"};
  ab_suite *s = c->out;
  yaml_mark_t start = {0, 0, 0};
  if (!root)
    return ab_yaml_fail_at(&c->y, start, "document",
                           "expected a mapping with at least 'suite' and 'gemm', "
                           "got an empty document");
  ab_status st = ab_yaml_expect_type(&c->y, root, "document", YAML_MAPPING_NODE,
                                     "a mapping with at least 'suite' and 'gemm'");
  if (!st)
    st = ab_yaml_check_keys(&c->y, root, "", keys, sizeof keys / sizeof keys[0]);
  if (st)
    return st;
  const yaml_node_t *v;
  if (!(v = ab_yaml_lookup(&c->y, root, "suite")))
    return ab_yaml_fail_at(&c->y, root->start_mark, "suite",
                           "expected a suite name, got no such key");
  if ((st = ab_yaml_get_name(&c->y, v, "suite", s->name, sizeof s->name)))
    return st;
  if ((v = ab_yaml_lookup(&c->y, root, "description")) &&
      (st = ab_yaml_get_text(&c->y, v, "description", s->description, sizeof s->description)))
    return st;
  /* At most INT64_MAX: run files store JSON integers, and a seed must read back exactly. */
  if ((v = ab_yaml_lookup(&c->y, root, "seed")) &&
      (st = ab_yaml_get_uint(&c->y, v, "seed", 0, INT64_MAX, &s->seed)))
    return st;
  if ((v = ab_yaml_lookup(&c->y, root, "measure")) && (st = parse_measure(c, v, &s->measure)))
    return st;
  if ((v = ab_yaml_lookup(&c->y, root, "validate")) && (st = parse_validate(c, v, s)))
    return st;
  if ((v = ab_yaml_lookup(&c->y, root, "backends")) &&
      (st = parse_names(c, v, "backends", &s->backends, &s->n_backends)))
    return st;
  if ((v = ab_yaml_lookup(&c->y, root, "providers")) &&
      (st = parse_names(c, v, "providers", &s->providers, &s->n_providers)))
    return st;
  if ((v = ab_yaml_lookup(&c->y, root, "options")) && (st = parse_options(c, v, s)))
    return st;
  /* Any one of the kernel sections makes a suite (microbenchmarks alone measure device
   * ceilings, set beside clpeak); a suite with none would measure nothing. */
  const yaml_node_t *micro = ab_yaml_lookup(&c->y, root, "micro");
  const yaml_node_t *kernels = ab_yaml_lookup(&c->y, root, "kernels");
  if (!(v = ab_yaml_lookup(&c->y, root, "gemm")) && !micro && !kernels)
    return ab_yaml_fail_at(&c->y, root->start_mark, "gemm",
                           "expected a sequence of gemm sets (or a micro or kernels section), "
                           "got none");
  if (v && (st = parse_gemm(c, v)))
    return st;
  if (micro && (st = parse_micro(c, micro)))
    return st;
  if (kernels)
    st = parse_kernels(c, kernels);
  return st;
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
  s->validate_whole_macs = AB_WHOLE_REFERENCE_MACS;
}

ab_status ab_suite_load_string(const char *name, const char *yaml, size_t len, ab_suite *out,
                               char *msg) {
  char scratch[AB_MSG_LEN];
  const char *file = name ? name : "<string>";
  char *m = msg ? msg : scratch;
  m[0] = '\0';
  if (!out || (!yaml && len)) {
    snprintf(m, AB_MSG_LEN, "%s: expected a suite buffer and an output, got NULL", file);
    return AB_E_INVALID;
  }
  suite_defaults(out, file);
  cfg_ctx c = {.out = out};
  ab_status st = ab_yaml_parse(&c.y, file, "suite", yaml, len, m);
  if (!st)
    st = parse_root(&c, ab_yaml_root(&c.y));
  if (!st)
    st = ab_yaml_expect_end(&c.y);
  /* A file refused before libyaml ran (too large) keeps the defaults, as it always has. */
  int parsed = c.y.loaded;
  ab_yaml_close(&c.y);
  if (st && parsed) {
    ab_suite_free(out);
    snprintf(out->path, sizeof out->path, "%s", file);
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
  char *buf = NULL;
  size_t len = 0;
  ab_status st = ab_yaml_read_file(path, "suite", &buf, &len, m);
  if (!st)
    st = ab_suite_load_string(path, buf, len, out, m);
  free(buf);
  return st;
}
