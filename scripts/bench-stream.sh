#!/usr/bin/env bash
# The CPU STREAM figure of the kernel-suite issue: the harness's triad (backend module,
# runner, validation) against a STREAM-style OpenMP triad built beside it, same process,
# same array sizes and threads, alternating rounds; the median per-round ratio should be
# >= 0.95. Then the four STREAM ops through `accelbench run` on the CPU and OpenCL backends.
# usage: scripts/bench-stream.sh [BUILD_DIR] [ROUNDS]   (defaults: build/, 25)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${2:-25}
threads=$(lscpu -p=CORE 2>/dev/null | grep -v '^#' | sort -u | wc -l)
llc_kib=$(cat /sys/devices/system/cpu/cpu0/cache/index3/size 2>/dev/null | tr -d K || echo 0)
# Every array at least 4x the last-level cache (STREAM's rule), and never below 2^25 f64.
elements=$((1 << 25))
while [ $((elements * 8 / 1024)) -lt $((4 * llc_kib)) ]; do elements=$((elements * 2)); done
cmake --build "$build" --target ab-stream-triad accelbench >/dev/null

echo "== harness triad vs STREAM-style triad: $elements f64 elements, $threads threads," \
  "L3 ${llc_kib} KiB, $rounds rounds"
"$build/ab-stream-triad" -d f64 -n "$elements" -t "$threads" -R "$rounds"

echo "== STREAM through accelbench run (configs/quick.yaml's stream set)"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat >"$out/stream.yaml" <<YAML
suite: bench-stream
seed: 42
measure: {warmup_s: 0.3, sample_min_s: 0.05, min_samples: 10, target_cv: 0.01, time_cap_s: 2}
kernels:
  - set: stream
    kind: stream
    dtypes: [f64]
    shapes: [{op: [copy, scale, add, triad], elements: $elements}]
YAML
"$build/accelbench" run --suite "$out/stream.yaml" -b cpu,opencl -O threads="$threads" \
  -o "$out/run" --no-clock
