#!/bin/sh
# bench-opencl.sh — portable vs CLBlast SGEMM on OpenCL device 0, plus the overhead of the
# backend's CLBlast path against a bare CLBlast loop (issue 3's numbers).
# Usage: scripts/bench-opencl.sh [BUILD_DIR] [DEVICE]   (BUILD_DIR defaults to ./build)
# Needs the tools built by backends/opencl/CMakeLists.txt (ab-ocl-driver, ab-bare-clblast).
# Compile time is excluded from every rate (it is printed as setup_seconds).
set -eu
build=${1:-build}
device=${2:-0}
driver=$build/backends/opencl/ab-ocl-driver
bare=$build/backends/opencl/ab-bare-clblast
for t in "$driver" "$bare"; do
  if [ ! -x "$t" ]; then
    echo "bench-opencl: $t not found (build with AB_WITH_OPENCL=ON and CLBlast installed)" >&2
    exit 1
  fi
done
export AB_BACKEND_DIR="${AB_BACKEND_DIR:-$build/backends}"

rate() { # "device GFLOP/s" and "host GFLOP/s" fields of a driver run
  sed -n 's/^rate: device \([0-9.]*\) GFLOP\/s, host \([0-9.]*\) GFLOP\/s.*/\1 \2/p'
}
setup() { sed -n 's/^setup_seconds: \([0-9.]*\).*/\1/p'; }

for n in 1024 2048; do
  out_p=$("$driver" --device "$device" --reps 5 gemm portable f32 $n $n $n)
  out_c=$("$driver" --device "$device" --reps 5 gemm clblast f32 $n $n $n)
  set -- $(printf '%s\n' "$out_p" | rate) $(printf '%s\n' "$out_c" | rate)
  p_dev=$1 p_host=$2 c_dev=$3 c_host=$4
  iters=$(printf '%s\n' "$out_c" | sed -n 's/^iterations: \([0-9]*\).*/\1/p')
  out_b=$("$bare" $n $n $n "$iters" 5 "$device")
  b_host=$(printf '%s\n' "$out_b" | sed -n 's/.* \([0-9.]*\) GFLOP\/s (best.*/\1/p')
  printf '%s\n' "$out_p" | sed -n 's/^implementation: /  portable: /p'
  printf '%s\n' "$out_c" | sed -n 's/^implementation: /  clblast:  /p'
  printf 'sgemm %d^3: portable %s GFLOP/s (host %s, setup %s s) | clblast %s GFLOP/s ' \
    $n "$p_dev" "$p_host" "$(printf '%s\n' "$out_p" | setup)" "$c_dev"
  printf '(host %s, setup %s s) | portable/clblast %s\n' "$c_host" \
    "$(printf '%s\n' "$out_c" | setup)" "$(awk "BEGIN{printf \"%.3f\", $p_dev / $c_dev}")"
  printf '  bare CLBlast loop %s GFLOP/s (host); backend clblast path / bare = %s\n' \
    "$b_host" "$(awk "BEGIN{printf \"%.3f\", $c_host / $b_host}")"
done
