/* accelbench — running a device's cases, in-process or isolated in worker processes.
 *
 * Isolation (the default): the cases of one device run in a worker process
 * (`accelbench __worker`, started with fork+exec so no vendor runtime state from the
 * parent leaks into it). The worker reports "case i started" and "case i result" lines on
 * a pipe. A worker that dies marks the case it was running `crashed` (with the signal); a
 * case that outlives its time limit is killed and marked `timeout`; a fresh worker then
 * continues with the next case. One bad case never costs the others, and a device's
 * cases still share one open() and one compiled-program cache while nothing goes wrong:
 * a worker per case would pay device start-up (seconds on some runtimes) for every case. */
#ifndef AB_ISOLATE_H
#define AB_ISOLATE_H

#include <signal.h>

#include "loader.h"
#include "runner.h"
#include "subproc.h"
#include "suite.h"

typedef struct ab_job {
  size_t spec;          /* index into suite->cases */
  const char *provider; /* one of the backend's providers */
  ab_case_result *res;  /* where the result goes */
} ab_job;

/* Called in the parent as each job finishes (journal, progress). */
typedef void (*ab_job_done_fn)(void *ctx, const ab_job *job);
/* Called in the parent as each job starts (progress line). */
typedef void (*ab_job_start_fn)(void *ctx, const ab_job *job);

typedef struct ab_isolation {
  const char *self_exe;          /* the accelbench binary to exec for workers */
  const char *const *suite_args; /* arguments that make the worker load the same suite */
  size_t n_suite_args;
  double case_timeout_s;         /* a case (prepare + warm-up + timing + validation) limit */
  const char *const *power_args; /* "--power k=v" / "--power-idle ch=w:s:se" pairs for workers */
  size_t n_power_args;
} ab_isolation;

/* Set by SIGINT/SIGTERM handlers: stop after killing the worker; unfinished jobs keep the
 * record the caller gave them (identity filled, status skipped, "interrupted"). */
extern volatile sig_atomic_t ab_interrupted;

/* `power` (may be NULL) is sampled around each case's timed window. */
void ab_run_jobs_inprocess(const ab_loaded_backend *backend, uint32_t index, const ab_suite *suite,
                           ab_power_registry *power, ab_job *jobs, size_t n, ab_job_start_fn start,
                           ab_job_done_fn done, void *ctx);

/* Every job's record must already carry its identity (ab_case_identity): a result from a
 * worker is accepted only for the case id the parent planned. */
void ab_run_jobs_isolated(const ab_loaded_backend *backend, uint32_t index, const ab_suite *suite,
                          const ab_isolation *iso, ab_job *jobs, size_t n, ab_job_start_fn start,
                          ab_job_done_fn done, void *ctx);

/* The worker side: `accelbench __worker SUITE-ARGS... --worker-backend B --worker-device I
 * --worker-job SPEC:PROVIDER...`; writes its protocol to file descriptor 3. */
int ab_cmd_worker(int argc, char **argv);

#endif
