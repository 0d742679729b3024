"""A small, honest timing harness (the standard library's `timeit` inner loop).

Every measurement: warm-up calls at the new shape (first calls here cost
1–17× the median: allocator growth, kernel and oneDNN primitive selection),
device synchronisation inside the timed statement (the callable does it), then
`repeats` timed blocks of `number` calls, each block timed by
`timeit.Timer(fn).timeit(number)` (garbage collection off while it runs, as in
`torch.utils.benchmark`). The result is the median and interquartile range of
the per-call block means, and the spread IQR/median that says whether the host's
load may have spoiled it. The thread count is always explicit.

`measure_interleaved` times several callables *round-robin*: block r of every
callable runs before block r + 1 of any, starting each round at the next
callable, so a load spike on a shared host hits all of them alike instead of
spoiling one method's figure.
"""
from __future__ import annotations

import time
import timeit
from dataclasses import dataclass
from typing import Callable, Generator, Mapping

import numpy as np

from core.device import intra_op_threads

# Process-wide: two browser sessions (or a session and a CLI run in the same
# process) never time at once, so neither measures the other's load. Held by
# whoever holds a turn of core.queue.QUEUE; take a turn rather than this lock.
from core.queue import TIMING_LOCK  # noqa: F401  (re-exported for existing callers)


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

    @property
    def spread(self) -> float:
        """IQR / median: 0.05 means the middle half of the blocks lay within 5 % of the median."""
        return self.iqr_s / self.median_s if self.median_s > 0 else float("inf")

    def stable(self, limit: float) -> bool:
        return self.spread <= limit


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _stats(blocks: list[float], number: int, first: float) -> Stats:
    p25, med, p75 = np.percentile(np.array(blocks), [25, 50, 75])
    return Stats(float(med), float(p25), float(p75), len(blocks), number, first)


def interleaved_steps(fns: Mapping[str, Callable[[], object]], threads: int, min_run_time: float = 0.1,
                      repeats: int = 5) -> Generator[str, None, dict[str, Stats]]:
    """`measure_interleaved` in steps: yields after the warm-up and after every round (one block of
    each callable), so a queued caller can check its time limit and cancellation between them;
    returns the stats (`stats = yield from interleaved_steps(...)`)."""
    if repeats < 3:
        raise ValueError(f"repeats must be at least 3 for a median and quartiles; got {repeats}")
    names = list(fns)
    blocks: dict[str, list[float]] = {n: [] for n in names}
    with intra_op_threads(threads):
        first = {n: _seconds(fns[n]) for n in names}
        one = {n: _seconds(fns[n]) for n in names}
    number = {n: max(1, int(min_run_time / repeats / max(one[n], 1e-9))) for n in names}
    timers = {n: timeit.Timer(fns[n]) for n in names}
    yield "warm-up"
    for r in range(repeats):
        with intra_op_threads(threads):
            for i in range(len(names)):
                n = names[(r + i) % len(names)]
                blocks[n].append(timers[n].timeit(number[n]) / number[n])
        yield f"round {r + 1} of {repeats}"
    return {n: _stats(blocks[n], number[n], first[n]) for n in names}


def measure_interleaved(fns: Mapping[str, Callable[[], object]], threads: int, min_run_time: float = 0.1,
                        repeats: int = 5) -> dict[str, Stats]:
    """Time every callable in `fns` with `threads` intra-op threads, their blocks interleaved.

    Each callable gets two warm-up calls (the first one's time is kept as `first_call_s`),
    then `repeats` timed blocks lasting about `min_run_time` together. Round r times the
    callables in order starting at index r mod n, so none is always first or last.
    """
    steps = interleaved_steps(fns, threads, min_run_time, repeats)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def interleaved_order(names: list[str], repeats: int) -> list[str]:
    """The order in which `measure_interleaved` times its blocks (for tests and docs)."""
    return [names[(r + i) % len(names)] for r in range(repeats) for i in range(len(names))]


def measure(fn: Callable[[], object], threads: int, min_run_time: float = 0.1, repeats: int = 5) -> Stats:
    """Time one callable (which must synchronise its device itself) with `threads` threads."""
    return measure_interleaved({"fn": fn}, threads, min_run_time, repeats)["fn"]
