/* The name tables (names.h). Run files written by earlier versions use these same
 * strings; a name is never changed, only added. */
#include "model/names.h"

#include <stdio.h>
#include <string.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TABLE(arr)                                                                                 \
  { (arr), N_OF(arr) }

/* Dtype and kind names come from the public header's one list (accelbench/kernel.h). */
#define NAME_ENTRY(value, name) [value] = name,
static const char *const dtype_list[AB_DTYPE_COUNT] = {AB_DTYPE_NAME_LIST(NAME_ENTRY)};
static const char *const kind_list[AB_KERNEL_KIND_COUNT] = {AB_KERNEL_KIND_NAME_LIST(NAME_ENTRY)};

static const char *const case_status_list[AB_CASE_STATUS_COUNT] = {
    [AB_CASE_OK] = "ok",           [AB_CASE_UNSUPPORTED] = "unsupported",
    [AB_CASE_FAILED] = "failed",   [AB_CASE_WRONG_RESULT] = "wrong_result",
    [AB_CASE_CRASHED] = "crashed", [AB_CASE_TIMEOUT] = "timeout",
    [AB_CASE_SKIPPED] = "skipped", [AB_CASE_IMPLAUSIBLE] = "implausible",
};

static const char *const timer_list[] = {[AB_TIMER_HOST] = "host", [AB_TIMER_DEVICE] = "device"};

static const char *const stop_list[] = {
    [AB_STOP_NONE] = "none",
    [AB_STOP_CV] = "cv",
    [AB_STOP_TIME_CAP] = "time_cap",
    [AB_STOP_MAX_SAMPLES] = "max_samples",
};

static const char *const device_type_list[] = {
    [AB_DEVICE_OTHER] = "other",
    [AB_DEVICE_CPU] = "cpu",
    [AB_DEVICE_GPU] = "gpu",
    [AB_DEVICE_NPU] = "npu",
};

static const char *const layout_list[AB_LAYOUT_COUNT] = {
    [AB_LAYOUT_DEFAULT] = "default", [AB_LAYOUT_NCHW] = "nchw", [AB_LAYOUT_NHWC] = "nhwc",
    [AB_LAYOUT_BSHD] = "bshd",       [AB_LAYOUT_BHSD] = "bhsd",
};

const ab_name_table ab_dtype_names = TABLE(dtype_list);
const ab_name_table ab_layout_names = TABLE(layout_list);
const ab_name_table ab_kernel_kind_names = TABLE(kind_list);
const ab_name_table ab_case_status_names = TABLE(case_status_list);
const ab_name_table ab_timer_source_names = TABLE(timer_list);
const ab_name_table ab_stop_reason_names = TABLE(stop_list);
const ab_name_table ab_device_type_names = TABLE(device_type_list);

const char *ab_name_of(const ab_name_table *t, int value) {
  if (value < 0 || (size_t)value >= t->n || !t->names[value])
    return "invalid";
  return t->names[value];
}

int ab_name_index(const ab_name_table *t, const char *name) {
  for (size_t i = 0; name && i < t->n; i++)
    if (t->names[i] && strcmp(t->names[i], name) == 0)
      return (int)i;
  return -1;
}

void ab_name_list(const ab_name_table *t, char *buf, size_t len) {
  if (len == 0)
    return;
  buf[0] = '\0';
  for (size_t i = 0; i < t->n; i++) {
    if (!t->names[i])
      continue;
    size_t used = strlen(buf);
    if (used + 1 >= len)
      break;
    snprintf(buf + used, len - used, "%s\"%s\"", used ? ", " : "", t->names[i]);
  }
}

const char *ab_dtype_name(ab_dtype t) {
  return ab_name_of(&ab_dtype_names, (int)t);
}

ab_status ab_dtype_parse(const char *name, ab_dtype *in, ab_dtype *out) {
  int i = ab_name_index(&ab_dtype_names, name);
  if (i < 0 || i == AB_DTYPE_I32)
    return AB_E_INVALID;
  *in = (ab_dtype)i;
  /* int8 GEMM accumulates and stores int32; tf32 stores f32 and the 8-bit floats bf16
   * (cuBLASLt's FP8 recipe, vendor-api-facts.md 1.6); other floating types keep their own. */
  switch (*in) {
  case AB_DTYPE_I8: *out = AB_DTYPE_I32; break;
  case AB_DTYPE_TF32: *out = AB_DTYPE_F32; break;
  case AB_DTYPE_F8E4M3:
  case AB_DTYPE_F8E5M2: *out = AB_DTYPE_BF16; break;
  default: *out = *in; break;
  }
  return AB_OK;
}

const char *ab_kernel_kind_name(ab_kernel_kind k) {
  return ab_name_of(&ab_kernel_kind_names, (int)k);
}

ab_kernel_kind ab_kernel_kind_parse(const char *name) {
  int k = ab_name_index(&ab_kernel_kind_names, name);
  return k < 0 ? AB_KERNEL_INVALID : (ab_kernel_kind)k;
}

const char *ab_case_status_name(ab_case_status s) {
  return ab_name_of(&ab_case_status_names, (int)s);
}

ab_status ab_case_status_parse(const char *name, ab_case_status *out) {
  int i = ab_name_index(&ab_case_status_names, name);
  if (i < 0)
    return AB_E_INVALID;
  *out = (ab_case_status)i;
  return AB_OK;
}

const char *ab_timer_source_name(ab_timer_source t) {
  return ab_name_of(&ab_timer_source_names, (int)t);
}

const char *ab_stop_reason_name(ab_stop_reason r) {
  return ab_name_of(&ab_stop_reason_names, (int)r);
}

const char *ab_layout_name(ab_layout l) {
  return ab_name_of(&ab_layout_names, (int)l);
}

const char *ab_device_type_name(ab_device_type t) {
  return ab_name_of(&ab_device_type_names, (int)t);
}
