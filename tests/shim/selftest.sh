#!/usr/bin/env bash
# Runs the shim's self-test program (selftest.c) and checks the runner's verdicts:
#   selftest.sh [EMULATOR...] PROGRAM
# Every "pass/*" test must pass, "fail/*" fail, "skip/*" be skipped, the program must exit
# non-zero, and the failure messages must say file:line and what failed.
set -uo pipefail
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" >"$out" 2>&1
rc=$?
bad=0
fail() { echo "shim selftest: $*"; bad=1; }
[ "$rc" -eq 1 ] || fail "exit status $rc, want 1 (a failed test)"
for want in PASS:pass FAIL:fail SKIP:skip; do
  verdict=${want%%:*} suite=${want#*:}
  wrong=$(grep -E "^(PASS|FAIL|SKIP) $suite/" "$out" | grep -v "^$verdict ")
  [ -z "$wrong" ] || fail "wrong verdict: $wrong"
done
listed=$("$@" --list | wc -l)
judged=$(grep -cE '^(PASS|FAIL|SKIP) ' "$out")
[ "$listed" -gt 0 ] && [ "$listed" -eq "$judged" ] || fail "$listed tests listed, $judged judged"
expect() { grep -qF -- "$1" "$out" || fail "no '$1' in the output"; }
expect "selftest.c:"
expect "x is 3 (the expression (x) == (4) is false)"
expect '"a" == "b" is false: actual "a", expected "b"'
expect "marker: after the expect"
expect "forced 7"
expect "crashed: signal 11"
expect "exited with status 5"
expect "timed out after 1 s"
expect "skipped: no device here"
expect "Synthesis: Tested: $listed | Passing: 3 | Failing: 8 | Skipped: 2"
grep -q "marker: NOT REACHED" "$out" && fail "the test went on after a failed assert"
# .fini runs after a failed check (5 tests); a crash, exit or hang ends the child at once.
[ "$(grep -c 'marker: fini ran' "$out")" -eq 5 ] || fail "the suite's .fini did not run after each failed check"
[ "$bad" -eq 0 ] || { echo "--- output:"; cat "$out"; exit 1; }
echo "shim selftest: ok ($judged tests judged as expected)"
