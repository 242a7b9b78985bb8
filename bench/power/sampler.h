/* accelbench — power and energy measurement for the runner (private to the harness).
 *
 * Life cycle, as the runner uses it:
 *
 *   ab_power_registry *reg;
 *   ab_power_registry_create(opts, n, &reg, msg);       // discover sources (list shows them)
 *   ab_power_idle_baseline(reg, 5.0, msg);              // before the suite
 *   double min_s = ab_power_min_window_s(reg, why, sizeof why); // stretch timed windows
 *   for each case:
 *     ab_thermal_take(root, &before);
 *     ab_power_sampler_start(reg, 0, &s, msg);          // just before the timed window
 *     ... timed repetitions, at least min_s seconds ...
 *     ab_power_sampler_stop(s, &windows, &n, msg);      // just after it
 *     ab_thermal_take(root, &after);
 *     json = ab_power_case_json(reg, windows, n, flops, bytes); // "power" of the record
 *     ab_power_windows_free(windows, n);
 *   ab_power_registry_free(reg);
 *
 * Every figure names its source and scope. With no usable source, ab_power_case_json()
 * returns {"not_measured": reason} — no number, no estimate. See docs/power.md.
 */
#ifndef AB_POWER_SAMPLER_H
#define AB_POWER_SAMPLER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "accelbench/power.h"

/* ---- registry ------------------------------------------------------------------------ */

/* Options (key/value, from the suite config or the command line). Unknown keys are an
 * error naming the key. Defaults in brackets.
 *   rate_hz          poll rate of the sampler [10]
 *   min_window_s     least measured window when power is measured [2]
 *   rapl             "off" disables RAPL            rapl.root   prefix for /sys [/]
 *   hwmon            "off" disables hwmon           hwmon.root  prefix for /sys [/]
 *   ipmi             "off" disables IPMI            ipmi.ipmitool  path [ipmitool in PATH]
 *   ipmi.timeout_s   per call [5]
 *   command          shell command printing "<number> [W|mW|kW|J|mJ|kJ|Wh|kWh]"
 *   command.unit / .scope (chip|board|node [node]) / .period_s [1] / .covers / .timeout_s [5]
 *   file             path re-read each poll (its last line as for command)
 *   file.unit / .scope / .period_s [1] / .covers */
typedef struct ab_power_registry ab_power_registry;

ab_status ab_power_registry_create(const ab_option *options, size_t n_options,
                                   ab_power_registry **out, char *msg);

/* A loadable power module (accelbench-power-<name>.so) as the harness found it
 * (bench/power_modules.c): its table when it was loaded and passed the isolated probe,
 * or why it was refused, and its provenance for the run file. */
typedef struct ab_power_module {
  char name[32];                 /* the table's name, or the file's stem when refused */
  char path[1024];               /* the module file */
  uint64_t size;                 /* bytes of the file; 0 with sha256 "" when it could not be read */
  char sha256[65];               /* lower-case hex, "" when unknown */
  uint16_t abi_major, abi_minor; /* the table's; 0.0 when it never gave one */
  const ab_power_source *table;  /* NULL: refused */
  char refused[AB_MSG_LEN];      /* why, when table is NULL */
} ab_power_module;

/* As ab_power_registry_create, plus the loadable modules: each adopted table goes through
 * ab_power_registry_add like a built-in source, a refused one is listed with its reason,
 * and every one is recorded with its provenance. Option keys "<module>" ("off" disables
 * it) and "<module>.*" (passed to it) are accepted for every module named here.
 * "sources=a,b" keeps only the sources named (built-in or loaded); the others are listed
 * as not selected and never probed. */
ab_status ab_power_registry_create_with(const ab_option *options, size_t n_options,
                                        const ab_power_module *modules, size_t n_modules,
                                        ab_power_registry **out, char *msg);

/* The table checks every source goes through (ABI major, table size, mandatory slots):
 * AB_E_ABI naming the source and both versions. For the module loader's isolated probe. */
ab_status ab_power_check_table(const ab_power_source *t, char *msg);

/* Add one more source table (a vendor module's, or a test's) with its own options. It
 * goes through the same checks as the built-in ones: an unknown ABI major, a short table
 * or a NULL mandatory slot is refused with AB_E_ABI naming the source. A source whose
 * probe or open fails is kept, disabled with the reason. */
ab_status ab_power_registry_add(ab_power_registry *reg, const ab_power_source *src,
                                const ab_option *options, size_t n_options, char *msg);

void ab_power_registry_free(ab_power_registry *reg);

/* Number of enabled channels over all sources (0 = power is not measured). */
size_t ab_power_registry_enabled(const ab_power_registry *reg);

/* Why nothing is measured, when ab_power_registry_enabled() is 0 ("" otherwise). */
const char *ab_power_registry_none_reason(const ab_power_registry *reg);

/* Every source and channel, enabled or not, with scope, kind, update period and
 * disabled reasons; idle baseline when measured. For `accelbench list` and the run file. */
json_t *ab_power_registry_to_json(const ab_power_registry *reg);

/* The same as text, one line per source and channel, for `accelbench list`. */
void ab_power_registry_print(const ab_power_registry *reg, FILE *out);

/* Least length of a timed window when power is measured: max(min_window_s, 10 x the
 * longest update period of an enabled channel); 0 when nothing is measured. `why` (may be
 * NULL) gets one sentence for the record saying where the figure comes from. */
double ab_power_min_window_s(const ab_power_registry *reg, char *why, size_t why_len);

/* ---- sampling ------------------------------------------------------------------------ */

#define AB_POWER_TIMELINE_MAX 256

typedef struct ab_power_point {
  double t_s;   /* seconds since the window started (bucket middle) */
  double watts; /* average power over the bucket */
} ab_power_point;

/* The energy of one channel over one window. */
typedef struct ab_energy_window {
  char source[96]; /* "rapl:package-0", "ipmi:dcmi" */
  char covers[96]; /* copied from the channel */
  ab_power_scope scope;
  ab_power_kind kind;
  size_t channel; /* index in the registry's channel list (for the idle baseline) */
  bool valid;
  char invalid_reason[256];
  double joules;      /* gross energy over the window */
  double avg_watts;   /* joules / duration_s */
  double peak_watts;  /* largest sample (power) or interval rate (counter) */
  double duration_s;  /* between the first and last read */
  double avg_se_w;    /* standard error of avg_watts (ab_power_weighted_se); NaN: < 2 values */
  const char *method; /* "counter" or "trapezoid" */
  double poll_interval_s;
  double max_gap_s; /* largest time between successive good reads */
  /* A counter that wraps: the power its reads were guarded against (the channel's stated
   * maximum, or AB_WRAP_OBSERVED_MARGIN x the highest power seen), where that figure came
   * from, and the wrap-safe period it gives (ab_power_wrap_safe_s). 0 / NULL / 0 for power
   * channels, counters that do not wrap, and a counter that never moved. */
  double wrap_power_w;
  const char *wrap_power_from;
  double wrap_safe_s;
  uint32_t n_samples;
  uint32_t read_errors;
  uint32_t wraps;
  uint32_t resets;
  uint32_t n_points;
  ab_power_point timeline[AB_POWER_TIMELINE_MAX];
  /* Facts the source read at the edges (power ABI 1.2 window_facts): clocks, temperature,
   * throttle reasons, power limit. facts_error: the first failure, "" when none. */
  bool has_facts;
  uint32_t n_facts_before, n_facts_after;
  ab_power_fact facts_before[AB_POWER_FACTS_MAX];
  ab_power_fact facts_after[AB_POWER_FACTS_MAX];
  char facts_error[200];
  /* Other processes on the covered device at either edge (power ABI 1.2
   * foreign_processes), this harness's own left out; distinct pids. procs_measured: the
   * source could tell. */
  bool procs_measured;
  uint32_t n_procs;
  ab_device_process procs[AB_MAX_DEVICE_PROCESSES];
  char procs_error[200];
} ab_energy_window;

typedef struct ab_power_sampler ab_power_sampler;

/* Read every enabled channel now (the window's left edge) and start the sampler threads:
 * one shared by the fast sources, one for each slow source. rate_hz <= 0 uses the registry's rate.
 * Power channels are polled no faster than their update period; counters at the rate, or faster
 * when a wrap could otherwise be missed. With no enabled channel this succeeds and measures
 * nothing. */
ab_status ab_power_sampler_start(ab_power_registry *reg, double rate_hz, ab_power_sampler **out,
                                 char *msg);

/* Stop the threads, read every channel again (the right edge) and compute one window per
 * enabled channel (*windows is malloc'd; free with ab_power_windows_free). Frees the
 * sampler. Always frees it, even on error. */
ab_status ab_power_sampler_stop(ab_power_sampler *s, ab_energy_window **windows, size_t *n,
                                char *msg);

/* CPU time the sampler threads have used so far (seconds), for overhead checks. */
double ab_power_sampler_cpu_s(const ab_power_sampler *s);

void ab_power_windows_free(ab_energy_window *windows, size_t n);

/* Measure every source at rest for `seconds` and keep the average watts per channel in
 * the registry (a channel whose idle window is invalid keeps the reason instead). */
ab_status ab_power_idle_baseline(ab_power_registry *reg, double seconds, char *msg);

/* Install an idle baseline measured elsewhere (the parent process measures it once before
 * the suite; the worker processes that run the cases get it this way). se_w is the standard
 * error of `watts` (NaN when unknown: then no net figure is measurable). */
ab_status ab_power_set_idle_watts(ab_power_registry *reg, size_t channel, double watts, double se_w,
                                  double seconds);

/* Channels in the registry, enabled or not (indices are stable for the same options). */
size_t ab_power_channel_count(const ab_power_registry *reg);

/* Idle watts of channel `channel`, or a negative value when not measured/invalid. */
double ab_power_idle_watts(const ab_power_registry *reg, size_t channel);

/* The idle baseline of a channel: its mean and the standard error of that mean. */
typedef struct ab_idle_power {
  double watts; /* < 0: no valid baseline */
  double se_w;  /* standard error of `watts` (ab_power_weighted_se); NaN: unknown */
} ab_idle_power;

ab_idle_power ab_power_idle(const ab_power_registry *reg, size_t channel);

/* ---- figures (computed here and only here) ------------------------------------------- */

/* Net of idle (docs/power.md, "Net of idle"): net power = avg_w - idle_w, published only
 * when it exceeds its uncertainty AB_NET_SIGMAS x sqrt(se(avg_w)^2 + se(idle_w)^2). */
#define AB_NET_SIGMAS 2.0

typedef struct ab_energy_figures {
  double gross_j, net_j; /* net = gross - idle_watts x duration; NaN unless net_measurable */
  double avg_w, net_avg_w;
  double idle_w;              /* NaN without a baseline */
  double avg_se_w, idle_se_w; /* standard errors of avg_w and idle_w; NaN when unknown */
  double net_u_w;             /* uncertainty of avg_w - idle_w (see AB_NET_SIGMAS); NaN: unknown */
  bool net_measurable;        /* a baseline, a known uncertainty, and net power above it */
  char net_why[160];          /* why not, when has_idle and !net_measurable */
  double pj_per_flop, net_pj_per_flop;    /* NaN when flops <= 0 */
  double gflops_per_w, net_gflops_per_w;  /* NaN when flops <= 0 */
  double pj_per_byte, gbytes_per_s_per_w; /* NaN when bytes <= 0 */
  double j_per_token, net_j_per_token;    /* NaN when tokens <= 0 */
  bool has_idle;
} ab_energy_figures;

/* The work done inside a window (per call x calls; bench/kernel.h says what each is). */
typedef struct ab_window_work {
  double flops, bytes, tokens;
} ab_window_work;

/* Average watts of a window: joules / duration_s, 0 for an empty window. */
double ab_power_avg_watts(double joules, double duration_s);

/* idle->watts < 0 (or idle NULL) means no baseline. The net figures are NaN unless net
 * power exceeds its uncertainty. */
void ab_power_figures(const ab_energy_window *w, const ab_idle_power *idle,
                      const ab_window_work *work, ab_energy_figures *out);

/* The "power" object of one case record: per channel source, scope, method, validity,
 * gross/net energy and watts, pJ/FLOP, GFLOP/s per W, J/token, timeline. With n == 0:
 * {"not_measured": <registry's reason>}. */
json_t *ab_power_case_json(const ab_power_registry *reg, const ab_energy_window *w, size_t n,
                           const ab_window_work *work);

/* Remove the per-work figures (per FLOP, per byte, per token, per watt) from a "power"
 * object, for a case that did not end ok: a wrong answer's speed is never ranked, and
 * neither is its energy per operation. Energy and watts stay. */
void ab_power_strip_efficiency(json_t *power);

/* One window alone (the idle baseline record, tests). */
json_t *ab_power_window_json(const ab_energy_window *w, const ab_energy_figures *f);

/* ---- building blocks, exposed for tests ---------------------------------------------- */

/* Trapezoid integral of watts over time (seconds); n < 2 gives 0. */
double ab_power_trapezoid(const double *t_s, const double *watts, size_t n);

/* Wrap safety (docs/power.md, "Counter wrap-around"). Between two reads at most
 * 1/AB_WRAP_SAFETY of the counter's range may pass at the power the channel can reach:
 * then at most one wrap fits in the gap, and its wrapped difference stays under half the
 * range, which ab_power_counter_delta() counts as a wrap. With no stated maximum the power
 * is AB_WRAP_OBSERVED_MARGIN x the highest power seen in the window (over spans of at least
 * 4 update periods). */
#define AB_WRAP_SAFETY          2.0
#define AB_WRAP_OBSERVED_MARGIN 2.0

/* The longest gap between counter reads that cannot hide a wrap: wrap_j / (AB_WRAP_SAFETY x
 * power_w). INFINITY when nothing limits it (wrap_j <= 0: the counter does not wrap;
 * power_w <= 0: no power known). */
double ab_power_wrap_safe_s(double wrap_j, double power_w);

/* Standard error of the weighted mean of v[0..n) with weights wt (seconds each value
 * stands for): sqrt(sum wt (v - m)^2 / sum wt / (n_eff - 1)), n_eff = (sum wt)^2 / sum wt^2
 * (Kish's effective sample size); equal weights give the textbook s / sqrt(n). NaN when
 * n_eff <= 1 (one value tells nothing about the spread). */
double ab_power_weighted_se(const double *v, const double *wt, size_t n);

/* Energy between two raw counter reads: handles a wrap at wrap_j (when > 0) and a reset
 * (the counter went back to about zero: counts `cur`, the energy since the reset). A
 * decrease is a wrap only when the wrapped delta is under half the range and, when
 * max_watts > 0, no faster than max_watts over dt_s. */
typedef enum ab_counter_step { AB_STEP_NORMAL, AB_STEP_WRAP, AB_STEP_RESET } ab_counter_step;
double ab_power_counter_delta(double prev, double cur, double wrap_j, double max_watts, double dt_s,
                              ab_counter_step *step);

/* Parse "<number> [unit]" (one line, surrounding blanks allowed) into watts or joules.
 * `unit` (may be NULL or "") is the configured unit; a unit in the text must agree with
 * it. *is_energy tells which. `where` names the origin for the message. */
ab_status ab_power_parse_value(const char *text, const char *unit, const char *where, double *value,
                               int *is_energy, char *msg);

/* Parse `ipmitool dcmi power reading` output strictly: every non-blank line must be one
 * of the known lines; the state must be "activated". Gives instantaneous watts and the
 * sampling period (0 when absent). */
ab_status ab_power_parse_dcmi(const char *text, double *watts, double *period_s, char *msg);

/* ---- joining channels to devices, other processes ------------------------------------ */

/* Does channel `channel` measure the case's device (`backend`, `uid`)? A node channel
 * (or one that names no backend) covers every case; a channel of another backend's
 * device is kept (the host package during a GPU case, labelled by its `covers`); a
 * channel of the same backend covers the case only when the uids agree, PCI bus ids
 * compared in one form (ab_pci_bus_id_normalize) — never another GPU's board. A channel
 * or case without a uid cannot be told apart and is kept. */
bool ab_power_channel_covers_case(const ab_power_registry *reg, size_t channel, const char *backend,
                                  const char *uid);

/* Keep only the windows whose channel covers the case (ab_power_channel_covers_case),
 * in order; *n becomes their number. */
void ab_power_windows_for_case(const ab_power_registry *reg, ab_energy_window *w, size_t *n,
                               const char *backend, const char *uid);

/* Drop this process and its ancestors (a case worker's accelbench parent) from a device's
 * process list, and fill empty names from <proc_root>/proc/<pid>/comm; returns the new
 * count. What is left is another program using the device. */
uint32_t ab_device_processes_foreign(ab_device_process *p, uint32_t n, const char *proc_root);

/* Add the pids of `add` not yet in `into` (up to AB_MAX_DEVICE_PROCESSES). */
void ab_device_processes_merge(ab_device_process *into, uint32_t *n_into,
                               const ab_device_process *add, uint32_t n_add);

/* ---- clocks and temperatures --------------------------------------------------------- */

#define AB_THERMAL_MAX_TEMPS 32

typedef struct ab_thermal_snapshot {
  uint32_t n_cpus; /* CPUs with a readable scaling_cur_freq */
  double cpu_mhz_mean, cpu_mhz_min, cpu_mhz_max;
  uint32_t n_temps;
  struct {
    char name[64]; /* "k10temp/Tctl", "hwmon2/temp1" */
    double celsius;
  } temps[AB_THERMAL_MAX_TEMPS];
  char unreadable[160]; /* why clocks/temperatures are missing, when they are */
} ab_thermal_snapshot;

/* Read cpufreq scaling_cur_freq (kHz) of every CPU and hwmon temp*_input (millidegrees)
 * under `root` ("/" normally). Never fails: what cannot be read is counted as absent. */
void ab_thermal_take(const char *root, ab_thermal_snapshot *s);

/* True when the mean CPU clock after the case is more than `threshold` (0.05 = 5%) below
 * the clock before it; *drop_pct gets the fall in percent (may be NULL). */
bool ab_thermal_clock_fell(const ab_thermal_snapshot *before, const ab_thermal_snapshot *after,
                           double threshold, double *drop_pct);

/* {"before":{...}, "after":{...}, "clock_fell":bool, "clock_drop_pct":x}, or
 * {"not_measured": reason} when nothing was readable. */
json_t *ab_thermal_json(const ab_thermal_snapshot *before, const ab_thermal_snapshot *after);

#endif
