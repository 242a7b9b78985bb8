/* libFuzzer target for the run-file reader (bench/model/runfile.c) and the journal reader
 * (bench/journal.c), the two places that parse JSON a previous run (or a damaged disk) left
 * behind. Each input is used twice:
 *   1. as one case record: json_loadb + ab_case_from_json; a record that reads back must
 *      survive a write/read round trip unchanged in identity and status;
 *   2. as the text of a journal file: ab_journal_load must load lines or refuse the file
 *      with a message, never crash; a refused line never counts as loaded;
 *   3. as a whole run file: ab_run_from_json (what `report` and `compare` read) must accept
 *      it or refuse it with a message naming the file, never crash.
 * Built with clang -fsanitize=fuzzer,address,undefined when AB_FUZZ=ON; the same entry point
 * is replayed over the corpus by fuzz_replay in every normal build. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "journal.h"
#include "model/runfile.h"

#define FUZZ_CHECK(cond)                                                                           \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      __builtin_trap();                                                                            \
  } while (0)

/* The plan the fuzzed journal is checked against: the four cases of
 * `accelbench run --suite tests/isolation/tiny.yaml -b crashy -p ok,leak`, whose journal is
 * in the seed corpus, so mutations start from lines that load. */
#define FUZZ_PLAN 4
static const char *const plan_ids[FUZZ_PLAN] = {
    "crashy:0/ok/square/gemm/f32/m=16 n=16 k=16 nn",
    "crashy:0/leak/square/gemm/f32/m=16 n=16 k=16 nn",
    "crashy:0/ok/square/gemm/f32/m=24 n=24 k=24 nn",
    "crashy:0/leak/square/gemm/f32/m=24 n=24 k=24 nn",
};

static void fuzz_case(const uint8_t *data, size_t size) {
  json_error_t err;
  json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, &err);
  if (!j)
    return;
  ab_case_result a, b;
  char msg[AB_MSG_LEN] = "";
  if (ab_case_from_json(j, &a, msg) == AB_OK) {
    json_t *again = ab_case_to_json(&a);
    FUZZ_CHECK(again != NULL);
    FUZZ_CHECK(ab_case_from_json(again, &b, msg) == AB_OK);
    FUZZ_CHECK(strcmp(a.case_id, b.case_id) == 0 && a.status == b.status);
    FUZZ_CHECK(strcmp(a.reason, b.reason) == 0 && a.desc.kind == b.desc.kind);
    json_decref(again);
    ab_case_result_clear(&b);
    ab_case_result_clear(&a);
  } else {
    FUZZ_CHECK(msg[0] != '\0'); /* a refusal always says why */
  }
  ab_run run;
  msg[0] = '\0';
  if (ab_run_from_json(j, "fuzz.json", &run, msg) == AB_OK)
    ab_run_free(&run);
  else
    FUZZ_CHECK(strncmp(msg, "fuzz.json: ", 11) == 0); /* names the file, says why */
  json_decref(j);
}

/* A private directory for the journal file, on /dev/shm when there is one: the loader
 * fsyncs, which costs milliseconds on a disk and nothing on tmpfs. */
static const char *journal_dir(void) {
  static char dir[64];
  if (!dir[0]) {
    strcpy(dir, "/dev/shm/ab-fuzz-XXXXXX");
    if (!mkdtemp(dir)) {
      strcpy(dir, "/tmp/ab-fuzz-XXXXXX");
      FUZZ_CHECK(mkdtemp(dir) != NULL);
    }
  }
  return dir;
}

static void fuzz_journal(const uint8_t *data, size_t size) {
  char path[128], msg[AB_MSG_LEN] = "";
  snprintf(path, sizeof path, "%s/%s", journal_dir(), AB_JOURNAL_FILE);
  FILE *f = fopen(path, "wb");
  FUZZ_CHECK(f != NULL);
  FUZZ_CHECK(fwrite(data, 1, size, f) == size || size == 0);
  FUZZ_CHECK(fclose(f) == 0);
  size_t lines = 0;
  for (size_t i = 0; i < size; i++)
    lines += data[i] == '\n';
  ab_case_result results[FUZZ_PLAN];
  bool done[FUZZ_PLAN] = {false};
  size_t loaded = 0;
  memset(results, 0, sizeof results);
  ab_status st = ab_journal_load(journal_dir(), results, done, FUZZ_PLAN, plan_ids, &loaded, msg);
  FUZZ_CHECK(loaded <= lines);
  if (st != AB_OK)
    FUZZ_CHECK(msg[0] != '\0'); /* the caller refuses the whole journal: results unused */
  for (size_t i = 0; i < FUZZ_PLAN; i++) {
    if (st == AB_OK && done[i]) /* a case a resume would skip is the plan's case */
      FUZZ_CHECK(strcmp(results[i].case_id, plan_ids[i]) == 0);
    ab_case_result_clear(&results[i]);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_case(data, size);
  fuzz_journal(data, size);
  return 0;
}
