/* accelbench — the names used in configs, run files and reports, in one place: dtypes,
 * kernel kinds, case statuses, timer sources, stop reasons, device types. The harness,
 * the run-file codec and every renderer read these tables; none keeps a list of its own. */
#ifndef AB_MODEL_NAMES_H
#define AB_MODEL_NAMES_H

#include <stddef.h>

#include "accelbench/backend.h"
#include "accelbench/kernel.h"
#include "accelbench/status.h"
#include "model/record.h"

/* A table of names indexed by an enum's value; NULL entries are values without a name
 * (AB_DTYPE_INVALID, AB_KERNEL_INVALID). */
typedef struct ab_name_table {
  const char *const *names;
  size_t n;
} ab_name_table;

extern const ab_name_table ab_dtype_names;
extern const ab_name_table ab_kernel_kind_names;
extern const ab_name_table ab_case_status_names;
extern const ab_name_table ab_timer_source_names;
extern const ab_name_table ab_stop_reason_names;
extern const ab_name_table ab_device_type_names;
extern const ab_name_table ab_layout_names;

/* The name of `value`; "invalid" for a value out of range or without a name. */
const char *ab_name_of(const ab_name_table *t, int value);
/* The value named `name`; -1 when no entry has that name (or name is NULL). */
int ab_name_index(const ab_name_table *t, const char *name);
/* Every name, quoted and comma-separated ("\"f64\", \"f32\", ...") for error messages. */
void ab_name_list(const ab_name_table *t, char *buf, size_t len);

const char *ab_dtype_name(ab_dtype t); /* "f32", ...; "invalid" for unknown */
/* Parse a suite dtype name ("f64", "f32", "f16", "bf16", "int8") into the GEMM input type
 * and its default output type (int8 -> int32, the others keep their type). "int32" is an
 * output type only and is refused here. */
ab_status ab_dtype_parse(const char *name, ab_dtype *in, ab_dtype *out);

const char *ab_kernel_kind_name(ab_kernel_kind k);
ab_kernel_kind ab_kernel_kind_parse(const char *name); /* AB_KERNEL_INVALID if unknown */

const char *ab_case_status_name(ab_case_status s);
ab_status ab_case_status_parse(const char *name, ab_case_status *out);
const char *ab_timer_source_name(ab_timer_source t);
const char *ab_stop_reason_name(ab_stop_reason r);
const char *ab_device_type_name(ab_device_type t);
const char *ab_layout_name(ab_layout l);

#endif
