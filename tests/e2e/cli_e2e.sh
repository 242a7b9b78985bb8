#!/usr/bin/env bash
# End-to-end test of the accelbench CLI: real runs write run files that validate against
# the JSON Schema; exit codes follow the documented contract; bad input is answered.
# usage: cli_e2e.sh BUILD_DIR SOURCE_DIR MODULE_DIR
set -uo pipefail
build=$1 src=$2 modules=$3
ab=$build/accelbench
schema=$src/reports/schema/run-file.schema.json
validate="python3 $src/tests/runfile/validate_runfile.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() { # check NAME EXPECTED_RC ACTUAL_RC [grep-pattern file]
  local name=$1 want=$2 got=$3
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"; fail=$((fail + 1)); return
  fi
  if [ $# -ge 5 ] && ! grep -q -- "$4" "$5"; then
    echo "FAIL $name: '$4' not in $5:"; sed 's/^/    /' "$5" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $name"; pass=$((pass + 1))
}

# 1. CPU backend, tiny suite: every case ok or unsupported, exit 0, schema-valid run file.
"$ab" run --suite "$src/tests/e2e/tiny.yaml" --backend cpu -o "$tmp/cpu" --no-clock \
  >"$tmp/cpu.out" 2>"$tmp/cpu.err"
check "cpu run exits 0" 0 $? "status" "$tmp/cpu.out"
$validate "$tmp/cpu/run.json" "$schema" >"$tmp/v1" 2>&1
check "cpu run file validates against the schema" 0 $?
python3 - "$tmp/cpu/run.json" "$tmp/cpu/journal.jsonl" >"$tmp/c1" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
journal = [json.loads(l) for l in open(sys.argv[2])]
cases = run["cases"]
assert run["complete"] is True, "run marked complete"
assert len(cases) == len(journal), f"{len(cases)} cases vs {len(journal)} journal lines"
st = {(c["provider"], c["kernel"]["dtype"]): c["status"] for c in cases}
assert st[("openblas", "f32")] == "ok" and st[("onednn", "f32")] == "ok", st
assert st[("openblas", "f64")] == "ok", st
assert st[("onednn", "bf16")] == "ok" and st[("onednn", "int8")] == "ok", st
assert st[("openblas", "f16")] == "unsupported", st
for c in cases:
    assert c["status"] in ("ok", "unsupported"), (c["id"], c["status"], c.get("reason"))
    if c["status"] == "unsupported":
        assert c["reason"], c["id"]
print("statuses as expected:", sorted(set(st.values())))
PY
check "cpu run file has one row per planned case, right statuses" 0 $?
# The harness's thread-wait defaults (bench/cli/cli_main.c) are in the CPU device's facts;
# a user's own setting wins.
grep -o '"library_env": "[^"]*"' "$tmp/cpu/run.json" >"$tmp/env1" 2>&1
grep -q "OMP_WAIT_POLICY=passive" "$tmp/env1" && grep -q "OPENBLAS_THREAD_TIMEOUT=16" "$tmp/env1"
check "run sets OMP_WAIT_POLICY=passive and OPENBLAS_THREAD_TIMEOUT=16, recorded" 0 $?
OPENBLAS_THREAD_TIMEOUT=20 "$ab" run --suite "$src/tests/e2e/tiny.yaml" -b cpu -p openblas \
  -o "$tmp/env-user" --no-clock -q >"$tmp/env-user.out" 2>&1
grep -o '"library_env": "[^"]*"' "$tmp/env-user/run.json" >"$tmp/env2" 2>&1
grep -q "OPENBLAS_THREAD_TIMEOUT=20" "$tmp/env2" && ! grep -q "OPENBLAS_THREAD_TIMEOUT=16" "$tmp/env2"
check "a user's OPENBLAS_THREAD_TIMEOUT wins" 0 $?
[ -s "$tmp/cpu/summary.md" ]
check "summary.md written" 0 $?

# 1b. CPU and OpenCL (POCL in CI) in one run file, microbenchmarks included: every GEMM
#     path validated, every row ok or unsupported with a reason.
"$ab" run --suite "$src/tests/e2e/both.yaml" -b cpu,opencl -o "$tmp/both" --no-clock -q \
  >"$tmp/both.out" 2>"$tmp/both.err"
check "cpu + opencl run exits 0" 0 $? "ok" "$tmp/both.err"
python3 - "$tmp/both/run.json" >"$tmp/b1" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
by = {}
for c in run["cases"]:
    by.setdefault(c["backend"], []).append(c)
    assert c["status"] in ("ok", "unsupported"), (c["id"], c["status"], c.get("reason"))
    if c["status"] == "unsupported":
        assert c["reason"], c["id"]
assert set(by) == {"cpu", "opencl"}, by.keys()
ok = {(c["provider"], c["kernel"]["kind"], c["kernel"]["dtype"]) for c in by["opencl"]
      if c["status"] == "ok"}
for want in [("portable", "gemm", "f32"), ("portable", "gemm", "f16"), ("portable", "gemm", "int8"),
             ("clblast", "gemm", "f32"), ("clblast", "gemm", "f64"), ("portable", "peak", "f32"),
             ("portable", "membw", "int8"), ("portable", "launch", "int8")]:
    assert want in ok, (want, sorted(ok))
for c in by["opencl"]:
    if c["status"] == "ok":
        assert c["timing"]["source"] == "device", c["id"]  # event timing
        assert c["timing"]["host_time_s"]["median"] >= c["timing"]["time_s"]["median"] * 0.95
        assert c["validation"]["mismatches"] == 0
print(len(run["cases"]), "cases on", sorted(by))
PY
check "cpu + opencl in one run file: every path ok or unsupported, event timing" 0 $?
$validate "$tmp/both/run.json" "$schema" >"$tmp/v4" 2>&1
check "cpu + opencl run file validates" 0 $?

# 2. Test backend with misbehaving providers: wrong results and failures give exit 1.
ACCELBENCH_BACKEND_PATH=$modules "$ab" run --suite "$src/tests/e2e/tiny.yaml" --backend fake \
  -o "$tmp/fake" --no-clock -q >"$tmp/fake.out" 2>"$tmp/fake.err"
check "wrong results exit 1" 1 $? "wrong_result" "$tmp/fake.err"
$validate "$tmp/fake/run.json" "$schema" >"$tmp/v2" 2>&1
check "run file with every status validates" 0 $?

# 2b. Power: no source -> every case says "not measured" with the reason, never a number;
#     a meter file (the lab-meter path) -> energy from the timed window, scope named,
#     idle baseline measured, and no net figure where net power is within its noise.
python3 - "$tmp/cpu/run.json" >"$tmp/p0" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
for c in run["cases"]:
    if c["status"] == "ok":
        assert "not_measured" in c["power"], c["power"]
        assert not any(k.endswith("_w") or k.endswith("_j") for k in c["power"]), c["power"]
print("no source: not measured")
PY
check "no power source: every ok case says not measured" 0 $?
echo "42.5 W" >"$tmp/meter.txt"
"$ab" run --suite "$src/tests/e2e/tiny.yaml" -b cpu -p openblas -P file="$tmp/meter.txt" \
  -P file.scope=node -P file.period_s=0.05 -P min_window_s=0.3 --idle-baseline 0.5 \
  -o "$tmp/power" --no-clock -q >"$tmp/pw.out" 2>"$tmp/pw.err"
check "run with a meter file exits 0" 0 $? "idle power" "$tmp/pw.err"
python3 - "$tmp/power/run.json" >"$tmp/p1" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
ok = [c for c in run["cases"] if c["status"] == "ok"]
assert ok
for c in ok:
    s = c["power"]["sources"][0]
    assert s["scope"] == "node" and s["valid"], s
    assert abs(s["avg_w"] - 42.5) < 1e-6, s["avg_w"]
    assert s["duration_s"] >= 0.3 and c["timing"]["measured_s"] >= 0.3, "window stretched"
    assert abs(s["idle_w"] - 42.5) < 1e-6, "idle baseline reached the worker"
    assert s["idle_se_w"] == 0, "and its spread with it"
    assert s["energy_j"] > 0 and s["gflops_per_w"] > 0
    # The meter reads 42.5 W at idle too: net power is 0, inside its uncertainty.
    assert s["net_not_measurable"].startswith("net power within noise"), s
    assert not any(k.startswith("net_") and k != "net_not_measurable" and
                   k != "net_uncertainty_w" for k in s), s
print("meter file: measured")
PY
check "meter file: energy, scope and idle baseline in every ok case" 0 $?
$validate "$tmp/power/run.json" "$schema" >"$tmp/v3" 2>&1
check "run file with power validates" 0 $?
"$ab" run -P nosuchkey=1 --suite "$src/tests/e2e/tiny.yaml" >"$tmp/o" 2>"$tmp/e"
check "unknown power option exits 2" 2 $? "nosuchkey" "$tmp/e"

# 3. Bad input is answered with a message and exit 2 or 3, never a crash.
"$ab" run --bogus >"$tmp/o" 2>"$tmp/e"; check "unknown option exits 2" 2 $? "bogus" "$tmp/e"
"$ab" run --suite nosuchsuite >"$tmp/o" 2>"$tmp/e"; check "unknown suite exits 2" 2 $? "nosuchsuite" "$tmp/e"
"$ab" run --time-cap -1 >"$tmp/o" 2>"$tmp/e"; check "bad --time-cap exits 2" 2 $? "time-cap" "$tmp/e"
"$ab" run --backend nosuch --suite "$src/tests/e2e/tiny.yaml" >"$tmp/o" 2>"$tmp/e"
check "unknown backend exits 2" 2 $? "nosuch" "$tmp/e"
"$ab" run --device cpu:7 --suite "$src/tests/e2e/tiny.yaml" >"$tmp/o" 2>"$tmp/e"
check "unknown device exits 2" 2 $? "cpu:7" "$tmp/e"
printf 'suite: x\ngemm: [\n' >"$tmp/broken.yaml"
"$ab" run --suite "$tmp/broken.yaml" >"$tmp/o" 2>"$tmp/e"; check "broken config exits 2" 2 $? "broken.yaml:" "$tmp/e"
touch "$tmp/afile"
"$ab" run --suite "$src/tests/e2e/tiny.yaml" -b cpu -o "$tmp/afile/out" --no-clock >"$tmp/o" 2>"$tmp/e"
check "unwritable output exits 3" 3 $? "afile/out" "$tmp/e"
"$ab" frobnicate >"$tmp/o" 2>"$tmp/e"; check "unknown command exits 2" 2 $? "frobnicate" "$tmp/e"
# A full disk under the journal (journal.jsonl -> /dev/full: every write fails with ENOSPC):
# the run stops with exit 3 and says why, and what was measured still goes to run.json.
mkdir -p "$tmp/full" && ln -s /dev/full "$tmp/full/journal.jsonl"
"$ab" run --suite "$src/tests/e2e/tiny.yaml" -b cpu -o "$tmp/full" --no-clock -q >"$tmp/o" 2>"$tmp/e"
check "full disk under the journal exits 3, naming the error" 3 $? "No space left on device" "$tmp/e"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['complete'] is False" \
  "$tmp/full/run.json" >"$tmp/o" 2>&1
check "full disk: run.json still written, marked incomplete" 0 $?

# 4. Help and list.
for cmd in "--help" "run --help" "list --help"; do
  $ab $cmd >"$tmp/o" 2>&1; check "accelbench $cmd" 0 $? "usage" "$tmp/o"
done
"$ab" list >"$tmp/o" 2>&1; check "list shows the cpu backend" 0 $? "cpu:0" "$tmp/o"
grep -q "rapl" "$tmp/o"; check "list shows power sources" 0 $?
ACCELBENCH_BACKEND_PATH=$modules "$ab" list >"$tmp/o" 2>&1
check "list shows refused modules with the reason" 0 $? "99.3" "$tmp/o"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
