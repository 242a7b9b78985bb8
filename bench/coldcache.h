/* accelbench — cold-cache runs (docs/measurement.md): a case whose operands are smaller than
 * the suite's budget runs on copies of them that together hold the budget, each copy a case
 * of its own prepared by the backend, and the timed calls rotate through the copies one
 * iteration at a time, so no call finds its operands in a cache the previous call warmed.
 * The backend ABI is unchanged: each copy is an ordinary prepared case. */
#ifndef AB_COLDCACHE_H
#define AB_COLDCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"
#include "model/kind.h"
#include "suite.h"

/* Most copies of one case: past this, preparing them costs more than the case is worth, and
 * the copies' bytes fall short of the budget (recorded, so a reader sees it). */
#define AB_COLD_CACHE_MAX_COPIES 4096u

/* Copies the case gets, the case itself included: 0 when the option is off or the case's
 * operands hold the budget already; else ceil(budget / case_bytes), at most the maximum. */
size_t ab_cold_cache_copies(const ab_measure_opts *m, uint64_t case_bytes);

typedef struct ab_cold_cache ab_cold_cache;

/* What the copies are made from: the prepared case (copy 0) and its operands. */
typedef struct ab_cold_source {
  const ab_backend *table;
  void *device; /* the backend's device state */
  const ab_kernel_desc *desc;
  const char *provider;
  const ab_operand_def *ops;
  size_t n_ops;
  const void *const *host; /* host copy of each input; NULL for outputs */
  void *case_state;        /* the prepared case: copy 0, not owned */
} ab_cold_source;

/* Allocates copies 1 .. copies-1: inputs uploaded from the host copies, outputs filled (so
 * no timed call takes their first-touch faults), each prepared by the backend. On failure
 * frees what it made and returns the backend's status with msg. */
ab_status ab_cold_cache_make(const ab_cold_source *src, size_t copies, ab_cold_cache **out,
                             char *msg);

/* The case state of the next call: copy 0, 1, ..., copies-1, 0, ... */
void *ab_cold_cache_next(ab_cold_cache *cc);

/* Copies and the bytes of all their operands, for the run file. */
size_t ab_cold_cache_count(const ab_cold_cache *cc);
uint64_t ab_cold_cache_bytes(const ab_cold_cache *cc);

/* Releases copies 1.. and their buffers (copy 0 stays the caller's). NULL is fine. */
void ab_cold_cache_free(ab_cold_cache *cc);

/* "on", "off" or a budget in bytes ("on" with that budget), as --cold-cache takes it;
 * 0 with msg when the text is none of these. */
int ab_cold_cache_parse(const char *text, ab_measure_opts *m, char *msg);

#endif
