#!/usr/bin/env bash
# End-to-end test of what a user sees: plain `accelbench` is usage, `plan` / `run
# --dry-run` list the cases with an upper-bound estimate and run nothing, the summary table
# fits $COLUMNS, the last lines name every file written, a misspelt -O key is refused with
# the valid keys, --baseline qualifiers pick one subject or list the matches, progress has
# elapsed time and an ETA.
# usage: cli_ux_e2e.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
ab=$build/accelbench
tiny=$src/tests/e2e/tiny.yaml
runs=$src/tests/fixtures/runs
# shellcheck source=SCRIPTDIR/../lib/check.sh
source "$src/tests/lib/check.sh"

# Widest line of a file in display columns (UTF-8 aware).
widest() { python3 -c 'import sys; print(max((len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")), default=0))' "$1"; }

"$ab" >"$tmp/plain.out" 2>"$tmp/plain.err"
check "plain accelbench prints usage and exits 2" 2 $? "usage: accelbench" "$tmp/plain.err"
[ ! -d results ] || [ -z "$(find results -newer "$tmp/plain.err" 2>/dev/null)" ]
check "... and runs nothing" 0 $?

"$ab" plan --suite "$tiny" --backend cpu >"$tmp/plan.out" 2>"$tmp/plan.err"
check "plan exits 0" 0 $? "upper bound" "$tmp/plan.out"
n_plan=$(grep -c "^cpu:0 " "$tmp/plan.out")
"$ab" run --dry-run --suite "$tiny" --backend cpu -o "$tmp/dry" >"$tmp/dry.out" 2>&1
check "run --dry-run is plan" 0 $? "estimate: at most" "$tmp/dry.out"
[ ! -e "$tmp/dry" ]
check "--dry-run writes no output directory" 0 $?

COLUMNS=72 "$ab" run --suite "$tiny" --backend cpu --no-clock -o "$tmp/run" >"$tmp/run.out" 2>"$tmp/run.err"
check "tiny run exits 0" 0 $?
w=$(widest "$tmp/run.out")
[ "$w" -le 72 ]
check "summary table fits COLUMNS=72 (widest line $w)" 0 $?
grep -q "…" "$tmp/run.out"
check "cut text ends in an ellipsis" 0 $?
n_run=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["cases"]))' "$tmp/run/run.json")
[ "$n_plan" -eq "$n_run" ]
check "plan listed every case the run ran ($n_plan vs $n_run)" 0 $?
COLUMNS=400 "$ab" run --suite "$tiny" --backend cpu --no-clock -o "$tmp/wide" >"$tmp/wide.out" 2>/dev/null
! grep -q "…" "$tmp/wide.out"
check "a wide terminal cuts nothing" 0 $?

# The closing lines: every file of the run directory, each one existing.
# (paths only: under LeakSanitizer its "Suppressions used" table follows at exit)
sed -n '/^accelbench: wrote /,$p' "$tmp/run.err" | tail -n +2 | sed 's/^ *//' | grep '^/' \
  >"$tmp/files"
missing=0
for f in run.json journal.jsonl summary.md report.md report.html manifest.json; do
  grep -qx "$tmp/run/$f" "$tmp/files" || { echo "    not named: $f"; missing=1; }
done
while read -r f; do [ -f "$f" ] || { echo "    named but absent: $f"; missing=1; }; done <"$tmp/files"
check "last lines name every file written" 0 $missing

"$ab" run --suite "$tiny" --backend cpu -O thread=2 -o "$tmp/typo" >"$tmp/typo.out" 2>&1
check "-O thread=2 is refused" 2 $? "valid keys: cpu: threads pin" "$tmp/typo.out"
[ ! -e "$tmp/typo" ]
check "... before anything runs" 0 $?

"$ab" run --suite nosuchsuite >"$tmp/suite.out" 2>&1
check "unknown suite names the directories searched" 2 $? "$src/configs" "$tmp/suite.out"

"$ab" compare "$runs/lab-cpu.json" "$runs/lab-cpu.json" --baseline cpu:0/openblas >"$tmp/b1" 2>&1
check "--baseline matching two runs is ambiguous, listing both" 2 $? "is ambiguous.*run 1.*run 2" "$tmp/b1"
"$ab" compare "$runs/lab-cpu.json" "$runs/lab-cpu.json" --baseline 'cpu:0/openblas#2' >"$tmp/b2" 2>&1
check "--baseline SEL#2 picks the second run" 0 $? "Baseline: \*\*AMD EPYC (cpu:0 openblas) run 2" "$tmp/b2"
host=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["system"]["hostname"])' "$runs/lab-gpu.json")
"$ab" compare "$runs/lab-cpu.json" "$runs/lab-gpu.json" --baseline "@$host" >"$tmp/b3" 2>&1
rc=$?
if [ "$host" != "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["system"]["hostname"])' "$runs/lab-cpu.json")" ]; then
  check "--baseline @HOST picks that host's one subject" 0 $rc "Baseline: \*\*NVIDIA" "$tmp/b3"
fi
"$ab" compare "$runs/lab-cpu.json" --baseline 'cpu:0#3' >"$tmp/b4" 2>&1
check "--baseline #N past the runs matches nothing" 2 $? "matches no subject" "$tmp/b4"

# Progress needs a terminal: script(1) gives the run one.
if command -v script >/dev/null; then
  COLUMNS=100 setsid -w script -qec "$ab run --suite $tiny --backend cpu --no-clock -q -o $tmp/tty" \
    /dev/null >"$tmp/tty.out" 2>&1
  check "progress line shows elapsed time and ETA" 0 $? "\[[0-9]*/[0-9]* [0-9hms]*, ETA " "$tmp/tty.out"
fi

finish cli_ux_e2e
