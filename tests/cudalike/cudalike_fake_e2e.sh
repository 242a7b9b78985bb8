#!/usr/bin/env bash
# The cudalike backends (musa, maca, corex: one table-driven source) end to end on the fake
# runtimes of tests/cudalike, found through the SDK folders and override variables a user
# would set. `list` shows each with its fake device, or disabled naming every path tried;
# the small quick suite gives ok + validated for each kind the row's values allow and
# unsupported with the row's reason for the rest; each fault switch gives the runtime's own
# code and text; the run files verify.
# usage: cudalike_fake_e2e.sh BUILD_DIR SOURCE_DIR FAKE_DIR
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
    echo "FAIL $name: exit $got, expected $want"; [ $# -ge 5 ] && sed 's/^/    /' "$5" | head -30
    fail=$((fail + 1)); return
  fi
  if [ $# -ge 5 ] && [ -n "$4" ] && ! grep -qF -- "$4" "$5"; then
    echo "FAIL $name: '$4' not in $5:"; sed 's/^/    /' "$5" | head -30; fail=$((fail + 1)); return
  fi
  echo "ok   $name"; pass=$((pass + 1))
}

# Nothing of a real SDK may leak in: every vendor's folder is a fake or absent.
unset MUSA_HOME MACA_PATH AB_MUSART_LIBRARY AB_MCRUNTIME_LIBRARY AB_COREX_CUDART_LIBRARY \
  AB_COREX_CUBLAS_LIBRARY AB_MUBLAS_LIBRARY AB_MCBLAS_LIBRARY
mkdir -p "$tmp/nohome"

# 1. Without the libraries: disabled, every path tried named with dlerror's text.
MUSA_HOME=$tmp/nohome "$ab" list >"$tmp/list0" 2>&1
check "musa disabled without its runtime" 0 $? \
  "MUSA runtime not found: tried $tmp/nohome/lib/libmusart.so (" "$tmp/list0"
env -u MUSA_HOME "$ab" list >"$tmp/list1" 2>&1
check "... without MUSA_HOME the default folder first" 0 $? \
  "MUSA runtime not found: tried /usr/local/musa/lib/libmusart.so (" "$tmp/list1"
check "maca disabled naming /opt/maca" 0 0 "MACA runtime not found: tried /opt/maca/lib/libmcruntime.so" "$tmp/list0"
check "corex disabled naming its folder" 0 0 \
  "CoreX CUDA runtime not found: tried /usr/local/corex/lib/libcudart.so" "$tmp/list0"

# 2. Found through the SDK root (MUSA_HOME, MACA_PATH) and the override (CoreX).
export MUSA_HOME=$fake/musa MACA_PATH=$fake/maca AB_COREX_CUDART_LIBRARY=$fake/corex/lib/libcudart.so \
  AB_COREX_CUBLAS_LIBRARY=$fake/corex/lib/libcublas.so
"$ab" list >"$tmp/list" 2>&1
check "list exits 0" 0 $? "" "$tmp/list"
for b in musa maca corex; do
  grep -qE "^  $b +enabled" "$tmp/list"
  check "$b enabled on its fake" 0 $? "" "$tmp/list"
done
check "musa device listed" 0 0 "musa:0  Moore Threads device 0 (Moore Threads)" "$tmp/list"
check "corex facts: compute units, clock, CUDA-encoded version" 0 0 \
  "compute units 8, max clock 1200 MHz, runtime CoreX CUDA runtime 12.0" "$tmp/list"

# 3. The small quick suite on all three.
"$ab" run --suite "$src/tests/cudalike/quick-small.yaml" -b musa,maca,corex -o "$tmp/q" \
  --no-clock -q >"$tmp/q.out" 2>&1
check "quick-small on the fakes exits 0" 0 $? "" "$tmp/q.out"
$validate "$tmp/q/run.json" "$schema" >"$tmp/v" 2>&1
check "run file validates against the schema" 0 $? "" "$tmp/v"
"$ab" verify "$tmp/q" >"$tmp/ver" 2>&1
check "accelbench verify accepts the run" 0 $? "" "$tmp/ver"
python3 - "$tmp/q/run.json" >"$tmp/py" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
devs = {d["backend"]: d for d in run["devices"]}
assert devs["corex"]["uid"] == "00000000:2A:00.0", devs["corex"]["uid"]
assert devs["musa"]["uid"] == "musa:0", devs["musa"]["uid"]
by = {}
for c in run["cases"]:
    by.setdefault(c["backend"], []).append(c)
    assert c["status"] in ("ok", "unsupported"), (c["backend"], c["kernel"], c["status"], c["reason"])
ok = lambda b, kind: [c for c in by[b] if c["kernel"]["kind"] == kind and c["status"] == "ok"]
# CoreX: GEMM in f64/f32/f16/bf16 and the copies, validated, timed by the runtime's events.
for kind in ("gemm", "membw", "copy_h2d", "copy_d2h"):
    cs = ok("corex", kind)
    assert cs, ("corex", kind, "no ok case")
    for c in cs:
        assert c["timing"]["source"] == "device", c["timing"]
        assert "timer cudaEventElapsedTime" in c["implementation"], c["implementation"]
        assert "INFERRED" in c["implementation"], c["implementation"]
        if kind == "gemm":
            v = c["validation"]
            assert v["checked"] and v["mismatches"] == 0, v
assert {c["kernel"]["dtype"] for c in ok("corex", "gemm")} == {"f64", "f32", "f16", "bf16"}
pinned = [c for c in ok("corex", "copy_h2d") if "cudaMallocHost" in c["implementation"]]
assert pinned, "no pinned copy case"
reasons = {}
for b in ("musa", "maca", "corex"):
    for c in by[b]:
        if c["status"] == "unsupported":
            reasons.setdefault((b, c["kernel"]["kind"]), c["reason"])
assert "int8" in reasons[("corex", "gemm")], reasons[("corex", "gemm")]
assert "needs a device kernel" in reasons[("corex", "launch")], reasons
assert "not offered by the corex adapter" in reasons[("corex", "attention")], reasons
# MUSA and MACA: nothing runs on unconfirmed values, each refusal says which.
assert not [c for b in ("musa", "maca") for c in by[b] if c["status"] == "ok"]
assert "musaMemcpyKind values not confirmed" in reasons[("musa", "membw")], reasons
assert "musaMemcpyKind values not confirmed" in reasons[("musa", "copy_h2d")], reasons
assert "mcMemcpyKind values not confirmed" in reasons[("maca", "copy_d2h")], reasons
assert "mublas operation/datatype enum values not confirmed" in reasons[("musa", "gemm")] or \
    "musaMemcpyKind" in reasons[("musa", "gemm")], reasons[("musa", "gemm")]
print(len(run["cases"]), "cases")
PY
check "statuses, validation, event timing and reasons" 0 $? "" "$tmp/py"

# 4. GEMM mapping: non-square shapes in every transpose form validate on corex.
"$ab" run --suite "$src/tests/cudalike/gemm-nonsquare.yaml" -b corex -o "$tmp/g" --no-clock -q \
  >"$tmp/g.out" 2>&1
check "non-square GEMMs exit 0" 0 $? "" "$tmp/g.out"
python3 -c '
import json, sys
cs = [c for c in json.load(open(sys.argv[1]))["cases"] if c["kernel"]["kind"] == "gemm"]
assert len(cs) == 5, len(cs)
for c in cs:
    assert c["status"] == "ok" and c["validation"]["mismatches"] == 0, (c["set"], c["status"], c["reason"], c.get("validation"))
' "$tmp/g/run.json" >"$tmp/g.py" 2>&1
check "every non-square GEMM ok and validated" 0 $? "" "$tmp/g.py"

# 5. Fault switches: each gives the runtime's own code and text.
fault() { # fault NAME EXPECTED_TEXT ENV...
  local name=$1 want=$2; shift 2
  env "$@" "$ab" run --suite "$src/tests/cuda/small.yaml" -b corex -o "$tmp/f-$name" --no-clock \
    -q >"$tmp/f-$name.out" 2>&1
  local rc=$?
  [ $rc -le 1 ] || { echo "FAIL fault $name: exit $rc (crash?)"; fail=$((fail + 1)); return; }
  cat "$tmp/f-$name.out" "$tmp/f-$name/run.json" >"$tmp/f-$name.all" 2>/dev/null
  check "fault $name" 0 0 "$want" "$tmp/f-$name.all"
}
fault alloc "cudaMalloc: cudaErrorMemoryAllocation (2): out of memory" FAKE_CL_MALLOC_FAIL_BYTES=1024
fault blas "cublasGemmEx: error (13): the GPU program failed to execute" FAKE_CL_BLAS_STATUS=13
env FAKE_CL_DEVICES=0 "$ab" list >"$tmp/l-zero" 2>&1
check "zero devices: disabled" 0 $? "cudaGetDeviceCount: error (0): no device" "$tmp/l-zero"
env FAKE_CL_NO_DRIVER=1 "$ab" list >"$tmp/l-nodrv" 2>&1
check "no driver: the runtime's code and text" 0 $? \
  "cudaGetDeviceCount: cudaErrorInsufficientDriver (35): driver version is insufficient" "$tmp/l-nodrv"
env FAKE_CL_RUNTIME_VERSION=10020 "$ab" list >"$tmp/l-old" 2>&1
check "old runtime: disabled with both versions" 0 $? \
  "cudaRuntimeGetVersion reports 10020; this adapter needs 11000 or newer" "$tmp/l-old"
env FAKE_CL_SUCCESS_NAME=musaErrorUnknown "$ab" list >"$tmp/l-succ" 2>&1
check "a runtime not naming code 0 success: disabled" 0 $? \
  "cannot confirm the success code: musaGetErrorName(0) names it musaErrorUnknown, not musaSuccess" \
  "$tmp/l-succ"
env AB_COREX_CUDART_LIBRARY=$fake/corex-noelapsed/libcudart.so "$ab" list >"$tmp/l-sym" 2>&1
check "missing mandatory symbol named" 0 $? "mandatory symbol cudaEventElapsedTime missing" "$tmp/l-sym"
env AB_COREX_CUBLAS_LIBRARY=$tmp/none.so "$ab" run --suite "$src/tests/cuda/small.yaml" -b corex \
  -o "$tmp/noblas" --no-clock -q >"$tmp/noblas.out" 2>&1
cat "$tmp/noblas.out" "$tmp/noblas/run.json" >"$tmp/noblas.all" 2>/dev/null
check "no cuBLAS: gemm unsupported naming the path" 0 0 "CoreX cuBLAS not found: tried AB_COREX_CUBLAS_LIBRARY=$tmp/none.so (" \
  "$tmp/noblas.all"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
