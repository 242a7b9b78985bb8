/* accelbench — kernel kinds as data. Each kind is one table (ab_kind_def) in one file under
 * bench/model/kinds/: its parameters (a field list that the config reader, the run-file
 * codec and the shape text all walk), the work one call does, its operands (role, dtype,
 * size, value distribution), how it is reported (primary metric, which ceiling bounds it)
 * and how its output is checked against a float64 reference. The runner, planner, config
 * reader, run-file codec and renderers read these tables and hold no per-kind code, so a new
 * kind is a new file here (plus its registry line in kinds.c) and each backend's
 * implementation. The run-file schema's shape fragment of each kind is the one
 * ab_kind_shape_schema derives from its fields (tests/runfile/test_kind_schema.c). */
#ifndef AB_MODEL_KIND_H
#define AB_MODEL_KIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accelbench/kernel.h"
#include "accelbench/status.h"
#include "model/record.h"

/* Most operands any kind has. */
#define AB_MAX_OPERANDS AB_KERNEL_MAX_OPERANDS

/* ---- parameters ------------------------------------------------------------------------ */

typedef enum ab_param_type {
  AB_PARAM_I64 = 1,  /* int64_t, between min and max */
  AB_PARAM_BOOL = 2, /* int32_t 0/1; true/false in configs and run files */
  AB_PARAM_ENUM = 3, /* int32_t index into `names` */
} ab_param_type;

/* One parameter of a kind: a member of its struct in ab_kernel_desc.params. The config
 * reader reads it by `name` (a missing optional field keeps `dflt`), the run file stores it
 * under kernel.shape.<name>, and the generic shape text prints "name=value". */
typedef struct ab_param_field {
  const char *name;
  size_t offset; /* offsetof within the kind's params struct (all start at the union's start) */
  ab_param_type type;
  int64_t min, max;         /* AB_PARAM_I64 range */
  bool optional;            /* configs may leave it out */
  int64_t dflt;             /* value when left out */
  const char *const *names; /* AB_PARAM_ENUM: names by value */
  size_t n_names;
} ab_param_field;

/* The two common fields, named as their params member: a count (an integer >= 1) and an
 * enum whose value names the string array `names` lists. */
#define AB_FIELD_COUNT(params_type, member)                                                        \
  {                                                                                                \
    .name = #member, .offset = offsetof(params_type, member), .type = AB_PARAM_I64, .min = 1,      \
    .max = INT64_MAX                                                                               \
  }
#define AB_FIELD_ENUM(params_type, member, names_array)                                            \
  {                                                                                                \
    .name = #member, .offset = offsetof(params_type, member), .type = AB_PARAM_ENUM,               \
    .names = (names_array), .n_names = sizeof(names_array) / sizeof((names_array)[0])              \
  }

int64_t ab_param_get(const ab_kernel_desc *d, const ab_param_field *f);
void ab_param_set(ab_kernel_desc *d, const ab_param_field *f, int64_t v);

/* ---- operands --------------------------------------------------------------------------- */

typedef enum ab_operand_role {
  AB_OPERAND_INPUT = 0,  /* filled from the seed before the case, never written */
  AB_OPERAND_OUTPUT = 1, /* poisoned before the case, checked after */
} ab_operand_role;

typedef enum ab_value_dist {
  AB_DIST_UNIFORM = 0, /* ab_fill_random: floats in [-1, 1), int8 in [-32, 31] */
  AB_DIST_NONE = 1,    /* the backend fills it itself (host-to-device pattern) */
  AB_DIST_KIND = 2,    /* the kind's own `fill` (decoder weights scaled to their fan-in) */
} ab_value_dist;

typedef struct ab_operand_def {
  ab_operand_role role;
  ab_dtype dtype;
  size_t bytes;
  ab_value_dist dist;
} ab_operand_def;

/* ---- reporting -------------------------------------------------------------------------- */

typedef enum ab_metric {
  AB_METRIC_FLOPS = 0,   /* GFLOP/s (GOP/s for integer dtypes) */
  AB_METRIC_BYTES = 1,   /* GB/s */
  AB_METRIC_LATENCY = 2, /* calls per second, from the time of one call */
  AB_METRIC_TOKENS = 3,  /* tokens per second: the kind's `tokens` per call / time */
} ab_metric;

/* Which measured ceiling a kind is judged against (efficiency, roofline), and which
 * ceiling it measures when it is a microbenchmark. */
typedef enum ab_bound {
  AB_BOUND_NONE = 0,    /* no device ceiling applies (host transfers, launch latency) */
  AB_BOUND_COMPUTE = 1, /* peak arithmetic rate of its dtype */
  AB_BOUND_MEMORY = 2,  /* device memory bandwidth */
} ab_bound;

/* ---- validation ------------------------------------------------------------------------- */

/* What a kind's check sees: the case, the host copies of its inputs, and read-back of its
 * outputs through the harness (whose time is the backend's). The random choices of a check
 * (sampled elements, vectors) come from `seed`. */
typedef struct ab_check_io {
  const ab_kernel_desc *desc;
  const void *const *host; /* host copy of each input operand; NULL for outputs */
  ab_dtype accumulate;     /* declared by case_prepare, or AB_DTYPE_INVALID */
  uint64_t max_elements;   /* element budget of a sampled check */
  /* A trusted host BLAS for whole references (GEMM with f16/bf16 outputs); NULL: none. */
  const struct ab_host_blas *blas;
  uint64_t seed;
  void *ctx;
  /* The whole operand `op`, read back from the device into a harness buffer that stays
   * valid until the next read; NULL with msg when the read fails. */
  const void *(*read_all)(void *ctx, size_t op, char *msg);
  /* `bytes` (at most AB_CHECK_CHUNK) of operand `op` from `off`; same lifetime rules. */
  const void *(*read_part)(void *ctx, size_t op, size_t off, size_t bytes, char *msg);
} ab_check_io;

/* Byte-exact checks read outputs back in chunks of this size through one reused buffer. */
#define AB_CHECK_CHUNK ((size_t)4 << 20)

/* ---- composite kinds -------------------------------------------------------------------- */

/* A composite kind (the decoder layer) is run by the harness as steps of other kinds on
 * device buffers (bench/composite.c); its table says which, as a plan. */
#define AB_COMPOSITE_MAX_BUFFERS 32
#define AB_COMPOSITE_MAX_STEPS   24
#define AB_COMPOSITE_SCRATCH     (-1)

/* One device buffer of the plan: a slice of one of the case's operands (an input slice is
 * uploaded from the host copy once; the output operand is the case's own buffer, whole),
 * or scratch (AB_COMPOSITE_SCRATCH) the harness allocates for intermediate results. */
typedef struct ab_composite_buffer {
  const char *name;
  int operand;
  size_t offset, bytes;
} ab_composite_buffer;

typedef enum ab_step_type {
  AB_STEP_KERNEL = 0, /* a case of another kind on plan buffers */
  AB_STEP_COPY = 1,   /* `count` blocks of `bytes`, device to device (the KV-cache append) */
} ab_step_type;

typedef struct ab_composite_step {
  ab_step_type type;
  const char *name;
  /* AB_STEP_KERNEL: the step's case and the plan buffer bound to each of its operands;
   * `weights_provider`: the step runs with the case's provider only (the GEMMs), else with
   * the case's provider where the backend offers it for the step's kind, or its default. */
  ab_kernel_desc desc;
  uint32_t buffers[AB_MAX_OPERANDS];
  bool weights_provider;
  /* AB_STEP_COPY: block i goes from src + src_offset + i * src_stride to dst + dst_offset +
   * i * dst_stride. */
  uint32_t src, dst;
  size_t src_offset, dst_offset, src_stride, dst_stride, bytes, count;
} ab_composite_step;

typedef struct ab_composite_plan {
  size_t n_buffers, n_steps;
  ab_composite_buffer buffers[AB_COMPOSITE_MAX_BUFFERS];
  ab_composite_step steps[AB_COMPOSITE_MAX_STEPS];
} ab_composite_plan;

/* ---- the kind --------------------------------------------------------------------------- */

typedef struct ab_kind_def {
  ab_kernel_kind kind;
  const ab_param_field *fields;
  size_t n_fields;
  ab_metric metric;
  ab_bound bound;
  /* A device ceiling (peak, membw, transfers, launch) runs once per device with the
   * backend's default provider; every other kind runs once per provider, so a second
   * library's row never vanishes. */
  bool once_per_device;
  /* The kind measures the ceiling named by `bound` (peak, membw): its best rate on a device
   * is that device's measured ceiling in reports. */
  bool measures_ceiling;
  /* The suite's dtype sets (in, out) for this kind: dtype_fixed kinds ignore the config's
   * dtypes and always use `fixed_in`/`fixed_out` (byte-moving microbenchmarks). */
  bool dtype_fixed;
  ab_dtype fixed_in, fixed_out;
  /* The kind honours ab_kernel_desc.operand_dtypes (ABI 1.3); otherwise a descriptor that
   * sets one is refused. */
  bool mixed_dtypes;
  /* Layouts the kind accepts, as a bit mask of 1u << ab_layout; 0: only the default. */
  uint32_t layouts;

  double (*flops)(const ab_kernel_desc *d);
  double (*bytes)(const ab_kernel_desc *d);
  double (*tokens)(const ab_kernel_desc *d); /* NULL: not a model step, 0 tokens */
  size_t (*operand_count)(const ab_kernel_desc *d);
  void (*operand)(const ab_kernel_desc *d, size_t i, ab_operand_def *out);
  /* Shape checks beyond the fields' ranges (operand size overflow, consistency); NULL: none. */
  ab_status (*check)(const ab_kernel_desc *d, char *msg, size_t len);
  /* Shape text for case ids and tables; NULL: "name=value ..." from the fields. */
  void (*shape_str)(const ab_kernel_desc *d, char *buf, size_t len);
  /* Check the output against the float64 reference; fills v. AB_OK when the check ran
   * (whatever it found); an error when reading back failed. */
  ab_status (*validate)(const ab_check_io *io, ab_validation *v, char *msg);
  const char *tolerance_source; /* where the tolerance rule comes from, for docs and reports */
  /* The bound of one case where it depends on the shape (attention: compute in prefill,
   * memory in decode); NULL: `bound` for every case. */
  ab_bound (*bound_for)(const ab_kernel_desc *d);

  /* decoder: composite kinds. `compose` fills the plan the harness runs instead of a backend
   * case (NULL: an ordinary kind); `fill` makes input `op` (AB_DIST_KIND) from `seed`. */
  ab_status (*compose)(const ab_kernel_desc *d, ab_composite_plan *plan, char *msg, size_t len);
  void (*fill)(const ab_kernel_desc *d, size_t op, void *dst, uint64_t seed);
} ab_kind_def;

/* The table of a kind; NULL for AB_KERNEL_INVALID and kinds nobody has defined yet. */
const ab_kind_def *ab_kind_def_of(ab_kernel_kind k);

/* The ceiling that bounds this case: the kind's bound_for, else its bound; AB_BOUND_NONE for
 * a kind without a table. */
ab_bound ab_kind_bound(const ab_kernel_desc *d);

/* The seeded host data of input operand `op` (definition `o`) as its distribution says:
 * AB_DIST_UNIFORM through ab_fill_random, AB_DIST_KIND through the kind's `fill`; an output
 * or an AB_DIST_NONE operand is left as it is. Everyone who makes a case's inputs (the
 * runner, the detection tool, the conformance test) makes them here, so they agree. */
void ab_kind_fill_input(const ab_kernel_desc *d, size_t op, const ab_operand_def *o, void *dst,
                        uint64_t seed);

/* The JSON Schema fragment of the kind's kernel.shape, from its fields (kinds/schema.c): a
 * new json_t (jansson) the caller releases, NULL when out of memory. */
struct json_t *ab_kind_shape_schema(const ab_kind_def *k);

/* Whether the harness composes kind `k` from steps (its table has `compose`). */
bool ab_kind_is_composite(ab_kernel_kind k);

/* Shared by kinds: byte-exact check of output `op` against `want` (NULL: the host-to-device
 * pattern of kernel.h), chunk by chunk. */
ab_status ab_check_bytes(const ab_check_io *io, size_t op, size_t bytes, const unsigned char *want,
                         ab_validation *v, char *msg);

/* Generic shape text from the fields: "name=value name=value". */
void ab_kind_fields_str(const ab_kind_def *k, const ab_kernel_desc *d, char *buf, size_t len);

#endif
