/* The measurement core (docs/measurement.md).
 *
 * Per case: seeded inputs -> device buffers (output poisoned, so a kernel that writes
 * nothing cannot pass) -> case_prepare (compile/plan time kept out of the figures) ->
 * warm-up -> iterations per sample calibrated to last >= sample_min_s (far above the
 * clock's resolution) -> samples until CV < target (after min_samples) or the time cap ->
 * output copied back and validated against float64 (STREAM's discipline: validate after
 * timing). */
#include "runner.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coldcache.h"
#include "composite.h"
#include "hostblas.h"
#include "interference.h"
#include "model/inputs.h"
#include "model/kernel.h"
#include "model/reference.h"
#include "model/util.h"
#include "model/verdict.h"
#include "stats.h"

/* A calibrated sample never runs more than this many iterations in one call. */
#define AB_MAX_ITERS_PER_SAMPLE 1000000u
/* Iterations per sample are sized to last at least this many timer ticks. */
#define AB_MIN_TICKS_PER_SAMPLE 1000.0
/* Outputs are poisoned, and byte-exact outputs read back and checked, in chunks of
 * AB_CHECK_CHUNK bytes through one host buffer reused by every case of the device, rather
 * than through host buffers the size of the operand allocated per case: in a VM,
 * first-touch page faults on fresh host memory ran at ~350 MB/s (a 128 MiB read-back into a
 * fresh buffer took 0.6 s; docs/opencl.md), against GB/s into memory the process already
 * touched. */
/* Read-back buffers up to this size stay with the device for the next case. */
#define AB_READBACK_KEEP ((size_t)64 << 20)

typedef struct case_ctx {
  ab_open_device *dev;
  const ab_suite *suite;
  ab_case_result *res;
  size_t n_ops;
  ab_operand_def ops[AB_MAX_OPERANDS];
  void *host[AB_MAX_OPERANDS];
  ab_buffer *dbuf[AB_MAX_OPERANDS];
  void *case_state;
  bool prepared;
  ab_dtype accumulate; /* declared by case_prepare (ABI 1.1), or AB_DTYPE_INVALID */
  double warm_s;       /* seconds of kernel calls case_prepare made (ABI 1.2), at most its own
                        * wall time: warm-up, not backend overhead */
  uint64_t check_seed; /* drawn at run time: what the checks sample, and when the audit is */
  ab_cold_cache *cold; /* copies the calls rotate through (coldcache.h), or NULL */
  bool composite;      /* the harness composes the case from steps (composite.h) */
  ab_composite *steps; /* its prepared steps: the case state of a composite case */
  /* Other processes on the device at the window's edges (backend ABI 1.4, power ABI 1.2),
   * this harness left out; procs_measured: some backend or power channel could tell. */
  bool procs_measured;
  uint32_t n_procs;
  ab_device_process procs[AB_MAX_DEVICE_PROCESSES];
} case_ctx;

static void set_status(ab_case_result *res, ab_case_status st, const char *fmt,
                       const char *detail) {
  res->status = st;
  snprintf(res->reason, sizeof res->reason, fmt, detail);
}

void ab_case_identity(ab_case_result *res, const ab_open_device *dev, const ab_case_spec *spec,
                      const char *provider) {
  char shape[96];
  memset(res, 0, sizeof *res);
  ab_strlcpy(res->set, spec->set, sizeof res->set);
  ab_strlcpy(res->backend, dev->backend->name, sizeof res->backend);
  res->device_index = dev->index;
  ab_strlcpy(res->device_uid, dev->info.uid, sizeof res->device_uid);
  ab_strlcpy(res->device_name, dev->info.name, sizeof res->device_name);
  ab_strlcpy(res->provider, provider, sizeof res->provider);
  res->desc = spec->desc;
  res->flops = ab_kernel_flops(&spec->desc);
  res->bytes = ab_kernel_bytes(&spec->desc);
  ab_kernel_shape_str(&spec->desc, shape, sizeof shape);
  /* The set is part of the id: two sets may share a shape (the planner refuses repeats). */
  snprintf(res->case_id, sizeof res->case_id, "%s:%u/%s/%s/%s/%s/%s", dev->backend->name,
           dev->index, provider, spec->set, ab_kernel_kind_name(spec->desc.kind),
           ab_dtype_name(spec->desc.dtype), shape);
}

/* ---- buffers ------------------------------------------------------------------------ */

static size_t output_bytes(const ab_kernel_desc *d);

static size_t device_bytes_needed(const ab_kernel_desc *d) {
  size_t total = 0;
  for (size_t i = 0; i < ab_kernel_operand_count(d); i++)
    total += ab_kernel_operand_bytes(d, i);
  if (ab_kind_is_composite(d->kind)) /* its slices and scratch; inputs stay on the host */
    total += (size_t)ab_composite_device_bytes(d) - (total - output_bytes(d));
  return total;
}

static size_t output_bytes(const ab_kernel_desc *d) {
  size_t total = 0;
  for (size_t i = 0; i < ab_kernel_operand_count(d); i++) {
    ab_operand_def op;
    ab_kernel_operand(d, i, &op);
    total += op.role == AB_OPERAND_OUTPUT ? op.bytes : 0;
  }
  return total;
}

/* Equal inputs need equal operand dtypes too (ABI 1.3): a KV cache of another dtype has
 * other bytes, and another size. */
static bool same_inputs(const ab_kernel_desc *a, const ab_kernel_desc *b) {
  return a->kind == b->kind && a->dtype == b->dtype &&
         memcmp(&a->params, &b->params, sizeof a->params) == 0 &&
         memcmp(a->operand_dtypes, b->operand_dtypes, sizeof a->operand_dtypes) == 0;
}

static void drop_device_inputs(ab_open_device *dev) {
  for (size_t i = 0; i < AB_MAX_OPERANDS; i++) {
    if (dev->cached_device_inputs[i])
      dev->backend->table.buffer_free(dev->state, dev->cached_device_inputs[i]);
    dev->cached_device_inputs[i] = NULL;
  }
}

static void drop_cached_inputs(ab_open_device *dev) {
  drop_device_inputs(dev);
  for (size_t i = 0; i < AB_MAX_OPERANDS; i++) {
    free(dev->cached_inputs[i]);
    dev->cached_inputs[i] = NULL;
  }
  memset(&dev->cached_desc, 0, sizeof dev->cached_desc);
}

/* Every operand the kind does not write is an input, generated from the seed; outputs
 * are poisoned before the case and checked after (bench/model/kinds/). */
static bool is_input(const case_ctx *c, size_t i) {
  return c->ops[i].role == AB_OPERAND_INPUT;
}

/* Seeded inputs for the case, from the device's cache when the previous case had the same
 * descriptor (the seed is per suite, so equal descriptors mean equal data). */
static int host_inputs(case_ctx *c, char *msg) {
  const ab_kernel_desc *d = &c->res->desc;
  ab_open_device *dev = c->dev;
  if (!same_inputs(&dev->cached_desc, d)) {
    drop_cached_inputs(dev);
    for (size_t i = 0; i < c->n_ops; i++) {
      if (!is_input(c, i))
        continue;
      size_t bytes = c->ops[i].bytes;
      dev->cached_inputs[i] = ab_alloc_large(bytes);
      if (!dev->cached_inputs[i]) {
        ab_msgf(msg, AB_MSG_LEN, "host allocation of %zu bytes failed", bytes);
        drop_cached_inputs(dev);
        return 0;
      }
      ab_kind_fill_input(d, i, &c->ops[i], dev->cached_inputs[i],
                         ab_operand_seed(c->suite->seed, i));
    }
    dev->cached_desc = *d;
  }
  for (size_t i = 0; i < c->n_ops; i++)
    if (is_input(c, i))
      c->host[i] = dev->cached_inputs[i];
  return 1;
}

/* Inputs on the device, uploaded once per descriptor: kernels only read them, so the next
 * provider of the same shape reuses them. A composite case uploads its own slices of them
 * (composite.h), so none go up whole. */
static int device_inputs(case_ctx *c, char *msg) {
  const ab_backend *t = &c->dev->backend->table;
  for (size_t i = 0; i < c->n_ops && !c->composite; i++) {
    if (!is_input(c, i))
      continue;
    ab_buffer **slot = &c->dev->cached_device_inputs[i];
    size_t bytes = c->ops[i].bytes;
    if (!*slot && (t->buffer_alloc(c->dev->state, bytes, slot, msg) != AB_OK ||
                   t->copy_to_device(c->dev->state, *slot, 0, c->host[i], bytes, msg) != AB_OK))
      return 0;
    c->dbuf[i] = *slot;
  }
  return 1;
}

static int make_output(case_ctx *c, char *msg);

/* Inputs get seeded data; the output is poisoned with 0xff bytes (NaN for floats, -1 for
 * integers) so that a kernel that leaves it untouched fails validation. The poisoning is
 * the backend's time (uploads), like the inputs' upload. */
static int make_operands(case_ctx *c, char *msg) {
  c->n_ops = ab_kernel_operand_count(&c->res->desc);
  if (c->n_ops > AB_MAX_OPERANDS) {
    ab_msgf(msg, AB_MSG_LEN, "%zu operands, the harness handles at most %d", c->n_ops,
            AB_MAX_OPERANDS);
    return 0;
  }
  for (size_t i = 0; i < c->n_ops; i++)
    ab_kernel_operand(&c->res->desc, i, &c->ops[i]);
  double t0 = ab_now_s();
  if (!host_inputs(c, msg))
    return 0;
  double t1 = ab_now_s();
  c->res->harness_overhead_s += t1 - t0;
  int ok = device_inputs(c, msg) && make_output(c, msg);
  c->res->backend_overhead_s += ab_now_s() - t1;
  return ok;
}

/* A host buffer of at least `bytes`: the device's kept one (grown up to
 * AB_READBACK_KEEP), or a one-off larger one the caller must free (`*owned`); NULL with
 * msg when allocation fails. */
static void *scratch(ab_open_device *dev, size_t bytes, bool *owned, char *msg) {
  *owned = false;
  if (dev->scratch_bytes >= bytes)
    return dev->scratch;
  void *p = ab_alloc_large(bytes);
  if (!p) {
    ab_msgf(msg, AB_MSG_LEN, "host allocation of %zu bytes failed", bytes);
    return NULL;
  }
  if (bytes > AB_READBACK_KEEP) {
    *owned = true;
    return p;
  }
  free(dev->scratch);
  dev->scratch = p;
  dev->scratch_bytes = bytes;
  return p;
}

/* One chunk of 0xff bytes, made once per device. */
static const void *poison_chunk(ab_open_device *dev, char *msg) {
  if (!dev->poison) {
    dev->poison = malloc(AB_CHECK_CHUNK);
    if (!dev->poison) {
      ab_msgf(msg, AB_MSG_LEN, "host allocation of %zu bytes failed", AB_CHECK_CHUNK);
      return NULL;
    }
    memset(dev->poison, 0xff, AB_CHECK_CHUNK);
  }
  return dev->poison;
}

/* Fill output `out` with 0xff bytes, uploaded chunk by chunk. */
static int poison_operand(case_ctx *c, size_t out, char *msg) {
  const ab_backend *t = &c->dev->backend->table;
  size_t out_bytes = c->ops[out].bytes;
  const void *chunk = poison_chunk(c->dev, msg);
  if (!chunk)
    return 0;
  for (size_t off = 0; off < out_bytes; off += AB_CHECK_CHUNK) {
    size_t n = out_bytes - off < AB_CHECK_CHUNK ? out_bytes - off : AB_CHECK_CHUNK;
    if (t->copy_to_device(c->dev->state, c->dbuf[out], off, chunk, n, msg) != AB_OK)
      return 0;
  }
  return 1;
}

/* One output: a device buffer, poisoned. */
static int poisoned_output(case_ctx *c, size_t out, char *msg) {
  const ab_backend *t = &c->dev->backend->table;
  if (t->buffer_alloc(c->dev->state, c->ops[out].bytes, &c->dbuf[out], msg) != AB_OK)
    return 0;
  return poison_operand(c, out, msg);
}

static int make_output(case_ctx *c, char *msg) {
  for (size_t i = 0; i < c->n_ops; i++)
    if (!is_input(c, i) && !poisoned_output(c, i, msg))
      return 0;
  return 1;
}

static void free_operands(case_ctx *c) {
  const ab_backend *t = &c->dev->backend->table;
  ab_cold_cache_free(c->cold);
  if (c->prepared && t->case_release && !c->composite)
    t->case_release(c->dev->state, c->case_state);
  ab_composite_release(c->dev->state, c->steps);
  /* inputs belong to the device's cache; only the outputs are this case's */
  for (size_t i = 0; i < c->n_ops; i++)
    if (!is_input(c, i) && c->dbuf[i])
      t->buffer_free(c->dev->state, c->dbuf[i]);
}

/* ---- timing ------------------------------------------------------------------------- */

/* One backend call of `iters` iterations; per-iteration seconds from the chosen timer. */
static ab_status timed_call(case_ctx *c, uint32_t iters, double *per_iter, double *host_per_iter,
                            char *msg) {
  ab_timing tm = {.struct_size = sizeof tm, .device_seconds = -1.0};
  double t0 = ab_now_s();
  void *state = c->cold ? ab_cold_cache_next(c->cold) : c->case_state;
  ab_status st = c->composite
                     ? ab_composite_run(c->dev->state, c->steps, iters, &tm, msg)
                     : c->dev->backend->table.case_run(c->dev->state, state, iters, &tm, msg);
  double host = ab_now_s() - t0;
  if (st != AB_OK)
    return st;
  *host_per_iter = host / iters;
  if (tm.device_seconds > 0.0) {
    /* case_run returns when the work is done, so the device cannot have been busy longer
     * than the host waited (5% and the clock's resolution allowed for clock differences). */
    if (tm.device_seconds > host * 1.05 + 2.0 * ab_clock_resolution_s()) {
      ab_msgf(msg, AB_MSG_LEN,
              "device timer says %.6g s for %u iterations, but the host timed the call at "
              "%.6g s: the backend's device timing is wrong",
              tm.device_seconds, iters, host);
      return AB_E_DEVICE;
    }
    c->res->timer = AB_TIMER_DEVICE;
    *per_iter = tm.device_seconds / iters;
  } else { /* no device timer (or one that reported nothing): the host clock */
    c->res->timer = AB_TIMER_HOST;
    *per_iter = *host_per_iter;
  }
  return AB_OK;
}

/* Warm up; returns the fastest host time of one call, the estimate used to calibrate.
 * The seconds of calls case_prepare already made (ABI 1.2 warm calls) count toward
 * warmup_s, but not toward warmup_min_calls: the harness's own calls calibrate the
 * samples, and a first call's extra cost must not be the only one they see. warmup_s
 * holds those seconds even when a call here fails, so they are never lost. */
static ab_status warm_up(case_ctx *c, double *t_call, char *msg) {
  const ab_measure_opts *m = &c->suite->measure;
  double start = ab_now_s(), best = INFINITY;
  uint32_t calls = 0;
  c->res->warmup_s = c->warm_s;
  do {
    double dev, host;
    ab_status st = timed_call(c, 1, &dev, &host, msg);
    if (st != AB_OK)
      return st;
    best = host < best ? host : best;
    calls++;
  } while (calls < m->warmup_min_calls || c->warm_s + ab_now_s() - start < m->warmup_s);
  c->res->warmup_s = c->warm_s + ab_now_s() - start;
  *t_call = best;
  return AB_OK;
}

static uint32_t calibrate_iterations(const ab_measure_opts *m, double t_call) {
  double target = m->sample_min_s;
  double floor_s = AB_MIN_TICKS_PER_SAMPLE * ab_clock_resolution_s();
  if (target < floor_s)
    target = floor_s;
  double iters = t_call > 0.0 ? ceil(target / t_call) : AB_MAX_ITERS_PER_SAMPLE;
  if (iters < 1.0)
    iters = 1.0;
  if (iters > AB_MAX_ITERS_PER_SAMPLE)
    iters = AB_MAX_ITERS_PER_SAMPLE;
  return (uint32_t)iters;
}

/* ---- the audited call --------------------------------------------------------------- */

/* Its thresholds (AB_AUDIT_*) and verdict are in model/verdict.h: verify applies them too. */

static bool has_output(const case_ctx *c) {
  for (size_t i = 0; i < c->n_ops; i++)
    if (!is_input(c, i))
      return true;
  return false;
}

/* The sample the audit follows: drawn from the run-time seed among the samples the case
 * will take — min_samples, or fewer where the time cap at the warm-up's time of a sample
 * (`t_sample`) allows fewer — so a backend cannot tell it in advance, and the audited call
 * falls inside the loop, where it can be a sample itself (audit_sample). */
static uint32_t audit_position(const case_ctx *c, double t_sample) {
  const ab_measure_opts *m = &c->suite->measure;
  uint32_t span = m->min_samples ? m->min_samples : 1;
  if (m->max_samples && span > m->max_samples)
    span = m->max_samples;
  if (m->time_cap_s > 0.0 && t_sample > 0.0 && m->time_cap_s / t_sample < (double)span)
    span = m->time_cap_s / t_sample >= 1.0 ? (uint32_t)(m->time_cap_s / t_sample) : 1;
  ab_rng r;
  ab_rng_seed(&r, c->check_seed ^ UINT64_C(0xa0d17a0d17));
  return (uint32_t)(ab_rng_next(&r) % span);
}

/* The control of the first round when each sample is one call: the slowest of the (up to
 * AB_AUDIT_CONTROL_CALLS) samples just taken, calls of the case exactly like the control
 * calls a round would make, so the round costs one reset and one call — the saving that
 * matters, since one-call samples are the long kernels. A sample of several calls gives
 * their mean, which hides one call's synchronisation: 0, the round times its own. */
static double control_from_samples(const double *host, size_t n, uint32_t iters) {
  if (iters != 1)
    return 0.0;
  double slowest = 0.0;
  for (size_t i = n > AB_AUDIT_CONTROL_CALLS ? n - AB_AUDIT_CONTROL_CALLS : 0; i < n; i++)
    slowest = host[i] > slowest ? host[i] : slowest;
  return slowest;
}

/* Time one call of the case AB_AUDIT_CONTROL_CALLS times; the slowest is the control, so
 * that a call preempted on a busy host makes the test milder, never a false verdict. */
static ab_status control_calls(case_ctx *c, double *control_s, char *msg) {
  double dev_s, host_s;
  *control_s = 0.0;
  for (int i = 0; i < AB_AUDIT_CONTROL_CALLS; i++) {
    ab_status st = timed_call(c, 1, &dev_s, &host_s, msg);
    if (st != AB_OK)
      return st;
    *control_s = host_s > *control_s ? host_s : *control_s;
  }
  c->res->audit.calls += AB_AUDIT_CONTROL_CALLS;
  return AB_OK;
}

/* One round: the control (given, or timed here when `*control_s` is 0), reset every output
 * to the poison, time one more call. An honest kernel takes as long after the reset as
 * before it; one that computes only when its output changed does nothing before and
 * everything after. */
static ab_status audit_round_on_case(case_ctx *c, double *control_s, double *audit_s, double *dev_s,
                                     char *msg) {
  ab_status st = *control_s > 0.0 ? AB_OK : control_calls(c, control_s, msg);
  if (st != AB_OK)
    return st;
  double t0 = ab_now_s();
  for (size_t i = 0; i < c->n_ops; i++)
    if (!is_input(c, i) && !poison_operand(c, i, msg))
      return AB_E_DEVICE;
  c->res->backend_overhead_s += ab_now_s() - t0;
  c->res->audit.rounds++;
  c->res->audit.calls++;
  return timed_call(c, 1, dev_s, audit_s, msg);
}

/* Under a cold cache every call of the round runs on the case itself (copy 0), the copy
 * whose outputs the round resets, so the audit compares like with like. */
static ab_status audit_round(case_ctx *c, double *control_s, double *audit_s, double *dev_s,
                             char *msg) {
  ab_cold_cache *cold = c->cold;
  c->cold = NULL;
  ab_status st = audit_round_on_case(c, control_s, audit_s, dev_s, msg);
  c->cold = cold;
  return st;
}

/* The audited call as the next timed sample: one call of the case, like every sample when
 * each sample is one call, taken in its turn — unless the round was repeated (the call
 * looked slow: a verdict, not a sample) or the samples rotate through cold-cache copies
 * (the audited call runs on the case itself, warm). */
typedef struct audit_sample {
  bool use;
  double dev_s, host_s;
} audit_sample;

/* The audit, after sample `sample` - 1: a round whose control is the samples just taken,
 * repeated with control calls of its own while it looks slow (at most AB_AUDIT_ROUNDS),
 * so that one preempted call on a busy host is not a verdict; the fastest audited call is
 * kept. The output is validated after the loop as always: a kernel that stopped computing
 * leaves the poison there. */
static ab_status audit_call(case_ctx *c, uint32_t sample, double sample_control_s, audit_sample *as,
                            char *msg) {
  double control_s = 0.0, audit_s = INFINITY;
  as->use = false;
  for (int round = 0; round < AB_AUDIT_ROUNDS; round++) {
    double ctl = round == 0 ? sample_control_s : 0.0, got, dev_s;
    ab_status st = audit_round(c, &ctl, &got, &dev_s, msg);
    if (st != AB_OK)
      return st;
    if (round == 0 || got - ctl < audit_s - control_s) {
      control_s = ctl;
      audit_s = got;
    }
    if (!ab_audit_slow(ctl, got)) {
      *as = (audit_sample){round == 0 && sample_control_s > 0.0 && !c->cold, dev_s, got};
      break;
    }
  }
  c->res->audit.done = true;
  c->res->audit.sample = sample;
  c->res->audit.control_s = control_s;
  c->res->audit.audit_s = audit_s;
  return AB_OK;
}

/* Power sampling brackets exactly the timed loop. Returns the least window length the
 * sources need (0 when nothing is measured). */
static double power_begin(case_ctx *c, ab_power_sampler **ps, char *why, size_t why_len) {
  *ps = NULL;
  ab_power_registry *reg = c->dev->power;
  if (!reg || ab_power_registry_enabled(reg) == 0)
    return 0.0;
  char msg[AB_MSG_LEN];
  if (ab_power_sampler_start(reg, 0, ps, msg) != AB_OK) {
    snprintf(why, why_len, "sampler did not start: %.200s", msg);
    *ps = NULL;
    return 0.0;
  }
  return ab_power_min_window_s(reg, why, why_len);
}

/* The backend's view of who else uses the device (ABI 1.4 device_processes), at an edge. */
static void backend_procs(case_ctx *c) {
  ab_status (*list)(void *, ab_device_process *, uint32_t, uint32_t *, char *) =
      c->dev->backend->table.device_processes;
  if (!list)
    return;
  ab_device_process got[AB_MAX_DEVICE_PROCESSES];
  uint32_t n = 0;
  char msg[AB_MSG_LEN];
  memset(got, 0, sizeof got);
  if (list(c->dev->state, got, AB_MAX_DEVICE_PROCESSES, &n, msg) != AB_OK)
    return;
  c->procs_measured = true;
  n = ab_device_processes_foreign(got, n < AB_MAX_DEVICE_PROCESSES ? n : AB_MAX_DEVICE_PROCESSES,
                                  c->dev->proc_root ? c->dev->proc_root : "/");
  ab_device_processes_merge(c->procs, &c->n_procs, got, n);
}

/* The power channels that cover this case's device saw these processes at the edges. */
static void power_procs(case_ctx *c, const ab_energy_window *w, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!w[i].procs_measured)
      continue;
    c->procs_measured = true;
    ab_device_processes_merge(c->procs, &c->n_procs, w[i].procs, w[i].n_procs);
  }
}

static void power_end(case_ctx *c, ab_power_sampler *ps, const char *why) {
  ab_power_registry *reg = c->dev->power;
  if (!reg)
    return;
  ab_energy_window *w = NULL;
  size_t n = 0;
  char msg[AB_MSG_LEN] = "";
  ab_status st = ps ? ab_power_sampler_stop(ps, &w, &n, msg) : AB_OK;
  double calls = (double)ab_case_window_calls(c->res); /* the samples' and the audit's */
  /* A channel of another device of this backend (another GPU's board) is not this case's. */
  if (st == AB_OK)
    ab_power_windows_for_case(reg, w, &n, c->res->backend, c->res->device_uid);
  power_procs(c, w, n);
  if (st != AB_OK) {
    c->res->power = json_pack("{s:s}", "not_measured", msg);
  } else if (!ps && ab_power_registry_enabled(reg) > 0) {
    c->res->power = json_pack("{s:s}", "not_measured", why);
  } else if (ps && n == 0) {
    snprintf(msg, sizeof msg, "no enabled power channel covers %s device %s", c->res->backend,
             c->res->device_uid[0] ? c->res->device_uid : "(no uid)");
    c->res->power = json_pack("{s:s}", "not_measured", msg);
  } else {
    ab_window_work work = {c->res->flops * calls, c->res->bytes * calls,
                           ab_kernel_tokens(&c->res->desc) * calls};
    c->res->power = ab_power_case_json(reg, w, n, &work);
    if (ps && c->res->power)
      json_object_set_new(c->res->power, "window", json_string(why));
  }
  ab_power_windows_free(w, n);
}

/* A device timer the host clock contradicts (model/verdict.h) is not believed: the host
 * figure is ranked, and the device median stays in the record (docs/measurement.md). */
static void check_device_timer(ab_case_result *res) {
  /* The host's fastest sample: a busy host delays some calls, never speeds one up. */
  double d = res->time_s.median, h = res->host_time_s.min;
  if (res->timer != AB_TIMER_DEVICE || !ab_device_timer_implausible(d, h))
    return;
  res->device_timer_rejected_s = d;
  res->time_s = res->host_time_s;
  res->timer = AB_TIMER_HOST;
}

/* The audited call becomes sample n: a call of the samples, no longer one the audit added. */
static void take_audit_sample(case_ctx *c, const audit_sample *as, double *dev, double *host) {
  *dev = as->dev_s;
  *host = as->host_s;
  c->res->iterations_total++;
  c->res->audit.calls--;
  c->res->audit.as_sample = true;
}

static ab_status sample_loop(case_ctx *c, uint32_t iters, double t_call, char *msg) {
  const ab_measure_opts *m = &c->suite->measure;
  size_t cap = m->max_samples ? m->max_samples : 1;
  double *dev = NULL, *host = NULL;
  ab_status st = AB_OK;
  size_t n = 0;
  char why[AB_MSG_LEN] = "";
  ab_power_sampler *ps = NULL;
  backend_procs(c);
  double min_window = power_begin(c, &ps, why, sizeof why);
  ab_cpu_snapshot before, after;
  ab_cpu_snapshot_take(c->dev->proc_root ? c->dev->proc_root : "/", &before);
  dev = malloc(cap * sizeof *dev);
  host = malloc(cap * sizeof *host);
  if (!dev || !host) {
    ab_msgf(msg, AB_MSG_LEN, "out of memory for %zu samples", cap);
    st = AB_E_NOMEM;
    goto out;
  }
  uint32_t audit_at = has_output(c) ? audit_position(c, t_call * iters) : UINT32_MAX;
  double start = ab_now_s();
  for (;;) {
    st = timed_call(c, iters, &dev[n], &host[n], msg);
    if (st != AB_OK)
      goto out;
    n++;
    c->res->iterations_total += iters;
    if (n == (size_t)audit_at + 1) {
      audit_sample as;
      st = audit_call(c, (uint32_t)n, control_from_samples(host, n, iters), &as, msg);
      if (st != AB_OK)
        goto out;
      if (as.use && n < cap) {
        take_audit_sample(c, &as, &dev[n], &host[n]);
        n++;
      }
    }
    double elapsed = ab_now_s() - start;
    if (elapsed < min_window) { /* power needs a longer window (may exceed max_samples) */
      if (n == cap) {
        double *gd = realloc(dev, 2 * cap * sizeof *dev),
               *gh = realloc(host, 2 * cap * sizeof *host);
        dev = gd ? gd : dev;
        host = gh ? gh : host;
        if (!gd || !gh) {
          ab_msgf(msg, AB_MSG_LEN, "out of memory for %zu samples", 2 * cap);
          st = AB_E_NOMEM;
          goto out;
        }
        cap *= 2;
      }
      continue;
    }
    if (n >= m->min_samples && n >= 2 && ab_cv(dev, n) < m->target_cv) {
      c->res->stop_reason = AB_STOP_CV;
      break;
    }
    if (elapsed >= m->time_cap_s) {
      c->res->stop_reason = AB_STOP_TIME_CAP;
      break;
    }
    if (n >= cap) {
      c->res->stop_reason = AB_STOP_MAX_SAMPLES;
      break;
    }
  }
  /* Stopped (time cap) before the drawn position: the audit comes last, an extra call. */
  audit_sample last;
  if (audit_at != UINT32_MAX && !c->res->audit.done &&
      (st = audit_call(c, (uint32_t)n, control_from_samples(host, n, iters), &last, msg)) != AB_OK)
    goto out;
  c->res->measured_s = ab_now_s() - start;
  ab_cpu_snapshot_take(c->dev->proc_root ? c->dev->proc_root : "/", &after);
  ab_interference_between(&before, &after, &c->res->interference);
  ab_stats_compute(dev, n, &c->res->time_s);
  ab_stats_compute(host, n, &c->res->host_time_s);
  check_device_timer(c->res);
  c->res->samples_s = dev; /* the record keeps the raw samples: verify recomputes from them */
  c->res->host_samples_s = host;
  c->res->n_samples = (uint32_t)n;
  dev = host = NULL;
out:
  power_end(c, ps, why);
  backend_procs(c);
  if (c->procs_measured && c->res->interference.measured)
    ab_interference_add_device(&c->res->interference, c->procs, c->n_procs);
  free(dev);
  free(host);
  return st;
}

/* ---- validation --------------------------------------------------------------------- */

/* Copies `bytes` of operand `op` from `off` into `dst`; the backend's time. `dst` is a
 * reused buffer, so it is poisoned first (the harness's time): a backend that reports a
 * copy it did not make must fail validation, not pass on the previous case's bytes. */
static ab_status copy_back(case_ctx *c, void *dst, size_t op, size_t off, size_t bytes, char *msg) {
  memset(dst, 0xff, bytes);
  double t0 = ab_now_s();
  ab_status st =
      c->dev->backend->table.copy_to_host(c->dev->state, dst, c->dbuf[op], off, bytes, msg);
  c->res->backend_overhead_s += ab_now_s() - t0;
  return st;
}

/* The host buffer the last read-back went into, freed on the next read or at the end. */
typedef struct check_reads {
  case_ctx *c;
  void *owned;
} check_reads;

static void drop_read(check_reads *r) {
  free(r->owned);
  r->owned = NULL;
}

/* `bytes` of operand `op` from `off`, read back into the device's reused buffer (or a
 * one-off larger one). */
static const void *read_range(check_reads *r, size_t op, size_t off, size_t bytes, char *msg) {
  bool owned;
  drop_read(r);
  void *buf = scratch(r->c->dev, bytes, &owned, msg);
  if (!buf)
    return NULL;
  if (owned)
    r->owned = buf;
  return copy_back(r->c, buf, op, off, bytes, msg) == AB_OK ? buf : NULL;
}

static const void *read_all(void *ctx, size_t op, char *msg) {
  check_reads *r = ctx;
  return read_range(r, op, 0, r->c->ops[op].bytes, msg);
}

static const void *read_part(void *ctx, size_t op, size_t off, size_t bytes, char *msg) {
  return read_range(ctx, op, off, bytes, msg);
}

/* The kind's own check (bench/model/kinds/), reading outputs back through the harness. */
static ab_status check_output(case_ctx *c, char *msg) {
  check_reads reads = {.c = c};
  ab_host_blas blas;
  char no_blas[AB_MSG_LEN];
  bool have_blas = ab_host_blas_get(c->suite->validate_whole_macs, &blas, no_blas, sizeof no_blas);
  ab_check_io io = {
      .blas = have_blas ? &blas : NULL,
      .desc = &c->res->desc,
      .host = (const void *const *)c->host,
      .accumulate = c->accumulate,
      .max_elements = c->suite->validate_max_elements,
      .seed = c->check_seed,
      .ctx = &reads,
      .read_all = read_all,
      .read_part = read_part,
  };
  ab_status st = ab_kind_def_of(c->res->desc.kind)->validate(&io, &c->res->validation, msg);
  c->res->validation.seed = c->check_seed;
  drop_read(&reads);
  return st == AB_OK ? AB_OK : AB_E_DEVICE;
}

/* Validation time is the harness's, less the read-back (the backend's, counted there). */
static ab_status validate(case_ctx *c, char *msg) {
  double t0 = ab_now_s(), before = c->res->backend_overhead_s;
  ab_status st = check_output(c, msg);
  c->res->check_s = ab_now_s() - t0 - (c->res->backend_overhead_s - before);
  c->res->harness_overhead_s += c->res->check_s;
  return st;
}

static void finish_validated(ab_case_result *res) {
  res->audit.mismatches = res->validation.mismatches + res->validation.full_failed;
  res->status = ab_case_verdict(res, res->reason, sizeof res->reason);
}

/* ---- one case ----------------------------------------------------------------------- */

/* A case must fit the device's memory. On a CPU device "device" buffers are host memory
 * too, beside the harness's host copies (inputs, output, the output read back), so a case
 * that would be OOM-killed is skipped with the reason instead of dying as "crashed". */
static bool fits_device(const ab_open_device *dev, const ab_kernel_desc *d, ab_case_result *res) {
  uint64_t need = device_bytes_needed(d), have = dev->info.memory_bytes;
  if (dev->info.type == AB_DEVICE_CPU)
    need = 2 * need + output_bytes(d); /* host copies of every operand, outputs read back */
  if (have == 0 || need <= have / 10 * 9)
    return true;
  char detail[200];
  snprintf(detail, sizeof detail, "needs %llu bytes of %s memory, device has %llu",
           (unsigned long long)need, dev->info.type == AB_DEVICE_CPU ? "host" : "device",
           (unsigned long long)have);
  set_status(res, AB_CASE_SKIPPED, "%s", detail);
  return false;
}

static void run_prepared(case_ctx *c, char *msg) {
  double t_call;
  uint32_t iters;
  ab_thermal_snapshot before, after;
  ab_status st_loop;
  if (c->dev->thermal_root)
    ab_thermal_take(c->dev->thermal_root, &before);
  if (warm_up(c, &t_call, msg) != AB_OK)
    goto failed;
  /* Cold: one iteration per call, each on the next copy's operands. Composite: one call per
   * sample, so the samples are of single layer calls (time per token, p50/p99). */
  iters = c->cold || c->composite ? 1 : calibrate_iterations(&c->suite->measure, t_call);
  c->res->iterations_per_sample = iters;
  st_loop = sample_loop(c, iters, t_call, msg);
  if (c->dev->thermal_root) {
    ab_thermal_take(c->dev->thermal_root, &after);
    c->res->thermal = ab_thermal_json(&before, &after);
  }
  if (st_loop != AB_OK)
    goto failed;
  if (validate(c, msg) != AB_OK)
    goto failed;
  finish_validated(c->res);
  return;
failed:
  set_status(c->res, AB_CASE_FAILED, "%s", msg);
}

/* The kernel calls case_prepare made (ABI 1.2): their seconds are the kernel's own time,
 * counted as warm-up rather than backend overhead. A figure beyond case_prepare's own
 * wall time cannot be true and is cut to it, so no second is counted twice. */
static void take_warm_calls(case_ctx *c, const ab_case_info *info, ab_status st, double prepare_s) {
  c->warm_s = 0.0;
  if (st != AB_OK || info->warm_calls == 0 || !(info->warm_seconds > 0.0))
    return;
  c->warm_s = info->warm_seconds < prepare_s ? info->warm_seconds : prepare_s;
}

/* Cold cache: copies of a small case's operands to rotate through (coldcache.h); their
 * uploads and case_prepare calls are the backend's time. Device ceilings run as they are:
 * their sizes are chosen for what they measure (peak compute, launch latency, transfers
 * from one host buffer the backend keeps). */
static bool cold_copies(case_ctx *c, const char *provider, char *msg) {
  size_t copies = ab_cold_cache_copies(&c->suite->measure, device_bytes_needed(&c->res->desc));
  if (copies < 2 || ab_kind_def_of(c->res->desc.kind)->once_per_device || c->composite)
    return true;
  ab_cold_source src = {
      &c->dev->backend->table,      c->dev->state, &c->res->desc, provider, c->ops, c->n_ops,
      (const void *const *)c->host, c->case_state};
  double t0 = ab_now_s();
  ab_status st = ab_cold_cache_make(&src, copies, &c->cold, msg);
  c->res->backend_overhead_s += ab_now_s() - t0;
  c->res->cold_cache_copies = (uint32_t)ab_cold_cache_count(c->cold);
  c->res->cold_cache_bytes = ab_cold_cache_bytes(c->cold);
  return st == AB_OK;
}

/* ABI 1.3: ask the backend before generating and uploading operands, so an unsupported
 * case costs nothing. A module without case_query is asked by case_prepare instead. */
static bool query_case(ab_open_device *dev, const ab_case_spec *spec, const char *provider,
                       ab_case_result *res) {
  const ab_backend *t = &dev->backend->table;
  if (!t->case_query)
    return true;
  char msg[AB_MSG_LEN] = "";
  double t0 = ab_now_s();
  ab_status st = ab_kind_is_composite(spec->desc.kind)
                     ? ab_composite_query(t, dev->state, &spec->desc, provider, msg)
                     : t->case_query(dev->state, &spec->desc, provider, msg);
  res->backend_overhead_s += ab_now_s() - t0;
  if (st == AB_OK)
    return true;
  if (st == AB_E_UNSUPPORTED)
    set_status(res, AB_CASE_UNSUPPORTED, "%s", msg[0] ? msg : "unsupported (no reason given)");
  else
    set_status(res, AB_CASE_FAILED, "query: %s", msg);
  return false;
}

/* The backend prepares an ordinary case; the harness composes a composite one from steps
 * the backend prepares (composite.h). */
static ab_status prepare_case(case_ctx *c, const char *provider, ab_case_info *info, char *msg) {
  ab_open_device *dev = c->dev;
  if (c->composite)
    return ab_composite_prepare(&dev->backend->table, dev->state, &c->res->desc, provider,
                                (const void *const *)c->host, c->dbuf, c->n_ops, &c->steps, info,
                                msg);
  return dev->backend->table.case_prepare(dev->state, &c->res->desc, provider, c->dbuf, c->n_ops,
                                          &c->case_state, info, msg);
}

/* The composite's steps, and for a decode case the time of one token step: its samples
 * are single calls, so their percentiles are those of single tokens. */
static json_t *composite_record(const case_ctx *c) {
  json_t *o = ab_composite_json(c->steps);
  json_t *t = ab_composite_token_time_json(&c->res->desc, c->res->samples_s, c->res->n_samples);
  if (o && t)
    json_object_set_new(o, "token_time_s", t);
  else
    json_decref(t);
  return o;
}

void ab_run_case(ab_open_device *dev, const ab_case_spec *spec, const char *provider,
                 const ab_suite *suite, ab_case_result *res) {
  char msg[AB_MSG_LEN] = "";
  ab_case_identity(res, dev, spec, provider);
  ab_status checked = ab_kernel_check(&spec->desc, msg, sizeof msg);
  if (checked == AB_E_UNSUPPORTED) {
    set_status(res, AB_CASE_UNSUPPORTED, "%s", msg);
    return;
  }
  if (checked != AB_OK) {
    set_status(res, AB_CASE_FAILED, "invalid case: %s", msg);
    return;
  }
  if (!dev->open) {
    set_status(res, AB_CASE_FAILED, "device did not open: %.400s", dev->open_error);
    return;
  }
  if (!fits_device(dev, &spec->desc, res) || !query_case(dev, spec, provider, res))
    return;

  case_ctx c = {.dev = dev,
                .suite = suite,
                .res = res,
                .check_seed = ab_runtime_seed(),
                .composite = ab_kind_is_composite(spec->desc.kind)};
  if (!make_operands(&c, msg)) {
    set_status(res, AB_CASE_FAILED, "buffers: %s", msg);
    goto out;
  }
  ab_case_info info = {.struct_size = sizeof info};
  double t0 = ab_now_s();
  ab_status st = prepare_case(&c, provider, &info, msg);
  double prepare_s = ab_now_s() - t0;
  take_warm_calls(&c, &info, st, prepare_s);
  res->backend_overhead_s += prepare_s - c.warm_s;
  /* Never more than prepare's own time less the warm calls: a backend that forgets to
   * leave them out of setup_seconds would otherwise count them twice. */
  res->setup_s = info.setup_seconds > 0.0 && info.setup_seconds < prepare_s - c.warm_s
                     ? info.setup_seconds
                     : prepare_s - c.warm_s;
  if (st == AB_E_UNSUPPORTED) {
    set_status(res, AB_CASE_UNSUPPORTED, "%s", msg[0] ? msg : "unsupported (no reason given)");
    goto out;
  }
  if (st != AB_OK) {
    set_status(res, AB_CASE_FAILED, "prepare: %s", msg);
    goto out;
  }
  c.prepared = true;
  if (!cold_copies(&c, provider, msg)) {
    set_status(res, AB_CASE_FAILED, "cold cache: %s", msg);
    goto out;
  }
  c.accumulate = info.accumulate_dtype;
  ab_strlcpy(res->implementation, info.implementation, sizeof res->implementation);
  run_prepared(&c, msg);
  if (c.composite)
    res->composite = composite_record(&c);
out:
  t0 = ab_now_s();
  free_operands(&c);
  res->backend_overhead_s += ab_now_s() - t0;
  /* A kernel that went wrong may have scribbled on its inputs: the next case gets a
   * fresh upload rather than inherit the damage. */
  if (res->status != AB_CASE_OK) {
    drop_device_inputs(dev);
    ab_power_strip_efficiency(res->power); /* watts and joules stay, per-work figures go */
  }
}

/* ---- devices ------------------------------------------------------------------------ */

ab_status ab_device_open(ab_open_device *dev, const ab_loaded_backend *backend, uint32_t index,
                         const ab_suite *suite, char *msg) {
  memset(dev, 0, sizeof *dev);
  dev->backend = backend;
  dev->index = index;
  dev->info.struct_size = sizeof dev->info;
  ab_status st = backend->table.device_info(index, &dev->info, msg);
  if (st != AB_OK) {
    ab_msgf(dev->open_error, sizeof dev->open_error, "device_info: %.400s", msg);
    return st;
  }
  dev->state = calloc(1, backend->table.device_state_size ? backend->table.device_state_size : 1);
  if (!dev->state) {
    ab_msgf(msg, AB_MSG_LEN, "out of memory for device state");
    ab_strlcpy(dev->open_error, msg, sizeof dev->open_error);
    return AB_E_NOMEM;
  }
  ab_option opts[64];
  size_t n = suite->n_options < 64 ? suite->n_options : 64;
  for (size_t i = 0; i < n; i++)
    opts[i] = (ab_option){suite->option_keys[i], suite->option_values[i]};
  st = backend->table.open(index, dev->state, opts, n, msg);
  if (st != AB_OK) {
    ab_strlcpy(dev->open_error, msg, sizeof dev->open_error);
    return st;
  }
  dev->open = true;
  return AB_OK;
}

void ab_device_close(ab_open_device *dev) {
  drop_cached_inputs(dev);
  free(dev->scratch);
  free(dev->poison);
  dev->scratch = dev->poison = NULL;
  dev->scratch_bytes = 0;
  if (dev->open)
    dev->backend->table.close(dev->state);
  free(dev->state);
  dev->state = NULL;
  dev->open = false;
}
