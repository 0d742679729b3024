"""Timing, honestly: one training step (forward + backward) of each layer over T.

Methods, one layer of width D on (B, T, D) inputs, loss = mean of the output squared,
gradients with respect to every weight (`torch.autograd.grad`):

    mingru_scan   minGRU, parallel mode: the Blelloch tree over all T at once
    mingru        the same minGRU stepped one token at a time (its inference mode)
    grucell_loop  a Python loop over nn.GRUCell — the unfused GRU the paper's 175× is against
    gru_fused     nn.GRU (torch's fused kernel; still T dependent steps inside)
    sdpa          Linear → F.scaled_dot_product_attention → Linear (causal), the attention layer

Every point goes through `core.benchmark.measure`; a point whose IQR/median
passes the limit is re-measured a bounded number of times and flagged if it
stays unstable. A method stops before a T whose predicted call would pass the
limit (time grows at most ×`growth` per doubling of T).
"""
from __future__ import annotations

import contextlib
import os
from typing import Callable, Iterator

import torch
import torch.nn.functional as F
from torch import nn

from core.benchmark import measure
from core.config import SCAN as L
from core.device import resolve, synchronize
from core.scan.mingru import MinGRU
from core.timing.sweep import build_module

METHODS = L.step_methods
GROWTH = {"mingru_scan": 2.2, "mingru": 2.2, "grucell_loop": 2.2, "gru_fused": 2.2, "sdpa": 4.0}


class GRUCellLoop(nn.Module):
    """h_t = GRUCell(x_t, h_{t-1}), t = 1..T, every state returned (B, T, D)."""

    def __init__(self, d: int):
        super().__init__()
        self.cell = nn.GRUCell(d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.new_zeros(x.shape[0], self.cell.hidden_size)
        out = []
        for t in range(x.shape[1]):
            h = self.cell(x[:, t], h)
            out.append(h)
        return torch.stack(out, 1)


class CausalSDPA(nn.Module):
    """The timing lab's Linear + SDPA + Linear layer, made causal like a language model's."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        self.inner = build_module("sdpa", d, heads)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        m = self.inner
        B, T, d = x.shape
        q, k, v = m.qkv(x).view(B, T, 3, m.heads, d // m.heads).permute(2, 0, 3, 1, 4)   # 3×(B, H, T, Dh)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)                       # (B, H, T, Dh)
        return m.out(y.transpose(1, 2).reshape(B, T, d))


def build(method: str, d: int, heads: int = L.step_heads) -> tuple[nn.Module, Callable]:
    """(module, forward(x) → (B, T, D))."""
    if method == "mingru_scan":
        m = MinGRU(d, d, scan="tree")
        return m, lambda x: m(x)[0]
    if method == "mingru":
        m = MinGRU(d, d)
        return m, lambda x: m(x, mode="step")[0]
    if method == "grucell_loop":
        m = GRUCellLoop(d)
        return m, m
    if method == "gru_fused":
        m = nn.GRU(d, d, batch_first=True)
        return m, lambda x: m(x)[0]
    if method == "sdpa":
        m = CausalSDPA(d, heads)
        return m, m
    raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")


def make_step(method: str, B: int, T: int, d: int, device: str = "cpu", seed: int = 0) -> Callable[[], None]:
    """A zero-argument callable: one forward + backward, device synchronised."""
    dev = resolve(device)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        module, fwd = build(method, d)
        x = torch.randn(B, T, d)
    module.to(dev)
    x = x.to(dev)
    params = list(module.parameters())

    def step() -> None:
        loss = fwd(x).square().mean()
        torch.autograd.grad(loss, params)
        synchronize(dev)
    return step


def point(method: str, T: int, B: int = L.step_batch, d: int = L.step_width, device: str = "cpu",
          threads: int = 1, seed: int = 0, min_run_time: float = 0.05) -> dict:
    """One timed (method, T): median, quartiles, whether it stayed unstable, how often re-measured."""
    step = make_step(method, B, T, d, device, seed)
    s, tries = measure(step, threads, min_run_time, 5), 0
    while s.iqr_s / s.median_s > L.unstable_iqr and tries < L.remeasure:
        tries += 1
        s = measure(step, threads, min_run_time, 5)
    return {"method": method, "T": T, "median_s": s.median_s, "p25_s": s.p25_s, "p75_s": s.p75_s,
            "unstable": bool(s.iqr_s / s.median_s > L.unstable_iqr), "remeasured": tries,
            "loadavg_1m": os.getloadavg()[0]}


def stop_reason(method: str, last: dict | None, limit_s: float) -> str | None:
    if last is None:
        return None
    predicted = last["median_s"] * GROWTH[method]
    if predicted > limit_s:
        return (f"{method} stopped after T = {last['T']:,}: the next point would take about "
                f"{predicted:.1f} s per step, past the limit of {limit_s:g} s")
    return None


def grid(t_max: int, t_min: int = 16) -> list[int]:
    Ts, T = [], t_min
    while T <= t_max:
        Ts.append(T)
        T *= 2
    return Ts


def sweep(Ts: list[int], methods=METHODS, limit_s: float = L.step_max_call_s, lock=None,
          **kw) -> Iterator[dict | str]:
    """Points T ascending, method by method within each T; yields rows, and a message when a method stops.

    `lock` (a context manager, e.g. core.benchmark.TIMING_LOCK) is held while each point is timed."""
    last: dict[str, dict | None] = {m: None for m in methods}
    stopped: set[str] = set()
    for T in Ts:
        for m in methods:
            if m in stopped:
                continue
            why = stop_reason(m, last[m], limit_s)
            if why:
                stopped.add(m)
                yield why
                continue
            with lock or contextlib.nullcontext():
                last[m] = point(m, T, **kw)
            yield last[m]
