/* accelbench — worker processes: the accelbench binary re-executed with a pipe on file
 * descriptor 3, in a process group of its own. Case isolation (isolate.c) and module
 * discovery (discover.c) both run untrusted backend code in such workers.
 *
 * The worker's process group holds it and every helper a backend or vendor runtime forks
 * (unless a helper leaves the group on purpose, with setsid or setpgid). Ending a worker
 * always kills what is left of that group, whether the worker exited, crashed or was
 * killed: the group is killed before the worker is reaped, while its id cannot have been
 * reused. */
#ifndef AB_SUBPROC_H
#define AB_SUBPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "accelbench/status.h"

/* The worker's protocol descriptor: one line per message. */
#define AB_WORKER_FD 3

/* A protocol line longer than this ends the worker's output (a module writing garbage to
 * the pipe must not make the parent grow without bound). Big enough for any case record
 * with its raw sample times. */
#define AB_WORKER_MAX_LINE (64u << 20)

typedef struct ab_subproc {
  pid_t pid;       /* also the id of its process group */
  int fd;          /* read end of the pipe on its fd 3; -1 once closed */
  char *buf;       /* the start of a line not yet complete */
  size_t len, cap; /* bytes in buf, bytes allocated */
  bool exited;     /* it has ended; not yet reaped, so its group id stays reserved */
  bool finished;   /* ab_subproc_finish ran: reaped, group killed, pipe closed */
  int status;      /* wait status, once finished */
} ab_subproc;

/* fork + exec `argv` (argv[0] a path) with the write end of a new pipe on fd 3, in a new
 * process group, killed if this process dies. */
ab_status ab_subproc_start(ab_subproc *p, char *const argv[], char *msg);

/* Called with each complete line the worker wrote, without its '\n'. */
typedef void (*ab_subproc_line_fn)(void *ctx, char *line);

/* Read what the pipe holds now (one read) and hand each complete line to `line`. Returns
 * false at end of file, on a read error or on a line over AB_WORKER_MAX_LINE. */
bool ab_subproc_read(ab_subproc *p, ab_subproc_line_fn line, void *ctx);

/* Hand over what is left in the pipe without blocking (after the worker died). */
void ab_subproc_drain(ab_subproc *p, ab_subproc_line_fn line, void *ctx);

/* Whether the worker has ended. It is not reaped here: a helper can still hold the pipe
 * open after the worker died, so the caller must not wait for end of file alone. */
bool ab_subproc_exited(ab_subproc *p);

/* Give the worker up to `grace_s` seconds to exit on its own, then SIGKILL it; SIGKILL
 * what is left of its process group; reap it into p->status; close the pipe. Safe to
 * call twice. */
void ab_subproc_finish(ab_subproc *p, double grace_s);

/* "worker process died with signal 11 (Segmentation fault)", "... exited with status 3". */
void ab_subproc_describe_end(int status, char *buf, size_t len);

/* The worker side: write all of `buf` to AB_WORKER_FD; false when the pipe is gone. */
bool ab_worker_send(const char *buf, size_t len);

/* The running accelbench binary (for workers to exec); 0 if it cannot be found. */
int ab_self_exe(char *buf, size_t len);

#endif
