#!/usr/bin/env bash
# The MTML power module end to end on the fake libmtml: `list` shows its channels joined to
# the musa backend's devices (same uid), a CPU run measured by MTML only records the power
# channel with energy, a missing library and an init failure give the reason.
# usage: mtml_e2e.sh BUILD_DIR SOURCE_DIR FAKE_DIR
set -uo pipefail
build=$1 src=$2 fake=$3
ab=$build/accelbench
schema=$src/reports/schema/run-file.schema.json
validate="python3 $src/tests/runfile/validate_runfile.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$src/tests/isolation/e2e_lib.sh"
has() { grep -q -- "$2" "$1" && { echo "ok   $3"; pass=$((pass + 1)); } ||
  { echo "FAIL $3: no '$2' in:"; sed 's/^/    /' "$1" | head -30; fail=$((fail + 1)); }; }

export AB_MTML_LIBRARY=$fake/mtml/libmtml.so MUSA_HOME=$fake/musa FAKE_MTML_DEVICES=2 \
  FAKE_CL_DEVICES=2

"$ab" list >"$tmp/list" 2>&1
check "list exits 0" 0 $? "$tmp/list"
has "$tmp/list" "mtml:gpu1/power" "list shows the channel of GPU 1"
has "$tmp/list" "musa:1  Moore Threads device 1" "the musa backend lists the device that channel covers"

AB_MTML_LIBRARY=$tmp/none.so "$ab" list >"$tmp/list2" 2>&1
has "$tmp/list2" "mtml .*disabled: MTML library not found: tried AB_MTML_LIBRARY=$tmp/none.so" \
  "no library: disabled naming the path"
FAKE_MTML_INIT_FAIL=7 "$ab" list >"$tmp/list3" 2>&1
has "$tmp/list3" "mtml .*disabled: mtmlLibraryInit: error (7)" "init failure: MTML's code"

"$ab" run --suite "$src/tests/isolation/tiny.yaml" --backend cpu -P sources=mtml \
  -P min_window_s=0.3 --idle-baseline 0 -o "$tmp/run" --no-clock -q >"$tmp/run.out" 2>&1
check "cpu run with mtml power exits 0" 0 $? "$tmp/run.out"
$validate "$tmp/run/run.json" "$schema" >"$tmp/v" 2>&1
check "run file validates against the schema" 0 $? "$tmp/v"
python3 - "$tmp/run/run.json" >"$tmp/py" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
srcs = {s["name"]: s for s in run["power"]["sources"]}
assert srcs["mtml"]["enabled"], srcs["mtml"]
cases = [c for c in run["cases"] if c["status"] == "ok"]
assert cases
for c in cases:
    p = {s["source"]: s for s in c["power"]["sources"]}
    g1 = p["mtml:gpu1/power"]
    assert g1["valid"] and g1["energy_j"] > 0, g1
print("ok", len(cases))
PY
check "run file: MTML power integrated to energy per case" 0 $? "$tmp/py"
"$ab" verify "$tmp/run" >"$tmp/ver" 2>&1
check "verify accepts the run" 0 $? "$tmp/ver"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
