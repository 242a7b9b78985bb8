#!/usr/bin/env bash
# Install everything accelbench needs from Debian 12 packages (nothing vendored, nothing
# downloaded from elsewhere). Safe to run again: it only installs what is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libopenblas-dev        # CPU GEMM (f32/f64); dlopen'ed at run time by the CPU backend
  libdnnl-dev            # oneDNN: CPU bf16/int8 matmul and inference primitives
  libhwloc-dev           # topology and thread pinning
  libcpuid-dev           # CPU identification (cross-checked against /proc/cpuinfo)
  libjansson-dev         # run files (JSON)
  libyaml-dev            # suite configs (YAML)
  libsodium-dev          # SHA-256 manifests and Ed25519 signatures of run bundles
  ocl-icd-opencl-dev opencl-c-headers  # OpenCL through the ICD loader
  libclblast-dev         # tuned OpenCL GEMM
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
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#packages[@]} packages present"
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
