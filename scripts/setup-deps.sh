#!/usr/bin/env bash
# Install what accelbench needs from Debian 12 packages (nothing vendored, nothing
# downloaded from elsewhere). Safe to run again: it only installs what is missing.
#
#   scripts/setup-deps.sh          everything: build, run, and every test and CI tool
#   scripts/setup-deps.sh --run    only what building and running the suites needs
#   scripts/setup-deps.sh --list [--run]   print the package names, install nothing
#
# --run leaves out the test and CI tools (Criterion, valgrind, clang, Chromium, PoCL,
# clpeak, jsonschema, patchelf): 13 packages of 26 by name; counted with every dependency
# (apt-cache depends --recurse, no recommends), 168 of 630 on Debian 12 — the command is
# in docs/install.md. A machine without an OpenCL device of its own gets none from --run:
# install pocl-opencl-icd too to see the OpenCL backend run on the CPU.
set -euo pipefail

# Building and running: the C toolchain, the libraries the harness and backends link.
run_packages=(
  build-essential cmake pkg-config
  git                    # the commit recorded in every run file (same commit on every machine)
  libopenblas-dev        # CPU GEMM (f32/f64); dlopen'ed at run time by the CPU backend
  libdnnl-dev            # oneDNN: CPU bf16/int8 matmul and inference primitives
  libhwloc-dev           # topology and thread pinning
  libjansson-dev         # run files (JSON)
  libyaml-dev            # suite configs (YAML)
  libsodium-dev          # SHA-256 manifests and Ed25519 signatures of run bundles
  ocl-icd-opencl-dev     # OpenCL through the ICD loader (pulls the OpenCL C headers)
  libclblast-dev         # tuned OpenCL GEMM
)
# libcpuid exists for x86 only; elsewhere /proc/cpuinfo alone describes the CPU.
case "$(dpkg --print-architecture 2>/dev/null || uname -m)" in
  amd64|i386|x86_64) run_packages+=(libcpuid-dev) ;; # CPU identification, cross-checked
esac

# Tests, CI and the lab's tools on top.
test_packages=(
  pocl-opencl-icd clinfo # a real OpenCL CPU device for tests on machines without a GPU
  clpeak                 # the established OpenCL peak tool beside our microbenchmarks (scripts/bench-clpeak.sh)
  libcriterion-dev       # unit tests
  python3 python3-jsonschema  # run-file schema check in the end-to-end tests
  time                   # /usr/bin/time for scripts/bench-*.sh memory figures
  procps                 # pgrep in the isolation tests (no worker may outlive a run)
  valgrind               # memcheck of the CPU backend path in CI
  clang libclang-rt-14-dev  # libFuzzer targets (scripts/fuzz.sh)
  chromium               # headless browser check of the HTML report (tests/html)
  fonts-noto-cjk         # CJK glyphs for the zh-CN report in Chromium (tests/html screenshots)
  patchelf               # $ORIGIN RUNPATHs of the relocatable bundle (scripts/bundle)
)

mode=all list=0
for arg in "$@"; do
  case $arg in
    --run) mode=run ;;
    --list) list=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "setup-deps: unknown argument '$arg' (expected --run, --list)" >&2; exit 2 ;;
  esac
done
packages=("${run_packages[@]}")
[ "$mode" = all ] && packages+=("${test_packages[@]}")
if [ "$list" -eq 1 ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#packages[@]} packages present ($mode)"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
