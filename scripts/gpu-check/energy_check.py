#!/usr/bin/env python3
"""NVML's total-energy counter against the integral of polled NVML power, over one window.

usage: energy_check.py -o OUT.json [--device 0] [--load-s 12] [--poll-ms 20]

Puts a steady GEMM load (PyTorch, when importable; otherwise the GPU is left idle and the
file says so) on the device for --load-s seconds (>= 10), with 2 s before and 3 s after,
polls nvmlDeviceGetPowerUsage every --poll-ms and integrates it (trapezoids), and reads
nvmlDeviceGetTotalEnergyConsumption at both ends of the same window. On Hopper the polled
power is a 1-second average (nvml.h 13.0.39, nvmlDeviceGetPowerUsage doc comment: Ampere
except GA100 and newer), so the window reaches past the load on both sides for the average
to settle. NVML is reached through pynvml when present, else through ctypes on
libnvidia-ml.so.1 (the same four calls). Writes OUT.json with both energies and their ratio.
"""
import argparse
import ctypes
import json
import sys
import threading
import time


class Nvml:
    """The four NVML calls this check needs (nvml.h: nvmlInit_v2,
    nvmlDeviceGetHandleByIndex_v2, nvmlDeviceGetPowerUsage in mW,
    nvmlDeviceGetTotalEnergyConsumption in mJ since driver load)."""

    def __init__(self, index):
        try:
            import pynvml
            pynvml.nvmlInit()
            self.h = pynvml.nvmlDeviceGetHandleByIndex(index)
            self.power_mw = lambda: pynvml.nvmlDeviceGetPowerUsage(self.h)
            self.energy_mj = lambda: pynvml.nvmlDeviceGetTotalEnergyConsumption(self.h)
            self.via = "pynvml"
            return
        except ImportError:
            pass
        lib = ctypes.CDLL("libnvidia-ml.so.1")
        self._check(lib.nvmlInit_v2(), "nvmlInit_v2")
        self.h = ctypes.c_void_p()
        self._check(lib.nvmlDeviceGetHandleByIndex_v2(ctypes.c_uint(index), ctypes.byref(self.h)),
                    "nvmlDeviceGetHandleByIndex_v2")
        self.lib = lib
        self.power_mw = self._power
        self.energy_mj = self._energy
        self.via = "ctypes libnvidia-ml.so.1"

    @staticmethod
    def _check(rc, what):
        if rc != 0:
            raise RuntimeError("%s returned NVML error %d" % (what, rc))

    def _power(self):
        v = ctypes.c_uint()
        self._check(self.lib.nvmlDeviceGetPowerUsage(self.h, ctypes.byref(v)),
                    "nvmlDeviceGetPowerUsage")
        return v.value

    def _energy(self):
        v = ctypes.c_ulonglong()
        self._check(self.lib.nvmlDeviceGetTotalEnergyConsumption(self.h, ctypes.byref(v)),
                    "nvmlDeviceGetTotalEnergyConsumption")
        return v.value


def load_gpu(index, seconds, stop):
    try:
        import torch
    except ImportError:
        return "no PyTorch: no load (idle window)"
    dev = torch.device("cuda", index)
    a = torch.randn((8192, 8192), device=dev, dtype=torch.float16)
    b = torch.randn_like(a)
    end = time.monotonic() + seconds
    while time.monotonic() < end and not stop.is_set():
        for _ in range(8):
            torch.matmul(a, b)
        torch.cuda.synchronize(dev)
    return "torch.matmul f16 8192^3 back to back"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--device", type=int, default=0)
    ap.add_argument("--load-s", type=float, default=12.0)
    ap.add_argument("--poll-ms", type=float, default=20.0)
    args = ap.parse_args()
    if args.load_s < 10:
        print("energy_check: --load-s must be at least 10", file=sys.stderr)
        return 2
    try:
        nvml = Nvml(args.device)
    except (OSError, RuntimeError) as e:
        print("energy_check: NVML unavailable: %s" % e, file=sys.stderr)
        return 3
    samples, stop = [], threading.Event()

    def poll():
        while not stop.is_set():
            samples.append((time.monotonic(), nvml.power_mw() / 1e3))
            time.sleep(args.poll_ms / 1e3)

    e0, t0 = nvml.energy_mj(), time.monotonic()
    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(2.0)
    load = load_gpu(args.device, args.load_s, stop)
    time.sleep(3.0)
    stop.set()
    poller.join()
    e1, t1 = nvml.energy_mj(), time.monotonic()
    integral = sum((tb - ta) * (pa + pb) / 2 for (ta, pa), (tb, pb) in zip(samples, samples[1:]))
    if samples:  # the counter covers [t0, t1]: hold the first and last reading to the ends
        integral += (samples[0][0] - t0) * samples[0][1] + (t1 - samples[-1][0]) * samples[-1][1]
    counter_j = (e1 - e0) / 1e3
    out = {"nvml_via": nvml.via, "load": load,
           "window_s": t1 - t0, "polled_span_s": samples[-1][0] - samples[0][0] if samples else 0,
           "poll_ms": args.poll_ms, "n_samples": len(samples),
           "counter_energy_j": counter_j, "polled_integral_j": integral,
           "ratio_integral_to_counter": integral / counter_j if counter_j > 0 else None,
           "power_label": "nvmlDeviceGetPowerUsage: 1 s average on Ampere (except GA100) and newer"}
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
