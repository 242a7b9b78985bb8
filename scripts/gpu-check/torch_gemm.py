#!/usr/bin/env python3
"""The GEMMs of an accelbench run through PyTorch on the same GPU, for a side-by-side check.

usage: torch_gemm.py RUN.json [RUN.json ...] -o OUT.json [--backend cuda] [--device 0]

Reads every GEMM case of the given backend from the run files (same m, n, k, transposes and
dtype), times torch.matmul for f32 (TF32 off), tf32 (TF32 on, its own row), f16 and bf16,
and torch._scaled_mm for FP8 E4M3 when this PyTorch and GPU have it, with CUDA events
around back-to-back calls (warm-up first, then samples until 1 s or 50 samples; the median
per call is kept). Also a device-to-device copy of 1 GiB (torch copy_, 2 x bytes moved) as
the memory-bandwidth reference. Writes OUT.json; prints nothing else but errors.
"""
import argparse
import json
import statistics
import sys


def gemm_cases(paths, backend):
    seen, out = set(), []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            run = json.load(f)
        for c in run.get("cases", []):
            k = c.get("kernel", {})
            if c.get("backend") != backend or k.get("kind") != "gemm":
                continue
            prm = k.get("shape", {})
            key = (prm.get("m"), prm.get("n"), prm.get("k"), int(bool(prm.get("trans_a"))),
                   int(bool(prm.get("trans_b"))), k.get("dtype"))
            if None in key[:3] or key in seen:
                continue
            seen.add(key)
            out.append(dict(zip(("m", "n", "k", "trans_a", "trans_b", "dtype"), key)))
    return out


def time_calls(torch, fn, budget_s=1.0, max_samples=50):
    """Median seconds per call, from CUDA events around batches of calls."""
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    fn()
    end.record()
    end.synchronize()
    one = max(start.elapsed_time(end) / 1e3, 1e-6)
    calls = max(1, int(0.01 / one))  # samples of >= 10 ms
    samples, spent = [], 0.0
    while len(samples) < max_samples and (spent < budget_s or len(samples) < 5):
        start.record()
        for _ in range(calls):
            fn()
        end.record()
        end.synchronize()
        s = start.elapsed_time(end) / 1e3
        samples.append(s / calls)
        spent += s
    return statistics.median(samples), len(samples), calls


def operands(torch, case, dtype, dev):
    m, n, k = case["m"], case["n"], case["k"]
    a = torch.randn((k, m) if case["trans_a"] else (m, k), device=dev).to(dtype)
    b = torch.randn((n, k) if case["trans_b"] else (k, n), device=dev).to(dtype)
    return (a.t() if case["trans_a"] else a), (b.t() if case["trans_b"] else b)


def run_case(torch, case, dev):
    dt = case["dtype"]
    flops = 2.0 * case["m"] * case["n"] * case["k"]
    row = dict(case)
    torch.backends.cuda.matmul.allow_tf32 = dt == "tf32"
    if dt in ("f32", "tf32", "f16", "bf16", "f64"):
        tdt = {"f32": torch.float32, "tf32": torch.float32, "f16": torch.float16,
               "bf16": torch.bfloat16, "f64": torch.float64}[dt]
        a, b = operands(torch, case, tdt, dev)
        fn = lambda: torch.matmul(a, b)  # noqa: E731
        row["api"] = "torch.matmul" + (" (allow_tf32)" if dt == "tf32" else "")
    elif dt in ("fp8_e4m3", "f8e4m3", "e4m3") and hasattr(torch, "_scaled_mm") \
            and hasattr(torch, "float8_e4m3fn"):
        a, _ = operands(torch, dict(case, trans_a=0), torch.float32, dev)
        b = torch.randn((case["n"], case["k"]), device=dev).t()  # column-major, as it requires
        a, b = a.to(torch.float8_e4m3fn), b.to(torch.float8_e4m3fn)
        one = torch.ones((), device=dev)
        fn = lambda: torch._scaled_mm(a, b, scale_a=one, scale_b=one,  # noqa: E731
                                      out_dtype=torch.bfloat16)
        row["api"] = "torch._scaled_mm (e4m3, bf16 out)"
    else:
        row["skipped"] = "no PyTorch equivalent here for dtype %s" % dt
        return row
    try:
        med, n_samples, calls = time_calls(torch, fn)
    except RuntimeError as e:  # shape or dtype this build refuses
        row["skipped"] = str(e).splitlines()[0][:200]
        return row
    row.update(median_s=med, samples=n_samples, calls_per_sample=calls,
               gflops=flops / med / 1e9)
    return row


def copy_bandwidth(torch, dev, nbytes=1 << 30):
    src = torch.empty(nbytes, dtype=torch.uint8, device=dev)
    dst = torch.empty_like(src)
    med, n, calls = time_calls(torch, lambda: dst.copy_(src))
    return {"bytes": nbytes, "median_s": med, "samples": n, "gbytes_per_s": 2 * nbytes / med / 1e9,
            "api": "torch.Tensor.copy_ device to device (2 x bytes moved)"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--backend", default="cuda")
    ap.add_argument("--device", type=int, default=0)
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        print("torch_gemm: PyTorch is not importable here", file=sys.stderr)
        return 3
    if not torch.cuda.is_available():
        print("torch_gemm: torch.cuda.is_available() is False", file=sys.stderr)
        return 3
    dev = torch.device("cuda", args.device)
    cases = gemm_cases(args.runs, args.backend)
    out = {"torch_version": torch.__version__, "cuda_version": torch.version.cuda,
           "device": torch.cuda.get_device_name(dev), "timer": "torch.cuda.Event",
           "gemm": [run_case(torch, c, dev) for c in cases],
           "copy_d2d": copy_bandwidth(torch, dev)}
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
