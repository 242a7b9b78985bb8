#!/usr/bin/env bash
# End-to-end test of case isolation (bench/isolate.c) with the crashy test backend
# (tests/isolation/crashy_backend.c): a case that segfaults, aborts, hangs or exits ends
# only itself, gets the right status and reason, and every case after it still runs; a
# helper process the backend forked before crashing does not outlive the run.
# usage: isolation_e2e.sh BUILD_DIR SOURCE_DIR MODULE_DIR
set -uo pipefail
build=$1 src=$2 modules=$3
ab=$build/accelbench
schema=$src/reports/schema/run-file.schema.json
validate="python3 $src/tests/runfile/validate_runfile.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ACCELBENCH_BACKEND_PATH=$modules
export CRASHY_HELPER_PIDFILE=$tmp/helpers

source "$src/tests/isolation/e2e_lib.sh"

# A private copy of the suite: its path is in every worker's command line, so pgrep can
# tell whether any worker of this test outlived the run.
cp "$src/tests/isolation/tiny.yaml" "$tmp/tiny.yaml"

# 1. Every misbehaving provider, isolated, with a 3 s case limit.
t0=$(date +%s.%N)
"$ab" run --suite "$tmp/tiny.yaml" --backend crashy --case-timeout 3 -o "$tmp/iso" --no-clock \
  -q >"$tmp/iso.out" 2>"$tmp/iso.err"
rc=$?
t1=$(date +%s.%N)
check "isolated run with crashing providers exits 1" 1 $rc "$tmp/iso.err"
$validate "$tmp/iso/run.json" "$schema" >"$tmp/v1" 2>&1
check "run file validates against the schema" 0 $? "$tmp/v1"
python3 - "$tmp/iso/run.json" "$tmp/iso/journal.jsonl" "$t0" "$t1" >"$tmp/c1" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
journal = [json.loads(l) for l in open(sys.argv[2])]
wall = float(sys.argv[4]) - float(sys.argv[3])
want = {  # provider -> (status, text the reason must contain)
    "ok": ("ok", None),
    "segv": ("crashed", "signal 11"),
    "abort": ("crashed", "signal 6"),
    "hang": ("timeout", "time limit of 3 s"),
    "leak": ("ok", None),
    "exit": ("crashed", "exited with status 3"),
    "forkcrash": ("crashed", "signal 11"),
}
cases = run["cases"]
assert run["complete"] is True, "run not marked complete"
assert run["suite"]["effective"]["isolation"] is True, run["suite"]["effective"]
assert len(cases) == 14, f"{len(cases)} cases, expected 7 providers x 2 shapes"
ids = [c["id"] for c in cases]
assert len(set(ids)) == len(ids), "duplicate case ids"
for c in cases:
    status, text = want[c["provider"]]
    assert c["status"] == status, (c["id"], c["status"], c.get("reason"))
    if text:
        assert text in c.get("reason", ""), (c["id"], c.get("reason"))
    if status == "ok":
        # min_samples, unless a loaded host ran into the suite's time cap first
        t = c["timing"]
        assert t["time_s"]["n"] >= 5 or t["stop_reason"] == "time_cap", (c["id"], t["time_s"])
        v = c["validation"]
        assert v["checked"] is True and v["mismatches"] == 0, (c["id"], v)
# No result lost: an ok case that comes after a crash in plan order still ran and has timing.
order = [c["provider"] for c in cases]
first_crash = min(i for i, p in enumerate(order)
                  if p in ("segv", "abort", "hang", "exit", "forkcrash"))
after = [c for c in cases[first_crash + 1:] if c["provider"] in ("ok", "leak")]
assert len(after) == 3 and all(c["status"] == "ok" for c in after), \
    [(c["id"], c["status"]) for c in after]
# The journal holds each planned case exactly once, and agrees with the run file.
idx = [l["plan_index"] for l in journal]
assert sorted(idx) == list(range(14)), f"journal plan indexes {idx}"
for l in journal:
    assert l["case"]["id"] == cases[l["plan_index"]]["id"], l["plan_index"]
    assert l["case"]["status"] == cases[l["plan_index"]]["status"], l["plan_index"]
# Two hangs at 3 s each, the rest well under a second each: the limit was enforced, not
# waited out (generous bound for a loaded CI machine).
assert 6.0 <= wall < 30.0, f"wall {wall:.1f} s"
print("statuses, reasons and journal as expected; wall %.1f s" % wall)
PY
check "each case has the right status and reason; ok cases after crashes ran" 0 $? "$tmp/c1"
pgrep -f -- "$tmp/tiny.yaml" >"$tmp/orphans" 2>&1
check "no worker process outlives the run" 1 $? "$tmp/orphans"
# The forkcrash cases each forked a sleeping helper into the worker's process group before
# the worker crashed; killing the group must have taken the helpers too. A killed helper
# may linger as a zombie until init reaps it: only a live one counts.
helpers_gone "$tmp/helpers" 2 >"$tmp/h1" 2>&1
check "helpers forked by crashing cases are gone after the run" 0 $? "$tmp/h1"
grep -q "crashed" "$tmp/iso.err"
check "summary line on stderr counts crashed cases" 0 $? "$tmp/iso.err"

# 2. In-process (--no-isolation) with only the well-behaved providers.
"$ab" run --suite "$tmp/tiny.yaml" --backend crashy -p ok,leak --no-isolation -o "$tmp/inproc" \
  --no-clock -q >"$tmp/in.out" 2>"$tmp/in.err"
check "--no-isolation -p ok,leak exits 0" 0 $? "$tmp/in.err"
$validate "$tmp/inproc/run.json" "$schema" >"$tmp/v2" 2>&1
check "--no-isolation run file validates" 0 $? "$tmp/v2"
python3 - "$tmp/inproc/run.json" >"$tmp/c2" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
assert run["complete"] is True
assert run["suite"]["effective"]["isolation"] is False, run["suite"]["effective"]
st = sorted((c["provider"], c["status"]) for c in run["cases"])
assert st == [("leak", "ok")] * 2 + [("ok", "ok")] * 2, st
print("4 ok cases in-process")
PY
check "--no-isolation runs ok and leak to completion" 0 $? "$tmp/c2"

# 3. The same two providers isolated give the same statuses and the same case ids (a row
# is identified by device, kernel, dtype and shape, not by how it ran).
"$ab" run --suite "$tmp/tiny.yaml" --backend crashy -p ok,leak -o "$tmp/iso2" --no-clock -q \
  >"$tmp/iso2.out" 2>"$tmp/iso2.err"
check "isolated -p ok,leak exits 0" 0 $? "$tmp/iso2.err"
python3 - "$tmp/iso2/run.json" "$tmp/inproc/run.json" >"$tmp/c3" 2>&1 <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ka = [(c["id"], c["status"]) for c in a["cases"]]
kb = [(c["id"], c["status"]) for c in b["cases"]]
assert ka == kb, (ka, kb)
print("same rows isolated and in-process")
PY
check "isolated and in-process runs give the same rows" 0 $? "$tmp/c3"

# 4. A crash in the only case of a run still yields a complete, valid run file.
"$ab" run --suite "$tmp/tiny.yaml" --backend crashy -p segv -o "$tmp/segv" --no-clock -q \
  >"$tmp/s.out" 2>"$tmp/s.err"
check "run of only crashing cases exits 1" 1 $? "$tmp/s.err"
$validate "$tmp/segv/run.json" "$schema" >"$tmp/v4" 2>&1
check "run file of only crashed cases validates" 0 $? "$tmp/v4"

# 5. A device whose open() crashes or hangs (before any case has started): each case is
# blamed in turn, the run still ends with a row per case.
for how in segv hang; do
  CRASHY_OPEN=$how "$ab" run --suite "$tmp/tiny.yaml" --backend crashy -p ok --case-timeout 2 \
    -o "$tmp/open-$how" --no-clock -q >"$tmp/o-$how.out" 2>"$tmp/o-$how.err"
  rc=$?
  python3 - "$tmp/open-$how/run.json" "$how" >"$tmp/c5" 2>&1 <<'PY2'
import json, sys
run = json.load(open(sys.argv[1]))
want = {"segv": ("crashed", "signal 11"), "hang": ("timeout", "time limit of 2 s")}[sys.argv[2]]
st = [(c["status"], c.get("reason", "")) for c in run["cases"]]
assert run["complete"] is True and len(st) == 2, st
assert all(s == want[0] and want[1] in r for s, r in st), st
print(st)
PY2
  ok=$?
  check "open() that ${how}s: every case marked, run completes with exit 1" 1 \
    $((ok == 0 ? rc : 99)) "$tmp/c5"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
