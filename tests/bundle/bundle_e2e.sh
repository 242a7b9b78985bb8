#!/usr/bin/env bash
# End-to-end test of scripts/bundle: build the bundle, unpack the tarball into another
# directory, and run it with an empty environment (env -i, PATH without the build tree,
# no LD_LIBRARY_PATH): `list` finds its own modules, `plan -s quick` its own configs, the
# tiny suite runs and validates. ldd shows no "not found" and resolves every bundled
# library inside the bundle; the dynamic loader's own trace (LD_DEBUG=libs) shows that
# every library initialised while running is the bundle's or the C library's.
# usage: bundle_e2e.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
# shellcheck source=SCRIPTDIR/../lib/check.sh
source "$src/tests/lib/check.sh"

command -v patchelf >/dev/null || { echo "SKIP: patchelf not installed (scripts/setup-deps.sh)"; exit 77; }

bash "$src/scripts/bundle" -B "$build" -o "$tmp/dist" >"$tmp/bundle.log" 2>&1
check "scripts/bundle builds the bundle" 0 $? "^bundle: " "$tmp/bundle.log"
tarball=$(awk '/^bundle: /{print $3}' "$tmp/bundle.log")
mkdir -p "$tmp/elsewhere"
tar -C "$tmp/elsewhere" -xzf "$tarball"
check "the tarball unpacks" 0 $?
rm -rf "$tmp/dist" # only the unpacked copy is left
x=$(echo "$tmp"/elsewhere/accelbench-*)
ab=$x/bin/accelbench
clean_env=(env -i PATH=/usr/bin:/bin HOME="$tmp" LANG=C.UTF-8)

# ldd: nothing missing; every library the bundle carries resolves to the bundle's copy.
bad=0
while IFS= read -r -d '' f; do
  head -c4 "$f" | grep -q ELF || continue
  ldd "$f" >"$tmp/ldd" 2>&1
  grep -q "not found" "$tmp/ldd" && { echo "    $f:"; grep "not found" "$tmp/ldd"; bad=1; }
  while read -r soname _ path _; do
    path=$(readlink -f "$path")
    if [ -e "$x/lib/$soname" ] && [[ $path != "$x/lib/"* ]]; then
      echo "    $f: $soname resolved to $path, not the bundle's"; bad=1
    fi
  done < <(grep '=>' "$tmp/ldd")
done < <(find "$x/bin" "$x/lib" -type f -print0)
check "ldd: no library missing, bundled ones resolve inside the bundle" 0 $bad

"${clean_env[@]}" "$ab" list >"$tmp/list.out" 2>&1
check "list (env -i) finds the bundle's cpu module" 0 $? "module $x/lib/accelbench/backends/accelbench-backend-cpu.so" "$tmp/list.out"
! grep -q "$build" "$tmp/list.out"
check "list never mentions the build tree" 0 $?

"${clean_env[@]}" "$ab" plan -s quick -b cpu >"$tmp/plan.out" 2>&1
check "plan -s quick finds the bundle's own suite" 0 $? "($x/share/accelbench/configs/quick.yaml)" "$tmp/plan.out"

(cd "$tmp" && "${clean_env[@]}" "$ab" run -s "$src/tests/e2e/tiny.yaml" -b cpu --no-clock -q \
  -o "$tmp/run" >"$tmp/run.out" 2>&1)
check "the tiny suite runs from the bundle (env -i)" 0 $? "wrote" "$tmp/run.out"
python3 - "$tmp/run/run.json" >"$tmp/ok" 2>&1 <<'PY'
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
st = {(c["provider"], c["kernel"]["dtype"]): c["status"] for c in cases}
assert st[("openblas", "f32")] == "ok" and st[("openblas", "f64")] == "ok", st
assert st[("onednn", "f32")] == "ok", st
PY
check "openblas (dlopen'ed) and onednn cases are ok" 0 $? 
if python3 -c 'import jsonschema' 2>/dev/null; then
  "$x/bin/accelbench-validate-run" "$tmp/run/run.json" >"$tmp/val" 2>&1
  check "the bundle's validator accepts the run file" 0 $?
fi

# Every shared object the loader initialises (in-process run: the modules, OpenBLAS
# dlopen'ed by the cpu module, their dependencies) is the bundle's or the C library's.
# Vendor runtimes and drivers (OpenCL ICDs, the CUDA runtime, NVML) are the target's own and
# never bundled: point their overrides at nothing so that they stay out of this check.
mkdir -p "$tmp/no-icds"
"${clean_env[@]}" OCL_ICD_VENDORS="$tmp/no-icds" AB_CUDART_LIBRARY=/nonexistent \
  AB_NVML_LIBRARY=/nonexistent LD_DEBUG=libs "$ab" run -s "$src/tests/e2e/tiny.yaml" -b cpu --no-clock -q \
  --no-isolation -o "$tmp/dbg" >"$tmp/dbg.out" 2>&1
sed -n 's/.*calling init: //p' "$tmp/dbg.out" | while read -r p; do readlink -f "$p"; done |
  sort -u >"$tmp/inits"
grep -v "^$x/" "$tmp/inits" |
  grep -Ev '/(ld-linux[^/]*|libc|libm|libpthread|libdl|librt|libresolv)\.so' >"$tmp/foreign"
[ -s "$tmp/inits" ] && [ ! -s "$tmp/foreign" ]
check "LD_DEBUG: every library loaded is the bundle's or glibc's" 0 $? 
[ -s "$tmp/foreign" ] && sed 's/^/    /' "$tmp/foreign"
grep -q "$x/lib/libopenblas.so.0" "$tmp/inits"
check "LD_DEBUG: OpenBLAS came from the bundle" 0 $?

size=$(awk '/^bundle: /{print $4}' "$tmp/bundle.log")
echo "bundle_e2e: tarball $size bytes"
finish bundle_e2e
