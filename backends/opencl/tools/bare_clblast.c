/* ab-bare-clblast — CLBlastSgemm in a bare loop, as a user calling CLBlast directly would
 * (plain in-order queue, no events, clFinish at the end). The reference for "the backend's
 * CLBlast path costs nothing on top of CLBlast itself", standalone; scripts/bench-opencl.sh
 * now uses ab-ocl-clblast-pair, which runs both in one process (docs/opencl.md).
 * Usage: ab-bare-clblast M N K [ITERS [REPS [DEVICE]]]  (DEVICE flattened over platforms) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <CL/cl.h>
#include <clblast_c.h>

#include "find_device.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s M N K [ITERS [REPS [DEVICE]]]\n", argv[0]);
    return 2;
  }
  size_t m = strtoull(argv[1], NULL, 10), n = strtoull(argv[2], NULL, 10),
         k = strtoull(argv[3], NULL, 10);
  int iters = argc > 4 ? atoi(argv[4]) : 10, reps = argc > 5 ? atoi(argv[5]) : 5;
  unsigned want = argc > 6 ? (unsigned)atoi(argv[6]) : 0;
  if (m == 0 || n == 0 || k == 0 || iters < 1 || reps < 1 || reps > 1000) {
    fprintf(stderr, "M, N, K, ITERS must be positive and REPS in 1..1000\n");
    return 2;
  }
  cl_device_id dev = tool_find_device(want);
  if (!dev) {
    fprintf(stderr, "no OpenCL device %u\n", want);
    return 1;
  }
  cl_int err;
  cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
  cl_command_queue q = clCreateCommandQueue(ctx, dev, 0, &err);
  if (err != CL_SUCCESS) {
    fprintf(stderr, "clCreateCommandQueue: %d\n", (int)err);
    return 1;
  }
  float *ha = malloc(m * k * sizeof *ha), *hb = malloc(k * n * sizeof *hb);
  for (size_t i = 0; i < m * k; i++)
    ha[i] = (float)((i * 7) % 9) * 0.25f - 1.0f;
  for (size_t i = 0; i < k * n; i++)
    hb[i] = (float)((i * 5) % 9) * 0.25f - 1.0f;
  cl_mem a = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, m * k * 4, ha, &err);
  cl_mem b = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, k * n * 4, hb, &err);
  cl_mem c = clCreateBuffer(ctx, CL_MEM_READ_WRITE, m * n * 4, NULL, &err);
  double t0 = now();
  CLBlastStatusCode st = CLBlastSgemm(CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeNo,
                                      m, n, k, 1.0f, a, 0, k, b, 0, n, 0.0f, c, 0, n, &q, NULL);
  clFinish(q);
  if (st != CLBlastSuccess) {
    fprintf(stderr, "CLBlastSgemm: %d\n", (int)st);
    return 1;
  }
  printf("first call (compile): %.3f s\n", now() - t0);
  double *per = calloc((size_t)reps, sizeof *per);
  for (int r = 0; r < reps; r++) {
    double w0 = now();
    for (int i = 0; i < iters; i++)
      CLBlastSgemm(CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeNo, m, n, k, 1.0f, a,
                   0, k, b, 0, n, 0.0f, c, 0, n, &q, NULL);
    clFinish(q);
    per[r] = (now() - w0) / iters;
  }
  qsort(per, (size_t)reps, sizeof *per, cmp_double);
  double flops = 2.0 * (double)m * (double)n * (double)k;
  printf("bare CLBlastSgemm %zux%zux%zu: %d iters x %d reps, median %.3f ms, %.2f GFLOP/s "
         "(best %.2f)\n",
         m, n, k, iters, reps, per[reps / 2] * 1e3, flops / per[reps / 2] * 1e-9,
         flops / per[0] * 1e-9);
  clReleaseMemObject(a);
  clReleaseMemObject(b);
  clReleaseMemObject(c);
  clReleaseCommandQueue(q);
  clReleaseContext(ctx);
  free(ha);
  free(hb);
  free(per);
  return 0;
}
