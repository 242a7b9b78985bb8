/* Test-only module that exports no entry symbol at all. */
int not_an_accelbench_backend(void);
int not_an_accelbench_backend(void) {
  return 42;
}
