/* Layout assertions for the public ABI, compiled as C11 (test_abi.c) and C++ (test_abi.cpp).
 * A change that moves a field of a published struct fails the build here: fields are
 * only ever appended (STYLE.md, hwloc/CLAP habit). Offsets are for LP64 (x86-64, arm64). */
#include <stddef.h>

#include "accelbench/backend.h"
#include "accelbench/kernel.h"
#include "accelbench/option.h"
#include "accelbench/status.h"

#ifdef __cplusplus
#define AB_SA static_assert
#else
#define AB_SA _Static_assert
#endif

AB_SA(AB_BACKEND_ABI_MAJOR == 1, "backend ABI major changed: update this test on purpose");
AB_SA(AB_BACKEND_ABI_MINOR == 4, "backend ABI minor changed: add the new fields' offsets here");
AB_SA(offsetof(ab_case_info, accumulate_dtype) == 144, "case_info accumulate_dtype (1.1)");
AB_SA(offsetof(ab_case_info, warm_seconds) == 152, "case_info warm_seconds (1.2)");
AB_SA(offsetof(ab_case_info, warm_calls) == 160, "case_info warm_calls (1.2)");
AB_SA(sizeof(ab_case_info) == 168, "case_info 1.2 size: no tail padding");
AB_SA(offsetof(ab_backend, abi_major) == 0, "abi_major first");
AB_SA(offsetof(ab_backend, abi_minor) == 2, "abi_minor second");
AB_SA(offsetof(ab_backend, struct_size) == 4, "struct_size third");
AB_SA(offsetof(ab_backend, name) == 8, "name");
AB_SA(offsetof(ab_backend, description) == 16, "description");
AB_SA(offsetof(ab_backend, device_state_size) == 24, "device_state_size");
AB_SA(offsetof(ab_backend, providers) == 32, "providers");
AB_SA(offsetof(ab_backend, probe) == 40, "probe");
AB_SA(offsetof(ab_backend, device_count) == 48, "device_count");
AB_SA(offsetof(ab_backend, device_info) == 56, "device_info");
AB_SA(offsetof(ab_backend, open) == 64, "open");
AB_SA(offsetof(ab_backend, close) == 72, "close");
AB_SA(offsetof(ab_backend, buffer_alloc) == 80, "buffer_alloc");
AB_SA(offsetof(ab_backend, buffer_free) == 88, "buffer_free");
AB_SA(offsetof(ab_backend, copy_to_device) == 96, "copy_to_device");
AB_SA(offsetof(ab_backend, copy_to_host) == 104, "copy_to_host");
AB_SA(offsetof(ab_backend, case_prepare) == 112, "case_prepare");
AB_SA(offsetof(ab_backend, case_run) == 120, "case_run");
AB_SA(offsetof(ab_backend, case_release) == 128, "case_release");
AB_SA(offsetof(ab_backend, case_query) == 136, "case_query (1.3)");
AB_SA(offsetof(ab_backend, device_processes) == 144, "device_processes (1.4, branch nvml)");
AB_SA(offsetof(ab_backend, option_keys) == 152, "option_keys (1.4)");
AB_SA(sizeof(ab_backend) == 160, "ab_backend 1.4 size");
AB_SA(sizeof(ab_device_process) == 80 && offsetof(ab_device_process, used_memory_bytes) == 8 &&
          offsetof(ab_device_process, name) == 16,
      "device_process (backend 1.4, power 1.2)");

AB_SA(offsetof(ab_kernel_desc, struct_size) == 0, "desc struct_size first");
AB_SA(offsetof(ab_kernel_desc, kind) == 4, "desc kind");
AB_SA(offsetof(ab_kernel_desc, dtype) == 8, "desc dtype");
AB_SA(offsetof(ab_kernel_desc, out_dtype) == 12, "desc out_dtype");
AB_SA(offsetof(ab_kernel_desc, params) == 16, "desc params");
AB_SA(offsetof(ab_kernel_desc, operand_dtypes) == 16 + 16 * 8,
      "desc params union is fixed at 128 bytes");
AB_SA(offsetof(ab_kernel_desc, layout) == 144 + 8 * 4, "desc layout (1.3)");
AB_SA(sizeof(ab_kernel_desc) == 184, "desc 1.3 size");
AB_SA(AB_KERNEL_ROTARY == 12 && AB_KERNEL_DECODER_LAYER == 15, "kind values (1.3) are ABI");
AB_SA(sizeof(ab_gemm_params) == 32, "gemm params");
AB_SA(offsetof(ab_gemm_params, trans_b) == 28, "gemm trans_b");
AB_SA(sizeof(ab_stream_params) == 16, "stream params");
AB_SA(offsetof(ab_stream_params, elements) == 0, "stream elements");
AB_SA(offsetof(ab_stream_params, op) == 8, "stream op");
AB_SA(AB_STREAM_COPY == 0 && AB_STREAM_TRIAD == 3, "stream op values are ABI");
AB_SA(sizeof(ab_attention_params) == 56, "attention params");
AB_SA(offsetof(ab_attention_params, head_dim) == 24, "attention head_dim");
AB_SA(offsetof(ab_attention_params, kv_len) == 40, "attention kv_len");
AB_SA(offsetof(ab_attention_params, causal) == 48, "attention causal");
AB_SA(sizeof(ab_norm_params) == 24 && offsetof(ab_norm_params, hidden) == 8 &&
          offsetof(ab_norm_params, op) == 16,
      "norm params");
AB_SA(sizeof(ab_softmax_params) == 16 && offsetof(ab_softmax_params, cols) == 8, "softmax params");
AB_SA(sizeof(ab_activation_params) == 24 && offsetof(ab_activation_params, cols) == 8 &&
          offsetof(ab_activation_params, op) == 16,
      "activation params");
AB_SA(sizeof(ab_elementwise_params) == 16 && offsetof(ab_elementwise_params, op) == 8,
      "elementwise params");
AB_SA(sizeof(ab_rotary_params) == 32 && offsetof(ab_rotary_params, heads) == 8 &&
          offsetof(ab_rotary_params, head_dim) == 16 && offsetof(ab_rotary_params, theta) == 24,
      "rotary params");

AB_SA(offsetof(ab_device_info, struct_size) == 0, "device_info struct_size first");
AB_SA(offsetof(ab_device_info, name) == 8, "device_info name");
AB_SA(offsetof(ab_device_info, memory_bytes) == 392, "device_info memory_bytes");
AB_SA(offsetof(ab_device_info, attrs) == 412, "device_info attrs");
AB_SA(sizeof(ab_attr) == 192, "attr");
AB_SA(offsetof(ab_case_info, implementation) == 4, "case_info implementation");
AB_SA(offsetof(ab_case_info, setup_seconds) == 136, "case_info setup_seconds");
AB_SA(offsetof(ab_timing, device_seconds) == 8, "timing device_seconds");

AB_SA(AB_OK == 0 && AB_E_UNSUPPORTED == -1 && AB_E_INTERNAL == -9, "status values are ABI");
AB_SA(AB_DTYPE_F64 == 1 && AB_DTYPE_I32 == 6, "dtype values are ABI");
/* cuda branch, ABI 1.4: the appended dtypes. */
AB_SA(AB_DTYPE_TF32 == 7 && AB_DTYPE_F8E4M3 == 8 && AB_DTYPE_F8E5M2 == 9 && AB_DTYPE_COUNT == 10,
      "dtype values are ABI (1.4)");
AB_SA(AB_KERNEL_GEMM == 1 && AB_KERNEL_LAUNCH == 11, "kernel kind values are ABI");
AB_SA(sizeof(ab_conv2d_params) == 112, "conv2d params: 14 int64 fields");
AB_SA(offsetof(ab_conv2d_params, k) == 32, "conv2d k");
AB_SA(offsetof(ab_conv2d_params, stride_h) == 56, "conv2d stride_h");
AB_SA(offsetof(ab_conv2d_params, pad_h) == 72, "conv2d pad_h");
AB_SA(offsetof(ab_conv2d_params, dil_h) == 88, "conv2d dil_h");
AB_SA(offsetof(ab_conv2d_params, groups) == 104, "conv2d groups");
