/* accelbench — the run journal: one JSON line per finished case, flushed and synced
 * before the next case starts, so an interrupted run loses nothing and can resume.
 * Each line is {"plan_index": N, "case": {...}} (the case as in the run file). */
#ifndef AB_JOURNAL_H
#define AB_JOURNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "accelbench/status.h"
#include "model/record.h"

#define AB_JOURNAL_FILE "journal.jsonl"

typedef struct ab_journal {
  FILE *f;
  char path[2048];
} ab_journal;

/* Open DIR/journal.jsonl, truncating it (a new run) or appending (a resumed run). */
ab_status ab_journal_open(ab_journal *j, const char *dir, bool append, char *msg);

/* Append one finished case and sync it to disk. */
ab_status ab_journal_append(ab_journal *j, size_t plan_index, const ab_case_result *res, char *msg);

void ab_journal_close(ab_journal *j);

/* Read DIR/journal.jsonl into results[plan_index] and set done[plan_index]. A torn last
 * line (the run was killed while writing it) is dropped and the file rewritten without
 * it. A line whose plan index is out of range or whose case id differs from `expected_ids`
 * means the journal belongs to another plan: AB_E_INVALID naming the line. */
ab_status ab_journal_load(const char *dir, ab_case_result *results, bool *done, size_t n,
                          const char *const *expected_ids, size_t *loaded, char *msg);

#endif
