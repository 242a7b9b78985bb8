#!/usr/bin/env bash
# The GEMM row test's guarantee at every GEMM shape of a suite (docs/measurement.md,
# "Detection rate"): ab-detection -g computes each case's honest output once on the backend
# and prints the Freivalds row test's bound over its rows; 2 x the largest is the error of
# one element the row test catches anywhere with probability >= 1 - 1e-12. Trials cannot
# reach every poc-full shape on a small machine; this can, in minutes. The summary gives,
# per dtype, the largest guarantee (absolute and relative to the output's rms) and the
# shapes where it is 1.0 or more (a +1.0 error, the lying test backend's, not guaranteed by
# the row test alone: those outputs need the whole reference, which f16/bf16/f32 get).
#
#   scripts/bench-detection-guarantee.sh [BUILD_DIR] [SUITE] [BACKEND] [DTYPES] [MAX_BYTES]
#
# Defaults: build, configs/poc-full.yaml, cpu, f64,f32,int8 (the outputs the row test
# checks without a whole reference; f16/bf16/f32 rows say "whole reference"), 4.8e9 bytes.
# AB_HOST_BLAS=none gives the row test's figures for f32 as well (what it would catch alone).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
suite=${2:-configs/poc-full.yaml}
backend=${3:-cpu}
dtypes=${4:-f64,f32,int8}
max_bytes=${5:-4800000000}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$build/ab-detection" -s "$suite" -b "$backend" -k gemm -d "$dtypes" -g -M "$max_bytes" >"$out"
python3 - "$out" <<'PY'
import csv, sys
from collections import defaultdict
rows = [r for r in csv.reader(open(sys.argv[1]), delimiter="\t")
        if r and not r[0].startswith("#") and r[0] != "kind"]
by, notes = defaultdict(list), []
for r in rows:
    if r[9]:
        notes.append(f"{r[1]} {r[2]}: {r[9]}")
    else:
        by[r[1]].append((float(r[6]), float(r[7]), r[2]))
for dt, cases in sorted(by.items()):
    worst = max(cases)
    rel = max(cases, key=lambda c: c[0] / c[1] if c[1] else 0.0)
    over = [c[2] for c in cases if c[0] >= 1.0]
    print(f"{dt}: {len(cases)} shapes; largest guarantee {worst[0]:.4g} ({worst[2]}); "
          f"largest relative to rms |c| {rel[0] / rel[1]:.3g} ({rel[2]}); "
          f"guarantee >= 1.0 at {len(over)} shapes{': ' + ', '.join(over) if over else ''}")
for n in notes:
    print("no row-test figure:", n)
PY
