"""Two modes, one model: the parallel (training) output equals the step-by-step (inference) output.

The same minGRU weights run once through the scan over all T tokens and once a
token at a time, each from the same random non-zero h0. While generating, the
minGRU keeps N numbers per layer; a transformer layer's KV cache keeps 2·T·d
(a key and a value of width d for every token so far, see Attention's price).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch

from core.config import SCAN as L
from core.device import one_thread
from core.scan.mingru import MinGRU


@dataclass(frozen=True)
class TwoModes:
    T: int
    N: int
    max_abs_diff: float       # parallel vs step, float32
    max_abs_diff_f64: float   # the same in float64
    last_parallel: list[float]  # the first few numbers of h_T, both ways
    last_step: list[float]
    state_numbers: int        # N
    kv_numbers: int           # 2·T·d with d = N


def two_modes(T: int = L.modes_T.default, N: int = L.hidden.default, seed: int = 0, I: int = 16) -> TwoModes:
    L.modes_T.check(T)
    L.hidden.check(N)
    if T * N > 2_000_000:
        raise ValueError(f"T·N = {T * N:,} is past the limit of 2,000,000 numbers for this comparison")
    g = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        m = MinGRU(I, N)
    x = torch.randn(1, T, I, generator=g)
    h0 = torch.randn(1, N, generator=g)
    out = {}
    with one_thread(), torch.inference_mode():
        for dtype in (torch.float32, torch.float64):
            mm = m.to(dtype)
            hp, lp = mm(x.to(dtype), h0.to(dtype), mode="parallel")
            hs, ls = mm(x.to(dtype), h0.to(dtype), mode="step")
            out[dtype] = (float((hp - hs).abs().max()), lp[0, :4].tolist(), ls[0, :4].tolist())
    d32, lp, ls = out[torch.float32]
    return TwoModes(T, N, d32, out[torch.float64][0], lp, ls, N, 2 * T * N)


def state_frame(N: int, d: int, t_max: int = 16384) -> pd.DataFrame:
    """Numbers kept per layer vs T: the minGRU's N (constant) and a KV cache's 2·T·d."""
    rows, T = [], 1
    while T <= t_max:
        rows += [{"T": T, "what": f"minGRU state (N = {N})", "values": N},
                 {"T": T, "what": f"KV cache (2·T·d, d = {d})", "values": 2 * T * d}]
        T *= 2
    return pd.DataFrame(rows)
