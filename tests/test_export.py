"""Exports: SVG and PNG files that parse, file names that say what they show, a text
description written from the chart's data, and "reproduce in Python" snippets that run in a
fresh process and print exactly the data the page drew."""
from __future__ import annotations

import io
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from core.gradients import charts as gcharts
from core.gradients.profile import GradientSetup, gradient_profile
from core.price import costs
from core.story import figures, snippets
from core.story.scenes import BY_SLUG
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def scene_chart():
    s = BY_SLUG["matrix"]
    d = s.compute()
    return s.chart(d), d


def test_svg_parses_and_png_has_a_valid_header_and_size(scene_chart):
    chart, _ = scene_chart
    spec = figures.spec_json(chart)
    svg = figures.to_svg(spec)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and float(root.get("width")) > 300
    png = figures.to_png(spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    w, h = struct.unpack(">II", png[16:24])
    assert w >= 2 * 300 and h >= 2 * 200          # 2× pixels


def test_file_names_say_page_chart_and_settings():
    stem = figures.file_stem("gradients", "decay", {"rho": 0.9, "T": 200, "models": "tanh,lstm", "x": None})
    assert stem == "gradients_decay_rho-0.9_T-200_models-tanh-lstm"
    assert "/" not in figures.file_stem("a/b", "c d", {"k": "../../etc"})


def test_description_names_the_title_axes_and_each_series(scene_chart):
    chart, d = scene_chart
    text = figures.describe(chart, d.frame[d.frame["part"] == "curve"])
    assert text.startswith("The T × T matrix") and "GiB" in text and "one head" in text
    assert figures.describe(chart, pd.DataFrame()).endswith(".")


def test_the_label_is_the_descriptions_title_and_axes_whatever_the_data(scene_chart):
    """The screen-reader label (figures=False) is the description's first sentences, no figure from
    the data, and the same for other rows of the same columns."""
    chart, d = scene_chart
    curve = d.frame[d.frame["part"] == "curve"]
    full, label = figures.describe(chart, curve), figures.describe(chart, curve, figures=False)
    assert full.startswith(label) and len(label) < len(full) and " from " not in label and " at 64" not in label
    assert figures.describe(chart, curve.iloc[:3], figures=False) == label
    assert figures.describe(chart, curve.iloc[:0], figures=False) == label


def _run(code: str) -> pd.DataFrame:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=180, check=True).stdout
    return pd.read_csv(io.StringIO(out))


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), pd.read_csv(io.StringIO(b.to_csv(index=False))))


def test_gradient_snippet_reproduces_the_pages_band():
    kwargs = dict(models=("tanh", "lstm"), T=60, n_hidden=16, rho=0.9, n_seeds=2, seed=3)
    band = gradient_profile(GradientSetup(**kwargs)).band
    page = band[band["wrt"] == "x"]
    _same(_run(snippets.gradient_band(kwargs, "x")), page)
    gcharts.decay(page, "x", 0.9)                  # the page's chart takes exactly this frame


def test_matrix_snippet_reproduces_the_pages_curve():
    page = costs.size_curve(costs.matrix_size(2048, 4, 6, 2, "bfloat16"))
    _same(_run(snippets.matrix_size(2048, 4, 6, 2, "bfloat16")), page)
