"""The cache of converted charts (`ui.spec_cache`): keys that follow the arguments' content, hits that
give exactly the spec a fresh conversion gives (the oracle: `ui.vega.converted` on the chart built
directly), copies a caller may change, and a bound on its bytes."""
import dataclasses

import numpy as np
import pandas as pd
import pytest

from core.gradients import charts
from core.gradients.profile import GradientSetup, gradient_profile
from ui import vega
from ui.spec_cache import CACHE, Lazy, SpecCache, content_key


def _frame(**over):
    df = pd.DataFrame({"d": np.arange(50), "v": np.linspace(1, 2, 50), "m": ["a", "b"] * 25})
    return df.assign(**over)


def test_the_key_follows_content_not_identity():
    assert content_key(_frame()) == content_key(_frame())
    assert content_key(_frame()) != content_key(_frame(v=np.linspace(1, 2, 50) + 1e-12))
    assert content_key(_frame()) != content_key(_frame().rename(columns={"v": "w"}))
    assert content_key(_frame()) != content_key(_frame().astype({"d": "float64"}))
    assert content_key((0.9, "x")) != content_key((0.95, "x")) and content_key([1]) != content_key((1,))
    setup = GradientSetup(models=("tanh",), T=20)
    assert content_key(setup) == content_key(GradientSetup(models=("tanh",), T=20))
    assert content_key(setup) != content_key(dataclasses.replace(setup, rho=0.95))
    for unreadable in (object(), lambda: 1, pd.DataFrame({"a": [[1], [2]]})):
        with pytest.raises(TypeError):
            content_key(unreadable)


def test_a_local_builder_or_an_unreadable_argument_is_not_keyed():
    def local(df):
        return charts.decay(df, "x", 0.9)
    assert Lazy(local, _frame()).key is None
    assert Lazy(local, _frame(), named="scene x").key == Lazy(lambda df: None, _frame(), named="scene x").key
    assert Lazy(charts.decay, object(), "x", 0.9).key is None
    assert Lazy(charts.decay, _frame(), "x", 0.9).key == Lazy(charts.decay, _frame(), "x", 0.9).key
    assert Lazy(charts.decay, _frame(), "x", 0.9).key != Lazy(charts.decay, _frame(), "x", 0.95).key
    one, two = Lazy.parts(charts.jacobian_product, 2, _frame(), "tanh")
    assert one.key != two.key


@pytest.fixture(scope="module")
def band():
    p = gradient_profile(GradientSetup(models=("tanh", "lstm"), T=40, n_hidden=16, n_seeds=2))
    return p.band[p.band["wrt"] == "x"], p


def test_a_hit_is_the_fresh_conversion_and_a_copy(band):
    df, _ = band
    CACHE.clear()
    fresh = vega.converted(charts.decay(df, "x", 0.9), df)
    first = vega.converted(Lazy(charts.decay, df, "x", 0.9), df)
    hits = CACHE.hits
    second = vega.converted(Lazy(charts.decay, df.copy(), "x", 0.9), df.copy())
    assert CACHE.hits == hits + 1
    assert first == fresh and second == fresh
    second[0]["height"] = "container"
    second[0].pop("datasets")
    assert vega.converted(Lazy(charts.decay, df, "x", 0.9), df) == fresh
    other = vega.converted(Lazy(charts.decay, df, "x", 1.05), df)
    assert other != fresh and other == vega.converted(charts.decay(df, "x", 1.05), df)


def test_the_parts_of_one_builder_are_built_once_and_each_is_its_own_chart(band):
    _, p = band
    from core.gradients.jacobians import bounded_jacobian_view
    view = bounded_jacobian_view(GradientSetup(models=("tanh",), T=30, n_hidden=8, n_seeds=1), "tanh")
    parts = Lazy.parts(charts.jacobian_product, 2, view.frame, view.kind)
    direct = charts.jacobian_product(view.frame, view.kind)
    for lazy, chart in zip(parts, direct):
        assert vega.converted(lazy, view.frame) == vega.converted(chart, view.frame)
    assert parts[0]._built is parts[1]._built


def test_the_cache_keeps_within_its_bytes_least_recently_used_out_first():
    cache = SpecCache(limit_bytes=3_000)
    spec = {"mark": "line", "datasets": {"n": b"x" * 900}}
    for k in "abc":
        cache.put(k, spec, "label", "text")
    assert cache.get("a") is not None                  # a is now the most recent
    cache.put("d", spec, "label", "text")
    assert cache.get("b") is None and cache.get("a") is not None and cache.size <= 3_000
    cache.put("huge", {"datasets": {"n": b"x" * 5_000}}, "", "")
    assert cache.get("huge") is None and cache.size <= 3_000


def _redraw_script():
    import altair as alt
    import pandas as pd
    import streamlit as st

    from ui import vega
    from ui.spec_cache import Lazy

    def line(df):
        return alt.Chart(df).mark_line().encode(x="x", y="y")

    a, b = pd.DataFrame({"x": [1, 2], "y": [1, 4]}), pd.DataFrame({"x": [1, 2, 3], "y": [1, 4, 9]})
    redraw = vega.Redraw("demo", within=st.container())
    for df in (a, a.copy(), b, b, a):            # equal contents twice in a row send one message
        redraw.draw(Lazy(line, df, named="line"))    # a local builder is keyed by the name given
    st.markdown(f"sent={redraw.sent}")


def test_a_redraw_of_the_same_chart_sends_nothing():
    """A live sweep reports after every round while its chart changes once per point: an unchanged
    chart is not sent again (oracle: the contents drawn, a, a, b, b, a → three messages)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_redraw_script, default_timeout=30).run()
    assert not at.exception
    assert at.markdown[0].value == "sent=3"
