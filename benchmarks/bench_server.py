"""The server alone under many viewers: Streamlit's own websocket protocol, no browser (issue 10).

    python benchmarks/bench_server.py [--port 8663] [--sessions 8] [--rounds 2] [--burn] [--one-core]
                                      [--link "talk?scene=1" ...] [--script benchmarks/floor_app.py]

Why: in `bench_load.py` the eight Chromiums share this host's two cores with the server, and they
use most of it — eight fresh visitors to a one-chart Streamlit app (`benchmarks/floor_app.py`)
take ~25 s each that way, the browsers spending ~7× the server's CPU. Viewers of a hosted link run
their browsers on their own machines. So this opens `--sessions` sessions at the same moment as
bare protocol clients (what the frontend sends: one `rerun_script` with the link's page and query
string; fragment timers answered as the frontend answers them, so the Timing lab's live sweep
runs), on a freshly started server (round 1: cold, torch not yet imported) and then again (warm).

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

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import cpu_s, rss_mb, serve  # noqa: E402

LINKS = ["timing_lab?seed=101", "timing_lab?seed=102", "?seed=103", "gradients?seed=104", "memory?seed=105",
         "attention_maps?seed=106", "attention_price?seed=107", "scan?seed=108"]


def _rerun(link: str, base: str, fragment: str = "") -> bytes:
    page, _, query = link.partition("?")
    msg = BackMsg(rerun_script=ClientState(
        query_string=query, page_name=page, fragment_id=fragment, is_auto_rerun=bool(fragment),
        context_info=ContextInfo(url=f"{base}/{link}", timezone="UTC", locale="en-US")))
    return msg.SerializeToString()


async def session(base: str, link: str, limit_s: float, settle_s: float) -> dict:
    """One viewer: open `link`; until its runs go quiet, answer fragment timers as the frontend does."""
    out = {"link": link, "chart": None, "done": None, "exceptions": 0, "runs": 0}
    t0 = time.perf_counter()
    timers: dict[str, asyncio.Task] = {}
    async with connect(base.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                       max_size=None, open_timeout=limit_s) as ws:
        async def tick(fragment: str, every: float) -> None:
            while True:
                await asyncio.sleep(every)
                await ws.send(_rerun(link, base, fragment))

        await ws.send(_rerun(link, base))
        last = time.perf_counter()
        while time.perf_counter() - t0 < limit_s:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=settle_s)
            except asyncio.TimeoutError:
                if out["done"] is not None:
                    break                     # no message for settle_s after a finished run: quiet
                continue
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                el = msg.delta.new_element.WhichOneof("type")
                if el == "vega_lite_chart" and out["chart"] is None:
                    out["chart"] = time.perf_counter() - t0
                elif el == "exception":
                    out["exceptions"] += 1
            elif kind == "auto_rerun" and msg.auto_rerun.fragment_id not in timers:
                timers[msg.auto_rerun.fragment_id] = asyncio.create_task(
                    tick(msg.auto_rerun.fragment_id, msg.auto_rerun.interval))
            elif kind == "stop_auto_rerun":
                for t in timers.values():
                    t.cancel()
                timers.clear()
            elif kind == "script_finished":
                out["runs"] += 1
                if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY or out["done"] is None:
                    out["done"] = time.perf_counter() - t0
            last = time.perf_counter()
        for t in timers.values():
            t.cancel()
    out["quiet"] = last - t0
    return out


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.peak = max(self.peak, rss_mb(self.pid))


async def round_(base: str, links: list[str], limit_s: float, settle_s: float) -> list[dict]:
    return await asyncio.gather(*[session(base, link, limit_s, settle_s) for link in links])


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
    ap.add_argument("--script", default="app.py", help="e.g. benchmarks/floor_app.py: Streamlit's own floor")
    ap.add_argument("--burn", action="store_true", help="a CPU-burning process on one core beside the server")
    ap.add_argument("--one-core", action="store_true", help="the server on one core (taskset -c 1), as a small instance")
    ap.add_argument("--link", action="append", help="open these links instead (repeat; cycled over the sessions)")
    a = ap.parse_args()
    burner = subprocess.Popen(["taskset", "-c", "0", sys.executable, "-c", "while True: pass"]) if a.burn else None
    server = serve(a.port, a.script, a.one_core)
    base = f"http://127.0.0.1:{a.port}"
    pool = a.link or (LINKS if a.script == "app.py" else [""])
    links = [pool[i % len(pool)] for i in range(a.sessions)]
    try:
        for n in range(a.rounds):
            sampler = Sampler(server.pid)
            sampler.start()
            c0 = cpu_s(server.pid)
            rows = asyncio.run(round_(base, links, a.limit_s, a.settle_s))
            sampler.stop.set()
            report(("cold server" if n == 0 else f"warm, round {n + 1}") + (" [CPU burner on core 0]" if burner else "")
                   + (" [server on one core]" if a.one_core else ""),
                   rows, cpu_s(server.pid) - c0, max(sampler.peak, rss_mb(server.pid)))
    finally:
        server.terminate()
        if burner:
            burner.kill()


if __name__ == "__main__":
    main()
