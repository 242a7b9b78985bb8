/* SHA-256 through libsodium (crypto_hash_sha256), streamed so a large module or run file is
 * never held in memory whole. A build without libsodium has no SHA-256 (accelbench keeps no
 * hash code of its own) and says so instead. */
#include "model/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/util.h"

#ifdef AB_HAVE_SODIUM
#include <sodium.h>

bool ab_sha256_available(char *msg) {
  (void)msg;
  return true;
}

static void to_hex(const unsigned char digest[crypto_hash_sha256_BYTES],
                   char hex[AB_SHA256_HEX_LEN]) {
  sodium_bin2hex(hex, AB_SHA256_HEX_LEN, digest, crypto_hash_sha256_BYTES);
}

void ab_sha256_buffer(const void *data, size_t len, char hex[AB_SHA256_HEX_LEN]) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, data, len);
  to_hex(digest, hex);
}

/* Feeds the whole of fd to the hash; false on a read error (errno says which). */
static int hash_fd(int fd, crypto_hash_sha256_state *st, uint64_t *size) {
  unsigned char buf[1 << 16];
  for (;;) {
    ssize_t got = read(fd, buf, sizeof buf);
    if (got == 0)
      return 1;
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return 0;
    crypto_hash_sha256_update(st, buf, (unsigned long long)got);
    *size += (uint64_t)got;
  }
}

ab_status ab_sha256_file(const char *path, char hex[AB_SHA256_HEX_LEN], uint64_t *size, char *msg) {
  hex[0] = '\0';
  *size = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot read: %s", path, strerror(e));
    return e == ENOENT ? AB_E_NOT_FOUND : AB_E_IO;
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    ab_msgf(msg, AB_MSG_LEN, "%s: not a regular file", path);
    close(fd);
    return AB_E_IO;
  }
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  int ok = hash_fd(fd, &st, size);
  int e = errno;
  close(fd);
  if (!ok) {
    ab_msgf(msg, AB_MSG_LEN, "%s: read error: %s", path, strerror(e));
    return AB_E_IO;
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, digest);
  to_hex(digest, hex);
  return AB_OK;
}
#else
bool ab_sha256_available(char *msg) {
  ab_msgf(msg, AB_MSG_LEN, "no SHA-256: " AB_NO_SODIUM_TEXT);
  return false;
}

void ab_sha256_buffer(const void *data, size_t len, char hex[AB_SHA256_HEX_LEN]) {
  (void)data;
  (void)len;
  hex[0] = '\0';
}

ab_status ab_sha256_file(const char *path, char hex[AB_SHA256_HEX_LEN], uint64_t *size, char *msg) {
  hex[0] = '\0';
  *size = 0;
  ab_msgf(msg, AB_MSG_LEN, "%s: not hashed: no SHA-256: " AB_NO_SODIUM_TEXT, path);
  return AB_E_UNSUPPORTED;
}
#endif

int ab_sha256_hex_valid(const char *text) {
  size_t n = 0;
  for (; text[n]; n++)
    if (!((text[n] >= '0' && text[n] <= '9') || (text[n] >= 'a' && text[n] <= 'f')))
      return 0;
  return n == AB_SHA256_HEX_LEN - 1;
}
