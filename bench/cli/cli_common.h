/* accelbench — helpers shared by the subcommands. */
#ifndef AB_CLI_COMMON_H
#define AB_CLI_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "accelbench/backend.h"
#include "loader.h"
#include "model/manifest.h"
#include "model/runfile.h"
#include "model/signing.h"
#include "suite.h"

struct ab_report;

/* Resolve a suite argument: a path to a file, or the name of a shipped suite ("quick")
 * looked up in $ACCELBENCH_CONFIG_DIR, the source tree and the install directory. */
ab_status ab_resolve_suite(const char *arg, char *path, size_t len, char *msg);

/* Apply KEY=VALUE backend options and a time-cap override (<= 0: keep) to a suite. */
int ab_suite_apply_overrides(ab_suite *s, const char *const *kv, size_t n, double time_cap_s);

/* Split "key=value" in place into an ab_option (pointers into `kv`); 0 if there is no '='
 * or the key is empty. */
int ab_power_option_split(char *kv, ab_option *out);

/* Split "a,b,c" and append the parts to a growing list (pointers into `arg`). */
int ab_list_append_csv(char *arg, const char ***list, size_t *n);

/* Replace a list with the parts of "a,b,c" (a repeated option: the last one wins). The
 * parts point into a copy kept in *owned; free *owned and *list when done. 0 when out of
 * memory; an argument that names nothing leaves *n == 0 for the caller to refuse. */
int ab_list_set_csv(const char *arg, char **owned, const char ***list, size_t *n);

/* Parse seconds for option `opt` of subcommand `cmd`: a number > 0 and at most 1e6. On a
 * bad value prints "accelbench CMD: OPT 'S': expected ..." and returns 0. */
int ab_parse_seconds(const char *cmd, const char *opt, const char *s, double *out);

/* Discovery for `list` and `run`: in workers running this binary (written into exe, of
 * `len` bytes) with a limit of timeout_s per module; *how becomes NULL for in-process
 * discovery (--no-isolation). Returns 0, with a message printed, when the binary cannot
 * be found. */
int ab_discovery_setup(const char *cmd, bool isolate, double timeout_s, ab_discovery *storage,
                       const ab_discovery **how, char *exe, size_t len);

/* Append one argument to a growing list (a repeatable option); 0 when out of memory. */
int ab_cli_add_path(const char *arg, const char ***list, size_t *n);

/* The subject `sel` names for compare --baseline: the reporter's selectors plus @HOST and
 * #RUN qualifiers (cli_baseline.c); AB_E_INVALID listing the matches when not exactly one. */
ab_status ab_cli_select_baseline(const struct ab_report *rep, const char *sel, size_t *subject,
                                 char *msg);

/* ---- run bundles (cli_bundle.c, cli_verify.c; docs/verify.md) ------------------------- */

/* Read the --public-key files into *keys (malloc'ed, n of them); on a bad file print
 * "PROG: --public-key: FILE: ..." and return 0. */
int ab_cli_load_public_keys(const char *prog, const char *const *paths, size_t n,
                            ab_public_key **keys);

/* Verify the run directory of every input of a report and keep the outcome in its trust,
 * for the renderers to show. */
void ab_cli_report_trust(struct ab_report *rep, const ab_public_key *keys, size_t n_keys);

/* Size and SHA-256 of a backend's module file into its record (left empty when the file
 * cannot be read). */
void ab_backend_provenance(ab_backend_record *b);

/* Seal a run directory: hash its files (run.json, journal, invocation, summary, reports)
 * and the run's inputs (suite, backend modules, this binary) into DIR/manifest.json, on top
 * of the inputs `m` holds already (the catalogue files of the run's reports), and sign it
 * with `key` (NULL: unsigned). */
ab_status ab_bundle_seal(ab_manifest *m, const char *dir, const ab_run *run,
                         const ab_secret_key *key, char *msg);

#endif
