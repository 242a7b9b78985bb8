/* SHA-256 (bench/model/digest.c) and Ed25519 keys and signatures (bench/model/signing.c):
 * known answers, key files and their refusals, signatures that fail when anything moves. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/digest.h"
#include "model/signing.h"

static char dir[64];

static void make_dir(void) {
  snprintf(dir, sizeof dir, "/tmp/ab-signing-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

static void write_file(const char *path, const char *text, mode_t mode) {
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f, "%s", path);
  fputs(text, f);
  fclose(f);
  cr_assert_eq(chmod(path, mode), 0);
}

TestSuite(signing, .init = make_dir, .fini = remove_dir);

/* FIPS 180-2 test vectors. */
Test(signing, sha256_known_answers) {
  char hex[AB_SHA256_HEX_LEN];
  ab_sha256_buffer("abc", 3, hex);
  cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ab_sha256_buffer("", 0, hex);
  cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  cr_assert(ab_sha256_hex_valid(hex));
  cr_assert_not(
      ab_sha256_hex_valid("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
  cr_assert_not(ab_sha256_hex_valid("e3b0"));
}

/* A file larger than the read buffer hashes as its bytes do in one piece. */
Test(signing, sha256_of_a_file_is_that_of_its_bytes) {
  size_t n = 200000;
  char *buf = malloc(n), path[128], a[AB_SHA256_HEX_LEN], b[AB_SHA256_HEX_LEN], msg[AB_MSG_LEN];
  for (size_t i = 0; i < n; i++)
    buf[i] = (char)(i * 131 + 7);
  snprintf(path, sizeof path, "%s/blob", dir);
  FILE *f = fopen(path, "wb");
  cr_assert_eq(fwrite(buf, 1, n, f), n);
  fclose(f);
  uint64_t size = 0;
  cr_assert_eq(ab_sha256_file(path, a, &size, msg), AB_OK, "%s", msg);
  ab_sha256_buffer(buf, n, b);
  cr_assert_str_eq(a, b);
  cr_assert_eq(size, n);
  free(buf);
}

Test(signing, sha256_of_what_is_not_a_file) {
  char hex[AB_SHA256_HEX_LEN], path[128], msg[AB_MSG_LEN];
  uint64_t size;
  snprintf(path, sizeof path, "%s/absent", dir);
  cr_assert_eq(ab_sha256_file(path, hex, &size, msg), AB_E_NOT_FOUND);
  cr_assert(strstr(msg, path), "%s", msg);
  cr_assert_eq(ab_sha256_file(dir, hex, &size, msg), AB_E_IO);
  cr_assert(strstr(msg, "not a regular file"), "%s", msg);
}

static void key_paths(char *sec, char *pub, size_t len) {
  snprintf(sec, len, "%s/k.key", dir);
  snprintf(pub, len, "%s/k.pub", dir);
}

Test(signing, keygen_writes_a_pair_that_signs_and_verifies) {
  char sec[128], pub[128], prefix[128], msg[AB_MSG_LEN];
  key_paths(sec, pub, sizeof sec);
  snprintf(prefix, sizeof prefix, "%s/k", dir);
  cr_assert_eq(ab_keygen(prefix, msg), AB_OK, "%s", msg);
  struct stat sb;
  cr_assert_eq(stat(sec, &sb), 0);
  cr_assert_eq(sb.st_mode & 0777, 0600, "secret key mode %o", sb.st_mode & 0777);
  ab_secret_key sk;
  ab_public_key pk, derived;
  cr_assert_eq(ab_secret_key_load(sec, &sk, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_public_key_load(pub, &pk, msg), AB_OK, "%s", msg);
  ab_secret_key_public(&sk, &derived);
  cr_assert_eq(memcmp(pk.bytes, derived.bytes, sizeof pk.bytes), 0, "the pair does not match");

  const char text[] = "manifest bytes\n";
  unsigned char sig[AB_ED25519_SIG_BYTES];
  cr_assert_eq(ab_sign(text, sizeof text - 1, &sk, sig), AB_OK);
  cr_assert(ab_signature_valid(text, sizeof text - 1, sig, &pk));
  cr_assert_not(ab_signature_valid("manifest bytes.\n", sizeof text - 1, sig, &pk),
                "a changed byte must fail");
  sig[5] ^= 1;
  cr_assert_not(ab_signature_valid(text, sizeof text - 1, sig, &pk), "a damaged signature");
  ab_secret_key_wipe(&sk);

  char fp[AB_KEY_FINGERPRINT_LEN];
  ab_key_fingerprint(&pk, fp);
  cr_assert_eq(strncmp(fp, "ed25519:", 8), 0, "%s", fp);
  cr_assert_eq(strlen(fp), 24, "%s", fp);
  cr_assert_eq(ab_keygen(prefix, msg), AB_E_INVALID, "a key is never replaced");
  cr_assert(strstr(msg, "exists already"), "%s", msg);
}

Test(signing, other_keys_do_not_verify) {
  char a[128], b[128], msg[AB_MSG_LEN], path[160];
  snprintf(a, sizeof a, "%s/a", dir);
  snprintf(b, sizeof b, "%s/b", dir);
  cr_assert_eq(ab_keygen(a, msg), AB_OK, "%s", msg);
  cr_assert_eq(ab_keygen(b, msg), AB_OK, "%s", msg);
  ab_secret_key sa;
  ab_public_key pb;
  snprintf(path, sizeof path, "%s.key", a);
  cr_assert_eq(ab_secret_key_load(path, &sa, msg), AB_OK, "%s", msg);
  snprintf(path, sizeof path, "%s.pub", b);
  cr_assert_eq(ab_public_key_load(path, &pb, msg), AB_OK, "%s", msg);
  unsigned char sig[AB_ED25519_SIG_BYTES];
  cr_assert_eq(ab_sign("x", 1, &sa, sig), AB_OK);
  cr_assert_not(ab_signature_valid("x", 1, sig, &pb));
}

Test(signing, key_files_are_checked) {
  char sec[128], pub[128], prefix[128], msg[AB_MSG_LEN];
  key_paths(sec, pub, sizeof sec);
  snprintf(prefix, sizeof prefix, "%s/k", dir);
  cr_assert_eq(ab_keygen(prefix, msg), AB_OK, "%s", msg);
  ab_secret_key sk;
  ab_public_key pk;
  cr_assert_eq(ab_public_key_load(sec, &pk, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "k.key:1: expected \"accelbench-ed25519-public-key <64 hex digits>\""),
            "%s", msg);
  cr_assert(strstr(msg, "other half of a key pair"), "%s", msg);
  cr_assert_eq(chmod(sec, 0640), 0);
  cr_assert_eq(ab_secret_key_load(sec, &sk, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "mode 0640") && strstr(msg, "chmod 600"), "%s", msg);

  char bad[160];
  snprintf(bad, sizeof bad, "%s/bad.pub", dir);
  write_file(bad, "accelbench-ed25519-public-key 0123\n", 0644);
  cr_assert_eq(ab_public_key_load(bad, &pk, msg), AB_E_INVALID, "short hex");
  write_file(bad,
             "accelbench-ed25519-public-key "
             "eb7383c82034ba2328f21bdb93cc50fa5ffd112f24655c06eafedad83f019296 extra\n",
             0644);
  cr_assert_eq(ab_public_key_load(bad, &pk, msg), AB_E_INVALID, "trailing text");
  write_file(bad,
             "accelbench-ed25519-public-key "
             "eb7383c82034ba2328f21bdb93cc50fa5ffd112f24655c06eafedad83f019296\n",
             0644);
  cr_assert_eq(ab_public_key_load(bad, &pk, msg), AB_OK, "%s", msg);
  snprintf(bad, sizeof bad, "%s/absent.pub", dir);
  cr_assert_eq(ab_public_key_load(bad, &pk, msg), AB_E_NOT_FOUND);
  cr_assert(strstr(msg, "absent.pub: cannot read key"), "%s", msg);
}
