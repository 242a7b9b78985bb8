/* The CPU backend's kernel kinds other than GEMM: one ab_cpu_kind_impl per (kind,
 * provider), each in its own file; this table is the one place they are listed. */
#include <stdio.h>

#include "cpu_backend.h"

/* Append new implementations here (and their source to CMakeLists.txt). */
static const ab_cpu_kind_impl *const impls[] = {
    &ab_cpu_stream_openblas,
    &ab_cpu_stream_native,
    &ab_cpu_membw_openblas,
    &ab_cpu_membw_native,
    NULL,
};

const ab_cpu_kind_impl *ab_cpu_kind_find(ab_kernel_kind kind, int prov) {
  for (size_t i = 0; impls[i]; i++)
    if (impls[i]->kind == kind && impls[i]->provider == prov)
      return impls[i];
  return NULL;
}

void ab_cpu_kind_unsupported(ab_kernel_kind kind, const char *provider, char *msg) {
  static const char *const prov_names[] = {"openblas", "onednn", "native"};
  const char *name = ab_kernel_kind_str(kind);
  char others[64] = "";
  size_t used = 0;
  for (size_t i = 0; impls[i] && used < sizeof others; i++)
    if (impls[i]->kind == kind) {
      int n = snprintf(others + used, sizeof others - used, "%s%s", used ? ", " : "",
                       prov_names[impls[i]->provider]);
      used += n > 0 ? (size_t)n : 0;
    }
  if (others[0])
    snprintf(msg, AB_MSG_LEN, "cpu: %s is not offered by provider %s (it is by: %s)", name,
             provider ? provider : "(default)", others);
  else
    snprintf(msg, AB_MSG_LEN, "cpu: %s is not implemented by the cpu backend", name);
}
