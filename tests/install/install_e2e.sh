#!/usr/bin/env bash
# End-to-end test of `cmake --install`: into two prefixes (the second staged with DESTDIR
# and then moved, as a package build does), each tree's accelbench.pc builds the installed
# example backend, the installed binary finds it and its own modules (never the build
# tree's), refuses an unknown -O key naming the example's keys, runs a suite, and the
# installed validator accepts the run file.
# usage: install_e2e.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
# shellcheck source=SCRIPTDIR/../lib/check.sh
source "$src/tests/lib/check.sh"

if ! command -v make >/dev/null || ! command -v pkg-config >/dev/null; then
  echo "SKIP: no make/pkg-config"
  exit 77
fi

# Prefix 1: plain --prefix. Prefix 2: configured for /opt/accelbench, staged with DESTDIR
# into $tmp/stage, then used from there (the .pc must not point at /opt/accelbench).
cmake --install "$build" --prefix "$tmp/p1" >"$tmp/i1.log" 2>&1
check "install --prefix p1" 0 $? 
DESTDIR="$tmp/stage" cmake --install "$build" --prefix /opt/accelbench >"$tmp/i2.log" 2>&1
check "install --prefix /opt/accelbench with DESTDIR" 0 $?

for prefix in "$tmp/p1" "$tmp/stage/opt/accelbench"; do
  tag=${prefix#"$tmp"/}
  libdir=$(dirname "$(find "$prefix" -name accelbench.pc | head -1)")
  cflags=$(PKG_CONFIG_PATH=$libdir pkg-config --cflags accelbench | sed "s/ *$//")
  inc=${cflags#-I}
  [ -f "$inc/accelbench/backend.h" ]
  check "$tag: pkg-config --cflags points into this tree ($cflags)" 0 $?
  case "$(cd "$inc" && pwd -P)" in "$(cd "$prefix" && pwd -P)"/*) rc=0 ;; *) rc=1 ;; esac
  check "$tag: include dir is below the prefix" 0 $rc

  ex=$tmp/ex-${tag//\//_}
  cp -r "$prefix/share/accelbench/examples/backend" "$ex"
  make -C "$ex" PKG_CONFIG_PATH="$libdir" CFLAGS="-O2 -Werror" >"$ex.log" 2>&1
  check "$tag: example backend builds against the installed .pc" 0 $? 

  ab=$prefix/bin/accelbench
  ACCELBENCH_BACKEND_PATH=$ex "$ab" list >"$ex.list" 2>&1
  check "$tag: installed binary lists the example backend" 0 $? "example.*enabled\|example: enabled" "$ex.list"
  grep -q "cpu" "$ex.list"
  check "$tag: ... and its own cpu module" 0 $?
  "$ab" list --help >"$ex.help" 2>&1
  grep -q "$prefix/lib/accelbench/backends\|$(cd "$prefix" && pwd -P)/lib/accelbench/backends" "$ex.help"
  check "$tag: search path names its own prefix" 0 $?
  ! grep -q "$build/backends" "$ex.help"
  check "$tag: search path leaves the build tree out" 0 $?

  ACCELBENCH_BACKEND_PATH=$ex "$ab" run --backend example -O unrol=4 -s quick -o "$tmp/x" \
    >"$ex.opt" 2>&1
  check "$tag: unknown -O key is refused, naming the valid keys" 2 $? "valid keys: example: unroll" "$ex.opt"

  ACCELBENCH_BACKEND_PATH=$ex "$ab" run --backend example -O unroll=4 \
    -s "$src/tests/e2e/tiny.yaml" --no-clock -q -o "$ex.run" >"$ex.out" 2>&1
  check "$tag: the example backend runs the tiny suite" 0 $? "wrote" "$ex.out"
  python3 -c 'import jsonschema' 2>/dev/null && {
    "$prefix/bin/accelbench-validate-run" "$ex.run/run.json" >"$ex.val" 2>&1
    check "$tag: installed validator accepts the run file" 0 $?
  }
  python3 - "$ex.run/run.json" >"$ex.ok" 2>&1 <<'PY'
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
ok = [c for c in cases if c["status"] == "ok"]
assert ok and all(c["backend"] == "example" for c in cases), [c["status"] for c in cases]
assert not [c for c in cases if c["status"] not in ("ok", "unsupported")], cases
PY
  check "$tag: example f32/f64 GEMMs validate ok" 0 $?
done

# A module file in the build tree must not shadow the installed one: the installed cpu
# module is used (its path is under the prefix).
"$tmp/p1/bin/accelbench" list >"$tmp/p1.list" 2>&1
! grep -q "$build/backends" "$tmp/p1.list"
check "installed binary never loads the build tree's modules" 0 $?

finish install_e2e
