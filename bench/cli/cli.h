/* accelbench — command-line subcommands. Exit codes (documented in --help and README):
 *   0  every planned case ran and none failed, crashed, timed out or returned wrong results
 *      (unsupported and skipped cases do not fail a run)
 *   1  the run finished, but at least one case failed, crashed, timed out or was wrong
 *   2  bad usage: an unknown option or argument, or a config that does not load
 *   3  environment: no usable device, an output directory that cannot be written
 *   4  interrupted (SIGINT/SIGTERM): a partial run file marked incomplete was written */
#ifndef AB_CLI_H
#define AB_CLI_H

enum {
  AB_EXIT_OK = 0,
  AB_EXIT_CASES_FAILED = 1,
  AB_EXIT_USAGE = 2,
  AB_EXIT_ENV = 3,
  AB_EXIT_INTERRUPTED = 4,
};

/* The whole CLI: argv as main() gets it. Returns an exit code. */
int ab_cli_main(int argc, char **argv);
int ab_cmd_list(int argc, char **argv);
int ab_cmd_run(int argc, char **argv);
/* `accelbench plan ARGS` is `accelbench run --dry-run ARGS`. */
int ab_cmd_plan(int argc, char **argv);
int ab_cmd_worker(int argc, char **argv);
int ab_cmd_discover(int argc, char **argv);
int ab_cmd_discover_power(int argc, char **argv);
int ab_cmd_report(int argc, char **argv);
int ab_cmd_compare(int argc, char **argv);
int ab_cmd_verify(int argc, char **argv);
int ab_cmd_keygen(int argc, char **argv);
int ab_cmd_sign(int argc, char **argv);

#endif
