#!/usr/bin/env python3
"""The first screen of the committee's HTML, in both languages, in a real browser.

Renders the lab fixtures with the test tender, catalogue and cost file
(tests/report/{tender,catalog,cost}.yaml) as `report --lang en|zh-CN` and as
`compare --format html --lang en|zh-CN`, then for each page:

  * the page opens (order in the markup) with the tender summary, whose table names every
    device's verdict AND its cost per unit of work: the answer to "which device meets the
    tender, and at what cost per unit of work" comes before any detail;
  * the Chinese page carries the Chinese headings and verdicts and no English headings of
    the front matter, with device names as given;
  * headless Chromium opens it offline with no console message and no request (the
    detectors of html_chromium.py), and a 1400x900 screenshot (the first screen) is kept
    in OUT_DIR as report-en.png, report-zh-CN.png, compare-en.png, compare-zh-CN.png;
  * a CJK font is installed (fc-list :lang=zh), else Chinese text would draw as boxes.

The screenshots are meant to be looked at: docs/img/ keeps the two report ones (regenerate
with --docs SRC/docs/img). Skips (77) only when chromium is absent and AB_REQUIRE_CHROMIUM
is unset.

usage: front_page.py --accelbench BIN --source SRC_DIR --out OUT_DIR [--docs DIR]
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import html_chromium as hc  # noqa: E402

FIRST_SCREEN = (1400, 900)
ZH_MUST = ['技术参数符合性（技术偏离表）', '各设备是否满足招标要求', '实质性要求未满足',
           '每PFLOP成本（CNY）']
ZH_MUST_NOT = ['Tender compliance', 'Which device meets the tender', 'Conclusion</h2>']
EN_MUST = ['Tender compliance', 'Which device meets the tender', 'cost per PFLOP (CNY)',
           'does NOT meet the mandatory requirements']


def render(accelbench, src, out, what, lang):
    # paths relative to the source tree, as a lab would type them: no machine path in a page
    runs = ['tests/fixtures/runs/lab-%s.json' % n for n in ('cpu', 'gpu', 'npu')]
    t = 'tests/report'
    page = os.path.join(out, '%s-%s.html' % (what, lang))
    if what == 'report':
        d = os.path.join(out, 'report-' + lang)
        shutil.rmtree(d, ignore_errors=True)
        cmd = [accelbench, 'report'] + runs + [
            '--no-default-catalog', '-c', os.path.join(t, 'catalog.yaml'), '--cost',
            os.path.join(t, 'cost.yaml'), '--tender', os.path.join(t, 'tender.yaml'), '--lang',
            lang, '-f', 'html', '-o', d, '-q']
    else:
        cmd = [accelbench, 'compare'] + runs + [
            '--tender', os.path.join(t, 'tender.yaml'), '-c', os.path.join(t, 'catalog.yaml'),
            '--cost', os.path.join(t, 'cost.yaml'), '--lang', lang, '-o', page]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=src)
    if p.returncode != 0:
        raise hc.Fail('%s failed (%d): %s' % (' '.join(cmd), p.returncode, p.stderr))
    if what == 'report':
        shutil.copy(os.path.join(d, 'report.html'), page)
    return page


def content_checks(page, what, lang):
    with open(page, encoding='utf-8') as f:
        text = f.read()
    problems = []
    if 'lang="%s"' % lang not in text:
        problems.append('%s: <html lang="%s"> missing' % (page, lang))
    first = text.find('class="tender-summary"')
    if first < 0:
        return problems + ['%s: no tender summary table' % page]
    for later in ('id="conclusion"', 'id="summary"', 'class="ranking"', 'class="tender-matrix"'):
        at = text.find(later)
        if 0 <= at < first:
            problems.append('%s: %s comes before the tender summary' % (page, later))
    if what == 'report' and text.find('id="conclusion"') < 0:
        problems.append('%s: no conclusion section' % page)
    if what == 'report' and lang == 'zh-CN' and '测试结论' not in text:
        problems.append('%s: the conclusion heading is not in Chinese' % page)
    if what == 'compare' and 'class="ranking"' not in text:
        problems.append('%s: no ranking table' % page)
    for must in (ZH_MUST if lang == 'zh-CN' else EN_MUST):
        if must not in text:
            problems.append('%s: "%s" missing' % (page, must))
    if lang == 'zh-CN':
        problems += ['%s: English heading "%s" in the Chinese page' % (page, m)
                     for m in ZH_MUST_NOT if m in text]
        if 'NVIDIA H100 80GB HBM3' not in text:
            problems.append('%s: device names must be shown as given' % page)
    if '@media print' not in text or 'details::details-content' not in text:
        problems.append('%s: the print stylesheet does not expand collapsed sections' % page)
    if "sans-serif" not in text or "'Noto Sans CJK SC'" not in text:
        problems.append('%s: no local CJK font fallback ending in a generic family' % page)
    return problems


def cjk_font():
    p = subprocess.run(['fc-list', ':lang=zh'], capture_output=True, text=True)
    return p.returncode == 0 and p.stdout.strip() != ''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--accelbench', required=True)
    ap.add_argument('--source', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--docs', help='copy the two report screenshots here')
    args = ap.parse_args()
    chromium = hc.find_chromium()
    if not chromium:
        if os.environ.get('AB_REQUIRE_CHROMIUM'):
            print('FAIL: AB_REQUIRE_CHROMIUM is set but chromium is not installed')
            return 1
        print('SKIP: chromium not installed and AB_REQUIRE_CHROMIUM unset')
        return hc.SKIP
    hc.WINDOW = FIRST_SCREEN
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    problems = []
    if shutil.which('fc-list') and not cjk_font():
        problems.append('no CJK font (fc-list :lang=zh is empty): Chinese would draw as boxes; '
                        'scripts/setup-deps.sh installs fonts-noto-cjk')
    shots = []
    try:
        for what in ('report', 'compare'):
            for lang in ('en', 'zh-CN'):
                page = render(args.accelbench, os.path.abspath(args.source), out, what, lang)
                problems += content_checks(page, what, lang)
                name = '%s-%s' % (what, lang)
                console, requests, png = hc.chromium_run(chromium, page, out, name)
                problems += ['%s: console message: %s' % (name, l) for l in console]
                problems += ['%s: requested %s' % (name, u) for u in requests]
                problems += ['%s: %s' % (name, p) for p in hc.png_check(png)]
                shots.append(png)
    except (hc.Fail, subprocess.TimeoutExpired, OSError, ValueError) as e:
        problems.append(str(e))
    for p in problems:
        print('FAIL:', p)
    if problems:
        return 1
    if args.docs:
        for lang in ('en', 'zh-CN'):
            shutil.copy(os.path.join(out, 'report-%s.png' % lang),
                        os.path.join(args.docs, 'report-first-screen-%s.png' % lang))
    print('ok: first screens in both languages: ' + ' '.join(shots))
    return 0


if __name__ == '__main__':
    sys.exit(main())
