#!/usr/bin/env bash
# The DCMI power module (power/dcmi) end to end on the fake libdcmi and the fake CANN
# runtime: an ascend run on NPU 1 of 2 records the power of card 1's device only (joined
# by the ACL id), in 0.1 W units; the older card-list name works; faults give the reason.
# usage: dcmi_e2e.sh BUILD_DIR SOURCE_DIR FAKE_DIR
set -uo pipefail
build=$1 src=$2 fake=$3
ab=$build/accelbench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check NAME EXPECTED_RC ACTUAL_RC [fixed-string file]
  if [ "$3" -ne "$2" ]; then
    echo "FAIL $1: exit $3, expected $2"; [ $# -ge 5 ] && sed 's/^/    /' "$5" | head -20
    fail=$((fail + 1)); return
  fi
  if [ $# -ge 5 ] && ! grep -qF -- "$4" "$5"; then
    echo "FAIL $1: '$4' not in $5:"; sed 's/^/    /' "$5" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $1"; pass=$((pass + 1))
}
export AB_ASCENDCL_LIBRARY=$fake/libascendcl.so AB_NNOPBASE_LIBRARY=$fake/libnnopbase.so \
  AB_OPAPI_LIBRARY=$fake/libopapi.so AB_DCMI_LIBRARY=$fake/libdcmi.so \
  FAKE_ACL_DEVICES=2 FAKE_DCMI_CARDS=2 FAKE_DCMI_POWER_DW=1234
unset FAKE_OPAPI_KIND

"$ab" list >"$tmp/list" 2>&1
check "list: the dcmi channels of both cards" 0 $? "dcmi:card1/dev0" "$tmp/list"

"$ab" run --suite "$src/tests/ascend/small.yaml" -b ascend -d ascend:1 -P sources=dcmi \
  -P min_window_s=0.3 --idle-baseline 0 -o "$tmp/run" --no-clock -q >"$tmp/run.out" 2>&1
check "ascend run on NPU 1 with dcmi power exits 0" 0 $? "" "$tmp/run.out"
python3 - "$tmp/run/run.json" >"$tmp/py" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
ok = [c for c in run["cases"] if c["status"] == "ok"]
assert ok
for c in ok:
    assert c["device"]["uid"] == "acl:1", c["device"]
    srcs = {s["source"]: s for s in c["power"]["sources"]}
    assert list(srcs) == ["dcmi:card1/dev0"], list(srcs)
    s = srcs["dcmi:card1/dev0"]
    assert s["valid"] and s["scope"] == "chip" and s["kind"] == "instant_power", s
    assert abs(s["avg_w"] - 123.4) < 1e-6 and s["energy_j"] > 0, s
print("joined to card 1 only, 123.4 W")
PY
check "power joined to the right device, 0.1 W units" 0 $? "" "$tmp/py"
"$ab" verify "$tmp/run" >"$tmp/ver" 2>&1
check "verify accepts the run" 0 $? "" "$tmp/ver"

AB_DCMI_LIBRARY=$fake/libdcmi-oldname.so "$ab" list >"$tmp/old" 2>&1
check "older dcmi_get_card_num_list name: enabled" 0 $? "dcmi:card0/dev0" "$tmp/old"
ASCEND_RT_VISIBLE_DEVICES=1 "$ab" list >"$tmp/vis" 2>&1
check "ASCEND_RT_VISIBLE_DEVICES: card 0 not visible to ACL" 0 $? \
  "not visible to ACL (ASCEND_RT_VISIBLE_DEVICES=1)" "$tmp/vis"
FAKE_DCMI_INIT_ERROR=-8020 "$ab" list >"$tmp/init" 2>&1
check "dcmi_init error: disabled with DCMI's code" 0 $? \
  "dcmi_init failed: DCMI error -8020" "$tmp/init"
FAKE_DCMI_POWER_ERROR=-8007 "$ab" list >"$tmp/perr" 2>&1
check "power read error: the channel disabled with DCMI's code" 0 $? \
  "dcmi_get_device_power_info: DCMI error -8007" "$tmp/perr"
AB_DCMI_LIBRARY=$tmp/none.so "$ab" list >"$tmp/nolib" 2>&1
check "no libdcmi: disabled, the path tried" 0 $? \
  "DCMI library not found: tried AB_DCMI_LIBRARY=$tmp/none.so" "$tmp/nolib"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
