#!/usr/bin/env bash
# End-to-end test of the journal and --resume: a run killed (SIGKILL of its whole process
# group) or interrupted (SIGINT, SIGTERM) at several moments, then resumed, ends with every
# planned case exactly once, none lost and none run twice; an interrupted run leaves a
# valid run file marked incomplete and exits 4.
# usage: resume_e2e.sh BUILD_DIR SOURCE_DIR MODULE_DIR   (AB_RESUME_SEED=N to replay)
set -uo pipefail
build=$1 src=$2 modules=$3
ab=$build/accelbench
validate="python3 $src/tests/runfile/validate_runfile.py"
schema=$src/reports/schema/run-file.schema.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ACCELBENCH_BACKEND_PATH=$modules
# shellcheck source=resume_lib.sh
. "$src/tests/isolation/resume_lib.sh"
seed=${AB_RESUME_SEED:-$(date +%s)}
RANDOM=$seed
echo "kill-point seed $seed (AB_RESUME_SEED=$seed to replay)"
pass=0 fail=0

check() { # check NAME OK(0/1) [FILE-TO-SHOW]
  if [ "$2" -ne 0 ]; then
    echo "FAIL $1"
    [ $# -ge 3 ] && sed 's/^/    /' "$3" | tail -20
    fail=$((fail + 1))
    return
  fi
  echo "ok   $1"
  pass=$((pass + 1))
}

# jitter: 0.000-0.299 s, so kill points differ between runs (seed printed above).
jitter() { printf '0.%03d' $((RANDOM % 300)); }

# Interrupted, not killed: partial run file, exit 4, unfinished cases listed as skipped.
check_partial() { # check_partial OUT
  python3 - "$1/run.json" "$1/journal.jsonl" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
journal = [json.loads(l) for l in open(sys.argv[2])]
cases = run["cases"]
assert run["complete"] is False, "interrupted run marked complete"
assert len(cases) == 12, f"{len(cases)} rows, expected all 12 planned cases"
done = {l["plan_index"] for l in journal}
for i, c in enumerate(cases):
    if i in done:
        assert c["status"] == "ok", (c["id"], c["status"], c.get("reason"))
    else:
        assert c["status"] == "skipped" and "--resume" in c.get("reason", ""), \
            (c["id"], c["status"], c.get("reason"))
print(f"{len(done)} finished, {12 - len(done)} skipped")
PY
}

# 1. SIGKILL of the process group at three moments (early, middle, late; seconds after the
# run saved its invocation), then resume.
for base in 0.1 1.3 2.5; do
  d=$(awk -v a="$base" -v b="$(jitter)" 'BEGIN { printf "%.3f", a + b }')
  out=$tmp/kill-$base
  interrupt_run "$out" KILL "+$d" group
  killed_rc=$ab_rc
  cp "$out/journal.jsonl" "$out.before" 2>/dev/null || : >"$out.before"
  # The last kill point also gets a torn journal tail, as a kill in the middle of writing
  # a line leaves it: the loader must drop it and run that case again.
  [ "$base" = 2.5 ] && printf '{"plan_index": 11, "case": {"id": "crashy:0/ok/squ' \
    >>"$out/journal.jsonl"
  resume_run "$out"
  resume_rc=$ab_rc
  check_resumed "$out" "$out.before" >"$out.check" 2>&1
  ok=$?
  [ "$killed_rc" -eq 137 ] && [ "$resume_rc" -eq 0 ] || ok=1
  echo "    SIGKILL at ${d}s: killed rc $killed_rc, resume rc $resume_rc, $(head -1 "$out.check")"
  check "SIGKILL at ${d}s then --resume: nothing lost or repeated" $ok "$out.check"
done

# 2. SIGINT to the process group (Ctrl-C in a terminal reaches the worker too).
out=$tmp/int-group
interrupt_run "$out" INT "+1.$((RANDOM % 9))" group
check "SIGINT to the group exits 4 (got $ab_rc)" $((ab_rc != 4)) "$out.err"
$validate "$out/run.json" "$schema" >"$out.v" 2>&1
check "partial run file after SIGINT validates against the schema" $? "$out.v"
check_partial "$out" >"$out.p" 2>&1
check "partial run file: finished cases ok, the rest skipped with a reason" $? "$out.p"
cp "$out/journal.jsonl" "$out.before"
resume_run "$out"
check_resumed "$out" "$out.before" >"$out.check" 2>&1
ok=$?
check "--resume after SIGINT completes (rc $ab_rc): $(head -1 "$out.check")" \
  $((ok != 0 || ab_rc != 0)) "$out.check"

# 3. SIGTERM to the parent only: it must stop its worker itself.
out=$tmp/term-parent
interrupt_run "$out" TERM "+1.$((RANDOM % 9))" parent
check "SIGTERM to the parent exits 4 (got $ab_rc)" $((ab_rc != 4)) "$out.err"
check_partial "$out" >"$out.p" 2>&1
check "partial run file after SIGTERM" $? "$out.p"
cp "$out/journal.jsonl" "$out.before"
resume_run "$out"
check_resumed "$out" "$out.before" >"$out.check" 2>&1
ok=$?
check "--resume after SIGTERM completes (rc $ab_rc): $(head -1 "$out.check")" \
  $((ok != 0 || ab_rc != 0)) "$out.check"

# 4. The resumed run is killed too; a second resume still finishes with nothing repeated.
out=$tmp/twice
interrupt_run "$out" KILL "+0.$((RANDOM % 9 + 1))" group
cp "$out/journal.jsonl" "$out.before" 2>/dev/null || : >"$out.before"
interrupt_run "$out" KILL "1.$((RANDOM % 9))" resume-group
resume_run "$out"
check_resumed "$out" "$out.before" >"$out.check" 2>&1
ok=$?
check "killed, resumed, killed again, resumed (rc $ab_rc): $(head -1 "$out.check")" \
  $((ok != 0 || ab_rc != 0)) "$out.check"

# 5. Resuming a finished run runs nothing and leaves the journal as it was.
cp "$out/journal.jsonl" "$out.final"
resume_run "$out"
cmp -s "$out/journal.jsonl" "$out.final" && grep -q "12 of 12" "$out.resume.err"
check "--resume of a finished run runs nothing (rc $ab_rc)" $(($? != 0 || ab_rc != 0)) \
  "$out.resume.err"

# 6. In-process (--no-isolation) runs stop between cases on SIGINT and resume in-process.
out=$tmp/inproc
interrupt_run "$out" INT "+1.$((RANDOM % 9))" parent --no-isolation
check "SIGINT --no-isolation exits 4 (got $ab_rc)" $((ab_rc != 4)) "$out.err"
check_partial "$out" >"$out.p" 2>&1
check "partial run file after SIGINT --no-isolation" $? "$out.p"
cp "$out/journal.jsonl" "$out.before"
resume_run "$out"
check_resumed "$out" "$out.before" >"$out.check" 2>&1
ok=$?
python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["suite"]["effective"]["isolation"] is not False)' \
  "$out/run.json" || ok=1
check "--resume keeps --no-isolation and completes (rc $ab_rc)" $((ok != 0 || ab_rc != 0)) \
  "$out.check"

# 7. A journal that belongs to another plan is refused with the line named, exit 2.
out=$tmp/foreign
interrupt_run "$out" KILL "+0.6" group
sed -i '1s/"plan_index":[0-9]*/"plan_index":99/' "$out/journal.jsonl"
resume_run "$out"
grep -q "journal.jsonl:1: plan_index" "$out.resume.err"
check "foreign journal refused with exit 2 naming the line (rc $ab_rc)" \
  $(($? != 0 || ab_rc != 2)) "$out.resume.err"

# 8. A parent killed alone (SIGKILL, the OOM killer) must not leave its worker behind: a
# worker that outlives it keeps the device busy and skews the resumed run, and one stuck in
# a driver call (the `hang` provider) never ends at all.
out=$tmp/orphan
mkdir -p "$out"
cp "$src/tests/isolation/resume.yaml" "$out/suite.yaml" # its path marks our workers
"$ab" run --suite "$out/suite.yaml" -b crashy -p hang --case-timeout 60 -o "$out" --no-clock \
  -q --no-progress >"$out.out" 2>&1 &
pid=$!
wait_started "$out" "$pid"
sleep 0.5
kill -KILL "$pid"
wait "$pid" 2>/dev/null
sleep 1
pgrep -af -- "$out/suite.yaml" >"$out.left"
left=$?
for p in $(pgrep -f -- "$out/suite.yaml"); do kill -KILL "$p"; done # clean up what we started
check "no worker outlives a SIGKILLed parent" $((left == 0)) "$out.left"

# 9. --resume works from another working directory than the run (a suite given by a
# relative path must still be found).
out=$tmp/relative
mkdir -p "$out.cwd"
sed 's/sizes: \[.*\]/sizes: [8, 12, 16]/' "$src/tests/isolation/resume.yaml" >"$out.cwd/suite.yaml"
(cd "$out.cwd" && exec setsid "$ab" run --suite suite.yaml -b crashy -p ok -o "$out" --no-clock \
  -q --no-progress >"$out.out" 2>"$out.err") &
pid=$!
wait_started "$out" "$pid"
sleep 0.3
kill -KILL -- "-$pid" 2>/dev/null
wait "$pid" 2>/dev/null
(cd / && "$ab" run --resume "$out" -q --no-progress >"$out.resume.out" 2>"$out.resume.err")
rc=$?
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not (r["complete"] and len(r["cases"]) == 3 and all(c["status"] == "ok" for c in r["cases"])))' \
  "$out/run.json" 2>>"$out.resume.err"
check "--resume from another directory finds a relatively named suite (rc $rc)" \
  $(($? != 0 || rc != 0)) "$out.resume.err"

# 10. Killed during start-up: if the run had not yet saved its invocation there is nothing to
# resume and --resume says so (exit 2); if it had, the resume finishes the run.
out=$tmp/startup
interrupt_run "$out" KILL 0.05 group
if [ -e "$out/invocation.json" ]; then
  resume_run "$out"
  check "killed in start-up after the invocation was saved: resume completes (rc $ab_rc)" \
    $((ab_rc != 0)) "$out.resume.err"
else
  resume_run "$out"
  grep -q "invocation.json" "$out.resume.err"
  check "killed before the invocation was saved: --resume refuses, naming it (rc $ab_rc)" \
    $(($? != 0 || ab_rc != 2)) "$out.resume.err"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
