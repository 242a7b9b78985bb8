#!/usr/bin/env bash
# `accelbench list` over every backend module of the build (build/backends/accelbench-backend-
# *.so, found by globbing, so adapters merged later are covered without a change here): each
# is listed, none is refused (a crash or hang in discovery), and each disabled one says why
# precisely: its reason names at least one library it tried (lib*.so*), or, when its
# libraries loaded, the vendor call that refused and its code, in ab_vfail's form
# ("call: NAME (code): text"), as the cuda backend does on a machine with the CUDA runtime
# but no driver.
# Power modules (accelbench-power-*.so: NVML, and the vendor SMI modules to come) are held
# to the same rule on their "NAME disabled: reason" line.
# usage: list_disabled.sh BUILD_DIR [MODULE_DIR]   (MODULE_DIR defaults to BUILD_DIR/backends)
set -uo pipefail
build=$1 dir=${2:-$1/backends}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

# check_reason NAME REASON: a disabled module's reason names a library or a refusing call.
check_reason() {
  if [ -z "$2" ]; then
    bad "$1: disabled without a reason"
  elif echo "$2" | grep -qE 'lib[A-Za-z0-9_+.-]*\.so'; then
    ok "$1: disabled, names the libraries it tried: $2"
  elif echo "$2" | grep -qE '[A-Za-z_][A-Za-z0-9_]*(\([^)]*\))?: [A-Za-z_][A-Za-z0-9_]* \(-?[0-9]+\)'; then
    ok "$1: disabled by its runtime, call and code named: $2"
  else
    bad "$1: disabled, but the reason names no library and no vendor call: $2"
  fi
}

# Only the build's modules: an installed one elsewhere must not answer for them.
ACCELBENCH_BACKEND_PATH=$dir "$build/accelbench" list >"$tmp/list" 2>&1
rc=$?
[ "$rc" -eq 0 ] && ok "accelbench list exits 0" || bad "accelbench list exits $rc"
sed 's/^/    /' "$tmp/list" | grep -E "^     {1,3}[a-z0-9_]+ +(enabled|disabled|refused)|disabled:" || true

n=0
for mod in "$dir"/accelbench-backend-*.so; do
  [ -e "$mod" ] || continue
  name=${mod##*/accelbench-backend-}
  name=${name%.so}
  n=$((n + 1))
  line=$(grep -E "^  $name +(enabled|disabled|refused)" "$tmp/list" | head -1)
  if [ -z "$line" ]; then
    bad "$name: not in the list"
    continue
  fi
  state=$(echo "$line" | awk '{print $2}')
  case $state in
  enabled) ok "$name: enabled" ;;
  refused) bad "$name: refused by discovery: $line" ;;
  disabled)
    # The reason is the "disabled:" line of this backend's block (up to the next backend).
    reason=$(awk -v n="$name" '$1 == n && NF > 1 && /^  [a-z]/ {inb = 1; next}
                               inb && /^  [a-z0-9_]+ +(enabled|disabled|refused)/ {inb = 0}
                               inb && /disabled:/ {sub(/^ *disabled: */, ""); print; exit}' "$tmp/list")
    check_reason "$name" "$reason"
    ;;
  esac
done
[ "$n" -gt 0 ] && ok "$n backend modules in $dir" || bad "no backend module in $dir"

for mod in "$dir"/accelbench-power-*.so; do
  [ -e "$mod" ] || continue
  name=${mod##*/accelbench-power-}
  name=${name%.so}
  line=$(grep -E "^  $name +(disabled:|refused|enabled|[0-9])" "$tmp/list" | head -1)
  if [ -z "$line" ]; then
    bad "power $name: not in the list"
  elif echo "$line" | grep -q "refused"; then
    bad "power $name: refused: $line"
  elif echo "$line" | grep -q "disabled:"; then
    check_reason "power $name" "$(echo "$line" | sed 's/^ *[a-z0-9_]* *disabled: *//')"
  else
    ok "power $name: usable"
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
