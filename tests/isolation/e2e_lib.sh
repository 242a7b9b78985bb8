# Shared by tests/isolation/isolation_e2e.sh and discovery_e2e.sh (source it): the check
# that counts passes and failures, and whether helper processes a test backend forked are
# gone.
pass=0 fail=0

check() { # check NAME EXPECTED_RC ACTUAL_RC [OUTPUT-FILE-TO-SHOW]
  if [ "$3" -ne "$2" ]; then
    echo "FAIL $1: exit $3, expected $2"
    [ $# -ge 4 ] && sed 's/^/    /' "$4" | tail -20
    fail=$((fail + 1))
    return
  fi
  echo "ok   $1"
  pass=$((pass + 1))
}

# Live, as opposed to gone or a zombie: a killed helper may stay a zombie until init reaps it.
alive() { [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)" != Z ]; }

# helpers_gone PIDFILE COUNT: PIDFILE holds COUNT pids (CRASHY_HELPER_PIDFILE), none alive.
helpers_gone() {
  local n=0 pid
  while read -r pid; do alive "$pid" && n=$((n + 1)); done <"$1"
  echo "$n live of $(wc -l <"$1") helpers: $(tr '\n' ' ' <"$1")"
  [ "$n" -eq 0 ] && [ "$(wc -l <"$1")" -eq "$2" ]
}
