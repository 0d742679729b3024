"""Shared by the benchmark scripts: wall-clock repeats of a call."""
from __future__ import annotations

import statistics
import time
from typing import Callable


def timed(fn: Callable[[], object], repeats: int, warm: bool = False) -> tuple[float, float, float]:
    """(median, min, max) seconds over `repeats` calls (after one untimed call if `warm`).

    On a shared machine the minimum is the figure least disturbed by other processes;
    the median is what a visitor would see now.
    """
    if warm:
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), max(times)
