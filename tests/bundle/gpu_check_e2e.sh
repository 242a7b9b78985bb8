#!/usr/bin/env bash
# scripts/gpu-check.sh without a GPU: it parses (bash -n; shellcheck when installed), its
# Python helpers compile, --dry-run prints every step without running one, and on a
# machine without the cuda backend it stops at once with exit 3 naming what is missing.
# summary.py renders a directory holding a CPU run without failing.
# usage: gpu_check_e2e.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
# shellcheck source=SCRIPTDIR/../lib/check.sh
source "$src/tests/lib/check.sh"
gc=$src/scripts/gpu-check.sh

bash -n "$gc" && bash -n "$src/scripts/bundle"
check "gpu-check.sh and bundle parse" 0 $?
if command -v shellcheck >/dev/null; then
  scripts=("$gc" "$src/scripts/bundle" "$src/scripts/setup-deps.sh")
  [ -f "$src/scripts/cross-arm64.sh" ] && scripts+=("$src/scripts/cross-arm64.sh")
  shellcheck "${scripts[@]}" >"$tmp/sc" 2>&1
  check "shellcheck is clean" 0 $? 
fi
for p in "$src"/scripts/gpu-check/*.py; do
  python3 -c 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)' \
    "$p" "$tmp/$(basename "$p")c"
  check "$(basename "$p") compiles" 0 $?
done

ACCELBENCH=$build/accelbench bash "$gc" --dry-run -o "$tmp/dry" >"$tmp/dry.out" 2>&1
check "--dry-run exits 0" 0 $? 
for step in "run --suite quick --backend cuda" "gpu-check/gpu-llm.yaml --backend cuda" torch_gemm.py \
  energy_check.py summary.py; do
  grep -q -- "$step" "$tmp/dry.out"
  check "--dry-run prints: $step" 0 $?
done
[ ! -e "$tmp/dry" ]
check "--dry-run runs nothing" 0 $?

ACCELBENCH=$build/accelbench bash "$gc" -o "$tmp/real" >"$tmp/real.out" 2>&1
check "no cuda backend: exit 3 naming it" 3 $? "'cuda' backend is missing" "$tmp/real.out"

mkdir -p "$tmp/dir"
"$build/accelbench" run -s "$src/tests/e2e/tiny.yaml" -b cpu --no-clock -q -o "$tmp/dir/quick" \
  >/dev/null 2>&1
python3 "$src/scripts/gpu-check/summary.py" "$tmp/dir" >"$tmp/summary.md" 2>&1
check "summary.py renders a CPU-only directory" 0 $? "suite \*\*quick\*\*" "$tmp/summary.md"

finish gpu_check_e2e
