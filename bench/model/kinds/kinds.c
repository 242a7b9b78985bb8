/* The registry of kernel kinds, and the helpers the kind files share (kind.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/inputs.h"
#include "model/kind.h"
#include "model/kinds/kinds.h"
#include "model/names.h"
#include "model/reference.h"

/* One line per kind: the only place a new kind is registered. */
static const ab_kind_def *const registry[AB_KERNEL_KIND_COUNT] = {
    [AB_KERNEL_GEMM] = &ab_kind_gemm,
    [AB_KERNEL_MEMBW] = &ab_kind_membw,
    [AB_KERNEL_COPY_H2D] = &ab_kind_copy_h2d,
    [AB_KERNEL_COPY_D2H] = &ab_kind_copy_d2h,
    [AB_KERNEL_PEAK] = &ab_kind_peak,
    [AB_KERNEL_LAUNCH] = &ab_kind_launch,
    [AB_KERNEL_ATTENTION] = &ab_kind_attention,
    [AB_KERNEL_CONV2D] = &ab_kind_conv2d,
    [AB_KERNEL_NORM] = &ab_kind_norm,
    [AB_KERNEL_SOFTMAX] = &ab_kind_softmax,
    [AB_KERNEL_ACTIVATION] = &ab_kind_activation,
    [AB_KERNEL_ELEMENTWISE] = &ab_kind_elementwise,
    [AB_KERNEL_ROTARY] = &ab_kind_rotary,
    [AB_KERNEL_STREAM] = &ab_kind_stream,
    [AB_KERNEL_DECODER_LAYER] = &ab_kind_decoder_layer,
};

const ab_kind_def *ab_kind_def_of(ab_kernel_kind k) {
  if ((int)k <= AB_KERNEL_INVALID || k >= AB_KERNEL_KIND_COUNT)
    return NULL;
  return registry[k];
}

ab_bound ab_kind_bound(const ab_kernel_desc *d) {
  const ab_kind_def *def = ab_kind_def_of(d->kind);
  if (!def)
    return AB_BOUND_NONE;
  return def->bound_for ? def->bound_for(d) : def->bound;
}

void ab_kind_fill_input(const ab_kernel_desc *d, size_t op, const ab_operand_def *o, void *dst,
                        uint64_t seed) {
  const ab_kind_def *def = ab_kind_def_of(d->kind);
  size_t esize = ab_dtype_size(o->dtype);
  if (o->role != AB_OPERAND_INPUT)
    return;
  if (o->dist == AB_DIST_UNIFORM && esize)
    ab_fill_random(dst, o->dtype, o->bytes / esize, seed);
  else if (o->dist == AB_DIST_KIND && def && def->fill)
    def->fill(d, op, dst, seed);
}

bool ab_kind_is_composite(ab_kernel_kind k) {
  const ab_kind_def *def = ab_kind_def_of(k);
  return def && def->compose;
}

int ab_product_overflows(int64_t a, int64_t b, size_t elem) {
  const int64_t limit = INT64_C(1) << 62;
  if (a <= 0 || b <= 0)
    return 1;
  if (a > limit / b)
    return 1;
  return (a * b) > limit / (int64_t)(elem ? elem : 1);
}

/* ---- parameters ------------------------------------------------------------------------ */

int64_t ab_param_get(const ab_kernel_desc *d, const ab_param_field *f) {
  const unsigned char *base = (const unsigned char *)&d->params + f->offset;
  if (f->type == AB_PARAM_I64) {
    int64_t v;
    memcpy(&v, base, sizeof v);
    return v;
  }
  int32_t v;
  memcpy(&v, base, sizeof v);
  return v;
}

void ab_param_set(ab_kernel_desc *d, const ab_param_field *f, int64_t v) {
  unsigned char *base = (unsigned char *)&d->params + f->offset;
  if (f->type == AB_PARAM_I64) {
    memcpy(base, &v, sizeof v);
    return;
  }
  int32_t w = (int32_t)v;
  memcpy(base, &w, sizeof w);
}

void ab_kind_fields_str(const ab_kind_def *k, const ab_kernel_desc *d, char *buf, size_t len) {
  size_t used = 0;
  if (len)
    buf[0] = '\0';
  for (size_t i = 0; i < k->n_fields && used < len; i++) {
    const ab_param_field *f = &k->fields[i];
    int64_t v = ab_param_get(d, f);
    const char *sep = i ? " " : "";
    int n;
    if (f->type == AB_PARAM_ENUM)
      n = snprintf(buf + used, len - used, "%s%s=%s", sep, f->name,
                   v >= 0 && (size_t)v < f->n_names ? f->names[v] : "invalid");
    else if (f->type == AB_PARAM_BOOL)
      n = snprintf(buf + used, len - used, "%s%s=%s", sep, f->name, v ? "true" : "false");
    else
      n = snprintf(buf + used, len - used, "%s%s=%lld", sep, f->name, (long long)v);
    used += n > 0 ? (size_t)n : 0;
  }
}

/* ---- byte-exact checks ------------------------------------------------------------------ */

/* The host-to-device pattern repeats every 256 bytes, so a chunk that starts at a multiple
 * of 256 is checked with the same rule as a whole buffer. */
_Static_assert(AB_CHECK_CHUNK % 256 == 0, "chunks must keep the H2D pattern's phase");

ab_status ab_check_bytes(const ab_check_io *io, size_t op, size_t bytes, const unsigned char *want,
                         ab_validation *v, char *msg) {
  for (size_t off = 0; off < bytes; off += AB_CHECK_CHUNK) {
    size_t n = bytes - off < AB_CHECK_CHUNK ? bytes - off : AB_CHECK_CHUNK;
    const void *got = io->read_part(io->ctx, op, off, n, msg);
    if (!got)
      return AB_E_DEVICE;
    ab_validation part = {0};
    if (want)
      ab_validate_bytes(got, want + off, n, &part);
    else
      ab_validate_h2d_pattern(got, n, &part);
    v->checked = true;
    v->elements_total += part.elements_total;
    v->elements_checked += part.elements_checked;
    v->mismatches += part.mismatches;
    v->max_error_ratio = v->mismatches ? INFINITY : 0.0;
    memcpy(v->rule, part.rule, sizeof v->rule);
  }
  return AB_OK;
}
