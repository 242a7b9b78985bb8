/* The portable CUDA kernels' cases (cuk_cases.h). */
#include "cuk_cases.h"

#include <stdbool.h>
#include <string.h>

static const ab_dtype floats[] = {AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16};
#define N_FLOATS (sizeof floats / sizeof floats[0])

ab_kernel_desc cuk_test_desc(ab_kernel_kind kind, ab_dtype dtype, ab_dtype out) {
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.kind = kind;
  d.dtype = dtype;
  d.out_dtype = out;
  return d;
}

static size_t stream_cases(cuk_case_fn fn, void *ctx) {
  static const ab_dtype types[] = {AB_DTYPE_F32, AB_DTYPE_F64};
  size_t n = 0;
  for (size_t t = 0; t < 2; t++)
    for (int op = AB_STREAM_COPY; op <= AB_STREAM_TRIAD; op++, n++) {
      ab_kernel_desc d = cuk_test_desc(AB_KERNEL_STREAM, types[t], types[t]);
      d.params.stream = (ab_stream_params){.elements = 1000, .op = op};
      fn(&d, op == AB_STREAM_ADD || op == AB_STREAM_TRIAD ? 3 : 2, ctx);
    }
  return n;
}

/* The kinds whose kernels are named by (in, out) alone. */
static size_t pair_cases(cuk_case_fn fn, void *ctx) {
  size_t n = 0;
  for (size_t i = 0; i < N_FLOATS; i++)
    for (size_t o = 0; o < N_FLOATS; o++) {
      ab_kernel_desc d = cuk_test_desc(AB_KERNEL_ELEMENTWISE, floats[i], floats[o]);
      d.params.elementwise = (ab_elementwise_params){.elements = 1000};
      fn(&d, 3, ctx);
      d = cuk_test_desc(AB_KERNEL_SOFTMAX, floats[i], floats[o]);
      d.params.softmax = (ab_softmax_params){.rows = 4, .cols = 100};
      fn(&d, 2, ctx);
      d = cuk_test_desc(AB_KERNEL_ROTARY, floats[i], floats[o]);
      d.params.rotary = (ab_rotary_params){.tokens = 8, .heads = 2, .head_dim = 16, .theta = 10000};
      fn(&d, 2, ctx);
      for (int op = AB_ACT_GELU_TANH; op <= AB_ACT_SWIGLU; op++) {
        d = cuk_test_desc(AB_KERNEL_ACTIVATION, floats[i], floats[o]);
        d.params.activation = (ab_activation_params){.rows = 3, .cols = 100, .op = op};
        fn(&d, op == AB_ACT_SWIGLU ? 3 : 2, ctx);
      }
      n += 3 + 4;
    }
  return n;
}

static size_t norm_cases(cuk_case_fn fn, void *ctx) {
  size_t n = 0;
  for (size_t x = 0; x < N_FLOATS; x++)
    for (size_t w = 0; w < N_FLOATS; w++)
      for (size_t y = 0; y < N_FLOATS; y++)
        for (int op = AB_NORM_RMSNORM; op <= AB_NORM_LAYERNORM; op++, n++) {
          ab_kernel_desc d = cuk_test_desc(AB_KERNEL_NORM, floats[x], floats[y]);
          d.params.norm = (ab_norm_params){.rows = 4, .hidden = 64, .op = op};
          d.operand_dtypes[1] = floats[w];
          if (op == AB_NORM_LAYERNORM)
            d.operand_dtypes[2] = floats[w];
          fn(&d, op == AB_NORM_LAYERNORM ? 4 : 3, ctx);
        }
  return n;
}

static size_t conv2d_cases(cuk_case_fn fn, void *ctx) {
  static const ab_layout layouts[] = {AB_LAYOUT_NCHW, AB_LAYOUT_NHWC};
  const ab_conv2d_params shape = {.n = 1,
                                  .c = 4,
                                  .h = 8,
                                  .w = 8,
                                  .k = 4,
                                  .r = 3,
                                  .s = 3,
                                  .stride_h = 1,
                                  .stride_w = 1,
                                  .pad_h = 1,
                                  .pad_w = 1,
                                  .dil_h = 1,
                                  .dil_w = 1,
                                  .groups = 1};
  size_t n = 0;
  for (size_t l = 0; l < 2; l++) {
    for (size_t i = 0; i <= N_FLOATS; i++)
      for (size_t o = 0; o < (i < N_FLOATS ? N_FLOATS : 1); o++, n++) {
        bool int8 = i == N_FLOATS;
        ab_kernel_desc d = cuk_test_desc(AB_KERNEL_CONV2D, int8 ? AB_DTYPE_I8 : floats[i],
                                         int8 ? AB_DTYPE_I32 : floats[o]);
        d.params.conv2d = shape;
        d.layout = layouts[l];
        fn(&d, 3, ctx);
      }
  }
  return n;
}

/* Prefill (q_len 128: the tiled kernel) and decode (q_len 1: a block per row). */
static size_t attention_cases(cuk_case_fn fn, void *ctx) {
  static const int64_t q_lens[] = {128, 1};
  size_t n = 0;
  for (size_t q = 0; q < N_FLOATS; q++)
    for (size_t kv = 0; kv < N_FLOATS; kv++)
      for (size_t o = 0; o < N_FLOATS; o++)
        for (size_t l = 0; l < 2; l++, n++) {
          ab_kernel_desc d = cuk_test_desc(AB_KERNEL_ATTENTION, floats[q], floats[o]);
          d.params.attention = (ab_attention_params){.batch = 1,
                                                     .q_heads = 4,
                                                     .kv_heads = 2,
                                                     .head_dim = 64,
                                                     .q_len = q_lens[l],
                                                     .kv_len = 128,
                                                     .causal = 1};
          d.operand_dtypes[1] = d.operand_dtypes[2] = floats[kv];
          fn(&d, 4, ctx);
        }
  return n;
}

static size_t micro_cases(cuk_case_fn fn, void *ctx) {
  static const ab_dtype types[] = {AB_DTYPE_F64, AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16};
  for (size_t t = 0; t < 4; t++) {
    ab_kernel_desc d = cuk_test_desc(AB_KERNEL_PEAK, types[t], types[t]);
    d.params.peak = (ab_peak_params){.items = 1000, .fma_per_item = 67};
    fn(&d, 1, ctx);
  }
  ab_kernel_desc d = cuk_test_desc(AB_KERNEL_LAUNCH, AB_DTYPE_F32, AB_DTYPE_F32);
  fn(&d, 0, ctx);
  return 5;
}

size_t cuk_each_case(cuk_case_fn fn, void *ctx) {
  return stream_cases(fn, ctx) + pair_cases(fn, ctx) + norm_cases(fn, ctx) + conv2d_cases(fn, ctx) +
         attention_cases(fn, ctx) + micro_cases(fn, ctx);
}
