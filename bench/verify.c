/* Verifying a run bundle (verify.h, docs/verify.md). */
#include "verify.h"

#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "composite.h"
#include "model/digest.h"
#include "model/kernel.h"
#include "model/names.h"
#include "model/rates.h"
#include "model/util.h"
#include "model/verdict.h"
#include "power/sampler.h"
#include "stats.h"

/* ---- comparing a file's value with a recomputed one ----------------------------------- */

static bool close_enough(double a, double b) {
  if (a == b)
    return true;
  return fabs(a - b) <= AB_VERIFY_REL_TOL * fmax(fabs(a), fabs(b));
}

/* A value for a mismatch line: numbers with enough digits to show the difference. */
static void value_text(const json_t *v, int digits, char *buf, size_t len) {
  if (!v)
    snprintf(buf, len, "absent");
  else if (json_is_number(v))
    snprintf(buf, len, "%.*g", digits, json_number_value(v));
  else if (json_is_string(v))
    snprintf(buf, len, "\"%.100s\"", json_string_value(v));
  else if (json_is_null(v))
    snprintf(buf, len, "null");
  else if (json_is_boolean(v))
    snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
  else
    snprintf(buf, len, "%s", json_is_object(v) ? "an object" : "an array");
}

static void differ(ab_findings *f, const char *path, const json_t *file, const json_t *want) {
  char a[128], b[128];
  value_text(file, 6, a, sizeof a);
  value_text(want, 6, b, sizeof b);
  if (strcmp(a, b) == 0) { /* the difference is in the last digits: show them all */
    value_text(file, 17, a, sizeof a);
    value_text(want, 17, b, sizeof b);
  }
  ab_findings_mismatch(f, "%s: file %s, recomputed %s", path, a, b);
}

static void compare_json(ab_findings *f, const char *path, const json_t *file, const json_t *want);

/* Members of both objects, each compared once: the recomputed ones, then any extra in the
 * file (a figure the file has and the recomputation does not is a mismatch too). */
static void compare_objects(ab_findings *f, const char *path, const json_t *file,
                            const json_t *want) {
  const char *key;
  const json_t *v;
  char sub[256];
  json_object_foreach((json_t *)want, key, v) {
    snprintf(sub, sizeof sub, "%s.%s", path, key);
    compare_json(f, sub, json_object_get(file, key), v);
  }
  json_object_foreach((json_t *)file, key, v) {
    snprintf(sub, sizeof sub, "%s.%s", path, key);
    if (!json_object_get(want, key))
      differ(f, sub, v, NULL);
  }
}

static void compare_json(ab_findings *f, const char *path, const json_t *file, const json_t *want) {
  if (!file && !want)
    return;
  if (file && want && json_is_number(file) && json_is_number(want)) {
    if (!close_enough(json_number_value(file), json_number_value(want)))
      differ(f, path, file, want);
    return;
  }
  if (json_is_object(file) && json_is_object(want)) {
    compare_objects(f, path, file, want);
    return;
  }
  if (!file || !want || !json_equal((json_t *)file, (json_t *)want))
    differ(f, path, file, want);
}

/* compare_json of a recomputed value the caller made (and no longer needs). */
static void compare_new(ab_findings *f, const char *path, const json_t *file, json_t *want) {
  compare_json(f, path, file, want);
  json_decref(want);
}

/* ---- one case ------------------------------------------------------------------------- */

typedef struct case_check {
  const ab_case_result *c; /* as read from the file */
  bool file_has_samples;   /* some case of the file has raw samples */
  const json_t *j;         /* the same case in the document */
  char pre[48];            /* "cases[3]" */
  ab_findings *f;
  /* Recomputed where the record decides them, else the file's: */
  ab_case_status status;
  ab_stats time_s, host_time_s;
  double device_timer_rejected_s;
  bool disturbed;
} case_check;

static void path_of(const case_check *k, const char *rest, char *buf, size_t len) {
  snprintf(buf, len, "%s.%s", k->pre, rest);
}

static const json_t *timing_member(const case_check *k, const char *key) {
  return json_object_get(json_object_get(k->j, "timing"), key);
}

/* The device timer's check (model/verdict.h) on the samples' statistics: whether the
 * runner had to reject it, and so which clock time_s is from. */
static void check_device_timer(case_check *k, const ab_stats *dev) {
  const ab_case_result *c = k->c;
  bool rejected = c->device_timer_rejected_s > 0.0;
  if (!rejected && c->timer != AB_TIMER_DEVICE)
    return; /* the backend reported no device time: nothing to check */
  bool want = ab_device_timer_implausible(dev->median, k->host_time_s.min);
  k->device_timer_rejected_s = want ? dev->median : 0.0;
  k->time_s = want ? k->host_time_s : *dev;
  if (want != rejected)
    ab_findings_mismatch(k->f,
                         "%s.timing.source: file %s, recomputed %s (device median %.3g s per call "
                         "against the host's fastest %.3g s)",
                         k->pre, rejected ? "host (device timer rejected)" : "device",
                         want ? "host (device timer rejected)" : "device", dev->median,
                         k->host_time_s.min);
  else if (rejected && !close_enough(c->device_timer_rejected_s, dev->median))
    ab_findings_mismatch(k->f,
                         "%s.timing.device_timer_rejected_median_s: file %.17g, "
                         "recomputed %.17g",
                         k->pre, c->device_timer_rejected_s, dev->median);
}

/* time_s and host_time_s from the raw samples, with the runner's own function. */
static void check_stats(case_check *k, ab_figure_counts *counts) {
  const ab_case_result *c = k->c;
  char path[96];
  k->time_s = c->time_s;
  k->host_time_s = c->host_time_s;
  k->device_timer_rejected_s = c->device_timer_rejected_s;
  if (c->time_s.n > 0)
    counts->timed++;
  if (c->n_samples == 0) {
    if (c->time_s.n > 0 && k->file_has_samples) /* a file without any is named once */
      ab_findings_mismatch(k->f, "%s.timing: no raw samples: statistics not recomputed", k->pre);
    return;
  }
  ab_stats dev;
  ab_stats_compute(c->samples_s, c->n_samples, &dev);
  ab_stats_compute(c->host_samples_s, c->n_samples, &k->host_time_s);
  k->time_s = dev;
  check_device_timer(k, &dev);
  path_of(k, "timing.time_s", path, sizeof path);
  compare_new(k->f, path, timing_member(k, "time_s"), ab_stats_to_json(&k->time_s));
  path_of(k, "timing.host_time_s", path, sizeof path);
  compare_new(k->f, path, timing_member(k, "host_time_s"), ab_stats_to_json(&k->host_time_s));
  uint64_t calls = (uint64_t)c->iterations_per_sample * c->n_samples;
  if (calls != c->iterations_total)
    ab_findings_mismatch(k->f,
                         "%s.timing.iterations_total: file %llu, recomputed %llu "
                         "(%u samples of %u iterations)",
                         k->pre, (unsigned long long)c->iterations_total, (unsigned long long)calls,
                         c->n_samples, c->iterations_per_sample);
  counts->recomputed++;
  counts->samples += c->n_samples;
}

/* Work per call from the kernel descriptor (model/kernel.c). */
static void check_work(case_check *k) {
  const struct {
    const char *name;
    double file, want;
  } w[] = {{"work.flops", k->c->flops, ab_kernel_flops(&k->c->desc)},
           {"work.bytes", k->c->bytes, ab_kernel_bytes(&k->c->desc)}};
  for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
    if (!close_enough(w[i].file, w[i].want))
      ab_findings_mismatch(k->f, "%s.%s: file %.17g, recomputed %.17g (from kernel.shape)", k->pre,
                           w[i].name, w[i].file, w[i].want);
}

/* The case as the recomputation sees it: the file's record with the figures recomputed. */
static ab_case_result recomputed(const case_check *k) {
  ab_case_result r = *k->c; /* shallow: only figures change, nothing is freed */
  r.time_s = k->time_s;
  r.host_time_s = k->host_time_s;
  r.device_timer_rejected_s = k->device_timer_rejected_s;
  r.interference.disturbed = k->disturbed;
  r.status = k->status;
  return r;
}

/* The window's `disturbed` flag by the runner's own rule (model/verdict.h) from its recorded
 * figures: it withholds the device-timer verdict and compare's faster/slower, so an edit
 * that sets it could hide a rejected timer. Files written before quantum_s stand as written. */
static void check_interference(case_check *k) {
  const ab_interference *x = &k->c->interference;
  k->disturbed = x->disturbed;
  if (!x->measured || x->quantum_s < 0.0)
    return;
  k->disturbed = ab_interference_disturbed(x);
  if (k->disturbed != x->disturbed)
    ab_findings_mismatch(k->f,
                         "%s.interference.disturbed: file %s, recomputed %s (other processes "
                         "%.3g CPU s, steal %.3g s in a %.3g s window)",
                         k->pre, x->disturbed ? "true" : "false", k->disturbed ? "true" : "false",
                         x->other_cpu_s, x->steal_s, x->window_s);
}

/* ok, wrong_result and implausible follow from the record (validation, audit, device
 * timer) by the runner's own rule; the other statuses are what happened to the process
 * (crashed, timeout, ...) and stand as written. */
static void check_status(case_check *k) {
  const ab_case_result *c = k->c;
  k->status = c->status;
  if (c->status != AB_CASE_OK && c->status != AB_CASE_WRONG_RESULT &&
      c->status != AB_CASE_IMPLAUSIBLE)
    return;
  ab_case_result r = recomputed(k);
  char why[AB_MSG_LEN] = "validation and audit pass";
  k->status = ab_case_verdict(&r, why, sizeof why);
  if (k->status != c->status)
    ab_findings_mismatch(k->f, "%s.status: file %s, recomputed %s (%s)", k->pre,
                         ab_case_status_name(c->status), ab_case_status_name(k->status), why);
  const json_t *audit = json_object_get(k->j, "audit");
  uint64_t wrong = c->validation.mismatches + c->validation.full_failed;
  if (audit && c->audit.mismatches != wrong)
    ab_findings_mismatch(k->f, "%s.audit.mismatches: file %llu, recomputed %llu", k->pre,
                         (unsigned long long)c->audit.mismatches, (unsigned long long)wrong);
}

/* decoder: a composed case's tokens per call (from the descriptor) and, for decode, the
 * p50/p99 time of one token (from the raw samples), with the runner's own functions. */
static void check_composite(case_check *k) {
  const json_t *comp = json_object_get(k->j, "composite");
  char path[96];
  if (!comp)
    return;
  path_of(k, "composite.tokens_per_call", path, sizeof path);
  compare_new(k->f, path, json_object_get(comp, "tokens_per_call"),
              json_real(ab_kernel_tokens(&k->c->desc)));
  path_of(k, "composite.token_time_s", path, sizeof path);
  compare_new(k->f, path, json_object_get(comp, "token_time_s"),
              ab_composite_token_time_json(&k->c->desc, k->c->samples_s, k->c->n_samples));
}

/* Rates from the recomputed statistics and status, with the run file's own writer. */
static void check_rates(case_check *k) {
  ab_case_result r = recomputed(k);
  char path[96];
  path_of(k, "rates", path, sizeof path);
  json_t *want = ab_case_has_rates(&r) ? ab_case_rates_json(&r) : NULL;
  compare_new(k->f, path, json_object_get(k->j, "rates"), want);
}

/* Members of a power source that the sampler measured: copied into the recomputation,
 * not derived (the wrap_* members say what a wrapping counter's reads were guarded
 * against). Every other member ab_power_window_json writes is derived and compared. */
static const char *const measured_power_keys[] = {
    "source", "scope", "covers", "kind", "method", "valid", "n_samples", "poll_interval_s",
    "max_gap_s", "read_errors", "wraps", "resets", "duration_s", "energy_j", "peak_w", "idle_w",
    "timeline", "avg_se_w", "idle_se_w", "wrap_safe_period_s", "wrap_power_w", "wrap_power_from",
    /* read from the source at the window's edges (power ABI 1.2), not derived */
    "window_facts", "device_processes"};

static bool measured_power_key(const char *key) {
  for (size_t i = 0; i < sizeof measured_power_keys / sizeof measured_power_keys[0]; i++)
    if (strcmp(key, measured_power_keys[i]) == 0)
      return true;
  return false;
}

/* One valid power source: its energy figures from energy, duration and the idle baseline,
 * through power/figures.c; per-work figures removed as the runner removes them from a
 * case that is not ok. */
static json_t *recompute_power_source(const case_check *k, const json_t *src) {
  ab_energy_window w;
  memset(&w, 0, sizeof w);
  w.valid = true;
  w.joules = json_number_value(json_object_get(src, "energy_j"));
  w.duration_s = json_number_value(json_object_get(src, "duration_s"));
  w.avg_watts = ab_power_avg_watts(w.joules, w.duration_s);
  w.peak_watts = json_number_value(json_object_get(src, "peak_w"));
  const json_t *idle = json_object_get(src, "idle_w"), *idle_se = json_object_get(src, "idle_se_w"),
               *avg_se = json_object_get(src, "avg_se_w");
  w.avg_se_w = json_is_number(avg_se) ? json_number_value(avg_se) : NAN;
  double calls = (double)ab_case_window_calls(k->c); /* the samples' and the audit's */
  ab_window_work work = {k->c->flops * calls, k->c->bytes * calls,
                         ab_kernel_tokens(&k->c->desc) * calls};
  ab_energy_figures fig;
  ab_idle_power base = {json_is_number(idle) ? json_number_value(idle) : -1.0,
                        json_is_number(idle_se) ? json_number_value(idle_se) : NAN};
  ab_power_figures(&w, &base, &work, &fig);
  json_t *want = ab_power_window_json(&w, &fig);
  json_t *wrap = json_pack("{s:[O]}", "sources", want);
  if (k->status != AB_CASE_OK)
    ab_power_strip_efficiency(wrap);
  json_decref(wrap);
  return want;
}

static void compare_power_source(case_check *k, size_t i, const json_t *src, const json_t *want) {
  const char *key;
  const json_t *v;
  char path[160];
  json_object_foreach((json_t *)want, key, v) {
    if (measured_power_key(key))
      continue;
    snprintf(path, sizeof path, "%s.power.sources[%zu].%s", k->pre, i, key);
    compare_json(k->f, path, json_object_get(src, key), v);
  }
  json_object_foreach((json_t *)src, key, v) {
    snprintf(path, sizeof path, "%s.power.sources[%zu].%s", k->pre, i, key);
    if (!measured_power_key(key) && !json_object_get(want, key))
      differ(k->f, path, v, NULL);
  }
}

static void check_power(case_check *k, ab_figure_counts *counts) {
  const json_t *sources = json_object_get(json_object_get(k->j, "power"), "sources"), *src;
  size_t i;
  json_array_foreach(sources, i, src) {
    if (!json_is_true(json_object_get(src, "valid")))
      continue; /* an invalid window has no figures */
    json_t *want = recompute_power_source(k, src);
    if (want)
      compare_power_source(k, i, src, want);
    else
      k->f->out_of_memory = true;
    json_decref(want);
    counts->power_sources++;
  }
}

void ab_verify_figures(const ab_run *run, const json_t *root, ab_findings *f,
                       ab_figure_counts *counts) {
  const json_t *cases = json_object_get(root, "cases");
  size_t with_samples = 0, timed = 0;
  memset(counts, 0, sizeof *counts);
  counts->cases = run->n_cases;
  for (size_t i = 0; i < run->n_cases; i++) {
    with_samples += run->cases[i].n_samples > 0;
    timed += run->cases[i].time_s.n > 0;
  }
  if (timed > 0 && with_samples == 0)
    ab_findings_mismatch(f,
                         "run.json: no raw samples: statistics not recomputed (%zu timed "
                         "cases; the file was written before raw samples were kept)",
                         timed);
  for (size_t i = 0; i < run->n_cases; i++) {
    case_check k = {.c = &run->cases[i],
                    .file_has_samples = with_samples > 0,
                    .j = json_array_get(cases, i),
                    .f = f};
    snprintf(k.pre, sizeof k.pre, "cases[%zu]", i);
    check_stats(&k, counts);
    check_work(&k);
    check_interference(&k);
    check_status(&k);
    check_rates(&k);
    check_composite(&k);
    check_power(&k, counts);
  }
}

/* ---- the bundle ----------------------------------------------------------------------- */

/* Inputs outside the run directory are rehashed only on the host that ran it: elsewhere a
 * file at the same path is another machine's file, and a difference says nothing. */
static bool same_host(const ab_run *run, char *run_host, size_t len) {
  const char *h = json_string_value(json_object_get(run->system, "hostname"));
  char here[256] = "";
  snprintf(run_host, len, "%s", h ? h : "");
  return h && gethostname(here, sizeof here - 1) == 0 && strcmp(here, h) == 0;
}

static void check_signature(const char *dir, const char *bytes, size_t len,
                            const ab_public_key *keys, size_t n_keys, ab_bundle_check *out) {
  ab_public_key signer;
  char why[AB_MSG_LEN];
  out->signature = ab_manifest_signature(dir, bytes, len, &signer, why, sizeof why);
  if (out->signature == AB_SIGNATURE_BAD) {
    ab_findings_mismatch(&out->findings, "%s", why);
    return;
  }
  if (out->signature != AB_SIGNATURE_VALID)
    return;
  ab_key_fingerprint(&signer, out->signer);
  for (size_t i = 0; i < n_keys && !out->signer_trusted; i++)
    out->signer_trusted = memcmp(keys[i].bytes, signer.bytes, sizeof signer.bytes) == 0;
  if (n_keys > 0 && !out->signer_trusted) {
    char given[AB_KEY_FINGERPRINT_LEN];
    ab_key_fingerprint(&keys[0], given);
    ab_findings_mismatch(&out->findings, "%s: signed by %s, not by the given key%s %s%s",
                         AB_SIGNATURE_FILE, out->signer, n_keys > 1 ? "s" : "", given,
                         n_keys > 1 ? ", ..." : "");
  }
}

static void check_manifest(const char *dir, const ab_run *run, bool run_loaded,
                           const ab_public_key *keys, size_t n_keys, ab_bundle_check *out) {
  ab_manifest m;
  char *bytes = NULL, msg[AB_MSG_LEN];
  size_t len = 0;
  ab_status st = ab_manifest_load(dir, &m, &bytes, &len, msg);
  if (st == AB_E_NOT_FOUND && !ab_sha256_available(msg)) {
    ab_findings_mismatch(&out->findings, "%s: absent: %s, which writes none", AB_MANIFEST_FILE,
                         msg);
    return;
  }
  if (st == AB_E_NOT_FOUND) {
    ab_findings_mismatch(&out->findings,
                         "%s: absent (not a run directory, or written by an accelbench "
                         "without bundles): nothing backs the files",
                         AB_MANIFEST_FILE);
    return;
  }
  if (st != AB_OK) {
    ab_findings_mismatch(&out->findings, "%s", msg);
    return;
  }
  if (!ab_sha256_available(msg)) {
    /* One finding, not one per file: what this build can still check is the figures. */
    ab_findings_mismatch(&out->findings,
                         "%s: hashes and signature not checked (%s); the run file's figures "
                         "are recomputed all the same",
                         AB_MANIFEST_FILE, msg);
    free(bytes);
    ab_manifest_free(&m);
    return;
  }
  out->have_manifest = true;
  out->inputs_rehashed = run_loaded && same_host(run, out->run_host, sizeof out->run_host);
  ab_manifest_check(&m, dir, out->inputs_rehashed, &out->findings, &out->files);
  check_signature(dir, bytes, len, keys, n_keys, out);
  free(bytes);
  ab_manifest_free(&m);
}

static void first_reason(const ab_findings *f, char *buf, size_t len) {
  if (f->n_mismatches == 0) {
    snprintf(buf, len, "out of memory while verifying");
    return;
  }
  char more[48] = "";
  if (f->n_mismatches > 1)
    snprintf(more, sizeof more, " (and %zu more)", f->n_mismatches - 1);
  int room = (int)len - (int)strlen(more) - 1;
  snprintf(buf, len, "%.*s%s", room > 0 ? room : 0, f->mismatches[0], more);
}

static void settle_trust(ab_bundle_check *out) {
  ab_trust *t = &out->trust;
  memset(t, 0, sizeof *t);
  ab_strlcpy(t->key, out->signer, sizeof t->key);
  if (out->findings.n_mismatches > 0 || out->findings.out_of_memory) {
    t->state = AB_TRUST_NOT_VERIFIED;
    first_reason(&out->findings, t->why, sizeof t->why);
  } else if (out->signature == AB_SIGNATURE_NONE) {
    t->state = AB_TRUST_UNSIGNED;
  } else if (out->signer_trusted) {
    t->state = AB_TRUST_VERIFIED;
  } else {
    t->state = AB_TRUST_NOT_VERIFIED;
    t->cause = AB_TRUST_CAUSE_UNTRUSTED;
    snprintf(t->why, sizeof t->why, "signed by %s; no --public-key given to check it", out->signer);
  }
}

void ab_bundle_verify(const char *dir, const ab_public_key *keys, size_t n_keys,
                      ab_bundle_check *out) {
  char path[2048], msg[AB_MSG_LEN];
  ab_run run;
  json_t *root = NULL;
  memset(out, 0, sizeof *out);
  snprintf(path, sizeof path, "%s/run.json", dir);
  bool loaded = ab_run_load_unchecked(path, &run, &root, msg) == AB_OK;
  if (!loaded)
    ab_findings_mismatch(&out->findings, "%s", msg);
  check_manifest(dir, &run, loaded, keys, n_keys, out);
  if (loaded) {
    ab_verify_figures(&run, root, &out->findings, &out->figures);
    ab_run_free(&run);
    json_decref(root);
  }
  settle_trust(out);
}

void ab_bundle_check_free(ab_bundle_check *c) {
  ab_findings_free(&c->findings);
}

void ab_run_file_trust(const char *run_path, const ab_public_key *keys, size_t n_keys,
                       ab_trust *out) {
  char copy[4096], dir[4096], manifest[4200];
  memset(out, 0, sizeof *out);
  ab_strlcpy(copy, run_path, sizeof copy);
  ab_strlcpy(dir, dirname(copy), sizeof dir);
  ab_strlcpy(copy, run_path, sizeof copy);
  snprintf(manifest, sizeof manifest, "%s/%s", dir, AB_MANIFEST_FILE);
  if (strcmp(basename(copy), "run.json") != 0 || access(manifest, F_OK) != 0) {
    out->state = AB_TRUST_NOT_VERIFIED;
    out->cause = AB_TRUST_CAUSE_NOT_BUNDLE;
    snprintf(out->why, sizeof out->why, "no %s beside it: not a run bundle", AB_MANIFEST_FILE);
    return;
  }
  ab_bundle_check check;
  ab_bundle_verify(dir, keys, n_keys, &check);
  *out = check.trust;
  ab_bundle_check_free(&check);
}
