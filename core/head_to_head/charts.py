"""Charts of the head-to-head chapter: tidy DataFrame in, styled `alt.Chart` out, never rendered here.

Colours and shapes come from `core.chart_style.SERIES` (one per model, app-wide).
Dashes keep their one meaning: the shipped sweep is dashed, a run in this browser
session is solid.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.chart_style import REFERENCE_DASH, box_hint, colour_scale, label, shape_scale, style

ACC = alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1])


def _legend_keys(*frames: pd.DataFrame) -> list[str]:
    keys: list[str] = []
    for f in frames:
        if f is not None and len(f):
            keys += list(dict.fromkeys(f["model"]))
    order = ("rnn", "lstm", "gru", "mingru", "transformer")
    return [k for k in order if k in keys]


def seed_bands(runs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean, min and max over seeds of `accuracy` per (model, `by`), with the model's label."""
    g = runs.groupby(["model", by], sort=False)["accuracy"]
    out = g.agg(mean="mean", lo="min", hi="max", seeds="count").reset_index()
    return out.assign(name=out["model"].map(label))


def _colour(keys: list[str], orient: str = "bottom") -> alt.Color:
    return alt.Color("name:N", scale=colour_scale(keys), title=None,
                     legend=alt.Legend(orient=orient, columns=3 if orient == "top" else 5, symbolOpacity=1, symbolStrokeWidth=3))


def accuracy_vs_distance(runs: pd.DataFrame, live: pd.DataFrame | None = None, chance: float = 0.125,
                         title: str = "Accuracy vs distance D", height: int = 400) -> alt.LayerChart:
    """Shipped runs (rows task-filtered: model, distance, seed, accuracy) as dashed mean lines with a
    min–max band over seeds; `live` (model, distance, accuracy) as large solid points."""
    keys = _legend_keys(runs, live)
    colour = _colour(keys, "top")
    shape = alt.Shape("name:N", scale=shape_scale(keys), title=None, legend=None)
    x = alt.X("distance:Q", title=None,
              scale=alt.Scale(type="log", base=2, nice=False), axis=alt.Axis(values=[4, 8, 16, 32, 64], format="d"))
    y = alt.Y("mean:Q", title="answer accuracy", scale=alt.Scale(domain=[0, 1]), axis=ACC)
    b = seed_bands(runs, "distance")
    band = alt.Chart(b).mark_area(opacity=0.16).encode(x=x, y=alt.Y("lo:Q", scale=alt.Scale(domain=[0, 1]), axis=ACC),
                                                       y2="hi:Q", color=colour)
    line = alt.Chart(b).mark_line(strokeWidth=3, strokeDash=REFERENCE_DASH).encode(x=x, y=y, color=colour)
    dots = alt.Chart(b).mark_point(size=110, filled=True).encode(
        x=x, y=y, color=colour, shape=shape,
        tooltip=["name", "distance", alt.Tooltip("mean:Q", format=".1%", title="mean over seeds"),
                 alt.Tooltip("lo:Q", format=".1%", title="worst seed"), alt.Tooltip("hi:Q", format=".1%", title="best seed"),
                 "seeds"])
    rule = alt.Chart(pd.DataFrame({"chance": [chance]})).mark_rule(color="#555555", strokeDash=[2, 3]).encode(
        y=alt.Y("chance:Q", scale=alt.Scale(domain=[0, 1])))
    layers = [band, rule, line, dots]
    if live is not None and len(live):
        lv = live.assign(name=live["model"].map(label), mean=live["accuracy"])
        layers.append(alt.Chart(lv).mark_point(size=420, filled=True, stroke="#1F2328", strokeWidth=2).encode(
            x=x, y=y, color=colour, shape=shape,
            tooltip=["name", "distance", alt.Tooltip("mean:Q", format=".1%", title="this session, live"), "steps"]))
    sub = [f"dashed: shipped, mean of seeds (band: worst–best) · dotted: chance {chance:.1%}"]
    if live is not None and len(live):
        sub.append("big points: your live run")          # its own line: one line was cut off at 1280 px
    # In a box that grows with its column (ui.vega), `height` is the whole chart's; at 4:3 it keeps that
    # height in a 1280 × 720 window's chart column and grows on a projector.
    return style(alt.layer(*layers).properties(height=height, title=alt.Title(title, subtitle=sub, subtitleFontSize=14),
                                               usermeta=box_hint(frame_px=0, aspect="4/3")))


def curves_chart(shipped: pd.DataFrame, live: pd.DataFrame | None = None, x: str = "step",
                 title: str = "Training curves", height: int = 380) -> alt.LayerChart:
    """Accuracy during training: shipped (mean over seeds, dashed, band) and live (solid)."""
    keys = _legend_keys(shipped, live)
    colour = _colour(keys)
    xt = {"step": "training step", "seconds": "training seconds (one thread)"}[x]
    xe = alt.X(f"{x}:Q", title=xt)
    y = alt.Y("mean:Q", title="answer accuracy", scale=alt.Scale(domain=[0, 1]), axis=ACC)
    layers = []
    if len(shipped):
        b = shipped.groupby(["model", "step"], sort=False).agg(
            mean=("accuracy", "mean"), lo=("accuracy", "min"), hi=("accuracy", "max"),
            seconds=("seconds", "mean")).reset_index()
        b = b.assign(name=b["model"].map(label))
        layers += [alt.Chart(b).mark_area(opacity=0.14).encode(x=xe, y=alt.Y("lo:Q", scale=alt.Scale(domain=[0, 1]), axis=ACC),
                                                               y2="hi:Q", color=colour),
                   alt.Chart(b).mark_line(strokeWidth=3, strokeDash=REFERENCE_DASH).encode(
                       x=xe, y=y, color=colour, tooltip=["name", "step", alt.Tooltip("mean:Q", format=".1%")])]
    if live is not None and len(live):
        lv = live.assign(name=live["model"].map(label), mean=live["accuracy"])
        layers.append(alt.Chart(lv).mark_line(strokeWidth=4, point=True).encode(
            x=xe, y=y, color=colour, tooltip=["name", "step", alt.Tooltip("mean:Q", format=".1%"),
                                              alt.Tooltip("seconds:Q", format=".1f")]))
    if not layers:
        layers.append(alt.Chart(pd.DataFrame({x: [0], "mean": [0.0]})).mark_point(opacity=0).encode(x=xe, y=y))
    sub = "dashed: shipped, mean of seeds (band: worst–best) · solid: your live run"
    return style(alt.layer(*layers).properties(height=height, title=alt.Title(title, subtitle=sub, subtitleFontSize=14)))


def throughput_chart(measured: pd.DataFrame, modelled: pd.DataFrame | None = None,
                     title: str = "Training throughput on this CPU, measured", height: int = 380) -> alt.LayerChart:
    """Tokens per second of one training step vs T (log–log): measured points (unstable ones hollow)."""
    keys = _legend_keys(measured)
    colour = _colour(keys, "top")
    shape = alt.Shape("name:N", scale=shape_scale(keys), title=None, legend=None)
    x = alt.X("T:Q", title="sequence length T", scale=alt.Scale(type="log", base=2), axis=alt.Axis(format="d"))
    y = alt.Y("tokens_per_s:Q", title="tokens per second (training)", scale=alt.Scale(type="log"),
              axis=alt.Axis(format="~s"))
    m = measured.assign(name=measured["model"].map(label),
                        stability=measured["unstable"].map({True: "unstable (IQR/median high)", False: "stable"}))
    line = alt.Chart(m).mark_line(strokeWidth=3, strokeDash=REFERENCE_DASH).encode(x=x, y=y, color=colour)
    dots = alt.Chart(m).mark_point(size=130, strokeWidth=2).encode(
        x=x, y=y, color=colour, shape=shape, fill=alt.condition("datum.unstable", alt.value("white"), colour),
        tooltip=["name", "T", "parameters", alt.Tooltip("tokens_per_s:Q", format=",.0f"),
                 alt.Tooltip("iqr_over_median:Q", format=".2f", title="IQR / median"), "stability"])
    return style(alt.layer(line, dots).properties(height=height, title=alt.Title(
        title, subtitle="dashed: shipped measurement on the CPU named below · hollow: flagged unstable",
        subtitleFontSize=14)))


def model_chart(modelled: pd.DataFrame, tflops: float, step_us: float, height: int = 380) -> alt.LayerChart:
    """The work–span MODEL of a parallel device (not a measurement), tokens per second vs T."""
    keys = _legend_keys(modelled)
    colour = _colour(keys, "top")
    m = modelled.assign(name=modelled["model"].map(label))
    x = alt.X("T:Q", title="sequence length T", scale=alt.Scale(type="log", base=2), axis=alt.Axis(format="d"))
    y = alt.Y("tokens_per_s:Q", title="tokens per second (MODEL)", scale=alt.Scale(type="log"), axis=alt.Axis(format="~s"))
    line = alt.Chart(m).mark_line(strokeWidth=3, point=True).encode(
        x=x, y=y, color=colour, tooltip=["name", "T", alt.Tooltip("tokens_per_s:Q", format=",.0f")])
    return style(line.properties(height=height, title=alt.Title(
        "A MODEL of a parallel device, not a measurement",
        subtitle=f"time = work / {tflops:g} TFLOP/s + dependent steps × {step_us:g} µs", subtitleFontSize=14)))
