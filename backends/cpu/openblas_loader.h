/* accelbench CPU backend — loading OpenBLAS with the right kernel set.
 *
 * Debian's libopenblas is built with DYNAMIC_ARCH: it picks a kernel set ("core") for the
 * CPU it runs on once, when the library initialises at load time, and reads the
 * OPENBLAS_CORETYPE environment variable at that moment to let the user override the
 * choice. OpenBLAS 0.3.21 does not recognise every CPU: on an AVX-512 Zen-5 VM it falls back
 * to its Haswell (AVX2) kernels, which run SGEMM at about half the speed of its SkylakeX
 * kernels (../shared/reference/cpu-libraries.md). So the module is NOT linked against
 * libopenblas; this loader decides the core type from CPUID, sets OPENBLAS_CORETYPE, then
 * dlopen()s the library and resolves the few symbols accelbench needs.
 *
 * Shared by the backend module and the ab-bare-gemm tool, so both run the same kernels.
 * The loaded library is process-wide state by nature; the loader keeps it in one static
 * record guarded by a mutex and never unloads it.
 */
#ifndef AB_CPU_OPENBLAS_LOADER_H
#define AB_CPU_OPENBLAS_LOADER_H

#include <cblas.h> /* types and enum values only; the module does not link libopenblas */

#include "accelbench/status.h"

/* Signatures as declared in OpenBLAS 0.3.21's cblas.h. */
typedef void (*ab_cblas_sgemm_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE,
                                  blasint, blasint, blasint, float, const float *, blasint,
                                  const float *, blasint, float, float *, blasint);
typedef void (*ab_cblas_dgemm_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE,
                                  blasint, blasint, blasint, double, const double *, blasint,
                                  const double *, blasint, double, double *, blasint);
typedef void (*ab_cblas_sbgemm_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE,
                                   blasint, blasint, blasint, float, const bfloat16 *, blasint,
                                   const bfloat16 *, blasint, float, float *, blasint);

typedef struct ab_openblas {
  ab_cblas_sgemm_fn sgemm;
  ab_cblas_dgemm_fn dgemm;
  ab_cblas_sbgemm_fn sbgemm; /* NULL where the build has no bfloat16 (Debian 12) */
  char *(*get_corename)(void);
  char *(*get_config)(void);
  void (*set_num_threads)(int);
  int (*get_num_threads)(void);
  /* "0.3.21", parsed from openblas_get_config() */
  char version[32];
  /* What decided the core type, for the run file: who set OPENBLAS_CORETYPE and why. */
  char coretype_source[256];
} ab_openblas;

/* Load OpenBLAS once per process (later calls return the same record). On failure returns
 * AB_E_NOT_FOUND with the dlopen/dlsym error in msg (AB_MSG_LEN bytes). Thread-safe.
 * Calls setenv() the first time, so call it before other threads read the environment. */
ab_status ab_openblas_load(const ab_openblas **out, char *msg);

/* The OPENBLAS_CORETYPE accelbench would choose for this CPU, or NULL to leave OpenBLAS's
 * own choice; `why` (n bytes) says which CPU features decided it. Reads CPUID only. */
const char *ab_openblas_pick_core(char *why, size_t n);

#endif
