/* accelbench — Ed25519 keys and signatures for run bundles (docs/verify.md).
 *
 * Key files are one line of text each, so they can be read, mailed and compared by eye:
 *   PREFIX.key  "accelbench-ed25519-secret-key <64 hex digits: the key's seed>"  mode 0600
 *   PREFIX.pub  "accelbench-ed25519-public-key <64 hex digits>"
 * A key is shown by its fingerprint, "ed25519:" and the first 16 hex digits of the SHA-256
 * of the public key. */
#ifndef AB_MODEL_SIGNING_H
#define AB_MODEL_SIGNING_H

#include <stdbool.h>
#include <stddef.h>

#include "accelbench/status.h"

#define AB_ED25519_PUBLIC_BYTES 32
#define AB_ED25519_SIG_BYTES    64
/* "ed25519:" + 16 hex digits + NUL */
#define AB_KEY_FINGERPRINT_LEN 25

typedef struct ab_public_key {
  unsigned char bytes[AB_ED25519_PUBLIC_BYTES];
} ab_public_key;

/* A secret key in memory (libsodium's 64-byte form: seed and public key). Wipe it with
 * ab_secret_key_wipe() when done. */
typedef struct ab_secret_key {
  unsigned char bytes[64];
} ab_secret_key;

/* Make a new key pair and write PREFIX.key (mode 0600) and PREFIX.pub. Refuses to replace
 * an existing file of either name (AB_E_INVALID): a lost key cannot be recovered. */
ab_status ab_keygen(const char *prefix, char *msg);

/* Read a key file written by ab_keygen. A secret key readable by group or others is
 * refused, as ssh refuses one. Errors name the file and what was expected. */
ab_status ab_secret_key_load(const char *path, ab_secret_key *out, char *msg);
ab_status ab_public_key_load(const char *path, ab_public_key *out, char *msg);

void ab_secret_key_public(const ab_secret_key *sk, ab_public_key *out);
void ab_secret_key_wipe(ab_secret_key *sk);

/* "ed25519:0123456789abcdef" (AB_KEY_FINGERPRINT_LEN bytes with the NUL). */
void ab_key_fingerprint(const ab_public_key *pk, char out[AB_KEY_FINGERPRINT_LEN]);

/* Key bytes as 64 hex digits (65 bytes with the NUL), and back (false on bad text). */
void ab_public_key_hex(const ab_public_key *pk, char out[2 * AB_ED25519_PUBLIC_BYTES + 1]);
bool ab_public_key_from_hex(const char *hex, ab_public_key *out);

/* Detached Ed25519 signature of `len` bytes. */
ab_status ab_sign(const void *data, size_t len, const ab_secret_key *sk,
                  unsigned char sig[AB_ED25519_SIG_BYTES]);

/* Whether `sig` is a valid signature of the bytes by `pk`. */
bool ab_signature_valid(const void *data, size_t len, const unsigned char sig[AB_ED25519_SIG_BYTES],
                        const ab_public_key *pk);

/* Exactly 2 * n hex digits into n bytes; false on any other text. */
bool ab_hex_to_bytes(const char *hex, unsigned char *out, size_t n);

#endif
