#!/bin/sh
# Power sampler overhead benchmark (docs/power.md, "Overhead").
#
#   scripts/bench-power-overhead.sh [BUILD_DIR] [PAIRS] [CALLS_PER_RUN] [IDLE_SECONDS] [SOURCES]
#
# Builds the ab_power_overhead program in BUILD_DIR (default build/, configured from this
# checkout if needed) and runs it: CPU SGEMM 2048^3 with the sampler off and polling at
# 100 Hz, in alternating pairs within one run, then the sampler's own CPU time at 10 Hz
# and 100 Hz on an idle machine. SOURCES is "rapl" (a fake one-socket powercap tree:
# package-0 and dram, what a CPU run is measured with), "rapl+file" (plus a meter file),
# or "both" (default: one run of each). Each run ends with a machine-readable line
# (RESULT key=value ...).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$here/build"}
pairs=${2:-160}
calls=${3:-2}
idle=${4:-10}
sources=${5:-both}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" --target ab_power_overhead -j "$(nproc)" >/dev/null
exe=$(find "$build" -name ab_power_overhead -type f -perm -u+x | head -n 1)
if [ -z "$exe" ]; then
  echo "bench-power-overhead: ab_power_overhead not built in $build" >&2
  exit 1
fi
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-SkylakeX (set by the program)}"
case $sources in
both) set -- rapl rapl+file ;;
rapl | rapl+file) set -- "$sources" ;;
*)
  echo "bench-power-overhead: SOURCES must be rapl, rapl+file or both, not \"$sources\"" >&2
  exit 2
  ;;
esac
for s in "$@"; do
  echo "== sources: $s"
  "$exe" "$pairs" "$calls" "$idle" "$s"
done
