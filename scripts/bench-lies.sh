#!/usr/bin/env bash
# The lying test backend (tests/trust/liar_backend.c) over a whole suite (issue 15: "lying
# backends: 100% of their cases not ok across the quick suite"). Every case a lying
# provider runs must end not ok; the honest provider's must be ok. Kinds the liar does not
# implement (it lies about GEMM only) are unsupported for every provider and counted apart.
# A timer-div100 case in a disturbed window keeps the host figure instead of a verdict
# (docs/measurement.md): counted as neutralised, not as caught. The "predictable" liar
# computes the edge rows and columns, which for m = 1 (decode GEMMs) is every element: such
# a case does not lie and is keyed apart.
#
#   scripts/bench-lies.sh [BUILD_DIR] [SUITE]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
suite=${2:-configs/quick.yaml}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ACCELBENCH_BACKEND_PATH=$build/tests/trust-modules "$build/accelbench" run --suite "$suite" \
  --backend liar -o "$out/run" -q >"$out/log" 2>&1 || true
python3 - "$out/run/run.json" <<'PY'
import collections, json, sys
cases = json.load(open(sys.argv[1]))["cases"]
by = collections.defaultdict(collections.Counter)
for c in cases:
    st = c["status"]
    if (c["provider"] == "timer-div100" and st == "ok" and
            c.get("interference", {}).get("disturbed") and
            c["timing"].get("device_timer_rejected_median_s", 0) > 0):
        st = "ok (disturbed: host figure kept)"
    shape = c["kernel"]["shape"]
    if (c["provider"] == "predictable" and st != "unsupported" and
            min(shape.get("m", 3), shape.get("n", 3)) <= 2):
        st += " (no lie: with m or n <= 2 every element is an edge it computes)"
    by[c["provider"]][st] += 1
bad = 0
for p, cnt in sorted(by.items()):
    ran = sum(n for s, n in cnt.items() if s != "unsupported")
    if p == "honest":
        wrong = ran - cnt["ok"]
    else:
        wrong = cnt["ok"]  # an edge-only "predictable" case is keyed apart, it did not lie
    bad += wrong
    print(f"{p:15s} {ran:3d} cases run: " + ", ".join(f"{s} {n}" for s, n in sorted(cnt.items())))
print("every lying case caught and every honest case ok" if bad == 0 else f"{bad} cases wrong")
sys.exit(1 if bad else 0)
PY
