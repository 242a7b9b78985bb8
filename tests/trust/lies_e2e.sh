#!/usr/bin/env bash
# Each lying provider of tests/trust/liar_backend.c is caught on every case, with the
# reason naming the lie, while the honest provider stays ok (docs/measurement.md).
# usage: lies_e2e.sh BUILD_DIR SOURCE_DIR MODULE_DIR
set -u
build=$1 src=$2 mods=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ACCELBENCH_BACKEND_PATH=$mods "$build/accelbench" run --suite "$src/tests/trust/lies.yaml" \
  --backend liar --no-isolation -o "$tmp/run" -q >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL run exit $rc, expected 1 (cases not ok)"; cat "$tmp/out"; exit 1; }
python3 - "$tmp/run/run.json" <<'PY'
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
want = {  # provider -> (status, words the reason must contain)
    "honest": ("ok", ""),
    "first-only": ("wrong_result", "every-element check"),
    "on-change": ("implausible", "computes only when its output changes"),
    "timer-div100": ("implausible", "device timer"),
    "wrong-anywhere": ("wrong_result", "every-element check"),
    "predictable": ("wrong_result", "checked elements outside tolerance"),
}
bad = 0
def neutralised(c):
    # On a busy host (interference.disturbed) a device timer below the host clock convicts
    # nobody, but the host figure replaces it: the lie gains nothing (docs/measurement.md).
    t = c["timing"]
    return (c["provider"] == "timer-div100" and c["status"] == "ok" and
            c.get("interference", {}).get("disturbed") and t["source"] == "host" and
            t.get("device_timer_rejected_median_s", 0) > 0)
for c in cases:
    status, words = want[c["provider"]]
    if neutralised(c):
        print(f"note {c['id']}: disturbed window, host figure kept instead of a verdict")
        continue
    if c["status"] != status or words not in c.get("reason", ""):
        bad += 1
        print(f"FAIL {c['id']}: {c['status']} ({c.get('reason', '')}), expected {status} ({words})")
seen = {c["provider"] for c in cases}
assert seen == set(want), f"providers run: {sorted(seen)}"
assert len(cases) == 6 * 4, f"{len(cases)} cases"
timer = [c for c in cases if c["provider"] == "timer-div100"]
assert all(c["timing"]["source"] == "host" and c["timing"]["device_timer_rejected_median_s"] > 0
           for c in timer), "the host figure is kept, the device figure recorded"
audits = [c for c in cases if c["provider"] != "honest"]
print(f"{len(audits) - bad} of {len(audits)} lying cases caught; honest ok")
sys.exit(1 if bad else 0)
PY
