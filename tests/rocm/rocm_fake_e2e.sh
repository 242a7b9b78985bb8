#!/usr/bin/env bash
# The rocm backend and the ROCm power module end to end on the fake ROCm libraries
# (tests/rocm/fake_*.c), loaded through the override variables a user would set:
# `accelbench list` shows the fake device and its facts (a Hygon DCU name too); the quick
# suite at small shapes (quick-small.yaml) gives ok + validated for every GEMM dtype and copy,
# unsupported with the reason for the rest, device-event timing that agrees with the host
# clock, and energy from the power channel of the case's own GPU only; every fault switch
# gives the expected status with HIP's or rocBLAS's code and text; the run file verifies.
# usage: rocm_fake_e2e.sh BUILD_DIR SOURCE_DIR FAKE_DIR
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

# 1. Without the overrides (and no ROCm on the machine): disabled, every soname tried.
if ! ldconfig -p 2>/dev/null | grep -q libamdhip64; then
  env -u AB_HIP_LIBRARY "$ab" list >"$tmp/none" 2>&1
  check "no ROCm: disabled naming every library tried" 0 $? \
    "disabled: HIP runtime not found: tried libamdhip64.so (libamdhip64.so: cannot open shared object file: No such file or directory); libamdhip64.so.6" \
    "$tmp/none"
  check "... and the override variable" 0 0 "set AB_HIP_LIBRARY to the library's path" "$tmp/none"
fi

export AB_HIP_LIBRARY=$fake/libamdhip64.so AB_ROCBLAS_LIBRARY=$fake/librocblas.so \
  AB_AMDSMI_LIBRARY=$fake/libamd_smi.so AB_ROCM_SMI_LIBRARY=$fake/librocm_smi64.so

# 2. list: the fake device, its facts through the ROCm 6 attribute numbers, the power channels.
"$ab" list >"$tmp/list" 2>&1
check "list shows rocm enabled" 0 $? "rocm       enabled" "$tmp/list"
check "list shows the fake device and its vendor" 0 0 "rocm:0  AMD Instinct MI300X (fake, CPU) (AMD)" "$tmp/list"
check "facts from the ROCm 6 attribute numbers" 0 0 \
  "memory 192.0 GiB, compute units 304, max clock 2100 MHz, runtime HIP runtime 6.3.42134" "$tmp/list"
check "list shows the rocm power channel of GPU 0" 0 0 "covers GPU 0 (0000:c1:00.0)" "$tmp/list"
FAKE_HIP_NAME="Hygon DCU K100_AI (fake)" DTK_ROOT=/opt/dtk-24.04.2 "$ab" list >"$tmp/dcu" 2>&1
check "a Hygon DCU name: vendor Hygon" 0 $? "rocm:0  Hygon DCU K100_AI (fake) (Hygon)" "$tmp/dcu"
check "... and the DTK in its facts" 0 0 "dtk_version: 24.04.2 (from DTK_ROOT)" "$tmp/dcu"

# 3. The quick suite's kinds at small shapes, with ROCm power only.
"$ab" run --suite "$src/tests/rocm/quick-small.yaml" -b rocm -P sources=rocm -P min_window_s=0.2 \
  --idle-baseline 0 -o "$tmp/quick" --no-clock -q >"$tmp/quick.out" 2>&1
check "quick-small on the fake device exits 0" 0 $? "" "$tmp/quick.out"
$validate "$tmp/quick/run.json" "$schema" >"$tmp/v" 2>&1
check "run file validates against the schema" 0 $? "" "$tmp/v"
"$ab" verify "$tmp/quick" >"$tmp/ver" 2>&1
check "accelbench verify accepts the run" 0 $? "" "$tmp/ver"
python3 - "$tmp/quick/run.json" >"$tmp/q" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
dev = [d for d in run["devices"] if d["backend"] == "rocm"][0]
assert dev["uid"] == "0000:c1:00.0", dev["uid"]
ok_kinds, seen = set(), {}
for c in run["cases"]:
    k = c["kernel"]
    key = (c["provider"], k["kind"], k.get("dtype"), c["set"])
    assert c["status"] in ("ok", "unsupported"), (key, c["status"], c["reason"])
    if c["status"] == "unsupported":
        assert c["reason"], key
        continue
    ok_kinds.add(k["kind"])
    v = c["validation"]
    assert v["checked"] and v["mismatches"] == 0, (key, v)
    t = c["timing"]
    assert t["source"] == "device" and "device_timer_rejected_median_s" not in t, (key, t)
    # The fake's events read the host's clock: device and host time must agree, which they
    # do not when the event milliseconds are read as seconds or the markers are misplaced.
    r = t["time_s"]["median"] / t["host_time_s"]["median"]
    assert 0.5 < r < 1.5, (key, r)
    assert "HIP events" in c["implementation"], c["implementation"]
    chans = {s["source"] for s in c["power"]["sources"]}
    assert "rocm:gpu0/energy" in chans and "rocm:gpu1/energy" not in chans, (key, chans)
    seen.setdefault(k["kind"], []).append(c)
assert ok_kinds == {"gemm", "membw", "copy_h2d", "copy_d2h"}, ok_kinds
for t in ("f64", "f32", "f16", "bf16", "int8"):
    g = [c for c in seen["gemm"] if c["kernel"]["dtype"] == t and c["set"] == "square"]
    assert g and g[0]["provider"] == "rocblas" and "rocblas_gemm_ex" in g[0]["implementation"], t
pins = sorted(c["kernel"]["shape"].get("pinned") for c in seen["copy_h2d"])
assert pins == [False, True], pins
e = [s for s in seen["gemm"][0]["power"]["sources"] if s["source"] == "rocm:gpu0/energy"][0]
assert e["valid"] and e["energy_j"] > 0, e
reasons = {c["kernel"]["kind"]: c["reason"] for c in run["cases"] if c["status"] == "unsupported"}
assert "hipBLASLt not bound" in [c["reason"] for c in run["cases"] if c["provider"] == "hipblaslt"][0]
assert "carries no compiler" in reasons["launch"] and "carries no compiler" in reasons["peak"]
for kind in ("attention", "conv2d", "norm", "softmax", "activation", "elementwise", "rotary", "stream"):
    assert "no ROCm library routine bound" in reasons[kind], (kind, reasons[kind])
assert "decoder_layer" in reasons
print("gemm in every dtype and the copies ok, validated, event-timed; the rest unsupported with reasons")
PY
check "statuses, validation, timing, power join and reasons as expected" 0 $? "" "$tmp/q"
cat "$tmp/q"

# 4. Disabled reasons: zero devices, a too-old runtime, a missing mandatory symbol.
FAKE_HIP_DEVICES=0 "$ab" list >"$tmp/zero" 2>&1
check "zero devices: HIP's code and text" 0 $? \
  "disabled: hipGetDeviceCount: hipErrorNoDevice (100): no ROCm-capable device is detected" "$tmp/zero"
FAKE_HIP_VERSION=50700000 "$ab" list >"$tmp/old" 2>&1
check "a HIP 5.7 runtime: disabled, the version named" 0 $? \
  "HIP runtime 5.7 (hipRuntimeGetVersion 50700000) is older than 6.0" "$tmp/old"
AB_HIP_LIBRARY=$fake/libamdhip64-noelapsed.so "$ab" list >"$tmp/nosym" 2>&1
check "missing mandatory symbol: named with the file" 0 $? \
  "disabled: $fake/libamdhip64-noelapsed.so: mandatory symbol hipEventElapsedTime missing" "$tmp/nosym"
grep -q "cpu:0" "$tmp/nosym"
check "... and the cpu backend is still listed" 0 $?

# 5. Case faults: each case names the vendor's code and text; the cpu cases still run.
fault_run() { # fault_run NAME ENV=VALUE WANTED_RC EXPECTED-LINE
  local name=$1 envset=$2 want_rc=$3 want=$4
  env "$envset" "$ab" run --suite "$src/tests/rocm/small.yaml" -b cpu,rocm -o "$tmp/$name" \
    --no-clock -q >"$tmp/$name.out" 2>&1
  local rc=$?
  python3 - "$tmp/$name/run.json" >"$tmp/$name.st" 2>&1 <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    print(c["backend"], c["provider"], c["kernel"]["kind"], c["kernel"]["shape"].get("pinned"),
          c["status"], c["reason"])
PY
  check "$name: run exits $want_rc" "$want_rc" $rc
  check "$name: the rocm case says why" 0 0 "$want" "$tmp/$name.st"
  check "$name: cpu cases still ok" 0 0 "cpu openblas gemm None ok" "$tmp/$name.st"
}
fault_run malloc FAKE_HIP_MALLOC_FAIL_BYTES=1024 1 \
  "rocm rocblas gemm None failed buffers: hipMalloc: hipErrorOutOfMemory (2): out of memory"
fault_run gemm FAKE_ROCBLAS_STATUS=6 1 \
  "rocm rocblas gemm None failed prepare: rocblas_gemm_ex: rocblas_status_internal_error (6)"
fault_run noblas AB_ROCBLAS_LIBRARY=$tmp/absent/librocblas.so 0 \
  "rocm rocblas gemm None unsupported rocBLAS not found: tried AB_ROCBLAS_LIBRARY=$tmp/absent/librocblas.so"
fault_run nohostmalloc AB_HIP_LIBRARY=$fake/libamdhip64-nohostmalloc.so 0 \
  "rocm rocblas copy_h2d True unsupported copy_h2d pinned: symbol hipHostMalloc or hipHostFree missing from $fake/libamdhip64-nohostmalloc.so"
check "nohostmalloc: pageable copies still ok" 0 0 "rocm rocblas copy_h2d False ok" "$tmp/nohostmalloc.st"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
