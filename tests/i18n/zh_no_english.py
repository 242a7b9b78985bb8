#!/usr/bin/env python3
"""A zh-CN rendering holds no English label text outside data.

Renders the lab fixtures (tests/fixtures/runs/lab-*.json, plus a run cut short and one with
too few samples, so that the model's warnings appear) with the test tender, catalogue and
cost file as `report --lang zh-CN -f md,html` and `compare --lang zh-CN -f md,html`, then
reads every text a reader sees: in the HTML every text node of the body (headings, table
headers and cells, captions, figure captions, summaries, list items, SVG <text> and <title>)
and the whole Markdown. From that text it removes the data, which is shown as given in any
language: every string and member name of the run files, the catalogue, the cost file and
the tender (device, vendor and host names, reasons, paths, requirement texts), numbers, and
kernel keys. What is left must have no ASCII word outside an allow-list of units,
abbreviations and identifiers (GFLOP/s, W, TDP, dtype and kernel names...). Fails listing
each offending word with where it was seen.

Also `compare --against` (the CI gate's Markdown summary on stdout), and the other way
round: the machine formats (report JSON, CSV and JUnit; the gate's JUnit and stderr) must be
byte for byte the same under --lang en and --lang zh-CN, since programs read them.

usage: zh_no_english.py --accelbench BIN --source SRC_DIR [--lang zh-CN] [--keep DIR]
"""
import argparse
import collections
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

RUNS = ['tests/fixtures/runs/lab-%s.json' % n for n in ('cpu', 'gpu', 'npu')]
EXTRA_RUNS = ['tests/fixtures/runs/ci-cut-short.json', 'tests/fixtures/runs/ci-few-samples.json']
# the CI gate: a current run against its baseline (regressed, newly failed and wrong cases),
# and a run cut short that is no verified bundle (the gate's failed checks)
GATE_RUNS = ['tests/fixtures/runs/ci-baseline.json', 'tests/fixtures/runs/ci-current.json']
T = 'tests/report'

# Units, abbreviations and identifiers that a Chinese page writes in Latin letters too.
ALLOW = set('''
GFLOP GOP GB TB MB KB GiB MiB W kW J pJ nJ FLOP FLOPs op ops s ms us ns MHz GHz kWh Wh UTC
PFLOP P TFLOP TOPS TFLOPS B byte
TDP PUE SHA ABI CI CPU GPU NPU HBM FMA GEMM TCO CNY USD EUR N A Token token tokens Decoder
Roofline ID id
accelbench verify compare html md csv json
f64 f32 f16 bf16 int8 int32 tf32 f8e4m3 f8e5m2
gemm membw peak launch copy_h2d copy_d2h decoder attention conv2d stream_triad
m n k nn nt tn tt bytes items batch heads seq
portable native true false p5 p95 P5 P95 Gop GFLOP calls
'''.split())

# Enumerations the renderers must word themselves: never removed as data even though the
# run files spell them (a raw "board" or "failed" on a Chinese page is a missed label).
NOT_DATA = {'ok', 'unsupported', 'failed', 'wrong_result', 'crashed', 'timeout', 'skipped',
            'implausible', 'board', 'chip', 'node', 'any', 'yes', 'no', 'none', 'unknown',
            'throughput', 'latency', 'perf_per_watt', 'energy_per_op', 'energy_per_token',
            'coverage', 'board_power', 'price', 'other'}
ENUM_KEYS = {'status', 'scope', 'metric', 'type', 'mandatory', 'kind', 'dtype', 'out_dtype'}


def collect(obj, out, key=None):
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.add(str(k))
            collect(v, out, k)
    elif isinstance(obj, list):
        for v in obj:
            collect(v, out, key)
    elif isinstance(obj, str) and key not in ENUM_KEYS:
        out.add(obj)
        if ':' in obj:  # a table cell may show a reason's head only ("not measurable: <head>")
            out.add(obj.split(':')[0])


def data_strings(src, runs):
    data = set()
    for r in runs:
        with open(os.path.join(src, r), encoding='utf-8') as f:
            collect(json.load(f), data)
        data.add(r)
        data.add(os.path.basename(r))
    for y in ('catalog.yaml', 'cost.yaml', 'tender.yaml'):
        with open(os.path.join(src, T, y), encoding='utf-8') as f:
            collect(yaml.safe_load(f), data)
        data.add(os.path.join(T, y))
    # the shipped catalogue's ids (compare loads it beside the test catalogue), and the file
    # names a message quotes
    devices = os.path.join(src, 'configs', 'devices')
    for y in sorted(os.listdir(devices)):
        with open(os.path.join(devices, y), encoding='utf-8') as f:
            data.update(e['id'] for e in yaml.safe_load(f).get('devices') or [])
    data.update(('manifest.json', 'cost.unit_prices', 'system.cpu.fma_peak_gflops_measured'))
    data = {d for d in data if len(d) >= 2 and d not in NOT_DATA}
    return sorted(data, key=len, reverse=True)


class Texts(html.parser.HTMLParser):
    """Every text node of the body with the element it sits in (style and head left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.out, self.body, self.kv = [], [], False, []

    def handle_starttag(self, tag, attrs):
        if tag == 'body':
            self.body = True
        if tag not in ('br', 'wbr', 'meta', 'line', 'rect', 'circle', 'polygon', 'polyline',
                       'path'):
            self.stack.append(tag)
            # table.kv: the run file's system and power objects, shown as given (data)
            self.kv.append(tag == 'table' and ('class', 'kv') in attrs)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        while self.stack:
            self.kv.pop()
            if self.stack.pop() == tag:
                break

    def handle_data(self, d):
        if self.body and d.strip() and 'style' not in self.stack and not any(self.kv):
            self.out.append((self.stack[-1] if self.stack else '?', d))


WORD = re.compile(r'[A-Za-z][A-Za-z0-9_]*')
NUMBER = re.compile(r'(?<![A-Za-z0-9_.])[0-9][0-9.]*(?:e[+-]?[0-9]+)?')
KEY = re.compile(r'\b(?:gemm|membw|peak|launch|copy_h2d|copy_d2h|decoder|attention)\s'
                 r'\S+(?:\s[^|<\n]*?=[0-9][^|<\n]*)?')
# A subject's label ends, when two runs hold the same device, in its run or host: part of
# the identifier the model gives it ("AMD EPYC (cpu:0 openblas) run 2"), like a name.
LABEL_SUFFIX = re.compile(r'\) (?:run [0-9]+|@\S+)')


def strip_data(text, data):
    for d in data:
        if d in text:
            text = re.sub(r'(?<![A-Za-z0-9_])' + re.escape(d) + r'(?![A-Za-z0-9_])', ' ', text)
    text = LABEL_SUFFIX.sub(') ', KEY.sub(' ', text))
    return NUMBER.sub(' ', text)


def offenders(where, pieces, data, found):
    for tag, text in pieces:
        rest = strip_data(text, data)
        for w in WORD.findall(rest):
            if w not in ALLOW:
                found[w].add('%s <%s> "%s"' % (where, tag, ' '.join(text.split())[:90]))


def render(ab, src, out, lang):
    common = ['-c', os.path.join(T, 'catalog.yaml'), '--cost', os.path.join(T, 'cost.yaml'),
              '--tender', os.path.join(T, 'tender.yaml'), '--lang', lang]
    cmds = [
        ([ab, 'report'] + RUNS + ['--no-default-catalog'] + common +
         ['-f', 'md,html', '-o', os.path.join(out, 'report'), '-q']),
        ([ab, 'report'] + EXTRA_RUNS + ['--no-default-catalog', '--lang', lang, '-f', 'md,html',
                                        '-o', os.path.join(out, 'warnings'), '-q']),
        ([ab, 'compare'] + RUNS + common + ['-f', 'md,html', '-o', os.path.join(out, 'compare')]),
        ([ab, 'compare'] + EXTRA_RUNS + ['--lang', lang, '-f', 'md,html', '-o',
                                         os.path.join(out, 'compare-notes')]),
    ]
    os.makedirs(out, exist_ok=True)
    for c in cmds:
        p = subprocess.run(c, cwd=src, capture_output=True, text=True, timeout=120)
        if p.returncode not in (0, 1):  # compare exits 1 when a case got slower
            sys.exit('FAIL %s exited %d: %s' % (' '.join(c), p.returncode, p.stderr))
    # the gate writes its Markdown to stdout and exits 1 when it fails
    os.makedirs(os.path.join(out, 'gate'), exist_ok=True)
    gates = [('gate.md', [GATE_RUNS[1], '--against', GATE_RUNS[0]]),
             ('gate-checks.md', [EXTRA_RUNS[0], '--against', GATE_RUNS[0], '--require-verified'])]
    for name, args in gates:
        c = [ab, 'compare'] + args + ['--lang', lang]
        p = subprocess.run(c, cwd=src, capture_output=True, text=True, timeout=120)
        if p.returncode != 1:
            sys.exit('FAIL %s exited %d, expected 1 (gate failed): %s'
                     % (' '.join(c), p.returncode, p.stderr))
        with open(os.path.join(out, 'gate', name), 'w', encoding='utf-8') as f:
            f.write(p.stdout)


def machine_formats_differ(ab, src, out):
    """Files of the machine formats that --lang changed (none expected)."""
    runs = RUNS + EXTRA_RUNS[:1]
    got = {}
    for lang in ('en', 'zh-CN'):
        d = os.path.join(out, 'machine-' + lang)
        c = ([ab, 'report'] + runs + ['--no-default-catalog', '-c', os.path.join(T, 'catalog.yaml'),
             '--cost', os.path.join(T, 'cost.yaml'), '--tender', os.path.join(T, 'tender.yaml'),
             '--lang', lang, '-f', 'json,csv,junit', '-o', d, '-q'])
        subprocess.run(c, cwd=src, capture_output=True, timeout=120, check=True)
        g = subprocess.run([ab, 'compare', GATE_RUNS[1], '--against', GATE_RUNS[0], '--lang', lang,
                            '-j', os.path.join(d, 'gate-junit.xml')],
                           cwd=src, capture_output=True, timeout=120)
        got[lang] = {n: open(os.path.join(d, n), 'rb').read() for n in sorted(os.listdir(d))}
        got[lang]['gate stderr'] = g.stderr
    return [n for n in got['en'] if got['en'][n] != got['zh-CN'].get(n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--accelbench', required=True)
    ap.add_argument('--source', required=True)
    ap.add_argument('--lang', default='zh-CN')
    ap.add_argument('--keep')
    a = ap.parse_args()
    out = a.keep or tempfile.mkdtemp(prefix='ab-i18n-')
    render(os.path.abspath(a.accelbench), a.source, out, a.lang)
    data = data_strings(a.source, RUNS + EXTRA_RUNS + GATE_RUNS)
    found = collections.defaultdict(set)
    pages = 0
    for d in ('report', 'warnings', 'compare', 'compare-notes', 'gate'):
        for name in sorted(os.listdir(os.path.join(out, d))):
            path = os.path.join(out, d, name)
            with open(path, encoding='utf-8') as f:
                text = f.read()
            where = '%s/%s' % (d, name)
            if name.endswith('.html'):
                p = Texts()
                p.feed(text)
                offenders(where, p.out, data, found)
            elif name.endswith('.md'):
                # the Markdown escapes of a table cell (escape.h) undone, so data matches
                lines = [('md', html.unescape(re.sub(r'\\([\\`*_{}\[\]()#+!|<>-])', r'\1', line)))
                         for line in text.splitlines()]
                offenders(where, lines, data, found)
            else:
                continue
            pages += 1
    if pages != 10:
        sys.exit('FAIL expected 10 pages (md and html of 2 reports and 2 comparisons, 2 gate '
                 'summaries), got %d' % pages)
    differ = machine_formats_differ(os.path.abspath(a.accelbench), a.source, out)
    if differ:
        print('FAIL --lang changed machine formats (they stay English): %s' % ', '.join(differ))
        return 1
    if found:
        print('FAIL %d English word(s) in the %s rendering outside data:' % (len(found), a.lang))
        for w in sorted(found, key=lambda w: (-len(found[w]), w)):
            seen = sorted(found[w])
            print('  %-16s %3d x, e.g. %s' % (w, len(seen), seen[0]))
        return 1
    print('ok   no English label text in the %s rendering of %d pages' % (a.lang, pages))
    return 0


if __name__ == '__main__':
    sys.exit(main())
