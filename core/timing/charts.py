"""Charts for the timing lab: time vs T (log–log), speed-up, share of the device's peak, the
work–span model, the seed's snippet.

Every method keeps its one colour and shape from `core.chart_style.SERIES` (loops
circles, fused kernels squares); colour and shape share one legend ("method").
Dashes mean one thing: a reference (shipped file, upload, or this device on 1
thread) vs this device live (solid), keyed in a "measured on" legend. Unstable
points (spread above the limit) are ringed and named in the tooltip.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.chart_style import INK, REFERENCE_DASH, box_hint, colour_scale, palette, shape_scale, style

T_AXIS = alt.X("T:Q", scale=alt.Scale(type="log", base=2), title="sequence length T (log scale)")
LIVE = "this device, live"
# The "measured on" key sits inside the plot's top-left corner, which a rising log–log curve leaves
# empty: above the fold at 1280 × 720 the plot gains the two lines a key on top of it took.
KEY_FILL = "rgba(255, 255, 255, 0.85)"


def _ids(df: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(df["method"]))


def _colour(df: pd.DataFrame, legend: bool = True) -> alt.Color:
    """The method's colour. Every layer leaves the legend to Vega-Lite's merge: a `legend=None` in
    one layer of a shared scale removes the key from the whole chart (the colours went unexplained)."""
    del legend
    return alt.Color("label:N", scale=colour_scale(_ids(df)), title="method")


def _shape(df: pd.DataFrame, legend: bool = True) -> alt.Shape:
    del legend
    return alt.Shape("label:N", scale=shape_scale(_ids(df)), title="method")


def time_vs_T(df: pd.DataFrame | None, references: dict[str, pd.DataFrame | None] | None = None,
              height: int = 300) -> alt.Chart:
    """Median time per call vs T, log–log, IQR as error bars (`height`: the plot's; the method
    legend comes below it, the "measured on" key inside its top-left corner); `df` live (solid), `references`
    (name → rows with the same columns) dashed. Either may be empty: a reference alone paints
    the first view before anything is measured."""
    frames = [] if df is None or df.empty else [df.assign(source=LIVE)]
    for name, ref in (references or {}).items():
        if ref is not None and len(ref):
            frames.append(ref.assign(source=name))
    data = pd.concat(frames, ignore_index=True)
    data["ms"] = data["median_s"] * 1e3
    data["p25_ms"], data["p75_ms"] = data["p25_s"] * 1e3, data["p75_s"] * 1e3
    data["spread_pct"] = 100 * (data["p75_s"] - data["p25_s"]) / data["median_s"]
    data["steady"] = data["stable"].map({True: "steady", False: "UNSTABLE: host too busy"}) if "stable" in data else "steady"
    sources = list(dict.fromkeys(data["source"]))
    dash = alt.StrokeDash("source:N", title="measured on", scale=alt.Scale(
        domain=sources, range=[[1, 0] if s == LIVE else REFERENCE_DASH for s in sources]),
        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=600, orient="top-left", columns=1,
                          fillColor=KEY_FILL, padding=6, labelLimit=0,
                          labelExpr="replace(datum.label, 'shipped reference: ', 'shipped: ')"))
    y = alt.Y("ms:Q", scale=alt.Scale(type="log"), title="time per call, ms (median, log)")
    base = alt.Chart(data).encode(T_AXIS, y)
    tip = ["label", "T", alt.Tooltip("ms:Q", format=".3f", title="median ms"),
           alt.Tooltip("spread_pct:Q", format=".0f", title="spread % (IQR / median)"), "steady", "source",
           alt.Tooltip("sequential_steps:Q", title="sequential steps")]
    lines = base.mark_line(strokeWidth=3).encode(_colour(data, legend=False), dash, detail="source:N")
    points = base.mark_point(size=90, filled=True, opacity=1).encode(_colour(data), _shape(data), tooltip=tip)
    bars = base.mark_rule(strokeWidth=2).encode(alt.Y("p25_ms:Q"), alt.Y2("p75_ms:Q"), _colour(data, legend=False))
    layers = [bars, lines, points]
    if (data["steady"] != "steady").any():
        ring = alt.Chart(data[data["steady"] != "steady"]).mark_point(
            size=420, shape="circle", filled=False, strokeWidth=2.5, color=INK).encode(T_AXIS, y, tooltip=tip)
        layers.append(ring)
    chart = alt.layer(*layers).resolve_scale(color="shared", shape="shared")
    # Title, x axis and the method legend below (two per row) around the plot: a box that grows
    # with the column keeps the plot at least `height` tall.
    frame = 190 + 30 * ((len(_ids(data)) + 1) // 2)
    chart = chart.properties(height=height, title="Time per call vs sequence length", usermeta=box_hint(frame_px=frame))
    return style(chart, legend_below=True)


def speedup(df: pd.DataFrame, baseline: str, height: int = 340) -> alt.Chart:
    """How many times faster than `baseline` each method is, per T (above 1 = faster)."""
    base = df[df["method"] == baseline].set_index("T")["median_s"]
    data = df[df["method"] != baseline].copy()
    data["speedup"] = data["T"].map(base) / data["median_s"]
    label = df.loc[df["method"] == baseline, "label"].iloc[0]
    enc = dict(x=T_AXIS, y=alt.Y("speedup:Q", scale=alt.Scale(type="log"), title="× faster (log)"))
    lines = alt.Chart(data).mark_line(strokeWidth=3).encode(**enc, color=_colour(data, legend=False))
    points = alt.Chart(data).mark_point(size=90, filled=True, opacity=1).encode(
        **enc, color=_colour(data), shape=_shape(data), tooltip=["label", "T", alt.Tooltip("speedup:Q", format=".2f")])
    one = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(color="gray").encode(y="y:Q")
    chart = alt.layer(lines, points, one).properties(height=height, title=["Speed-up over", label])
    return style(chart, legend_below=True)


def pct_of_peak(df: pd.DataFrame, peak_gflops: float, height: int = 340) -> alt.Chart:
    """Achieved FLOP/s as a share of this device's measured matmul peak (never above 100 %)."""
    enc = dict(x=T_AXIS, y=alt.Y("pct_of_peak:Q", title="% of matmul peak", scale=alt.Scale(domain=[0, 100])))
    lines = alt.Chart(df).mark_line(strokeWidth=3).encode(**enc, color=_colour(df, legend=False))
    points = alt.Chart(df).mark_point(size=90, filled=True, opacity=1).encode(
        **enc, color=_colour(df), shape=_shape(df), tooltip=["label", "T", alt.Tooltip("pct_of_peak:Q", format=".1f")])
    title = ["Share of the device's peak", f"(matmul: {peak_gflops:,.0f} GFLOP/s)"]
    return style(alt.layer(lines, points).properties(height=height, title=title), legend_below=True)


def model_curves(df: pd.DataFrame, title: str, height: int = 340) -> alt.Chart:
    """Work–span model times: thin lines without points, titled as a MODEL (dashes are kept for references)."""
    data = df.assign(ms=df["model_s"] * 1e3)
    chart = alt.Chart(data).mark_line(strokeWidth=2.5).encode(
        T_AXIS, alt.Y("ms:Q", scale=alt.Scale(type="log"), title="modelled ms per call (log)"),
        color=_colour(data), tooltip=["label", "T", alt.Tooltip("ms:Q", format=".3f")])
    return style(chart.properties(height=height, title=title), legend_below=True)


def snippet_bars(df: pd.DataFrame) -> alt.Chart:
    """The seed's single time.time() figure beside the proper median, per model; fits its column."""
    hows = list(dict.fromkeys(df["how"]))
    bars = alt.Chart(df).mark_bar().encode(
        alt.X("ms:Q", title="milliseconds"), alt.Y("model:N", title=None, axis=alt.Axis(labelLimit=220)),
        alt.YOffset("how:N", sort=hows), alt.Color("how:N", scale=palette(hows), sort=hows, title="how it was timed",
                                                   legend=alt.Legend(orient="bottom", columns=1, labelLimit=520)),
        tooltip=["model", "how", alt.Tooltip("ms:Q", format=".2f")])
    return style(bars.properties(height=260, title="The seed's snippet: one shot vs measured"))
