/* accelbench — the power sampler: while a case runs, poller threads read the channels on
 * absolute deadlines (one thread shared by every fast source, one of its own for each slow
 * source); the runner's thread reads every channel at the window's edges. Counters give energy by
 * differences (wraps and resets handled on every read); power channels are integrated with the
 * trapezoid rule. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "power_private.h"
#include "sources.h"

typedef struct sample {
  double t; /* CLOCK_MONOTONIC seconds, middle of the read */
  double v; /* cumulative joules since the left edge (counter) or watts */
} sample;

typedef struct chan_run {
  size_t ch; /* registry channel */
  const reg_channel *rc;
  reg_source *rs; /* its source */
  bool counter;
  bool wraps_guarded;   /* a counter with a wrap range: its poll interval follows wrap safety */
  double base_interval; /* from rate_hz, before wrap safety shortens it */
  double interval;
  double next;
  double peak_rate; /* counter: highest power over a span of reads (count_step) */
  size_t peak_from; /* the read that span starts at */
  bool have_raw;
  double last_raw, cum_j;
  sample *s;
  size_t n, cap;
  uint32_t wraps, resets, read_errors;
  char first_error[200];
  char edge_error[240];
  /* Power ABI 1.2 extras, read at the edges only (ab_energy_window has their meaning). */
  uint32_t n_facts[2];
  ab_power_fact facts[2][AB_POWER_FACTS_MAX];
  char facts_error[200];
  bool procs_measured;
  uint32_t n_procs;
  ab_device_process procs[AB_MAX_DEVICE_PROCESSES];
  char procs_error[200];
} chan_run;

/* One sampler thread and the channels it polls. */
typedef struct poller {
  struct ab_power_sampler *owner;
  const char *name; /* for messages: the slow source's name, or "shared" */
  chan_run **chs;
  size_t n_chs;
  pthread_t th;
  bool started;
} poller;

struct ab_power_sampler {
  ab_power_registry *reg;
  chan_run *ch;
  size_t n_ch;
  poller *pol;
  size_t n_pol;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool stop;
};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Counters are never polled faster than this: below it the sampler's own wake-ups cost more
 * than they tell (RAPL updates about once a millisecond). */
#define POLL_FLOOR_S 1e-3

/* ---- pure arithmetic ---- */

double ab_power_wrap_safe_s(double wrap_j, double power_w) {
  if (!(wrap_j > 0) || !(power_w > 0))
    return INFINITY;
  return wrap_j / (AB_WRAP_SAFETY * power_w);
}

double ab_power_weighted_se(const double *v, const double *wt, size_t n) {
  double sw = 0, sw2 = 0, swv = 0;
  for (size_t i = 0; i < n; i++) {
    sw += wt[i];
    sw2 += wt[i] * wt[i];
    swv += wt[i] * v[i];
  }
  double n_eff = sw2 > 0 ? sw * sw / sw2 : 0;
  if (!(n_eff > 1 + 1e-9))
    return NAN;
  double mean = swv / sw, ss = 0;
  for (size_t i = 0; i < n; i++)
    ss += wt[i] * (v[i] - mean) * (v[i] - mean);
  return sqrt(ss / sw / (n_eff - 1));
}

double ab_power_trapezoid(const double *t_s, const double *watts, size_t n) {
  double j = 0;
  for (size_t i = 1; i < n; i++)
    j += (t_s[i] - t_s[i - 1]) * 0.5 * (watts[i] + watts[i - 1]);
  return j;
}

double ab_power_counter_delta(double prev, double cur, double wrap_j, double max_watts, double dt_s,
                              ab_counter_step *step) {
  if (cur >= prev) {
    *step = AB_STEP_NORMAL;
    return cur - prev;
  }
  if (wrap_j > 0) {
    double d = cur + wrap_j - prev;
    /* A wrap moves the counter forward by less than half its range between polls (the
     * sampler polls often enough for that); a larger jump, or one faster than the
     * channel's power limit allows, is a reset (driver reload, counter cleared). */
    bool plausible = d >= 0 && d < 0.5 * wrap_j;
    if (plausible && max_watts > 0 && dt_s > 0)
      plausible = d / dt_s <= 1.5 * max_watts;
    if (plausible) {
      *step = AB_STEP_WRAP;
      return d;
    }
  }
  /* Reset: the counter restarted from zero, so `cur` is the energy since then. The energy
   * between the previous read and the reset is lost (at most one poll interval's worth);
   * the record counts resets so a reader can see it. */
  *step = AB_STEP_RESET;
  return cur;
}

/* ---- sampling ---- */

static int push(chan_run *c, double t, double v) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 1024;
    sample *s = realloc(c->s, cap * sizeof *s);
    if (!s)
      return -1;
    c->s = s;
    c->cap = cap;
  }
  c->s[c->n++] = (sample){t, v};
  return 0;
}

/* The power a counter's wrap-safe period assumes: the channel's stated maximum, else the
 * margin over the highest power seen; 0 while nothing is known (the counter has not moved). */
static double wrap_power(const chan_run *c, const char **from) {
  if (c->rc->info.max_watts > 0) {
    *from = "max power";
    return c->rc->info.max_watts;
  }
  *from = "2 x the highest power seen (no stated maximum)";
  return AB_WRAP_OBSERVED_MARGIN * c->peak_rate;
}

/* Next poll interval of a counter that wraps: half its wrap-safe period, so one late or
 * lost poll still stays inside it. Without a stated maximum the interval grows at most
 * twofold per read from a short start: each longer gap is entered only after a shorter one
 * measured the power, so an aliased (wrapped-over) gap never sets the pace. */
static double guarded_interval(const chan_run *c) {
  const char *from;
  double safe = ab_power_wrap_safe_s(c->rc->info.wrap_joules, wrap_power(c, &from));
  double iv = fmin(c->base_interval, 0.5 * safe);
  if (!(c->rc->info.max_watts > 0))
    iv = fmin(iv, 2.0 * c->interval);
  return fmax(iv, POLL_FLOOR_S);
}

/* The power seen up to read time t (cumulative energy cum_j then): over the span back to the
 * latest earlier read at least 4 update periods away. A shorter span can hold one update
 * more or less than its length is worth and would show spikes that are not there; from 4
 * periods on that error is at most 25 %, well inside the margin. A reset inside the span
 * only lowers it (the energy before the reset is lost), never raises it. */
static void see_power(chan_run *c, double t) {
  double span = 4.0 * c->rc->info.update_period_s;
  while (c->peak_from + 1 < c->n && t - c->s[c->peak_from + 1].t >= span)
    c->peak_from++;
  double dt = c->n ? t - c->s[c->peak_from].t : 0;
  if (dt > 0 && dt >= span)
    c->peak_rate = fmax(c->peak_rate, (c->cum_j - c->s[c->peak_from].v) / dt);
}

/* A counter read after the first, at time t: add the energy since the last one (wraps and
 * resets handled), and keep the poll interval wrap-safe for the highest power seen so far. */
static void count_step(chan_run *c, double raw, double t) {
  ab_counter_step step;
  double dt = c->n ? t - c->s[c->n - 1].t : 0;
  c->cum_j += ab_power_counter_delta(c->last_raw, raw, c->rc->info.wrap_joules,
                                     c->rc->info.max_watts, dt, &step);
  c->wraps += step == AB_STEP_WRAP;
  c->resets += step == AB_STEP_RESET;
  see_power(c, t);
  if (c->wraps_guarded)
    c->interval = guarded_interval(c);
}

/* Read one channel and record it. Returns the status; msg gets the read error. */
static ab_status take(chan_run *c, char *msg) {
  double v = 0;
  double t0 = now_s();
  ab_status st = c->rs->table.read(c->rs->state, c->rc->index, &v, msg);
  double t = 0.5 * (t0 + now_s());
  if (st == AB_OK && !isfinite(v)) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: read gave a non-finite value", c->rc->id);
    st = AB_E_INVALID;
  }
  if (st != AB_OK) {
    if (c->read_errors++ == 0)
      ab_pfmt(c->first_error, sizeof c->first_error, "%.190s", msg);
    return st;
  }
  if (c->counter) {
    if (c->have_raw)
      count_step(c, v, t);
    c->have_raw = true;
    c->last_raw = v;
    v = c->cum_j;
  }
  if (push(c, t, v) != 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: out of memory for samples", c->rc->id);
    return AB_E_NOMEM;
  }
  return AB_OK;
}

static struct timespec to_ts(double s) {
  struct timespec ts;
  ts.tv_sec = (time_t)s;
  ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

/* The thread waits on absolute CLOCK_MONOTONIC deadlines (no drift from the time a read
 * takes) with pthread_cond_timedwait rather than clock_nanosleep, so stop() wakes it at
 * once instead of waiting out a poll interval of up to a second. */
static void *run_poller(void *arg) {
  poller *pl = arg;
  ab_power_sampler *s = pl->owner;
  char msg[AB_MSG_LEN];
  pthread_mutex_lock(&s->mu);
  while (!s->stop) {
    double next = INFINITY;
    for (size_t i = 0; i < pl->n_chs; i++)
      next = fmin(next, pl->chs[i]->next);
    double now = now_s();
    if (now < next) {
      struct timespec ts = to_ts(next);
      pthread_cond_timedwait(&s->cv, &s->mu, &ts);
      continue;
    }
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; i < pl->n_chs; i++) {
      chan_run *c = pl->chs[i];
      if (c->next > now)
        continue;
      take(c, msg);
      c->next += c->interval;
      if (c->next < now) /* a slow read: skip the missed deadlines rather than burst */
        c->next = now + c->interval;
    }
    pthread_mutex_lock(&s->mu);
  }
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

/* First poll interval of a channel. A counter that wraps polls at half its wrap-safe period
 * at the stated maximum power; with no maximum it starts at twice the update period (the
 * first gaps are then far too short to wrap over) and guarded_interval() takes it from there. */
static double poll_interval(const reg_channel *rc, double rate_hz) {
  double iv = 1.0 / rate_hz;
  const ab_power_channel_info *i = &rc->info;
  if (i->kind == AB_POWER_KIND_ENERGY_COUNTER) {
    if (i->wrap_joules > 0 && i->max_watts > 0)
      iv = fmin(iv, 0.5 * ab_power_wrap_safe_s(i->wrap_joules, i->max_watts));
    else if (i->wrap_joules > 0)
      iv = fmin(iv, 2.0 * i->update_period_s);
    return fmax(iv, POLL_FLOOR_S);
  }
  return fmax(iv, i->update_period_s); /* polling faster than the source updates adds nothing */
}

static void sampler_free(ab_power_sampler *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->n_ch; i++)
    free(s->ch[i].s);
  for (size_t i = 0; i < s->n_pol; i++)
    free(s->pol[i].chs);
  free(s->ch);
  free(s->pol);
  pthread_cond_destroy(&s->cv);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

static ab_status init_sync(ab_power_sampler *s, char *msg) {
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  int rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  if (rc == 0)
    rc = pthread_cond_init(&s->cv, &ca);
  pthread_condattr_destroy(&ca);
  if (rc == 0)
    rc = pthread_mutex_init(&s->mu, NULL);
  if (rc != 0) {
    ab_pfmt(msg, AB_MSG_LEN, "power sampler: cannot set up its condition variable: %s",
            strerror(rc));
    return AB_E_INTERNAL;
  }
  return AB_OK;
}

static ab_status oom(char *msg) {
  ab_pfmt(msg, AB_MSG_LEN, "power sampler: out of memory");
  return AB_E_NOMEM;
}

/* A poller over the enabled channels of source `k`, or of every fast source when k is
 * SIZE_MAX. Adds nothing when it would have no channel. */
static ab_status add_poller(ab_power_sampler *s, size_t k, char *msg) {
  poller *pl = &s->pol[s->n_pol];
  pl->owner = s;
  pl->name = k == SIZE_MAX ? "shared" : s->reg->sources[k].table.name;
  pl->chs = calloc(s->n_ch ? s->n_ch : 1, sizeof *pl->chs);
  if (!pl->chs)
    return oom(msg);
  for (size_t i = 0; i < s->n_ch; i++) {
    bool mine = k == SIZE_MAX ? !s->ch[i].rs->slow : s->ch[i].rc->source == k;
    if (mine)
      pl->chs[pl->n_chs++] = &s->ch[i];
  }
  if (pl->n_chs > 0)
    s->n_pol++;
  else
    free(pl->chs), pl->chs = NULL;
  return AB_OK;
}

/* Enabled channels, then their pollers: one shared by the fast sources (one wake-up per
 * tick for all of them), one for each slow source. */
static ab_status build(ab_power_sampler *s, double rate_hz, char *msg) {
  ab_power_registry *reg = s->reg;
  s->ch = calloc(reg->n_channels ? reg->n_channels : 1, sizeof *s->ch);
  s->pol = calloc(reg->n_sources + 1, sizeof *s->pol);
  if (!s->ch || !s->pol)
    return oom(msg);
  for (size_t i = 0; i < reg->n_channels; i++) {
    const reg_channel *rc = &reg->channels[i];
    if (!rc->enabled)
      continue;
    chan_run *c = &s->ch[s->n_ch++];
    c->ch = i;
    c->rc = rc;
    c->rs = &reg->sources[rc->source];
    c->counter = rc->info.kind == AB_POWER_KIND_ENERGY_COUNTER;
    c->wraps_guarded = c->counter && rc->info.wrap_joules > 0;
    c->base_interval = 1.0 / rate_hz;
    c->interval = poll_interval(rc, rate_hz);
    /* Room for ~100 s at 10 Hz allocated here, so the sampler thread does not allocate
     * (and create a malloc arena) in the common case. */
    c->s = malloc(1024 * sizeof *c->s);
    if (!c->s)
      return oom(msg);
    c->cap = 1024;
  }
  ab_status st = add_poller(s, SIZE_MAX, msg);
  for (size_t k = 0; st == AB_OK && k < reg->n_sources; k++)
    if (reg->sources[k].slow)
      st = add_poller(s, k, msg);
  return st;
}

/* Read every channel at an edge of the window, from the caller's thread: the fast sources
 * closest to the timed region on both sides (last at the left edge, first at the right),
 * the slow ones (a subprocess each) outside them. Otherwise a fast channel's window would
 * take in the slow reads' seconds of idle time around the work, and its energy per
 * operation with them. */
/* window_facts() of a channel into its before (0) or after (1) list. */
static void take_facts(chan_run *c, int side) {
  char msg[AB_MSG_LEN] = "";
  uint32_t n = 0;
  const ab_power_source *t = &c->rs->table;
  if (t->window_facts(c->rs->state, c->rc->index, c->facts[side], AB_POWER_FACTS_MAX, &n, msg) !=
      AB_OK) {
    if (!c->facts_error[0])
      ab_pfmt(c->facts_error, sizeof c->facts_error, "%s: %.180s", side ? "after" : "before",
              msg[0] ? msg : "failed");
    n = 0;
  }
  c->n_facts[side] = n < AB_POWER_FACTS_MAX ? n : AB_POWER_FACTS_MAX;
}

/* foreign_processes() of a channel, less this harness, merged into what it saw before. */
static void take_procs(chan_run *c) {
  char msg[AB_MSG_LEN] = "";
  uint32_t n = 0;
  ab_device_process got[AB_MAX_DEVICE_PROCESSES];
  memset(got, 0, sizeof got);
  const ab_power_source *t = &c->rs->table;
  if (t->foreign_processes(c->rs->state, c->rc->index, got, AB_MAX_DEVICE_PROCESSES, &n, msg) !=
      AB_OK) {
    if (!c->procs_error[0])
      ab_pfmt(c->procs_error, sizeof c->procs_error, "%.190s", msg[0] ? msg : "failed");
    return;
  }
  c->procs_measured = true;
  n = ab_device_processes_foreign(got, n < AB_MAX_DEVICE_PROCESSES ? n : AB_MAX_DEVICE_PROCESSES,
                                  "/");
  ab_device_processes_merge(c->procs, &c->n_procs, got, n);
}

/* The 1.2 extras of every channel whose source has them, outside the timed region: before
 * the left edge's reads, after the right edge's. */
static void edge_extras(ab_power_sampler *s, int side) {
  for (size_t j = 0; j < s->n_ch; j++) {
    chan_run *c = &s->ch[j];
    if (c->rs->table.window_facts)
      take_facts(c, side);
    if (c->rs->table.foreign_processes)
      take_procs(c);
  }
}

static void edge(ab_power_sampler *s, const char *which, bool left) {
  char msg[AB_MSG_LEN];
  for (int pass = 0; pass < 2; pass++) {
    bool slow_pass = left ? pass == 0 : pass == 1;
    for (size_t j = 0; j < s->n_ch; j++) {
      chan_run *c = &s->ch[j];
      if (c->rs->slow != slow_pass)
        continue;
      if (take(c, msg) != AB_OK && !c->edge_error[0])
        ab_pfmt(c->edge_error, sizeof c->edge_error, "%s edge read failed: %.200s", which, msg);
    }
  }
}

ab_status ab_power_sampler_start(ab_power_registry *reg, double rate_hz, ab_power_sampler **out,
                                 char *msg) {
  *out = NULL;
  ab_power_sampler *s = calloc(1, sizeof *s);
  if (!s) {
    ab_pfmt(msg, AB_MSG_LEN, "power sampler: out of memory");
    return AB_E_NOMEM;
  }
  s->reg = reg;
  if (!(rate_hz > 0))
    rate_hz = reg->rate_hz;
  ab_status st = init_sync(s, msg);
  if (st != AB_OK) {
    free(s);
    return st;
  }
  st = build(s, rate_hz, msg);
  if (st != AB_OK) {
    sampler_free(s);
    return st;
  }
  edge_extras(s, 0);
  edge(s, "left", true);
  double t0 = now_s();
  for (size_t i = 0; i < s->n_ch; i++)
    s->ch[i].next = t0 + s->ch[i].interval;
  for (size_t k = 0; k < s->n_pol; k++) {
    int rc = pthread_create(&s->pol[k].th, NULL, run_poller, &s->pol[k]);
    if (rc != 0) {
      ab_pfmt(msg, AB_MSG_LEN, "power sampler: cannot start its %s polling thread: %s",
              s->pol[k].name, strerror(rc));
      ab_energy_window *w = NULL;
      size_t n = 0;
      char ignored[AB_MSG_LEN];
      ab_power_sampler_stop(s, &w, &n, ignored);
      ab_power_windows_free(w, n);
      return AB_E_INTERNAL;
    }
    s->pol[k].started = true;
  }
  *out = s;
  return AB_OK;
}

double ab_power_sampler_cpu_s(const ab_power_sampler *s) {
  double total = 0;
  for (size_t k = 0; s && k < s->n_pol; k++) {
    clockid_t cid;
    struct timespec ts;
    if (s->pol[k].started && pthread_getcpuclockid(s->pol[k].th, &cid) == 0 &&
        clock_gettime(cid, &ts) == 0)
      total += (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
  }
  return total;
}

/* ---- windows ---- */

/* Standard error of the window's mean power from its polled values: a counter's are the
 * mean powers of the intervals between reads, each weighted by its length; a power
 * channel's are its samples, each weighted by the time the trapezoid rule gives it. Either
 * way the weighted mean is exactly avg_watts. */
static double window_se(const chan_run *c, const double *e) {
  size_t n = c->counter ? c->n - 1 : c->n;
  double *v = malloc(n * sizeof *v), *wt = malloc(n * sizeof *wt), se = NAN;
  for (size_t i = 0; v && wt && i < n; i++) {
    if (c->counter) {
      wt[i] = c->s[i + 1].t - c->s[i].t;
      v[i] = wt[i] > 0 ? (e[i + 1] - e[i]) / wt[i] : 0;
    } else {
      double left = i > 0 ? c->s[i].t - c->s[i - 1].t : 0;
      double right = i + 1 < c->n ? c->s[i + 1].t - c->s[i].t : 0;
      wt[i] = 0.5 * (left + right);
      v[i] = c->s[i].v;
    }
  }
  if (v && wt)
    se = ab_power_weighted_se(v, wt, n);
  free(v);
  free(wt);
  return se;
}

/* Cumulative joules at each sample (counters already are; power is integrated). */
static double *cumulative(const chan_run *c) {
  double *e = malloc((c->n ? c->n : 1) * sizeof *e);
  if (!e)
    return NULL;
  for (size_t i = 0; i < c->n; i++) {
    if (c->counter)
      e[i] = c->s[i].v;
    else
      e[i] =
          i == 0 ? 0 : e[i - 1] + (c->s[i].t - c->s[i - 1].t) * 0.5 * (c->s[i].v + c->s[i - 1].v);
  }
  return e;
}

/* Linear interpolation of cumulative energy at time x; *k is a moving cursor. */
static double energy_at(const chan_run *c, const double *e, double x, size_t *k) {
  while (*k + 1 < c->n && c->s[*k + 1].t < x)
    (*k)++;
  if (*k + 1 >= c->n)
    return e[c->n - 1];
  double t0 = c->s[*k].t, t1 = c->s[*k + 1].t;
  double f = t1 > t0 ? (x - t0) / (t1 - t0) : 1.0;
  f = f < 0 ? 0 : f > 1 ? 1 : f;
  return e[*k] + f * (e[*k + 1] - e[*k]);
}

/* At most AB_POWER_TIMELINE_MAX equal buckets; each keeps the bucket's average power, so
 * the downsampled timeline still integrates to the window's energy. */
static void timeline(const chan_run *c, const double *e, ab_energy_window *w) {
  size_t b = c->n - 1 < AB_POWER_TIMELINE_MAX ? c->n - 1 : AB_POWER_TIMELINE_MAX;
  double t0 = c->s[0].t, span = c->s[c->n - 1].t - t0;
  size_t k = 0;
  double prev_e = e[0];
  w->n_points = 0;
  if (b == 0 || span <= 0)
    return;
  for (size_t i = 0; i < b; i++) {
    double x1 = t0 + span * (double)(i + 1) / (double)b;
    double e1 = energy_at(c, e, x1, &k);
    double width = span / (double)b;
    w->timeline[w->n_points++] = (ab_power_point){.t_s = span * ((double)i + 0.5) / (double)b,
                                                  .watts = (e1 - prev_e) / width};
    prev_e = e1;
  }
}

static void invalidate(ab_energy_window *w, const char *why) {
  if (w->valid) {
    w->valid = false;
    ab_pfmt(w->invalid_reason, sizeof w->invalid_reason, "%s", why);
  }
}

/* A counter that wraps: a gap between reads longer than the wrap-safe period may hide a
 * wrap, so the energy may be short by whole ranges, and nothing in the reads can tell. The
 * sampler polls inside the period; this catches a stalled sampler or a source too slow
 * for its range. */
static void check_wrap(const chan_run *c, ab_energy_window *w) {
  if (!c->wraps_guarded)
    return;
  const char *from;
  double power = wrap_power(c, &from), safe = ab_power_wrap_safe_s(c->rc->info.wrap_joules, power);
  if (!isfinite(safe))
    return; /* the counter never moved: the "did not advance" rule speaks for it */
  w->wrap_power_w = power;
  w->wrap_power_from = from;
  w->wrap_safe_s = safe;
  if (w->max_gap_s <= safe)
    return;
  char why[256];
  ab_pfmt(why, sizeof why,
          "counter read gap %.3g s exceeds the %.3g s wrap-safe period at %s%s %.4g W (wrap "
          "range %.6g J); %u read error(s)%s%.100s",
          w->max_gap_s, safe, from, c->rc->info.max_watts > 0 ? "" : ",", power,
          c->rc->info.wrap_joules, c->read_errors, c->read_errors ? ", first: " : "",
          c->first_error);
  invalidate(w, why);
}

static void check_validity(const chan_run *c, ab_energy_window *w) {
  char why[256];
  const ab_power_channel_info *i = &c->rc->info;
  w->valid = true;
  if (c->edge_error[0])
    invalidate(w, c->edge_error);
  if (c->n < 2) {
    ab_pfmt(why, sizeof why, "%u good read(s) in the window; 2 or more needed", (unsigned)c->n);
    invalidate(w, why);
    return;
  }
  if (i->update_period_s > 0 && w->duration_s < 10.0 * i->update_period_s) {
    ab_pfmt(why, sizeof why,
            "window of %.3g s is shorter than 10 x the source's update period (%.3g s)",
            w->duration_s, i->update_period_s);
    invalidate(w, why);
  }
  /* A gap of 3 poll intervals means lost reads; 0.25 s is the floor so that a loaded
   * machine's scheduler stalls at high poll rates do not void a window (a ≥ 2 s window
   * of smooth power integrates across such a gap with little error; max_gap_s stays in
   * the record). */
  double gap_limit = fmax(3.0 * c->interval, 0.25);
  if (!c->counter && w->max_gap_s > gap_limit) {
    ab_pfmt(why, sizeof why,
            "gap of %.3g s between good reads (limit %.3g s: 3 poll intervals of %.3g s, at "
            "least 0.25 s); %u read error(s)%s%.150s",
            w->max_gap_s, gap_limit, c->interval, c->read_errors, c->read_errors ? ", first: " : "",
            c->first_error);
    invalidate(w, why);
  }
  check_wrap(c, w);
  if (c->counter && w->joules <= 0 && w->duration_s >= 0.1) {
    ab_pfmt(why, sizeof why, "the counter did not advance in %.3g s", w->duration_s);
    invalidate(w, why);
  }
}

static void copy_extras(const chan_run *c, ab_energy_window *w) {
  w->has_facts = c->rs->table.window_facts != NULL;
  w->n_facts_before = c->n_facts[0];
  w->n_facts_after = c->n_facts[1];
  memcpy(w->facts_before, c->facts[0], sizeof w->facts_before);
  memcpy(w->facts_after, c->facts[1], sizeof w->facts_after);
  ab_pfmt(w->facts_error, sizeof w->facts_error, "%s", c->facts_error);
  w->procs_measured = c->procs_measured;
  w->n_procs = c->n_procs;
  memcpy(w->procs, c->procs, sizeof w->procs);
  ab_pfmt(w->procs_error, sizeof w->procs_error, "%s", c->procs_error);
}

static ab_status make_window(const chan_run *c, ab_energy_window *w, char *msg) {
  memset(w, 0, sizeof *w);
  const reg_channel *rc = c->rc;
  ab_pfmt(w->source, sizeof w->source, "%s", rc->id);
  ab_pfmt(w->covers, sizeof w->covers, "%s", rc->info.covers);
  w->scope = rc->info.scope;
  w->kind = rc->info.kind;
  w->channel = c->ch;
  w->method = c->counter ? "counter" : "trapezoid";
  w->poll_interval_s = c->interval;
  w->n_samples = (uint32_t)c->n;
  w->read_errors = c->read_errors;
  w->wraps = c->wraps;
  w->resets = c->resets;
  w->avg_se_w = NAN;
  if (c->n >= 2) {
    double *e = cumulative(c);
    if (!e) {
      ab_pfmt(msg, AB_MSG_LEN, "power sampler: out of memory");
      return AB_E_NOMEM;
    }
    w->duration_s = c->s[c->n - 1].t - c->s[0].t;
    w->joules = e[c->n - 1] - e[0];
    w->avg_watts = ab_power_avg_watts(w->joules, w->duration_s);
    for (size_t i = 1; i < c->n; i++)
      w->max_gap_s = fmax(w->max_gap_s, c->s[i].t - c->s[i - 1].t);
    timeline(c, e, w);
    w->avg_se_w = window_se(c, e);
    for (size_t i = 0; !c->counter && i < c->n; i++)
      w->peak_watts = fmax(w->peak_watts, c->s[i].v);
    for (uint32_t i = 0; c->counter && i < w->n_points; i++)
      w->peak_watts = fmax(w->peak_watts, w->timeline[i].watts);
    free(e);
  }
  check_validity(c, w);
  copy_extras(c, w);
  return AB_OK;
}

ab_status ab_power_sampler_stop(ab_power_sampler *s, ab_energy_window **windows, size_t *n,
                                char *msg) {
  *windows = NULL;
  *n = 0;
  if (!s)
    return AB_OK;
  pthread_mutex_lock(&s->mu);
  s->stop = true;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  for (size_t k = 0; k < s->n_pol; k++)
    if (s->pol[k].started)
      pthread_join(s->pol[k].th, NULL);
  edge(s, "right", false); /* false: the right edge */
  edge_extras(s, 1);
  ab_status st = AB_OK;
  if (s->n_ch > 0) {
    *windows = calloc(s->n_ch, sizeof **windows);
    if (!*windows) {
      ab_pfmt(msg, AB_MSG_LEN, "power sampler: out of memory for %zu windows", s->n_ch);
      st = AB_E_NOMEM;
    }
  }
  for (size_t i = 0; st == AB_OK && i < s->n_ch; i++)
    st = make_window(&s->ch[i], &(*windows)[i], msg);
  if (st == AB_OK) {
    *n = s->n_ch;
  } else {
    free(*windows);
    *windows = NULL;
  }
  sampler_free(s);
  return st;
}

void ab_power_windows_free(ab_energy_window *windows, size_t n) {
  (void)n;
  free(windows);
}

/* ---- idle baseline ---- */

static void sleep_s(double seconds) {
  struct timespec ts = to_ts(now_s() + seconds);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
  }
}

ab_status ab_power_idle_baseline(ab_power_registry *reg, double seconds, char *msg) {
  ab_power_sampler *s = NULL;
  ab_energy_window *w = NULL;
  size_t n = 0;
  if (!(seconds > 0)) {
    ab_pfmt(msg, AB_MSG_LEN, "idle baseline: expected a positive duration, got %g s", seconds);
    return AB_E_INVALID;
  }
  ab_status st = ab_power_sampler_start(reg, 0, &s, msg);
  if (st != AB_OK)
    return st;
  sleep_s(seconds);
  st = ab_power_sampler_stop(s, &w, &n, msg);
  if (st != AB_OK)
    return st;
  for (size_t i = 0; i < n; i++) {
    reg_channel *c = &reg->channels[w[i].channel];
    c->idle_measured = true;
    c->idle_valid = w[i].valid;
    c->idle_w = w[i].avg_watts;
    c->idle_se_w = w[i].avg_se_w;
    c->idle_s = w[i].duration_s;
    ab_pfmt(c->idle_reason, sizeof c->idle_reason, "idle window invalid: %.220s",
            w[i].invalid_reason);
  }
  ab_power_windows_free(w, n);
  return AB_OK;
}
