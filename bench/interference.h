/* accelbench — what else the machine did during a timed window (docs/measurement.md,
 * "Interference"): CPU time other processes used, from /proc/stat less this process's
 * own, and the time a hypervisor stole. A window over the stated threshold is disturbed:
 * reports and compare say so, and compare gives no faster/slower verdict on it. */
#ifndef AB_INTERFERENCE_H
#define AB_INTERFERENCE_H

#include <stdbool.h>

#include "accelbench/process.h"
#include "model/record.h"

/* The thresholds and the rule are the model layer's (model/verdict.h), shared with
 * `accelbench verify`, which re-judges every recorded window. */
typedef struct ab_cpu_snapshot {
  bool ok;
  double t;                 /* monotonic seconds */
  unsigned long long busy;  /* machine-wide busy ticks (user, nice, system, irq, softirq) */
  unsigned long long steal; /* ticks stolen by the hypervisor */
  unsigned long long own;   /* this process's ticks (all its threads) */
} ab_cpu_snapshot;

/* `root` is "/" or a fake tree written in place for tests ("<root>/proc/stat",
 * "<root>/proc/self/stat"). */
void ab_cpu_snapshot_take(const char *root, ab_cpu_snapshot *s);

/* Fill `out` from two snapshots of the same root; not measured when either failed. */
void ab_interference_between(const ab_cpu_snapshot *a, const ab_cpu_snapshot *b,
                             ab_interference *out);

/* Other processes seen on the device during the window (already less this harness):
 * recorded with their pids and names, and any one makes the window disturbed. Called
 * after ab_interference_between. */
void ab_interference_add_device(ab_interference *out, const ab_device_process *p, uint32_t n);

#endif
