/* The runner of the Criterion-compatible test shim (criterion/criterion.h beside it).
 *
 * Every test runs in a child of its own (fork() works under qemu-user, where Criterion's
 * ptrace-based sandbox does not): a crash, exit or hang costs that test alone, and globals
 * set by one test's .init never leak into the next. The child runs the suite's .init, the
 * test's .init, the test, then the test's .fini and the suite's .fini (these also after a
 * failed assert), and tells the parent how it went through its exit status. The parent
 * enforces .timeout, prints one line per test and a summary, and exits 1 if any failed.
 *
 *   test_x [--jobs N] [--filter GLOB] [--list]
 *
 * --jobs is accepted for ctest's command lines and ignored: tests run one at a time.
 * --filter runs the tests whose "suite/name" matches GLOB. AB_TEST_SHIM_SKIP (space-
 * separated globs over "suite/name") skips tests, each reported as skipped: for tests that
 * cannot run where the shim is used (an emulator that cannot exec a second binary). */
#define _POSIX_C_SOURCE 200809L
#include "criterion/criterion.h"

#include <errno.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A child's exit status: how its test went. Anything else is a failure too. */
enum { CHILD_PASSED = 0, CHILD_FAILED = 1, CHILD_SKIPPED = 3 };
/* Where crs_abort_test and crs_skip_test return to, in the child. */
enum { JUMP_NONE = 0, JUMP_ABORT = 1, JUMP_SKIP = 2 };

static struct crs_test *g_tests;
static struct crs_test **g_tests_tail = &g_tests;
static struct crs_suite *g_suites;

/* The child's state: where to jump when a test stops, and how many checks failed. */
static jmp_buf g_jump;
static bool g_jump_armed;
static unsigned g_failures;

void crs_register_test(struct crs_test *test) {
  /* Appended, so tests run in the order of their files. */
  *g_tests_tail = test;
  g_tests_tail = &test->next;
}

void crs_register_suite(struct crs_suite *suite) {
  suite->next = g_suites;
  g_suites = suite;
}

static const struct crs_options *suite_options(const char *name) {
  for (const struct crs_suite *s = g_suites; s; s = s->next)
    if (strcmp(s->name, name) == 0)
      return s->options;
  return NULL;
}

/* ---- what the check macros call ---------------------------------------------------- */

static _Thread_local char g_failure_text[1024];

const char *crs_failure(bool holds, const char *expression) {
  if (holds)
    return NULL;
  snprintf(g_failure_text, sizeof g_failure_text, "the expression %s is false", expression);
  return g_failure_text;
}

const char *crs_float_failure(double actual, double expected, double epsilon,
                              const char *actual_text, const char *expected_text) {
  /* Written so that a NaN on either side fails. */
  if (expected - actual <= epsilon && actual - expected <= epsilon)
    return NULL;
  snprintf(g_failure_text, sizeof g_failure_text,
           "%s == %s within %g is false: actual %.17g, expected %.17g", actual_text, expected_text,
           epsilon, actual, expected);
  return g_failure_text;
}

const char *crs_str_failure(const char *actual, const char *expected, bool want_equal,
                            const char *actual_text, const char *expected_text) {
  /* A NULL string fails the check rather than crashing the test. */
  bool equal = actual && expected && strcmp(actual, expected) == 0;
  if (actual && expected && equal == want_equal)
    return NULL;
  snprintf(g_failure_text, sizeof g_failure_text,
           "(as strings) %s %s %s is false: actual \"%s\", expected \"%s\"", actual_text,
           want_equal ? "==" : "!=", expected_text, actual ? actual : "(null)",
           expected ? expected : "(null)");
  return g_failure_text;
}

const char *crs_str_empty_failure(const char *actual, const char *actual_text) {
  if (actual && actual[0] == '\0')
    return NULL;
  snprintf(g_failure_text, sizeof g_failure_text, "%s is not empty: \"%s\"", actual_text,
           actual ? actual : "(null)");
  return g_failure_text;
}

void crs_report(const char *file, int line, const char *failure, const char *format, ...) {
  char message[2048];
  va_list ap;
  va_start(ap, format);
  vsnprintf(message, sizeof message, format, ap);
  va_end(ap);
  g_failures++;
  if (message[0])
    fprintf(stderr, "  %s:%d: %s (%s)\n", file, line, message, failure);
  else
    fprintf(stderr, "  %s:%d: %s\n", file, line, failure);
}

static _Noreturn void jump_out(int how) {
  fflush(NULL);
  if (g_jump_armed)
    longjmp(g_jump, how);
  /* Outside a test (a check in a constructor): nothing to return to. */
  _exit(how == JUMP_SKIP ? CHILD_SKIPPED : CHILD_FAILED);
}

void crs_abort_test(void) {
  jump_out(JUMP_ABORT);
}

void crs_skip_test(const char *file, int line, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  fprintf(stderr, "  %s:%d: skipped: ", file, line);
  vfprintf(stderr, format, ap);
  fputc('\n', stderr);
  va_end(ap);
  jump_out(JUMP_SKIP);
}

void crs_log(const char *severity, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  fprintf(stderr, "  %s: ", severity);
  vfprintf(stderr, format, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* ---- the child ---------------------------------------------------------------------- */

static void call(void (*fn)(void)) {
  if (fn)
    fn();
}

/* Runs fn; a failed assert or a skip inside it stops fn alone. Returns the jump taken. */
static int guarded(void (*fn)(void)) {
  int how = setjmp(g_jump);
  if (how == JUMP_NONE) {
    g_jump_armed = true;
    call(fn);
  }
  g_jump_armed = false;
  return how;
}

static const struct crs_test *g_current;
static const struct crs_options *g_current_suite;

static void setup_and_test(void) {
  if (g_current_suite)
    call(g_current_suite->init);
  call(g_current->options->init);
  g_current->run();
}

static void teardown(void) {
  call(g_current->options->fini);
  if (g_current_suite)
    call(g_current_suite->fini);
}

static _Noreturn void run_child(const struct crs_test *test, const struct crs_options *suite) {
  /* Its own process group: the parent can kill what a hung test forked too. */
  setpgid(0, 0);
  g_current = test;
  g_current_suite = suite;
  int how = guarded(setup_and_test);
  /* .fini runs after a failed assert too: Criterion's order, and teardowns that remove
   * temporary directories rely on it. A skip inside .fini does not undo a failure. */
  guarded(teardown);
  fflush(NULL);
  /* _exit: the parent's atexit handlers and library destructors are not this test's. */
  if (g_failures)
    _exit(CHILD_FAILED);
  _exit(how == JUMP_SKIP ? CHILD_SKIPPED : CHILD_PASSED);
}

/* ---- the parent --------------------------------------------------------------------- */

enum outcome { PASSED, FAILED, SKIPPED };

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Waits for the child, killing it (and its process group) after timeout_s (0: never).
 * Returns its wait status, with *timed_out set when it was killed for the time limit. */
static int wait_test(pid_t pid, double timeout_s, bool *timed_out) {
  int status = 0;
  *timed_out = false;
  double deadline = now_s() + timeout_s;
  for (;;) {
    pid_t done = waitpid(pid, &status, timeout_s > 0 ? WNOHANG : 0);
    if (done == pid)
      return status;
    if (done < 0 && errno != EINTR)
      return status;
    if (timeout_s > 0 && now_s() >= deadline) {
      *timed_out = true;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return status;
    }
    if (timeout_s > 0)
      nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
  }
}

static enum outcome judge(const struct crs_test *test, int status, bool timed_out,
                          double timeout_s) {
  if (timed_out) {
    fprintf(stderr, "  %s:%d: timed out after %g s\n", test->file, test->line, timeout_s);
    return FAILED;
  }
  if (WIFSIGNALED(status)) {
    fprintf(stderr, "  %s:%d: crashed: signal %d (%s)\n", test->file, test->line, WTERMSIG(status),
            strsignal(WTERMSIG(status)));
    return FAILED;
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == CHILD_PASSED)
    return PASSED;
  if (code == CHILD_SKIPPED)
    return SKIPPED;
  if (code != CHILD_FAILED)
    fprintf(stderr, "  %s:%d: the test exited with status %d\n", test->file, test->line, code);
  return FAILED;
}

static double timeout_of(const struct crs_test *test, const struct crs_options *suite) {
  if (test->options->timeout > 0)
    return test->options->timeout;
  return suite ? suite->timeout : 0;
}

static enum outcome run_test(const struct crs_test *test) {
  const struct crs_options *suite = suite_options(test->suite);
  double timeout_s = timeout_of(test, suite);
  fflush(NULL); /* or the child would print the parent's buffered output again */
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "  %s/%s: fork failed: %s\n", test->suite, test->name, strerror(errno));
    return FAILED;
  }
  if (pid == 0)
    run_child(test, suite);
  bool timed_out;
  int status = wait_test(pid, timeout_s, &timed_out);
  return judge(test, status, timed_out, timeout_s);
}

static bool matches_any(const char *patterns, const char *id) {
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", patterns ? patterns : "");
  char *save = NULL;
  for (char *p = strtok_r(copy, " \t\n,", &save); p; p = strtok_r(NULL, " \t\n,", &save))
    if (fnmatch(p, id, 0) == 0)
      return true;
  return false;
}

static bool disabled(const struct crs_test *test) {
  const struct crs_options *suite = suite_options(test->suite);
  return test->options->disabled || (suite && suite->disabled);
}

struct tally {
  unsigned counts[3];
};

static void run_one(const struct crs_test *test, const char *filter, struct tally *tally) {
  char id[512];
  snprintf(id, sizeof id, "%s/%s", test->suite, test->name);
  if (filter && fnmatch(filter, id, 0) != 0)
    return;
  enum outcome outcome;
  const char *why = "";
  double start = now_s();
  if (disabled(test)) {
    outcome = SKIPPED, why = ": disabled";
  } else if (matches_any(getenv("AB_TEST_SHIM_SKIP"), id)) {
    outcome = SKIPPED, why = ": excluded by AB_TEST_SHIM_SKIP";
  } else {
    fprintf(stderr, "RUN  %s\n", id);
    outcome = run_test(test);
  }
  static const char *const label[] = {"PASS", "FAIL", "SKIP"};
  fprintf(stderr, "%s %s%s (%.2f s)\n", label[outcome], id, why, now_s() - start);
  tally->counts[outcome]++;
}

static void usage(const char *argv0) {
  fprintf(stderr, "usage: %s [--jobs N] [--filter SUITE/NAME-GLOB] [--list]\n", argv0);
}

int main(int argc, char **argv) {
  const char *filter = NULL;
  bool list = false;
  for (int i = 1; i < argc; i++) {
    if ((strcmp(argv[i], "--jobs") == 0 || strcmp(argv[i], "-j") == 0) && i + 1 < argc)
      i++; /* one test at a time, whatever was asked */
    else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
      filter = argv[++i];
    else if (strcmp(argv[i], "--list") == 0)
      list = true;
    else {
      fprintf(stderr, "%s: unknown argument '%s'\n", argv[0], argv[i]);
      usage(argv[0]);
      return 2;
    }
  }
  struct tally tally = {{0}};
  for (const struct crs_test *t = g_tests; t; t = t->next) {
    if (list)
      printf("%s/%s\n", t->suite, t->name);
    else
      run_one(t, filter, &tally);
  }
  if (list)
    return 0;
  unsigned total = tally.counts[PASSED] + tally.counts[FAILED] + tally.counts[SKIPPED];
  fprintf(stderr, "Synthesis: Tested: %u | Passing: %u | Failing: %u | Skipped: %u\n", total,
          tally.counts[PASSED], tally.counts[FAILED], tally.counts[SKIPPED]);
  return tally.counts[FAILED] ? 1 : 0;
}
