"""Fitted log–log slopes of time vs T, beside the slope the FLOP count predicts (no torch needed)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import flops as fl
from core.chart_style import label

RECURRENT_GATES = fl.RECURRENT_GATES


def slopes(df: pd.DataFrame, spec_d: int, B: int = 1, mode: str = "forward") -> pd.DataFrame:
    """Per method: the fitted log–log slope of time vs T, and the slope the FLOP count predicts
    over the same T range (1 for recurrence; between 1 and 2 for attention, 2 once T ≫ d)."""
    rows = []
    for method, g in df.groupby("method", sort=False):
        g = g.sort_values("T")
        if g["T"].nunique() < 2:
            continue
        logt = np.log(g["T"].to_numpy(float))
        measured = np.polyfit(logt, np.log(g["median_s"].to_numpy(float)), 1)[0]
        model = np.polyfit(logt, np.log([fl.flops(method, B, int(t), spec_d, mode) for t in g["T"]]), 1)[0]
        rows.append({"method": method, "label": label(method), "measured_slope": float(measured),
                     "flop_model_slope": float(model), "asymptotic_slope": 1 if method in RECURRENT_GATES else 2})
    return pd.DataFrame(rows)
