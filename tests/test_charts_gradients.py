"""The gradient page's chart specs: fields, encodings, titles, app-wide colours and shapes, type sizes."""
from dataclasses import replace

import pytest

from core.chart_style import SERIES, YELLOW
from core.gradients import charts
from core.gradients.clipping import BASELINE_LOSS, clipping_run
from core.gradients.jacobians import jacobian_view, phase_diagram
from core.gradients.profile import GradientSetup, forget_arithmetic, gradient_profile, label

SMALL = GradientSetup(T=24, n_hidden=8, n_seeds=2, rho=0.9, seed=1)


@pytest.fixture(scope="module")
def profile():
    return gradient_profile(SMALL)


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def assert_projector_type(spec: dict) -> None:
    axis, legend, title = spec["config"]["axis"], spec["config"]["legend"], spec["config"]["title"]
    assert axis["labelFontSize"] >= 18 and axis["titleFontSize"] >= 18
    assert legend["labelFontSize"] >= 18 and title["fontSize"] >= 18
    assert axis["labelColor"] == "#1F2328"


def test_decay_chart_uses_the_app_wide_colours_and_shapes(profile):
    band = profile.band[profile.band["wrt"] == "x"]
    spec = charts.decay(band, "x", SMALL.rho).to_dict()
    assert_projector_type(spec)
    assert spec["title"]["text"] == "Gradient vs distance" and spec["title"]["subtitleFontSize"] >= 18
    lines = [l for l in layers(spec) if l["mark"]["type"] == "line" and "color" in l["encoding"]]
    colour = lines[0]["encoding"]["color"]
    assert colour["field"] == "label"
    domain, colours = colour["scale"]["domain"], colour["scale"]["range"]
    assert domain == [label(m) for m in SMALL.models]
    assert colours == [SERIES[m].colour for m in SMALL.models] and YELLOW not in colours
    assert lines[0]["encoding"]["y"]["scale"]["type"] == "log"
    assert lines[0]["encoding"]["x"]["field"] == "distance"
    points = [l for l in layers(spec) if l["mark"]["type"] == "point" and "shape" in l["encoding"]][0]
    shapes = dict(zip(points["encoding"]["shape"]["scale"]["domain"], points["encoding"]["shape"]["scale"]["range"]))
    att, tr = label("attention"), label("transformer")
    assert shapes[att] != shapes[tr]
    assert dict(zip(domain, colours))[att] != dict(zip(domain, colours))[tr]


def test_self_attention_is_drawn_above_the_transformer_block(profile):
    band = profile.band[profile.band["wrt"] == "x"]
    spec = charts.decay(band, "x", SMALL.rho).to_dict()
    datasets = spec["datasets"]
    line_sets = [datasets[l["data"]["name"]] for l in layers(spec) if l["mark"]["type"] == "line" and "color" in l["encoding"]]
    first, second = ({r["model"] for r in rows} for rows in line_sets)
    assert first == {"transformer"} and "attention" in second


def test_no_dashes_outside_references(profile):
    """Dashes mean a shipped or other-device reference only; every gradient chart is live."""
    band = profile.band[profile.band["wrt"] == "x"]
    view = jacobian_view(SMALL, "tanh")
    run = clipping_run(1.5, 1.0, 0)
    specs = [charts.decay(band, "x", 0.9).to_dict(), *(c.to_dict() for c in charts.jacobian_product(view.frame, "tanh")),
             charts.forget_gate(forget_arithmetic(SMALL.T, 1.0), profile.forget, None).to_dict(),
             charts.phase(phase_diagram(SMALL, "tanh"), 0.9, "tanh").to_dict(),
             *(c.to_dict() for c in charts.clipping(run.frame, BASELINE_LOSS))]
    for spec in specs:
        assert_projector_type(spec)
        assert "strokeDash" not in str(spec), spec.get("title")


def test_phase_and_clipping_charts_have_their_fields_and_titles():
    phase = charts.phase(phase_diagram(SMALL, "tanh"), 0.9, "tanh").to_dict()
    rect = layers(phase)[0]
    assert rect["mark"]["type"] == "rect" and rect["encoding"]["color"]["field"] == "log10_norm"
    assert "where gradients vanish" in phase["title"]
    loss, norm = (c.to_dict() for c in charts.clipping(clipping_run(1.5, 1.0, 0).frame, BASELINE_LOSS))
    assert layers(loss)[0]["encoding"]["x"]["field"] == "step" and layers(loss)[0]["encoding"]["y"]["field"] == "loss"
    assert norm["encoding"]["y"]["field"] == "grad_norm" if "encoding" in norm else True
    top, steps = charts.jacobian_product(jacobian_view(replace(SMALL, T=12), "tanh").frame, "tanh")
    assert {"measured ‖∂L/∂h_k‖", "∏ ‖J_j‖ (bound)"} <= {r["series"] for r in top.to_dict()["datasets"].popitem()[1]}
