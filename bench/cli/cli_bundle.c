/* accelbench run — sealing the output directory as a run bundle (docs/verify.md): every
 * file of the run and every input it used, hashed into manifest.json, signed with the
 * key given to --sign-key. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "model/util.h"

/* The run directory's own files. run.json must be there; the others are left out when a
 * run did not make them (a report that could not be rendered). */
static const char *const bundle_files[] = {"run.json",   "journal.jsonl", "invocation.json",
                                           "summary.md", "report.md",     "report.html"};

static ab_status add_files(ab_manifest *m, const char *dir, char *msg) {
  for (size_t i = 0; i < sizeof bundle_files / sizeof bundle_files[0]; i++) {
    ab_status st = ab_manifest_add_file(m, dir, bundle_files[i], msg);
    if (st == AB_E_NOT_FOUND && i > 0)
      continue;
    if (st != AB_OK)
      return st;
  }
  return AB_OK;
}

/* Backend modules with the hash taken when they were loaded (the run file's provenance),
 * so the manifest says what ran even if a file changes before the run ends. */
static ab_status add_modules(ab_manifest *m, const ab_run *run, char *msg) {
  for (size_t i = 0; i < run->n_backends; i++) {
    const ab_backend_record *b = &run->backends[i];
    if (!b->module_sha256[0])
      continue;
    ab_status st = ab_manifest_add_hashed(m, "backend", b->name, b->module_path, b->module_size,
                                          b->module_sha256, msg);
    if (st != AB_OK)
      return st;
  }
  return AB_OK;
}

/* Loadable power modules (power.sources[].module in the run file), hashed when loaded, like
 * backend modules: a power module reads the figures energy is computed from. */
static ab_status add_power_modules(ab_manifest *m, const ab_run *run, char *msg) {
  const json_t *sources = json_object_get(run->power, "sources");
  size_t i;
  const json_t *src;
  json_array_foreach(sources, i, src) {
    const json_t *mod = json_object_get(src, "module");
    const char *name = json_string_value(json_object_get(src, "name"));
    const char *path = json_string_value(json_object_get(mod, "path"));
    const char *sha = json_string_value(json_object_get(mod, "sha256"));
    const json_t *size = json_object_get(mod, "size");
    if (!path || !sha || !json_is_integer(size) || json_is_true(json_object_get(mod, "refused")))
      continue;
    ab_status st = ab_manifest_add_hashed(m, "power", name ? name : "?", path,
                                          (uint64_t)json_integer_value(size), sha, msg);
    if (st != AB_OK)
      return st;
  }
  return AB_OK;
}

ab_status ab_bundle_seal(ab_manifest *m, const char *dir, const ab_run *run,
                         const ab_secret_key *key, char *msg) {
  ab_utc_now(m->created_utc, sizeof m->created_utc);
  ab_status st = add_files(m, dir, msg);
  if (st == AB_OK && run->suite_path[0])
    st = ab_manifest_add_input(m, "suite", NULL, run->suite_path, msg);
  if (st == AB_OK)
    st = add_modules(m, run, msg);
  if (st == AB_OK)
    st = add_power_modules(m, run, msg);
  if (st == AB_OK)
    st = ab_manifest_add_input(m, "binary", "accelbench", "/proc/self/exe", msg);
  if (st == AB_OK)
    st = ab_manifest_write(m, dir, key, msg);
  return st;
}

void ab_backend_provenance(ab_backend_record *b) {
  char msg[AB_MSG_LEN];
  b->module_size = 0;
  b->module_sha256[0] = '\0';
  if (b->module_path[0] &&
      ab_sha256_file(b->module_path, b->module_sha256, &b->module_size, msg) != AB_OK) {
    b->module_sha256[0] = '\0'; /* unknown is null in the run file, never a guess */
    b->module_size = 0;
  }
}
