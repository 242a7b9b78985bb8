/* ab-detection: how often the harness's output check catches a single wrong element, per
 * case of a suite (issue 15: ">= 99.9% at every quick/poc-full shape, over many run-time
 * seeds"; docs/measurement.md, "Detection rate").
 *
 *   ab-detection -s SUITE [-b BACKEND] [-t TRIALS] [-T SECONDS] [-e abs:X|rel:X]
 *                [-M MAX_BYTES] [-k KIND] [-d DTYPE,...] [-g]
 *
 * For each case of the suite: the first of the backend's providers that runs it computes the
 * output once on seeded inputs (through the backend ABI, as the runner does); the honest
 * output must pass
 * the kind's check. Then, for each trial, one element of one output operand (position drawn
 * at random) is made wrong by the error model, and the kind's own check (the same
 * `validate` the runner calls) runs with a fresh run-time seed, as in a real run. A trial
 * is caught when the check's verdict is wrong_result. A case stops after TRIALS trials or
 * SECONDS of trials, whichever comes first. One line per case:
 *   kind  dtypes  shape  provider  trials  caught  rate  wilson95_low  note
 * Error models: abs:X adds X to the element (the liar backend's "wrong-anywhere" adds 1);
 * rel:X moves it by X times its magnitude plus X (so a zero element moves too). Integer
 * outputs move by at least 1. The check sees the host BLAS as the runner does (hostblas.h;
 * AB_HOST_BLAS=none measures the checks without it).
 *
 * -g (guarantee) runs no trials: for each GEMM case whose every-element check is the
 * Freivalds row test (not the whole host-BLAS reference), it prints the row test's bound
 * on the honest output, smallest and largest over the rows, and 2 x the largest: the error
 * of one element the row test catches anywhere in the output with probability >= 1 - 1e-12
 * (docs/measurement.md), beside the output's own size (rms and max |c|). Cheap enough for
 * every poc-full shape, where trials are not. One line per case:
 *   kind  dtypes  shape  provider  bound_min  bound_max  caught_above  rms_c  max_c  note */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostblas.h"
#include "loader.h"
#include "model/inputs.h"
#include "model/kernel.h"
#include "model/kind.h"
#include "model/names.h"
#include "model/util.h"
#include "model/verdict.h"
#include "runner.h"
#include "suite.h"

typedef struct error_model {
  int relative;
  double size;
} error_model;

typedef struct trial_case {
  const ab_kernel_desc *desc;
  size_t n_ops;
  ab_operand_def defs[AB_MAX_OPERANDS];
  void *host[AB_MAX_OPERANDS]; /* inputs: seeded data; outputs: the honest result */
} trial_case;

/* The check reads outputs from the host copies: the corrupted element is already there. */
static const void *read_all(void *ctx, size_t op, char *msg) {
  (void)msg;
  return ((trial_case *)ctx)->host[op];
}

static const void *read_part(void *ctx, size_t op, size_t off, size_t bytes, char *msg) {
  (void)bytes, (void)msg;
  return (const unsigned char *)((trial_case *)ctx)->host[op] + off;
}

static ab_case_status check(trial_case *tc, const ab_suite *suite, ab_dtype accumulate, char *msg) {
  ab_host_blas blas;
  char no_blas[AB_MSG_LEN];
  bool have_blas = ab_host_blas_get(suite->validate_whole_macs, &blas, no_blas, sizeof no_blas);
  ab_check_io io = {.desc = tc->desc,
                    .blas = have_blas ? &blas : NULL,
                    .host = (const void *const *)tc->host,
                    .accumulate = accumulate,
                    .max_elements = suite->validate_max_elements,
                    .seed = ab_runtime_seed(),
                    .ctx = tc,
                    .read_all = read_all,
                    .read_part = read_part};
  ab_validation v;
  memset(&v, 0, sizeof v);
  if (ab_kind_def_of(tc->desc->kind)->validate(&io, &v, msg) != AB_OK)
    return AB_CASE_FAILED;
  return ab_validation_verdict(&v, NULL, 0);
}

static double wrong_value(double v, ab_dtype dt, const error_model *e) {
  double delta = e->relative ? e->size * (fabs(v) + 1.0) : e->size;
  if (dt == AB_DTYPE_I8 || dt == AB_DTYPE_I32)
    delta = delta < 1.0 ? 1.0 : round(delta);
  return v + delta;
}

/* An output element drawn uniformly over all output elements of the case. */
static void pick_element(const trial_case *tc, ab_rng *rng, size_t *op, size_t *idx) {
  size_t total = 0;
  for (size_t i = 0; i < tc->n_ops; i++)
    if (tc->defs[i].role == AB_OPERAND_OUTPUT)
      total += tc->defs[i].bytes / ab_dtype_size(tc->defs[i].dtype);
  size_t at = (size_t)(ab_rng_uniform(rng) * (double)total);
  for (size_t i = 0; i < tc->n_ops; i++) {
    if (tc->defs[i].role != AB_OPERAND_OUTPUT)
      continue;
    size_t n = tc->defs[i].bytes / ab_dtype_size(tc->defs[i].dtype);
    if (at < n) {
      *op = i, *idx = at;
      return;
    }
    at -= n;
  }
}

static ab_status upload_inputs(const ab_open_device *dev, trial_case *tc, ab_buffer **dbuf,
                               uint64_t seed, char *msg) {
  const ab_backend *t = &dev->backend->table;
  for (size_t i = 0; i < tc->n_ops; i++) {
    const ab_operand_def *o = &tc->defs[i];
    tc->host[i] = ab_alloc_large(o->bytes ? o->bytes : 1);
    if (!tc->host[i]) {
      ab_msgf(msg, AB_MSG_LEN, "host allocation of %zu bytes failed", o->bytes);
      return AB_E_NOMEM;
    }
    memset(tc->host[i], 0xff, o->bytes);
    ab_kind_fill_input(tc->desc, i, o, tc->host[i], ab_operand_seed(seed, i));
    ab_status st = t->buffer_alloc(dev->state, o->bytes, &dbuf[i], msg);
    if (st == AB_OK)
      st = t->copy_to_device(dev->state, dbuf[i], 0, tc->host[i], o->bytes, msg);
    if (st != AB_OK)
      return st;
  }
  return AB_OK;
}

/* One honest call on the device, its outputs read back into tc->host. */
static ab_status honest_output(const ab_open_device *dev, const char *provider, trial_case *tc,
                               ab_buffer **dbuf, ab_dtype *accumulate, char *msg) {
  const ab_backend *t = &dev->backend->table;
  if (t->case_query) {
    ab_status q = t->case_query(dev->state, tc->desc, provider, msg);
    if (q != AB_OK)
      return q;
  }
  void *cs = NULL;
  ab_case_info info = {.struct_size = sizeof info};
  ab_status st = t->case_prepare(dev->state, tc->desc, provider, dbuf, tc->n_ops, &cs, &info, msg);
  if (st != AB_OK)
    return st;
  *accumulate = info.accumulate_dtype;
  ab_timing timing = {.struct_size = sizeof timing};
  st = t->case_run(dev->state, cs, 1, &timing, msg);
  for (size_t i = 0; st == AB_OK && i < tc->n_ops; i++)
    if (tc->defs[i].role == AB_OPERAND_OUTPUT)
      st = t->copy_to_host(dev->state, tc->host[i], dbuf[i], 0, tc->defs[i].bytes, msg);
  if (t->case_release)
    t->case_release(dev->state, cs);
  return st;
}

/* The first provider that runs the case; NULL with the last provider's reason. */
static const char *first_provider(const ab_open_device *dev, trial_case *tc, ab_buffer **dbuf,
                                  ab_dtype *acc, char *msg) {
  for (const char *const *p = dev->backend->table.providers; *p; p++)
    if (honest_output(dev, *p, tc, dbuf, acc, msg) == AB_OK)
      return *p;
  return NULL;
}

static void free_case(const ab_open_device *dev, trial_case *tc, ab_buffer **dbuf) {
  for (size_t i = 0; i < tc->n_ops; i++) {
    dev->backend->table.buffer_free(dev->state, dbuf[i]);
    free(tc->host[i]);
  }
}

/* Lower end of the Wilson score interval at 95%: the rate the trials support. */
static double wilson_low(unsigned caught, unsigned n) {
  if (n == 0)
    return 0.0;
  double z = 1.959964, p = (double)caught / n, z2n = z * z / n;
  return (p + z2n / 2 - z * sqrt(p * (1 - p) / n + z2n / (4.0 * n))) / (1 + z2n);
}

typedef struct run_opts {
  unsigned trials;
  double budget_s;
  error_model err;
  size_t max_bytes;
  ab_kernel_kind only;
  bool dtypes[AB_DTYPE_COUNT + 1]; /* input dtypes to run; the last: whether -d was given */
  bool guarantee;                  /* -g: the row test's bounds instead of trials */
} run_opts;

static unsigned run_trials(trial_case *tc, const ab_suite *suite, ab_dtype acc, const run_opts *o,
                           unsigned *trials, char *note) {
  ab_rng rng;
  ab_rng_seed(&rng, ab_runtime_seed());
  unsigned caught = 0;
  char msg[AB_MSG_LEN];
  double t0 = ab_now_s();
  *trials = 0;
  for (unsigned t = 0; t < o->trials && ab_now_s() - t0 < o->budget_s; t++) {
    size_t op = 0, idx = 0;
    pick_element(tc, &rng, &op, &idx);
    ab_dtype dt = tc->defs[op].dtype;
    size_t esz = ab_dtype_size(dt);
    unsigned char saved[8];
    unsigned char *at = (unsigned char *)tc->host[op] + idx * esz;
    memcpy(saved, at, esz);
    double v = ab_load_as_double(tc->host[op], dt, idx), wrong = wrong_value(v, dt, &o->err);
    ab_store_from_double(tc->host[op], dt, idx, wrong);
    if (memcmp(saved, at, esz) == 0) /* saturated (int8 at 127): the error the other way */
      ab_store_from_double(tc->host[op], dt, idx, v - (wrong - v));
    if (memcmp(saved, at, esz) == 0) {
      snprintf(note, 160, "some errors did not change the stored %s element: not trials",
               ab_dtype_str(dt));
      continue;
    }
    ab_case_status st = check(tc, suite, acc, msg);
    caught += st == AB_CASE_WRONG_RESULT;
    ++*trials;
    memcpy(at, saved, esz);
  }
  return caught;
}

static bool has_output(const trial_case *tc) {
  for (size_t i = 0; i < tc->n_ops; i++)
    if (tc->defs[i].role == AB_OPERAND_OUTPUT)
      return true;
  return false;
}

static size_t case_bytes(const trial_case *tc) {
  size_t sum = 0;
  for (size_t i = 0; i < tc->n_ops; i++)
    sum += tc->defs[i].bytes;
  return sum;
}

/* The output's size beside the bound: rms and largest |c|. */
static void output_size(const trial_case *tc, double *rms, double *max) {
  const ab_gemm_params *g = &tc->desc->params.gemm;
  size_t n = (size_t)(g->m * g->n);
  double sum2 = 0.0;
  *max = 0.0;
  for (size_t i = 0; i < n; i++) {
    double y = fabs(ab_load_as_double(tc->host[2], tc->desc->out_dtype, i));
    sum2 += y * y;
    *max = y > *max ? y : *max;
  }
  *rms = n ? sqrt(sum2 / (double)n) : 0.0;
}

/* -g: one line of the guarantee table for an honest GEMM output. */
static void print_guarantee(const trial_case *tc, const ab_suite *suite, const char *provider,
                            ab_dtype acc, const char *shape, const char *note) {
  double lo = 0.0, hi = 0.0, rms = 0.0, max = 0.0;
  char why[200];
  snprintf(why, sizeof why, "%s", note);
  ab_host_blas blas;
  char no_blas[AB_MSG_LEN];
  bool have_blas = ab_host_blas_get(suite->validate_whole_macs, &blas, no_blas, sizeof no_blas);
  if (!why[0] && tc->desc->kind != AB_KERNEL_GEMM)
    snprintf(why, sizeof why, "not a GEMM: its check is the full reference (-g is for GEMM)");
  else if (!why[0] && have_blas && ab_gemm_whole_reference_applies(tc->desc, &blas))
    snprintf(why, sizeof why, "every element against the whole host-BLAS reference");
  else if (!why[0] &&
           !ab_gemm_row_bounds(tc->desc, acc, tc->host[0], tc->host[1], tc->host[2], &lo, &hi))
    snprintf(why, sizeof why, "out of host memory for the row test");
  else if (!why[0])
    output_size(tc, &rms, &max);
  printf("%s\t%s>%s\t%s\t%s\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%s\n",
         ab_kernel_kind_str(tc->desc->kind), ab_dtype_str(tc->desc->dtype),
         ab_dtype_str(tc->desc->out_dtype), shape, provider ? provider : "-", lo, hi, 2.0 * hi, rms,
         max, why);
  fflush(stdout);
}

static void one_case(const ab_open_device *dev, const ab_suite *suite, const ab_case_spec *spec,
                     const run_opts *o) {
  trial_case tc = {.desc = &spec->desc, .n_ops = ab_kernel_operand_count(&spec->desc)};
  ab_buffer *dbuf[AB_MAX_OPERANDS] = {0};
  char shape[160], note[160] = "", msg[AB_MSG_LEN] = "";
  ab_kernel_shape_str(&spec->desc, shape, sizeof shape);
  for (size_t i = 0; i < tc.n_ops; i++)
    ab_kernel_operand(&spec->desc, i, &tc.defs[i]);
  const char *provider = NULL;
  unsigned caught = 0, trials = 0;
  ab_dtype acc = AB_DTYPE_INVALID;
  if (case_bytes(&tc) > o->max_bytes) {
    snprintf(note, sizeof note, "not run: operands %zu bytes > -M %zu", case_bytes(&tc),
             o->max_bytes);
  } else if (!has_output(&tc)) {
    snprintf(note, sizeof note,
             "not run: no output operand the harness reads back (the check "
             "is that the input is unchanged)");
  } else if (upload_inputs(dev, &tc, dbuf, suite->seed, msg) != AB_OK ||
             !(provider = first_provider(dev, &tc, dbuf, &acc, msg))) {
    snprintf(note, sizeof note, "not run: %.150s", msg);
  } else if (check(&tc, suite, acc, msg) != AB_CASE_OK) {
    snprintf(note, sizeof note, "the honest output fails its check: %.120s", msg);
  } else if (!o->guarantee) {
    caught = run_trials(&tc, suite, acc, o, &trials, note);
  }
  if (o->guarantee) {
    print_guarantee(&tc, suite, provider, acc, shape, note);
    free_case(dev, &tc, dbuf);
    return;
  }
  printf("%s\t%s>%s\t%s\t%s\t%u\t%u\t%.5f\t%.5f\t%s\n", ab_kernel_kind_str(spec->desc.kind),
         ab_dtype_str(spec->desc.dtype), ab_dtype_str(spec->desc.out_dtype), shape,
         provider ? provider : "-", trials, caught, trials ? (double)caught / trials : 0.0,
         wilson_low(caught, trials), note);
  fflush(stdout);
  free_case(dev, &tc, dbuf);
}

static int parse_error(const char *s, error_model *e) {
  char *end;
  if (strncmp(s, "abs:", 4) == 0 || strncmp(s, "rel:", 4) == 0) {
    e->relative = s[0] == 'r';
    e->size = strtod(s + 4, &end);
    return *end == '\0' && e->size > 0.0;
  }
  return 0;
}

/* -d f32,f64: the input dtypes to run (the probabilistic checks are per dtype: the
 * half-precision GEMMs are compared element by element, the others by the row test). */
static int parse_dtypes(const char *list, bool *wanted) {
  char copy[256];
  snprintf(copy, sizeof copy, "%s", list);
  for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    ab_dtype in, out;
    if (ab_dtype_parse(t, &in, &out) != AB_OK)
      return 0;
    wanted[in] = true;
  }
  wanted[AB_DTYPE_COUNT] = true; /* a filter was given */
  return 1;
}

static bool selected(const run_opts *o, const ab_kernel_desc *d) {
  if (o->only != AB_KERNEL_INVALID && d->kind != o->only)
    return false;
  return !o->dtypes[AB_DTYPE_COUNT] || (d->dtype < AB_DTYPE_COUNT && o->dtypes[d->dtype]);
}

static int usage(void) {
  fprintf(stderr, "usage: ab-detection -s SUITE [-b BACKEND] [-t TRIALS] [-T SECONDS] "
                  "[-e abs:X|rel:X] [-M MAX_BYTES] [-k KIND] [-d DTYPE,...] [-g]\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *suite_path = NULL, *backend = "cpu";
  run_opts o = {.trials = 1000, .budget_s = 60.0, .err = {0, 1.0}, .max_bytes = (size_t)1 << 30};
  for (int opt; (opt = getopt(argc, argv, "s:b:t:T:e:M:k:d:g")) != -1;) {
    if (opt == 's')
      suite_path = optarg;
    else if (opt == 'b')
      backend = optarg;
    else if (opt == 't')
      o.trials = (unsigned)strtoul(optarg, NULL, 10);
    else if (opt == 'T')
      o.budget_s = strtod(optarg, NULL);
    else if (opt == 'e' && parse_error(optarg, &o.err))
      ;
    else if (opt == 'M')
      o.max_bytes = (size_t)strtoull(optarg, NULL, 10);
    else if (opt == 'k' && (o.only = ab_kernel_kind_parse(optarg)) != AB_KERNEL_INVALID)
      ;
    else if (opt == 'd' && parse_dtypes(optarg, o.dtypes))
      ;
    else if (opt == 'g')
      o.guarantee = true;
    else
      return usage();
  }
  if (!suite_path || o.trials == 0)
    return usage();
  ab_suite suite;
  char msg[AB_MSG_LEN] = "", path[1200];
  if (ab_suite_load(suite_path, &suite, msg) != AB_OK) {
    fprintf(stderr, "ab-detection: %s\n", msg);
    return 1;
  }
  snprintf(path, sizeof path, "%s/accelbench-backend-%s.so", AB_BUILD_BACKEND_DIR, backend);
  ab_loaded_backend be;
  ab_open_device dev;
  if (ab_backend_load_file(path, &be, msg) != AB_OK || be.table.probe(msg) != AB_OK ||
      ab_device_open(&dev, &be, 0, &suite, msg) != AB_OK) {
    fprintf(stderr, "ab-detection: %s: %s\n", path, msg);
    ab_suite_free(&suite);
    return 1;
  }
  printf("# ab-detection %s, backend %s (%s), error %s%g, up to %u trials or %g s per case\n",
         suite_path, backend, dev.info.name, o.err.relative ? "rel:" : "abs:", o.err.size, o.trials,
         o.budget_s);
  printf(o.guarantee
             ? "kind\tdtypes\tshape\tprovider\tbound_min\tbound_max\tcaught_above\trms_c\tmax_"
               "c\tnote\n"
             : "kind\tdtypes\tshape\tprovider\ttrials\tcaught\trate\twilson95_low\tnote\n");
  for (size_t i = 0; i < suite.n_cases; i++)
    if (selected(&o, &suite.cases[i].desc))
      one_case(&dev, &suite, &suite.cases[i], &o);
  ab_device_close(&dev);
  ab_suite_free(&suite);
  return 0;
}
