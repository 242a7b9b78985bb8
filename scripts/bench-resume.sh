#!/usr/bin/env bash
# Reliability figures (issue 7), measured on this machine:
#  1. N random kill points: a run of the 12-case resume suite (crashy test backend, `ok`
#     provider, ~0.3 s a case) is SIGKILLed with its worker (process-group kill) at a
#     uniformly random moment, then finished with --resume; prints
#     "kill points: N, lost: L, repeated: R" (both must be 0);
#  2. with --overhead: wall time on the cpu backend, isolated (the default) against
#     --no-isolation, for 32 tiny GEMMs (harness-bound) and the quick suite; overhead per case.
# usage: scripts/bench-resume.sh [N] [--overhead] [--suite S] [--build DIR]
#        (defaults: 20 kill points, the quick suite for --overhead, build/)
#        AB_RESUME_SEED=S replays the same kill points.
set -uo pipefail
cd "$(dirname "$0")/.."
src=$PWD build=build n=20 overhead=0 suite=quick
while [ $# -gt 0 ]; do
  case $1 in
    --overhead) overhead=1 ;;
    --build) build=$2; shift ;;
    --suite) suite=$2; shift ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) n=$1 ;;
  esac
  shift
done
ab=$(cd "$build" && pwd)/accelbench
export ACCELBENCH_BACKEND_PATH=$(cd "$build" && pwd)/tests/isolation-modules
if [ ! -x "$ab" ] || [ ! -e "$ACCELBENCH_BACKEND_PATH/accelbench-backend-crashy.so" ]; then
  echo "bench-resume: build $build first (needs accelbench and the crashy test backend)" >&2
  exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=../tests/isolation/resume_lib.sh
. "$src/tests/isolation/resume_lib.sh"
seed=${AB_RESUME_SEED:-$(date +%s)}
RANDOM=$seed

# Length of an uninterrupted run, so kill points cover all of it.
"$ab" run --suite "$src/tests/isolation/resume.yaml" -b crashy -p ok -o "$tmp/full" --no-clock \
  -q --no-progress 2>/dev/null
full_ms=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["wall_s"] * 1000))' \
  "$tmp/full/run.json")
echo "== 1. $n kill points in a ${full_ms} ms run (seed $seed)"
lost=0 repeated=0 failed=0 early=0
for i in $(seq 1 "$n"); do
  ms=$(((RANDOM * 32768 + RANDOM) % (full_ms + 100) + 20))
  d=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
  out=$tmp/k$i
  interrupt_run "$out" KILL "$d" group
  cp "$out/journal.jsonl" "$out.before" 2>/dev/null || : >"$out.before"
  resume_run "$out"
  rrc=$ab_rc
  if [ ! -e "$out/invocation.json" ]; then
    # Killed in start-up, before the run saved what to resume: nothing ran, nothing can be
    # lost; --resume must refuse with exit 2 naming the missing file.
    early=$((early + 1))
    if [ "$rrc" -eq 2 ] && grep -q invocation.json "$out.resume.err" && [ ! -s "$out.before" ]; then
      echo "kill at ${d}s: in start-up, nothing to resume (resume refused, rc 2)"
    else
      failed=$((failed + 1))
      echo "kill at ${d}s: in start-up, but resume rc $rrc:"
      sed 's/^/    /' "$out.resume.err"
    fi
    continue
  fi
  check_resumed "$out" "$out.before" >"$out.check" 2>&1
  ok=$?
  l=$(awk 'NR == 1 && $1 == "lost" {print $2}' "$out.check")
  r=$(awk 'NR == 1 && $1 == "lost" {print $4}' "$out.check")
  lost=$((lost + ${l:-12})) repeated=$((repeated + ${r:-0}))
  if [ "$ok" -ne 0 ] || [ "$rrc" -ne 0 ]; then
    failed=$((failed + 1))
    echo "kill at ${d}s: resume rc $rrc"
    sed 's/^/    /' "$out.check"
  else
    printf 'kill at %ss: %s\n' "$d" "$(head -1 "$out.check")"
  fi
done
echo "kill points: $n, lost: $lost, repeated: $repeated (in start-up, nothing to resume: $early; failed checks: $failed)"

# wall_runs SUITE TAG REPS: REPS runs of SUITE on the cpu backend in each mode, alternating
# so drift (thermal, other load) hits both alike; run files in $tmp/TAG-MODE-REP/.
wall_runs() {
  local suite=$1 tag=$2 reps=$3 rep mode
  for rep in $(seq 1 "$reps"); do
    for mode in isolated inprocess; do
      local extra=()
      [ "$mode" = inprocess ] && extra=(--no-isolation)
      if ! "$ab" run --suite "$suite" -b cpu -o "$tmp/$tag-$mode-$rep" --no-clock -q \
        --no-progress "${extra[@]}" 2>"$tmp/q.err"; then
        echo "bench-resume: the $mode run of $suite failed:" >&2
        cat "$tmp/q.err" >&2
        exit 3
      fi
    done
  done
}

# overhead_report TAG REPS: median wall per mode, and the difference per case. Warm-up and
# timed loops are untouched by isolation; the rest is start-up, inputs, validation and,
# isolated, the worker's exec, suite and module load and device open.
overhead_report() {
  python3 - "$tmp" "$1" "$2" <<'PY'
import json, statistics, sys
tmp, tag, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
def load(mode, rep):
    r = json.load(open(f"{tmp}/{tag}-{mode}-{rep}/run.json"))
    timed = 0.0
    for c in r["cases"]:
        t = c.get("timing") or {}
        timed += (t.get("warmup_s") or 0) + (t.get("measured_s") or 0)
    return r["wall_s"], len(r["cases"]), timed
res = {m: [load(m, k) for k in range(1, reps + 1)] for m in ("isolated", "inprocess")}
n = res["isolated"][0][1]
med = {m: statistics.median(w for w, _, _ in v) for m, v in res.items()}
rest = {m: statistics.median(w - t for w, _, t in v) for m, v in res.items()}
for m, v in res.items():
    print(f"  {m:10s} wall " + " ".join(f"{w:.2f}" for w, _, _ in v) +
          f" s (median {med[m]:.2f}); outside warm-up and timed loops: median {rest[m]:.2f} s")
d, dr = med["isolated"] - med["inprocess"], rest["isolated"] - rest["inprocess"]
print(f"  {n} cases: wall difference {d:+.3f} s = {d / n * 1000:+.1f} ms per case; outside"
      f" the timed loops {dr:+.3f} s = {dr / n * 1000:+.1f} ms per case")
PY
}

if [ "$overhead" -eq 1 ]; then
  # Tiny cases, minimal measurement: the wall is almost all harness, so the fixed cost of
  # isolation (one worker per device) and its per-case cost (protocol lines, JSON) show.
  cat >"$tmp/overhead.yaml" <<'YAML'
suite: isolation-overhead
seed: 3
measure: {warmup_s: 0.001, warmup_min_calls: 1, sample_min_s: 0.0001, min_samples: 3,
          max_samples: 3, target_cv: 0, time_cap_s: 0.01}
gemm:
  - set: tiny
    dtypes: [f32, f64]
    sizes: [8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68]
YAML
  echo "== 2a. isolation overhead, 32 tiny GEMMs on the cpu backend, 5 runs per mode"
  wall_runs "$tmp/overhead.yaml" tiny 5
  overhead_report tiny 5
  echo "== 2b. isolation overhead, suite $suite, cpu backend, 2 runs per mode"
  wall_runs "$suite" quick 2
  overhead_report quick 2
fi
[ "$lost" -eq 0 ] && [ "$repeated" -eq 0 ] && [ "$failed" -eq 0 ]
