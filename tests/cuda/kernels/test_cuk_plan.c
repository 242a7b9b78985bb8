/* cuk_plan (backends/cuda/kernels/cuk.h) on the CPU: every kernel the source holds is
 * planned by some case, launches point at the operands in the kind's order, the grids cover
 * every output element exactly once under the kernels' own index maps (modelled here from
 * the .cu files), and what the kernels do not cover is refused with a reason. No GPU. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuk.h"
#include "cuk_cases.h"
#include "cuk_params.h"

static const uint64_t ptrs[8] = {0x10000, 0x20000, 0x30000, 0x40000,
                                 0x50000, 0x60000, 0x70000, 0x80000};

/* Plans into *l (a launch's args point into its own storage, so it is never copied). */
static void plan_ok(const ab_kernel_desc *d, size_t n_ops, cuk_launch *l) {
  size_t n = 99;
  char msg[AB_MSG_LEN] = "";
  ab_status s = cuk_plan(d, ptrs, n_ops, l, 1, &n, msg);
  cr_assert_eq(s, AB_OK, "%s: %s", ab_kernel_kind_str(d->kind), msg);
  cr_assert_eq(n, 1);
}

static ab_status plan_fails(const ab_kernel_desc *d, size_t n_ops, const char *needle) {
  cuk_launch l;
  size_t n = 99;
  char msg[AB_MSG_LEN] = "";
  ab_status s = cuk_plan(d, ptrs, n_ops, &l, 1, &n, msg);
  cr_assert_neq(s, AB_OK, "%s planned, expected a refusal", ab_kernel_kind_str(d->kind));
  cr_assert_eq(n, 0);
  cr_assert(strstr(msg, needle), "message \"%s\" lacks \"%s\"", msg, needle);
  return s;
}

/* The parameter block: the last argument. */
static const void *params_of(const cuk_launch *l) {
  return l->args[l->n_args - 1];
}

/* ---- every case, every kernel ------------------------------------------------------- */

typedef struct names {
  char (*name)[64];
  size_t n, cap;
} names;

static void collect(const ab_kernel_desc *d, size_t n_ops, void *ctx) {
  names *ns = ctx;
  cuk_launch l;
  plan_ok(d, n_ops, &l);
  for (size_t i = 0; i < ns->n; i++)
    cr_assert_str_neq(ns->name[i], l.function, "two cases plan %s", l.function);
  cr_assert_lt(ns->n, ns->cap);
  memcpy(ns->name[ns->n++], l.function, sizeof l.function);
}

Test(cuk_plan, every_case_plans_its_own_kernel) {
  names ns = {.name = calloc(1024, 64), .cap = 1024};
  size_t cases = cuk_each_case(collect, &ns);
  cr_assert_eq(ns.n, cases);
  /* 8 stream, 9 x (add, softmax, rotary, 4 activations), 54 norm, 20 conv2d, 54 attention,
   * 4 peak, 1 launch */
  cr_expect_eq(cases, 8 + 9 * 7 + 54 + 20 + 54 + 4 + 1);
  free(ns.name);
}

static void check_args(const ab_kernel_desc *d, size_t n_ops, void *ctx) {
  (void)ctx;
  cuk_launch l;
  plan_ok(d, n_ops, &l);
  cr_assert_eq(l.n_args, n_ops + 1, "%s: %zu args", l.function, l.n_args);
  for (size_t i = 0; i < l.n_args; i++) {
    const unsigned char *a = l.args[i];
    cr_assert(a >= l.storage && a < l.storage + sizeof l.storage, "%s arg %zu", l.function, i);
    cr_assert_eq((size_t)(a - l.storage) % 8, 0, "%s arg %zu misaligned", l.function, i);
    if (i < n_ops) {
      uint64_t v;
      memcpy(&v, a, sizeof v);
      cr_assert_eq(v, ptrs[i], "%s arg %zu is not operand %zu", l.function, i, i);
    }
  }
  cr_assert(l.block[0] >= 1 && l.block[0] <= 1024 && l.block[1] == 1 && l.block[2] == 1);
  cr_assert(l.grid[0] >= 1 && l.grid[1] == 1 && l.grid[2] == 1);
  cr_assert_leq(l.shared_bytes, 48u * 1024u);
}

Test(cuk_plan, arguments_are_the_operands_in_order_then_the_parameters) {
  cuk_each_case(check_args, NULL);
}

Test(cuk_plan, source_is_one_translation_unit_with_every_kind) {
  const char *src = cuk_source();
  cr_assert(src && strlen(src) > 1000);
  static const char *const files[] = {"cuk_params.h",       "cuk_common.cuh",    "cuk_stream.cu",
                                      "cuk_elementwise.cu", "cuk_activation.cu", "cuk_norm.cu",
                                      "cuk_softmax.cu",     "cuk_rotary.cu",     "cuk_conv2d.cu",
                                      "cuk_attention.cu",   "cuk_micro.cu"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char line[64];
    snprintf(line, sizeof line, "#line 1 \"%s\"", files[i]);
    cr_assert(strstr(src, line), "source lacks %s", files[i]);
  }
}

/* ---- launch geometry ------------------------------------------------------------------ */

/* A grid-stride loop (cuk_first / cuk_stride) of grid x block threads touches each of n
 * items exactly once. */
static void expect_grid_stride_covers(const cuk_launch *l, int64_t n) {
  int64_t threads = (int64_t)l->grid[0] * l->block[0];
  unsigned char *hit = calloc((size_t)n, 1);
  for (int64_t t = 0; t < threads; t++)
    for (int64_t i = t; i < n; i += threads)
      hit[i]++;
  for (int64_t i = 0; i < n; i++)
    cr_assert_eq(hit[i], 1, "%s: item %lld covered %d times", l->function, (long long)i, hit[i]);
  free(hit);
}

Test(cuk_plan, elementwise_kinds_cover_every_element) {
  static const int64_t sizes[] = {1, 7, 255, 256, 257, 100003, (int64_t)1 << 21};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    ab_kernel_desc d = cuk_test_desc(AB_KERNEL_ELEMENTWISE, AB_DTYPE_F16, AB_DTYPE_F32);
    d.params.elementwise.elements = sizes[i];
    cuk_launch l;
    plan_ok(&d, 3, &l);
    cr_assert_str_eq(l.function, "ab_add_f16_f32");
    const cuk_map_args *a = params_of(&l);
    cr_assert_eq(a->n, sizes[i]);
    expect_grid_stride_covers(&l, sizes[i]);

    d = cuk_test_desc(AB_KERNEL_STREAM, AB_DTYPE_F64, AB_DTYPE_F64);
    d.params.stream = (ab_stream_params){.elements = sizes[i], .op = AB_STREAM_TRIAD};
    plan_ok(&d, 3, &l);
    cr_assert_str_eq(l.function, "ab_stream_triad_f64");
    a = params_of(&l);
    cr_assert_eq(a->n, sizes[i]);
    cr_assert_eq(a->scalar, AB_STREAM_SCALAR);
    expect_grid_stride_covers(&l, sizes[i]);

    d = cuk_test_desc(AB_KERNEL_ACTIVATION, AB_DTYPE_BF16, AB_DTYPE_BF16);
    d.params.activation = (ab_activation_params){.rows = 1, .cols = sizes[i], .op = AB_ACT_SWIGLU};
    plan_ok(&d, 3, &l);
    cr_assert_str_eq(l.function, "ab_swiglu_bf16_bf16");
    cr_assert_eq(((const cuk_map_args *)params_of(&l))->n, sizes[i]);
    expect_grid_stride_covers(&l, sizes[i]);
  }
}

Test(cuk_plan, huge_streams_stay_within_the_grid_limit) {
  ab_kernel_desc d = cuk_test_desc(AB_KERNEL_STREAM, AB_DTYPE_F32, AB_DTYPE_F32);
  d.params.stream = (ab_stream_params){.elements = INT64_C(1) << 40, .op = AB_STREAM_COPY};
  cuk_launch l;
  plan_ok(&d, 2, &l);
  cr_assert_leq(l.grid[0], 0x7fffffffu);
  cr_assert_eq(((const cuk_map_args *)params_of(&l))->n, INT64_C(1) << 40);
}

/* Rotary: a thread per (token, pair), each rotating its pair in every head: every output
 * element (t, head, i) and (t, head, i + half) is written once. */
Test(cuk_plan, rotary_covers_every_pair) {
  static const int64_t shapes[][3] = {{1, 1, 2}, {17, 3, 64}, {128, 32, 128}, {5, 2, 6}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    ab_kernel_desc d = cuk_test_desc(AB_KERNEL_ROTARY, AB_DTYPE_F32, AB_DTYPE_F16);
    d.params.rotary = (ab_rotary_params){
        .tokens = shapes[s][0], .heads = shapes[s][1], .head_dim = shapes[s][2], .theta = 500000};
    cuk_launch l;
    plan_ok(&d, 2, &l);
    cr_assert_str_eq(l.function, "ab_rotary_f32_f16");
    const cuk_rotary_args *a = params_of(&l);
    cr_assert_eq(a->tokens, shapes[s][0]);
    cr_assert_eq(a->heads, shapes[s][1]);
    cr_assert_eq(a->head_dim, shapes[s][2]);
    cr_assert_eq(a->theta, 500000.0);
    expect_grid_stride_covers(&l, a->tokens * (a->head_dim / 2));
  }
}

/* Row kernels: a block per row (grid-stride over rows), a power-of-two block no wider than
 * the row needs and at most CUK_ROW_MAX_THREADS, its threads striding over the row. */
static void expect_rows(const cuk_launch *l, int64_t rows, int64_t cols) {
  const cuk_rows_args *a = params_of(l);
  cr_assert_eq(a->rows, rows);
  cr_assert_eq(a->cols, cols);
  uint32_t b = l->block[0];
  cr_assert_eq(b & (b - 1), 0u, "%s: block %u is not a power of two", l->function, b);
  cr_assert_leq(b, CUK_ROW_MAX_THREADS);
  cr_assert(b >= CUK_ROW_MAX_THREADS || (int64_t)b >= cols, "%s: %u threads, %lld cols",
            l->function, b, (long long)cols);
  cr_assert(b == 1 || (int64_t)(b / 2) < cols, "%s: %u threads for %lld cols", l->function, b,
            (long long)cols);
  cuk_launch rows_only = *l;
  rows_only.block[0] = 1;
  expect_grid_stride_covers(&rows_only, rows);
}

Test(cuk_plan, row_kinds_give_each_row_one_block) {
  static const int64_t shapes[][2] = {{1, 1}, {3, 32}, {32, 4096}, {2048, 8192}, {7, 100}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    ab_kernel_desc d = cuk_test_desc(AB_KERNEL_SOFTMAX, AB_DTYPE_BF16, AB_DTYPE_F32);
    d.params.softmax = (ab_softmax_params){.rows = shapes[s][0], .cols = shapes[s][1]};
    cuk_launch l;
    plan_ok(&d, 2, &l);
    cr_assert_str_eq(l.function, "ab_softmax_bf16_f32");
    expect_rows(&l, shapes[s][0], shapes[s][1]);

    d = cuk_test_desc(AB_KERNEL_NORM, AB_DTYPE_F16, AB_DTYPE_F16);
    d.params.norm =
        (ab_norm_params){.rows = shapes[s][0], .hidden = shapes[s][1], .op = AB_NORM_LAYERNORM};
    plan_ok(&d, 4, &l);
    cr_assert_str_eq(l.function, "ab_layernorm_f16_f32_f16"); /* weights f32 by default */
    expect_rows(&l, shapes[s][0], shapes[s][1]);
    cr_assert_eq(((const cuk_rows_args *)params_of(&l))->eps, AB_NORM_EPS);
  }
}

Test(cuk_plan, norm_weights_take_their_own_dtype) {
  ab_kernel_desc d = cuk_test_desc(AB_KERNEL_NORM, AB_DTYPE_BF16, AB_DTYPE_F32);
  d.params.norm = (ab_norm_params){.rows = 2, .hidden = 4096, .op = AB_NORM_RMSNORM};
  d.operand_dtypes[1] = AB_DTYPE_BF16;
  cuk_launch l;
  plan_ok(&d, 3, &l);
  cr_assert_str_eq(l.function, "ab_rmsnorm_bf16_bf16_f32");
  d.operand_dtypes[2] = AB_DTYPE_F16; /* y's own dtype overrides out_dtype */
  plan_ok(&d, 3, &l);
  cr_assert_str_eq(l.function, "ab_rmsnorm_bf16_bf16_f16");
}

/* conv2d: the output extent the kernel is told is kernel.h's, and a thread per element. */
Test(cuk_plan, conv2d_covers_every_output_element) {
  static const ab_conv2d_params shapes[] = {
      {.n = 1,
       .c = 3,
       .h = 224,
       .w = 224,
       .k = 64,
       .r = 7,
       .s = 7,
       .stride_h = 2,
       .stride_w = 2,
       .pad_h = 3,
       .pad_w = 3,
       .dil_h = 1,
       .dil_w = 1,
       .groups = 1},
      {.n = 2,
       .c = 32,
       .h = 17,
       .w = 13,
       .k = 32,
       .r = 3,
       .s = 3,
       .stride_h = 2,
       .stride_w = 1,
       .pad_h = 1,
       .pad_w = 0,
       .dil_h = 2,
       .dil_w = 1,
       .groups = 32},
      {.n = 1,
       .c = 8,
       .h = 1,
       .w = 1,
       .k = 4,
       .r = 1,
       .s = 1,
       .stride_h = 1,
       .stride_w = 1,
       .pad_h = 0,
       .pad_w = 0,
       .dil_h = 1,
       .dil_w = 1,
       .groups = 2},
  };
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (int layout = AB_LAYOUT_DEFAULT; layout <= AB_LAYOUT_NHWC; layout++) {
      ab_kernel_desc d = cuk_test_desc(AB_KERNEL_CONV2D, AB_DTYPE_I8, AB_DTYPE_I32);
      d.params.conv2d = shapes[s];
      d.layout = layout;
      cuk_launch l;
      plan_ok(&d, 3, &l);
      cr_assert_str_eq(l.function, layout == AB_LAYOUT_NHWC ? "ab_conv2d_nhwc_int8_int32"
                                                            : "ab_conv2d_nchw_int8_int32");
      const cuk_conv2d_args *a = params_of(&l);
      cr_assert_eq(a->p, ab_conv2d_out_h(&shapes[s]));
      cr_assert_eq(a->q, ab_conv2d_out_w(&shapes[s]));
      cr_assert_eq(a->groups, shapes[s].groups);
      cr_assert_eq(a->dil_h, shapes[s].dil_h);
      cr_assert_eq(a->stride_h, shapes[s].stride_h);
      cr_assert_eq(a->pad_w, shapes[s].pad_w);
      expect_grid_stride_covers(&l, a->n * a->k * a->p * a->q);
    }
}

/* ---- attention ------------------------------------------------------------------------ */

/* Element offset of (b, head, pos, c) by the kernel's strides, and by kernel.h's layouts. */
static long long by_strides(long long sb, long long sh, long long ss, long long b, long long h,
                            long long i, long long c) {
  return b * sb + h * sh + i * ss + c;
}

static long long by_layout(bool bhsd, long long heads, long long len, long long d, long long b,
                           long long h, long long i, long long c) {
  return (bhsd ? (b * heads + h) * len + i : (b * len + i) * heads + h) * d + c;
}

static void expect_strides(const cuk_attention_args *a, bool bhsd) {
  long long last[4] = {a->batch - 1, a->q_heads - 1, a->q_len - 1, a->head_dim - 1};
  long long pts[3][4] = {{0, 0, 0, 0}, {0, 1 % a->q_heads, 0, 3 % a->head_dim}, {0}};
  memcpy(pts[2], last, sizeof last);
  for (int p = 0; p < 3; p++) {
    long long *x = pts[p];
    cr_assert_eq(by_strides(a->q_sb, a->q_sh, a->q_ss, x[0], x[1], x[2], x[3]),
                 by_layout(bhsd, a->q_heads, a->q_len, a->head_dim, x[0], x[1], x[2], x[3]));
    long long g = x[1] % a->kv_heads, j = a->kv_len - 1;
    cr_assert_eq(by_strides(a->kv_sb, a->kv_sh, a->kv_ss, x[0], g, j, x[3]),
                 by_layout(bhsd, a->kv_heads, a->kv_len, a->head_dim, x[0], g, j, x[3]));
  }
}

/* The tiled kernel's maps: block -> (query tile, head, batch), thread -> (row, columns). */
static void expect_tile_covers(const cuk_launch *l, const cuk_attention_args *a) {
  long long bq = a->block_q, bk = a->block_k, tiles = (a->q_len + bq - 1) / bq;
  cr_assert_eq(l->block[0], CUK_ATT_TILE_THREADS);
  cr_assert_eq(CUK_ATT_TILE_THREADS % bq, 0);
  long long tpr = CUK_ATT_TILE_THREADS / bq, ncol = (a->head_dim + tpr - 1) / tpr;
  cr_assert_leq(ncol, CUK_ATT_TILE_COLS, "%lld columns a thread", ncol);
  long long floats = (bq + 2 * bk) * (a->head_dim + 1) + bq * (bk + 1);
  cr_assert_eq(l->shared_bytes, (uint32_t)(floats * 4));
  cr_assert_eq((long long)l->grid[0], a->batch * a->q_heads * tiles);
  size_t rows = (size_t)(a->batch * a->q_heads * a->q_len);
  unsigned char *hit = calloc(rows, 1);
  for (long long blk = 0; blk < l->grid[0]; blk++) {
    long long qt = blk % tiles, h = (blk / tiles) % a->q_heads, b = blk / tiles / a->q_heads;
    for (long long r = 0; r < bq; r++)
      if (qt * bq + r < a->q_len)
        hit[(b * a->q_heads + h) * a->q_len + qt * bq + r]++;
  }
  for (size_t i = 0; i < rows; i++)
    cr_assert_eq(hit[i], 1, "query row %zu covered %d times", i, hit[i]);
  free(hit);
  for (long long c = 0; c < a->head_dim; c++) /* column c: thread c % tpr, slot c / tpr */
    cr_assert_lt(c / tpr, ncol);
}

/* The decode kernel's maps: block -> (query row, head, batch), lane -> columns lane + 32 k. */
static void expect_decode_covers(const cuk_launch *l, const cuk_attention_args *a) {
  cr_assert_eq(l->block[0], CUK_ATT_DEC_WARPS * 32u);
  cr_assert_eq(l->shared_bytes, 0u);
  cr_assert_leq(a->head_dim, CUK_ATT_DEC_MAX_D);
  cr_assert_eq((long long)l->grid[0], a->batch * a->q_heads * a->q_len);
  size_t rows = (size_t)(a->batch * a->q_heads * a->q_len);
  unsigned char *hit = calloc(rows, 1);
  for (long long blk = 0; blk < l->grid[0]; blk++) {
    long long i = blk % a->q_len, h = (blk / a->q_len) % a->q_heads,
              b = blk / a->q_len / a->q_heads;
    hit[(b * a->q_heads + h) * a->q_len + i]++;
  }
  for (size_t i = 0; i < rows; i++)
    cr_assert_eq(hit[i], 1, "query row %zu covered %d times", i, hit[i]);
  free(hit);
}

typedef struct att_shape {
  ab_attention_params p;
  bool tiled;
} att_shape;

Test(cuk_plan, attention_covers_every_query_row_in_both_layouts) {
  static const att_shape shapes[] = {
      {{.batch = 2,
        .q_heads = 8,
        .kv_heads = 2,
        .head_dim = 64,
        .q_len = 128,
        .kv_len = 128,
        .causal = 1},
       true},
      {{.batch = 1, .q_heads = 32, .kv_heads = 8, .head_dim = 128, .q_len = 100, .kv_len = 300},
       true},
      {{.batch = 3,
        .q_heads = 4,
        .kv_heads = 4,
        .head_dim = 80,
        .q_len = 17,
        .kv_len = 40,
        .causal = 1},
       true},
      {{.batch = 1,
        .q_heads = 32,
        .kv_heads = 8,
        .head_dim = 128,
        .q_len = 1,
        .kv_len = 32768,
        .causal = 1},
       false},
      {{.batch = 4, .q_heads = 64, .kv_heads = 8, .head_dim = 128, .q_len = 4, .kv_len = 512},
       false},
      {{.batch = 1,
        .q_heads = 2,
        .kv_heads = 1,
        .head_dim = 256,
        .q_len = 64,
        .kv_len = 64,
        .causal = 1},
       false}, /* wider than the tile takes: decode kernel per row */
      {{.batch = 1, .q_heads = 1, .kv_heads = 1, .head_dim = 1, .q_len = 16, .kv_len = 16}, true},
  };
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (int bhsd = 0; bhsd <= 1; bhsd++) {
      ab_kernel_desc d = cuk_test_desc(AB_KERNEL_ATTENTION, AB_DTYPE_F32, AB_DTYPE_F32);
      d.params.attention = shapes[s].p;
      d.layout = bhsd ? AB_LAYOUT_BHSD : AB_LAYOUT_BSHD;
      d.operand_dtypes[1] = d.operand_dtypes[2] = AB_DTYPE_BF16;
      cuk_launch l;
      plan_ok(&d, 4, &l);
      const cuk_attention_args *a = params_of(&l);
      cr_assert_str_eq(l.function,
                       shapes[s].tiled ? "ab_attn_tile_f32_bf16_f32" : "ab_attn_dec_f32_bf16_f32");
      cr_assert_eq(a->causal, shapes[s].p.causal);
      cr_assert_float_eq(a->scale, 1.0 / sqrt((double)shapes[s].p.head_dim), 1e-15);
      expect_strides(a, bhsd);
      if (shapes[s].tiled)
        expect_tile_covers(&l, a);
      else
        expect_decode_covers(&l, a);
    }
}

/* ---- refusals ------------------------------------------------------------------------- */

Test(cuk_plan, unsupported_cases_say_why) {
  ab_kernel_desc d = cuk_test_desc(AB_KERNEL_NORM, AB_DTYPE_F64, AB_DTYPE_F64);
  d.params.norm = (ab_norm_params){.rows = 1, .hidden = 8};
  cr_expect_eq(plan_fails(&d, 3, "f64"), AB_E_UNSUPPORTED);

  d = cuk_test_desc(AB_KERNEL_NORM, AB_DTYPE_F16, AB_DTYPE_F16);
  d.params.norm = (ab_norm_params){.rows = 1, .hidden = 8, .op = AB_NORM_LAYERNORM};
  d.operand_dtypes[2] = AB_DTYPE_F16; /* beta f16, gamma f32 */
  cr_expect_eq(plan_fails(&d, 4, "one dtype for both"), AB_E_UNSUPPORTED);

  d = cuk_test_desc(AB_KERNEL_ELEMENTWISE, AB_DTYPE_I8, AB_DTYPE_I8);
  d.params.elementwise.elements = 4;
  cr_expect_eq(plan_fails(&d, 3, "int8"), AB_E_UNSUPPORTED);

  d = cuk_test_desc(AB_KERNEL_STREAM, AB_DTYPE_F16, AB_DTYPE_F16);
  d.params.stream = (ab_stream_params){.elements = 4, .op = AB_STREAM_COPY};
  cr_expect_eq(plan_fails(&d, 2, "f32 or f64"), AB_E_UNSUPPORTED);

  d = cuk_test_desc(AB_KERNEL_CONV2D, AB_DTYPE_F16, AB_DTYPE_I32);
  d.params.conv2d = (ab_conv2d_params){.n = 1,
                                       .c = 1,
                                       .h = 1,
                                       .w = 1,
                                       .k = 1,
                                       .r = 1,
                                       .s = 1,
                                       .stride_h = 1,
                                       .stride_w = 1,
                                       .dil_h = 1,
                                       .dil_w = 1,
                                       .groups = 1};
  cr_expect_eq(plan_fails(&d, 3, "int32"), AB_E_UNSUPPORTED);

  d = cuk_test_desc(AB_KERNEL_ATTENTION, AB_DTYPE_F16, AB_DTYPE_F16);
  d.params.attention = (ab_attention_params){
      .batch = 1, .q_heads = 1, .kv_heads = 1, .head_dim = 512, .q_len = 1, .kv_len = 8};
  cr_expect_eq(plan_fails(&d, 4, "head_dim=512"), AB_E_UNSUPPORTED);
  d.params.attention.head_dim = 64;
  d.operand_dtypes[1] = AB_DTYPE_BF16; /* K bf16, V f16 */
  cr_expect_eq(plan_fails(&d, 4, "one KV cache dtype"), AB_E_UNSUPPORTED);

  d = cuk_test_desc(AB_KERNEL_PEAK, AB_DTYPE_I8, AB_DTYPE_I32);
  d.params.peak = (ab_peak_params){.items = 8, .fma_per_item = 8};
  cr_expect_eq(plan_fails(&d, 1, "int8"), AB_E_UNSUPPORTED);

  d = cuk_test_desc(AB_KERNEL_GEMM, AB_DTYPE_F32, AB_DTYPE_F32);
  cr_expect_eq(plan_fails(&d, 3, "no portable CUDA kernel"), AB_E_UNSUPPORTED);
  d = cuk_test_desc(AB_KERNEL_DECODER_LAYER, AB_DTYPE_F16, AB_DTYPE_F16);
  cr_expect_eq(plan_fails(&d, 3, "no portable CUDA kernel"), AB_E_UNSUPPORTED);
}

Test(cuk_plan, bad_calls_are_invalid_not_crashes) {
  ab_kernel_desc d = cuk_test_desc(AB_KERNEL_SOFTMAX, AB_DTYPE_F32, AB_DTYPE_F32);
  d.params.softmax = (ab_softmax_params){.rows = 2, .cols = 8};
  cr_expect_eq(plan_fails(&d, 3, "takes 2 operands, got 3"), AB_E_INVALID);

  cuk_launch l;
  size_t n = 99;
  char msg[AB_MSG_LEN] = "";
  cr_expect_eq(cuk_plan(&d, ptrs, 2, &l, 0, &n, msg), AB_E_INVALID);
  cr_expect(strstr(msg, "launch steps"), "%s", msg);
  uint64_t null_ptrs[2] = {0x1000, 0};
  cr_expect_eq(cuk_plan(&d, null_ptrs, 2, &l, 1, &n, msg), AB_E_INVALID);
  cr_expect(strstr(msg, "operand 1: null"), "%s", msg);
  d.struct_size = 16; /* a writer older than ABI 1.3 */
  cr_expect_eq(cuk_plan(&d, ptrs, 2, &l, 1, &n, msg), AB_E_INVALID);
  cr_expect_eq(n, 0);

  d = cuk_test_desc(AB_KERNEL_ATTENTION, AB_DTYPE_F32, AB_DTYPE_F32);
  d.params.attention = (ab_attention_params){
      .batch = 1, .q_heads = 3, .kv_heads = 2, .head_dim = 8, .q_len = 1, .kv_len = 8};
  cr_expect_eq(plan_fails(&d, 4, "multiple of kv_heads"), AB_E_INVALID);
  d.params.attention = (ab_attention_params){
      .batch = 1, .q_heads = 2, .kv_heads = 2, .head_dim = 8, .q_len = 9, .kv_len = 8, .causal = 1};
  cr_expect_eq(plan_fails(&d, 4, "q_len <= kv_len"), AB_E_INVALID);

  d = cuk_test_desc(AB_KERNEL_ROTARY, AB_DTYPE_F32, AB_DTYPE_F32);
  d.params.rotary = (ab_rotary_params){.tokens = 1, .heads = 1, .head_dim = 7, .theta = 10000};
  cr_expect_eq(plan_fails(&d, 2, "even"), AB_E_INVALID);
}
