#include "coldcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/util.h"

/* One copy: its operand buffers and the backend's case state. */
typedef struct cold_copy {
  ab_buffer *buf[AB_MAX_OPERANDS];
  void *state;
  int prepared;
} cold_copy;

struct ab_cold_cache {
  const ab_backend *table;
  void *device;
  size_t n_ops;
  size_t count, next; /* copies, the case itself included; the next to run */
  void *first;        /* copy 0: the runner's case */
  uint64_t bytes;     /* operand bytes of all copies */
  cold_copy *copies;  /* copies 1 .. count-1 at [0 .. count-2] */
};

size_t ab_cold_cache_copies(const ab_measure_opts *m, uint64_t case_bytes) {
  uint64_t budget =
      m->cold_cache_budget_bytes ? m->cold_cache_budget_bytes : AB_COLD_CACHE_BUDGET_DEFAULT;
  if (!m->cold_cache || case_bytes == 0 || case_bytes >= budget)
    return 0;
  uint64_t n = (budget + case_bytes - 1) / case_bytes;
  return n > AB_COLD_CACHE_MAX_COPIES ? AB_COLD_CACHE_MAX_COPIES : (size_t)n;
}

/* The operands of one copy on the device: inputs from the host, outputs zeroed from `zeros`
 * (AB_CHECK_CHUNK bytes), chunk by chunk. */
static ab_status fill_copy(const ab_cold_source *src, cold_copy *cp, const void *zeros, char *msg) {
  for (size_t i = 0; i < src->n_ops; i++) {
    size_t bytes = src->ops[i].bytes;
    ab_status st = src->table->buffer_alloc(src->device, bytes, &cp->buf[i], msg);
    for (size_t off = 0; st == AB_OK && off < bytes; off += AB_CHECK_CHUNK) {
      size_t n = bytes - off < AB_CHECK_CHUNK ? bytes - off : AB_CHECK_CHUNK;
      const void *from = src->host[i] ? (const unsigned char *)src->host[i] + off : zeros;
      st = src->table->copy_to_device(src->device, cp->buf[i], off, from, n, msg);
    }
    if (st != AB_OK)
      return st;
  }
  return AB_OK;
}

static ab_status make_copy(const ab_cold_source *src, cold_copy *cp, const void *zeros, char *msg) {
  ab_status st = fill_copy(src, cp, zeros, msg);
  if (st != AB_OK)
    return st;
  ab_case_info info = {.struct_size = sizeof info};
  st = src->table->case_prepare(src->device, src->desc, src->provider, cp->buf, src->n_ops,
                                &cp->state, &info, msg);
  cp->prepared = st == AB_OK;
  return st;
}

ab_status ab_cold_cache_make(const ab_cold_source *src, size_t copies, ab_cold_cache **out,
                             char *msg) {
  *out = NULL;
  ab_cold_cache *cc = calloc(1, sizeof *cc);
  void *zeros = calloc(1, AB_CHECK_CHUNK);
  if (cc)
    cc->copies = calloc(copies > 1 ? copies - 1 : 1, sizeof *cc->copies);
  if (!cc || !zeros || !cc->copies) {
    free(zeros);
    ab_cold_cache_free(cc);
    ab_msgf(msg, AB_MSG_LEN, "out of host memory for %zu cold-cache copies", copies);
    return AB_E_NOMEM;
  }
  cc->table = src->table;
  cc->device = src->device;
  cc->n_ops = src->n_ops;
  cc->count = 1;
  cc->first = src->case_state;
  ab_status st = AB_OK;
  for (size_t k = 1; st == AB_OK && k < copies; k++, cc->count++)
    st = make_copy(src, &cc->copies[k - 1], zeros, msg);
  free(zeros);
  if (st != AB_OK) {
    ab_cold_cache_free(cc);
    return st;
  }
  uint64_t per_copy = 0;
  for (size_t i = 0; i < src->n_ops; i++)
    per_copy += src->ops[i].bytes;
  cc->bytes = per_copy * cc->count;
  *out = cc;
  return AB_OK;
}

void *ab_cold_cache_next(ab_cold_cache *cc) {
  size_t k = cc->next;
  cc->next = (k + 1) % cc->count;
  return k == 0 ? cc->first : cc->copies[k - 1].state;
}

size_t ab_cold_cache_count(const ab_cold_cache *cc) {
  return cc ? cc->count : 0;
}

uint64_t ab_cold_cache_bytes(const ab_cold_cache *cc) {
  return cc ? cc->bytes : 0;
}

/* Also frees a copy that failed half way: count includes it (the loop in ab_cold_cache_make
 * counts the copy it was making), so its buffers are found here. */
void ab_cold_cache_free(ab_cold_cache *cc) {
  if (!cc)
    return;
  for (size_t k = 0; cc->copies && k + 1 < cc->count; k++) {
    cold_copy *cp = &cc->copies[k];
    if (cp->prepared && cc->table->case_release)
      cc->table->case_release(cc->device, cp->state);
    for (size_t i = 0; i < cc->n_ops; i++)
      if (cp->buf[i])
        cc->table->buffer_free(cc->device, cp->buf[i]);
  }
  free(cc->copies);
  free(cc);
}

int ab_cold_cache_parse(const char *text, ab_measure_opts *m, char *msg) {
  if (strcmp(text, "on") == 0 || strcmp(text, "off") == 0) {
    m->cold_cache = strcmp(text, "on") == 0;
    return 1;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || end == text || *end || text[0] == '-' || v < (1ull << 20) || v > (1ull << 40)) {
    ab_msgf(msg, AB_MSG_LEN,
            "--cold-cache '%s': expected on, off, or a budget in bytes from 1048576 (1 MiB) "
            "to 1099511627776 (1 TiB)",
            text);
    return 0;
  }
  m->cold_cache = 1;
  m->cold_cache_budget_bytes = v;
  return 1;
}
