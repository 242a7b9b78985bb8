/* accelbench OpenCL backend — OpenCL C sources, compiled at run time for each device.
 *
 * The same text runs on every device; only -D options chosen from the device's reported
 * limits (work-group size, local memory, preferred vector width) differ. Nothing here is
 * tuned for one vendor, which is the point of the "portable" provider.
 */
#include "ocl_internal.h"

/* VW-wide loads and element access, shared by the GEMM and microbenchmark programs (pasted
 * into both texts at compile time, so each program source stays one string). */
#define VECTOR_MACROS                                                                              \
  "#define CAT_(a, b) a##b\n"                                                                      \
  "#define CAT(a, b) CAT_(a, b)\n"                                                                 \
  "#if VW == 1\n"                                                                                  \
  "#define VLD(p) (*(p))\n"                                                                        \
  "#define VTOARR(v, arr) ((arr)[0] = (v))\n"                                                      \
  "#else\n"                                                                                        \
  "#define VLD(p) CAT(vload, VW)(0, (p))\n"                                                        \
  "#define VTOARR(v, arr) CAT(vstore, VW)((v), 0, (arr))\n"                                        \
  "#endif\n"

/* GEMM: C[M x N] = op(A)[M x K] * op(B)[K x N], row-major, alpha = 1, beta = 0.
 * trans_a / trans_b (kernel arguments): operand stored transposed (kernel.h); a run-time
 * branch outside the inner loop, so the four combinations share one compiled program.
 *
 * Build options (set by ocl_gemm.c):
 *   DT          0 f32, 1 f64, 2 f16 (storage only: vload_half/vstore_half, core OpenCL
 *               since 1.0, f32 accumulate), 3 int8 (char inputs, int accumulate, int out)
 *   ACC, ACCV   accumulator scalar and VW-wide vector type ("float", "float8")
 *   VW          vector width of a work-item's columns (device's preferred width)
 *   WPTM, WPTN  rows and VW-wide column vectors per work-item (register blocking)
 *   WGM, WGN    work-group shape (rows, columns of work-items)
 *   TSK         k-depth of the tiles staged in local memory
 * A work-group computes a TSM x TSN tile of C, TSM = WGM*WPTM, TSN = WGN*WPTN*VW. Tiles of
 * op(A) and op(B) are staged in local memory with zero fill past the matrix edges, so the
 * inner product loop has no branches and any M, N, K works; stores check the edges. */
const char ocl_src_gemm[] =
    "#if DT == 1\n"
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    "#endif\n"
    "#if DT == 0\n"
    "typedef float IN_T; typedef float OUT_T;\n"
    "#define LD(p, i) (p)[i]\n"
    "#define ST1(p, i, v) ((p)[i] = (v))\n"
    "#elif DT == 1\n"
    "typedef double IN_T; typedef double OUT_T;\n"
    "#define LD(p, i) (p)[i]\n"
    "#define ST1(p, i, v) ((p)[i] = (v))\n"
    "#elif DT == 2\n"
    "typedef half IN_T; typedef half OUT_T;\n"
    "#define LD(p, i) vload_half((i), (p))\n"
    "#define ST1(p, i, v) vstore_half((v), (i), (p))\n"
    "#else\n"
    "typedef char IN_T; typedef int OUT_T;\n"
    "#define LD(p, i) ((int)(p)[i])\n"
    "#define ST1(p, i, v) ((p)[i] = (v))\n"
    "#endif\n" VECTOR_MACROS "#if DT == 2 && VW > 1\n"
    "#define VST(v, p) CAT(vstore_half, VW)((v), 0, (p))\n"
    "#elif DT == 2\n"
    "#define VST(v, p) vstore_half((v), 0, (p))\n"
    "#elif VW > 1\n"
    "#define VST(v, p) CAT(vstore, VW)((v), 0, (p))\n"
    "#else\n"
    "#define VST(v, p) (*(p) = (v))\n"
    "#endif\n"
    "#define TSM (WGM * WPTM)\n"
    "#define TSN (WGN * WPTN * VW)\n"
    "#define NT (WGM * WGN)\n"
    "__kernel __attribute__((reqd_work_group_size(WGN, WGM, 1)))\n"
    "void ab_gemm(const int M, const int N, const int K, __global const IN_T *restrict A,\n"
    "             __global const IN_T *restrict B, __global OUT_T *restrict C,\n"
    "             const int trans_a, const int trans_b) {\n"
    "  const int tx = get_local_id(0), ty = get_local_id(1);\n"
    "  const int tid = ty * WGN + tx;\n"
    "  const int col0 = get_group_id(0) * TSN;\n"
    "  const int row0 = get_group_id(1) * TSM;\n"
    "  __local ACC As[TSK * TSM];\n"
    "  __local ACC Bs[TSK * TSN];\n"
    "  ACCV acc[WPTM][WPTN];\n"
    "  for (int wm = 0; wm < WPTM; wm++)\n"
    "    for (int wn = 0; wn < WPTN; wn++)\n"
    "      acc[wm][wn] = (ACCV)(0);\n"
    "  for (int k0 = 0; k0 < K; k0 += TSK) {\n"
    /* Stage op(A): consecutive work-items read consecutive addresses of A as stored. */
    "    if (trans_a) {\n"
    "      for (int l = tid; l < TSK * TSM; l += NT) {\n"
    "        const int mm = l % TSM, kk = l / TSM;\n"
    "        const int gm = row0 + mm, gk = k0 + kk;\n"
    "        As[kk * TSM + mm] = (gm < M && gk < K) ? (ACC)LD(A, (size_t)gk * M + gm) : (ACC)0;\n"
    "      }\n"
    "    } else {\n"
    "      for (int l = tid; l < TSK * TSM; l += NT) {\n"
    "        const int kk = l % TSK, mm = l / TSK;\n"
    "        const int gm = row0 + mm, gk = k0 + kk;\n"
    "        As[kk * TSM + mm] = (gm < M && gk < K) ? (ACC)LD(A, (size_t)gm * K + gk) : (ACC)0;\n"
    "      }\n"
    "    }\n"
    "    if (trans_b) {\n"
    "      for (int l = tid; l < TSK * TSN; l += NT) {\n"
    "        const int kk = l % TSK, nn = l / TSK;\n"
    "        const int gn = col0 + nn, gk = k0 + kk;\n"
    "        Bs[kk * TSN + nn] = (gn < N && gk < K) ? (ACC)LD(B, (size_t)gn * K + gk) : (ACC)0;\n"
    "      }\n"
    "    } else {\n"
    "      for (int l = tid; l < TSK * TSN; l += NT) {\n"
    "        const int nn = l % TSN, kk = l / TSN;\n"
    "        const int gn = col0 + nn, gk = k0 + kk;\n"
    "        Bs[kk * TSN + nn] = (gn < N && gk < K) ? (ACC)LD(B, (size_t)gk * N + gn) : (ACC)0;\n"
    "      }\n"
    "    }\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    /* Register-blocked inner product: WPTN vector loads and WPTM scalar broadcasts feed
     * WPTM*WPTN vector multiply-adds per k. */
    "    for (int kk = 0; kk < TSK; kk++) {\n"
    "      ACCV b[WPTN];\n"
    "      for (int wn = 0; wn < WPTN; wn++)\n"
    "        b[wn] = VLD(&Bs[kk * TSN + (wn * WGN + tx) * VW]);\n"
    "      for (int wm = 0; wm < WPTM; wm++) {\n"
    "        const ACC a = As[kk * TSM + wm * WGM + ty];\n"
    "        for (int wn = 0; wn < WPTN; wn++)\n"
    "          acc[wm][wn] += a * b[wn];\n"
    "      }\n"
    "    }\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  }\n"
    "  for (int wm = 0; wm < WPTM; wm++) {\n"
    "    const int row = row0 + wm * WGM + ty;\n"
    "    if (row >= M)\n"
    "      continue;\n"
    "    for (int wn = 0; wn < WPTN; wn++) {\n"
    "      const int col = col0 + (wn * WGN + tx) * VW;\n"
    "      __global OUT_T *dst = C + (size_t)row * N + col;\n"
    "      if (col + VW <= N) {\n"
    "        VST(acc[wm][wn], dst);\n"
    "      } else {\n"
    "        ACC tmp[VW];\n"
    "        VTOARR(acc[wm][wn], tmp);\n"
    "        for (int e = 0; e < VW && col + e < N; e++)\n"
    "          ST1(dst, e, tmp[e]);\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "}\n";

/* Microbenchmarks.
 *
 * ab_peak (PEAK): build options DT (0 f32, 1 f64, 2 f16, 3 int8), T (scalar type),
 * TV (VW-wide vector of T), VW, OT (output element type). Work-item g handles items
 * g*VW .. g*VW+VW-1, one per vector lane. Each item runs 8 independent chains
 * x_j (j = 0..7), starting at x_j = (item + j) % 4, and applies x_j = x_j * a + b
 * s_j times, where s_j = q + (j < r), q = fma_per_item / 8, r = fma_per_item % 8, so the
 * item does exactly fma_per_item multiply-adds. a = -1 and b = 1 are kernel arguments (the
 * compiler cannot fold them), so x_j alternates between x0 and 1 - x0 and every value is a
 * small integer, exact in every dtype. out[item] = sum_j x_j (in T, exact), with
 * x_j = x0_j when s_j is even and 1 - x0_j when s_j is odd.
 *
 * ab_copy (MEMBW): dst[i] = src[i] for every byte i < bytes (16-byte vectors, last
 * work-item copies the tail).
 *
 * ab_empty (LAUNCH): does nothing; one work-item. */
const char ocl_src_micro[] =
    "#if DT == 1\n"
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    "#elif DT == 2\n"
    "#pragma OPENCL EXTENSION cl_khr_fp16 : enable\n"
    "#endif\n" VECTOR_MACROS "#define STEP(x) x = x * va + vb\n"
    "__kernel void ab_peak(__global OT *out, const long items, const int q, const int r,\n"
    "                      const float af, const float bf) {\n"
    "  const long base = (long)get_global_id(0) * VW;\n"
    "  T init[VW];\n"
    "  TV x[8];\n"
    "  for (int j = 0; j < 8; j++) {\n"
    "    for (int l = 0; l < VW; l++)\n"
    "      init[l] = (T)((base + l + j) % 4);\n"
    "    x[j] = VLD(init);\n"
    "  }\n"
    "  TV x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5], x6 = x[6],\n"
    "     x7 = x[7];\n"
    "  const TV va = (TV)((T)af), vb = (TV)((T)bf);\n"
    "  for (int s = 0; s < q; s++) {\n"
    "    STEP(x0); STEP(x1); STEP(x2); STEP(x3); STEP(x4); STEP(x5); STEP(x6); STEP(x7);\n"
    "  }\n"
    "  if (r > 0) STEP(x0);\n"
    "  if (r > 1) STEP(x1);\n"
    "  if (r > 2) STEP(x2);\n"
    "  if (r > 3) STEP(x3);\n"
    "  if (r > 4) STEP(x4);\n"
    "  if (r > 5) STEP(x5);\n"
    "  if (r > 6) STEP(x6);\n"
    "  const TV sum = x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7;\n"
    "  T res[VW];\n"
    "  VTOARR(sum, res);\n"
    "  for (int l = 0; l < VW; l++)\n"
    "    if (base + l < items)\n"
    "      out[base + l] = (OT)res[l];\n"
    "}\n"
    "__kernel void ab_copy(__global const uint4 *src, __global uint4 *dst, const long n_vec,\n"
    "                      const long bytes) {\n"
    "  const long i = get_global_id(0);\n"
    "  if (i < n_vec) {\n"
    "    dst[i] = src[i];\n"
    "  } else if (i == n_vec) {\n"
    "    __global const uchar *s = (__global const uchar *)src;\n"
    "    __global uchar *d = (__global uchar *)dst;\n"
    "    for (long b = n_vec * 16; b < bytes; b++)\n"
    "      d[b] = s[b];\n"
    "  }\n"
    "}\n"
    "__kernel void ab_empty(void) {\n"
    "}\n";
