"""The whole app in a real headless Chromium (Debian's package, driven by Playwright).

Every page opens with no exception element, and the browser asks no host other
than the local server for anything: the app works offline.
"""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser import wait_for_app
from tests.conftest import page_url_paths


@pytest.mark.parametrize("url_path", page_url_paths())
def test_page_opens_without_exception_and_offline(server, browser, url_path):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    foreign: list[str] = []
    local = urlparse(server).netloc
    page.on("request", lambda r: foreign.append(r.url)
            if urlparse(r.url).scheme in ("http", "https", "ws", "wss") and urlparse(r.url).netloc != local
            else None)
    page.goto(f"{server}/{url_path}")
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("h1").count() >= 1
    assert foreign == [], f"requests to other hosts: {foreign[:5]}"
    ctx.close()


def test_tampered_link_shows_message_in_browser(server, browser):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{server}/?seed=banana")
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("not a whole number").count() >= 1
    ctx.close()


SMALL_TIMING = "timing_lab?t_methods=rnncell_loop,sdpa&t_tmin=8&t_tmax=32&t_points=3&t_secs=0.02&t_B=4&t_d=32&t_view=file"


@pytest.mark.parametrize("name, content, message", [
    ("notes.json", b"this is not json", "not valid JSON"),
    ("wrong.json", b'{"schema": "timing-result/1", "meta": {}, "rows": []}', "could not be computed"),
    ("huge.json", b" " * 1_500_000, "limited to 1,000,000 bytes"),
])
def test_bad_result_upload_gets_a_message_and_the_page_keeps_working(server, browser, tmp_path, name, content, message):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(f"{server}/{SMALL_TIMING}")
    wait_for_app(page, 120_000)
    path = tmp_path / name
    path.write_bytes(content)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.wait_for_selector(f"text={message}", timeout=120_000)
    wait_for_app(page, 120_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("What to notice").count() == 1  # the live results are still there
    ctx.close()


def test_first_visitor_deep_link_gets_the_full_app(fresh_server, browser):
    """streamlit#8860: with a pages/ folder, the first visitor after a server start who opens a
    deep link got the legacy folder router (no sidebar, no app.py). The chapters live in
    chapters/, so there is no such router; this checks the first visit shows the real app."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(f"{fresh_server}/{page_url_paths()[-1]}")
    wait_for_app(page, 120_000)
    assert page.get_by_text("Random seed").count() == 1          # app.py's shared sidebar ran
    assert page.locator("[data-testid='stSidebarNav']").get_by_text("Overview").count() == 1
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    ctx.close()
