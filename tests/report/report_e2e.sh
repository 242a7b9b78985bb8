#!/usr/bin/env bash
# End-to-end test of `accelbench report`: the Markdown and CSV of three hand-written run
# files (tests/fixtures/runs: a CPU lab with a node meter, a GPU with a board sensor and
# every failure status, an NPU with no power source) must equal the golden files; the
# strict C reader must agree with the JSON Schema on every fixture; bad input is refused
# with the file and field named and the documented exit code.
# usage: report_e2e.sh BUILD_DIR SOURCE_DIR      (AB_UPDATE_GOLDEN=1 rewrites the goldens)
set -uo pipefail
build=$1 src=$2
ab=$build/accelbench
runs=tests/fixtures/runs
here=tests/report
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
cd "$src" || exit 1 # paths in the reports are relative to the source tree, as typed

check() { # check NAME EXPECTED_RC ACTUAL_RC [grep-pattern file]
  local name=$1 want=$2 got=$3
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"; fail=$((fail + 1)); return
  fi
  if [ $# -ge 5 ] && ! grep -qF -- "$4" "$5"; then
    echo "FAIL $name: '$4' not in $5:"; sed 's/^/    /' "$5" | head -20; fail=$((fail + 1)); return
  fi
  echo "ok   $name"; pass=$((pass + 1))
}

labs=("$runs/lab-cpu.json" "$runs/lab-gpu.json" "$runs/lab-npu.json")
common=(--no-default-catalog -c "$here/catalog.yaml" --cost "$here/cost.yaml")

# 1. Golden Markdown and CSV (and a JSON report that parses and holds every case).
"$ab" report "${labs[@]}" "${common[@]}" -f md,csv,json -o "$tmp/g" -q 2>"$tmp/g.err"
check "report of three labs exits 0" 0 $?
for f in report.md report.csv; do
  if [ "${AB_UPDATE_GOLDEN:-}" = 1 ]; then cp "$tmp/g/$f" "$here/golden/$f"; fi
  diff -u "$here/golden/$f" "$tmp/g/$f" >"$tmp/diff.$f" 2>&1
  check "$f equals tests/report/golden/$f" 0 $?
  [ -s "$tmp/diff.$f" ] && head -40 "$tmp/diff.$f"
done
# The same in Chinese: every label of the detail tables, warnings included, from the catalogue.
"$ab" report "${labs[@]}" "${common[@]}" --lang zh-CN -f md -o "$tmp/zh" -q 2>/dev/null
if [ "${AB_UPDATE_GOLDEN:-}" = 1 ]; then cp "$tmp/zh/report.md" "$here/golden/report.zh-CN.md"; fi
diff -u "$here/golden/report.zh-CN.md" "$tmp/zh/report.md" >"$tmp/diff.zh" 2>&1
check "zh-CN report.md equals tests/report/golden/report.zh-CN.md" 0 $?
[ -s "$tmp/diff.zh" ] && head -40 "$tmp/diff.zh"
python3 - "$tmp/g" "${labs[@]}" >"$tmp/j" 2>&1 <<'PY'
import csv, json, sys
out, runs = sys.argv[1], sys.argv[2:]
n = sum(len(json.load(open(r))["cases"]) for r in runs)
rep = json.load(open(f"{out}/report.json"))
assert rep["schema"] == "accelbench-report", rep["schema"]
assert len(rep["cases"]) == n, f"{len(rep['cases'])} rows for {n} cases"
rows = list(csv.reader(open(f"{out}/report.csv", newline="")))
assert len(rows) == n + 1, f"{len(rows)} CSV lines for {n} cases + header"
assert len({len(r) for r in rows}) == 1, "every CSV row has the header's column count"
md = open(f"{out}/report.md").read()
assert "<script" not in md and "&lt;script" in md, "run-file text escaped in Markdown"
for r in rep["cases"]:
    if r["status"] != "ok":
        assert r["rate"]["median"] is None, f"{r['case_id']}: a rate for a case that is not ok"
    if "not_measured" in r["power"]:
        assert not any(k.endswith("_w") for k in r["power"]), "no watts when not measured"
print("json/csv consistent")
PY
check "JSON and CSV hold every case, escaped, no figure where none was measured" 0 $? \
  "consistent" "$tmp/j" || cat "$tmp/j"

# 2. The strict C reader and the JSON Schema agree on every fixture.
for f in "$runs"/*.json "$runs"/bad/*.json; do
  python3 tests/runfile/validate_runfile.py "$f" >/dev/null 2>&1
  schema_rc=$?
  "$ab" report "$f" --no-default-catalog -f md -o - >/dev/null 2>"$tmp/r.err"
  ab_rc=$?
  if { [ $schema_rc -eq 0 ] && [ $ab_rc -eq 0 ]; } || { [ $schema_rc -ne 0 ] && [ $ab_rc -eq 2 ]; }
  then check "reader and schema agree on $f" 0 0
  else check "reader ($ab_rc) and schema ($schema_rc) agree on $f" 0 1
  fi
done

# 3. Bad run files: exit 2, the file and the field named, nothing written.
for f in "$runs"/bad/*.json; do
  "$ab" report "${labs[0]}" "$f" --no-default-catalog -o "$tmp/bad" 2>"$tmp/bad.err"
  rc=$? name=$(basename "$f")
  check "bad run file $name exits 2 with its message" 2 $rc \
    "$(cat "${f%.json}.expect")" "$tmp/bad.err"
done
[ ! -e "$tmp/bad/report.md" ]; check "no report written from a bad input" 0 $?

# 3b. What the schema allows but no harness writes, and a report would print as measured.
python3 - "$runs/lab-gpu.json" "$tmp/strict" <<'PY'
import copy, json, os, sys
src, out = json.load(open(sys.argv[1])), sys.argv[2]
os.makedirs(out, exist_ok=True)
ok = next(i for i, c in enumerate(src["cases"]) if c["status"] == "ok" and "sources" in c["power"])
def variant(name, edit):
    d = copy.deepcopy(src)
    edit(d, d["cases"][ok])
    json.dump(d, open(f"{out}/{name}.json", "w"))
variant("zero-median", lambda d, c: c["timing"]["time_s"].update(median=0.0, min=0.0, p5=0.0,
                                                                  median_ci95_lo=0.0))
variant("negative-time", lambda d, c: c["timing"]["time_s"].update(min=-1.0))
variant("swapped-ci", lambda d, c: c["timing"]["time_s"].update(
    median_ci95_lo=c["timing"]["time_s"]["median_ci95_hi"] * 2))
variant("ghost-device", lambda d, c: c["device"].update(index=7))
variant("power-string", lambda d, c: c["power"]["sources"][0].update(avg_w="hot"))
variant("power-negative", lambda d, c: c["power"]["sources"][0].update(gflops_per_w=-5))
variant("power-scope", lambda d, c: c["power"]["sources"][0].update(scope="rack"))
PY
for want in "zero-median:timing.time_s.median: expected a time > 0" \
            "negative-time:timing.time_s.min: expected a value >= 0" \
            "swapped-ci:timing.time_s.median_ci95_lo: expected median_ci95_lo <= median" \
            "ghost-device:device.index: expected a device of devices[], got cuda:7" \
            "power-string:power.sources[0].avg_w: expected a number" \
            "power-negative:power.sources[0].gflops_per_w: expected a value >= 0" \
            "power-scope:power.sources[0].scope: expected one of"; do
  name=${want%%:*}
  "$ab" report "$tmp/strict/$name.json" --no-default-catalog -f md -o - >/dev/null 2>"$tmp/s.err"
  rc=$?
  check "strict reader refuses $name" 2 $rc "${want#*:}" "$tmp/s.err"
done

# 4. Usage and environment errors.
"$ab" report "${labs[0]}" --no-default-catalog -f md -o - >"$tmp/stdout.md" 2>/dev/null
check "-o - writes one format to stdout" 0 $? "# accelbench report" "$tmp/stdout.md"
"$ab" report "${labs[0]}" -f md,csv -o - >/dev/null 2>"$tmp/e"
check "-o - with two formats exits 2" 2 $? "exactly one" "$tmp/e"
"$ab" report "${labs[0]}" -f pdf -o "$tmp/x" 2>"$tmp/e"
check "unknown format exits 2" 2 $? "unknown format 'pdf'" "$tmp/e"
"$ab" report 2>"$tmp/e"
check "no run file exits 2" 2 $? "no run file" "$tmp/e"
"$ab" report "${labs[0]}" -f "," -o - 2>"$tmp/e"
check "empty format list exits 2" 2 $? "expected a comma-separated list" "$tmp/e"
"$ab" report "$tmp" -f md -o - 2>"$tmp/e"
check "a directory as run file exits 2" 2 $? "got a directory" "$tmp/e"
"$ab" report "${labs[0]}" --bogus 2>"$tmp/e"
check "unknown option exits 2" 2 $?
"$ab" report "$tmp/none.json" 2>"$tmp/e"
check "missing run file exits 2 naming it" 2 $? "$tmp/none.json" "$tmp/e"
"$ab" report "${labs[0]}" -c "$tmp/no-catalog.yaml" -o "$tmp/x" 2>"$tmp/e"
check "missing catalogue exits 2 naming it" 2 $? "no-catalog.yaml" "$tmp/e"
printf 'cost:\n  pue: 0.5\n' >"$tmp/badcost.yaml"
"$ab" report "${labs[0]}" --cost "$tmp/badcost.yaml" -o "$tmp/x" 2>"$tmp/e"
check "bad cost file exits 2 naming file and field" 2 $? "badcost.yaml:2" "$tmp/e"
touch "$tmp/file"
"$ab" report "${labs[0]}" --no-default-catalog -o "$tmp/file/sub" 2>"$tmp/e"
check "unwritable output exits 3" 3 $? "$tmp/file/sub" "$tmp/e"

# 5. Tender compliance (docs/tender.md): the matrix opens every format; compliance.csv is
# pinned by a golden file; JUnit has one testcase per device x requirement; bad tender
# files are refused with file, line and field.
tender=(--tender "$here/tender.yaml")
"$ab" report "${labs[@]}" "${common[@]}" "${tender[@]}" -f md,csv,json,html,junit -o "$tmp/t" -q \
  2>"$tmp/t.err"
check "report --tender exits 0" 0 $?
if [ "${AB_UPDATE_GOLDEN:-}" = 1 ]; then cp "$tmp/t/compliance.csv" "$here/golden/compliance.csv"; fi
diff -u "$here/golden/compliance.csv" "$tmp/t/compliance.csv" >"$tmp/diff.c" 2>&1
check "compliance.csv equals tests/report/golden/compliance.csv" 0 $?
[ -s "$tmp/diff.c" ] && head -40 "$tmp/diff.c"
python3 - "$tmp/t" >"$tmp/tj" 2>&1 <<'PY'
import csv, json, sys, xml.etree.ElementTree as ET
out = sys.argv[1]
rep = json.load(open(f"{out}/report.json"))
t = rep["tender_compliance"]
n_req, n_dev = len(t["requirements"]), len(rep["subjects"])
assert n_req == 8 and n_dev == 4, (n_req, n_dev)
rows = list(csv.reader(open(f"{out}/compliance.csv", newline="")))
assert len(rows) == n_req * n_dev + 1, f"{len(rows)} compliance rows"
verdicts = {r[8] for r in rows[1:]}
assert verdicts == {"met", "not met", "not measured", "unsupported"}, verdicts
md = open(f"{out}/report.md").read()
assert md.index("## Tender compliance") < md.index("## Run files"), "the matrix comes first"
html = open(f"{out}/report.html").read()
assert html.index('id="tender"') < html.index('id="summary"'), "the matrix opens the HTML"
suite = [s for s in ET.parse(f"{out}/junit.xml").getroot() if s.get("name") == "tender compliance"]
assert len(suite) == 1 and len(list(suite[0])) == n_req * n_dev, "one testcase per cell"
fails = [c.get("name") for c in suite[0] if c.find("failure") is not None]
assert any(n.startswith("★2.2") for n in fails), fails
assert int(suite[0].get("failures")) == len(fails) > 0
summary = {s["device"]: s["meets_mandatory"] for s in t["summary"]}
assert not any(summary.values()), summary
print("tender consistent")
PY
check "tender matrix first in md and html, JSON, CSV and JUnit agree" 0 $? "consistent" "$tmp/tj" ||
  cat "$tmp/tj"
"$ab" report "${labs[@]}" "${common[@]}" "${tender[@]}" --lang zh-CN -f md -o - 2>/dev/null \
  >"$tmp/zh.md"
check "--lang zh-CN words the matrix in Chinese" 0 $? "技术参数符合性（技术偏离表）" "$tmp/zh.md"
check "--lang zh-CN keeps the tender's own markers" 0 0 "★2.2" "$tmp/zh.md"
check "--lang zh-CN words the detail tables' columns" 0 0 "| 设备 | 设备目录条目 | 厂商 | 产地 |" "$tmp/zh.md"
"$ab" report "${labs[0]}" --lang fr -o - -f md 2>"$tmp/e"
check "unknown language exits 2" 2 $? "expected en or zh-CN" "$tmp/e"
printf 'tender:\n  requirements:\n    - id: "1"\n      metric: speed\n' >"$tmp/badtender.yaml"
"$ab" report "${labs[0]}" --tender "$tmp/badtender.yaml" -o "$tmp/x" 2>"$tmp/e"
check "bad tender file exits 2 naming file, line and field" 2 $? \
  "badtender.yaml:4:15: tender.requirements[0].metric" "$tmp/e"
"$ab" compare "${labs[@]}" "${tender[@]}" -f md 2>/dev/null >"$tmp/cmp.md"
check "compare --tender opens with the matrix" 0 $? "## Tender compliance" "$tmp/cmp.md"
"$ab" compare "${labs[@]}" "${tender[@]}" -f compliance 2>/dev/null >"$tmp/cmp.csv"
check "compare -f compliance writes the matrix as CSV" 0 $? "not measured" "$tmp/cmp.csv"

# 6. The conclusion first (docs/reports.md, "The conclusion"): in md and html before the
# details; cost of ownership in the HTML with the currency in its headers; capex-only cost
# where no power was measured; reasons in the page text; print expands collapsed sections.
python3 - "$tmp/t" >"$tmp/cj" 2>&1 <<'PY'
import re, sys
out = sys.argv[1]
md = open(f"{out}/report.md").read()
html = open(f"{out}/report.html").read()
assert md.index("## Conclusion") < md.index("## Run files"), "conclusion before the details"
assert "### Integer (GOP/s)" in md and "610000 GOP/s (int8" in md, "int8 in GOP/s"
assert 'id="conclusion"' in html and html.index('id="conclusion"') < html.index('id="summary"')
assert 'id="cost"' in html and "total cost (CNY)" in html, "cost of ownership in the HTML"
assert "cost per PFLOP (CNY)" in md and "unit price (CNY)" in md, "currency in the headers"
npu = [l for l in md.splitlines() if l.startswith("| Ascend 910B") and "capex only" in l]
assert npu, "capex-only cost for the NPU without a power meter"
assert re.search(r'\| Ascend 910B \(cann:0 aclnn\) \| [^|]+ \| not measured \| [0-9.]+ \(capex only', md)
assert "details::details-content{content-visibility:visible" in html, "print expands details"
assert '<span class="why"> power not measured' not in html  # the why is the run file's text
assert html.count('class="why"') > 10, "reasons in the page text"
assert "GOP/s for int8" in html, "the roofline axis names GOP/s"
print("conclusion consistent")
PY
check "conclusion first, HTML cost with currency, capex only, printable reasons" 0 $? \
  "consistent" "$tmp/cj" || cat "$tmp/cj"

# 7. compare as HTML (ranking with intervals and verdicts, coverage matrix), in either
# language; -o NAME.html writes the page alone.
"$ab" compare "${labs[@]}" -o "$tmp/cmp.html" 2>"$tmp/e"
check "compare -o x.html exits 0" 0 $? 
python3 - "$tmp/cmp.html" >"$tmp/ch" 2>&1 <<'PY'
import sys
h = open(sys.argv[1]).read()
assert h.startswith("<!DOCTYPE html>") and 'lang="en"' in h
assert 'class="ranking"' in h and 'id="coverage"' in h, "ranking and coverage matrix"
assert "within noise" in h or "faster" in h, "verdicts"
assert "2178\u20132222" in h, "rates with their 95% interval"
assert "<script" not in h and "Content-Security-Policy" in h
print("compare html consistent")
PY
check "compare HTML has the ranking, intervals, verdicts and coverage" 0 $? "consistent" "$tmp/ch" ||
  cat "$tmp/ch"
"$ab" compare "${labs[@]}" --lang zh-CN -f html,md -o "$tmp/cz" 2>/dev/null
check "compare --lang zh-CN -f html,md exits 0" 0 $? "更快（显著优于基线）" "$tmp/cz/compare.html"
check "compare --lang zh-CN words the Markdown" 0 0 "适配覆盖矩阵" "$tmp/cz/compare.md"
"$ab" compare "${labs[@]}" -f md -o "$tmp/x.html" 2>"$tmp/e"
check "compare -o x.html with another format exits 2" 2 $? "takes the html format only" "$tmp/e"
"$ab" compare "${labs[@]}" --cost "$here/cost.yaml" 2>"$tmp/e" >/dev/null
check "compare --cost without --tender exits 2" 2 $? "give --tender FILE" "$tmp/e"

# 8. Portable kernel beside the vendor library: the same fixture with onednn renamed
# "portable" gives the ratio of the portable kernel to the best vendor library.
python3 - "$runs/lab-cpu.json" "$tmp/portable.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
for c in run["cases"]:
    if c["provider"] == "onednn":
        c["provider"] = "portable"
json.dump(run, open(sys.argv[2], "w"))
PY
"$ab" report "$tmp/portable.json" --no-default-catalog -c "$here/catalog.yaml" -f md -o - \
  2>/dev/null >"$tmp/portable.md"
check "portable kernel beside vendor library with spec ceiling and ratio" 0 $? \
  "| 2400 GFLOP/s (portable) | 2200 GFLOP/s (openblas) | 4000 GFLOP/s | 109.1% |" "$tmp/portable.md"
check "memory-bound kinds against the measured bandwidth" 0 0 "of measured bandwidth" \
  "$tmp/g/report.md"

echo "report_e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
