/* A test-only backend (never installed) whose providers lie about their work in the ways a
 * vendor's module could, so the harness's audits can be shown to catch each lie:
 *   honest          computes every call correctly (the control: ok)
 *   first-only      computes on the first call of a case only; later calls return at once
 *   on-change       computes only when its output changed since it last wrote it (the
 *                   harness's reset), so every other call returns at once
 *   timer-div100    computes honestly, but reports a device time of its host time / 100
 *   wrong-anywhere  computes honestly, then gets one element wrong by 1.0, at a place
 *                   drawn per case from the clock
 *   predictable     computes only the elements a fixed sampler would check (the edges and
 *                   a sparse diagonal grid); the rest stay 0
 * GEMM in f32 and f64 with a plain loop, on one host-memory device. */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accelbench/backend.h"
#include "host_buffers.h"

enum { HONEST, FIRST_ONLY, ON_CHANGE, TIMER_DIV100, WRONG_ANYWHERE, PREDICTABLE };

static const char *const providers[] = {
    "honest", "first-only", "on-change", "timer-div100", "wrong-anywhere", "predictable", NULL};

typedef struct liar_case {
  ab_gemm_params g;
  ab_dtype t;
  ab_buffer *a, *b, *c;
  int mode;
  uint64_t calls;
  uint64_t last_written; /* bits of C[0] as the last compute left them */
  size_t wrong_at;       /* WRONG_ANYWHERE: the element it gets wrong */
} liar_case;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double ld(const ab_buffer *b, ab_dtype t, size_t i) {
  return t == AB_DTYPE_F64 ? ((const double *)b->data)[i] : ((const float *)b->data)[i];
}

static void st(ab_buffer *b, ab_dtype t, size_t i, double v) {
  if (t == AB_DTYPE_F64)
    ((double *)b->data)[i] = v;
  else
    ((float *)b->data)[i] = (float)v;
}

static bool predictable_element(const ab_gemm_params *g, int64_t i, int64_t j) {
  return i == 0 || j == 0 || i == g->m - 1 || j == g->n - 1 || (i + j) % 16 == 0;
}

static void gemm(liar_case *c) {
  const ab_gemm_params *g = &c->g;
  for (int64_t i = 0; i < g->m; i++)
    for (int64_t j = 0; j < g->n; j++) {
      double s = 0;
      if (c->mode != PREDICTABLE || predictable_element(g, i, j))
        for (int64_t p = 0; p < g->k; p++)
          s += ld(c->a, c->t, (size_t)(i * g->k + p)) * ld(c->b, c->t, (size_t)(p * g->n + j));
      st(c->c, c->t, (size_t)(i * g->n + j), s);
    }
  if (c->mode == WRONG_ANYWHERE)
    st(c->c, c->t, c->wrong_at, ld(c->c, c->t, c->wrong_at) + 1.0);
  memcpy(&c->last_written, c->c->data, sizeof c->last_written < c->c->bytes ? 8 : c->c->bytes);
}

static bool output_changed(const liar_case *c) {
  uint64_t now = 0;
  memcpy(&now, c->c->data, sizeof now < c->c->bytes ? 8 : c->c->bytes);
  return now != c->last_written;
}

static ab_status lr_run(void *state, void *cs, uint32_t iters, ab_timing *t, char *msg) {
  (void)state, (void)msg;
  liar_case *c = cs;
  double t0 = now_s();
  for (uint32_t i = 0; i < iters; i++, c->calls++) {
    if (c->mode == FIRST_ONLY && c->calls > 0)
      continue;
    if (c->mode == ON_CHANGE && c->calls > 0 && !output_changed(c))
      continue;
    gemm(c);
  }
  t->device_seconds = c->mode == TIMER_DIV100 ? (now_s() - t0) / 100.0 : -1.0;
  return AB_OK;
}

static ab_status lr_prepare(void *state, const ab_kernel_desc *d, const char *provider,
                            ab_buffer *const *ops, size_t n_ops, void **cs, ab_case_info *info,
                            char *msg) {
  (void)state;
  int mode = -1;
  for (int i = 0; providers[i]; i++)
    if (strcmp(providers[i], provider) == 0)
      mode = i;
  if (mode < 0 || d->kind != AB_KERNEL_GEMM || n_ops != 3 || d->params.gemm.trans_a ||
      d->params.gemm.trans_b || (d->dtype != AB_DTYPE_F32 && d->dtype != AB_DTYPE_F64) ||
      d->out_dtype != d->dtype) {
    strcpy(msg, "liar backend: f32/f64 GEMM without transposes only");
    return AB_E_UNSUPPORTED;
  }
  liar_case *c = calloc(1, sizeof *c);
  if (!c)
    return AB_E_NOMEM;
  *c = (liar_case){
      .g = d->params.gemm, .t = d->dtype, .a = ops[0], .b = ops[1], .c = ops[2], .mode = mode};
  uint64_t m = (uint64_t)(c->g.m * c->g.n);
  c->wrong_at = (size_t)(((uint64_t)(now_s() * 1e9) * UINT64_C(0x9e3779b97f4a7c15) >> 11) % m);
  *cs = c;
  strcpy(info->implementation, "liar: plain loop");
  return AB_OK;
}

static void lr_release(void *state, void *cs) {
  (void)state;
  free(cs);
}

static ab_status lr_probe(char *msg) {
  (void)msg;
  return AB_OK;
}

static ab_status lr_count(uint32_t *n, char *msg) {
  (void)msg;
  *n = 1;
  return AB_OK;
}

static ab_status lr_info(uint32_t i, ab_device_info *info, char *msg) {
  (void)i, (void)msg;
  strcpy(info->name, "liar device");
  strcpy(info->vendor, "accelbench tests");
  strcpy(info->uid, "liar-0");
  info->type = AB_DEVICE_OTHER;
  return AB_OK;
}

static ab_status lr_open(uint32_t i, void *state, const ab_option *o, size_t n, char *msg) {
  (void)i, (void)state, (void)o, (void)n, (void)msg;
  return AB_OK;
}

static void lr_close(void *state) {
  (void)state;
}

static const ab_backend table = {
    .abi_major = AB_BACKEND_ABI_MAJOR,
    .abi_minor = AB_BACKEND_ABI_MINOR,
    .struct_size = sizeof(ab_backend),
    .name = "liar",
    .description = "test-only backend whose providers lie about their work",
    .device_state_size = 8,
    .providers = providers,
    .probe = lr_probe,
    .device_count = lr_count,
    .device_info = lr_info,
    .open = lr_open,
    .close = lr_close,
    .buffer_alloc = hb_alloc,
    .buffer_free = hb_free,
    .copy_to_device = hb_to_dev,
    .copy_to_host = hb_to_host,
    .case_prepare = lr_prepare,
    .case_run = lr_run,
    .case_release = lr_release,
};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t major) {
  (void)major;
  return &table;
}
