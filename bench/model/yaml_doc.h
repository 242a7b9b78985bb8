/* accelbench — typed reads from a YAML document, with messages that say where.
 *
 * One module serves every YAML file accelbench reads: suites (bench/config.c), the device
 * catalogue (reports/catalog.c) and the cost inputs (reports/cost.c). A file is parsed
 * with libyaml's document API and then walked by each caller's fixed schema, so the walk
 * never recurses deeper than the format does (aliases, even cyclic ones, cannot make it
 * loop). Every rejection is written into the caller's message buffer as
 *   FILE:LINE:COL: FIELD.PATH: expected ..., got ...
 * with 1-based line and column from libyaml's marks. */
#ifndef AB_YAML_DOC_H
#define AB_YAML_DOC_H

#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "accelbench/status.h"

/* Hand-written files are a few KiB; the bound only stops hostile or broken input from
 * costing unbounded memory. */
#define AB_YAML_MAX_FILE_BYTES (1u << 20) /* 1 MiB */
#define AB_YAML_GOT_LEN        48         /* bytes of a bad value quoted in a message */
#define AB_YAML_PATH_LEN       160        /* a field path ("gemm[2].llm.tokens[0]") */

typedef struct ab_yaml_doc {
  const char *file; /* name used in messages */
  const char *what; /* what the file is, for messages: "suite", "device catalogue" */
  const unsigned char *buf;
  size_t len;
  char *msg; /* AB_MSG_LEN bytes, owned by the caller */
  yaml_parser_t parser;
  yaml_document_t doc;
  int loaded; /* 1: parser initialised, 2: and `doc` holds the first document */
} ab_yaml_doc;

/* ---- loading ------------------------------------------------------------------------- */

/* Parse the first document of buf[0..len) (the buffer must outlive `d`). `file` names the
 * input in messages; `what` says what it is ("suite" gives "expected a suite of at most
 * ... bytes" and "out of memory while loading the suite"). On success the root is
 * ab_yaml_root(d) (NULL for an empty document). Always call ab_yaml_close afterwards. */
ab_status ab_yaml_parse(ab_yaml_doc *d, const char *file, const char *what, const char *buf,
                        size_t len, char *msg);

/* After the walk: refuse a second document, which would otherwise be silently ignored (a
 * typo'd "---" is the usual cause). */
ab_status ab_yaml_expect_end(ab_yaml_doc *d);

void ab_yaml_close(ab_yaml_doc *d);

yaml_node_t *ab_yaml_root(const ab_yaml_doc *d);

/* Read a whole file of at most AB_YAML_MAX_FILE_BYTES (+1, so that ab_yaml_parse reports
 * an oversized one instead of a truncated one) into *buf (free() it). Messages: "PATH:
 * expected a readable WHAT file, got ...". */
ab_status ab_yaml_read_file(const char *path, const char *what, char **buf, size_t *len, char *msg);

/* Read `path`, parse it, hand the root (NULL for an empty document) to `walk`, refuse a
 * second document, and free everything: the whole life of a file whose walk needs nothing
 * but the document. */
typedef ab_status (*ab_yaml_walk_fn)(const ab_yaml_doc *d, const yaml_node_t *root, void *arg);
ab_status ab_yaml_load_file(const char *path, const char *what, ab_yaml_walk_fn walk, void *arg,
                            char *msg);

/* ---- messages ------------------------------------------------------------------------ */

/* Write "FILE:LINE:COL: PATH: <fmt>" and return AB_E_INVALID. */
ab_status ab_yaml_fail_at(const ab_yaml_doc *d, yaml_mark_t mark, const char *path, const char *fmt,
                          ...) __attribute__((format(printf, 4, 5)));

/* "FILE: out of memory while loading the WHAT"; returns AB_E_NOMEM. */
ab_status ab_yaml_fail_nomem(const ab_yaml_doc *d);

/* Text made safe to print: printable ASCII kept, anything else as \xNN, cut with "..." to
 * fit `cap` (at least 12) bytes. */
void ab_yaml_escape(const unsigned char *s, size_t len, char *out, size_t cap);

/* What a node is, for the "got ..." half of a message ("'512'", "the quoted string '5'",
 * "a sequence of 2 items", "nothing (an empty value)"); `buf` holds AB_YAML_GOT_LEN. */
const char *ab_yaml_describe(const yaml_node_t *node, char *buf, size_t cap);

/* Field paths: parent.key and parent[i]; a path that would not fit ends in "...". */
void ab_yaml_join(char *dst, const char *parent, const char *key);
void ab_yaml_index_path(char *dst, const char *parent, size_t i);

/* ---- nodes --------------------------------------------------------------------------- */

yaml_node_t *ab_yaml_node(const ab_yaml_doc *d, int id);
size_t ab_yaml_seq_len(const yaml_node_t *n);
yaml_node_t *ab_yaml_seq_item(const ab_yaml_doc *d, const yaml_node_t *n, size_t i);
size_t ab_yaml_map_len(const yaml_node_t *n);
yaml_node_t *ab_yaml_map_key(const ab_yaml_doc *d, const yaml_node_t *n, size_t i);
yaml_node_t *ab_yaml_map_value(const ab_yaml_doc *d, const yaml_node_t *n, size_t i);

/* True when `n` is a scalar whose text is exactly `s`. */
int ab_yaml_scalar_is(const yaml_node_t *n, const char *s);

/* A plain empty scalar, "~" or "null": "not given". */
int ab_yaml_is_null(const yaml_node_t *n);

ab_status ab_yaml_expect_type(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                              yaml_node_type_t type, const char *what);

/* Check that every key of a mapping is one of `allowed` and appears once. Run it before
 * any value is read, so later lookups see each key at most once. */
ab_status ab_yaml_check_keys(const ab_yaml_doc *d, const yaml_node_t *map, const char *path,
                             const char *const *allowed, size_t n_allowed);

/* The value of `key` in a mapping; NULL when absent. */
yaml_node_t *ab_yaml_lookup(const ab_yaml_doc *d, const yaml_node_t *map, const char *key);

/* The value of a required key; when absent, "PARENT.KEY: expected WHAT, got no such key"
 * at the mapping. */
ab_status ab_yaml_require(const ab_yaml_doc *d, const yaml_node_t *map, const char *parent,
                          const char *key, const char *what, const yaml_node_t **out);

/* A document that is one mapping holding just `key` (the catalogue's `devices:`, the cost
 * file's `cost:`): its value in *out, described as `what` when it is absent. */
ab_status ab_yaml_only_section(const ab_yaml_doc *d, const yaml_node_t *root, const char *key,
                               const char *what, const yaml_node_t **out);

/* ---- scalars ------------------------------------------------------------------------- */

/* An unsigned decimal integer in [lo, hi], written as a plain scalar (a quoted "256" is a
 * string, and saying so catches files generated with the wrong quoting). */
ab_status ab_yaml_get_uint(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                           uint64_t lo, uint64_t hi, uint64_t *v);

/* A finite decimal number in [lo, hi], either end open on request. An infinite `hi` means
 * "no upper bound" and is left out of the message. */
ab_status ab_yaml_get_double(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                             double lo, int lo_open, double hi, int hi_open, double *v);

/* The same for a value that may be unknown: absent (n NULL) or null gives NAN. */
ab_status ab_yaml_get_double_or_null(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                                     double lo, int lo_open, double *v);

/* An ISO 4217 currency code: three capital letters ("CNY", "USD"); dst holds 4 bytes. */
ab_status ab_yaml_get_currency(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                               char *dst, size_t cap);

/* A name: 1..cap-1 letters, digits, '_', '-', '.' (names end up in ids, file names and
 * report tables, so they keep to a safe alphabet). */
ab_status ab_yaml_get_name(const ab_yaml_doc *d, const yaml_node_t *n, const char *path, char *dst,
                           size_t cap);

/* Free text: any non-null scalar of at most cap-1 bytes without NUL. */
ab_status ab_yaml_get_text(const ab_yaml_doc *d, const yaml_node_t *n, const char *path, char *dst,
                           size_t cap);

#endif
