/* accelbench — a tiny inline-SVG toolkit for the HTML report: scales (linear and log),
 * axes with ticks, text, lines, rectangles and polylines. Everything is written as inline
 * SVG markup (no scripts, no external references), with coordinates printed at a fixed
 * precision so the output is byte-for-byte deterministic. Text goes through the markup
 * escaper: labels come from run files. */
#ifndef AB_SVG_H
#define AB_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Maps data values in [lo, hi] to pixels [p0, p1] (p1 < p0 for a y axis growing up). */
typedef struct ab_svg_scale {
  double lo, hi;
  double p0, p1;
  bool log; /* log10 scale: lo and hi must be > 0 */
} ab_svg_scale;

/* Pixel position of v (clamped to the scale's range, so nothing is drawn outside a
 * plot area). */
double ab_svg_pos(const ab_svg_scale *s, double v);

/* Widen [*lo, *hi] (both > 0) to whole decades, at least one decade wide. */
void ab_svg_decades(double *lo, double *hi);

/* Widen [0, *hi] to a "nice" upper end (1, 2, 2.5 or 5 times a power of ten) and return
 * the tick step that divides it into about `ticks` parts. */
double ab_svg_nice_max(double *hi, int ticks);

/* <svg> with a viewBox of width x height, role="img" and `label` as its accessible name
 * and first <title>. */
void ab_svg_begin(FILE *out, int width, int height, const char *cls, const char *label);
void ab_svg_end(FILE *out);

/* Escaped text at (x, y); anchor is "start", "middle" or "end"; cls may be NULL. */
void ab_svg_text(FILE *out, double x, double y, const char *anchor, const char *cls,
                 const char *text);
/* The same, rotated by `deg` degrees (negative: counter-clockwise) around (x, y): axis
 * titles (-90) and labels along a sloped line. */
void ab_svg_text_rotated(FILE *out, double x, double y, double deg, const char *anchor,
                         const char *cls, const char *text);

void ab_svg_line(FILE *out, double x1, double y1, double x2, double y2, const char *cls);

/* A rectangle; a non-NULL `title` becomes its hover text (escaped). */
void ab_svg_rect(FILE *out, double x, double y, double w, double h, const char *cls,
                 const char *title);

/* A marker centred on (x, y) with hover text (escaped). Shapes differ as well as colours
 * so that series stay apart on a greyscale print. */
typedef enum ab_svg_shape {
  AB_SVG_CIRCLE,
  AB_SVG_SQUARE,
  AB_SVG_DIAMOND,
  AB_SVG_TRIANGLE_UP,
  AB_SVG_TRIANGLE_DOWN,
  AB_SVG_SHAPE_COUNT
} ab_svg_shape;
void ab_svg_marker(FILE *out, ab_svg_shape shape, double x, double y, double r, const char *cls,
                   const char *title);

/* Ticks, tick labels and grid lines of one axis. A horizontal axis is drawn at pixel
 * y = `at`, its grid lines reaching up to y = `grid_to`; a vertical one at x = `at`, its
 * grid reaching x = `grid_to`. Log scales tick every decade, linear ones every `step`. */
void ab_svg_axis(FILE *out, const ab_svg_scale *s, bool vertical, double at, double grid_to,
                 double step);

/* A polyline through (xs[i], ys[i]) mapped by the two scales; points with a NaN coordinate
 * are skipped. */
void ab_svg_polyline(FILE *out, const ab_svg_scale *x, const ab_svg_scale *y, const double *xs,
                     const double *ys, size_t n, const char *cls);

#endif
