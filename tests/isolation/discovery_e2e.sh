#!/usr/bin/env bash
# End-to-end test of isolated module discovery (bench/discover.c): a module whose probe()
# segfaults, one whose probe() hangs, one that forks a helper and then segfaults in
# device_info(), a truncated copy of the cpu module and a file that is not an ELF at all:
# for each, `accelbench list` exits 0 and lists it refused with the reason while cpu stays
# enabled, and `accelbench run -b cpu` gives the same rows as a run without it. Also: the
# run file keeps the refused module; a hang costs one time limit, not one per module; no
# worker or helper outlives the command; isolated and in-process discovery list the same;
# a module earlier in the search path shadows a later one of the same name, and `list`
# names both.
# usage: discovery_e2e.sh BUILD_DIR SOURCE_DIR DISCOVERY_MODULE_DIR ISOLATION_MODULE_DIR
set -uo pipefail
build=$(cd "$1" && pwd) src=$2 bad_modules=$3 crashy_modules=$4
ab=$build/accelbench
cpu_module=$build/backends/accelbench-backend-cpu.so
schema=$src/reports/schema/run-file.schema.json
validate="python3 $src/tests/runfile/validate_runfile.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
limit=2 # --probe-timeout for every command here

source "$src/tests/isolation/e2e_lib.sh"

# Every worker's command line names a module under $tmp, and a helper forked from a worker
# keeps that command line: nothing of this test may still run after each command.
no_leftovers() { ! pgrep -f -- "$tmp/" >"$tmp/left" 2>&1; }

# A private copy of the suite (its path is in case workers' command lines too).
cp "$src/tests/e2e/tiny.yaml" "$tmp/tiny.yaml"
mkdir -p "$tmp/all"
for m in probesegv probehang probefork; do
  cp "$bad_modules/accelbench-backend-$m.so" "$tmp/all/"
done
head -c 4096 "$cpu_module" >"$tmp/all/accelbench-backend-truncated.so"
echo "not a module" >"$tmp/all/accelbench-backend-notelf.so"

# The clean run every run with a bad module on the path must match, row for row.
ACCELBENCH_BACKEND_PATH= "$ab" run -b cpu --suite "$tmp/tiny.yaml" -o "$tmp/clean" --no-clock -q \
  >"$tmp/clean.out" 2>"$tmp/clean.err"
check "clean run -b cpu exits 0" 0 $? "$tmp/clean.err"

same_rows() { # same_rows RUN_DIR MODULE REASON: rows as the clean run, module kept refused
  python3 - "$tmp/clean/run.json" "$1/run.json" "$2" "$3" <<'PY'
import json, sys
clean, run = (json.load(open(p)) for p in sys.argv[1:3])
module, reason = sys.argv[3:5]
rows = lambda r: [(c["id"], c["status"]) for c in r["cases"]]
assert rows(run) == rows(clean), (rows(run), rows(clean))
assert any(s == "ok" for _, s in rows(run)), rows(run)
assert run["complete"] is True
b = {x["name"]: x for x in run["backends"]}
assert b["cpu"]["enabled"] is True, b["cpu"]
assert b[module]["enabled"] is False and b[module]["abi"] is None, b[module]
assert reason in b[module]["disabled_reason"], b[module]
print(f"{len(rows(run))} rows as the clean run; {module}: {b[module]['disabled_reason']}")
PY
}

# 1. Each bad module alone on the path.
want_probesegv="signal 11 (Segmentation fault) in probe()"
want_probehang="timed out after $limit s in probe()"
want_probefork="signal 11 (Segmentation fault) in device_info(0)"
want_truncated="not a valid ELF module: truncated"
want_notelf="not a valid ELF module: it does not start with the ELF magic number"
for m in probesegv probehang probefork truncated notelf; do
  want=want_$m
  mkdir -p "$tmp/only-$m"
  cp "$tmp/all/accelbench-backend-$m.so" "$tmp/only-$m/"
  export ACCELBENCH_BACKEND_PATH=$tmp/only-$m CRASHY_HELPER_PIDFILE=$tmp/helpers-$m
  "$ab" list --probe-timeout $limit >"$tmp/list-$m" 2>&1
  check "list with $m exits 0" 0 $? "$tmp/list-$m"
  grep -E "^  $m +refused +$tmp/only-$m/accelbench-backend-$m.so: " "$tmp/list-$m" |
    grep -qF "${!want}"
  check "list shows $m refused: ${!want}" 0 $? "$tmp/list-$m"
  grep -Eq "^  cpu +enabled" "$tmp/list-$m"
  check "list with $m still shows cpu enabled" 0 $? "$tmp/list-$m"
  "$ab" run -b cpu --suite "$tmp/tiny.yaml" --probe-timeout $limit -o "$tmp/run-$m" --no-clock \
    -q >"$tmp/run-$m.out" 2>"$tmp/run-$m.err"
  check "run -b cpu with $m exits 0" 0 $? "$tmp/run-$m.err"
  same_rows "$tmp/run-$m" "$m" "${!want}" >"$tmp/rows-$m" 2>&1
  check "run -b cpu with $m: same rows as the clean run, $m refused in the run file" 0 $? \
    "$tmp/rows-$m"
  $validate "$tmp/run-$m/run.json" "$schema" >"$tmp/v-$m" 2>&1
  check "run file with $m refused validates" 0 $? "$tmp/v-$m"
  no_leftovers
  check "no worker or helper of the $m commands is left" 0 $? "$tmp/left"
  # probehang and probefork fork a helper while probed (list, then run): it went with the
  # worker's process group when the worker was killed at the limit or crashed.
  case $m in probehang | probefork)
    helpers_gone "$tmp/helpers-$m" 2 >"$tmp/h-$m" 2>&1
    check "the helpers $m forked while probed are gone" 0 $? "$tmp/h-$m"
    ;;
  esac
done
unset ACCELBENCH_BACKEND_PATH CRASHY_HELPER_PIDFILE

# 2. SIGTERM during discovery (a scheduler ending the job): the command ends at once with
# the signal, and kills the discovery workers' groups first, helpers included.
export CRASHY_HELPER_PIDFILE=$tmp/helpers-term
: >"$CRASHY_HELPER_PIDFILE"
ACCELBENCH_BACKEND_PATH=$tmp/only-probehang "$ab" list --probe-timeout 60 >"$tmp/term.out" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$CRASHY_HELPER_PIDFILE" ] && break; sleep 0.1; done
t0=$(date +%s.%N)
kill -TERM "$pid"
wait "$pid"
rc=$?
t1=$(date +%s.%N)
check "SIGTERM during discovery ends list with the signal" 143 $rc "$tmp/term.out"
python3 -c "import sys; w = $t1 - $t0; print(f'{w:.1f} s'); sys.exit(0 if w < 5 else 1)" \
  >"$tmp/term-wall" 2>&1
check "... at once ($(cat "$tmp/term-wall")), not after the probe limit" 0 $? "$tmp/term-wall"
helpers_gone "$CRASHY_HELPER_PIDFILE" 1 >"$tmp/h-term" 2>&1
check "... and the helper of the interrupted probe is gone" 0 $? "$tmp/h-term"
no_leftovers
check "... and no worker is left" 0 $? "$tmp/left"
unset CRASHY_HELPER_PIDFILE

# 3. All of them at once: every one refused, cpu enabled, and the hang costs one limit
# (workers run side by side), not one per module.
t0=$(date +%s.%N)
ACCELBENCH_BACKEND_PATH=$tmp/all "$ab" list --probe-timeout $limit >"$tmp/list-all" 2>&1
rc=$?
t1=$(date +%s.%N)
check "list with all bad modules exits 0" 0 $rc "$tmp/list-all"
n=$(grep -cE "^  (probesegv|probehang|probefork|truncated|notelf) +refused" "$tmp/list-all")
[ "$n" -eq 5 ] && grep -Eq "^  cpu +enabled" "$tmp/list-all"
check "all five refused, cpu enabled ($n refused)" 0 $? "$tmp/list-all"
python3 -c "import sys; w = $t1 - $t0; print(f'{w:.1f} s'); sys.exit(0 if w < 3 * $limit else 1)" \
  >"$tmp/wall" 2>&1
check "a hanging module costs one time limit, not one per module ($(cat "$tmp/wall"))" 0 $? \
  "$tmp/wall"

# 4. Control: in-process discovery (--no-isolation) really dies of the segfaulting probe, so
# the isolated results above are not an accident of the module; the ELF check still keeps
# a corrupt file from killing it.
# (an inner shell, so the outer one does not print the crash)
ACCELBENCH_BACKEND_PATH=$tmp/only-probesegv bash -c '"$1" list --no-isolation >"$2" 2>&1' _ \
  "$ab" "$tmp/inproc-segv" 2>/dev/null
check "list --no-isolation with probesegv dies of SIGSEGV (the module does crash)" 139 $? \
  "$tmp/inproc-segv"
mkdir -p "$tmp/corrupt"
cp "$tmp/all/accelbench-backend-truncated.so" "$tmp/all/accelbench-backend-notelf.so" \
  "$tmp/corrupt/"
ACCELBENCH_BACKEND_PATH=$tmp/corrupt "$ab" list --no-isolation >"$tmp/inproc-corrupt" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c "refused .*not a valid ELF module" "$tmp/inproc-corrupt")" -eq 2 ]
check "list --no-isolation refuses the truncated and non-ELF files (exit $rc)" 0 $? \
  "$tmp/inproc-corrupt"

# 5. Isolated and in-process discovery list the same backends and devices.
export ACCELBENCH_BACKEND_PATH=$crashy_modules
# (stdout only: a sanitizer build's exit report on stderr comes from other processes)
"$ab" list >"$tmp/iso-list" 2>"$tmp/list-diff" &&
  "$ab" list --no-isolation >"$tmp/inproc-list" 2>>"$tmp/list-diff" &&
  diff "$tmp/iso-list" "$tmp/inproc-list" >>"$tmp/list-diff" 2>&1
check "list and list --no-isolation print the same" 0 $? "$tmp/list-diff"
unset ACCELBENCH_BACKEND_PATH

# 6. Shadowing: a copy of the cpu module on the path is used in place of the build tree's,
# and a copy under another file name (its table also says "cpu") is set aside; `list`
# names every path and which one is used, and the run uses it.
mkdir -p "$tmp/shadow"
cp "$cpu_module" "$tmp/shadow/accelbench-backend-cpu.so"
cp "$cpu_module" "$tmp/shadow/accelbench-backend-cpucopy.so"
export ACCELBENCH_BACKEND_PATH=$tmp/shadow
"$ab" list >"$tmp/list-shadow" 2>&1
rc=$?
sed -n '/^  cpu /,/^    cpu:0 /p' "$tmp/list-shadow" >"$tmp/cpu-entry"
[ $rc -eq 0 ] && grep -q "module $tmp/shadow/accelbench-backend-cpu.so " "$tmp/cpu-entry" &&
  grep -q "shadows $cpu_module (same file name" "$tmp/cpu-entry" &&
  grep -q "shadows $tmp/shadow/accelbench-backend-cpucopy.so (its backend is also named 'cpu'" \
    "$tmp/cpu-entry" && [ "$(grep -cE "^  cpu " "$tmp/list-shadow")" -eq 1 ]
check "list names the cpu module used and the two it shadows" 0 $? "$tmp/list-shadow"
"$ab" run -b cpu --suite "$tmp/tiny.yaml" -o "$tmp/run-shadow" --no-clock -q \
  >"$tmp/run-shadow.out" 2>"$tmp/run-shadow.err"
rc=$?
python3 - "$tmp/run-shadow/run.json" "$tmp/shadow/accelbench-backend-cpu.so" >"$tmp/c6" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
cpu = [b for b in run["backends"] if b["name"] == "cpu"]
assert len(cpu) == 1 and cpu[0]["module_path"] == sys.argv[2], cpu
print("run used", cpu[0]["module_path"])
PY
check "run -b cpu uses the shadowing module (exit $rc)" 0 $((rc == 0 ? $? : 1)) "$tmp/c6"
# A refused module shadows too: the first file of a name is the one meant.
mkdir -p "$tmp/shadow-bad"
cp "$tmp/all/accelbench-backend-truncated.so" "$tmp/shadow-bad/accelbench-backend-cpu.so"
ACCELBENCH_BACKEND_PATH=$tmp/shadow-bad "$ab" list >"$tmp/list-shadow-bad" 2>&1
grep -A1 -E "^  cpu +refused +$tmp/shadow-bad/accelbench-backend-cpu.so: not a valid ELF" \
  "$tmp/list-shadow-bad" | grep -q "shadows $cpu_module (same file name"
check "a refused cpu module on the path is listed with the build one it shadows" 0 $? \
  "$tmp/list-shadow-bad"
unset ACCELBENCH_BACKEND_PATH
no_leftovers
check "nothing of this test is left running" 0 $? "$tmp/left"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
