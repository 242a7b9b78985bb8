# Shared by the shell end-to-end tests (source it): a temporary directory removed on exit,
# pass/fail counters, and check().
#   check NAME EXPECTED_RC ACTUAL_RC [PATTERN FILE]
# passes when the exit status is the expected one and, if given, PATTERN (grep -q) is in
# FILE; on a failure it prints the start of FILE. finish NAME prints the counts and returns
# non-zero when anything failed.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() {
  local name=$1 want=$2 got=$3
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"; [ $# -ge 5 ] && sed 's/^/    /' "$5" | head -20
    fail=$((fail + 1)); return
  fi
  if [ $# -ge 5 ] && ! grep -q -- "$4" "$5"; then
    echo "FAIL $name: '$4' not in $5:"; sed 's/^/    /' "$5" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $name"; pass=$((pass + 1))
}

finish() {
  echo "$1: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
