#!/usr/bin/env bash
# The cuda backend end to end on the fake CUDA libraries (tests/cuda/fake_*.c), loaded
# through the override variables a user would set: `accelbench list` shows the fake
# device; a GEMM suite validates ok in every dtype the fakes implement; every fault switch
# gives the exact message with the vendor's code and text, and the other backends still run.
# The NVRTC path (compile, module load, launch) runs with a test copy of the module whose
# kernel planner is tests/cuda/cuk_test.c.
# usage: cuda_fake_e2e.sh BUILD_DIR SOURCE_DIR FAKE_DIR TEST_MODULE_DIR
set -uo pipefail
build=$1 src=$2 fake=$3 testmod=$4
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

export AB_CUDART_LIBRARY=$fake/libcudart.so.13 AB_CUDA_DRIVER_LIBRARY=$fake/libcuda.so.1 \
  AB_CUBLAS_LIBRARY=$fake/libcublas.so.13 AB_CUBLASLT_LIBRARY=$fake/libcublasLt.so.13 \
  AB_NVRTC_LIBRARY=$fake/libnvrtc.so.13

# 1. list: the fake device, its facts from the driver API, the PCI bus id as uid.
"$ab" list >"$tmp/list" 2>&1
check "list shows cuda enabled" 0 $? "cuda       enabled" "$tmp/list"
grep -qF "cuda:0  Fake CUDA Device 0 (CPU) (NVIDIA)" "$tmp/list"
check "list shows the fake device" 0 $? "compute units 4, max clock 1500 MHz, runtime CUDA runtime 13.0, driver 13.0" "$tmp/list"

# 2. every dtype, both libraries, two transpose forms, FP8 TN; copies through the runtime.
"$ab" run --suite "$src/tests/cuda/gemm.yaml" -b cuda -o "$tmp/gemm" --no-clock -q \
  >"$tmp/gemm.out" 2>&1
check "gemm suite on the fake device exits 0" 0 $?
$validate "$tmp/gemm/run.json" "$schema" >"$tmp/v" 2>&1
check "run file validates against the schema" 0 $? "" "$tmp/v"
python3 - "$tmp/gemm/run.json" >"$tmp/g" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
cases = run["cases"]
dev = [d for d in run["devices"] if d["backend"] == "cuda"][0]
assert dev["uid"] == "00000000:17:00.0", dev["uid"]
ok = {}
for c in cases:
    k = c["kernel"]
    key = (c["provider"], k["kind"], k.get("dtype"), c["set"])
    assert c["status"] in ("ok", "unsupported"), (key, c["status"], c["reason"])
    if c["status"] == "ok" and k["kind"] == "gemm":
        v = c["validation"]
        assert v["checked"] and v["mismatches"] == 0 and v["elements_checked"] == v["elements_total"], (key, v)
        assert c["timing"]["source"] == "device", key
    ok[key] = c
for s in ("odd-nn", "odd-tt"):
    for p in ("cublas", "cublaslt"):
        for t in ("f64", "f32", "tf32", "f16", "bf16", "int8"):
            assert ok[(p, "gemm", t, s)]["status"] == "ok", (p, t, s, ok[(p, "gemm", t, s)]["reason"])
tf = ok[("cublas", "gemm", "tf32", "odd-nn")]
assert "COMPUTE_32F_FAST_TF32" in tf["implementation"] and tf["kernel"]["out_dtype"] == "f32", tf["implementation"]
f32 = ok[("cublas", "gemm", "f32", "odd-nn")]
assert "COMPUTE_32F " in f32["implementation"] and "TF32" not in f32["implementation"], f32["implementation"]
for t in ("f8e4m3", "f8e5m2"):
    c = ok[("cublaslt", "gemm", t, "fp8-tn")]
    assert c["status"] == "ok" and "scale_a=1 scale_b=1" in c["implementation"], (t, c["reason"], c["implementation"])
    assert c["kernel"]["out_dtype"] == "bf16"
    assert "FP8 goes through cuBLASLt" in ok[("cublas", "gemm", t, "fp8-tn")]["reason"]
nn = ok[("cublaslt", "gemm", "f8e4m3", "fp8-nn")]
assert nn["status"] == "unsupported" and "needs the TN form" in nn["reason"], nn["reason"]
micro = {(c["kernel"]["kind"], c["kernel"]["shape"].get("pinned")): c for c in cases if c["kernel"]["kind"] != "gemm"}
assert micro[("membw", False)]["status"] == "ok", micro[("membw", False)]["reason"]
assert micro[("membw", False)]["validation"]["checked"]
for kind in ("copy_h2d", "copy_d2h"):
    assert micro[(kind, True)]["status"] == "ok" and "pinned" in micro[(kind, True)]["implementation"]
    assert micro[(kind, False)]["status"] == "ok" and "pageable" in micro[(kind, False)]["implementation"]
for kind, fn in (("peak", "ab_peak_f32"), ("launch", "ab_launch_empty")):
    c = [c for c in cases if c["kernel"]["kind"] == kind][0]
    assert c["status"] == "ok" and fn in c["implementation"], (kind, c["reason"], c["implementation"])
    if kind == "peak":
        assert c["validation"]["checked"] and c["validation"]["mismatches"] == 0, c["validation"]
print("every fake GEMM dtype ok and validated; TF32 and FP8 labelled; copies ok")
PY
check "statuses, validation and labels as expected" 0 $? "" "$tmp/g"
cat "$tmp/g"

# 3. FP8 on a device without it: unsupported with cuBLASLt's code and text.
FAKE_CUDA_CC=8.0 "$ab" run --suite "$src/tests/cuda/gemm.yaml" -b cuda -o "$tmp/cc80" --no-clock -q \
  >/dev/null 2>&1
python3 - "$tmp/cc80/run.json" >"$tmp/cc" 2>&1 <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    if c["provider"] == "cublaslt" and c["kernel"]["dtype"] == "f8e4m3" and c["set"] == "fp8-tn":
        print(c["status"], c["reason"])
PY
check "FP8 without device support: unsupported with the vendor status" 0 $? \
  "unsupported cublasLtMatmulAlgoGetHeuristic: CUBLAS_STATUS_NOT_SUPPORTED (15): the functionality requested is not supported" "$tmp/cc"

# 4. No driver: the runtime's 35 and its text, as the real libcudart gives them.
FAKE_CUDA_NO_DRIVER=1 "$ab" list >"$tmp/nodrv" 2>&1
check "no driver: exact disabled reason" 0 $? \
  "disabled: cudaGetDeviceCount: cudaErrorInsufficientDriver (35): CUDA driver version is insufficient for CUDA runtime version" "$tmp/nodrv"
grep -q "cpu:0" "$tmp/nodrv"
check "no driver: the cpu backend is still listed with its device" 0 $?

# 5. Missing mandatory symbol (a fake runtime built without cudaEventElapsedTime).
AB_CUDART_LIBRARY=$fake/libcudart-noelapsed.so.13 "$ab" list >"$tmp/nosym" 2>&1
check "missing symbol: named with the file" 0 $? \
  "disabled: $fake/libcudart-noelapsed.so.13: mandatory symbol cudaEventElapsedTime missing" "$tmp/nosym"

# 6. Library not found: every path tried, with dlerror's text.
AB_CUDART_LIBRARY=$tmp/absent/libcudart.so.13 "$ab" list >"$tmp/nolib" 2>&1
check "library not found: the override path and dlerror" 0 $? \
  "disabled: CUDA runtime not found: tried AB_CUDART_LIBRARY=$tmp/absent/libcudart.so.13 ($tmp/absent/libcudart.so.13: cannot open shared object file: No such file or directory) (install the CUDA 12 or 13 runtime)" \
  "$tmp/nolib"

# 7. Allocation failure and a GEMM error: the case fails with the vendor's code and text,
#    the cpu backend's cases in the same run are still ok.
fault_run() { # fault_run NAME ENV=VALUE EXPECTED-REASON
  local name=$1 envset=$2 want=$3
  env "$envset" "$ab" run --suite "$src/tests/cuda/small.yaml" -b cpu,cuda -o "$tmp/$name" \
    --no-clock -q >"$tmp/$name.out" 2>&1
  local rc=$?
  python3 - "$tmp/$name/run.json" >"$tmp/$name.st" 2>&1 <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    print(c["backend"], c["provider"], c["status"], c["reason"])
PY
  check "$name: run exits 1 (a case failed)" 1 $rc
  check "$name: cuda case failed with the vendor's code and text" 0 0 "cuda cublas failed $want" "$tmp/$name.st"
  check "$name: cpu cases still ok" 0 0 "cpu openblas ok" "$tmp/$name.st"
}
fault_run malloc FAKE_CUDA_MALLOC_FAIL_BYTES=1024 "buffers: cudaMalloc: cudaErrorMemoryAllocation (2): out of memory"
fault_run gemm FAKE_CUBLAS_STATUS=13 "prepare: cublasGemmEx: CUBLAS_STATUS_EXECUTION_FAILED (13): the GPU program failed to execute"

# 8. Wrong device count: the runtime says 2, the driver knows 1.
FAKE_CUDA_DEVICES=2 FAKE_CUDA_DRIVER_DEVICES=1 "$ab" list >"$tmp/count" 2>&1
check "wrong device count: device 1 reports the driver's code and text" 0 $? \
  "cuDeviceGet: CUDA_ERROR_INVALID_DEVICE (101): invalid device ordinal" "$tmp/count"
grep -qF "cuda:0  Fake CUDA Device 0 (CPU)" "$tmp/count"
check "wrong device count: device 0 still listed" 0 $?

# 9. Portable kernels through NVRTC (test planner): compiled for sm_90 once, loaded, launched
#    on the stream; the harness validates the elementwise add; compile and launch faults keep
#    NVRTC's and the driver's codes and texts.
kernels_run() { # kernels_run NAME [ENV=VALUE]
  env ACCELBENCH_BACKEND_PATH="$testmod" ${2:+"$2"} "$ab" run --suite "$src/tests/cuda/kernels.yaml" \
    -b cuda -o "$tmp/$1" --no-clock -q >"$tmp/$1.out" 2>&1
  local rc=$?
  python3 - "$tmp/$1/run.json" >"$tmp/$1.st" 2>&1 <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    v = c.get("validation") or {}
    print(c["provider"], c["kernel"]["kind"], c["status"], c["reason"], "|", c["implementation"],
          "| checked" if v.get("checked") and v.get("mismatches") == 0 else "")
PY
  return $rc
}
kernels_run kern
check "kernels: run exits 0" 0 $? "portable elementwise ok  | portable CUDA C cuk_test_add_f32 (NVRTC sm_90, 1 launch) | checked" "$tmp/kern.st"
check "kernels: launch latency through the planner" 0 0 "cublas launch ok  | portable CUDA C cuk_test_empty (NVRTC sm_90, 1 launch)" "$tmp/kern.st"
check "kernels: other providers point at portable" 0 0 "cublas elementwise unsupported elementwise runs on provider portable" "$tmp/kern.st"
kernels_run nvrtcfail FAKE_NVRTC_FAIL=1
check "kernels: a compile error keeps NVRTC's code and log" 1 $? \
  "portable elementwise failed prepare: nvrtcCompileProgram: NVRTC_ERROR_COMPILATION (6); log: accelbench_cuk.cu(1): error: fake compile failure" "$tmp/nvrtcfail.st"
kernels_run launchfail FAKE_CUDA_LAUNCH_STATUS=719
check "kernels: a launch error keeps the driver's code and text" 1 $? \
  "cuLaunchKernel(cuk_test_add_f32): CUDA_ERROR_LAUNCH_FAILED (719): unspecified launch failure" "$tmp/launchfail.st"
"$ab" run --suite "$src/tests/cuda/kernels.yaml" -b cuda -o "$tmp/shipped" --no-clock -q >/dev/null 2>&1
check "kernels: the shipped planner's add reaches the driver and validates" 0 $? \
  "portable CUDA C ab_add_f32_f32 (NVRTC sm_90, 1 launch)" "$tmp/shipped/run.json"

# 10. cuda reads no -O key and says so: a key is refused before anything runs.
"$ab" run --suite "$src/tests/cuda/small.yaml" -b cuda -O cuda_threads=4 -o "$tmp/okey" -q \
  >"$tmp/okey.out" 2>&1
check "an -O key cuda does not take is refused, naming none" 2 $? \
  "-O cuda_threads=4: no backend of this run takes option 'cuda_threads' (valid keys: cuda: (none))" "$tmp/okey.out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
