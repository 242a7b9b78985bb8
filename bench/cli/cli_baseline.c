/* accelbench compare --baseline: the selector with a run and a host qualifier on top of
 * the reporter's own (exact label, BACKEND:INDEX[/PROVIDER], part of a label):
 *   SEL[@HOST][#RUN]   RUN is the 1-based position of the run file on the command line,
 *                      HOST its system.hostname; SEL may be empty when they suffice.
 * Any form that matches more than one subject is an error listing the matches. */
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "compare.h"
#include "model/util.h"
#include "report.h"

typedef struct qualifiers {
  char rest[256]; /* the reporter's selector; "" when only qualifiers were given */
  char host[128]; /* "" when none */
  size_t run;     /* 1-based; 0 when none */
} qualifiers;

/* Split "SEL@HOST#RUN" from the right. A '#' is a run qualifier only when digits follow. */
static void split_qualifiers(const char *sel, qualifiers *q) {
  memset(q, 0, sizeof *q);
  ab_strlcpy(q->rest, sel, sizeof q->rest);
  char *hash = strrchr(q->rest, '#');
  if (hash && hash[1] && strspn(hash + 1, "0123456789") == strlen(hash + 1)) {
    q->run = (size_t)strtoul(hash + 1, NULL, 10);
    *hash = '\0';
    if (q->run == 0)
      q->run = (size_t)-1; /* "#0": matches no run, said so below */
  }
  char *at = strrchr(q->rest, '@');
  if (at) {
    ab_strlcpy(q->host, at + 1, sizeof q->host);
    *at = '\0';
  }
}

static bool qualified(const ab_report_subject *s, const qualifiers *q) {
  return (!q->run || s->input + 1 == q->run) && (!q->host[0] || strcmp(s->host, q->host) == 0);
}

static ab_status none_or_many(const ab_report *rep, const char *sel, const qualifiers *q,
                              size_t n_hit, char *msg) {
  int len = snprintf(msg, AB_MSG_LEN, "--baseline '%s' %s", sel,
                     n_hit ? "is ambiguous; it matches:" : "matches no subject; subjects are:");
  for (size_t i = 0, k = 0; i < rep->n_subjects && len >= 0 && len < AB_MSG_LEN; i++)
    if (!n_hit || qualified(&rep->subjects[i], q))
      len +=
          snprintf(msg + len, (size_t)(AB_MSG_LEN - len), "%s '%s' (#%zu, host %s)", k++ ? ";" : "",
                   rep->subjects[i].label, rep->subjects[i].input + 1, rep->subjects[i].host);
  return AB_E_INVALID;
}

ab_status ab_cli_select_baseline(const ab_report *rep, const char *sel, size_t *subject,
                                 char *msg) {
  qualifiers q;
  split_qualifiers(sel, &q);
  if (!q.run && !q.host[0])
    return ab_compare_select(rep, sel, subject, msg);
  size_t *index = calloc(rep->n_subjects + 1, sizeof *index);
  ab_report_subject *kept = calloc(rep->n_subjects + 1, sizeof *kept);
  if (!index || !kept) {
    free(index);
    free(kept);
    ab_msgf(msg, AB_MSG_LEN, "out of memory");
    return AB_E_NOMEM;
  }
  size_t n = 0;
  for (size_t i = 0; i < rep->n_subjects; i++)
    if (qualified(&rep->subjects[i], &q)) {
      index[n] = i;
      kept[n++] = rep->subjects[i];
    }
  ab_status st = AB_OK;
  size_t pick = 0;
  if (n == 0 || (!q.rest[0] && n > 1)) {
    st = none_or_many(rep, sel, &q, n, msg);
  } else if (q.rest[0]) {
    /* The reporter's selector over the qualified subjects only (it reads nothing else). */
    ab_report view = *rep;
    view.subjects = kept;
    view.n_subjects = n;
    st = ab_compare_select(&view, q.rest, &pick, msg);
  }
  if (st == AB_OK)
    *subject = index[pick];
  free(index);
  free(kept);
  return st;
}
