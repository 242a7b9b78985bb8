/* accelbench CPU backend — the host CPU as one device, GEMM through OpenBLAS and oneDNN.
 *
 * Providers: "openblas" (f64, f32; bf16 only where the build has cblas_sbgemm) and
 * "onednn" (f32, bf16, int8 matmul). Buffers are host memory. There is no device timer:
 * case_run reports device_seconds = -1 and the harness's host clock is the measurement.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cpu_backend.h"

/* One GEMM case: the checked operands plus the provider's own state. */
typedef struct cpu_case {
  int provider; /* index into cpu_providers */
  ab_cpu_gemm gemm;
  void *impl;                   /* onednn: primitive and memory objects; openblas: none */
  const ab_cpu_kind_impl *kind; /* every kind but GEMM (cpu_kinds.c); NULL for GEMM */
} cpu_case;

/* "native" is plain C with OpenMP: the kinds no library here offers, and GEMM in a build
 * without OpenBLAS. The first provider is the default. */
static const char *const cpu_providers[] = {
#ifdef AB_HAVE_OPENBLAS
    "openblas",
#endif
#ifdef AB_HAVE_ONEDNN
    "onednn",
#endif
    "native", NULL};

/* What the last open() applied to the process (thread count and binding are process-wide),
 * so device_info can report it; device_info gets no device state. */
static pthread_mutex_t g_applied_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_applied_threads; /* 0: no device open */
static char g_applied_binding[160];

/* ---- discovery --------------------------------------------------------------------- */

static ab_status cpu_probe(char *msg) {
#ifdef AB_HAVE_OPENBLAS
  const ab_openblas *blas;
  return ab_openblas_load(&blas, msg);
#else
  (void)msg;
  return AB_OK;
#endif
}

static ab_status cpu_device_count(uint32_t *count, char *msg) {
  (void)msg;
  *count = 1;
  return AB_OK;
}

/* Value of the first "key<blanks>: value" line of /proc/cpuinfo; 0 if there is none. */
static int cpuinfo_field(const char *key, char *out, size_t n) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[512];
  int found = 0;
  size_t klen = strlen(key);
  while (f && !found && fgets(line, sizeof line, f)) {
    if (strncmp(line, key, klen) != 0)
      continue;
    char *p = line + klen + strspn(line + klen, " \t");
    if (*p != ':')
      continue;
    p += 1 + strspn(p + 1, " \t");
    p[strcspn(p, "\n")] = '\0';
    snprintf(out, n, "%s", p);
    found = 1;
  }
  if (f)
    fclose(f);
  return found;
}

static void package_info(const ab_cpu_affinity *aff, const char *name, char *out, size_t n);

static void cpu_vendor(const ab_cpu_affinity *aff, char *out, size_t n) {
  static const struct {
    const char *id, *name;
  } known[] = {{"AuthenticAMD", "AMD"},
               {"GenuineIntel", "Intel"},
               {"HygonGenuine", "Hygon"},
               {"CentaurHauls", "Zhaoxin"}};
  char id[64];
  if (cpuinfo_field("vendor_id", id, sizeof id)) {
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
      if (strcmp(id, known[i].id) == 0) {
        snprintf(out, n, "%s", known[i].name);
        return;
      }
    snprintf(out, n, "%s", id);
    return;
  }
  package_info(aff, "CPUVendor", out, n);
}

/* An info string of hwloc's first package, "" without one (or without hwloc). */
static void package_info(const ab_cpu_affinity *aff, const char *name, char *out, size_t n) {
  const char *v = NULL;
#ifdef AB_HAVE_HWLOC
  hwloc_obj_t pkg = aff->topo ? hwloc_get_obj_by_type(aff->topo, HWLOC_OBJ_PACKAGE, 0) : NULL;
  v = pkg ? hwloc_obj_get_info_by_name(pkg, name) : NULL;
#else
  (void)aff;
  (void)name;
#endif
  snprintf(out, n, "%s", v ? v : "");
}

static void cpu_name(const ab_cpu_affinity *aff, char *out, size_t n) {
  if (cpuinfo_field("model name", out, n))
    return;
  package_info(aff, "CPUModel", out, n);
}

/* cpufreq's maximum, where the kernel exposes it (VMs often do not: then 0 = unknown;
 * /proc/cpuinfo's "cpu MHz" is not used because on VMs it is often the TSC rate). */
static uint32_t max_clock_mhz(void) {
  FILE *f = fopen("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "r");
  unsigned long khz = 0;
  if (f) {
    if (fscanf(f, "%lu", &khz) != 1)
      khz = 0;
    fclose(f);
  }
  return (uint32_t)(khz / 1000);
}

static void add_attr(ab_device_info *info, const char *key, const char *value) {
  if (info->n_attrs >= AB_MAX_ATTRS)
    return;
  ab_attr *a = &info->attrs[info->n_attrs++];
  /* Copies that truncate on purpose: an attr value holds 159 characters at most. */
  size_t kl = strnlen(key, sizeof a->key - 1), vl = strnlen(value, sizeof a->value - 1);
  memcpy(a->key, key, kl);
  a->key[kl] = '\0';
  memcpy(a->value, value, vl);
  a->value[vl] = '\0';
}

static void add_thread_attrs(ab_device_info *info, const ab_cpu_affinity *aff) {
  char v[160];
  pthread_mutex_lock(&g_applied_lock);
  if (g_applied_threads > 0) {
    snprintf(v, sizeof v, "%d (set at open)", g_applied_threads);
    add_attr(info, "threads", v);
    add_attr(info, "binding", g_applied_binding);
  } else {
    snprintf(v, sizeof v, "%u (default at open: %s)", ab_cpu_core_count(aff),
             ab_cpu_can_pin() ? "physical cores" : "hardware threads");
    add_attr(info, "threads", v);
    char cur[128];
    ab_cpu_describe_binding(aff, cur, sizeof cur);
    snprintf(v, sizeof v, "%.110s; %s", cur,
             ab_cpu_can_pin() ? "open() binds one PU per core unless pin=none" : "pin=none");
    add_attr(info, "binding", v);
  }
  pthread_mutex_unlock(&g_applied_lock);
}

extern char **environ; /* POSIX: the application declares it */

/* Environment variables that steer the libraries (OpenBLAS reads OPENBLAS_* at load time,
 * e.g. OPENBLAS_L2_SIZE; OpenMP and oneDNN read OMP_*, DNNL_*, ONEDNN_*): a run file that
 * omits them cannot explain its numbers. */
static void library_env(char *out, size_t n) {
  static const char *const prefixes[] = {"OPENBLAS_", "GOTO_", "OMP_", "GOMP_", "DNNL_", "ONEDNN_"};
  size_t used = 0;
  out[0] = '\0';
  for (char **e = environ; e && *e; e++)
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
      if (strncmp(*e, prefixes[i], strlen(prefixes[i])) == 0 && used < n) {
        int w = snprintf(out + used, n - used, "%s%s", used ? " " : "", *e);
        used += w > 0 ? (size_t)w : 0;
      }
  if (!out[0])
    snprintf(out, n, "none set");
}

/* The OpenBLAS part of runtime_version and its attrs; a build without it says so. */
static void add_openblas_facts(ab_device_info *info, const ab_cpu_device *dev, char *ver,
                               size_t n) {
#ifdef AB_HAVE_OPENBLAS
  snprintf(ver, n, "OpenBLAS %s", dev->blas->version);
  add_attr(info, "openblas_core", dev->blas->get_corename());
  add_attr(info, "openblas_coretype_source", dev->blas->coretype_source);
  add_attr(info, "openblas_config", dev->blas->get_config());
#else
  (void)dev;
  snprintf(ver, n, "no OpenBLAS");
  add_attr(info, "openblas",
           "not built with OpenBLAS (AB_WITH_OPENBLAS=OFF): GEMM runs on the "
           "native provider's plain C loops");
#endif
}

/* Library versions: runtime_version plus the OpenBLAS and oneDNN attrs. */
static void add_library_facts(ab_device_info *info, const ab_cpu_device *dev) {
  char blas[48];
  add_openblas_facts(info, dev, blas, sizeof blas);
#ifdef AB_HAVE_ONEDNN
  char ver[64], isa[32];
  ab_cpu_onednn_describe(ver, sizeof ver, isa, sizeof isa);
  snprintf(info->runtime_version, sizeof info->runtime_version, "%s / oneDNN %.*s", blas,
           (int)strcspn(ver, " "), ver);
  add_attr(info, "onednn_version", ver);
  add_attr(info, "onednn_isa", isa);
#else
  snprintf(info->runtime_version, sizeof info->runtime_version, "%s", blas);
#endif
}

static void fill_info(ab_device_info *info, const ab_cpu_device *dev) {
  const ab_cpu_affinity *aff = &dev->aff;
  struct utsname un;
  char text[160];
  info->type = AB_DEVICE_CPU;
  cpu_name(aff, info->name, sizeof info->name);
  cpu_vendor(aff, info->vendor, sizeof info->vendor);
  if (uname(&un) == 0)
    snprintf(info->driver_version, sizeof info->driver_version, "%.20s %.40s", un.sysname,
             un.release);
  snprintf(info->uid, sizeof info->uid, "host");
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  info->memory_bytes = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
  info->compute_units = ab_cpu_core_count(aff);
  info->max_clock_mhz = max_clock_mhz();
  library_env(text, sizeof text);
  add_attr(info, "library_env", text);
  add_thread_attrs(info, aff);
  snprintf(text, sizeof text, "%u", ab_cpu_pu_count(aff));
  add_attr(info, "hardware_threads", text);
  add_library_facts(info, dev);
}

/* OpenBLAS into dev->blas; nothing to load in a build without it. */
static ab_status load_blas(ab_cpu_device *dev, char *msg) {
#ifdef AB_HAVE_OPENBLAS
  return ab_openblas_load(&dev->blas, msg);
#else
  (void)dev;
  (void)msg;
  return AB_OK;
#endif
}

static ab_status cpu_device_info(uint32_t index, ab_device_info *info, char *msg) {
  if (index != 0) {
    snprintf(msg, AB_MSG_LEN, "cpu: device index %u out of range (the host CPU is device 0)",
             index);
    return AB_E_INVALID;
  }
  ab_cpu_device dev = {0};
  ab_status st = load_blas(&dev, msg);
  if (st == AB_OK)
    st = ab_cpu_affinity_init(&dev.aff, msg);
  if (st != AB_OK)
    return st;
  uint32_t size = info->struct_size;
  memset(info, 0, sizeof *info);
  info->struct_size = size ? size : (uint32_t)sizeof *info;
  fill_info(info, &dev);
  ab_cpu_affinity_fini(&dev.aff);
  return AB_OK;
}

/* ---- open / close -------------------------------------------------------------------- */

typedef struct cpu_options {
  long threads; /* 0: default (physical cores) */
  int pin;      /* 1: cores, 0: none */
} cpu_options;

static ab_status parse_options(const ab_option *opt, size_t n, unsigned pus, cpu_options *out,
                               char *msg) {
  out->threads = 0;
  out->pin = ab_cpu_can_pin();
  for (size_t i = 0; i < n; i++) {
    const char *k = opt[i].key, *v = opt[i].value ? opt[i].value : "";
    if (k && strcmp(k, "threads") == 0) {
      char *end;
      errno = 0;
      long t = strtol(v, &end, 10);
      if (errno || end == v || *end || t < 1 || (unsigned long)t > pus) {
        snprintf(msg, AB_MSG_LEN,
                 "cpu: option threads=\"%s\": expected a whole number from 1 to %u (the "
                 "hardware threads this process may use)",
                 v, pus);
        return AB_E_INVALID;
      }
      out->threads = t;
    } else if (k && strcmp(k, "pin") == 0) {
      if (strcmp(v, "cores") != 0 && strcmp(v, "none") != 0) {
        snprintf(msg, AB_MSG_LEN, "cpu: option pin=\"%s\": expected \"cores\" or \"none\"", v);
        return AB_E_INVALID;
      }
      out->pin = strcmp(v, "cores") == 0;
    }
  }
  return AB_OK;
}

/* Thread count and binding for the whole process; `binding` gets a line for device_info. */
static ab_status apply_threads(ab_cpu_device *dev, const cpu_options *o, char *binding, size_t bn,
                               char *msg) {
  unsigned cores = ab_cpu_core_count(&dev->aff);
  dev->threads = o->threads ? (int)o->threads : (int)(cores ? cores : 1);
  if (o->pin && (unsigned)dev->threads > cores) {
    snprintf(msg, AB_MSG_LEN,
             "cpu: option threads=%d with pin=cores: only %u physical cores to bind one "
             "thread each to (use pin=none to oversubscribe)",
             dev->threads, cores);
    return AB_E_INVALID;
  }
  if (o->pin) {
    ab_status st = ab_cpu_bind_cores(&dev->aff, (unsigned)dev->threads, binding, bn, msg);
    if (st != AB_OK)
      return st;
  } else {
    char cur[128];
    ab_cpu_describe_binding(&dev->aff, cur, sizeof cur);
    snprintf(binding, bn, "pin=none: %s", cur);
  }
#ifdef AB_HAVE_OPENBLAS
  dev->blas->set_num_threads(dev->threads);
#endif
#ifdef AB_HAVE_ONEDNN
  ab_cpu_onednn_set_threads(dev->threads);
#endif
  return AB_OK;
}

static void cpu_close(void *state);

static ab_status cpu_open(uint32_t index, void *state, const ab_option *options, size_t n_options,
                          char *msg) {
  ab_cpu_device *dev = state;
  cpu_options o;
  char binding[160];
  if (index != 0) {
    snprintf(msg, AB_MSG_LEN, "cpu: device index %u out of range (the host CPU is device 0)",
             index);
    return AB_E_INVALID;
  }
  ab_status st = load_blas(dev, msg);
  if (st == AB_OK)
    st = ab_cpu_affinity_init(&dev->aff, msg);
  if (st == AB_OK)
    st = parse_options(options, n_options, ab_cpu_pu_count(&dev->aff), &o, msg);
  if (st == AB_OK)
    st = apply_threads(dev, &o, binding, sizeof binding, msg);
#ifdef AB_HAVE_ONEDNN
  if (st == AB_OK)
    st = ab_cpu_onednn_open(dev, msg);
#endif
  if (st != AB_OK) {
    cpu_close(dev);
    return st;
  }
  pthread_mutex_lock(&g_applied_lock);
  g_applied_threads = dev->threads;
  snprintf(g_applied_binding, sizeof g_applied_binding, "%s", binding);
  pthread_mutex_unlock(&g_applied_lock);
  return AB_OK;
}

/* Also undoes a partial open: every piece is checked before it is released. */
static void cpu_close(void *state) {
  ab_cpu_device *dev = state;
#ifdef AB_HAVE_ONEDNN
  ab_cpu_onednn_close(dev);
#endif
  ab_cpu_affinity_fini(&dev->aff); /* restores the binding from before open */
  pthread_mutex_lock(&g_applied_lock);
  g_applied_threads = 0;
  pthread_mutex_unlock(&g_applied_lock);
}

/* ---- memory -------------------------------------------------------------------------- */

static ab_status cpu_buffer_alloc(void *state, size_t bytes, ab_buffer **out, char *msg) {
  (void)state;
  /* aligned_alloc wants a multiple of the alignment; a 0-byte buffer still gets a line. */
  size_t rounded = bytes == 0 ? 64 : bytes > SIZE_MAX - 63 ? 0 : (bytes + 63) / 64 * 64;
  ab_buffer *b = malloc(sizeof *b);
  void *data = rounded ? aligned_alloc(64, rounded) : NULL;
  if (!b || !data) {
    free(b);
    free(data);
    snprintf(msg, AB_MSG_LEN, "cpu: aligned_alloc(64, %zu bytes) failed", bytes);
    return AB_E_NOMEM;
  }
  b->bytes = bytes;
  b->data = data;
  *out = b;
  return AB_OK;
}

static void cpu_buffer_free(void *state, ab_buffer *buf) {
  (void)state;
  if (!buf)
    return;
  free(buf->data);
  free(buf);
}

static ab_status check_range(const ab_buffer *b, size_t offset, size_t bytes, const char *what,
                             char *msg) {
  if (!b || offset > b->bytes || bytes > b->bytes - offset) {
    snprintf(msg, AB_MSG_LEN, "cpu: %s of %zu bytes at offset %zu outside a buffer of %zu bytes",
             what, bytes, offset, b ? b->bytes : 0);
    return AB_E_INVALID;
  }
  return AB_OK;
}

static ab_status cpu_copy_to_device(void *state, ab_buffer *dst, size_t offset, const void *src,
                                    size_t bytes, char *msg) {
  (void)state;
  ab_status st = check_range(dst, offset, bytes, "copy_to_device", msg);
  if (st == AB_OK && bytes)
    memcpy((unsigned char *)dst->data + offset, src, bytes);
  return st;
}

static ab_status cpu_copy_to_host(void *state, void *dst, const ab_buffer *src, size_t offset,
                                  size_t bytes, char *msg) {
  (void)state;
  ab_status st = check_range(src, offset, bytes, "copy_to_host", msg);
  if (st == AB_OK && bytes)
    memcpy(dst, (const unsigned char *)src->data + offset, bytes);
  return st;
}

/* ---- kernel cases -------------------------------------------------------------------- */

static int provider_index(const char *provider) {
  static const char *const by_id[] = {[AB_CPU_PROV_OPENBLAS] = "openblas",
                                      [AB_CPU_PROV_ONEDNN] = "onednn",
                                      [AB_CPU_PROV_NATIVE] = "native"};
  if (!provider)
    provider = cpu_providers[0]; /* the first provider is the default */
  for (int i = 0; cpu_providers[i]; i++)
    if (strcmp(provider, cpu_providers[i]) == 0)
      for (int id = 0; id < (int)(sizeof by_id / sizeof by_id[0]); id++)
        if (strcmp(provider, by_id[id]) == 0)
          return id;
  return -1;
}

/* "openblas, onednn, native": the providers of this build, for messages. */
static void provider_list(char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; cpu_providers[i] && used < len; i++) {
    int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", cpu_providers[i]);
    used += n > 0 ? (size_t)n : 0;
  }
}

/* rows * cols * elem bytes, or 0 on overflow. */
static size_t matrix_bytes(int64_t rows, int64_t cols, ab_dtype t) {
  uint64_t r = (uint64_t)rows, c = (uint64_t)cols, e = ab_dtype_size(t);
  if (c && r > SIZE_MAX / c)
    return 0;
  if (e && r * c > SIZE_MAX / e)
    return 0;
  return (size_t)(r * c * e);
}

static ab_status check_gemm_params(const ab_kernel_desc *d, char *msg) {
  const ab_gemm_params *p = &d->params.gemm;
  const struct {
    const char *name;
    int64_t v;
  } dims[] = {{"m", p->m}, {"n", p->n}, {"k", p->k}};
  for (size_t i = 0; i < 3; i++)
    if (dims[i].v < 1) {
      snprintf(msg, AB_MSG_LEN, "cpu: desc.params.gemm.%s = %lld: expected >= 1", dims[i].name,
               (long long)dims[i].v);
      return AB_E_INVALID;
    }
  if ((p->trans_a != 0 && p->trans_a != 1) || (p->trans_b != 0 && p->trans_b != 1)) {
    snprintf(msg, AB_MSG_LEN, "cpu: desc.params.gemm.trans_a/trans_b = %d/%d: expected 0 or 1",
             (int)p->trans_a, (int)p->trans_b);
    return AB_E_INVALID;
  }
  if (ab_dtype_size(d->dtype) == 0 || ab_dtype_size(d->out_dtype) == 0) {
    snprintf(msg, AB_MSG_LEN, "cpu: desc.dtype/out_dtype = %d/%d: not an accelbench dtype",
             (int)d->dtype, (int)d->out_dtype);
    return AB_E_INVALID;
  }
  return AB_OK;
}

/* Check the descriptor and the operand buffers, fill `g`. */
static ab_status check_gemm(const ab_kernel_desc *d, ab_buffer *const *ops, size_t n_ops,
                            ab_cpu_gemm *g, char *msg) {
  static const char *const names[3] = {"A", "B", "C"};
  if (n_ops != 3 || !ops) {
    snprintf(msg, AB_MSG_LEN, "cpu: GEMM takes 3 operands (A, B, C), got %zu", n_ops);
    return AB_E_INVALID;
  }
  ab_status st = check_gemm_params(d, msg);
  if (st != AB_OK)
    return st;
  const ab_gemm_params *p = &d->params.gemm;
  size_t need[3] = {matrix_bytes(p->m, p->k, d->dtype), matrix_bytes(p->k, p->n, d->dtype),
                    matrix_bytes(p->m, p->n, d->out_dtype)};
  for (int i = 0; i < 3; i++) {
    if (!ops[i] || need[i] == 0 || ops[i]->bytes < need[i]) {
      snprintf(msg, AB_MSG_LEN,
               "cpu: GEMM operand %s: buffer has %zu bytes, %lldx%lldx%lld needs %zu%s", names[i],
               ops[i] ? ops[i]->bytes : 0, (long long)p->m, (long long)p->n, (long long)p->k,
               need[i], need[i] ? "" : " (overflows size_t)");
      return AB_E_INVALID;
    }
  }
  g->p = *p;
  g->in = d->dtype;
  g->out = d->out_dtype;
  g->a = ops[0]->data;
  g->b = ops[1]->data;
  g->c = ops[2]->data;
  return AB_OK;
}

static ab_status check_desc(const ab_kernel_desc *d, int prov, const char *provider, char *msg) {
  if (!d) {
    snprintf(msg, AB_MSG_LEN, "cpu: case_prepare: desc is NULL");
    return AB_E_INVALID;
  }
  if (d->struct_size < offsetof(ab_kernel_desc, params) + sizeof(ab_gemm_params)) {
    snprintf(msg, AB_MSG_LEN, "cpu: desc.struct_size = %u: too small for a descriptor",
             (unsigned)d->struct_size);
    return AB_E_INVALID;
  }
  if (prov < 0) {
    char list[64];
    provider_list(list, sizeof list);
    snprintf(msg, AB_MSG_LEN, "cpu: no provider \"%s\" (this build has: %s)", provider, list);
    return AB_E_UNSUPPORTED;
  }
#ifdef AB_HAVE_OPENBLAS /* native GEMM exists only in builds without OpenBLAS */
  if (d->kind == AB_KERNEL_GEMM && prov == AB_CPU_PROV_NATIVE) {
    snprintf(msg, AB_MSG_LEN,
             "cpu: GEMM runs through the openblas and onednn providers, "
             "not native");
    return AB_E_UNSUPPORTED;
  }
#endif
  if (d->kind != AB_KERNEL_GEMM && !ab_cpu_kind_find(d->kind, prov)) {
    ab_cpu_kind_unsupported(d->kind, provider, msg);
    return AB_E_UNSUPPORTED;
  }
  return AB_OK;
}

/* ABI 1.3: the same answer as case_prepare's first checks, before any operand exists. */
/* decoder, ABI 1.4: device-to-device copy (the decoder layer's KV-cache append). */
static ab_status cpu_buffer_copy(void *state, ab_buffer *dst, size_t dst_offset,
                                 const ab_buffer *src, size_t src_offset, size_t bytes, char *msg) {
  (void)state;
  ab_status st = check_range(src, src_offset, bytes, "buffer_copy (source)", msg);
  if (st == AB_OK)
    st = check_range(dst, dst_offset, bytes, "buffer_copy (destination)", msg);
  if (st == AB_OK && bytes)
    memmove((unsigned char *)dst->data + dst_offset, (const unsigned char *)src->data + src_offset,
            bytes);
  return st;
}

static ab_status cpu_case_query(void *state, const ab_kernel_desc *desc, const char *provider,
                                char *msg) {
  (void)state;
  return check_desc(desc, provider_index(provider), provider, msg);
}

static void cpu_case_release(void *state, void *case_state);

static ab_status cpu_case_prepare(void *state, const ab_kernel_desc *desc, const char *provider,
                                  ab_buffer *const *operands, size_t n_operands, void **case_state,
                                  ab_case_info *info, char *msg) {
  ab_cpu_device *dev = state;
  int prov = provider_index(provider);
  ab_status st = check_desc(desc, prov, provider, msg);
  if (st != AB_OK)
    return st;
  cpu_case *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(msg, AB_MSG_LEN, "cpu: out of host memory for the case state");
    return AB_E_NOMEM;
  }
  c->provider = prov;
  info->implementation[0] = '\0';
  info->setup_seconds = 0.0;
  if (desc->kind != AB_KERNEL_GEMM) {
    c->kind = ab_cpu_kind_find(desc->kind, prov);
    st = c->kind->prepare(dev, desc, operands, n_operands, &c->impl, info, msg);
    if (st != AB_OK) {
      c->kind = NULL; /* nothing to release */
      cpu_case_release(dev, c);
      return st;
    }
    *case_state = c;
    return AB_OK;
  }
  st = check_gemm(desc, operands, n_operands, &c->gemm, msg);
#ifdef AB_HAVE_OPENBLAS
  if (st == AB_OK && prov == AB_CPU_PROV_OPENBLAS)
    st = ab_cpu_openblas_prepare(dev, &c->gemm, info, msg);
#else
  if (st == AB_OK && prov == AB_CPU_PROV_NATIVE)
    st = ab_cpu_native_gemm_prepare(&c->gemm, info, msg);
#endif
#ifdef AB_HAVE_ONEDNN
  if (st == AB_OK && prov == AB_CPU_PROV_ONEDNN)
    st = ab_cpu_onednn_prepare(dev, &c->gemm, &c->impl, info, msg);
#endif
  if (st != AB_OK) {
    cpu_case_release(dev, c);
    return st;
  }
  *case_state = c;
  return AB_OK;
}

static ab_status cpu_case_run(void *state, void *case_state, uint32_t iterations, ab_timing *timing,
                              char *msg) {
  ab_cpu_device *dev = state;
  cpu_case *c = case_state;
  ab_status st;
  if (!c) {
    snprintf(msg, AB_MSG_LEN, "cpu: case_run without a prepared case (case_state is NULL)");
    return AB_E_INVALID;
  }
  if (c->kind)
    st = c->kind->run(dev, c->impl, iterations, msg);
#ifdef AB_HAVE_ONEDNN
  else if (c->provider == AB_CPU_PROV_ONEDNN)
    st = ab_cpu_onednn_run(dev, c->impl, iterations, msg);
#endif
#ifdef AB_HAVE_OPENBLAS
  else
    st = ab_cpu_openblas_run(dev, &c->gemm, iterations, msg);
#else
  else
    st = ab_cpu_native_gemm_run(dev, &c->gemm, iterations, msg);
#endif
  if (timing)
    timing->device_seconds = -1.0; /* no device timer: the harness's host clock counts */
  return st;
}

static void cpu_case_release(void *state, void *case_state) {
  (void)state;
  cpu_case *c = case_state;
  if (!c)
    return;
  if (c->kind) {
    if (c->kind->release)
      c->kind->release(c->impl);
  }
#ifdef AB_HAVE_ONEDNN
  else if (c->provider == AB_CPU_PROV_ONEDNN)
    ab_cpu_onednn_release(c->impl);
#endif
  free(c);
}

/* The keys parse_options() reads (ABI 1.4: the harness refuses any other `-O key`). */
static const char *const cpu_option_keys[] = {"threads", "pin", NULL};

static const ab_backend cpu_backend = {
    .abi_major = AB_BACKEND_ABI_MAJOR,
    .abi_minor = AB_BACKEND_ABI_MINOR,
    .struct_size = sizeof(ab_backend),
    .name = "cpu",
    .description = "host CPU: GEMM via "
#ifdef AB_HAVE_OPENBLAS
                   "OpenBLAS (core type chosen from CPUID)"
#else
                   "plain C loops (built without OpenBLAS)"
#endif
#ifdef AB_HAVE_ONEDNN
                   " and oneDNN matmul"
#endif
    ,
    .device_state_size = sizeof(ab_cpu_device),
    .providers = cpu_providers,
    .probe = cpu_probe,
    .device_count = cpu_device_count,
    .device_info = cpu_device_info,
    .open = cpu_open,
    .close = cpu_close,
    .buffer_alloc = cpu_buffer_alloc,
    .buffer_free = cpu_buffer_free,
    .copy_to_device = cpu_copy_to_device,
    .copy_to_host = cpu_copy_to_host,
    .case_prepare = cpu_case_prepare,
    .case_run = cpu_case_run,
    .case_release = cpu_case_release,
    .case_query = cpu_case_query,
    .option_keys = cpu_option_keys,
    /* decoder, ABI 1.4 */
    .buffer_copy = cpu_buffer_copy,
};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_abi_major);

const ab_backend *accelbench_backend_entry(uint32_t harness_abi_major) {
  (void)harness_abi_major; /* one table; the harness compares the versions */
  return &cpu_backend;
}
