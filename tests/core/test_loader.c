/* The loader refuses modules it must not trust, with a message naming file and reason. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

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
  cr_assert_eq(ab_backends_discover(&set, msg), AB_OK, "%s", msg);
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
