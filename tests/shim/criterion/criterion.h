/* A Criterion-compatible test shim: the part of Criterion's interface that accelbench's
 * unit tests use, for builds where Criterion itself cannot run (CMake option AB_TEST_SHIM;
 * Criterion's sandbox needs ptrace, which qemu-user does not emulate). The runner is
 * tests/shim/runner.c: every test runs in a fork()ed child, with its suite's and its own
 * .init/.fini around it and its .timeout enforced by the parent.
 *
 * Covered: Test and TestSuite (options .init .fini .timeout .description .disabled),
 * cr_assert/cr_expect and their _not, _eq, _neq, _lt, _leq, _gt, _geq, _null, _not_null,
 * _float_eq, _str_eq, _str_neq, _str_empty forms, cr_assert_fail, cr_skip_test,
 * cr_log_info/warn/error. An assert ends the test at its first failure; an expect records
 * the failure and lets the test go on. Either prints file:line and the message. */
#ifndef AB_TEST_SHIM_CRITERION_H
#define AB_TEST_SHIM_CRITERION_H
/* As Criterion's headers in a system directory: the tests' operands are compared inside
 * these macros, and a comparison Criterion compiles without a warning must here too. */
#pragma GCC system_header

#include <stdbool.h>
#include <stddef.h>

/* The options a Test or TestSuite may set, by designated initializer. */
struct crs_options {
  void (*init)(void);
  void (*fini)(void);
  double timeout; /* seconds; 0: none */
  const char *description;
  bool disabled;
  int end_; /* lets Test(suite, name) expand to a non-empty initializer */
};

struct crs_test {
  const char *suite;
  const char *name;
  void (*run)(void);
  const struct crs_options *options;
  const char *file;
  int line;
  struct crs_test *next;
};

struct crs_suite {
  const char *name;
  const struct crs_options *options;
  struct crs_suite *next;
};

void crs_register_test(struct crs_test *test);
void crs_register_suite(struct crs_suite *suite);

/* The format string of a report comes with one extra "" argument (so that a message is
 * optional in the macros); printf ignores surplus arguments, hence no format attribute. */
void crs_report(const char *file, int line, const char *failure, const char *format, ...);
_Noreturn void crs_abort_test(void);
_Noreturn void crs_skip_test(const char *file, int line, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
void crs_log(const char *severity, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Each returns NULL when the check holds, else a description of the failure (valid until
 * the next call from the same thread). */
const char *crs_failure(bool holds, const char *expression);
const char *crs_float_failure(double actual, double expected, double epsilon,
                              const char *actual_text, const char *expected_text);
const char *crs_str_failure(const char *actual, const char *expected, bool want_equal,
                            const char *actual_text, const char *expected_text);
const char *crs_str_empty_failure(const char *actual, const char *actual_text);

#define CRS_CAT_(a, b) a##b
#define CRS_CAT(a, b)  CRS_CAT_(a, b)

/* ---- registration ------------------------------------------------------------------- */

#define Test(...) CRS_TEST_(__VA_ARGS__, .end_ = 0)
#define CRS_TEST_(suite, name, ...)                                                                \
  static void crs_run_##suite##_##name(void);                                                      \
  static const struct crs_options crs_options_##suite##_##name = {__VA_ARGS__};                    \
  static struct crs_test crs_test_##suite##_##name = {                                             \
      #suite,   #name, crs_run_##suite##_##name, &crs_options_##suite##_##name, __FILE__,          \
      __LINE__, NULL};                                                                             \
  __attribute__((constructor)) static void crs_register_##suite##_##name(void) {                   \
    crs_register_test(&crs_test_##suite##_##name);                                                 \
  }                                                                                                \
  static void crs_run_##suite##_##name(void)

/* Ends with a declaration so that the caller's ';' is not an empty file-scope one. */
#define TestSuite(...) CRS_SUITE_(__VA_ARGS__, .end_ = 0)
#define CRS_SUITE_(suite, ...)                                                                     \
  static const struct crs_options crs_suite_options_##suite = {__VA_ARGS__};                       \
  static struct crs_suite crs_suite_##suite = {#suite, &crs_suite_options_##suite, NULL};          \
  __attribute__((constructor)) static void crs_register_suite_##suite(void) {                      \
    crs_register_suite(&crs_suite_##suite);                                                        \
  }                                                                                                \
  extern struct crs_suite crs_suite_##suite

/* ---- checks ------------------------------------------------------------------------- */

/* fatal is 1 (assert: the test ends here) or 0 (expect: the test goes on). */
#define CRS_STOP_1() crs_abort_test()
#define CRS_STOP_0() ((void)0)
#define CRS_CHECK(fatal, failure, ...)                                                             \
  do {                                                                                             \
    const char *crs_failure_ = (failure);                                                          \
    if (crs_failure_) {                                                                            \
      crs_report(__FILE__, __LINE__, crs_failure_, __VA_ARGS__);                                   \
      CRS_CAT(CRS_STOP_, fatal)();                                                                 \
    }                                                                                              \
  } while (0)

/* The trailing "" is the message format when the caller gave none. */
#define CRS_TRUE_(fatal, condition, ...)                                                           \
  CRS_CHECK(fatal, crs_failure((condition) ? true : false, #condition), __VA_ARGS__)
#define CRS_FALSE_(fatal, condition, ...)                                                          \
  CRS_CHECK(fatal, crs_failure((condition) ? false : true, "!(" #condition ")"), __VA_ARGS__)
#define CRS_CMP_(fatal, op, actual, expected, ...)                                                 \
  CRS_CHECK(                                                                                       \
      fatal,                                                                                       \
      crs_failure(((actual)op(expected)) ? true : false, "(" #actual ") " #op " (" #expected ")"), \
      __VA_ARGS__)
#define CRS_NULL_(fatal, op, value, ...)                                                           \
  CRS_CHECK(fatal, crs_failure(((value)op NULL) ? true : false, "(" #value ") " #op " NULL"),      \
            __VA_ARGS__)
#define CRS_FLOAT_(fatal, actual, expected, epsilon, ...)                                          \
  CRS_CHECK(fatal, crs_float_failure((actual), (expected), (epsilon), #actual, #expected),         \
            __VA_ARGS__)
#define CRS_STR_(fatal, want_equal, actual, expected, ...)                                         \
  CRS_CHECK(fatal, crs_str_failure((actual), (expected), want_equal, #actual, #expected),          \
            __VA_ARGS__)
#define CRS_STR_EMPTY_(fatal, actual, ...)                                                         \
  CRS_CHECK(fatal, crs_str_empty_failure((actual), #actual), __VA_ARGS__)

#define cr_assert(...)           CRS_TRUE_(1, __VA_ARGS__, "")
#define cr_expect(...)           CRS_TRUE_(0, __VA_ARGS__, "")
#define cr_assert_not(...)       CRS_FALSE_(1, __VA_ARGS__, "")
#define cr_expect_not(...)       CRS_FALSE_(0, __VA_ARGS__, "")
#define cr_assert_eq(...)        CRS_CMP_(1, ==, __VA_ARGS__, "")
#define cr_expect_eq(...)        CRS_CMP_(0, ==, __VA_ARGS__, "")
#define cr_assert_neq(...)       CRS_CMP_(1, !=, __VA_ARGS__, "")
#define cr_expect_neq(...)       CRS_CMP_(0, !=, __VA_ARGS__, "")
#define cr_assert_lt(...)        CRS_CMP_(1, <, __VA_ARGS__, "")
#define cr_expect_lt(...)        CRS_CMP_(0, <, __VA_ARGS__, "")
#define cr_assert_leq(...)       CRS_CMP_(1, <=, __VA_ARGS__, "")
#define cr_expect_leq(...)       CRS_CMP_(0, <=, __VA_ARGS__, "")
#define cr_assert_gt(...)        CRS_CMP_(1, >, __VA_ARGS__, "")
#define cr_expect_gt(...)        CRS_CMP_(0, >, __VA_ARGS__, "")
#define cr_assert_geq(...)       CRS_CMP_(1, >=, __VA_ARGS__, "")
#define cr_expect_geq(...)       CRS_CMP_(0, >=, __VA_ARGS__, "")
#define cr_assert_null(...)      CRS_NULL_(1, ==, __VA_ARGS__, "")
#define cr_expect_null(...)      CRS_NULL_(0, ==, __VA_ARGS__, "")
#define cr_assert_not_null(...)  CRS_NULL_(1, !=, __VA_ARGS__, "")
#define cr_expect_not_null(...)  CRS_NULL_(0, !=, __VA_ARGS__, "")
#define cr_assert_float_eq(...)  CRS_FLOAT_(1, __VA_ARGS__, "")
#define cr_expect_float_eq(...)  CRS_FLOAT_(0, __VA_ARGS__, "")
#define cr_assert_str_eq(...)    CRS_STR_(1, true, __VA_ARGS__, "")
#define cr_expect_str_eq(...)    CRS_STR_(0, true, __VA_ARGS__, "")
#define cr_assert_str_neq(...)   CRS_STR_(1, false, __VA_ARGS__, "")
#define cr_expect_str_neq(...)   CRS_STR_(0, false, __VA_ARGS__, "")
#define cr_assert_str_empty(...) CRS_STR_EMPTY_(1, __VA_ARGS__, "")
#define cr_expect_str_empty(...) CRS_STR_EMPTY_(0, __VA_ARGS__, "")

#define cr_assert_fail(...)                                                                        \
  do {                                                                                             \
    crs_report(__FILE__, __LINE__, "cr_assert_fail", __VA_ARGS__, "");                             \
    crs_abort_test();                                                                              \
  } while (0)
#define cr_expect_fail(...) crs_report(__FILE__, __LINE__, "cr_expect_fail", __VA_ARGS__, "")

#define cr_skip_test(...) crs_skip_test(__FILE__, __LINE__, __VA_ARGS__)

#define cr_log_info(...)  crs_log("info", __VA_ARGS__)
#define cr_log_warn(...)  crs_log("warning", __VA_ARGS__)
#define cr_log_error(...) crs_log("error", __VA_ARGS__)

#endif
