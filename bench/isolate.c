/* Case isolation and the worker protocol (see isolate.h). */
#define _GNU_SOURCE /* strsignal */
#include "isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
  pid_t pid;
  int fd;
  char *buf; /* partial protocol line */
  size_t len, cap;
  long current; /* job running now, -1 between jobs */
  double deadline;
  bool *finished;   /* per job: a result arrived or the parent decided its status */
  bool reaped;      /* waitpid already collected it */
  size_t batch_end; /* jobs [next, batch_end) were given to this worker */
  size_t progress;  /* results received from this worker */
} worker;

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
  int fds[2];
  if (pipe(fds) != 0) {
    ab_msgf(msg, AB_MSG_LEN, "pipe: %s", strerror(errno));
    return 0;
  }
  pid_t pid = fork();
  if (pid < 0) {
    ab_msgf(msg, AB_MSG_LEN, "fork: %s", strerror(errno));
    close(fds[0]);
    close(fds[1]);
    return 0;
  }
  if (pid == 0) {
    /* The worker dies with the run: a SIGKILLed parent must not leave a hung case running,
     * and its own process group lets the parent kill helpers a vendor runtime started. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
      _exit(127);
    setpgid(0, 0);
    close(fds[0]);
    if (fds[1] != AB_WORKER_FD) {
      dup2(fds[1], AB_WORKER_FD);
      close(fds[1]);
    }
    execv(argv[0], argv);
    _exit(127);
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  w->pid = pid;
  w->fd = fds[0];
  w->len = 0;
  w->current = -1;
  return 1;
}

/* Handle one protocol line; returns 0 on a malformed line. */
static int handle_line(worker *w, char *line, ab_job *jobs, size_t n, const ab_isolation *iso,
                       ab_job_start_fn start, ab_job_done_fn done, void *ctx) {
  char *end;
  if (line[0] == 'S' && line[1] == ' ') {
    unsigned long j = strtoul(line + 2, &end, 10);
    if (j >= n)
      return 0;
    w->current = (long)j;
    w->deadline = ab_now_s() + iso->case_timeout_s;
    if (start)
      start(ctx, &jobs[j]);
    return 1;
  }
  if (line[0] == 'R' && line[1] == ' ') {
    unsigned long j = strtoul(line + 2, &end, 10);
    if (j >= n || *end != ' ')
      return 0;
    json_error_t jerr;
    json_t *obj = json_loads(end + 1, 0, &jerr);
    char msg[AB_MSG_LEN] = "", planned[sizeof jobs[j].res->case_id];
    ab_case_result got;
    memcpy(planned, jobs[j].res->case_id, sizeof planned);
    ab_status st = obj ? ab_case_from_json(obj, &got, msg) : AB_E_INVALID;
    json_decref(obj);
    if (st == AB_OK && strcmp(got.case_id, planned) == 0) {
      ab_case_result_clear(jobs[j].res);
      *jobs[j].res = got;
    } else {
      if (st == AB_OK) /* the suite file changed under the run, or a worker bug */
        snprintf(msg, sizeof msg, "worker ran case %.200s instead", got.case_id);
      ab_case_result_clear(&got);
      jobs[j].res->status = AB_CASE_FAILED;
      snprintf(jobs[j].res->reason, sizeof jobs[j].res->reason,
               "worker sent an unusable result: %.300s", obj || st == AB_OK ? msg : jerr.text);
    }
    w->current = -1;
    w->finished[j] = true;
    w->progress++;
    if (done)
      done(ctx, &jobs[j]);
    return 1;
  }
  return 0;
}

static int read_lines(worker *w, ab_job *jobs, size_t n, const ab_isolation *iso,
                      ab_job_start_fn start, ab_job_done_fn done, void *ctx) {
  char chunk[65536];
  ssize_t got = read(w->fd, chunk, sizeof chunk);
  if (got <= 0)
    return got == 0 || errno != EINTR ? 0 : 1;
  if (w->len + (size_t)got + 1 > w->cap) {
    size_t cap = (w->len + (size_t)got + 1) * 2;
    char *grown = realloc(w->buf, cap);
    if (!grown)
      return 0;
    w->buf = grown;
    w->cap = cap;
  }
  memcpy(w->buf + w->len, chunk, (size_t)got);
  w->len += (size_t)got;
  char *nl;
  while ((nl = memchr(w->buf, '\n', w->len))) {
    *nl = '\0';
    handle_line(w, w->buf, jobs, n, iso, start, done, ctx);
    size_t used = (size_t)(nl - w->buf) + 1;
    memmove(w->buf, nl + 1, w->len - used);
    w->len -= used;
  }
  return 1;
}

typedef enum { W_EXITED, W_TIMEOUT, W_INTERRUPTED } worker_end;

static worker_end supervise(worker *w, ab_job *jobs, size_t n, const ab_isolation *iso,
                            ab_job_start_fn start, ab_job_done_fn done, void *ctx, int *status) {
  /* Until the first case starts, device open and start-up get the same limit. */
  w->deadline = ab_now_s() + iso->case_timeout_s;
  for (;;) {
    if (ab_interrupted)
      return W_INTERRUPTED;
    double left = w->deadline - ab_now_s();
    if (left <= 0)
      return W_TIMEOUT;
    struct pollfd p = {.fd = w->fd, .events = POLLIN};
    int timeout_ms = left > 0.2 ? 200 : (int)(left * 1000) + 1; /* wake to see signals */
    int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno != EINTR)
      return W_EXITED;
    if (r > 0 && !read_lines(w, jobs, n, iso, start, done, ctx))
      return W_EXITED; /* EOF: the worker closed its end (exited, or is about to) */
    /* A worker can die while a grandchild still holds the pipe open: do not wait for EOF. */
    if (r == 0 && waitpid(w->pid, status, WNOHANG) == w->pid) {
      w->reaped = true;
      /* Take what it wrote just before dying. */
      for (struct pollfd q = {.fd = w->fd, .events = POLLIN};
           poll(&q, 1, 0) > 0 && read_lines(w, jobs, n, iso, start, done, ctx);)
        ;
      return W_EXITED;
    }
  }
}

/* Collect the worker. After EOF it normally exits at once; one that lingers (a vendor
 * runtime that closed our pipe) is given 2 s, then killed with its process group. */
static void reap(worker *w, worker_end how, int *status) {
  if (w->reaped)
    return;
  if (how == W_EXITED) {
    for (int i = 0; i < 200; i++) {
      if (waitpid(w->pid, status, WNOHANG) == w->pid)
        return;
      struct timespec ts = {0, 10 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
  }
  kill(-w->pid, SIGKILL);
  kill(w->pid, SIGKILL);
  while (waitpid(w->pid, status, 0) < 0 && errno == EINTR)
    ;
}

static void describe_death(int status, char *buf, size_t len) {
  if (WIFSIGNALED(status))
    snprintf(buf, len, "worker process died with signal %d (%s)", WTERMSIG(status),
             strsignal(WTERMSIG(status)));
  else if (WIFEXITED(status))
    snprintf(buf, len, "worker process exited with status %d", WEXITSTATUS(status));
  else
    snprintf(buf, len, "worker process ended (wait status %d)", status);
}

static void mark(worker *w, ab_job *jobs, size_t j, ab_case_status st, const char *reason,
                 ab_job_done_fn done, void *ctx) {
  jobs[j].res->status = st;
  ab_strlcpy(jobs[j].res->reason, reason, sizeof jobs[j].res->reason);
  w->finished[j] = true;
  if (done)
    done(ctx, &jobs[j]);
}

static size_t first_unfinished(const worker *w, size_t from, size_t n) {
  while (from < n && w->finished[from])
    from++;
  return from;
}

/* After a worker ended: settle the case it was running (crashed or timeout), or, if it
 * died between cases without finishing any, blame the next case so the run moves on. */
static void settle(worker *w, ab_job *jobs, size_t n, size_t next, worker_end how, int status,
                   const ab_isolation *iso, ab_job_done_fn done, void *ctx) {
  bool clean_exit = how == W_EXITED && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  long victim = w->current;
  if (victim < 0 && !clean_exit && w->progress == 0 && next < n)
    victim = (long)next;
  if (victim < 0 && clean_exit && first_unfinished(w, next, w->batch_end) < w->batch_end)
    victim = (long)first_unfinished(w, next, w->batch_end); /* exited early without a word */
  if (victim < 0)
    return;
  char why[AB_MSG_LEN];
  if (how == W_TIMEOUT)
    snprintf(why, sizeof why, "exceeded the case time limit of %.0f s and was killed",
             iso->case_timeout_s);
  else if (clean_exit)
    snprintf(why, sizeof why, "worker process exited before reporting this case");
  else
    describe_death(status, why, sizeof why);
  mark(w, jobs, (size_t)victim, how == W_TIMEOUT ? AB_CASE_TIMEOUT : AB_CASE_CRASHED, why, done,
       ctx);
}

void ab_run_jobs_isolated(const ab_loaded_backend *backend, uint32_t index, const ab_suite *suite,
                          const ab_isolation *iso, ab_job *jobs, size_t n, ab_job_start_fn start,
                          ab_job_done_fn done, void *ctx) {
  (void)suite; /* the worker loads the suite itself (iso->suite_args) */
  worker w = {.finished = calloc(n ? n : 1, sizeof(bool))};
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
        mark(&w, jobs, next, AB_CASE_FAILED, msg[0] ? msg : "cannot start a worker", done, ctx);
      break;
    }
    free_argv(argv);
    w.progress = 0;
    w.reaped = false;
    int status = 0;
    worker_end how = supervise(&w, jobs, n, iso, start, done, ctx, &status);
    reap(&w, how, &status);
    close(w.fd);
    /* A Ctrl-C reaches the worker too (same terminal): its death is not the case's fault. */
    if (how == W_INTERRUPTED || ab_interrupted)
      break;
    settle(&w, jobs, n, next, how, status, iso, done, ctx);
  }
  free(w.finished);
  free(w.buf);
}
