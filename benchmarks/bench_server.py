"""The server alone under many viewers: Streamlit's own websocket protocol, no browser (issue 10).

    python benchmarks/bench_server.py [--port 8663] [--sessions 8] [--rounds 2] [--burn] [--one-core]
                                      [--link "talk?scene=1" ...] [--script benchmarks/floor_app.py]
                                      [--no-warm] [--after 45]

Why: in `bench_load.py` the eight Chromiums share this host's two cores with the server, and they
use most of it — eight fresh visitors to a one-chart Streamlit app (`benchmarks/floor_app.py`)
take ~25 s each that way, the browsers spending ~7× the server's CPU. Viewers of a hosted link run
their browsers on their own machines. So this opens `--sessions` sessions at the same moment as
bare protocol clients (what the frontend sends: one `rerun_script` with the link's page and query
string; fragment timers answered as the frontend answers them, so the Timing lab's live sweep
runs), on a freshly started server (round 1) and then again (warm). The server is the shipped
entry, serve.py, which visits every page once at start (ui.warm): round 1 at start races that
warm-up; `--after S` opens round 1 S seconds after start (a class arriving after a restart);
`--no-warm` starts it cold (torch not yet imported, nothing cached), as `streamlit run app.py` does.

Printed per session: seconds to its first chart element and to the end of its run, exception
elements; per round: the median and the slowest to the chart, the server's CPU seconds and resident memory peak
(with children), the load average. Goal (issue 10): p95 ≤ 5 s to the main chart for the
non-timing sessions while two sweeps run.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import cpu_s, rss_mb, serve  # noqa: E402
from ui.visit import visit  # noqa: E402

LINKS = ["timing_lab?seed=101", "timing_lab?seed=102", "?seed=103", "gradients?seed=104", "memory?seed=105",
         "attention_maps?seed=106", "attention_price?seed=107", "scan?seed=108"]


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.peak = max(self.peak, rss_mb(self.pid))


async def round_(base: str, links: list[str], limit_s: float, settle_s: float) -> list[dict]:
    return await asyncio.gather(*[visit(base, link, limit_s, settle_s) for link in links])


def report(name: str, rows: list[dict], cpu: float, peak: float) -> None:
    print(f"{name}: {len(rows)} sessions at once, load average {os.getloadavg()[0]:.1f}", flush=True)
    for r in rows:
        chart = f"{r['chart']:6.2f} s" if r["chart"] is not None else "   none "
        print(f"  {r['link']:26s} chart {chart}  run done {r['done'] or 0:6.2f} s  quiet {r['quiet']:6.1f} s  "
              f"runs {r['runs']}  exceptions {r['exceptions']}")
    main = [r["chart"] for r in rows if r["chart"] is not None and not r["link"].startswith("timing_lab")]
    if main:
        # With a handful of sessions the slowest one is the honest tail (an interpolated p95 can exceed it).
        print(f"  non-timing sessions, seconds to the main chart: p50 {statistics.median(main):.2f}, "
              f"slowest {max(main):.2f} of {len(main)} (goal: p95 ≤ 5 s)")
    print(f"  server CPU {cpu:.1f} s, resident memory peak {peak:.0f} MB (server and children)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8663)
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=2, help="round 1 on the cold server, then warm rounds")
    ap.add_argument("--limit-s", type=float, default=300)
    ap.add_argument("--settle-s", type=float, default=3.0, help="quiet this long after a finished run: done")
    ap.add_argument("--script", default="serve.py", help="e.g. benchmarks/floor_app.py: Streamlit's own floor")
    ap.add_argument("--no-warm", action="store_true", help="start serve.py without its start-up warm-up (RNN_WARM_UP=0)")
    ap.add_argument("--after", type=float, default=0.0,
                    help="open round 1 this many seconds after the server is healthy (a restart, then a class arrives)")
    ap.add_argument("--burn", action="store_true", help="a CPU-burning process on one core beside the server")
    ap.add_argument("--one-core", action="store_true", help="the server on one core (taskset -c 1), as a small instance")
    ap.add_argument("--link", action="append", help="open these links instead (repeat; cycled over the sessions)")
    a = ap.parse_args()
    burner = subprocess.Popen(["taskset", "-c", "0", sys.executable, "-c", "while True: pass"]) if a.burn else None
    server = serve(a.port, a.script, a.one_core, warm=not a.no_warm)
    base = f"http://127.0.0.1:{a.port}"
    pool = a.link or (LINKS if a.script in ("app.py", "serve.py") else [""])
    links = [pool[i % len(pool)] for i in range(a.sessions)]
    try:
        time.sleep(a.after)
        for n in range(a.rounds):
            sampler = Sampler(server.pid)
            sampler.start()
            c0 = cpu_s(server.pid)
            rows = asyncio.run(round_(base, links, a.limit_s, a.settle_s))
            sampler.stop.set()
            first = "cold server" if a.no_warm or a.script != "serve.py" else "first visitors"
            first += f", {a.after:.0f} s after start" if a.after else ", at start"
            report((first if n == 0 else f"warm, round {n + 1}") + (" [CPU burner on core 0]" if burner else "")
                   + (" [server on one core]" if a.one_core else ""),
                   rows, cpu_s(server.pid) - c0, max(sampler.peak, rss_mb(server.pid)))
    finally:
        server.terminate()
        if burner:
            burner.kill()


if __name__ == "__main__":
    main()
