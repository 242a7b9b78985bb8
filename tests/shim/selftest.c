/* Tests of the test shim itself, each named for the outcome the runner must report:
 * suite "pass" must pass, "fail" must fail, "skip" must be skipped. selftest.sh runs this
 * program and checks every outcome and message, so a shim that lets a failure through
 * fails ctest. */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static int g_from_init;

static void mark_fini(void) {
  fprintf(stderr, "  marker: fini ran\n");
}
static void set_from_init(void) {
  g_from_init = 42;
}

TestSuite(fail, .fini = mark_fini);

Test(pass, checks_that_hold) {
  cr_assert(1 < 2);
  cr_assert_not(0, "with a message %d", 1);
  cr_assert_eq(1 + 1, 2);
  cr_assert_neq(1, 2);
  cr_assert_lt(1, 2);
  cr_assert_leq(2, 2);
  cr_assert_gt(3, 2);
  cr_assert_geq(3, 3);
  cr_assert_null((void *)0);
  cr_assert_not_null("x");
  cr_assert_float_eq(0.1 + 0.2, 0.3, 1e-12);
  cr_assert_str_eq("a", "a");
  cr_assert_str_neq("a", "b");
  cr_assert_str_empty("");
  cr_expect(1);
  cr_log_info("logging %s", "does not fail a test");
}

Test(pass, init_runs_first, .init = set_from_init) {
  cr_assert_eq(g_from_init, 42);
}

Test(pass, each_test_in_its_own_process) {
  cr_assert_eq(g_from_init, 0);
}

Test(fail, assert_stops_the_test) {
  int x = 3;
  cr_assert_eq(x, 4, "x is %d", x);
  fprintf(stderr, "  marker: NOT REACHED\n");
}

Test(fail, expect_goes_on) {
  cr_expect_str_eq("a", "b");
  fprintf(stderr, "  marker: after the expect\n");
}

Test(fail, nan_is_not_equal) {
  cr_assert_float_eq(0.0 / 0.0, 1.0, 1.0);
}

Test(fail, null_string) {
  cr_assert_str_eq((const char *)0, "a");
}

Test(fail, forced) {
  cr_assert_fail("forced %d", 7);
}

Test(fail, crash) {
  raise(SIGSEGV);
}

Test(fail, exit_status) {
  _exit(5);
}

Test(fail, hang, .timeout = 1) {
  for (;;)
    pause();
}

Test(skip, skipped) {
  cr_skip_test("no %s here", "device");
}

Test(skip, disabled, .disabled = true) {
  cr_assert_fail("a disabled test ran");
}
