"""The timing lab through AppTest: a small, fast sweep given through the URL (as a shared link would)."""
import json

from tests.conftest import app_test

PAGE = "chapters/timing_lab.py"
SMALL = dict(t_methods="rnncell_loop,sdpa", t_tmin=8, t_tmax=32, t_points=3, t_secs=0.02, t_B=4, t_d=32)


def timing_page(**query):
    return app_test(page=PAGE, timeout=120, **{**SMALL, **query})


def notice_text(at) -> str:
    """The 'what to notice' list (written from the measured numbers)."""
    return "\n".join(m.value for m in at.markdown if "the RNNCell loop took" in m.value)


def test_small_sweep_renders_charts_and_numbers():
    at = timing_page()
    assert not at.exception
    assert not at.error
    assert "At T = 32, the RNNCell loop took" in notice_text(at)
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert len(specs) >= 3  # time vs T, speed-up, % of peak, model
    assert any("Time per call vs sequence length" in s for s in specs)


def test_changing_a_control_changes_the_output():
    at = timing_page()
    before = notice_text(at)
    at.multiselect(key="t_methods").set_value(["rnncell_loop", "mha"]).run()
    assert not at.exception
    after = notice_text(at)
    assert "nn.MultiheadAttention" in after and "nn.MultiheadAttention" not in before


def test_tampered_url_values_get_messages_and_are_clamped():
    # heads=3 does not divide d=32, so the (clamped, huge) sweep is refused instead of run.
    at = timing_page(t_tmax="1000000000", t_B="abc", t_methods="rnncell_loop,bogus", t_mode="fast", t_heads="3")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "using 16,384" in warnings
    assert "“abc”" in warnings and "not a whole number" in warnings
    assert "“bogus”" in warnings
    assert "“fast”" in warnings


def test_sweep_over_the_limits_is_refused_with_the_limit_named():
    at = timing_page(t_tmax="16384", t_B="128", t_d="1024", t_methods="mha")
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "Not timed" in errors and "GiB" in errors and "limit" in errors


def test_heads_must_divide_width():
    at = timing_page(t_d="40", t_heads="3")
    assert "divisible by heads" in " ".join(e.value for e in at.error)


def test_one_thread_comparison_overlays_and_explains():
    at = timing_page(t_threads="2", t_cmp1="1")
    assert not at.exception
    notes = "\n".join(m.value for m in at.markdown)
    assert "Going from 1 to 2 threads at T = 32" in notes
    chart = next(c.proto for c in at.get("vega_lite_chart") if "Time per call" in c.proto.spec)
    arrow = b"".join(d.data.data for d in chart.datasets)  # the rows travel as Arrow, beside the spec
    assert b"this device, 1 thread" in arrow and b"this device (live)" in arrow


def test_measure_again_times_afresh():
    at = timing_page()
    first = notice_text(at)
    at.button(key="t_again").click().run()
    assert not at.exception
    assert "At T = 32, the RNNCell loop took" in notice_text(at)
    assert notice_text(at) != first  # fresh medians, not the cached ones
