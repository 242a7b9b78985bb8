/* accelbench — kernel descriptors: what one call of a kernel does, as data.
 *
 * A descriptor names an operation at the level of its mathematics (GEMM with dtypes,
 * transposes and shape; later conv2d, attention, norms, ...). It says nothing about how a
 * backend computes it. FLOPs and bytes moved are functions of the descriptor, computed in
 * one place inside the harness (bench/model/kernel.c), never by a backend.
 *
 * Layout rules a backend can rely on:
 *  - All matrices are dense, row-major, with the tightest leading dimension
 *    (lda = cols of A as stored). Column-major libraries (cuBLAS, rocBLAS, CLBlast in
 *    column-major mode) compute C^T = B^T * A^T, which is the same memory.
 *  - GEMM operands are passed to the backend in the order A, B, C.
 *  - C = op(A) * op(B), alpha = 1, beta = 0. op(X) is X or X^T as the trans flags say.
 *
 * Fields are only ever appended; `params` is a union padded to a fixed size so the
 * descriptor keeps its layout when new kernel kinds arrive.
 */
#ifndef ACCELBENCH_KERNEL_H
#define ACCELBENCH_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ab_dtype {
  AB_DTYPE_INVALID = 0,
  AB_DTYPE_F64 = 1,
  AB_DTYPE_F32 = 2,
  AB_DTYPE_F16 = 3,  /* IEEE 754 binary16 */
  AB_DTYPE_BF16 = 4, /* bfloat16: the top 16 bits of a binary32 */
  AB_DTYPE_I8 = 5,   /* signed 8-bit integer */
  AB_DTYPE_I32 = 6,  /* signed 32-bit integer (int8 GEMM accumulates into it) */
  /* ABI 1.4. TF32: binary32 storage holding values TF32 can represent (8-bit
   * exponent, 10-bit stored mantissa; the low 13 bits zero); a tf32 GEMM multiplies in
   * TF32 tensor-core math, accumulates in f32 and writes f32. Its own dtype so a TF32 row
   * is never reported as f32. F8 E4M3 / E5M2: the OCP 8-bit floats (E4M3: bias 7, no
   * infinities, NaN S.1111.111, largest 448; E5M2: bias 15, IEEE-style inf and NaN,
   * largest 57344); an f8 GEMM writes bf16 with per-tensor scales of 1. */
  AB_DTYPE_TF32 = 7,
  AB_DTYPE_F8E4M3 = 8,
  AB_DTYPE_F8E5M2 = 9,
  AB_DTYPE_COUNT
} ab_dtype;

typedef enum ab_kernel_kind {
  AB_KERNEL_INVALID = 0,
  AB_KERNEL_GEMM = 1,
  /* Reserved for the inference-kernel suite; values are fixed now so run files and
   * backends built today keep their meaning. A backend answers AB_E_UNSUPPORTED for
   * any kind it does not know. */
  AB_KERNEL_CONV2D = 2,
  AB_KERNEL_ATTENTION = 3,
  AB_KERNEL_NORM = 4,
  AB_KERNEL_SOFTMAX = 5,
  AB_KERNEL_ACTIVATION = 6,
  AB_KERNEL_MEMBW = 7,    /* device memory bandwidth (copy / triad) */
  AB_KERNEL_COPY_H2D = 8, /* host-to-device transfer */
  AB_KERNEL_COPY_D2H = 9, /* device-to-host transfer */
  AB_KERNEL_PEAK = 10,    /* peak-compute microbenchmark */
  AB_KERNEL_LAUNCH = 11,  /* empty-kernel launch latency */
  /* ABI 1.3; values fixed now so that run files and backends agree before every kind has
   * its table (bench/model/kinds/). */
  AB_KERNEL_ROTARY = 12,        /* rotary position embedding */
  AB_KERNEL_ELEMENTWISE = 13,   /* element-wise binary operations (residual add) */
  AB_KERNEL_STREAM = 14,        /* STREAM copy / scale / add / triad, device memory */
  AB_KERNEL_DECODER_LAYER = 15, /* a Llama-style decoder layer composed from suite kernels */
  AB_KERNEL_KIND_COUNT
} ab_kernel_kind;

/* C[m x n] = op(A) * op(B); op(A) is m x k, op(B) is k x n. */
typedef struct ab_gemm_params {
  int64_t m;
  int64_t n;
  int64_t k;
  int32_t trans_a; /* 0: A stored m x k; 1: A stored k x m */
  int32_t trans_b; /* 0: B stored k x n; 1: B stored n x k */
} ab_gemm_params;

/* AB_KERNEL_MEMBW: copy `bytes` from operand 0 to operand 1 (both device buffers);
 * moves 2*bytes. Afterwards operand 1 equals operand 0 byte for byte.
 * AB_KERNEL_COPY_H2D / _D2H: transfer `bytes` between host memory the backend owns and
 * operand 0; `pinned` asks for page-locked / mapped host memory. H2D fills operand 0 with
 * the backend's host data, which must be byte i = (i * 131 + 7) & 0xff; D2H reads operand 0
 * and must leave it unchanged. The harness checks both after timing. */
typedef struct ab_transfer_params {
  int64_t bytes;
  int32_t pinned;
  int32_t reserved;
} ab_transfer_params;

/* AB_KERNEL_PEAK: `items` independent work items, each doing `fma_per_item` fused
 * multiply-adds (2 FLOPs each) in `dtype`, writing one value per item to operand 0 (in
 * `out_dtype`: the dtype itself, int32 for int8). So that the harness can check the result
 * exactly in every dtype, item i runs 8 chains j = 0..7, chain j doing
 * s_j = fma_per_item / 8 + (j < fma_per_item % 8) steps of x = x * a + b with a = -1, b = 1
 * (pass a and b at run time so the compiler cannot fold the loop) from x0 = (i + j) % 4; the
 * item writes the sum of its chains. Each step maps x to 1 - x, so chain j ends at x0 when
 * s_j is even and 1 - x0 when it is odd: small integers, exact in every dtype.
 * AB_KERNEL_LAUNCH: one empty kernel per iteration; no operands, no params. */
typedef struct ab_peak_params {
  int64_t items;
  int64_t fma_per_item;
} ab_peak_params;

/* AB_KERNEL_CONV2D: 2-D convolution, forward, cross-correlation as deep-learning
 * frameworks define it (no filter flip), no bias, no activation.
 * Operands, in order: 0 input (read), 1 filter (read), 2 output (written); input and filter
 * are in `dtype`, the output in `out_dtype` (int8 inputs write int32). Shapes and layouts
 * (desc.layout; AB_LAYOUT_DEFAULT means NCHW):
 *             NCHW (default)              NHWC
 *   input     n x c x h x w               n x h x w x c
 *   filter    k x c/groups x r x s (KCRS) k x r x s x c/groups (KRSC)
 *   output    n x k x p x q               n x p x q x k
 * all dense, row-major as written, with p = (h + 2*pad_h - dil_h*(r-1) - 1) / stride_h + 1
 * and q likewise over w (ab_conv2d_out_h/_w below; both must be >= 1). Padding is
 * symmetric and reads as zero. Channels form `groups` groups (c and k divisible by it):
 * output channel ko belongs to group g = ko / (k/groups) and reads input channels
 * g*(c/groups) .. (g+1)*(c/groups)-1; groups = c = k is a depthwise convolution. Filter
 * row ko holds the weights of output channel ko over its group's c/groups channels.
 *   out[n][ko][y][x] = sum over ci < c/groups, i < r, j < s of
 *     in[n][g*(c/groups) + ci][y*stride_h - pad_h + i*dil_h][x*stride_w - pad_w + j*dil_w]
 *     * filter[ko][ci][i][j]     (indices shown in NCHW/KCRS order; NHWC/KRSC permute them)
 * dil = 1 is an ordinary (undilated) convolution. Every field is >= 1 except pad (>= 0). */
typedef struct ab_conv2d_params {
  int64_t n, c, h, w;         /* batch, input channels, input height, width */
  int64_t k, r, s;            /* output channels, filter height, width */
  int64_t stride_h, stride_w; /* step between output positions, in input pixels */
  int64_t pad_h, pad_w;       /* zero rows (columns) added above and below (left and right) */
  int64_t dil_h, dil_w;       /* step between filter taps, in input pixels */
  int64_t groups;
} ab_conv2d_params;

/* Output extent of one spatial axis: input `in`, filter taps `taps`; 0 when the dilated
 * filter is wider than the padded input (or stride < 1). Values within the ranges above
 * and below 2^31 cannot overflow. */
static inline int64_t ab_conv2d_out_extent(int64_t in, int64_t taps, int64_t stride, int64_t pad,
                                           int64_t dil) {
  int64_t span = in + 2 * pad - dil * (taps - 1) - 1;
  return stride < 1 || span < 0 ? 0 : span / stride + 1;
}

/* p and q of a convolution (the output height and width). */
static inline int64_t ab_conv2d_out_h(const ab_conv2d_params *p) {
  return ab_conv2d_out_extent(p->h, p->r, p->stride_h, p->pad_h, p->dil_h);
}

static inline int64_t ab_conv2d_out_w(const ab_conv2d_params *p) {
  return ab_conv2d_out_extent(p->w, p->s, p->stride_w, p->pad_w, p->dil_w);
}

/* AB_KERNEL_STREAM: one STREAM kernel (McCalpin, "Memory Bandwidth and Machine Balance",
 * and stream.c) over arrays of `elements` elements of `dtype` (f32 or f64; out_dtype equals
 * dtype). The scalar is s = 3, as in STREAM. Operands are the inputs in STREAM's order, then
 * the output, every one `elements` elements, dense:
 *   copy:  operands (a, c),    c[i] = a[i]
 *   scale: operands (c, b),    b[i] = s * c[i]
 *   add:   operands (a, b, c), c[i] = a[i] + b[i]
 *   triad: operands (b, c, a), a[i] = b[i] + s * c[i]  (a fused multiply-add is allowed)
 * Each result is rounded to the dtype once per operation (IEEE 754 round to nearest); the
 * harness checks every element. Bytes moved count as STREAM counts them: 2 arrays per element
 * for copy and scale, 3 for add and triad (write-allocate traffic is not counted). */
typedef enum ab_stream_op {
  AB_STREAM_COPY = 0,
  AB_STREAM_SCALE = 1,
  AB_STREAM_ADD = 2,
  AB_STREAM_TRIAD = 3,
} ab_stream_op;

typedef struct ab_stream_params {
  int64_t elements;
  int32_t op; /* ab_stream_op */
  int32_t reserved;
} ab_stream_params;

/* The scalar of scale and triad (STREAM's `scalar`). */
#define AB_STREAM_SCALAR 3.0
/* AB_KERNEL_ATTENTION: scaled dot-product attention, O = softmax(Q K^T / sqrt(head_dim)) V,
 * per batch and query head, as in a transformer's attention block (no dropout, no bias).
 *
 * Operands, in this order: Q (input), K (input), V (input), O (output). Element types:
 * Q is `dtype`, K and V are operand_dtypes[1] and [2] when set (a KV cache of its own
 * dtype), else `dtype`; O is `out_dtype`. Shapes, in the descriptor's layout:
 *   AB_LAYOUT_BSHD (the default): Q, O [batch][q_len][q_heads][head_dim],
 *                                 K, V [batch][kv_len][kv_heads][head_dim];
 *   AB_LAYOUT_BHSD:               Q, O [batch][q_heads][q_len][head_dim],
 *                                 K, V [batch][kv_heads][kv_len][head_dim];
 * dense, row-major, head_dim contiguous.
 * Grouped-query attention: q_heads is a multiple of kv_heads and query head h reads KV head
 * h / (q_heads / kv_heads) (q_heads == kv_heads: multi-head; kv_heads == 1: multi-query).
 * Positions: query i (0 <= i < q_len) is at position kv_len - q_len + i, i.e. the queries
 * are the LAST q_len positions of the sequence the keys cover (prefill: q_len == kv_len;
 * decode: q_len == 1 against kv_len cached keys). With `causal`, query i attends keys
 * j <= kv_len - q_len + i (so causal needs q_len <= kv_len); without, it attends all kv_len
 * keys. For each attended key j: s_j = (q . k_j) / sqrt(head_dim), p = softmax over the
 * attended keys (subtract the maximum first, as any stable kernel must), O row = sum_j p_j v_j.
 * Masked keys contribute nothing (not a large negative score). */
typedef struct ab_attention_params {
  int64_t batch;
  int64_t q_heads;
  int64_t kv_heads;
  int64_t head_dim;
  int64_t q_len;
  int64_t kv_len;
  int32_t causal; /* 0 or 1 */
  int32_t reserved;
} ab_attention_params;

/* The memory-bound inference kinds below share these rules. Tensors are dense and row-major
 * with the tightest strides. Inputs have `dtype` and outputs `out_dtype` (both floating
 * point: f64, f32, f16 or bf16) unless ab_kernel_desc.operand_dtypes says otherwise where a
 * kind allows it. A backend may compute in a wider type than the operands (f32 for f16 and
 * bf16 is expected); it rounds once to the output dtype on the store. */

/* AB_KERNEL_NORM: per row r of x[rows x hidden], with eps = AB_NORM_EPS:
 *   rmsnorm:   y[r][i] = x[r][i] / sqrt(mean_i(x[r][i]^2) + eps) * gamma[i]
 *   layernorm: y[r][i] = (x[r][i] - mu_r) / sqrt(var_r + eps) * gamma[i] + beta[i],
 *              mu_r = mean_i x[r][i], var_r = mean_i (x[r][i] - mu_r)^2 (biased, 1/hidden).
 * Operands, in order: rmsnorm x, gamma, y; layernorm x, gamma, beta, y. gamma and beta have
 * `hidden` elements and are f32 unless operand_dtypes names their dtype ("f32 norm weights"
 * with f16/bf16 activations, as Llama checkpoints run); x has `dtype`, y `out_dtype`. */
#define AB_NORM_EPS 1e-5
typedef enum ab_norm_op { AB_NORM_RMSNORM = 0, AB_NORM_LAYERNORM = 1 } ab_norm_op;
typedef struct ab_norm_params {
  int64_t rows;
  int64_t hidden;
  int32_t op; /* ab_norm_op */
  int32_t reserved;
} ab_norm_params;

/* AB_KERNEL_SOFTMAX: per row r of x[rows x cols],
 *   y[r][j] = exp(x[r][j] - m_r) / sum_k exp(x[r][k] - m_r),  m_r = max_k x[r][k]
 * (the max subtraction keeps exp from overflowing; it does not change the value).
 * Operands: x, y. */
typedef struct ab_softmax_params {
  int64_t rows;
  int64_t cols;
} ab_softmax_params;

/* AB_KERNEL_ACTIVATION: element-wise over rows x cols elements:
 *   gelu_tanh: y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
 *   gelu_erf:  y = 0.5 x (1 + erf(x / sqrt(2)))
 *   silu:      y = x / (1 + exp(-x))
 *   swiglu:    y = silu(gate) * up        (the Llama FFN gate; operands gate, up, y)
 * Operands: x, y (gelu_*, silu); gate, up, y (swiglu). rows x cols is the shape of each
 * operand (tokens x FFN width); the operation does not depend on it beyond the count. */
typedef enum ab_activation_op {
  AB_ACT_GELU_TANH = 0,
  AB_ACT_GELU_ERF = 1,
  AB_ACT_SILU = 2,
  AB_ACT_SWIGLU = 3
} ab_activation_op;
typedef struct ab_activation_params {
  int64_t rows;
  int64_t cols;
  int32_t op; /* ab_activation_op */
  int32_t reserved;
} ab_activation_params;

/* AB_KERNEL_ELEMENTWISE: c[i] = a[i] + b[i] for i < elements (op add: the residual add).
 * Operands: a, b, c. */
typedef enum ab_elementwise_op { AB_ELEMENTWISE_ADD = 0 } ab_elementwise_op;
typedef struct ab_elementwise_params {
  int64_t elements;
  int32_t op; /* ab_elementwise_op */
  int32_t reserved;
} ab_elementwise_params;

/* AB_KERNEL_ROTARY: rotary position embedding (RoPE), rotate-half convention (GPT-NeoX and
 * Hugging Face Llama). x and y are [tokens x heads x head_dim]; token t has position t.
 * With h = head_dim / 2 and, for i < h, angle a = t * theta^(-2i / head_dim):
 *   y[t][n][i]     = x[t][n][i] cos a - x[t][n][i + h] sin a
 *   y[t][n][i + h] = x[t][n][i + h] cos a + x[t][n][i] sin a
 * head_dim is even; theta is the base (10000 in Llama-2, 500000 in Llama-3). Operands:
 * x, y. The backend computes the angles itself (no cos/sin table operand). */
typedef struct ab_rotary_params {
  int64_t tokens;
  int64_t heads;
  int64_t head_dim;
  int64_t theta;
} ab_rotary_params;

/* Most operands a kernel case has (the harness's limit too). */
#define AB_KERNEL_MAX_OPERANDS 8

/* Memory layout of a kind's tensors, where the kind has a choice. */
typedef enum ab_layout {
  AB_LAYOUT_DEFAULT = 0,
  AB_LAYOUT_NCHW = 1, /* conv2d: batch, channels, height, width */
  AB_LAYOUT_NHWC = 2, /* conv2d: batch, height, width, channels */
  AB_LAYOUT_BSHD = 3, /* attention: batch, sequence, heads, head dim */
  AB_LAYOUT_BHSD = 4, /* attention: batch, heads, sequence, head dim */
  AB_LAYOUT_COUNT
} ab_layout;

typedef struct ab_kernel_desc {
  uint32_t struct_size; /* sizeof(ab_kernel_desc) of the writer */
  ab_kernel_kind kind;
  ab_dtype dtype;     /* input (A, B) element type */
  ab_dtype out_dtype; /* output (C) element type */
  union {
    ab_gemm_params gemm;
    ab_transfer_params transfer;
    ab_peak_params peak;
    ab_conv2d_params conv2d;
    ab_stream_params stream;
    ab_attention_params attention;
    ab_norm_params norm;
    ab_softmax_params softmax;
    ab_activation_params activation;
    ab_elementwise_params elementwise;
    ab_rotary_params rotary;
    int64_t reserved[16]; /* keeps the union's size fixed across versions */
  } params;
  /* ABI 1.3 (a reader checks struct_size before using these). The dtype of each operand,
   * in the kind's operand order; AB_DTYPE_INVALID means the kind's default: `dtype` for
   * inputs, `out_dtype` for outputs. Lets one case mix dtypes: int8 weights with f16
   * activations, f32 norm weights, a KV cache of its own dtype. */
  ab_dtype operand_dtypes[AB_KERNEL_MAX_OPERANDS];
  int32_t layout; /* ab_layout; AB_LAYOUT_DEFAULT: the kind's documented default */
  int32_t reserved13;
} ab_kernel_desc;

/* The dtype operand `i` of `d` has: its own entry when the writer set one, else `dflt`
 * (the kind's default for that operand). Safe on a descriptor from an older writer. */
static inline ab_dtype ab_operand_dtype(const ab_kernel_desc *d, size_t i, ab_dtype dflt) {
  size_t end = offsetof(ab_kernel_desc, operand_dtypes) + (i + 1) * sizeof(ab_dtype);
  if (i >= AB_KERNEL_MAX_OPERANDS || d->struct_size < end ||
      d->operand_dtypes[i] == AB_DTYPE_INVALID)
    return dflt;
  return d->operand_dtypes[i];
}

/* The names of dtypes and kinds, as configs, run files and messages spell them: one list,
 * used by the harness's name tables and by modules through the functions below. */
#define AB_DTYPE_NAME_LIST(X)                                                                      \
  X(AB_DTYPE_F64, "f64")                                                                           \
  X(AB_DTYPE_F32, "f32")                                                                           \
  X(AB_DTYPE_F16, "f16")                                                                           \
  X(AB_DTYPE_BF16, "bf16")                                                                         \
  X(AB_DTYPE_I8, "int8")                                                                           \
  X(AB_DTYPE_I32, "int32")                                                                         \
  X(AB_DTYPE_TF32, "tf32")                                                                         \
  X(AB_DTYPE_F8E4M3, "f8e4m3")                                                                     \
  X(AB_DTYPE_F8E5M2, "f8e5m2")

#define AB_KERNEL_KIND_NAME_LIST(X)                                                                \
  X(AB_KERNEL_GEMM, "gemm")                                                                        \
  X(AB_KERNEL_CONV2D, "conv2d")                                                                    \
  X(AB_KERNEL_ATTENTION, "attention")                                                              \
  X(AB_KERNEL_NORM, "norm")                                                                        \
  X(AB_KERNEL_SOFTMAX, "softmax")                                                                  \
  X(AB_KERNEL_ACTIVATION, "activation")                                                            \
  X(AB_KERNEL_MEMBW, "membw")                                                                      \
  X(AB_KERNEL_COPY_H2D, "copy_h2d")                                                                \
  X(AB_KERNEL_COPY_D2H, "copy_d2h")                                                                \
  X(AB_KERNEL_PEAK, "peak")                                                                        \
  X(AB_KERNEL_LAUNCH, "launch")                                                                    \
  X(AB_KERNEL_ROTARY, "rotary")                                                                    \
  X(AB_KERNEL_ELEMENTWISE, "elementwise")                                                          \
  X(AB_KERNEL_STREAM, "stream")                                                                    \
  X(AB_KERNEL_DECODER_LAYER, "decoder_layer")

#define AB_NAME_CASE_(value, name)                                                                 \
  case value: return name;

/* "f32", "int8", ...; "invalid" for a value without a name. */
static inline const char *ab_dtype_str(ab_dtype t) {
  switch (t) {
    AB_DTYPE_NAME_LIST(AB_NAME_CASE_)
  default: return "invalid";
  }
}

/* "gemm", "softmax", ...; "invalid" for a value without a name. */
static inline const char *ab_kernel_kind_str(ab_kernel_kind k) {
  switch (k) {
    AB_KERNEL_KIND_NAME_LIST(AB_NAME_CASE_)
  default: return "invalid";
  }
}

/* Bytes of one element; 0 for AB_DTYPE_INVALID. */
static inline size_t ab_dtype_size(ab_dtype t) {
  switch (t) {
  case AB_DTYPE_F64: return 8;
  case AB_DTYPE_F32: return 4;
  case AB_DTYPE_I32: return 4;
  case AB_DTYPE_TF32: return 4;
  case AB_DTYPE_F16: return 2;
  case AB_DTYPE_BF16: return 2;
  case AB_DTYPE_I8: return 1;
  case AB_DTYPE_F8E4M3: return 1;
  case AB_DTYPE_F8E5M2: return 1;
  default: return 0;
  }
}

/* bfloat16 <-> binary32. Round to nearest even; NaN stays NaN. */
static inline float ab_bf16_to_f32(uint16_t h) {
  uint32_t u = (uint32_t)h << 16;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

static inline uint16_t ab_f32_to_bf16(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu))
    return (uint16_t)((u >> 16) | 0x40u); /* quiet NaN */
  u += 0x7fffu + ((u >> 16) & 1u);
  return (uint16_t)(u >> 16);
}

/* binary16 <-> binary32. Round to nearest even, with subnormals, inf and NaN. */
static inline float ab_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t man = h & 0x3ffu;
  uint32_t u;
  if (exp == 0x1f) {
    u = sign | 0x7f800000u | (man << 13);
  } else if (exp != 0) {
    u = sign | ((exp + 112u) << 23) | (man << 13);
  } else if (man == 0) {
    u = sign;
  } else { /* subnormal: normalise */
    exp = 113;
    while (!(man & 0x400u)) {
      man <<= 1;
      exp--;
    }
    u = sign | (exp << 23) | ((man & 0x3ffu) << 13);
  }
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

static inline uint16_t ab_f32_to_f16(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
  uint32_t exp = (u >> 23) & 0xffu;
  uint32_t man = u & 0x7fffffu;
  if (exp == 0xff) /* inf or NaN */
    return (uint16_t)(sign | 0x7c00u | (man ? 0x200u : 0u));
  int32_t e = (int32_t)exp - 127 + 15;
  if (e >= 0x1f)
    return (uint16_t)(sign | 0x7c00u); /* overflow to inf */
  if (e <= 0) {                        /* subnormal or zero in binary16 */
    if (e < -10)
      return sign;
    man |= 0x800000u;
    uint32_t shift = (uint32_t)(14 - e);
    uint32_t half = man >> shift;
    uint32_t rem = man & ((1u << shift) - 1u);
    uint32_t mid = 1u << (shift - 1u);
    if (rem > mid || (rem == mid && (half & 1u)))
      half++;
    return (uint16_t)(sign | half);
  }
  uint32_t half = ((uint32_t)e << 10) | (man >> 13);
  uint32_t rem = man & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u)))
    half++; /* may carry into the exponent, which is the right answer */
  return (uint16_t)(sign | half);
}

#ifdef __cplusplus
}
#endif
#endif
