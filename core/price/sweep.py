"""The one doubling sweep of attention's price: T ascending, each method stops before it gets too slow.

`doubling_sweep` is a generator: it yields a `Start` before each point (so a
caller can show progress and be interrupted between points), a `Row` with the
measured point, and a `Stop` when a method's next doubling of T would pass
`PRICE.max_call_s` per call. The page, the benchmark and the CLI that writes
the shipped results all iterate it; none of them re-implements the policy.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Union

from core.config import PRICE


def doubling(t_min: int, t_max: int) -> list[int]:
    """t_min, 2·t_min, … up to t_max (t_max itself included)."""
    ts, t = [], t_min
    while t < t_max:
        ts.append(t)
        t *= 2
    return ts + [t_max]


def time_text(s: float) -> str:
    if s >= 1:
        return f"{s:.2f} s"
    return f"{s * 1e3:.3g} ms" if s >= 1e-3 else f"{s * 1e6:.3g} µs"


def too_slow(prev_median_s: float | None, growth: float) -> bool:
    """Would the next doubling of T pass PRICE.max_call_s, if time grows `growth`× per doubling
    (4 for a T² cost, 2 for a T cost)?"""
    return prev_median_s is not None and prev_median_s * growth > PRICE.max_call_s


def stop_reason(prev: dict | None, growth: float) -> str | None:
    """Why a sweep does not measure the next doubling of T after row `prev`, or None to go on."""
    if not too_slow(prev and prev["median_s"], growth):
        return None
    return (f"{prev['label']} was not measured past T = {prev['T']:,}: one call took {time_text(prev['median_s'])}, "
            f"so the next doubling would pass {PRICE.max_call_s:g} s per call (the app's limit).")


@dataclass(frozen=True)
class Start:
    name: str
    T: int
    done: int        # points finished so far
    total: int       # points in the plan (a stopped method's later points are skipped)


@dataclass(frozen=True)
class Row:
    row: dict
    done: int
    total: int


@dataclass(frozen=True)
class Stop:
    name: str
    reason: str


Event = Union[Start, Row, Stop]


def doubling_sweep(jobs: Iterable[tuple[str, int]], point: Callable[[str, int], dict],
                   growth: dict[str, float] | None = None) -> Iterator[Event]:
    """Measure `point(name, T)` for each job in order (T ascending per name).

    `growth[name]` is how much one call's time grows per doubling of T (2 by default:
    a linear cost); a name stops, with one `Stop`, once its next call would pass the limit.
    """
    jobs, growth = list(jobs), growth or {}
    last: dict[str, dict] = {}
    stopped: set[str] = set()
    done = 0
    for name, T in jobs:
        if name in stopped:
            continue
        reason = stop_reason(last.get(name), growth.get(name, 2))
        if reason:
            stopped.add(name)
            yield Stop(name, reason)
            continue
        yield Start(name, T, done, len(jobs))
        last[name] = point(name, T)
        done += 1
        yield Row(last[name], done, len(jobs))
