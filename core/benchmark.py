"""A small, honest timing harness on top of `torch.utils.benchmark`.

Every measurement: warm-up calls at the new shape (first calls here cost
1–17× the median: allocator growth, kernel and oneDNN primitive selection),
device synchronisation inside the timed statement, then `repeats` timed
blocks. The result is the median and interquartile range of the per-call
block means. The thread count is always explicit: `Timer` defaults to one.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch.utils.benchmark as tbench

from core.device import intra_op_threads

# Process-wide: two browser sessions (or a session and a CLI run in the same
# process) never time at once, so neither measures the other's load. Held by
# whoever holds a turn of core.queue.QUEUE; take a turn rather than this lock.
from core.queue import TIMING_LOCK  # noqa: E402,F401  (re-exported for existing callers)


@dataclass(frozen=True)
class Stats:
    median_s: float
    p25_s: float
    p75_s: float
    repeats: int          # timed blocks
    calls_per_block: int
    first_call_s: float   # the first warm-up call, for the cold-start comparison

    @property
    def iqr_s(self) -> float:
        return self.p75_s - self.p25_s


def measure(fn: Callable[[], object], threads: int, min_run_time: float = 0.1,
            repeats: int = 5) -> Stats:
    """Time `fn()` (which must synchronise its device itself) with `threads` intra-op threads.

    Two warm-up calls (the first one's time is kept as `first_call_s`), then
    at least `repeats` timed blocks of `calls_per_block` calls each, lasting
    about `min_run_time` together. Blocks are timed by `Timer._timeit`, the
    inner loop of `torch.utils.benchmark` (the public `timeit` adds two
    warm-up calls per block, tripling the cost of a slow point).
    """
    if repeats < 3:
        raise ValueError(f"repeats must be at least 3 for a median and quartiles; got {repeats}")
    timer = tbench.Timer("fn()", globals={"fn": fn}, num_threads=threads)
    with intra_op_threads(threads):
        first = _seconds(fn)
        one = _seconds(fn)
        number = max(1, int(min_run_time / repeats / max(one, 1e-9)))
        block_means = np.array([timer._timeit(number) / number for _ in range(repeats)])
    p25, med, p75 = np.percentile(block_means, [25, 50, 75])
    return Stats(float(med), float(p25), float(p75), repeats, number, first)


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
