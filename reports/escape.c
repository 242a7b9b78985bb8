/* accelbench — escaping for HTML/XML, Markdown and CSV (see escape.h). */
#include "escape.h"

#include <stdbool.h>
#include <string.h>

void ab_write_markup_escaped(FILE *out, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
    switch (*p) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default:
      if (*p < 0x20 && *p != '\t' && *p != '\n')
        fputs("\xef\xbf\xbd", out); /* U+FFFD: XML 1.0 forbids these characters */
      else
        fputc(*p, out);
    }
  }
}

void ab_write_md_cell(FILE *out, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
    switch (*p) {
    case '|': fputs("\\|", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\n':
    case '\r':
    case '\t': fputc(' ', out); break;
    case '<': fputs("&lt;", out); break; /* '>' alone opens no tag: "f32->f32" stays readable */
    case '&': fputs("&amp;", out); break;
    default:
      if (*p < 0x20)
        fputc(' ', out);
      else
        fputc(*p, out);
    }
  }
}

void ab_write_csv_field(FILE *out, const char *s) {
  if (!s)
    s = "";
  bool formula = strchr("=+-@", s[0]) != NULL && s[0] != '\0';
  bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
  if (quote)
    fputc('"', out);
  if (formula)
    fputc('\'', out);
  for (const char *p = s; *p; p++) {
    if (*p == '"')
      fputc('"', out);
    fputc(*p, out);
  }
  if (quote)
    fputc('"', out);
}
