# Shared by tests/isolation/resume_e2e.sh and scripts/bench-resume.sh (source it): start an
# `accelbench run` in its own process group, interrupt it at a chosen moment, resume it,
# and count lost and repeated cases from the run file and the journal.
# Needs: $ab (accelbench binary), $src (source tree), ACCELBENCH_BACKEND_PATH pointing at
# the crashy test backend, python3 with jsonschema.

# interrupt_run OUT SIGNAL DELAY TARGET [EXTRA-ARGS...]: run (or, with TARGET resume-*,
# resume) into OUT and send SIGNAL after DELAY seconds to the whole process group (TARGET
# group, what a terminal's Ctrl-C or a job scheduler does) or to the parent only (TARGET
# parent). DELAY +S counts from the moment the run has saved OUT/invocation.json (start-up,
# backend discovery included, takes a few hundred ms and varies with machine load), so a
# test's kill point lands in the cases however slow the start. Leaves the exit code in
# $ab_rc and stderr in OUT.err.
interrupt_run() {
  local out=$1 sig=$2 delay=$3 target=$4
  shift 4
  local args=(run --suite "$src/tests/isolation/resume.yaml" -b crashy -p ok -o "$out"
    --no-clock -q --no-progress "$@")
  case $target in resume-*) args=(run --resume "$out" -q --no-progress) target=${target#resume-} ;; esac
  mkdir -p "$out"
  # setsid: the run leads a process group of its own, so the group kill below reaches its
  # worker too and nothing else. Started from a script, the job is no group leader, so
  # setsid does not fork and $! is accelbench itself.
  setsid "$ab" "${args[@]}" >"$out.out" 2>"$out.err" &
  local pid=$!
  if [ "${delay#+}" != "$delay" ]; then
    delay=${delay#+}
    wait_started "$out" "$pid"
  fi
  sleep "$delay"
  if [ "$target" = group ]; then
    kill "-$sig" -- "-$pid" 2>/dev/null
  else
    kill "-$sig" "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  ab_rc=$?
  # A SIGKILLed parent cannot reap or kill its worker; the group kill already did.
  kill -KILL -- "-$pid" 2>/dev/null
  return 0
}

# wait_started OUT PID: wait (at most 10 s) until the run PID has saved OUT/invocation.json.
wait_started() {
  for _ in $(seq 1 1000); do
    if [ -e "$1/invocation.json" ] || ! kill -0 "$2" 2>/dev/null; then
      return 0
    fi
    sleep 0.01
  done
}

# resume_run OUT: finish the run in OUT; exit code in $ab_rc.
resume_run() {
  "$ab" run --resume "$1" -q --no-progress >"$1.resume.out" 2>"$1.resume.err"
  ab_rc=$?
}

# check_resumed OUT BEFORE-JOURNAL: print "lost L repeated R" and details; exit status 0
# only if the run file is complete, schema-valid, holds every planned case once with status
# ok, and the journal holds each plan index once, starting with the lines it held before
# the resume (finished cases are kept, not run again).
check_resumed() {
  python3 - "$1/run.json" "$1/journal.jsonl" "$2" "$src/reports/schema/run-file.schema.json" \
    "$src/tests/runfile" <<'PY'
import json, sys
run_path, journal_path, before_path, schema_path, validator_dir = sys.argv[1:6]
sys.path.insert(0, validator_dir)
problems = []
run = json.load(open(run_path))
cases = run["cases"]
planned = 12
lines = [json.loads(l) for l in open(journal_path)]
before = [l for l in open(before_path) if l.endswith("\n")]  # a torn tail is dropped
idx = [l["plan_index"] for l in lines]
repeated = len(idx) - len(set(idx))
present = {l["plan_index"] for l in lines if l["case"]["status"] == "ok"}
lost = planned - len(present & set(range(planned)))
if not run["complete"]:
    problems.append("run file not marked complete")
if len(cases) != planned:
    problems.append(f"{len(cases)} cases in the run file, expected {planned}")
ids = [c["id"] for c in cases]
if len(set(ids)) != len(ids):
    problems.append("duplicate case ids in the run file")
bad = [(c["id"], c["status"], c.get("reason")) for c in cases if c["status"] != "ok"]
if bad:
    problems.append(f"cases not ok: {bad}")
    lost = max(lost, len(bad))
if [json.loads(l) for l in before] != lines[:len(before)]:
    problems.append("journal lines written before the interruption changed or were dropped")
for l in lines:
    if l["case"]["id"] != cases[l["plan_index"]]["id"]:
        problems.append(f"journal plan_index {l['plan_index']} holds {l['case']['id']}")
try:
    import jsonschema
    errors = list(jsonschema.Draft202012Validator(json.load(open(schema_path))).iter_errors(run))
    if errors:
        problems.append(f"{len(errors)} schema errors, first: {errors[0].message[:200]}")
except ImportError:
    problems.append("python3-jsonschema missing")
print(f"lost {lost} repeated {repeated} (journal before resume: {len(before)} lines)")
for p in problems:
    print("  problem:", p)
sys.exit(1 if problems or lost or repeated else 0)
PY
}
