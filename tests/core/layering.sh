#!/usr/bin/env bash
# The layers of docs/architecture.md, checked on every quoted #include:
#   include/accelbench/  <- bench/model/  <- bench/ (harness) and reports/  <- bench/cli/
# The harness and reports/ never include each other; modules (backends/, except their
# benchmark tools) include only the public headers and their own folder.
set -u
root=${1:?usage: layering.sh SOURCE_DIR}
cd "$root" || exit 2
bad=0
includes() { grep -HnoE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[^"]+"' "$@" 2>/dev/null |
  sed -E 's/:[[:space:]]*#[[:space:]]*include[[:space:]]+"([^"]+)"$/ \1/'; }
refuse() { echo "layering: $1 includes \"$2\": $3"; bad=1; }

while read -r where hdr; do
  refuse "$where" "$hdr" "a public header includes only its siblings"
done < <(includes include/accelbench/*.h | awk '$2 ~ /\//')

while read -r where hdr; do
  case $hdr in model/* | accelbench/*) ;; *) refuse "$where" "$hdr" "bench/model/ sits on include/ only" ;; esac
done < <(includes bench/model/*.[ch] bench/model/*/*.[ch])

while read -r where hdr; do
  case $hdr in model/* | accelbench/*) continue ;; esac
  [ -f "reports/$hdr" ] || refuse "$where" "$hdr" "reports/ uses bench/model/, not the harness"
done < <(includes reports/*.[ch])

while read -r where hdr; do
  case $hdr in model/* | accelbench/*) continue ;; esac
  dir=$(dirname "${where%%:*}")
  [ -f "$dir/$hdr" ] || [ -f "bench/$hdr" ] ||
    refuse "$where" "$hdr" "the harness uses bench/model/, not reports/ or the CLI"
done < <(includes bench/*.[ch] bench/power/*.[ch])

mapfile -t module_files < <(find backends power -name tools -prune -o -name '*.[ch]' -print)
while read -r where hdr; do
  case $hdr in accelbench/*) continue ;; esac
  dir=$(dirname "${where%%:*}")
  [ -f "$dir/$hdr" ] || [ -f "backends/common/$hdr" ] ||
    refuse "$where" "$hdr" "a backend or power module includes only include/ and its folder"
done < <(includes "${module_files[@]}")

[ $bad -eq 0 ] && echo "layering: ok"
exit $bad
