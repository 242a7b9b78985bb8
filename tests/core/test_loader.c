/* The loader refuses modules it must not trust, with a message naming file and reason. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader.h"

#define MOD(name) AB_TEST_MODULE_DIR "/accelbench-backend-" name ".so"

static void expect_refused(const char *path, ab_status want, const char *fragment) {
  ab_loaded_backend lb;
  char msg[AB_MSG_LEN] = "";
  ab_status st = ab_backend_load_file(path, &lb, msg);
  cr_assert_eq(st, want, "%s: status %d, message: %s", path, st, msg);
  cr_assert(strstr(msg, path), "message names the file: %s", msg);
  cr_assert(strstr(msg, fragment), "expected '%s' in: %s", fragment, msg);
  cr_assert_not(lb.loaded);
  cr_assert_null(lb.handle);
}

Test(loader, refuses_unknown_abi_major_naming_both_versions) {
  expect_refused(MOD("badabi"), AB_E_ABI,
                 "backend ABI version 99.3, but this accelbench speaks 1.");
}

Test(loader, refuses_null_mandatory_slot) {
  expect_refused(MOD("nullslot"), AB_E_INVALID, "mandatory slot 'device_count' empty");
}

Test(loader, refuses_module_without_entry_symbol) {
  expect_refused(MOD("nosymbol"), AB_E_NOT_FOUND, "no symbol 'accelbench_backend_entry'");
}

Test(loader, refuses_missing_file) {
  expect_refused(AB_TEST_MODULE_DIR "/accelbench-backend-absent.so", AB_E_NOT_FOUND, "cannot load");
}

Test(loader, loads_good_module) {
  ab_loaded_backend lb;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_backend_load_file(MOD("fake"), &lb, msg), AB_OK, "%s", msg);
  cr_assert(lb.loaded);
  cr_assert_str_eq(lb.name, "fake");
  cr_assert_eq(lb.table.abi_major, AB_BACKEND_ABI_MAJOR);
  cr_assert_not_null(lb.table.case_release);
}

/* Built-in tables take the same path as modules (ab_backend_adopt). */
static const ab_backend *old_minor_entry(uint32_t major) {
  (void)major;
  static ab_backend t;
  ab_loaded_backend lb;
  char msg[AB_MSG_LEN];
  ab_backend_load_file(MOD("fake"), &lb, msg);
  t = lb.table;
  t.abi_minor = 0;
  t.struct_size = (uint32_t)sizeof t;
  return &t;
}

Test(loader, builtin_tables_take_the_same_path) {
  ab_loaded_backend lb;
  char msg[AB_MSG_LEN] = "";
  memset(&lb, 0, sizeof lb);
  cr_assert_eq(ab_backend_adopt(old_minor_entry, "built-in", &lb, msg), AB_OK, "%s", msg);
  cr_assert_str_eq(lb.path, "built-in");
}

Test(loader, discovery_lists_refused_modules_with_reasons) {
  setenv(AB_BACKEND_PATH_ENV, AB_TEST_MODULE_DIR, 1);
  ab_backend_set set;
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_backends_discover(&set, NULL, msg), AB_OK, "%s", msg);
  int seen_fake = 0, seen_bad = 0;
  for (size_t i = 0; i < set.n; i++) {
    if (strcmp(set.items[i].name, "fake") == 0) {
      seen_fake = 1;
      cr_assert(set.items[i].enabled);
      cr_assert_eq(set.items[i].n_devices, 1);
    }
    if (strcmp(set.items[i].name, "badabi") == 0) {
      seen_bad = 1;
      cr_assert_not(set.items[i].enabled);
      cr_assert(strstr(set.items[i].disabled_reason, "99.3"), "%s", set.items[i].disabled_reason);
    }
  }
  cr_assert(seen_fake && seen_bad);
  ab_backends_free(&set);
}

/* ---- module file check --------------------------------------------------------------- */

static char scratch[256];

/* A fresh scratch directory per test (Criterion runs each test in its own process). */
static const char *scratch_dir(void) {
  snprintf(scratch, sizeof scratch, "/tmp/ab-test-loader-XXXXXX");
  cr_assert_not_null(mkdtemp(scratch));
  return scratch;
}

static void remove_scratch(void) {
  DIR *d = scratch[0] ? opendir(scratch) : NULL;
  for (struct dirent *e; d && (e = readdir(d));) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", scratch, e->d_name);
    if (e->d_name[0] != '.')
      unlink(path);
  }
  if (d)
    closedir(d);
  if (scratch[0])
    rmdir(scratch);
}

/* Copy the first `len` bytes of `from` (all of it for len 0) to `to`, changing byte
 * `patch_at` to `patch` when patch_at >= 0. */
static void copy_file(const char *from, const char *to, long len, long patch_at, int patch) {
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  cr_assert(in && out, "%s -> %s", from, to);
  long i = 0;
  for (int c; (len == 0 || i < len) && (c = fgetc(in)) != EOF; i++)
    fputc(i == patch_at ? patch : c, out);
  fclose(in);
  fclose(out);
}

Test(loader, refuses_a_file_that_is_not_elf, .fini = remove_scratch) {
  char path[512];
  snprintf(path, sizeof path, "%s/accelbench-backend-text.so", scratch_dir());
  FILE *f = fopen(path, "w");
  fputs("not a module\n", f);
  fclose(f);
  expect_refused(path, AB_E_INVALID, "not a valid ELF module: it does not start with the ELF");
}

Test(loader, refuses_a_truncated_module_instead_of_dying_of_sigbus, .fini = remove_scratch) {
  char path[512];
  snprintf(path, sizeof path, "%s/accelbench-backend-cut.so", scratch_dir());
  copy_file(MOD("fake"), path, 4096, -1, 0);
  expect_refused(path, AB_E_INVALID, "not a valid ELF module: truncated");
}

Test(loader, refuses_a_module_built_for_another_machine, .fini = remove_scratch) {
  char path[512];
  snprintf(path, sizeof path, "%s/accelbench-backend-alien.so", scratch_dir());
  copy_file(MOD("fake"), path, 0, 18, 0x7f); /* e_machine's low byte: no such machine */
  expect_refused(path, AB_E_INVALID, "built for ELF machine");
}

/* ---- isolated discovery ----------------------------------------------------------------- */

static const ab_loaded_backend *find(const ab_backend_set *set, const char *name) {
  for (size_t i = 0; i < set->n; i++)
    if (strcmp(set->items[i].name, name) == 0)
      return &set->items[i];
  return NULL;
}

static void discover(ab_backend_set *set, bool isolated) {
  ab_discovery how = {.self_exe = AB_TEST_BUILD_DIR "/accelbench", .timeout_s = 30.0};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_backends_discover(set, isolated ? &how : NULL, msg), AB_OK, "%s", msg);
}

/* A worker's report must give this process what loading the module itself would have. */
Test(loader, isolated_discovery_reports_what_in_process_discovery_finds) {
  setenv(AB_BACKEND_PATH_ENV, AB_TEST_MODULE_DIR, 1);
  ab_backend_set iso, local;
  discover(&iso, true);
  discover(&local, false);
  cr_assert_eq(iso.n, local.n);
  for (size_t i = 0; i < local.n; i++) {
    const ab_loaded_backend *a = &iso.items[i], *b = &local.items[i];
    cr_assert_str_eq(a->name, b->name);
    cr_assert_str_eq(a->path, b->path);
    cr_assert_eq(a->loaded, b->loaded, "%s", b->name);
    cr_assert_eq(a->enabled, b->enabled, "%s", b->name);
    cr_assert_str_eq(a->disabled_reason, b->disabled_reason);
    cr_assert_null(a->handle, "the parent never loads a module discovery probed in a worker");
    if (!b->loaded)
      continue;
    cr_assert_null(a->table.probe);
    cr_assert_eq(a->table.abi_minor, b->table.abi_minor);
    cr_assert_str_eq(a->table.description, b->table.description);
    size_t p = 0;
    for (; b->table.providers[p]; p++)
      cr_assert_str_eq(a->table.providers[p], b->table.providers[p]);
    cr_assert_null(a->table.providers[p]);
    cr_assert_eq(a->n_devices, b->n_devices);
    for (uint32_t d = 0; d < b->n_devices; d++) {
      ab_device_info x, y;
      char msg[AB_MSG_LEN];
      cr_assert_eq(ab_backend_device_info(a, d, &x, msg), AB_OK, "%s", msg);
      cr_assert_eq(ab_backend_device_info(b, d, &y, msg), AB_OK, "%s", msg);
      cr_assert_str_eq(x.name, y.name);
      cr_assert_str_eq(x.uid, y.uid);
      cr_assert_eq(x.memory_bytes, y.memory_bytes);
      cr_assert_eq(x.n_attrs, y.n_attrs);
    }
  }
  cr_assert_not_null(find(&iso, "fake"));
  ab_backends_free(&iso);
  ab_backends_free(&local);
}

Test(loader, a_worker_that_cannot_start_refuses_the_module_with_the_reason) {
  setenv(AB_BACKEND_PATH_ENV, AB_TEST_MODULE_DIR, 1);
  ab_backend_set set;
  ab_discovery how = {.self_exe = "/nonexistent/accelbench", .timeout_s = 5.0};
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(ab_backends_discover(&set, &how, msg), AB_OK, "%s", msg);
  const ab_loaded_backend *fake = find(&set, "fake");
  cr_assert_not_null(fake);
  cr_assert_not(fake->loaded);
  cr_assert(strstr(fake->disabled_reason, "exited with status 127 before loading it"), "%s",
            fake->disabled_reason);
  ab_backends_free(&set);
}

/* ---- shadowing ------------------------------------------------------------------------- */

Test(loader, an_earlier_file_of_the_same_name_or_backend_name_shadows_a_later_one,
     .fini = remove_scratch) {
  const char *dir = scratch_dir();
  char same[512], other[512], path[1024];
  snprintf(same, sizeof same, "%s/accelbench-backend-fake.so", dir);
  snprintf(other, sizeof other, "%s/accelbench-backend-fake2.so", dir);
  copy_file(MOD("fake"), same, 0, -1, 0);
  copy_file(MOD("fake"), other, 0, -1, 0);
  /* The scratch directory twice: a file reached through two entries is one file. */
  snprintf(path, sizeof path, "%s:%s:%s", dir, dir, AB_TEST_MODULE_DIR);
  setenv(AB_BACKEND_PATH_ENV, path, 1);
  for (int isolated = 0; isolated < 2; isolated++) {
    ab_backend_set set;
    discover(&set, isolated);
    const ab_loaded_backend *fake = find(&set, "fake");
    cr_assert_not_null(fake);
    cr_assert_str_eq(fake->path, same);
    cr_assert_eq(set.n_shadowed, 2, "%zu shadowed", set.n_shadowed);
    for (size_t s = 0; s < set.n_shadowed; s++) {
      const ab_shadowed_module *m = &set.shadowed[s];
      cr_assert_eq(&set.items[m->used], fake, "%s is shadowed by the fake module used", m->path);
      cr_assert_str_eq(m->name, "fake");
      if (m->same_file)
        cr_assert_str_eq(m->path, MOD("fake"));
      else
        cr_assert_str_eq(m->path, other);
    }
    ab_backends_free(&set);
  }
}
