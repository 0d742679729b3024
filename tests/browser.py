"""Helpers for the real-browser tests (Debian's chromium through Playwright).

Use with the `browser` and `server` fixtures from conftest.py:

    page = open_page(browser, f"{server}/gradients", 1280, 720)
    assert_no_exception(page)
    assert first_chart_top(page) < 720          # a chart starts on the first screen
    assert widest_overflow(page) <= 0           # nothing wider than the window
"""
from __future__ import annotations

from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
CHART = "[data-testid='stVegaLiteChart'], [data-testid='stArrowVegaLiteChart'], [data-testid='stImage'], .vega-embed"


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Until the script has finished running (twice, 300 ms apart: a rerun may follow)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)


def open_page(browser, url: str, width: int = 1280, height: int = 720, timeout_ms: int = 60_000,
              foreign: list[str] | None = None):
    """A new context at width×height on `url`, waited until idle; requests to other hosts go to `foreign`."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    if foreign is not None:
        local = urlparse(url).netloc
        page.on("request", lambda r: foreign.append(r.url)
                if urlparse(r.url).scheme in ("http", "https", "ws", "wss") and urlparse(r.url).netloc != local
                else None)
    page.goto(url)
    wait_for_app(page, timeout_ms)
    # Before the session's first run reaches the browser the app can already read "notRunning"
    # with an empty main area (a server busy with another session): wait for content, then idle.
    page.wait_for_selector("[data-testid='stMain'] [data-testid='stElementContainer']", timeout=timeout_ms)
    wait_for_app(page, timeout_ms)
    return page


def assert_no_exception(page) -> None:
    n = page.locator("[data-testid='stException']").count()
    assert n == 0, page.locator("[data-testid='stException']").first.inner_text()[:500]
    assert page.get_by_text("Page not found").count() == 0


def first_chart_top(page, wait_ms: int = 15_000) -> float:
    """The top edge (px, in the page) of the first rendered chart; inf when none renders in `wait_ms`."""
    try:
        page.wait_for_selector(".vega-embed canvas, .vega-embed svg, [data-testid='stImage'] img", timeout=wait_ms)
    except Exception:  # noqa: BLE001 - no chart is an answer, not an error
        return float("inf")
    return page.evaluate(f"""() => {{
        const els = [...document.querySelectorAll("{CHART}")].filter(e => e.getBoundingClientRect().height > 40);
        if (!els.length) return Infinity;
        return Math.min(...els.map(e => e.getBoundingClientRect().top + window.scrollY));
    }}""")


def widest_overflow(page) -> float:
    """How many px the widest visible element of the main area reaches past the window's right
    edge (≤ 0: none). An element clipped by an ancestor (overflow hidden/auto/scroll, as KaTeX's
    wide SVG paths are) counts only up to that ancestor's edge; inside an SVG the <svg> counts."""
    return page.evaluate("""() => {
        const w = document.documentElement.clientWidth;
        let worst = -Infinity;
        for (let e of document.querySelectorAll("[data-testid='stMain'] *")) {
            if (e.ownerSVGElement || e.closest(".katex")) continue;
            const r = e.getBoundingClientRect();
            if (!(r.width > 0 && r.height > 0)) continue;
            let right = r.right;
            if (e.closest(".vega-embed") && (e.tagName === "CANVAS" || e.tagName === "svg")) {   // a chart: cut off counts too
                worst = Math.max(worst, right - w);
                const box = e.closest("[data-testid='stElementContainer'], [data-testid='element-container']");
                if (box) worst = Math.max(worst, right - box.getBoundingClientRect().right);
                continue;
            }
            for (let a = e.parentElement; a && right > w; a = a.parentElement) {
                const o = getComputedStyle(a);
                if (o.overflowX !== "visible") right = Math.min(right, a.getBoundingClientRect().right);
            }
            worst = Math.max(worst, right - w);
        }
        return Math.max(worst, document.documentElement.scrollWidth - w);
    }""")
