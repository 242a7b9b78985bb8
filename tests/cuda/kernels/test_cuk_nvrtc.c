/* The portable CUDA kernels' source compiled by the real NVRTC, with no GPU: catches a CUDA C
 * error or a kernel cuk_plan names but the source lacks (or the reverse) on any machine with
 * the CUDA toolkit. Exit 0 pass, 1 fail (with NVRTC's log), 77 skip (no toolkit).
 *
 * The toolkit is $CUDA_HOME, else /usr/local/cuda: NVRTC from its lib64 (or lib), the
 * include path for cuda_fp16.h / cuda_bf16.h from its include. NVRTC's prototypes are those
 * of ../shared/reference/vendor-api-facts.md section 1.4 (VERIFIED-LOCAL against CUDA 13.0
 * nvrtc.h and a dlopen run of libnvrtc.so.13), as the cuda backend declares them
 * (backends/cuda/nvrtc.h), not the toolkit's header, so the test builds without the toolkit.
 * Each architecture compiles on its own thread (NVRTC programs are independent), since one
 * compile of the whole source takes tens of seconds. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cuk.h"
#include "cuk_cases.h"
#include "nvrtc.h"

#define SKIP 77

#ifdef AB_SANITIZE
/* LeakSanitizer's built-in suppressions for this program (added to those of LSAN_OPTIONS).
 * NVRTC stores thread-specific data on the main thread; glibc keeps the block in the thread
 * descriptor, which the ASan runs (use_tls=0, tests/sanitizers/lsan.supp) do not scan. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) {
  return "leak:___pthread_setspecific\n";
}
#endif

/* The cuda backend's own NVRTC declarations (backends/cuda/nvrtc.h, type-checked against
 * the toolkit by tests/cuda/toolkit_types.c), plus the two PTX calls the test needs. */
typedef struct nvrtc_api {
  abcu_nvrtc_api core;
  abcu_nvrtc_result (*ptx_size)(abcu_program prog, size_t *size);
  abcu_nvrtc_result (*ptx)(abcu_program prog, char *ptx);
} nvrtc_api;

static const char *toolkit(void) {
  const char *home = getenv("CUDA_HOME");
  return home && *home ? home : "/usr/local/cuda";
}

static void *open_nvrtc(const char *home) {
  static const char *const names[] = {"lib64/libnvrtc.so.13", "lib64/libnvrtc.so.12",
                                      "lib64/libnvrtc.so",    "lib/libnvrtc.so.13",
                                      "lib/libnvrtc.so.12",   "lib/libnvrtc.so"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", home, names[i]);
    void *h = access(path, R_OK) == 0 ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
    if (h)
      return h;
  }
  return NULL;
}

/* POSIX lets a data pointer from dlsym be converted to a function pointer. */
#define BIND(field, symbol)                                                                        \
  do {                                                                                             \
    void *p_ = dlsym(h, symbol);                                                                   \
    if (!p_) {                                                                                     \
      fprintf(stderr, "test_cuk_nvrtc: %s lacks %s\n", home, symbol);                              \
      return false;                                                                                \
    }                                                                                              \
    memcpy(&api->field, &p_, sizeof p_);                                                           \
  } while (0)

static bool bind(void *h, const char *home, nvrtc_api *api) {
  BIND(core.nvrtcVersion, "nvrtcVersion");
  BIND(core.nvrtcCreateProgram, "nvrtcCreateProgram");
  BIND(core.nvrtcCompileProgram, "nvrtcCompileProgram");
  BIND(ptx_size, "nvrtcGetPTXSize");
  BIND(ptx, "nvrtcGetPTX");
  BIND(core.nvrtcGetProgramLogSize, "nvrtcGetProgramLogSize");
  BIND(core.nvrtcGetProgramLog, "nvrtcGetProgramLog");
  BIND(core.nvrtcDestroyProgram, "nvrtcDestroyProgram");
  BIND(core.nvrtcGetErrorString, "nvrtcGetErrorString");
  return true;
}

typedef struct compile_job {
  const nvrtc_api *api;
  const char *arch; /* "sm_90" */
  char include_opt[4200];
  char *ptx; /* on success */
  char *log; /* NVRTC's log, may be empty */
  char err[256];
} compile_job;

static char *program_log(const nvrtc_api *api, abcu_program prog) {
  size_t n = 0;
  char *log = NULL;
  if (api->core.nvrtcGetProgramLogSize(prog, &n) == 0 && n > 0 && (log = calloc(n, 1)) &&
      api->core.nvrtcGetProgramLog(prog, log) != 0)
    log[0] = '\0';
  return log;
}

static void *compile_arch(void *arg) {
  compile_job *j = arg;
  const nvrtc_api *api = j->api;
  char arch_opt[64];
  snprintf(arch_opt, sizeof arch_opt, "--gpu-architecture=%s", j->arch);
  const char *opts[] = {arch_opt, j->include_opt};
  abcu_program prog = NULL;
  abcu_nvrtc_result r =
      api->core.nvrtcCreateProgram(&prog, cuk_source(), "cuk_source.cu", 0, NULL, NULL);
  if (r != 0) {
    snprintf(j->err, sizeof j->err, "nvrtcCreateProgram: %u %s", r,
             api->core.nvrtcGetErrorString(r));
    return NULL;
  }
  r = api->core.nvrtcCompileProgram(prog, 2, opts);
  j->log = program_log(api, prog);
  size_t n = 0;
  if (r != 0)
    snprintf(j->err, sizeof j->err, "nvrtcCompileProgram(%s): %u %s", j->arch, r,
             api->core.nvrtcGetErrorString(r));
  else if (api->ptx_size(prog, &n) != 0 || n < 2 || !(j->ptx = calloc(n, 1)) ||
           api->ptx(prog, j->ptx) != 0)
    snprintf(j->err, sizeof j->err, "nvrtcGetPTX(%s): no PTX (%zu bytes)", j->arch, n);
  api->core.nvrtcDestroyProgram(&prog);
  return NULL;
}

/* ".entry <name>(" in the PTX: a kernel the module exports under that exact name. */
static bool has_entry(const char *ptx, const char *name) {
  char needle[96];
  snprintf(needle, sizeof needle, ".entry %s(", name);
  return strstr(ptx, needle) != NULL;
}

typedef struct walk {
  const compile_job *job;
  size_t cases, missing;
  char (*planned)[64];
} walk;

static void check_case(const ab_kernel_desc *d, size_t n_ops, void *ctx) {
  walk *w = ctx;
  static const uint64_t ptrs[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  cuk_launch l;
  size_t n = 0;
  char msg[AB_MSG_LEN] = "";
  if (cuk_plan(d, ptrs, n_ops, &l, 1, &n, msg) != AB_OK) {
    fprintf(stderr, "test_cuk_nvrtc: %s does not plan: %s\n", ab_kernel_kind_str(d->kind), msg);
    w->missing++;
    return;
  }
  memcpy(w->planned[w->cases++], l.function, sizeof l.function);
  if (!has_entry(w->job->ptx, l.function)) {
    fprintf(stderr, "test_cuk_nvrtc: %s: kernel %s (planned for %s) is not in the PTX\n",
            w->job->arch, l.function, ab_kernel_kind_str(d->kind));
    w->missing++;
  }
}

/* Every .entry of the PTX is a kernel some case plans: no dead or misnamed kernel. */
static size_t unplanned_entries(const walk *w) {
  size_t bad = 0, entries = 0;
  for (const char *p = strstr(w->job->ptx, ".entry "); p; p = strstr(p + 1, ".entry ")) {
    char name[64] = "";
    sscanf(p + 7, "%63[A-Za-z0-9_]", name);
    entries++;
    bool found = false;
    for (size_t i = 0; i < w->cases && !found; i++)
      found = strcmp(w->planned[i], name) == 0;
    if (!found) {
      fprintf(stderr, "test_cuk_nvrtc: %s: PTX entry %s is planned by no case\n", w->job->arch,
              name);
      bad++;
    }
  }
  printf("%s: %zu kernels in the PTX, %zu planned\n", w->job->arch, entries, w->cases);
  return bad;
}

static int check_job(const compile_job *j) {
  if (j->log && j->log[0])
    fprintf(j->err[0] ? stderr : stdout, "NVRTC log for %s:\n%s\n", j->arch, j->log);
  if (j->err[0]) {
    fprintf(stderr, "test_cuk_nvrtc: %s\n", j->err);
    return 1;
  }
  walk w = {.job = j, .planned = calloc(1024, 64)};
  if (!w.planned)
    return 1;
  cuk_each_case(check_case, &w);
  size_t bad = w.missing + unplanned_entries(&w);
  free(w.planned);
  return bad ? 1 : 0;
}

int main(void) {
  const char *home = toolkit();
  char header[4096];
  snprintf(header, sizeof header, "%s/include/cuda_fp16.h", home);
  void *h = open_nvrtc(home);
  if (!h || access(header, R_OK) != 0) {
    printf("SKIP: no CUDA toolkit with NVRTC and cuda_fp16.h under %s (set CUDA_HOME)\n", home);
    if (h)
      dlclose(h);
    return SKIP;
  }
  nvrtc_api api;
  if (!bind(h, home, &api)) {
    dlclose(h);
    return 1;
  }
  int major = 0, minor = 0;
  api.core.nvrtcVersion(&major, &minor);
  printf("NVRTC %d.%d from %s\n", major, minor, home);
  static const char *const arches[] = {"sm_90", "sm_80"};
  compile_job jobs[2];
  pthread_t threads[2];
  bool started[2] = {false, false};
  for (int i = 0; i < 2; i++) {
    memset(&jobs[i], 0, sizeof jobs[i]);
    jobs[i].api = &api;
    jobs[i].arch = arches[i];
    snprintf(jobs[i].include_opt, sizeof jobs[i].include_opt, "--include-path=%s/include", home);
    started[i] = pthread_create(&threads[i], NULL, compile_arch, &jobs[i]) == 0;
    if (!started[i])
      compile_arch(&jobs[i]);
  }
  int rc = 0;
  for (int i = 0; i < 2; i++) {
    if (started[i])
      pthread_join(threads[i], NULL);
    rc |= check_job(&jobs[i]);
    free(jobs[i].ptx);
    free(jobs[i].log);
  }
  /* NVRTC stays loaded: unloading it would leave LeakSanitizer its internal caches under
   * "<unknown module>" frames, which no suppression can name. */
  return rc;
}
