"""What a timing sweep is and what it may cost, without torch (the page paints before torch loads).

`SweepSpec` is built by keyword and hashable, so it keys caches whole; `validate`
checks it against the limits in `core.config.TIMING`; `estimate_request` gives the
whole request's seconds (the 1-thread overlay included) before anything runs.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

import numpy as np

from core import flops as fl
from core.chart_style import label
from core.config import TIMING, TIMING_METHODS

LABELS = {m: label(m) for m in TIMING_METHODS}
DEFAULT_METHODS = ("rnncell_loop", "rnn_fused", "lstm_fused", "mha", "sdpa")
RECURRENT = tuple(m for m in TIMING_METHODS if m in fl.RECURRENT_GATES)


@dataclass(frozen=True, kw_only=True)
class SweepSpec:
    """Everything one sweep depends on, built by keyword; hashable, so it keys caches whole."""

    methods: tuple[str, ...] = DEFAULT_METHODS
    mode: str = TIMING.mode.default
    B: int = TIMING.batch.default
    d: int = TIMING.width.default
    heads: int = TIMING.heads.default
    t_min: int = TIMING.t_min.default
    t_max: int = TIMING.t_max.default
    points: int = TIMING.points.default
    threads: int = TIMING.threads.default
    device: str = "cpu"
    min_run_time: float = TIMING.min_run_time.default
    repeats: int = TIMING.repeats
    seed: int = 0

    def grid(self) -> list[int]:
        """Sequence lengths, geometrically spaced from t_min to t_max, ascending, unique."""
        ts = np.geomspace(self.t_min, self.t_max, self.points)
        return sorted({int(round(t)) for t in ts})

    def request(self, one_thread_overlay: bool) -> tuple["SweepSpec", ...]:
        """This sweep, plus the same sweep on 1 thread when the overlay is asked for."""
        if one_thread_overlay and self.threads != 1:
            return (self, replace(self, threads=1))
        return (self,)


# ------------------------------------------------------------------ limits
def estimate_bytes(method: str, B: int, T: int, d: int, heads: int, mode: str) -> int:
    """Rough peak bytes of one call (float32): activations plus, for attention, the T×T maps."""
    acts = 4 * B * T * d * (8 if mode == "train" else 3)
    if method in fl.ATTENTION:
        acts += 4 * B * heads * T * T * (3 if mode == "train" else 2)
    elif mode == "train":
        acts += 4 * B * T * d * 6 * fl.RECURRENT_GATES[method]
    return acts


PEAK_READING_S = 0.5   # one matmul-peak reading, warm-up included


def point_seconds(spec: SweepSpec, method: str, T: int, peak_flops: float) -> float:
    """Pessimistic wall time of one point: 25 % of the matmul peak plus 40 µs per sequential step,
    two warm-up calls and `repeats` blocks lasting at least `min_run_time` together."""
    one = fl.flops(method, spec.B, T, spec.d, spec.mode) / (0.25 * peak_flops) + 40e-6 * fl.sequential_steps(method, T)
    return max(spec.min_run_time, spec.repeats * one) + 3 * one


def estimate_seconds(spec: SweepSpec, peak_flops: float) -> float:
    """Pessimistic wall time of one sweep (no re-measuring)."""
    return sum(point_seconds(spec, m, T, peak_flops) for T in spec.grid() for m in spec.methods)


def estimate_request(specs: Iterable[SweepSpec], peak_flops: float) -> float:
    """The whole request: every sweep in it (the 1-thread overlay too) and two peak readings.
    A sweep on fewer threads than the peak was read with is scaled by the thread ratio."""
    specs = list(specs)
    top = max(s.threads for s in specs)
    return 2 * PEAK_READING_S + sum(estimate_seconds(s, peak_flops * s.threads / top) for s in specs)


class SweepTooSlow(ValueError):
    """The time estimate is over the limit; it depends on the peak reading, so a retry may pass."""


def validate(spec: SweepSpec, peak_flops: float | None = None) -> SweepSpec:
    """Check every field against the limits; raise ValueError naming the limit in words."""
    L = TIMING
    for b, v in ((L.batch, spec.B), (L.width, spec.d), (L.heads, spec.heads), (L.t_min, spec.t_min),
                 (L.t_max, spec.t_max), (L.points, spec.points), (L.threads, spec.threads)):
        b.check(v)
    L.min_run_time.check(spec.min_run_time)
    L.mode.check(spec.mode)
    if not spec.methods:
        raise ValueError("choose at least one method to time")
    for m in spec.methods:
        if m not in TIMING_METHODS:
            raise ValueError(f"unknown method {m!r}; choose from {', '.join(TIMING_METHODS)}")
    if spec.t_min >= spec.t_max:
        raise ValueError(f"shortest T ({spec.t_min}) must be below longest T ({spec.t_max})")
    if spec.d % spec.heads:
        raise ValueError(f"width d = {spec.d} must be divisible by heads = {spec.heads} (head width d/H)")
    worst = max(estimate_bytes(m, spec.B, spec.t_max, spec.d, spec.heads, spec.mode) for m in spec.methods)
    if worst > L.max_bytes:
        raise ValueError(
            f"this sweep would need about {worst / 2**30:.1f} GiB at T = {spec.t_max} "
            f"(the memory limit per sweep is {L.max_bytes / 2**30:.0f} GiB): lower T, B or heads"
        )
    if peak_flops is not None:
        check_time((spec,), peak_flops)
    return spec


def check_time(specs: Iterable[SweepSpec], peak_flops: float) -> float:
    """The request's estimated seconds; SweepTooSlow past the time limit."""
    secs = estimate_request(specs, peak_flops)
    if secs > TIMING.max_seconds:
        raise SweepTooSlow(
            f"this request would take about {secs:.0f} s on this device (the time limit per request is "
            f"{TIMING.max_seconds:.0f} s): fewer points or methods, a smaller T, B or d, or no 1-thread overlay"
        )
    return secs


