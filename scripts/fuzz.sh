#!/usr/bin/env bash
# Fuzz the parsers of user- and run-supplied files with libFuzzer (ASan + UBSan):
#   fuzz_config   the suite loader (ab_suite_load_string)
#   fuzz_runfile  the run-file readers (one case: ab_case_from_json; whole file:
#                 ab_run_from_json) and the journal loader
# Builds a clang fuzz build in build-fuzz/ (or $AB_FUZZ_BUILD), runs each target for SECONDS
# (default 60), all targets at once when there are cores for it, starting from the seed
# corpus (shipped configs, the bad-config corpus, tests/fuzz/corpus/). A target stops at
# its first finding (crash, leak, timeout, out-of-memory) and keeps the input in
# tests/fuzz/regressions/<target>/, where the normal build's fuzz_replay_* tests replay it
# from then on (commit it with the fix). New coverage-increasing inputs go to
# build-fuzz/corpus/<target>/ (not kept). Exit 1 if anything was found.
# Needs: clang and libclang-rt-14-dev (Debian 12: apt-get install clang libclang-rt-14-dev).
# usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(config runfile)
build=${AB_FUZZ_BUILD:-build-fuzz}

if ! command -v clang >/dev/null; then
  echo "fuzz.sh: clang not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 3
fi
CC=clang CXX=clang++ cmake -S . -B "$build" -DAB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  >"$build.cmake.log" 2>&1 || { cat "$build.cmake.log" >&2; exit 3; }
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >"$build.build.log" 2>&1 ||
  { tail -30 "$build.build.log" >&2; exit 3; }

seeds_config=(configs tests/config/bad tests/isolation scripts/suites)
seeds_runfile=(tests/fuzz/corpus/runfile tests/fixtures/runs)
# fuzz_one TARGET: run one target; its report goes to $build/fuzz_TARGET.log.
fuzz_one() {
  local t=$1 corpus=$build/corpus/$1 regressions=tests/fuzz/regressions/$1
  local seeds_var="seeds_${t}[@]" dict=()
  mkdir -p "$corpus" "$regressions"
  [ "$t" = config ] && dict=(-dict=tests/fuzz/yaml.dict)
  # The first directory receives new inputs; the seed directories are only read. The
  # regressions are not seeds: one not fixed yet would stop the run at once (fuzz_replay_*
  # replays them). -rss_limit_mb: the parsers bound their memory; 2 GiB for one input is a
  # finding.
  "$build/fuzz_$t" "$corpus" "${!seeds_var}" "${dict[@]}" -max_total_time="$secs" \
    -timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$regressions/" \
    -print_final_stats=1 >"$build/fuzz_$t.log" 2>&1
}

echo "== fuzzing ${targets[*]} for ${secs} s each"
pids=()
for t in "${targets[@]}"; do
  touch "$build/fuzz_$t.start"
  if [ "$(nproc)" -ge "${#targets[@]}" ]; then
    fuzz_one "$t" &
    pids+=($!)
  else
    fuzz_one "$t"
  fi
done
for p in "${pids[@]}"; do wait "$p"; done

status=0
for t in "${targets[@]}"; do
  log=$build/fuzz_$t.log regressions=tests/fuzz/regressions/$t
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{print $2}')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{print $2}')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  found=$(find "$regressions" -type f ! -name '.*' -newer "$build/fuzz_$t.start")
  echo "fuzz_$t: executions ${execs:-?} (${rate:-?}/s), coverage ${cov:-?} edges," \
    "corpus $(find "$build/corpus/$t" -type f | wc -l) files," \
    "findings $(echo -n "$found" | grep -c .)"
  if [ -n "$found" ]; then
    status=1
    echo "$found" | sed 's/^/    /'
    grep -E '^(==[0-9]+==ERROR|SUMMARY)|^    #[0-9] ' "$log" | head -12 | sed 's/^/    /'
  fi
done
exit $status
