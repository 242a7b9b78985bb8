/* ab-memcpy-offsets — host memcpy rate by the page offsets of source and destination.
 *
 *   ab-memcpy-offsets [-m MiB] [-r reps]
 *
 * On a CPU OpenCL device a host<->device transfer is a memcpy between two host buffers,
 * and where each buffer starts within its page depends on the allocator: malloc and
 * new[] of a large block return page start + 16 (glibc), a 128-byte-aligned allocation
 * page start + 128, mmap page start + 0. This tool copies MiB between two resident
 * buffers at those offset pairs in turn, and prints the best of `reps` copies in
 * GB/s per pair. It is how the gap between our pageable transfers and clpeak's on POCL
 * was traced (docs/opencl.md): no benchmark's method, only its buffers' offsets.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_POPULATE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "model/util.h"

#define SLACK 8192 /* room for the offsets */

static unsigned char *resident(size_t bytes) {
  void *p = mmap(NULL, bytes + SLACK, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  memset(p, 1, bytes + SLACK);
  return p;
}

static double best_rate(unsigned char *dst, const unsigned char *src, size_t bytes, int reps) {
  double best = 0.0;
  for (int r = 0; r < reps; r++) {
    double t0 = ab_now_s();
    memcpy(dst, src, bytes);
    double rate = (double)bytes / 1e9 / (ab_now_s() - t0);
    best = rate > best ? rate : best;
  }
  return best;
}

static int parse_args(int argc, char **argv, size_t *mib, int *reps) {
  for (int i = 1; i < argc; i++) {
    char *end = NULL;
    long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
    int ok = end && *end == '\0';
    if (strcmp(argv[i], "-m") == 0 && ok && v >= 1 && v <= 16384)
      *mib = (size_t)v;
    else if (strcmp(argv[i], "-r") == 0 && ok && v >= 1 && v <= 1000)
      *reps = (int)v;
    else
      return fprintf(stderr, "usage: ab-memcpy-offsets [-m MiB (1-16384)] [-r reps (1-1000)]\n"), 0;
    i++;
  }
  return 1;
}

int main(int argc, char **argv) {
  size_t mib = 512;
  int reps = 5;
  if (!parse_args(argc, argv, &mib, &reps))
    return 2;
  size_t bytes = mib << 20;
  unsigned char *a = resident(bytes), *b = resident(bytes);
  if (!a || !b) {
    fprintf(stderr, "ab-memcpy-offsets: cannot map 2 x %zu MiB\n", mib);
    return 1;
  }
  static const int offsets[][2] = {{0, 0},   {0, 16},  {16, 0},   {16, 16},
                                   {0, 128}, {128, 0}, {16, 128}, {128, 16}};
  printf("memcpy of %zu MiB, best of %d; GB/s by page offset of destination and source\n", mib,
         reps);
  for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++)
    printf("  dst +%-3d src +%-3d %6.2f\n", offsets[i][0], offsets[i][1],
           best_rate(a + offsets[i][0], b + offsets[i][1], bytes, reps));
  munmap(a, bytes + SLACK);
  munmap(b, bytes + SLACK);
  return 0;
}
