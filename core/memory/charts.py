"""Charts for the memory page: trajectories in PCA space, the gate heatmap with per-step
metrics under one time marker, and the forgetting curves. DataFrame in, `alt.Chart` out."""
from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd

from core.chart_style import BLUE, INK, VERMILLION, concat, series, style
from core.frames import block_frame, matrix_frame
from core.memory.probes import ATTENTION, MODEL_NAMES
from core.memory.trajectories import Trajectory

CELL_NAMES = {"tanh": "RNN", "lstm": "LSTM", "gru": "GRU"}

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


STEP = "step"                      # the Vega param the step slider drives, in the browser
LABELLED_STEPS = 48                # up to this many steps, the step axis names every token


def step_param(steps: int, start: int) -> alt.Parameter:
    """A slider under the chart for step t = 1..steps: every view marks that step, with no rerun."""
    return alt.param(name=STEP, value=int(start), bind=alt.binding_range(min=1, max=int(steps), step=1,
                                                                         name="step t  "))


def trajectory_view(df: pd.DataFrame, prefix: str, plane: str, title: str, param: alt.Parameter,
                    width: int, height: int) -> alt.LayerChart:
    """The path of one model's states in the plane `plane` ("PC1–PC2" ...), coloured by time,
    with a ring and the token at the slider's step."""
    a, b = (f"{prefix}_{pc}" for pc in plane.split("–"))
    x = alt.X(f"{a}:Q", title=a.split("_")[1], scale=alt.Scale(zero=False), axis=alt.Axis(tickCount=4))
    y = alt.Y(f"{b}:Q", title=b.split("_")[1], scale=alt.Scale(zero=False), axis=alt.Axis(tickCount=4))
    base = alt.Chart(df).encode(x=x, y=y)
    path = base.mark_line(color="#999999", strokeWidth=1.5, opacity=0.5).encode(order="t:Q")
    dots = base.mark_circle(size=60, opacity=0.9).encode(
        color=alt.Color("t:Q", scale=TIME, title="step t", legend=None),
        tooltip=["t", "token", alt.Tooltip(f"{a}:Q", format=".3f"), alt.Tooltip(f"{b}:Q", format=".3f")])
    here = base.transform_filter(alt.datum.t == param)
    ring = here.mark_point(size=500, strokeWidth=4, color=VERMILLION)
    label = here.mark_text(dy=-24, fontSize=22, fontWeight="bold", color=VERMILLION).encode(text="token:N")
    return alt.layer(path, dots, ring, label).properties(title=title, width=width, height=height)


def long_frame(m: np.ndarray, name: str) -> pd.DataFrame:
    """A (T, N) matrix as rows (t, unit, name) with 1-based steps, for download."""
    df = matrix_frame(m, "t", "unit", name)
    df["t"] += 1
    return df


def blocks_frame(m: np.ndarray, max_cells: int) -> tuple[pd.DataFrame, int, int]:
    """A (T, N) matrix averaged in blocks so neither axis has more than max_cells rects.

    Returns the long frame (t0, t1, u0, u1, value) — first and last step of the block (1-based),
    units [u0, u1) — and the block sizes (steps, units)."""
    df, bt, bu = block_frame(m, "t", "u", max_cells)
    out = pd.DataFrame({"t0": df["t"] + 1, "u0": df["u"], "value": df["value"],
                        "t1": df["t_to"] + 1, "u1": df["u_to"] + 1})
    return out, bt, bu


def _steps(t: int) -> alt.Scale:
    """Step t is drawn centred on t: the axis runs from 0.5 to T + 0.5."""
    return alt.Scale(domain=[0.5, t + 0.5], nice=False)


def _step_axis(labels: list[str] | None, last: bool = True) -> alt.Axis:
    """Every step named by its token up to LABELLED_STEPS steps; past that, step numbers."""
    if labels is not None and len(labels) <= LABELLED_STEPS:
        return alt.Axis(values=list(range(1, len(labels) + 1)), labelExpr=f"{json.dumps(labels)}[datum.value - 1]",
                        labelAngle=0, title="token at step t" if last else None, labels=last)
    return alt.Axis(format="d", tickMinStep=1, title="step t" if last else None, labels=last)


def heatmap_view(m: np.ndarray, name: str, labels: list[str], max_cells: int, param: alt.Parameter,
                 width: int) -> alt.LayerChart:
    """Unit × step heatmap of `name` (blocks past max_cells per axis), the slider's step outlined."""
    df, bt, bu = blocks_frame(m, max_cells)
    lim = float(np.nanmax(np.abs(m))) or 1.0
    scale = (alt.Scale(scheme="blueorange", domain=[-lim, lim]) if name in SIGNED
             else alt.Scale(scheme="viridis", domain=[0, 1]))
    agg = "" if bt == bu == 1 else f" (blocks of {bt} step{'s' * (bt != 1)} × {bu} unit{'s' * (bu != 1)})"
    df = df.assign(x0=df.t0 - 0.5, x1=df.t1 + 0.5)
    steps = m.shape[0]
    rect = alt.Chart(df).mark_rect().encode(
        x=alt.X("x0:Q", scale=_steps(steps), axis=_step_axis(labels if bt == 1 else None, last=False)), x2="x1",
        y=alt.Y("u0:Q", title="unit", scale=alt.Scale(domain=[0, m.shape[1]], nice=False)), y2="u1",
        color=alt.Color("value:Q", scale=scale, title=name, legend=alt.Legend(
            orient="top", direction="horizontal", gradientLength=160, titleOrient="left")),
        tooltip=[alt.Tooltip("t0", title="from step"), alt.Tooltip("t1", title="to step"), alt.Tooltip("u0", title="unit"),
                 alt.Tooltip("value:Q", format=".3f")])
    marks = pd.DataFrame({"t": np.arange(1, steps + 1)})
    box = alt.Chart(marks).transform_filter(alt.datum.t == param).transform_calculate(
        a="datum.t - 0.5", b="datum.t + 0.5").mark_rect(fill=None, stroke=VERMILLION, strokeWidth=3).encode(
        x=alt.X("a:Q", scale=_steps(steps)), x2="b:Q")
    return alt.layer(rect, box).properties(width=width, height=160, title=f"{name}, unit × step{agg}")


def metrics_views(df: pd.DataFrame, lag: int, param: alt.Parameter, width: int) -> list[alt.LayerChart]:
    """‖h_t‖, saturated fraction and cos(h_t, h_{t−lag}), one row each, with a rule at the slider's step."""
    domains = {"norm": alt.Scale(zero=True), "saturated": alt.Scale(domain=[0, 1]),
               "cosine": alt.Scale(domain=[-1, 1])}
    steps = int(df.t.max())
    labels = list(df.token) if steps <= LABELLED_STEPS else None
    rows = []
    for i, (col, title) in enumerate(METRICS.items()):
        last = i == len(METRICS) - 1
        title = title.replace("k", str(lag)) if col == "cosine" else title
        line = alt.Chart(df).mark_line(point=len(df) <= 60, color=BLUE).encode(
            x=alt.X("t:Q", scale=_steps(steps), axis=_step_axis(labels, last)),
            y=alt.Y(f"{col}:Q", title=title, scale=domains[col],
                    axis=alt.Axis(format=".0%" if col == "saturated" else "~g", tickCount=3)),
            tooltip=["t", "token", alt.Tooltip(f"{col}:Q", format=".3f")])
        rule = alt.Chart(df).transform_filter(alt.datum.t == param).mark_rule(color=VERMILLION, strokeWidth=3).encode(
            x=alt.X("t:Q", scale=_steps(steps)))
        rows.append(alt.layer(line, rule).properties(width=width, height=80))
    return rows


def scrub_chart(tr: Trajectory, df: pd.DataFrame, matrix: np.ndarray, name: str, plane: str, start: int,
                max_cells: int, width: int = 430) -> alt.VConcatChart:
    """The main view as one chart: both models' trajectories, the heatmap of `name` and the per-step
    metrics, all marking the step of one slider that moves in the browser (every step precomputed).
    `width` is the views' width: with the axes the chart is ~80 px wider, within the first screen's
    chart column at 1280 px. Colour means the step in both trajectories (the caption says so)."""
    param = step_param(len(df), min(max(1, start), len(df)))
    half = (width - 70) // 2
    top = concat("hconcat", [trajectory_view(df, "rnn", plane, f"{CELL_NAMES.get(tr.kind, tr.kind)} state",
                                             param, half, 210),
                             trajectory_view(df, "attn", plane, "transformer, per token", param, half, 210)],
                 spacing=24)
    # Composed without Altair's copies (1.1 of this chart's 1.8 s of building); the same Vega-Lite.
    chart = concat("vconcat", [top, heatmap_view(matrix, name, list(df.token), max_cells, param, width),
                               *metrics_views(df, tr.lag, param, width)],
                   spacing=10, params=[param.param], resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")))
    return style(chart)


def _model_colours(names: list[str]) -> alt.Scale:
    """The probes' display names in their models' app-wide colours (core.chart_style.SERIES)."""
    ids = {v: k for k, v in MODEL_NAMES.items()} | {ATTENTION: "attention"}
    return alt.Scale(domain=names, range=[series(ids[n]).colour if n in ids else INK for n in names])


def sensitivity_chart(df: pd.DataFrame, legend_columns: int = 2) -> alt.LayerChart:
    """Trace of the first token left in memory vs t (log scale), one line per model; the grey rule
    is 'as large as at t = 1' (no forgetting). `legend_columns=1` for a half-width chart: two
    columns of "attention (keeps every z)" run past it at 1280 px."""
    models = list(dict.fromkeys(df.model))
    floor = df.assign(trace=df.trace.clip(lower=1e-15))    # float64 round-off
    lines = alt.Chart(floor).mark_line(strokeWidth=3).encode(
        x=alt.X("t:Q", title="step t (only token 1 differs)"),
        y=alt.Y("trace:Q", title="difference left", scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~e")),
        color=alt.Color("model:N", scale=_model_colours(models), title=None,
                        legend=alt.Legend(orient="bottom", columns=legend_columns)),
        tooltip=["model", "t", alt.Tooltip("trace:Q", format=".2e")],
    )
    one = alt.Chart(pd.DataFrame({"level": [1.0]})).mark_rule(color="#6E7781", strokeWidth=2).encode(
        y=alt.Y("level:Q", title="difference left"))
    over = f"mean of {int(df['sequences'].iloc[0]):,} sequences" if "sequences" in df and len(df) else ""
    title = alt.Title("Sensitivity to the first token",
                      subtitle=["‖Δ memory at step t‖ ÷ ‖Δ at t = 1‖" + ("," if over else ""), *([over] if over else [])],
                      subtitleFontSize=18, subtitleColor=INK)
    return style(alt.layer(lines, one).properties(height=420, title=title))


def accuracy_chart(df: pd.DataFrame, chance: float, color: str = "model", title: str = "",
                   legend_columns: int = 2) -> alt.LayerChart:
    """Probe accuracy vs distance k, one line per `color` group, with the chance level (grey rule);
    `legend_columns` as in `sensitivity_chart`."""
    groups = list(dict.fromkeys(df[color]))
    enc = (alt.Color(f"{color}:N", scale=_model_colours([str(g) for g in groups]), title=None,
                     legend=alt.Legend(orient="bottom", columns=legend_columns))
           if color == "model" else alt.Color(f"{color}:O", scale=alt.Scale(scheme="viridis"), title="N"))
    lines = alt.Chart(df).mark_line(strokeWidth=3, point=True).encode(
        x=alt.X("k:Q", title="k (steps back)"),
        y=alt.Y("accuracy:Q", title="probe accuracy", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%")),
        color=enc, tooltip=[color, "k", alt.Tooltip("accuracy:Q", format=".3f")])
    floor = alt.Chart(pd.DataFrame({"chance": [chance]})).mark_rule(color="#6E7781", strokeWidth=2).encode(
        y=alt.Y("chance:Q", title="probe accuracy"))
    return style(alt.layer(lines, floor).properties(height=420, title=title))
