/* Ed25519 through libsodium (crypto_sign_*). Key files are written and read here only. A
 * build without libsodium refuses every key and signature with the reason (at the end). */
#include "model/signing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/digest.h"
#include "model/util.h"

#ifdef AB_HAVE_SODIUM
#include <sodium.h>

#define SECRET_TAG "accelbench-ed25519-secret-key"
#define PUBLIC_TAG "accelbench-ed25519-public-key"
#define SEED_BYTES crypto_sign_SEEDBYTES

_Static_assert(crypto_sign_PUBLICKEYBYTES == AB_ED25519_PUBLIC_BYTES, "public key size");
_Static_assert(crypto_sign_SECRETKEYBYTES == sizeof(ab_secret_key), "secret key size");
_Static_assert(crypto_sign_BYTES == AB_ED25519_SIG_BYTES, "signature size");

/* libsodium picks its implementations at init; safe to call from any thread, any number
 * of times. */
static ab_status sodium_ready(char *msg) {
  if (sodium_init() < 0) {
    ab_msgf(msg, AB_MSG_LEN, "libsodium did not initialise");
    return AB_E_INTERNAL;
  }
  return AB_OK;
}

bool ab_hex_to_bytes(const char *hex, unsigned char *out, size_t n) {
  size_t got = 0;
  const char *end = NULL;
  if (strlen(hex) != 2 * n)
    return false;
  return sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, &end) == 0 && got == n && *end == '\0';
}

void ab_public_key_hex(const ab_public_key *pk, char out[2 * AB_ED25519_PUBLIC_BYTES + 1]) {
  sodium_bin2hex(out, 2 * AB_ED25519_PUBLIC_BYTES + 1, pk->bytes, sizeof pk->bytes);
}

bool ab_public_key_from_hex(const char *hex, ab_public_key *out) {
  return ab_hex_to_bytes(hex, out->bytes, sizeof out->bytes);
}

void ab_key_fingerprint(const ab_public_key *pk, char out[AB_KEY_FINGERPRINT_LEN]) {
  char hex[AB_SHA256_HEX_LEN];
  ab_sha256_buffer(pk->bytes, sizeof pk->bytes, hex);
  snprintf(out, AB_KEY_FINGERPRINT_LEN, "ed25519:%.16s", hex);
}

void ab_secret_key_public(const ab_secret_key *sk, ab_public_key *out) {
  crypto_sign_ed25519_sk_to_pk(out->bytes, sk->bytes);
}

void ab_secret_key_wipe(ab_secret_key *sk) {
  sodium_memzero(sk->bytes, sizeof sk->bytes);
}

/* ---- key files ------------------------------------------------------------------------ */

/* Creates `path` (never over an existing file) and writes one line; fsynced. */
static ab_status write_new_file(const char *path, mode_t mode, const char *line, char *msg) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    int e = errno;
    ab_msgf(msg, AB_MSG_LEN, "%s: %s", path,
            e == EEXIST ? "exists already; a key file is never replaced (choose another "
                          "--out, or move the old pair away)"
                        : strerror(e));
    return e == EEXIST ? AB_E_INVALID : AB_E_IO;
  }
  size_t len = strlen(line);
  bool ok = write(fd, line, len) == (ssize_t)len && fchmod(fd, mode) == 0 && fsync(fd) == 0;
  int e = errno;
  ok = close(fd) == 0 && ok;
  if (!ok) {
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot write: %s", path, strerror(e));
    unlink(path);
    return AB_E_IO;
  }
  return AB_OK;
}

ab_status ab_keygen(const char *prefix, char *msg) {
  ab_status st = sodium_ready(msg);
  if (st != AB_OK)
    return st;
  char key_path[1100], pub_path[1100], line[160];
  snprintf(key_path, sizeof key_path, "%s.key", prefix);
  snprintf(pub_path, sizeof pub_path, "%s.pub", prefix);
  if (access(pub_path, F_OK) == 0) { /* checked first: a half-written pair helps nobody */
    ab_msgf(msg, AB_MSG_LEN, "%s: exists already; a key file is never replaced", pub_path);
    return AB_E_INVALID;
  }
  ab_public_key pk;
  ab_secret_key sk;
  unsigned char seed[SEED_BYTES];
  char hex[2 * SEED_BYTES + 1];
  crypto_sign_keypair(pk.bytes, sk.bytes);
  crypto_sign_ed25519_sk_to_seed(seed, sk.bytes);
  sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
  snprintf(line, sizeof line, "%s %s\n", SECRET_TAG, hex);
  st = write_new_file(key_path, 0600, line, msg);
  sodium_memzero(line, sizeof line);
  sodium_memzero(hex, sizeof hex);
  sodium_memzero(seed, sizeof seed);
  ab_secret_key_wipe(&sk);
  if (st != AB_OK)
    return st;
  char pub_hex[2 * AB_ED25519_PUBLIC_BYTES + 1];
  ab_public_key_hex(&pk, pub_hex);
  snprintf(line, sizeof line, "%s %s\n", PUBLIC_TAG, pub_hex);
  st = write_new_file(pub_path, 0644, line, msg);
  if (st != AB_OK)
    unlink(key_path); /* a secret key without its public half cannot be used to verify */
  return st;
}

/* Reads "TAG HEX" (one line, surrounding blanks allowed) into out[n]; the file's text is
 * wiped after use since it may hold a secret. */
static ab_status read_key_line(const char *path, const char *tag, unsigned char *out, size_t n,
                               char *msg) {
  FILE *f = fopen(path, "re");
  if (!f) {
    int e = errno;
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot read key: %s", path, strerror(e));
    return e == ENOENT ? AB_E_NOT_FOUND : AB_E_IO;
  }
  char text[512], word[64], hex[256];
  size_t len = fread(text, 1, sizeof text - 1, f);
  bool more = fgetc(f) != EOF;
  fclose(f);
  text[len] = '\0';
  char extra = '\0';
  int fields = sscanf(text, " %63s %255s %c", word, hex, &extra);
  bool ok = !more && fields == 2 && strcmp(word, tag) == 0 && ab_hex_to_bytes(hex, out, n);
  sodium_memzero(text, sizeof text);
  sodium_memzero(hex, sizeof hex);
  if (ok)
    return AB_OK;
  bool other = fields >= 1 && (strcmp(word, SECRET_TAG) == 0 || strcmp(word, PUBLIC_TAG) == 0);
  ab_msgf(msg, AB_MSG_LEN, "%s:1: expected \"%s <%zu hex digits>\"%s", path, tag, 2 * n,
          other ? " (this is the other half of a key pair)" : " (as 'accelbench keygen' writes)");
  return AB_E_INVALID;
}

ab_status ab_secret_key_load(const char *path, ab_secret_key *out, char *msg) {
  ab_status st = sodium_ready(msg);
  if (st != AB_OK)
    return st;
  struct stat sb;
  if (stat(path, &sb) == 0 && (sb.st_mode & 077)) {
    ab_msgf(msg, AB_MSG_LEN,
            "%s: mode %04o: a signing key must be readable by its owner only (chmod 600 %s)", path,
            (unsigned)(sb.st_mode & 07777), path);
    return AB_E_INVALID;
  }
  unsigned char seed[SEED_BYTES];
  st = read_key_line(path, SECRET_TAG, seed, sizeof seed, msg);
  if (st == AB_OK) {
    ab_public_key pk;
    crypto_sign_seed_keypair(pk.bytes, out->bytes, seed);
  }
  sodium_memzero(seed, sizeof seed);
  return st;
}

ab_status ab_public_key_load(const char *path, ab_public_key *out, char *msg) {
  return read_key_line(path, PUBLIC_TAG, out->bytes, sizeof out->bytes, msg);
}

/* ---- signatures ----------------------------------------------------------------------- */

ab_status ab_sign(const void *data, size_t len, const ab_secret_key *sk,
                  unsigned char sig[AB_ED25519_SIG_BYTES]) {
  ab_status st = sodium_ready(NULL);
  if (st != AB_OK)
    return st;
  return crypto_sign_detached(sig, NULL, data, len, sk->bytes) == 0 ? AB_OK : AB_E_INTERNAL;
}

bool ab_signature_valid(const void *data, size_t len, const unsigned char sig[AB_ED25519_SIG_BYTES],
                        const ab_public_key *pk) {
  if (sodium_ready(NULL) != AB_OK)
    return false;
  return crypto_sign_verify_detached(sig, data, len, pk->bytes) == 0;
}
#else
#define NO_SIGNING AB_NO_SODIUM_TEXT ": signing unavailable"

static ab_status no_signing(const char *path, char *msg) {
  ab_msgf(msg, AB_MSG_LEN, "%s: " NO_SIGNING, path);
  return AB_E_UNSUPPORTED;
}

ab_status ab_keygen(const char *prefix, char *msg) {
  return no_signing(prefix, msg);
}

ab_status ab_secret_key_load(const char *path, ab_secret_key *out, char *msg) {
  memset(out, 0, sizeof *out);
  return no_signing(path, msg);
}

ab_status ab_public_key_load(const char *path, ab_public_key *out, char *msg) {
  memset(out, 0, sizeof *out);
  return no_signing(path, msg);
}

/* Unreachable without a loaded key; kept so callers link. */
void ab_secret_key_public(const ab_secret_key *sk, ab_public_key *out) {
  (void)sk;
  memset(out, 0, sizeof *out);
}

void ab_secret_key_wipe(ab_secret_key *sk) {
  volatile unsigned char *p = sk->bytes; /* volatile: the compiler may not drop the wipe */
  for (size_t i = 0; i < sizeof sk->bytes; i++)
    p[i] = 0;
}

void ab_key_fingerprint(const ab_public_key *pk, char out[AB_KEY_FINGERPRINT_LEN]) {
  (void)pk;
  snprintf(out, AB_KEY_FINGERPRINT_LEN, "ed25519:unknown");
}

static int hex_digit(char c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

bool ab_hex_to_bytes(const char *hex, unsigned char *out, size_t n) {
  if (strlen(hex) != 2 * n)
    return false;
  for (size_t i = 0; i < n; i++) {
    int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out[i] = (unsigned char)(hi << 4 | lo);
  }
  return true;
}

void ab_public_key_hex(const ab_public_key *pk, char out[2 * AB_ED25519_PUBLIC_BYTES + 1]) {
  for (size_t i = 0; i < sizeof pk->bytes; i++)
    snprintf(out + 2 * i, 3, "%02x", pk->bytes[i]);
}

bool ab_public_key_from_hex(const char *hex, ab_public_key *out) {
  return ab_hex_to_bytes(hex, out->bytes, sizeof out->bytes);
}

ab_status ab_sign(const void *data, size_t len, const ab_secret_key *sk,
                  unsigned char sig[AB_ED25519_SIG_BYTES]) {
  (void)data;
  (void)len;
  (void)sk;
  memset(sig, 0, AB_ED25519_SIG_BYTES);
  return AB_E_UNSUPPORTED;
}

bool ab_signature_valid(const void *data, size_t len, const unsigned char sig[AB_ED25519_SIG_BYTES],
                        const ab_public_key *pk) {
  (void)data;
  (void)len;
  (void)sig;
  (void)pk;
  return false;
}
#endif
