"""Timing chart builders: the specs carry the data, log axes and labels the page promises."""
import pandas as pd

from core.timing import charts


def rows():
    return pd.DataFrame([
        {"method": m, "label": lab, "T": t, "median_s": s * t, "p25_s": 0.9 * s * t, "p75_s": 1.1 * s * t,
         "pct_of_peak": 5.0, "sequential_steps": t if m == "rnncell_loop" else 1}
        for m, lab, s in (("rnncell_loop", "RNNCell loop", 1e-4), ("sdpa", "Linear + SDPA + Linear", 5e-5))
        for t in (16, 32, 64)])


def test_time_vs_T_is_log_log_and_overlays_a_reference():
    df = rows()
    spec = charts.time_vs_T(df, {"reference: GPU": df.assign(median_s=df.median_s / 10)}).to_dict()
    layer = spec["layer"][1]
    assert layer["encoding"]["x"]["scale"]["type"] == "log"
    assert layer["encoding"]["y"]["scale"]["type"] == "log"
    data = next(iter(spec["datasets"].values()))
    assert {d["source"] for d in data} == {"this device (live)", "reference: GPU"}
    assert len(data) == 12
    assert spec["config"]["axis"]["labelFontSize"] >= 14


def test_speedup_divides_by_the_baseline():
    spec = charts.speedup(rows(), "rnncell_loop").to_dict()
    data = next(iter(spec["datasets"].values()))
    assert [round(d["speedup"], 6) for d in data] == [2.0, 2.0, 2.0]


def test_model_chart_says_it_is_a_model():
    model = pd.DataFrame({"method": ["sdpa"], "label": ["x"], "T": [8], "model_s": [1e-3]})
    assert "MODEL" in charts.model_curves(model, "Work–span MODEL").to_dict()["title"]
