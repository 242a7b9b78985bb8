#!/usr/bin/env bash
# End-to-end test of loadable power modules with the NVML module and the fake
# libnvidia-ml (tests/nvml): `list` shows the nvml source and its channels, a power module
# whose probe crashes and one built for another ABI major are refused with the reason and
# nothing else is lost, and a CPU run with only NVML power records the channel's energy,
# the window facts, and a window with another process on the GPU flagged disturbed.
# usage: nvml_e2e.sh BUILD_DIR SOURCE_DIR FAKE_NVML_DIR TEST_POWER_MODULE_DIR
set -uo pipefail
build=$1 src=$2 fake=$3 testmods=$4
ab=$build/accelbench
schema=$src/reports/schema/run-file.schema.json
validate="python3 $src/tests/runfile/validate_runfile.py"
tmp=$(mktemp -d)
sleeper=
trap '[ -n "$sleeper" ] && kill $sleeper 2>/dev/null; rm -rf "$tmp"' EXIT
source "$src/tests/isolation/e2e_lib.sh"
has() { grep -q -- "$2" "$1" && { echo "ok   $3"; pass=$((pass + 1)); } ||
  { echo "FAIL $3: no '$2' in:"; sed 's/^/    /' "$1" | head -30; fail=$((fail + 1)); }; }

export ACCELBENCH_BACKEND_PATH=$testmods
export AB_NVML_LIBRARY=$fake/libfake-nvml.so
export FAKE_NVML_DEVICES=2 FAKE_NVML_REASONS=0x4

# 1. list: the nvml source with its channels; the broken modules refused, with why.
"$ab" list --probe-timeout 10 >"$tmp/list" 2>&1
check "list exits 0 with a crashing power module on the path" 0 $? "$tmp/list"
has "$tmp/list" "nvml:gpu1/energy" "list shows the nvml energy channel of GPU 1"
has "$tmp/list" "module .*accelbench-power-nvml.so (power ABI 1\.2)" "list names the module file"
has "$tmp/list" "crashprobe refused: .*signal 11.*in probe()" "a crashing probe is refused"
has "$tmp/list" "futurepower refused: .*ABI version 2\.0, but this harness speaks 1\.2" \
  "a module of another ABI major is refused with both versions"
has "$tmp/list" "^  cpu" "the cpu backend is still listed"

# 2. Without the library the module is disabled with the exact reason.
AB_NVML_LIBRARY=$tmp/none.so "$ab" list --probe-timeout 10 >"$tmp/list2" 2>&1
has "$tmp/list2" "nvml .*disabled: NVML library not found: tried .*$tmp/none.so" \
  "no NVML library: disabled, the path tried named"

# 3. A CPU run measured by NVML only, with another program on GPU 0.
sleep 600 &
sleeper=$!
echo "0 $sleeper 4096" >"$tmp/procs"
export FAKE_NVML_PROCS_FILE=$tmp/procs
"$ab" run --suite "$src/tests/isolation/tiny.yaml" --backend cpu -P sources=nvml \
  -P min_window_s=0.3 --idle-baseline 0 -o "$tmp/run" --no-clock -q >"$tmp/run.out" 2>&1
check "cpu run with nvml power exits 0" 0 $? "$tmp/run.out"
$validate "$tmp/run/run.json" "$schema" >"$tmp/v" 2>&1
check "run file validates against the schema" 0 $? "$tmp/v"
python3 - "$tmp/run/run.json" "$sleeper" >"$tmp/py" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
srcs = {s["name"]: s for s in run["power"]["sources"]}
nv = srcs["nvml"]
assert nv["enabled"], nv
m = nv["module"]
assert m["path"].endswith("accelbench-power-nvml.so") and len(m["sha256"]) == 64, m
assert m["abi"] == {"major": 1, "minor": 2} and m["size"] > 0, m
assert srcs["crashprobe"]["module"]["refused"] is True, srcs["crashprobe"]
assert "not selected" in srcs["rapl"]["disabled_reason"], srcs["rapl"]
cases = [c for c in run["cases"] if c["status"] == "ok"]
assert cases, "no ok case"
for c in cases:
    chans = {s["source"]: s for s in c["power"]["sources"]}
    g0 = chans["nvml:gpu0/energy"]
    assert g0["valid"] and g0["energy_j"] > 0, g0
    assert g0["window_facts"]["after"]["clock_event_reasons"] == "SwPowerCap", g0["window_facts"]
    assert g0["device_processes"]["count"] == 1, g0["device_processes"]
    assert g0["device_processes"]["processes"][0]["pid"] == int(sys.argv[2])
    i = c["interference"]
    assert i["disturbed"] is True and i["device_processes"] == 1, i
    assert sys.argv[2] + " sleep" in i["device_process_list"], i
print("cases", len(cases))
PY
check "run file: nvml provenance, energy, window facts, device process disturbed" 0 $? "$tmp/py"
python3 - "$tmp/run/manifest.json" >"$tmp/m.py" 2>&1 <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
# every power module the run loaded is hashed (the other vendors' are disabled here)
power = [e for e in m["inputs"] if e["role"] == "power" and e["name"] == "nvml"]
assert len(power) == 1, m["inputs"]
assert power[0]["path"].endswith("accelbench-power-nvml.so") and len(power[0]["sha256"]) == 64
PY
check "the bundle manifest hashes the power module" 0 $? "$tmp/m.py"
"$ab" verify "$tmp/run" >"$tmp/ver" 2>&1
check "... and verify checks it" 0 $? "$tmp/ver"

# 4. The same run with the GPU to itself is not disturbed by the device.
: >"$tmp/procs"
"$ab" run --suite "$src/tests/isolation/tiny.yaml" --backend cpu -P sources=nvml \
  -P min_window_s=0.3 --idle-baseline 0 -o "$tmp/quiet" --no-clock -q >"$tmp/q.out" 2>&1
check "quiet run exits 0" 0 $? "$tmp/q.out"
python3 -c '
import json, sys
run = json.load(open(sys.argv[1]))
for c in run["cases"]:
    if c["status"] == "ok":
        assert c["interference"]["device_processes"] == 0, c["interference"]
' "$tmp/quiet/run.json" >"$tmp/q.py" 2>&1
check "no other process on the GPU: none recorded" 0 $? "$tmp/q.py"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
