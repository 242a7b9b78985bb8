#!/usr/bin/env bash
# End-to-end test of run bundles (docs/verify.md): a fresh signed run verifies; each kind
# of tampering is caught and named (a median divided by 10, a raw sample changed, a status
# flipped from wrong_result to ok, a manifest hash changed, a module byte changed, a bundle
# re-signed with another key, raw samples removed, a trust check's status or timer
# flipped); report and compare show the outcome and the CI gate can require it; bad
# input is answered with the documented exit code.
# usage: verify_e2e.sh BUILD_DIR SOURCE_DIR TEST_MODULE_DIR
set -uo pipefail
build=$1 src=$2 test_modules=$3
ab=$build/accelbench
schema=$src/reports/schema/run-file.schema.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() { # check NAME EXPECTED_RC ACTUAL_RC [fixed-string file]
  local name=$1 want=$2 got=$3
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"; [ $# -ge 5 ] && sed 's/^/    /' "$5" | head -20
    fail=$((fail + 1)); return
  fi
  if [ $# -ge 5 ] && ! grep -qF -- "$4" "$5"; then
    echo "FAIL $name: '$4' not in $5:"; sed 's/^/    /' "$5" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $name"; pass=$((pass + 1))
}

# edit DIR PYTHON: apply PYTHON (statements on `run`, the parsed run.json) to DIR/run.json,
# then refresh run.json's entry in the manifest and re-sign with key A, as someone holding
# the key could: only the recomputed figures can then give the edit away.
edit() {
  python3 - "$1" "$2" <<'PY' || exit 2
import hashlib, json, sys
d, code = sys.argv[1], sys.argv[2]
run = json.load(open(f"{d}/run.json"))
exec(code)
text = json.dumps(run, indent=2) + "\n"
open(f"{d}/run.json", "w").write(text)
m = json.load(open(f"{d}/manifest.json"))
m["files"]["run.json"] = {"size": len(text.encode()), "sha256": hashlib.sha256(text.encode()).hexdigest()}
open(f"{d}/manifest.json", "w").write(json.dumps(m, indent=2) + "\n")
PY
  "$ab" sign "$1" --sign-key "$tmp/a.key" >/dev/null || exit 2
}

fresh() { rm -rf "$tmp/$1"; cp -r "$tmp/run" "$tmp/$1"; }

# ---- keys -------------------------------------------------------------------------------
"$ab" keygen --out "$tmp/a" >"$tmp/kg.out" 2>&1
check "keygen writes a key pair" 0 $? "ed25519:" "$tmp/kg.out"
"$ab" keygen --out "$tmp/b" >/dev/null 2>&1
[ "$(stat -c %a "$tmp/a.key")" = 600 ]
check "the secret key is mode 0600" 0 $?
"$ab" keygen --out "$tmp/a" >"$tmp/kg2.out" 2>&1
check "keygen never replaces a key" 2 $? "exists already" "$tmp/kg2.out"

# ---- 1. a fresh signed quick run verifies --------------------------------------------
# Modules from a copy, so one of their bytes can be changed later without touching the
# build; the fake backend (tests/core/modules) is there too, for a real wrong_result.
mkdir -p "$tmp/mods"
cp "$build"/backends/accelbench-backend-cpu.so "$test_modules"/accelbench-backend-fake.so \
  "$tmp/mods/"
export ACCELBENCH_BACKEND_PATH=$tmp/mods
"$ab" run --suite "$src/tests/e2e/tiny.yaml" -b cpu,fake -p openblas,onednn,exact,wrong \
  -o "$tmp/run" --no-clock -q --sign-key "$tmp/a.key" >"$tmp/run.out" 2>&1
check "signed run of tiny.yaml (cpu + fake) exits 1 (the fake's wrong provider)" 1 $?
python3 "$src/tests/runfile/validate_runfile.py" "$tmp/run/run.json" "$schema" >"$tmp/v" 2>&1
check "run file with raw samples and provenance validates" 0 $? "" "$tmp/v"
python3 - "$tmp/run" >"$tmp/c1" 2>&1 <<'PY'
import hashlib, json, sys
d = sys.argv[1]
run = json.load(open(f"{d}/run.json"))
timed = [c for c in run["cases"] if c["timing"]["time_s"]]
assert timed and all(len(c["timing"]["samples_s"]) == c["timing"]["time_s"]["n"] for c in timed)
for b in run["backends"]:
    assert b["module_sha256"] == hashlib.sha256(open(b["module_path"], "rb").read()).hexdigest(), b
m = json.load(open(f"{d}/manifest.json"))
assert {"run.json", "journal.jsonl", "invocation.json"} <= set(m["files"]), m["files"].keys()
roles = {i["role"] for i in m["inputs"]}
assert {"suite", "backend", "binary", "catalogue"} <= roles, roles
assert any(c["status"] == "wrong_result" for c in run["cases"])
print("samples, provenance and manifest present")
PY
check "every timed case keeps its samples; modules hashed; manifest complete" 0 $? "" "$tmp/c1"
"$ab" verify "$tmp/run" --public-key "$tmp/a.pub" >"$tmp/v1" 2>&1
check "fresh run verifies with its public key" 0 $? "verified (ed25519:" "$tmp/v1"
"$ab" verify "$tmp/run" >"$tmp/v1b" 2>&1
check "without --public-key: matches, signer only reported" 0 $? "not checked against a trusted key" \
  "$tmp/v1b"

# ---- 2. tampering, each caught and named ----------------------------------------------
fresh median
edit "$tmp/median" '
c = next(c for c in run["cases"] if c["status"] == "ok")
c["timing"]["time_s"]["median"] /= 10'
"$ab" verify "$tmp/median" -k "$tmp/a.pub" >"$tmp/v2" 2>&1
check "a median divided by 10 fails" 1 $? ".timing.time_s.median: file " "$tmp/v2"
fresh median10x
edit "$tmp/median10x" '
c = next(c for c in run["cases"] if c["status"] == "ok")
c["timing"]["time_s"]["median"] /= 10
c["rates"]["gflops_median"] *= 10'
"$ab" verify "$tmp/median10x" -k "$tmp/a.pub" >"$tmp/v2b" 2>&1
check "a median divided by 10 with its rate to match fails on both" 1 $? \
  ".rates.gflops_median: file " "$tmp/v2b"
grep -qF ".timing.time_s.median: file " "$tmp/v2b"
check "... the median named too" 0 $?

fresh sample
edit "$tmp/sample" '
c = next(c for c in run["cases"] if c["status"] == "ok")
c["timing"]["samples_s"][0] *= 1000'
"$ab" verify "$tmp/sample" -k "$tmp/a.pub" >"$tmp/v3" 2>&1
check "a changed raw sample fails" 1 $? ".timing.time_s.max: file " "$tmp/v3"

fresh flip
edit "$tmp/flip" '
c = next(c for c in run["cases"] if c["status"] == "wrong_result")
c["status"] = "ok"; c["reason"] = ""'
"$ab" verify "$tmp/flip" -k "$tmp/a.pub" >"$tmp/v4" 2>&1
check "a status flipped from wrong_result to ok fails" 1 $? \
  ".status: file ok, recomputed wrong_result" "$tmp/v4"

fresh nosamples
edit "$tmp/nosamples" '
for c in run["cases"]:
    c["timing"].pop("samples_s", None); c["timing"].pop("host_samples_s", None)'
"$ab" verify "$tmp/nosamples" -k "$tmp/a.pub" >"$tmp/v5" 2>&1
check "a run file without raw samples fails" 1 $? "no raw samples: statistics not recomputed" \
  "$tmp/v5"

fresh hash
python3 - "$tmp/hash/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
h = m["files"]["journal.jsonl"]["sha256"]
m["files"]["journal.jsonl"]["sha256"] = ("0" if h[0] != "0" else "1") + h[1:]
open(sys.argv[1], "w").write(json.dumps(m, indent=2) + "\n")
PY
"$ab" verify "$tmp/hash" -k "$tmp/a.pub" >"$tmp/v6" 2>&1
check "a changed manifest hash fails: the file no longer matches" 1 $? \
  "journal.jsonl: sha256 " "$tmp/v6"
grep -qF "manifest.sig: not a valid signature of manifest.json" "$tmp/v6"
check "... and the signature no longer covers the manifest" 0 $?

fresh resigned
"$ab" sign "$tmp/resigned" --sign-key "$tmp/b.key" >/dev/null 2>&1
"$ab" verify "$tmp/resigned" -k "$tmp/a.pub" >"$tmp/v7" 2>&1
check "re-signed with another key fails against the first key" 1 $? ", not by the given key" \
  "$tmp/v7"
"$ab" verify "$tmp/resigned" -k "$tmp/b.pub" >"$tmp/v7b" 2>&1
check "... and verifies against the key that signed it" 0 $? "verified" "$tmp/v7b"

fresh runjson
sed -i '0,/"median": /s/"median": /"median": 1/' "$tmp/runjson/run.json"
"$ab" verify "$tmp/runjson" -k "$tmp/a.pub" >"$tmp/v8" 2>&1
check "run.json edited without refreshing the manifest fails by its hash" 1 $? "run.json: sha256 " \
  "$tmp/v8"

cp "$tmp/mods/accelbench-backend-cpu.so" "$tmp/cpu.so.orig"
python3 - "$tmp/mods/accelbench-backend-cpu.so" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[-1] ^= 0xff  # one byte, same size
open(p, "wb").write(bytes(b))
PY
"$ab" verify "$tmp/run" -k "$tmp/a.pub" >"$tmp/v9" 2>&1
check "a changed module byte fails" 1 $? "backend cpu $tmp/mods/accelbench-backend-cpu.so: sha256" \
  "$tmp/v9"
cp "$tmp/cpu.so.orig" "$tmp/mods/accelbench-backend-cpu.so"
"$ab" verify "$tmp/run" -k "$tmp/a.pub" >/dev/null 2>&1
check "... and verifies again once the module is restored" 0 $?

# ---- 3. energy figures -----------------------------------------------------------------
echo "42.5 W" >"$tmp/meter.txt"
"$ab" run --suite "$src/tests/e2e/tiny.yaml" -b cpu -p openblas -P file="$tmp/meter.txt" \
  -P file.scope=node -P file.period_s=0.05 -P min_window_s=0.3 --idle-baseline 0.5 \
  -o "$tmp/power" --no-clock -q --sign-key "$tmp/a.key" >/dev/null 2>&1
"$ab" verify "$tmp/power" -k "$tmp/a.pub" >"$tmp/p1" 2>&1
check "a run with a power meter verifies, its energy figures recomputed" 0 $? "power sources'" \
  "$tmp/p1"
grep -qE " [1-9][0-9]* power sources" "$tmp/p1"
check "... at least one power source recomputed" 0 $?
cp -r "$tmp/power" "$tmp/power2"
edit "$tmp/power2" '
c = next(c for c in run["cases"] if c["status"] == "ok" and "gflops_per_w" in c["power"]["sources"][0])
c["power"]["sources"][0]["gflops_per_w"] *= 2'
"$ab" verify "$tmp/power2" -k "$tmp/a.pub" >"$tmp/p2" 2>&1
check "a doubled perf/W fails" 1 $? ".power.sources[0].gflops_per_w: file " "$tmp/p2"

# ---- 3b. statuses from the runner's trust checks (a lying backend) ----------------------
ACCELBENCH_BACKEND_PATH=$build/tests/trust-modules "$ab" run --suite "$src/tests/trust/lies.yaml" \
  --backend liar --no-isolation -o "$tmp/liar" -q --sign-key "$tmp/a.key" >/dev/null 2>&1
"$ab" verify "$tmp/liar" -k "$tmp/a.pub" >"$tmp/l1" 2>&1
check "a lying backend's run verifies: implausible and wrong statuses recomputed" 0 $? \
  "verified" "$tmp/l1"
cp -r "$tmp/liar" "$tmp/liar2"
edit "$tmp/liar2" '
c = next(c for c in run["cases"] if c["provider"] == "on-change")
c["status"] = "ok"'
"$ab" verify "$tmp/liar2" -k "$tmp/a.pub" >"$tmp/l2" 2>&1
check "an audit caught, flipped to ok, fails" 1 $? \
  ".status: file ok, recomputed implausible (audited call" "$tmp/l2"
cp -r "$tmp/liar" "$tmp/liar3"
edit "$tmp/liar3" '
c = next(c for c in run["cases"] if c["provider"] == "timer-div100")
c["timing"]["source"] = "device"; del c["timing"]["device_timer_rejected_median_s"]'
"$ab" verify "$tmp/liar3" -k "$tmp/a.pub" >"$tmp/l3" 2>&1
check "a rejected device timer passed off as believed fails" 1 $? \
  ".timing.source: file device, recomputed host (device timer rejected)" "$tmp/l3"
cp -r "$tmp/liar" "$tmp/liar4"
edit "$tmp/liar4" '
c = next(c for c in run["cases"] if c["provider"] == "timer-div100")
c["interference"]["disturbed"] = not c["interference"]["disturbed"]'
"$ab" verify "$tmp/liar4" -k "$tmp/a.pub" >"$tmp/l4" 2>&1
check "a window's disturbed flag flipped (it withholds the timer verdict) fails" 1 $? \
  ".interference.disturbed: file " "$tmp/l4"

# ---- 4. report and compare show it; the gate can require it ----------------------------
"$ab" report "$tmp/run/run.json" "$tmp/flip/run.json" -k "$tmp/a.pub" -f md -o - \
  >"$tmp/r1" 2>/dev/null
check "report exits 0" 0 $? "verified (ed25519:" "$tmp/r1"
grep -qF "not verified (cases\\[" "$tmp/r1"
check "report names the tampered input as not verified, with why" 0 $?
grep -qE "\| cpu \| yes \| 1\.[0-9]+ \| $tmp/mods/accelbench-backend-cpu.so \| [0-9]+ \| [0-9a-f]{64} \|" "$tmp/r1"
check "report lists module path, ABI, size and sha256" 0 $?
"$ab" compare --against "$tmp/run/run.json" "$tmp/run/run.json" --require-verified \
  -k "$tmp/a.pub" >"$tmp/g1" 2>&1
check "gate of verified inputs passes with --require-verified" 0 $? "bundle verified" "$tmp/g1"
"$ab" compare --against "$tmp/run/run.json" "$tmp/flip/run.json" --require-verified \
  -k "$tmp/a.pub" >"$tmp/g2" 2>&1
check "gate with a tampered input fails with --require-verified" 1 $? "unverified input" "$tmp/g2"
"$ab" compare --against "$tmp/run/run.json" "$tmp/run/run.json" --require-verified \
  >"$tmp/g3" 2>&1
check "a signature no given key checks does not pass --require-verified" 1 $? \
  "no --public-key given" "$tmp/g3"
# the Chinese gate summary words each state; the checker's finding stays as it gave it
"$ab" compare --against "$tmp/run/run.json" "$tmp/flip/run.json" --require-verified \
  -k "$tmp/a.pub" --lang zh-CN >"$tmp/g4" 2>/dev/null
check "zh-CN gate: a verified input" 1 $? "结果包校验：已验证（ed25519:" "$tmp/g4"
grep -qF "未通过验证（cases\\[" "$tmp/g4"
check "zh-CN gate: a tampered input, with the checker's finding" 0 $?
"$ab" compare --against "$tmp/run/run.json" "$tmp/run/run.json" --require-verified \
  --lang zh-CN >"$tmp/g5" 2>/dev/null
check "zh-CN gate: a signature no given key checks" 1 $? \
  "未验证（由 ed25519:" "$tmp/g5"
"$ab" compare "$tmp/run/run.json" "$tmp/power/run.json" -k "$tmp/a.pub" >"$tmp/s1" 2>&1
check "side-by-side compare shows the bundle column" 0 $? "| bundle (accelbench verify) |" \
  "$tmp/s1"
"$ab" compare "$tmp/run/run.json" "$tmp/run/run.json" --require-verified >"$tmp/s2" 2>&1
check "--require-verified without --against is refused" 2 $? "need --against" "$tmp/s2"

# ---- 5. bad input ----------------------------------------------------------------------
"$ab" verify >"$tmp/b1" 2>&1
check "verify without a directory is a usage error" 2 $? "expected one run directory" "$tmp/b1"
"$ab" verify "$tmp/run" -k "$tmp/a.key" >"$tmp/b2" 2>&1
check "a secret key given as --public-key is refused, naming the file" 2 $? \
  "$tmp/a.key:1: expected \"accelbench-ed25519-public-key" "$tmp/b2"
mkdir -p "$tmp/empty"
"$ab" verify "$tmp/empty" >"$tmp/b3" 2>&1
check "a directory without a bundle does not verify" 1 $? "manifest.json: absent" "$tmp/b3"
"$ab" verify "$tmp/run" -k "$tmp/a.pub" -k "$tmp/b.pub" >/dev/null 2>&1
check "any of several given keys may have signed" 0 $?
cp -r "$tmp/run" "$tmp/unsigned" && rm "$tmp/unsigned/manifest.sig"
"$ab" verify "$tmp/unsigned" >"$tmp/b4" 2>&1
check "an unsigned bundle verifies as unsigned" 0 $? "unsigned" "$tmp/b4"
"$ab" verify "$tmp/unsigned" -k "$tmp/a.pub" >"$tmp/b5" 2>&1
check "... but not when a --public-key asks for a signature" 1 $? "the bundle is unsigned" "$tmp/b5"
cp "$tmp/a.key" "$tmp/open.key" && chmod 644 "$tmp/open.key"
"$ab" run --suite "$src/tests/e2e/tiny.yaml" -b cpu -o "$tmp/nokey" --sign-key "$tmp/open.key" \
  --no-clock -q >"$tmp/b6" 2>&1
check "run --sign-key with a key others can read is refused before running" 2 $? \
  "readable by its owner only" "$tmp/b6"
[ ! -e "$tmp/nokey/run.json" ]
check "... and nothing ran" 0 $?

echo "verify_e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
