"""Attention's price chart specs: titles, log axes, projector type, app-wide colours, dashed = shipped reference."""
import pandas as pd

from core.chart_style import PAGE, REFERENCE_DASH, series
from core.price import charts
from core.price import costs as price
from core.price import streaming


def _cross(source: str) -> pd.DataFrame:
    return pd.DataFrame([{"method": m, "label": lab, "family": "x", "T": t, "median_s": s, "p25_s": 0.9 * s,
                          "p75_s": 1.1 * s, "peak_bytes": 1e6, "stable": True, "source": source}
                         for m, lab in (("sdpa", "Linear + SDPA + Linear"), ("lstm_fused", "nn.LSTM (fused)"))
                         for t, s in ((256, 1e-3), (512, 3e-3))])


def _layers(spec: dict) -> list[dict]:
    """Every unit spec inside (nested) layers."""
    out = []
    for layer in spec.get("layer", []):
        out += _layers(layer) if "layer" in layer else [layer]
    return out


def _mark(layer: dict) -> str:
    m = layer["mark"]
    return m if isinstance(m, str) else m["type"]


def _line(spec: dict) -> dict:
    return next(layer for layer in _layers(spec) if _mark(layer) == "line" and "strokeDash" in layer["encoding"])


def _type_ok(spec: dict) -> None:
    assert spec["config"]["axis"]["labelFontSize"] >= PAGE.tick >= 18
    assert spec["config"]["axis"]["titleFontSize"] >= 18 and spec["config"]["axis"]["labelColor"] == "#1F2328"


def test_crossover_chart_keys_live_solid_and_shipped_dashed_in_app_colours():
    df = pd.concat([_cross(charts.SHIPPED), _cross(charts.LIVE)])
    spec = charts.crossover_time(df, 362.0, price.SEED_CROSSOVER).to_dict()
    _type_ok(spec)
    line = _line(spec)
    dash = line["encoding"]["strokeDash"]["scale"]
    assert dash["domain"] == [charts.LIVE, charts.SHIPPED] and dash["range"] == [[1, 0], REFERENCE_DASH]
    assert line["encoding"]["strokeDash"]["legend"]["symbolType"] == "stroke"    # the key shows the dash
    colour = line["encoding"]["color"]["scale"]
    assert colour["range"] == [series("sdpa").colour, series("lstm_fused").colour]
    assert line["encoding"]["x"]["scale"] == {"type": "log", "base": 2}
    assert "time per call" in str(spec["title"]) and "cross ≈ 362" in str(spec)


def test_only_the_reference_is_dashed():
    spec = charts.crossover_time(_cross(charts.LIVE), None, ()).to_dict()
    line = _line(spec)
    assert line["encoding"]["strokeDash"]["scale"]["domain"] == [charts.LIVE]
    assert line["encoding"]["strokeDash"]["legend"] is None          # nothing to key with one source
    for layer in _layers(spec):
        assert isinstance(layer["mark"], str) or "strokeDash" not in layer["mark"]


def test_memory_stream_and_size_charts():
    mem = pd.DataFrame([{"kind": k, "label": price.ATTENTION_KINDS[k], "T": t, "peak_bytes": b, "matrix_bytes": 4 * t * t,
                         "median_s": 1e-3, "stable": True} for k, b in (("materialised", 8e6), ("fused", 0.0))
                        for t in (256, 512)])
    spec = charts.measured_memory(mem).to_dict()
    _type_ok(spec)
    assert "Peak memory of one head" in str(spec["title"])
    line = _line(spec)
    assert line["encoding"]["color"]["scale"]["range"] == [series("materialised").colour, series("fused").colour]
    st = pd.DataFrame([{"kind": k, "label": streaming.KINDS[k], "T": t, "median_s": 1e-4, "p25_s": 9e-5,
                        "p75_s": 1.1e-4, "stable": True, "state_bytes": streaming.state_bytes(k, t, 64)}
                       for k in streaming.KINDS for t in (128, 256)])
    lat = charts.stream_latency(st).to_dict()
    assert "time for one new token" in str(lat["title"])
    assert _line(lat)["encoding"]["color"]["scale"]["range"] == [series(k).colour for k in streaming.KINDS]
    assert "state kept" in str(charts.stream_state(st).to_dict()["title"])
    curve = price.size_curve(price.matrix_size(4096))
    size = charts.matrix_size(curve, price.seed_check(), 4096, 4, 2**34, "CPU").to_dict()
    _type_ok(size)
    assert "The T × T matrix" in str(size["title"])
    params = charts.lstm_params(price.params_curve(2, 256), 256, 1_052_672, 500_000).to_dict()
    assert "seed: ~500K" in str(params)
