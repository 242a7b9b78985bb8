#!/bin/sh
# Print the DeepBench inference GEMM sets as accelbench suite YAML (the `gemm:` entries).
#
# Input: a TSV with columns set, M, N, K (lines starting with '#' and the header are
# skipped), as in ../shared/reference/deepbench-inference-gemm.tsv, which was copied
# from baidu-research/DeepBench code/kernels/gemm_problems.h (inference server and device
# sets; all shapes non-transposed).
#
# Usage: scripts/deepbench-to-yaml.sh FILE.tsv [DTYPES]
#   DTYPES defaults to "f64, f32, f16, bf16, int8".
# Output goes to stdout; paste it under `gemm:` in a suite (configs/poc-full.yaml).
set -eu

if [ $# -lt 1 ] || [ ! -r "$1" ]; then
  echo "usage: $0 FILE.tsv [DTYPES]" >&2
  exit 2
fi
dtypes=${2:-"f64, f32, f16, bf16, int8"}

awk -F '\t' -v dtypes="$dtypes" '
  /^#/ || $1 == "set" || NF == 0 { next }
  NF != 4 || $2 !~ /^[0-9]+$/ || $3 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+$/ {
    printf "%s:%d: expected set<TAB>M<TAB>N<TAB>K, got \"%s\"\n", FILENAME, FNR, $0 > "/dev/stderr"
    bad = 1
    exit 1
  }
  {
    if (!($1 in count)) order[nsets++] = $1
    count[$1]++
    rows[$1, count[$1]] = "[" $2 ", " $3 ", " $4 "]"
  }
  END {
    if (bad) exit 1
    for (i = 0; i < nsets; i++) {
      s = order[i]
      printf "  # DeepBench inference, %s set: %d shapes [m, n, k]\n", s, count[s]
      printf "  - set: deepbench-%s\n", s
      printf "    dtypes: [%s]\n", dtypes
      printf "    shapes:\n"
      for (j = 1; j <= count[s]; j++) printf "      - %s\n", rows[s, j]
    }
  }
' "$1"
