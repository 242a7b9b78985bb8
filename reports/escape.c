/* accelbench — escaping for HTML/XML, Markdown and CSV (see escape.h). */
#include "escape.h"

#include <stdbool.h>
#include <stdlib.h>
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
  /* What JSON and XML parsers refuse too (RFC 3629): overlong 3- and 4-byte forms, UTF-16
   * surrogates (U+D800-DFFF), and code points above U+10FFFF. */
  if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
    return 0;
  if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
    return 0;
  return n;
}

bool ab_utf8_valid(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; p && *p;) {
    size_t n = ab_utf8_seq_len(p);
    if (n == 0)
      return false;
    p += n;
  }
  return true;
}

/* Copies s into buf (cap bytes), each byte that does not start a valid sequence as U+FFFD;
 * stops at a whole character when buf is full. */
static void utf8_clean(const char *s, char *buf, size_t cap) {
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    size_t n = ab_utf8_seq_len(p);
    const char *piece = n ? (const char *)p : "\xef\xbf\xbd";
    size_t len = n ? n : 3;
    if (o + len >= cap)
      break;
    memcpy(buf + o, piece, len);
    o += len;
    p += n ? n : 1;
  }
  buf[o] = '\0';
}

const char *ab_utf8_clean_into(const char *s, char *buf, size_t cap) {
  if (!s)
    return "";
  if (ab_utf8_valid(s) || cap == 0)
    return s;
  utf8_clean(s, buf, cap);
  return buf;
}

char *ab_utf8_clean_dup(const char *s) {
  if (!s)
    s = "";
  size_t cap = strlen(s) * 3 + 1; /* at worst every byte becomes a 3-byte U+FFFD */
  char *buf = malloc(cap);
  if (buf)
    utf8_clean(s, buf, cap);
  return buf;
}

/* Writes the valid UTF-8 sequence at p (or U+FFFD for a bad byte); returns bytes consumed. */
static size_t put_utf8(FILE *out, const unsigned char *p) {
  size_t n = ab_utf8_seq_len(p);
  if (n == 0) {
    fputs("\xef\xbf\xbd", out);
    return 1;
  }
  fwrite(p, 1, n, out);
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
    if (*p >= 0x80) { /* not UTF-8: one replacement character per bad byte */
      p += put_utf8(out, p) - 1;
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
    if (*p >= 0x80) {
      p += put_utf8(out, p) - 1;
      continue;
    }
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
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p >= 0x80) {
      p += put_utf8(out, p) - 1;
      continue;
    }
    if (*p == '"')
      fputc('"', out);
    fputc(*p, out);
  }
  if (quote)
    fputc('"', out);
}
