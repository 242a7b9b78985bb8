#!/usr/bin/env bash
# The cuda backend against the real CUDA toolkit (headers and libraries, no driver, no GPU):
#  1. its private declarations type-check against the toolkit headers (toolkit_types.c);
#  2. every symbol it resolves is in the toolkit's libcudart, libcublas, libcublasLt and
#     libnvrtc (its own tables, through symbol_check);
#  3. the real NVRTC compiles the portable kernels' source (kernels/cuk.h) for sm_90;
#  4. the real libcudart with no driver gives the exact disabled reason.
# Skipped (exit 77) where neither $CUDA_HOME nor /usr/local/cuda has the toolkit, and step 3
# where a driver is installed (libcuda.so.1 loads). libcuda itself ships with the driver, not
# the toolkit (only a stub that must never be loaded), so its table is not checked here.
# usage: cuda_toolkit.sh BUILD_DIR SOURCE_DIR SYMBOL_CHECK
set -uo pipefail
build=$1 src=$2 symcheck=$3
cuda=${CUDA_HOME:-/usr/local/cuda}
if [ ! -f "$cuda/include/cuda_runtime_api.h" ] || [ ! -d "$cuda/lib64" ]; then
  echo "skip: no CUDA toolkit at $cuda"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check NAME RC [pattern file]
  if [ "$2" -ne 0 ]; then echo "FAIL $1 (exit $2)"; [ $# -ge 4 ] && sed 's/^/    /' "$4" | head -20; fail=$((fail + 1)); return; fi
  if [ $# -ge 4 ] && [ -n "$3" ] && ! grep -qF -- "$3" "$4"; then
    echo "FAIL $1: '$3' not in:"; sed 's/^/    /' "$4" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $1"; pass=$((pass + 1))
}

${CC:-cc} -std=c11 -Wall -Wextra -Wpedantic -Werror=incompatible-pointer-types \
  -I"$cuda/include" -fsyntax-only "$src/tests/cuda/toolkit_types.c" >"$tmp/tc" 2>&1
check "private declarations type-check against the toolkit headers" $? "" "$tmp/tc"

lib=$cuda/lib64
"$symcheck" cudart "$lib/libcudart.so.13" cublas "$lib/libcublas.so.13" \
  cublasLt "$lib/libcublasLt.so.13" nvrtc "$lib/libnvrtc.so.13" >"$tmp/sym" 2>&1
rc=$?
cat "$tmp/sym"
check "every mandatory symbol is in the toolkit's libraries" $rc

AB_NVRTC_LIBRARY=$lib/libnvrtc.so.13 "$symcheck" --compile 90 >"$tmp/nvrtc" 2>&1
rc=$?
cat "$tmp/nvrtc"
check "the real NVRTC compiles the portable kernels' source for sm_90" $rc

if python3 -c 'import ctypes; ctypes.CDLL("libcuda.so.1")' 2>/dev/null; then
  echo "skip: a CUDA driver is installed; the no-driver reason cannot be checked here"
else
  AB_CUDART_LIBRARY=$lib/libcudart.so.13 "$build/accelbench" list >"$tmp/list" 2>&1
  check "real libcudart without a driver: the exact disabled reason" $? \
    "disabled: cudaGetDeviceCount: cudaErrorInsufficientDriver (35): CUDA driver version is insufficient for CUDA runtime version" \
    "$tmp/list"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
