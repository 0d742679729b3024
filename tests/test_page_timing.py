"""The timing lab through AppTest. Measuring is replaced by synthetic rows (steady or noisy) where a
test needs a live sweep: the page's logic is under test here, the harness in tests/test_timing.py."""
import dataclasses

import pytest
import streamlit as st

from core import config
from core.config import TIMING
from core.timing import live as live_mod
from core.timing import notes, reference
from core.timing.sweep import LABELS
from tests.conftest import app_test

PAGE = "chapters/timing_lab.py"
SMALL = dict(t_methods="rnncell_loop,sdpa", t_tmin=8, t_tmax=32, t_points=3, t_secs=0.02, t_B=4, t_d=32)


def fake_rows(T, spec, spread):
    c = {"rnncell_loop": 1e-4, "sdpa": 1e-5, "mha": 2e-5}
    slow = 1.0 if spec.threads > 1 else 1.5
    return [{"method": m, "label": LABELS[m], "T": T, "threads": spec.threads, "median_s": c.get(m, 3e-5) * T * slow,
             "p25_s": c.get(m, 3e-5) * T * slow * (1 - spread / 2), "p75_s": c.get(m, 3e-5) * T * slow * (1 + spread / 2),
             "spread": spread, "stable": spread <= TIMING.max_spread, "attempts": 1, "first_call_s": 1e-3,
             "flops": 1e6 * T, "flops_per_s": 1e6 * T / (c.get(m, 3e-5) * T), "sequential_steps": T if "loop" in m else 1}
            for m in spec.methods]


@pytest.fixture()
def synthetic(monkeypatch):
    return use_synthetic(monkeypatch)


def use_synthetic(monkeypatch) -> dict:
    """Live sweeps produce synthetic rows (spread set by the test); nothing is timed."""
    st.cache_data.clear()
    st.cache_resource.clear()
    state = {"spread": 0.02, "timed": 0}

    def steps(T, spec, remeasure=None):
        state["timed"] += 1
        yield "round 1"
        return fake_rows(T, spec, state["spread"])

    monkeypatch.setattr(live_mod, "point_steps", steps)
    monkeypatch.setattr(live_mod, "check_request", lambda specs, prior=0.0: (1.0, 1e11))
    monkeypatch.setattr(live_mod, "final_peak", lambda device, threads, df: (1e11, False))
    monkeypatch.setattr(live_mod, "fresh_peak", lambda device, threads: 1e11)
    # The page's own drawing between chunks is slow on a loaded test host: no time limit here.
    monkeypatch.setattr(config, "TIMING", dataclasses.replace(config.TIMING, overrun_factor=1000.0))
    return state


def timing_page(**query):
    return app_test(page=PAGE, timeout=120, **{**SMALL, **query})


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning])


def claim(at) -> str:
    return next(m.value for m in at.markdown if "dependent steps took" in m.value)


def arrow(at, title="Time per call"):
    chart = next(c.proto for c in at.get("vega_lite_chart") if title in c.proto.spec)
    return b"".join(d.data.data for d in chart.datasets)


def test_default_view_paints_the_shipped_reference_without_timing(synthetic):
    at = app_test(page=PAGE, timeout=60)
    assert not at.exception and not at.error
    assert synthetic["timed"] == 0                                   # nothing measured on the first run
    meta, df = reference.load("forward")
    assert notes.claim(df, "CPU", meta["threads"]) in texts(at)      # the claim, from the shipped numbers
    assert b"shipped reference: " in arrow(at) and b"this device, live" not in arrow(at)
    assert "starts in a moment" in texts(at) or "Getting ready to measure" in texts(at)
    assert any("Next: Vanishing gradients" in p.proto.label for p in at.get("page_link"))


def test_training_mode_paints_the_training_reference(synthetic):
    at = app_test(page=PAGE, timeout=60, t_mode="train")
    meta, df = reference.load("train")
    assert meta["mode"] == "train" and notes.claim(df, "CPU", meta["threads"]) in texts(at)
    assert synthetic["timed"] == 0


def test_a_steady_live_sweep_is_stated_and_shared_with_the_next_visitor(synthetic):
    at = timing_page()
    at.button(key="t_again").click().run()
    assert not at.exception and synthetic["timed"] == 3
    said = texts(at)
    assert "At T = 32, the RNNCell loop took" in said and "Shipped reference (" not in said
    assert "Live: measured on this server, every point stable" in said and b"this device, live" in arrow(at)
    assert "on this CPU (2 threads)" in claim(at) and "At T = 32" in claim(at)   # the claim is now the live one
    assert "Measured live on this server" in texts(at)
    other = timing_page()                                                         # another visitor, same link
    assert synthetic["timed"] == 3 and "Live: measured on this server, every point stable" in texts(other)      # served, not re-measured


def test_a_noisy_live_sweep_is_flagged_withheld_and_not_shared(synthetic):
    synthetic["spread"] = 0.6
    at = timing_page()
    at.button(key="t_again").click().run()
    said = texts(at)
    assert "too busy to tell for 6 of 6 points" in said
    assert "Shipped reference (" in said and "At T = 32, the RNNCell loop took" not in said
    assert "At T = 512" in claim(at) and "From the shipped reference" in texts(at)   # the claim stays the reference's
    other = timing_page()
    assert "Live: measured on this server, every point stable" not in texts(other)                              # never cached server-wide


def test_measure_again_affects_only_the_callers_view(synthetic):
    first = timing_page()
    first.button(key="t_again").click().run()
    other = timing_page()
    assert synthetic["timed"] == 3 and "Live: measured on this server, every point stable" in texts(other)
    other.button(key="t_again").click().run()
    assert synthetic["timed"] == 6                                               # timed afresh for that caller
    first.run()
    assert "Live: measured on this server, every point stable" in texts(first) and synthetic["timed"] == 6      # the first view untouched


def test_one_thread_overlay_is_estimated_measured_and_explained(synthetic):
    at = timing_page(t_threads="2", t_cmp1="1")
    assert "starts in a moment (about" in texts(at) or "Getting ready" in texts(at)
    at.button(key="t_again").click().run()
    assert synthetic["timed"] == 6
    assert "Going from 1 thread to 2 threads at T = 32" in texts(at)
    assert b"this device, 1 thread" in arrow(at) and b"this device, live" in arrow(at)


def test_tampered_url_values_get_messages_and_are_clamped(synthetic):
    at = timing_page(t_tmax="1000000000", t_B="abc", t_methods="rnncell_loop,bogus", t_mode="fast", t_heads="3",
                     t_view="bogus")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "using 16,384" in warnings
    assert "“abc”" in warnings and "not a whole number" in warnings
    assert "“bogus”" in warnings and "“fast”" in warnings and "section" in warnings


def test_sweep_over_the_limits_is_refused_with_the_limit_named(synthetic):
    at = timing_page(t_tmax="16384", t_B="128", t_d="1024", t_methods="mha")
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "Not timed" in errors and "GiB" in errors and "memory limit per sweep" in errors
    assert b"shipped reference" in arrow(at)                                     # the chart is still there


def test_heads_must_divide_width(synthetic):
    at = timing_page(t_d="40", t_heads="3")
    assert "divisible by heads" in " ".join(e.value for e in at.error)


@pytest.mark.parametrize("view, title", [("speedup", "Speed-up over"), ("peak", "Share of the device"),
                                         ("model", "MODEL (not a measurement)"), ("file", "Time per call")])
def test_each_section_opens_from_the_link(synthetic, view, title):
    at = timing_page(t_view=view)
    assert not at.exception and not at.error
    assert at.radio(key="t_view").value == view
    assert any(title in c.proto.spec for c in at.get("vega_lite_chart"))
