"""Per page on a running server, in real headless Chromium at 1280×720 (issue 9's speed goals).

    python benchmarks/bench_pages.py [--port 8671] [--reps 3] [--burn]

For every page: seconds from opening it in a fresh browser context (its own download and start of
the frontend included) to its first chart painted (the first visit on the server, then `--reps`
fresh visitors more: p50 and max), and seconds for a default-scale control change to redraw (the
first slider in the main area nudged one step with the keyboard, until the app is idle again with a
chart on screen; p50 over the reps). Then the Timing lab's default sweep measured again (`--sweeps`
times, its viewer's browser beside it): seconds to the end, and what the page said of its points.
Then one visitor moving through the chapters by the sidebar (the frontend already running): seconds
from the click to the new page's title and a chart. Then the server's resident memory. `--burn`
runs the same with a CPU-burning process pinned beside the server (one core busy, as on a shared host).
The Timing lab's live sweep is left to run in the background of its own session: its first
chart is the shipped reference and is what this measures. Before each visit the script waits
until the server is idle (under 5 % of a core for a second), so a sweep left running by the
previous visitor does not load the next figure. Loopback only; every figure is
printed with the load average it was measured under.

First, the same for Streamlit's own floor (`benchmarks/floor_app.py`: a title and one chart; then
the same page in a ten-page navigation, opened on a page's path as a chapter link is), so each
page's figure can be read against what the framework and the browser take on this host.

Goals (2-core CPU, idle): main chart ≤ 1.5 s, control change ≤ 1 s, default sweep ≤ 15 s, RSS < 1 GB.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import NO_STOP, rss_mb, serve, sweep_said, wait_idle  # noqa: E402
from tests.browser import ARGS, CHROMIUM  # noqa: E402
from tests.urlkeys import pages  # noqa: E402

CHART = ".vega-embed canvas, .vega-embed svg"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def first_chart(browser, url: str) -> tuple[float, object]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(CHART, timeout=180_000)
    return time.perf_counter() - t0, page


def control_change(page) -> float | None:
    """Nudge the first slider of the main area; seconds until idle again with a chart drawn."""
    page.wait_for_selector(IDLE, timeout=180_000)
    sliders = page.locator("[data-testid='stMain'] [data-testid='stSlider']").locator("visible=true")
    if not sliders.count():
        return None
    s = sliders.first.locator("input[type='range']").first     # react-aria's (visually hidden) input
    key = "ArrowLeft" if s.input_value() == s.get_attribute("max") else "ArrowRight"
    s.focus()
    t0 = time.perf_counter()
    s.press(key)
    try:
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=1500)
    except Exception:  # noqa: BLE001 - a fragment rerun can finish before we look
        pass
    page.wait_for_selector(IDLE, timeout=180_000)
    page.wait_for_selector(CHART, timeout=180_000)
    return time.perf_counter() - t0


def sweep_total(browser, url: str) -> str:
    """The Timing lab's default sweep timed afresh ("Measure again", the viewer's browser beside
    it): seconds until nothing is left to measure, and what the page said of its points."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(url)
    page.wait_for_selector(CHART, timeout=180_000)
    page.wait_for_function(NO_STOP, timeout=300_000)
    page.wait_for_selector(IDLE, timeout=180_000)
    t0 = time.perf_counter()
    page.get_by_role("button", name="Measure again").click()
    page.wait_for_selector("button:has-text('Stop measuring')", timeout=60_000)
    page.wait_for_function(NO_STOP, timeout=300_000)
    page.wait_for_selector(IDLE, timeout=180_000)
    secs = time.perf_counter() - t0
    said = sweep_said(page)
    page.close()
    return f"{secs:5.1f} s — {said[:110]}"



def page_switches(browser, base: str) -> list[tuple[str, float]]:
    """One visitor moving through the chapters by the sidebar (the frontend already loaded)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.goto(base)
    page.wait_for_selector(CHART, timeout=180_000)
    out = []
    for pg in pages():
        if pg.url_path in ("", "quiz", "talk"):
            continue
        page.wait_for_selector(IDLE, timeout=180_000)
        old = page.locator("h1").first.inner_text()
        t0 = time.perf_counter()
        page.locator("[data-testid='stSidebarNav'] a").filter(has_text=pg.title).first.click()
        page.wait_for_function("old => { const h = document.querySelector('h1'); return h && h.innerText !== old; }",
                               arg=old, timeout=180_000)
        page.wait_for_selector(CHART, timeout=180_000)
        out.append((pg.title, time.perf_counter() - t0))
    ctx.close()
    return out


def floor(port: int, reps: int) -> None:
    """Streamlit's own floor on this host, fresh visitors, the same measurement: a one-chart app at
    its root, then the same page in a ten-page navigation opened on a page's own path."""
    for what, env, path in (("Floor: one-chart app", {}, ""),
                            ("Floor: multipage, a path", {"FLOOR_PAGES": "1"}, "page_3")):
        server = serve(port, "benchmarks/floor_app.py", env=env)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                url = f"http://127.0.0.1:{port}/{path}"
                first, page = first_chart(browser, url)
                page.context.close()
                again = []
                for _ in range(reps):
                    t, page = first_chart(browser, url)
                    again.append(t)
                    page.context.close()
                browser.close()
            print(f"{what:26s} first visit {first:5.2f} s | fresh visitors p50 {statistics.median(again):5.2f} "
                  f"max {max(again):5.2f} s | what Streamlit and the browser take here before any app | "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
        finally:
            server.terminate()
            server.wait()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8671)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--sweeps", type=int, default=2, help="times the Timing lab's default sweep is measured again")
    ap.add_argument("--burn", action="store_true", help="a CPU-burning process on one core beside the server")
    ap.add_argument("--no-floor", action="store_true", help="skip Streamlit's own floor (benchmarks/floor_app.py)")
    a = ap.parse_args()
    burner = None
    if a.burn:
        burner = subprocess.Popen(["taskset", "-c", "0", sys.executable, "-c", "while True: pass"])
    if not a.no_floor:
        floor(a.port + 1, a.reps)
    server = serve(a.port)
    base = f"http://127.0.0.1:{a.port}"
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for pg in pages():
                if pg.url_path == "quiz":
                    continue          # no chart before a guess is committed
                url = f"{base}/{pg.url_path}"
                wait_idle(server.pid)
                first, page = first_chart(browser, url)
                page.context.close()
                again, changes = [], []
                for _ in range(a.reps):
                    wait_idle(server.pid)
                    t, page = first_chart(browser, url)
                    again.append(t)
                    c = control_change(page)
                    if c is not None:
                        changes.append(c)
                    page.context.close()
                load = os.getloadavg()[0]
                rows.append((pg.title, first, again, changes, load))
                ch = f"{statistics.median(changes):5.2f} s" if changes else "  (no slider)"
                print(f"{pg.title:26s} first visit {first:5.2f} s | fresh visitors p50 {statistics.median(again):5.2f} "
                      f"max {max(again):5.2f} s | control change p50 {ch} | load {load:.1f}", flush=True)
            wait_idle(server.pid)
            sweeps = [sweep_total(browser, f"{base}/timing_lab") for _ in range(a.sweeps)]
            switches = page_switches(browser, base)
            browser.close()
        for i, line in enumerate(sweeps, 1):
            print(f"Timing lab default sweep, measured again ({i} of {len(sweeps)}): {line}")
        for title, t in switches:
            print(f"switch to {title:26s} through the sidebar: {t:5.2f} s to its title and chart, idle")
        print(f"server resident memory after every page: {rss_mb(server.pid):.0f} MB (goal < 1024 MB)")
        worst = max(max(r[2]) for r in rows)
        print(f"slowest fresh visitor to a main chart: {worst:.2f} s (goal ≤ 1.5 s idle, ≤ 3 s busy)"
              + ("  [with a CPU burner on core 0]" if a.burn else ""))
    finally:
        server.terminate()
        if burner:
            burner.kill()


if __name__ == "__main__":
    main()
