#!/usr/bin/env python3
"""The HTML report in a real browser, offline.

Renders the lab fixtures (plus a hostile copy of one, full of markup) with
`accelbench report --format html`, then:

  * static checks on the file: no <script>, no tag or attribute that fetches anything
    (src/href/url() to http:, https: or //), the Content-Security-Policy meta present, and
    every hostile string from the run files present only escaped;
  * headless Chromium opens it (file://, no network) and takes a screenshot. The test
    fails on ANY console message from the page (the report has no scripts, so the only
    console output a page can produce is an error: a CSP violation for a blocked fetch, a
    parse error, ...), and on any network request the page started (Chromium's net log,
    which sees fetches even if the CSP were missing);
  * the screenshot exists, has the window's size and is not blank (many distinct rows).

Before trusting the detectors, two canary pages that do fetch (one with the CSP, one
without) must be caught by them, so a Chromium that changes its log format makes this
test fail instead of passing blind.

Skips (exit 77) ONLY when Chromium is not installed AND AB_REQUIRE_CHROMIUM is unset or
empty. CI sets AB_REQUIRE_CHROMIUM=1, so CI cannot go green without the browser.

usage: html_chromium.py --accelbench BIN --source SRC_DIR --out OUT_DIR
"""
import argparse
import glob
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

SKIP = 77
HOSTILE = '<script>alert(1)</script>'
HOSTILE_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;'
CSP = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; img-src data:\">")
WINDOW = (1400, 4000)
# Attributes through which a browser fetches (or navigates to) something.
FETCH_ATTRS = {'src', 'href', 'xlink:href', 'srcset', 'poster', 'data', 'action',
               'formaction', 'background', 'manifest', 'ping', 'cite', 'codebase'}
# Tags the report never needs; each of them can run code or fetch.
FORBIDDEN_TAGS = {'script', 'iframe', 'frame', 'object', 'embed', 'link', 'base', 'img',
                  'audio', 'video', 'source', 'track', 'form', 'applet', 'image', 'use',
                  'foreignobject', 'animate', 'set'}
# Attributes that only hold text shown to the reader (run-file strings, escaped).
TEXT_ATTRS = {'title', 'aria-label', 'alt', 'content'}
CSS_URL = re.compile(r'url\(\s*[\'"]?\s*(?!data:|#)([^)\'"]*)', re.I)


class Fail(Exception):
    pass


def find_chromium():
    for name in (os.environ.get('AB_CHROMIUM'), 'chromium', 'chromium-browser',
                 'google-chrome'):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


# ---- the report file -------------------------------------------------------------------

def write_hostile_fixture(src, out_dir):
    """A copy of lab-npu.json whose strings are markup: device name, host name, a system
    key and value, a case reason and implementation."""
    with open(os.path.join(src, 'tests/fixtures/runs/lab-npu.json')) as f:
        run = json.load(f)
    evil_name = 'Ascend ' + HOSTILE + ' "quoted" & <b>'
    for d in run['devices']:
        d['name'] = evil_name
    for c in run['cases']:
        c['device']['name'] = evil_name
        c['implementation'] = HOSTILE + ' <img src=https://evil.invalid/i.png>'
        if c['status'] != 'ok':
            c['reason'] = HOSTILE + '"><svg onload=alert(1)> url(https://evil.invalid/u)'
    run['system']['hostname'] = 'lab-' + HOSTILE
    run['system'][HOSTILE] = '<link rel=stylesheet href=https://evil.invalid/s.css>'
    path = os.path.join(out_dir, 'hostile-' + 'run.json')
    with open(path, 'w') as f:
        json.dump(run, f, indent=1)
    return path


def render(accelbench, src, out_dir):
    runs = sorted(glob.glob(os.path.join(src, 'tests/fixtures/runs/lab-*.json')))
    if not runs:
        raise Fail('no fixtures tests/fixtures/runs/lab-*.json')
    runs.append(write_hostile_fixture(src, out_dir))
    report_dir = os.path.join(out_dir, 'report')
    shutil.rmtree(report_dir, ignore_errors=True)
    cmd = [accelbench, 'report'] + runs + ['--format', 'html', '-o', report_dir]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise Fail('accelbench report failed (%d): %s\n%s' % (p.returncode, ' '.join(cmd),
                                                               p.stderr))
    pages = glob.glob(os.path.join(report_dir, '*.html'))
    if len(pages) != 1:
        raise Fail('expected one .html file in %s, found %s' % (report_dir, pages))
    return cmd, pages[0]


def deterministic(cmd, page):
    """A second render of the same run files is byte-identical (no clock, no environment),
    so golden files and reviewers can diff reports."""
    again = os.path.join(os.path.dirname(os.path.dirname(page)), 'report-again')
    shutil.rmtree(again, ignore_errors=True)
    cmd = cmd[:-1] + [again]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    other = os.path.join(again, os.path.basename(page))
    if p.returncode != 0 or not os.path.exists(other):
        return ['second render failed: ' + p.stderr]
    with open(page, 'rb') as a, open(other, 'rb') as b:
        return [] if a.read() == b.read() else ['two renders of the same run files differ']


class TagAudit(html.parser.HTMLParser):
    """Collects every tag and attribute, and CSS text, as the browser's parser sees them:
    escaped text from run files is data here, never markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_style = False
        self.text = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append('forbidden tag <%s %s>' % (tag, attrs))
        self.in_style = tag == 'style'
        for name, value in attrs:
            value = value or ''
            if name.startswith('on'):
                self.problems.append('event handler %s on <%s>' % (name, tag))
            if name in FETCH_ATTRS and not value.startswith('#'):
                self.problems.append('<%s %s="%s">: only in-page links (#...) allowed'
                                     % (tag, name, value))
            if name not in TEXT_ATTRS:  # style, fill="url(...)", mask, filter, ...
                self.check_css(value, '%s attribute of <%s>' % (name, tag))
            if tag == 'meta' and name == 'http-equiv' and value.lower() == 'refresh':
                self.problems.append('meta refresh')

    def handle_endtag(self, tag):
        if tag == 'style':
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.check_css(data, '<style>')
        else:
            self.text.append(data)

    def check_css(self, css, where):
        if '@import' in css:
            self.problems.append('@import in ' + where)
        for m in CSS_URL.finditer(css):
            self.problems.append('url(%s) in %s' % (m.group(1), where))


def static_checks(page):
    with open(page, encoding='utf-8') as f:
        text = f.read()
    problems = []
    if re.search(r'<\s*script', text, re.I):
        problems.append('a raw <script appears in the file')
    if CSP not in text:
        problems.append('the Content-Security-Policy meta is missing')
    for raw in (HOSTILE, '<script>alert("x")</script>', '<svg onload', '<img src=https',
                '<link rel=stylesheet'):
        if raw in text:
            problems.append('unescaped run-file string in the file: ' + raw)
    if HOSTILE_ESCAPED not in text:
        problems.append('the hostile fixture string is not in the report (escaped as %s)'
                        % HOSTILE_ESCAPED)
    audit = TagAudit()
    audit.feed(text)
    audit.close()
    problems += audit.problems
    if HOSTILE not in ''.join(audit.text):
        problems.append('the hostile string does not read back as text')
    return problems


# ---- the browser ---------------------------------------------------------------------

def chromium_run(chromium, page, out_dir, name):
    """Open `page`, screenshot it; returns (console lines, page network requests, png)."""
    png = os.path.join(out_dir, name + '.png')
    netlog = os.path.join(out_dir, name + '.netlog.json')
    profile = os.path.join(out_dir, name + '.profile')
    for p in (png, netlog):
        if os.path.exists(p):
            os.remove(p)
    shutil.rmtree(profile, ignore_errors=True)
    cmd = [chromium, '--headless', '--disable-gpu', '--no-first-run', '--hide-scrollbars',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--user-data-dir=' + profile, '--enable-logging=stderr', '--v=0',
           '--log-net-log=' + netlog, '--net-log-capture-mode=Default',
           '--screenshot=' + png, '--window-size=%d,%d' % WINDOW, 'file://' + page]
    if os.geteuid() == 0:
        cmd.insert(1, '--no-sandbox')  # Chromium refuses to run as root with its sandbox
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=150)
    with open(os.path.join(out_dir, name + '.chromium.log'), 'w') as f:
        f.write(p.stderr)
    shutil.rmtree(profile, ignore_errors=True)
    if p.returncode != 0:
        raise Fail('chromium exited %d on %s; log: %s.chromium.log' % (p.returncode, page, name))
    # Chromium logs page console messages as "...:INFO:CONSOLE:12] "text", source: URL (12)"
    # (older builds: "INFO:CONSOLE(12)]"); the level is not in the prefix, so every one
    # counts.
    console = [l for l in p.stderr.splitlines() if re.search(r':CONSOLE[:(]', l)]
    return console, page_requests(netlog), png


def page_requests(netlog):
    """URLs the page asked the network stack for. Requests of the browser itself (update
    checks and the like) have the initiator 'not an origin'; the page's have its origin
    ('null' for file://)."""
    with open(netlog) as f:
        raw = f.read()
    try:
        log = json.loads(raw)
    except ValueError:  # a net log cut short is missing its closing brackets
        log = json.loads(raw.rstrip().rstrip(',') + ']}')
    types = {v: k for k, v in log['constants']['logEventTypes'].items()}
    urls = []
    for e in log.get('events', []):
        params = e.get('params') or {}
        if types.get(e['type']) == 'URL_REQUEST_START_JOB' and 'url' in params and \
                params.get('initiator') != 'not an origin':
            urls.append(params['url'])
    return urls


def png_check(png):
    """Exists, has the window's size, and is not one colour: a blank page filters to a
    handful of distinct scanlines, a rendered report to hundreds."""
    if not os.path.exists(png):
        return ['no screenshot at ' + png]
    with open(png, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        return ['%s is not a PNG' % png]
    pos, idat, width, height, bpp = 8, b'', 0, 0, 4
    while pos < len(data):
        ln, typ = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + ln]
        if typ == b'IHDR':
            width, height, depth, colour = struct.unpack('>IIBB', body[:10])
            bpp = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour, 4) * depth // 8
        elif typ == b'IDAT':
            idat += body
        pos += 12 + ln
    problems = []
    if (width, height) != WINDOW:
        problems.append('screenshot is %dx%d, expected %dx%d' % ((width, height) + WINDOW))
    raw = zlib.decompress(idat)
    stride = width * bpp + 1
    rows = {raw[i:i + stride] for i in range(0, len(raw), stride)}
    if len(rows) < 100:
        problems.append('screenshot looks blank: %d distinct rows' % len(rows))
    if len(data) < 30000:
        problems.append('screenshot is only %d bytes' % len(data))
    return problems


def canaries(chromium, out_dir):
    """Pages that do fetch must be caught, or the detectors are blind."""
    problems = []
    pages = {
        'canary-csp': CSP + '<p>canary</p><img src="https://canary.invalid/a.png">',
        'canary-nocsp': '<p>canary</p><img src="http://canary.invalid/b.png">',
    }
    for name, body in pages.items():
        path = os.path.join(out_dir, name + '.html')
        with open(path, 'w') as f:
            f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><title>c</title>' + body +
                    '</head><body></body></html>')
        console, requests, _ = chromium_run(chromium, path, out_dir, name)
        if name == 'canary-csp' and not console:
            problems.append('detector blind: the CSP-blocked fetch of %s logged no console '
                            'message (see %s.chromium.log)' % (path, name))
        if name == 'canary-nocsp' and not any('canary.invalid' in u for u in requests):
            problems.append('detector blind: the net log of %s shows no request to '
                            'canary.invalid' % path)
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--accelbench', required=True)
    ap.add_argument('--source', required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()

    chromium = find_chromium()
    if not chromium:
        if os.environ.get('AB_REQUIRE_CHROMIUM'):
            print('FAIL: AB_REQUIRE_CHROMIUM is set but chromium is not installed '
                  '(scripts/setup-deps.sh installs it)')
            return 1
        print('SKIP: chromium not installed and AB_REQUIRE_CHROMIUM unset')
        return SKIP

    os.makedirs(args.out, exist_ok=True)
    out = os.path.abspath(args.out)
    try:
        cmd, page = render(args.accelbench, os.path.abspath(args.source), out)
        problems = static_checks(page) + deterministic(cmd, page)
        problems += canaries(chromium, out)
        console, requests, png = chromium_run(chromium, page, out, 'report')
        problems += ['console message from the page: ' + l for l in console]
        problems += ['the page requested ' + u for u in requests]
        problems += png_check(png)
    except (Fail, subprocess.TimeoutExpired, OSError, ValueError) as e:
        problems = [str(e)]
    for p in problems:
        print('FAIL:', p)
    if problems:
        return 1
    print('ok: %s rendered in Chromium without console messages or requests; screenshot %s'
          % (page, png))
    return 0


if __name__ == '__main__':
    sys.exit(main())
