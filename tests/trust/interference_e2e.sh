#!/usr/bin/env bash
# A busy loop beside a CPU run flags its cases disturbed; the same run on a quiet machine
# does not (ctest runs this test alone: RUN_SERIAL). usage: interference_e2e.sh BUILD SRC
set -u
build=$1 src=$2
tmp=$(mktemp -d)
busy=()
cleanup() { for p in "${busy[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
count() { # count RUN.json -> "disturbed measured"
  python3 -c 'import json,sys
c=[x for x in json.load(open(sys.argv[1]))["cases"] if x["status"]=="ok"]
print(sum(x["interference"]["disturbed"] for x in c), sum("interference" in x for x in c), len(c))' "$1"
}
run() { "$build/accelbench" run --suite "$src/tests/trust/interference.yaml" -b cpu -O threads=1 \
  --no-clock -o "$1" -q >/dev/null 2>&1; }
for i in $(seq "$(nproc)"); do (while :; do :; done) & busy+=($!); done
run "$tmp/busy"
for p in "${busy[@]}"; do kill "$p"; done
busy=()
read -r d m n < <(count "$tmp/busy/run.json")
[ "$n" -gt 0 ] && [ "$m" -eq "$n" ] && [ "$d" -eq "$n" ] ||
  { echo "FAIL busy run: $d of $n ok cases disturbed ($m measured)"; exit 1; }
# The quiet run: only a quiet host can show that a quiet run raises no flag, and other
# processes are not this test's to stop. Each try first watches the host for 1 s with
# nothing of ours running; a host busier than the flag's threshold then is not quiet, and
# after 3 such tries the test is skipped (77), never passed. A run flagged on a host that
# was quiet just before it fails.
others_busy() { # prints 1 when the host used more than 0.25 core over 1 s
  python3 -c 'import os,time
def busy():
    f=open("/proc/stat").readline().split()[1:]
    return sum(int(x) for i,x in enumerate(f) if i in (0,1,2,5,6))
a=busy(); time.sleep(1); b=busy()
print(1 if (b-a)/os.sysconf("SC_CLK_TCK") > 0.25 else 0)'
}
quiet=0
for try in 1 2 3; do
  if [ "$(others_busy)" = 1 ]; then
    echo "try $try: the host is busy with other work; waiting"
    continue
  fi
  run "$tmp/quiet$try"
  read -r d m n < <(count "$tmp/quiet$try/run.json")
  if [ "$n" -gt 0 ] && [ "$m" -eq "$n" ] && [ "$d" -eq 0 ]; then quiet=1; break; fi
  [ "$(others_busy)" = 1 ] && { echo "try $try: the host got busy during the run"; continue; }
  echo "FAIL quiet run: $d of $n ok cases disturbed on a quiet host"; exit 1
done
[ "$quiet" = 1 ] || { echo "SKIP: the host was never quiet; the quiet half is unchecked"; exit 77; }
"$build/accelbench" report "$tmp/busy/run.json" -o "$tmp/rep" -q >/dev/null 2>&1
grep -q 'interference.disturbed' "$tmp/rep/report.md" || { echo "FAIL report does not warn"; exit 1; }
echo "ok: busy run all disturbed, quiet run none, report warns"
