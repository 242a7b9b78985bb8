#include "table.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define GAP      2 /* spaces between columns */
#define ELLIPSIS "\xe2\x80\xa6"

size_t ab_terminal_width(FILE *out) {
  const char *env = getenv("COLUMNS");
  if (env && *env) {
    char *end;
    long v = strtol(env, &end, 10);
    if (!*end && v > 0 && v < 100000)
      return (size_t)v;
  }
  struct winsize ws;
  if (out && isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  return 0;
}

static bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

size_t ab_text_width(const char *s) {
  size_t w = 0;
  for (; s && *s; s++)
    w += !is_continuation((unsigned char)*s);
  return w;
}

void ab_text_fit(const char *s, size_t width, char *buf, size_t len) {
  if (!len)
    return;
  if (!s)
    s = "";
  bool cut = ab_text_width(s) > width;
  size_t keep = cut ? (width ? width - 1 : 0) : width, cols = 0, i = 0;
  /* Whole code points only, and room for the ellipsis and the terminator. */
  while (s[i] && i + 1 + (cut ? sizeof ELLIPSIS : 0) < len) {
    if (!is_continuation((unsigned char)s[i]) && cols++ == keep)
      break;
    i++;
  }
  while (i > 0 && s[i] && is_continuation((unsigned char)s[i]))
    i--; /* the buffer ran out inside a code point */
  memcpy(buf, s, i);
  buf[i] = '\0';
  if (cut && width)
    strcat(buf, ELLIPSIS);
}

/* Natural widths, then narrower columns, by rank, until the table fits. */
static void fit_widths(const ab_table_col *cols, size_t n_cols, const char *const *cells,
                       size_t n_rows, size_t width, size_t *w) {
  size_t total = n_cols ? GAP * (n_cols - 1) : 0;
  for (size_t c = 0; c < n_cols; c++) {
    w[c] = ab_text_width(cols[c].header);
    for (size_t r = 0; r < n_rows; r++) {
      size_t cw = ab_text_width(cells[r * n_cols + c]);
      w[c] = cw > w[c] ? cw : w[c];
    }
    total += w[c];
  }
  for (int rank = 0; width && total > width && rank < 16; rank++)
    for (size_t c = 0; c < n_cols && total > width; c++) {
      if (cols[c].shrink_rank != rank || w[c] <= cols[c].min_width)
        continue;
      size_t cut = total - width, room = w[c] - cols[c].min_width;
      cut = cut < room ? cut : room;
      w[c] -= cut;
      total -= cut;
    }
}

static void print_cell(FILE *out, const ab_table_col *col, const char *text, size_t w, bool last) {
  char buf[1024];
  ab_text_fit(text, w, buf, sizeof buf);
  size_t pad = w - ab_text_width(buf);
  if (col->right)
    fprintf(out, "%*s", (int)pad, "");
  fputs(buf, out);
  if (!col->right && !last)
    fprintf(out, "%*s", (int)pad, "");
  if (!last)
    fprintf(out, "%*s", GAP, "");
}

/* One line of cells; when even the narrowest columns do not fit, the line itself is cut. */
static void print_line(FILE *out, const ab_table_col *cols, size_t n_cols, const char *const *text,
                       const size_t *w, size_t width) {
  char *line = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&line, &len);
  if (!f)
    return;
  for (size_t c = 0; c < n_cols; c++)
    print_cell(f, &cols[c], text[c], w[c], c + 1 == n_cols);
  fclose(f);
  if (width && line && ab_text_width(line) > width) {
    char cut[4096];
    ab_text_fit(line, width, cut, sizeof cut);
    fputs(cut, out);
  } else if (line) {
    fputs(line, out);
  }
  fputc('\n', out);
  free(line);
}

void ab_table_print(FILE *out, const ab_table_col *cols, size_t n_cols, const char *const *cells,
                    size_t n_rows, size_t width) {
  size_t *w = calloc(n_cols ? n_cols : 1, sizeof *w);
  const char **headers = calloc(n_cols ? n_cols : 1, sizeof *headers);
  if (!w || !headers) {
    free(w);
    free(headers);
    return;
  }
  fit_widths(cols, n_cols, cells, n_rows, width, w);
  for (size_t c = 0; c < n_cols; c++)
    headers[c] = cols[c].header;
  print_line(out, cols, n_cols, headers, w, width);
  for (size_t r = 0; r < n_rows; r++)
    print_line(out, cols, n_cols, cells + r * n_cols, w, width);
  free(w);
  free(headers);
}
