"""The pure decisions behind the timing lab, scan and head-to-head pages (core/*/view.py): which
request is timed or refused, which frame and sentence are shown, estimates, tables and captions."""
from __future__ import annotations

import pandas as pd
import pytest

from core.config import H2H, SCAN
from core.head_to_head import models, shipped, view as hview
from core.scan import compare, view as sview
from core.timing import notes, reference, view
from core.timing.spec import SweepSpec
from tests.test_page_timing import fake_rows

SMALL = SweepSpec(methods=("rnncell_loop", "sdpa"), B=4, d=32, heads=2, t_min=8, t_max=32, points=3,
                  threads=2, min_run_time=0.02)


@pytest.fixture(scope="module")
def ref():
    meta, df = reference.load("forward")
    return meta, df[df["method"].isin(SMALL.methods)]


class FakeLive:
    """The part of `core.timing.live.LiveRequest` the view reads."""

    def __init__(self, spread: float, status: str = "done"):
        self.specs, self.status, self.peak = (SMALL,), status, 1e11
        self.rows = [r for T in SMALL.grid() for r in fake_rows(T, SMALL, spread)]

    def complete(self):
        return True

    def stable(self):
        return all(r["stable"] for r in self.rows)

    def frame(self, spec=None):
        return pd.DataFrame(self.rows).assign(pct_of_peak=1.0)


# ------------------------------------------------------------------ timing
def test_prior_peak_only_from_the_same_device_and_threads(ref):
    meta, _ = ref
    assert view.prior_peak(meta, meta["device_name"], meta["threads"]) == meta["peak_flops_per_s"]
    assert view.prior_peak(meta, meta["device_name"], meta["threads"] + 1) == 0.0
    assert view.prior_peak(meta, None, meta["threads"]) == 0.0


def test_plan_estimates_a_valid_request_and_adds_the_one_thread_overlay(ref):
    meta, _ = ref
    p = view.plan(SMALL, False, meta, None, 0.0)
    assert p.request == (SMALL,) and p.estimate > 0 and p.error is None
    assert len(view.plan(SMALL, True, meta, None, 0.0).request) == 2


@pytest.mark.parametrize("changes, words", [({"d": 40, "heads": 3}, "divisible by heads"),
                                            ({"t_max": 16384, "B": 128, "d": 1024, "methods": ("mha",)},
                                             "memory limit per sweep")])
def test_plan_refuses_before_queueing_and_names_the_limit(ref, changes, words):
    from dataclasses import replace
    p = view.plan(replace(SMALL, **changes), False, ref[0], None, 0.0)
    assert p.request is None and p.error.startswith("Not timed: ") and words in p.error


def test_without_a_live_sweep_the_reference_is_shown_and_stated(ref):
    meta, df = ref
    s = view.shown(None, SMALL, meta, df, None)
    assert s.from_ref and not s.stable_live and s.df is df
    assert s.claim == notes.claim(df, "CPU", meta["threads"]) and s.caption.startswith("From the shipped reference")
    assert all(n.startswith("Shipped reference (") for n in s.notices) and s.source.startswith("shipped reference")
    assert s.peak_gflops == meta["peak_flops_per_s"] / 1e9


def test_a_steady_live_sweep_becomes_the_finding(ref):
    meta, df = ref
    s = view.shown(FakeLive(0.02), SMALL, meta, df, "Test CPU")
    assert s.stable_live and not s.from_ref and s.caption == "Measured live on this server just now."
    assert "At T = 32" in s.claim and s.source == "live" and s.peak_gflops == 100.0
    assert all("Test CPU, 2 threads" in t for t in s.overview.values())


def test_a_noisy_live_sweep_is_drawn_but_never_stated(ref):
    meta, df = ref
    s = view.shown(FakeLive(0.6), SMALL, meta, df, "Test CPU")
    assert not s.stable_live and not s.from_ref
    assert s.claim == notes.claim(df, "CPU", meta["threads"])
    assert "too busy to tell" in s.notices[0] and all("too busy" in t for t in s.overview.values())


def test_no_pair_to_compare_says_so(ref):
    meta, df = ref
    assert view.shown(None, SMALL, meta, df[df["method"] == "sdpa"], None).claim == view.NO_PAIR


# ------------------------------------------------------------------ scan
def test_step_estimate_without_a_reference_is_six_two_second_calls_per_point():
    assert sview.step_estimate(None, [16, 32]) == 6 * 2.0 * 2 * len(SCAN.step_methods)


def test_step_estimate_stops_a_method_before_a_call_over_the_limit():
    ref = pd.DataFrame([{"method": m, "T": T, "median_s": 0.1 if T == 16 else SCAN.step_max_call_s + 1}
                        for m in SCAN.step_methods for T in (16, 32, 64)])
    assert sview.step_estimate(ref, [16, 32, 64]) == pytest.approx(6 * 0.1 * len(SCAN.step_methods))


def test_three_ways_table_caption_and_overview_from_the_numbers():
    r = compare.three_ways(64, 4, 0, timed=False)
    t = sview.three_ways_table(r.table.assign(median_s=1e-3, unstable=False), r.counts)
    assert list(t.columns) == ["method", "median ms", "unstable", "max |diff| vs float64", "torch calls",
                               "sequential depth", "combines"]
    assert "loop T = 64 deep" in sview.work_span_caption(64, r.counts) and "12 levels" in sview.work_span_caption(64, r.counts)
    row = sview.overview_row(r.table.assign(median_s=1e-3), 64)
    assert row.startswith("T = 64: tree ") and row.endswith("one thread")


# ------------------------------------------------------------------ head to head
@pytest.mark.parametrize("done, outcome, status", [(True, "done", "done"), (False, "done", "time limit"),
                                                   (False, "stopped", "stopped"), (True, "stopped", "stopped")])
def test_run_status(done, outcome, status):
    assert hview.run_status(done, outcome) == status


def test_estimate_is_positive_and_bounded_by_the_live_limit():
    _, runs = shipped.sweep()
    est = hview.estimate(runs, "recall", 4, ["rnn", "gru"], 25)
    assert 0 < est <= H2H.live_seconds
    assert hview.estimate(runs, "recall", 64, list(H2H.models.options), H2H.live_steps.hi) == H2H.live_seconds


def test_contestants_table_one_row_per_model_with_its_tuned_settings():
    _, runs = shipped.sweep()
    kinds = models.available()
    t = hview.contestants_table(runs[runs.task == "recall"], kinds)
    assert len(t) == len(kinds) and "ms per step" in t.columns and f"steps to {H2H.solved:.0%}" in t.columns
    assert (t.loc[t.index != "transformer", "vs transformer"].str.match(r"^[+-]\d")).all()


def test_captions_name_the_commands_that_made_the_files():
    meta, _ = shipped.sweep()
    tmeta, _ = shipped.throughput()
    assert meta.get("command", "") in hview.sweep_caption(meta) and "min on one thread" in hview.sweep_caption(meta)
    assert tmeta.get("command", "") in hview.throughput_caption(tmeta)
    assert "learning rates" in hview.tuning_text(shipped.tuning().get("meta", {}))
