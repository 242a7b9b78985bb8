/* The cambricon backend module against the fake libcnrt (tests/cambricon/fake_cnrt.c),
 * loaded the way the harness loads it: device facts, buffers and copies in CNRT's copy
 * directions, the ABI 1.4 buffer_copy, the notifier timing, and the reasons of the kinds it
 * does not run. Criterion forks per test, so each test loads the module afresh. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "accelbench/backend.h"

#define MODULE_PATH AB_TEST_BACKEND_DIR "/accelbench-backend-cambricon.so"
#define FAKE        AB_FAKE_MLU_DIR "/libcnrt.so"

static const ab_backend *g_be;
static void *g_dev;

static void load_module(void) {
  setenv("AB_CNRT_LIBRARY", FAKE, 1);
  unsetenv("FAKE_CNRT_MALLOC_FAIL_BYTES");
  unsetenv("FAKE_CNRT_MEMCPY_STATUS");
  void *module = dlopen(MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
  cr_assert(module, "dlopen %s: %s", MODULE_PATH, dlerror());
  ab_backend_entry_fn entry;
  void *sym = dlsym(module, AB_BACKEND_ENTRY_SYMBOL);
  cr_assert(sym);
  memcpy(&entry, &sym, sizeof entry);
  g_be = entry(AB_BACKEND_ABI_MAJOR);
  cr_assert(g_be);
  char msg[AB_MSG_LEN] = "";
  cr_assert_eq(g_be->probe(msg), AB_OK, "probe: %s", msg);
  g_dev = calloc(1, g_be->device_state_size);
  cr_assert_eq(g_be->open(0, g_dev, NULL, 0, msg), AB_OK, "open: %s", msg);
}

static void close_device(void) {
  if (g_dev)
    g_be->close(g_dev);
  free(g_dev);
  g_dev = NULL;
}

TestSuite(cambricon, .init = load_module, .fini = close_device);

Test(cambricon, device_facts_from_cnrt) {
  ab_device_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  char msg[AB_MSG_LEN];
  cr_assert_eq(g_be->device_info(0, &info, msg), AB_OK, "%s", msg);
  cr_assert_str_eq(info.name, "Fake MLU370-X8 0 (CPU)");
  cr_assert_str_eq(info.uid, "0000:1a:00.0");
  cr_assert_str_eq(info.runtime_version, "CNRT 6.14.1");
  cr_assert_str_eq(info.driver_version, "5.10.22");
  cr_assert_eq(info.memory_bytes, 1024ull << 20); /* cnrtAttrTotalMemSize is in MB */
  cr_assert_eq(info.compute_units, 32);           /* 8 clusters x 4 MLU cores */
  cr_assert_eq(info.max_clock_mhz, 1300);
  cr_assert_eq(info.type, AB_DEVICE_NPU);
}

Test(cambricon, copies_and_buffer_copy_keep_the_bytes) {
  enum { N = 4096 };
  unsigned char in[N], out[N];
  for (int i = 0; i < N; i++)
    in[i] = (unsigned char)(i * 7 + 3);
  ab_buffer *a, *b;
  char msg[AB_MSG_LEN];
  cr_assert_eq(g_be->buffer_alloc(g_dev, N, &a, msg), AB_OK, "%s", msg);
  cr_assert_eq(g_be->buffer_alloc(g_dev, 2 * N, &b, msg), AB_OK, "%s", msg);
  cr_assert_eq(g_be->copy_to_device(g_dev, a, 0, in, N, msg), AB_OK, "%s", msg);
  cr_assert_not_null(g_be->buffer_copy);
  cr_assert_eq(g_be->buffer_copy(g_dev, b, N, a, 0, N, msg), AB_OK, "%s", msg);
  memset(out, 0, sizeof out);
  cr_assert_eq(g_be->copy_to_host(g_dev, out, b, N, N, msg), AB_OK, "%s", msg);
  cr_assert_eq(memcmp(in, out, N), 0);
  cr_assert_eq(g_be->buffer_copy(g_dev, a, 1, b, 0, N, msg), AB_E_INVALID);
  cr_assert(strstr(msg, "outside a buffer of 4096"), "%s", msg);
  g_be->buffer_free(g_dev, a);
  g_be->buffer_free(g_dev, b);
}

Test(cambricon, a_runtime_copy_error_keeps_cnrt_code_and_text) {
  ab_buffer *a, *b;
  char msg[AB_MSG_LEN];
  cr_assert_eq(g_be->buffer_alloc(g_dev, 64, &a, msg), AB_OK, "%s", msg);
  cr_assert_eq(g_be->buffer_alloc(g_dev, 64, &b, msg), AB_OK, "%s", msg);
  setenv("FAKE_CNRT_MEMCPY_STATUS", "632015", 1);
  cr_assert_eq(g_be->buffer_copy(g_dev, b, 0, a, 0, 64, msg), AB_E_DEVICE);
  cr_assert_str_eq(msg, "cnrtMemcpyAsync(device to device): cnrtErrorCndrvFuncCall (632015): "
                        "fake: a CNDrv call failed");
  g_be->buffer_free(g_dev, a);
  g_be->buffer_free(g_dev, b);
}

Test(cambricon, membw_is_timed_by_the_notifiers) {
  enum { N = 1 << 20 };
  ab_buffer *ops[2];
  char msg[AB_MSG_LEN];
  for (int i = 0; i < 2; i++)
    cr_assert_eq(g_be->buffer_alloc(g_dev, N, &ops[i], msg), AB_OK, "%s", msg);
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.kind = AB_KERNEL_MEMBW;
  d.params.transfer.bytes = N;
  ab_case_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  void *cs = NULL;
  cr_assert_eq(g_be->case_prepare(g_dev, &d, "cnrt", ops, 2, &cs, &info, msg), AB_OK, "%s", msg);
  cr_assert_str_eq(info.implementation, "cnrtMemcpyAsync device-to-device, timed by "
                                        "cnrtNotifierDuration (hardware us)");
  ab_timing t = {.struct_size = sizeof t};
  cr_assert_eq(g_be->case_run(g_dev, cs, 4, &t, msg), AB_OK, "%s", msg);
  /* Four 1 MiB copies on the CPU: microseconds to milliseconds, never seconds (a ms/us mix-up
   * would read 1000 times too long). */
  cr_assert(t.device_seconds > 0 && t.device_seconds < 0.5, "%g s", t.device_seconds);
  g_be->case_release(g_dev, cs);
  for (int i = 0; i < 2; i++)
    g_be->buffer_free(g_dev, ops[i]);
}

Test(cambricon, cnnl_kinds_say_why_they_are_unsupported) {
  ab_kernel_desc d;
  memset(&d, 0, sizeof d);
  d.kind = AB_KERNEL_GEMM;
  char msg[AB_MSG_LEN];
  cr_assert_eq(g_be->case_query(g_dev, &d, "cnrt", msg), AB_E_UNSUPPORTED);
  cr_assert(strstr(msg, "gemm needs CNNL") && strstr(msg, "no public cnnl.h was found"), "%s", msg);
  d.kind = AB_KERNEL_LAUNCH;
  cr_assert_eq(g_be->case_query(g_dev, &d, "cnrt", msg), AB_E_UNSUPPORTED);
  cr_assert(strstr(msg, "BANG C kernel"), "%s", msg);
  d.kind = AB_KERNEL_MEMBW;
  cr_assert_eq(g_be->case_query(g_dev, &d, "cnnl", msg), AB_E_UNSUPPORTED);
  cr_assert(strstr(msg, "provider 'cnnl' is not cnrt"), "%s", msg);
}
