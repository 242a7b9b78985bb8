/* accelbench — inline-SVG helpers for the HTML report (see svg.h). Coordinates are printed
 * with one decimal: enough for a screen or a printer, and stable across platforms. */
#include "svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

double ab_svg_pos(const ab_svg_scale *s, double v) {
  double a = s->lo, b = s->hi;
  if (v < a)
    v = a;
  if (v > b)
    v = b;
  if (s->log) {
    a = log10(a);
    b = log10(b);
    v = log10(v);
  }
  if (b == a)
    return s->p0;
  return s->p0 + (v - a) / (b - a) * (s->p1 - s->p0);
}

void ab_svg_decades(double *lo, double *hi) {
  double l = floor(log10(*lo)), h = ceil(log10(*hi));
  if (h <= l)
    h = l + 1;
  *lo = pow(10.0, l);
  *hi = pow(10.0, h);
}

double ab_svg_nice_max(double *hi, int ticks) {
  if (!(*hi > 0) || !isfinite(*hi))
    *hi = 1.0;
  double raw = *hi / (ticks > 0 ? ticks : 5);
  double mag = pow(10.0, floor(log10(raw)));
  double f = raw / mag;
  double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  double step = nice * mag;
  *hi = ceil(*hi / step - 1e-9) * step;
  return step;
}

void ab_svg_begin(FILE *out, int width, int height, const char *cls, const char *label) {
  fprintf(out,
          "<svg viewBox=\"0 0 %d %d\" width=\"%d\" "
          "height=\"%d\" role=\"img\" class=\"%s\" aria-label=\"",
          width, height, width, height, cls ? cls : "chart");
  ab_write_markup_escaped(out, label);
  fputs("\"><title>", out);
  ab_write_markup_escaped(out, label);
  fputs("</title>\n", out);
}

void ab_svg_end(FILE *out) {
  fputs("</svg>\n", out);
}

void ab_svg_text(FILE *out, double x, double y, const char *anchor, const char *cls,
                 const char *text) {
  fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y, anchor);
  if (cls)
    fprintf(out, " class=\"%s\"", cls);
  fputc('>', out);
  ab_write_markup_escaped(out, text);
  fputs("</text>\n", out);
}

void ab_svg_text_rotated(FILE *out, double x, double y, double deg, const char *anchor,
                         const char *cls, const char *text) {
  fprintf(out,
          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" transform=\"rotate(%.1f %.1f %.1f)\"", x,
          y, anchor, deg, x, y);
  if (cls)
    fprintf(out, " class=\"%s\"", cls);
  fputc('>', out);
  ab_write_markup_escaped(out, text);
  fputs("</text>\n", out);
}

void ab_svg_line(FILE *out, double x1, double y1, double x2, double y2, const char *cls) {
  fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>\n", x1, y1, x2,
          y2, cls);
}

void ab_svg_rect(FILE *out, double x, double y, double w, double h, const char *cls,
                 const char *title) {
  fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"%s\"", x, y, w,
          h, cls);
  if (!title) {
    fputs("/>\n", out);
    return;
  }
  fputs("><title>", out);
  ab_write_markup_escaped(out, title);
  fputs("</title></rect>\n", out);
}

static void marker_polygon(FILE *out, const double (*pts)[2], size_t n, double x, double y,
                           double r, const char *cls) {
  fprintf(out, "<polygon class=\"%s\" points=\"", cls);
  for (size_t i = 0; i < n; i++)
    fprintf(out, "%s%.1f,%.1f", i ? " " : "", x + pts[i][0] * r, y + pts[i][1] * r);
  fputs("\">", out);
}

void ab_svg_marker(FILE *out, ab_svg_shape shape, double x, double y, double r, const char *cls,
                   const char *title) {
  static const double square[][2] = {{-0.9, -0.9}, {0.9, -0.9}, {0.9, 0.9}, {-0.9, 0.9}};
  static const double diamond[][2] = {{0, -1.3}, {1.3, 0}, {0, 1.3}, {-1.3, 0}};
  static const double up[][2] = {{0, -1.3}, {1.2, 0.9}, {-1.2, 0.9}};
  static const double down[][2] = {{0, 1.3}, {1.2, -0.9}, {-1.2, -0.9}};
  const char *end = "</polygon>\n";
  switch (shape) {
  case AB_SVG_SQUARE: marker_polygon(out, square, 4, x, y, r, cls); break;
  case AB_SVG_DIAMOND: marker_polygon(out, diamond, 4, x, y, r, cls); break;
  case AB_SVG_TRIANGLE_UP: marker_polygon(out, up, 3, x, y, r, cls); break;
  case AB_SVG_TRIANGLE_DOWN: marker_polygon(out, down, 3, x, y, r, cls); break;
  default:
    fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" class=\"%s\">", x, y, r, cls);
    end = "</circle>\n";
  }
  if (title) {
    fputs("<title>", out);
    ab_write_markup_escaped(out, title);
    fputs("</title>", out);
  }
  fputs(end, out);
}

/* Tick labels: %g for linear steps (0.0005, 2.5, 1500); log decades as plain decimals
 * where short and 1eN outside 0.001 .. 10000. */
static void tick_label(double v, bool log, char *buf, size_t len) {
  double a = fabs(v);
  if (!log || v == 0 || (a >= 1e-3 && a < 1e5))
    snprintf(buf, len, "%g", v);
  else
    snprintf(buf, len, "1e%d", (int)lround(log10(a)));
}

static void axis_tick(FILE *out, const ab_svg_scale *s, bool vertical, double at, double grid_to,
                      double t) {
  char lab[32];
  double p = ab_svg_pos(s, t);
  tick_label(t, s->log, lab, sizeof lab);
  if (vertical) {
    ab_svg_line(out, grid_to, p, at, p, "grid");
    ab_svg_line(out, at - 4, p, at, p, "axis");
    ab_svg_text(out, at - 6, p + 4, "end", "tick", lab);
  } else {
    ab_svg_line(out, p, grid_to, p, at, "grid");
    ab_svg_line(out, p, at, p, at + 4, "axis");
    ab_svg_text(out, p, at + 16, "middle", "tick", lab);
  }
}

void ab_svg_axis(FILE *out, const ab_svg_scale *s, bool vertical, double at, double grid_to,
                 double step) {
  if (vertical)
    ab_svg_line(out, at, s->p0, at, s->p1, "axis");
  else
    ab_svg_line(out, s->p0, at, s->p1, at, "axis");
  if (s->log) {
    for (int k = (int)floor(log10(s->lo) + 1e-9); k <= (int)ceil(log10(s->hi) - 1e-9); k++)
      axis_tick(out, s, vertical, at, grid_to, pow(10.0, k));
    return;
  }
  if (!(step > 0))
    return;
  for (int i = 0; i <= 100; i++) {
    double t = s->lo + i * step;
    if (t > s->hi * (1 + 1e-9) + 1e-300)
      break;
    axis_tick(out, s, vertical, at, grid_to, t);
  }
}

void ab_svg_polyline(FILE *out, const ab_svg_scale *x, const ab_svg_scale *y, const double *xs,
                     const double *ys, size_t n, const char *cls) {
  fprintf(out, "<polyline class=\"%s\" points=\"", cls);
  bool first = true;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(xs[i]) || !isfinite(ys[i]))
      continue;
    fprintf(out, "%s%.1f,%.1f", first ? "" : " ", ab_svg_pos(x, xs[i]), ab_svg_pos(y, ys[i]));
    first = false;
  }
  fputs("\"/>\n", out);
}
