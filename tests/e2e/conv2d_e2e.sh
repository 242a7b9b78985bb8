#!/usr/bin/env bash
# End-to-end test of the conv2d kind through the CLI: `accelbench run -b cpu` and
# `-b opencl` on tests/e2e/conv2d.yaml. Every row is ok, or unsupported with a reason
# (a provider without conv2d, oneDNN without f64, a device without cl_khr_fp16); every ok
# row was validated over all its output elements; the run files validate against the
# schema, which refuses a conv2d shape with a key missing or a layout it does not know.
# usage: conv2d_e2e.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
ab=$build/accelbench
schema=$src/reports/schema/run-file.schema.json
validate="python3 $src/tests/runfile/validate_runfile.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$src/tests/isolation/e2e_lib.sh" # check(), pass/fail counts

# run BACKEND: the suite on one backend, its run file validated against the schema.
# Exit 1 is accepted only for rows implausible for their device timer alone (rows() checks
# each row; why such rows pass: tests/fixtures/conv2d_runner.h).
run() {
  "$ab" run --suite "$src/tests/e2e/conv2d.yaml" -b "$1" -o "$tmp/$1" --no-clock -q \
    >"$tmp/$1.out" 2>"$tmp/$1.err"
  local rc=$?
  if [ $rc -eq 1 ] && grep -q "implausible" "$tmp/$1.err" &&
    ! grep -q "wrong_result\|failed\|crashed\|timeout" "$tmp/$1.err"; then
    rc=0
  fi
  check "$1: conv2d suite exits 0 (or 1 for timer-implausible rows only)" 0 $rc "$tmp/$1.err"
  $validate "$tmp/$1/run.json" "$schema" >"$tmp/$1.v" 2>&1
  check "$1: run file validates against the schema" 0 $? "$tmp/$1.v"
}

# rows RUNFILE PROVIDER:DTYPE...: every row ok (or implausible for its device timer alone)
# or unsupported with a reason, the others validated over every element; each
# PROVIDER:DTYPE given must have passed in both layouts for all three shapes.
rows() {
  python3 - "$@" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
ok = {}
for c in run["cases"]:
    k = c["kernel"]
    assert k["kind"] == "conv2d", c["id"]
    timer_only = c["status"] == "implausible" and (c["reason"].startswith("device timer:") or
                                                   "on a disturbed host" in c["reason"])
    assert c["status"] in ("ok", "unsupported") or timer_only, (c["id"], c["status"], c.get("reason"))
    if c["status"] == "unsupported":
        assert c["reason"], c["id"]
        continue
    v = c["validation"]
    assert v["checked"] and v["mismatches"] == 0, (c["id"], v)
    assert v["elements_checked"] == v["elements_total"] > 0, (c["id"], v)
    assert timer_only or c["rates"]["gflops_median"] > 0, c["id"]
    layout = k.get("layout", "nchw")
    assert layout in c["id"] and layout in k["shape_str"], c["id"]
    key = (c["provider"], k["dtype"])
    ok.setdefault(key, set()).add(k["shape_str"])
for want in sys.argv[2:]:
    prov, dtype = want.split(":")
    got = ok.get((prov, dtype), set())
    assert len(got) == 6, (want, sorted(got))
print(len(run["cases"]), "rows;", len(ok), "provider/dtype pairs ok")
PY
}

run cpu
rows "$tmp/cpu/run.json" native:f64 native:f32 native:f16 native:bf16 native:int8 \
  onednn:f32 onednn:bf16 onednn:int8 >"$tmp/cpu.rows" 2>&1
check "cpu: native in every dtype, onednn f32/bf16/int8, both layouts, all validated" 0 $? \
  "$tmp/cpu.rows"

run opencl
rows "$tmp/opencl/run.json" portable:f32 portable:bf16 portable:int8 >"$tmp/ocl.rows" 2>&1
check "opencl: portable f32/bf16/int8, both layouts, all validated" 0 $? "$tmp/ocl.rows"

# The schema knows the conv2d shape: a key missing, or an unknown layout, is refused.
python3 - "$tmp/cpu/run.json" "$tmp" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
c = next(c for c in run["cases"] if c["kernel"].get("layout") == "nhwc")
del c["kernel"]["shape"]["groups"]
json.dump(run, open(sys.argv[2] + "/no-groups.json", "w"))
c["kernel"]["shape"]["groups"] = 1
c["kernel"]["layout"] = "chwn"
json.dump(run, open(sys.argv[2] + "/bad-layout.json", "w"))
PY
$validate "$tmp/no-groups.json" "$schema" >"$tmp/s1" 2>&1
check "schema refuses a conv2d shape without groups" 1 $? "$tmp/s1"
$validate "$tmp/bad-layout.json" "$schema" >"$tmp/s2" 2>&1
check "schema refuses an unknown layout" 1 $? "$tmp/s2"

# The reporter renders conv2d rows from the kind's table (GFLOP/s, compute-bound).
"$ab" report "$tmp/cpu/run.json" "$tmp/opencl/run.json" -f md -o "$tmp/report" -q \
  >"$tmp/r.out" 2>&1
check "report renders the conv2d runs" 0 $? "$tmp/r.out"
grep -q "conv2d" "$tmp/report/report.md"
check "report lists conv2d rows" 0 $?

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
