"""Charts for the memory page: trajectories in PCA space, the gate heatmap with per-step
metrics under one time marker, and the forgetting curves. DataFrame in, `alt.Chart` out."""
from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from core.charts import OKABE_ITO, palette
from core.trajectories import Trajectory

TIME = alt.Scale(scheme="viridis")
SIGNED = {"h", "c", "g", "n"}       # quantities in [-1, 1] (c unbounded); the rest are gates in [0, 1]
METRICS = {"norm": "‖h_t‖", "saturated": "saturated units", "cosine": "cos(h_t, h_t−k)"}


def steps_frame(tr: Trajectory) -> pd.DataFrame:
    """One row per step t = 1..T: token, both models' PC scores, the per-step metrics."""
    t = np.arange(1, len(tr.labels) + 1)
    df = pd.DataFrame({"t": t, "token": list(tr.labels)})
    for prefix, p in (("rnn", tr.pca), ("attn", tr.z_pca)):
        for j in range(p.scores.shape[1]):
            df[f"{prefix}_PC{j + 1}"] = p.scores[:, j]
    return df.assign(norm=tr.norm, saturated=tr.saturated, cosine=tr.cosine)


def trajectory_chart(df: pd.DataFrame, prefix: str, plane: str, t: int, title: str) -> alt.LayerChart:
    """The path of one model's states in the plane `plane` ("PC1–PC2" ...), coloured by time,
    with a ring and the token at step t."""
    a, b = (f"{prefix}_{pc}" for pc in plane.split("–"))
    x = alt.X(f"{a}:Q", title=a.split("_")[1], scale=alt.Scale(zero=False))
    y = alt.Y(f"{b}:Q", title=b.split("_")[1], scale=alt.Scale(zero=False))
    base = alt.Chart(df).encode(x=x, y=y)
    path = base.mark_line(color="#999999", strokeWidth=1.5).encode(order="t:Q")
    dots = base.mark_circle(size=70, opacity=0.9).encode(
        color=alt.Color("t:Q", scale=TIME, title="step t"), tooltip=["t", "token", a, b])
    here = alt.Chart(df[df.t == t])
    ring = here.mark_point(size=600, strokeWidth=4, color="#D55E00").encode(x=x, y=y)
    label = here.mark_text(dy=-26, fontSize=22, fontWeight="bold", color="#D55E00").encode(
        x=x, y=y, text="token:N")
    return alt.layer(path, dots, ring, label).properties(title=title, height=420)


def long_frame(m: np.ndarray, name: str) -> pd.DataFrame:
    """A (T, N) matrix as rows (t, unit, name) with 1-based steps, for download."""
    t, n = m.shape
    return pd.DataFrame({"t": np.repeat(np.arange(1, t + 1), n), "unit": np.tile(np.arange(n), t), name: m.ravel()})


def blocks_frame(m: np.ndarray, max_cells: int) -> tuple[pd.DataFrame, int, int]:
    """A (T, N) matrix averaged in blocks so neither axis has more than max_cells rects.

    Returns the long frame (t0, t1, u0, u1, value) with steps 1-based and half-open
    intervals [t0, t1), and the block sizes (steps, units)."""
    t, n = m.shape
    bt, bu = math.ceil(t / max_cells), math.ceil(n / max_cells)
    pt, pu = math.ceil(t / bt) * bt, math.ceil(n / bu) * bu
    padded = np.full((pt, pu), np.nan)
    padded[:t, :n] = m
    blocks = np.nanmean(padded.reshape(pt // bt, bt, pu // bu, bu), axis=(1, 3))           # (T/bt, N/bu)
    i, j = np.meshgrid(np.arange(blocks.shape[0]), np.arange(blocks.shape[1]), indexing="ij")
    df = pd.DataFrame({"t0": i.ravel() * bt + 1, "u0": j.ravel() * bu, "value": blocks.ravel()})
    df["t1"] = np.minimum(df.t0 + bt, t + 1)
    df["u1"] = np.minimum(df.u0 + bu, n)
    return df, bt, bu


def heatmap_chart(m: np.ndarray, name: str, t: int, max_cells: int, width: int = 820) -> alt.LayerChart:
    """Unit × step heatmap of `name` with the step t outlined."""
    df, bt, bu = blocks_frame(m, max_cells)
    signed = name in SIGNED
    lim = float(np.nanmax(np.abs(m))) or 1.0
    scale = (alt.Scale(scheme="blueorange", domain=[-lim, lim]) if signed
             else alt.Scale(scheme="viridis", domain=[0, 1]))
    agg = "" if bt == bu == 1 else f" (each cell averages {bt} step(s) × {bu} unit(s))"
    rect = alt.Chart(df).mark_rect().encode(
        x=alt.X("t0:Q", title="step t", scale=alt.Scale(domain=[1, m.shape[0] + 1], nice=False)), x2="t1",
        y=alt.Y("u0:Q", title="unit", scale=alt.Scale(domain=[0, m.shape[1]], nice=False)), y2="u1",
        color=alt.Color("value:Q", scale=scale, title=name),
        tooltip=["t0", "u0", alt.Tooltip("value:Q", format=".3f")])
    box = alt.Chart(pd.DataFrame({"a": [t], "b": [t + 1]})).mark_rect(
        fill=None, stroke="#D55E00", strokeWidth=3).encode(x="a:Q", x2="b")
    return alt.layer(rect, box).properties(width=width, height=260, title=f"{name} per unit and step{agg}")


def metrics_chart(df: pd.DataFrame, t: int, lag: int, width: int = 820) -> alt.VConcatChart:
    """‖h_t‖, saturated fraction and cos(h_t, h_{t−lag}) stacked, with a rule at step t."""
    span = alt.Scale(domain=[1, int(df.t.max()) + 1], nice=False)
    rows = []
    for col, title in METRICS.items():
        title = title.replace("k", str(lag)) if col == "cosine" else title
        line = alt.Chart(df).mark_line(point=len(df) <= 60, color=OKABE_ITO[0]).encode(
            x=alt.X("t:Q", title="step t", scale=span), y=alt.Y(f"{col}:Q", title=title),
            tooltip=["t", "token", alt.Tooltip(f"{col}:Q", format=".3f")])
        rule = alt.Chart(pd.DataFrame({"t": [t]})).mark_rule(color="#D55E00", strokeWidth=3).encode(x="t:Q")
        rows.append(alt.layer(line, rule).properties(width=width, height=120))
    return alt.vconcat(*rows)


def sensitivity_chart(df: pd.DataFrame) -> alt.Chart:
    """Trace of the first token left in memory vs t (log scale), one line per model."""
    models = list(dict.fromkeys(df.model))
    floor = df.assign(trace=df.trace.clip(lower=1e-6))
    return alt.Chart(floor).mark_line(strokeWidth=3).encode(
        x=alt.X("t:Q", title="step t (only token 1 differs)"),
        y=alt.Y("trace:Q", title="‖Δ memory‖ / ‖Δ at t = 1‖", scale=alt.Scale(type="log")),
        color=alt.Color("model:N", scale=palette(models), title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["model", "t", alt.Tooltip("trace:Q", format=".2e")],
    ).properties(height=340, title="Sensitivity to the first token")


def accuracy_chart(df: pd.DataFrame, chance: float, color: str = "model", title: str = "") -> alt.LayerChart:
    """Probe accuracy vs distance k, one line per `color` group, with the chance level."""
    groups = list(dict.fromkeys(df[color]))
    enc = (alt.Color(f"{color}:N", scale=palette([str(g) for g in groups]), title=None,
                     legend=alt.Legend(orient="bottom"))
           if color == "model" else alt.Color(f"{color}:O", scale=alt.Scale(scheme="viridis"), title="N"))
    lines = alt.Chart(df).mark_line(strokeWidth=3, point=True).encode(
        x=alt.X("k:Q", title="k (steps back)"), y=alt.Y("accuracy:Q", scale=alt.Scale(domain=[0, 1])),
        color=enc, tooltip=[color, "k", alt.Tooltip("accuracy:Q", format=".3f")])
    floor = alt.Chart(pd.DataFrame({"y": [chance]})).mark_rule(strokeDash=[6, 4], color="#555555").encode(y="y:Q")
    return alt.layer(lines, floor).properties(height=340, title=title)
