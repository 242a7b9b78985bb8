/* The CPU backend's kernel kinds other than GEMM: one ab_cpu_kind_impl per (kind,
 * provider), each in its own file; this table is the one place they are listed. */
#include <stdio.h>
#include <string.h>

#include "cpu_backend.h"

/* Append new implementations here (and their source to CMakeLists.txt). */
static const ab_cpu_kind_impl *const impls[] = {
    &ab_cpu_conv2d_native,
#ifdef AB_HAVE_ONEDNN
    &ab_cpu_conv2d_onednn,
#endif
    &ab_cpu_attention_native,
    &ab_cpu_norm_native,
    &ab_cpu_softmax_native,
    &ab_cpu_activation_native,
    &ab_cpu_elementwise_native,
    &ab_cpu_rotary_native,
#ifdef AB_HAVE_ONEDNN
    &ab_cpu_norm_onednn,
    &ab_cpu_softmax_onednn,
    &ab_cpu_activation_onednn,
    &ab_cpu_elementwise_onednn,
#endif
    &ab_cpu_stream_native,
    &ab_cpu_membw_native,
#ifdef AB_HAVE_OPENBLAS
    &ab_cpu_stream_openblas,
    &ab_cpu_membw_openblas,
#endif
    NULL,
};

/* Why a provider lacks a kind its library might be expected to have: the reason goes into
 * the row instead of a bare "not offered". */
static const struct {
  ab_kernel_kind kind;
  int provider;
  const char *why;
} not_offered[] = {
    {AB_KERNEL_ATTENTION, AB_CPU_PROV_ONEDNN,
     "oneDNN 2.6 has no fused attention primitive (its graph API fuses it from 3.x)"},
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
  for (size_t i = 0; i < sizeof not_offered / sizeof not_offered[0]; i++)
    if (not_offered[i].kind == kind && provider &&
        strcmp(provider, prov_names[not_offered[i].provider]) == 0) {
      snprintf(msg, AB_MSG_LEN, "cpu: %s is not offered by provider %s: %s (it is by: %s)", name,
               provider, not_offered[i].why, others[0] ? others : "none");
      return;
    }
  if (others[0])
    snprintf(msg, AB_MSG_LEN, "cpu: %s is not offered by provider %s (it is by: %s)", name,
             provider ? provider : "(default)", others);
  else
    snprintf(msg, AB_MSG_LEN, "cpu: %s is not implemented by the cpu backend", name);
}
