"""Altair charts for "Recurrence strikes back". Every builder styles its own chart.

Dashes mean one thing only: a shipped reference (dashed) vs this device, live (solid points).
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.chart_style import REFERENCE_DASH, box_hint, colour_scale, label, palette, shape_scale, style

T_AXIS = alt.X("T:Q", scale=alt.Scale(type="log", base=2), title="sequence length T (log scale)")
SHIPPED, LIVE = "shipped reference", "this device, live"


def _method_enc(ids: list[str]):
    return (alt.Color("label:N", scale=colour_scale(ids), title="method"),
            alt.Shape("label:N", scale=shape_scale(ids), title="method"))


def _with_labels(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(label=df["method"].map(label))


def timings(reference: pd.DataFrame | None, live: pd.DataFrame | None, ids: list[str], title: str,
            height: int = 300, legend_below: bool = False, extra_reference: pd.DataFrame | None = None,
            extra_name: str = "GPU reference") -> alt.Chart:
    """Median time vs T, log–log: shipped rows as dashed lines, live rows as solid points with IQR bars."""
    layers = []
    color, shape = _method_enc(ids)
    tips = ["label", "T", alt.Tooltip("ms:Q", format=".3f", title="median ms"), "source", "unstable"]
    y = alt.Y("ms:Q", scale=alt.Scale(type="log"), title="ms (median, log)", axis=alt.Axis(grid=False))
    for ref, name in ((reference, SHIPPED), (extra_reference, extra_name)):
        if ref is not None and len(ref):
            r = _with_labels(ref[ref["method"].isin(ids)]).assign(source=name, ms=lambda d: d["median_s"] * 1e3)
            dash = REFERENCE_DASH if name == SHIPPED else [2, 3]
            layers.append(alt.Chart(r).mark_line(strokeDash=dash, strokeWidth=2.5, point=False, opacity=0.8)
                          .encode(T_AXIS, y, color, detail="label:N", tooltip=tips))
    if live is not None and len(live):
        d = _with_labels(live[live["method"].isin(ids)]).assign(
            source=LIVE, ms=lambda d: d["median_s"] * 1e3, lo=lambda d: d["p25_s"] * 1e3,
            hi=lambda d: d["p75_s"] * 1e3)
        d["alpha"] = d["unstable"].map({True: 0.35, False: 1.0})      # unstable points faint (the caption says so)
        layers.append(alt.Chart(d).mark_rule(strokeWidth=2).encode(T_AXIS, alt.Y("lo:Q"), alt.Y2("hi:Q"), color))
        layers.append(alt.Chart(d).mark_point(size=240, filled=True).encode(
            T_AXIS, y, color, shape, alt.Opacity("alpha:Q", scale=None, legend=None), tooltip=tips))
    # Drawn in a box that grows with its column (ui.vega), `height` is the whole chart's and the box is
    # wide: at 1280 × 720 it keeps this height and stays above the fold; on a projector it grows.
    chart = alt.layer(*layers).properties(height=height, title=title, usermeta=box_hint(frame_px=0, aspect="16/9"))
    return style(chart, legend_below=legend_below)


def errors(curve: pd.DataFrame, live: pd.DataFrame | None = None, height: int = 340) -> alt.Chart:
    """float32 max |difference| against the float64 loop, vs T (log–log)."""
    ids = list(dict.fromkeys(curve["method"]))
    color, shape = _method_enc(ids)
    d = _with_labels(curve)
    y = alt.Y("max_abs_diff:Q", scale=alt.Scale(type="log"), title="max |error| vs float64")
    chart = alt.Chart(d).mark_line(point=True, strokeWidth=2.5).encode(
        T_AXIS, y, color, shape, tooltip=["label", "T", alt.Tooltip("max_abs_diff:Q", format=".2e")])
    return style(chart.properties(height=height, title="float32 error against the float64 loop"),
                 legend_below=True)


def tree(levels: pd.DataFrame, upto: int, T: int) -> alt.Chart:
    """The tree's levels as rows of blocks: a block covers the steps its (a, b) pair stands for.

    Up-sweep: the pair summarises its block. Down-sweep: the pair is the prefix of all
    steps before its block. Levels after `upto` are not drawn yet.
    """
    d = levels[levels["level"] <= upto].copy()
    d["x0"], d["x1"] = d["slot"] * d["width"] - 0.5, (d["slot"] + 1) * d["width"] - 0.5
    d["mid"] = (d["x0"] + d["x1"]) / 2
    d["pair"] = d.apply(lambda r: f"a {r.a:.3g}", axis=1)
    d["bval"] = d.apply(lambda r: f"b {r.b:.3g}", axis=1)
    d["what"] = d["combined"].map({True: "combined at this level", False: "carried"})
    order = list(dict.fromkeys(levels.sort_values("level")["name"]))
    y = alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=420))
    base = alt.Chart(d)
    rects = base.mark_rect(stroke="#1F2328", strokeWidth=1, cornerRadius=3).encode(
        alt.X("x0:Q", scale=alt.Scale(domain=[-0.5, T - 0.5]), title="step t (1-based position − 1)",
              axis=alt.Axis(values=list(range(T)), tickMinStep=1)),
        alt.X2("x1:Q"), y,
        alt.Color("what:N", scale=palette(["combined at this level", "carried"]), title=None),
        tooltip=["name", "slot", "span_lo", "span_hi", alt.Tooltip("a:Q", format=".6g"),
                 alt.Tooltip("b:Q", format=".6g"), "what"])
    size = 15 if T <= 8 else 12
    ta = base.mark_text(dy=-9, fontSize=size, color="#1F2328").encode(alt.X("mid:Q"), y, text="pair:N")
    tb = base.mark_text(dy=9, fontSize=size, color="#1F2328").encode(alt.X("mid:Q"), y, text="bval:N")
    n_levels = levels["level"].nunique()
    return style((rects + ta + tb).properties(height=60 * n_levels, title=f"Blelloch's tree over {T} steps"),
                 legend_below=True)


def state_size(frame: pd.DataFrame) -> alt.Chart:
    """Numbers kept per layer while generating: minGRU's N against a KV cache's 2·T·d, vs T."""
    chart = alt.Chart(frame).mark_line(point=True, strokeWidth=3).encode(
        T_AXIS, alt.Y("values:Q", scale=alt.Scale(type="log"), title="numbers kept (log)"),
        alt.Color("what:N", scale=palette(list(dict.fromkeys(frame["what"]))), title=None),
        tooltip=["what", "T", alt.Tooltip("values:Q", format=",")])
    return style(chart.properties(height=340, title="State carried from token to token"))


def accuracy(by_length: pd.DataFrame, task: str) -> alt.Chart:
    """Token accuracy against sequence length T for the shipped minGRU and tiny transformer."""
    ids = list(dict.fromkeys(by_length["model"]))
    d = by_length.assign(label=by_length["model"].map(label))
    color = alt.Color("label:N", scale=colour_scale(ids), title="model")
    chart = alt.Chart(d).mark_line(point=alt.OverlayMarkDef(size=120, filled=True), strokeWidth=3).encode(
        alt.X("T:Q", title="tokens read T", axis=alt.Axis(values=sorted(set(by_length["T"])), format="d")),
        alt.Y("token_accuracy:Q", scale=alt.Scale(domain=[0, 1]),
                                                  title="answer tokens right", axis=alt.Axis(format="%")),
        color, alt.Shape("label:N", scale=shape_scale(ids), title="model"),
        tooltip=["label", "n", "T", alt.Tooltip("token_accuracy:Q", format=".1%"),
                 alt.Tooltip("exact_match:Q", format=".1%")])
    return style(chart.properties(height=360, title=f"{task}: accuracy against length (shipped models)"))


def gradient_decay(band: pd.DataFrame, closed: pd.DataFrame) -> alt.Chart:
    """‖∂L/∂x_k‖ vs distance (median and min–max over seeds), log y; the minGRU's exact ∏ a_t as points."""
    ids = list(dict.fromkeys(band["model"]))
    d = band.assign(label=band["model"].map(label))
    d = d[d["median"] > 0]
    color = alt.Color("label:N", scale=colour_scale(ids + ["mingru"]), title="model")
    x = alt.X("distance:Q", title="distance T − k (steps back from the loss)")
    y = alt.Y("median:Q", scale=alt.Scale(type="log"), title="‖∂L/∂x_k‖ (log)")
    area = alt.Chart(d).mark_area(opacity=0.18).encode(x, alt.Y("lo:Q", scale=alt.Scale(type="log")),
                                                      alt.Y2("hi:Q"), color)
    line = alt.Chart(d).mark_line(strokeWidth=3).encode(x, y, color, tooltip=[
        "label", "distance", alt.Tooltip("median:Q", format=".2e")])
    c = closed[closed["closed_form"] > 0].iloc[::max(1, len(closed) // 25)]
    pts = alt.Chart(c.assign(what="minGRU, closed form ‖u ⊙ ∏ a_t‖")).mark_point(
        size=70, color="#1F2328", shape="diamond").encode(
        x, alt.Y("closed_form:Q", scale=alt.Scale(type="log")), alt.Shape("what:N", title=None),
        tooltip=["distance", alt.Tooltip("closed_form:Q", format=".2e"), alt.Tooltip("autograd:Q", format=".2e")])
    return style((area + line + pts).properties(height=440, title="How far back the gradient reaches"),
                 legend_below=True)
