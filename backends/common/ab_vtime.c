/* Event timing, warm calls and workspaces (ab_vendor.h). */
#include <time.h>

#include "ab_vendor.h"

double ab_vnow(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

ab_status ab_vtime_calls(const ab_vtimer *t, ab_vcall_fn call, void *call_ctx, uint32_t n,
                         double *seconds, char *msg) {
  *seconds = -1.0;
  ab_status st = t->record(t->ctx, 0, msg);
  for (uint32_t i = 0; st == AB_OK && i < n; i++)
    st = call(call_ctx, msg);
  if (st == AB_OK)
    st = t->record(t->ctx, 1, msg);
  if (st == AB_OK)
    st = t->elapsed(t->ctx, seconds, msg);
  return st;
}

void ab_vwarm_account(ab_case_info *info, double wall, double span) {
  span = span < wall ? span : wall;
  info->setup_seconds = wall;
  if (span > 0.0 && AB_HAS_FIELD(info, ab_case_info, warm_calls)) {
    info->warm_calls = 1;
    info->warm_seconds = span;
    info->setup_seconds = wall - span;
  }
}

ab_status ab_vwarm_call(const ab_vtimer *t, ab_vcall_fn call, void *call_ctx, double t0,
                        ab_case_info *info, char *msg) {
  double span = 0.0;
  ab_status st = ab_vtime_calls(t, call, call_ctx, 1, &span, msg);
  if (st != AB_OK)
    return st;
  ab_vwarm_account(info, ab_vnow() - t0, span);
  return AB_OK;
}

ab_status ab_vworkspace_reserve(ab_vworkspace *ws, const ab_vmem *mem, size_t bytes, char *msg) {
  if (bytes <= ws->bytes)
    return AB_OK;
  ab_vworkspace_release(ws, mem);
  ab_status st = mem->alloc(mem->ctx, bytes, &ws->ptr, msg);
  if (st != AB_OK)
    return st;
  ws->bytes = bytes;
  ws->allocations++;
  return AB_OK;
}

void ab_vworkspace_release(ab_vworkspace *ws, const ab_vmem *mem) {
  if (ws->ptr)
    mem->free(mem->ctx, ws->ptr);
  ws->ptr = NULL;
  ws->bytes = 0;
}

ab_status ab_vtime_case(const ab_vtimer *t, ab_vcall_fn call, void *call_ctx, uint32_t n,
                        ab_timing *timing, char *msg) {
  double s = -1.0;
  ab_status st = ab_vtime_calls(t, call, call_ctx, n, &s, msg);
  timing->device_seconds = st == AB_OK ? s : -1.0;
  return st;
}
