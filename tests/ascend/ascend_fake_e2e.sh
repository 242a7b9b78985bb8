#!/usr/bin/env bash
# The ascend backend end to end on the fake CANN libraries (tests/ascend/fake_*.c), loaded
# through the override variables a user would set: `accelbench list` shows the fake NPU and
# its facts; without the overrides it is disabled naming the library it looked for; every
# kind of configs/quick.yaml at small shapes (quick-small.yaml) comes out ok and validated
# where the fakes implement it and unsupported with the reason elsewhere; every fault
# switch gives the expected status with the vendor's code and text; the run file verifies.
# usage: ascend_fake_e2e.sh BUILD_DIR SOURCE_DIR FAKE_DIR
set -uo pipefail
build=$1 src=$2 fake=$3
ab=$build/accelbench
schema=$src/reports/schema/run-file.schema.json
validate="python3 $src/tests/runfile/validate_runfile.py"
suite=$src/tests/ascend/quick-small.yaml
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

# 0. Without the overrides: disabled, naming the library looked for and the variable.
"$ab" list >"$tmp/none" 2>&1
check "no CANN: disabled naming libascendcl.so and the override" 0 $? \
  "disabled: Ascend ACL runtime not found: tried libascendcl.so (" "$tmp/none"

export AB_ASCENDCL_LIBRARY=$fake/libascendcl.so AB_NNOPBASE_LIBRARY=$fake/libnnopbase.so \
  AB_OPAPI_NN_LIBRARY=$fake/libopapi_nn.so AB_OPAPI_TRANSFORMER_LIBRARY=$fake/libopapi_transformer.so
unset FAKE_OPAPI_KIND

# 1. list: the fake NPU with its SoC name, memory and versions.
"$ab" list >"$tmp/list" 2>&1
check "list shows ascend enabled" 0 $? "ascend     enabled" "$tmp/list"
check "list shows the fake NPU and its versions" 0 0 \
  "ascend:0  Ascend910B3 (Huawei)" "$tmp/list"
check "list shows the versions" 0 0 "runtime ACL 1.12.0, driver 24.1.rc3" "$tmp/list"
check "list shows the CANN version" 0 0 "cann_version: 8.1.RC1" "$tmp/list"

# 2. Every kind of quick at small shapes.
"$ab" run --suite "$suite" -b ascend -o "$tmp/q" --no-clock -q >"$tmp/q.out" 2>&1
check "quick-small on the fake NPU exits 0" 0 $? "" "$tmp/q.out"
$validate "$tmp/q/run.json" "$schema" >"$tmp/v" 2>&1
check "run file validates against the schema" 0 $? "" "$tmp/v"
"$ab" verify "$tmp/q" >"$tmp/verify" 2>&1
check "accelbench verify accepts the run" 0 $? "" "$tmp/verify"
python3 - "$tmp/q/run.json" >"$tmp/st" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
dev = [d for d in run["devices"] if d["backend"] == "ascend"][0]
assert dev["uid"] == "acl:0" and dev["name"] == "Ascend910B3", dev
got = {}
for c in run["cases"]:
    k = c["kernel"]
    sh = k.get("shape", {})
    key = (c["provider"], k["kind"], k.get("dtype"), c["set"], sh.get("op"), sh.get("q_len"), sh.get("pinned"))
    assert c["status"] in ("ok", "unsupported"), (key, c["status"], c["reason"])
    if c["status"] == "ok":
        v = c.get("validation") or {}
        if k["kind"] not in ("copy_h2d", "copy_d2h"):
            assert v.get("checked") and v.get("mismatches") == 0, (key, v)
        t = c["timing"]
        assert t["source"] == "device", (key, t)
        # The fake's events read the host clock around a synchronous stream: ACL's
        # milliseconds read as seconds, or a timer that missed the calls, leave this band.
        dev_s, host_s = t["time_s"]["median"], t["host_time_s"]["median"]
        assert 0.3 * host_s <= dev_s <= 1.05 * host_s, (key, dev_s, host_s)
    got.setdefault((c["provider"], k["kind"], k.get("dtype"), c["set"], sh.get("op")), []).append(c)
def one(*key, status="ok"):
    cs = got[key]
    assert all(c["status"] == status for c in cs), (key, [(c["status"], c["reason"]) for c in cs])
    return cs[0]
for t in ("f32", "f16", "bf16"):
    c = one("aclnn", "gemm", t, "square", None)
    assert "aclnnMatmul" in c["implementation"] and "KEEP_DTYPE" in c["implementation"], c["implementation"]
    assert "libopapi_nn.so" in c["implementation"], c["implementation"]
    one("aclnn", "gemm", t, "odd-tt", None)
one("aclnn", "gemm", "f32", "odd-nt", None)
h = one("aclnn-hf32", "gemm", "f32", "square", None)
assert "USE_HF32" in h["implementation"] and "cubeMathType=3" in h["implementation"], h["implementation"]
assert "aclnn-hf32 is the f32 Matmul" in one("aclnn-hf32", "gemm", "f16", "square", None, status="unsupported")["reason"]
for t in ("f64", "int8"):
    assert "not offered" in one("aclnn", "gemm", t, "square", None, status="unsupported")["reason"]
one("aclnn", "norm", "f32", "norm", "rmsnorm")
assert "aclnnLayerNorm" in one("aclnn", "norm", "f32", "norm", "layernorm", status="unsupported")["reason"]
one("aclnn", "softmax", "f32", "softmax", None); one("aclnn", "softmax", "bf16", "softmax", None)
for t in ("f32", "f16"):
    g = one("aclnn", "activation", t, "activation", "gelu_tanh")
    assert "aclnnGelu" in g["implementation"], g["implementation"]
    one("aclnn", "activation", t, "activation", "silu")
    assert "tanh form" in one("aclnn", "activation", t, "activation", "gelu_erf", status="unsupported")["reason"]
    assert "aclnnSwiGlu" in one("aclnn", "activation", t, "activation", "swiglu", status="unsupported")["reason"]
att = {c["kernel"]["shape"]["q_len"]: c for c in got[("aclnn", "attention", "f32", "attn-gqa", None)]}
assert att[1]["status"] == "ok" and "BSND" in att[1]["implementation"], (att[1]["reason"], att[1]["implementation"])
assert att[8]["status"] == "unsupported" and "causal" in att[8]["reason"], att[8]["reason"]
for t in ("f32", "f16"):
    a = one("aclnn", "attention", t, "attn-bhsd", None)
    assert "BNSD" in a["implementation"] and "libopapi_transformer.so" in a["implementation"], a["implementation"]
for kind in ("conv2d", "elementwise", "rotary"):
    for c in [c for k, cs in got.items() if k[1] == kind and k[0] == "aclnn" for c in cs]:
        assert c["status"] == "unsupported" and "confirmed from a public header" in c["reason"], (kind, c["reason"])
for kind in ("peak", "launch"):
    for c in [c for k, cs in got.items() if k[1] == kind and k[0] == "aclnn" for c in cs]:
        assert c["status"] == "unsupported" and "Ascend C compiler" in c["reason"], (kind, c["reason"])
micro = {(c["kernel"]["kind"], c["kernel"]["shape"].get("pinned")): c for c in run["cases"] if c["kernel"]["kind"] in ("membw", "copy_h2d", "copy_d2h")}
assert micro[("membw", False)]["status"] == "ok" and "device-to-device" in micro[("membw", False)]["implementation"]
for kind in ("copy_h2d", "copy_d2h"):
    assert micro[(kind, True)]["status"] == "ok" and "aclrtMallocHost" in micro[(kind, True)]["implementation"]
    assert micro[(kind, False)]["status"] == "ok" and "pageable" in micro[(kind, False)]["implementation"]
layer = [c for c in run["cases"] if c["kernel"]["kind"] == "decoder_layer"]
assert layer and all(c["status"] == "unsupported" for c in layer), [(c["status"], c["reason"]) for c in layer]
print("every implemented kind ok and validated, the rest unsupported with the reason")
PY
check "statuses, validation, labels as expected" 0 $? "" "$tmp/st"
cat "$tmp/st"

# 3. The all-in-one libopapi.so alone works too and is named.
env -u AB_OPAPI_NN_LIBRARY -u AB_OPAPI_TRANSFORMER_LIBRARY AB_OPAPI_LIBRARY=$fake/libopapi.so \
  "$ab" run --suite "$src/tests/ascend/small.yaml" -b ascend -o "$tmp/all" --no-clock -q \
  >"$tmp/all.out" 2>&1
check "all-in-one libopapi.so: ok, named in the implementation" 0 $? "libopapi.so" "$tmp/all/run.json"

# 4. Never both: the two kinds of operator library set at once are refused before loading.
AB_OPAPI_LIBRARY=$fake/libopapi.so "$ab" run --suite "$src/tests/ascend/small.yaml" -b ascend \
  -o "$tmp/both" --no-clock -q >"$tmp/both.out" 2>&1
check "both operator-library kinds: unsupported, the rule named" 0 0 \
  "must never be loaded into one process" "$tmp/both/run.json"

fault_run() { # fault_run NAME EXPECTED-RC EXPECTED-TEXT ENV=VALUE...
  local name=$1 rc_want=$2 want=$3
  shift 3
  env "$@" "$ab" run --suite "$src/tests/ascend/small.yaml" -b cpu,ascend -o "$tmp/$name" \
    --no-clock -q >"$tmp/$name.out" 2>&1
  local rc=$?
  python3 - "$tmp/$name/run.json" >"$tmp/$name.st" 2>&1 <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    print(c["backend"], c["provider"], c["kernel"]["kind"], c["status"], c["reason"])
PY
  check "$name: run exit $rc_want" "$rc_want" $rc
  check "$name: status and vendor text" 0 0 "$want" "$tmp/$name.st"
  check "$name: cpu cases still ok" 0 0 "cpu openblas gemm ok" "$tmp/$name.st"
}
# 5. Allocation failure: the runtime's code and its recent-error text.
fault_run malloc 1 "ascend aclnn gemm failed buffers: aclrtMalloc: ACL error (207001): EL0004: fake: failed to allocate device memory" \
  FAKE_ACL_MALLOC_FAIL_BYTES=1024
# 6. Operator error: the aclnn code by name and aclGetRecentErrMsg.
fault_run operr 1 "ascend aclnn gemm failed prepare: aclnnMatmul: ACLNN_ERR_INNER (561000): EZ9999: fake operator failure" \
  FAKE_ACLNN_STATUS=561000
# 7. A missing optional operator (libopapi_nn without aclnnSilu): only silu unsupported.
fault_run nosilu 0 "ascend aclnn activation unsupported activation: symbol aclnnSiluGetWorkspaceSize missing from $fake/libopapi_nn-nosilu.so" \
  AB_OPAPI_NN_LIBRARY=$fake/libopapi_nn-nosilu.so

# 8. Zero devices, a failing aclInit, a too-old CANN, a missing mandatory symbol.
FAKE_ACL_DEVICES=0 "$ab" list >"$tmp/zero" 2>&1
check "zero devices: disabled" 0 $? "disabled: aclrtGetDeviceCount: error (0): no Ascend device" "$tmp/zero"
FAKE_ACL_INIT_ERROR=500000 "$ab" list >"$tmp/init" 2>&1
check "aclInit error: code and recent-error text" 0 $? \
  "disabled: aclInit: ACL error (500000): EE8888: fake aclInit failure: the driver is not loaded" "$tmp/init"
FAKE_CANN_VERSION=7.0.0 "$ab" list >"$tmp/old" 2>&1
check "CANN 7: disabled as too old" 0 $? \
  "disabled: aclsysGetCANNVersion: CANN 7.0.0 is older than 8.0" "$tmp/old"
AB_ASCENDCL_LIBRARY=$fake/libascendcl-noelapsed.so "$ab" list >"$tmp/nosym" 2>&1
check "missing mandatory symbol: named with the file" 0 $? \
  "disabled: $fake/libascendcl-noelapsed.so: mandatory symbol aclrtEventElapsedTime missing" "$tmp/nosym"
AB_ASCENDCL_LIBRARY=$fake/libascendcl-noversions.so "$ab" list >"$tmp/nover" 2>&1
check "missing optional version calls: still enabled" 0 $? "ascend:0  Ascend NPU (Huawei)" "$tmp/nover"
AB_ASCENDCL_LIBRARY=$tmp/absent/libascendcl.so "$ab" list >"$tmp/nolib" 2>&1
check "library not found: the override path and dlerror" 0 $? \
  "disabled: Ascend ACL runtime not found: tried AB_ASCENDCL_LIBRARY=$tmp/absent/libascendcl.so ($tmp/absent/libascendcl.so: cannot open shared object file: No such file or directory)" \
  "$tmp/nolib"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
