#!/usr/bin/env bash
# Reliability figures (issue 7), measured on this machine:
#  1. N random kill points: a run of the 12-case resume suite (crashy test backend, `ok`
#     provider, ~0.3 s a case) is SIGKILLed with its worker (process-group kill) at a
#     uniformly random moment, then finished with --resume; prints
#     "kill points: N, lost: L, repeated: R" (both must be 0);
#  2. with --overhead: quick-suite wall time on the cpu backend, isolated (the default)
#     against --no-isolation, and the isolation overhead per case.
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

if [ "$overhead" -eq 1 ]; then
  echo "== 2. isolation overhead, suite $suite, cpu backend"
  # Alternate the two modes so drift (thermal, other load) hits both alike.
  for rep in 1 2; do
    for mode in isolated inprocess; do
      extra=()
      [ "$mode" = inprocess ] && extra=(--no-isolation)
      if ! "$ab" run --suite "$suite" -b cpu -o "$tmp/q-$mode-$rep" --no-clock -q --no-progress \
        "${extra[@]}" 2>"$tmp/q.err"; then
        echo "bench-resume: the $mode run of $suite failed:" >&2
        cat "$tmp/q.err" >&2
        exit 3
      fi
    done
  done
  python3 - "$tmp" <<'PY'
import json, sys, statistics
tmp = sys.argv[1]
def load(mode, rep):
    r = json.load(open(f"{tmp}/q-{mode}-{rep}/run.json"))
    timed = sum(c.get("timing", {}).get("warmup_s", 0) + c.get("timing", {}).get("measured_s", 0)
                for c in r["cases"])
    return r["wall_s"], len(r["cases"]), timed
iso = [load("isolated", k) for k in (1, 2)]
inp = [load("inprocess", k) for k in (1, 2)]
n = iso[0][1]
for name, runs in (("isolated", iso), ("--no-isolation", inp)):
    print(f"{name:15s} wall " + ", ".join(f"{w:.2f} s" for w, _, _ in runs) +
          "; warm-up + timed loops " + ", ".join(f"{t:.2f} s" for _, _, t in runs))
# Wall minus the time spent in warm-up and timed loops, which isolation does not touch:
# what remains is start-up, input generation, validation and (isolated) worker start-up.
rest_iso = statistics.mean(w - t for w, _, t in iso)
rest_inp = statistics.mean(w - t for w, _, t in inp)
d_wall = statistics.mean(w for w, _, _ in iso) - statistics.mean(w for w, _, _ in inp)
print(f"{n} cases; wall difference {d_wall:+.2f} s ({d_wall / n * 1000:+.1f} ms per case)")
print(f"outside the timed loops: isolated {rest_iso:.2f} s, in-process {rest_inp:.2f} s -> "
      f"overhead {(rest_iso - rest_inp) / n * 1000:+.1f} ms per case")
PY
fi
[ "$lost" -eq 0 ] && [ "$repeated" -eq 0 ] && [ "$failed" -eq 0 ]
