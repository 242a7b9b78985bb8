/* ab-first-touch — what it costs to fault in fresh memory, by the ways a benchmark can
 * do it. On the 2-core dev VM a 4 KiB page fault cost ~11 µs, so a fresh 128 MiB buffer
 * took longer to fault in than most kernels ran (docs/opencl.md); this tool is how the
 * OpenCL backend's choice (ocl_pool.c, ocl_prefault) was measured.
 *
 *   ab-first-touch [-m MiB] [-r rounds]
 *
 * Each round maps fresh anonymous memory for every way in turn, faults it in that way and
 * writes one byte per page, and times that (the unmap is not timed). Prints the median
 * and range over rounds in MB/s per way:
 *   touch         a write per page, as a driver or memset does on first use
 *   map-populate  mmap(MAP_POPULATE), then a write per page
 *   populate      madvise(MADV_POPULATE_WRITE) (Linux 5.14), then a write per page
 *   thp-touch     madvise(MADV_HUGEPAGE), then a write per page
 *   thp-populate  madvise(MADV_HUGEPAGE) and MADV_POPULATE_WRITE, then a write per page
 * A way the kernel refuses (EINVAL) is reported as such, not timed. Memory is 2 MiB
 * aligned (except for map-populate), so the thp ways can get huge pages; with the
 * system's THP setting at "always", touch and populate may get them too, which
 * unaligned memory (such as the OpenCL pool's) may not.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_POPULATE, madvise */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/util.h"
#include "stats.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; glibc before 2.35 lacks the name */
#endif

#define HUGE_2M    ((size_t)2 << 20)
#define MAX_ROUNDS 64

enum way { TOUCH, MAP_POPULATE_WAY, POPULATE, THP_TOUCH, THP_POPULATE, N_WAYS };
static const char *const way_names[N_WAYS] = {"touch", "map-populate", "populate", "thp-touch",
                                              "thp-populate"};

static void touch_pages(unsigned char *p, size_t bytes, unsigned char v) {
  long page = sysconf(_SC_PAGESIZE);
  for (size_t i = 0; i < bytes; i += (size_t)page)
    p[i] = v;
}

/* Maps `bytes` (2 MiB aligned, so THP can apply) and faults it in by `way`; returns the
 * seconds taken, or -errno when the kernel refuses the way. `*base`/`*len` are what to
 * unmap. */
static double fault_in(enum way way, size_t bytes, void **base, size_t *len) {
  int populate_flag = way == MAP_POPULATE_WAY ? MAP_POPULATE : 0;
  double t0 = ab_now_s();
  /* MAP_POPULATE faults in the whole mapping: give it exactly `bytes`, unaligned. */
  *len = way == MAP_POPULATE_WAY ? bytes : bytes + HUGE_2M;
  *base =
      mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | populate_flag, -1, 0);
  if (*base == MAP_FAILED)
    return -(double)errno;
  uintptr_t aligned = ((uintptr_t)*base + HUGE_2M - 1) & ~(uintptr_t)(HUGE_2M - 1);
  unsigned char *p = way == MAP_POPULATE_WAY ? (unsigned char *)*base : (unsigned char *)aligned;
  if ((way == THP_TOUCH || way == THP_POPULATE) && madvise(p, bytes, MADV_HUGEPAGE) != 0)
    return -(double)errno;
  if ((way == POPULATE || way == THP_POPULATE) && madvise(p, bytes, MADV_POPULATE_WRITE) != 0)
    return -(double)errno;
  touch_pages(p, bytes, 1);
  return ab_now_s() - t0;
}

static int parse_args(int argc, char **argv, size_t *mib, int *rounds) {
  for (int i = 1; i < argc; i++) {
    char *end = NULL;
    if (i + 1 < argc && strcmp(argv[i], "-m") == 0) {
      long v = strtol(argv[++i], &end, 10);
      if (*end || v < 1 || v > 65536)
        return fprintf(stderr, "ab-first-touch: -m wants 1..65536 MiB, got '%s'\n", argv[i]), 0;
      *mib = (size_t)v;
    } else if (i + 1 < argc && strcmp(argv[i], "-r") == 0) {
      long v = strtol(argv[++i], &end, 10);
      if (*end || v < 1 || v > MAX_ROUNDS)
        return fprintf(stderr, "ab-first-touch: -r wants 1..%d, got '%s'\n", MAX_ROUNDS, argv[i]),
               0;
      *rounds = (int)v;
    } else {
      return fprintf(stderr, "usage: ab-first-touch [-m MiB] [-r rounds]\n"), 0;
    }
  }
  return 1;
}

int main(int argc, char **argv) {
  size_t mib = 128;
  int rounds = 5;
  if (!parse_args(argc, argv, &mib, &rounds))
    return 2;
  size_t bytes = mib << 20;
  printf("fresh %zu MiB, %d rounds per way, ways interleaved; MB/s median [min-max]\n", mib,
         rounds);
  double secs[N_WAYS][MAX_ROUNDS];
  int refused[N_WAYS] = {0};
  for (int r = 0; r < rounds; r++) {
    for (int w = 0; w < N_WAYS; w++) {
      void *base = NULL;
      size_t len = 0;
      secs[w][r] = fault_in((enum way)w, bytes, &base, &len);
      if (secs[w][r] < 0)
        refused[w] = (int)-secs[w][r];
      if (base && base != MAP_FAILED)
        munmap(base, len);
    }
  }
  for (int w = 0; w < N_WAYS; w++) {
    if (refused[w]) {
      printf("  %-13s refused: %s\n", way_names[w], strerror(refused[w]));
      continue;
    }
    ab_sort_doubles(secs[w], (size_t)rounds);
    double mb = (double)bytes / 1e6;
    printf("  %-13s %8.0f [%.0f-%.0f]\n", way_names[w],
           mb / ab_percentile_sorted(secs[w], (size_t)rounds, 50.0), mb / secs[w][rounds - 1],
           mb / secs[w][0]);
  }
  return 0;
}
