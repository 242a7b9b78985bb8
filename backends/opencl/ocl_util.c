/* accelbench OpenCL backend — error text, timing helpers, compiled-program cache. */
#define _DEFAULT_SOURCE /* madvise, MADV_POPULATE_WRITE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ocl_internal.h"

const char *ocl_err_name(cl_int err) {
  switch (err) {
  case CL_SUCCESS: return "CL_SUCCESS";
  case CL_DEVICE_NOT_FOUND: return "CL_DEVICE_NOT_FOUND";
  case CL_DEVICE_NOT_AVAILABLE: return "CL_DEVICE_NOT_AVAILABLE";
  case CL_COMPILER_NOT_AVAILABLE: return "CL_COMPILER_NOT_AVAILABLE";
  case CL_MEM_OBJECT_ALLOCATION_FAILURE: return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
  case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
  case CL_OUT_OF_HOST_MEMORY: return "CL_OUT_OF_HOST_MEMORY";
  case CL_PROFILING_INFO_NOT_AVAILABLE: return "CL_PROFILING_INFO_NOT_AVAILABLE";
  case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
  case CL_MAP_FAILURE: return "CL_MAP_FAILURE";
  case CL_INVALID_VALUE: return "CL_INVALID_VALUE";
  case CL_INVALID_DEVICE_TYPE: return "CL_INVALID_DEVICE_TYPE";
  case CL_INVALID_PLATFORM: return "CL_INVALID_PLATFORM";
  case CL_INVALID_DEVICE: return "CL_INVALID_DEVICE";
  case CL_INVALID_CONTEXT: return "CL_INVALID_CONTEXT";
  case CL_INVALID_QUEUE_PROPERTIES: return "CL_INVALID_QUEUE_PROPERTIES";
  case CL_INVALID_COMMAND_QUEUE: return "CL_INVALID_COMMAND_QUEUE";
  case CL_INVALID_MEM_OBJECT: return "CL_INVALID_MEM_OBJECT";
  case CL_INVALID_BUILD_OPTIONS: return "CL_INVALID_BUILD_OPTIONS";
  case CL_INVALID_PROGRAM: return "CL_INVALID_PROGRAM";
  case CL_INVALID_PROGRAM_EXECUTABLE: return "CL_INVALID_PROGRAM_EXECUTABLE";
  case CL_INVALID_KERNEL_NAME: return "CL_INVALID_KERNEL_NAME";
  case CL_INVALID_KERNEL: return "CL_INVALID_KERNEL";
  case CL_INVALID_ARG_INDEX: return "CL_INVALID_ARG_INDEX";
  case CL_INVALID_ARG_VALUE: return "CL_INVALID_ARG_VALUE";
  case CL_INVALID_ARG_SIZE: return "CL_INVALID_ARG_SIZE";
  case CL_INVALID_KERNEL_ARGS: return "CL_INVALID_KERNEL_ARGS";
  case CL_INVALID_WORK_DIMENSION: return "CL_INVALID_WORK_DIMENSION";
  case CL_INVALID_WORK_GROUP_SIZE: return "CL_INVALID_WORK_GROUP_SIZE";
  case CL_INVALID_WORK_ITEM_SIZE: return "CL_INVALID_WORK_ITEM_SIZE";
  case CL_INVALID_GLOBAL_OFFSET: return "CL_INVALID_GLOBAL_OFFSET";
  case CL_INVALID_EVENT: return "CL_INVALID_EVENT";
  case CL_INVALID_OPERATION: return "CL_INVALID_OPERATION";
  case CL_INVALID_BUFFER_SIZE: return "CL_INVALID_BUFFER_SIZE";
  case CL_INVALID_GLOBAL_WORK_SIZE: return "CL_INVALID_GLOBAL_WORK_SIZE";
  case -1001: return "CL_PLATFORM_NOT_FOUND_KHR"; /* cl_khr_icd: the loader found none */
  default: return "unknown OpenCL error";
  }
}

ab_status ocl_fail(char *msg, const char *what, cl_int err) {
  snprintf(msg, AB_MSG_LEN, "%s: %s (%d)", what, ocl_err_name(err), (int)err);
  if (err == CL_OUT_OF_HOST_MEMORY || err == CL_MEM_OBJECT_ALLOCATION_FAILURE ||
      err == CL_INVALID_BUFFER_SIZE)
    return AB_E_NOMEM;
  return AB_E_DEVICE;
}

double ocl_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Linux's value (5.14); C libraries before glibc 2.35 lack the name. A kernel that does
 * not know it answers EINVAL. */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void ocl_prefault(void *p, size_t bytes) {
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0 || !p)
    return;
  uintptr_t lo = ((uintptr_t)p + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
  uintptr_t hi = ((uintptr_t)p + bytes) & ~((uintptr_t)page - 1);
  /* Kernels before 5.14 answer EINVAL: the pages are then faulted in on first use. */
  if (hi > lo)
    (void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
}

ab_status ocl_event_span(cl_event first, cl_event last, double *seconds, char *msg) {
  cl_ulong start = 0, end = 0;
  cl_int err =
      clGetEventProfilingInfo(first, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clGetEventProfilingInfo(CL_PROFILING_COMMAND_START)", err);
  err = clGetEventProfilingInfo(last, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clGetEventProfilingInfo(CL_PROFILING_COMMAND_END)", err);
  *seconds = end >= start ? 1e-9 * (double)(end - start) : 0.0;
  return AB_OK;
}

/* Copies the tail of the build log into msg: the first error is usually near the top, but
 * msg is short, so keep the start of the log after a fixed prefix. */
static void put_build_log(ocl_state *st, cl_program prog, const char *family, cl_int err,
                          char *msg) {
  size_t len = 0;
  char *log = NULL;
  if (clGetProgramBuildInfo(prog, st->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &len) == CL_SUCCESS &&
      len > 0)
    log = malloc(len + 1);
  if (log &&
      clGetProgramBuildInfo(prog, st->device, CL_PROGRAM_BUILD_LOG, len, log, NULL) != CL_SUCCESS)
    log[0] = '\0';
  if (log)
    log[len] = '\0';
  snprintf(msg, AB_MSG_LEN, "clBuildProgram(%s): %s (%d); build log: %s", family, ocl_err_name(err),
           (int)err, log && log[0] ? log : "(empty)");
  free(log);
}

ab_status ocl_get_program(ocl_state *st, const char *family, const char *source,
                          const char *options, cl_program *out, double *compile_s, char *msg) {
  /* Debug/test knob: ACCELBENCH_OPENCL_EXTRA_SOURCE is appended to every program source
   * this backend compiles (and is part of the cache key), so a test can force a compile
   * error and check that the build log reaches the case's reason. */
  const char *extra = getenv("ACCELBENCH_OPENCL_EXTRA_SOURCE");
  char key[sizeof st->programs->key];
  snprintf(key, sizeof key, "%s|%s|%s", family, options, extra ? extra : "");
  *compile_s = 0.0;
  for (ocl_prog *p = st->programs; p; p = p->next) {
    if (strcmp(p->key, key) == 0) {
      *out = p->program;
      return AB_OK;
    }
  }
  const char *srcs[2] = {source, extra ? extra : ""};
  cl_int err;
  double t0 = ocl_now();
  cl_program prog = clCreateProgramWithSource(st->context, 2, srcs, NULL, &err);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clCreateProgramWithSource", err);
  err = clBuildProgram(prog, 1, &st->device, options, NULL, NULL);
  if (err != CL_SUCCESS) {
    put_build_log(st, prog, family, err, msg);
    clReleaseProgram(prog);
    return AB_E_DEVICE;
  }
  *compile_s = ocl_now() - t0;
  ocl_prog *p = calloc(1, sizeof *p);
  if (!p) {
    clReleaseProgram(prog);
    snprintf(msg, AB_MSG_LEN, "out of host memory caching program %s", family);
    return AB_E_NOMEM;
  }
  snprintf(p->key, sizeof p->key, "%s", key);
  p->program = prog;
  p->next = st->programs;
  st->programs = p;
  *out = prog;
  return AB_OK;
}

void ocl_release_programs(ocl_state *st) {
  ocl_prog *p = st->programs;
  while (p) {
    ocl_prog *next = p->next;
    clReleaseProgram(p->program);
    free(p);
    p = next;
  }
  st->programs = NULL;
}

ab_status ocl_kernel_run(ocl_state *st, ocl_case *c, uint32_t iterations, ab_timing *t, char *msg) {
  cl_event first = NULL, last = NULL;
  ab_status s = AB_OK;
  cl_int err = CL_SUCCESS;
  /* Events only for the first and the last launch: an in-order queue runs them in order,
   * and per-launch events would add host overhead to every launch. */
  for (uint32_t i = 0; i < iterations; i++) {
    cl_event *ev = i == 0 ? &first : (i + 1 == iterations ? &last : NULL);
    err = clEnqueueNDRangeKernel(st->queue, c->kernel, c->work_dim, NULL, c->gws,
                                 c->use_lws ? c->lws : NULL, 0, NULL, ev);
    if (err != CL_SUCCESS) {
      s = ocl_fail(msg, "clEnqueueNDRangeKernel", err);
      break;
    }
  }
  cl_int ferr = clFinish(st->queue);
  if (s == AB_OK && ferr != CL_SUCCESS)
    s = ocl_fail(msg, "clFinish", ferr);
  if (s == AB_OK && iterations > 0) {
    double secs = 0.0;
    s = ocl_event_span(first, last ? last : first, &secs, msg);
    if (s == AB_OK && t)
      t->device_seconds = secs;
  } else if (s == AB_OK && t) {
    t->device_seconds = 0.0;
  }
  if (first)
    clReleaseEvent(first);
  if (last)
    clReleaseEvent(last);
  return s;
}
