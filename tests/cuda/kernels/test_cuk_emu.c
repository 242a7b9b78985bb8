/* The portable CUDA kernels' source, run on the CPU through a host emulation (cuk_emu.cpp),
 * as cuk_plan launches it, and checked by the harness's own float64 validation (each kind's
 * table in bench/model/kinds/): every kind, in several dtypes, layouts and shapes, both
 * attention kernels. This checks the algorithms and the planner together. It does not check
 * the NVRTC build, the device intrinsics or speed (docs/cuda.md, "Portable CUDA kernels"). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuk.h"
#include "cuk_cases.h"
#include "cuk_emu.h"
#include "model/inputs.h"
#include "model/kernel.h"
#include "model/kind.h"

typedef struct emu_case {
  ab_kernel_desc d;
  size_t n;
  void *ops[AB_KERNEL_MAX_OPERANDS];
  bool output[AB_KERNEL_MAX_OPERANDS];
} emu_case;

static const void *read_all(void *ctx, size_t op, char *msg) {
  (void)msg;
  return ((emu_case *)ctx)->ops[op];
}

static const void *read_part(void *ctx, size_t op, size_t off, size_t bytes, char *msg) {
  (void)msg;
  (void)bytes;
  return (const unsigned char *)((emu_case *)ctx)->ops[op] + off;
}

/* What cuk.h says the backend declares as its arithmetic. */
static ab_dtype accumulate_of(const ab_kernel_desc *d) {
  if (d->dtype == AB_DTYPE_F64)
    return AB_DTYPE_F64;
  return d->dtype == AB_DTYPE_I8 ? AB_DTYPE_I32 : AB_DTYPE_F32;
}

/* Plan, run, validate; the validation record. */
static ab_validation run_case(ab_kernel_desc d, uint64_t seed) {
  char msg[AB_MSG_LEN] = "", shape[256];
  cr_assert_eq(ab_kernel_check(&d, msg, sizeof msg), AB_OK, "%s", msg);
  ab_kernel_shape_str(&d, shape, sizeof shape);
  emu_case c = {.d = d, .n = ab_kernel_operand_count(&d)};
  uint64_t ptrs[AB_KERNEL_MAX_OPERANDS];
  const void *host[AB_KERNEL_MAX_OPERANDS] = {0};
  for (size_t i = 0; i < c.n; i++) {
    ab_operand_def op;
    ab_kernel_operand(&d, i, &op);
    c.ops[i] = malloc(op.bytes);
    cr_assert_not_null(c.ops[i]);
    c.output[i] = op.role == AB_OPERAND_OUTPUT;
    if (c.output[i])
      memset(c.ops[i], 0xff, op.bytes); /* NaN in every float dtype: unwritten shows */
    else
      ab_fill_random(c.ops[i], op.dtype, op.bytes / ab_dtype_size(op.dtype),
                     ab_operand_seed(seed, i));
    host[i] = c.output[i] ? NULL : c.ops[i];
    ptrs[i] = (uint64_t)(uintptr_t)c.ops[i];
  }
  cuk_launch l;
  size_t steps = 0;
  cr_assert_eq(cuk_plan(&d, ptrs, c.n, &l, 1, &steps, msg), AB_OK, "%s %s: %s",
               ab_kernel_kind_str(d.kind), shape, msg);
  cr_assert_eq(cuk_emu_launch(d.kind, &l, msg, sizeof msg), 0, "%s", msg);
  ab_check_io io = {.desc = &d,
                    .host = host,
                    .accumulate = accumulate_of(&d),
                    .max_elements = UINT64_C(1) << 20,
                    .seed = seed,
                    .ctx = &c,
                    .read_all = read_all,
                    .read_part = read_part};
  ab_validation v = {0};
  cr_assert_eq(ab_kind_def_of(d.kind)->validate(&io, &v, msg), AB_OK, "%s", msg);
  cr_expect(v.checked, "%s %s: not checked", l.function, shape);
  cr_expect_eq(v.mismatches, 0, "%s %s: %llu mismatches, max error ratio %g (%s)", l.function,
               shape, (unsigned long long)v.mismatches, v.max_error_ratio, v.rule);
  for (size_t i = 0; i < c.n; i++)
    free(c.ops[i]);
  return v;
}

static const ab_dtype floats[] = {AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16};

Test(cuk_emu, stream_every_op) {
  static const ab_dtype types[] = {AB_DTYPE_F32, AB_DTYPE_F64};
  for (size_t t = 0; t < 2; t++)
    for (int op = AB_STREAM_COPY; op <= AB_STREAM_TRIAD; op++) {
      ab_kernel_desc d = cuk_test_desc(AB_KERNEL_STREAM, types[t], types[t]);
      d.params.stream = (ab_stream_params){.elements = 1000, .op = op};
      run_case(d, 1);
    }
}

Test(cuk_emu, elementwise_activation_softmax_rotary) {
  for (size_t i = 0; i < 3; i++)
    for (size_t o = 0; o < 3; o += 2) {
      ab_kernel_desc d = cuk_test_desc(AB_KERNEL_ELEMENTWISE, floats[i], floats[(i + o) % 3]);
      d.params.elementwise = (ab_elementwise_params){.elements = 777};
      run_case(d, 2);
      for (int op = AB_ACT_GELU_TANH; op <= AB_ACT_SWIGLU; op++) {
        d = cuk_test_desc(AB_KERNEL_ACTIVATION, floats[i], floats[(i + o) % 3]);
        d.params.activation = (ab_activation_params){.rows = 3, .cols = 101, .op = op};
        run_case(d, 3);
      }
      static const int64_t cols[] = {1, 100, 300};
      for (size_t k = 0; k < 3; k++) {
        d = cuk_test_desc(AB_KERNEL_SOFTMAX, floats[i], floats[(i + o) % 3]);
        d.params.softmax = (ab_softmax_params){.rows = 5, .cols = cols[k]};
        run_case(d, 4);
      }
      d = cuk_test_desc(AB_KERNEL_ROTARY, floats[i], floats[(i + o) % 3]);
      d.params.rotary = (ab_rotary_params){.tokens = 9, .heads = 3, .head_dim = 16, .theta = 10000};
      run_case(d, 5);
    }
}

Test(cuk_emu, norms_with_their_own_weight_dtypes) {
  static const int64_t hidden[] = {70, 300};
  for (size_t x = 0; x < 3; x++)
    for (size_t w = 0; w < 3; w++)
      for (int op = AB_NORM_RMSNORM; op <= AB_NORM_LAYERNORM; op++)
        for (size_t h = 0; h < 2; h++) {
          ab_kernel_desc d = cuk_test_desc(AB_KERNEL_NORM, floats[x], floats[(x + w) % 3]);
          d.params.norm = (ab_norm_params){.rows = 3, .hidden = hidden[h], .op = op};
          d.operand_dtypes[1] = floats[w];
          if (op == AB_NORM_LAYERNORM)
            d.operand_dtypes[2] = floats[w];
          run_case(d, 6);
        }
}

Test(cuk_emu, conv2d_layouts_strides_dilation_groups) {
  static const ab_conv2d_params shapes[] = {
      {.n = 2,
       .c = 4,
       .h = 9,
       .w = 7,
       .k = 6,
       .r = 3,
       .s = 3,
       .stride_h = 2,
       .stride_w = 1,
       .pad_h = 1,
       .pad_w = 2,
       .dil_h = 2,
       .dil_w = 1,
       .groups = 2},
      {.n = 1,
       .c = 8,
       .h = 6,
       .w = 6,
       .k = 8,
       .r = 3,
       .s = 3,
       .stride_h = 1,
       .stride_w = 1,
       .pad_h = 1,
       .pad_w = 1,
       .dil_h = 1,
       .dil_w = 1,
       .groups = 8},
  };
  static const ab_dtype in[] = {AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16, AB_DTYPE_I8};
  static const ab_dtype out[] = {AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16, AB_DTYPE_I32};
  for (size_t s = 0; s < 2; s++)
    for (size_t t = 0; t < 4; t++)
      for (int layout = AB_LAYOUT_NCHW; layout <= AB_LAYOUT_NHWC; layout++) {
        ab_kernel_desc d = cuk_test_desc(AB_KERNEL_CONV2D, in[t], out[t]);
        d.params.conv2d = shapes[s];
        d.layout = layout;
        run_case(d, 7);
      }
}

Test(cuk_emu, peak_and_launch) {
  static const ab_dtype types[] = {AB_DTYPE_F64, AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16};
  static const int64_t fmas[] = {1, 8, 67};
  for (size_t t = 0; t < 4; t++)
    for (size_t f = 0; f < 3; f++) {
      ab_kernel_desc d = cuk_test_desc(AB_KERNEL_PEAK, types[t], types[t]);
      d.params.peak = (ab_peak_params){.items = 300, .fma_per_item = fmas[f]};
      run_case(d, 9);
    }
  ab_kernel_desc d = cuk_test_desc(AB_KERNEL_LAUNCH, AB_DTYPE_F32, AB_DTYPE_F32);
  cuk_launch l;
  size_t steps = 0;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(cuk_plan(&d, NULL, 0, &l, 1, &steps, msg), AB_OK, "%s", msg);
  cr_assert_str_eq(l.function, "ab_launch_empty");
  cr_assert_eq(cuk_emu_launch(d.kind, &l, msg, sizeof msg), 0, "%s", msg);
}

/* Both kernels (tile: q_len >= 16 and head_dim <= 128; decode otherwise), both layouts,
 * causal and not, MHA and GQA, a KV cache of its own dtype. */
Test(cuk_emu, attention_prefill_and_decode) {
  static const ab_attention_params shapes[] = {
      {.batch = 2,
       .q_heads = 4,
       .kv_heads = 2,
       .head_dim = 64,
       .q_len = 40,
       .kv_len = 50,
       .causal = 1},
      {.batch = 1, .q_heads = 2, .kv_heads = 2, .head_dim = 128, .q_len = 20, .kv_len = 33},
      {.batch = 1,
       .q_heads = 4,
       .kv_heads = 1,
       .head_dim = 80,
       .q_len = 17,
       .kv_len = 17,
       .causal = 1},
      {.batch = 2,
       .q_heads = 4,
       .kv_heads = 2,
       .head_dim = 128,
       .q_len = 1,
       .kv_len = 70,
       .causal = 1},
      {.batch = 1, .q_heads = 2, .kv_heads = 1, .head_dim = 256, .q_len = 3, .kv_len = 9},
      {.batch = 1,
       .q_heads = 1,
       .kv_heads = 1,
       .head_dim = 8,
       .q_len = 2,
       .kv_len = 2,
       .causal = 1},
  };
  static const ab_dtype qo[] = {AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_F32};
  static const ab_dtype kv[] = {AB_DTYPE_F32, AB_DTYPE_F16, AB_DTYPE_BF16};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (size_t t = 0; t < 3; t++)
      for (int layout = AB_LAYOUT_BSHD; layout <= AB_LAYOUT_BHSD; layout++) {
        ab_kernel_desc d = cuk_test_desc(AB_KERNEL_ATTENTION, qo[t], qo[t]);
        d.params.attention = shapes[s];
        d.layout = layout;
        d.operand_dtypes[1] = d.operand_dtypes[2] = kv[t];
        run_case(d, 8);
      }
}
