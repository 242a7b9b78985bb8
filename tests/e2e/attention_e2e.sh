#!/usr/bin/env bash
# End-to-end test of the attention kind: `accelbench run` on the CPU and OpenCL backends
# writes a schema-valid run file in which the native and portable rows are ok with every
# output element checked, and every other row is unsupported with a reason.
# usage: attention_e2e.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$build/accelbench" run --suite "$src/tests/e2e/attention.yaml" -b cpu,opencl -o "$tmp/run" \
  --no-clock -q >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ]; then
  echo "FAIL accelbench run exited $rc"; sed 's/^/    /' "$tmp/err" | tail -20; exit 1
fi
python3 "$src/tests/runfile/validate_runfile.py" "$tmp/run/run.json" || exit 1
python3 - "$tmp/run/run.json" <<'PY' || exit 1
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
ran = {"native": 0, "portable": 0}
for c in cases:
    assert c["kernel"]["kind"] == "attention", c["id"]
    if c["provider"] in ran:
        assert c["status"] == "ok", (c["id"], c["status"], c.get("reason"))
        v = c["validation"]
        assert v["checked"] and v["mismatches"] == 0, (c["id"], v)
        assert v["elements_checked"] == v["elements_total"] > 0, (c["id"], v)
        ran[c["provider"]] += 1
    else:
        assert c["status"] == "unsupported" and c["reason"], (c["id"], c["status"])
assert ran == {"native": 5, "portable": 5}, ran
layouts = {c["kernel"].get("layout", "default") for c in cases}
assert layouts == {"default", "bhsd"}, layouts
print("ok   attention rows:", ran, "of", len(cases))
PY
grep -q "attention" "$tmp/run/report.md" || { echo "FAIL report.md has no attention rows"; exit 1; }
echo "ok   attention e2e"
