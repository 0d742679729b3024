"""Charts for the timing lab: time vs T (log–log), speed-up, share of the device's peak, the work–span model."""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.chart_style import palette, style

T_AXIS = alt.X("T:Q", scale=alt.Scale(type="log", base=2), title="sequence length T (log scale)")


def _color(df: pd.DataFrame) -> alt.Color:
    return alt.Color("label:N", scale=palette(list(dict.fromkeys(df["label"]))), title="method")


def time_vs_T(df: pd.DataFrame, references: dict[str, pd.DataFrame] | None = None) -> alt.Chart:
    """Median time per call vs T, log–log, with the interquartile range as error bars.

    `references` (name → rows with the same columns) are drawn dashed: a shipped or
    uploaded result from another device, or this device with another thread count.
    """
    frames = [df.assign(source="this device (live)")]
    for name, ref in (references or {}).items():
        if ref is not None and len(ref):
            frames.append(ref.assign(source=name))
    data = pd.concat(frames, ignore_index=True)
    data["ms"] = data["median_s"] * 1e3
    data["p25_ms"], data["p75_ms"] = data["p25_s"] * 1e3, data["p75_s"] * 1e3
    base = alt.Chart(data).encode(T_AXIS, color=_color(data))
    y = alt.Y("ms:Q", scale=alt.Scale(type="log"), title="time per call, ms (median, log scale)")
    dash = alt.StrokeDash("source:N", title="measured on")
    lines = base.mark_line(point=True, strokeWidth=3).encode(
        y, dash, tooltip=["label", "T", alt.Tooltip("ms:Q", format=".3f"), "source",
                          alt.Tooltip("sequential_steps:Q", title="sequential steps")])
    bars = base.mark_rule(strokeWidth=2).encode(alt.Y("p25_ms:Q"), alt.Y2("p75_ms:Q"))
    return style((bars + lines).properties(height=420, title="Time per call vs sequence length"))


def speedup(df: pd.DataFrame, baseline: str) -> alt.Chart:
    """How many times faster than `baseline` each method is, per T (above 1 = faster)."""
    base = df[df["method"] == baseline].set_index("T")["median_s"]
    data = df[df["method"] != baseline].copy()
    data["speedup"] = data["T"].map(base) / data["median_s"]
    label = df.loc[df["method"] == baseline, "label"].iloc[0]
    chart = alt.Chart(data).mark_line(point=True, strokeWidth=3).encode(
        T_AXIS, alt.Y("speedup:Q", scale=alt.Scale(type="log"), title="× faster (log)"),
        color=_color(data), tooltip=["label", "T", alt.Tooltip("speedup:Q", format=".2f")])
    one = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(strokeDash=[6, 4], color="gray").encode(y="y:Q")
    chart = (chart + one).properties(height=360, title=f"Speed-up over {label}")
    return style(chart, legend_below=True)


def pct_of_peak(df: pd.DataFrame, peak_gflops: float) -> alt.Chart:
    """Achieved FLOP/s as a share of this device's measured matmul peak."""
    chart = alt.Chart(df).mark_line(point=True, strokeWidth=3).encode(
        T_AXIS, alt.Y("pct_of_peak:Q", title="% of matmul peak"),
        color=_color(df), tooltip=["label", "T", alt.Tooltip("pct_of_peak:Q", format=".1f")])
    chart = chart.properties(height=360, title=f"Share of this device's peak ({peak_gflops:,.0f} GFLOP/s)")
    return style(chart, legend_below=True)


def model_curves(df: pd.DataFrame, title: str) -> alt.Chart:
    """Work–span model times (a model, drawn dotted so it is never mistaken for a measurement)."""
    data = df.assign(ms=df["model_s"] * 1e3)
    chart = alt.Chart(data).mark_line(strokeWidth=3, strokeDash=[2, 3], point=True).encode(
        T_AXIS, alt.Y("ms:Q", scale=alt.Scale(type="log"), title="modelled ms per call (log)"),
        color=_color(data), tooltip=["label", "T", alt.Tooltip("ms:Q", format=".3f")])
    return style(chart.properties(height=360, title=title))


def snippet_bars(df: pd.DataFrame) -> alt.Chart:
    """The seed's single time.time() figure beside the proper median (with IQR)."""
    bars = alt.Chart(df).mark_bar().encode(
        alt.X("ms:Q", title="milliseconds"), alt.Y("how:N", title=None, sort=None, axis=alt.Axis(labelLimit=400)),
        alt.Color("how:N", legend=None, scale=palette(list(dict.fromkeys(df["how"])))),
        alt.Row("model:N", title=None), tooltip=["model", "how", alt.Tooltip("ms:Q", format=".2f")])
    return style(bars.properties(height=110, width=560, title="The seed's snippet: one shot vs measured"))
