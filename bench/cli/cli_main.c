/* accelbench — subcommand dispatch and top-level help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *out) {
  fprintf(out, "usage: accelbench [--version] [--help] <command> [<args>]\n"
               "\n"
               "Vendor-neutral benchmark harness for AI accelerators.\n"
               "\n"
               "commands:\n"
               "  run    run a suite on every device found (default: the quick suite) and write\n"
               "         a run file (JSON) plus a summary\n"
               "  plan   list the cases a suite would run on the devices found, with an\n"
               "         upper-bound estimate of the time (run --dry-run)\n"
               "  list   list backends (with the reason a backend is disabled) and devices\n"
               "  report render run files as Markdown, CSV, JSON, HTML or JUnit (with the\n"
               "         device catalogue and cost of ownership)\n"
               "  compare  compare run files side by side against a baseline device, or gate\n"
               "         a run against a baseline run (CI: exit 1 on a regression)\n"
               "  verify check a run directory against its manifest and signature, and\n"
               "         recompute every derived figure from the raw samples (docs/verify.md)\n"
               "  keygen make an Ed25519 key pair for signing runs (run --sign-key)\n"
               "  sign   sign a run directory's manifest with a key\n"
               "\n"
               "'accelbench <command> --help' describes a command and its options.\n"
               "With no command this text is printed (exit 2); options without a command\n"
               "belong to 'run' ('accelbench -s quick' is 'accelbench run -s quick').\n"
               "\n"
               "exit codes:\n"
               "  0  every case ran; none failed, crashed, timed out or returned wrong results\n"
               "  1  at least one case failed, crashed, timed out, returned wrong results or was\n"
               "     implausible (its timing cannot be true)\n"
               "  2  bad usage or a config that does not load\n"
               "  3  no usable device, or output that cannot be written\n"
               "  4  interrupted: a partial run file marked incomplete was written\n");
}

/* Composed cases (the decoder layer) alternate OpenBLAS's own threads with OpenMP regions
 * (the CPU backend's kernels, oneDNN) on the same cores, and each runtime's idle workers
 * spin after their work by default, taking the cores from the other's next step: the
 * layer took 1.6-1.8x the sum of its steps measured alone. libgomp's workers therefore
 * wait passively, and OpenBLAS's spin at most 2^16 cycles (OPENBLAS_THREAD_TIMEOUT=16, tens
 * of microseconds: back-to-back GEMM calls still find them awake; its default, 2^28 cycles,
 * outlasts the OpenMP steps between two GEMMs). docs/measurement.md, "The target", has the
 * figures of each setting. Both libraries read these when a module first loads them, so
 * they are set before anything is opened; a user's own setting wins. The CPU device's
 * facts record them (library_env). */
static void composable_thread_waits(void) {
  if (!getenv("OMP_WAIT_POLICY") && !getenv("GOMP_SPINCOUNT"))
    setenv("OMP_WAIT_POLICY", "passive", 0);
  if (!getenv("OPENBLAS_THREAD_TIMEOUT"))
    setenv("OPENBLAS_THREAD_TIMEOUT", "16", 0);
}

int ab_cli_main(int argc, char **argv) {
  composable_thread_waits();
  if (argc < 2) { /* a full benchmark only when asked for */
    usage(stderr);
    return AB_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    usage(stdout);
    return AB_EXIT_OK;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("accelbench %s (%s)\n", AB_VERSION, AB_GIT_COMMIT);
    return AB_EXIT_OK;
  }
  if (strcmp(cmd, "run") == 0)
    return ab_cmd_run(argc - 1, argv + 1);
  if (strcmp(cmd, "__worker") == 0) /* internal: started by 'run' (bench/isolate.c) */
    return ab_cmd_worker(argc, argv);
  if (strcmp(cmd, "__discover") == 0) /* internal: started by discovery (bench/discover.c) */
    return ab_cmd_discover(argc, argv);
  if (strcmp(cmd, "__discover-power") == 0) /* internal: bench/power_modules.c */
    return ab_cmd_discover_power(argc, argv);
  if (strcmp(cmd, "plan") == 0)
    return ab_cmd_plan(argc - 1, argv + 1);
  if (strcmp(cmd, "list") == 0)
    return ab_cmd_list(argc - 1, argv + 1);
  if (strcmp(cmd, "report") == 0)
    return ab_cmd_report(argc - 1, argv + 1);
  if (strcmp(cmd, "compare") == 0)
    return ab_cmd_compare(argc - 1, argv + 1);
  if (strcmp(cmd, "verify") == 0)
    return ab_cmd_verify(argc - 1, argv + 1);
  if (strcmp(cmd, "keygen") == 0)
    return ab_cmd_keygen(argc - 1, argv + 1);
  if (strcmp(cmd, "sign") == 0)
    return ab_cmd_sign(argc - 1, argv + 1);
  if (cmd[0] == '-') /* options without a command belong to 'run' */
    return ab_cmd_run(argc, argv);
  fprintf(stderr,
          "accelbench: unknown command '%s' (expected run, plan, list, report, compare, verify, "
          "keygen or sign; see --help)\n",
          cmd);
  return AB_EXIT_USAGE;
}
