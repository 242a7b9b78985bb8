/* accelbench — what the HTML report and the HTML comparison share (html.c); private to the
 * reporter library. */
#ifndef AB_HTML_PRIV_H
#define AB_HTML_PRIV_H

#include <stdio.h>

#include "i18n.h"

/* <!DOCTYPE>, <html lang>, the Content-Security-Policy that forbids every fetch, the one
 * stylesheet (screen and print; local fonts only, CJK through the font-family fallback
 * list) and <body>. */
void ab_html_head(FILE *out, ab_lang lang, const char *title);

#endif
