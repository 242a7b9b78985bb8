/* accelbench — escaping text from run files for the markup and table formats we write.
 * Every string that came from a run file (device names, reasons, paths) goes through one of
 * these: run files are input, and input is never trusted to be well-formed markup. */
#ifndef AB_ESCAPE_H
#define AB_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* HTML and XML text and attribute values: & < > " ' as entities; control characters other
 * than tab and newline (not allowed in XML 1.0) and bytes that are not valid UTF-8 as
 * U+FFFD, so the document stays well-formed whatever a run file holds. */
void ab_write_markup_escaped(FILE *out, const char *s);

/* Both of these also write each byte that is not UTF-8 as U+FFFD. A Markdown table cell: | \ [ ] *
 * _ ` backslash-escaped, newlines as spaces, < and & as entities so that renderers which accept
 * inline HTML show the text, not markup. */
void ab_write_md_cell(FILE *out, const char *s);

/* An RFC 4180 CSV field: quoted when it holds a comma, quote, CR or LF (quotes doubled); a
 * leading = + - @ tab or CR (on more than one character) is prefixed with ' so spreadsheets do not
 * run it as a formula. */
void ab_write_csv_field(FILE *out, const char *s);

/* Length in bytes of a valid UTF-8 sequence at s (1-4), or 0 when s does not start one
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
size_t ab_utf8_seq_len(const unsigned char *s);

bool ab_utf8_valid(const char *s);

/* s itself when it is valid UTF-8, else a copy in buf (cap bytes) with each bad byte as
 * U+FFFD, cut at a whole character if buf is too small. NULL reads as "". */
const char *ab_utf8_clean_into(const char *s, char *buf, size_t cap);

/* A malloc'ed copy of s with each bad byte as U+FFFD (NULL when out of memory). */
char *ab_utf8_clean_dup(const char *s);

/* The longest prefix of s of at most max bytes that does not split a UTF-8 character, as
 * an int for "%.*s": text cut to fit a buffer must stay valid in JSON and XML. */
int ab_utf8_prefix(const char *s, size_t max);

#endif
