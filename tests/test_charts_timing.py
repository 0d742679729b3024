"""Timing chart builders: log axes, one colour and shape per method from SERIES, dashed = reference."""
import json

import pandas as pd

from core.chart_style import REFERENCE_DASH, label, series
from core.story import figures
from core.timing import charts


def rows(stable=True):
    return pd.DataFrame([
        {"method": m, "label": series(m).label, "T": t, "median_s": s * t, "p25_s": 0.9 * s * t, "p75_s": 1.1 * s * t,
         "pct_of_peak": 5.0, "sequential_steps": t if m == "rnncell_loop" else 1, "stable": stable or t != 64}
        for m, s in (("rnncell_loop", 1e-4), ("sdpa", 5e-5)) for t in (16, 32, 64)])


def _layers(spec):
    return spec["layer"]


def test_time_vs_T_is_log_log_and_keys_dashed_reference_vs_solid_live():
    df = rows()
    spec = charts.time_vs_T(df, {"shipped reference: CPU": df.assign(median_s=df.median_s / 10)}).to_dict()
    lines = next(l for l in _layers(spec) if l["mark"]["type"] == "line")
    assert lines["encoding"]["x"]["scale"]["type"] == "log" and lines["encoding"]["y"]["scale"]["type"] == "log"
    dash = lines["encoding"]["strokeDash"]
    assert dash["scale"]["domain"] == [charts.LIVE, "shipped reference: CPU"]
    assert dash["scale"]["range"] == [[1, 0], REFERENCE_DASH]          # solid live, dashed reference
    assert dash["legend"]["symbolType"] == "stroke" and dash["title"] == "measured on"
    data = next(iter(spec["datasets"].values()))
    assert {d["source"] for d in data} == {charts.LIVE, "shipped reference: CPU"} and len(data) == 12
    assert spec["config"]["axis"]["labelFontSize"] >= 18


def test_every_method_keeps_its_app_wide_colour_and_shape_and_one_legend():
    spec = charts.time_vs_T(rows()).to_dict()
    points = next(l for l in _layers(spec) if l["mark"]["type"] == "point")
    colour, shape = points["encoding"]["color"]["scale"], points["encoding"]["shape"]["scale"]
    assert colour["range"] == [series("rnncell_loop").colour, series("sdpa").colour]
    assert shape["range"] == ["circle", "square"]                     # loops circles, fused squares
    # colour and shape share field and title, so Vega-Lite draws one merged legend; no layer may set
    # legend: null (in a shared scale it removes the key from the whole chart)
    assert points["encoding"]["color"]["title"] == points["encoding"]["shape"]["title"] == "method"
    for layer in _layers(spec):
        assert "legend" not in layer["encoding"]["color"]
    # and the drawn figure keys every method by name (rendered by Vega itself, offline)
    svg = figures.to_svg(figures.spec_json(charts.time_vs_T(rows()))).decode()
    for method in ("rnncell_loop", "sdpa"):
        assert f">{label(method)}<" in svg, method
    for build in (charts.speedup(rows(), "rnncell_loop"), charts.pct_of_peak(rows(), 100.0)):
        layer = next(l for l in build.to_dict()["layer"] if l["mark"]["type"] == "point")
        assert layer["encoding"]["color"]["scale"]["range"][-1] == series("sdpa").colour


def test_a_reference_alone_paints_the_first_view():
    spec = charts.time_vs_T(None, {"shipped reference: CPU": rows()}).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert {d["source"] for d in data} == {"shipped reference: CPU"}


def test_unstable_points_are_ringed():
    spec = charts.time_vs_T(rows(stable=False)).to_dict()
    rings = [l for l in _layers(spec) if l["mark"].get("filled") is False]
    assert len(rings) == 1
    assert "UNSTABLE" in json.dumps(spec["datasets"])


def test_speedup_divides_by_the_baseline():
    spec = charts.speedup(rows(), "rnncell_loop").to_dict()
    data = next(iter(spec["datasets"].values()))
    assert [round(d["speedup"], 6) for d in data] == [2.0, 2.0, 2.0]


def test_share_of_peak_title_wraps_and_axis_stops_at_100():
    spec = charts.pct_of_peak(rows(), 174.0).to_dict()
    assert spec["title"] == ["Share of the device's peak", "(matmul: 174 GFLOP/s)"]
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 100]


def test_model_chart_says_it_is_a_model_and_is_not_dashed():
    model = pd.DataFrame({"method": ["sdpa"], "label": ["x"], "T": [8], "model_s": [1e-3]})
    spec = charts.model_curves(model, "Work–span MODEL").to_dict()
    assert "MODEL" in spec["title"] and "strokeDash" not in spec["mark"]


def test_snippet_chart_has_no_fixed_width():
    df = pd.DataFrame([{"model": m, "how": h, "ms": 1.0} for m in ("RNNCell loop", "nn.MultiheadAttention")
                       for h in ("one time.time() call", "median of repeats")])
    spec = charts.snippet_bars(df).to_dict()
    assert "width" not in spec and "facet" not in spec and spec["encoding"]["yOffset"]["field"] == "how"
