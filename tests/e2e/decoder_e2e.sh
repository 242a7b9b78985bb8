#!/usr/bin/env bash
# End-to-end test of the decoder layer the harness composes (docs/measurement.md, "Decoder
# layer"): tests/e2e/decoder.yaml through `accelbench run`.
#  - cpu (and opencl where a device exists): every case ok or unsupported; the native
#    (cpu) and portable (opencl) providers' rows may be unsupported only for their GEMM
#    steps; at least one ok row per phase and batch; every output element checked; tokens
#    per call = batch x tokens (prefill) or batch (decode); decode rows carry the p50/p99
#    time of one token; the report shows tokens/s; the run file validates and verifies, and
#    verify finds an edited token time.
#  - the faulty test backend (the cpu backend with one kind's output made wrong): each
#    fault in one step makes every layer row wrong_result; a refused kind makes the layer
#    unsupported, the reason naming the step.
# usage: decoder_e2e.sh BUILD_DIR SOURCE_DIR FAULTY_MODULE_DIR CPU_MODULE
set -uo pipefail
build=$1 src=$2 mods=$3 cpu=$4
ab=$build/accelbench
schema=$src/reports/schema/run-file.schema.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skipped=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; sed 's/^/    /' "$2" | head -30; fail=$((fail + 1)); }

for backend in cpu opencl; do
  out=$tmp/$backend
  "$ab" run --suite "$src/tests/e2e/decoder.yaml" --backend "$backend" -o "$out" --no-clock \
    --idle-baseline 0 >"$out.log" 2>&1
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$backend" = opencl ] && grep -q "no device\|no OpenCL platform" "$out.log"; then
    echo "skip opencl: no OpenCL device here"; skipped=1; continue
  fi
  if [ "$rc" -ne 0 ]; then bad "$backend run exits 0" "$out.log"; continue; fi
  ok "$backend run exits 0"
  if python3 "$src/tests/runfile/validate_runfile.py" "$out/run.json" "$schema" >"$out.v" 2>&1; then
    ok "$backend run file validates against the schema"
  else
    bad "$backend run file validates against the schema" "$out.v"
  fi
  if python3 - "$out/run.json" >"$out.c" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
seen = set()
for c in run["cases"]:
    k = c["kernel"]
    assert k["kind"] == "decoder_layer", k["kind"]
    assert c["status"] in ("ok", "unsupported"), (c["id"], c["status"], c["reason"])
    if c["status"] == "unsupported":
        assert c["reason"].startswith("step "), c["reason"]
        continue
    s = k["shape"]
    v = c["validation"]
    assert v["elements_checked"] == v["elements_total"] == s["batch"] * s["tokens"] * s["hidden"], v
    assert v["mismatches"] == 0, v
    comp = c["composite"]
    want = s["batch"] * (s["tokens"] if s["phase"] == "prefill" else 1)
    assert comp["tokens_per_call"] == want, (comp["tokens_per_call"], want)
    names = [st["name"] for st in comp["steps"]]
    assert names[0] == "attn_norm" and names[-1] == "ffn_residual", names
    assert all(st.get("provider") for st in comp["steps"] if st["kind"] != "copy"), comp["steps"]
    if s["phase"] == "decode":
        assert comp["kv_copy"] in ("buffer_copy", "host_round_trip"), comp
        tt = comp["token_time_s"]
        assert 0 < tt["p50"] <= tt["p99"], tt
        assert c["timing"]["iterations_per_sample"] == 1, c["timing"]
    seen.add((s["phase"], s["batch"]))
assert seen == {("prefill", 1), ("prefill", 3), ("decode", 1), ("decode", 3)}, seen
PY
  then ok "$backend layer rows ok, every element checked, tokens per call and p50/p99 recorded"
  else bad "$backend layer rows ok, every element checked, tokens per call and p50/p99 recorded" "$out.c"; fi
  "$ab" report "$out/run.json" --format md -o "$out.md" >"$out.r" 2>&1
  if grep -q "tokens/s" "$out.md/report.md" 2>/dev/null; then ok "$backend report shows tokens/s"
  else bad "$backend report shows tokens/s" "$out.r"; fi
  if "$ab" verify "$out" >"$out.vf" 2>&1; then ok "$backend run verifies (token times recomputed)"
  else bad "$backend run verifies (token times recomputed)" "$out.vf"; fi
done

# A decode token time edited in the run file: verify recomputes it from the raw samples.
if [ -s "$tmp/cpu/run.json" ]; then
  python3 - "$tmp/cpu/run.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
c = next(c for c in run["cases"] if "token_time_s" in c.get("composite", {}))
c["composite"]["token_time_s"]["p99"] *= 0.5
json.dump(run, open(sys.argv[1], "w"))
PY
  "$ab" verify "$tmp/cpu" >"$tmp/tampered" 2>&1
  if grep -q "composite.token_time_s.p99: file" "$tmp/tampered"; then
    ok "verify finds an edited decode token time"
  else bad "verify finds an edited decode token time" "$tmp/tampered"; fi
fi

# Energy per token from each case's own window (a constant 100 W meter command): the run
# file's j_per_token is the window's energy over the tokens of the calls in it, and compare
# shows the layer in tokens/s/W and J/token.
out=$tmp/power
"$ab" run --suite "$src/tests/e2e/decoder.yaml" --backend cpu --provider openblas -o "$out" \
  --no-clock --idle-baseline 0 -P rapl=off -P hwmon=off -P ipmi=off -P command="echo 100 W" \
  -P command.period_s=0.05 >"$out.log" 2>&1
if python3 - "$out/run.json" >"$out.c" 2>&1 <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    src = c["power"]["sources"][0]
    t, comp = c["timing"], c["composite"]
    calls = t["iterations_total"] + c["audit"]["calls"]
    want = src["energy_j"] / (comp["tokens_per_call"] * calls)
    assert abs(src["j_per_token"] - want) <= 1e-9 * want, (src["j_per_token"], want)
PY
then ok "energy per token from each case's own window"
else bad "energy per token from each case's own window" "$out.c"; fi

# One call per sample: an audit whose first round passed is a sample of the case (its time
# is samples_s[sample], it adds no call); a repeated round (a slow-looking call) is not.
if python3 - "$out/run.json" >"$out.as" 2>&1 <<'PY'
import json, sys
taken = 0
for c in json.load(open(sys.argv[1]))["cases"]:
    a, t = c["audit"], c["timing"]
    assert t["iterations_per_sample"] == 1, c["id"]
    assert t["iterations_total"] == len(t["host_samples_s"]), c["id"]
    if a["as_sample"]:
        taken += 1
        assert a["rounds"] == 1 and a["calls"] == 0, (c["id"], a)
        assert t["host_samples_s"][a["sample"]] == a["audit_s"], (c["id"], a)
    else:  # the audited calls are extra: a repeated round, or after the time cap
        assert a["calls"] >= a["rounds"], (c["id"], a)
assert taken > 0, "no audited call was a sample"
PY
then ok "the audited call is a sample when its round passed"
else bad "the audited call is a sample when its round passed" "$out.as"; fi
"$ab" compare "$out/run.json" "$out/run.json" >"$out.cmp" 2>&1
if grep -q "tokens/s/W" "$out.cmp" && grep -q "J/token" "$out.cmp"; then
  ok "compare shows tokens/s/W and J/token"
else bad "compare shows tokens/s/W and J/token" "$out.cmp"; fi

# One step made wrong at a time: the layer is wrong_result.
for kind in rotary attention elementwise; do
  out=$tmp/fault-$kind
  AB_FAULTY_INNER=$cpu AB_FAULTY_KIND=$kind ACCELBENCH_BACKEND_PATH=$mods "$ab" run \
    --suite "$src/tests/e2e/decoder.yaml" --backend faulty --no-isolation -o "$out" \
    --no-clock --idle-baseline 0 >"$out.log" 2>&1
  if python3 - "$out/run.json" >"$out.c" 2>&1 <<'PY'
import json, sys
rows = [c for c in json.load(open(sys.argv[1]))["cases"] if c["status"] != "unsupported"]
assert len(rows) >= 4, len(rows)
assert all(c["status"] == "wrong_result" for c in rows), [(c["id"], c["status"]) for c in rows]
PY
  then ok "a wrong $kind step makes every layer row wrong_result"
  else bad "a wrong $kind step makes every layer row wrong_result" "$out.c"; fi
done

# A kind the backend refuses: the layer is unsupported, naming the step.
out=$tmp/refuse
AB_FAULTY_INNER=$cpu AB_FAULTY_REFUSE=attention ACCELBENCH_BACKEND_PATH=$mods "$ab" run \
  --suite "$src/tests/e2e/decoder.yaml" --backend faulty --no-isolation -o "$out" \
  --no-clock --idle-baseline 0 >"$out.log" 2>&1
if python3 - "$out/run.json" >"$out.c" 2>&1 <<'PY'
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
assert cases and all(c["status"] == "unsupported" for c in cases), [c["status"] for c in cases]
assert any(c["reason"].startswith("step attention (attention): faulty: attention refused")
           for c in cases), [c["reason"] for c in cases]
PY
then ok "a refused step makes the layer unsupported, naming the step"
else bad "a refused step makes the layer unsupported, naming the step" "$out.c"; fi

echo "decoder_e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || exit 1
