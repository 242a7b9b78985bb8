/* accelbench OpenCL backend — device microbenchmarks: peak compute, memory bandwidth,
 * host<->device transfers and kernel launch latency. What each writes is documented in
 * ocl_source.c (kernels) and below (transfers) so the harness can validate it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_internal.h"

static ab_status make_kernel(ocl_state *st, const char *opts, const char *name, ocl_case *c,
                             ab_case_info *info, char *msg) {
  cl_program prog;
  double compile_s = 0.0;
  ab_status s = ocl_get_program(st, "ab_micro", ocl_src_micro, opts, &prog, &compile_s, msg);
  if (s != AB_OK)
    return s;
  cl_int err;
  c->kernel = clCreateKernel(prog, name, &err);
  if (err != CL_SUCCESS) {
    char what[64];
    snprintf(what, sizeof what, "clCreateKernel(%s)", name);
    return ocl_fail(msg, what, err);
  }
  info->setup_seconds += compile_s;
  return AB_OK;
}

/* The micro program needs its type macros even for ab_copy/ab_empty. */
static const char *default_micro_opts = "-DDT=0 -DT=float -DTV=float -DVW=1 -DOT=float";

static ab_status peak_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                              size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  const ab_peak_params *p = &d->params.peak;
  int dt;
  const char *t;
  cl_uint pref;
  switch (d->dtype) {
  case AB_DTYPE_F32: dt = 0, t = "float", pref = st->caps.vec_float; break;
  case AB_DTYPE_F64:
    if (!st->caps.has_fp64) {
      snprintf(msg, AB_MSG_LEN, "f64 peak needs cl_khr_fp64, which %s does not report",
               st->caps.name);
      return AB_E_UNSUPPORTED;
    }
    dt = 1, t = "double", pref = st->caps.vec_double;
    break;
  case AB_DTYPE_F16:
    if (!st->caps.has_fp16) {
      snprintf(msg, AB_MSG_LEN,
               "f16 peak needs half arithmetic (cl_khr_fp16), which %s "
               "does not report",
               st->caps.name);
      return AB_E_UNSUPPORTED;
    }
    dt = 2, t = "half", pref = st->caps.vec_float;
    break;
  case AB_DTYPE_I8: dt = 3, t = "char", pref = st->caps.vec_int; break;
  default:
    snprintf(msg, AB_MSG_LEN, "desc.dtype: peak compute supports f32, f64, f16, int8");
    return AB_E_UNSUPPORTED;
  }
  /* Output element: the input dtype, or i32 for int8 when the descriptor asks for it. */
  const char *ot = t;
  size_t out_size = ab_dtype_size(d->dtype);
  if (d->dtype == AB_DTYPE_I8 && d->out_dtype == AB_DTYPE_I32)
    ot = "int", out_size = 4;
  else if (d->out_dtype != d->dtype && d->out_dtype != AB_DTYPE_INVALID) {
    snprintf(msg, AB_MSG_LEN, "desc.out_dtype: peak writes its input dtype (or i32 for int8)");
    return AB_E_UNSUPPORTED;
  }
  if (p->items <= 0 || p->fma_per_item <= 0 || p->fma_per_item / 8 > 0x7fffffff) {
    snprintf(msg, AB_MSG_LEN,
             "desc.params.peak: items and fma_per_item must be positive (fma_per_item/8 < "
             "2^31), got items=%lld fma_per_item=%lld",
             (long long)p->items, (long long)p->fma_per_item);
    return AB_E_INVALID;
  }
  if (n_ops < 1 || !ops[0] || ops[0]->bytes < (size_t)p->items * out_size) {
    snprintf(msg, AB_MSG_LEN, "operand 0 (peak output): needs %zu bytes",
             (size_t)p->items * out_size);
    return AB_E_INVALID;
  }
  /* A vector lane per item, at the device's preferred width (clpeak also runs vector
   * widths; the preferred one is what the vendor says the hardware wants). */
  int vw = 1;
  while (vw * 2 <= (int)pref && vw < 16)
    vw *= 2;
  char opts[160];
  snprintf(opts, sizeof opts, "-DDT=%d -DT=%s -DTV=%s%.0d -DVW=%d -DOT=%s", dt, t, t,
           vw > 1 ? vw : 0, vw, ot);
  ab_status s = make_kernel(st, opts, "ab_peak", c, info, msg);
  if (s != AB_OK)
    return s;
  cl_long items = p->items;
  cl_int q = (cl_int)(p->fma_per_item / 8), r = (cl_int)(p->fma_per_item % 8);
  cl_float a = -1.0f, b = 1.0f;
  cl_int err = clSetKernelArg(c->kernel, 0, sizeof(cl_mem), &ops[0]->mem);
  err |= clSetKernelArg(c->kernel, 1, sizeof items, &items);
  err |= clSetKernelArg(c->kernel, 2, sizeof q, &q);
  err |= clSetKernelArg(c->kernel, 3, sizeof r, &r);
  err |= clSetKernelArg(c->kernel, 4, sizeof a, &a);
  err |= clSetKernelArg(c->kernel, 5, sizeof b, &b);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clSetKernelArg(ab_peak)", err);
  c->work_dim = 1;
  c->gws[0] = ((size_t)p->items + (size_t)vw - 1) / (size_t)vw;
  snprintf(info->implementation, sizeof info->implementation,
           "portable ab_peak %s%s (8 chains of x*a+b per item)", t,
           vw > 1 ? (vw == 2   ? "2"
                     : vw == 4 ? "4"
                     : vw == 8 ? "8"
                               : "16")
                  : "");
  return AB_OK;
}

static ab_status membw_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                               size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  int64_t bytes = d->params.transfer.bytes;
  if (bytes <= 0 || n_ops < 2 || !ops[0] || !ops[1] || ops[0]->bytes < (size_t)bytes ||
      ops[1]->bytes < (size_t)bytes) {
    snprintf(msg, AB_MSG_LEN,
             "desc.params.transfer.bytes / operands 0,1: need bytes > 0 and two device "
             "buffers of at least that size (bytes=%lld)",
             (long long)bytes);
    return AB_E_INVALID;
  }
  ab_status s = make_kernel(st, default_micro_opts, "ab_copy", c, info, msg);
  if (s != AB_OK)
    return s;
  cl_long n_vec = bytes / 16, total = bytes;
  cl_int err = clSetKernelArg(c->kernel, 0, sizeof(cl_mem), &ops[0]->mem);
  err |= clSetKernelArg(c->kernel, 1, sizeof(cl_mem), &ops[1]->mem);
  err |= clSetKernelArg(c->kernel, 2, sizeof n_vec, &n_vec);
  err |= clSetKernelArg(c->kernel, 3, sizeof total, &total);
  if (err != CL_SUCCESS)
    return ocl_fail(msg, "clSetKernelArg(ab_copy)", err);
  c->work_dim = 1;
  c->gws[0] = (size_t)n_vec + (bytes % 16 ? 1 : 0);
  snprintf(info->implementation, sizeof info->implementation,
           "portable ab_copy (uint4 per work-item, device to device)");
  return AB_OK;
}

/* Transfer host buffers larger than this are released with their case rather than kept
 * for the next transfer case, so a huge transfer does not pin memory for the rest of the
 * run. */
#define OCL_XFER_KEEP_MAX ((size_t)256 << 20)

static void release_pinned(ocl_state *st) {
  ocl_xfer_host *x = &st->xfer;
  if (x->pinned && st->queue)
    clEnqueueUnmapMemObject(st->queue, x->pinned_buf, x->pinned, 0, NULL, NULL);
  if (st->queue)
    clFinish(st->queue);
  if (x->pinned_buf)
    clReleaseMemObject(x->pinned_buf);
  x->pinned_buf = NULL;
  x->pinned = NULL;
  x->pinned_bytes = 0;
}

static void release_pageable(ocl_state *st) {
  free(st->xfer.pageable);
  st->xfer.pageable = NULL;
  st->xfer.pageable_bytes = 0;
}

void ocl_xfer_host_release(ocl_state *st) {
  release_pinned(st);
  release_pageable(st);
}

/* A pinned host buffer of at least `bytes`: the kept one, or a new CL_MEM_ALLOC_HOST_PTR
 * buffer mapped once (the usual OpenCL way to get page-locked memory, as clpeak and
 * vendor guides do). */
static ab_status pinned_host(ocl_state *st, size_t bytes, void **host, char *msg) {
  ocl_xfer_host *x = &st->xfer;
  if (x->pinned_bytes < bytes) {
    release_pinned(st);
    cl_int err;
    x->pinned_buf =
        clCreateBuffer(st->context, CL_MEM_ALLOC_HOST_PTR | CL_MEM_READ_WRITE, bytes, NULL, &err);
    if (err != CL_SUCCESS) {
      x->pinned_buf = NULL;
      return ocl_fail(msg, "clCreateBuffer(CL_MEM_ALLOC_HOST_PTR)", err);
    }
    x->pinned = clEnqueueMapBuffer(st->queue, x->pinned_buf, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0,
                                   bytes, 0, NULL, NULL, &err);
    if (err != CL_SUCCESS) {
      x->pinned = NULL;
      release_pinned(st);
      return ocl_fail(msg, "clEnqueueMapBuffer(pinned host buffer)", err);
    }
    /* Page-locked memory is resident already (madvise then refuses or does nothing); a
     * CPU driver's is ordinary memory still to be faulted in. Not under
     * ocl_prefault=off, which leaves faulting to the driver and the C library. */
    if (!st->no_prefault)
      ocl_prefault(x->pinned, bytes);
    x->pinned_bytes = bytes;
  }
  *host = x->pinned;
  return AB_OK;
}

/* A pageable (plain malloc) host buffer of at least `bytes`: the kept one or a new one. */
static ab_status pageable_host(ocl_state *st, size_t bytes, void **host, char *msg) {
  ocl_xfer_host *x = &st->xfer;
  if (x->pageable_bytes < bytes) {
    release_pageable(st);
    x->pageable = malloc(bytes);
    if (!x->pageable) {
      snprintf(msg, AB_MSG_LEN, "out of host memory for a %zu-byte transfer buffer", bytes);
      return AB_E_NOMEM;
    }
    if (!st->no_prefault)
      ocl_prefault(x->pageable, bytes);
    x->pageable_bytes = bytes;
  }
  *host = x->pageable;
  return AB_OK;
}

/* Byte i = (i * 131 + 7) & 0xff. The pattern repeats every 256 bytes, so the first 256
 * are computed and the rest copied in doubling blocks (a byte loop over 32 MiB was a
 * visible part of setup_seconds). Writing every byte also touches every page, keeping
 * first-touch faults out of the timed copies. */
static void fill_h2d_pattern(unsigned char *h, size_t bytes) {
  size_t done = bytes < 256 ? bytes : 256;
  for (size_t i = 0; i < done; i++)
    h[i] = (unsigned char)((i * 131u + 7u) & 0xffu);
  while (done < bytes) {
    size_t n = done <= bytes - done ? done : bytes - done;
    memcpy(h + done, h, n);
    done += n;
  }
}

/* H2D / D2H. The backend owns the host side, pageable (malloc) or pinned (mapped
 * CL_MEM_ALLOC_HOST_PTR), kept in st->xfer for the next transfer case of at most its
 * size. H2D fills the host side with byte i = (i * 131 + 7) & 0xff in case_prepare, so
 * after case_run operand 0 holds that pattern; D2H copies operand 0 into the host side and
 * leaves operand 0 unchanged. */
static ab_status transfer_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                                  size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  int64_t bytes = d->params.transfer.bytes;
  int pinned = d->params.transfer.pinned != 0;
  if (bytes <= 0 || n_ops < 1 || !ops[0] || ops[0]->bytes < (size_t)bytes) {
    snprintf(msg, AB_MSG_LEN,
             "desc.params.transfer.bytes / operand 0: need bytes > 0 and a device buffer of "
             "at least that size (bytes=%lld)",
             (long long)bytes);
    return AB_E_INVALID;
  }
  c->bytes = (size_t)bytes;
  c->dev = ops[0]->mem;
  int *held = pinned ? &st->xfer.pinned_held : &st->xfer.pageable_held;
  if (*held) {
    snprintf(msg, AB_MSG_LEN,
             "another %s transfer case of this device is still prepared; the OpenCL backend "
             "keeps one host buffer per kind and runs one transfer case of a kind at a time",
             pinned ? "pinned" : "pageable");
    return AB_E_INVALID;
  }
  double t0 = ocl_now();
  ab_status s = pinned ? pinned_host(st, c->bytes, &c->host, msg)
                       : pageable_host(st, c->bytes, &c->host, msg);
  if (s != AB_OK)
    return s;
  *held = 1;
  c->held = held;
  fill_h2d_pattern(c->host, c->bytes);
  info->setup_seconds = ocl_now() - t0;
  snprintf(info->implementation, sizeof info->implementation, "%s (%s host memory)",
           d->kind == AB_KERNEL_COPY_H2D ? "clEnqueueWriteBuffer" : "clEnqueueReadBuffer",
           pinned ? "pinned: CL_MEM_ALLOC_HOST_PTR mapped" : "pageable: malloc");
  return AB_OK;
}

ab_status ocl_transfer_run(ocl_state *st, ocl_case *c, uint32_t iterations, ab_timing *t,
                           char *msg) {
  cl_event first = NULL, last = NULL;
  ab_status s = AB_OK;
  for (uint32_t i = 0; i < iterations; i++) {
    cl_event *ev = i == 0 ? &first : (i + 1 == iterations ? &last : NULL);
    cl_int err =
        c->kind == AB_KERNEL_COPY_H2D
            ? clEnqueueWriteBuffer(st->queue, c->dev, CL_FALSE, 0, c->bytes, c->host, 0, NULL, ev)
            : clEnqueueReadBuffer(st->queue, c->dev, CL_FALSE, 0, c->bytes, c->host, 0, NULL, ev);
    if (err != CL_SUCCESS) {
      s = ocl_fail(
          msg, c->kind == AB_KERNEL_COPY_H2D ? "clEnqueueWriteBuffer" : "clEnqueueReadBuffer", err);
      break;
    }
  }
  cl_int err = clFinish(st->queue);
  if (s == AB_OK && err != CL_SUCCESS)
    s = ocl_fail(msg, "clFinish", err);
  if (s == AB_OK && t) {
    double secs = 0.0;
    if (first)
      s = ocl_event_span(first, last ? last : first, &secs, msg);
    t->device_seconds = secs;
  }
  if (first)
    clReleaseEvent(first);
  if (last)
    clReleaseEvent(last);
  return s;
}

ab_status ocl_micro_prepare(ocl_state *st, const ab_kernel_desc *d, ab_buffer *const *ops,
                            size_t n_ops, ocl_case *c, ab_case_info *info, char *msg) {
  switch (d->kind) {
  case AB_KERNEL_PEAK: return peak_prepare(st, d, ops, n_ops, c, info, msg);
  case AB_KERNEL_MEMBW: return membw_prepare(st, d, ops, n_ops, c, info, msg);
  case AB_KERNEL_COPY_H2D:
  case AB_KERNEL_COPY_D2H: return transfer_prepare(st, d, ops, n_ops, c, info, msg);
  case AB_KERNEL_LAUNCH: {
    ab_status s = make_kernel(st, default_micro_opts, "ab_empty", c, info, msg);
    if (s != AB_OK)
      return s;
    c->work_dim = 1;
    c->gws[0] = 1;
    snprintf(info->implementation, sizeof info->implementation,
             "portable ab_empty (one work-item)");
    return AB_OK;
  }
  default: return ocl_kind_prepare(st, d, ops, n_ops, c, info, msg);
  }
}

void ocl_micro_release(ocl_state *st, ocl_case *c) {
  /* The host side belongs to st->xfer; only a very large one goes with its case. */
  if (c->held == &st->xfer.pinned_held && st->xfer.pinned_bytes > OCL_XFER_KEEP_MAX)
    release_pinned(st);
  if (c->held == &st->xfer.pageable_held && st->xfer.pageable_bytes > OCL_XFER_KEEP_MAX)
    release_pageable(st);
  if (c->held)
    *c->held = 0;
  c->held = NULL;
  c->host = NULL;
}
