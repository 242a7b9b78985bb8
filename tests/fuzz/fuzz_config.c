/* libFuzzer target for the suite loader (bench/config.c): any byte string given to
 * ab_suite_load_string either loads into a suite that obeys the loader's own promises or is
 * refused with a message naming where — never a crash, a hang, a leak or undefined
 * behaviour. Built with clang -fsanitize=fuzzer,address,undefined when AB_FUZZ=ON; the same
 * entry point is replayed over the corpus by fuzz_replay in every normal build. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model/kernel.h"
#include "suite.h"

/* The name the loader puts in front of every message ("NAME:LINE:COL: ..."). */
#define FUZZ_NAME     "fuzz.yaml"
#define CFG_MAX_CASES 100000 /* bench/config.c: expanded cases per suite */

/* A broken promise is a finding: trap so libFuzzer (or the replay driver) reports it. */
#define FUZZ_CHECK(cond)                                                                           \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      __builtin_trap();                                                                            \
  } while (0)

static void check_loaded(const ab_suite *s) {
  char msg[AB_MSG_LEN];
  FUZZ_CHECK(s->n_cases <= CFG_MAX_CASES);
  FUZZ_CHECK(s->measure.min_samples <= s->measure.max_samples);
  FUZZ_CHECK(memchr(s->name, '\0', sizeof s->name) != NULL);
  for (size_t i = 0; i < s->n_cases; i++) {
    /* Every case the loader hands the planner is one the runner accepts. */
    FUZZ_CHECK(ab_kernel_check(&s->cases[i].desc, msg, sizeof msg) == AB_OK);
    FUZZ_CHECK(memchr(s->cases[i].set, '\0', sizeof s->cases[i].set) != NULL);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ab_suite suite;
  char msg[AB_MSG_LEN];
  memset(msg, 0x55, sizeof msg); /* a message left unwritten shows as garbage, not as "" */
  ab_status st = ab_suite_load_string(FUZZ_NAME, (const char *)data, size, &suite, msg);
  FUZZ_CHECK(memchr(msg, '\0', sizeof msg) != NULL);
  if (st == AB_OK)
    check_loaded(&suite);
  else /* every refusal says where: the name the input was given */
    FUZZ_CHECK(strncmp(msg, FUZZ_NAME, strlen(FUZZ_NAME)) == 0);
  ab_suite_free(&suite);
  return 0;
}
