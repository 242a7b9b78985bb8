#!/usr/bin/env python3
"""Where a run's time went, per device: kernels vs backend vs harness (issue 3's "the OpenCL
backend adds no more than 5% to the quick suite's wall time per device beyond the kernels'
own time"). Reads run.json files only; used by scripts/bench-opencl-overhead.sh.

Definitions (per device, summed over its cases; fields from bench/runner.c):
  kernel   warmup_s + measured_s: the warm-up and timed loops (kernel calls back to back)
  backend  backend_overhead_s: buffers, uploads, poisoning, case_prepare (compile: setup_s,
           shown separately too), read-back for validation, release
  harness  harness_overhead_s: seeded inputs, validation against the float64 reference
  wall     the run's wall_s when the run has this device alone (-b/-d filter), else the
           sum of the three above (then "other" is not known)
  other    wall - (kernel + backend + harness): worker start, device open, planning,
           writing the run file
Figures: backend / wall (the issue's measure) and backend / kernel.

Usage: opencl-overhead.py [--cases] RUN_DIR_OR_JSON...   (several runs: median and range)
"""
import json
import os
import statistics
import sys


def load(path):
    if os.path.isdir(path):
        path = os.path.join(path, "run.json")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"opencl-overhead: {path}: {e}")


def device_key(c):
    return f"{c['backend']}:{c['device']['index']}"


def split(run, per_case):
    devs = {}
    for c in run.get("cases", []):
        t = c.get("timing") or {}
        d = devs.setdefault(device_key(c), {"kernel": 0.0, "backend": 0.0, "harness": 0.0,
                                             "compile": 0.0, "cases": 0, "rows": []})
        k = (t.get("warmup_s") or 0.0) + (t.get("measured_s") or 0.0)
        b = t.get("backend_overhead_s") or 0.0
        h = t.get("harness_overhead_s") or 0.0
        d["kernel"] += k
        d["backend"] += b
        d["harness"] += h
        d["compile"] += t.get("setup_s") or 0.0
        d["cases"] += 1
        if per_case:
            d["rows"].append((b, k, h, t.get("setup_s") or 0.0, c["status"], c["id"]))
    for d in devs.values():
        acc = d["kernel"] + d["backend"] + d["harness"]
        d["wall"] = run.get("wall_s", acc) if len(devs) == 1 else acc
        d["other"] = d["wall"] - acc
    return devs


def fmt(vals, pct=False):
    m = statistics.median(vals)
    s = f"{100 * m:.1f}%" if pct else f"{m:.2f} s"
    if len(vals) > 1:
        lo, hi = min(vals), max(vals)
        s += f" [{100 * lo:.1f}-{100 * hi:.1f}]" if pct else f" [{lo:.2f}-{hi:.2f}]"
    return s


def main(argv):
    per_case = "--cases" in argv
    paths = [a for a in argv if a != "--cases"]
    if not paths:
        sys.exit(__doc__.strip().splitlines()[-1])
    runs = [split(load(p), per_case) for p in paths]
    for dev in sorted(runs[0]):
        ds = [r[dev] for r in runs if dev in r]
        col = lambda k: [d[k] for d in ds]
        print(f"{dev}: {len(ds)} run(s), {ds[0]['cases']} cases; median [min-max]")
        for k in ("wall", "kernel", "backend", "compile", "harness", "other"):
            print(f"  {k:8s} {fmt(col(k))}")
        print(f"  backend / wall   {fmt([d['backend'] / d['wall'] for d in ds], True)}")
        print(f"  backend / kernel {fmt([d['backend'] / d['kernel'] for d in ds], True)}")
        if per_case:
            print("  largest backend_overhead_s (last run): backend kernel harness setup")
            for b, k, h, s, st, cid in sorted(ds[-1]["rows"], reverse=True)[:12]:
                print(f"    {b:6.3f} {k:6.3f} {h:6.3f} {s:6.3f} {st:11s} {cid}")


if __name__ == "__main__":
    main(sys.argv[1:])
