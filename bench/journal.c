#include "journal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/runfile.h"
#include "model/util.h"

ab_status ab_journal_open(ab_journal *j, const char *dir, bool append, char *msg) {
  snprintf(j->path, sizeof j->path, "%s/%s", dir, AB_JOURNAL_FILE);
  j->f = fopen(j->path, append ? "ae" : "we"); /* e: workers must not inherit it */
  if (!j->f) {
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot open journal: %s", j->path, strerror(errno));
    return AB_E_IO;
  }
  return AB_OK;
}

ab_status ab_journal_append(ab_journal *j, size_t plan_index, const ab_case_result *res,
                            char *msg) {
  json_t *line =
      json_pack("{s:I, s:o}", "plan_index", (json_int_t)plan_index, "case", ab_case_to_json(res));
  char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
  json_decref(line);
  if (!text) {
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot encode case %s", j->path, res->case_id);
    return AB_E_NOMEM;
  }
  int ok = fprintf(j->f, "%s\n", text) >= 0 && fflush(j->f) == 0 && fsync(fileno(j->f)) == 0;
  free(text);
  if (!ok) {
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot write journal: %s", j->path, strerror(errno));
    return AB_E_IO;
  }
  return AB_OK;
}

void ab_journal_close(ab_journal *j) {
  if (j->f)
    fclose(j->f);
  j->f = NULL;
}

/* Parse one journal line into results; returns AB_OK, AB_E_INVALID (bad line). */
static ab_status load_line(const char *text, ab_case_result *results, bool *done, size_t n,
                           const char *const *ids, const char *path, size_t lineno, char *msg) {
  json_error_t err;
  json_t *line = json_loads(text, 0, &err);
  json_t *idx = line ? json_object_get(line, "plan_index") : NULL;
  json_t *c = line ? json_object_get(line, "case") : NULL;
  ab_status st = AB_E_INVALID;
  char sub[AB_MSG_LEN] = "";
  if (!line)
    ab_msgf(msg, AB_MSG_LEN, "%s:%zu: not JSON: %s", path, lineno, err.text);
  else if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
           (size_t)json_integer_value(idx) >= n)
    ab_msgf(msg, AB_MSG_LEN,
            "%s:%zu: plan_index: expected 0..%zu (the journal belongs to "
            "another suite or filter)",
            path, lineno, n ? n - 1 : 0);
  else if ((ab_case_result_clear(&results[json_integer_value(idx)]),
            ab_case_from_json(c, &results[json_integer_value(idx)], sub) != AB_OK))
    ab_msgf(msg, AB_MSG_LEN, "%s:%zu: case.%s", path, lineno, sub);
  else if (strcmp(results[json_integer_value(idx)].case_id, ids[json_integer_value(idx)]) != 0)
    ab_msgf(msg, AB_MSG_LEN,
            "%s:%zu: case %s is not case %s of this plan (the journal "
            "belongs to another suite or filter)",
            path, lineno, results[json_integer_value(idx)].case_id, ids[json_integer_value(idx)]);
  else {
    done[json_integer_value(idx)] = true;
    st = AB_OK;
  }
  json_decref(line);
  return st;
}

ab_status ab_journal_load(const char *dir, ab_case_result *results, bool *done, size_t n,
                          const char *const *expected_ids, size_t *loaded, char *msg) {
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", dir, AB_JOURNAL_FILE);
  FILE *f = fopen(path, "r");
  *loaded = 0;
  if (!f) {
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot read journal: %s", path, strerror(errno));
    return AB_E_IO;
  }
  char *line = NULL, *keep = NULL;
  size_t cap = 0, keep_len = 0, lineno = 0;
  ssize_t len;
  ab_status st = AB_OK;
  while (st == AB_OK && (len = getline(&line, &cap, f)) > 0) {
    lineno++;
    bool complete = line[len - 1] == '\n';
    if (!complete) /* torn write at the moment of the kill: that case runs again */
      break;
    st = load_line(line, results, done, n, expected_ids, path, lineno, msg);
    if (st == AB_OK) {
      char *grown = realloc(keep, keep_len + (size_t)len + 1);
      if (!grown) {
        st = AB_E_NOMEM;
        break;
      }
      keep = grown;
      memcpy(keep + keep_len, line, (size_t)len);
      keep_len += (size_t)len;
      keep[keep_len] = '\0';
      (*loaded)++;
    }
  }
  fclose(f);
  free(line);
  if (st == AB_OK) { /* rewrite without a torn tail, atomically */
    char tmp[2100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *o = fopen(tmp, "w");
    if (!o || (keep_len && fwrite(keep, 1, keep_len, o) != keep_len) || fflush(o) != 0 ||
        fsync(fileno(o)) != 0 || fclose(o) != 0 || rename(tmp, path) != 0) {
      ab_msgf(msg, AB_MSG_LEN, "%s: cannot rewrite journal: %s", path, strerror(errno));
      st = AB_E_IO;
    }
  }
  free(keep);
  return st;
}
