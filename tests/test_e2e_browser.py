"""The whole app in a real headless Chromium (Debian's package, driven by Playwright).

Every page opens with no exception element, and the browser asks no host other
than the local server for anything: the app works offline.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import page_url_paths

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), (
        "Debian's chromium is needed for the browser test: `apt-get install chromium` "
        "(scripts/test.sh does this)"
    )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)


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
    assert page.locator("h1").count() >= 1
    assert foreign == [], f"requests to other hosts: {foreign[:5]}"
    ctx.close()


def test_tampered_link_shows_message_in_browser(server, browser):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{server}/overview?seed=banana")
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("not a whole number").count() >= 1
    ctx.close()
