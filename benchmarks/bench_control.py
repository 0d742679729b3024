"""A control change with the values already cached, in real headless Chromium at 1280×720.

    python benchmarks/bench_control.py [--port 8681] [--reps 7] [--pages gradients,memory,scan,head_to_head] [--new]

For each page: one visitor nudges the first slider of the main area one step right, then left,
then right... (`--reps` steps), and each step is timed from the key press until the app is idle
again (the last "not running" state within 1.5 s, so a second run it asks for is included),
with the server's CPU seconds over the same step. The first step computes its new value; from the
second on, both values have been computed before, so what is left is the page's own cost of a
rerun: its script, its charts' conversion, the transfer, and the browser's redraw. Printed: every
step, and the median of steps 2 onwards. `--new`: every step goes one further right, so each one
computes a value not seen before (the median is then of every step). Loopback only; the load
average is printed with each page.

Goal (2-core CPU, idle): a control change redraws within 1 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import cpu_s, serve, wait_idle  # noqa: E402
from tests.browser import ARGS, CHART, CHROMIUM  # noqa: E402

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
WATCH = """() => { window.__states = []; const app = document.querySelector('[data-testid=stApp]');
  new MutationObserver(() => window.__states.push([performance.now(), app.getAttribute('data-test-script-state')]))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']}); }"""


def steps(browser, url: str, reps: int, pid: int, new: bool = False) -> tuple[str, list[tuple[float, float]]]:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(url)
        page.wait_for_selector(CHART, timeout=180_000)
        page.wait_for_selector(IDLE, timeout=180_000)
        page.wait_for_timeout(1500)
        page.evaluate(WATCH)
        slider = page.locator("[data-testid='stMain'] [data-testid='stSlider']").locator("visible=true").first
        knob = slider.locator("input[type='range']").first
        label = knob.get_attribute("aria-label") or ""
        out = []
        for r in range(reps):
            knob.focus()
            page.evaluate("window.__states = []")
            c0, t0 = cpu_s(pid), page.evaluate("performance.now()")
            knob.press("ArrowLeft" if r % 2 and not new else "ArrowRight")
            page.wait_for_timeout(400)
            page.wait_for_selector(IDLE, timeout=180_000)
            page.wait_for_timeout(1500)
            ends = [t for t, s in page.evaluate("window.__states") if s == "notRunning"]
            out.append((((ends[-1] if ends else t0) - t0) / 1000, cpu_s(pid) - c0))
        return label, out
    finally:
        page.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8681)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--pages", default="gradients,memory,scan,head_to_head")
    ap.add_argument("--new", action="store_true", help="every step a value not computed before")
    a = ap.parse_args()
    server = serve(a.port)
    try:
        time.sleep(10)
        wait_idle(server.pid)                # the start-up warm-up's visits first (they fill the caches)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for path in a.pages.split(","):
                wait_idle(server.pid)
                label, out = steps(browser, f"http://127.0.0.1:{a.port}/{path}", a.reps, server.pid, a.new)
                cached = out if a.new else out[1:] or out
                span = f"all {len(out)} steps (new values)" if a.new else f"steps 2–{len(out)}"
                print(f"{path:14s} {label[:34]:36s} median of {span}: "
                      f"{statistics.median(t for t, _ in cached):.2f} s, server CPU {statistics.median(c for _, c in cached):.2f} s"
                      f" | every step (s, CPU s): {', '.join(f'{t:.2f}/{c:.2f}' for t, c in out)}"
                      f" | load {os.getloadavg()[0]:.1f}", flush=True)
            browser.close()
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
