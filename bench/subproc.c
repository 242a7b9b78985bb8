/* Worker processes (see subproc.h). */
#define _GNU_SOURCE /* pipe2, strsignal */
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model/util.h"

/* In the child between fork and exec: async-signal-safe calls only (the parent may be
 * multi-threaded in --no-isolation runs and in tests). */
static void exec_worker(char *const argv[], int write_end) {
  /* The worker dies with the run: a SIGKILLed parent must not leave a hung case running. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1)
    _exit(127);
  setpgid(0, 0);
  if (write_end == AB_WORKER_FD)
    fcntl(write_end, F_SETFD, 0); /* keep it across exec */
  else if (dup2(write_end, AB_WORKER_FD) < 0)
    _exit(127);
  execv(argv[0], argv);
  _exit(127);
}

ab_status ab_subproc_start(ab_subproc *p, char *const argv[], char *msg) {
  memset(p, 0, sizeof *p);
  p->fd = -1;
  int fds[2];
  /* Close-on-exec from the start: a worker started while another runs must not inherit
   * that one's pipe, or the parent would never see end of file on it. */
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ab_msgf(msg, AB_MSG_LEN, "pipe: %s", strerror(errno));
    return AB_E_IO;
  }
  pid_t pid = fork();
  if (pid < 0) {
    ab_msgf(msg, AB_MSG_LEN, "fork: %s", strerror(errno));
    close(fds[0]);
    close(fds[1]);
    return AB_E_IO;
  }
  if (pid == 0)
    exec_worker(argv, fds[1]);
  setpgid(pid, pid); /* the child does it too; whichever runs first, the group exists */
  close(fds[1]);
  p->pid = pid;
  p->fd = fds[0];
  return AB_OK;
}

static bool split_lines(ab_subproc *p, ab_subproc_line_fn line, void *ctx) {
  char *nl;
  while ((nl = memchr(p->buf, '\n', p->len))) {
    *nl = '\0';
    line(ctx, p->buf);
    size_t used = (size_t)(nl - p->buf) + 1;
    memmove(p->buf, nl + 1, p->len - used);
    p->len -= used;
  }
  return p->len <= AB_WORKER_MAX_LINE;
}

bool ab_subproc_read(ab_subproc *p, ab_subproc_line_fn line, void *ctx) {
  char chunk[65536];
  if (p->fd < 0)
    return false;
  ssize_t got = read(p->fd, chunk, sizeof chunk);
  if (got < 0 && errno == EINTR)
    return true;
  if (got <= 0)
    return false;
  if (p->len + (size_t)got + 1 > p->cap) {
    size_t cap = (p->len + (size_t)got + 1) * 2;
    char *grown = realloc(p->buf, cap);
    if (!grown)
      return false;
    p->buf = grown;
    p->cap = cap;
  }
  memcpy(p->buf + p->len, chunk, (size_t)got);
  p->len += (size_t)got;
  return split_lines(p, line, ctx);
}

void ab_subproc_drain(ab_subproc *p, ab_subproc_line_fn line, void *ctx) {
  for (struct pollfd q = {.fd = p->fd, .events = POLLIN};
       p->fd >= 0 && poll(&q, 1, 0) > 0 && ab_subproc_read(p, line, ctx);)
    ;
}

bool ab_subproc_exited(ab_subproc *p) {
  if (p->exited || p->finished)
    return true;
  siginfo_t si;
  memset(&si, 0, sizeof si);
  /* WNOWAIT leaves it a zombie: its pid, and so its process group id, stay ours. */
  int r = waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT);
  if ((r == 0 && si.si_pid == p->pid) || (r < 0 && errno == ECHILD))
    p->exited = true;
  return p->exited;
}

void ab_subproc_finish(ab_subproc *p, double grace_s) {
  if (p->finished)
    return;
  /* After end of file a worker is usually gone within a millisecond: look again soon at
   * first, then every 10 ms. */
  double until = ab_now_s() + grace_s;
  long wait_ns = 100 * 1000;
  while (!ab_subproc_exited(p) && ab_now_s() < until) {
    struct timespec ts = {0, wait_ns};
    nanosleep(&ts, NULL);
    wait_ns = wait_ns < 5 * 1000 * 1000 ? wait_ns * 2 : 10 * 1000 * 1000;
  }
  /* Helpers the backend forked are in the group; they go too, however the worker ended. */
  kill(-p->pid, SIGKILL);
  if (!p->exited)
    kill(p->pid, SIGKILL);
  p->status = 0;
  while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
    ;
  if (p->fd >= 0)
    close(p->fd);
  p->fd = -1;
  free(p->buf);
  p->buf = NULL;
  p->len = p->cap = 0;
  p->exited = p->finished = true;
}

void ab_subproc_describe_end(int status, char *buf, size_t len) {
  if (WIFSIGNALED(status))
    snprintf(buf, len, "worker process died with signal %d (%s)", WTERMSIG(status),
             strsignal(WTERMSIG(status)));
  else if (WIFEXITED(status))
    snprintf(buf, len, "worker process exited with status %d", WEXITSTATUS(status));
  else
    snprintf(buf, len, "worker process ended (wait status %d)", status);
}

bool ab_worker_send(const char *buf, size_t len) {
  return ab_write_all(AB_WORKER_FD, buf, len);
}

int ab_self_exe(char *buf, size_t len) {
  if (len == 0)
    return 0;
  ssize_t n = readlink("/proc/self/exe", buf, len - 1);
  buf[n > 0 ? n : 0] = '\0';
  return n > 0 && (size_t)n < len - 1;
}
