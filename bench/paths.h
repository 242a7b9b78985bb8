/* accelbench — where this program looks for its modules and shipped configs. An installed
 * or bundled binary searches its own prefix (found from its own path, so a relocated tree
 * works) and never a build tree; a binary in the build tree searches the build and source
 * trees. $ACCELBENCH_BACKEND_PATH / $ACCELBENCH_CONFIG_DIR come first either way. */
#ifndef AB_PATHS_H
#define AB_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/* True when this executable lives in the build tree it was built in. */
bool ab_exe_in_build_tree(void);

/* Directories searched, in order, for shipped suites and catalogue files. The strings stay
 * valid until the next call. */
size_t ab_config_search_dirs(const char **dirs, size_t max);

/* `rel` under this executable's prefix (<exe dir>/../rel), tidied when it exists; 0 when
 * the executable cannot be found. */
int ab_own_prefix_dir(const char *rel, char *out, size_t len);

/* Both directories exist and are the same one. */
bool ab_same_dir(const char *a, const char *b);

/* The directories as one line for messages: "A, B or C". */
void ab_search_dirs_text(const char *const *dirs, size_t n, char *buf, size_t len);

#endif
