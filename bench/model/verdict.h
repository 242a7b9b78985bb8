/* accelbench — the status a case earns from what its run recorded: the validation outcome,
 * the audited call and the device timer checked against the host clock. One rule, called
 * by the runner when the case has run and by `accelbench verify` when it recomputes a run
 * file, so the two can never disagree about what "ok" means. The thresholds are here for
 * the same reason; the runner repeats the audit and checks the device timer by them. */
#ifndef AB_MODEL_VERDICT_H
#define AB_MODEL_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/record.h"

/* ---- the audited call (docs/measurement.md) ------------------------------------------- */

/* Calls of the case timed before the reset (the last samples' for the first round, calls of
 * its own for a repeated one); the slowest is the control, so that a call preempted on a
 * busy host makes the test milder, never a false verdict. */
#define AB_AUDIT_CONTROL_CALLS 3
/* The audited call may take this many times the control, plus AB_AUDIT_SLACK_S, before the
 * round is slow: cache effects of the reset stay well inside it (docs/measurement.md). */
#define AB_AUDIT_FACTOR  3.0
#define AB_AUDIT_SLACK_S 50e-6
/* Rounds before a slow audit is a verdict: every one of them must be slow. */
#define AB_AUDIT_ROUNDS 5

/* Whether one audit round was slow: the call after the reset took far longer than before. */
bool ab_audit_slow(double control_s, double audit_s);

/* ---- the device timer ----------------------------------------------------------------- */

/* A device timer far below the host clock around the same synchronous calls, by more than
 * launch overhead can explain, is not believed (docs/measurement.md). Compared with the
 * host's fastest sample, so that load on the host cannot make an honest timer look wrong. */
#define AB_TIMER_GAP_FACTOR 2.0    /* device < host / 2 ... */
#define AB_TIMER_GAP_S      200e-6 /* ... and more than this per call apart (POCL: tens of us) */
#define AB_TIMER_FAR_FACTOR 20.0   /* or device < host / 20 whatever the gap */

/* Whether a device timer's median per call cannot be true beside the host's fastest. */
bool ab_device_timer_implausible(double device_median_s, double host_min_s);

/* ---- interference (docs/measurement.md, "Interference") -------------------------------- */

/* Other processes may use this many cores on average during a window, and a hypervisor
 * steal this share of it, before the window is disturbed ... */
#define AB_DISTURBED_OTHER_CORES 0.25
#define AB_DISTURBED_STEAL_SHARE 0.05
/* ... and only by more than this many clock ticks per CPU: tick accounting cannot tell less
 * from counting noise (a window of a few ticks is recorded but not judged). */
#define AB_DISTURBED_TICKS 2.0

/* Whether a measured window's figures are over the thresholds, or another process used the
 * device (false when not measured). */
bool ab_interference_disturbed(const ab_interference *x);

/* ---- the status ----------------------------------------------------------------------- */

/* Calls inside the power window: the timed samples' and the audit's. */
uint64_t ab_case_window_calls(const ab_case_result *c);

/* AB_CASE_WRONG_RESULT when any checked element was outside its tolerance (mismatches > 0,
 * or max_error_ratio > 1) or a unit failed the every-element check, else AB_CASE_OK. For a
 * wrong result `reason` (may be NULL) gets the counts in words; for ok it is left alone. */
ab_case_status ab_validation_verdict(const ab_validation *v, char *reason, size_t len);

/* The status of a validated case: wrong_result as above; otherwise implausible when its
 * device timer was not believed (device_timer_rejected_s > 0) in a window the interference
 * check did not call disturbed, or every round of its audited call was slow; otherwise ok.
 * `reason` as above, for implausible too. */
ab_case_status ab_case_verdict(const ab_case_result *c, char *reason, size_t len);

#endif
