/* The cuda backend's own tables and compile path against the real CUDA toolkit:
 *   symbol_check WHICH PATH [WHICH PATH ...]  every mandatory symbol of backends/cuda/
 *                                             cuda_libs.c's table WHICH is in PATH;
 *   symbol_check --compile ARCH               NVRTC (AB_NVRTC_LIBRARY or the sonames)
 *                                             compiles the kernels' source for sm_ARCH.
 * Exit 0 on success; the failure is named otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_internal.h"

static int compile_for(const char *arch) {
  char msg[AB_MSG_LEN];
  const char *image = NULL;
  double seconds = 0.0;
  if (cuda_nvrtc_image(atoi(arch), &image, &seconds, msg) != AB_OK) {
    printf("FAIL NVRTC compile of the portable kernels for sm_%s: %s\n", arch, msg);
    return 1;
  }
  printf("ok   NVRTC compiled the portable kernels (%zu source bytes) for sm_%s\n",
         strlen(cuk_source()), arch);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--compile") == 0)
    return compile_for(argv[2]);
  int failed = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    char msg[AB_MSG_LEN];
    int missing = 0;
    if (cuda_check_library(argv[i], argv[i + 1], &missing, msg) != AB_OK) {
      printf("FAIL %s %s: %s\n", argv[i], argv[i + 1], msg);
      failed = 1;
    } else {
      printf("ok   %s %s: every mandatory symbol found (%d optional missing)\n", argv[i],
             argv[i + 1], missing);
    }
  }
  return failed || argc < 3;
}
