#!/usr/bin/env bash
# End-to-end test of 'accelbench compare' on tests/fixtures/runs: side-by-side output in
# every format, the CI gate's exit codes and JUnit, bad run files, bad arguments, and
# output that cannot be written. Every exit code in --help is exercised.
# usage: compare_e2e.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
ab=$build/accelbench
runs=$src/tests/fixtures/runs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() { # check NAME EXPECTED_RC ACTUAL_RC [fixed-string file]
  local name=$1 want=$2 got=$3
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"; sed 's/^/    /' "$tmp/err" 2>/dev/null | head -5
    fail=$((fail + 1)); return
  fi
  if [ $# -ge 5 ] && ! grep -qF -- "$4" "$5"; then
    echo "FAIL $name: '$4' not in $5:"; sed 's/^/    /' "$5" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $name"; pass=$((pass + 1))
}

wellformed() { python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$1"; }

# 1. Side by side: three labs, default baseline, Markdown to stdout.
"$ab" compare "$runs/lab-cpu.json" "$runs/lab-gpu.json" "$runs/lab-npu.json" \
  >"$tmp/md" 2>"$tmp/err"
check "side by side exits 0" 0 $? "Baseline: **AMD EPYC (cpu:0 openblas)**" "$tmp/md"
for want in "| faster |" "| slower |" "| within noise |" "— (wrong_result)" \
            "— (baseline unsupported)" "## Left out" "power scopes differ" "npu-smoke" \
            "| timeout |" "| crashed |" "| failed |" "| skipped |" "| not run |" "GFLOP/s/W"; do
  grep -qF -- "$want" "$tmp/md"; check "markdown shows '$want'" 0 $?
done

# 2. Every format into a directory; the baseline chosen by BACKEND:INDEX.
"$ab" compare "$runs/lab-cpu.json" "$runs/lab-gpu.json" "$runs/lab-npu.json" -b cuda:0 \
  -f md,csv,json,junit -o "$tmp/out" >"$tmp/o" 2>"$tmp/err"
check "all formats written" 0 $?
for f in compare.md compare.csv compare.json compare-junit.xml; do
  test -s "$tmp/out/$f"; check "$f exists" 0 $?
done
grep -qF "Baseline: **NVIDIA H100 80GB HBM3 (cuda:0 cublas)**" "$tmp/out/compare.md"
check "--baseline cuda:0 picks the GPU" 0 $?
wellformed "$tmp/out/compare-junit.xml"; check "compare JUnit is well-formed XML" 0 $?
python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["baseline"] == 2' \
  "$tmp/out/compare.json"
check "compare JSON parses and names the baseline" 0 $?
python3 - "$tmp/out/compare.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 12 * 4, len(rows)
reasons = [r["reason"] for r in rows if "<script>" in r["reason"]]
assert reasons and '"quoted"' in reasons[0], reasons
PY
check "compare CSV: one row per key and subject, reasons intact" 0 $?

# 3. The gate: ci-baseline vs ci-current fails (exit 1) with each situation in the JUnit.
"$ab" compare --against "$runs/ci-baseline.json" "$runs/ci-current.json" --junit "$tmp/g.xml" \
  >"$tmp/gate" 2>"$tmp/err"
check "gate with a regression exits 1" 1 $? "**Result: FAIL**" "$tmp/gate"
wellformed "$tmp/g.xml"; check "gate JUnit is well-formed XML" 0 $?
python3 - "$tmp/g.xml" <<'PY'
import sys, xml.etree.ElementTree as E
cases = {c.get("name"): c for c in E.parse(sys.argv[1]).getroot().iter("testcase")}
def kind(name):
    c = cases["cpu:0/" + name]
    for k in ("failure", "skipped"):
        e = c.find(k)
        if e is not None:
            return k, e.get("type"), e.get("message")
    return "pass", None, c.findtext("system-out")
sq = "m=1024 n=1024 k=1024 nn"
k = kind("openblas/square/gemm/f32/" + sq)
assert k[:2] == ("failure", "regressed") and "ratio 0.900 (95% CI 0.882-0.918)" in k[2], k
assert kind("openblas/square/gemm/f64/" + sq)[0] == "pass"           # 3%: below 5%
assert kind("openblas/llm-7b/gemm/f32/m=1 n=4096 k=4096 nn")[0] == "pass"  # noise
assert "within noise" in kind("openblas/llm-7b/gemm/f32/m=1 n=4096 k=4096 nn")[2]
assert "faster" in kind("onednn/square/gemm/f32/" + sq)[2]
assert kind("onednn/square/gemm/bf16/" + sq)[:2] == ("failure", "newly failed")
assert kind("onednn/square/gemm/int8/" + sq)[:2] == ("failure", "newly wrong")
k = kind("onednn/llm-7b/gemm/f32/m=1 n=4096 k=4096 nn")
assert k[0] == "skipped" and "not in the current run" in k[2], k
k = kind("openblas/square/gemm/f32/m=512 n=512 k=512 nn")
assert k[0] == "skipped" and "new in the current run" in k[2], k
assert kind("openblas/square/gemm/bf16/" + sq)[0] == "skipped"       # still unsupported
cls = cases["cpu:0/openblas/square/gemm/f32/" + sq].get("classname")
assert cls == "cpu.AMD EPYC 9654.openblas", cls
assert len(cases) == 10, len(cases)
PY
check "gate JUnit: regressed, newly failed/wrong fail; missing/new/unsupported skipped" 0 $?

"$ab" compare --against "$runs/ci-baseline.json" "$runs/ci-current.json" --max-regression 50% \
  >"$tmp/gate2" 2>"$tmp/err"
check "new failures fail the gate whatever the threshold" 1 $? "## Newly failed (1)" "$tmp/gate2"
grep -qF "## Regressed" "$tmp/gate2"; check "threshold 50%: no regression listed" 1 $?
"$ab" compare --against "$runs/ci-baseline.json" "$runs/ci-current.json" -t 0.02 \
  >"$tmp/gate3" 2>"$tmp/err"
check "threshold 0.02 accepted" 1 $? "## Regressed (2)" "$tmp/gate3"

"$ab" compare --against "$runs/ci-baseline.json" "$runs/ci-baseline.json" --junit "$tmp/self.xml" \
  >"$tmp/self" 2>"$tmp/err"
check "baseline against itself exits 0" 0 $? "**Result: PASS**" "$tmp/self"
wellformed "$tmp/self.xml" && ! grep -q "<failure" "$tmp/self.xml"
check "self JUnit: well-formed, no failure" 0 $?

# 3b. The gate fails runs that are no fair comparison, whatever their cases say.
gate() { # NAME RC BASELINE CURRENT PATTERN [FILE]: run the gate, check exit and a pattern
  local name=$1 want=$2 base=$3 cur=$4 pat=$5 file=${6:-$tmp/gate}
  "$ab" compare --against "$base" "$cur" --junit "$tmp/gj.xml" >"$tmp/gate" 2>"$tmp/err"
  check "$name" "$want" $? "$pat" "$file"
}
gate "empty current run fails" 1 "$runs/ci-baseline.json" "$runs/ci-empty.json" \
  "gate failure (nothing compared): none of the baseline's 9 cases" "$tmp/err"
grep -qF 'type="nothing compared"' "$tmp/gj.xml"; check "empty run: JUnit failure" 0 $?
gate "cut-short run fails" 1 "$runs/ci-baseline.json" "$runs/ci-cut-short.json" \
  "**Gate failure (incomplete run):**"
grep -qF "WARNING: 2 of the baseline's 9 cases are missing" "$tmp/err"
check "missing cases: loud warning on stderr" 0 $?
wellformed "$tmp/gj.xml" && grep -qF 'type="incomplete run"' "$tmp/gj.xml"
check "cut-short run: JUnit failure" 0 $?
gate "lost coverage fails" 1 "$runs/ci-baseline.json" "$runs/ci-lost-coverage.json" \
  "## Newly unsupported (2)"
test "$(grep -c 'type="newly unsupported"' "$tmp/gj.xml")" -eq 2
check "lost coverage: two JUnit failures" 0 $?
gate "fewer than 6 samples: no interval, no regression" 0 "$runs/ci-baseline.json" \
  "$runs/ci-few-samples.json" "ratio 0.750 (no interval) of the baseline"
! grep -qi "nan" "$tmp/gate" "$tmp/gj.xml"; check "no 'nan' in gate output" 0 $?
gate "missing case warns" 1 "$runs/ci-baseline.json" "$runs/ci-current.json" \
  "WARNING: 1 of the baseline's 9 cases are missing" "$tmp/err"

# 3c. Text from run files and the command line stays valid UTF-8, XML and Markdown.
gate "507-byte Chinese reason" 1 "$runs/ci-baseline.json" "$runs/ci-cjk.json" "## Newly failed (1)"
wellformed "$tmp/gj.xml"; check "Chinese reason: gate JUnit is well-formed XML" 0 $?
python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$tmp/gate"
check "Chinese reason: gate Markdown is UTF-8" 0 $?
cp "$runs/ci-baseline.json" "$tmp/a\`b|c.json"
gate "path with a backtick" 0 "$tmp/a\`b|c.json" "$runs/ci-baseline.json" \
  "- baseline: $tmp/a\\\`b\\|c.json (started"
bad=$tmp/b$'\xff'.json
cp "$runs/lab-gpu.json" "$bad"
"$ab" compare "$bad" "$runs/lab-cpu.json" "$runs/lab-npu.json" -b cuda:0 -f json >"$tmp/j" \
  2>"$tmp/err"
check "invalid UTF-8 path: JSON written" 0 $?
python3 - "$tmp/j" <<'PY'
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
assert len(j["subjects"]) == 4, len(j["subjects"])
assert "cuda:0" in j["subjects"][j["baseline"]]["label"], j["subjects"][j["baseline"]]
assert j["subjects"][0]["run_file"].endswith("b\ufffd.json"), j["subjects"][0]["run_file"]
PY
check "invalid UTF-8 path: every subject, baseline index right" 0 $?
"$ab" compare "$bad" "$runs/lab-cpu.json" -f junit >"$tmp/x" 2>"$tmp/err"
wellformed "$tmp/x"; check "invalid UTF-8 path: JUnit well-formed" 0 $?

# 3d. Units follow the work: int8 GEMMs count operations.
"$ab" compare "$runs/lab-cpu.json" "$runs/lab-gpu.json" >"$tmp/md2" 2>"$tmp/err"
check "int8 perf/W in GOP/s/W" 0 $? "GOP/s/W" "$tmp/md2"
grep -qF "pJ/op" "$tmp/md2"; check "int8 energy in pJ/op" 0 $?

# 4. Bad run files: exit 2, the file and the field named (bad/NAME.expect).
for f in "$runs"/bad/*.json; do
  name=$(basename "$f" .json)
  "$ab" compare --against "$runs/ci-baseline.json" "$f" >"$tmp/o" 2>"$tmp/err"
  check "gate refuses bad/$name.json" 2 $? "$(cat "$runs/bad/$name.expect")" "$tmp/err"
  "$ab" compare "$f" "$runs/lab-cpu.json" >"$tmp/o" 2>"$tmp/err"
  check "side by side refuses bad/$name.json" 2 $? "$(cat "$runs/bad/$name.expect")" "$tmp/err"
done
"$ab" compare --against "$runs/ci-baseline.json" "$tmp/nope.json" >"$tmp/o" 2>"$tmp/err"
check "absent run file exits 2" 2 $? "nope.json" "$tmp/err"

# 5. Bad arguments: exit 2 with a message.
bad_args() { # NAME PATTERN ARGS...
  local name=$1 pat=$2; shift 2
  "$ab" compare "$@" >"$tmp/o" 2>"$tmp/err"
  check "$name" 2 $? "$pat" "$tmp/err"
}
bad_args "no run file" "no run file given"
bad_args "unknown option" "unrecognized option" --frobnicate "$runs/lab-cpu.json"
bad_args "unknown format" "unknown format 'pdf'" -f pdf "$runs/lab-cpu.json"
bad_args "empty format list" "no format named" -f , "$runs/lab-cpu.json"
bad_args "several formats to stdout" "need -o DIR" -f md,csv "$runs/lab-cpu.json"
bad_args "ambiguous baseline" "is ambiguous" -b cpu:0 "$runs/lab-cpu.json"
grep -qF "AMD EPYC (cpu:0 onednn)" "$tmp/err"; check "ambiguous baseline lists candidates" 0 $?
bad_args "unmatched baseline" "matches no subject" -b tpu "$runs/lab-cpu.json" "$runs/lab-gpu.json"
grep -qF "NVIDIA H100 80GB HBM3 (cuda:0 cublas)" "$tmp/err"
check "unmatched baseline lists subjects" 0 $?
for t in -5% 100% 150% 5 abc "" 0.05x nan; do
  bad_args "threshold '$t' refused" "--max-regression" --against "$runs/ci-baseline.json" \
    "$runs/ci-current.json" --max-regression "$t"
done
bad_args "gate takes one current file" "exactly one CURRENT" --against "$runs/ci-baseline.json" \
  "$runs/ci-current.json" "$runs/lab-cpu.json"
bad_args "gate without current file" "exactly one CURRENT" --against "$runs/ci-baseline.json"
bad_args "--junit without --against" "need --against" --junit "$tmp/x.xml" "$runs/lab-cpu.json"
bad_args "--baseline with --against" "not the gate" -b cpu:0 --against "$runs/ci-baseline.json" \
  "$runs/ci-current.json"

# 6. Output that cannot be written: exit 3, even when the gate would have failed.
"$ab" compare --against "$runs/ci-baseline.json" "$runs/ci-current.json" \
  --junit "$tmp/no/such/dir/j.xml" >"$tmp/o" 2>"$tmp/err"
check "unwritable --junit exits 3" 3 $? "cannot write" "$tmp/err"
touch "$tmp/file"
"$ab" compare "$runs/lab-cpu.json" -o "$tmp/file/sub" >"$tmp/o" 2>"$tmp/err"
check "uncreatable -o DIR exits 3" 3 $? "cannot create output directory" "$tmp/err"
if [ -w /dev/full ]; then
  "$ab" compare "$runs/lab-cpu.json" >/dev/full 2>"$tmp/err"
  check "full stdout exits 3" 3 $?
  "$ab" compare --against "$runs/ci-baseline.json" "$runs/ci-baseline.json" \
    >/dev/full 2>"$tmp/err"
  check "gate to a full stdout exits 3" 3 $?
fi

# 7. --help documents every exit code.
"$ab" compare --help >"$tmp/help" 2>"$tmp/err"
check "--help exits 0" 0 $? "exit codes:" "$tmp/help"
grep -qF "newly unsupported" "$tmp/help"; check "--help names newly unsupported" 0 $?
for code in 0 1 2 3; do
  grep -qE "^  $code  " "$tmp/help"; check "--help documents exit $code" 0 $?
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
