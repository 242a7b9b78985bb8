/* Interference (interference.h). /proc/stat counts every CPU's busy and steal time in
 * clock ticks (proc(5)); /proc/self/stat fields 14 and 15 (utime, stime) count this
 * process's, all threads included (a case runs in its worker process or in-process). */
#include "interference.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model/util.h"
#include "model/verdict.h"

static bool read_proc_stat(const char *root, ab_cpu_snapshot *s) {
  char path[1100];
  snprintf(path, sizeof path, "%s/proc/stat", strcmp(root, "/") == 0 ? "" : root);
  FILE *f = fopen(path, "r");
  if (!f)
    return false;
  unsigned long long user, nice, sys, idle, iowait, irq, softirq, steal = 0;
  int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &sys, &idle,
                 &iowait, &irq, &softirq, &steal);
  fclose(f);
  if (n < 7)
    return false;
  s->busy = user + nice + sys + irq + softirq; /* guest time is inside user already */
  s->steal = steal;
  return true;
}

/* utime and stime: fields 14 and 15, after the command name in parentheses (which may
 * itself contain spaces and parentheses, so parse from the last ')'). */
static bool read_self_stat(const char *root, ab_cpu_snapshot *s) {
  char path[1100], buf[2048];
  snprintf(path, sizeof path, "%s/proc/self/stat", strcmp(root, "/") == 0 ? "" : root);
  FILE *f = fopen(path, "r");
  if (!f)
    return false;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *p = strrchr(buf, ')');
  unsigned long long utime, stime;
  if (!p ||
      sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
    return false;
  s->own = utime + stime;
  return true;
}

void ab_cpu_snapshot_take(const char *root, ab_cpu_snapshot *s) {
  memset(s, 0, sizeof *s);
  s->t = ab_now_s();
  s->ok = read_proc_stat(root, s) && read_self_stat(root, s);
}

void ab_interference_between(const ab_cpu_snapshot *a, const ab_cpu_snapshot *b,
                             ab_interference *out) {
  memset(out, 0, sizeof *out);
  if (!a->ok || !b->ok || b->busy < a->busy || b->t <= a->t)
    return;
  double hz = (double)sysconf(_SC_CLK_TCK);
  if (!(hz > 0))
    return;
  double busy = (double)(b->busy - a->busy) / hz, own = (double)(b->own - a->own) / hz;
  out->measured = true;
  out->window_s = b->t - a->t;
  /* Tick accounting is coarse (1/HZ per CPU): never report less than none. */
  out->other_cpu_s = busy > own ? busy - own : 0.0;
  out->steal_s = b->steal >= a->steal ? (double)(b->steal - a->steal) / hz : 0.0;
  /* The kernel counts CPU time in whole ticks per CPU, the machine's and ours separately:
   * a difference of a few ticks is counting, not load. Below that a window is not judged. */
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  out->quantum_s = AB_DISTURBED_TICKS * (double)(cpus > 0 ? cpus : 1) / hz;
  out->disturbed = ab_interference_disturbed(out);
}

void ab_interference_add_device(ab_interference *out, const ab_device_process *p, uint32_t n) {
  out->device_measured = true;
  out->device_processes = n;
  out->device_process_list[0] = '\0';
  for (uint32_t i = 0; i < n; i++) {
    size_t used = strlen(out->device_process_list);
    snprintf(out->device_process_list + used, sizeof out->device_process_list - used, "%s%u %s",
             i ? ", " : "", p[i].pid, p[i].name[0] ? p[i].name : "?");
  }
  /* Another program on the device shares its engines and memory bandwidth: no threshold
   * makes that harmless, so one process is enough. */
  out->disturbed = ab_interference_disturbed(out);
}
