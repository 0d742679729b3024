"""Charts for attention's price: matrix size, measured peak memory, the crossover, streaming, LSTM size.

Measured charts take rows with a `source` column: "shipped reference" rows (the
results file measured when the app was built) are dashed, "live" rows (this
server, now) solid — the app's one meaning of a dash. Each method keeps its
app-wide colour from `core.chart_style.SERIES`.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.chart_style import GREEN, INK, REFERENCE_DASH, VERMILLION, palette, series, style

LIVE, SHIPPED = "live", "shipped reference"

MIB = 2**20
FLOOR = 4096  # one page: the resolution of the CPU's resident-memory counter


def _log_t(title: str = "sequence length T (log scale)", values=None) -> alt.X:
    """A log₂ T axis, ticked at the measured T values when given."""
    axis = alt.Axis(values=sorted({int(v) for v in values})) if values is not None else alt.Axis()
    return alt.X("T:Q", scale=alt.Scale(type="log", base=2), title=title, axis=axis)


def _series_colour(df: pd.DataFrame, id_col: str) -> alt.Color:
    """Colour by the rows' labels, each in its method's app-wide colour."""
    pairs = list(dict.fromkeys(zip(df["label"], df[id_col])))
    return alt.Color("label:N", title=None, scale=alt.Scale(domain=[lab for lab, _ in pairs],
                                                             range=[series(i).colour for _, i in pairs]))


def _dash(df: pd.DataFrame) -> alt.StrokeDash:
    """Solid for live rows, dashed for the shipped reference; the legend (line symbols) only when both show."""
    present = set(df["source"])
    sources = [s for s in (LIVE, SHIPPED) if s in present]
    ranges = {LIVE: [1, 0], SHIPPED: REFERENCE_DASH}
    legend = (alt.Legend(symbolType="stroke", symbolStrokeColor=INK, symbolSize=400, orient="top")
              if len(sources) > 1 else None)   # on top: two legends side by side below would pass the column
    return alt.StrokeDash("source:N", title=None, legend=legend,
                          scale=alt.Scale(domain=sources, range=[ranges[s] for s in sources]))


def _lines_and_points(chart: alt.Chart, x, y, color, dash, tooltip) -> alt.LayerChart:
    """Lines (dashed by source) with filled points on a separate layer: `point=True` on a dashed line
    blanks the dash legend's symbols."""
    lines = chart.mark_line(strokeWidth=3).encode(x, y, color, dash)
    points = chart.mark_point(filled=True, size=70).encode(x, y, color, tooltip=tooltip)
    return lines + points


def _with_source(df: pd.DataFrame) -> pd.DataFrame:
    """`source` (live unless named) and `stable` ("not recorded" for rows from before the flag existed)."""
    df = df if "source" in df else df.assign(source=LIVE)
    return df if "stable" in df else df.assign(stable="not recorded")


def _rules(values: list[tuple[float, str]], color: str = INK) -> alt.Chart:
    data = pd.DataFrame([{"T": t, "note": n} for t, n in values])
    rule = alt.Chart(data).mark_rule(color=color, strokeWidth=2).encode(x="T:Q", tooltip=["note"])
    # labels sit to the left of their rule, so one at the right edge stays inside the chart
    text = alt.Chart(data).mark_text(align="right", dx=-4, dy=-8, fontSize=18, color=color).encode(
        x="T:Q", y=alt.value(12), text="note")
    return rule + text


def matrix_size(curve: pd.DataFrame, seeds: pd.DataFrame, T: int, bytes_per_value: int,
                memory: int | None, device: str) -> alt.Chart:
    """Closed-form bytes vs T (log–log), the seed's three figures as points, the reader's T, the device's memory."""
    data = curve.assign(GiB=curve["bytes"] / 2**30)
    scopes = list(dict.fromkeys(data["scope"]))
    y = alt.Y("GiB:Q", scale=alt.Scale(type="log"), title="GiB held (log)")
    lines = alt.Chart(data).mark_line(strokeWidth=3).encode(
        _log_t(), y, color=alt.Color("scope:N", scale=palette(scopes), title=None),
        tooltip=["scope", "T", alt.Tooltip("values:Q", format=","), alt.Tooltip("GiB:Q", format=".4g")])
    pts = seeds.assign(GiB=seeds["exact"] * bytes_per_value / 2**30, label=seeds["T"].map("{:,}".format)
                       + " → " + seeds["seed_says"])
    dots = alt.Chart(pts).mark_point(size=160, filled=True, color="black").encode(
        x="T:Q", y="GiB:Q", tooltip=["label", alt.Tooltip("exact:Q", format=",", title="exact T²")])
    layers = lines + dots + _rules([(T, f"T = {T:,}")], VERMILLION)
    if memory:
        mem = alt.Chart(pd.DataFrame({"GiB": [memory / 2**30], "note": [f"this {device}: {memory / 2**30:,.0f} GiB"]}))
        layers += mem.mark_rule(color=GREEN, strokeWidth=2).encode(y="GiB:Q", tooltip=["note"])
        layers += mem.mark_text(align="left", dx=4, dy=-10, fontSize=18, color=GREEN).encode(
            x=alt.value(4), y="GiB:Q", text="note")
    return style(layers.properties(height=380, title="The T × T matrix, closed form (dots: the seed's figures)"),
                 legend_below=True)


def measured_memory(df: pd.DataFrame) -> alt.Chart:
    """Measured peak extra memory vs T, written-out vs fused attention; one T×T float32 matrix dotted."""
    data = _with_source(df).assign(MiB=lambda f: f["peak_bytes"].clip(lower=FLOOR) / MIB)
    ref = data.drop_duplicates("T").assign(MiB=lambda f: f["matrix_bytes"] / MIB)
    y = alt.Y("MiB:Q", scale=alt.Scale(type="log"), title="peak extra MiB (log)")
    x = _log_t(values=data["T"])
    lines = _lines_and_points(alt.Chart(data), x, y, _series_colour(data, "kind"), _dash(data),
                              ["label", "source", "T", alt.Tooltip("MiB:Q", format=".3f"), "stable"])
    matrix = alt.Chart(ref).mark_line(strokeDash=[2, 4], strokeWidth=2, color=INK).encode(
        x, y, tooltip=[alt.Tooltip("MiB:Q", format=".3f", title="one T×T float32 matrix, MiB")])
    return style((matrix + lines).properties(height=380, title=alt.Title(
        "Peak memory of one head's attention", subtitle="dotted: one T × T float32 matrix")), legend_below=True)


def crossover_time(df: pd.DataFrame, cross_T: float | None, seed_marks: tuple[int, ...]) -> alt.Chart:
    """Median time per call vs T at batch 1 (IQR bars), the crossover and the seed's marks in range."""
    data = _with_source(df).assign(ms=lambda f: f["median_s"] * 1e3, p25_ms=lambda f: f["p25_s"] * 1e3,
                                   p75_ms=lambda f: f["p75_s"] * 1e3)
    x, colour = _log_t(values=data["T"]), _series_colour(data, "method")
    lines = _lines_and_points(alt.Chart(data), x, alt.Y("ms:Q", scale=alt.Scale(type="log"), title="ms per call (log)"),
                              colour, _dash(data), ["label", "source", "T", alt.Tooltip("ms:Q", format=".3f"), "stable"])
    bars = alt.Chart(data).mark_rule(strokeWidth=2).encode(x, alt.Y("p25_ms:Q"), alt.Y2("p75_ms:Q"), color=colour)
    lo, hi = data["T"].min() / 1.5, data["T"].max() * 1.5
    marks = [(t, f"seed: ~{t // 1024}k") for t in seed_marks if lo <= t <= hi]
    chart = bars + lines
    if marks:
        chart += _rules(marks)
    if cross_T:
        chart += _rules([(cross_T, f"cross ≈ {cross_T:,.0f}")], VERMILLION)
    return style(chart.properties(height=380, title="Batch 1: time per call, whole sequence"), legend_below=True)


def crossover_memory(df: pd.DataFrame) -> alt.Chart:
    data = _with_source(df).dropna(subset=["peak_bytes"]).assign(MiB=lambda f: f["peak_bytes"].clip(lower=FLOOR) / MIB)
    chart = _lines_and_points(alt.Chart(data), _log_t(values=data["T"]),
                              alt.Y("MiB:Q", scale=alt.Scale(type="log"), title="peak extra MiB (log)"),
                              _series_colour(data, "method"), _dash(data),
                              ["label", "source", "T", alt.Tooltip("MiB:Q", format=".3f")])
    return style(chart.properties(height=380, title="Batch 1: peak memory per call"), legend_below=True)


def stream_latency(df: pd.DataFrame) -> alt.Chart:
    data = _with_source(df).assign(us=lambda f: f["median_s"] * 1e6, p25=lambda f: f["p25_s"] * 1e6,
                                   p75=lambda f: f["p75_s"] * 1e6)
    x, colour = _log_t("tokens of context T (log)", data["T"]), _series_colour(data, "kind")
    lines = _lines_and_points(alt.Chart(data), x, alt.Y("us:Q", scale=alt.Scale(type="log"), title="µs per token (log)"),
                              colour, _dash(data), ["label", "source", "T", alt.Tooltip("us:Q", format=",.1f"), "stable"])
    bars = alt.Chart(data).mark_rule(strokeWidth=2).encode(x, alt.Y("p25:Q"), alt.Y2("p75:Q"), color=colour)
    return style((bars + lines).properties(height=380, title="Streaming: time for one new token"), legend_below=True)


def stream_state(df: pd.DataFrame) -> alt.Chart:
    data = df.drop_duplicates(["kind", "T"]).assign(KiB=lambda f: f["state_bytes"] / 1024)
    chart = alt.Chart(data).mark_line(point=True, strokeWidth=3).encode(
        _log_t("tokens of context T (log)", data["T"]),
        alt.Y("KiB:Q", scale=alt.Scale(type="log"), title="KiB kept (log)"),
        _series_colour(data, "kind"), tooltip=["label", "T", alt.Tooltip("KiB:Q", format=",.1f")])
    return style(chart.properties(height=380, title="Streaming: state kept between tokens (counted)"),
                 legend_below=True)


def lstm_params(curve: pd.DataFrame, hidden: int, params: int, seed_params: int) -> alt.Chart:
    """Parameter count vs hidden units N (log–log), the reader's LSTM and the seed's ~500K."""
    x = alt.X("N:Q", scale=alt.Scale(type="log", base=2), title="hidden units N (log)")
    y = alt.Y("params:Q", scale=alt.Scale(type="log"), title="parameters (log)")
    line = alt.Chart(curve).mark_line(point=True, strokeWidth=3, color=series("lstm").colour).encode(
        x, y, tooltip=["N", alt.Tooltip("params:Q", format=",")])
    you = alt.Chart(pd.DataFrame({"N": [hidden], "params": [params]})).mark_point(
        size=260, filled=True, color=VERMILLION).encode(x, y, tooltip=[alt.Tooltip("params:Q", format=",")])
    seed = alt.Chart(pd.DataFrame({"params": [seed_params], "note": [f"seed: ~{seed_params // 1000}K"]}))
    rule = seed.mark_rule(color=INK, strokeWidth=2).encode(y="params:Q")
    text = seed.mark_text(align="left", dx=4, dy=-10, fontSize=18, color=INK).encode(
        x=alt.value(4), y="params:Q", text="note")
    return style((line + you + rule + text).properties(height=340, title="LSTM parameters vs hidden units"))
