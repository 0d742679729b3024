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
from core.config import TIMING, TIMING_METHODS
from core.device import covering_peak, current_peak, fresh_peak, resolve, synchronize
from core.timing.spec import (DEFAULT_METHODS, LABELS, PEAK_READING_S, RECURRENT, SweepSpec,  # noqa: F401
                              SweepTooSlow, check_time, estimate_bytes, estimate_request, estimate_seconds,
                              point_seconds, validate)

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


def point_steps(T: int, spec: SweepSpec, remeasure: int | None = None) -> Generator[str, None, list[dict]]:
    """Every method at one T, timed round-robin, in steps (one round of blocks each); unstable ones
    re-measured (bounded), keeping each method's steadiest attempt. Returns one row per method."""
    methods = spec.methods
    works = {m: make_work(m, spec.B, T, spec.d, spec.heads, spec.mode, spec.device, spec.seed) for m in methods}
    first = yield from interleaved_steps(works, spec.threads, spec.min_run_time, spec.repeats)
    best = {m: (s, 1) for m, s in first.items()}
    for attempt in range(2, (TIMING.remeasure if remeasure is None else remeasure) + 2):
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
