#!/usr/bin/env bash
# Backend conformance of one module (docs/writing-a-backend.md, "Conformance"):
#  1. ab_conformance calls the module's table directly: ABI version and table, probe and
#     device facts, buffers, optional slots, error messages, every kind of the quick suite
#     answered ok or unsupported-with-a-reason, prepare/run/release pairing;
#  2. `accelbench run` runs tests/conformance/conformance.yaml on it, so the harness itself
#     validates every result: each case must be ok with its output checked clean, or
#     unsupported with a reason; the run file must match the schema.
# The environment (override variables of a fake runtime) comes from the caller.
# usage: conformance.sh BUILD_DIR SOURCE_DIR AB_CONFORMANCE MODULE_DIR BACKEND [--skip-if-disabled]
set -uo pipefail
build=$1 src=$2 conf=$3 dir=$4 backend=$5 skip=${6:-}
ab=$build/accelbench
suite=$src/tests/conformance/conformance.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. The ABI, call by call.
"$conf" $skip "$dir/accelbench-backend-$backend.so" "$suite" "$src/configs/quick.yaml"
rc=$?
[ "$rc" -eq 77 ] && exit 77
[ "$rc" -ne 0 ] && { echo "FAIL $backend: direct ABI checks (above)"; exit 1; }

# 2. The harness validates a run. The module's folder goes first on the search path, so a
# test module is used in place of an installed one of the same name.
ACCELBENCH_BACKEND_PATH=$dir${ACCELBENCH_BACKEND_PATH:+:$ACCELBENCH_BACKEND_PATH} \
  "$ab" run --suite "$suite" --backend "$backend" -o "$tmp/run" --no-clock --idle-baseline 0 \
  >"$tmp/run.log" 2>&1
rc=$?
if [ ! -s "$tmp/run/run.json" ]; then
  echo "FAIL $backend: accelbench run wrote no run file (exit $rc):"; sed 's/^/    /' "$tmp/run.log"
  exit 1
fi
python3 "$src/tests/runfile/validate_runfile.py" "$tmp/run/run.json" \
  "$src/reports/schema/run-file.schema.json" >"$tmp/schema.log" 2>&1 ||
  { echo "FAIL $backend: run file does not match the schema:"; sed 's/^/    /' "$tmp/schema.log"; exit 1; }
python3 - "$tmp/run/run.json" "$backend" "$rc" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
backend, rc = sys.argv[2], int(sys.argv[3])
cases = [c for c in run["cases"] if c.get("backend", backend) == backend]
fails, notes, kinds = [], [], {}
for c in cases:
    k = c["kernel"]
    what = "%s %s %s [%s]" % (k["kind"], k.get("dtype"), json.dumps(k.get("shape"), sort_keys=True), c["provider"])
    st, reason = c["status"], c.get("reason") or ""
    kinds.setdefault(k["kind"], []).append(st)
    v = c.get("validation") or {}
    clean = not v.get("checked") or v.get("mismatches", 0) == 0
    if st == "ok":
        if not clean:
            fails.append("%s: ok but %s mismatches" % (what, v.get("mismatches")))
        elif not v.get("checked") and k["kind"] not in ("launch", "copy_h2d", "copy_d2h", "peak"):
            fails.append("%s: ok but its output was not checked" % what)
    elif st == "unsupported":
        if not reason.strip():
            fails.append("%s: unsupported without a reason" % what)
    elif st == "implausible" and (reason.startswith("device timer:") or
                                  "on a disturbed host" in reason) and clean:
        # The harness distrusts a device timer far below its host clock (bench/runner.c), and
        # an audit slow in every round on a disturbed host (model/verdict.c); on a loaded
        # host that can happen to an honest kernel. Its output still checked clean.
        notes.append("%s: %s" % (what, reason))
    else:
        fails.append("%s: status %s: %s" % (what, st, reason))
suite_kinds = {"gemm", "attention", "conv2d", "norm", "softmax", "activation", "elementwise",
               "rotary", "stream", "decoder_layer", "peak", "membw", "copy_h2d", "copy_d2h", "launch"}
for missing in sorted(suite_kinds - set(kinds)):
    fails.append("kind %s: no case in the run (the harness skipped it?)" % missing)
for n in notes:
    print("note " + n)
for f in fails:
    print("FAIL " + f)
summary = ", ".join("%s %d/%d ok" % (k, v.count("ok"), len(v)) for k, v in sorted(kinds.items()))
print("%s: %d cases through the harness: %s" % (backend, len(cases), summary))
if rc not in (0, 1) or (rc == 1 and not notes and not fails):
    fails.append("accelbench run exited %d" % rc)
    print("FAIL accelbench run exited %d" % rc)
sys.exit(1 if fails else 0)
PY
rc=$?
[ "$rc" -ne 0 ] && { echo "run log:"; tail -20 "$tmp/run.log" | sed 's/^/    /'; }
exit $rc
