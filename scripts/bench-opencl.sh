#!/bin/sh
# bench-opencl.sh — issue 3's GEMM numbers on OpenCL device DEVICE:
#  1. portable vs CLBlast SGEMM at 1024^3 and 2048^3 (ab-ocl-driver, one process per run,
#     ROUNDS alternating rounds, best rate of each kept);
#  2. the backend's CLBlast path vs a bare CLBlast loop (ab-ocl-clblast-pair): both in one
#     process, PAIR_ROUNDS alternating rounds, median of the paired per-round ratios with
#     quartiles and range. In separate processes the bare loop alone moved by 10% between
#     runs on the shared 2-core VM, more than the 2% being checked (docs/opencl.md).
# Usage: scripts/bench-opencl.sh [BUILD_DIR] [DEVICE] [ROUNDS] [PAIR_ROUNDS]
#   defaults: ./build, 0, 3, 21. Needs the tools built by backends/opencl/CMakeLists.txt.
# Compile time is excluded from every rate (it is printed as setup_seconds).
set -eu
build=${1:-build}
device=${2:-0}
rounds=${3:-3}
pair_rounds=${4:-21}
driver=$build/backends/opencl/ab-ocl-driver
pair=$build/backends/opencl/ab-ocl-clblast-pair
for t in "$driver" "$pair"; do
  if [ ! -x "$t" ]; then
    echo "bench-opencl: $t not found (build with AB_WITH_OPENCL=ON and CLBlast installed)" >&2
    exit 1
  fi
done
for v in "$device" "$rounds" "$pair_rounds"; do
  case $v in
  '' | *[!0-9]*) echo "bench-opencl: DEVICE, ROUNDS and PAIR_ROUNDS must be integers, got '$v'" >&2
    exit 2 ;;
  esac
done
export AB_BACKEND_DIR="${AB_BACKEND_DIR:-$build/backends}"

best_dev() { sed -n 's/^rate: .*best device \([0-9.]*\), best host.*/\1/p'; }
setup() { sed -n 's/^setup_seconds: \([0-9.]*\).*/\1/p'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN{print (a + 0 > b + 0) ? a : b}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a / b}'; }

for n in 1024 2048; do
  p_dev=0 c_dev=0 p_setup="" c_setup=""
  r=0
  while [ $r -lt "$rounds" ]; do
    out_p=$("$driver" --device "$device" --reps 3 gemm portable f32 $n $n $n)
    out_c=$("$driver" --device "$device" --reps 3 gemm clblast f32 $n $n $n)
    p_dev=$(max "$p_dev" "$(printf '%s\n' "$out_p" | best_dev)")
    c_dev=$(max "$c_dev" "$(printf '%s\n' "$out_c" | best_dev)")
    [ -n "$p_setup" ] || p_setup=$(printf '%s\n' "$out_p" | setup)
    [ -n "$c_setup" ] || c_setup=$(printf '%s\n' "$out_c" | setup)
    r=$((r + 1))
  done
  printf '%s\n' "$out_p" | sed -n 's/^implementation: /  portable: /p'
  printf '%s\n' "$out_c" | sed -n 's/^implementation: /  clblast:  /p'
  printf 'sgemm %d^3 (best of %d rounds): portable %s GFLOP/s (first setup %s s) | ' \
    $n "$rounds" "$p_dev" "$p_setup"
  printf 'clblast %s GFLOP/s (first setup %s s) | portable/clblast %s\n' "$c_dev" "$c_setup" \
    "$(ratio "$p_dev" "$c_dev")"
  "$pair" --device "$device" --rounds "$pair_rounds" $n $n $n | sed 's/^/  /'
done
