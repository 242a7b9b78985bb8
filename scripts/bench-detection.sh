#!/usr/bin/env bash
# How often the output check catches a single wrong element, per case of the quick and
# poc-full suites, on the CPU and OpenCL backends (issue 15: ">= 99.9% at every quick/poc-full
# shape, measured over many run-time seeds"; docs/measurement.md, "Detection rate").
#
#   scripts/bench-detection.sh [BUILD_DIR] [OUT_DIR]
#
# Environment: TRIALS (default 3000), BUDGET_S (seconds of trials per case, default 30),
# MAX_BYTES (largest case's operands, default 1 GiB), ERRORS (error models, default
# "abs:1 rel:0.01"), SUITES (default "configs/quick.yaml configs/poc-full.yaml"),
# BACKENDS (default "cpu opencl"). Writes one TSV per suite x backend x error model and
# prints the cases under 99.9% (observed) at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
trials=${TRIALS:-3000}
budget=${BUDGET_S:-30}
max_bytes=${MAX_BYTES:-1073741824}
for suite in ${SUITES:-configs/quick.yaml configs/poc-full.yaml}; do
  for backend in ${BACKENDS:-cpu opencl}; do
    for err in ${ERRORS:-abs:1 rel:0.01}; do
      f="$out/$(basename "$suite" .yaml)-$backend-${err/:/}.tsv"
      echo "== $suite $backend $err -> $f" >&2
      "$build/ab-detection" -s "$suite" -b "$backend" -t "$trials" -T "$budget" \
        -M "$max_bytes" -e "$err" >"$f"
    done
  done
done
echo "cases run, and those caught in under 99.9% of trials (file: kind dtypes shape provider trials caught rate wilson95_low note):"
for f in "$out"/*.tsv; do
  awk -F'\t' -v f="$(basename "$f")" '
    !/^#/ && $1 != "kind" && $5 > 0 { run++; if ($7 < 0.999) { low++; print f ": " $0 } }
    END { printf "%s: %d cases run, %d under 99.9%%\n", f, run, low }' "$f"
done
