/* A test-only backend (never installed): one device with host buffers and a naive GEMM,
 * whose providers misbehave on purpose so the runner's statuses can be tested:
 *   exact        correct results (f32, f64)
 *   wrong        correct except one element (-> wrong_result)
 *   lazy         never writes the output (-> wrong_result, thanks to the poisoned output)
 *   failing      case_run returns a device error (-> failed)
 *   unsupported  case_prepare says no (-> unsupported)
 *   blind        computes correctly, but while its case exists copy_to_host reports
 *                success and copies nothing (-> wrong_result: the runner must not read
 *                back a previous case's bytes)
 *   warm         exact, and case_prepare spends FK_WARM_CALLS x FK_WARM_CALL_S in "warm
 *                calls" (sleeps) that it reports in ab_case_info.warm_calls/warm_seconds
 *   overclaim    exact, and case_prepare reports 100 s of warm calls it never made
 *   warm-failing as warm, then case_run fails (the warm calls' seconds must not vanish)
 * GEMM (f32, f64) for every provider; MEMBW (a byte copy) for exact and wrong, where
 * wrong corrupts the last byte (the last chunk the runner reads back). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accelbench/backend.h"
#include "host_buffers.h"

typedef struct fake_case {
  ab_kernel_desc desc;
  ab_buffer *a, *b, *c;
  int mode;   /* 0 exact, 1 wrong, 2 lazy, 3 failing, 5 blind */
  int *blind; /* the device's flag, set while a blind case exists */
} fake_case;

enum {
  MODE_WRONG = 1,
  MODE_LAZY = 2,
  MODE_FAILING = 3,
  MODE_UNSUPPORTED = 4,
  MODE_BLIND = 5,
  MODE_WARM = 6,
  MODE_OVERCLAIM = 7,
  MODE_WARM_FAILING = 8,
  MODE_QUERIED = 9 /* computes like exact, but case_query refuses it first */
};

static const char *const providers[] = {"exact",        "wrong",   "lazy", "failing",
                                        "unsupported",  "blind",   "warm", "overclaim",
                                        "warm-failing", "queried", NULL};

#define FK_WARM_CALLS  2
#define FK_WARM_CALL_S 0.1

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* What a library that compiles on its first call makes case_prepare do: real calls,
 * reported so the harness counts them as warm-up (sleeps stand in for the calls). */
static void report_warm_calls(int mode, ab_case_info *info) {
  if (!AB_HAS_FIELD(info, ab_case_info, warm_calls))
    return; /* a harness before ABI 1.2: it would count the calls as setup anyway */
  if (mode == MODE_OVERCLAIM) {
    info->warm_calls = 1;
    info->warm_seconds = 100.0;
    return;
  }
  double t0 = now_s();
  for (int i = 0; i < FK_WARM_CALLS; i++) {
    struct timespec ts = {0, (long)(FK_WARM_CALL_S * 1e9)};
    while (nanosleep(&ts, &ts) != 0) {
    }
  }
  info->warm_calls = FK_WARM_CALLS;
  info->warm_seconds = now_s() - t0;
}

static ab_status fk_probe(char *msg) {
  (void)msg;
  return AB_OK;
}

static ab_status fk_count(uint32_t *n, char *msg) {
  (void)msg;
  *n = 1;
  return AB_OK;
}

static ab_status fk_info(uint32_t i, ab_device_info *info, char *msg) {
  (void)msg;
  if (i != 0)
    return AB_E_INVALID;
  info->type = AB_DEVICE_OTHER;
  strcpy(info->name, "fake test device");
  strcpy(info->vendor, "accelbench tests");
  strcpy(info->uid, "fake:0");
  return AB_OK;
}

static ab_status fk_open(uint32_t i, void *state, const ab_option *o, size_t n, char *msg) {
  (void)i, (void)state, (void)o, (void)n, (void)msg;
  return AB_OK;
}

static void fk_close(void *state) {
  (void)state;
}

static ab_status fk_prepare(void *state, const ab_kernel_desc *d, const char *provider,
                            ab_buffer *const *ops, size_t n_ops, void **cs, ab_case_info *info,
                            char *msg) {
  int mode = -1;
  for (int i = 0; providers[i]; i++)
    if (strcmp(providers[i], provider) == 0)
      mode = i;
  bool gemm_ok = d->kind == AB_KERNEL_GEMM && n_ops == 3 &&
                 (d->dtype == AB_DTYPE_F32 || d->dtype == AB_DTYPE_F64);
  bool membw_ok = d->kind == AB_KERNEL_MEMBW && n_ops == 2 && mode <= MODE_WRONG;
  if (mode < 0 || mode == MODE_UNSUPPORTED || !(gemm_ok || membw_ok)) {
    strcpy(msg, "fake backend: not offered");
    return AB_E_UNSUPPORTED;
  }
  fake_case *c = calloc(1, sizeof *c);
  if (!c)
    return AB_E_NOMEM;
  *c = (fake_case){.desc = *d,
                   .a = ops[0],
                   .b = ops[1],
                   .c = n_ops > 2 ? ops[2] : NULL,
                   .mode = mode,
                   .blind = state};
  *c->blind = mode == MODE_BLIND;
  *cs = c;
  strcpy(info->implementation, "fake naive loop");
  if (mode == MODE_WARM || mode == MODE_OVERCLAIM || mode == MODE_WARM_FAILING)
    report_warm_calls(mode, info);
  return AB_OK;
}

static double ld(const ab_buffer *b, ab_dtype t, size_t i) {
  return t == AB_DTYPE_F64 ? ((const double *)b->data)[i] : ((const float *)b->data)[i];
}

static void gemm(const fake_case *c) {
  const ab_gemm_params *g = &c->desc.params.gemm;
  for (int64_t i = 0; i < g->m; i++)
    for (int64_t j = 0; j < g->n; j++) {
      double s = 0;
      for (int64_t p = 0; p < g->k; p++)
        s += ld(c->a, c->desc.dtype, (size_t)(g->trans_a ? p * g->m + i : i * g->k + p)) *
             ld(c->b, c->desc.dtype, (size_t)(g->trans_b ? j * g->k + p : p * g->n + j));
      if (c->mode == 1 && i == g->m / 2 && j == g->n / 2)
        s += 1.0;
      if (c->desc.dtype == AB_DTYPE_F64)
        ((double *)c->c->data)[i * g->n + j] = s;
      else
        ((float *)c->c->data)[i * g->n + j] = (float)s;
    }
}

static void copy_bytes(const fake_case *c) {
  size_t n = (size_t)c->desc.params.transfer.bytes;
  memcpy(c->b->data, c->a->data, n);
  if (c->mode == MODE_WRONG)
    c->b->data[n - 1] ^= 0x5a;
}

static ab_status fk_run(void *state, void *cs, uint32_t iters, ab_timing *t, char *msg) {
  (void)state;
  fake_case *c = cs;
  if (c->mode == MODE_FAILING || c->mode == MODE_WARM_FAILING) {
    strcpy(msg, "fakeLaunch: FAKE_ERROR_ILLEGAL_ADDRESS (700)");
    return AB_E_DEVICE;
  }
  for (uint32_t i = 0; i < iters && c->mode != MODE_LAZY; i++) {
    if (c->desc.kind == AB_KERNEL_MEMBW)
      copy_bytes(c);
    else
      gemm(c);
  }
  t->device_seconds = -1.0;
  return AB_OK;
}

static void fk_release(void *state, void *cs) {
  *(int *)state = 0;
  free(cs);
}

/* copy_to_host, but a "blind" case's device claims success and copies nothing. */
/* ABI 1.3: refuses the "queried" provider before any operand exists; buffer_alloc counts
 * allocations in the device state so a test can see that none was made. */
static ab_status fk_query(void *state, const ab_kernel_desc *d, const char *provider, char *msg) {
  (void)state, (void)d;
  if (strcmp(provider, "queried") != 0)
    return AB_OK;
  strcpy(msg, "fake backend: refused by case_query");
  return AB_E_UNSUPPORTED;
}

static ab_status fk_to_host(void *s, void *dst, const ab_buffer *src, size_t off, size_t n,
                            char *m) {
  if (*(int *)s)
    return AB_OK;
  return hb_to_host(s, dst, src, off, n, m);
}

static const ab_backend table = {
    .abi_major = AB_BACKEND_ABI_MAJOR,
    .abi_minor = AB_BACKEND_ABI_MINOR,
    .struct_size = sizeof(ab_backend),
    .name = "fake",
    .description = "test-only backend with misbehaving providers",
    .device_state_size = 16,
    .providers = providers,
    .probe = fk_probe,
    .device_count = fk_count,
    .device_info = fk_info,
    .open = fk_open,
    .close = fk_close,
    .buffer_alloc = hb_alloc,
    .buffer_free = hb_free,
    .copy_to_device = hb_to_dev,
    .copy_to_host = fk_to_host,
    .case_prepare = fk_prepare,
    .case_run = fk_run,
    .case_release = fk_release,
    .case_query = fk_query,
};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t major) {
  (void)major;
  return &table;
}
