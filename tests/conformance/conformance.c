/* Backend conformance: what the plugin ABI (include/accelbench/backend.h,
 * docs/writing-a-backend.md) promises, checked on any backend module by calling its table
 * directly. The results of real runs are checked by the harness itself (conformance.sh
 * drives `accelbench run`); this program checks what the harness would paper over.
 *
 * usage: ab_conformance [--skip-if-disabled] MODULE.so CASES.yaml QUICK.yaml
 * CASES.yaml gives one small case of every kind; QUICK.yaml (configs/quick.yaml) is the
 * suite whose kinds every backend must answer, so a kind added there fails here until
 * CASES.yaml covers it. Exit 0: conforms; 1: a check failed (each printed as FAIL); 77:
 * --skip-if-disabled and the backend is disabled or has no device on this machine. */
#include <ctype.h>
#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accelbench/backend.h>

#include "model/kernel.h"
#include "model/kind.h"
#include "model/names.h"
#include "suite.h"

#if defined(AB_SANITIZE)
/* The impossible allocation below must come back as an error, as it does without a
 * sanitizer, instead of aborting this process. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
  return "allocator_may_return_null=1";
}
#endif

static int g_failures, g_passes;

static void check(bool ok, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf(ok ? "ok   " : "FAIL ");
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  if (ok)
    g_passes++;
  else
    g_failures++;
}

/* A message buffer is "said" when it holds a non-empty, terminated, printable text. */
static bool said(const char *msg) {
  if (!memchr(msg, '\0', AB_MSG_LEN) || !msg[0])
    return false;
  for (const char *p = msg; *p; p++)
    if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n')
      return false;
  return true;
}

static bool slot_present(const ab_backend *t, size_t offset, size_t size) {
  return t->struct_size >= offset + size;
}
#define HAS_SLOT(t, field) slot_present((t), offsetof(ab_backend, field), sizeof((t)->field))

/* ---- identity and table ------------------------------------------------------------ */

static bool name_ok(const char *s, size_t max) {
  if (!s || !s[0] || strlen(s) > max)
    return false;
  for (; *s; s++)
    if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
      return false;
  return true;
}

static bool list_ok(const char *const *list, bool need_one, const char *what, const char *name) {
  if (!list)
    return !need_one;
  size_t n = 0;
  for (; list[n]; n++) {
    if (!list[n][0]) {
      check(false, "%s[%zu] of %s is empty", what, n, name);
      return false;
    }
    for (size_t j = 0; j < n; j++)
      if (strcmp(list[j], list[n]) == 0) {
        check(false, "%s of %s names '%s' twice", what, name, list[n]);
        return false;
      }
  }
  return n > 0 || !need_one;
}

static const char *missing_mandatory(const ab_backend *t) {
  const struct {
    bool set;
    const char *name;
  } slots[] = {{t->probe != NULL, "probe"},
               {t->device_count != NULL, "device_count"},
               {t->device_info != NULL, "device_info"},
               {t->open != NULL, "open"},
               {t->close != NULL, "close"},
               {t->buffer_alloc != NULL, "buffer_alloc"},
               {t->buffer_free != NULL, "buffer_free"},
               {t->copy_to_device != NULL, "copy_to_device"},
               {t->copy_to_host != NULL, "copy_to_host"},
               {t->case_prepare != NULL, "case_prepare"},
               {t->case_run != NULL, "case_run"}};
  for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
    if (!slots[i].set)
      return slots[i].name;
  return NULL;
}

static bool check_table(const ab_backend *t, const char *module) {
  check(t->abi_major == AB_BACKEND_ABI_MAJOR, "abi_major %u is the harness's %d", t->abi_major,
        AB_BACKEND_ABI_MAJOR);
  check(t->abi_minor <= AB_BACKEND_ABI_MINOR, "abi_minor %u is at most the harness's %d",
        t->abi_minor, AB_BACKEND_ABI_MINOR);
  check(t->struct_size >= offsetof(ab_backend, case_query) &&
            (t->abi_minor != AB_BACKEND_ABI_MINOR || t->struct_size == sizeof(ab_backend)),
        "struct_size %u fits abi %u.%u", t->struct_size, t->abi_major, t->abi_minor);
  check(name_ok(t->name, 31), "name '%s' is short, lower case [a-z0-9_]",
        t->name ? t->name : "(null)");
  char want[300];
  snprintf(want, sizeof want, "accelbench-backend-%s.so", t->name ? t->name : "");
  const char *base = strrchr(module, '/');
  base = base ? base + 1 : module;
  check(strcmp(base, want) == 0, "module file %s is named after the backend (%s)", base, want);
  check(t->description && t->description[0], "description is given");
  check(list_ok(t->providers, true, "providers", t->name ? t->name : "?"),
        "providers: a NULL-terminated list of distinct names, at least one");
  if (HAS_SLOT(t, option_keys))
    check(list_ok(t->option_keys, false, "option_keys", t->name ? t->name : "?"),
          "option_keys: NULL or a NULL-terminated list of distinct keys");
  const char *slot = missing_mandatory(t);
  check(!slot, "every mandatory slot is set%s%s", slot ? ": missing " : "", slot ? slot : "");
  return t->abi_major == AB_BACKEND_ABI_MAJOR && !slot;
}

/* ---- discovery --------------------------------------------------------------------- */

static bool fact_key_ok(const char *k, size_t len) {
  if (!memchr(k, '\0', len) || !k[0])
    return false;
  for (; *k; k++)
    if (!(islower((unsigned char)*k) || isdigit((unsigned char)*k) || *k == '_'))
      return false;
  return true;
}

static void check_info(const ab_backend *t, uint32_t i, const ab_device_info *info,
                       char uids[][64]) {
  check(memchr(info->name, '\0', sizeof info->name) && info->name[0], "device %u: name '%s'", i,
        info->name);
  check(memchr(info->vendor, '\0', sizeof info->vendor) &&
            memchr(info->driver_version, '\0', sizeof info->driver_version) &&
            memchr(info->runtime_version, '\0', sizeof info->runtime_version),
        "device %u: vendor and versions are terminated strings", i);
  check(memchr(info->uid, '\0', sizeof info->uid) && info->uid[0], "device %u: uid '%s'", i,
        info->uid);
  for (uint32_t j = 0; j < i; j++)
    if (strcmp(uids[j], info->uid) == 0)
      check(false, "device %u: uid '%s' is also device %u's", i, info->uid, j);
  snprintf(uids[i], 64, "%s", info->uid);
  check(info->type >= AB_DEVICE_OTHER && info->type <= AB_DEVICE_NPU, "device %u: type %d", i,
        (int)info->type);
  check(info->n_attrs <= AB_MAX_ATTRS, "device %u: %u facts, at most %d", i, info->n_attrs,
        AB_MAX_ATTRS);
  uint32_t n = info->n_attrs <= AB_MAX_ATTRS ? info->n_attrs : AB_MAX_ATTRS;
  bool keys = true;
  for (uint32_t a = 0; a < n; a++) {
    const ab_attr *at = &info->attrs[a];
    if (!fact_key_ok(at->key, sizeof at->key) || !memchr(at->value, '\0', sizeof at->value)) {
      check(false, "device %u: fact %u key '%.31s' is not [a-z0-9_]+ or its value unterminated", i,
            a, at->key);
      keys = false;
    }
    for (uint32_t b = 0; b < a; b++)
      if (strcmp(info->attrs[b].key, at->key) == 0) {
        check(false, "device %u: fact '%s' given twice", i, at->key);
        keys = false;
      }
  }
  if (keys)
    check(true, "device %u: %u facts, keys well formed and distinct", i, n);
  (void)t;
}

/* 0: go on; 77: disabled here and the caller allows a skip; 1: cannot go on. */
static int check_discovery(const ab_backend *t, bool skip_if_disabled, uint32_t *count) {
  char msg[AB_MSG_LEN] = "";
  ab_status st = t->probe(msg);
  if (st != AB_OK) {
    printf("%s %s: probe: %s (%s)\n", skip_if_disabled ? "skip" : "FAIL", t->name, msg,
           ab_status_text(st));
    check(said(msg), "a failing probe says why");
    return skip_if_disabled ? 77 : 1;
  }
  check(t->probe(msg) == AB_OK, "probe may be called twice");
  st = t->device_count(count, msg);
  check(st == AB_OK, "device_count: %s %s", ab_status_text(st), st == AB_OK ? "" : msg);
  if (st != AB_OK)
    return 1;
  if (*count == 0) {
    printf("%s %s: no device on this machine\n", skip_if_disabled ? "skip" : "FAIL", t->name);
    return skip_if_disabled ? 77 : 1;
  }
  char(*uids)[64] = calloc(*count, 64);
  for (uint32_t i = 0; i < *count && uids; i++) {
    ab_device_info info = {.struct_size = sizeof info};
    st = t->device_info(i, &info, msg);
    check(st == AB_OK, "device_info(%u): %s %s", i, ab_status_text(st), st == AB_OK ? "" : msg);
    if (st == AB_OK)
      check_info(t, i, &info, uids);
  }
  free(uids);
  /* Past the last device the ABI promises nothing (the harness never asks), but an error
   * the backend does give must carry its message. */
  ab_device_info info = {.struct_size = sizeof info};
  msg[0] = '\0';
  st = t->device_info(*count, &info, msg);
  if (st == AB_OK)
    printf("note device_info(%u), past the last device, returned ok\n", *count);
  else
    check(said(msg), "device_info(%u), past the last device, fails with a message: %s", *count,
          msg);
  return 0;
}

/* ---- device memory ----------------------------------------------------------------- */

static void fill_pattern(unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++)
    p[i] = (unsigned char)(i * 131u + seed);
}

/* Upload a pattern to `bytes` of a new buffer and read it back, whole and in part. */
static void check_round_trip(const ab_backend *t, void *state, size_t bytes) {
  char msg[AB_MSG_LEN] = "";
  ab_buffer *buf = NULL;
  unsigned char *src = malloc(bytes), *dst = malloc(bytes);
  ab_status st = src && dst ? t->buffer_alloc(state, bytes, &buf, msg) : AB_E_NOMEM;
  check(st == AB_OK && buf, "buffer_alloc(%zu): %s %s", bytes, ab_status_text(st),
        st == AB_OK ? "" : msg);
  if (st == AB_OK && buf) {
    fill_pattern(src, bytes, 7);
    memset(dst, 0, bytes);
    st = t->copy_to_device(state, buf, 0, src, bytes, msg);
    if (st == AB_OK)
      st = t->copy_to_host(state, dst, buf, 0, bytes, msg);
    check(st == AB_OK && memcmp(src, dst, bytes) == 0, "%zu bytes round-trip: %s %s", bytes,
          ab_status_text(st), st == AB_OK ? "" : msg);
    size_t off = bytes / 3, part = bytes - off - bytes / 5;
    if (part > 0) {
      fill_pattern(src, part, 99);
      st = t->copy_to_device(state, buf, off, src, part, msg);
      if (st == AB_OK)
        st = t->copy_to_host(state, dst, buf, off, part, msg);
      check(st == AB_OK && memcmp(src, dst, part) == 0, "%zu bytes at offset %zu round-trip: %s %s",
            part, off, ab_status_text(st), st == AB_OK ? "" : msg);
    }
  }
  t->buffer_free(state, buf);
  free(src);
  free(dst);
}

static void check_buffer_copy(const ab_backend *t, void *state) {
  if (!HAS_SLOT(t, buffer_copy) || !t->buffer_copy) {
    check(true, "buffer_copy is NULL (the harness copies through the host)");
    return;
  }
  enum { N = 8192 };
  char msg[AB_MSG_LEN] = "";
  ab_buffer *a = NULL, *b = NULL;
  unsigned char src[N], got[N];
  fill_pattern(src, N, 3);
  ab_status st = t->buffer_alloc(state, N, &a, msg);
  if (st == AB_OK)
    st = t->buffer_alloc(state, N, &b, msg);
  if (st == AB_OK)
    st = t->copy_to_device(state, a, 0, src, N, msg);
  if (st == AB_OK)
    st = t->buffer_copy(state, b, 100, a, 1000, 4000, msg);
  if (st == AB_OK)
    st = t->copy_to_host(state, got, b, 100, 4000, msg);
  check(st == AB_OK && memcmp(got, src + 1000, 4000) == 0,
        "buffer_copy between two buffers at offsets: %s %s", ab_status_text(st),
        st == AB_OK ? "" : msg);
  if (st == AB_OK) /* within one buffer, ranges apart */
    st = t->buffer_copy(state, a, 6000, a, 0, 2000, msg);
  if (st == AB_OK)
    st = t->copy_to_host(state, got, a, 6000, 2000, msg);
  check(st == AB_OK && memcmp(got, src, 2000) == 0, "buffer_copy within one buffer: %s %s",
        ab_status_text(st), st == AB_OK ? "" : msg);
  t->buffer_free(state, a);
  t->buffer_free(state, b);
}

static void check_memory(const ab_backend *t, void *state) {
  const size_t sizes[] = {1, 4096 + 13, (size_t)1 << 20};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    check_round_trip(t, state, sizes[i]);
  t->buffer_free(state, NULL);
  check(true, "buffer_free(NULL) is a no-op");
  char msg[AB_MSG_LEN] = "";
  ab_buffer *huge = NULL;
  ab_status st = t->buffer_alloc(state, SIZE_MAX / 4, &huge, msg);
  check(st != AB_OK && said(msg), "buffer_alloc(SIZE_MAX/4) fails with a message: %s %s",
        ab_status_text(st), st == AB_OK ? "(returned ok)" : msg);
  if (st == AB_OK)
    t->buffer_free(state, huge);
  check_buffer_copy(t, state);
}

static void check_processes(const ab_backend *t, void *state) {
  if (!HAS_SLOT(t, device_processes) || !t->device_processes) {
    check(true, "device_processes is NULL (the backend cannot tell)");
    return;
  }
  ab_device_process procs[16];
  uint32_t n = UINT32_MAX;
  char msg[AB_MSG_LEN] = "";
  ab_status st = t->device_processes(state, procs, 16, &n, msg);
  check((st == AB_OK && n != UINT32_MAX) || (st != AB_OK && said(msg)),
        "device_processes: %s (%u found) %s", ab_status_text(st), n, st == AB_OK ? "" : msg);
}

/* ---- cases ------------------------------------------------------------------------- */

typedef struct case_ops {
  ab_buffer *buf[AB_MAX_OPERANDS];
  size_t n;
} case_ops;

static void free_ops(const ab_backend *t, void *state, case_ops *ops) {
  for (size_t i = 0; i < ops->n; i++)
    t->buffer_free(state, ops->buf[i]);
  ops->n = 0;
}

static ab_status upload_operand(const ab_backend *t, void *state, const ab_kind_def *def,
                                const ab_kernel_desc *d, size_t i, ab_buffer *buf, char *msg) {
  ab_operand_def od;
  def->operand(d, i, &od);
  unsigned char *host = malloc(od.bytes ? od.bytes : 1);
  if (!host) {
    snprintf(msg, AB_MSG_LEN, "conformance: out of host memory for operand %zu", i);
    return AB_E_NOMEM;
  }
  memset(host, od.role == AB_OPERAND_OUTPUT ? 0xff : 0, od.bytes);
  ab_kind_fill_input(d, i, &od, host, 42 + i);
  ab_status st = t->copy_to_device(state, buf, 0, host, od.bytes, msg);
  free(host);
  return st;
}

static ab_status alloc_ops(const ab_backend *t, void *state, const ab_kernel_desc *d, case_ops *ops,
                           char *msg) {
  const ab_kind_def *def = ab_kind_def_of(d->kind);
  ops->n = 0;
  size_t n = def->operand_count(d);
  for (size_t i = 0; i < n && i < AB_MAX_OPERANDS; i++) {
    ab_operand_def od;
    def->operand(d, i, &od);
    ab_status st = t->buffer_alloc(state, od.bytes ? od.bytes : 1, &ops->buf[i], msg);
    if (st != AB_OK)
      return st;
    ops->n = i + 1;
    if ((st = upload_operand(t, state, def, d, i, ops->buf[i], msg)) != AB_OK)
      return st;
  }
  return AB_OK;
}

/* A refusal is AB_E_UNSUPPORTED with a reason; nothing else may come back from a case the
 * backend cannot run. */
static bool answered(ab_status st, const char *msg) {
  return st == AB_OK || (st == AB_E_UNSUPPORTED && said(msg));
}

static void run_prepared(const ab_backend *t, void *state, void *cs, const char *what) {
  char msg[AB_MSG_LEN] = "";
  for (uint32_t iters = 1; iters <= 3; iters += 2) {
    ab_timing tm = {.struct_size = sizeof tm, .device_seconds = NAN};
    ab_status st = t->case_run(state, cs, iters, &tm, msg);
    check(st == AB_OK && !isnan(tm.device_seconds) && !isinf(tm.device_seconds),
          "%s: case_run(%u) %s, device_seconds %g %s", what, iters, ab_status_text(st),
          tm.device_seconds, st == AB_OK ? "" : msg);
  }
}

/* Two prepared states of one case live at once (the harness's cold-cache copies and composed
 * layers hold several), released in the opposite order from their preparation, and each
 * keeps running after the other is gone. A backend that cannot hold two may refuse the
 * second with its reason (a note, not a failure): the ABI does not promise it for every kind. */
static void check_pairing(const ab_backend *t, void *state, const ab_kernel_desc *d,
                          const char *provider, case_ops *ops, const char *what) {
  char msg[AB_MSG_LEN] = "";
  void *cs2 = NULL;
  ab_case_info info = {.struct_size = sizeof info};
  ab_status st = t->case_prepare(state, d, provider, ops->buf, ops->n, &cs2, &info, msg);
  if (st != AB_OK) {
    check(said(msg), "%s: a second live case_prepare refused with a reason: %s", what, msg);
    printf("note %s: a second live case_prepare refused: %s: %s\n", what, ab_status_text(st), msg);
    return;
  }
  run_prepared(t, state, cs2, what);
  if (t->case_release)
    t->case_release(state, cs2);
}

static void check_case(const ab_backend *t, void *state, const ab_case_spec *spec,
                       const char *provider) {
  const ab_kernel_desc *d = &spec->desc;
  char what[256], shape[128] = "";
  ab_kernel_shape_str(d, shape, sizeof shape);
  snprintf(what, sizeof what, "%s %s %s [%s]", ab_kernel_kind_name(d->kind),
           ab_dtype_name(d->dtype), shape, provider);
  char msg[AB_MSG_LEN] = "";
  if (HAS_SLOT(t, case_query) && t->case_query) {
    ab_status q = t->case_query(state, d, provider, msg);
    check(answered(q, msg), "%s: case_query %s%s%s", what, ab_status_text(q), q ? ": " : "",
          q ? msg : "");
    if (q != AB_OK)
      return;
  }
  case_ops ops = {0};
  ab_status st = alloc_ops(t, state, d, &ops, msg);
  check(st == AB_OK, "%s: operands allocated and uploaded %s", what, st == AB_OK ? "" : msg);
  if (st != AB_OK) {
    free_ops(t, state, &ops);
    return;
  }
  void *cs = NULL;
  ab_case_info info = {.struct_size = sizeof info};
  msg[0] = '\0';
  st = t->case_prepare(state, d, provider, ops.buf, ops.n, &cs, &info, msg);
  check(answered(st, msg), "%s: case_prepare %s%s%s", what, ab_status_text(st), st ? ": " : "",
        st ? msg : "");
  if (st == AB_OK) {
    check(memchr(info.implementation, '\0', sizeof info.implementation) && info.implementation[0],
          "%s: case_info.implementation says what runs: '%s'", what, info.implementation);
    run_prepared(t, state, cs, what);
    check_pairing(t, state, d, provider, &ops, what);
    run_prepared(t, state, cs, what);
    if (t->case_release)
      t->case_release(state, cs);
  }
  free_ops(t, state, &ops);
}

static void check_bad_case(const ab_backend *t, void *state) {
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.kind = (ab_kernel_kind)9999;
  d.dtype = d.out_dtype = AB_DTYPE_F32;
  char msg[AB_MSG_LEN] = "";
  void *cs = NULL;
  ab_case_info info = {.struct_size = sizeof info};
  ab_status st = t->case_prepare(state, &d, t->providers[0], NULL, 0, &cs, &info, msg);
  check((st == AB_E_UNSUPPORTED || st == AB_E_INVALID) && said(msg),
        "case_prepare of an unknown kind is refused with a message: %s %s", ab_status_text(st),
        msg);
  if (HAS_SLOT(t, case_query) && t->case_query) {
    msg[0] = '\0';
    st = t->case_query(state, &d, t->providers[0], msg);
    check((st == AB_E_UNSUPPORTED || st == AB_E_INVALID) && said(msg),
          "case_query of an unknown kind is refused with a message: %s %s", ab_status_text(st),
          msg);
  }
}

/* Every kind of the reference suite must have a case in the conformance suite. */
static void check_coverage(const ab_suite *cases, const ab_suite *quick) {
  for (size_t i = 0; i < quick->n_cases; i++) {
    ab_kernel_kind k = quick->cases[i].desc.kind;
    bool covered = false;
    for (size_t j = 0; j < cases->n_cases && !covered; j++)
      covered = cases->cases[j].desc.kind == k;
    bool first = true;
    for (size_t j = 0; j < i && first; j++)
      first = quick->cases[j].desc.kind != k;
    if (first)
      check(covered, "kind %s of %s has a conformance case", ab_kernel_kind_name(k), quick->path);
  }
}

static void check_cases(const ab_backend *t, void *state, const ab_suite *suite) {
  for (size_t i = 0; i < suite->n_cases; i++) {
    const ab_kind_def *def = ab_kind_def_of(suite->cases[i].desc.kind);
    if (def->compose) /* composed by the harness from other kinds: conformance.sh runs it */
      continue;
    for (size_t p = 0; t->providers[p]; p++) {
      check_case(t, state, &suite->cases[i], t->providers[p]);
      if (def->once_per_device)
        break;
    }
  }
  check_bad_case(t, state);
}

/* ---- device lifetime --------------------------------------------------------------- */

static void *open_device(const ab_backend *t, uint32_t index, char *msg, ab_status *st) {
  void *state = calloc(1, t->device_state_size ? t->device_state_size : 1);
  *st = state ? t->open(index, state, NULL, 0, msg) : AB_E_NOMEM;
  if (*st != AB_OK) {
    free(state);
    return NULL;
  }
  return state;
}

static void check_device(const ab_backend *t, uint32_t count, const ab_suite *suite) {
  char msg[AB_MSG_LEN] = "";
  ab_status st;
  void *bad = open_device(t, count, msg, &st);
  if (bad) {
    printf("note open(%u), past the last device, returned ok\n", count);
    t->close(bad);
    free(bad);
  } else {
    check(said(msg), "open(%u), past the last device, fails with a message: %s", count, msg);
  }
  void *state = open_device(t, 0, msg, &st);
  check(state != NULL, "open(0): %s %s", ab_status_text(st), state ? "" : msg);
  if (!state)
    return;
  check_memory(t, state);
  check_processes(t, state);
  check_cases(t, state, suite);
  t->close(state);
  free(state);
  state = open_device(t, 0, msg, &st); /* a device opens again after close */
  check(state != NULL, "open(0) again after close: %s %s", ab_status_text(st), state ? "" : msg);
  if (state) {
    t->close(state);
    free(state);
  }
}

/* ---- main -------------------------------------------------------------------------- */

static const ab_backend *load_table(const char *path, void **handle) {
  *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  check(*handle != NULL, "dlopen %s %s", path, *handle ? "" : dlerror());
  if (!*handle)
    return NULL;
  void *sym = dlsym(*handle, AB_BACKEND_ENTRY_SYMBOL);
  ab_backend_entry_fn entry = NULL;
  memcpy(&entry, &sym, sizeof entry); /* POSIX: a data pointer from dlsym holds the function */
  check(entry != NULL, "exports %s", AB_BACKEND_ENTRY_SYMBOL);
  if (!entry)
    return NULL;
  const ab_backend *t = entry(AB_BACKEND_ABI_MAJOR);
  check(t != NULL, "entry(%d) returns a table", AB_BACKEND_ABI_MAJOR);
  return t;
}

static bool load_suite(const char *path, ab_suite *s) {
  char msg[AB_MSG_LEN];
  ab_status st = ab_suite_load(path, s, msg);
  check(st == AB_OK, "suite %s loads %s", path, st == AB_OK ? "" : msg);
  return st == AB_OK;
}

int main(int argc, char **argv) {
  bool skip = argc > 1 && strcmp(argv[1], "--skip-if-disabled") == 0;
  if (argc != 4 + skip) {
    fprintf(stderr, "usage: ab_conformance [--skip-if-disabled] MODULE.so CASES.yaml QUICK.yaml\n");
    return 2;
  }
  const char *module = argv[1 + skip];
  ab_suite cases = {0}, quick = {0};
  if (!load_suite(argv[2 + skip], &cases) || !load_suite(argv[3 + skip], &quick))
    return 1;
  check_coverage(&cases, &quick);
  void *handle = NULL;
  const ab_backend *t = load_table(module, &handle);
  int rc = t && check_table(t, module) ? 0 : 1;
  uint32_t count = 0;
  if (rc == 0)
    rc = check_discovery(t, skip, &count);
  if (rc == 0)
    check_device(t, count, &cases);
  ab_suite_free(&cases);
  ab_suite_free(&quick);
  if (handle)
    dlclose(handle);
  printf("%d passed, %d failed\n", g_passes, g_failures);
  if (rc == 77 && g_failures == 0)
    return 77;
  return g_failures || rc ? 1 : 0;
}
