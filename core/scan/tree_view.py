"""The tree itself on the reader's numbers: every level's (a, b) pairs, for T = 8 or 16."""
from __future__ import annotations

import math

import pandas as pd
import torch

from core.config import SCAN as L
from core.scan import affine


def reader_coefficients(T: int, a: float, b_kind: str, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """(1, T, 1) float64 coefficients: a constant a_t and the chosen b_t pattern."""
    if T not in (8, 16):
        raise ValueError(f"the tree is drawn for 8 or 16 steps; got {T}")
    L.tree_a.check(a)
    L.tree_b.check(b_kind)
    if b_kind == "ones":
        b = torch.ones(T, dtype=torch.float64)
    elif b_kind.startswith("counting"):
        b = torch.arange(1, T + 1, dtype=torch.float64)
    elif b_kind == "one impulse":
        b = torch.zeros(T, dtype=torch.float64)
        b[0] = 1.0
    else:
        g = torch.Generator().manual_seed(seed)
        b = torch.randn(T, generator=g, dtype=torch.float64).round(decimals=2)
    return torch.full((1, T, 1), float(a), dtype=torch.float64), b.view(1, T, 1)


def levels(T: int, a: float, b_kind: str, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(levels, result): one row per (level, slot) with the pair held there; the scan vs the loop.

    levels: level (0 = input, then up 1…, down 1…), phase, stride, slot, span_lo, span_hi
    (the steps the pair stands for), a, b, combined (whether this level wrote it).
    result: t, tree, loop, diff.
    """
    A, B = reader_coefficients(T, a, b_kind, seed)
    trace = affine.ScanTrace(T, 0)
    h = affine.tree_scan(A, B, trace=trace)
    ref = affine.loop_scan(A, B)
    rows = []
    lg = int(math.log2(T))
    for i, lv in enumerate(trace.levels):
        n = lv.a.shape[-2]
        width = T // n                                  # steps covered by one slot at this level
        for s in range(n):
            if lv.phase == "down":
                lo, hi = 0, s * width - 1               # exclusive prefix: steps before this block
            else:
                lo, hi = s * width, (s + 1) * width - 1
            rows.append({
                "level": i, "phase": lv.phase, "name": _name(lv, lg), "stride": lv.stride, "slot": s,
                "width": width, "span_lo": lo, "span_hi": hi,
                "a": float(lv.a[0, s, 0]), "b": float(lv.b[0, s, 0]),
                "combined": lv.phase == "up" or (lv.phase == "down" and s % 2 == 1),
            })
    res = pd.DataFrame({"t": range(1, T + 1), "tree": h[0, :, 0].numpy(), "loop": ref[0, :, 0].numpy()})
    res["diff"] = (res["tree"] - res["loop"]).abs()
    return pd.DataFrame(rows), res


def _name(lv: affine.Level, lg: int) -> str:
    """A short row label; the caption explains the phases."""
    if lv.phase == "input":
        return "input"
    return f"{lv.phase} {lv.index}/{lg}"
