/* accelbench — helpers shared by the subcommands. */
#ifndef AB_CLI_COMMON_H
#define AB_CLI_COMMON_H

#include <stddef.h>

#include "accelbench/backend.h"
#include "suite.h"

/* Resolve a suite argument: a path to a file, or the name of a shipped suite ("quick")
 * looked up in $ACCELBENCH_CONFIG_DIR, the source tree and the install directory. */
ab_status ab_resolve_suite(const char *arg, char *path, size_t len, char *msg);

/* Apply KEY=VALUE backend options and a time-cap override (<= 0: keep) to a suite. */
int ab_suite_apply_overrides(ab_suite *s, const char *const *kv, size_t n, double time_cap_s);

/* Split "key=value" in place into an ab_option (pointers into `kv`); 0 if there is no '='
 * or the key is empty. */
int ab_power_option_split(char *kv, ab_option *out);

/* Split "a,b,c" and append the parts to a growing list (pointers into `arg`). */
int ab_list_append_csv(char *arg, const char ***list, size_t *n);

/* Replace a list with the parts of "a,b,c" (a repeated option: the last one wins). The
 * parts point into a copy kept in *owned; free *owned and *list when done. 0 when out of
 * memory; an argument that names nothing leaves *n == 0 for the caller to refuse. */
int ab_list_set_csv(const char *arg, char **owned, const char ***list, size_t *n);

#endif
