#!/bin/sh
# bench-opencl-overhead.sh — where the quick suite's time goes on each OpenCL device:
# kernels (warm-up and timed loops) vs the backend outside them (buffers, uploads,
# poisoning, compilation, read-back) vs the harness (inputs, validation). Issue 3: the
# backend adds no more than 5% to the quick suite's wall time per device.
# Usage: scripts/bench-opencl-overhead.sh [BUILD_DIR] [RUNS] [OUT_DIR] [RUN_ARGS...]
#   BUILD_DIR defaults to ./build, RUNS to 3, OUT_DIR to a new directory under /tmp;
#   RUN_ARGS go to every `accelbench run` (e.g. -O ocl_prefault=off).
# Each run is `accelbench run -s configs/quick.yaml -b opencl` (every OpenCL device, no
# idle-power baseline, no CPU clock probe); scripts/opencl-overhead.py then prints the
# median and range over the runs of each figure, defined in its header.
# On a shared machine, wrap the call in the lab's benchmark lock (one timing job at once).
set -eu
build=${1:-build}
runs=${2:-3}
out=${3:-$(mktemp -d /tmp/ab-ocl-overhead.XXXXXX)}
[ $# -gt 3 ] && shift 3 || set --
here=$(dirname "$0")
bin=$build/accelbench
if [ ! -x "$bin" ]; then
  echo "bench-opencl-overhead: $bin not found (build accelbench with AB_WITH_OPENCL=ON)" >&2
  exit 2
fi
case $runs in
'' | *[!0-9]*) echo "bench-opencl-overhead: RUNS must be a positive integer, got '$runs'" >&2; exit 2 ;;
esac
[ "$runs" -ge 1 ] || { echo "bench-opencl-overhead: RUNS must be at least 1" >&2; exit 2; }
mkdir -p "$out"
i=1
dirs=""
while [ $i -le "$runs" ]; do
  # Exit 1 (a failed or wrong case) still leaves a run file worth reading; 2-4 do not.
  rc=0
  "$bin" run -s "$here/../configs/quick.yaml" -b opencl -o "$out/run$i" -q --idle-baseline 0 \
    --no-clock --no-progress "$@" || rc=$?
  if [ $rc -gt 1 ]; then
    echo "bench-opencl-overhead: run $i exited with $rc" >&2
    exit 1
  fi
  dirs="$dirs $out/run$i"
  i=$((i + 1))
done
echo "run files under $out"
# shellcheck disable=SC2086
python3 "$here/opencl-overhead.py" --cases $dirs
