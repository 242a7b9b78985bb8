/* accelbench portable CUDA kernels — the parameter blocks the kernels take by value.
 *
 * This header is read twice: by the host C code that fills a launch (cuk_plan.c and the
 * kind files) and, embedded in front of the kernels, by NVRTC compiling cuk_source(). One
 * definition keeps the two sides' layouts equal; every field is 8 bytes (long long or
 * double), so the layout has no padding and is the same on every 64-bit ABI and on the
 * device. No includes: NVRTC sees no system headers. */
#ifndef AB_CUK_PARAMS_H
#define AB_CUK_PARAMS_H

/* Element-wise kinds (elementwise add, activation) and STREAM: n elements; scalar is
 * STREAM's s (unused elsewhere). */
typedef struct cuk_map_args {
  long long n;
  double scalar;
} cuk_map_args;

/* Row kinds (norm, softmax): rows x cols, one thread block per row; eps of the norms. */
typedef struct cuk_rows_args {
  long long rows;
  long long cols;
  double eps;
} cuk_rows_args;

/* Rotary: x and y are [tokens][heads][head_dim]; theta the base. */
typedef struct cuk_rotary_args {
  long long tokens;
  long long heads;
  long long head_dim;
  double theta;
} cuk_rotary_args;

/* Attention: the shape, the element strides of Q/O and of K/V (batch, head, position; the
 * head dimension is contiguous), the tile of the prefill kernel and the score scale. */
typedef struct cuk_attention_args {
  long long batch, q_heads, kv_heads, head_dim, q_len, kv_len, causal;
  long long q_sb, q_sh, q_ss;
  long long kv_sb, kv_sh, kv_ss;
  long long block_q, block_k;
  double scale;
} cuk_attention_args;

/* conv2d: kernel.h's ab_conv2d_params plus the output extent p x q. */
typedef struct cuk_conv2d_args {
  long long n, c, h, w, k, r, s, p, q;
  long long stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups;
} cuk_conv2d_args;

/* Peak compute (kernel.h ab_peak_params): items, q = fma_per_item / 8 steps of every chain
 * and one more for chains j < r = fma_per_item % 8; x = x * a + b with a = -1, b = 1. */
typedef struct cuk_peak_args {
  long long items, q, r;
  double a, b;
} cuk_peak_args;

/* Threads of the attention kernels' blocks and the largest head_dim each takes. */
#define CUK_ATT_TILE_THREADS 128
#define CUK_ATT_TILE_COLS    32 /* head_dim columns a prefill thread accumulates at most */
#define CUK_ATT_DEC_WARPS    16
#define CUK_ATT_DEC_MAX_D    256
/* Threads of an element-wise (grid-stride) block. */
#define CUK_MAP_THREADS 256
/* Threads of a row kernel's block at most (a power of two). */
#define CUK_ROW_MAX_THREADS 256

#endif
