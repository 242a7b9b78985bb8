#!/usr/bin/env bash
# The cambricon backend end to end on the fake libcnrt (tests/cambricon/fake_cnrt.c), loaded
# through the override a user would set: `accelbench list` shows the fake MLU and its facts;
# the quick suite (configs/quick.yaml) gives ok + validated for the copies CNRT offers and
# unsupported with the reason for every other kind, timed by the notifiers in hardware
# microseconds; every fault switch gives the exact message with CNRT's code and text; no
# crash, and the run file verifies.
# usage: cambricon_fake_e2e.sh BUILD_DIR SOURCE_DIR FAKE_DIR
set -uo pipefail
build=$1 src=$2 fake=$3
ab=$build/accelbench
schema=$src/reports/schema/run-file.schema.json
validate="python3 $src/tests/runfile/validate_runfile.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() { # check NAME EXPECTED_RC ACTUAL_RC [fixed-string file]
  local name=$1 want=$2 got=$3
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"; [ $# -ge 5 ] && sed 's/^/    /' "$5" | head -20
    fail=$((fail + 1)); return
  fi
  if [ $# -ge 5 ] && ! grep -qF -- "$4" "$5"; then
    echo "FAIL $name: '$4' not in $5:"; sed 's/^/    /' "$5" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $name"; pass=$((pass + 1))
}

export AB_CNRT_LIBRARY=$fake/libcnrt.so

# 1. list: the fake MLU with its facts from CNRT.
"$ab" list >"$tmp/list" 2>&1
check "list shows cambricon enabled" 0 $? "cambricon  enabled" "$tmp/list"
grep -qF "cambricon:0  Fake MLU370-X8 0 (CPU) (Cambricon)" "$tmp/list"
check "list shows the fake device and its facts" 0 $? \
  "memory 1.0 GiB, compute units 32, max clock 1300 MHz, runtime CNRT 6.14.1, driver 5.10.22" "$tmp/list"

# 2. The quick suite on the fake device: copies ok and validated, timed by the notifiers
#    (device time, within a few per cent of the host's: a unit error is a factor of 1000);
#    every other kind unsupported with its reason; no failure, no crash.
"$ab" run --suite "$src/configs/quick.yaml" -b cambricon -o "$tmp/quick" --no-clock -q \
  >"$tmp/quick.out" 2>&1
check "quick suite on the fake device exits 0" 0 $? "" "$tmp/quick.out"
$validate "$tmp/quick/run.json" "$schema" >"$tmp/v" 2>&1
check "run file validates against the schema" 0 $? "" "$tmp/v"
"$ab" verify "$tmp/quick" >"$tmp/ver" 2>&1
check "accelbench verify accepts the run" 0 $? "" "$tmp/ver"
python3 - "$tmp/quick/run.json" >"$tmp/q" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
dev = [d for d in run["devices"] if d["backend"] == "cambricon"][0]
assert dev["uid"] == "0000:1a:00.0", dev["uid"]
cases = [c for c in run["cases"] if c["backend"] == "cambricon"]
copies = {}
for c in cases:
    k = c["kernel"]
    assert c["status"] in ("ok", "unsupported"), (k["kind"], c["status"], c["reason"])
    if k["kind"] in ("membw", "copy_h2d", "copy_d2h"):
        copies[(k["kind"], k["shape"].get("pinned"))] = c
        continue
    assert c["status"] == "unsupported", (k["kind"], c["status"])
    why = "BANG C kernel" if k["kind"] in ("peak", "launch", "stream") else "not confirmed from a public header"
    assert why in c["reason"], (k["kind"], c["reason"])
assert len(copies) == 5, sorted(copies)
for key, c in copies.items():
    assert c["status"] == "ok", (key, c["reason"])
    v = c["validation"]
    assert v["checked"] and v["mismatches"] == 0, (key, v)
    assert "timed by cnrtNotifierDuration (hardware us)" in c["implementation"], c["implementation"]
    t = c["timing"]
    assert t["source"] == "device", (key, t["source"])
    ratio = t["time_s"]["median"] / t["host_time_s"]["median"]
    assert 0.5 < ratio <= 1.05, (key, "device/host time", ratio)
for kind in ("copy_h2d", "copy_d2h"):
    assert "pinned host memory (cnrtHostMalloc)" in copies[(kind, True)]["implementation"]
    assert "pageable host memory (malloc)" in copies[(kind, False)]["implementation"]
assert "device-to-device" in copies[("membw", False)]["implementation"]
print("copies ok, validated and timed by the notifiers; %d cases unsupported with a reason"
      % sum(c["status"] == "unsupported" for c in cases))
PY
check "statuses, validation, timing and reasons as expected" 0 $? "" "$tmp/q"
cat "$tmp/q"

# 3. Without the override: disabled, naming the library looked for and dlerror's text
#    (where Neuware is installed the real runtime is found instead: not checked there).
env -u AB_CNRT_LIBRARY LD_LIBRARY_PATH= "$ab" list >"$tmp/nolib" 2>&1
rc=$?
if ldconfig -p 2>/dev/null | grep -q 'libcnrt\.so '; then
  echo "skip no library: a libcnrt.so is installed on this machine"
else
  check "no library: disabled naming libcnrt.so" 0 $rc \
    "disabled: Cambricon runtime (CNRT) not found: tried libcnrt.so (libcnrt.so: cannot open shared object file: No such file or directory)" \
    "$tmp/nolib"
fi
grep -q "cpu:0" "$tmp/nolib"
check "no library: the cpu backend is still listed with its device" 0 $?
AB_CNRT_LIBRARY=$tmp/absent/libcnrt.so "$ab" list >"$tmp/absent.list" 2>&1
check "override to a missing file: that path and dlerror" 0 $? \
  "tried AB_CNRT_LIBRARY=$tmp/absent/libcnrt.so ($tmp/absent/libcnrt.so: cannot open shared object file: No such file or directory)" \
  "$tmp/absent.list"

# 4. A missing mandatory symbol (cnrtNotifierDuration), named with the file.
AB_CNRT_LIBRARY=$fake/libcnrt-noduration.so "$ab" list >"$tmp/nosym" 2>&1
check "missing mandatory symbol: named with the file" 0 $? \
  "disabled: $fake/libcnrt-noduration.so: mandatory symbol cnrtNotifierDuration missing" "$tmp/nosym"

# 5. Zero devices, a device-count error, a runtime too old: disabled with CNRT's answer.
FAKE_CNRT_DEVICES=0 "$ab" list >"$tmp/zero" 2>&1
check "zero devices: disabled" 0 $? "disabled: cnrtGetDeviceCount: 0 devices (no MLU device)" "$tmp/zero"
FAKE_CNRT_COUNT_STATUS=100004 "$ab" list >"$tmp/count" 2>&1
check "device count error: CNRT's code and text" 0 $? \
  "disabled: cnrtGetDeviceCount: cnrtErrorNoDevice (100004): fake: no MLU device is available" \
  "$tmp/count"
FAKE_CNRT_VERSION=5.10.2 "$ab" list >"$tmp/old" 2>&1
check "runtime too old: disabled with both versions" 0 $? \
  "disabled: $fake/libcnrt.so: CNRT 5.10.2 is older than 6.0, the oldest this adapter's declarations were verified against" \
  "$tmp/old"

# 6. Faults in a run: the case fails with CNRT's code and text, the cpu cases of the same
#    run are still ok.
fault_run() { # fault_run NAME ENV=VALUE EXPECTED-REASON
  local name=$1 envset=$2 want=$3
  env "$envset" "$ab" run --suite "$src/tests/cambricon/small.yaml" -b cpu,cambricon \
    -o "$tmp/$name" --no-clock -q >"$tmp/$name.out" 2>&1
  local rc=$?
  python3 - "$tmp/$name/run.json" >"$tmp/$name.st" 2>&1 <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    print(c["backend"], c["provider"], c["kernel"]["kind"], c["status"], c["reason"])
PY
  check "$name: run exits 1 (a case failed)" 1 $rc
  check "$name: the cambricon case failed with CNRT's code and text" 0 0 \
    "cambricon cnrt membw failed $want" "$tmp/$name.st"
  check "$name: cpu cases still ok" 0 0 "cpu openblas gemm ok" "$tmp/$name.st"
}
fault_run malloc FAKE_CNRT_MALLOC_FAIL_BYTES=1024 \
  "buffers: cnrtMalloc: cnrtErrorNoMem (100100): fake: out of device memory"
fault_run memcpy FAKE_CNRT_MEMCPY_STATUS=632015 \
  "cnrtMemcpyAsync: cnrtErrorCndrvFuncCall (632015): fake: a CNDrv call failed"

# 7. A runtime without cnrtHostMalloc (optional): pinned transfers unsupported, naming it;
#    pageable ones still ok.
AB_CNRT_LIBRARY=$fake/libcnrt-nohostmalloc.so "$ab" run --suite "$src/tests/cambricon/small.yaml" \
  -b cambricon -o "$tmp/nohost" --no-clock -q >/dev/null 2>&1
check "no cnrtHostMalloc: run exits 0" 0 $?
python3 - "$tmp/nohost/run.json" >"$tmp/nohost.st" 2>&1 <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    print(c["kernel"]["kind"], "pinned" if c["kernel"]["shape"].get("pinned") else "pageable",
          c["status"], c["reason"])
PY
check "no cnrtHostMalloc: pinned copies unsupported, naming it" 0 0 \
  "copy_h2d pinned unsupported pinned host memory needs cnrtHostMalloc and cnrtFreeHost, missing from $fake/libcnrt-nohostmalloc.so" \
  "$tmp/nohost.st"
check "no cnrtHostMalloc: pageable copies still ok" 0 0 "copy_d2h pageable ok" "$tmp/nohost.st"

# 8. CNDev power: two MLUs at 100 W and 300 W; every case's energy comes from its own
#    MLU's counter only (joined by PCI bus id), at its MLU's power; without the library
#    the source is disabled naming what it looked for.
export AB_CNDEV_LIBRARY=$fake/libcndev.so
FAKE_CNRT_DEVICES=2 FAKE_CNDEV_DEVICES=2 FAKE_CNDEV_WATTS=100,300 "$ab" run \
  --suite "$src/tests/cambricon/small.yaml" -b cambricon -P sources=cndev -P min_window_s=0.3 \
  --idle-baseline 0 -o "$tmp/power" --no-clock -q >"$tmp/power.out" 2>&1
check "run with cndev power on two MLUs exits 0" 0 $? "" "$tmp/power.out"
"$ab" verify "$tmp/power" >"$tmp/pver" 2>&1
check "... and the run verifies" 0 $? "" "$tmp/pver"
python3 - "$tmp/power/run.json" >"$tmp/p" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
src = {s["name"]: s for s in run["power"]["sources"]}["cndev"]
assert src["enabled"] and src["module"]["path"].endswith("accelbench-power-cndev.so"), src
watts = {0: 100.0, 1: 300.0}
seen = set()
for c in run["cases"]:
    if c["status"] != "ok":
        continue
    i = c["device"]["index"]
    chans = [s["source"] for s in c["power"]["sources"]]
    assert chans == ["cndev:mlu%d/energy" % i], (i, chans)
    s = c["power"]["sources"][0]
    assert s["valid"] and s["kind"] == "energy_counter", s
    assert abs(s["avg_w"] - watts[i]) < 0.05 * watts[i], (i, s["avg_w"])
    seen.add(i)
assert seen == {0, 1}, seen
print("every ok case measured by its own MLU's counter, at its power")
PY
check "cndev energy joined to the right MLU of each case" 0 $? "" "$tmp/p"
AB_CNDEV_LIBRARY= LD_LIBRARY_PATH= "$ab" list >"$tmp/nocndev" 2>&1
rc=$?
if ldconfig -p 2>/dev/null | grep -q 'libcndev\.so '; then
  echo "skip no libcndev: a libcndev.so is installed on this machine"
else
  check "no libcndev: the source disabled naming it" 0 $rc \
    "cndev    disabled: CNDev library not found: tried libcndev.so (libcndev.so: cannot open shared object file: No such file or directory)" \
    "$tmp/nocndev"
fi
FAKE_CNDEV_INIT_FAIL=1 "$ab" list >"$tmp/cndevinit" 2>&1
check "cndevInit failing: CNDev's code and text" 0 $? \
  "cndev    disabled: cndevInit: error (1): fake: no Cambricon driver" "$tmp/cndevinit"

# 9. No run of this test crashed the harness.
! grep -hq '"status": "crashed"' "$tmp"/*/run.json
check "no crashed case in any run" 0 $?

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
