#include "model/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/util.h"

/* ---------------------------------------------------------------------------------------
 * Atomic write: temporary file in the target's directory (so rename cannot cross file
 * systems), write, fsync the file, rename over the target, fsync the directory so the
 * rename itself survives a power cut. A reader sees the old file or the new one, never a
 * torn one.
 * ------------------------------------------------------------------------------------- */

static ab_status io_fail(char *msg, const char *what, const char *path, int err) {
  if (msg)
    snprintf(msg, AB_MSG_LEN, "%s %s: %s", what, path, strerror(err));
  return AB_E_IO;
}

/* Splits "a/b/c.json" into the directory ("a/b", or "." for a bare name). */
static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    return strdup(".");
  if (slash == path)
    return strdup("/");
  return strndup(path, (size_t)(slash - path));
}

static ab_status fsync_dir(const char *dir, char *msg) {
  int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  if (dfd < 0)
    return io_fail(msg, "cannot open directory", dir, errno);
  /* Some file systems cannot fsync a directory (EINVAL); the rename is done either way. */
  int rc = fsync(dfd);
  int err = errno;
  close(dfd);
  if (rc != 0 && err != EINVAL)
    return io_fail(msg, "cannot fsync directory", dir, err);
  return AB_OK;
}

/* Writes text to a new temporary file next to `path` and renames it into place. */
ab_status ab_text_write_atomic(const char *text, const char *path, char *msg) {
  size_t plen = strlen(path);
  if (plen == 0 || path[plen - 1] == '/') {
    if (msg)
      snprintf(msg, AB_MSG_LEN, "output path \"%s\": expected a file name", path);
    return AB_E_INVALID;
  }
  char *dir = dir_of(path);
  char *tmp = malloc(plen + sizeof ".tmp.XXXXXX");
  if (!dir || !tmp) {
    free(dir);
    free(tmp);
    if (msg)
      snprintf(msg, AB_MSG_LEN, "%s: out of memory", path);
    return AB_E_NOMEM;
  }
  snprintf(tmp, plen + sizeof ".tmp.XXXXXX", "%s.tmp.XXXXXX", path);
  ab_status st = AB_OK;
  int fd = mkstemp(tmp);
  if (fd < 0) {
    st = io_fail(msg, "cannot create temporary file for", path, errno);
    goto out;
  }
  /* mkstemp creates 0600; a run file is meant to be read by others, as any new file. */
  size_t len = strlen(text);
  bool newline = len == 0 || text[len - 1] != '\n'; /* text files end with one newline */
  if (!ab_write_all(fd, text, len) || (newline && !ab_write_all(fd, "\n", 1)))
    st = io_fail(msg, "cannot write", tmp, errno);
  else if (fchmod(fd, 0644) != 0)
    st = io_fail(msg, "cannot set permissions of", tmp, errno);
  else if (fsync(fd) != 0)
    st = io_fail(msg, "cannot fsync", tmp, errno);
  if (close(fd) != 0 && st == AB_OK)
    st = io_fail(msg, "cannot close", tmp, errno);
  if (st == AB_OK && rename(tmp, path) != 0)
    st = io_fail(msg, "cannot rename temporary file onto", path, errno);
  if (st != AB_OK) {
    unlink(tmp);
    goto out;
  }
  st = fsync_dir(dir, msg);
out:
  free(dir);
  free(tmp);
  return st;
}

ab_status ab_json_write_atomic(const json_t *j, const char *path, char *msg) {
  if (!j || !path) {
    if (msg)
      snprintf(msg, AB_MSG_LEN, "ab_json_write_atomic: %s is NULL", j ? "path" : "JSON value");
    return AB_E_INVALID;
  }
  /* Default real precision (17 significant digits): every double reads back exactly. */
  char *text = json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY);
  if (!text) {
    if (msg)
      snprintf(msg, AB_MSG_LEN, "%s: cannot encode the JSON value (out of memory?)", path);
    return AB_E_NOMEM;
  }
  ab_status st = ab_text_write_atomic(text, path, msg);
  free(text);
  return st;
}
