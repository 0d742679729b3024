"""The timing lab's, scan's and head to head's exports: every "reproduce in Python" snippet runs in a
fresh process and prints the frame the page draws (exactly, for computed and shipped data; the same
columns and grid, for a live timing that the snippet measures again), and every chart drawn on these
pages carries its export menu."""
from __future__ import annotations

import pandas as pd
import pytest

from core.config import H2H, TIMING_METHODS
from core.head_to_head import shipped, throughput
from core.scan import compare, grads, lm, modes, results, tree_view
from core.story import snippets
from core.timing import fit, reference
from core.timing import results as tresults
from core.timing.spec import SweepSpec
from tests.conftest import app_test
from tests.test_export import _run, _same

METHODS = ("rnncell_loop", "sdpa")
TINY = SweepSpec(methods=METHODS, B=2, d=16, heads=2, t_min=8, t_max=16, points=2, threads=1,
                 min_run_time=0.02, repeats=3)


# ------------------------------------------------------------------ timing lab
@pytest.mark.parametrize("mode", ["forward", "train"])
def test_timing_reference_snippet_prints_the_main_charts_frame(mode):
    _, df = reference.load(mode)
    _same(_run(snippets.timing_reference(mode, METHODS)), df[df["method"].isin(METHODS)])


def test_timing_file_snippet_loads_the_shipped_file():
    path = reference.shipped()[0]
    _, df = tresults.load(path)
    _same(_run(snippets.timing_file(path.name, TIMING_METHODS)), df[df["method"].isin(TIMING_METHODS)])


def test_timing_work_span_snippet_reproduces_the_model():
    args = (TINY.grid(), TINY.methods, 4, 32, "train", 2e13, 5e-6)
    _same(_run(snippets.timing_work_span(*args)), fit.work_span(*args))


def test_timing_live_snippet_measures_again_with_the_pages_columns_and_grid():
    from core.timing.live import LiveRequest
    live = LiveRequest((TINY,))
    for _ in live.work():
        pass
    page, again = live.frame(), _run(snippets.timing_sweep(TINY))
    assert list(again.columns) == list(page.columns) and "pct_of_peak" in again
    assert sorted(set(again["T"])) == sorted(set(page["T"])) == TINY.grid()
    assert list(again["method"]) == list(page["method"])


def test_timing_seed_snippet_replays_with_the_pages_rows():
    again = _run(snippets.timing_seed("cpu", 1, 0))
    assert list(again.columns) == ["model", "how", "ms"] and (again["ms"] > 0).all()
    assert set(again["model"]) == {"RNNCell loop", "nn.MultiheadAttention"} and len(again) == 6


# ------------------------------------------------------------------ scan
@pytest.mark.parametrize("name", ["THREE_WAYS", "STEP_CPU"])
def test_scan_shipped_snippets_load_the_files(name):
    _same(_run(snippets.scan_shipped(name)), results.load(getattr(results, name))[1])


def test_scan_computed_snippets_reproduce_the_pages_frames():
    _same(_run(snippets.scan_error_curve([16, 64], 1)), compare.error_curve([16, 64], seed=1))
    _same(_run(snippets.scan_tree(8, 0.8, "ones", 2)), tree_view.levels(8, 0.8, "ones", 2)[0])
    _same(_run(snippets.scan_state(16)), modes.state_frame(16, 16))
    _same(_run(snippets.scan_gradients(40, 2.0, 0)), grads.profile(40, 2.0, 0).band)
    task = next(iter(lm.recorded()))
    _same(_run(snippets.scan_recorded(task)), pd.DataFrame(lm.recorded()[task]["by_length"]))


def test_scan_three_ways_snippet_times_again_with_the_pages_columns():
    page = compare.three_ways(64, 4, 0, threads=1, rates=compare.calibrate()).table.assign(T=64)
    again = _run(snippets.scan_three_ways(64, 4, 0))
    assert list(again.columns) == list(page.columns)
    assert list(again["method"]) == list(page["method"]) and set(again["T"]) == {64}


def test_scan_step_snippet_times_again_on_the_pages_grid():
    again = _run(snippets.scan_step(16, "cpu", 0))
    assert {"method", "T", "median_s"} <= set(again.columns) and set(again["T"]) == {16}


# ------------------------------------------------------------------ head to head
def test_head_to_head_snippets_reproduce_the_shipped_frames():
    _, runs = shipped.sweep()
    _same(_run(snippets.h2h_runs("recall")), runs[runs.task == "recall"])
    c = shipped.curves()
    kinds = list(H2H.default_models)
    _same(_run(snippets.h2h_curves("recall", 16, kinds)),
          c[(c.task == "recall") & (c.distance == 16) & c.model.isin(kinds)])
    _, tp = shipped.throughput()
    target = H2H.tp_widths[0]
    _same(_run(snippets.h2h_throughput(target)), tp[tp.target_params == target])
    kinds = tuple(dict.fromkeys(tp.model))
    m = throughput.modelled(kinds, H2H.tp_widths, H2H.tp_lengths)
    _same(_run(snippets.h2h_modelled(kinds, H2H.tp_widths, H2H.tp_lengths, target)), m[m.target_params == target])


# ------------------------------------------------------------------ every chart has its menu
def _menus(at) -> tuple[int, int]:
    return len(at.get("vega_lite_chart")), sum(p.proto.popover.label == "Export" for p in at.get("popover"))


@pytest.mark.parametrize("page, query", [
    ("chapters/head_to_head.py", {}),
    ("chapters/scan.py", {"s_sec": "gradients", "s_gT": "40"}),
    ("chapters/scan.py", {"s_sec": "the tree", "s_tT": "8"}),
    ("chapters/scan.py", {"s_sec": "two modes", "s_mT": "32", "s_N": "8"}),
])
def test_every_chart_on_these_pages_has_an_export_menu(page, query):
    at = app_test(page=page, timeout=120, **query)
    assert not at.exception
    charts, menus = _menus(at)
    assert charts >= 1 and menus == charts


@pytest.mark.parametrize("section", ["speedup", "peak", "model", "file"])
def test_the_timing_labs_charts_get_their_menus_once_the_sweep_is_done(monkeypatch, section):
    from tests.test_page_timing import timing_page, use_synthetic
    use_synthetic(monkeypatch)
    at = timing_page(t_view=section)
    assert _menus(at)[1] == _menus(at)[0] - 1              # while a sweep is pending the main chart is bare
    at.button(key="t_again").click().run()
    assert not at.exception
    charts, menus = _menus(at)
    assert charts == 2 and menus == 2                      # the main chart and the section's
