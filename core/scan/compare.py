"""One recurrence, three ways: time, error against the float64 loop, and the counts behind them.

The same coefficients (B, T, D) — a_t uniform in [a_lo, 1), b_t ~ N(0, 1), a
random h0 — go through the loop, the Blelloch tree and Heinsen's log-space
scan in float32 on one thread. Each answer is compared with the loop run in
float64 (the oracle). Beside the times: the work–span counts of each method
and the torch operator calls one run actually made (counted with a
`TorchFunctionMode`), because on one CPU thread the tree's gain comes from
making ~log T calls over whole arrays instead of T calls over one step each —
not from parallel width, which one thread does not have.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import pandas as pd
import torch
from torch.overrides import TorchFunctionMode

from core.benchmark import Stats, measure
from core.config import SCAN as L
from core.device import one_thread
from core.scan import affine

METHODS = ("loop", "tree", "heinsen")
F64 = torch.float64


def coefficients(T: int, D: int, seed: int, a_lo: float = L.a_lo.default, B: int = L.batch,
                 dtype: torch.dtype = F64) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """a (B, T, D) in [a_lo, 1), b (B, T, D) ~ N(0, 1), h0 (B, D) ~ N(0, 1), from a local generator."""
    g = torch.Generator().manual_seed(seed)
    a = a_lo + (1 - a_lo) * torch.rand(B, T, D, generator=g, dtype=F64)
    b = torch.randn(B, T, D, generator=g, dtype=F64)
    h0 = torch.randn(B, D, generator=g, dtype=F64)
    return a.to(dtype), b.to(dtype), h0.to(dtype)


class _CallCounter(TorchFunctionMode):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.calls += 1
        return func(*args, **(kwargs or {}))


def operator_calls(method: str, T: int, D: int = 4) -> int:
    """torch operator calls (functions, methods and indexing) one run of `method` makes at length T."""
    a, b, h0 = coefficients(T, D, 0, B=1, dtype=torch.float32)
    with _CallCounter() as counter:
        affine.solve(method, a, b, h0)
    return counter.calls


def work_span(T: int) -> pd.DataFrame:
    """The counts of the three shapes of computation at length T (a model, not a measurement).

    span: dependent rounds; work: applications of the combine (or of one step).
    """
    lg = math.ceil(math.log2(T)) if T > 1 else 0
    P = 1 << lg
    rows = [
        ("loop", "sequential loop", T, T),
        ("tree", "Blelloch tree (up-sweep + down-sweep)", affine.blelloch_levels(T), 2 * (P - 1) if T > 1 else 0),
        ("doubling", "doubling scan (Hillis–Steele)", lg, sum(max(0, T - (1 << k)) for k in range(lg))),
    ]
    return pd.DataFrame(rows, columns=["method", "shape", "span", "work"]).assign(T=T, T_log_T=T * max(lg, 1))


_CALLS: dict[tuple[str, int], int] = {}


def calls_cached(method: str, T: int) -> int:
    if (method, T) not in _CALLS:
        _CALLS[(method, T)] = operator_calls(method, T)
    return _CALLS[(method, T)]


def calibrate() -> tuple[float, float]:
    """Seconds per loop step and per log-space element on this host now (two calls of ~1 ms idle).

    The host's load changes how long everything takes, so the estimate is measured, not assumed.
    """
    a, b, h0 = coefficients(128, L.width.default, 0, dtype=torch.float32)
    best = [math.inf, math.inf]
    with one_thread(), torch.inference_mode():
        for _ in range(3):                      # the first call pays for allocation; keep the fastest
            for i, fn in enumerate((affine.loop_scan, affine.heinsen_scan)):
                t0 = time.perf_counter()
                fn(a, b, h0)
                best[i] = min(best[i], time.perf_counter() - t0)
    return best[0] / 128, best[1] / a.numel()


def estimate_seconds(T: int, D: int, rates: tuple[float, float] | None = None) -> float:
    """Estimated seconds for one live comparison: every method is called about 2 + repeats times."""
    step_s, elem_s = rates or (L.loop_step_s, 2e-8)
    calls = 2 + L.repeats
    width = max(1.0, L.batch * D / (L.batch * L.width.default))
    loop = T * step_s * width
    heinsen = L.batch * T * D * elem_s
    # ×2: the float64 reference, the untimed error runs and at most one re-measurement
    return 2 * calls * (2 * loop + heinsen + heinsen / 4) + 0.05


def check(T: int, D: int, rates: tuple[float, float] | None = None) -> float:
    """Refuse values past the limits, or a run estimated past the live limit; returns the estimate."""
    L.T.check(T)
    L.width.check(D)
    if L.batch * T * D > L.max_elements:
        raise ValueError(f"B·T·D = {L.batch * T * D:,} values per tensor is past the limit of {L.max_elements:,}")
    est = estimate_seconds(T, D, rates)
    if est > L.max_live_s:
        raise ValueError(f"on this host right now this comparison would take about {est:.0f} s; the limit for a "
                         f"live run is {L.max_live_s:g} s — choose a shorter T or a narrower D (the shipped "
                         "reference above covers T up to 16,384)")
    return est


def unstable(s: Stats) -> bool:
    return s.iqr_s / s.median_s > L.unstable_iqr if s.median_s > 0 else True


def time_method(method: str, a, b, h0, threads: int = 1, min_run_time: float = L.min_run_time,
                repeats: int = L.repeats) -> tuple[Stats, int]:
    """Median timing of one solve; a point whose IQR/median passes the limit is re-measured (bounded)."""
    fn = lambda: affine.solve(method, a, b, h0)  # noqa: E731
    tries = 0
    with torch.inference_mode():
        s = measure(fn, threads, min_run_time, repeats)
        while unstable(s) and tries < L.remeasure:
            tries += 1
            s = measure(fn, threads, min_run_time, repeats)
    return s, tries


@dataclass(frozen=True)
class ThreeWays:
    T: int
    D: int
    B: int
    threads: int
    table: pd.DataFrame      # method, median_s, p25_s, p75_s, unstable, remeasured, max_abs_diff, rel_diff, calls
    counts: pd.DataFrame     # work_span(T)


def three_ways(T: int, D: int = L.width.default, seed: int = 0, a_lo: float = L.a_lo.default,
               threads: int = 1, timed: bool = True, rates: tuple[float, float] | None = None,
               min_run_time: float = L.min_run_time, repeats: int = L.repeats) -> ThreeWays:
    """Solve one recurrence three ways in float32; compare each with the float64 loop.

    `rates` (from `calibrate`) make the refusal reflect this host's load now."""
    check(T, D, rates)
    L.a_lo.check(a_lo)
    a64, b64, h64 = coefficients(T, D, seed, a_lo)
    with torch.inference_mode():
        ref = affine.loop_scan(a64, b64, h64)
    a, b, h0 = a64.float(), b64.float(), h64.float()
    scale = float(ref.abs().max())
    rows = []
    for m in METHODS:
        with torch.inference_mode():
            out = affine.solve(m, a, b, h0).double()
        diff = float((out - ref).abs().max())
        row = {"method": m, "max_abs_diff": diff, "rel_diff": diff / max(scale, 1e-300),
               "calls": calls_cached(m, T)}
        if timed:
            s, tries = time_method(m, a, b, h0, threads, min_run_time, repeats)
            row.update(median_s=s.median_s, p25_s=s.p25_s, p75_s=s.p75_s, unstable=unstable(s), remeasured=tries)
        rows.append(row)
    return ThreeWays(T, D, L.batch, threads, pd.DataFrame(rows), work_span(T))


def error_curve(Ts: list[int], D: int = 16, seed: int = 0, a_lo: float = L.a_lo.default) -> pd.DataFrame:
    """float32 max |difference| against the float64 loop for each method over T (no timing)."""
    rows = []
    for T in Ts:
        r = three_ways(T, D, seed, a_lo, timed=False).table
        rows += [{"T": T, "method": m, "max_abs_diff": d} for m, d in zip(r["method"], r["max_abs_diff"])]
    return pd.DataFrame(rows)


def sweep(Ts: list[int], D: int = L.width.default, seed: int = 0, threads: int = 1, progress=None,
          min_run_time: float = 0.5, repeats: int = 5) -> pd.DataFrame:
    """three_ways at every T (the shipped reference): one row per (T, method), longer blocks than live.

    No live-time refusal here: the command line is run on purpose."""
    frames = []
    for i, T in enumerate(Ts):
        frames.append(three_ways(T, D, seed, threads=threads, rates=(0.0, 0.0), min_run_time=min_run_time,
                                 repeats=repeats).table.assign(T=T))
        if progress:
            progress(i + 1, len(Ts), T)
    return pd.concat(frames, ignore_index=True)
