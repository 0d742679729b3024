"""What the timing rows say: log–log slopes, the stability summary, the work–span model (no torch:
the Overview paints from the shipped reference without it).

Conclusions are drawn from stable points only (spread ≤ `TIMING.max_spread`): a
point the host's load may have spoiled is shown, flagged, and never fitted.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import flops as fl
from core.chart_style import label

RECURRENT = tuple(fl.RECURRENT_GATES)


def stable_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows conclusions may rest on (all rows of a file without a `stable` column)."""
    return df[df["stable"].astype(bool)] if "stable" in df else df


def unstable_count(df: pd.DataFrame) -> int:
    return int((~df["stable"].astype(bool)).sum()) if "stable" in df else 0


def slopes(df: pd.DataFrame, spec_d: int, B: int = 1, mode: str = "forward") -> pd.DataFrame:
    """Per method, from its stable points: the fitted log–log slope of time vs T, and the slope the
    FLOP count predicts over the same T range (1 for recurrence; 1 to 2 for attention, 2 once T ≫ d)."""
    rows = []
    for method, g in stable_rows(df).groupby("method", sort=False):
        g = g.sort_values("T")
        if g["T"].nunique() < 2:
            continue
        logt = np.log(g["T"].to_numpy(float))
        measured = np.polyfit(logt, np.log(g["median_s"].to_numpy(float)), 1)[0]
        model = np.polyfit(logt, np.log([fl.flops(method, B, int(t), spec_d, mode) for t in g["T"]]), 1)[0]
        rows.append({"method": method, "label": label(method), "measured_slope": float(measured),
                     "flop_model_slope": float(model), "asymptotic_slope": 1 if method in RECURRENT else 2})
    return pd.DataFrame(rows, columns=["method", "label", "measured_slope", "flop_model_slope", "asymptotic_slope"])


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
            rows.append({"method": m, "label": label(m), "T": T, "model_s": t})
    return pd.DataFrame(rows)
