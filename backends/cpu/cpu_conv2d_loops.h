/* accelbench CPU backend — the native conv2d loops for one element type, included by
 * cpu_conv2d.c once per type with CONV_NAME (suffix), CONV_TI (input element) and CONV_TA
 * (accumulator and output element) defined; they are undefined again at the end.
 *
 * NCHW: one (image, output channel) plane per task. Each filter tap scales a row of the
 * input into a row of the output, so the inner loop runs along contiguous columns (and
 * vectorises at stride 1).
 * NHWC: one (image, output row) per task. Each output element is a dot product over the
 * group's channels, contiguous in both the input (HWC) and the filter (KRSC). */
#define CONV_CAT2(a, b) a##_##b
#define CONV_CAT(a, b)  CONV_CAT2(a, b)
#define CONV_FN(base)   CONV_CAT(base, CONV_NAME)

static void CONV_FN(conv_nchw)(const conv_shape *g, const CONV_TI *in, const CONV_TI *f,
                               CONV_TA *out, int threads) {
#pragma omp parallel for num_threads(threads) schedule(dynamic)
  for (int64_t t = 0; t < g->n * g->k; t++) {
    int64_t n = t / g->k, ko = t % g->k, c0 = ko / g->kg * g->cg;
    CONV_TA *o = out + t * g->p * g->q;
    memset(o, 0, (size_t)(g->p * g->q) * sizeof *o);
    for (int64_t ci = 0; ci < g->cg; ci++) {
      const CONV_TI *plane = in + (n * g->c + c0 + ci) * g->h * g->w;
      for (int64_t i = 0; i < g->r; i++)
        for (int64_t j = 0; j < g->s; j++) {
          CONV_TA wv = (CONV_TA)f[((ko * g->cg + ci) * g->r + i) * g->s + j];
          int64_t off = j * g->dw - g->pw, lo, hi;
          valid_range(g->q, g->w, g->sw, off, &lo, &hi);
          for (int64_t y = 0; y < g->p; y++) {
            int64_t yy = y * g->sh - g->ph + i * g->dh;
            if (yy < 0 || yy >= g->h)
              continue;
            const CONV_TI *row = plane + yy * g->w;
            CONV_TA *orow = o + y * g->q;
            for (int64_t x = lo; x < hi; x++)
              orow[x] += wv * (CONV_TA)row[x * g->sw + off];
          }
        }
    }
  }
}

static CONV_TA CONV_FN(dot)(const CONV_TI *a, const CONV_TI *b, int64_t len) {
  CONV_TA acc = 0;
#pragma omp simd reduction(+ : acc)
  for (int64_t ci = 0; ci < len; ci++)
    acc += (CONV_TA)a[ci] * (CONV_TA)b[ci];
  return acc;
}

static void CONV_FN(conv_nhwc)(const conv_shape *g, const CONV_TI *in, const CONV_TI *f,
                               CONV_TA *out, int threads) {
#pragma omp parallel for num_threads(threads) schedule(dynamic)
  for (int64_t t = 0; t < g->n * g->p; t++) {
    int64_t n = t / g->p, y = t % g->p;
    for (int64_t x = 0; x < g->q; x++) {
      CONV_TA *o = out + (t * g->q + x) * g->k;
      for (int64_t ko = 0; ko < g->k; ko++) {
        int64_t c0 = ko / g->kg * g->cg;
        CONV_TA acc = 0;
        for (int64_t i = 0; i < g->r; i++) {
          int64_t yy = y * g->sh - g->ph + i * g->dh;
          if (yy < 0 || yy >= g->h)
            continue;
          for (int64_t j = 0; j < g->s; j++) {
            int64_t xx = x * g->sw - g->pw + j * g->dw;
            if (xx >= 0 && xx < g->w)
              acc += CONV_FN(dot)(in + ((n * g->h + yy) * g->w + xx) * g->c + c0,
                                  f + ((ko * g->r + i) * g->s + j) * g->cg, g->cg);
          }
        }
        o[ko] = acc;
      }
    }
  }
}

#undef CONV_FN
#undef CONV_CAT
#undef CONV_CAT2
#undef CONV_NAME
#undef CONV_TI
#undef CONV_TA
