"""Charts for the gradient page: norm vs distance (log scale, seed band), the Jacobian product,
the forget-gate arithmetic, the (ρ, distance) phase diagram and the clipping run."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.chart_style import INK, colour_scale, palette, shape_scale, style
from core.gradients.profile import LABELS, label

D_AXIS = alt.X("distance:Q", title="distance d = T − k (steps back from the loss)")
ORDER = list(LABELS.values())
FLOOR = 1e-300          # a log axis cannot show 0; an underflow is left out (the notice says where)


def _positive(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    keep = np.ones(len(df), bool)
    for c in cols:
        keep &= np.isfinite(df[c].to_numpy(float)) & (df[c].to_numpy(float) > FLOOR)
    return df[keep]


def _log_y(field: str, title: str) -> alt.Y:
    return alt.Y(f"{field}:Q", scale=alt.Scale(type="log"), title=title, axis=alt.Axis(format=".0e"))


MARKS_PER_LINE = 16     # point marks per curve: enough to tell the shapes apart, few enough to read


def decay(band: pd.DataFrame, wrt: str, rho: float, horizons: pd.DataFrame | None = None,
          height: int = 440) -> alt.LayerChart:
    """Median over seeds (line) and min–max band (shaded) of ‖∂L/∂·_k‖ vs distance, models overlaid,
    each in its app-wide colour and point shape (core.chart_style.SERIES), with ρ^d in thin grey.
    The transformer block is drawn first, so self-attention's line lies on top of it.
    `horizons` (model, distance, median) adds a cross where each curve crosses the threshold."""
    data = _positive(band, "median").assign(label=lambda d: d["model"].map(label))
    present = set(data["model"])
    ids = [m for m in LABELS if m in present]
    domain = [label(m) for m in ids]
    color = alt.Color("label:N", scale=colour_scale(ids), title="model", sort=domain,
                      legend=alt.Legend(symbolOpacity=1, symbolSize=200))
    shape = alt.Shape("label:N", scale=shape_scale(ids), title="model", sort=domain)
    what = "x_k (inputs)" if wrt == "x" else "h_k (hidden states)"
    y = _log_y("median", f"‖∂L/∂{what}‖, log scale")
    area = alt.Chart(_positive(data, "lo", "hi")).mark_area(opacity=0.15).encode(
        D_AXIS, alt.Y("lo:Q", scale=alt.Scale(type="log")), alt.Y2("hi:Q"), color=color)
    tooltip = ["label", "distance", alt.Tooltip("median:Q", format=".3e"),
               alt.Tooltip("lo:Q", format=".3e", title="min over seeds"), alt.Tooltip("hi:Q", format=".3e", title="max")]
    under = data[data["model"] == "transformer"]
    over = data[data["model"] != "transformer"]
    lines = [alt.Chart(part).mark_line(strokeWidth=3).encode(D_AXIS, y, color=color, tooltip=tooltip)
             for part in (under, over) if len(part)]
    every = max(1, int(data["distance"].max()) // MARKS_PER_LINE)
    pts = pd.concat([under, over])
    pts = pts[pts["distance"] % every == (pts["model"].map({m: i for i, m in enumerate(ids)}) * 3) % every]
    points = alt.Chart(pts).mark_point(size=110, filled=True, opacity=1, stroke="white", strokeWidth=0.8).encode(
        D_AXIS, alt.Y("median:Q"), color=color, shape=shape, tooltip=tooltip)
    d = np.arange(int(band["distance"].max()) + 1)
    with np.errstate(over="ignore"):
        theory = _positive(pd.DataFrame({"distance": d, "value": rho ** d.astype(float), "rho": rho}), "value")
    # ρ travels in the data, not in the spec's text: a new ρ then changes the data only, and the
    # browser updates the drawn chart in place instead of building it again.
    ref = alt.Chart(theory).mark_line(color="#6E7781", strokeWidth=1.5).encode(
        D_AXIS, alt.Y("value:Q"), tooltip=[alt.Tooltip("value:Q", format=".3e", title="ρ^d"),
                                           alt.Tooltip("rho:Q", format="g", title="ρ")])
    layers = [area, ref, *lines, points]
    if horizons is not None and len(horizons):
        h = _positive(horizons.assign(label=lambda f: f["model"].map(label)), "median")
        layers.append(alt.Chart(h).mark_point(shape="cross", size=320, filled=True, opacity=1, color=INK).encode(
            D_AXIS, alt.Y("median:Q"), tooltip=["label", alt.Tooltip("distance:Q", title="horizon")]))
    title = alt.Title("Gradient vs distance", subtitle=["line: median over seeds · band: min–max",
                                                        "grey: ρ^d at the chosen ρ · ✚: horizon"],
                      subtitleFontSize=18, subtitleColor=INK)
    return style(alt.layer(*layers).properties(height=height, title=title))


def jacobian_product(frame: pd.DataFrame, kind: str) -> tuple[alt.Chart, alt.Chart]:
    """The measured gradient under the running product of step-Jacobian norms and the
    ‖W‖^d, ρ^d references; and, as a second chart, each step's ‖∂s_k/∂s_{k-1}‖."""
    names = {"measured": "measured ‖∂L/∂h_k‖", "product": "∏ ‖J_j‖ (bound)",
             "w_power": "‖W_hh‖^d (bound, |φ′| ≤ 1)", "rho_power": "ρ^d"}
    long = frame.melt("distance", list(names), "series", "value").dropna()
    long = _positive(long.assign(series=lambda d: d["series"].map(names)), "value")
    present = set(long["series"])
    domain = [n for n in names.values() if n in present]
    top = alt.Chart(long).mark_line(strokeWidth=3).encode(
        D_AXIS, _log_y("value", "norm, log scale"),
        color=alt.Color("series:N", scale=palette(domain), sort=domain, title=""),
        strokeWidth=alt.condition(alt.datum.series == names["measured"], alt.value(4), alt.value(2)),
        tooltip=["series", "distance", alt.Tooltip("value:Q", format=".3e")],
    ).properties(height=380, title=f"{label(kind)}, first seed: the product formula, factor by factor")
    step_names = {"step_norm": "‖J_k‖ measured", "step_bound": "‖W_hh‖ · max|φ′| at that step"}
    per_step = frame.melt("distance", list(step_names), "series", "value").dropna()
    per_step["series"] = per_step["series"].map(step_names)
    step_domain = list(dict.fromkeys(per_step["series"]))
    steps = alt.Chart(per_step).mark_line(strokeWidth=2).encode(
        D_AXIS, alt.Y("value:Q", title="‖J_k‖"),
        color=alt.Color("series:N", scale=alt.Scale(domain=step_domain, range=["#555555", "#D55E00"]), title=""),
        tooltip=["series", "distance", alt.Tooltip("value:Q", format=".4f")])
    one = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(color="#6E7781", strokeWidth=1.5).encode(y="y:Q")
    title = "Each step's Jacobian norm ‖∂s_k/∂s_{k−1}‖ (grey rule: 1)"
    return style(top), style((steps + one).properties(height=300, title=title))


def forget_gate(arith: pd.DataFrame, measured: pd.DataFrame, lstm: pd.DataFrame | None) -> alt.Chart:
    """f^d for constant gates (dashed), the measured product of the LSTM's forget gates and its
    measured ‖∂L/∂h_k‖ (solid)."""
    frames = [arith.rename(columns={"f": "series"}).assign(kind="arithmetic f^d")]
    if len(measured):
        frames.append(measured.rename(columns={"measured": "value"}).assign(
            series="measured ∏ f_t (cell-state path)", kind="measured"))
    if lstm is not None and len(lstm):
        frames.append(lstm[["distance", "median"]].rename(columns={"median": "value"}).assign(
            series="measured LSTM ‖∂L/∂h_k‖", kind="measured"))
    data = _positive(pd.concat(frames, ignore_index=True), "value")
    domain = list(dict.fromkeys(data["series"]))
    chart = alt.Chart(data).mark_line(strokeWidth=3).encode(
        D_AXIS, _log_y("value", "value, log scale"),
        color=alt.Color("series:N", scale=palette(domain), sort=domain, title=""),
        strokeWidth=alt.StrokeWidth("kind:N", title="", scale=alt.Scale(
            domain=["arithmetic f^d", "measured"], range=[1.5, 4])),
        tooltip=["series", "distance", alt.Tooltip("value:Q", format=".3e")])
    return style(chart.properties(height=420, title="Forget-gate arithmetic (thin) beside the measured LSTM (thick)"))


def phase(df: pd.DataFrame, rho_now: float, kind: str, span: float = 30.0) -> alt.Chart:
    """Heatmap of log10 gradient norm over (distance, ρ); the colour is clamped at ±span decades."""
    rect = alt.Chart(df).mark_rect().encode(
        D_AXIS, alt.X2("d_hi:Q"),
        alt.Y("rho_lo:Q", title="spectral radius ρ", scale=alt.Scale(zero=False, nice=False)), alt.Y2("rho_hi:Q"),
        color=alt.Color("log10_norm:Q", title="log₁₀ ‖∂L/∂h‖", scale=alt.Scale(
            scheme="blueorange", domain=[-span, span], domainMid=0, clamp=True)),
        tooltip=[alt.Tooltip("rho:Q", format=".2f", title="ρ"), "distance",
                 alt.Tooltip("log10_norm:Q", format=".1f", title="log₁₀ norm")])
    rules = pd.DataFrame({"rho": [1.0, rho_now], "what": ["ρ = 1", f"your ρ = {rho_now:g}"]})
    lines = alt.Chart(rules).mark_rule(strokeWidth=3).encode(
        y="rho:Q", color=alt.Color("what:N", title="", scale=alt.Scale(range=[INK, "#D55E00"])))
    title = f"{label(kind)}: where gradients vanish (blue) or explode (orange)"
    return style((rect + lines).properties(height=420, title=title))


def clipping(frame: pd.DataFrame, baseline: float) -> tuple[alt.Chart, alt.Chart]:
    """Training loss and gradient norm per SGD step, with and without clipping (log scales)."""
    data = frame.replace([np.inf, -np.inf], np.nan).dropna()
    domain = list(dict.fromkeys(frame["run"]))
    color = alt.Color("run:N", scale=palette(domain), sort=domain, title="")
    step = alt.X("step:Q", title="SGD step")
    loss = alt.Chart(_positive(data, "loss")).mark_line(strokeWidth=3).encode(
        step, _log_y("loss", "loss (MSE), log scale"), color=color,
        tooltip=["run", "step", alt.Tooltip("loss:Q", format=".3e")])
    base = alt.Chart(pd.DataFrame({"y": [baseline]})).mark_rule(color="#6E7781", strokeWidth=2).encode(
        y="y:Q", tooltip=[alt.Tooltip("y:Q", title="always answer 1.0", format=".3f")])
    norm = alt.Chart(_positive(data, "grad_norm")).mark_line(strokeWidth=2).encode(
        step, _log_y("grad_norm", "‖gradient‖, log scale"), color=color,
        tooltip=["run", "step", alt.Tooltip("grad_norm:Q", format=".3e")])
    return (style((loss + base).properties(height=340, title="Training loss, with and without clipping "
                                                                   "(grey: always answer 1.0)")),
            style(norm.properties(height=300, title="Gradient norm before clipping")))
