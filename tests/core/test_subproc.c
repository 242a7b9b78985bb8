/* Worker processes: whatever way a worker ends, its process group (helpers it forked) goes
 * with it, and a helper that holds the pipe open does not hide the worker's death. */
#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model/util.h"
#include "subproc.h"

typedef struct seen {
  pid_t helper; /* from the worker's "S <pid>" line */
  int lines;
} seen;

static void on_line(void *ctx, char *line) {
  seen *s = ctx;
  s->lines++;
  if (strncmp(line, "S ", 2) == 0)
    s->helper = (pid_t)atol(line + 2);
}

/* Live, as opposed to gone or a zombie waiting for init. */
static bool alive(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return false;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *state = strrchr(buf, ')');
  return state && state[1] == ' ' && state[2] != 'Z';
}

static bool gone_soon(pid_t pid) {
  for (int i = 0; i < 100 && alive(pid); i++) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return !alive(pid);
}

static void start_sh(const char *script, ab_subproc *p, seen *s) {
  char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
  char msg[AB_MSG_LEN] = "";
  memset(s, 0, sizeof *s);
  cr_assert_eq(ab_subproc_start(p, argv, msg), AB_OK, "%s", msg);
}

/* Run `script` in sh as a worker until it ends (its helper keeps the pipe: no EOF). */
static void run_worker(const char *script, ab_subproc *p, seen *s) {
  start_sh(script, p, s);
  double until = ab_now_s() + 10.0;
  while (ab_now_s() < until) {
    struct pollfd q = {.fd = p->fd, .events = POLLIN};
    if (poll(&q, 1, 50) > 0)
      cr_assert(ab_subproc_read(p, on_line, s), "end of file while a helper holds the pipe");
    else if (ab_subproc_exited(p))
      break;
  }
  cr_assert(ab_subproc_exited(p), "the worker's end was not seen");
  ab_subproc_drain(p, on_line, s);
  cr_assert_gt(s->helper, 0, "the worker reported its helper's pid");
  cr_assert(alive(s->helper), "the helper outlives the worker until the group is killed");
}

Test(subproc, a_crashed_workers_helpers_go_with_it) {
  ab_subproc p;
  seen s;
  run_worker("sleep 300 & echo \"S $!\" >&3; kill -SEGV $$", &p, &s);
  ab_subproc_finish(&p, 0.0);
  cr_assert(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGSEGV, "wait status %d", p.status);
  cr_assert(gone_soon(s.helper), "helper %d outlived the crashed worker", (int)s.helper);
  char why[AB_MSG_LEN];
  ab_subproc_describe_end(p.status, why, sizeof why);
  cr_assert(strstr(why, "signal 11"), "%s", why);
}

Test(subproc, a_worker_that_exits_cleanly_leaves_no_helper_either) {
  ab_subproc p;
  seen s;
  run_worker("sleep 300 & echo \"S $!\" >&3; exit 0", &p, &s);
  ab_subproc_finish(&p, 2.0);
  cr_assert(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0, "wait status %d", p.status);
  cr_assert(gone_soon(s.helper), "helper %d outlived the worker", (int)s.helper);
}

Test(subproc, a_hung_worker_is_killed_with_its_group) {
  ab_subproc p;
  seen s;
  start_sh("sleep 300 & echo \"S $!\" >&3; sleep 300", &p, &s);
  while (s.lines == 0) {
    struct pollfd q = {.fd = p.fd, .events = POLLIN};
    cr_assert_gt(poll(&q, 1, 10000), 0, "no line from the worker");
    cr_assert(ab_subproc_read(&p, on_line, &s));
  }
  cr_assert_not(ab_subproc_exited(&p));
  double t0 = ab_now_s();
  ab_subproc_finish(&p, 0.2); /* the grace period runs out: killed */
  cr_assert_lt(ab_now_s() - t0, 2.0);
  cr_assert(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGKILL, "wait status %d", p.status);
  cr_assert(gone_soon(s.helper), "helper %d outlived the killed worker", (int)s.helper);
  ab_subproc_finish(&p, 0.0); /* twice is harmless */
}

Test(subproc, lines_split_across_reads_arrive_whole) {
  ab_subproc p;
  seen s;
  start_sh("printf 'S 1' >&3; sleep 0.1; printf '23\\nR x\\n' >&3", &p, &s);
  for (struct pollfd q = {.fd = p.fd, .events = POLLIN};
       poll(&q, 1, 10000) > 0 && ab_subproc_read(&p, on_line, &s);)
    ;
  ab_subproc_finish(&p, 2.0);
  cr_assert_eq(s.lines, 2);
  cr_assert_eq(s.helper, 123);
}
