/* A test-only backend (never installed) whose providers end the process that runs them in
 * the ways real vendor drivers do, so case isolation (bench/isolate.c) can be tested:
 *   ok     correct naive f32/f64 GEMM
 *   segv   raises SIGSEGV in case_run          -> crashed, "signal 11"
 *   abort  calls abort() in case_run           -> crashed, "signal 6"
 *   hang   sleeps forever in case_run          -> timeout (killed at --case-timeout)
 *   leak   correct, but leaks memory per call  -> ok (the worker's exit reclaims it)
 *   exit   calls _exit(3) in case_prepare      -> crashed, "exited with status 3"
 *   forkcrash  forks a helper that sleeps forever (as a vendor runtime's daemon would),
 *          then raises SIGSEGV in case_run     -> crashed, and the helper is killed too
 * With CRASHY_OPEN=segv or CRASHY_OPEN=hang in the environment, open() itself crashes or
 * hangs, for the worker path where no case has started yet. Helpers append their pid to
 * $CRASHY_HELPER_PIDFILE when it is set, so a test can check none outlives the run.
 * It is built into tests/isolation-modules, a directory only the isolation tests put on
 * ACCELBENCH_BACKEND_PATH.
 *
 * The same source, built with CRASHY_NAME and CRASHY_PROBE defined, gives the modules of
 * the discovery test (tests/discovery-modules): one whose probe() segfaults, one whose
 * probe() forks a helper and hangs, and one whose probe() forks a helper before
 * device_info() segfaults.
 * Terminating the process is the point here; no library code may do it. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accelbench/backend.h"
#include "host_buffers.h"

#ifndef CRASHY_NAME
#define CRASHY_NAME "crashy"
#endif

/* Where a discovery variant misbehaves while it is probed. */
#define PROBE_FINE      0
#define PROBE_SEGV      1 /* probe() raises SIGSEGV */
#define PROBE_HANG      2 /* probe() forks a sleeping helper and never returns */
#define PROBE_FORK_SEGV 3 /* probe() forks a sleeping helper; device_info(0) raises SIGSEGV */
#ifndef CRASHY_PROBE
#define CRASHY_PROBE PROBE_FINE
#endif

enum crashy_mode {
  MODE_OK,
  MODE_SEGV,
  MODE_ABORT,
  MODE_HANG,
  MODE_LEAK,
  MODE_EXIT,
  MODE_FORKCRASH
};

static const char *const providers[] = {"ok",   "segv", "abort",     "hang",
                                        "leak", "exit", "forkcrash", NULL};

/* Bytes leaked by each case_run call of the `leak` provider: enough that a leak across
 * many cases would show in the worker's RSS, small enough to stay harmless. */
#define LEAK_BYTES_PER_CALL (64u * 1024u)

typedef struct crashy_case {
  ab_kernel_desc desc;
  ab_buffer *a, *b, *c;
  enum crashy_mode mode;
} crashy_case;

static void hang_forever(void) {
  for (;;) {
    struct timespec ts = {.tv_sec = 3600, .tv_nsec = 0};
    nanosleep(&ts, NULL);
  }
}

/* A helper that sleeps forever and keeps the worker's pipe open, as a vendor runtime's
 * daemon might; its pid goes to $CRASHY_HELPER_PIDFILE. */
static void fork_sleeping_helper(void) {
  pid_t pid = fork();
  if (pid == 0)
    hang_forever();
  const char *file = getenv("CRASHY_HELPER_PIDFILE");
  FILE *f = pid > 0 && file ? fopen(file, "a") : NULL;
  if (f) {
    fprintf(f, "%d\n", (int)pid);
    fclose(f);
  }
}

static ab_status cr_probe(char *msg) {
  (void)msg;
  if (CRASHY_PROBE == PROBE_SEGV)
    raise(SIGSEGV);
  if (CRASHY_PROBE == PROBE_HANG || CRASHY_PROBE == PROBE_FORK_SEGV)
    fork_sleeping_helper();
  if (CRASHY_PROBE == PROBE_HANG)
    hang_forever();
  return AB_OK;
}

static ab_status cr_count(uint32_t *n, char *msg) {
  (void)msg;
  *n = 1;
  return AB_OK;
}

static ab_status cr_info(uint32_t i, ab_device_info *info, char *msg) {
  (void)msg;
  if (CRASHY_PROBE == PROBE_FORK_SEGV)
    raise(SIGSEGV);
  if (i != 0)
    return AB_E_INVALID;
  info->type = AB_DEVICE_OTHER;
  strcpy(info->name, "crashy test device");
  strcpy(info->vendor, "accelbench tests");
  strcpy(info->uid, "crashy:0");
  return AB_OK;
}

static ab_status cr_open(uint32_t i, void *state, const ab_option *o, size_t n, char *msg) {
  (void)i, (void)state, (void)o, (void)n, (void)msg;
  const char *how = getenv("CRASHY_OPEN");
  if (how && strcmp(how, "segv") == 0)
    raise(SIGSEGV);
  if (how && strcmp(how, "hang") == 0)
    hang_forever();
  return AB_OK;
}

static void cr_close(void *state) {
  (void)state;
}

static int mode_of(const char *provider) {
  for (int i = 0; providers[i]; i++)
    if (strcmp(providers[i], provider) == 0)
      return i;
  return -1;
}

static ab_status cr_prepare(void *state, const ab_kernel_desc *d, const char *provider,
                            ab_buffer *const *ops, size_t n_ops, void **cs, ab_case_info *info,
                            char *msg) {
  (void)state;
  int mode = mode_of(provider);
  if (mode < 0 || d->kind != AB_KERNEL_GEMM || n_ops != 3 ||
      (d->dtype != AB_DTYPE_F32 && d->dtype != AB_DTYPE_F64)) {
    strcpy(msg, "crashy backend: only f32/f64 GEMM");
    return AB_E_UNSUPPORTED;
  }
  if (mode == MODE_EXIT)
    _exit(3); /* a driver that calls exit() from deep inside its set-up */
  crashy_case *c = calloc(1, sizeof *c);
  if (!c)
    return AB_E_NOMEM;
  *c = (crashy_case){.desc = *d, .a = ops[0], .b = ops[1], .c = ops[2], .mode = mode};
  *cs = c;
  strcpy(info->implementation, "crashy naive loop");
  return AB_OK;
}

static double ld(const ab_buffer *b, ab_dtype t, size_t i) {
  return t == AB_DTYPE_F64 ? ((const double *)b->data)[i] : ((const float *)b->data)[i];
}

static void gemm(const crashy_case *c) {
  const ab_gemm_params *g = &c->desc.params.gemm;
  for (int64_t i = 0; i < g->m; i++)
    for (int64_t j = 0; j < g->n; j++) {
      double s = 0;
      for (int64_t p = 0; p < g->k; p++)
        s += ld(c->a, c->desc.dtype, (size_t)(g->trans_a ? p * g->m + i : i * g->k + p)) *
             ld(c->b, c->desc.dtype, (size_t)(g->trans_b ? j * g->k + p : p * g->n + j));
      if (c->desc.dtype == AB_DTYPE_F64)
        ((double *)c->c->data)[i * g->n + j] = s;
      else
        ((float *)c->c->data)[i * g->n + j] = (float)s;
    }
}

/* Touch every page so the leak is resident memory, not just address space. */
static void leak_some(void) {
  unsigned char *p = malloc(LEAK_BYTES_PER_CALL);
  if (p)
    memset(p, 0xA5, LEAK_BYTES_PER_CALL);
}

static ab_status cr_run(void *state, void *cs, uint32_t iters, ab_timing *t, char *msg) {
  (void)state, (void)msg;
  crashy_case *c = cs;
  switch (c->mode) {
  case MODE_SEGV: raise(SIGSEGV); break;
  case MODE_ABORT: abort();
  case MODE_HANG: hang_forever(); break;
  case MODE_LEAK: leak_some(); break;
  case MODE_FORKCRASH:
    fork_sleeping_helper();
    raise(SIGSEGV);
    break;
  default: break;
  }
  for (uint32_t i = 0; i < iters; i++)
    gemm(c);
  t->device_seconds = -1.0;
  return AB_OK;
}

static void cr_release(void *state, void *cs) {
  (void)state;
  free(cs);
}

static const ab_backend table = {
    .abi_major = AB_BACKEND_ABI_MAJOR,
    .abi_minor = AB_BACKEND_ABI_MINOR,
    .struct_size = sizeof(ab_backend),
    .name = CRASHY_NAME,
    .description = "test-only backend whose providers crash, hang, exit or leak",
    .device_state_size = 16,
    .providers = providers,
    .probe = cr_probe,
    .device_count = cr_count,
    .device_info = cr_info,
    .open = cr_open,
    .close = cr_close,
    .buffer_alloc = hb_alloc,
    .buffer_free = hb_free,
    .copy_to_device = hb_to_dev,
    .copy_to_host = hb_to_host,
    .case_prepare = cr_prepare,
    .case_run = cr_run,
    .case_release = cr_release,
};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t major) {
  (void)major;
  return &table;
}
