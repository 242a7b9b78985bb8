#!/usr/bin/env python3
"""Start-up cost of `accelbench list` (or any command): runs each command given, in
alternating order, and prints the median and minimum of its wall time and of its CPU time
(user + sys of the command and every process it waited for: discovery workers included).
The last line is machine-readable: startup_ms: wall_median=A,B,... cpu_median=A,B,...

usage: scripts/bench-list-startup.py [--runs N] COMMAND...
e.g.   scripts/bench-list-startup.py --runs 100 "OLD/build/accelbench list" \
           "build/accelbench list" "build/accelbench list --no-isolation"

ACCELBENCH_BACKEND_PATH is cleared, so each binary finds its own build's modules. Each
command runs once before timing (page cache, driver caches)."""
import argparse
import os
import resource
import shlex
import statistics
import subprocess
import time


def children_cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("commands", nargs="+")
    a = ap.parse_args()
    env = dict(os.environ)
    env.pop("ACCELBENCH_BACKEND_PATH", None)
    cmds = [shlex.split(c) for c in a.commands]
    wall = [[] for _ in cmds]
    cpu = [[] for _ in cmds]
    for c in cmds:
        subprocess.run(c, stdout=subprocess.DEVNULL, env=env, check=True)
    for _ in range(a.runs):
        for i, c in enumerate(cmds):
            c0, t0 = children_cpu_s(), time.perf_counter()
            subprocess.run(c, stdout=subprocess.DEVNULL, env=env, check=True)
            wall[i].append(time.perf_counter() - t0)
            cpu[i].append(children_cpu_s() - c0)
    print(f"{a.runs} alternating runs each; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    for i, c in enumerate(a.commands):
        print(f"{c}\n    wall median {statistics.median(wall[i]) * 1e3:6.1f} ms "
              f"(min {min(wall[i]) * 1e3:5.1f})   cpu median "
              f"{statistics.median(cpu[i]) * 1e3:6.1f} ms (min {min(cpu[i]) * 1e3:5.1f})")
    med = lambda xs: ",".join(f"{statistics.median(x) * 1e3:.1f}" for x in xs)
    print(f"startup_ms: wall_median={med(wall)} cpu_median={med(cpu)}")


if __name__ == "__main__":
    main()
