/* Fake sysfs trees for tests/power: plain directories and files under a temporary root,
 * laid out like /sys so the sources run unchanged with a root option. */
#include "fake_sysfs.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void fake_mkdtemp(char *dir, size_t len) {
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, len, "%s/ab-power-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  cr_assert_not_null(mkdtemp(dir), "mkdtemp %s", dir);
}

void fake_mkdirs(const char *root, const char *rel) {
  char path[1024];
  int n = snprintf(path, sizeof path, "%s/%s", root, rel);
  cr_assert_lt(n, (int)sizeof path, "path too long");
  for (char *p = path + strlen(root) + 1; *p; p++) {
    if (*p == '/') {
      *p = '\0';
      mkdir(path, 0755);
      *p = '/';
    }
  }
  mkdir(path, 0755);
}

void fake_write(const char *root, const char *rel, const char *text) {
  char path[1024], parent[1024];
  int n = snprintf(path, sizeof path, "%s/%s", root, rel);
  cr_assert_lt(n, (int)sizeof path, "path too long");
  snprintf(parent, sizeof parent, "%s", rel);
  char *slash = strrchr(parent, '/');
  if (slash) {
    *slash = '\0';
    fake_mkdirs(root, parent);
  }
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f, "cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

void fake_rmtree(const char *root) {
  char cmd[1200];
  if (strncmp(root, "/tmp/", 5) != 0 && !strstr(root, "ab-power-test-"))
    return; /* never remove anything but our own temporary trees */
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  cr_expect_eq(system(cmd), 0, "%s", cmd);
}

void fake_install_script(const char *dir, const char *name, char *path, size_t len) {
  char src[1024], cmd[2600];
  snprintf(src, sizeof src, "%s/tests/power/%s", AB_TEST_SOURCE_DIR, name);
  snprintf(path, len, "%s/%s", dir, name);
  snprintf(cmd, sizeof cmd, "cp '%s' '%s' && chmod 0755 '%s'", src, path, path);
  cr_assert_eq(system(cmd), 0, "%s", cmd);
}
