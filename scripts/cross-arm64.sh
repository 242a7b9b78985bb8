#!/usr/bin/env bash
# Cross-build accelbench for aarch64 (Kunpeng-class servers) with Debian's cross toolchain
# and run its unit tests under qemu-user: the CI step for issue 19 item 6.
#
#   scripts/cross-arm64.sh [BUILD_DIR]        (default build-arm64)
#
# Needs (installed here when run as root on Debian; otherwise it says what is missing):
# gcc/g++-aarch64-linux-gnu (the ABI test is also C++), qemu-user, and the arm64 packages of
# the libraries, which are downloaded (apt-get download) and unpacked into BUILD_DIR/sysroot
# — nothing arm64 is installed into the system, so the native amd64 -dev packages stay
# untouched. The build leaves out what has no arm64 meaning or package here: libcpuid (x86
# only), OpenCL and oneDNN (AB_WITH_OPENCL=OFF, AB_WITH_ONEDNN=OFF). Everything is built.
# Under qemu-aarch64:
# - the unit tests (ctest -L unit), built with AB_TEST_SHIM=ON: Criterion's sandbox needs
#   ptrace, which qemu-user does not emulate, so they link tests/shim, our Criterion-
#   compatible runner (one fork()ed child per test). ctest runs each through qemu
#   (CMAKE_CROSSCOMPILING_EMULATOR), in the working directory and environment of a native
#   ctest. What cannot run under qemu-user is left out by name, with the reason printed;
# - the harness end to end (run, schema, verify, report, plan) on the tiny suite.
# The shell end-to-end tests are not run here (see "Not run" below).
# The last line is machine-readable: "cross-arm64: N passed, M failed, S s", where N and M
# count the unit tests and the end-to-end checks together.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
out=${1:-build-arm64}
mkdir -p "$out"
out=$(cd "$out" && pwd)
root=$out/sysroot
triple=aarch64-linux-gnu

need_tools() {
  command -v "$triple-gcc" >/dev/null && command -v "$triple-g++" >/dev/null &&
    command -v qemu-aarch64 >/dev/null && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "cross-arm64: needs gcc-aarch64-linux-gnu, g++-aarch64-linux-gnu and qemu-user" \
      "(run as root to install them)" >&2
    exit 3
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user >/dev/null
}

# The arm64 libraries and everything they depend on, unpacked into the sysroot.
# No Criterion: the unit tests link tests/shim (AB_TEST_SHIM=ON).
libs=(libjansson-dev libyaml-dev libhwloc-dev libsodium-dev libopenblas-dev)
make_sysroot() {
  [ -f "$root/.complete" ] && return 0
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    [ "$(id -u)" -eq 0 ] || { echo "cross-arm64: run 'dpkg --add-architecture arm64' as root" >&2; exit 3; }
    dpkg --add-architecture arm64
    apt-get update -qq
  fi
  local debs=$out/debs
  mkdir -p "$debs" "$root"
  # Tools that only run on the build machine are not needed inside the sysroot.
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "${libs[@]/%/:arm64}" 2>/dev/null |
    grep -E '^[a-z0-9].*:arm64$' |
    grep -Ev '^(dpkg|tar|m4|perl|debianutils|pkgconf|pkgconf-bin|pkg-config|rpcsvc-proto|libc-dev-bin|libc6|libc6-dev|linux-libc-dev|libcrypt-dev|libcrypt1|libgcc-s1|gcc-12-base):' |
    sort -u >"$out/packages.txt"
  (cd "$debs" && xargs -a "$out/packages.txt" apt-get download -qq) >/dev/null 2>&1 || {
    echo "cross-arm64: apt-get download of the arm64 packages failed (is Debian's archive reachable?)" >&2
    exit 3
  }
  for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$root"; done
  # Debian picks the OpenBLAS flavour with update-alternatives in postinst, which unpacking
  # does not run: point the generic names at the pthread flavour.
  local lib=$root/usr/lib/$triple
  ln -sf openblas-pthread/libopenblas.so.0 "$lib/libopenblas.so.0"
  ln -sf openblas-pthread/libopenblas.so "$lib/libopenblas.so"
  mkdir -p "$lib/pkgconfig"
  ln -sf ../openblas-pthread/pkgconfig/openblas.pc "$lib/pkgconfig/openblas.pc"
  # Absolute symlinks inside the packages point at the build machine's /: make them relative.
  find "$root" -type l -lname '/*' | while read -r l; do
    ln -sf "$root$(readlink "$l")" "$l"
  done
  touch "$root/.complete"
}

need_tools
make_sysroot

# The toolchain's own libc (/usr/aarch64-linux-gnu) plus the unpacked libraries.
cat >"$out/toolchain.cmake" <<TC
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER $triple-gcc)
set(CMAKE_CXX_COMPILER $triple-g++)
set(CMAKE_C_FLAGS_INIT "-I$root/usr/include -I$root/usr/include/$triple")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-L$root/usr/lib/$triple -Wl,-rpath-link,$root/usr/lib/$triple:$root/lib/$triple")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "\${CMAKE_EXE_LINKER_FLAGS_INIT}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "\${CMAKE_EXE_LINKER_FLAGS_INIT}")
set(CMAKE_FIND_ROOT_PATH $root /usr/$triple)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# ctest (and try_run) start the aarch64 test binaries through qemu.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;$out/qemu-root)
TC
# qemu's -L root: the toolchain's libc and loader, with the unpacked libraries beside them.
mkdir -p "$out/qemu-root"
cp -a /usr/$triple/lib "$out/qemu-root/" 2>/dev/null || true
mkdir -p "$out/qemu-root/usr/lib"
ln -sfn "$root/usr/lib/$triple" "$out/qemu-root/usr/lib/$triple"
ln -sfn "$root/lib/$triple" "$out/qemu-root/lib/$triple" 2>/dev/null || true
export PKG_CONFIG_LIBDIR=$root/usr/lib/$triple/pkgconfig:$root/usr/share/pkgconfig
export PKG_CONFIG_SYSROOT_DIR=$root
export LD_LIBRARY_PATH= # qemu's -L root, never the host's libraries

cmake -S . -B "$out/build" -DCMAKE_TOOLCHAIN_FILE="$out/toolchain.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DAB_WITH_OPENCL=OFF -DAB_WITH_ONEDNN=OFF -DAB_TEST_SHIM=ON \
  >"$out/configure.log" 2>&1 || {
  tail -20 "$out/configure.log" >&2; exit 1; }
cmake --build "$out/build" -j"$(nproc)" >"$out/build.log" 2>&1 || { grep -E 'error|Error' "$out/build.log" | head -20 >&2; exit 1; }
file "$out/build/accelbench" | grep -q aarch64 || { echo "cross-arm64: accelbench is not an aarch64 binary" >&2; exit 1; }

qemu=(qemu-aarch64 -L "$out/qemu-root")
t=$out/qemu-tests
rm -rf "$t"
mkdir -p "$t"
pass=0 fail=0

# ---- The unit tests, under qemu-aarch64 through ctest --------------------------------------
# What cannot run under qemu-user is left out by name, each with its reason; nothing else.
# Whole test programs, by ctest name:
skip_programs=(
  "test_cuk_emu:too slow: it runs the CUDA kernels' C emulation over whole shapes, past ctest's 600 s under qemu (native CI runs it)"
)
# Single tests inside a program, by "suite/test" glob (AB_TEST_SHIM_SKIP, read by the shim):
skip_tests=(
  "loader/isolated_discovery_reports_what_in_process_discovery_finds:isolated discovery exec()s accelbench as its worker, and qemu-user cannot exec an aarch64 binary without binfmt_misc"
  "loader/an_earlier_file_of_the_same_name_or_backend_name_shadows_a_later_one:its second pass is isolated discovery (exec()s accelbench; needs binfmt_misc under qemu-user)"
  "power_sampler/rapl_counter_known_rate_with_wraps_and_reset:timing: its fake counter writer thread stalls under emulation, widening the energy bracket past the 1% it checks"
  "power_sampler/slow_poll_small_range_*:timing: the same fake writer thread, stalled under emulation"
  "power_sampler/stalled_counter_read_*:timing: the same fake writer thread; the wrap power it measures drifts past its 1% under emulation"
)
unit_tests() {
  local entry exclude="" globs=""
  for entry in "${skip_programs[@]}"; do
    echo "skip ${entry%%:*} (${entry#*:})"
    exclude+="${exclude:+|}${entry%%:*}"
  done
  for entry in "${skip_tests[@]}"; do
    echo "skip ${entry%%:*} (${entry#*:})"
    globs+="${globs:+ }${entry%%:*}"
  done
  local log=$t/unit-tests.log
  AB_TEST_SHIM_SKIP=$globs ctest --test-dir "$out/build" -L unit ${exclude:+-E "^($exclude)\$"} \
    -j2 --output-on-failure >"$log" 2>&1 || true
  # One line per program: "N/M Test #K: name ....   Passed   1.2 sec" (or ***Failed ...).
  local line name
  while read -r line; do
    name=$(sed -E 's/.*Test +#[0-9]+: ([^ ]+) .*/\1/' <<<"$line")
    if [[ $line == *" Passed "* ]]; then
      pass=$((pass + 1)); echo "ok   unit $name"
    else
      fail=$((fail + 1)); echo "FAIL unit $name: ${line##*.. }"
      awk -v n="$name" '$0 ~ "Test +#[0-9]+: "n" " {on=1; next} /Test +#[0-9]+: / {on=0}
        on && /^(FAIL |  [^ ]+:[0-9]+: )/' "$log" | head -20 | sed 's/^/    /'
    fi
  done < <(grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' "$log")
  grep -qE '^ *[0-9]+/[0-9]+ Test +#' "$log" || { fail=$((fail + 1)); echo "FAIL unit: ctest ran nothing"; tail -5 "$log"; }
}
unit_start=$(date +%s)
unit_tests
echo "unit tests under qemu: $(( $(date +%s) - unit_start )) s (log: $t/unit-tests.log)"

# ---- The harness end to end, under qemu-aarch64 ----------------------------------------
# In one process (--no-isolation): a worker is this binary exec()ed again, which needs
# binfmt_misc to start under qemu.
# Not run: the shell end-to-end tests (ctest without -L unit). They drive the harness
# through its isolated workers and run benchmarks; under qemu-user each exec of an aarch64
# binary fails without binfmt_misc, and the benchmarks would cost CI minutes for what the
# native run already covers. The checks below are their aarch64 stand-in.
check() { # check NAME CMD...: run under qemu, log to $t/NAME.log
  local name=$1; shift
  if "$@" >"$t/$name.log" 2>&1; then pass=$((pass + 1)); echo "ok   $name"
  else fail=$((fail + 1)); echo "FAIL $name (exit $?):"; tail -5 "$t/$name.log" | sed 's/^/    /'; fi
}
ab=$out/build/accelbench
check version "${qemu[@]}" "$ab" --version
check list "${qemu[@]}" "$ab" list --no-isolation
check run-tiny "${qemu[@]}" "$ab" run --suite tests/e2e/tiny.yaml --backend cpu --no-isolation \
  --no-clock -q -o "$t/run"
check cases-ok python3 - "$t/run/run.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
assert run["system"]["cpu"].get("libcpuid") is None, "libcpuid is x86-only"
st = {(c["provider"], c["kernel"]["dtype"]): c["status"] for c in run["cases"]}
assert st[("openblas", "f32")] == "ok" and st[("openblas", "f64")] == "ok", st
bad = [k for k, v in st.items() if v not in ("ok", "unsupported")]
assert not bad, bad
PY
check schema python3 tests/runfile/validate_runfile.py "$t/run/run.json"
check verify "${qemu[@]}" "$ab" verify "$t/run"
check report "${qemu[@]}" "$ab" report "$t/run/run.json" -o "$t/report" -q
check plan "${qemu[@]}" "$ab" plan --suite quick --no-isolation
echo "cross-arm64: $pass passed, $fail failed, $(( $(date +%s) - start )) s"
[ "$fail" -eq 0 ]
