#!/usr/bin/env bash
# Figures for the foundation (issue 2), measured on this machine:
#  1. harness SGEMM/DGEMM 2048^3 vs a bare loop of the same OpenBLAS call (same threads,
#     same core type): ratio should be >= 0.98;
#  2. large SGEMM vs this CPU's f32 peak (computed: cores x measured clock x FMA width,
#     and measured with an FMA microbenchmark): ratio should be >= 0.85;
#  3. quick-suite wall time (< 120 s) and harness RSS outside kernel buffers (< 50 MiB).
# usage: scripts/bench-foundation.sh [BUILD_DIR]   (default build/)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=$(mktemp -d)
threads=$(lscpu -p=CORE 2>/dev/null | grep -v '^#' | sort -u | wc -l)

echo "== 1. harness vs bare loop, 2048^3, $threads threads, same process, alternating rounds"
"$build/ab-harness-vs-bare" -r sgemm -n 2048 -t "$threads" -R 5
"$build/ab-harness-vs-bare" -r dgemm -n 2048 -t "$threads" -R 5
"$build/accelbench" run --suite scripts/suites/gemm-2048.yaml --backend cpu \
  -O threads="$threads" -o "$out/gemm" -q

echo "== 2. SGEMM vs f32 peak"
python3 - "$out/gemm/run.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1])); cpu = run["system"]["cpu"]
c = [c for c in run["cases"] if c["kernel"]["dtype"] == "f32"][0]
g = c["rates"]["gflops_median"]
comp = cpu.get("fma_peak_gflops_computed", {}).get("f32")
meas = cpu.get("fma_peak_gflops_measured", {}).get("f32")
print(f"measured clock {cpu.get('clock_measured_ghz')} GHz (reported {cpu.get('clock_reported_mhz')} MHz)")
print(f"f32 peak computed {comp} GFLOP/s, measured with FMA loop {meas} GFLOP/s")
for name, p in (("computed", comp), ("measured", meas)):
    if p:
        print(f"SGEMM 2048^3 {g:.1f} GFLOP/s = {g / p:.3f} of the {name} peak")
PY

echo "== 3. quick suite: wall time and memory"
/usr/bin/time -f "%e s wall" "$build/accelbench" run --suite quick -o "$out/quick" -q 2>&1 |
  tail -2
python3 - "$out/quick/run.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
h = run["harness_resources"]
w, b, p = h["workers_peak_rss_bytes"], h["max_case_buffer_bytes"], h["parent_peak_rss_bytes"]
print(f"quick suite: {len(run['cases'])} cases, {run['wall_s']:.1f} s")
print(f"parent (planner, journal) peak RSS {p / 2**20:.1f} MiB; workers peak RSS "
      f"{w / 2**20:.1f} MiB, largest case buffers {b / 2**20:.1f} MiB, "
      f"worker RSS outside kernel buffers {(w - b) / 2**20:.1f} MiB")
PY
rm -rf "$out"
