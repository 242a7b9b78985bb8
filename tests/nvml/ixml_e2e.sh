#!/usr/bin/env bash
# The IXML power module (the NVML source's IXML flavour) end to end on the fake libixml of
# tests/nvml and the CoreX fake runtime of tests/cudalike: `list` shows the ixml channels
# with their PCI uids, a missing library names every path tried, and a corex run records the
# ixml power of the case's own GPU (joined by uid), not another GPU's; with the uids made to
# differ the same check fails. The run dir verifies.
# usage: ixml_e2e.sh BUILD_DIR SOURCE_DIR FAKE_IXML_DIR CUDALIKE_FAKE_DIR
set -uo pipefail
build=$1 src=$2 fake=$3 clfake=$4
ab=$build/accelbench
schema=$src/reports/schema/run-file.schema.json
validate="python3 $src/tests/runfile/validate_runfile.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$src/tests/isolation/e2e_lib.sh"
has() { grep -q -- "$2" "$1" && { echo "ok   $3"; pass=$((pass + 1)); } ||
  { echo "FAIL $3: no '$2' in:"; sed 's/^/    /' "$1" | head -30; fail=$((fail + 1)); }; }

unset AB_IXML_LIBRARY FAKE_NVML_FIRST_BUS
export FAKE_NVML_DEVICES=2 FAKE_NVML_WATTS=120,300 FAKE_CL_DEVICES=1

# 1. Without the library: disabled, both default paths named.
"$ab" list --probe-timeout 10 >"$tmp/list0" 2>&1
has "$tmp/list0" "ixml .*disabled: IXML library not found: tried libixml.so (.*/usr/local/corex/lib/libixml.so (" \
  "no libixml: disabled naming the soname and the CoreX folder"
AB_IXML_LIBRARY=$tmp/none.so "$ab" list --probe-timeout 10 >"$tmp/list1" 2>&1
has "$tmp/list1" "ixml .*disabled: IXML library not found: tried AB_IXML_LIBRARY=$tmp/none.so" \
  "the override path named"

# 2. list: the power channels, each with its GPU's PCI uid; no energy counter, with why.
export AB_IXML_LIBRARY=$fake/libixml.so
"$ab" list --probe-timeout 10 >"$tmp/list" 2>&1
check "list exits 0" 0 $? "$tmp/list"
has "$tmp/list" "ixml:gpu0/power .*instant_power.*(0000:2a:00.0)" "GPU 0's power channel with its uid"
has "$tmp/list" "ixml:gpu1/power .*(0000:2b:00.0)" "GPU 1's power channel with its uid"
has "$tmp/list" "ixml:gpu0/energy .*disabled: IXML has no energy counter" "no energy counter, said why"

# 3. A corex run on the fakes measured by IXML only.
export AB_COREX_CUDART_LIBRARY=$clfake/corex/lib/libcudart.so \
  AB_COREX_CUBLAS_LIBRARY=$clfake/corex/lib/libcublas.so
corex_run() { # corex_run DIR [ENV...]
  local dir=$1; shift
  env "$@" "$ab" run --suite "$src/tests/cuda/small.yaml" -b corex -P sources=ixml \
    -P min_window_s=0.3 --idle-baseline 0 -o "$dir" --no-clock -q >"$dir.out" 2>&1
}
joined() { # joined RUN_JSON: the corex cases carry GPU 0's ixml power, not GPU 1's
  python3 - "$1" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
srcs = {s["name"]: s for s in run["power"]["sources"]}
assert srcs["ixml"]["enabled"], srcs["ixml"]
dev = [d for d in run["devices"] if d["backend"] == "corex"][0]
assert dev["uid"] == "00000000:2A:00.0", dev["uid"]
chan = {c["id"]: c for c in srcs["ixml"]["channels"]}["ixml:gpu0/power"]
assert chan["covers_backend"] == "corex" and chan["covers_uid"], chan
cases = [c for c in run["cases"] if c["backend"] == "corex" and c["status"] == "ok"]
assert cases, "no ok corex case"
for c in cases:
    chans = {s["source"]: s for s in c.get("power", {}).get("sources", [])}
    assert "ixml:gpu1/power" not in chans, ("another GPU's board joined", sorted(chans))
    g0 = chans.get("ixml:gpu0/power")
    assert g0, ("GPU 0's channel missing from the corex case", sorted(chans))
    assert g0["valid"] and g0["energy_j"] > 0, g0
    assert abs(g0["avg_w"] - 120) < 1e-6, g0  # GPU 0's watts, not GPU 1's 300
    assert g0["window_facts"]["after"]["sm_clock_mhz"] == "1500", g0["window_facts"]
print("ok", len(cases))
PY
}
corex_run "$tmp/run"
check "corex run with ixml power exits 0" 0 $? "$tmp/run.out"
$validate "$tmp/run/run.json" "$schema" >"$tmp/v" 2>&1
check "run file validates against the schema" 0 $? "$tmp/v"
joined "$tmp/run/run.json" >"$tmp/py" 2>&1
check "corex cases carry their own GPU's ixml power (joined by uid)" 0 $? "$tmp/py"
"$ab" verify "$tmp/run" >"$tmp/ver" 2>&1
check "accelbench verify accepts the run" 0 $? "$tmp/ver"

# 4. The join is what the check sees: uids that differ leave the corex cases without it.
corex_run "$tmp/apart" FAKE_NVML_FIRST_BUS=0x17
check "run with the uids apart exits 0" 0 $? "$tmp/apart.out"
joined "$tmp/apart/run.json" >"$tmp/apart.py" 2>&1
check "... and the join check fails on it" 1 $? "$tmp/apart.py"
has "$tmp/apart.py" "GPU 0's channel missing from the corex case" "... because the channel is not joined"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
