#!/bin/sh
# bench-opencl.sh — portable vs CLBlast SGEMM on OpenCL device 0, plus the overhead of the
# backend's CLBlast path against a bare CLBlast loop (issue 3's numbers).
# Usage: scripts/bench-opencl.sh [BUILD_DIR] [DEVICE] [ROUNDS]  (BUILD_DIR defaults to ./build)
# Needs the tools built by backends/opencl/CMakeLists.txt (ab-ocl-driver, ab-bare-clblast).
# Compile time is excluded from every rate (it is printed as setup_seconds). The runs
# alternate for ROUNDS rounds (default 3) and the best rate of each is kept, so load from
# other processes on a shared machine skews both sides alike.
set -eu
build=${1:-build}
device=${2:-0}
rounds=${3:-3}
driver=$build/backends/opencl/ab-ocl-driver
bare=$build/backends/opencl/ab-bare-clblast
for t in "$driver" "$bare"; do
  if [ ! -x "$t" ]; then
    echo "bench-opencl: $t not found (build with AB_WITH_OPENCL=ON and CLBlast installed)" >&2
    exit 1
  fi
done
export AB_BACKEND_DIR="${AB_BACKEND_DIR:-$build/backends}"

best_dev() { sed -n 's/^rate: .*best device \([0-9.]*\), best host.*/\1/p'; }
best_host() { sed -n 's/^rate: .*best host \([0-9.]*\).*/\1/p'; }
setup() { sed -n 's/^setup_seconds: \([0-9.]*\).*/\1/p'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN{print (a + 0 > b + 0) ? a : b}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a / b}'; }

for n in 1024 2048; do
  p_dev=0 c_dev=0 c_host=0 b_host=0 p_setup="" c_setup=""
  r=0
  while [ $r -lt "$rounds" ]; do
    out_p=$("$driver" --device "$device" --reps 3 gemm portable f32 $n $n $n)
    out_c=$("$driver" --device "$device" --reps 3 gemm clblast f32 $n $n $n)
    iters=$(printf '%s\n' "$out_c" | sed -n 's/^iterations: \([0-9]*\).*/\1/p')
    out_b=$("$bare" $n $n $n "$iters" 3 "$device")
    p_dev=$(max "$p_dev" "$(printf '%s\n' "$out_p" | best_dev)")
    c_dev=$(max "$c_dev" "$(printf '%s\n' "$out_c" | best_dev)")
    c_host=$(max "$c_host" "$(printf '%s\n' "$out_c" | best_host)")
    b_host=$(max "$b_host" "$(printf '%s\n' "$out_b" | sed -n 's/.*(best \([0-9.]*\)).*/\1/p')")
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
  printf '  host clock: backend clblast path %s GFLOP/s, bare CLBlast loop %s GFLOP/s, ' \
    "$c_host" "$b_host"
  printf 'ratio %s\n' "$(ratio "$c_host" "$b_host")"
done
