/* The run bundle's manifest and signature (manifest.h, docs/verify.md). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "model/manifest.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/atomic.h"
#include "model/util.h"

#define MANIFEST_SCHEMA_NAME "accelbench-manifest"
#define ROLE_FILE            "file"
/* A manifest lists tens of files; anything near this size was not written by accelbench. */
#define MAX_BUNDLE_FILE ((size_t)16 << 20)

/* ---- building ------------------------------------------------------------------------- */

static ab_manifest_entry *new_entry(ab_manifest *m, char *msg) {
  ab_manifest_entry *grown = realloc(m->entries, (m->n_entries + 1) * sizeof *grown);
  if (!grown) {
    ab_msgf(msg, AB_MSG_LEN, "out of memory for the manifest");
    return NULL;
  }
  m->entries = grown;
  ab_manifest_entry *e = &m->entries[m->n_entries];
  memset(e, 0, sizeof *e);
  return e;
}

/* A run-directory file is named alone: a manifest must never point a verifier elsewhere. */
static bool plain_name(const char *name) {
  return name[0] && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

ab_status ab_manifest_add_file(ab_manifest *m, const char *dir, const char *name, char *msg) {
  char path[2048];
  if (!plain_name(name) || strlen(name) >= sizeof m->entries->name) {
    ab_msgf(msg, AB_MSG_LEN, "manifest: \"%s\" is not a plain file name", name);
    return AB_E_INVALID;
  }
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char hex[AB_SHA256_HEX_LEN];
  uint64_t size = 0;
  ab_status st = ab_sha256_file(path, hex, &size, msg);
  ab_manifest_entry *e = st == AB_OK ? new_entry(m, msg) : NULL;
  if (!e)
    return st == AB_OK ? AB_E_NOMEM : st;
  ab_strlcpy(e->role, ROLE_FILE, sizeof e->role);
  ab_strlcpy(e->name, name, sizeof e->name);
  ab_strlcpy(e->path, name, sizeof e->path);
  e->size = size;
  memcpy(e->sha256, hex, sizeof hex);
  m->n_entries++;
  return AB_OK;
}

/* The absolute form of an input's path, and whether the manifest has it already. */
static ab_status input_path(const ab_manifest *m, const char *path, char abs[4096], bool *known,
                            char *msg) {
  *known = false;
  if (!realpath(path, abs)) {
    int e = errno;
    ab_msgf(msg, AB_MSG_LEN, "%s: %s", path, strerror(e));
    return e == ENOENT ? AB_E_NOT_FOUND : AB_E_IO;
  }
  if (strlen(abs) >= sizeof m->entries->path) {
    ab_msgf(msg, AB_MSG_LEN, "%.200s...: path too long for the manifest", abs);
    return AB_E_INVALID;
  }
  for (size_t i = 0; i < m->n_entries && !*known; i++)
    *known = strcmp(m->entries[i].role, ROLE_FILE) != 0 && strcmp(m->entries[i].path, abs) == 0;
  return AB_OK;
}

static ab_status add_input(ab_manifest *m, const char *role, const char *name, const char *abs,
                           uint64_t size, const char *sha256, char *msg) {
  ab_manifest_entry *e = new_entry(m, msg);
  if (!e)
    return AB_E_NOMEM;
  ab_strlcpy(e->role, role, sizeof e->role);
  ab_strlcpy(e->name, name ? name : "", sizeof e->name);
  ab_strlcpy(e->path, abs, sizeof e->path);
  e->size = size;
  ab_strlcpy(e->sha256, sha256, sizeof e->sha256);
  m->n_entries++;
  return AB_OK;
}

ab_status ab_manifest_add_input(ab_manifest *m, const char *role, const char *name,
                                const char *path, char *msg) {
  char abs[4096], hex[AB_SHA256_HEX_LEN];
  uint64_t size = 0;
  bool known;
  ab_status st = input_path(m, path, abs, &known, msg);
  if (st != AB_OK || known)
    return st;
  st = ab_sha256_file(abs, hex, &size, msg);
  return st == AB_OK ? add_input(m, role, name, abs, size, hex, msg) : st;
}

ab_status ab_manifest_add_hashed(ab_manifest *m, const char *role, const char *name,
                                 const char *path, uint64_t size, const char *sha256, char *msg) {
  char abs[4096];
  bool known;
  if (!ab_sha256_hex_valid(sha256)) {
    ab_msgf(msg, AB_MSG_LEN, "%s: not a SHA-256: \"%.80s\"", path, sha256);
    return AB_E_INVALID;
  }
  ab_status st = input_path(m, path, abs, &known, msg);
  if (st != AB_OK || known)
    return st;
  return add_input(m, role, name, abs, size, sha256, msg);
}

void ab_manifest_free(ab_manifest *m) {
  free(m->entries);
  memset(m, 0, sizeof *m);
}

/* ---- writing -------------------------------------------------------------------------- */

/* {role, name, path} first for an input, then what its bytes were. */
static json_t *entry_json(const ab_manifest_entry *e, bool input) {
  json_t *o = json_object();
  bool ok = o != NULL;
  if (input) {
    ok = ok && json_object_set_new(o, "role", json_string(e->role)) == 0;
    ok = ok && (!e->name[0] || json_object_set_new(o, "name", json_string(e->name)) == 0);
    ok = ok && json_object_set_new(o, "path", json_string(e->path)) == 0;
  }
  ok = ok && json_object_set_new(o, "size", json_integer((json_int_t)e->size)) == 0;
  ok = ok && json_object_set_new(o, "sha256", json_string(e->sha256)) == 0;
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *manifest_json(const ab_manifest *m) {
  json_t *files = json_object(), *inputs = json_array();
  bool ok = files && inputs;
  for (size_t i = 0; ok && i < m->n_entries; i++) {
    const ab_manifest_entry *e = &m->entries[i];
    bool file = strcmp(e->role, ROLE_FILE) == 0;
    json_t *o = entry_json(e, !file);
    ok = file ? json_object_set_new(files, e->name, o) == 0 : json_array_append_new(inputs, o) == 0;
  }
  json_t *j = ok ? json_pack("{s:s, s:i, s:s, s:o, s:o}", "schema", MANIFEST_SCHEMA_NAME,
                             "schema_version", AB_MANIFEST_SCHEMA_VERSION, "created_utc",
                             m->created_utc, "files", files, "inputs", inputs)
                 : NULL;
  if (!ok) {
    json_decref(files);
    json_decref(inputs);
  }
  return j;
}

/* The manifest's text exactly as written: the signature covers these bytes. */
static char *manifest_text(const ab_manifest *m) {
  json_t *j = manifest_json(m);
  char *body = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
  json_decref(j);
  if (!body)
    return NULL;
  size_t len = strlen(body);
  char *text = realloc(body, len + 2);
  if (!text) {
    free(body);
    return NULL;
  }
  memcpy(text + len, "\n", 2);
  return text;
}

static ab_status write_signature(const char *dir, const char *bytes, size_t len,
                                 const ab_secret_key *key, char *msg) {
  unsigned char sig[AB_ED25519_SIG_BYTES];
  char sig_hex[2 * AB_ED25519_SIG_BYTES + 1], pub_hex[2 * AB_ED25519_PUBLIC_BYTES + 1];
  ab_public_key pk;
  ab_status st = ab_sign(bytes, len, key, sig);
  if (st != AB_OK) {
    ab_msgf(msg, AB_MSG_LEN, "%s/%s: signing failed", dir, AB_MANIFEST_FILE);
    return st;
  }
  ab_secret_key_public(key, &pk);
  ab_public_key_hex(&pk, pub_hex);
  for (size_t i = 0; i < sizeof sig; i++)
    snprintf(sig_hex + 2 * i, 3, "%02x", sig[i]);
  json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "algorithm", "ed25519", "signs", AB_MANIFEST_FILE,
                        "public_key", pub_hex, "signature", sig_hex);
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", dir, AB_SIGNATURE_FILE);
  st = j ? ab_json_write_atomic(j, path, msg) : AB_E_NOMEM;
  json_decref(j);
  return st;
}

ab_status ab_manifest_write(const ab_manifest *m, const char *dir, const ab_secret_key *key,
                            char *msg) {
  char path[2048], sig_path[2048];
  snprintf(path, sizeof path, "%s/%s", dir, AB_MANIFEST_FILE);
  snprintf(sig_path, sizeof sig_path, "%s/%s", dir, AB_SIGNATURE_FILE);
  char *text = manifest_text(m);
  if (!text) {
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot build the manifest (out of memory?)", path);
    return AB_E_NOMEM;
  }
  ab_status st = ab_text_write_atomic(text, path, msg);
  if (st == AB_OK && key)
    st = write_signature(dir, text, strlen(text), key, msg);
  else if (st == AB_OK && unlink(sig_path) != 0 && errno != ENOENT) {
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot remove the old signature: %s", sig_path, strerror(errno));
    st = AB_E_IO;
  }
  free(text);
  return st;
}

/* ---- reading -------------------------------------------------------------------------- */

/* The whole of a small file, NUL-terminated (*len without the NUL). */
static ab_status read_small(const char *path, char **out, size_t *len, char *msg) {
  *out = NULL;
  *len = 0;
  FILE *f = fopen(path, "rbe");
  if (!f) {
    int e = errno;
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot read: %s", path, strerror(e));
    return e == ENOENT ? AB_E_NOT_FOUND : AB_E_IO;
  }
  char *buf = malloc(MAX_BUNDLE_FILE + 1);
  size_t got = buf ? fread(buf, 1, MAX_BUNDLE_FILE + 1, f) : 0;
  bool err = ferror(f) != 0;
  fclose(f);
  if (!buf || err || got > MAX_BUNDLE_FILE) {
    free(buf);
    ab_msgf(msg, AB_MSG_LEN, "%s: %s", path,
            !buf  ? "out of memory"
            : err ? "read error"
                  : "larger than a manifest can be");
    return !buf ? AB_E_NOMEM : err ? AB_E_IO : AB_E_INVALID;
  }
  buf[got] = '\0';
  *out = buf;
  *len = got;
  return AB_OK;
}

static ab_status bad(char *msg, const char *file, const char *where, const char *what) {
  ab_msgf(msg, AB_MSG_LEN, "%s: %s: %s", file, where, what);
  return AB_E_INVALID;
}

/* size and sha256 of one hashed entry (files.NAME or inputs[i]). */
static ab_status rd_hashed(const json_t *o, const char *file, const char *where,
                           ab_manifest_entry *e, char *msg) {
  char at[1200];
  const json_t *size = json_object_get(o, "size"), *sha = json_object_get(o, "sha256");
  if (!json_is_object(o))
    return bad(msg, file, where, "expected an object");
  snprintf(at, sizeof at, "%s.size", where);
  if (!json_is_integer(size) || json_integer_value(size) < 0)
    return bad(msg, file, at, "expected an integer >= 0");
  snprintf(at, sizeof at, "%s.sha256", where);
  if (!json_is_string(sha) || !ab_sha256_hex_valid(json_string_value(sha)))
    return bad(msg, file, at, "expected 64 lower-case hex digits");
  e->size = (uint64_t)json_integer_value(size);
  ab_strlcpy(e->sha256, json_string_value(sha), sizeof e->sha256);
  return AB_OK;
}

static ab_status rd_files(const json_t *files, const char *file, ab_manifest *m, char *msg) {
  const char *name;
  const json_t *v;
  if (!json_is_object(files))
    return bad(msg, file, "files", "expected an object of file name -> {size, sha256}");
  json_object_foreach((json_t *)files, name, v) {
    char where[1100];
    snprintf(where, sizeof where, "files[\"%.1000s\"]", name);
    if (!plain_name(name) || strlen(name) >= sizeof m->entries->name)
      return bad(msg, file, where, "expected a plain file name of the run directory");
    ab_manifest_entry *e = new_entry(m, msg);
    if (!e)
      return AB_E_NOMEM;
    ab_strlcpy(e->role, ROLE_FILE, sizeof e->role);
    ab_strlcpy(e->name, name, sizeof e->name);
    ab_strlcpy(e->path, name, sizeof e->path);
    ab_status st = rd_hashed(v, file, where, e, msg);
    if (st != AB_OK)
      return st;
    m->n_entries++;
  }
  return AB_OK;
}

/* A string member that fits `cap` bytes; `required` or absent. */
static ab_status rd_text(const json_t *o, const char *key, bool required, char *dst, size_t cap,
                         const char *file, const char *where, char *msg) {
  const json_t *v = json_object_get(o, key);
  char at[1200];
  snprintf(at, sizeof at, "%s%s%s", where, where[0] ? "." : "", key);
  if (!v && !required)
    return AB_OK;
  if (!json_is_string(v) || json_string_length(v) >= cap ||
      strlen(json_string_value(v)) != json_string_length(v))
    return bad(msg, file, at, "expected a string");
  ab_strlcpy(dst, json_string_value(v), cap);
  return AB_OK;
}

static ab_status rd_inputs(const json_t *inputs, const char *file, ab_manifest *m, char *msg) {
  if (!json_is_array(inputs))
    return bad(msg, file, "inputs", "expected an array");
  for (size_t i = 0; i < json_array_size(inputs); i++) {
    const json_t *o = json_array_get(inputs, i);
    char where[48];
    snprintf(where, sizeof where, "inputs[%zu]", i);
    ab_manifest_entry *e = new_entry(m, msg);
    if (!e)
      return AB_E_NOMEM;
    ab_status st = rd_hashed(o, file, where, e, msg);
    if (st == AB_OK)
      st = rd_text(o, "role", true, e->role, sizeof e->role, file, where, msg);
    if (st == AB_OK && strcmp(e->role, ROLE_FILE) == 0)
      st = bad(msg, file, where, "role \"file\" belongs in files, not inputs");
    if (st == AB_OK)
      st = rd_text(o, "name", false, e->name, sizeof e->name, file, where, msg);
    if (st == AB_OK)
      st = rd_text(o, "path", true, e->path, sizeof e->path, file, where, msg);
    if (st == AB_OK && e->path[0] != '/')
      st = bad(msg, file, where, "path: expected an absolute path");
    if (st != AB_OK)
      return st;
    m->n_entries++;
  }
  return AB_OK;
}

static ab_status rd_manifest(const json_t *j, const char *file, ab_manifest *m, char *msg) {
  const json_t *schema = json_object_get(j, "schema"), *ver = json_object_get(j, "schema_version");
  if (!json_is_object(j))
    return bad(msg, file, "(top)", "expected a JSON object");
  if (!json_is_string(schema) || strcmp(json_string_value(schema), MANIFEST_SCHEMA_NAME) != 0)
    return bad(msg, file, "schema", "expected \"" MANIFEST_SCHEMA_NAME "\"");
  if (!json_is_integer(ver) || json_integer_value(ver) < 1)
    return bad(msg, file, "schema_version", "expected an integer >= 1");
  if (json_integer_value(ver) > AB_MANIFEST_SCHEMA_VERSION) {
    ab_msgf(msg, AB_MSG_LEN, "%s: schema_version: %lld, this accelbench reads up to %d", file,
            (long long)json_integer_value(ver), AB_MANIFEST_SCHEMA_VERSION);
    return AB_E_INVALID;
  }
  ab_status st =
      rd_text(j, "created_utc", true, m->created_utc, sizeof m->created_utc, file, "", msg);
  if (st == AB_OK)
    st = rd_files(json_object_get(j, "files"), file, m, msg);
  if (st == AB_OK)
    st = rd_inputs(json_object_get(j, "inputs"), file, m, msg);
  return st;
}

ab_status ab_manifest_load(const char *dir, ab_manifest *m, char **bytes, size_t *len, char *msg) {
  char path[2048], *text = NULL;
  size_t n = 0;
  memset(m, 0, sizeof *m);
  if (bytes)
    *bytes = NULL;
  snprintf(path, sizeof path, "%s/%s", dir, AB_MANIFEST_FILE);
  ab_status st = read_small(path, &text, &n, msg);
  if (st != AB_OK)
    return st;
  json_error_t err;
  json_t *j = json_loadb(text, n, JSON_REJECT_DUPLICATES, &err);
  if (!j) {
    ab_msgf(msg, AB_MSG_LEN, "%s:%d:%d: not valid JSON: %s", path, err.line, err.column, err.text);
    st = AB_E_INVALID;
  } else {
    st = rd_manifest(j, path, m, msg);
  }
  json_decref(j);
  if (st != AB_OK)
    ab_manifest_free(m);
  if (st == AB_OK && bytes) {
    *bytes = text;
    *len = n;
  } else {
    free(text);
  }
  return st;
}

ab_status ab_manifest_sign(const char *dir, const ab_secret_key *key, char *msg) {
  char path[2048], *text = NULL;
  size_t n = 0;
  ab_manifest m;
  ab_status st = ab_manifest_load(dir, &m, NULL, NULL, msg); /* refuse to sign a bad one */
  ab_manifest_free(&m);
  snprintf(path, sizeof path, "%s/%s", dir, AB_MANIFEST_FILE);
  if (st == AB_OK)
    st = read_small(path, &text, &n, msg);
  if (st == AB_OK)
    st = write_signature(dir, text, n, key, msg);
  free(text);
  return st;
}

/* ---- findings ------------------------------------------------------------------------- */

static void add_line(char ***list, size_t *n, bool *nomem, const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  int len = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  char *line = len >= 0 ? malloc((size_t)len + 1) : NULL;
  char **grown = line ? realloc(*list, (*n + 1) * sizeof *grown) : NULL;
  if (!grown) {
    free(line);
    *nomem = true;
    return;
  }
  vsnprintf(line, (size_t)len + 1, fmt, ap);
  *list = grown;
  (*list)[(*n)++] = line;
}

void ab_findings_mismatch(ab_findings *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add_line(&f->mismatches, &f->n_mismatches, &f->out_of_memory, fmt, ap);
  va_end(ap);
}

void ab_findings_note(ab_findings *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add_line(&f->notes, &f->n_notes, &f->out_of_memory, fmt, ap);
  va_end(ap);
}

void ab_findings_free(ab_findings *f) {
  for (size_t i = 0; i < f->n_mismatches; i++)
    free(f->mismatches[i]);
  for (size_t i = 0; i < f->n_notes; i++)
    free(f->notes[i]);
  free(f->mismatches);
  free(f->notes);
  memset(f, 0, sizeof *f);
}

/* ---- checking ------------------------------------------------------------------------- */

/* "run.json" or "backend cpu /usr/lib/..." : how a line names an entry. */
static void entry_label(const ab_manifest_entry *e, char *buf, size_t len) {
  if (strcmp(e->role, ROLE_FILE) == 0)
    snprintf(buf, len, "%s", e->name);
  else
    snprintf(buf, len, "%s%s%s %s", e->role, e->name[0] ? " " : "", e->name, e->path);
}

/* Rehash one entry at `path`: 1 it matches, 0 it does not (a mismatch is added), -1 the
 * file is absent (nothing added: the caller decides). */
static int rehash(const ab_manifest_entry *e, const char *path, ab_findings *f) {
  char hex[AB_SHA256_HEX_LEN], label[1200], msg[AB_MSG_LEN];
  uint64_t size = 0;
  entry_label(e, label, sizeof label);
  ab_status st = ab_sha256_file(path, hex, &size, msg);
  if (st == AB_E_NOT_FOUND)
    return -1;
  if (st != AB_OK) {
    ab_findings_mismatch(f, "%s: %s", label, msg);
    return 0;
  }
  if (size == e->size && strcmp(hex, e->sha256) == 0)
    return 1;
  ab_findings_mismatch(f, "%s: sha256 %.16s..., %llu bytes; the manifest says %.16s..., %llu bytes",
                       label, hex, (unsigned long long)size, e->sha256,
                       (unsigned long long)e->size);
  return 0;
}

static void check_file(const ab_manifest_entry *e, const char *dir, ab_findings *f,
                       ab_manifest_counts *c) {
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", dir, e->name);
  c->files++;
  int r = rehash(e, path, f);
  if (r < 0)
    ab_findings_mismatch(f, "%s: listed in the manifest, absent from the run directory", e->name);
  c->files_ok += r > 0;
}

static void check_input(const ab_manifest_entry *e, bool rehash_inputs, ab_findings *f,
                        ab_manifest_counts *c) {
  c->inputs++;
  if (!rehash_inputs) {
    c->inputs_not_rehashed++;
    return;
  }
  int r = rehash(e, e->path, f);
  if (r < 0) {
    char label[1200];
    entry_label(e, label, sizeof label);
    ab_findings_note(f, "%s: absent here, not rehashed", label);
    c->inputs_absent++;
  }
  c->inputs_ok += r > 0;
}

void ab_manifest_check(const ab_manifest *m, const char *dir, bool rehash_inputs, ab_findings *f,
                       ab_manifest_counts *counts) {
  bool has_run = false;
  memset(counts, 0, sizeof *counts);
  for (size_t i = 0; i < m->n_entries; i++) {
    const ab_manifest_entry *e = &m->entries[i];
    if (strcmp(e->role, ROLE_FILE) == 0) {
      has_run |= strcmp(e->name, "run.json") == 0;
      check_file(e, dir, f, counts);
    } else {
      check_input(e, rehash_inputs, f, counts);
    }
  }
  if (!has_run)
    ab_findings_mismatch(f, "%s: run.json is not listed: the manifest does not cover the run file",
                         AB_MANIFEST_FILE);
}

/* ---- signature ------------------------------------------------------------------------ */

static ab_signature_state sig_bad(char *why, size_t len, const char *fmt, const char *detail) {
  if (why && len)
    snprintf(why, len, fmt, detail);
  return AB_SIGNATURE_BAD;
}

ab_signature_state ab_manifest_signature(const char *dir, const char *bytes, size_t len,
                                         ab_public_key *signer, char *why, size_t why_len) {
  char path[2048], msg[AB_MSG_LEN];
  snprintf(path, sizeof path, "%s/%s", dir, AB_SIGNATURE_FILE);
  if (why && why_len)
    why[0] = '\0';
  char *text = NULL;
  size_t n = 0;
  ab_status st = read_small(path, &text, &n, msg);
  if (st == AB_E_NOT_FOUND)
    return AB_SIGNATURE_NONE;
  if (st != AB_OK)
    return sig_bad(why, why_len, "%s", msg);
  json_t *j = json_loadb(text, n, JSON_REJECT_DUPLICATES, NULL);
  free(text);
  const char *alg = json_string_value(json_object_get(j, "algorithm"));
  const char *pub = json_string_value(json_object_get(j, "public_key"));
  const char *sig_hex = json_string_value(json_object_get(j, "signature"));
  unsigned char sig[AB_ED25519_SIG_BYTES];
  ab_signature_state s = AB_SIGNATURE_VALID;
  if (!j || !alg || strcmp(alg, "ed25519") != 0 || !pub || !ab_public_key_from_hex(pub, signer) ||
      !sig_hex || !ab_hex_to_bytes(sig_hex, sig, sizeof sig))
    s = sig_bad(why, why_len,
                "%s: expected {\"algorithm\": \"ed25519\", \"public_key\": <64 hex digits>, "
                "\"signature\": <128 hex digits>}",
                AB_SIGNATURE_FILE);
  else if (!ab_signature_valid(bytes, len, sig, signer))
    s = sig_bad(why, why_len,
                "%s: not a valid signature of manifest.json by the key it names (the manifest "
                "changed after signing, or the signature is damaged)",
                AB_SIGNATURE_FILE);
  json_decref(j);
  return s;
}

/* ---- trust ---------------------------------------------------------------------------- */

const char *ab_trust_state_name(ab_trust_state s) {
  switch (s) {
  case AB_TRUST_VERIFIED: return "verified";
  case AB_TRUST_UNSIGNED: return "unsigned";
  case AB_TRUST_NOT_VERIFIED: return "not verified";
  default: return "not checked";
  }
}

void ab_trust_text(const ab_trust *t, char *buf, size_t len) {
  if (t->state == AB_TRUST_VERIFIED)
    snprintf(buf, len, "verified (%s)", t->key);
  else if (t->state == AB_TRUST_NOT_VERIFIED)
    snprintf(buf, len, "not verified (%s)", t->why);
  else
    snprintf(buf, len, "%s", ab_trust_state_name(t->state));
}
