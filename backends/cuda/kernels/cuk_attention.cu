/* Attention, O = softmax(Q K^T / sqrt(d)) V (kernel.h ab_attention_params): causal or not,
 * multi-head or grouped-query, any element strides (BSHD, BHSD), Q/O and the KV cache each of
 * its own dtype, f32 arithmetic with an online softmax (the running maximum rescales the
 * partial sums, as FlashAttention does per block). Two kernels, both for any q_len:
 *
 * ab_attn_tile_<q>_<kv>_<o>(q, k, v, o, args): prefill. A block of CUK_ATT_TILE_THREADS
 *   threads takes block_q query rows of one (batch, head) and walks the attended keys in
 *   tiles of block_k, staged in shared memory as f32 with the query tile; each row is owned
 *   by threads_per_row = CUK_ATT_TILE_THREADS / block_q threads, which share its scores and
 *   split its head_dim columns, at most CUK_ATT_TILE_COLS each. Dynamic shared memory:
 *   ((block_q + 2 block_k) (head_dim + 1) + block_q (block_k + 1)) floats.
 * ab_attn_dec_<q>_<kv>_<o>(q, k, v, o, args): decode. A block of CUK_ATT_DEC_WARPS warps per
 *   query row; warp w takes keys w*4.., four at a time, lanes splitting head_dim
 *   (<= CUK_ATT_DEC_MAX_D); the warps' partial softmax states are merged at the end.
 *
 * Grids are 1-D over blocks: tile: batch * q_heads * ceil(q_len / block_q), the query tile
 * fastest; decode: batch * q_heads * q_len, the query row fastest. */

/* Keys query row i attends: all, or (causal) those at or before its position
 * kv_len - q_len + i. */
__device__ __forceinline__ long long cuk_att_keys(const cuk_attention_args &a, long long i) {
  return a.causal ? a.kv_len - a.q_len + i + 1 : a.kv_len;
}

/* Stage rows [j0, j0 + rows) of one (batch, KV head)'s K or V into sh[rows][d + 1] as f32;
 * rows past kv_len read as zero. */
template <typename T>
__device__ void cuk_att_stage(float *sh, const T *base, const cuk_attention_args &a, long long j0,
                              int rows) {
  int d = (int)a.head_dim;
  for (int e = threadIdx.x; e < rows * d; e += blockDim.x) {
    int r = e / d, c = e % d;
    long long j = j0 + r;
    sh[r * (d + 1) + c] = j < a.kv_len ? cuk_ld(base, j * a.kv_ss + c) : 0.0f;
  }
}

template <typename TQ, typename TKV, typename TO>
__device__ void cuk_att_tile(const TQ *__restrict__ q, const TKV *__restrict__ k,
                             const TKV *__restrict__ v, TO *__restrict__ o,
                             const cuk_attention_args &a) {
  CUK_DYNAMIC_SHARED(float, cuk_att_smem);
  const int d = (int)a.head_dim, bq = (int)a.block_q, bk = (int)a.block_k, dp = d + 1;
  const int tpr = CUK_ATT_TILE_THREADS / bq, row = threadIdx.x / tpr, tr = threadIdx.x % tpr;
  const int ncol = (d + tpr - 1) / tpr;
  float *qs = cuk_att_smem, *ks = qs + bq * dp, *vs = ks + bk * dp, *ss = vs + bk * dp;

  long long tiles = (a.q_len + bq - 1) / bq, blk = blockIdx.x;
  long long qt = blk % tiles, h = (blk / tiles) % a.q_heads, b = blk / tiles / a.q_heads;
  long long g = h / (a.q_heads / a.kv_heads), i0 = qt * bq;
  long long i = i0 + row;
  bool valid = i < a.q_len;
  const TQ *qbase = q + b * a.q_sb + h * a.q_sh;
  const TKV *kbase = k + b * a.kv_sb + g * a.kv_sh, *vbase = v + b * a.kv_sb + g * a.kv_sh;
  float scale = (float)a.scale;

  for (int e = threadIdx.x; e < bq * d; e += blockDim.x) {
    int r = e / d, c = e % d;
    qs[r * dp + c] = i0 + r < a.q_len ? cuk_ld(qbase, (i0 + r) * a.q_ss + c) * scale : 0.0f;
  }
  long long last = (i0 + bq < a.q_len ? i0 + bq : a.q_len) - 1;
  long long nkeys = cuk_att_keys(a, last), mine = valid ? cuk_att_keys(a, i) : 0;

  float acc[CUK_ATT_TILE_COLS];
#pragma unroll
  for (int c = 0; c < CUK_ATT_TILE_COLS; c++)
    acc[c] = 0.0f;
  float m = -CUK_INF, l = 0.0f;

  for (long long j0 = 0; j0 < nkeys; j0 += bk) {
    __syncthreads(); /* the previous tile's readers are done */
    cuk_att_stage(ks, kbase, a, j0, bk);
    cuk_att_stage(vs, vbase, a, j0, bk);
    __syncthreads();
    for (int jj = tr; jj < bk; jj += tpr) {
      float s = -CUK_INF;
      if (j0 + jj < mine) {
        s = 0.0f;
        for (int c = 0; c < d; c++)
          s += qs[row * dp + c] * ks[jj * dp + c];
      }
      ss[row * (bk + 1) + jj] = s;
    }
    __syncthreads();
    float mt = -CUK_INF;
    for (int jj = 0; jj < bk; jj++)
      mt = fmaxf(mt, ss[row * (bk + 1) + jj]);
    float m_new = fmaxf(m, mt);
    if (m_new == -CUK_INF)
      continue; /* nothing attended yet; no barrier follows before the loop's top */
    float corr = expf(m - m_new);
    l *= corr;
#pragma unroll
    for (int c = 0; c < CUK_ATT_TILE_COLS; c++)
      acc[c] *= corr;
    for (int jj = 0; jj < bk; jj++) {
      float p = expf(ss[row * (bk + 1) + jj] - m_new);
      l += p;
#pragma unroll
      for (int c = 0; c < CUK_ATT_TILE_COLS; c++)
        if (c < ncol && tr + c * tpr < d)
          acc[c] += p * vs[jj * dp + tr + c * tpr];
    }
    m = m_new;
  }
  if (!valid)
    return;
  TO *orow = o + b * a.q_sb + h * a.q_sh + i * a.q_ss;
#pragma unroll
  for (int c = 0; c < CUK_ATT_TILE_COLS; c++)
    if (c < ncol && tr + c * tpr < d)
      cuk_st(orow, tr + c * tpr, acc[c] / l);
}

#define CUK_ATT_KU 4 /* keys a decode warp has in flight */

template <typename TQ, typename TKV, typename TO>
__device__ void cuk_att_dec(const TQ *__restrict__ q, const TKV *__restrict__ k,
                            const TKV *__restrict__ v, TO *__restrict__ o,
                            const cuk_attention_args &a) {
  enum { W = CUK_ATT_DEC_WARPS, PER = CUK_ATT_DEC_MAX_D / 32 };
  __shared__ float sm[W], sl[W], sacc[W][CUK_ATT_DEC_MAX_D];
  const int d = (int)a.head_dim, lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  long long blk = blockIdx.x;
  long long i = blk % a.q_len, h = (blk / a.q_len) % a.q_heads, b = blk / a.q_len / a.q_heads;
  long long g = h / (a.q_heads / a.kv_heads), nkeys = cuk_att_keys(a, i);
  const TQ *qrow = q + b * a.q_sb + h * a.q_sh + i * a.q_ss;
  const TKV *kbase = k + b * a.kv_sb + g * a.kv_sh, *vbase = v + b * a.kv_sb + g * a.kv_sh;
  float scale = (float)a.scale, qv[PER], acc[PER];
#pragma unroll
  for (int c = 0; c < PER; c++) {
    int col = lane + 32 * c;
    qv[c] = col < d ? cuk_ld(qrow, col) * scale : 0.0f;
    acc[c] = 0.0f;
  }
  float m = -CUK_INF, l = 0.0f;
  for (long long j0 = (long long)warp * CUK_ATT_KU; j0 < nkeys; j0 += W * CUK_ATT_KU) {
    float s[CUK_ATT_KU];
#pragma unroll
    for (int u = 0; u < CUK_ATT_KU; u++) {
      s[u] = 0.0f;
      if (j0 + u < nkeys) {
        const TKV *kr = kbase + (j0 + u) * a.kv_ss;
#pragma unroll
        for (int c = 0; c < PER; c++)
          if (lane + 32 * c < d)
            s[u] += qv[c] * cuk_ld(kr, lane + 32 * c);
      }
    }
    float mt = -CUK_INF;
#pragma unroll
    for (int u = 0; u < CUK_ATT_KU; u++) {
      s[u] = cuk_warp_sum(s[u]);
      if (j0 + u < nkeys)
        mt = fmaxf(mt, s[u]);
    }
    float m_new = fmaxf(m, mt), corr = expf(m - m_new);
    l *= corr;
#pragma unroll
    for (int c = 0; c < PER; c++)
      acc[c] *= corr;
#pragma unroll
    for (int u = 0; u < CUK_ATT_KU; u++) {
      if (j0 + u >= nkeys)
        break;
      float e = expf(s[u] - m_new);
      const TKV *vr = vbase + (j0 + u) * a.kv_ss;
      l += e;
#pragma unroll
      for (int c = 0; c < PER; c++)
        if (lane + 32 * c < d)
          acc[c] += e * cuk_ld(vr, lane + 32 * c);
    }
    m = m_new;
  }
  if (lane == 0) {
    sm[warp] = m;
    sl[warp] = l;
  }
#pragma unroll
  for (int c = 0; c < PER; c++)
    if (lane + 32 * c < d)
      sacc[warp][lane + 32 * c] = acc[c];
  __syncthreads();
  float big = -CUK_INF, sum = 0.0f;
  for (int w = 0; w < W; w++)
    big = fmaxf(big, sm[w]);
  for (int w = 0; w < W; w++)
    sum += sl[w] > 0.0f ? sl[w] * expf(sm[w] - big) : 0.0f;
  TO *orow = o + b * a.q_sb + h * a.q_sh + i * a.q_ss;
  for (int col = threadIdx.x; col < d; col += blockDim.x) {
    float r = 0.0f;
    for (int w = 0; w < W; w++)
      r += sl[w] > 0.0f ? sacc[w][col] * expf(sm[w] - big) : 0.0f;
    cuk_st(orow, col, r / sum);
  }
}

#define CUK_ATT(TQ, NQ, TKV, NKV, TO, NO)                                                          \
  extern "C" __global__ void __launch_bounds__(CUK_ATT_TILE_THREADS)                               \
      ab_attn_tile_##NQ##_##NKV##_##NO(const TQ *q, const TKV *k, const TKV *v, TO *o,             \
                                       cuk_attention_args a) {                                     \
    cuk_att_tile(q, k, v, o, a);                                                                   \
  }                                                                                                \
  extern "C" __global__ void __launch_bounds__(CUK_ATT_DEC_WARPS * 32)                             \
      ab_attn_dec_##NQ##_##NKV##_##NO(const TQ *q, const TKV *k, const TKV *v, TO *o,              \
                                      cuk_attention_args a) {                                      \
    cuk_att_dec(q, k, v, o, a);                                                                    \
  }
CUK_FLOAT_TRIPLES(CUK_ATT)
