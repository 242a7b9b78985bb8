/* accelbench — composite cases (docs/measurement.md, "Decoder layer"): a kind whose table has
 * a plan (model/kind.h, ab_composite_plan) runs as steps of other kinds on device buffers,
 * through the backend ABI, composed here by the harness rather than written by each backend.
 * Each step is prepared once on the shared buffers; one call of the composite runs each step
 * once (case_run with one iteration), in order, so the runner times the whole layer with the
 * host clock like any other case. */
#ifndef AB_COMPOSITE_H
#define AB_COMPOSITE_H

#include <stddef.h>
#include <stdint.h>

#include "accelbench/backend.h"
#include "model/kind.h"

typedef struct ab_composite ab_composite;

/* Device bytes the plan allocates beyond the case's own operands: scratch buffers, and the
 * slices of the inputs it uploads (the runner uploads none of a composite's inputs). */
uint64_t ab_composite_device_bytes(const ab_kernel_desc *d);

/* Before any buffer exists: is every step supported? AB_OK, or AB_E_UNSUPPORTED with
 * "step <name> (<kind>): <the backend's reason>". A module without case_query answers
 * AB_OK here and in ab_composite_prepare. */
ab_status ab_composite_query(const ab_backend *t, void *device, const ab_kernel_desc *d,
                             const char *provider, char *msg);

/* Upload the input slices from `host` (one host copy per case operand; NULL for outputs),
 * allocate scratch, and prepare every step; the output operands are the case's `operands`.
 * `info` gets the steps' setup time, the least precise accumulator any step declared and a
 * one-line summary. AB_E_UNSUPPORTED names the step; on any error nothing is left held. */
ab_status ab_composite_prepare(const ab_backend *t, void *device, const ab_kernel_desc *d,
                               const char *provider, const void *const *host,
                               ab_buffer *const *operands, size_t n_operands, ab_composite **out,
                               ab_case_info *info, char *msg);

/* case_run's signature: `iterations` calls of the whole composite, back to back. */
ab_status ab_composite_run(void *device, void *composite, uint32_t iterations, ab_timing *timing,
                           char *msg);

/* Release the steps and every buffer prepare allocated (NULL is fine). */
void ab_composite_release(void *device, void *composite);

/* A decode case's time of one token step, {"p50", "p99"} of its single-call samples
 * (docs/measurement.md); NULL for prefill or a case without samples. The runner writes it
 * and `accelbench verify` recomputes it with this one function. New reference. */
struct json_t *ab_composite_token_time_json(const ab_kernel_desc *d, const double *samples,
                                            size_t n);

/* The run file's "composite" object: each step's kind, shape, provider and implementation,
 * how the KV cache was appended, tokens per call. New reference. */
struct json_t *ab_composite_json(const ab_composite *c);

#endif
