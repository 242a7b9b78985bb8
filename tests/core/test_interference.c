/* Interference (bench/interference.c) on /proc trees written in place, as sysfs tests do:
 * other processes' CPU time is the machine's busy time less this process's own. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interference.h"

static char root[64];

static void write_file(const char *rel, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  FILE *f = fopen(path, "w");
  cr_assert(f, "%s", path);
  fputs(text, f);
  fclose(f);
}

/* busy = user + nice + system + irq + softirq ticks; own = utime + stime (fields 14, 15). */
static void machine(unsigned long long busy, unsigned long long steal, unsigned long long own) {
  char stat[256], self[512];
  snprintf(stat, sizeof stat, "cpu  %llu 0 0 5000 0 0 0 %llu 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n", busy,
           steal);
  /* a command name with spaces and a parenthesis, as /proc allows */
  snprintf(self, sizeof self, "4242 (a (b) c) R 1 1 1 0 -1 0 0 0 0 0 %llu 0 0 0 20 0 1 0\n", own);
  write_file("proc/stat", stat);
  write_file("proc/self/stat", self);
}

static void setup(void) {
  snprintf(root, sizeof root, "/tmp/ab-interference-XXXXXX");
  cr_assert(mkdtemp(root));
  char d[128];
  snprintf(d, sizeof d, "%s/proc", root);
  mkdir(d, 0755);
  snprintf(d, sizeof d, "%s/proc/self", root);
  mkdir(d, 0755);
}

static void teardown(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", root);
  cr_expect_eq(system(cmd), 0);
}

TestSuite(interference, .init = setup, .fini = teardown);

static ab_interference between(unsigned long long busy1, unsigned long long own1,
                               unsigned long long steal1, double window_s) {
  ab_cpu_snapshot a, b;
  machine(1000, 0, 100);
  ab_cpu_snapshot_take(root, &a);
  machine(busy1, steal1, own1);
  ab_cpu_snapshot_take(root, &b);
  b.t = a.t + window_s; /* the window's length is the caller's clock, not the tree's */
  ab_interference x;
  ab_interference_between(&a, &b, &x);
  return x;
}

Test(interference, quiet_machine_is_not_disturbed) {
  long hz = sysconf(_SC_CLK_TCK);
  /* 1 s: the run used 1.9 cores, everyone else 0.05 of a core */
  ab_interference x = between(1000 + (unsigned long long)(1.95 * hz), 100 + 19 * hz / 10, 0, 1.0);
  cr_assert(x.measured);
  cr_assert_float_eq(x.other_cpu_s, 0.05, 0.02);
  cr_assert_not(x.disturbed);
}

Test(interference, a_busy_process_disturbs) {
  long hz = sysconf(_SC_CLK_TCK);
  /* 1 s: the run used 1 core, a busy loop the other */
  ab_interference x =
      between(1000 + (unsigned long long)(2 * hz), 100 + (unsigned long long)hz, 0, 1.0);
  cr_assert(x.disturbed);
  cr_assert_float_eq(x.other_cpu_s, 1.0, 0.02);
}

Test(interference, steal_disturbs) {
  long hz = sysconf(_SC_CLK_TCK);
  ab_interference x = between(1000 + (unsigned long long)hz, 100 + (unsigned long long)hz,
                              (unsigned long long)(hz / 10), 1.0);
  cr_assert_float_eq(x.steal_s, 0.1, 0.02);
  cr_assert(x.disturbed, "10%% stolen is over the 5%% threshold");
}

Test(interference, unreadable_proc_is_not_measured) {
  ab_cpu_snapshot a, b;
  ab_cpu_snapshot_take("/nonexistent-root", &a);
  ab_cpu_snapshot_take("/nonexistent-root", &b);
  ab_interference x;
  ab_interference_between(&a, &b, &x);
  cr_assert_not(x.measured);
  cr_assert_not(x.disturbed);
}
