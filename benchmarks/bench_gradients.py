"""Speed of the gradient page's computations on this machine.

    python benchmarks/bench_gradients.py [--repeats 3]

Prints the median and range of wall-clock seconds (after one warm-up call) for
  - the gradient profile, default view: T = 200, N = 64, 5 seeds, all 7 models   (goal < 1 s, 2-core CPU)
  - the same at T = 1,000                                                         (goal < 3 s)
  - the Jacobian view + phase diagram for the tanh RNN and the LSTM, T = 200 and 1,000
  - the clipping run (two trainings of 100 SGD steps)
and the load average, which matters: on a shared 2-core host other busy
processes slow these chains of small ops several-fold, so the CPU time this
process itself used is printed beside the wall-clock time.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from core.gradients.clipping import clipping_run  # noqa: E402
from core.gradients.profile import GradientSetup, gradient_profile  # noqa: E402
from core.gradients.jacobians import jacobian_view, phase_diagram  # noqa: E402


def timed(fn, repeats: int) -> tuple[float, float, float, float]:
    """Wall-clock median, min, max, and the median CPU time of this process (robust to other load)."""
    fn()                                                    # warm-up: allocator, first-call dispatch
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), min(times), max(times), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"torch {torch.__version__}, {cores} cores visible, computations run on 1 intra-op thread; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    rows = []
    for T, goal in ((200, 1.0), (1000, 3.0)):
        s = GradientSetup(T=T)
        rows.append((f"profile T={T}, N=64, 5 seeds, 7 models", goal, timed(lambda: gradient_profile(s), a.repeats)))
    for T in (200, 1000):
        s = GradientSetup(T=T)
        for kind in ("tanh", "lstm"):
            rows.append((f"Jacobian view + phase diagram, {kind}, T={T}", None,
                         timed(lambda: (jacobian_view(s, kind), phase_diagram(s, kind)), a.repeats)))
    rows.append(("clipping run (2 × 100 SGD steps)", None, timed(lambda: clipping_run(1.5, 1.0, 0), a.repeats)))
    for name, goal, (med, lo, hi, cpu) in rows:
        verdict = "" if goal is None else f"  goal < {goal:g} s: {'met' if med < goal else 'MISSED'}"
        print(f"{name:48s} wall median {med:6.3f} s (min {lo:.3f}, max {hi:.3f}), CPU {cpu:.3f} s{verdict}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
