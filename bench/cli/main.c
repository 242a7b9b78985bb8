/* accelbench — entry point. The CLI lives in the core library (bench/cli/cli_*.c) so tests
 * can drive it in-process too. */
#include "cli.h"

int main(int argc, char **argv) {
  return ab_cli_main(argc, argv);
}
