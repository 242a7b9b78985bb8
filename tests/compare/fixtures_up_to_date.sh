#!/bin/sh
# The committed run-file fixtures are exactly what tests/fixtures/runs/make_runs.py writes:
# regenerate them into a temporary directory and compare, so hand edits or a changed
# generator without regenerated files fail here rather than silently skewing other tests.
# usage: fixtures_up_to_date.sh SOURCE_DIR
set -u
src=$1
dir=$src/tests/fixtures/runs
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
python3 "$dir/make_runs.py" "$tmp" || { echo "make_runs.py failed"; exit 1; }
if ! diff -r -x make_runs.py -x __pycache__ "$dir" "$tmp"; then
  echo "tests/fixtures/runs is out of date: run 'python3 tests/fixtures/runs/make_runs.py'" \
    "and commit the result"
  exit 1
fi
# Every good fixture must still validate against the schema the writer follows.
for f in "$dir"/*.json; do
  python3 "$src/tests/runfile/validate_runfile.py" "$f" >/dev/null || {
    python3 "$src/tests/runfile/validate_runfile.py" "$f"; exit 1; }
done
echo "fixtures up to date and valid"
