#define _XOPEN_SOURCE 700 /* realpath */
#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/util.h"

bool ab_exe_in_build_tree(void) {
  char exe_dir[4096], here[PATH_MAX], build[PATH_MAX];
  /* "<exe dir>/." is the executable's own directory. */
  if (!ab_exe_relative("bin/.", exe_dir, sizeof exe_dir))
    return false;
  char *bin = strstr(exe_dir, "/../bin/.");
  if (!bin)
    return false;
  *bin = '\0';
  return realpath(exe_dir, here) && realpath(AB_BUILD_DIR, build) && strcmp(here, build) == 0;
}

/* `rel` under this executable's prefix, tidied when it exists ("…/bin/../x" -> "…/x"). */
int ab_own_prefix_dir(const char *rel, char *out, size_t len) {
  char raw[4096], real[PATH_MAX];
  if (!ab_exe_relative(rel, raw, sizeof raw))
    return 0;
  ab_strlcpy(out, realpath(raw, real) ? real : raw, len);
  return 1;
}

/* Same directory? (Both must exist to be the same.) */
bool ab_same_dir(const char *a, const char *b) {
  char ra[PATH_MAX], rb[PATH_MAX];
  return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

size_t ab_config_search_dirs(const char **dirs, size_t max) {
  static char relocated[4096];
  size_t n = 0;
  const char *env = getenv("ACCELBENCH_CONFIG_DIR");
  if (env && *env && n < max)
    dirs[n++] = env;
  if (ab_exe_in_build_tree()) {
    if (n < max)
      dirs[n++] = AB_SOURCE_CONFIG_DIR;
    return n;
  }
  if (n < max && ab_own_prefix_dir(AB_REL_DATA_DIR "/configs", relocated, sizeof relocated))
    dirs[n++] = relocated;
  if (n < max && !(n && ab_same_dir(dirs[n - 1], AB_INSTALL_CONFIG_DIR)))
    dirs[n++] = AB_INSTALL_CONFIG_DIR;
  return n;
}

void ab_search_dirs_text(const char *const *dirs, size_t n, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, "%s%s",
                             i == 0      ? ""
                             : i + 1 < n ? ", "
                                         : " or ",
                             dirs[i]);
}
