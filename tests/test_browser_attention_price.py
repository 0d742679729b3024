"""Attention maps and attention's price in a real headless Chromium.

- a sequence of interactions in one session (type a sequence, press Enter, then touch other
  controls, switch the view): no exception element (a stale answer-step label once crashed it);
- at 1280×720: a chart starts on the first screen and nothing is wider than the window;
- the open view survives a reload of the address bar's URL.
"""
from __future__ import annotations

import os

import pytest

from tests import conftest
from tests.browser import assert_no_exception, first_chart_top, open_page, wait_for_app, widest_overflow

MAPS, PRICE = "attention_maps", "attention_price"
SLOW = 180_000   # ms: a busy 2-core host (the load average here passed 50) needs it


@pytest.fixture(scope="module")
def server():
    """The shared server, on TEST_SERVER_PORT when set (a host that hands out fixed ports)."""
    port, pick = os.environ.get("TEST_SERVER_PORT"), conftest._free_port
    if port:
        conftest._free_port = lambda: int(port)
    try:
        yield from conftest._serve()
    finally:
        conftest._free_port = pick


def _interact(page, label: str) -> None:
    page.get_by_text(label, exact=False).first.click()
    wait_for_app(page, SLOW)
    assert_no_exception(page)


def test_typing_a_sequence_then_touching_other_controls_never_crashes(server, browser):
    page = open_page(browser, f"{server}/{MAPS}?a_view=step", 1280, 720, timeout_ms=SLOW)
    box = page.get_by_label("Your sequence", exact=False)
    for text in ("5 2 8 1", "9 9 0 1 2 3 4"):
        box.fill(text)
        box.press("Enter")
        wait_for_app(page, SLOW)
        assert_no_exception(page)
        tabs = page.get_by_role("tab", name="One query, step by step")   # the old page kept it in a tab
        if tabs.count():
            tabs.first.click()
        _interact(page, "Causal mask")
        _interact(page, "Scale by")
    _interact(page, "Random weights: heads, √Dh, distance")
    _interact(page, "Order: positional encodings")
    page.context.close()


@pytest.mark.parametrize("path", [MAPS, PRICE])
def test_first_screen_holds_a_chart_and_nothing_overflows(server, browser, path):
    page = open_page(browser, f"{server}/{path}", 1280, 720, timeout_ms=SLOW)
    assert_no_exception(page)
    assert first_chart_top(page) < 720
    assert widest_overflow(page) <= 0
    page.context.close()


@pytest.mark.parametrize("path, view, label", [(MAPS, "a_view=order", "The permutation test"),
                                               (PRICE, "p_view=stream", "time for one new token")])
def test_the_open_view_survives_a_reload(server, browser, path, view, label):
    page = open_page(browser, f"{server}/{path}?{view}", 1280, 720, timeout_ms=SLOW)
    url = page.url
    assert view in url
    page.goto(url)
    wait_for_app(page, SLOW)
    assert_no_exception(page)
    assert page.get_by_text(label, exact=False).count() >= 1 or label in page.content()
    page.context.close()
