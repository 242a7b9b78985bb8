#!/usr/bin/env bash
# The prepared GPU check (issue 17 item 6): one command, meant to run from an unpacked
# bundle (scripts/bundle) on an NVIDIA machine in under 5 minutes. It
#   1. checks that the `cuda` backend and the `nvml` power source are present and enabled,
#      and stops with a clear message (exit 3) when either is missing;
#   2. runs the quick suite and gpu-check/gpu-llm.yaml (square 8192 in every dtype, 7B/70B
#      layer GEMMs at 1, 128, 2048 tokens) through `cuda` with NVML as the power source
#      (-P sources=nvml: board scope, the energy counter);
#   3. times the same GEMMs through PyTorch (torch.matmul f32/tf32/f16/bf16,
#      torch._scaled_mm for FP8) with CUDA events, and a device-to-device copy
#      (gpu-check/torch_gemm.py -> torch.json beside the runs);
#   4. compares NVML's energy counter with the integral of polled power over >= 10 s of
#      load (gpu-check/energy_check.py -> energy.json);
#   5. writes summary.md (gpu-check/summary.py) for docs/results/.
#
#   ./gpu-check.sh [-o DIR] [--time-cap S] [--device N] [--dry-run]
#
# DIR defaults to gpu-check-<UTC time>/. --time-cap (default 0.5 s per case) keeps both
# suites inside the time budget; --dry-run prints every command and runs none.
# Exit: 0 all steps ran; 1 a step failed (see its log in DIR); 2 usage; 3 missing parts.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# From a bundle: ./bin/accelbench and share/accelbench/gpu-check/; from a source tree:
# build/accelbench and scripts/gpu-check/.
if [ -x "$here/bin/accelbench" ]; then
  ab=$here/bin/accelbench py=$here/share/accelbench/gpu-check
else
  ab=${ACCELBENCH:-$here/../build/accelbench} py=$here/gpu-check
fi
out=gpu-check-$(date -u +%Y%m%dT%H%M%SZ) cap=0.5 device=0 dry=0
while [ $# -gt 0 ]; do
  case $1 in
    -o) out=$2; shift 2 ;;
    --time-cap) cap=$2; shift 2 ;;
    --device) device=$2; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
python=${PYTHON:-python3}

run() { # run LOG CMD...: print it; run it unless --dry-run, its output into DIR/LOG
  local log=$1; shift
  printf '+'; printf ' %q' "$@"; printf '   > %s\n' "$out/$log"
  [ "$dry" -eq 1 ] && return 0
  "$@" >"$out/$log" 2>&1
  local rc=$?
  [ $rc -ne 0 ] && echo "gpu-check: step failed (exit $rc): see $out/$log" >&2
  return $rc
}

missing() { echo "gpu-check: $*" >&2; exit 3; }

# The cuda backend dlopen()s libcudart, libcublas(Lt) and libnvrtc (docs/cuda.md). Where
# they are not on the loader's path, use a CUDA toolkit's or the ones PyTorch's wheels carry
# (site-packages/nvidia/*/lib), through the backend's documented overrides.
find_cuda_libs() {
  local dirs=() d
  for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/*/lib /usr/local/cuda-*/lib64; do
    [ -d "$d" ] && dirs+=("$d")
  done
  while IFS= read -r d; do [ -d "$d" ] && dirs+=("$d"); done < <("$python" -c '
import glob, os, site
for s in site.getsitepackages() + [site.getusersitepackages()]:
    for d in glob.glob(os.path.join(s, "nvidia", "*", "lib")):
        print(d)' 2>/dev/null)
  local var lib f
  for pair in AB_CUDART_LIBRARY:libcudart AB_CUBLAS_LIBRARY:libcublas \
    AB_CUBLASLT_LIBRARY:libcublasLt AB_NVRTC_LIBRARY:libnvrtc; do
    var=${pair%%:*} lib=${pair#*:}
    [ -n "${!var:-}" ] && continue
    for d in "${dirs[@]}"; do
      f=$(find "$d" -maxdepth 1 -name "$lib.so.1[0-9]*" 2>/dev/null | sort -V | tail -1)
      [ -n "$f" ] && { export "$var=$f"; echo "gpu-check: $var=$f"; break; }
    done
  done
}

# NVRTC compiles the portable kernels with cuda_fp16.h / cuda_bf16.h from $CUDA_HOME/include
# (backends/cuda/cuda_nvrtc.c): find a toolkit's, or the headers PyTorch's wheels carry.
find_cuda_home() {
  [ -n "${CUDA_HOME:-}" ] && return 0
  local d
  for d in /usr/local/cuda /usr/local/cuda-* $("$python" -c '
import glob, os, site
for s in site.getsitepackages() + [site.getusersitepackages()]:
    print(" ".join(glob.glob(os.path.join(s, "nvidia", "cuda_runtime"))))' 2>/dev/null); do
    [ -f "$d/include/cuda_fp16.h" ] && { export CUDA_HOME=$d; echo "gpu-check: CUDA_HOME=$d"; return 0; }
  done
  echo "gpu-check: no CUDA headers found (set CUDA_HOME): the portable kernels will not compile" >&2
}

if [ "$dry" -eq 0 ]; then
  [ -x "$ab" ] || missing "no accelbench binary at $ab (unpack a bundle, or build first)"
  mkdir -p "$out" || exit 3
  find_cuda_home
  "$ab" list >"$out/list.txt" 2>&1
  if ! grep -Eq '^ *cuda +enabled' "$out/list.txt"; then
    find_cuda_libs
    "$ab" list >"$out/list.txt" 2>&1
  fi
  # Backends print as "  NAME  enabled|disabled|refused ...".
  grep -Eq '^ *cuda +enabled' "$out/list.txt" ||
    missing "the 'cuda' backend is missing or not enabled here (accelbench list: $out/list.txt):
$(grep -E '^ *cuda ' "$out/list.txt" || echo "  no module accelbench-backend-cuda.so was found")"
  # Power sources print "  NAME     description", or "  NAME     disabled: reason".
  nvml=$(grep -E '^  nvml +' "$out/list.txt")
  if [ -z "$nvml" ] || grep -q 'disabled:' <<<"$nvml"; then
    missing "the 'nvml' power source is missing or not enabled here (accelbench list: $out/list.txt):
${nvml:-  no power module accelbench-power-nvml.so was found}"
  fi
  "$python" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null ||
    echo "gpu-check: warning: PyTorch with CUDA is not importable: the PyTorch rows will be absent" >&2
fi

rc=0
# "llm": the GEMM subset of scripts/gpu-check/gpu-llm.yaml (square 8192 in every dtype for
# the PyTorch comparison, the 7B/70B layer GEMMs at 1, 128, 2048 tokens); configs/llm.yaml's
# full M sweep would not fit the check's time.
for suite in quick llm; do
  file=$suite
  [ "$suite" = llm ] && file=$py/gpu-llm.yaml
  run "$suite.log" "$ab" run --suite "$file" --backend cuda -P sources=nvml --time-cap "$cap" \
    --no-progress -q -o "$out/$suite" || rc=1
done
run torch.log "$python" "$py/torch_gemm.py" "$out/quick/run.json" "$out/llm/run.json" \
  --backend cuda --device "$device" -o "$out/torch.json" || rc=1
run energy.log "$python" "$py/energy_check.py" --device "$device" --load-s 12 -o "$out/energy.json" || rc=1
printf '+ %q %q > %q\n' "$py/summary.py" "$out" "$out/summary.md"
if [ "$dry" -eq 0 ]; then
  "$python" "$py/summary.py" "$out" >"$out/summary.md" || rc=1
  echo "gpu-check: wrote $out/ (quick/, llm/, torch.json, energy.json, summary.md)"
  [ -f "$out/summary.md" ] && cat "$out/summary.md"
fi
exit $rc
