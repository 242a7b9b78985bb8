/* Replays fuzz inputs through a libFuzzer entry point without libFuzzer: every file named
 * on the command line, or found (not recursively) in a directory named there, is read and
 * passed to LLVMFuzzerTestOneInput once. Linked with each fuzz target in the normal build
 * (gcc, no sanitizers unless AB_SANITIZE=ON), so the seed corpus and every crash kept in
 * tests/fuzz/regressions/ stay tested in CI. A finding traps (non-zero exit). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "fuzz_replay: %s: cannot open\n", path);
    return 0;
  }
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0, got;
  do {
    if (len == cap) {
      uint8_t *grown = realloc(buf, cap = cap ? cap * 2 : 4096);
      if (!grown) {
        free(buf);
        fclose(f);
        return 0;
      }
      buf = grown;
    }
    got = fread(buf + len, 1, cap - len, f);
    len += got;
  } while (got > 0);
  fclose(f);
  /* An exact-size copy: ASan (with AB_SANITIZE) then catches a read past the input. */
  uint8_t *exact = malloc(len ? len : 1);
  if (exact && len)
    memcpy(exact, buf, len);
  free(buf);
  if (!exact)
    return 0;
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 1;
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Replays the regular files of a directory in name order (the same order every run). */
static int replay_dir(const char *dir, size_t *count) {
  struct dirent **names;
  int n = scandir(dir, &names, NULL, alphasort);
  int ok = n >= 0;
  if (!ok)
    fprintf(stderr, "fuzz_replay: %s: cannot read directory\n", dir);
  for (int i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
    struct stat st;
    if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
      ok &= replay_file(path);
      (*count)++;
    }
    free(names[i]);
  }
  free(names);
  return ok;
}

int main(int argc, char **argv) {
  size_t count = 0;
  int ok = 1;
  for (int i = 1; i < argc; i++) {
    if (is_dir(argv[i]))
      ok &= replay_dir(argv[i], &count);
    else {
      ok &= replay_file(argv[i]);
      count++;
    }
  }
  printf("fuzz_replay: %zu inputs replayed without a finding\n", count);
  return ok ? 0 : 1;
}
