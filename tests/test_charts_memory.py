"""The memory page's chart specs: one step slider driving every view in the browser, token labels
on the step axis up to a limit, app-wide colours, projector type, no dashes on live lines."""
import json

import numpy as np
import pytest

from core.chart_style import SERIES
from core.memory import charts
from core.memory import seq2seq_charts
from core.memory.probes import ATTENTION, MODEL_NAMES
from core.memory.tokens import tokenize
from core.memory.trajectories import trajectory

import pandas as pd


@pytest.fixture(scope="module")
def short():
    tr = trajectory(tokenize("hello world"), "lstm", 16, 1.0, 1.0, seed=0)
    return tr, charts.steps_frame(tr)


def views(spec: dict) -> list[dict]:
    """Every unit view of a concat/layer spec, depth first."""
    out = []
    for key in ("vconcat", "hconcat", "layer"):
        for sub in spec.get(key, []):
            out += views(sub)
    return out or [spec]


def assert_projector_type(spec: dict) -> None:
    axis, title = spec["config"]["axis"], spec["config"]["title"]
    assert axis["labelFontSize"] >= 18 and axis["titleFontSize"] >= 18 and title["fontSize"] >= 18


def test_one_slider_drives_every_view_of_the_main_chart(short):
    tr, df = short
    assert list(df.t) == list(range(1, 12)) and {"rnn_PC1", "attn_PC3", "cosine"} <= set(df.columns)
    spec = charts.scrub_chart(tr, df, tr.gates["f"], "f", "PC1–PC3", 4, 64).to_dict()
    assert_projector_type(spec)
    (param,) = spec["params"]
    assert param == {"name": "step", "value": 4, "bind": {"input": "range", "min": 1, "max": 11, "step": 1,
                                                          "name": "step t  "}}
    filtered = [v for v in views(spec) if {"filter": "(datum.t === step)"} in v.get("transform", [])]
    assert len(filtered) == 2 * 2 + 1 + 3        # ring + token per trajectory, heatmap box, three rules
    rings = [v for v in filtered if v["mark"].get("type") == "point"]
    assert {r["encoding"]["y"]["field"] for r in rings} == {"rnn_PC3", "attn_PC3"}


def test_start_step_is_clamped_to_the_input(short):
    tr, df = short
    assert charts.scrub_chart(tr, df, tr.h, "h", "PC1–PC2", 999, 64).to_dict()["params"][0]["value"] == 11


def test_the_step_axis_names_every_token_up_to_the_limit(short):
    tr, df = short
    spec = charts.scrub_chart(tr, df, tr.h, "h", "PC1–PC2", 4, 64).to_dict()
    axes = [v["encoding"]["x"].get("axis", {}) for v in views(spec) if v["encoding"]["x"].get("axis", {}).get("labelExpr")]
    assert axes and json.loads(axes[0]["labelExpr"].split("[datum")[0]) == list(df.token)
    long = trajectory(tokenize("ab" * 40), "tanh", 8, 1.0, 1.0, seed=0)
    spec = charts.scrub_chart(long, charts.steps_frame(long), long.h, "h", "PC1–PC2", 4, 64).to_dict()
    assert not any(v["encoding"]["x"].get("axis", {}).get("labelExpr") for v in views(spec) if "x" in v.get("encoding", {}))


def test_the_heatmap_stays_under_the_cell_limit_and_says_it_averages():
    tr = trajectory(tokenize("abcdefghij" * 20), "gru", 256, 1.0, 1.0, seed=0)
    spec = charts.scrub_chart(tr, charts.steps_frame(tr), tr.h, "h", "PC1–PC2", 4, 64).to_dict()
    heat = spec["vconcat"][1]
    rects = spec["datasets"][heat["layer"][0]["data"]["name"]]
    assert len(rects) <= 64 * 64 and "blocks of 4 steps × 4 units" in heat["title"]


def test_forgetting_charts_use_the_models_colours_and_grey_rules():
    sens = pd.DataFrame({"model": [MODEL_NAMES["tanh"], MODEL_NAMES["lstm"], ATTENTION] * 2, "t": [1, 1, 1, 2, 2, 2],
                         "trace": [1, 1, 1, 0.5, 0.9, 1.0]})
    spec = charts.sensitivity_chart(sens).to_dict()
    assert_projector_type(spec)
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["range"] == [SERIES["tanh"].colour, SERIES["lstm"].colour, SERIES["attention"].colour]
    assert spec["title"]["subtitleFontSize"] >= 18 and len(spec["title"]["subtitle"]) == 1
    assert spec["layer"][0]["encoding"]["color"]["legend"]["columns"] == 2     # talk mode's full width
    narrow = charts.sensitivity_chart(sens, legend_columns=1).to_dict()           # the page's half width
    assert narrow["layer"][0]["encoding"]["color"]["legend"]["columns"] == 1
    counted = charts.sensitivity_chart(sens.assign(sequences=7)).to_dict()
    assert counted["title"]["subtitle"][-1] == "mean of 7 sequences"      # the count read from the data
    acc = charts.accuracy_chart(sens.rename(columns={"t": "k", "trace": "accuracy"}), 0.1, title="probe").to_dict()
    assert acc["layer"][0]["encoding"]["y"]["field"] == "accuracy" and acc["title"] == "probe"
    for s in (spec, acc):
        assert "strokeDash" not in json.dumps(s)


def test_seq2seq_charts_style_themselves():
    df = pd.DataFrame({"variant": ["plain", "attention"] * 2, "n": [2, 2, 3, 3], "measure": "exact_match",
                       "accuracy": [1.0, 1.0, 0.5, 1.0], "trained": [False, False, True, True]})
    spec = seq2seq_charts.accuracy_chart(df, "exact_match", (3, 20)).to_dict()
    assert_projector_type(spec)
    assert "strokeDash" not in json.dumps(spec)
