/* The status rule (verdict.h). */
#include "model/verdict.h"

#include <stdio.h>

bool ab_audit_slow(double control_s, double audit_s) {
  return audit_s > AB_AUDIT_FACTOR * control_s + AB_AUDIT_SLACK_S;
}

bool ab_device_timer_implausible(double device_median_s, double host_min_s) {
  double d = device_median_s, h = host_min_s;
  if (!(d > 0.0) || !(h > 0.0))
    return false;
  bool gap = d * AB_TIMER_GAP_FACTOR < h && h - d > AB_TIMER_GAP_S;
  return gap || d * AB_TIMER_FAR_FACTOR < h;
}

bool ab_interference_disturbed(const ab_interference *x) {
  /* Another program on the device shares its engines and memory bandwidth: no threshold
   * makes that harmless, so one process is enough. */
  if (x->device_measured && x->device_processes > 0)
    return true;
  if (!x->measured)
    return false;
  double q = x->quantum_s > 0.0 ? x->quantum_s : 0.0;
  return (x->other_cpu_s > AB_DISTURBED_OTHER_CORES * x->window_s && x->other_cpu_s > q) ||
         (x->steal_s > AB_DISTURBED_STEAL_SHARE * x->window_s && x->steal_s > q);
}

uint64_t ab_case_window_calls(const ab_case_result *c) {
  return c->iterations_total + c->audit.calls;
}

ab_case_status ab_validation_verdict(const ab_validation *v, char *reason, size_t len) {
  /* A ratio above 1 is an element outside its tolerance even when the count says none:
   * the two are written separately, and either alone is enough to refuse the result. */
  if (v->mismatches == 0 && !(v->max_error_ratio > 1.0) && v->full_failed == 0)
    return AB_CASE_OK;
  int n = 0;
  if (reason && len && (v->mismatches || v->max_error_ratio > 1.0))
    n = snprintf(reason, len,
                 "%llu of %llu checked elements outside tolerance (max |err| %.3g, %.3g x "
                 "tolerance)",
                 (unsigned long long)v->mismatches, (unsigned long long)v->elements_checked,
                 v->max_abs_error, v->max_error_ratio);
  if (reason && len && v->full_failed && n >= 0 && (size_t)n < len)
    snprintf(reason + n, len - (size_t)n,
             "%s%llu rows fail the every-element check, the first row %lld", n ? "; " : "",
             (unsigned long long)v->full_failed, (long long)v->full_first_failed);
  return AB_CASE_WRONG_RESULT;
}

static bool audit_implausible(const ab_case_result *c) {
  return c->audit.done && c->audit.rounds == AB_AUDIT_ROUNDS &&
         ab_audit_slow(c->audit.control_s, c->audit.audit_s);
}

ab_case_status ab_case_verdict(const ab_case_result *c, char *reason, size_t len) {
  ab_case_status st = ab_validation_verdict(&c->validation, reason, len);
  if (st != AB_CASE_OK)
    return st;
  /* On a disturbed host even the fastest host sample may carry others' load, so a device
   * timer below it convicts nobody: the host figure stands, the case stays ok (flagged
   * disturbed by the interference check). */
  if (c->device_timer_rejected_s > 0.0 && !c->interference.disturbed) {
    if (reason && len)
      snprintf(reason, len,
               "device timer: median %.3g s per call against at least %.3g s on the host clock "
               "around the same synchronous calls, more than launch overhead explains; time_s "
               "is the host's",
               c->device_timer_rejected_s, c->host_time_s.min);
    return AB_CASE_IMPLAUSIBLE;
  }
  /* Never ranked either way; on a disturbed host the reason says that the host's load may
   * be what slowed the audited calls (a call preempted every round), so that an honest
   * module is not accused and the lab knows to rerun on a quiet host. */
  if (audit_implausible(c)) {
    if (reason && len)
      snprintf(reason, len,
               "audited call, %d rounds%s: at best %.3g s after the output was reset against at "
               "most %.3g s for the same call before it (over %.0fx + %.0f us): %s",
               AB_AUDIT_ROUNDS, c->interference.disturbed ? ", on a disturbed host" : "",
               c->audit.audit_s, c->audit.control_s, AB_AUDIT_FACTOR, AB_AUDIT_SLACK_S * 1e6,
               c->interference.disturbed
                   ? "either the kernel computes only when its output changes or other work on "
                     "the host delayed every audited call; rerun on a quiet host to tell"
                   : "the kernel computes only when its output changes");
    return AB_CASE_IMPLAUSIBLE;
  }
  return AB_CASE_OK;
}
