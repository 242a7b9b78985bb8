/* libFuzzer target for the tender requirements parser (reports/tender.c): any byte string
 * either loads into requirements that keep the parser's promises or is refused with a
 * message naming where — never a crash, a hang, a leak or undefined behaviour. Replayed
 * over the seeds (configs/tender.yaml, tests/tender/bad) by fuzz_replay_tender in every
 * build with tests. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tender.h"

#define FUZZ_CHECK(cond)                                                                           \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      __builtin_trap();                                                                            \
  } while (0)

static void check_loaded(const ab_tender *t) {
  FUZZ_CHECK(t->n_reqs >= 1 && t->n_reqs <= AB_TENDER_MAX_REQS);
  for (size_t i = 0; i < t->n_reqs; i++) {
    const ab_tender_req *r = &t->reqs[i];
    FUZZ_CHECK(r->metric >= 0 && r->metric < AB_TREQ_METRIC_COUNT);
    FUZZ_CHECK(r->n_kinds <= AB_TENDER_MAX_KINDS);
    /* every requirement but coverage has a finite limit and a unit to show it in */
    FUZZ_CHECK(r->metric == AB_TREQ_COVERAGE || (isfinite(r->limit) && r->unit[0]));
    FUZZ_CHECK(r->metric != AB_TREQ_COVERAGE || r->n_kinds >= 1);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ab_tender t;
  char msg[AB_MSG_LEN];
  msg[0] = '\0';
  if (ab_tender_parse("fuzz.yaml", (const char *)data, size, &t, msg) == AB_OK) {
    check_loaded(&t);
    ab_tender_free(&t);
  } else {
    FUZZ_CHECK(strncmp(msg, "fuzz.yaml", 9) == 0);
  }
  return 0;
}
