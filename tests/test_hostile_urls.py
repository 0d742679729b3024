"""Hostile links, property-based (Hypothesis through AppTest): every key of every page.

For each page, Hypothesis draws a link that sets some of the page's keys (and the sidebar's)
to hostile values — junk text, NaN/inf, huge and negative numbers, floats for whole numbers,
empty values, whitespace, markup, repeated keys — and runs the app on it. The page must render
without an exception element, and every value that `ui.params.parse` corrects must have its
message on the page. The Params each page declares are recorded while it runs (no chapter is
imported). Bounded: HOSTILE_EXAMPLES (default 6) examples per page, no deadline.
"""
from __future__ import annotations

import os
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ui.params
import ui.sidebar
from tests.conftest import ROOT
from tests.urlkeys import CHEAP, pages, sidebar_keys

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "6"))
PAGES = pages()

junk = st.one_of(
    st.sampled_from(["", " ", "  7  ", "nan", "NaN", "inf", "-inf", "1e309", "-1e309", "1e18", "-1", "-0",
                     "0", "1", "2.5", "0.0001", "99999999999999999999999", "0x1f", "1_000", "true", "on",
                     "none", "null", "[]", "{}", ",", ",,", "a,a", "%00", "\u202e", "\x00", "\n",
                     "`![p](http://127.0.0.1:8669/p.png)", "[x](http://evil.example/)", "$x$", ":red[x]"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=30),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_,", max_size=40),
    st.integers(min_value=0, max_value=3000).map(lambda n: "9" * n),
)
value = st.one_of(junk, st.lists(junk, min_size=2, max_size=3))   # a list = a repeated key


def run_link(page, query):
    from streamlit.testing.v1 import AppTest

    seen: list[list] = []
    real = ui.params.sync_from_url

    def recording(params):
        seen.append(list(params))
        return real(params)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(page.script)
    with mock.patch.object(ui.params, "sync_from_url", recording), \
            mock.patch.object(ui.sidebar, "sync_from_url", recording):
        at.run()
    return at, {p.key: p for group in seen for p in group}


def shown(at) -> str:
    parts = [w.value for w in at.warning] + [w.value for w in at.sidebar.warning]
    parts += [e.value for e in at.error] + [i.value for i in at.info] + [m.value for m in at.markdown]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path or "overview" for p in PAGES])
def test_hostile_links(page):
    keys = [*sidebar_keys(), *page.keys]
    cheap = CHEAP.get(page.script, {})
    fuzzed = [k for k in keys if k not in cheap]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(fuzzed), value, min_size=1, max_size=len(fuzzed)))
    def check(link):
        query = {**cheap, **link}
        at, params = run_link(page, query)
        assert not at.exception, f"{query}: {[e.value for e in at.exception][:1]}"
        assert "seed" in params, "the Params were not recorded"
        text = shown(at)
        for key, raw in link.items():
            p = params.get(key)
            if p is None:
                continue            # read outside ui.params (free text): no exception is the check
            last = raw[-1] if isinstance(raw, list) else raw
            _, msg = ui.params.parse(p, last)
            if isinstance(raw, list):
                assert f"{p.name} more than once" in text, (key, raw)
            if msg:
                assert msg in text, (key, raw, msg)

    check()
