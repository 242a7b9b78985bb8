/* accelbench — the power-source plugin ABI.
 *
 * A power source is a table of function pointers, like a backend (backend.h). The built-in
 * sources (RAPL powercap, hwmon, IPMI DCMI, external command, file) are such tables
 * compiled into the harness; a vendor source (NVML, Ascend DCMI, Cambricon CNDev, ROCm SMI)
 * can be a shared module (accelbench-power-<name>.so) that exports exactly one symbol,
 * AB_POWER_ENTRY_SYMBOL, of type ab_power_entry_fn. Built-in and loaded sources go
 * through the same code path in the harness.
 *
 * Versioning (hwloc/CLAP style, as for backends): the table starts with the ABI major and
 * minor version and the table's own size. Fields are only ever appended, which bumps the
 * minor version; a change to an existing field bumps the major version. The harness
 * refuses a table whose major version differs from AB_POWER_ABI_MAJOR, naming both
 * versions, and reads only the first `struct_size` bytes of a table from an older minor.
 * ab_power_channel_info also starts with its own struct_size, set by the harness.
 *
 * Model: one opened source instance has one or more *channels*; a channel is one measured
 * quantity (RAPL "package-0", "package-0/dram"; hwmon "power1_average"; the IPMI node
 * reading). Each channel says what it measures:
 *   - scope: chip/package, board/card, or node at the wall;
 *   - which device it covers, possibly a device of another backend (a node meter measures
 *     a GPU run; RAPL covers the CPU package);
 *   - kind: cumulative energy counter, averaged power, or instantaneous power;
 *   - update period: how often the underlying value changes.
 * The harness polls channels on a sampler thread, handles counter wrap-around and resets,
 * integrates power with the trapezoid rule, and decides validity; a source only reads.
 *
 * Threads: probe() may be called from any thread before open(). After open(), the harness
 * calls every slot of one opened instance from one thread at a time (a sampler thread
 * during a case, the runner thread at window edges), never concurrently. The reads of
 * sources without AB_POWER_SOURCE_SLOW_READ run one after another on one shared sampler
 * thread; a slow source has a thread of its own. A source keeps
 * no globals; its state lives in the `state_size` bytes the harness allocates (zeroed).
 *
 * Errors: every fallible slot returns ab_status and writes a human-readable message into
 * the caller's buffer `msg` (AB_MSG_LEN bytes) naming the file, command or field involved.
 * A source that cannot work on this machine is *disabled with a reason* (probe fails, or
 * a channel's `disabled_reason` is set) — never a crash, never silently missing.
 */
#ifndef ACCELBENCH_POWER_H
#define ACCELBENCH_POWER_H

#include <stddef.h>
#include <stdint.h>

#include "option.h"
#include "process.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AB_POWER_ABI_MAJOR    1
#define AB_POWER_ABI_MINOR    2
#define AB_POWER_ENTRY_SYMBOL "accelbench_power_entry"

/* What part of the machine a channel measures. Figures of different scopes are never
 * ranked against each other without saying so. */
typedef enum ab_power_scope {
  AB_POWER_SCOPE_UNKNOWN = 0, /* the source cannot tell; reports say "unknown scope" */
  AB_POWER_SCOPE_CHIP = 1,    /* die or package (RAPL package, DRAM domain, GPU chip) */
  AB_POWER_SCOPE_BOARD = 2,   /* card or board, including its memory and regulators */
  AB_POWER_SCOPE_NODE = 3,    /* the whole node, at the wall (BMC, PDU, lab meter) */
} ab_power_scope;

/* What one read() returns. */
typedef enum ab_power_kind {
  AB_POWER_KIND_ENERGY_COUNTER = 1, /* cumulative joules; may wrap at wrap_joules or reset */
  AB_POWER_KIND_AVERAGE_POWER = 2,  /* watts averaged by the device over update_period_s */
  AB_POWER_KIND_INSTANT_POWER = 3,  /* watts at the moment of the read */
} ab_power_kind;

/* Filled by channel_info(). The harness zeroes the struct and sets struct_size first. */
typedef struct ab_power_channel_info {
  uint32_t struct_size;
  char name[64];           /* unique within the source: "package-0", "hwmon3/power1_average" */
  char label[128];         /* free text for people: "AMD EPYC package 0", "PSU input" */
  ab_power_scope scope;    /* see ab_power_scope */
  ab_power_kind kind;      /* see ab_power_kind */
  char covers[96];         /* the device it measures, in words: "cpu package 0", "node" */
  char covers_backend[32]; /* backend of the covered device ("cpu", "cuda"); "" = node */
  char covers_uid[64];     /* that device's uid as the backend reports it; "" = unknown */
  /* Seconds between changes of the underlying value (RAPL about 1 ms, a BMC about 1 s);
   * 0 = unknown. The harness never polls a power channel faster than this and stretches a
   * measured window to at least 10x this period. */
  double update_period_s;
  /* For counters: the counter returns to 0 after this many joules (RAPL
   * max_energy_range_uj); 0 = does not wrap in practice (64-bit) or unknown. */
  double wrap_joules;
  /* Upper bound on the power this channel can see, in watts (a power-limit attribute);
   * 0 = unknown. Lets the harness poll a counter often enough to catch every wrap. */
  double max_watts;
  char path[256]; /* what it reads, for the record: a sysfs path, a command name */
  /* Empty when the channel is usable; otherwise why not ("energy_uj: Permission denied").
   * A disabled channel is listed with its reason and never read. */
  char disabled_reason[256];
} ab_power_channel_info;

/* One fact from window_facts() (1.2): "sm_clock_mhz" = "1980", "clock_event_reasons" =
 * "SwPowerCap,HwSlowdown". Keys are lower case with underscores and say their unit. */
typedef struct ab_power_fact {
  char key[48];
  char value[112];
} ab_power_fact;

/* Most facts one window_facts() call may return. */
#define AB_POWER_FACTS_MAX 24

typedef struct ab_power_source {
  /* ---- header: never moves ---- */
  uint16_t abi_major;   /* AB_POWER_ABI_MAJOR the table was built with */
  uint16_t abi_minor;   /* AB_POWER_ABI_MINOR the table was built with */
  uint32_t struct_size; /* sizeof(ab_power_source) the table was built with */

  /* ---- identity ---- */
  const char *name;        /* short, lower case, unique: "rapl", "hwmon", "ipmi", "nvml" */
  const char *description; /* one line for `accelbench list` */
  size_t state_size;       /* bytes of per-instance state the harness allocates */

  /* Mandatory. Can the source work here with these options? AB_OK, or an error whose
   * `msg` becomes the "disabled: reason" that `accelbench list` prints (no powercap tree
   * under the root, ipmitool not found, library absent). Keys the source does not know
   * are ignored; a known key with a bad value is AB_E_INVALID naming the key. */
  ab_status (*probe)(const ab_option *options, size_t n_options, char *msg);

  /* Mandatory. Open an instance into `state` (state_size zeroed bytes): find channels,
   * open files, load libraries. On failure it releases what it acquired itself; close()
   * is called only after a successful open(). */
  ab_status (*open)(void *state, const ab_option *options, size_t n_options, char *msg);

  /* Mandatory. Release everything open() acquired. Never fails. */
  void (*close)(void *state);

  /* Mandatory. Number of channels, enabled or disabled. */
  ab_status (*channel_count)(void *state, uint32_t *count, char *msg);

  /* Mandatory. Describe channel `index` (< count). */
  ab_status (*channel_info)(void *state, uint32_t index, ab_power_channel_info *info, char *msg);

  /* Mandatory. Read channel `index` now: joules for a counter (raw, before wrap handling),
   * watts otherwise. Called often (up to a few hundred Hz): keep it cheap (pread on a file
   * descriptor kept open, no allocation). Must not block for long; a source that runs a
   * subprocess bounds it with a timeout. A source whose reads can take milliseconds sets
   * AB_POWER_SOURCE_SLOW_READ in `flags`: unflagged sources share one sampler thread, so
   * one slow read would delay all the others. */
  ab_status (*read)(void *state, uint32_t index, double *value, char *msg);

  /* ---- appended in 1.1 ---- */

  /* AB_POWER_SOURCE_* flags, 0 for none. 64 bits so that the table has no tail padding:
   * a field appended later always grows struct_size, so an older table can never seem to
   * have it. */
  uint64_t flags;

  /* ---- appended in 1.2 ---- */

  /* Optional. Facts about what channel `channel` covers, read at each edge of a timed
   * window (clocks, temperature, throttle reasons decoded to names, the power limit in
   * force): up to `max` key/value pairs into `facts`, their number into *n. The harness
   * records them per case ("before" and "after"); it never computes a figure from them.
   * Runner thread, between reads. NULL: the source has none. */
  ab_status (*window_facts)(void *state, uint32_t channel, ab_power_fact *facts, uint32_t max,
                            uint32_t *n, char *msg);

  /* Optional. Processes using the device channel `channel` covers, now: up to `max` into
   * `procs`, the number found into *n (may exceed max: the list is then cut). A source
   * leaves out its own process; the harness also leaves out itself and its ancestors (the
   * parent of a case worker), and judges the rest as interference (any process left
   * makes the window `disturbed`). Called at both edges of a timed window. NULL: the
   * source cannot tell. */
  ab_status (*foreign_processes)(void *state, uint32_t channel, ab_device_process *procs,
                                 uint32_t max, uint32_t *n, char *msg);
} ab_power_source;

/* A read may take milliseconds or block (a subprocess, a BMC, a network meter). Such a
 * source is polled on a thread of its own so it cannot delay the others; every other
 * source shares one sampler thread, so a poll tick costs one wake-up however many sources
 * there are (on a fully loaded machine each wake-up preempts the measured work; see
 * docs/power.md, "Overhead"). A table older than 1.1 has no flags and is treated as slow. */
#define AB_POWER_SOURCE_SLOW_READ 0x1ull

/* The one symbol a loadable power module exports. */
typedef const ab_power_source *(*ab_power_entry_fn)(uint32_t harness_abi_major);

/* Text for enum values, for records and messages; never NULL. */
static inline const char *ab_power_scope_name(ab_power_scope s) {
  switch (s) {
  case AB_POWER_SCOPE_CHIP: return "chip";
  case AB_POWER_SCOPE_BOARD: return "board";
  case AB_POWER_SCOPE_NODE: return "node";
  default: return "unknown";
  }
}

static inline const char *ab_power_kind_name(ab_power_kind k) {
  switch (k) {
  case AB_POWER_KIND_ENERGY_COUNTER: return "energy_counter";
  case AB_POWER_KIND_AVERAGE_POWER: return "average_power";
  case AB_POWER_KIND_INSTANT_POWER: return "instant_power";
  default: return "unknown";
  }
}

#ifdef __cplusplus
}
#endif
#endif
