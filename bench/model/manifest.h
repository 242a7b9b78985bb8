/* accelbench — the run bundle's manifest and signature (docs/verify.md).
 *
 * DIR/manifest.json lists every file of the run directory (run.json, the journal, the
 * invocation, summary and reports) by name with its size and SHA-256, and every input
 * outside it (the suite file, the catalogue files, the backend modules, the accelbench
 * binary) by absolute path. DIR/manifest.sig, when the run was signed, holds an Ed25519
 * signature of manifest.json's exact bytes and the signer's public key. Writing, reading
 * and checking both files lives here; recomputing the run file's figures is the harness's
 * (bench/verify.h). */
#ifndef AB_MODEL_MANIFEST_H
#define AB_MODEL_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accelbench/status.h"
#include "model/digest.h"
#include "model/signing.h"

#define AB_MANIFEST_FILE           "manifest.json"
#define AB_SIGNATURE_FILE          "manifest.sig"
#define AB_MANIFEST_SCHEMA_VERSION 1

/* One hashed file. role "file" is a file of the run directory, named by `name` alone;
 * every other role ("suite", "catalogue", "backend", "binary") is an input outside it,
 * named by its absolute `path` (and a backend also by `name`). */
typedef struct ab_manifest_entry {
  char role[16];
  char name[64];
  char path[1024];
  uint64_t size;
  char sha256[AB_SHA256_HEX_LEN];
} ab_manifest_entry;

typedef struct ab_manifest {
  char created_utc[32];
  ab_manifest_entry *entries; /* owned */
  size_t n_entries;
} ab_manifest;

/* Hash DIR/NAME into the manifest as a run-directory file. AB_E_NOT_FOUND (and nothing
 * added) when the file is absent, so the caller can skip an optional one. */
ab_status ab_manifest_add_file(ab_manifest *m, const char *dir, const char *name, char *msg);

/* Hash an input outside the run directory, by its absolute path (resolved here); a path
 * already in the manifest is not added twice. */
ab_status ab_manifest_add_input(ab_manifest *m, const char *role, const char *name,
                                const char *path, char *msg);

/* The same with a hash taken earlier (a module hashed when it was loaded, as the run file
 * records it): the manifest then says what was used, and a later change shows on verify. */
ab_status ab_manifest_add_hashed(ab_manifest *m, const char *role, const char *name,
                                 const char *path, uint64_t size, const char *sha256, char *msg);

/* Write DIR/manifest.json atomically and, with a key, DIR/manifest.sig over its exact
 * bytes; without one, a manifest.sig left by an earlier run in DIR is removed (it would
 * not match the new manifest). */
ab_status ab_manifest_write(const ab_manifest *m, const char *dir, const ab_secret_key *key,
                            char *msg);

/* Sign the DIR/manifest.json that is there, as it is (accelbench sign). */
ab_status ab_manifest_sign(const char *dir, const ab_secret_key *key, char *msg);

/* Read DIR/manifest.json strictly ("DIR/manifest.json: inputs[2].sha256: expected ...");
 * *bytes (may be NULL) receives the file's exact bytes, for the signature check (free it).
 * AB_E_NOT_FOUND when there is no manifest. */
ab_status ab_manifest_load(const char *dir, ab_manifest *m, char **bytes, size_t *len, char *msg);

void ab_manifest_free(ab_manifest *m);

/* ---- what a check found ------------------------------------------------------------- */

/* Mismatches fail verification; notes say what was not checked and why. Each is one line
 * naming its place ("run.json: sha256 ...", "cases[3].timing.time_s.median: ..."). */
typedef struct ab_findings {
  char **mismatches;
  size_t n_mismatches;
  char **notes;
  size_t n_notes;
  bool out_of_memory; /* a line could not be kept: verification must fail */
} ab_findings;

void ab_findings_mismatch(ab_findings *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ab_findings_note(ab_findings *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ab_findings_free(ab_findings *f);

/* Counts of a manifest check, for the summary line. */
typedef struct ab_manifest_counts {
  size_t files, files_ok;     /* run-directory files */
  size_t inputs, inputs_ok;   /* inputs outside it, rehashed */
  size_t inputs_absent;       /* not on this machine */
  size_t inputs_not_rehashed; /* left alone (another machine) */
} ab_manifest_counts;

/* Rehash every run-directory file of the manifest (a missing or changed one is a
 * mismatch) and, with `rehash_inputs`, every input that exists here (absent ones are
 * noted). A manifest that does not list run.json is a mismatch too. */
void ab_manifest_check(const ab_manifest *m, const char *dir, bool rehash_inputs, ab_findings *f,
                       ab_manifest_counts *counts);

typedef enum ab_signature_state {
  AB_SIGNATURE_NONE = 0, /* no manifest.sig */
  AB_SIGNATURE_BAD,      /* unreadable, or not a signature of this manifest by its key */
  AB_SIGNATURE_VALID,    /* a valid signature by `signer` (trusted or not: the caller says) */
} ab_signature_state;

/* Check DIR/manifest.sig against the manifest's exact bytes; `signer` gets the key the
 * signature names, `why` (may be NULL) the reason for AB_SIGNATURE_BAD. */
ab_signature_state ab_manifest_signature(const char *dir, const char *bytes, size_t len,
                                         ab_public_key *signer, char *why, size_t why_len);

/* ---- trust: what a report says about one input --------------------------------------- */

typedef enum ab_trust_state {
  AB_TRUST_NOT_CHECKED = 0, /* nobody checked (the report written inside a run directory) */
  AB_TRUST_VERIFIED,        /* manifest, figures and a signature by a given key all match */
  AB_TRUST_UNSIGNED,        /* manifest and figures match; the bundle is not signed */
  AB_TRUST_NOT_VERIFIED,    /* no manifest, a mismatch, or no given key checks the signature */
} ab_trust_state;

/* Why a run file is not verified, for a renderer that words it in another language: the
 * checker's finding (`why`, shown as given), or one of two causes it words itself. */
typedef enum ab_trust_cause {
  AB_TRUST_CAUSE_FINDING = 0, /* a mismatch the check found: `why` */
  AB_TRUST_CAUSE_NOT_BUNDLE,  /* no manifest beside the run file */
  AB_TRUST_CAUSE_UNTRUSTED,   /* signed, but by no key given to the verifier (`key`) */
} ab_trust_cause;

typedef struct ab_trust {
  ab_trust_state state;
  ab_trust_cause cause;             /* NOT_VERIFIED only */
  char key[AB_KEY_FINGERPRINT_LEN]; /* VERIFIED: the key that checked; else the signer, if any */
  char why[256];                    /* NOT_VERIFIED: the first reason (and how many more) */
} ab_trust;

/* "verified", "unsigned", "not verified", "not checked"; never NULL. */
const char *ab_trust_state_name(ab_trust_state s);

/* One cell of text: "verified (ed25519:0123456789abcdef)", "unsigned", "not verified
 * (WHY)", "not checked". */
void ab_trust_text(const ab_trust *t, char *buf, size_t len);

#endif
