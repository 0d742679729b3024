"""Shared by the benchmark scripts: wall-clock repeats of a call; a local app server, its resident
memory and CPU time (with its child processes)."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent


def timed(fn: Callable[[], object], repeats: int, warm: bool = False) -> tuple[float, float, float]:
    """(median, min, max) seconds over `repeats` calls (after one untimed call if `warm`).

    On a shared machine the minimum is the figure least disturbed by other processes;
    the median is what a visitor would see now.
    """
    if warm:
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), max(times)


def serve(port: int, script: str = "serve.py", one_core: bool = False, warm: bool = True,
          env: dict[str, str] | None = None) -> subprocess.Popen:
    """`streamlit run script` on loopback (on core 1 alone with `one_core`), once it is healthy,
    with `env` added to this process's environment.

    serve.py (the shipped entry) warms itself up at start unless `warm` is False."""
    env = dict(os.environ, RNN_WARM_UP="1" if warm else "0", **(env or {}))
    proc = subprocess.Popen(
        [*(["taskset", "-c", "1"] if one_core else []), sys.executable, "-m", "streamlit", "run", script,
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).status == 200:
                return proc
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise SystemExit("the server did not become healthy in 60 s")


def children(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(k) for k in kids] + [g for k in kids for g in children(int(k))]


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its living children, MB."""
    total = 0.0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def cpu_s(pid: int) -> float:
    """CPU seconds used by `pid` (its finished children included) and its living children."""
    total = 0.0
    for p in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if p == pid else 0)
            total += ticks / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def wait_idle(pid: int, limit_s: float = 180.0, busy: float = 0.05) -> float:
    """Wait until the server uses under `busy` of a core over a second (a closed session's live
    sweep may still be running: it would load the next page's figures); the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit_s:
        c0 = cpu_s(pid)
        time.sleep(1.0)
        if cpu_s(pid) - c0 < busy:
            break
    return time.perf_counter() - t0


# The Timing lab's live sweep: over when its Stop button has gone; what its page said of its points.
NO_STOP = "() => ![...document.querySelectorAll('button')].some(b => b.innerText.includes('Stop measuring'))"


def sweep_said(page) -> str:
    """The Timing lab's sentence on its live points (all stable, some too busy to tell, or stopped)."""
    return next((line for line in page.locator("[data-testid='stMain']").inner_text().splitlines()
                 if line.startswith(("Live: measured", "The host was too busy to tell for", "Stopped at"))), "?")
