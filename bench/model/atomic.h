/* accelbench — atomic file writes: a reader sees the old file or the new one, never a torn
 * one. */
#ifndef AB_MODEL_ATOMIC_H
#define AB_MODEL_ATOMIC_H

#include <jansson.h>

#include "accelbench/status.h"

/* Write text atomically (temporary file in the same directory, fsync, rename), ending it
 * with a newline if it does not end with one. */
ab_status ab_text_write_atomic(const char *text, const char *path, char *msg);

/* Write any JSON value atomically, indented. */
ab_status ab_json_write_atomic(const json_t *j, const char *path, char *msg);

#endif
