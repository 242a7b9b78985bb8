/* accelbench — verifying a run bundle (docs/verify.md): the manifest's hashes, the
 * signature, and every derived figure of the run file recomputed from its raw record with
 * the code the run itself used (statistics: stats.c; rates: model/rates.c; status:
 * model/verdict.c; energy and perf/W: power/figures.c). */
#ifndef AB_VERIFY_H
#define AB_VERIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/manifest.h"
#include "model/runfile.h"

/* Two doubles agree when they differ by at most this fraction of the larger. The run file
 * keeps 17 significant digits, so a value reads back exactly, and a figure recomputed by
 * the same code from the same inputs is equal to the last bit where it was written; the
 * margin lets a verifier built by another compiler or for another CPU round the last bits
 * its own way. It is a million million times finer than the 3 digits a report prints, so
 * no edit that shows in a report gets through. */
#define AB_VERIFY_REL_TOL 1e-12

typedef struct ab_figure_counts {
  size_t cases;         /* cases in the run file */
  size_t timed;         /* cases with statistics */
  size_t recomputed;    /* of those, recomputed from raw samples */
  size_t samples;       /* raw samples read */
  size_t power_sources; /* power sources whose figures were recomputed */
} ab_figure_counts;

/* Recompute every derived figure of each case of `run` (as ab_run_load read it; `root` is
 * the same document) and add one mismatch per figure that differs, named by its place:
 * "cases[3].timing.time_s.median: file 0.001, recomputed 0.01". Statistics come from the
 * raw samples; a timed case without them is a mismatch ("no raw samples: statistics not
 * recomputed"), since nothing then backs its figures. */
void ab_verify_figures(const ab_run *run, const json_t *root, ab_findings *f,
                       ab_figure_counts *counts);

typedef struct ab_bundle_check {
  ab_findings findings; /* any mismatch: the bundle does not verify */
  bool have_manifest;
  ab_manifest_counts files;
  bool inputs_rehashed; /* false: verified on another host than the run's */
  char run_host[128];   /* system.hostname of the run file */
  ab_figure_counts figures;
  ab_signature_state signature;
  char signer[AB_KEY_FINGERPRINT_LEN]; /* with a signature: the key it names */
  bool signer_trusted;                 /* that key is one of the keys given */
  ab_trust trust;                      /* the whole outcome in one cell, for reports */
} ab_bundle_check;

/* Verify the run directory `dir`: its manifest (every run-directory file rehashed; the
 * inputs outside it rehashed when this is the host that ran it, since another machine's
 * files at the same paths are other files), the signature against `keys` (a signature by
 * any other key is a mismatch; with no keys it is reported, not trusted), and the figures.
 * Never fails: everything found goes into `out`; free it with ab_bundle_check_free. */
void ab_bundle_verify(const char *dir, const ab_public_key *keys, size_t n_keys,
                      ab_bundle_check *out);
void ab_bundle_check_free(ab_bundle_check *c);

/* The trust `report` and `compare` show for one run file: its directory is verified when
 * the file is the run.json of a run directory with a manifest; otherwise it is not
 * verified, with the reason. */
void ab_run_file_trust(const char *run_path, const ab_public_key *keys, size_t n_keys,
                       ab_trust *out);

#endif
