"""App-level speed and memory goals, measured in a real headless Chromium.

    python benchmarks/bench_app.py [--no-warm] [--app | --floor]

Prints: seconds from `streamlit run serve.py` to the Overview's chart painted and to the end of
its run (which waits for torch, then draws the real device block); seconds from
opening the timing lab to its first chart and to the whole default sweep;
the server's resident memory afterwards. Goals (2-core CPU): 4 s, 2 s, 15 s, 1 GB.
`--no-warm` starts the server without its start-up warm-up (RNN_WARM_UP=0). `--app` starts app.py
instead of serve.py; `--floor` starts Streamlit's floor (benchmarks/floor_app.py: a title and one
chart) the same way, so the start-up figure can be read against what the framework itself takes.
Also printed: when Chromium was ready and when the server first answered, both from the start.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import NO_STOP, sweep_said  # noqa: E402
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    floor = "--floor" in sys.argv
    script = "benchmarks/floor_app.py" if floor else "app.py" if "--app" in sys.argv else "serve.py"
    t0 = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
                               "--server.headless", "true", "--server.fileWatcherType", "none"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=dict(os.environ, RNN_WARM_UP="0" if "--no-warm" in sys.argv else "1"))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            launched = time.perf_counter() - t0
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/")
                    break
                except Exception:
                    time.sleep(0.1)
            answered = time.perf_counter() - t0
            page.wait_for_selector("[data-testid='stVegaLiteChart']", timeout=60_000)
            painted = time.perf_counter() - t0
            if floor:
                browser.close()
                print(f"Chromium ready:                      {launched:6.2f} s")
                print(f"server answered:                     {answered:6.2f} s")
                print(f"server start → floor app's chart:    {painted:6.2f} s")
                return
            page.wait_for_selector(READY, timeout=60_000)   # the run also waits for torch, then draws the device
            overview = time.perf_counter() - t0
            t1 = time.perf_counter()
            page.locator("[data-testid='stSidebarNav']").get_by_text("Timing lab").click()
            page.wait_for_selector("[data-testid='stVegaLiteChart']", timeout=120_000)
            first_chart = time.perf_counter() - t1
            # the sweep is over when its Stop button has gone and the run is idle ("What to notice"
            # is there from the first draw, with the shipped reference's notes)
            page.wait_for_selector("button:has-text('Stop measuring')", timeout=60_000)
            page.wait_for_function(NO_STOP, timeout=300_000)
            page.wait_for_selector(READY, timeout=300_000)
            sweep = time.perf_counter() - t1
            said = sweep_said(page)
            t2 = time.perf_counter()
            page.reload()  # a full page load: the browser boots Streamlit's frontend again (~1.5 s here)
            page.wait_for_selector("text=What to notice", timeout=300_000)
            revisit = time.perf_counter() - t2
            browser.close()
        print(f"Chromium ready:                     {launched:6.2f} s")
        print(f"server answered:                    {answered:6.2f} s")
        print(f"server start → Overview's chart:    {painted:6.2f} s   (goal ≤ 4 s)")
        print(f"server start → Overview run ended:  {overview:6.2f} s   (torch imported, device drawn)")
        print(f"timing lab → first chart:           {first_chart:6.2f} s   (goal ≤ 2 s; sidebar click, cold server)")
        print(f"timing lab → whole default sweep:   {sweep:6.2f} s   (goal ≤ 15 s) — {said[:90]}")
        print(f"timing lab reload (cached results): {revisit:6.2f} s   (full page load)")
        print(f"server resident memory:             {rss_mb(server.pid):6.0f} MB  (goal < 1024 MB)")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
