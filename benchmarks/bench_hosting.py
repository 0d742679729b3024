"""The hosted shape, measured here: one CPU core and 1 GB of memory, as a small free host gives.

    python benchmarks/bench_hosting.py [--port 8653] [--max-viewers 8] [--page talk?scene=1]

Starts `streamlit run serve.py` pinned to core 0 (`taskset -c 0`) inside a 1 GiB memory
cgroup (cgroup v1 `memory.limit_in_bytes`, when this machine lets us create one; otherwise
it says the limit was not enforced), then prints:
- cold start: seconds from spawning the server to the health check, and to the first chart
  painted in headless Chromium (the browser runs outside the core and memory limit, as a
  visitor's would, but on this same machine);
- the server's resident memory after that, and the cgroup's peak;
- concurrent viewers: 1, 2, 4, … fresh browser contexts opening the page at once, each
  one's seconds to its first painted chart; it stops at the first round whose slowest
  viewer passes 3 s (or at --max-viewers).
Loopback only; every figure is printed with the load average it was measured under.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import ARGS, CHROMIUM  # noqa: E402

CHART = "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg"
CGROUP = Path("/sys/fs/cgroup/memory/bench_hosting")
LIMIT = 1024**3


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cgroup() -> bool:
    """A fresh 1 GiB memory cgroup (v1) for the server; False if this machine does not allow it."""
    try:
        CGROUP.mkdir(exist_ok=True)
        (CGROUP / "memory.limit_in_bytes").write_text(str(LIMIT))
        return True
    except OSError:
        return False


def load() -> str:
    return " / ".join(f"{v:.1f}" for v in os.getloadavg())


async def first_chart(browser, url: str) -> float:
    """Seconds from opening `url` in a fresh context to its first painted chart (inf: none in 120 s)."""
    ctx = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await ctx.new_page()
    t0 = time.perf_counter()
    try:
        await page.goto(url, timeout=120_000)
        await page.wait_for_selector(CHART, timeout=120_000)
        return time.perf_counter() - t0
    except Exception:  # noqa: BLE001 - a timed-out viewer is a result, not a crash
        return float("inf")
    finally:
        await ctx.close()


def start_server(port: int, limited: bool) -> subprocess.Popen:
    """The server on core 0, entering the memory cgroup before Python starts (so all of it counts)."""
    cmd = (f"taskset -c 0 {sys.executable} -m streamlit run serve.py --server.port {port} "
           "--server.address 127.0.0.1 --server.headless true --server.fileWatcherType none "
           "--browser.gatherUsageStats false")
    enter = f"echo $$ > {CGROUP / 'cgroup.procs'}; " if limited else ""
    return subprocess.Popen(["sh", "-c", enter + "exec " + cmd], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def run(args) -> None:
    base, url = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port}/{args.page}"
    limited = cgroup()
    t0 = time.perf_counter()
    server = start_server(args.port, limited)
    try:
        while True:
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                await asyncio.sleep(0.1)
        healthy = time.perf_counter() - t0
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            view = await first_chart(browser, url)
            cold = time.perf_counter() - t0
            print(f"load average at start: {load()} ({os.cpu_count()} cores on this machine)")
            print(f"server: 1 core (taskset -c 0), memory limit "
                  f"{'1 GiB (cgroup v1, enforced)' if limited else 'NOT enforced (no cgroup available)'}")
            print(f"cold start: healthy after {healthy:.1f} s; first chart of /{args.page} painted after "
                  f"{cold:.1f} s (that page view: {view:.1f} s)")
            print(f"server resident memory after first paint: {rss_mb(server.pid):,.0f} MB")
            again = await first_chart(browser, url)
            print(f"a second viewer alone (warm server): first chart after {again:.1f} s")
            n, served = 1, 0
            while n <= args.max_viewers:
                times = await asyncio.gather(*(first_chart(browser, url) for _ in range(n)))
                worst = max(times)
                print(f"{n} viewer(s) at once: first chart after {min(times):.1f}–{worst:.1f} s "
                      f"(load {load()}, server RSS {rss_mb(server.pid):,.0f} MB)")
                if worst > 3.0:
                    break
                served, n = n, n * 2
            print(f"viewers served at once with every first paint ≤ 3 s: {served}")
            if limited:
                peak = int((CGROUP / "memory.max_usage_in_bytes").read_text()) / 2**20
                print(f"cgroup peak memory: {peak:,.0f} MB of {LIMIT / 2**20:,.0f} MB")
            await browser.close()
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if limited:
            try:
                CGROUP.rmdir()
            except OSError:
                pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8653)
    ap.add_argument("--max-viewers", type=int, default=8)
    ap.add_argument("--page", default="talk?scene=1")
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
