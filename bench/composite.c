/* Composite cases: a kind's plan of steps, run through the backend ABI (composite.h). */
#include "composite.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kernel.h"
#include "model/names.h"
#include "model/reference.h"
#include "model/util.h"
#include "stats.h"

typedef struct step_state {
  void *case_state;
  bool prepared;
  const char *provider; /* the backend's own string (case or default provider) */
  char implementation[128];
} step_state;

struct ab_composite {
  const ab_backend *t;
  void *device;
  ab_kernel_desc desc;
  ab_composite_plan plan;
  ab_buffer *buffers[AB_COMPOSITE_MAX_BUFFERS];
  bool owned[AB_COMPOSITE_MAX_BUFFERS]; /* allocated here (not the case's output) */
  step_state steps[AB_COMPOSITE_MAX_STEPS];
  void *staging; /* host round trip of a device copy, when the backend has no buffer_copy */
  size_t staging_bytes;
};

static bool has_buffer_copy(const ab_backend *t) {
  return t->struct_size >= offsetof(ab_backend, buffer_copy) + sizeof t->buffer_copy &&
         t->buffer_copy;
}

static ab_status plan_of(const ab_kernel_desc *d, ab_composite_plan **out, char *msg) {
  const ab_kind_def *k = ab_kind_def_of(d->kind);
  *out = malloc(sizeof **out);
  if (!*out) {
    ab_msgf(msg, AB_MSG_LEN, "out of memory for a composite plan");
    return AB_E_NOMEM;
  }
  ab_status st = k && k->compose ? k->compose(d, *out, msg, AB_MSG_LEN) : AB_E_INVALID;
  if (st != AB_OK) {
    free(*out);
    *out = NULL;
  }
  return st;
}

uint64_t ab_composite_device_bytes(const ab_kernel_desc *d) {
  char msg[AB_MSG_LEN];
  ab_composite_plan *p;
  if (plan_of(d, &p, msg) != AB_OK)
    return 0;
  uint64_t sum = 0;
  size_t out = ab_kernel_operand_count(d) - 1;
  for (size_t i = 0; i < p->n_buffers; i++)
    sum += p->buffers[i].operand == (int)out ? 0 : p->buffers[i].bytes;
  free(p);
  return sum;
}

/* "step attention (attention): <reason>" into msg. */
static void step_reason(const ab_composite_step *s, const char *why, char *msg) {
  char tmp[AB_MSG_LEN];
  ab_strlcpy(tmp, why, sizeof tmp);
  ab_msgf(msg, AB_MSG_LEN, "step %s (%s): %.400s", s->name, ab_kernel_kind_name(s->desc.kind),
          tmp[0] ? tmp : "unsupported (no reason given)");
}

/* The providers a step may run with, in order: the case's first; a step that is not a
 * weights GEMM then falls back to the backend's default for its kind, the first of the
 * backend's providers that offers it (the CPU's default, openblas, has no norm; native
 * has). n at most AB_MAX_STEP_PROVIDERS. */
#define AB_MAX_STEP_PROVIDERS 16

static size_t step_providers(const ab_backend *t, const ab_composite_step *s, const char *provider,
                             const char **out) {
  size_t n = 0;
  out[n++] = provider;
  for (size_t i = 0;
       !s->weights_provider && t->providers && t->providers[i] && n < AB_MAX_STEP_PROVIDERS; i++)
    if (strcmp(t->providers[i], provider) != 0)
      out[n++] = t->providers[i];
  return n;
}

/* After a fallback provider answered `st` with `why`: a refusal is added to the reasons in
 * msg ("<case provider's reason>; native: <its reason>"), any other error replaces them. */
static void fallback_reason(char *msg, ab_status st, const char *provider, const char *why) {
  size_t used = strlen(msg);
  if (st != AB_E_UNSUPPORTED)
    ab_msgf(msg, AB_MSG_LEN, "%s: %.400s", provider, why);
  else if (used + 8 < AB_MSG_LEN)
    snprintf(msg + used, AB_MSG_LEN - used, "; %s: %s", provider, why);
}

static ab_status query_step(const ab_backend *t, void *device, const ab_composite_step *s,
                            const char *provider, char *msg) {
  const char *prov[AB_MAX_STEP_PROVIDERS];
  size_t n = step_providers(t, s, provider, prov);
  ab_status st = t->case_query(device, &s->desc, provider, msg);
  for (size_t i = 1; i < n && st == AB_E_UNSUPPORTED; i++) {
    char other[AB_MSG_LEN] = "";
    st = t->case_query(device, &s->desc, prov[i], other);
    if (st != AB_OK)
      fallback_reason(msg, st, prov[i], other);
  }
  return st;
}

ab_status ab_composite_query(const ab_backend *t, void *device, const ab_kernel_desc *d,
                             const char *provider, char *msg) {
  ab_composite_plan *p;
  ab_status st = plan_of(d, &p, msg);
  for (size_t i = 0; st == AB_OK && t->case_query && i < p->n_steps; i++) {
    const ab_composite_step *s = &p->steps[i];
    char why[AB_MSG_LEN] = "";
    if (s->type != AB_STEP_KERNEL)
      continue;
    st = query_step(t, device, s, provider, why);
    if (st != AB_OK)
      step_reason(s, why, msg);
  }
  free(p);
  return st;
}

/* ---- buffers ------------------------------------------------------------------------- */

static ab_status make_buffers(ab_composite *c, const void *const *host, ab_buffer *const *operands,
                              size_t n_operands, char *msg) {
  for (size_t i = 0; i < c->plan.n_buffers; i++) {
    const ab_composite_buffer *b = &c->plan.buffers[i];
    if (b->operand >= (int)n_operands) {
      ab_msgf(msg, AB_MSG_LEN, "composite buffer %s: operand %d of %zu", b->name, b->operand,
              n_operands);
      return AB_E_INVALID;
    }
    bool input = b->operand >= 0 && host[b->operand];
    if (b->operand >= 0 && !input) { /* an output: the case's own buffer, whole */
      c->buffers[i] = operands[b->operand];
      continue;
    }
    char why[AB_MSG_LEN] = "";
    ab_status st = c->t->buffer_alloc(c->device, b->bytes ? b->bytes : 1, &c->buffers[i], why);
    if (st == AB_E_NOMEM) { /* too large for this device: unsupported by memory, not a failure */
      ab_msgf(msg, AB_MSG_LEN, "buffer %s of %zu bytes: %.400s", b->name, b->bytes, why);
      return AB_E_UNSUPPORTED;
    }
    if (st != AB_OK) {
      ab_strlcpy(msg, why, AB_MSG_LEN);
      return st;
    }
    c->owned[i] = true;
    if (input) {
      const unsigned char *src = (const unsigned char *)host[b->operand] + b->offset;
      st = c->t->copy_to_device(c->device, c->buffers[i], 0, src, b->bytes, msg);
      if (st != AB_OK)
        return st;
    }
  }
  return AB_OK;
}

/* ---- steps --------------------------------------------------------------------------- */

static ab_status prepare_with(ab_composite *c, size_t i, const char *provider, ab_case_info *info,
                              char *msg) {
  const ab_composite_step *s = &c->plan.steps[i];
  ab_buffer *ops[AB_MAX_OPERANDS];
  size_t n = ab_kernel_operand_count(&s->desc);
  for (size_t j = 0; j < n; j++)
    ops[j] = c->buffers[s->buffers[j]];
  memset(info, 0, sizeof *info);
  info->struct_size = sizeof *info;
  return c->t->case_prepare(c->device, &s->desc, provider, ops, n, &c->steps[i].case_state, info,
                            msg);
}

/* The least precise accumulator any step declared (the layer is as accurate as its worst
 * step); AB_DTYPE_INVALID while none declared one. */
static ab_dtype coarser(ab_dtype a, ab_dtype b) {
  if (a == AB_DTYPE_INVALID)
    return b;
  if (b == AB_DTYPE_INVALID)
    return a;
  return ab_unit_roundoff(b) > ab_unit_roundoff(a) ? b : a;
}

static ab_status prepare_step(ab_composite *c, size_t i, const char *provider, ab_case_info *total,
                              char *msg) {
  const ab_composite_step *s = &c->plan.steps[i];
  step_state *ss = &c->steps[i];
  ab_case_info info;
  char why[AB_MSG_LEN] = "", other[AB_MSG_LEN];
  const char *prov[AB_MAX_STEP_PROVIDERS];
  size_t n = step_providers(c->t, s, provider, prov);
  ab_status st = prepare_with(c, i, provider, &info, why);
  ss->provider = provider;
  for (size_t j = 1; j < n && st == AB_E_UNSUPPORTED; j++) {
    ss->provider = prov[j];
    other[0] = '\0';
    st = prepare_with(c, i, prov[j], &info, other);
    if (st != AB_OK)
      fallback_reason(why, st, prov[j], other);
  }
  if (st != AB_OK) {
    step_reason(s, why, msg);
    return st;
  }
  ss->prepared = true;
  ab_strlcpy(ss->implementation, info.implementation, sizeof ss->implementation);
  total->setup_seconds += info.setup_seconds > 0.0 ? info.setup_seconds : 0.0;
  total->accumulate_dtype = coarser(total->accumulate_dtype, info.accumulate_dtype);
  return AB_OK;
}

static void summarise(ab_composite *c, const char *provider, ab_case_info *info) {
  size_t kernels = 0, own = 0;
  for (size_t i = 0; i < c->plan.n_steps; i++) {
    if (c->plan.steps[i].type != AB_STEP_KERNEL)
      continue;
    kernels++;
    own += strcmp(c->steps[i].provider, provider) == 0;
  }
  const char *kv = c->plan.n_steps == kernels ? ""
                   : has_buffer_copy(c->t)    ? "; KV append: buffer_copy"
                                              : "; KV append: host round trip";
  snprintf(info->implementation, sizeof info->implementation,
           "composed by the harness: %zu steps, %zu on %s, the rest on others (run file: "
           "composite)%s",
           kernels, own, provider, kv);
}

ab_status ab_composite_prepare(const ab_backend *t, void *device, const ab_kernel_desc *d,
                               const char *provider, const void *const *host,
                               ab_buffer *const *operands, size_t n_operands, ab_composite **out,
                               ab_case_info *info, char *msg) {
  *out = NULL;
  ab_composite *c = calloc(1, sizeof *c);
  if (!c) {
    ab_msgf(msg, AB_MSG_LEN, "out of memory for a composite case");
    return AB_E_NOMEM;
  }
  c->t = t;
  c->device = device;
  c->desc = *d;
  const ab_kind_def *k = ab_kind_def_of(d->kind);
  ab_status st = k && k->compose ? k->compose(d, &c->plan, msg, AB_MSG_LEN) : AB_E_INVALID;
  if (st == AB_OK)
    st = make_buffers(c, host, operands, n_operands, msg);
  info->accumulate_dtype = AB_DTYPE_INVALID;
  info->setup_seconds = 0.0;
  for (size_t i = 0; st == AB_OK && i < c->plan.n_steps; i++)
    if (c->plan.steps[i].type == AB_STEP_KERNEL)
      st = prepare_step(c, i, provider, info, msg);
  if (st != AB_OK) {
    ab_composite_release(device, c);
    return st;
  }
  summarise(c, provider, info);
  *out = c;
  return AB_OK;
}

/* ---- running ------------------------------------------------------------------------- */

static ab_status host_round_trip(ab_composite *c, ab_buffer *dst, size_t dst_off,
                                 const ab_buffer *src, size_t src_off, size_t bytes, char *msg) {
  if (c->staging_bytes < bytes) {
    void *p = realloc(c->staging, bytes);
    if (!p) {
      ab_msgf(msg, AB_MSG_LEN, "out of memory for a %zu-byte copy through the host", bytes);
      return AB_E_NOMEM;
    }
    c->staging = p;
    c->staging_bytes = bytes;
  }
  ab_status st = c->t->copy_to_host(c->device, c->staging, src, src_off, bytes, msg);
  return st == AB_OK ? c->t->copy_to_device(c->device, dst, dst_off, c->staging, bytes, msg) : st;
}

static ab_status run_copy(ab_composite *c, const ab_composite_step *s, char *msg) {
  ab_buffer *dst = c->buffers[s->dst];
  const ab_buffer *src = c->buffers[s->src];
  for (size_t i = 0; i < s->count; i++) {
    size_t so = s->src_offset + i * s->src_stride, dof = s->dst_offset + i * s->dst_stride;
    ab_status st = has_buffer_copy(c->t)
                       ? c->t->buffer_copy(c->device, dst, dof, src, so, s->bytes, msg)
                       : host_round_trip(c, dst, dof, src, so, s->bytes, msg);
    if (st != AB_OK)
      return st;
  }
  return AB_OK;
}

static ab_status run_once(ab_composite *c, char *msg) {
  for (size_t i = 0; i < c->plan.n_steps; i++) {
    const ab_composite_step *s = &c->plan.steps[i];
    char why[AB_MSG_LEN] = "";
    ab_status st;
    if (s->type == AB_STEP_COPY) {
      st = run_copy(c, s, why);
    } else {
      ab_timing tm = {.struct_size = sizeof tm, .device_seconds = -1.0};
      st = c->t->case_run(c->device, c->steps[i].case_state, 1, &tm, why);
    }
    if (st != AB_OK) {
      ab_msgf(msg, AB_MSG_LEN, "step %s: %.400s", s->name, why);
      return st;
    }
  }
  return AB_OK;
}

ab_status ab_composite_run(void *device, void *composite, uint32_t iterations, ab_timing *timing,
                           char *msg) {
  (void)device;
  for (uint32_t it = 0; it < iterations; it++) {
    ab_status st = run_once(composite, msg);
    if (st != AB_OK)
      return st;
  }
  timing->device_seconds = -1.0; /* steps each complete on return: the host clock times it */
  return AB_OK;
}

void ab_composite_release(void *device, void *composite) {
  ab_composite *c = composite;
  if (!c)
    return;
  for (size_t i = 0; i < c->plan.n_steps; i++)
    if (c->steps[i].prepared && c->t->case_release)
      c->t->case_release(device, c->steps[i].case_state);
  for (size_t i = 0; i < c->plan.n_buffers; i++)
    if (c->owned[i])
      c->t->buffer_free(device, c->buffers[i]);
  free(c->staging);
  free(c);
}

/* ---- the record ---------------------------------------------------------------------- */

json_t *ab_composite_token_time_json(const ab_kernel_desc *d, const double *samples, size_t n) {
  if (d->kind != AB_KERNEL_DECODER_LAYER || d->params.decoder_layer.phase != AB_DECODER_DECODE ||
      n == 0)
    return NULL;
  double *s = malloc(n * sizeof *s);
  if (!s)
    return NULL;
  memcpy(s, samples, n * sizeof *s);
  ab_sort_doubles(s, n);
  json_t *o = json_pack("{s:f, s:f}", "p50", ab_percentile_sorted(s, n, 50.0), "p99",
                        ab_percentile_sorted(s, n, 99.0));
  free(s);
  return o;
}

static json_t *step_json(const ab_composite *c, size_t i) {
  const ab_composite_step *s = &c->plan.steps[i];
  if (s->type == AB_STEP_COPY)
    return json_pack("{s:s, s:s, s:s}", "name", s->name, "kind", "copy", "copy",
                     has_buffer_copy(c->t) ? "buffer_copy" : "host_round_trip");
  char shape[160];
  ab_kernel_shape_str(&s->desc, shape, sizeof shape);
  return json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", s->name, "kind",
                   ab_kernel_kind_name(s->desc.kind), "shape", shape, "provider",
                   c->steps[i].provider, "implementation", c->steps[i].implementation);
}

json_t *ab_composite_json(const ab_composite *c) {
  json_t *steps = json_array();
  bool copies = false;
  for (size_t i = 0; steps && i < c->plan.n_steps; i++) {
    copies |= c->plan.steps[i].type == AB_STEP_COPY;
    json_array_append_new(steps, step_json(c, i));
  }
  const char *kv = !copies ? "none" : has_buffer_copy(c->t) ? "buffer_copy" : "host_round_trip";
  return json_pack("{s:o, s:s, s:f}", "steps", steps ? steps : json_array(), "kv_copy", kv,
                   "tokens_per_call", ab_kernel_tokens(&c->desc));
}
