"""The Overview's one chart: time per call vs T from the shipped reference."""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.chart_style import colour_scale, shape_scale, style


def bottleneck(df: pd.DataFrame, height: int = 430) -> alt.Chart:
    """Median time per call vs sequence length, log–log, one line per method (shipped rows)."""
    methods = list(dict.fromkeys(df["method"]))
    x = alt.X("T:Q", scale=alt.Scale(type="log", base=2), title="sequence length T")
    y = alt.Y("ms:Q", scale=alt.Scale(type="log"), title="ms per call (log)")
    colour = alt.Color("label:N", scale=colour_scale(methods), title=None,
                       legend=alt.Legend(orient="bottom", columns=2))
    shape = alt.Shape("label:N", scale=shape_scale(methods), title=None, legend=None)
    tip = ["label", "T", alt.Tooltip("ms:Q", format=".2f"), alt.Tooltip("sequential_steps:Q", title="steps")]
    base = alt.Chart(df).encode(x, y, colour)
    chart = base.mark_line(strokeWidth=3) + base.mark_point(size=90, filled=True, opacity=1).encode(shape, tooltip=tip)
    # Under Streamlit's chart theme the height is the whole chart: title, axes and legend included.
    return style(chart.properties(height=height, title="Time per call (shipped, 2-core CPU)"))
