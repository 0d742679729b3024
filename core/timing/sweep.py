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

Run headless: `python -m core.timing --help` (writes the same JSON the page loads).
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core import flops as fl
from core.benchmark import Stats, measure
from core.config import TIMING, TIMING_METHODS
from core.device import intra_op_threads, matmul_peak, resolve, synchronize
from core.timing.fit import slopes  # noqa: F401  (re-exported: callers use timing.slopes)

LABELS = {
    "rnncell_loop": "RNNCell loop",
    "lstmcell_loop": "LSTMCell loop",
    "rnn_fused": "nn.RNN (fused)",
    "lstm_fused": "nn.LSTM (fused)",
    "gru_fused": "nn.GRU (fused)",
    "mha": "nn.MultiheadAttention",
    "sdpa": "Linear + SDPA + Linear",
}
RECURRENT = tuple(m for m in TIMING_METHODS if m in fl.RECURRENT_GATES)


@dataclass(frozen=True)
class SweepSpec:
    methods: tuple[str, ...] = tuple(m for m in TIMING_METHODS if m in ("rnncell_loop", "rnn_fused", "lstm_fused", "mha", "sdpa"))
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
    repeats: int = 5
    seed: int = 0

    def grid(self) -> list[int]:
        """Sequence lengths, geometrically spaced from t_min to t_max, ascending, unique."""
        ts = np.geomspace(self.t_min, self.t_max, self.points)
        return sorted({int(round(t)) for t in ts})


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


def estimate_seconds(spec: SweepSpec, peak_flops: float) -> float:
    """Pessimistic wall time of a sweep: 25 % of the matmul peak plus 40 µs per sequential step."""
    total = 0.0
    for T in spec.grid():
        for m in spec.methods:
            one = fl.flops(m, spec.B, T, spec.d, spec.mode) / (0.25 * peak_flops) + 40e-6 * fl.sequential_steps(m, T)
            total += max(spec.min_run_time, spec.repeats * one) + 3 * one
    return total


class SweepTooSlow(ValueError):
    """The time estimate is over the limit; it depends on the peak reading, so a retry may pass."""


def validate(spec: SweepSpec, peak_flops: float | None = None) -> SweepSpec:
    """Check every field against core.config; raise ValueError naming the limit."""
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
            f"(limit {L.max_bytes / 2**30:.0f} GiB): lower T, B or heads"
        )
    if peak_flops is not None:
        secs = estimate_seconds(spec, peak_flops)
        if secs > L.max_seconds:
            raise SweepTooSlow(
                f"this sweep would take about {secs:.0f} s on this device (limit {L.max_seconds:.0f} s "
                f"in core/config.py): fewer points, methods or a smaller T, B or d"
            )
    return spec


# ------------------------------------------------------------------ measuring
def measure_point(method: str, T: int, spec: SweepSpec) -> dict:
    """One (method, T) point as a tidy row: time, FLOPs, FLOP/s, sequential steps.

    The share of the device's peak is added later (`with_peak_share`), against the best
    peak seen by then, so a cached point never keeps a share computed from a bad reading.
    """
    work = make_work(method, spec.B, T, spec.d, spec.heads, spec.mode, spec.device, spec.seed)
    s: Stats = measure(work, spec.threads, spec.min_run_time, spec.repeats)
    f = fl.flops(method, spec.B, T, spec.d, spec.mode)
    return {
        "method": method, "label": LABELS[method],
        "family": "recurrent" if method in RECURRENT else "attention",
        "T": T, "median_s": s.median_s, "p25_s": s.p25_s, "p75_s": s.p75_s,
        "first_call_s": s.first_call_s, "flops": f, "flops_per_s": f / s.median_s,
        "sequential_steps": fl.sequential_steps(method, T),
    }


def with_peak_share(df: pd.DataFrame, peak_flops: float) -> pd.DataFrame:
    """Add `pct_of_peak`: achieved FLOP/s as a percentage of `peak_flops`."""
    return df.assign(pct_of_peak=100.0 * df["flops_per_s"] / peak_flops)


def iter_sweep(spec: SweepSpec) -> Iterator[dict]:
    """Rows in T-ascending order, so the first points arrive quickly."""
    for T in spec.grid():
        for m in spec.methods:
            yield measure_point(m, T, spec)


def meta(spec: SweepSpec, peak_flops: float, device_name: str) -> dict:
    """What a reader needs beside every figure: device, threads, torch, sizes, the peak."""
    return {
        **{k: v for k, v in asdict(spec).items() if k not in ("methods",)},
        "device_name": device_name, "torch_version": torch.__version__,
        "peak_flops_per_s": peak_flops,
    }


def work_span(df_T: list[int], methods: tuple[str, ...], B: int, d: int, mode: str,
              parallel_flops: float, step_latency_s: float) -> pd.DataFrame:
    """A labelled MODEL, not a measurement: time ≈ work / P + span × per-step latency.

    P is the device's parallel throughput (FLOP/s); the span is the number of
    dependent steps (T for recurrence, a constant handful of kernels for attention).
    """
    rows = []
    for T in df_T:
        for m in methods:
            span = fl.sequential_steps(m, T) * (fl.RECURRENT_GATES.get(m, 1) + 2 if m in RECURRENT else 8)
            t = fl.flops(m, B, T, d, mode) / parallel_flops + span * step_latency_s
            rows.append({"method": m, "label": LABELS[m], "T": T, "model_s": t})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ command line
def main(argv: list[str] | None = None) -> None:
    """`python -m core.timing --device cuda --out assets/reference/timing_cuda.json`"""
    import argparse

    from core.device import describe
    from core.timing.results import to_json

    p = argparse.ArgumentParser(description="Sweep recurrence vs attention over T; write a result JSON.")
    d = SweepSpec()
    p.add_argument("--methods", default=",".join(d.methods), help=f"comma list of {','.join(TIMING_METHODS)}")
    p.add_argument("--mode", default=d.mode, choices=TIMING.mode.options)
    for name in ("B", "d", "heads", "t_min", "t_max", "points", "threads", "repeats", "seed"):
        p.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(d, name))
    p.add_argument("--min-run-time", type=float, default=d.min_run_time)
    p.add_argument("--device", default="auto")
    p.add_argument("--out", required=True, help="where to write the JSON result")
    a = p.parse_args(argv)
    device = resolve(a.device).type
    spec = SweepSpec(tuple(a.methods.split(",")), a.mode, a.B, a.d, a.heads, a.t_min, a.t_max,
                     a.points, a.threads, device, a.min_run_time, a.repeats, a.seed)
    n = 4096 if device == "cuda" else TIMING.peak_matmul_n
    validate(spec, matmul_peak(device, spec.threads, n).flops_per_s)
    rows = []
    for row in iter_sweep(spec):
        rows.append(row)
        print(f"{row['label']:24s} T={row['T']:6d}  {row['median_s'] * 1e3:10.3f} ms  {row['flops_per_s'] / 1e9:8.1f} GFLOP/s")
    peak = matmul_peak(device, spec.threads, n).flops_per_s  # best of before and after the sweep
    df = with_peak_share(pd.DataFrame(rows), peak)
    print(f"matmul peak {peak / 1e9:.1f} GFLOP/s; % of peak: " + ", ".join(
        f"{lab} {g['pct_of_peak'].min():.0f}–{g['pct_of_peak'].max():.0f}" for lab, g in df.groupby("label", sort=False)))
    text = to_json(df, meta(spec, peak, describe(device).name))
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
