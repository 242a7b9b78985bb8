#!/usr/bin/env bash
# The minimal build (docs/install.md): only the C compiler, CMake, libyaml and jansson.
# Configures a build tree in a temporary directory with every optional dependency OFF and
# pkg-config limited to libyaml and jansson, builds the CLI and the CPU backend, and runs the
# tiny suite end to end; then checks that a default configure without hwloc stops with the
# packages to install. Slow (a second build): ctest label "slow".
# usage: minimal_build.sh SOURCE_DIR   (AB_JOBS: parallel build jobs, default 2)
set -uo pipefail
src=$1
jobs=${AB_JOBS:-2}
# shellcheck source=SCRIPTDIR/../lib/check.sh
source "$src/tests/lib/check.sh"

# pkg-config sees libyaml and jansson only, so nothing optional can be found by accident.
mkdir -p "$tmp/pc"
for m in jansson yaml-0.1; do
  cp "$(pkg-config --variable pcfiledir "$m")/$m.pc" "$tmp/pc/"
done
export PKG_CONFIG_LIBDIR=$tmp/pc PKG_CONFIG_PATH=

# 1. Configure and build with every optional part OFF.
start=$(date +%s)
cmake -S "$src" -B "$tmp/b" -DCMAKE_BUILD_TYPE=Release -DAB_BUILD_TESTS=OFF \
  -DAB_WITH_HWLOC=OFF -DAB_WITH_OPENBLAS=OFF -DAB_WITH_SODIUM=OFF -DAB_WITH_ONEDNN=OFF \
  -DAB_WITH_OPENCL=OFF >"$tmp/configure.log" 2>&1
check "minimal configure succeeds" 0 $? "AB_WITH_SODIUM=OFF: built without libsodium" \
  "$tmp/configure.log"
cmake --build "$tmp/b" -j"$jobs" --target accelbench accelbench-backend-cpu >"$tmp/build.log" 2>&1
check "minimal build of accelbench and the cpu backend" 0 $?
! grep -q "warning:" "$tmp/build.log"
check "minimal build has no compiler warnings" 0 $?
echo "     (configure + build: $(($(date +%s) - start)) s)"
ab=$tmp/b/accelbench cpu=$tmp/b/backends/accelbench-backend-cpu.so
! ldd "$ab" "$cpu" | grep -E "libhwloc|libsodium|libopenblas|libdnnl|libOpenCL" >"$tmp/ldd"
check "neither the binary nor the cpu module links an optional library" 0 $?

# 2. The tiny suite end to end on the CPU backend: native GEMM ok, the rest unsupported.
"$ab" run --suite "$src/tests/e2e/tiny.yaml" --backend cpu -o "$tmp/run" --no-clock -q \
  >"$tmp/run.out" 2>"$tmp/run.err"
check "tiny suite runs (exit 0)" 0 $? "no manifest.json.*built without libsodium" "$tmp/run.err"
python3 "$src/tests/runfile/validate_runfile.py" "$tmp/run/run.json" \
  "$src/reports/schema/run-file.schema.json" >"$tmp/validate" 2>&1
check "run file validates against the schema" 0 $?
python3 - "$tmp/run/run.json" >"$tmp/statuses" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
st = {(c["provider"], c["kernel"]["dtype"]): c for c in run["cases"]}
assert {p for p, _ in st} == {"native"}, sorted(st)
for dtype in ("f64", "f32"):
    assert st[("native", dtype)]["status"] == "ok", st[("native", dtype)]
for c in run["cases"]:
    assert c["status"] in ("ok", "unsupported"), (c["id"], c["status"])
    if c["status"] == "unsupported":
        assert "AB_WITH_OPENBLAS=OFF" in c["reason"], c["reason"]
sysinfo = run["system"]
assert "AB_WITH_HWLOC=OFF" in sysinfo["topology"]["source"], sysinfo["topology"]
assert "AB_WITH_HWLOC=OFF" in sysinfo["libraries"]["hwloc"], sysinfo["libraries"]
assert "AB_WITH_HWLOC=OFF" in sysinfo["cpu"]["counts_source"], sysinfo["cpu"]
print("as expected")
PY
check "native GEMM ok; the rest unsupported with the reason; no topology, said why" 0 $?
[ -s "$tmp/run/report.md" ] && [ ! -e "$tmp/run/manifest.json" ]
check "report.md written, no manifest.json" 0 $?

# 3. What needs libsodium refuses with the reason; verify still recomputes the figures.
"$ab" verify "$tmp/run" >"$tmp/verify.out" 2>&1
check "verify: not verified, says why" 1 $? "built without libsodium" "$tmp/verify.out"
grep -q "recomputed" "$tmp/verify.out"
check "verify recomputes the figures all the same" 0 $?
"$ab" run --suite "$src/tests/e2e/tiny.yaml" --backend cpu -o "$tmp/signed" --sign-key x.key \
  >"$tmp/sign.out" 2>&1
check "run --sign-key refused" 2 $? "AB_WITH_SODIUM=OFF): signing unavailable" "$tmp/sign.out"
"$ab" keygen --out "$tmp/key" >"$tmp/keygen.out" 2>&1
[ $? -ne 0 ] && [ ! -e "$tmp/key.key" ]
check "keygen refused, no key written" 0 $?
grep -q "signing unavailable" "$tmp/keygen.out"
check "keygen says why" 0 $?

# 4. Pinning needs hwloc: pin=cores is refused with the reason, in the row.
"$ab" run --suite "$src/tests/e2e/tiny.yaml" --backend cpu -o "$tmp/pin" -O pin=cores \
  --no-clock -q >/dev/null 2>&1
grep -q "pin=cores: .*AB_WITH_HWLOC=OFF" "$tmp/pin/run.json"
check "pin=cores refused with the reason" 0 $?

# 5. A default configure where hwloc is missing stops and names the packages and the option.
cmake -S "$src" -B "$tmp/default" -DAB_BUILD_TESTS=OFF >"$tmp/default.log" 2>&1
check "default configure without hwloc fails" 1 $? "libhwloc-dev" "$tmp/default.log"
grep -q "hwloc-devel" "$tmp/default.log" && grep -q -- "-DAB_WITH_HWLOC=OFF" "$tmp/default.log"
check "its message names the openEuler package and the option" 0 $?

finish "minimal build"
