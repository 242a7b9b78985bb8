/* accelbench — the run file: the versioned JSON source of truth (docs/run-file.md,
 * reports/schema/run-file.schema.json). Everything else is rendered from it. */
#ifndef AB_RUNFILE_H
#define AB_RUNFILE_H

#include <jansson.h>
#include <stdbool.h>

#include "accelbench/backend.h"
#include "model/atomic.h"
#include "model/names.h"
#include "model/rates.h"
#include "model/record.h"

/* Bump on any change a reader must know about; documented in docs/run-file.md. */
#define AB_RUNFILE_SCHEMA_VERSION 1

typedef struct ab_backend_record {
  char name[32];
  char module_path[1024];
  char description[160];
  uint32_t abi_major, abi_minor;
  /* Provenance of the module file as the run found it (model/digest.h); empty sha256 and
   * 0 for a built-in backend, a file that could not be read, or an older run file. */
  uint64_t module_size;
  char module_sha256[65];
  bool enabled;
  char disabled_reason[512];
} ab_backend_record;

typedef struct ab_device_record {
  char backend[32];
  uint32_t index;
  ab_device_info info;
} ab_device_record;

typedef struct ab_run {
  char harness_version[32];
  char git_commit[48];
  char started_utc[32]; /* ISO 8601, "2026-11-23T16:50:54Z" */
  char finished_utc[32];
  double wall_s;
  char command_line[1024];
  bool complete; /* false for a run cut short (signal, crash of the harness) */

  /* the suite as used: its name, path, full text and the effective measurement options */
  char suite_name[64];
  char suite_path[1024];
  char *suite_text;        /* owned */
  json_t *suite_effective; /* owned: measure options, seed, filters as applied */

  json_t *system;            /* owned: from ab_sysinfo_collect() */
  json_t *power;             /* owned: power sources, scopes, idle baseline (may be NULL) */
  json_t *harness_resources; /* owned: peak RSS of harness and workers, largest buffers */

  ab_backend_record *backends;
  size_t n_backends;
  ab_device_record *devices;
  size_t n_devices;
  ab_case_result *cases;
  size_t n_cases;
} ab_run;

/* JSON form of one case / device / backend record, and back. The *_from_json functions
 * validate types and write "FIELD: expected ..." into msg (AB_MSG_LEN) on error. */
json_t *ab_case_to_json(const ab_case_result *c);
ab_status ab_case_from_json(const json_t *j, ab_case_result *out, char *msg);
json_t *ab_device_to_json(const ab_device_record *d);
json_t *ab_backend_to_json(const ab_backend_record *b);

/* One backend / device record back from the form above, checked as the whole-file reader
 * checks it; `pre` names the record in messages ("backends[2]"). */
ab_status ab_backend_from_json(const json_t *j, const char *pre, ab_backend_record *out, char *msg);
ab_status ab_device_from_json(const json_t *j, const char *pre, ab_device_record *out, char *msg);

/* The JSON of a stats object (null when nothing was measured) and of a case's rates, as the
 * run file holds them; `accelbench verify` builds the expected values with these. */
json_t *ab_stats_to_json(const ab_stats *s);
json_t *ab_case_rates_json(const ab_case_result *c);

/* The whole run as JSON (new reference). */
json_t *ab_run_to_json(const ab_run *run);

/* Read a whole run file strictly: `schema` and `schema_version` first (a newer version is
 * refused: "PATH: schema_version 2, this accelbench reads up to 1"), then every member the
 * schema requires, with its type and range. On error returns AB_E_INVALID (or AB_E_IO)
 * and writes "PATH: FIELD: expected ..." into msg (AB_MSG_LEN), FIELD as a JSON path
 * ("cases[3].timing.time_s.median"). `root` (may be NULL) receives the parsed document,
 * owned by the caller, for the open objects (system, power). */
ab_status ab_run_load(const char *path, ab_run *out, json_t **root, char *msg);

/* The same from a parsed document; `name` is used in messages in place of a path. */
ab_status ab_run_from_json(const json_t *j, const char *name, ab_run *out, char *msg);

/* Both without the plausibility checks of the timing statistics (min <= median <= max,
 * ...), for `accelbench verify`: it recomputes every statistic from the raw samples and
 * names each one that differs ("cases[3].timing.time_s.median: file ..., recomputed
 * ..."), which says more than a refusal would. Every other check stays. */
ab_status ab_run_load_unchecked(const char *path, ab_run *out, json_t **root, char *msg);
ab_status ab_run_from_json_unchecked(const json_t *j, const char *name, ab_run *out, char *msg);

/* Write the run file atomically (temporary file in the same directory, fsync, rename). */
ab_status ab_run_write(const ab_run *run, const char *path, char *msg);

/* Free what a case record owns (its power and thermal objects, its raw samples). */
void ab_case_result_clear(ab_case_result *c);

void ab_run_free(ab_run *run);

#endif
