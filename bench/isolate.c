/* Case isolation and the worker protocol (see isolate.h). */
#include "isolate.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "model/runfile.h"
#include "model/util.h"

volatile sig_atomic_t ab_interrupted = 0;

/* ---- in-process ---------------------------------------------------------------------- */

void ab_run_jobs_inprocess(const ab_loaded_backend *backend, uint32_t index, const ab_suite *suite,
                           ab_power_registry *power, ab_job *jobs, size_t n, ab_job_start_fn start,
                           ab_job_done_fn done, void *ctx) {
  ab_open_device dev;
  char msg[AB_MSG_LEN] = "";
  ab_device_open(&dev, backend, index, suite, msg);
  dev.power = power;
  dev.thermal_root = "/";
  for (size_t i = 0; i < n && !ab_interrupted; i++) {
    ab_case_identity(jobs[i].res, &dev, &suite->cases[jobs[i].spec], jobs[i].provider);
    if (start)
      start(ctx, &jobs[i]);
    ab_run_case(&dev, &suite->cases[jobs[i].spec], jobs[i].provider, suite, jobs[i].res);
    if (done)
      done(ctx, &jobs[i]);
  }
  ab_device_close(&dev);
}

/* ---- parent side --------------------------------------------------------------------- */

typedef struct worker {
  ab_subproc proc;
  long current; /* job running now, -1 between jobs */
  double deadline;
  bool *finished;   /* per job: a result arrived or the parent decided its status */
  size_t batch_end; /* jobs [next, batch_end) were given to this worker */
  size_t progress;  /* results received from this worker */
} worker;

/* What a protocol line needs to reach the job it names. */
typedef struct line_ctx {
  worker *w;
  ab_job *jobs;
  size_t n;
  const ab_isolation *iso;
  ab_job_start_fn start;
  ab_job_done_fn done;
  void *ctx;
} line_ctx;

/* Jobs handed to one worker: its command line stays far below ARG_MAX (E2BIG would fail
 * every case of a big suite); the next worker takes the next batch. */
#define AB_WORKER_MAX_JOBS 1024

static char **worker_argv(const ab_isolation *iso, const ab_loaded_backend *b, uint32_t index,
                          const ab_job *jobs, size_t first, size_t n) {
  size_t argc = 0, max = 8 + iso->n_suite_args + iso->n_power_args + 2 * (n - first);
  char **argv = calloc(max, sizeof *argv);
  char num[32];
  if (!argv)
    return NULL;
  argv[argc++] = strdup(iso->self_exe);
  argv[argc++] = strdup("__worker");
  for (size_t i = 0; i < iso->n_suite_args; i++)
    argv[argc++] = strdup(iso->suite_args[i]);
  for (size_t i = 0; i < iso->n_power_args; i++)
    argv[argc++] = strdup(iso->power_args[i]);
  argv[argc++] = strdup("--worker-module");
  argv[argc++] = strdup(b->path);
  snprintf(num, sizeof num, "%u", index);
  argv[argc++] = strdup("--worker-device");
  argv[argc++] = strdup(num);
  for (size_t j = first; j < n; j++) {
    char job[160];
    snprintf(job, sizeof job, "%zu:%zu:%s", j, jobs[j].spec, jobs[j].provider);
    argv[argc++] = strdup("--worker-job");
    argv[argc++] = strdup(job);
  }
  return argv;
}

static void free_argv(char **argv) {
  for (size_t i = 0; argv && argv[i]; i++)
    free(argv[i]);
  free(argv);
}

static int spawn(worker *w, char **argv, char *msg) {
  if (ab_subproc_start(&w->proc, argv, msg) != AB_OK)
    return 0;
  w->current = -1;
  return 1;
}

/* Handle one protocol line; a malformed one is ignored (the case it would have named is
 * settled when the worker ends). */
static void handle_line(void *p, char *line) {
  line_ctx *c = p;
  worker *w = c->w;
  char *end;
  if (line[0] == 'S' && line[1] == ' ') {
    unsigned long j = strtoul(line + 2, &end, 10);
    if (j >= c->n)
      return;
    w->current = (long)j;
    w->deadline = ab_now_s() + c->iso->case_timeout_s;
    if (c->start)
      c->start(c->ctx, &c->jobs[j]);
    return;
  }
  if (line[0] != 'R' || line[1] != ' ')
    return;
  unsigned long j = strtoul(line + 2, &end, 10);
  if (j >= c->n || *end != ' ')
    return;
  ab_job *job = &c->jobs[j];
  json_error_t jerr;
  json_t *obj = json_loads(end + 1, 0, &jerr);
  char msg[AB_MSG_LEN] = "", planned[sizeof job->res->case_id];
  ab_case_result got;
  memcpy(planned, job->res->case_id, sizeof planned);
  ab_status st = obj ? ab_case_from_json(obj, &got, msg) : AB_E_INVALID;
  json_decref(obj);
  if (st == AB_OK && strcmp(got.case_id, planned) == 0) {
    ab_case_result_clear(job->res);
    *job->res = got;
  } else {
    if (st == AB_OK) /* the suite file changed under the run, or a worker bug */
      snprintf(msg, sizeof msg, "worker ran case %.200s instead", got.case_id);
    ab_case_result_clear(&got);
    job->res->status = AB_CASE_FAILED;
    snprintf(job->res->reason, sizeof job->res->reason, "worker sent an unusable result: %.300s",
             obj || st == AB_OK ? msg : jerr.text);
  }
  w->current = -1;
  w->finished[j] = true;
  w->progress++;
  if (c->done)
    c->done(c->ctx, job);
}

typedef enum { W_EXITED, W_TIMEOUT, W_INTERRUPTED } worker_end;

static worker_end supervise(line_ctx *c) {
  worker *w = c->w;
  /* Until the first case starts, device open and start-up get the same limit. */
  w->deadline = ab_now_s() + c->iso->case_timeout_s;
  for (;;) {
    if (ab_interrupted)
      return W_INTERRUPTED;
    double left = w->deadline - ab_now_s();
    if (left <= 0)
      return W_TIMEOUT;
    struct pollfd p = {.fd = w->proc.fd, .events = POLLIN};
    int timeout_ms = left > 0.2 ? 200 : (int)(left * 1000) + 1; /* wake to see signals */
    int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno != EINTR)
      return W_EXITED;
    if (r > 0 && !ab_subproc_read(&w->proc, handle_line, c))
      return W_EXITED; /* EOF: the worker closed its end (exited, or is about to) */
    /* A worker can die while a helper it forked still holds the pipe: do not wait for EOF. */
    if (r == 0 && ab_subproc_exited(&w->proc)) {
      ab_subproc_drain(&w->proc, handle_line, c); /* what it wrote just before dying */
      return W_EXITED;
    }
  }
}

static void mark(line_ctx *c, size_t j, ab_case_status st, const char *reason) {
  c->jobs[j].res->status = st;
  ab_strlcpy(c->jobs[j].res->reason, reason, sizeof c->jobs[j].res->reason);
  c->w->finished[j] = true;
  if (c->done)
    c->done(c->ctx, &c->jobs[j]);
}

static size_t first_unfinished(const worker *w, size_t from, size_t n) {
  while (from < n && w->finished[from])
    from++;
  return from;
}

/* After a worker ended: settle the case it was running (crashed or timeout), or, if it
 * died between cases without finishing any, blame the next case so the run moves on. */
static void settle(line_ctx *c, size_t next, worker_end how) {
  worker *w = c->w;
  int status = w->proc.status;
  bool clean_exit = how == W_EXITED && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  long victim = w->current;
  if (victim < 0 && !clean_exit && w->progress == 0 && next < c->n)
    victim = (long)next;
  if (victim < 0 && clean_exit && first_unfinished(w, next, w->batch_end) < w->batch_end)
    victim = (long)first_unfinished(w, next, w->batch_end); /* exited early without a word */
  if (victim < 0)
    return;
  char why[AB_MSG_LEN];
  if (how == W_TIMEOUT)
    snprintf(why, sizeof why, "exceeded the case time limit of %.0f s and was killed",
             c->iso->case_timeout_s);
  else if (clean_exit)
    snprintf(why, sizeof why, "worker process exited before reporting this case");
  else
    ab_subproc_describe_end(status, why, sizeof why);
  mark(c, (size_t)victim, how == W_TIMEOUT ? AB_CASE_TIMEOUT : AB_CASE_CRASHED, why);
}

void ab_run_jobs_isolated(const ab_loaded_backend *backend, uint32_t index, const ab_suite *suite,
                          const ab_isolation *iso, ab_job *jobs, size_t n, ab_job_start_fn start,
                          ab_job_done_fn done, void *ctx) {
  (void)suite; /* the worker loads the suite itself (iso->suite_args) */
  worker w = {.finished = calloc(n ? n : 1, sizeof(bool))};
  line_ctx c = {&w, jobs, n, iso, start, done, ctx};
  size_t next = 0;
  if (!w.finished)
    return;
  while ((next = first_unfinished(&w, next, n)) < n && !ab_interrupted) {
    char msg[AB_MSG_LEN] = "";
    w.batch_end = n - next > AB_WORKER_MAX_JOBS ? next + AB_WORKER_MAX_JOBS : n;
    char **argv = worker_argv(iso, backend, index, jobs, next, w.batch_end);
    if (!argv || !spawn(&w, argv, msg)) {
      free_argv(argv);
      for (; next < n; next++)
        mark(&c, next, AB_CASE_FAILED, msg[0] ? msg : "cannot start a worker");
      break;
    }
    free_argv(argv);
    w.progress = 0;
    worker_end how = supervise(&c);
    /* After end of file a worker normally exits at once; one that lingers (a vendor
     * runtime that closed our pipe) gets 2 s. Its process group goes with it either way. */
    ab_subproc_finish(&w.proc, how == W_EXITED ? 2.0 : 0.0);
    /* A Ctrl-C reaches the worker too (same terminal): its death is not the case's fault. */
    if (how == W_INTERRUPTED || ab_interrupted)
      break;
    settle(&c, next, how);
  }
  free(w.finished);
}
