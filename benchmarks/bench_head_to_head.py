"""Speed of the head-to-head chapter on this machine.

    python benchmarks/bench_head_to_head.py [--repeats N] [--browser]

Prints: the default view's script time from the shipped results (AppTest, warm, median of N;
goal ≤ 1.5 s), with --browser also the seconds from opening the page in headless Chromium on a
warm local server to its first chart; the smallest live run (first-token recall, D = 4, two models,
25 steps each, one thread; goal ≤ 30 s) in-process and through the page; and the time each shipped
sweep took to produce, with the load average it ran under (from assets/head_to_head/*.json).
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import timed  # noqa: E402
from core.head_to_head import experiment, shipped  # noqa: E402

PAGE = "chapters/head_to_head.py"
SMALLEST = dict(h_models="rnn,gru", h_D="4", h_steps="25")


def line(label: str, t: tuple[float, float, float]) -> None:
    print(f"{label:<62} median {t[0]:.2f} s  (min {t[1]:.2f}, max {t[2]:.2f})")


def app(**query):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE).run()
    return at


def default_view(repeats: int) -> None:
    at = app()                                 # warm: torch imported, shipped files cached

    def rerun():
        at.run()
        assert not at.exception
    line("default view, page script from shipped results (warm)", timed(rerun, repeats))


def browser_first_chart() -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, CHART, CHROMIUM

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true",
                               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = b.new_page(viewport={"width": 1280, "height": 720})
            for _ in range(600):
                try:
                    page.goto(f"http://127.0.0.1:{port}/head_to_head")
                    break
                except Exception:
                    time.sleep(0.1)
            page.wait_for_selector(CHART, timeout=120_000)         # warm-up visit
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/head_to_head")
                page.wait_for_selector(CHART, timeout=120_000)
                times.append(time.perf_counter() - t0)
            b.close()
        times.sort()
        line("default view in Chromium 1280×720, open → first chart (warm server)", (times[1], times[0], times[-1]))
    finally:
        server.terminate()
        server.wait(10)


def smallest_live(repeats: int) -> None:
    line("smallest live run in-process (recall, D = 4, RNN + GRU, 25 steps)",
         timed(lambda: experiment.race("recall", 4, ["rnn", "gru"], 25), repeats))
    at = app(**SMALLEST)

    def click():
        at.button(key="h_train").click().run()
        assert at.session_state["h2h_live"]["status"] == "done"
    line("smallest live run through the page (button → notes drawn)", timed(click, max(1, repeats // 2)))


def production() -> None:
    meta, runs = shipped.sweep()
    for models, v in meta.get("runs", {}).items():
        print(f"shipped sweep ({models}): {v['seconds'] / 60:.1f} min, {len(runs[runs.model.isin(models.split(','))])} "
              f"runs, load average {v['load_start'][0]:.1f} at the start, {v['load_now'][0]:.1f} at the end")
    tune = shipped.tuning()["meta"]
    for k, v in tune.items():
        if k.startswith("seconds_"):
            print(f"shipped tuning ({k[8:]}): {v:.0f} s, load {tune.get('load_' + k[8:], [['?']])[0][0]}")
    tmeta, tp = shipped.throughput()
    if tmeta:
        print(f"shipped throughput: {tmeta['seconds']:.0f} s for {len(tp)} points, load average "
              f"{tmeta['load_start'][0]:.1f} → {tmeta['load_end'][0]:.1f}, {int(tp.unstable.sum())} flagged unstable")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--browser", action="store_true")
    a = p.parse_args()
    print(f"load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    default_view(a.repeats)
    if a.browser:
        browser_first_chart()
    smallest_live(a.repeats)
    production()


if __name__ == "__main__":
    main()
