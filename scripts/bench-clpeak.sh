#!/bin/sh
# bench-clpeak.sh — accelbench's OpenCL microbenchmarks beside clpeak on the same device
# (issue 3: "figures should agree within 5% with what established OpenCL peak tools
# report"). Runs scripts/suites/opencl-micro.yaml on OpenCL device DEVICE and clpeak
# (Debian package clpeak) on the same platform/device, and prints the comparison table
# of scripts/clpeak-compare.py: ratio per figure, and whether the two tools measure the
# same quantity (where they do not, the row says how they differ). The two tools run in
# turn ROUNDS times (default 3) and each figure is the median over its rounds, so the
# machine's drift between one tool's run and the other's does not decide a ratio.
# Usage: scripts/bench-clpeak.sh [--transfers] [BUILD_DIR] [DEVICE] [ROUNDS] [OUT_DIR]
#   BUILD_DIR  default ./build; DEVICE: index as 'accelbench list' prints it (default 0)
#   --transfers  only the transfer rows (scripts/suites/opencl-transfers.yaml against
#                `clpeak --transfer-bandwidth`): short rounds, so use many (e.g. 10)
# The order alternates (ours first in odd rounds, clpeak first in even ones), and the
# comparison also gives the median of the per-round ratios of each like-for-like row.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
suite="$here/scripts/suites/opencl-micro.yaml"
clpeak_tests=""
while :; do
  case ${1:-} in
  --transfers)
    suite="$here/scripts/suites/opencl-transfers.yaml"
    clpeak_tests="--transfer-bandwidth"
    shift
    ;;
  -h | --help)
    sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  -*)
    echo "bench-clpeak: unknown option '$1' (options come before BUILD_DIR; see --help)" >&2
    exit 2
    ;;
  *) break ;;
  esac
done
for arg in "$@"; do
  case $arg in
  -*)
    echo "bench-clpeak: option '$arg' after BUILD_DIR: options come first (see --help)" >&2
    exit 2
    ;;
  esac
done
build=${1:-"$here/build"}
device=${2:-0}
rounds=${3:-3}
out=${4:-$(mktemp -d /tmp/ab-clpeak-XXXXXX)}
case $device$rounds in
'' | *[!0-9]*)
  echo "bench-clpeak: DEVICE and ROUNDS must be numbers, not \"$device\", \"$rounds\"" >&2
  exit 2
  ;;
esac
if ! command -v clpeak >/dev/null 2>&1; then
  echo "bench-clpeak: clpeak not found (apt-get install clpeak)" >&2
  exit 1
fi
if [ ! -x "$build/accelbench" ]; then
  echo "bench-clpeak: $build/accelbench not built" >&2
  exit 1
fi
mkdir -p "$out"
uid="" files=""
r=1
ours() {
  "$build/accelbench" run -s "$suite" -d "opencl:$device" -o "$out/run$1" -q ||
    [ $? -eq 1 ] # a failed case still leaves a run file to compare
  if [ -z "$uid" ]; then
    uid=$(python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
print(next(d["uid"] for d in r["devices"] if d["backend"] == "opencl" and d["index"] == int(sys.argv[2])))' \
      "$out/run$1/run.json" "$device")
  fi
}
theirs() {
  # The backend's uid is opencl:<platform>:<device>, the indices clpeak takes.
  # shellcheck disable=SC2086 # clpeak_tests is one flag or nothing
  clpeak -p "$(echo "$uid" | cut -d: -f2)" -d "$(echo "$uid" | cut -d: -f3)" $clpeak_tests \
    --enable-xml-dump -f "$out/clpeak$1.xml" >"$out/clpeak$1.txt"
}
while [ "$r" -le "$rounds" ]; do
  if [ $((r % 2)) -eq 1 ] || [ -z "$uid" ]; then # the first run finds the device's uid
    ours "$r"
    theirs "$r"
  else
    theirs "$r"
    ours "$r"
  fi
  files="$files $out/run$r/run.json $out/clpeak$r.xml"
  r=$((r + 1))
done
echo "$(clpeak --version 2>&1 | head -n 1); files in $out"
# shellcheck disable=SC2086 # the file list is space-separated paths without spaces (mktemp)
python3 "$here/scripts/clpeak-compare.py" "$uid" $files
