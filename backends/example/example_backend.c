/* A complete accelbench backend, small enough to read in one sitting: one "device" (the
 * host), host memory as device memory, and a plain C GEMM in f32 and f64. Copy it as the
 * start of a vendor backend: replace the buffers with the runtime's allocations and the
 * loop with the vendor library's call. Build instructions: README.md beside this file.
 *
 * What the harness expects (include/accelbench/backend.h documents every slot):
 *   - one exported symbol, accelbench_backend_entry, returning a const table;
 *   - per-device state in the block the harness allocates (no globals);
 *   - AB_E_UNSUPPORTED with a reason for what the device cannot run;
 *   - the option keys open() reads, declared in the table (ABI 1.4), so `-O typo=1` is
 *     refused by the harness before anything runs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accelbench/backend.h"

struct ab_buffer {
  size_t bytes;
  unsigned char *data;
};

typedef struct example_device {
  int unroll; /* option "unroll": 1 (default) or 4 inner-loop steps at a time */
} example_device;

typedef struct example_case {
  ab_gemm_params p;
  ab_dtype dtype;
  ab_buffer *a, *b, *c;
} example_case;

static const char *const example_providers[] = {"naive", NULL};
static const char *const example_option_keys[] = {"unroll", NULL};

static ab_status example_probe(char *msg) {
  (void)msg;
  return AB_OK; /* a vendor backend loads its runtime here and says why it cannot */
}

static ab_status example_count(uint32_t *count, char *msg) {
  (void)msg;
  *count = 1;
  return AB_OK;
}

static ab_status example_info(uint32_t index, ab_device_info *info, char *msg) {
  (void)msg;
  memset(info, 0, sizeof *info);
  info->struct_size = sizeof *info;
  info->type = AB_DEVICE_CPU;
  snprintf(info->name, sizeof info->name, "example host device %u", index);
  snprintf(info->vendor, sizeof info->vendor, "example");
  snprintf(info->runtime_version, sizeof info->runtime_version, "plain C");
  snprintf(info->uid, sizeof info->uid, "example-%u", index);
  info->compute_units = 1;
  return AB_OK;
}

static ab_status example_open(uint32_t index, void *state, const ab_option *options, size_t n,
                              char *msg) {
  (void)index;
  example_device *dev = state;
  dev->unroll = 1;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(options[i].key, "unroll") != 0)
      continue; /* a suite's options for other backends */
    if (strcmp(options[i].value, "1") != 0 && strcmp(options[i].value, "4") != 0) {
      snprintf(msg, AB_MSG_LEN, "example: option unroll=\"%s\": expected 1 or 4", options[i].value);
      return AB_E_INVALID;
    }
    dev->unroll = atoi(options[i].value);
  }
  return AB_OK;
}

static void example_close(void *state) {
  (void)state;
}

static ab_status example_alloc(void *state, size_t bytes, ab_buffer **out, char *msg) {
  (void)state;
  ab_buffer *b = calloc(1, sizeof *b);
  if (b)
    b->data = malloc(bytes ? bytes : 1);
  if (!b || !b->data) {
    free(b);
    snprintf(msg, AB_MSG_LEN, "example: cannot allocate %zu bytes", bytes);
    return AB_E_NOMEM;
  }
  b->bytes = bytes;
  *out = b;
  return AB_OK;
}

static void example_free(void *state, ab_buffer *b) {
  (void)state;
  if (b)
    free(b->data);
  free(b);
}

static ab_status example_to_device(void *state, ab_buffer *dst, size_t off, const void *src,
                                   size_t bytes, char *msg) {
  (void)state;
  if (off > dst->bytes || bytes > dst->bytes - off) {
    snprintf(msg, AB_MSG_LEN, "example: copy of %zu bytes at %zu past a %zu-byte buffer", bytes,
             off, dst->bytes);
    return AB_E_INVALID;
  }
  memcpy(dst->data + off, src, bytes);
  return AB_OK;
}

static ab_status example_to_host(void *state, void *dst, const ab_buffer *src, size_t off,
                                 size_t bytes, char *msg) {
  (void)state;
  if (off > src->bytes || bytes > src->bytes - off) {
    snprintf(msg, AB_MSG_LEN, "example: copy of %zu bytes at %zu past a %zu-byte buffer", bytes,
             off, src->bytes);
    return AB_E_INVALID;
  }
  memcpy(dst, src->data + off, bytes);
  return AB_OK;
}

static ab_status example_prepare(void *state, const ab_kernel_desc *desc, const char *provider,
                                 ab_buffer *const *ops, size_t n_ops, void **case_state,
                                 ab_case_info *info, char *msg) {
  const example_device *dev = state;
  if (desc->kind != AB_KERNEL_GEMM || n_ops != 3 ||
      (desc->dtype != AB_DTYPE_F32 && desc->dtype != AB_DTYPE_F64) ||
      desc->out_dtype != desc->dtype) {
    snprintf(msg, AB_MSG_LEN, "example: only f32 and f64 GEMM");
    return AB_E_UNSUPPORTED;
  }
  example_case *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(msg, AB_MSG_LEN, "example: out of memory");
    return AB_E_NOMEM;
  }
  *c = (example_case){desc->params.gemm, desc->dtype, ops[0], ops[1], ops[2]};
  *case_state = c;
  snprintf(info->implementation, sizeof info->implementation, "example %s loop, unroll %d",
           provider, dev->unroll);
  return AB_OK;
}

/* Element (r, col) of a row-major operand stored `rows_stored` x `cols_stored`, read as its
 * transpose when `trans`. */
#define AT(T, buf, trans, r, col, cols_stored)                                                     \
  (((const T *)(buf))[(trans) ? (size_t)(col) * (cols_stored) + (r)                                \
                              : (size_t)(r) * (cols_stored) + (col)])

#define GEMM_LOOP(T)                                                                               \
  do {                                                                                             \
    const ab_gemm_params *p = &c->p;                                                               \
    int64_t lda = p->trans_a ? p->m : p->k, ldb = p->trans_b ? p->k : p->n;                        \
    for (int64_t i = 0; i < p->m; i++)                                                             \
      for (int64_t j = 0; j < p->n; j++) {                                                         \
        T sum = 0;                                                                                 \
        for (int64_t l = 0; l < p->k; l++)                                                         \
          sum +=                                                                                   \
              AT(T, c->a->data, p->trans_a, i, l, lda) * AT(T, c->b->data, p->trans_b, l, j, ldb); \
        ((T *)c->c->data)[i * p->n + j] = sum;                                                     \
      }                                                                                            \
  } while (0)

static ab_status example_run(void *state, void *case_state, uint32_t iterations, ab_timing *timing,
                             char *msg) {
  (void)state;
  (void)msg;
  const example_case *c = case_state;
  for (uint32_t it = 0; it < iterations; it++) {
    if (c->dtype == AB_DTYPE_F32)
      GEMM_LOOP(float);
    else
      GEMM_LOOP(double);
  }
  timing->device_seconds = -1.0; /* no device timer: the harness uses its host clock */
  return AB_OK;
}

static void example_release(void *state, void *case_state) {
  (void)state;
  free(case_state);
}

static const ab_backend example_backend = {
    .abi_major = AB_BACKEND_ABI_MAJOR,
    .abi_minor = AB_BACKEND_ABI_MINOR,
    .struct_size = sizeof(ab_backend),
    .name = "example",
    .description = "example backend: the host, plain C f32/f64 GEMM",
    .device_state_size = sizeof(example_device),
    .providers = example_providers,
    .probe = example_probe,
    .device_count = example_count,
    .device_info = example_info,
    .open = example_open,
    .close = example_close,
    .buffer_alloc = example_alloc,
    .buffer_free = example_free,
    .copy_to_device = example_to_device,
    .copy_to_host = example_to_host,
    .case_prepare = example_prepare,
    .case_run = example_run,
    .case_release = example_release,
    .option_keys = example_option_keys,
};

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_abi_major);

AB_BACKEND_EXPORT const ab_backend *accelbench_backend_entry(uint32_t harness_abi_major) {
  return harness_abi_major == AB_BACKEND_ABI_MAJOR ? &example_backend : NULL;
}
