/* accelbench — SHA-256 of files and buffers: the one hashing helper. Run-bundle manifests
 * (model/manifest.h) and module provenance (ab_backend_record) both hash through it, so a
 * module's hash in the run file and in the manifest are the same text. */
#ifndef AB_MODEL_DIGEST_H
#define AB_MODEL_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accelbench/status.h"

/* What a build without libsodium says where it would hash or sign (docs/install.md). */
#define AB_NO_SODIUM_TEXT "this accelbench was built without libsodium (AB_WITH_SODIUM=OFF)"

/* Whether this build hashes (it does with libsodium); if not, msg (AB_MSG_LEN bytes) says so
 * and every hash below fails: run bundles get no manifest, and verify cannot check one. */
bool ab_sha256_available(char *msg);

/* 64 lower-case hex digits and the NUL. */
#define AB_SHA256_HEX_LEN 65

/* SHA-256 of a regular file's bytes, as hex, and its size. AB_E_NOT_FOUND when the file is
 * absent, AB_E_IO when it cannot be read or is not a regular file; msg names the path. */
ab_status ab_sha256_file(const char *path, char hex[AB_SHA256_HEX_LEN], uint64_t *size, char *msg);

/* SHA-256 of a buffer, as hex ("" in a build without libsodium). */
void ab_sha256_buffer(const void *data, size_t len, char hex[AB_SHA256_HEX_LEN]);

/* Whether `text` is exactly 64 lower-case hex digits (a SHA-256 as written above). */
int ab_sha256_hex_valid(const char *text);

#endif
