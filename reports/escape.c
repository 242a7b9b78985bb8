/* accelbench — escaping for HTML/XML, Markdown and CSV (see escape.h). */
#include "escape.h"

#include <stdbool.h>
#include <string.h>

size_t ab_utf8_seq_len(const unsigned char *s) {
  size_t n = *s < 0x80             ? 1
             : (*s & 0xE0) == 0xC0 ? 2
             : (*s & 0xF0) == 0xE0 ? 3
             : (*s & 0xF8) == 0xF0 ? 4
                                   : 0;
  if (n == 0 || (n == 2 && *s < 0xC2) || (n == 4 && *s > 0xF4))
    return 0; /* a stray continuation byte, an overlong lead or beyond U+10FFFF */
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  return n;
}

int ab_utf8_prefix(const char *s, size_t max) {
  size_t n = strnlen(s, max + 1);
  if (n <= max)
    return (int)n;
  n = max;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--; /* s[n] continues a character: cut before its lead byte */
  return (int)n;
}

void ab_write_markup_escaped(FILE *out, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
    if (*p >= 0x80) {
      size_t n = ab_utf8_seq_len(p);
      if (n == 0) {
        fputs("\xef\xbf\xbd", out); /* not UTF-8: one replacement character per bad byte */
      } else {
        fwrite(p, 1, n, out);
        p += n - 1;
      }
      continue;
    }
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
    case '|':
    case '\\':
    case '[':
    case ']':
    case '*':
    case '_':
    case '`':
      /* Table separators and inline syntax (links, emphasis, code) show as typed: a device
       * name like "[x](javascript:...)" stays text. */
      fputc('\\', out);
      fputc(*p, out);
      break;
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
  /* A spreadsheet runs a cell that starts with these (tab and CR included: some strip them
   * and then see the formula), so such text gets a leading quote. */
  bool formula = s[0] != '\0' && s[1] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
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
