#!/usr/bin/env bash
# End-to-end test of the memory-bound inference kinds: tests/e2e/kinds.yaml through
# `accelbench run` on the cpu and opencl backends. Every case of the native (cpu) and
# portable (opencl) providers must be ok with every output element checked; other providers
# ok or unsupported with a reason; run files valid against the schema; the report shows
# the kinds in GB/s.
# One exception, on OpenCL only: the harness does not believe a device timer far below the
# host clock (bench/runner.c, check_device_timer), and POCL on a host loaded by other work
# can show that for an honest kernel (its host-side time per call doubles while the
# kernel's own events do not). Such a case is `implausible` with a "device timer:" reason
# and the run exits 1; so is an audit slow in every round on a host the interference check
# found disturbed ("on a disturbed host"). Either is accepted here when the output still
# checked clean, and reported as a note.
# usage: kinds_e2e.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
ab=$build/accelbench
schema=$src/reports/schema/run-file.schema.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; sed 's/^/    /' "$2" | head -30; fail=$((fail + 1)); }

for backend in cpu opencl; do
  out=$tmp/$backend
  "$ab" run --suite "$src/tests/e2e/kinds.yaml" --backend "$backend" -o "$out" --no-clock \
    --idle-baseline 0 >"$out.log" 2>&1
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$backend" = opencl ] && grep -q "no device\|no OpenCL platform" "$out.log"; then
    echo "skip opencl: no OpenCL device here"; continue
  fi
  if [ "$rc" -eq 1 ] && [ "$backend" = opencl ] && [ -s "$out/run.json" ] &&
    python3 - "$out/run.json" <<'PY'
import json, sys
bad = [c for c in json.load(open(sys.argv[1]))["cases"] if c["status"] not in ("ok", "unsupported")]
busy = lambda c: c["reason"].startswith("device timer:") or "on a disturbed host" in c["reason"]
sys.exit(0 if bad and all(c["status"] == "implausible" and busy(c) for c in bad) else 1)
PY
  then
    echo "note $backend: device timer not believed on this loaded host for:"
    grep implausible "$out.log" | cut -c1-160 | sed 's/^/    /'
    rc=0
  fi
  if [ "$rc" -ne 0 ]; then bad "$backend run exits 0" "$out.log"; continue; fi
  ok "$backend run exits 0"
  if python3 "$src/tests/runfile/validate_runfile.py" "$out/run.json" "$schema" >"$out.v" 2>&1; then
    ok "$backend run file validates against the schema"
  else
    bad "$backend run file validates against the schema" "$out.v"
  fi
  if python3 - "$out/run.json" "$backend" >"$out.c" 2>&1 <<'PY'
import json, sys
run, backend = json.load(open(sys.argv[1])), sys.argv[2]
own = {"cpu": "native", "opencl": "portable"}[backend]
kinds = {"norm", "softmax", "activation", "elementwise", "rotary"}
seen = set()
for c in run["cases"]:
    k, prov = c["kernel"]["kind"], c["provider"]
    assert k in kinds, k
    timer = c["status"] == "implausible" and (c["reason"].startswith("device timer:") or
                                              "on a disturbed host" in c["reason"])
    if prov == own:
        assert c["status"] == "ok" or timer, (c["id"], c["status"], c.get("reason"))
    else:
        assert c["status"] in ("ok", "unsupported"), (c["id"], c["status"], c.get("reason"))
    if c["status"] == "ok" or timer:
        v = c["validation"]
        assert v["checked"] and v["elements_checked"] == v["elements_total"] > 0, (c["id"], v)
        assert v["mismatches"] == 0, (c["id"], v)
        seen.add((k, prov))
    else:
        assert c["reason"], c["id"]
missing = {(k, own) for k in kinds} - seen
assert not missing, missing
print("kinds ok on", own, "and every case checked in full:", len(run["cases"]), "cases")
PY
  then ok "$backend: every kind ok on its own provider, outputs checked in full"
  else bad "$backend: every kind ok on its own provider, outputs checked in full" "$out.c"; fi
  if grep -Eq '^\| norm .*\| ok \| [0-9.]+ GB/s' "$out/report.md"; then ok "$backend report states the kinds in GB/s"
  else bad "$backend report states the kinds in GB/s" "$out/report.md"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
