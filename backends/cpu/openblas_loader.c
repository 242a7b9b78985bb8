/* accelbench CPU backend — choose OpenBLAS's kernel set, then load it. See openblas_loader.h. */
#include "openblas_loader.h"

#include "ab_vendor.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AB_OPENBLAS_SONAME "libopenblas.so.0"

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_loaded;
static ab_openblas g_blas;

/* OpenBLAS 0.3.21 (driver/others/dynamic.c) has kernel sets "SkylakeX" (AVX-512 F, CD, BW,
 * DQ, VL) and "Cooperlake" (the SkylakeX kernels plus AVX512-BF16 sbgemm kernels). Measured
 * on the project's Zen-5 VM, SGEMM 2048^3 with 2 threads: default (Haswell) ~190-200
 * GFLOP/s, SkylakeX ~352-378, Cooperlake ~355-380 — the same f32/f64 kernels; Cooperlake
 * is preferred where the CPU has AVX512-BF16 because it also enables the native bf16
 * kernels in builds that have cblas_sbgemm. __builtin_cpu_supports checks that the OS
 * saves the AVX-512 state (XCR0), so a forced core never faults on a CPU or VM without
 * it. Anything less than AVX-512 is left to OpenBLAS, which detects AVX2 CPUs itself. */
const char *ab_openblas_pick_core(char *why, size_t n) {
#if !defined(__x86_64__) && !defined(__i386__)
  /* The kernel sets above are x86 ones; elsewhere (aarch64) OpenBLAS's own detection is used. */
  snprintf(why, n, "not an x86 cpu: OpenBLAS detects the core itself");
  return NULL;
#else
  __builtin_cpu_init();
  int skx = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("avx512vl");
  if (skx && __builtin_cpu_supports("avx512bf16")) {
    snprintf(why, n, "cpu has avx512f,cd,bw,dq,vl,bf16");
    return "Cooperlake";
  }
  if (skx) {
    snprintf(why, n, "cpu has avx512f,cd,bw,dq,vl");
    return "SkylakeX";
  }
  snprintf(why, n, "cpu has no AVX-512 (f,cd,bw,dq,vl)");
  return NULL;
#endif
}

/* Decide OPENBLAS_CORETYPE before the library initialises. Returns the value accelbench set
 * (to be undone after loading) or NULL if it set nothing; `inherited` gets the value the
 * environment had, to be put back.
 *
 * Policy (a CPU must never be under-reported): ACCELBENCH_OPENBLAS_CORETYPE, when set, is
 * the user's deliberate choice for accelbench and is used as given. An inherited
 * OPENBLAS_CORETYPE that differs from the best kernel set this CPU supports is overridden,
 * loudly (site profiles export such values: these VMs export Haswell on AVX-512 CPUs,
 * which halves SGEMM), and the record says how to keep it. */
static const char *set_coretype(char *source, size_t n, char *inherited, size_t inherited_len) {
  const char *forced = getenv("ACCELBENCH_OPENBLAS_CORETYPE");
  const char *env = getenv("OPENBLAS_CORETYPE");
  char why[96];
  const char *core = ab_openblas_pick_core(why, sizeof why);
  inherited[0] = '\0';
  if (env)
    snprintf(inherited, inherited_len, "%s", env);
  if (forced && *forced) {
    snprintf(source, n,
             "ACCELBENCH_OPENBLAS_CORETYPE=%.40s (user's choice; accelbench would "
             "choose %.16s: %.40s)",
             forced, core ? core : "OpenBLAS default", why);
    core = forced;
  } else if (!core) {
    snprintf(source, n, "%s (%s)", env && *env ? "env OPENBLAS_CORETYPE" : "OpenBLAS default", why);
    return NULL;
  } else if (env && *env && strcmp(env, core) != 0) {
    snprintf(source, n,
             "selected by accelbench: %.40s; OVERRODE inherited OPENBLAS_CORETYPE=%.24s (set "
             "ACCELBENCH_OPENBLAS_CORETYPE=%.24s to keep it)",
             why, env, env);
  } else {
    snprintf(source, n, "selected by accelbench: %s", why);
  }
  if (setenv("OPENBLAS_CORETYPE", core, 1) != 0) {
    snprintf(source, n, "OpenBLAS default (setenv OPENBLAS_CORETYPE=%s failed)", core);
    return NULL;
  }
  return core;
}

/* The symbols accelbench needs, resolved by the shared adapter layer (ab_vendor.h). */
static const ab_vsym blas_syms[] = {
    AB_VSYM(ab_openblas, sgemm, "cblas_sgemm"),
    AB_VSYM(ab_openblas, dgemm, "cblas_dgemm"),
    AB_VSYM_OPT(ab_openblas, sbgemm, "cblas_sbgemm"),
    AB_VSYM(ab_openblas, get_corename, "openblas_get_corename"),
    AB_VSYM(ab_openblas, get_config, "openblas_get_config"),
    AB_VSYM(ab_openblas, set_num_threads, "openblas_set_num_threads"),
    AB_VSYM(ab_openblas, get_num_threads, "openblas_get_num_threads"),
};
static const char *const blas_sonames[] = {AB_OPENBLAS_SONAME, NULL};
static const ab_vlib_spec blas_spec = {
    .what = "OpenBLAS",
    .hint = "install libopenblas0-pthread",
    .env = NULL, /* the core-type choice below assumes Debian's DYNAMIC_ARCH build */
    .sonames = blas_sonames,
    .syms = blas_syms,
    .n_syms = sizeof blas_syms / sizeof blas_syms[0],
};

/* "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ..." -> "0.3.21" */
static void parse_version(const char *config, char *out, size_t n) {
  const char *p = config ? strchr(config, ' ') : NULL;
  size_t len = p ? strcspn(p + 1, " ") : 0;
  if (len == 0 || len >= n) {
    snprintf(out, n, "unknown");
    return;
  }
  memcpy(out, p + 1, len);
  out[len] = '\0';
}

/* Note what actually happened once the library is up: the core it reports may differ
 * from the one requested when the library does not know the name. */
static void note_outcome(ab_openblas *b, const char *requested, int preloaded) {
  const char *core = b->get_corename();
  char prev[sizeof b->coretype_source];
  memcpy(prev, b->coretype_source, sizeof prev);
  if (preloaded) {
    snprintf(b->coretype_source, sizeof b->coretype_source,
             "NOT CHOSEN: %s was already loaded by the process before accelbench could set "
             "OPENBLAS_CORETYPE; it runs %s",
             AB_OPENBLAS_SONAME, core);
  } else if (requested && strcmp(requested, core) != 0) {
    snprintf(b->coretype_source, sizeof b->coretype_source,
             "%.80s; requested %.20s but OpenBLAS chose %.20s", prev, requested, core);
  }
}

static ab_status load_locked(char *msg) {
  /* Already in the process (linked by the executable or another module)? Then it has
   * initialised and picked its core already; say so instead of pretending we chose. */
  void *h = dlopen(AB_OPENBLAS_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  int preloaded = h != NULL;
  const char *requested = NULL;
  ab_vlib lib;
  ab_status st;
  if (!h) {
    char inherited[64];
    requested = set_coretype(g_blas.coretype_source, sizeof g_blas.coretype_source, inherited,
                             sizeof inherited);
    st = ab_vlib_open(&blas_spec, &lib, &g_blas, msg);
    /* OpenBLAS has read the variable during its initialisation; put the environment back
     * as it was so child processes see what the user exported, not accelbench's choice. */
    if (requested && inherited[0])
      setenv("OPENBLAS_CORETYPE", inherited, 1);
    else if (requested)
      unsetenv("OPENBLAS_CORETYPE");
  } else {
    /* The loaded copy is the one the process uses; resolve from it (the extra reference
     * is kept, like the library itself, for the process's lifetime). */
    snprintf(lib.path, sizeof lib.path, "%s", AB_OPENBLAS_SONAME);
    lib.handle = h;
    st = ab_vlib_resolve(&blas_spec, &lib, &g_blas, msg);
  }
  if (st != AB_OK) {
    if (preloaded)
      ab_vlib_close(&lib);
    return st;
  }
  parse_version(g_blas.get_config(), g_blas.version, sizeof g_blas.version);
  note_outcome(&g_blas, requested, preloaded);
  g_loaded = 1;
  return AB_OK;
}

ab_status ab_openblas_load(const ab_openblas **out, char *msg) {
  pthread_mutex_lock(&g_lock);
  ab_status st = g_loaded ? AB_OK : load_locked(msg);
  pthread_mutex_unlock(&g_lock);
  *out = st == AB_OK ? &g_blas : NULL;
  return st;
}
