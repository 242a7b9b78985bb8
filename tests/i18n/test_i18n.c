/* Tests of the message catalogue (reports/i18n.c): no id without both texts, and the same
 * printf conversions in both, so a translation can never make a renderer read an argument
 * it was not given. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

/* The conversions of a format in order ("%s%zu"), with %% dropped. */
static void conversions(const char *fmt, char *out, size_t len) {
  size_t o = 0;
  out[0] = '\0';
  for (const char *p = fmt; *p; p++) {
    if (*p != '%')
      continue;
    if (p[1] == '%') {
      p++;
      continue;
    }
    /* "% of peak" is a label's text: no catalogue format uses the space flag */
    if (p[1] == ' ')
      continue;
    size_t n = strspn(p + 1, "-+#0123456789.*hlzjt");
    /* a '%' not followed by a conversion is text in a label ("95% CI"), never formatted */
    if (!p[1 + n] || !strchr("diouxXeEfFgGaAcsp", p[1 + n]))
      continue;
    if (o + n + 3 < len)
      o += (size_t)snprintf(out + o, len - o, "%%%.*s", (int)n + 1, p + 1);
    p += n + 1;
  }
}

Test(i18n, every_id_has_both_texts) {
  for (int id = 0; id < AB_M_COUNT; id++) {
    const char *name = ab_msg_name((ab_msg)id);
    cr_assert_not_null(name, "message %d has no catalogue row", id);
    for (int l = 0; l < AB_LANG_COUNT; l++) {
      const char *t = ab_msg_text((ab_msg)id, (ab_lang)l);
      cr_expect(t && t[0], "%s has no %s text", name, ab_lang_tag((ab_lang)l));
    }
  }
}

Test(i18n, same_conversions_in_every_language) {
  for (int id = 0; id < AB_M_COUNT; id++) {
    char en[64], other[64];
    conversions(ab_msg_text((ab_msg)id, AB_LANG_EN), en, sizeof en);
    for (int l = 1; l < AB_LANG_COUNT; l++) {
      const char *t = ab_msg_text((ab_msg)id, (ab_lang)l);
      conversions(t ? t : "", other, sizeof other);
      cr_expect_str_eq(other, en, "%s: %s has conversions '%s', English '%s'",
                       ab_msg_name((ab_msg)id), ab_lang_tag((ab_lang)l), other, en);
    }
  }
}

Test(i18n, the_checker_sees_a_mismatch) {
  char a[64], b[64];
  conversions("%s of %zu (100%%)", a, sizeof a);
  conversions("%zu / %s", b, sizeof b);
  cr_expect_str_eq(a, "%s%zu");
  cr_expect_str_neq(a, b);
}

Test(i18n, chinese_differs_from_english) {
  /* A catalogue whose Chinese column was pasted from the English one passes the two checks
   * above; headings at least must be translated. */
  cr_expect_str_neq(ab_tr(AB_LANG_ZH_CN, AB_M_TENDER_HEADING),
                    ab_tr(AB_LANG_EN, AB_M_TENDER_HEADING));
  cr_expect_str_eq(ab_tr(AB_LANG_ZH_CN, AB_M_VERDICT_MET), "满足");
}

Test(i18n, language_names) {
  ab_lang l = AB_LANG_EN;
  cr_expect_eq(ab_lang_parse("zh-CN", &l), AB_OK);
  cr_expect_eq(l, AB_LANG_ZH_CN);
  cr_expect_eq(ab_lang_parse("en", &l), AB_OK);
  cr_expect_eq(l, AB_LANG_EN);
  cr_expect_eq(ab_lang_parse("fr", &l), AB_E_INVALID);
  cr_expect_eq(ab_lang_parse(NULL, &l), AB_E_INVALID);
  cr_expect_str_eq(ab_lang_tag(AB_LANG_ZH_CN), "zh-CN");
}
