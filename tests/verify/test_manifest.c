/* The run bundle's manifest and signature (bench/model/manifest.c): what is written reads
 * back; every changed, missing or unlisted file is a mismatch; a signature covers the
 * manifest's exact bytes; a stale signature never outlives its manifest. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/manifest.h"

static char dir[64];
static char outside[128]; /* an input outside the run directory */

static void write_file(const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f, "%s", path);
  fputs(text, f);
  fclose(f);
}

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/ab-manifest-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  write_file("run.json", "{\"schema\": \"accelbench-run\"}\n");
  write_file("journal.jsonl", "{}\n");
  write_file("suite.yaml", "suite: x\n");
  snprintf(outside, sizeof outside, "%s/suite.yaml", dir);
}

static void teardown(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

TestSuite(manifest, .init = setup, .fini = teardown);

static void write_manifest(const ab_secret_key *key) {
  ab_manifest m = {0};
  char msg[AB_MSG_LEN] = "";
  strcpy(m.created_utc, "2026-11-23T16:50:54Z");
  cr_assert_eq(ab_manifest_add_file(&m, dir, "run.json", msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_manifest_add_file(&m, dir, "journal.jsonl", msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_manifest_add_file(&m, dir, "summary.md", msg), AB_E_NOT_FOUND);
  cr_assert_eq(ab_manifest_add_input(&m, "suite", NULL, outside, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_manifest_add_input(&m, "suite", NULL, outside, msg), AB_OK, "%s", msg);
  cr_assert_eq(m.n_entries, 3, "an input is listed once");
  cr_assert_eq(ab_manifest_write(&m, dir, key, msg), AB_OK, "%s", msg);
  ab_manifest_free(&m);
}

/* Loads and checks the manifest; returns the number of mismatches (findings freed). */
static size_t check(bool inputs, char *first, size_t len) {
  ab_manifest m;
  ab_findings f = {0};
  ab_manifest_counts counts;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_manifest_load(dir, &m, NULL, NULL, msg), AB_OK, "%s", msg);
  ab_manifest_check(&m, dir, inputs, &f, &counts);
  cr_assert_eq(counts.files, 2);
  size_t n = f.n_mismatches;
  if (first)
    snprintf(first, len, "%s", n ? f.mismatches[0] : "");
  ab_findings_free(&f);
  ab_manifest_free(&m);
  return n;
}

Test(manifest, written_bundle_checks_clean) {
  write_manifest(NULL);
  cr_assert_eq(check(true, NULL, 0), 0);
  ab_manifest m;
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_manifest_load(dir, &m, NULL, NULL, msg), AB_OK, "%s", msg);
  cr_assert_str_eq(m.entries[0].name, "run.json");
  cr_assert_str_eq(m.entries[2].role, "suite");
  cr_assert_eq(m.entries[2].path[0], '/', "inputs are named by absolute path");
  ab_manifest_free(&m);
}

Test(manifest, changed_missing_and_unlisted_files_are_mismatches) {
  char first[AB_MSG_LEN];
  write_manifest(NULL);
  write_file("journal.jsonl", "{ }\n");
  cr_assert_eq(check(true, first, sizeof first), 1);
  cr_assert(strstr(first, "journal.jsonl: sha256 ") && strstr(first, "the manifest says"), "%s",
            first);
  write_manifest(NULL);
  char path[256];
  snprintf(path, sizeof path, "%s/run.json", dir);
  unlink(path);
  cr_assert_eq(check(true, first, sizeof first), 1);
  cr_assert(strstr(first, "run.json: listed in the manifest, absent from the run directory"), "%s",
            first);

  /* A manifest that leaves out run.json covers nothing that matters. */
  write_file("manifest.json", "{\"schema\": \"accelbench-manifest\", \"schema_version\": 1, "
                              "\"created_utc\": \"x\", \"files\": {}, \"inputs\": []}\n");
  ab_manifest m;
  ab_findings f = {0};
  ab_manifest_counts counts;
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_manifest_load(dir, &m, NULL, NULL, msg), AB_OK, "%s", msg);
  ab_manifest_check(&m, dir, true, &f, &counts);
  cr_assert_eq(f.n_mismatches, 1);
  cr_assert(strstr(f.mismatches[0], "run.json is not listed"), "%s", f.mismatches[0]);
  ab_findings_free(&f);
  ab_manifest_free(&m);
}

Test(manifest, inputs_are_rehashed_only_when_asked) {
  char first[AB_MSG_LEN];
  write_manifest(NULL);
  write_file("suite.yaml", "suite: y\n");
  cr_assert_eq(check(false, NULL, 0), 0, "another host's inputs are not rehashed");
  cr_assert_eq(check(true, first, sizeof first), 1);
  cr_assert(strstr(first, "suite ") && strstr(first, "suite.yaml: sha256"), "%s", first);
  unlink(outside);
  cr_assert_eq(check(true, NULL, 0), 0, "an absent input is a note, not a mismatch");
}

Test(manifest, signature_covers_the_exact_bytes) {
  char prefix[128], path[160], msg[AB_MSG_LEN], why[AB_MSG_LEN];
  snprintf(prefix, sizeof prefix, "%s/key", dir);
  cr_assert_eq(ab_keygen(prefix, msg), AB_OK, "%s", msg);
  snprintf(path, sizeof path, "%s.key", prefix);
  ab_secret_key sk;
  ab_public_key pk, signer;
  cr_assert_eq(ab_secret_key_load(path, &sk, msg), AB_OK, "%s", msg);
  ab_secret_key_public(&sk, &pk);
  write_manifest(&sk);

  ab_manifest m;
  char *bytes;
  size_t len;
  cr_assert_eq(ab_manifest_load(dir, &m, &bytes, &len, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_manifest_signature(dir, bytes, len, &signer, why, sizeof why), AB_SIGNATURE_VALID,
               "%s", why);
  cr_assert_eq(memcmp(signer.bytes, pk.bytes, sizeof pk.bytes), 0, "names the signing key");
  bytes[len - 2] = bytes[len - 2] == ' ' ? '\t' : ' '; /* one byte of the manifest */
  cr_assert_eq(ab_manifest_signature(dir, bytes, len, &signer, why, sizeof why), AB_SIGNATURE_BAD);
  cr_assert(strstr(why, "not a valid signature of manifest.json"), "%s", why);
  free(bytes);
  ab_manifest_free(&m);

  /* Re-signing the manifest as it is (accelbench sign) gives a valid signature again. */
  cr_assert_eq(ab_manifest_sign(dir, &sk, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_manifest_load(dir, &m, &bytes, &len, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_manifest_signature(dir, bytes, len, &signer, why, sizeof why), AB_SIGNATURE_VALID,
               "%s", why);
  free(bytes);
  ab_manifest_free(&m);

  /* An unsigned manifest written over a signed one removes the old signature. */
  write_manifest(NULL);
  cr_assert_eq(ab_manifest_load(dir, &m, &bytes, &len, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_manifest_signature(dir, bytes, len, &signer, why, sizeof why), AB_SIGNATURE_NONE);
  free(bytes);
  ab_manifest_free(&m);

  write_file("manifest.sig", "{\"algorithm\": \"rsa\"}\n");
  cr_assert_eq(ab_manifest_load(dir, &m, &bytes, &len, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_manifest_signature(dir, bytes, len, &signer, why, sizeof why), AB_SIGNATURE_BAD);
  cr_assert(strstr(why, "manifest.sig: expected {\"algorithm\": \"ed25519\""), "%s", why);
  free(bytes);
  ab_manifest_free(&m);
  ab_secret_key_wipe(&sk);
}

static void refused(const char *text, const char *want) {
  ab_manifest m;
  char msg[AB_MSG_LEN] = "";
  write_file("manifest.json", text);
  cr_assert_eq(ab_manifest_load(dir, &m, NULL, NULL, msg), AB_E_INVALID, "accepted: %s", text);
  cr_assert(strstr(msg, want), "message \"%s\" lacks \"%s\"", msg, want);
  cr_assert(strstr(msg, "manifest.json"), "message does not name the file: %s", msg);
}

#define HEAD "{\"schema\": \"accelbench-manifest\", \"schema_version\": 1, \"created_utc\": \"x\", "
#define SHA  "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\""

Test(manifest, bad_manifests_are_refused_with_the_field) {
  refused("[]", "expected a JSON object");
  refused("{\"schema\": \"accelbench-run\"}", "schema: expected \"accelbench-manifest\"");
  refused("{\"schema\": \"accelbench-manifest\", \"schema_version\": 9}",
          "schema_version: 9, this accelbench reads up to 1");
  refused(HEAD "\"files\": {\"../etc/passwd\": {\"size\": 0, \"sha256\": " SHA
               "}}, \"inputs\": []}",
          "files[\"../etc/passwd\"]: expected a plain file name");
  refused(HEAD "\"files\": {\"run.json\": {\"size\": 0, \"sha256\": \"abc\"}}, \"inputs\": []}",
          "files[\"run.json\"].sha256: expected 64 lower-case hex digits");
  refused(HEAD "\"files\": {\"run.json\": {\"size\": -1, \"sha256\": " SHA "}}, \"inputs\": []}",
          "files[\"run.json\"].size: expected an integer >= 0");
  refused(HEAD "\"files\": {}, \"inputs\": [{\"role\": \"suite\", \"path\": \"rel/x.yaml\", "
               "\"size\": 0, \"sha256\": " SHA "}]}",
          "inputs[0]: path: expected an absolute path");
  refused(HEAD "\"files\": {}, \"inputs\": [{\"path\": \"/x\", \"size\": 0, \"sha256\": " SHA "}]}",
          "inputs[0].role: expected a string");
  refused("{\"schema\": ", "not valid JSON");
  ab_manifest m;
  char msg[AB_MSG_LEN];
  unlink(outside);
  char path[256];
  snprintf(path, sizeof path, "%s/manifest.json", dir);
  unlink(path);
  cr_assert_eq(ab_manifest_load(dir, &m, NULL, NULL, msg), AB_E_NOT_FOUND);
}

Test(manifest, trust_text) {
  ab_trust t = {.state = AB_TRUST_VERIFIED};
  char buf[320];
  strcpy(t.key, "ed25519:0123456789abcdef");
  ab_trust_text(&t, buf, sizeof buf);
  cr_assert_str_eq(buf, "verified (ed25519:0123456789abcdef)");
  t.state = AB_TRUST_NOT_VERIFIED;
  strcpy(t.why, "run.json: sha256 ...");
  ab_trust_text(&t, buf, sizeof buf);
  cr_assert_str_eq(buf, "not verified (run.json: sha256 ...)");
  t.state = AB_TRUST_UNSIGNED;
  ab_trust_text(&t, buf, sizeof buf);
  cr_assert_str_eq(buf, "unsigned");
}
