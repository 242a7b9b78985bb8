/* Fake sysfs trees and helpers for tests/power. */
#ifndef AB_TEST_FAKE_SYSFS_H
#define AB_TEST_FAKE_SYSFS_H

#include <stddef.h>

/* A fresh directory under $TMPDIR or /tmp; the path is written into dir (>= 64 bytes). */
void fake_mkdtemp(char *dir, size_t len);
/* mkdir -p of root/rel. */
void fake_mkdirs(const char *root, const char *rel);
/* Write text to root/rel, creating parent directories. */
void fake_write(const char *root, const char *rel, const char *text);
/* rm -rf root. */
void fake_rmtree(const char *root);
/* Copy tests/power/<name> to dir/<name> with mode 0755; path gets the copy's path. */
void fake_install_script(const char *dir, const char *name, char *path, size_t len);

#endif
