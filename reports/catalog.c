/* accelbench — the device catalogue: configs/devices/NAME.yaml -> ab_catalog, and the match of
 * a run file's device to its entry (format and rule: docs/catalog.md).
 *
 * A load is all or nothing: a file (or every file of a directory) is read into a scratch
 * catalogue and merged only when all of it is valid, so a bad lab file never leaves half
 * its entries behind. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "model/names.h"
#include "model/util.h"
#include "model/yaml_doc.h"

/* Bounds that only stop broken input from costing unbounded memory. */
#define CAT_MAX_ENTRIES 1024 /* entries per load */
#define CAT_MAX_NAMES   32   /* match.names per entry */
#define CAT_MAX_FILES   256  /* *.yaml files in a catalogue directory */
#define CAT_WHAT        "device catalogue"

static const char *const list_values[] = {"listed", "not_listed", "unknown"};
static const char *const dtype_keys[] = {"f64", "f32", "f16", "bf16", "int8"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* One load in progress: the entries read so far and what they must not collide with. */
typedef struct cat_load {
  ab_catalog tmp;         /* entries of this load */
  const ab_catalog *into; /* entries loaded before */
  bool user;
} cat_load;

/* ---- small readers ------------------------------------------------------------------- */

/* One of a fixed set of words, e.g. procurement_list or a device type. */
static ab_status get_word(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                          const char *const *words, size_t n_words, char *dst, size_t cap) {
  char list[128] = "", got[AB_YAML_GOT_LEN];
  size_t o = 0;
  for (size_t i = 0; i < n_words; i++) {
    if (ab_yaml_scalar_is(n, words[i])) {
      snprintf(dst, cap, "%s", words[i]);
      return AB_OK;
    }
    o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", words[i]);
  }
  return ab_yaml_fail_at(d, n->start_mark, path, "expected one of %s, got %s", list,
                         ab_yaml_describe(n, got, sizeof got));
}

/* Optional free text: absent or null leaves dst empty. */
static ab_status get_opt_text(const ab_yaml_doc *d, const yaml_node_t *map, const char *parent,
                              const char *key, char *dst, size_t cap) {
  char path[AB_YAML_PATH_LEN];
  const yaml_node_t *v = ab_yaml_lookup(d, map, key);
  dst[0] = '\0';
  if (!v || ab_yaml_is_null(v))
    return AB_OK;
  ab_yaml_join(path, parent, key);
  return ab_yaml_get_text(d, v, path, dst, cap);
}

static ab_status get_opt_number(const ab_yaml_doc *d, const yaml_node_t *map, const char *parent,
                                const char *key, int lo_open, double *v) {
  char path[AB_YAML_PATH_LEN];
  ab_yaml_join(path, parent, key);
  return ab_yaml_get_double_or_null(d, ab_yaml_lookup(d, map, key), path, 0, lo_open, v);
}

/* sources: one text, or a list of texts kept joined by "; ". */
static ab_status get_sources(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                             char *dst, size_t cap) {
  if (n->type != YAML_SEQUENCE_NODE)
    return ab_yaml_get_text(d, n, path, dst, cap);
  size_t o = 0;
  for (size_t i = 0; i < ab_yaml_seq_len(n); i++) {
    char ipath[AB_YAML_PATH_LEN], item[1024];
    const yaml_node_t *it = ab_yaml_seq_item(d, n, i);
    ab_yaml_index_path(ipath, path, i);
    ab_status st = ab_yaml_get_text(d, it, ipath, item, sizeof item);
    if (st)
      return st;
    if (o + strlen(item) + 3 > cap)
      return ab_yaml_fail_at(d, it->start_mark, ipath,
                             "expected sources of at most %zu bytes in all, got more", cap - 1);
    o += (size_t)snprintf(dst + o, cap - o, "%s%s", i ? "; " : "", item);
  }
  return AB_OK;
}

/* ---- one entry ----------------------------------------------------------------------- */

static ab_status parse_peaks(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                             ab_catalog_entry *e) {
  if (ab_yaml_is_null(n))
    return AB_OK;
  ab_status st = ab_yaml_expect_type(d, n, path, YAML_MAPPING_NODE,
                                     "a mapping of dtype to dense peak TFLOPS (int8: TOPS)");
  if (!st)
    st = ab_yaml_check_keys(d, n, path, dtype_keys, N_OF(dtype_keys));
  for (size_t i = 0; !st && i < N_OF(dtype_keys); i++) {
    ab_dtype in = AB_DTYPE_INVALID, out = AB_DTYPE_INVALID;
    ab_dtype_parse(dtype_keys[i], &in, &out);
    st = get_opt_number(d, n, path, dtype_keys[i], 0, &e->peak_tflops[in]);
  }
  return st;
}

static ab_status parse_names(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                             ab_catalog_entry *e) {
  const char *what = "a non-empty sequence of device name patterns";
  ab_status st = ab_yaml_expect_type(d, n, path, YAML_SEQUENCE_NODE, what);
  size_t len = st ? 0 : ab_yaml_seq_len(n);
  if (!st && len == 0)
    return ab_yaml_fail_at(d, n->start_mark, path, "expected %s, got an empty sequence", what);
  if (!st && len > CAT_MAX_NAMES)
    return ab_yaml_fail_at(d, n->start_mark, path, "expected at most %d name patterns, got %zu",
                           CAT_MAX_NAMES, len);
  if (!st && !(e->match_names = calloc(len, sizeof *e->match_names)))
    return ab_yaml_fail_nomem(d);
  for (size_t i = 0; !st && i < len; i++) {
    char ipath[AB_YAML_PATH_LEN];
    const yaml_node_t *it = ab_yaml_seq_item(d, n, i);
    ab_yaml_index_path(ipath, path, i);
    st = ab_yaml_get_text(d, it, ipath, e->match_names[i], sizeof e->match_names[i]);
    if (!st && !e->match_names[i][0]) /* "" would match every device */
      st = ab_yaml_fail_at(d, it->start_mark, ipath, "expected a non-empty name pattern, got %s",
                           "an empty string");
    e->n_match_names = i + 1;
  }
  return st;
}

static ab_status parse_match(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                             ab_catalog_entry *e) {
  static const char *const keys[] = {"backend", "vendor", "type", "names"};
  char kpath[AB_YAML_PATH_LEN];
  const yaml_node_t *v;
  ab_status st = ab_yaml_expect_type(d, n, path, YAML_MAPPING_NODE,
                                     "a mapping {backend, vendor, type, names}");
  if (!st)
    st = ab_yaml_check_keys(d, n, path, keys, N_OF(keys));
  if (!st && (v = ab_yaml_lookup(d, n, "backend")) && !ab_yaml_is_null(v)) {
    ab_yaml_join(kpath, path, "backend");
    st = ab_yaml_get_name(d, v, kpath, e->match_backend, sizeof e->match_backend);
  }
  if (!st)
    st = get_opt_text(d, n, path, "vendor", e->match_vendor, sizeof e->match_vendor);
  if (!st && (v = ab_yaml_lookup(d, n, "type")) && !ab_yaml_is_null(v)) {
    ab_yaml_join(kpath, path, "type");
    st = get_word(d, v, kpath, ab_device_type_names.names, ab_device_type_names.n, e->match_type,
                  sizeof e->match_type);
  }
  if (!st)
    st = ab_yaml_require(d, n, path, "names", "a non-empty sequence of device name patterns", &v);
  if (!st) {
    ab_yaml_join(kpath, path, "names");
    st = parse_names(d, v, kpath, e);
  }
  return st;
}

/* The identity fields every entry must give. */
static ab_status parse_identity(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                                ab_catalog_entry *e) {
  char kpath[AB_YAML_PATH_LEN];
  const yaml_node_t *v;
  ab_status st = ab_yaml_require(d, n, path, "id", "a catalogue id", &v);
  ab_yaml_join(kpath, path, "id");
  if (!st)
    st = ab_yaml_get_name(d, v, kpath, e->id, sizeof e->id);
  if (!st && !(st = ab_yaml_require(d, n, path, "vendor", "the vendor's name", &v))) {
    ab_yaml_join(kpath, path, "vendor");
    st = ab_yaml_get_text(d, v, kpath, e->vendor, sizeof e->vendor);
  }
  if (!st && !(st = ab_yaml_require(d, n, path, "model", "the model name", &v))) {
    ab_yaml_join(kpath, path, "model");
    st = ab_yaml_get_text(d, v, kpath, e->model, sizeof e->model);
  }
  if (!st && !(st = ab_yaml_require(d, n, path, "type", "gpu, npu, cpu or other", &v))) {
    ab_yaml_join(kpath, path, "type");
    st = get_word(d, v, kpath, ab_device_type_names.names, ab_device_type_names.n, e->device_type,
                  sizeof e->device_type);
  }
  if (!st &&
      !(st = ab_yaml_require(d, n, path, "procurement_list",
                             "listed, not_listed or unknown (as the lab declares it)", &v))) {
    ab_yaml_join(kpath, path, "procurement_list");
    st = get_word(d, v, kpath, list_values, N_OF(list_values), e->procurement_list,
                  sizeof e->procurement_list);
  }
  if (!st)
    st = get_opt_text(d, n, path, "country", e->country, sizeof e->country);
  return st;
}

/* unit_price and its currency: a price means nothing without one, a currency nothing
 * without a price. */
static ab_status parse_price(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                             ab_catalog_entry *e) {
  char kpath[AB_YAML_PATH_LEN], got[AB_YAML_GOT_LEN];
  ab_status st = get_opt_number(d, n, path, "unit_price", 0, &e->unit_price);
  const yaml_node_t *cur = ab_yaml_lookup(d, n, "currency");
  bool has_cur = cur && !ab_yaml_is_null(cur);
  ab_yaml_join(kpath, path, "currency");
  if (st)
    return st;
  if (!isnan(e->unit_price) && !has_cur)
    return ab_yaml_fail_at(d, cur ? cur->start_mark : n->start_mark, kpath,
                           "expected the currency of unit_price (CNY, USD, ...), got %s",
                           cur ? ab_yaml_describe(cur, got, sizeof got) : "no such key");
  if (isnan(e->unit_price) && has_cur)
    return ab_yaml_fail_at(d, cur->start_mark, kpath,
                           "expected a currency only with a unit_price, got %s and no unit_price",
                           ab_yaml_describe(cur, got, sizeof got));
  return has_cur ? ab_yaml_get_currency(d, cur, kpath, e->currency, sizeof e->currency) : AB_OK;
}

static bool has_figures(const ab_catalog_entry *e) {
  bool any = !isnan(e->unit_price) || !isnan(e->tdp_w) || !isnan(e->memory_gib) ||
             !isnan(e->memory_bw_gbs);
  for (int t = 0; t < AB_DTYPE_COUNT; t++)
    any = any || !isnan(e->peak_tflops[t]);
  return any;
}

/* Spec figures, sources and notes. */
static ab_status parse_figures(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                               ab_catalog_entry *e) {
  char kpath[AB_YAML_PATH_LEN];
  const yaml_node_t *v;
  ab_status st = parse_price(d, n, path, e);
  if (!st)
    st = get_opt_number(d, n, path, "tdp_w", 1, &e->tdp_w);
  if (!st)
    st = get_opt_number(d, n, path, "memory_gib", 1, &e->memory_gib);
  if (!st)
    st = get_opt_number(d, n, path, "memory_bw_gbs", 1, &e->memory_bw_gbs);
  if (!st && (v = ab_yaml_lookup(d, n, "peak_tflops"))) {
    ab_yaml_join(kpath, path, "peak_tflops");
    st = parse_peaks(d, v, kpath, e);
  }
  if (!st && (v = ab_yaml_lookup(d, n, "sources")) && !ab_yaml_is_null(v)) {
    ab_yaml_join(kpath, path, "sources");
    st = get_sources(d, v, kpath, e->sources, sizeof e->sources);
  }
  /* A figure nobody can trace is worse than none: every figure names its documents. */
  if (!st && has_figures(e) && !e->sources[0]) {
    ab_yaml_join(kpath, path, "sources");
    st = ab_yaml_fail_at(d, n->start_mark, kpath,
                         "expected the documents the figures come "
                         "from, got no sources");
  }
  if (!st)
    st = get_opt_text(d, n, path, "notes", e->notes, sizeof e->notes);
  return st;
}

static void entry_init(ab_catalog_entry *e, const ab_yaml_doc *d, const yaml_node_t *n, bool user) {
  memset(e, 0, sizeof *e);
  e->unit_price = e->tdp_w = e->memory_gib = e->memory_bw_gbs = NAN;
  for (int t = 0; t < AB_DTYPE_COUNT; t++)
    e->peak_tflops[t] = NAN;
  snprintf(e->file, sizeof e->file, "%s", d->file);
  e->line = (int)n->start_mark.line + 1;
  e->user = user;
}

static void entry_clear(ab_catalog_entry *e) {
  free(e->match_names);
  e->match_names = NULL;
  e->n_match_names = 0;
}

static ab_status parse_entry(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                             bool user, ab_catalog_entry *e) {
  static const char *const keys[] = {
      "id",         "vendor",   "model", "type",        "country",    "procurement_list",
      "unit_price", "currency", "tdp_w", "peak_tflops", "memory_gib", "memory_bw_gbs",
      "sources",    "notes",    "match"};
  char kpath[AB_YAML_PATH_LEN];
  const yaml_node_t *v;
  entry_init(e, d, n, user);
  ab_status st = ab_yaml_expect_type(d, n, path, YAML_MAPPING_NODE, "a mapping (one device)");
  if (!st)
    st = ab_yaml_check_keys(d, n, path, keys, N_OF(keys));
  if (!st)
    st = parse_identity(d, n, path, e);
  if (!st)
    st = parse_figures(d, n, path, e);
  if (!st && !(st = ab_yaml_require(d, n, path, "match", "a mapping {backend, vendor, type, names}",
                                    &v))) {
    ab_yaml_join(kpath, path, "match");
    st = parse_match(d, v, kpath, e);
  }
  return st;
}

/* ---- files and directories ----------------------------------------------------------- */

static const ab_catalog_entry *find_id(const ab_catalog *cat, const char *id) {
  for (size_t i = 0; cat && i < cat->n_entries; i++)
    if (strcmp(cat->entries[i].id, id) == 0)
      return &cat->entries[i];
  return NULL;
}

/* Ids are unique within a load, and across loads of the same kind; only a lab entry may
 * take a shipped entry's id (it replaces it when merged). */
static ab_status check_id(const ab_yaml_doc *d, const yaml_node_t *n, const char *path,
                          const cat_load *l, const ab_catalog_entry *e) {
  const ab_catalog_entry *prev = find_id(&l->tmp, e->id);
  const ab_catalog_entry *old = find_id(l->into, e->id);
  if (!prev && old && old->user != l->user)
    return AB_OK;
  prev = prev ? prev : old;
  if (!prev)
    return AB_OK;
  char kpath[AB_YAML_PATH_LEN];
  const yaml_node_t *id = ab_yaml_lookup(d, n, "id");
  ab_yaml_join(kpath, path, "id");
  return ab_yaml_fail_at(d, id->start_mark, kpath,
                         "expected a unique id, got '%s' again (first at %s:%d)", e->id, prev->file,
                         prev->line);
}

static ab_status grow(const ab_yaml_doc *d, const yaml_node_t *list, ab_catalog *cat, size_t more) {
  if (cat->n_entries + more > CAT_MAX_ENTRIES)
    return ab_yaml_fail_at(d, list->start_mark, "devices",
                           "expected at most %d entries in a load, got %zu", CAT_MAX_ENTRIES,
                           cat->n_entries + more);
  ab_catalog_entry *grown = realloc(cat->entries, (cat->n_entries + more + 1) * sizeof *grown);
  if (!grown)
    return ab_yaml_fail_nomem(d);
  cat->entries = grown;
  return AB_OK;
}

static ab_status walk_file(const ab_yaml_doc *d, const yaml_node_t *root, void *arg) {
  cat_load *l = arg;
  const yaml_node_t *list;
  ab_status st = ab_yaml_only_section(d, root, "devices", "a sequence of devices", &list);
  if (!st)
    st = ab_yaml_expect_type(d, list, "devices", YAML_SEQUENCE_NODE, "a sequence of devices");
  if (!st)
    st = grow(d, list, &l->tmp, ab_yaml_seq_len(list));
  for (size_t i = 0; !st && i < ab_yaml_seq_len(list); i++) {
    char path[AB_YAML_PATH_LEN];
    const yaml_node_t *n = ab_yaml_seq_item(d, list, i);
    ab_catalog_entry *e = &l->tmp.entries[l->tmp.n_entries];
    ab_yaml_index_path(path, "devices", i);
    st = parse_entry(d, n, path, l->user, e);
    if (!st)
      st = check_id(d, n, path, l, e);
    if (st)
      entry_clear(e);
    else
      l->tmp.n_entries++;
  }
  return st;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_yaml_name(const char *name) {
  size_t l = strlen(name);
  return name[0] != '.' && l > 5 && strcmp(name + l - 5, ".yaml") == 0;
}

/* Every *.yaml of a directory, in byte order of their names (not locale order, so every
 * machine loads them, and breaks ties, the same way). */
static ab_status load_dir(const char *dir, cat_load *l, char *msg) {
  DIR *dp = opendir(dir);
  if (!dp) {
    snprintf(msg, AB_MSG_LEN, "%s: expected a readable %s directory", dir, CAT_WHAT);
    return AB_E_IO;
  }
  char *names[CAT_MAX_FILES];
  size_t n = 0;
  ab_status st = AB_OK;
  for (struct dirent *de; !st && (de = readdir(dp));) {
    if (!is_yaml_name(de->d_name))
      continue;
    if (n == CAT_MAX_FILES) {
      snprintf(msg, AB_MSG_LEN, "%s: expected at most %d *.yaml files", dir, CAT_MAX_FILES);
      st = AB_E_INVALID;
    } else if (!(names[n++] = strdup(de->d_name))) {
      n--;
      snprintf(msg, AB_MSG_LEN, "%s: out of memory while loading the %s", dir, CAT_WHAT);
      st = AB_E_NOMEM;
    }
  }
  closedir(dp);
  if (!st && n == 0) {
    snprintf(msg, AB_MSG_LEN, "%s: expected *.yaml %s files, got none", dir, CAT_WHAT);
    st = AB_E_INVALID;
  }
  qsort(names, n, sizeof names[0], cmp_str);
  for (size_t i = 0; i < n; i++) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (!st)
      st = ab_yaml_load_file(path, CAT_WHAT, walk_file, l, msg);
    free(names[i]);
  }
  return st;
}

/* Move the entries of a finished load into the catalogue: a lab entry replaces the
 * shipped entry of the same id in place; a shipped entry never replaces a lab one. */
static ab_status merge(ab_catalog *cat, ab_catalog *tmp, char *msg) {
  ab_catalog_entry *grown =
      realloc(cat->entries, (cat->n_entries + tmp->n_entries + 1) * sizeof *grown);
  if (!grown) {
    snprintf(msg, AB_MSG_LEN, "out of memory while merging the %s", CAT_WHAT);
    return AB_E_NOMEM;
  }
  cat->entries = grown;
  for (size_t i = 0; i < tmp->n_entries; i++) {
    ab_catalog_entry *e = &tmp->entries[i];
    ab_catalog_entry *old = (ab_catalog_entry *)find_id(cat, e->id);
    if (!old) {
      cat->entries[cat->n_entries++] = *e;
    } else if (e->user && !old->user) {
      entry_clear(old);
      *old = *e;
    } else {
      entry_clear(e);
    }
  }
  free(tmp->entries);
  memset(tmp, 0, sizeof *tmp);
  return AB_OK;
}

ab_status ab_catalog_load(ab_catalog *cat, const char *path, bool user, char *msg) {
  char scratch[AB_MSG_LEN];
  char *m = msg ? msg : scratch;
  struct stat sb;
  m[0] = '\0';
  if (!cat || !path) {
    snprintf(m, AB_MSG_LEN, "catalogue: expected a catalogue and a path, got NULL");
    return AB_E_INVALID;
  }
  if (stat(path, &sb) != 0) {
    snprintf(m, AB_MSG_LEN, "%s: expected a %s file or directory, got %s", path, CAT_WHAT,
             strerror(errno));
    return AB_E_IO;
  }
  cat_load l = {.into = cat, .user = user};
  ab_status st = S_ISDIR(sb.st_mode) ? load_dir(path, &l, m)
                                     : ab_yaml_load_file(path, CAT_WHAT, walk_file, &l, m);
  if (!st)
    return merge(cat, &l.tmp, m);
  ab_catalog_free(&l.tmp);
  return st;
}

void ab_catalog_free(ab_catalog *cat) {
  if (!cat)
    return;
  for (size_t i = 0; i < cat->n_entries; i++)
    entry_clear(&cat->entries[i]);
  free(cat->entries);
  memset(cat, 0, sizeof *cat);
}

/* ---- where the shipped catalogue lives ------------------------------------------------ */

static bool is_dir(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

bool ab_catalog_default_dir(char *path, size_t len) {
  char relocated[4096];
  const char *dirs[] = {
      getenv("ACCELBENCH_CONFIG_DIR"), AB_SOURCE_CONFIG_DIR,
      ab_exe_relative(AB_REL_DATA_DIR "/configs", relocated, sizeof relocated) ? relocated : NULL,
      AB_INSTALL_CONFIG_DIR};
  for (size_t i = 0; i < N_OF(dirs); i++) {
    if (!dirs[i] || !dirs[i][0])
      continue;
    snprintf(path, len, "%s/devices", dirs[i]);
    if (is_dir(path))
      return true;
  }
  if (len)
    path[0] = '\0';
  return false;
}

/* ---- matching ------------------------------------------------------------------------ */

static char lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive substring test in ASCII (device and vendor names are ASCII; a locale
 * must not change which entry a device gets). */
static bool ci_contains(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (const char *h = hay; *h; h++) {
    size_t i = 0;
    while (i < n && h[i] && lower(h[i]) == lower(needle[i]))
      i++;
    if (i == n)
      return true;
  }
  return n == 0;
}

/* The longest name pattern of `e` found in the device's name; NULL when none is. */
static const char *best_pattern(const ab_catalog_entry *e, const ab_device_record *dev) {
  const char *best = NULL;
  for (size_t i = 0; i < e->n_match_names; i++)
    if (ci_contains(dev->info.name, e->match_names[i]) &&
        (!best || strlen(e->match_names[i]) > strlen(best)))
      best = e->match_names[i];
  return best;
}

/* Which of the entry's filters the device fails; NULL when it passes them all. */
static const char *failed_filter(const ab_catalog_entry *e, const ab_device_record *dev, char *buf,
                                 size_t len) {
  if (e->match_backend[0] && strcmp(e->match_backend, dev->backend) != 0)
    snprintf(buf, len, "backend '%s'", e->match_backend);
  else if (e->match_vendor[0] && !ci_contains(dev->info.vendor, e->match_vendor))
    snprintf(buf, len, "vendor '%s'", e->match_vendor);
  else if (e->match_type[0] && strcmp(e->match_type, ab_device_type_name(dev->info.type)) != 0)
    snprintf(buf, len, "type %s", e->match_type);
  else
    return NULL;
  return buf;
}

typedef struct cat_pick {
  const ab_catalog_entry *best, *tie, *beaten; /* beaten: a shipped entry a lab one beat */
  const char *pattern;
  const ab_catalog_entry *near; /* name matched, a filter did not: said when none matches */
  char near_filter[96];
} cat_pick;

static void consider(cat_pick *p, const ab_catalog_entry *e, const ab_device_record *dev) {
  const char *pat = best_pattern(e, dev);
  char filter[96];
  if (!pat)
    return;
  if (failed_filter(e, dev, filter, sizeof filter)) {
    if (!p->near) {
      p->near = e;
      snprintf(p->near_filter, sizeof p->near_filter, "%s", filter);
    }
    return;
  }
  size_t l = strlen(pat), bl = p->best ? strlen(p->pattern) : 0;
  if (!p->best || l > bl || (l == bl && e->user && !p->best->user)) {
    p->beaten = p->best && l == bl ? p->best : NULL;
    p->best = e;
    p->pattern = pat;
    p->tie = NULL;
  } else if (l == bl && e->user == p->best->user && !p->tie) {
    p->tie = e;
  } else if (l == bl && !e->user && p->best->user && !p->beaten) {
    p->beaten = e; /* the lab file was loaded first */
  }
}

/* Why no entry matched, in `lang`: the device, and the entry whose name matched when a
 * filter of it did not. */
static void explain_none(const cat_pick *p, const ab_catalog *cat, const ab_device_record *dev,
                         ab_lang lang, char *why, size_t len) {
  ab_trf(why, len, lang, AB_M_C_NO_MATCH, dev->backend, dev->info.name, dev->info.vendor,
         ab_device_type_name(dev->info.type), cat ? cat->n_entries : (size_t)0);
  size_t o = strlen(why);
  if (!p->near || o + 2 >= len)
    return;
  snprintf(why + o, len - o, "%s", lang == AB_LANG_EN ? "; " : "\xef\xbc\x9b"); /* ； */
  o = strlen(why);
  ab_trf(why + o, len - o, lang, AB_M_C_NEAR, p->near->id, p->near->file, p->near->line,
         p->near_filter);
}

static void explain(const cat_pick *p, const ab_catalog *cat, const ab_device_record *dev,
                    ab_lang lang, char *why, size_t len) {
  if (!why || !len)
    return;
  if (!p->best) {
    explain_none(p, cat, dev, lang, why, len);
    return;
  }
  int o = snprintf(why, len, "pattern '%s' of %s%s (%s:%d)", p->pattern,
                   p->best->user ? "lab " : "", p->best->id, p->best->file, p->best->line);
  if (p->beaten && o >= 0 && (size_t)o < len)
    o += snprintf(why + o, len - (size_t)o, "; preferred to shipped %s, whose pattern is as long",
                  p->beaten->id);
  if (p->tie && o >= 0 && (size_t)o < len)
    snprintf(why + o, len - (size_t)o,
             "; tie with %s (%s:%d), whose pattern is as long: the first loaded is used",
             p->tie->id, p->tie->file, p->tie->line);
}

const ab_catalog_entry *ab_catalog_match(const ab_catalog *cat, const ab_device_record *dev,
                                         char *why, size_t len) {
  return ab_catalog_match_in(cat, dev, AB_LANG_EN, why, len);
}

const ab_catalog_entry *ab_catalog_match_in(const ab_catalog *cat, const ab_device_record *dev,
                                            ab_lang lang, char *why, size_t len) {
  cat_pick p = {0};
  for (size_t i = 0; cat && dev && i < cat->n_entries; i++)
    consider(&p, &cat->entries[i], dev);
  if (dev)
    explain(&p, cat, dev, lang, why, len);
  else if (why && len)
    snprintf(why, len, "no device given");
  return p.best;
}
