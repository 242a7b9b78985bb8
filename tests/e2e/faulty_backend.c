/* A test-only backend (never installed): the CPU backend, loaded from $AB_FAULTY_INNER, with
 * every slot passed through, except that each call of a case of the kind named by
 * $AB_FAULTY_KIND (a kind name: "rotary", "attention", ...) adds 1.0 to the first f32
 * element of the case's last operand (its output, in every kind the decoder layer uses), and
 * that the kind named by $AB_FAULTY_REFUSE is refused as unsupported. So a decoder layer
 * whose one step returns wrong values, or whose one step the backend lacks, can be shown to
 * end `wrong_result` or `unsupported` naming that step (tests/e2e/decoder_e2e.sh). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accelbench/backend.h"

static const ab_backend *inner;
static ab_backend table;

typedef struct faulty_case {
  void *inner;
  ab_buffer *out;
  int fault;
} faulty_case;

static int named(const char *env, const ab_kernel_desc *d) {
  const char *k = getenv(env);
  return k && strcmp(k, ab_kernel_kind_str(d->kind)) == 0;
}

static ab_status refuse(const ab_kernel_desc *d, char *msg) {
  snprintf(msg, AB_MSG_LEN, "faulty: %s refused by AB_FAULTY_REFUSE", ab_kernel_kind_str(d->kind));
  return AB_E_UNSUPPORTED;
}

static ab_status f_query(void *state, const ab_kernel_desc *d, const char *prov, char *msg) {
  if (named("AB_FAULTY_REFUSE", d))
    return refuse(d, msg);
  return inner->case_query ? inner->case_query(state, d, prov, msg) : AB_OK;
}

static ab_status f_prepare(void *state, const ab_kernel_desc *d, const char *prov,
                           ab_buffer *const *ops, size_t n, void **cs, ab_case_info *info,
                           char *msg) {
  if (named("AB_FAULTY_REFUSE", d))
    return refuse(d, msg);
  faulty_case *c = calloc(1, sizeof *c);
  if (!c)
    return AB_E_NOMEM;
  ab_status st = inner->case_prepare(state, d, prov, ops, n, &c->inner, info, msg);
  if (st != AB_OK) {
    free(c);
    return st;
  }
  c->out = n ? ops[n - 1] : NULL;
  c->fault = named("AB_FAULTY_KIND", d) && d->out_dtype == AB_DTYPE_F32;
  *cs = c;
  return AB_OK;
}

static ab_status f_run(void *state, void *cs, uint32_t iters, ab_timing *tm, char *msg) {
  faulty_case *c = cs;
  ab_status st = inner->case_run(state, c->inner, iters, tm, msg);
  float v;
  if (st != AB_OK || !c->fault)
    return st;
  st = inner->copy_to_host(state, &v, c->out, 0, sizeof v, msg);
  v += 1.0f;
  return st == AB_OK ? inner->copy_to_device(state, c->out, 0, &v, sizeof v, msg) : st;
}

static void f_release(void *state, void *cs) {
  faulty_case *c = cs;
  if (c && inner->case_release)
    inner->case_release(state, c->inner);
  free(c);
}

static ab_status f_probe(char *msg) {
  if (!inner) {
    snprintf(msg, AB_MSG_LEN, "faulty: AB_FAULTY_INNER does not name a loadable backend");
    return AB_E_UNSUPPORTED;
  }
  return inner->probe(msg);
}

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t major);

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t major) {
  const char *path = getenv("AB_FAULTY_INNER");
  void *h = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
  void *sym = h ? dlsym(h, AB_BACKEND_ENTRY_SYMBOL) : NULL;
  ab_backend_entry_fn entry = NULL;
  memcpy(&entry, &sym, sizeof entry); /* POSIX: dlsym's object pointer is the function */
  inner = entry ? entry(major) : NULL;
  if (inner)
    table = *inner; /* every slot the CPU's, the state block the CPU's size */
  table.abi_major = AB_BACKEND_ABI_MAJOR;
  table.abi_minor = AB_BACKEND_ABI_MINOR;
  table.struct_size = sizeof table;
  table.name = "faulty";
  table.description = "test only: the cpu backend with one kind's output made wrong";
  table.probe = f_probe;
  if (inner) {
    table.case_query = f_query;
    table.case_prepare = f_prepare;
    table.case_run = f_run;
    table.case_release = f_release;
  }
  return &table;
}
