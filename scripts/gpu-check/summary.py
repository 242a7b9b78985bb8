#!/usr/bin/env python3
"""A short Markdown summary of a gpu-check directory, for docs/results/.

usage: summary.py CHECK_DIR > summary.md

Reads CHECK_DIR/quick/run.json and CHECK_DIR/llm/run.json (accelbench), torch.json
(scripts/gpu-check/torch_gemm.py) and energy.json (energy_check.py), and writes: case
counts per status, every wrong_result, cuda vs PyTorch per GEMM (ratio of median rates,
the 8192^3 f16/bf16/FP8 rows first), the device memory bandwidth vs a PyTorch copy, and
the NVML counter vs polled-power energy. Figures are printed only as the files hold them.
"""
import json
import os
import sys

TARGETS = {"gemm_ratio": 0.97, "membw_ratio": 0.9, "energy_within": 0.05}


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def gflops(case):
    r = case.get("rates") or {}
    return r.get("gflops_median") or r.get("gflops")


def main(d):
    runs = {s: load(os.path.join(d, s, "run.json")) for s in ("quick", "llm")}
    torch = load(os.path.join(d, "torch.json")) or {}
    energy = load(os.path.join(d, "energy.json"))
    print("# GPU check: accelbench `cuda` beside PyTorch\n")
    for suite, run in runs.items():
        if not run:
            print("- suite %s: no run file\n" % suite)
            continue
        counts = {}
        for c in run["cases"]:
            counts[c["status"]] = counts.get(c["status"], 0) + 1
        dev = next((x for x in run.get("devices", []) if x.get("backend") == "cuda"), {})
        print("- suite **%s** on %s, commit %s: %s" % (
            suite, (dev.get("info") or dev).get("name", "?"), run["harness"].get("git_commit", "?"),
            ", ".join("%d %s" % (n, s) for s, n in sorted(counts.items()))))
        for c in run["cases"]:
            if c["status"] in ("wrong_result", "failed", "crashed", "timeout", "implausible"):
                print("  - %s %s %s: %s" % (c["status"], c["kernel"]["dtype"],
                                           c["kernel"].get("shape_str", ""), c["reason"][:160]))
    print("\n## GEMM: cuda vs PyTorch (same shapes, same run)\n")
    print("| dtype | shape | provider | cuda GFLOP/s | PyTorch GFLOP/s | ratio | target |")
    print("|---|---|---|---:|---:|---:|---|")
    ref = {(g["m"], g["n"], g["k"], g["trans_a"], g["trans_b"], g["dtype"]): g
           for g in torch.get("gemm", []) if "gflops" in g}
    rows = []
    for run in filter(None, runs.values()):
        for c in run["cases"]:
            k = c["kernel"]
            if c["backend"] != "cuda" or k["kind"] != "gemm" or c["status"] != "ok":
                continue
            s = k["shape"]
            key = (s["m"], s["n"], s["k"], int(bool(s["trans_a"])), int(bool(s["trans_b"])),
                   k["dtype"])
            if key in ref and gflops(c):
                big = s["m"] == s["n"] == s["k"] == 8192 and k["dtype"] in (
                    "f16", "bf16", "fp8_e4m3", "f8e4m3", "e4m3")
                rows.append((not big, k["dtype"], k.get("shape_str", ""), c["provider"], gflops(c),
                             ref[key]["gflops"], big))
    for _, dt, shape, prov, ours, theirs, big in sorted(rows):
        print("| %s | %s | %s | %.1f | %.1f | %.3f | %s |" % (
            dt, shape, prov, ours, theirs, ours / theirs,
            ">= %.2f" % TARGETS["gemm_ratio"] if big else ""))
    print("\n## Memory bandwidth\n")
    copy = torch.get("copy_d2d")
    membw = [c for r in filter(None, runs.values()) for c in r["cases"]
             if c["backend"] == "cuda" and c["kernel"]["kind"] == "membw" and c["status"] == "ok"]
    if copy and membw:
        best = max((c.get("rates") or {}).get("gbytes_per_s_median", 0) for c in membw)
        print("cuda membw best %.1f GB/s vs PyTorch copy %.1f GB/s: ratio %.3f (target >= %.1f)"
              % (best, copy["gbytes_per_s"], best / copy["gbytes_per_s"], TARGETS["membw_ratio"]))
    else:
        print("not measured (no membw case or no PyTorch copy)")
    print("\n## Energy: NVML counter vs polled power\n")
    if energy and energy.get("ratio_integral_to_counter"):
        print("counter %.1f J, polled integral %.1f J over %.1f s (%d samples, %s): ratio %.4f "
              "(target within %.0f%%); %s" % (
                  energy["counter_energy_j"], energy["polled_integral_j"], energy["window_s"],
                  energy["n_samples"], energy["nvml_via"], energy["ratio_integral_to_counter"],
                  100 * TARGETS["energy_within"], energy["power_label"]))
    else:
        print("not measured (energy.json absent or empty)")
    if torch:
        print("\nPyTorch %s (CUDA %s) on %s, timed with %s." % (
            torch.get("torch_version"), torch.get("cuda_version"), torch.get("device"),
            torch.get("timer")))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[2], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
