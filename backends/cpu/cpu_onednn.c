/* accelbench CPU backend — the "onednn" GEMM provider (oneDNN matmul primitive, C API).
 *
 * oneDNN 2.6.3 as Debian 12 ships it: OpenMP CPU runtime, no f64 data type, and (on the
 * project's AVX-512 VM) no f16 matmul implementation (../shared/reference/
 * cpu-libraries.md). The library itself decides what it can run: every dtype combination
 * it knows is handed to dnnl_primitive_desc_create, and "unimplemented" becomes
 * AB_E_UNSUPPORTED with oneDNN's own words in the reason.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl_debug.h>
#if DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP
#include <omp.h>
#endif

#include "cpu_backend.h"

typedef struct onednn_case {
  dnnl_primitive_t prim;
  dnnl_memory_t a, b, c;
} onednn_case;

/* GNU OpenMP (libgomp, oneDNN's runtime on Debian) keeps its thread pool across fork() but
 * not the threads: a child forked after the parent ran an OpenMP region hangs in the
 * next one (measured here: oneDNN matmul in the parent, fork, matmul in the child never
 * returns; OpenBLAS's own pool survives forks). The process that first ran oneDNN is
 * remembered so a forked child gets an error instead of a hang. */
static atomic_int g_omp_pid;

static ab_status check_fork(char *msg) {
  int me = (int)getpid(), expected = 0;
  if (atomic_compare_exchange_strong(&g_omp_pid, &expected, me) || expected == me)
    return AB_OK;
  snprintf(msg, AB_MSG_LEN,
           "onednn: this process was forked from pid %d after that one ran oneDNN; GNU "
           "OpenMP would hang here. Run oneDNN cases only in child processes, or only in "
           "the parent",
           expected);
  return AB_E_DEVICE;
}

static ab_status fail(dnnl_status_t s, const char *call, char *msg) {
  snprintf(msg, AB_MSG_LEN, "%s: %s (oneDNN status %d)", call, dnnl_status2str(s), (int)s);
  if (s == dnnl_unimplemented)
    return AB_E_UNSUPPORTED;
  return s == dnnl_out_of_memory ? AB_E_NOMEM : AB_E_DEVICE;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

ab_status ab_cpu_onednn_open(ab_cpu_device *dev, char *msg) {
  dnnl_status_t s = dnnl_engine_create(&dev->engine, dnnl_cpu, 0);
  if (s != dnnl_success) {
    dev->engine = NULL;
    return fail(s, "dnnl_engine_create(cpu, 0)", msg);
  }
  s = dnnl_stream_create(&dev->stream, dev->engine, dnnl_stream_default_flags);
  if (s != dnnl_success) {
    dev->stream = NULL;
    return fail(s, "dnnl_stream_create", msg);
  }
  return AB_OK;
}

void ab_cpu_onednn_close(ab_cpu_device *dev) {
  if (dev->stream)
    dnnl_stream_destroy(dev->stream);
  if (dev->engine)
    dnnl_engine_destroy(dev->engine);
  dev->stream = NULL;
  dev->engine = NULL;
}

void ab_cpu_onednn_set_threads(int threads) {
#if DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP
  /* nthreads-var is an ICV of the calling thread: set it on the thread that executes. */
  omp_set_num_threads(threads);
#else
  (void)threads; /* TBB/threadpool runtimes: oneDNN 2.6 offers no C call for this */
#endif
}

static const char *runtime_name(unsigned rt) {
  switch (rt) {
  case DNNL_RUNTIME_OMP: return "OpenMP";
  case DNNL_RUNTIME_TBB: return "TBB";
  case DNNL_RUNTIME_SEQ: return "sequential";
  case DNNL_RUNTIME_THREADPOOL: return "threadpool";
  default: return "unknown";
  }
}

static const char *isa_name(dnnl_cpu_isa_t isa) {
  switch (isa) {
  case dnnl_cpu_isa_sse41: return "sse41";
  case dnnl_cpu_isa_avx: return "avx";
  case dnnl_cpu_isa_avx2: return "avx2";
  case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
  case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
  case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
  case dnnl_cpu_isa_avx512_core: return "avx512_core";
  case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
  case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
  case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
  default: return NULL;
  }
}

void ab_cpu_onednn_describe(char *version, size_t vn, char *isa, size_t in) {
  const dnnl_version_t *v = dnnl_version();
  snprintf(version, vn, "%d.%d.%d (cpu runtime %s)", v->major, v->minor, v->patch,
           runtime_name(v->cpu_runtime));
  dnnl_cpu_isa_t e = dnnl_get_effective_cpu_isa();
  const char *name = isa_name(e);
  if (name)
    snprintf(isa, in, "%s", name);
  else
    snprintf(isa, in, "0x%x", (unsigned)e);
}

/* oneDNN data type for an accelbench dtype, or undef with the reason in msg. */
static dnnl_data_type_t to_dnnl(ab_dtype t, char *msg) {
  switch (t) {
  case AB_DTYPE_F32: return dnnl_f32;
  case AB_DTYPE_F16: return dnnl_f16;
  case AB_DTYPE_BF16: return dnnl_bf16;
  case AB_DTYPE_I8: return dnnl_s8;
  case AB_DTYPE_I32: return dnnl_s32;
  case AB_DTYPE_F64: {
    const dnnl_version_t *v = dnnl_version();
    snprintf(msg, AB_MSG_LEN,
             "oneDNN %d.%d.%d has no f64 data type (dnnl_data_type_t), so no "
             "f64 matmul",
             v->major, v->minor, v->patch);
    return dnnl_data_type_undef;
  }
  default:
    snprintf(msg, AB_MSG_LEN, "oneDNN: no data type for accelbench dtype %s", ab_dtype_str(t));
    return dnnl_data_type_undef;
  }
}

/* Row-major logical matrix rows x cols; `trans` means it is stored cols x rows, which is
 * the same logical matrix read with swapped strides (kernel.h layout rules). */
static dnnl_status_t matrix_md(dnnl_memory_desc_t *md, int64_t rows, int64_t cols, int trans,
                               dnnl_data_type_t dt) {
  dnnl_dims_t dims = {rows, cols};
  dnnl_dims_t strides = {cols, 1};
  if (trans) {
    strides[0] = 1;
    strides[1] = rows;
  }
  return dnnl_memory_desc_init_by_strides(md, 2, dims, dt, strides);
}

static ab_status make_mds(const ab_cpu_gemm *g, dnnl_memory_desc_t md[3], char *msg) {
  dnnl_data_type_t in = to_dnnl(g->in, msg);
  if (in == dnnl_data_type_undef)
    return AB_E_UNSUPPORTED;
  dnnl_data_type_t out = to_dnnl(g->out, msg);
  if (out == dnnl_data_type_undef)
    return AB_E_UNSUPPORTED;
  const ab_gemm_params *p = &g->p;
  dnnl_status_t s = matrix_md(&md[0], p->m, p->k, p->trans_a, in);
  if (s == dnnl_success)
    s = matrix_md(&md[1], p->k, p->n, p->trans_b, in);
  if (s == dnnl_success)
    s = matrix_md(&md[2], p->m, p->n, 0, out);
  return s == dnnl_success ? AB_OK : fail(s, "dnnl_memory_desc_init_by_strides", msg);
}

/* Create the primitive; on "unimplemented" say which types oneDNN refused and on what ISA. */
static ab_status make_primitive(ab_cpu_device *dev, const ab_cpu_gemm *g,
                                const dnnl_memory_desc_t md[3], onednn_case *oc, ab_case_info *info,
                                char *msg) {
  dnnl_matmul_desc_t desc;
  dnnl_primitive_desc_t pd = NULL;
  dnnl_status_t s = dnnl_matmul_desc_init(&desc, &md[0], &md[1], NULL, &md[2]);
  if (s != dnnl_success)
    return fail(s, "dnnl_matmul_desc_init", msg);
  s = dnnl_primitive_desc_create(&pd, &desc, NULL, dev->engine, NULL);
  if (s != dnnl_success) {
    char isa[32], ver[64], why[AB_MSG_LEN];
    ab_status st = fail(s, "dnnl_primitive_desc_create", why);
    ab_cpu_onednn_describe(ver, sizeof ver, isa, sizeof isa);
    snprintf(msg, AB_MSG_LEN, "oneDNN %s matmul %s x %s -> %s on cpu isa %s: %.300s", ver,
             ab_dtype_str(g->in), ab_dtype_str(g->in), ab_dtype_str(g->out), isa, why);
    return st;
  }
  const char *impl = NULL;
  s = dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
  snprintf(info->implementation, sizeof info->implementation, "onednn %s",
           s == dnnl_success && impl ? impl : "(impl_info_str unavailable)");
  s = dnnl_primitive_create(&oc->prim, pd);
  dnnl_primitive_desc_destroy(pd);
  if (s != dnnl_success) {
    oc->prim = NULL;
    return fail(s, "dnnl_primitive_create(matmul)", msg);
  }
  return AB_OK;
}

static ab_status wrap_buffers(ab_cpu_device *dev, const ab_cpu_gemm *g,
                              const dnnl_memory_desc_t md[3], onednn_case *oc, char *msg) {
  dnnl_memory_t *mem[3] = {&oc->a, &oc->b, &oc->c};
  void *ptr[3] = {g->a, g->b, g->c};
  for (int i = 0; i < 3; i++) {
    dnnl_status_t s = dnnl_memory_create(mem[i], &md[i], dev->engine, ptr[i]);
    if (s != dnnl_success) {
      *mem[i] = NULL;
      return fail(s, "dnnl_memory_create", msg);
    }
  }
  return AB_OK;
}

ab_status ab_cpu_onednn_prepare(ab_cpu_device *dev, const ab_cpu_gemm *g, void **impl,
                                ab_case_info *info, char *msg) {
  dnnl_memory_desc_t md[3];
  ab_status st = check_fork(msg);
  if (st == AB_OK)
    st = make_mds(g, md, msg);
  if (st != AB_OK)
    return st;
  onednn_case *oc = calloc(1, sizeof *oc);
  if (!oc) {
    snprintf(msg, AB_MSG_LEN, "onednn: out of host memory for the case state");
    return AB_E_NOMEM;
  }
  /* Primitive creation is where oneDNN picks and JIT-compiles its kernel: setup time. */
  double t0 = now_seconds();
  st = make_primitive(dev, g, md, oc, info, msg);
  info->setup_seconds = now_seconds() - t0;
  if (st == AB_OK)
    st = wrap_buffers(dev, g, md, oc, msg);
  if (st != AB_OK) {
    ab_cpu_onednn_release(oc);
    return st;
  }
  *impl = oc;
  return AB_OK;
}

ab_status ab_cpu_onednn_execute(ab_cpu_device *dev, dnnl_primitive_t prim, int nargs,
                                const dnnl_exec_arg_t *args, uint32_t iterations, const char *call,
                                char *msg) {
  ab_status st = check_fork(msg);
  if (st != AB_OK)
    return st;
  ab_cpu_onednn_set_threads(dev->threads);
  for (uint32_t i = 0; i < iterations; i++) {
    dnnl_status_t s = dnnl_primitive_execute(prim, dev->stream, nargs, args);
    if (s != dnnl_success)
      return fail(s, call, msg);
  }
  dnnl_status_t s = dnnl_stream_wait(dev->stream);
  return s == dnnl_success ? AB_OK : fail(s, "dnnl_stream_wait", msg);
}

ab_status ab_cpu_onednn_run(ab_cpu_device *dev, void *impl, uint32_t iterations, char *msg) {
  onednn_case *oc = impl;
  dnnl_exec_arg_t args[3] = {
      {DNNL_ARG_SRC, oc->a}, {DNNL_ARG_WEIGHTS, oc->b}, {DNNL_ARG_DST, oc->c}};
  return ab_cpu_onednn_execute(dev, oc->prim, 3, args, iterations, "dnnl_primitive_execute(matmul)",
                               msg);
}

void ab_cpu_onednn_release(void *impl) {
  onednn_case *oc = impl;
  if (!oc)
    return;
  if (oc->prim)
    dnnl_primitive_destroy(oc->prim);
  if (oc->a)
    dnnl_memory_destroy(oc->a);
  if (oc->b)
    dnnl_memory_destroy(oc->b);
  if (oc->c)
    dnnl_memory_destroy(oc->c);
  free(oc);
}

/* For the other kinds' oneDNN providers (cpu_<kind>.c): the same fork guard, status
 * mapping and data types as the GEMM provider. */
ab_status ab_cpu_onednn_check_fork(char *msg) {
  return check_fork(msg);
}

ab_status ab_cpu_onednn_fail(dnnl_status_t s, const char *call, char *msg) {
  return fail(s, call, msg);
}

dnnl_data_type_t ab_cpu_onednn_dtype(ab_dtype t, char *msg) {
  return to_dnnl(t, msg);
}
