#!/usr/bin/env bash
# What the trust checks cost a suite (issue 15: "<= 5% more wall time on the quick suite,
# CPU + OpenCL"): runs the suite and splits its wall time, from the run file, into the
# every-element output check (timing.check_s, the float64 reference check, read-back
# excluded) and the audited call (the calls it added: audit.calls, each an audited call
# (audit_s) or a repeated round's control call (control_s); none when the audited call was
# one of the samples, audit.as_sample), the two checks that were added to every case; the
# rest is what the run cost without them. Reported as a share of the wall time with the checks and as the wall-time
# increase over the run without them.
#
#   scripts/bench-trust-cost.sh [BUILD_DIR] [SUITE] [BACKENDS] [ROUNDS]
#
# Defaults: build, configs/quick.yaml, cpu,opencl, 1 round. Each round is a separate run;
# the figures of every round are printed, then their median.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
suite=${2:-configs/quick.yaml}
backends=${3:-cpu,opencl}
rounds=${4:-1}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq 1 "$rounds"); do
  "$build/accelbench" run --suite "$suite" -b "$backends" -o "$out/r$r" -q >/dev/null 2>&1 || {
    echo "run $r failed: see $out/r$r" >&2
    exit 1
  }
done
python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
rows = []
for r in range(1, rounds + 1):
    run = json.load(open(f"{out}/r{r}/run.json"))
    wall = run["wall_s"]
    check = sum(c.get("timing", {}).get("check_s", 0.0) for c in run["cases"])
    audit = 0.0
    for c in run["cases"]:
        a = c.get("audit")
        if a:
            # the calls it added: its audited calls (less the one that was a sample,
            # as_sample) and the control calls of repeated rounds
            calls = a.get("calls", 4 * a["rounds"])
            audited = a["rounds"] - (1 if a.get("as_sample") else 0)
            audit += (calls - audited) * a["control_s"] + audited * a["audit_s"]
    ran = sum(1 for c in run["cases"] if c.get("timing", {}).get("check_s"))
    base = wall - check - audit
    rows.append((wall, check, audit, base, ran))
    print(f"round {r}: wall {wall:.1f} s, {ran} checked cases; output check {check:.2f} s "
          f"({100 * check / wall:.2f}%), audited call {audit:.2f} s ({100 * audit / wall:.2f}%); "
          f"increase over the run without them {100 * (check + audit) / base:.2f}%")
if rounds > 1:
    inc = statistics.median((c + a) / b for _, c, a, b, _ in rows)
    print(f"median increase over {rounds} rounds: {100 * inc:.2f}%")
PY
