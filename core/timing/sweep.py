"""The timing lab: recurrence vs attention on this device, swept over sequence length T.

Methods (one layer each, width d, batch B, input (B, T, d)):
    rnncell_loop   a Python loop over nn.RNNCell  — the seed article's "CustomRNN"
    lstmcell_loop  a Python loop over nn.LSTMCell
    rnn_fused      nn.RNN   (torch's fused kernel; still T dependent steps inside)
    lstm_fused     nn.LSTM
    gru_fused      nn.GRU
    mha            nn.MultiheadAttention(x, x, x), H heads — the seed's "CustomSelfAttention"
    sdpa           Linear → F.scaled_dot_product_attention → Linear (the fused attention path)
Modes: "forward" (inference, no autograd) and "train" (forward + backward w.r.t. all weights).

Measuring is honest on a shared host: at every T the methods are timed
round-robin, block by block (`core.benchmark.measure_interleaved`), so a load
spike hits them all alike; each point carries its spread (IQR / median) and a
`stable` flag (spread ≤ `TIMING.max_spread`), and unstable points are
re-measured up to `TIMING.remeasure` times. The matmul-peak policy is
`core.device`'s (current, fresh and covering readings).

Run headless: `python -m core.timing --help` (writes the same JSON the page loads).
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from typing import Callable, Generator, Iterable, Iterator

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core import flops as fl
from core.benchmark import Stats, interleaved_steps
from core.chart_style import label
from core.config import TIMING, TIMING_METHODS
from core.device import covering_peak, current_peak, fresh_peak, resolve, synchronize

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


# ------------------------------------------------------------------ building the work
class _Loop(torch.nn.Module):
    """The seed's sequential loop: h_t = cell(x_t, h_{t-1}) for t = 1..T."""

    def __init__(self, cell: torch.nn.Module, lstm: bool):
        super().__init__()
        self.cell, self.lstm = cell, lstm

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, d = x.shape
        h = x.new_zeros(B, self.cell.hidden_size)
        state = (h, h) if self.lstm else h
        for t in range(T):
            state = self.cell(x[:, t], state)
        return state[0] if self.lstm else state


class _SDPA(torch.nn.Module):
    """Fused attention: one QKV projection, F.scaled_dot_product_attention, output projection."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv, self.out = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, d = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)  # 3×(B, H, T, Dh)
        y = F.scaled_dot_product_attention(q, k, v)                                              # (B, H, T, Dh)
        return self.out(y.transpose(1, 2).reshape(B, T, d))                                      # (B, T, d)


def build_module(method: str, d: int, heads: int) -> torch.nn.Module:
    """The module for `method` (weights from the caller's RNG state)."""
    if method == "rnncell_loop":
        return _Loop(torch.nn.RNNCell(d, d), lstm=False)
    if method == "lstmcell_loop":
        return _Loop(torch.nn.LSTMCell(d, d), lstm=True)
    if method in ("rnn_fused", "lstm_fused", "gru_fused"):
        cls = {"rnn_fused": torch.nn.RNN, "lstm_fused": torch.nn.LSTM, "gru_fused": torch.nn.GRU}[method]
        return cls(d, d, batch_first=True)
    if method == "mha":
        return torch.nn.MultiheadAttention(d, heads, batch_first=True)
    if method == "sdpa":
        return _SDPA(d, heads)
    raise ValueError(f"unknown method {method!r}; choose from {', '.join(TIMING_METHODS)}")


def _call(module: torch.nn.Module, method: str, x: torch.Tensor) -> torch.Tensor:
    out = module(x, x, x) if method == "mha" else module(x)
    return out[0] if isinstance(out, tuple) else out


def make_work(method: str, B: int, T: int, d: int, heads: int, mode: str,
              device: str = "cpu", seed: int = 0) -> Callable[[], None]:
    """A zero-argument callable doing one forward (or forward+backward) and syncing the device."""
    dev = resolve(device)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        module = build_module(method, d, heads).to(dev)
        x = torch.randn(B, T, d).to(dev)
    params = list(module.parameters())

    if mode == "forward":
        def work() -> None:
            with torch.inference_mode():
                _call(module, method, x)
            synchronize(dev)
    elif mode == "train":
        def work() -> None:
            loss = _call(module, method, x).float().square().mean()
            torch.autograd.grad(loss, params)
            synchronize(dev)
    else:
        raise ValueError(f"mode must be 'forward' or 'train'; got {mode!r}")
    return work


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


def check_request(specs: tuple[SweepSpec, ...], prior_peak: float = 0.0) -> tuple[float, float]:
    """The one validate-with-retry: (estimated seconds, peak used) or ValueError.

    A time refusal rests on the peak reading, which a busy moment depresses (a browser booting
    on the same 2 cores read 13 of 174 GFLOP/s), so fresh readings are taken before refusing, and
    `prior_peak` (this device's reading in a shipped reference, when the device is the same) counts
    as a reading: the request is judged at what this device can do, and the time it actually
    takes on a busy host is bounded separately, while it runs. Measures: hold a queue turn."""
    for s in specs:
        validate(s)
    device, threads = specs[0].device, max(s.threads for s in specs)
    peak = max(current_peak(device, threads), prior_peak)
    for attempt in range(TIMING.peak_retries + 1):
        try:
            return check_time(specs, peak), peak
        except SweepTooSlow:
            if attempt == TIMING.peak_retries:
                raise
            peak = max(fresh_peak(device, threads), prior_peak)
    raise AssertionError("unreachable")


# ------------------------------------------------------------------ measuring
def _row(method: str, T: int, spec: SweepSpec, s: Stats, attempts: int) -> dict:
    f = fl.flops(method, spec.B, T, spec.d, spec.mode)
    return {
        "method": method, "label": LABELS[method],
        "family": "recurrent" if method in RECURRENT else "attention",
        "T": T, "threads": spec.threads, "median_s": s.median_s, "p25_s": s.p25_s, "p75_s": s.p75_s,
        "spread": s.spread, "stable": bool(s.stable(TIMING.max_spread)), "attempts": attempts,
        "first_call_s": s.first_call_s, "flops": f, "flops_per_s": f / s.median_s,
        "sequential_steps": fl.sequential_steps(method, T),
    }


def point_steps(T: int, spec: SweepSpec) -> Generator[str, None, list[dict]]:
    """Every method at one T, timed round-robin, in steps (one round of blocks each); unstable ones
    re-measured (bounded), keeping each method's steadiest attempt. Returns one row per method."""
    methods = spec.methods
    works = {m: make_work(m, spec.B, T, spec.d, spec.heads, spec.mode, spec.device, spec.seed) for m in methods}
    first = yield from interleaved_steps(works, spec.threads, spec.min_run_time, spec.repeats)
    best = {m: (s, 1) for m, s in first.items()}
    for attempt in range(2, TIMING.remeasure + 2):
        shaky = [m for m in methods if not best[m][0].stable(TIMING.max_spread)]
        if not shaky:
            break
        again = yield from interleaved_steps({m: works[m] for m in shaky}, spec.threads, spec.min_run_time,
                                             spec.repeats)
        for m, s in again.items():
            best[m] = (s, attempt) if s.spread < best[m][0].spread else (best[m][0], attempt)
    return [_row(m, T, spec, *best[m]) for m in methods]


def measure_point(T: int, spec: SweepSpec) -> list[dict]:
    """`point_steps` run to the end: one row per method at T."""
    steps = point_steps(T, spec)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def iter_points(spec: SweepSpec, skip: Iterable[int] = ()) -> Iterator[list[dict]]:
    """One list of rows per T, T ascending (each step is one chunk of a queued request)."""
    done = set(skip)
    for T in spec.grid():
        if T not in done:
            yield measure_point(T, spec)


def iter_sweep(spec: SweepSpec) -> Iterator[dict]:
    """Rows, T ascending, so the first points arrive quickly."""
    for rows in iter_points(spec):
        yield from rows


def final_peak(device: str, threads: int, df: pd.DataFrame) -> tuple[float, bool]:
    """The peak to divide by once a sweep is done: one fresh reading (points were just timed),
    then re-read while an achieved rate exceeds it; (peak, True) when it had to be overruled by an
    achieved rate, so no share ever reads above 100 %. Measures: hold a queue turn."""
    fresh_peak(device, threads)
    achieved = float(df.loc[df["threads"] == threads, "flops_per_s"].max()) if len(df) else 0.0
    return covering_peak(device, threads, achieved)


def with_peak_share(df: pd.DataFrame, peak_flops: float) -> pd.DataFrame:
    """Add `pct_of_peak`: achieved FLOP/s as a percentage of `peak_flops`, never above 100."""
    return df.assign(pct_of_peak=(100.0 * df["flops_per_s"] / peak_flops).clip(upper=100.0))


def meta(spec: SweepSpec, peak_flops: float, device_name: str, **extra) -> dict:
    """What a reader needs beside every figure: device, threads, torch, sizes, the peak, the load."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        **{k: v for k, v in asdict(spec).items() if k not in ("methods",)},
        "device_name": device_name, "torch_version": torch.__version__,
        "peak_flops_per_s": peak_flops, "max_spread": TIMING.max_spread,
        "loadavg": [round(x, 2) for x in load] if load else None, **extra,
    }
