/* accelbench — typed reads from a YAML document, with messages that say where (see
 * yaml_doc.h). Extracted from the suite loader so that the suite, the device catalogue and
 * the cost file share one implementation and one message style. */
#include "model/yaml_doc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ------------------------------------------------------------------------ */

ab_status ab_yaml_fail_at(const ab_yaml_doc *d, yaml_mark_t mark, const char *path, const char *fmt,
                          ...) {
  int n = snprintf(d->msg, AB_MSG_LEN, "%s:%zu:%zu: %s: ", d->file, mark.line + 1, mark.column + 1,
                   path);
  if (n >= 0 && n < AB_MSG_LEN) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg + n, AB_MSG_LEN - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return AB_E_INVALID;
}

ab_status ab_yaml_fail_nomem(const ab_yaml_doc *d) {
  snprintf(d->msg, AB_MSG_LEN, "%s: out of memory while loading the %s", d->file, d->what);
  return AB_E_NOMEM;
}

void ab_yaml_escape(const unsigned char *s, size_t len, char *out, size_t cap) {
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
  ab_yaml_escape(s, len, out + 1, cap - 2);
  size_t o = strlen(out);
  out[o] = '\'';
  out[o + 1] = '\0';
}

const char *ab_yaml_describe(const yaml_node_t *node, char *buf, size_t cap) {
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
    size_t items = ab_yaml_seq_len(node);
    if (items == 0)
      return "an empty sequence";
    snprintf(buf, cap, "a sequence of %zu item%s", items, items == 1 ? "" : "s");
    return buf;
  }
  case YAML_MAPPING_NODE: return "a mapping";
  default: return "nothing";
  }
}

static void mark_cut(char *dst, int written) {
  if (written >= AB_YAML_PATH_LEN)
    memcpy(dst + AB_YAML_PATH_LEN - 4, "...", 4);
}

void ab_yaml_join(char *dst, const char *parent, const char *key) {
  mark_cut(dst, snprintf(dst, AB_YAML_PATH_LEN, "%s%s%s", parent, parent[0] ? "." : "", key));
}

void ab_yaml_index_path(char *dst, const char *parent, size_t i) {
  mark_cut(dst, snprintf(dst, AB_YAML_PATH_LEN, "%s[%zu]", parent, i));
}

/* ---- nodes --------------------------------------------------------------------------- */

yaml_node_t *ab_yaml_node(const ab_yaml_doc *d, int id) {
  /* libyaml's getter only reads the document; it just is not declared const. */
  return yaml_document_get_node((yaml_document_t *)&d->doc, id);
}

size_t ab_yaml_seq_len(const yaml_node_t *n) {
  return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *ab_yaml_seq_item(const ab_yaml_doc *d, const yaml_node_t *n, size_t i) {
  return ab_yaml_node(d, n->data.sequence.items.start[i]);
}

size_t ab_yaml_map_len(const yaml_node_t *n) {
  return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

yaml_node_t *ab_yaml_map_key(const ab_yaml_doc *d, const yaml_node_t *n, size_t i) {
  return ab_yaml_node(d, n->data.mapping.pairs.start[i].key);
}

yaml_node_t *ab_yaml_map_value(const ab_yaml_doc *d, const yaml_node_t *n, size_t i) {
  return ab_yaml_node(d, n->data.mapping.pairs.start[i].value);
}

int ab_yaml_scalar_is(const yaml_node_t *n, const char *s) {
  size_t l = strlen(s);
  return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length == l &&
         memcmp(n->data.scalar.value, s, l) == 0;
}

int ab_yaml_is_null(const yaml_node_t *n) {
  if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return 0;
  return n->data.scalar.length == 0 || ab_yaml_scalar_is(n, "~") || ab_yaml_scalar_is(n, "null");
}

ab_status ab_yaml_expect_type(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                              yaml_node_type_t type, const char *what) {
  if (n->type == type)
    return AB_OK;
  char got[AB_YAML_GOT_LEN];
  return ab_yaml_fail_at(d, n->start_mark, path, "expected %s, got %s", what,
                         ab_yaml_describe(n, got, sizeof got));
}

static ab_status unknown_key(const ab_yaml_doc *d, const yaml_node_t *key, const char *path,
                             const char *const *allowed, size_t n_allowed) {
  char list[256] = "", got[AB_YAML_GOT_LEN], kpath[AB_YAML_PATH_LEN];
  size_t o = 0;
  for (size_t j = 0; j < n_allowed && o < sizeof list; j++)
    o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", allowed[j]);
  ab_yaml_escape(key->data.scalar.value, key->data.scalar.length, got, sizeof got);
  ab_yaml_join(kpath, path, got);
  return ab_yaml_fail_at(d, key->start_mark, kpath, "expected one of %s, got unknown key '%s'",
                         list, got);
}

ab_status ab_yaml_check_keys(const ab_yaml_doc *d, const yaml_node_t *map, const char *path,
                             const char *const *allowed, size_t n_allowed) {
  for (size_t k = 0; k < ab_yaml_map_len(map); k++) {
    yaml_node_t *key = ab_yaml_map_key(d, map, k);
    char got[AB_YAML_GOT_LEN];
    if (key->type != YAML_SCALAR_NODE)
      return ab_yaml_fail_at(d, key->start_mark, path, "expected a key name, got %s",
                             ab_yaml_describe(key, got, sizeof got));
    size_t i = 0;
    while (i < n_allowed && !ab_yaml_scalar_is(key, allowed[i]))
      i++;
    if (i == n_allowed)
      return unknown_key(d, key, path, allowed, n_allowed);
    for (size_t q = 0; q < k; q++) {
      yaml_node_t *prev = ab_yaml_map_key(d, map, q);
      char kpath[AB_YAML_PATH_LEN];
      ab_yaml_join(kpath, path, allowed[i]);
      if (ab_yaml_scalar_is(prev, allowed[i]))
        return ab_yaml_fail_at(d, key->start_mark, kpath,
                               "expected each key once, got '%s' again (first at line %zu)",
                               allowed[i], prev->start_mark.line + 1);
    }
  }
  return AB_OK;
}

yaml_node_t *ab_yaml_lookup(const ab_yaml_doc *d, const yaml_node_t *map, const char *key) {
  for (size_t k = 0; k < ab_yaml_map_len(map); k++)
    if (ab_yaml_scalar_is(ab_yaml_map_key(d, map, k), key))
      return ab_yaml_map_value(d, map, k);
  return NULL;
}

ab_status ab_yaml_require(const ab_yaml_doc *d, const yaml_node_t *map, const char *parent,
                          const char *key, const char *what, const yaml_node_t **out) {
  char path[AB_YAML_PATH_LEN];
  if ((*out = ab_yaml_lookup(d, map, key)))
    return AB_OK;
  ab_yaml_join(path, parent, key);
  return ab_yaml_fail_at(d, map->start_mark, path, "expected %s, got no such key", what);
}

ab_status ab_yaml_only_section(const ab_yaml_doc *d, const yaml_node_t *root, const char *key,
                               const char *what, const yaml_node_t **out) {
  char mapping[64];
  snprintf(mapping, sizeof mapping, "a mapping with '%s'", key);
  if (!root)
    return ab_yaml_fail_at(d, (yaml_mark_t){0, 0, 0}, "document",
                           "expected %s, got an empty document", mapping);
  ab_status st = ab_yaml_expect_type(d, root, "document", YAML_MAPPING_NODE, mapping);
  if (!st)
    st = ab_yaml_check_keys(d, root, "", &key, 1);
  if (!st)
    st = ab_yaml_require(d, root, "", key, what, out);
  return st;
}

/* ---- scalars ------------------------------------------------------------------------- */

ab_status ab_yaml_get_uint(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                           uint64_t lo, uint64_t hi, uint64_t *v) {
  char got[AB_YAML_GOT_LEN];
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
  return ab_yaml_fail_at(d, n->start_mark, path, "expected an integer in %llu..%llu, got %s",
                         (unsigned long long)lo, (unsigned long long)hi,
                         ab_yaml_describe(n, got, sizeof got));
}

/* A plain decimal number: only digits, sign, point and exponent. strtod alone would also
 * take "inf", "nan" and hex floats, which no setting or spec figure should be written as. */
static int parse_decimal(const yaml_node_t *n, double *x) {
  char text[64];
  if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
      n->data.scalar.length == 0 || n->data.scalar.length >= sizeof text)
    return 0;
  memcpy(text, n->data.scalar.value, n->data.scalar.length);
  text[n->data.scalar.length] = '\0';
  if (strspn(text, "0123456789.eE+-") != n->data.scalar.length)
    return 0;
  char *end = NULL;
  errno = 0;
  *x = strtod(text, &end);
  return end && *end == '\0' && errno == 0 && isfinite(*x);
}

ab_status ab_yaml_get_double(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                             double lo, int lo_open, double hi, int hi_open, double *v) {
  char got[AB_YAML_GOT_LEN];
  double x = 0;
  if (parse_decimal(n, &x) && (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi)) {
    *v = x;
    return AB_OK;
  }
  const char *lo_op = lo_open ? ">" : ">=";
  if (isinf(hi))
    return ab_yaml_fail_at(d, n->start_mark, path, "expected a number %s %g, got %s", lo_op, lo,
                           ab_yaml_describe(n, got, sizeof got));
  return ab_yaml_fail_at(d, n->start_mark, path, "expected a number %s %g and %s %g, got %s", lo_op,
                         lo, hi_open ? "<" : "<=", hi, ab_yaml_describe(n, got, sizeof got));
}

ab_status ab_yaml_get_double_or_null(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                                     double lo, int lo_open, double *v) {
  if (!n || ab_yaml_is_null(n)) {
    *v = NAN;
    return AB_OK;
  }
  return ab_yaml_get_double(d, n, path, lo, lo_open, INFINITY, 0, v);
}

ab_status ab_yaml_get_currency(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                               char *dst, size_t cap) {
  char got[AB_YAML_GOT_LEN];
  int ok = cap >= 4 && n->type == YAML_SCALAR_NODE && n->data.scalar.length == 3;
  for (size_t i = 0; ok && i < 3; i++)
    ok = n->data.scalar.value[i] >= 'A' && n->data.scalar.value[i] <= 'Z';
  if (!ok)
    return ab_yaml_fail_at(d, n->start_mark, path,
                           "expected an ISO 4217 currency code of three capital letters (CNY, "
                           "USD, EUR), got %s",
                           ab_yaml_describe(n, got, sizeof got));
  memcpy(dst, n->data.scalar.value, 3);
  dst[3] = '\0';
  return AB_OK;
}

ab_status ab_yaml_get_name(const ab_yaml_doc *d, const yaml_node_t *n, const char *path, char *dst,
                           size_t cap) {
  char got[AB_YAML_GOT_LEN];
  int ok = n->type == YAML_SCALAR_NODE && n->data.scalar.length > 0 && n->data.scalar.length < cap;
  for (size_t i = 0; ok && i < n->data.scalar.length; i++) {
    unsigned char ch = n->data.scalar.value[i];
    ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '-' || ch == '.';
  }
  if (!ok)
    return ab_yaml_fail_at(d, n->start_mark, path,
                           "expected a name of 1..%zu letters, digits, '_', '-' or '.', got %s",
                           cap - 1, ab_yaml_describe(n, got, sizeof got));
  memcpy(dst, n->data.scalar.value, n->data.scalar.length);
  dst[n->data.scalar.length] = '\0';
  return AB_OK;
}

ab_status ab_yaml_get_text(const ab_yaml_doc *d, const yaml_node_t *n, const char *path, char *dst,
                           size_t cap) {
  char got[AB_YAML_GOT_LEN];
  if (n->type != YAML_SCALAR_NODE || ab_yaml_is_null(n))
    return ab_yaml_fail_at(d, n->start_mark, path, "expected text, got %s",
                           ab_yaml_describe(n, got, sizeof got));
  if (n->data.scalar.length >= cap || memchr(n->data.scalar.value, '\0', n->data.scalar.length))
    return ab_yaml_fail_at(d, n->start_mark, path,
                           "expected text of at most %zu bytes without NUL, got %zu bytes", cap - 1,
                           n->data.scalar.length);
  memcpy(dst, n->data.scalar.value, n->data.scalar.length);
  dst[n->data.scalar.length] = '\0';
  return AB_OK;
}

/* ---- libyaml errors ------------------------------------------------------------------ */

/* Reader errors (bad UTF-8, control characters) carry only a byte offset. */
static yaml_mark_t mark_of_offset(const ab_yaml_doc *d, size_t offset) {
  yaml_mark_t m = {offset, 0, 0};
  for (size_t i = 0; i < offset && i < d->len; i++) {
    if (d->buf[i] == '\n') {
      m.line++;
      m.column = 0;
    } else if ((d->buf[i] & 0xc0) != 0x80) {
      m.column++; /* count characters, as libyaml's marks do */
    }
  }
  return m;
}

/* libyaml's "found character that cannot start any token" is what a tab indent gives;
 * say so, since tabs are the usual mistake in hand-edited YAML. */
static int tab_at(const ab_yaml_doc *d, yaml_mark_t m) {
  size_t i = 0, line = 0, col = 0;
  while (i < d->len && line < m.line)
    if (d->buf[i++] == '\n')
      line++;
  for (; i < d->len && d->buf[i] != '\n'; i++) {
    if ((d->buf[i] & 0xc0) == 0x80)
      continue;
    if (col++ == m.column)
      return d->buf[i] == '\t';
  }
  return 0;
}

static ab_status syntax_error(const ab_yaml_doc *d) {
  const yaml_parser_t *p = &d->parser;
  if (p->error == YAML_MEMORY_ERROR)
    return ab_yaml_fail_nomem(d);
  yaml_mark_t m = p->problem_mark;
  char value[16] = "";
  if (p->error == YAML_READER_ERROR) {
    m = mark_of_offset(d, p->problem_offset);
    if (p->problem_value != -1)
      snprintf(value, sizeof value, " (#x%02x)", (unsigned)p->problem_value & 0xffu);
  }
  const char *problem = p->problem ? p->problem : "an unknown libyaml error";
  char ctx[96] = "";
  if (p->context)
    snprintf(ctx, sizeof ctx, " %s at line %zu column %zu", p->context, p->context_mark.line + 1,
             p->context_mark.column + 1);
  return ab_yaml_fail_at(d, m, "yaml", "expected valid YAML, got %s%s%s%s", problem, value, ctx,
                         tab_at(d, m) ? " (a tab: YAML indents with spaces only)" : "");
}

/* ---- loading ------------------------------------------------------------------------- */

ab_status ab_yaml_parse(ab_yaml_doc *d, const char *file, const char *what, const char *buf,
                        size_t len, char *msg) {
  memset(d, 0, sizeof *d);
  d->file = file;
  d->what = what;
  d->buf = (const unsigned char *)buf;
  d->len = len;
  d->msg = msg;
  if (len > AB_YAML_MAX_FILE_BYTES) {
    snprintf(msg, AB_MSG_LEN, "%s: expected a %s of at most %u bytes, got %zu bytes", file, what,
             AB_YAML_MAX_FILE_BYTES, len);
    return AB_E_INVALID;
  }
  if (!yaml_parser_initialize(&d->parser))
    return ab_yaml_fail_nomem(d);
  d->loaded = 1;
  yaml_parser_set_input_string(&d->parser, len ? d->buf : (const unsigned char *)"", len);
  if (!yaml_parser_load(&d->parser, &d->doc))
    return syntax_error(d); /* libyaml has freed the half-built document */
  d->loaded = 2;
  return AB_OK;
}

yaml_node_t *ab_yaml_root(const ab_yaml_doc *d) {
  return d->loaded == 2 ? yaml_document_get_root_node((yaml_document_t *)&d->doc) : NULL;
}

ab_status ab_yaml_expect_end(ab_yaml_doc *d) {
  yaml_document_t extra;
  if (!yaml_parser_load(&d->parser, &extra))
    return syntax_error(d);
  yaml_node_t *r = yaml_document_get_root_node(&extra);
  ab_status st = AB_OK;
  if (r)
    st = ab_yaml_fail_at(d, r->start_mark, "document",
                         "expected one YAML document, got a second one");
  yaml_document_delete(&extra);
  return st;
}

void ab_yaml_close(ab_yaml_doc *d) {
  if (d->loaded == 2)
    yaml_document_delete(&d->doc);
  if (d->loaded >= 1)
    yaml_parser_delete(&d->parser);
  d->loaded = 0;
}

ab_status ab_yaml_read_file(const char *path, const char *what, char **buf, size_t *len,
                            char *msg) {
  *buf = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(msg, AB_MSG_LEN, "%s: expected a readable %s file, got %s", path, what,
             strerror(errno));
    return AB_E_IO;
  }
  /* One byte past the limit, so an oversized file is reported, not truncated. */
  char *b = malloc(AB_YAML_MAX_FILE_BYTES + 1);
  if (!b) {
    fclose(f);
    snprintf(msg, AB_MSG_LEN, "%s: out of memory while loading the %s", path, what);
    return AB_E_NOMEM;
  }
  size_t n = fread(b, 1, AB_YAML_MAX_FILE_BYTES + 1, f);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(b);
    snprintf(msg, AB_MSG_LEN, "%s: expected a readable %s file, got a read error", path, what);
    return AB_E_IO;
  }
  *buf = b;
  *len = n;
  return AB_OK;
}

ab_status ab_yaml_load_file(const char *path, const char *what, ab_yaml_walk_fn walk, void *arg,
                            char *msg) {
  char *buf = NULL;
  size_t len = 0;
  ab_yaml_doc d;
  ab_status st = ab_yaml_read_file(path, what, &buf, &len, msg);
  if (st)
    return st;
  st = ab_yaml_parse(&d, path, what, buf, len, msg);
  if (!st)
    st = walk(&d, ab_yaml_root(&d), arg);
  if (!st)
    st = ab_yaml_expect_end(&d);
  ab_yaml_close(&d);
  free(buf);
  return st;
}
