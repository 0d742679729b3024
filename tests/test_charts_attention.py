"""The attention page's chart specs: facets, the ideal outline, the ln T rule, capped heatmaps."""
import altair as alt
import numpy as np

from core.attention.multihead import entropy_frame, grid_frame, random_demo
from core.attention import charts
from core.attention.positional import encoding, matrix_frame


def test_head_grid_facets_layers_by_heads_and_outlines_the_ideal():
    w = random_demo(4, 2, True, True, 0).weights
    ideal = np.zeros((4, 4))
    ideal[3, 0] = 1.0
    spec = charts.head_grid(grid_frame([w, w], ideal, list("abcd")), "t").to_dict()
    assert spec["facet"]["row"]["field"] == "layer" and spec["facet"]["column"]["field"] == "head"
    marks = [layer["mark"] for layer in spec["spec"]["layer"]]
    assert marks[0]["type"] == "rect" and marks[1]["fill"] is None and marks[1]["stroke"] == charts.IDEAL_COLOUR
    assert spec["spec"]["layer"][1]["transform"] == [{"filter": "(datum.ideal > 0)"}]


def test_entropy_chart_draws_ln_t():
    spec = charts.entropy_bars(entropy_frame(np.ones(2), np.zeros(2)), 2.5, "x").to_dict()
    assert "ln T = 2.50" in spec["title"]
    rule = spec["layer"][1]
    assert rule["mark"]["type"] == "rule"
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"][1] >= 2.5


def test_positional_heatmaps_stay_small():
    enc = encoding("sinusoidal", 512, 512)
    df = matrix_frame(enc.similarity, "position", "other", 64)
    assert len(df) == 64 * 64
    with alt.data_transformers.disable_max_rows():
        spec = charts.side_by_side(charts.matrix_heatmap(df, "position", "other", "s"),
                                   charts.matrix_heatmap(df, "position", "other", "s")).to_dict()
    assert len(spec["hconcat"]) == 2
