/* accelbench — system information for the run file (docs/run-file.md, "system").
 *
 * Every fact carries where it came from. Two sources often disagree on the machines this
 * runs on, and both are kept:
 *  - /proc/cpuinfo "cpu MHz" is the TSC rate on many virtual machines, not the running
 *    clock (2.1 GHz reported, 3.42 GHz measured on the project's Zen-5-class VMs:
 *    ../shared/reference/cpu-libraries.md), so the clock is also measured.
 *  - libcpuid 0.6.2 (Debian 12) predates Zen 5: it names these CPUs "Abu Dhabi" and does
 *    not report their AVX-512, so the SIMD list comes from the kernel's flags.
 */
#include "sysinfo.h"

#include <ctype.h>
#ifdef AB_HAVE_HWLOC
#include <hwloc.h>
#else
/* Built without hwloc (AB_WITH_HWLOC=OFF): there is never a topology, and each fact that
 * would come from one is null or from sysconf, its source saying why. */
typedef void *hwloc_topology_t;
#endif
#ifdef AB_HAVE_LIBCPUID
#include <libcpuid.h>
#define LIBCPUID_FEATURE(f) CPU_FEATURE_##f
#else
/* Built without libcpuid (it is x86-only; or not installed): the kernel's /proc/cpuinfo
 * alone describes the CPU, and the run file says why libcpuid is null. */
struct cpu_id_t {
  int flags[1];
};
#define LIBCPUID_FEATURE(f) -1
static const char *cpuid_lib_version(void) {
  return "not built in";
}
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define AB_X86 1
#else
#define AB_X86 0
#endif
#if defined(__aarch64__)
#include <arm_neon.h> /* AArch64 always has Advanced SIMD with FMA */
#define AB_ARM64 1
#else
#define AB_ARM64 0
#endif

#include "model/util.h"

/* Two 512-bit (or 256-bit) FMA pipes per core: Zen 4/5, Skylake-SP Gold/Platinum and later
 * server cores. Recorded as an assumption in the run file, beside the measured figure that
 * checks it. */
#define FMA_UNITS_PER_CORE_ASSUMED 2

#define CPUINFO_PATH "/proc/cpuinfo"

/* ---------------------------------------------------------------------------------------
 * Small JSON helpers
 * ------------------------------------------------------------------------------------- */

static void set(json_t *o, const char *key, json_t *v) {
  json_object_set_new(o, key, v); /* NULL v (allocation failure) leaves the key out */
}

static json_t *str_or_null(const char *s) {
  return s && s[0] ? json_string(s) : json_null();
}

static json_t *num_or_null(double v) {
  return isfinite(v) && v > 0.0 ? json_real(v) : json_null();
}

static json_t *count_or_null(long long v) {
  return v > 0 ? json_integer(v) : json_null();
}

/* ---------------------------------------------------------------------------------------
 * /proc/cpuinfo: the first processor's block is enough (all cores of these machines are
 * alike; hybrid CPUs would need hwloc cpukinds, which a later version can add).
 * ------------------------------------------------------------------------------------- */

/* Value of `key` in the first processor block, trimmed; false if absent. */
static bool cpuinfo_value(const char *key, char **out) {
  FILE *f = fopen(CPUINFO_PATH, "r");
  if (!f)
    return false;
  char *line = NULL;
  size_t cap = 0;
  bool found = false;
  size_t klen = strlen(key);
  while (!found && getline(&line, &cap, f) > 0) {
    if (line[0] == '\n')
      break; /* end of the first block */
    if (strncmp(line, key, klen) != 0 ||
        (line[klen] != ' ' && line[klen] != '\t' && line[klen] != ':'))
      continue;
    char *colon = strchr(line, ':');
    if (!colon)
      continue;
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
      v++;
    size_t n = strlen(v);
    while (n > 0 && isspace((unsigned char)v[n - 1]))
      v[--n] = '\0';
    *out = strdup(v);
    found = *out != NULL;
  }
  free(line);
  fclose(f);
  return found;
}

/* The kernel's feature flags ("flags" on x86, "Features" on Arm) as an array of strings. */
static json_t *cpuinfo_flags(void) {
  char *text = NULL;
  if (!cpuinfo_value("flags", &text) && !cpuinfo_value("Features", &text))
    return NULL;
  json_t *arr = json_array();
  char *save = NULL;
  for (char *tok = strtok_r(text, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
    json_array_append_new(arr, json_string(tok));
  free(text);
  return arr;
}

static bool has_flag(const json_t *flags, const char *name) {
  size_t i;
  json_t *v;
  json_array_foreach(flags, i, v) {
    if (strcmp(json_string_value(v), name) == 0)
      return true;
  }
  return false;
}

/* SIMD extensions worth a column in a report, by their /proc/cpuinfo names. `libcpuid` is
 * the matching libcpuid feature, or -1 where libcpuid 0.6.2 has none to compare with. */
static const struct {
  const char *flag;
  int libcpuid;
} simd_flags[] = {
    {"sse", LIBCPUID_FEATURE(SSE)},
    {"sse2", LIBCPUID_FEATURE(SSE2)},
    {"pni", LIBCPUID_FEATURE(PNI)}, /* SSE3 */
    {"ssse3", LIBCPUID_FEATURE(SSSE3)},
    {"sse4_1", LIBCPUID_FEATURE(SSE4_1)},
    {"sse4_2", LIBCPUID_FEATURE(SSE4_2)},
    {"avx", LIBCPUID_FEATURE(AVX)},
    {"f16c", LIBCPUID_FEATURE(F16C)},
    {"fma", LIBCPUID_FEATURE(FMA3)},
    {"avx2", LIBCPUID_FEATURE(AVX2)},
    {"avx_vnni", -1},
    {"avx512f", LIBCPUID_FEATURE(AVX512F)},
    {"avx512dq", LIBCPUID_FEATURE(AVX512DQ)},
    {"avx512cd", LIBCPUID_FEATURE(AVX512CD)},
    {"avx512bw", LIBCPUID_FEATURE(AVX512BW)},
    {"avx512vl", LIBCPUID_FEATURE(AVX512VL)},
    {"avx512ifma", -1},
    {"avx512vbmi", LIBCPUID_FEATURE(AVX512VBMI)},
    {"avx512_vbmi2", LIBCPUID_FEATURE(AVX512VBMI2)},
    {"avx512_vnni", LIBCPUID_FEATURE(AVX512VNNI)},
    {"avx512_bf16", -1},
    {"avx512_fp16", -1},
    {"amx_tile", -1},
    {"amx_bf16", -1},
    {"amx_int8", -1},
    {"amx_fp16", -1},
    /* Arm (/proc/cpuinfo "Features") */
    {"asimd", -1},
    {"asimdhp", -1},
    {"asimddp", -1},
    {"bf16", -1},
    {"i8mm", -1},
    {"sve", -1},
    {"sve2", -1},
    {"sme", -1},
};

/* ---------------------------------------------------------------------------------------
 * libcpuid
 * ------------------------------------------------------------------------------------- */

#ifdef AB_HAVE_LIBCPUID
static bool libcpuid_identify(struct cpu_id_t *id, char *why, size_t len) {
  if (!cpuid_present()) {
    snprintf(why, len, "libcpuid: the CPUID instruction is not available");
    return false;
  }
  struct cpu_raw_data_t raw;
  if (cpuid_get_raw_data(&raw) != 0 || cpu_identify(&raw, id) != 0) {
    snprintf(why, len, "libcpuid: %s", cpuid_error());
    return false;
  }
  return true;
}

static json_t *libcpuid_json(const struct cpu_id_t *id) {
  json_t *o = json_object();
  set(o, "version", json_string(cpuid_lib_version()));
  set(o, "vendor_str", json_string(id->vendor_str));
  set(o, "brand_str", json_string(id->brand_str));
  set(o, "codename", json_string(id->cpu_codename));
  set(o, "family", json_integer(id->family));
  set(o, "model", json_integer(id->model));
  set(o, "stepping", json_integer(id->stepping));
  set(o, "ext_family", json_integer(id->ext_family));
  set(o, "ext_model", json_integer(id->ext_model));
  json_t *feat = json_array();
  for (int i = 0; i < NUM_CPU_FEATURES; i++)
    if (id->flags[i])
      json_array_append_new(feat, json_string(cpu_feature_str((cpu_feature_t)i)));
  set(o, "features", feat);
  return o;
}
#else
static bool libcpuid_identify(struct cpu_id_t *id, char *why, size_t len) {
  (void)id;
  snprintf(why, len, "libcpuid: not built in (it exists for x86 only; this build found none)");
  return false;
}

static json_t *libcpuid_json(const struct cpu_id_t *id) {
  (void)id;
  return json_null();
}
#endif

/* SIMD list from the kernel's flags, and a source line that says when libcpuid disagrees
 * (and on which extensions), so a reader knows which to trust. */
static void simd_json(json_t *cpu, const json_t *flags, const struct cpu_id_t *id) {
  json_t *simd = json_array();
  char missed[256] = "", extra[256] = "";
  for (size_t i = 0; i < sizeof simd_flags / sizeof simd_flags[0]; i++) {
    bool kernel = has_flag(flags, simd_flags[i].flag);
    if (kernel)
      json_array_append_new(
          simd, json_string(strcmp(simd_flags[i].flag, "pni") == 0 ? "sse3" : simd_flags[i].flag));
    if (!id || simd_flags[i].libcpuid < 0)
      continue;
    bool lib = id->flags[simd_flags[i].libcpuid] != 0;
    char *list = kernel && !lib ? missed : !kernel && lib ? extra : NULL;
    if (list) {
      size_t used = strlen(list);
      snprintf(list + used, sizeof missed - used, "%s%s", used ? "," : "", simd_flags[i].flag);
    }
  }
  set(cpu, "simd", simd);
  char src[1024];
  if (!id)
    snprintf(src, sizeof src, "/proc/cpuinfo flags (libcpuid unavailable)");
  else if (missed[0] || extra[0])
    snprintf(src, sizeof src, "/proc/cpuinfo flags (libcpuid %s %s%s%s%s%s on this CPU)",
             cpuid_lib_version(), missed[0] ? "misses " : "", missed,
             missed[0] && extra[0] ? "; " : "", extra[0] ? "adds " : "", extra);
  else
    snprintf(src, sizeof src, "/proc/cpuinfo flags (libcpuid %s agrees)", cpuid_lib_version());
  set(cpu, "simd_source", json_string(src));
}

/* ---------------------------------------------------------------------------------------
 * hwloc topology
 * ------------------------------------------------------------------------------------- */

#define NO_HWLOC "not built with hwloc (AB_WITH_HWLOC=OFF)"

#ifdef AB_HAVE_HWLOC
static long long nb_objs(hwloc_topology_t t, hwloc_obj_type_t type) {
  int n = hwloc_get_nbobjs_by_type(t, type);
  return n > 0 ? n : 0; /* -1 means "several depths"; not the case for these types */
}

static json_t *cache_json(hwloc_topology_t t, hwloc_obj_type_t type) {
  hwloc_obj_t obj = hwloc_get_obj_by_type(t, type, 0);
  if (!obj || !obj->attr)
    return json_null();
  json_t *o = json_object();
  set(o, "size_bytes", count_or_null((long long)obj->attr->cache.size));
  set(o, "line_bytes", count_or_null(obj->attr->cache.linesize));
  set(o, "instances", count_or_null(nb_objs(t, type)));
  return o;
}

static json_t *topology_json(hwloc_topology_t t) {
  json_t *o = json_object();
  set(o, "packages", count_or_null(nb_objs(t, HWLOC_OBJ_PACKAGE)));
  set(o, "cores", count_or_null(nb_objs(t, HWLOC_OBJ_CORE)));
  set(o, "pus", count_or_null(nb_objs(t, HWLOC_OBJ_PU)));
  set(o, "numa_nodes", count_or_null(nb_objs(t, HWLOC_OBJ_NUMANODE)));
  json_t *c = json_object();
  set(c, "l1d", cache_json(t, HWLOC_OBJ_L1CACHE));
  set(c, "l1i", cache_json(t, HWLOC_OBJ_L1ICACHE));
  set(c, "l2", cache_json(t, HWLOC_OBJ_L2CACHE));
  set(c, "l3", cache_json(t, HWLOC_OBJ_L3CACHE));
  set(o, "caches", c);
  set(o, "source", json_string("hwloc"));
  return o;
}

static hwloc_topology_t topology_load(void) {
  hwloc_topology_t topo = NULL;
  if (hwloc_topology_init(&topo) != 0)
    return NULL;
  if (hwloc_topology_load(topo) != 0) {
    hwloc_topology_destroy(topo);
    return NULL;
  }
  return topo;
}

static void topology_free(hwloc_topology_t topo) {
  if (topo)
    hwloc_topology_destroy(topo);
}

static long long topology_cores(hwloc_topology_t topo) {
  return topo ? nb_objs(topo, HWLOC_OBJ_CORE) : 0;
}

static uint64_t topology_memory(hwloc_topology_t topo) {
  return topo ? hwloc_get_root_obj(topo)->total_memory : 0;
}

/* hwloc has no library-version call; the topology's root records the version that built
 * it. The API version is the fallback. */
static void hwloc_versions(json_t *o, hwloc_topology_t topo) {
  const char *hv =
      topo ? hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo), "hwlocVersion") : NULL;
  char api[32];
  unsigned a = hwloc_get_api_version();
  snprintf(api, sizeof api, "API %u.%u.%u", a >> 16, (a >> 8) & 0xff, a & 0xff);
  set(o, "hwloc", json_string(hv ? hv : api));
  set(o, "hwloc_api", json_string(api + 4));
}
#else
static hwloc_topology_t topology_load(void) {
  return NULL;
}

static void topology_free(hwloc_topology_t topo) {
  (void)topo;
}

static long long topology_cores(hwloc_topology_t topo) {
  (void)topo;
  return 0;
}

static uint64_t topology_memory(hwloc_topology_t topo) {
  (void)topo;
  return 0;
}

static void hwloc_versions(json_t *o, hwloc_topology_t topo) {
  (void)topo;
  set(o, "hwloc", json_string(NO_HWLOC));
}
#endif

/* ---------------------------------------------------------------------------------------
 * Clock: a chain of dependent integer adds retires one add per cycle on every x86 and Arm
 * core of the last decade (1-cycle ALU latency), so adds per second is the running clock.
 * The adds are register-to-register: some cores fold add-immediate chains at rename.
 * ------------------------------------------------------------------------------------- */

#define ADDS_PER_ITER 100

static void add_chain(uint64_t iters) {
  uint64_t x = 0, one = 1;
#if AB_X86
#define A1   "add %[one], %[x]\n\t"
#define A10  A1 A1 A1 A1 A1 A1 A1 A1 A1 A1
#define A100 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
  /* The loop counter runs on another ALU in parallel; the chain on x sets the pace. */
  __asm__ volatile("1:\n\t" A100 "dec %[n]\n\t"
                   "jnz 1b\n"
                   : [x] "+r"(x), [n] "+r"(iters)
                   : [one] "r"(one)
                   : "cc");
#undef A1
#undef A10
#undef A100
#else
  for (; iters > 0; iters--)
    for (int i = 0; i < ADDS_PER_ITER; i++) {
      x += one;
      __asm__ volatile("" : "+r"(x)); /* the compiler may not fold the chain */
    }
#endif
  (void)x;
}

/* This thread's CPU time: time the scheduler gives to other processes is not counted, so
 * a busy machine (a parallel build beside the run) does not lower the figures. Measured
 * here: with three busy loops on the 2-core VM, wall-clock timing gave 0.7-1.1 GHz for the
 * add chain and thread CPU time 3.3-3.4 GHz, as on the idle machine. */
static double cpu_now_s(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return ab_now_s();
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs `fn(iters)` with `iters` grown until one call lasts at least `min_s`, then returns
 * the best (shortest-per-iteration) of `trials` calls of that length: interruptions and
 * clock ramp-up only ever slow a run down. */
static double best_seconds_per_iter(void (*fn)(uint64_t), double min_s, int trials) {
  /* Warm-up: a core coming out of idle may need tens of milliseconds to reach its clock. */
  double warm_end = ab_now_s() + min_s;
  while (ab_now_s() < warm_end)
    fn(1000);
  uint64_t iters = 1000;
  double t;
  for (;;) {
    double t0 = cpu_now_s();
    fn(iters);
    t = cpu_now_s() - t0;
    if (t >= min_s || iters > (UINT64_C(1) << 40))
      break;
    iters = t > min_s / 64 ? (uint64_t)((double)iters * min_s / t * 1.1) + 1 : iters * 8;
  }
  double best = t / (double)iters;
  for (int i = 0; i < trials; i++) {
    double t0 = cpu_now_s();
    fn(iters);
    double per = (cpu_now_s() - t0) / (double)iters;
    if (per < best)
      best = per;
  }
  return best;
}

double ab_measure_core_clock_ghz(void) {
  double per_iter = best_seconds_per_iter(add_chain, 0.02, 4);
  if (!(per_iter > 0.0))
    return -1.0;
  return ADDS_PER_ITER / per_iter / 1e9;
}

/* ---------------------------------------------------------------------------------------
 * FMA peak: NACC independent accumulator chains, a = a * b + c, enough to cover FMA
 * latency times FMA pipes (4 x 2 on Zen 4/5 and Skylake-SP). b and c pass through an empty
 * asm so the compiler cannot fold the loop; a = a * 0.5 + 0.5 stays at 1.0 (no overflow,
 * no denormals to slow it down). Built at -O2 whatever the build type: at -O0 the
 * accumulators would live on the stack and the figure would measure stores instead.
 * ------------------------------------------------------------------------------------- */

#if AB_X86 || AB_ARM64

#if defined(__GNUC__) && !defined(__clang__)
#define FMA_OPT __attribute__((optimize("O2")))
#else
#define FMA_OPT
#endif

#define NACC 12

/* x86 kernels are compiled for their ISA alone ("v": any vector register); AArch64's
 * Advanced SIMD is always there ("w": a SIMD register). */
#if AB_X86
#define FMA_TARGET(isa) __attribute__((target(isa)))
#define FMA_VREG        "+v"
#else
#define FMA_TARGET(isa)
#define FMA_VREG "+w"
#endif

#define FMA_KERNEL(name, isa, vec, set1, fmadd, add, lanes_t)                                      \
  FMA_OPT FMA_TARGET(isa) static double name(uint64_t iters) {                                     \
    vec b = set1(0.5), c = set1(0.5);                                                              \
    __asm__("" : FMA_VREG(b), FMA_VREG(c));                                                        \
    /* Distinct starting values: identical chains would be merged into one by the compiler. */     \
    vec a0 = set1(1.0), a1 = set1(1.1), a2 = set1(1.2), a3 = set1(1.3), a4 = set1(1.4);            \
    vec a5 = set1(1.5), a6 = set1(1.6), a7 = set1(1.7), a8 = set1(1.8), a9 = set1(1.9);            \
    vec a10 = set1(2.0), a11 = set1(2.1);                                                          \
    for (uint64_t i = 0; i < iters; i++) {                                                         \
      a0 = fmadd(a0, b, c);                                                                        \
      a1 = fmadd(a1, b, c);                                                                        \
      a2 = fmadd(a2, b, c);                                                                        \
      a3 = fmadd(a3, b, c);                                                                        \
      a4 = fmadd(a4, b, c);                                                                        \
      a5 = fmadd(a5, b, c);                                                                        \
      a6 = fmadd(a6, b, c);                                                                        \
      a7 = fmadd(a7, b, c);                                                                        \
      a8 = fmadd(a8, b, c);                                                                        \
      a9 = fmadd(a9, b, c);                                                                        \
      a10 = fmadd(a10, b, c);                                                                      \
      a11 = fmadd(a11, b, c);                                                                      \
    }                                                                                              \
    vec s = add(add(add(a0, a1), add(a2, a3)), add(add(a4, a5), add(a6, a7)));                     \
    s = add(s, add(add(a8, a9), add(a10, a11)));                                                   \
    lanes_t out[sizeof(vec) / sizeof(lanes_t)];                                                    \
    memcpy(out, &s, sizeof out);                                                                   \
    return (double)out[0];                                                                         \
  }

#if AB_X86
FMA_KERNEL(fma_avx512_f32, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, float)
FMA_KERNEL(fma_avx512_f64, "avx512f", __m512d, _mm512_set1_pd, _mm512_fmadd_pd, _mm512_add_pd,
           double)
FMA_KERNEL(fma_avx2_f32, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, float)
FMA_KERNEL(fma_avx2_f64, "avx2,fma", __m256d, _mm256_set1_pd, _mm256_fmadd_pd, _mm256_add_pd,
           double)
#else
/* a * b + c, in the argument order of the x86 intrinsics. */
static inline float32x4_t neon_fma_f32(float32x4_t a, float32x4_t b, float32x4_t c) {
  return vfmaq_f32(c, a, b);
}
static inline float64x2_t neon_fma_f64(float64x2_t a, float64x2_t b, float64x2_t c) {
  return vfmaq_f64(c, a, b);
}
FMA_KERNEL(fma_neon_f32, "neon", float32x4_t, vdupq_n_f32, neon_fma_f32, vaddq_f32, float)
FMA_KERNEL(fma_neon_f64, "neon", float64x2_t, vdupq_n_f64, neon_fma_f64, vaddq_f64, double)
#endif

/* The result must be consumed, or the whole loop is dead code. */
static volatile double fma_sink;

#define FMA_RUNNER(name, kernel)                                                                   \
  static void name(uint64_t iters) {                                                               \
    fma_sink = kernel(iters);                                                                      \
  }
#if AB_X86
FMA_RUNNER(run_avx512_f32, fma_avx512_f32)
FMA_RUNNER(run_avx512_f64, fma_avx512_f64)
FMA_RUNNER(run_avx2_f32, fma_avx2_f32)
FMA_RUNNER(run_avx2_f64, fma_avx2_f64)
#else
FMA_RUNNER(run_neon_f32, fma_neon_f32)
FMA_RUNNER(run_neon_f64, fma_neon_f64)
#endif

#endif /* AB_X86 || AB_ARM64 */

/* The widest FMA ISA this CPU and OS support: its name, lanes per vector, runner. */
static const char *fma_isa(bool f64, int *lanes, void (**run)(uint64_t)) {
  *lanes = 0;
  *run = NULL;
#if AB_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    *lanes = f64 ? 8 : 16;
    *run = f64 ? run_avx512_f64 : run_avx512_f32;
    return "avx512f";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    *lanes = f64 ? 4 : 8;
    *run = f64 ? run_avx2_f64 : run_avx2_f32;
    return "avx2+fma";
  }
#elif AB_ARM64
  *lanes = f64 ? 2 : 4;
  *run = f64 ? run_neon_f64 : run_neon_f32;
  return "neon";
#else
  (void)f64;
#endif
  return "none";
}

double ab_measure_fma_peak_gflops(bool f64, char *isa_used, size_t isa_len) {
  int lanes;
  void (*run)(uint64_t);
  const char *isa = fma_isa(f64, &lanes, &run);
  if (isa_used && isa_len)
    ab_strlcpy(isa_used, isa, isa_len);
  if (!run)
    return -1.0;
#if AB_X86 || AB_ARM64
  double per_iter = best_seconds_per_iter(run, 0.025, 3);
  if (!(per_iter > 0.0))
    return -1.0;
  return (double)NACC * lanes * 2.0 / per_iter / 1e9;
#else
  return -1.0;
#endif
}

/* ---------------------------------------------------------------------------------------
 * CPU object
 * ------------------------------------------------------------------------------------- */

static void cpu_identity(json_t *cpu) {
  char *v = NULL;
  if (cpuinfo_value("model name", &v)) {
    set(cpu, "model", json_string(v));
    set(cpu, "model_source", json_string("/proc/cpuinfo \"model name\""));
  } else {
    set(cpu, "model", json_null());
    set(cpu, "model_source", json_string("no \"model name\" in " CPUINFO_PATH));
  }
  free(v);
  v = NULL;
  set(cpu, "vendor", cpuinfo_value("vendor_id", &v) ? json_string(v) : json_null());
  free(v);
}

static double cpu_clock_reported(json_t *cpu) {
  char *v = NULL;
  double mhz = 0.0;
  if (cpuinfo_value("cpu MHz", &v))
    mhz = strtod(v, NULL);
  free(v);
  set(cpu, "clock_reported_mhz", num_or_null(mhz));
  set(cpu, "clock_reported_source",
      json_string(mhz > 0 ? "/proc/cpuinfo \"cpu MHz\"; on virtual machines this is often the "
                            "TSC rate, not the running clock (see clock_measured_ghz)"
                          : "no \"cpu MHz\" in " CPUINFO_PATH));
  return mhz;
}

static void cpu_counts(json_t *cpu, hwloc_topology_t topo) {
  if (!topo) {
    set(cpu, "sockets", json_null());
    set(cpu, "cores", json_null());
#ifdef AB_HAVE_HWLOC
    set(cpu, "threads", json_null());
    set(cpu, "counts_source", json_string("hwloc topology could not be loaded"));
#else
    set(cpu, "threads", count_or_null(sysconf(_SC_NPROCESSORS_ONLN)));
    set(cpu, "counts_source",
        json_string("sysconf(_SC_NPROCESSORS_ONLN) for threads; sockets and cores "
                    "unknown: " NO_HWLOC));
#endif
    return;
  }
#ifdef AB_HAVE_HWLOC
  set(cpu, "sockets", count_or_null(nb_objs(topo, HWLOC_OBJ_PACKAGE)));
  set(cpu, "cores", count_or_null(nb_objs(topo, HWLOC_OBJ_CORE)));
  set(cpu, "threads", count_or_null(nb_objs(topo, HWLOC_OBJ_PU)));
  set(cpu, "counts_source", json_string("hwloc (packages, cores, PUs)"));
#endif
}

static json_t *peak_pair(double f32, double f64) {
  json_t *o = json_object();
  set(o, "f32", num_or_null(f32));
  set(o, "f64", num_or_null(f64));
  return o;
}

/* Measured clock and FMA peak, and the peak they imply for the whole CPU. */
static void cpu_measured(json_t *cpu, long long cores, double reported_mhz) {
  char isa[32] = "none", isa64[32] = "none";
  double ghz = ab_measure_core_clock_ghz();
  double f32 = ab_measure_fma_peak_gflops(false, isa, sizeof isa);
  double f64 = ab_measure_fma_peak_gflops(true, isa64, sizeof isa64);
  set(cpu, "clock_measured_ghz", num_or_null(ghz));
  set(cpu, "clock_measured_source",
      json_string("dependent register add chain (one add per cycle), best of 5 runs of "
                  "about 20 ms of thread CPU time on one thread"));
  if (ghz > 0 && reported_mhz > 0 && fabs(ghz * 1000.0 / reported_mhz - 1.0) > 0.1) {
    char note[160];
    snprintf(note, sizeof note,
             "reported %.0f MHz and measured %.0f MHz differ by more than 10%%; use the "
             "measured clock",
             reported_mhz, ghz * 1000.0);
    set(cpu, "clock_note", json_string(note));
  }
  set(cpu, "fma_isa", json_string(isa));
  set(cpu, "fma_peak_gflops_per_core_measured", peak_pair(f32, f64));
  set(cpu, "fma_peak_source",
      json_string(
          "12 independent FMA chains on one thread, best of 4 runs of about 25 ms of thread "
          "CPU time; "
          "2 FLOPs per FMA lane"));
  /* Whole-CPU figure from the one-thread measurement, for efficiency against the measured
   * peak; labelled as scaled, since only one core ran the loop. */
  json_t *scaled =
      peak_pair(cores > 0 ? f32 * (double)cores : 0.0, cores > 0 ? f64 * (double)cores : 0.0);
  set(scaled, "basis",
      json_string("fma_peak_gflops_per_core_measured x cores (one core "
                  "measured; assumes every core reaches it)"));
  set(cpu, "fma_peak_gflops_measured", scaled);
  set(cpu, "fma_units_per_core_assumed", json_integer(FMA_UNITS_PER_CORE_ASSUMED));
  int lanes32 = 0, lanes64 = 0;
  void (*unused)(uint64_t);
  fma_isa(false, &lanes32, &unused);
  fma_isa(true, &lanes64, &unused);
  json_t *comp = json_object();
  double base = (double)cores * ghz * 2.0 * FMA_UNITS_PER_CORE_ASSUMED;
  bool known = cores > 0 && ghz > 0;
  set(comp, "f32", known ? num_or_null(base * lanes32) : json_null());
  set(comp, "f64", known ? num_or_null(base * lanes64) : json_null());
  set(comp, "cores", count_or_null(cores));
  set(comp, "clock_ghz", num_or_null(ghz));
  set(comp, "lanes_f32", count_or_null(lanes32));
  set(comp, "lanes_f64", count_or_null(lanes64));
  set(comp, "formula",
      json_string("cores x clock_measured_ghz x FMA lanes x 2 FLOPs x "
                  "fma_units_per_core_assumed"));
  set(cpu, "fma_peak_gflops_computed", comp);
}

static void cpu_not_measured(json_t *cpu) {
  const char *why = "not measured (measure_clock off)";
  set(cpu, "clock_measured_ghz", json_null());
  set(cpu, "clock_measured_source", json_string(why));
  set(cpu, "fma_isa", json_null());
  set(cpu, "fma_peak_gflops_per_core_measured", json_null());
  set(cpu, "fma_peak_gflops_measured", json_null());
  set(cpu, "fma_peak_source", json_string(why));
  set(cpu, "fma_units_per_core_assumed", json_integer(FMA_UNITS_PER_CORE_ASSUMED));
  set(cpu, "fma_peak_gflops_computed", json_null());
}

static json_t *cpu_json(const ab_sysinfo_opts *opts, hwloc_topology_t topo) {
  json_t *cpu = json_object();
  cpu_identity(cpu);
  cpu_counts(cpu, topo);
  json_t *flags = cpuinfo_flags();
  struct cpu_id_t id;
  char why[256] = "";
  bool have_id = libcpuid_identify(&id, why, sizeof why);
  set(cpu, "libcpuid", have_id ? libcpuid_json(&id) : json_null());
  if (!have_id)
    set(cpu, "libcpuid_error", json_string(why));
  if (flags) {
    simd_json(cpu, flags, have_id ? &id : NULL);
    set(cpu, "flags", flags);
    set(cpu, "flags_source", json_string(CPUINFO_PATH));
  } else {
    set(cpu, "simd", json_null());
    set(cpu, "simd_source", json_string("no flags in " CPUINFO_PATH));
    set(cpu, "flags", json_null());
    set(cpu, "flags_source", json_string("no flags in " CPUINFO_PATH));
  }
  double mhz = cpu_clock_reported(cpu);
  long long cores = topology_cores(topo);
  if (opts && opts->measure_clock)
    cpu_measured(cpu, cores, mhz);
  else
    cpu_not_measured(cpu);
  return cpu;
}

/* ---------------------------------------------------------------------------------------
 * OS, memory, libraries
 * ------------------------------------------------------------------------------------- */

static json_t *os_pretty_name(void) {
  FILE *f = fopen("/etc/os-release", "r");
  if (!f)
    return json_null();
  char line[512];
  json_t *v = json_null();
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "PRETTY_NAME=", 12) != 0)
      continue;
    char *s = line + 12;
    size_t n = strcspn(s, "\n");
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
      s++;
      n -= 2;
    }
    json_decref(v);
    v = json_stringn(s, n);
    break;
  }
  fclose(f);
  return v ? v : json_null();
}

static json_t *os_json(void) {
  json_t *o = json_object();
  struct utsname u;
  if (uname(&u) == 0) {
    set(o, "sysname", json_string(u.sysname));
    set(o, "release", json_string(u.release));
    set(o, "version", json_string(u.version));
    set(o, "machine", json_string(u.machine));
  }
  set(o, "pretty_name", os_pretty_name());
  return o;
}

static void memory_json(json_t *sys, hwloc_topology_t topo) {
  uint64_t bytes = 0;
  const char *src = NULL;
  if (topology_memory(topo)) {
    bytes = topology_memory(topo);
    src = "hwloc (total memory of all NUMA nodes)";
  } else {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) {
      bytes = (uint64_t)pages * (uint64_t)page;
      src = "sysconf(_SC_PHYS_PAGES x _SC_PAGESIZE)";
    }
  }
  set(sys, "memory_bytes", bytes ? json_integer((json_int_t)bytes) : json_null());
  set(sys, "memory_source", json_string(src ? src : "unknown: hwloc and sysconf failed"));
}

static json_t *libraries_json(hwloc_topology_t topo) {
  json_t *o = json_object();
  set(o, "jansson", json_string(jansson_version_str()));
  set(o, "libyaml", json_string(yaml_get_version_string()));
  hwloc_versions(o, topo);
  set(o, "libcpuid", json_string(cpuid_lib_version()));
  return o;
}

/* The topology; null when hwloc could not load one, and in a build without hwloc an object
 * whose source says so. */
static json_t *topology_or_why(hwloc_topology_t topo) {
#ifdef AB_HAVE_HWLOC
  return topo ? topology_json(topo) : json_null();
#else
  (void)topo;
  json_t *o = json_object();
  set(o, "source", json_string(NO_HWLOC));
  return o;
#endif
}

json_t *ab_sysinfo_collect(const ab_sysinfo_opts *opts) {
  json_t *sys = json_object();
  if (!sys)
    return json_null(); /* out of memory; json_null() is a static value and never fails */
  hwloc_topology_t topo = topology_load();
  char host[256] = "";
  set(sys, "hostname", gethostname(host, sizeof host - 1) == 0 ? str_or_null(host) : json_null());
  set(sys, "cpu", cpu_json(opts, topo));
  set(sys, "topology", topology_or_why(topo));
  set(sys, "os", os_json());
  memory_json(sys, topo);
  set(sys, "libraries", libraries_json(topo));
  topology_free(topo);
  return sys;
}
