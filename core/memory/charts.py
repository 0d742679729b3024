"""Charts for the memory page: trajectories in PCA space, the gate heatmap with per-step
metrics under one time marker, and the forgetting curves. DataFrame in, `alt.Chart` out."""
from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from core.chart_style import OKABE_ITO, palette
from core.memory.trajectories import Trajectory

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
    path = base.mark_line(color="#999999", strokeWidth=1.5, opacity=0.5).encode(order="t:Q")
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

    Returns the long frame (t0, t1, u0, u1, value) — first and last step of the block (1-based),
    units [u0, u1) — and the block sizes (steps, units)."""
    t, n = m.shape
    bt, bu = math.ceil(t / max_cells), math.ceil(n / max_cells)
    pt, pu = math.ceil(t / bt) * bt, math.ceil(n / bu) * bu
    padded = np.full((pt, pu), np.nan)
    padded[:t, :n] = m
    blocks = np.nanmean(padded.reshape(pt // bt, bt, pu // bu, bu), axis=(1, 3))           # (T/bt, N/bu)
    i, j = np.meshgrid(np.arange(blocks.shape[0]), np.arange(blocks.shape[1]), indexing="ij")
    df = pd.DataFrame({"t0": i.ravel() * bt + 1, "u0": j.ravel() * bu, "value": blocks.ravel()})
    df["t1"] = np.minimum(df.t0 + bt - 1, t)
    df["u1"] = np.minimum(df.u0 + bu, n)
    return df, bt, bu


def heatmap_chart(m: np.ndarray, name: str, t: int, max_cells: int, width: int = 760) -> alt.LayerChart:
    """Unit × step heatmap of `name` with the step t outlined."""
    df, bt, bu = blocks_frame(m, max_cells)
    lim = float(np.nanmax(np.abs(m))) or 1.0
    scale = (alt.Scale(scheme="blueorange", domain=[-lim, lim]) if name in SIGNED
             else alt.Scale(scheme="viridis", domain=[0, 1]))
    agg = "" if bt == bu == 1 else f" (each cell averages {bt} step(s) × {bu} unit(s))"
    df = df.assign(x0=df.t0 - 0.5, x1=df.t1 + 0.5)
    rect = alt.Chart(df).mark_rect().encode(
        x=alt.X("x0:Q", title=None, scale=_steps(m.shape[0]), axis=alt.Axis(format="d", tickMinStep=1)), x2="x1",
        y=alt.Y("u0:Q", title="unit", scale=alt.Scale(domain=[0, m.shape[1]], nice=False)), y2="u1",
        color=alt.Color("value:Q", scale=scale, title=name, legend=alt.Legend(orient="left")),
        tooltip=[alt.Tooltip("t0", title="from step"), alt.Tooltip("t1", title="to step"), alt.Tooltip("u0", title="unit"),
                 alt.Tooltip("value:Q", format=".3f")])
    box = alt.Chart(pd.DataFrame({"a": [t - 0.5], "b": [t + 0.5]})).mark_rect(
        fill=None, stroke="#D55E00", strokeWidth=3).encode(x="a:Q", x2="b")
    return alt.layer(rect, box).properties(width=width, height=240, title=f"{name} per unit and step{agg}")


def _steps(t: int) -> alt.Scale:
    """Step t is drawn centred on t: the axis runs from 0.5 to T + 0.5."""
    return alt.Scale(domain=[0.5, t + 0.5], nice=False)


def metrics_chart(df: pd.DataFrame, t: int, lag: int, width: int = 760) -> list[alt.LayerChart]:
    """‖h_t‖, saturated fraction and cos(h_t, h_{t−lag}), one row each, with a rule at step t."""
    domains = {"norm": alt.Scale(zero=True), "saturated": alt.Scale(domain=[0, 1]),
               "cosine": alt.Scale(domain=[-1, 1])}
    rows = []
    for i, (col, title) in enumerate(METRICS.items()):
        last = i == len(METRICS) - 1
        title = title.replace("k", str(lag)) if col == "cosine" else title
        line = alt.Chart(df).mark_line(point=len(df) <= 60, color=OKABE_ITO[0]).encode(
            x=alt.X("t:Q", scale=_steps(int(df.t.max())), axis=alt.Axis(labels=last, title="step t" if last else None, format="d", tickMinStep=1)),
            y=alt.Y(f"{col}:Q", title=title, scale=domains[col],
                    axis=alt.Axis(format=".0%" if col == "saturated" else "~g")),
            tooltip=["t", "token", alt.Tooltip(f"{col}:Q", format=".3f")])
        rule = alt.Chart(pd.DataFrame({"t": [t]})).mark_rule(color="#D55E00", strokeWidth=3).encode(x="t:Q")
        rows.append(alt.layer(line, rule).properties(width=width, height=110))
    return rows


def timeline_chart(m: np.ndarray, name: str, df: pd.DataFrame, t: int, lag: int, max_cells: int,
                   width: int = 760) -> alt.VConcatChart:
    """The heatmap over the per-step metrics on one shared step axis, all marking step t."""
    return alt.vconcat(heatmap_chart(m, name, t, max_cells, width), *metrics_chart(df, t, lag, width),
                       spacing=6)


def sensitivity_chart(df: pd.DataFrame) -> alt.LayerChart:
    """Trace of the first token left in memory vs t (log scale), one line per model; the dashed
    line is 'as large as at t = 1' (no forgetting)."""
    models = list(dict.fromkeys(df.model))
    floor = df.assign(trace=df.trace.clip(lower=1e-15))    # float64 round-off
    lines = alt.Chart(floor).mark_line(strokeWidth=3).encode(
        x=alt.X("t:Q", title="step t (only token 1 differs)"),
        y=alt.Y("trace:Q", title="difference left", scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~e")),
        color=alt.Color("model:N", scale=palette(models), title=None, legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=["model", "t", alt.Tooltip("trace:Q", format=".2e")],
    )
    one = alt.Chart(pd.DataFrame({"level": [1.0]})).mark_rule(strokeDash=[6, 4], color="#555555").encode(
        y=alt.Y("level:Q", title="difference left"))
    title = alt.Title("Sensitivity to the first token", subtitle="‖Δ memory at step t‖ ÷ ‖Δ at t = 1‖, mean of 256",
                      subtitleFontSize=15)
    return alt.layer(lines, one).properties(height=420, title=title)


def accuracy_chart(df: pd.DataFrame, chance: float, color: str = "model", title: str = "") -> alt.LayerChart:
    """Probe accuracy vs distance k, one line per `color` group, with the chance level."""
    groups = list(dict.fromkeys(df[color]))
    enc = (alt.Color(f"{color}:N", scale=palette([str(g) for g in groups]), title=None,
                     legend=alt.Legend(orient="bottom", columns=2))
           if color == "model" else alt.Color(f"{color}:O", scale=alt.Scale(scheme="viridis"), title="N"))
    lines = alt.Chart(df).mark_line(strokeWidth=3, point=True).encode(
        x=alt.X("k:Q", title="k (steps back)"),
        y=alt.Y("accuracy:Q", title="probe accuracy", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%")),
        color=enc, tooltip=[color, "k", alt.Tooltip("accuracy:Q", format=".3f")])
    floor = alt.Chart(pd.DataFrame({"chance": [chance]})).mark_rule(strokeDash=[6, 4], color="#555555").encode(
        y=alt.Y("chance:Q", title="probe accuracy"))
    return alt.layer(lines, floor).properties(height=420, title=title)
