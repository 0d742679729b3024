"""The attention page's chart specs: one big labelled map, wrapped head grids, the entropy ceiling,
heatmaps that fit the column, projector type and the app-wide colours."""
import altair as alt
import numpy as np

from core.attention import charts
from core.attention.multihead import entropy_frame, grid_frame, gradient_by_distance, max_entropy, random_demo
from core.attention.positional import encoding
from core.frames import block_frame
from core.chart_style import PAGE, series
from core.config import ATTENTION


def _ideal(t):
    ideal = np.zeros((t, t))
    ideal[t - 1, 0] = 1.0
    return ideal


def test_head_map_labels_every_row_and_keeps_its_size():
    w = random_demo(12, 2, True, True, 0).weights
    df = grid_frame([w], _ideal(12), list("abcdefghijkl"))
    spec = charts.head_map(df[df["head"] == "1"], "Layer 1, head 1", "sub").to_dict()
    assert spec["width"] == spec["height"] == 12 * ATTENTION.cell_px
    assert spec["autosize"] == {"type": "pad"}          # Streamlit's "fit" would collapse the rows
    y = spec["layer"][0]["encoding"]["y"]
    assert y["axis"]["labelOverlap"] is False and len(y["sort"]) == 12
    assert spec["layer"][1]["mark"]["stroke"] == charts.IDEAL_COLOUR
    assert spec["config"]["axis"]["labelFontSize"] >= PAGE.tick >= 18


def test_head_grid_wraps_panels_to_fit_the_column_and_outlines_the_ideal():
    w = random_demo(4, 2, True, True, 0).weights
    spec = charts.head_grid(grid_frame([w, w], _ideal(4), list("abcd")), "t", width=820).to_dict()
    assert spec["facet"]["field"] == "panel" and spec["columns"] >= 1
    per_row, size = spec["columns"], spec["spec"]["width"]
    assert per_row * (size + 90) <= 820
    assert spec["config"]["legend"]["labelFontSize"] >= 18
    marks = [layer["mark"] for layer in spec["spec"]["layer"]]
    assert marks[0]["type"] == "rect" and marks[1]["fill"] is None and marks[1]["stroke"] == charts.IDEAL_COLOUR
    assert spec["spec"]["layer"][1]["transform"] == [{"filter": "(datum.ideal > 0)"}]


def test_long_sequences_are_averaged_in_blocks_with_range_labels():
    t = 64
    w = random_demo(t, 1, True, True, 0).weights
    df = grid_frame([w], None, ["x"] * t)
    assert df["query"].nunique() == ATTENTION.max_label_rows
    assert "0–1" in set(df["query label"]) and "62–63" in set(df["key label"])
    one = df[df["head"] == "1"].pivot(index="query", columns="key", values="weight").to_numpy()
    # a block is the mean of 2 × 2 cells: a block row sums to (2 rows × 1) / 4 = 1/2
    np.testing.assert_allclose(one.sum(1), 0.5, atol=1e-9)


def test_entropy_chart_draws_the_causal_ceiling():
    ceiling = max_entropy(32, True)
    spec = charts.entropy_bars(entropy_frame(np.ones(2), np.zeros(2)), ceiling, "x", True).to_dict()
    assert "2.55 nats" in spec["title"]["subtitle"] and "mean of ln t" in spec["title"]["subtitle"]
    rule = spec["layer"][1]
    assert rule["mark"]["type"] == "rule" and "strokeDash" not in rule["mark"]   # dashes mean a reference only
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"][1] >= ceiling
    no_mask = charts.entropy_bars(entropy_frame(np.ones(2), np.zeros(2)), max_entropy(32, False), "x", False).to_dict()
    assert "ln T (no mask) = 3.47" in no_mask["title"]["subtitle"]


def test_gradient_lines_use_the_app_wide_colours():
    spec = charts.gradient_lines(gradient_by_distance(8, 2, True, 0)).to_dict()
    colour = spec["encoding"]["color"]["scale"]
    assert colour["range"] == [series("attention").colour, series("tanh").colour]
    assert "attention, 2 heads" in colour["domain"]


def test_positional_heatmaps_stay_small_enough_for_the_column():
    enc = encoding("sinusoidal", 512, 512)
    df = block_frame(enc.similarity, "position", "other", 64)[0]
    assert len(df) == 64 * 64
    with alt.data_transformers.disable_max_rows():
        spec = charts.side_by_side(charts.matrix_heatmap(df, "position", "other", "s"),
                                   charts.matrix_heatmap(df, "position", "other", "s")).to_dict()
    assert len(spec["hconcat"]) == 2
    assert sum(c["width"] for c in spec["hconcat"]) <= 560
    assert all(c["encoding"]["color"]["legend"]["orient"] == "bottom" for c in spec["hconcat"])
