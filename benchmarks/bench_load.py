"""Load and soak on one local server, in real headless Chromium (issue 10). Loopback only; stops itself.

    nice -n 10 python benchmarks/bench_load.py [--port 8661] [--soak-reruns 200] [--fresh 60] [--after S] [--floor]

Load: 8 sessions open at the same moment, each on a different page (pages repeat when there
are fewer), two of them on the timing lab starting a sweep at its default size. Printed: time
from opening to the main chart (p50/p95, the six non-timing sessions and the two sweeps apart),
to idle, exception elements, cross-session leakage (each session's seed comes from its own
link, then one session changes its seed and no other session may show it), and the server's
resident memory (server plus its child processes) sampled every 0.5 s, as RSS and as PSS (shared
library pages, such as torch's mapped by the server and a measuring child, counted once).

`--after S` opens the sessions S seconds after the server answers (the start-up warm-up visits
every page first), not at once. `--floor` runs the load phase against Streamlit's own floor
(benchmarks/floor_app.py: a title and one chart, no sweeps), so its times can be read against
what eight browsers on this host take before the app does anything.

Soak: reruns of every page with varying controls (the first slider nudged left and right,
the seed changed) — `--soak-reruns` per page, capped by `--max-soak-s` — then `--fresh` fresh
sessions opened and closed; the RSS curve is printed (one figure per step).

Goals: p95 ≤ 5 s to the main chart for the non-timing sessions while two sweeps run, 0
exceptions, no leakage, RSS < 1 GB, RSS flat within ±50 MB after warm-up in the soak.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import ARGS, CHART, CHROMIUM  # noqa: E402
from tests.urlkeys import pages  # noqa: E402

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
SWEEP_BUTTON = re.compile(r"^(run|start)\b.*(sweep|timing|measure)", re.I)  # a sweep that waits for a click (not "Measure again")


def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _field_mb(path: str, field: str) -> float:
    try:
        for line in open(path):
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and all its descendants, in MB (a page two of them share counts twice)."""
    return sum(_field_mb(f"/proc/{p}/status", "VmRSS:") for p in _tree(pid))


def tree_cpu_s(pid: int, skip: int | None = None) -> float:
    """CPU seconds (user + system) used so far by `pid` and its descendants, leaving out the
    subtree of `skip` (the benchmark's own tree without the server's: its Chromium)."""
    tick, leave = os.sysconf("SC_CLK_TCK"), set(_tree(skip)) if skip else set()
    total = 0.0
    for p in _tree(pid):
        if p in leave:
            continue
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            total += (int(f[11]) + int(f[12])) / tick
        except OSError:
            pass
    return total


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of the same tree, in MB: each shared page split among its sharers, so
    torch's libraries, mapped by the server and by a measuring child, count once."""
    return sum(_field_mb(f"/proc/{p}/smaps_rollup", "Pss:") for p in _tree(pid))


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.samples.append((time.time(), tree_rss_mb(self.pid), tree_pss_mb(self.pid)))
            self.stop.wait(0.5)

    def peak(self, since: float = 0, pss: bool = False) -> float:
        return max((s[2 if pss else 1] for s in self.samples if s[0] >= since), default=float("nan"))


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


async def chart_seen(page) -> bool:
    return await page.evaluate(f"""() => [...document.querySelectorAll("{CHART}")]
        .some(e => e.getBoundingClientRect().height > 40)""")


async def session(browser, url: str, is_sweep: bool, t0: asyncio.Event, limit_s: float, charted=None) -> dict:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await ctx.new_page()
    await t0.wait()
    start = time.perf_counter()
    out = {"url": url, "sweep": is_sweep, "chart_s": None, "idle_s": None, "exceptions": 0}
    await page.goto(url, wait_until="commit", timeout=limit_s * 1000)
    clicked = False
    while time.perf_counter() - start < limit_s:
        if out["chart_s"] is None and await chart_seen(page):
            out["chart_s"] = time.perf_counter() - start
            if charted is not None and not is_sweep:
                charted()
        if is_sweep and not clicked:
            btn = page.get_by_role("button", name=SWEEP_BUTTON)
            if await btn.count():
                await btn.first.click()
                clicked = True
        idle = await page.locator(READY).count()
        if idle and out["chart_s"] is not None and (not is_sweep or
                                                   await page.get_by_text("What to notice").count()):
            out["idle_s"] = time.perf_counter() - start
            break
        await page.wait_for_timeout(100)
    out["exceptions"] = await page.locator("[data-testid='stException']").count()
    return {**out, "page": page, "ctx": ctx}


async def seed_of(page) -> str | None:
    box = page.get_by_label("Random seed")
    return await box.first.input_value() if await box.count() else None


async def load_phase(base: str, sampler: Sampler, n: int, limit_s: float, floor: bool = False) -> None:
    from playwright.async_api import async_playwright

    ps = pages()
    timing = next((p for p in ps if "timing" in p.url_path), None)
    others = [p for p in ps if p is not timing]
    plan = []
    for i in range(n):
        if floor:
            plan.append((None, False))
        elif timing is not None and i < 2:
            plan.append((timing, True))
        else:
            plan.append((others[(i - 2) % len(others)], False))
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        t0 = asyncio.Event()
        began = time.time()
        cpu: dict[str, float] = {}
        left = [sum(not sweep for _, sweep in plan)]

        def charted():       # the CPU used by the time the last non-timing session shows its chart
            left[0] -= 1
            if left[0] == 0:
                cpu["server"] = tree_cpu_s(sampler.pid) - cpu["server"]
                cpu["browser"] = tree_cpu_s(os.getpid(), skip=sampler.pid) - cpu["browser"]
                cpu["wall"] = time.time() - cpu["wall"]

        tasks = [asyncio.create_task(session(browser, f"{base}/{pg.url_path if pg else ''}?seed={101 + i}", sweep,
                                             t0, limit_s, charted))
                 for i, (pg, sweep) in enumerate(plan)]
        await asyncio.sleep(1)
        cpu.update(server=tree_cpu_s(sampler.pid), browser=tree_cpu_s(os.getpid(), skip=sampler.pid), wall=time.time())
        t0.set()
        res = await asyncio.gather(*tasks)
        plain = [r["chart_s"] for r in res if not r["sweep"] and r["chart_s"] is not None]
        report_load(res, plain, n, limit_s, sampler, began)
        if "wall" in cpu and left[0] == 0:
            print(f"  CPU used from the opening to the last non-timing chart ({cpu['wall']:.1f} s, "
                  f"{os.cpu_count()} cores): server {cpu['server']:.1f} s (with its children), "
                  f"Chromium and this benchmark {cpu['browser']:.1f} s")
        try:
            if not floor:
                await leakage(res, limit_s)
        except Exception as e:  # noqa: BLE001 - a slow session must not hide the figures above
            print(f"  leakage check not completed: {type(e).__name__}: {str(e)[:120]}")
        for r in res:
            await r["ctx"].close()
        await browser.close()


async def leakage(res: list[dict], limit_s: float) -> None:
    """Every session shows its own link's seed; then one changes its seed and no other may show it."""
    own = [await seed_of(r["page"]) == str(101 + i) for i, r in enumerate(res)]
    a = res[-1]["page"]
    box = a.get_by_label("Random seed")
    await box.first.wait_for(timeout=int(limit_s * 1000))
    await box.fill("4242")
    await box.press("Enter")
    await a.wait_for_timeout(1500)
    leaked = []
    for r in res[:-1]:
        sl = r["page"].locator("[data-testid='stMain'] [data-testid='stSlider'] input[type='range']")
        if await sl.count():                      # a rerun of the other session
            await sl.first.focus()
            await sl.first.press("ArrowLeft")
            await r["page"].wait_for_timeout(300)
            await r["page"].wait_for_selector(READY, timeout=int(limit_s * 1000))
        if await seed_of(r["page"]) == "4242" or "4242" in r["page"].url:
            leaked.append(r["url"])
    print(f"  own seed shown: {sum(own)} of {len(own)}; a seed set in one session seen in another: "
          f"{len(leaked)} ({', '.join(leaked) or 'none'})")


def report_load(res, plain, n, limit_s, sampler, began) -> None:
    sweeps = [r for r in res if r["sweep"]]
    print(f"load: {n} sessions at once, load average {os.getloadavg()[0]:.1f} / {os.cpu_count()} cores")
    for r in res:
        print(f"  {r['url'].split('/', 3)[-1][:48]:50s} chart {r['chart_s'] or float('nan'):6.1f} s  "
              f"idle {r['idle_s'] or float('nan'):6.1f} s  exceptions {r['exceptions']}" + ("  (sweep)" if r["sweep"] else ""))
    print(f"  non-timing sessions, time to main chart: p50 {pct(plain, .5):.1f} s, p95 {pct(plain, .95):.1f} s "
          f"({len(plain)} of {sum(not r['sweep'] for r in res)} got a chart within {limit_s:.0f} s; goal p95 ≤ 5 s)")
    print("  timing sweeps, time to idle with notes: "
          + ", ".join(f"{r['idle_s']:.1f} s" if r["idle_s"] else f"not done in {limit_s:.0f} s" for r in sweeps))
    print(f"  exception elements: {sum(r['exceptions'] for r in res)}")
    print(f"  server RSS peak (with children): {sampler.peak(began):.0f} MB (goal < 1024 MB); "
          f"PSS peak {sampler.peak(began, pss=True):.0f} MB (shared library pages counted once)")


async def soak_phase(base: str, sampler: Sampler, reruns: int, fresh: int, max_s: float) -> None:
    from playwright.async_api import async_playwright

    ps = pages()
    curve: list[tuple[str, float]] = []
    began = time.perf_counter()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        ctx = await browser.new_context(viewport={"width": 1280, "height": 720})
        page = await ctx.new_page()
        done = {pg.url_path: 0 for pg in ps}
        exceptions = 0
        budget = max_s / max(1, len(ps))
        for pg in ps:
            t_wall = time.time()
            await page.goto(timeout=300_000, url=f"{base}/{pg.url_path}?t_tmax=32&t_points=2&t_secs=0.02&t_B=2&t_d=16"
                            if "timing" in pg.url_path else f"{base}/{pg.url_path}")
            await page.wait_for_selector(READY, timeout=300_000)
            t_page = time.perf_counter()
            sl = page.locator("[data-testid='stMain'] [data-testid='stSlider'] input[type='range']")
            for i in range(reruns):
                if time.perf_counter() - t_page > budget:
                    break
                if await sl.count():
                    await sl.first.focus()
                    await sl.first.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                else:
                    box = page.get_by_label("Random seed")
                    await box.fill(str(i))
                    await box.press("Enter")
                await page.wait_for_timeout(150)
                await page.wait_for_selector(READY, timeout=300_000)
                done[pg.url_path] += 1
            exceptions += await page.locator("[data-testid='stException']").count()
            curve.append((f"after {done[pg.url_path]} reruns of /{pg.url_path} (peak {sampler.peak(t_wall):.0f} MB)",
                          tree_rss_mb(sampler.pid)))
        await ctx.close()
        t_fresh = time.perf_counter()
        opened, t_wall = 0, time.time()
        for i in range(fresh):
            if time.perf_counter() - t_fresh > max_s / 2:
                break
            c = await browser.new_context(viewport={"width": 1280, "height": 720})
            pgx = await c.new_page()
            pg = ps[i % len(ps)]
            await pgx.goto(timeout=300_000, url=f"{base}/{pg.url_path}?seed={i}" + ("&t_tmax=32&t_points=2&t_secs=0.02&t_B=2&t_d=16"
                                                             if "timing" in pg.url_path else ""))
            await pgx.wait_for_selector(READY, timeout=300_000)
            exceptions += await pgx.locator("[data-testid='stException']").count()
            await c.close()
            opened += 1
            if opened % 10 == 0:
                curve.append((f"after {opened} fresh sessions (peak {sampler.peak(t_wall):.0f} MB)", tree_rss_mb(sampler.pid)))
                t_wall = time.time()
        await browser.close()
    print(f"soak: {sum(done.values())} reruns ({', '.join(f'/{k}: {v}' for k, v in done.items())}), "
          f"{opened} fresh sessions, {time.perf_counter() - began:.0f} s, exceptions {exceptions}, "
          f"load average {os.getloadavg()[0]:.1f}")
    for what, mb in curve:
        print(f"  RSS {mb:7.0f} MB  {what}")
    after_warm = [mb for _, mb in curve[len(ps):]] or [mb for _, mb in curve]
    print(f"  after warm-up: {min(after_warm):.0f}–{max(after_warm):.0f} MB "
          f"(spread {max(after_warm) - min(after_warm):.0f} MB; goal within ±50 MB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=8661)
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--limit-s", type=float, default=300, help="per session in the load phase")
    ap.add_argument("--soak-reruns", type=int, default=200, help="per page")
    ap.add_argument("--fresh", type=int, default=60)
    ap.add_argument("--max-soak-s", type=float, default=900)
    ap.add_argument("--skip-soak", action="store_true")
    ap.add_argument("--skip-load", action="store_true", help="the soak alone (after the start-up warm-up)")
    ap.add_argument("--after", type=float, default=0, help="seconds after the server answers before the load phase")
    ap.add_argument("--floor", action="store_true", help="the load phase on Streamlit's floor app, no soak")
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    base = f"http://127.0.0.1:{a.port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "benchmarks/floor_app.py" if a.floor else "serve.py", "--server.port", str(a.port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampler = Sampler(server.pid)
    try:
        deadline = time.time() + 120
        while True:
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("the server did not become healthy in 120 s")
                time.sleep(0.3)
        sampler.start()
        print(f"server up; RSS {tree_rss_mb(server.pid):.0f} MB; load average {os.getloadavg()[0]:.1f}")
        if a.skip_load:
            time.sleep(45)       # the start-up warm-up visits every page first (serve.py)
        else:
            time.sleep(a.after)
            asyncio.run(load_phase(base, sampler, a.sessions, a.limit_s, a.floor))
        if not (a.skip_soak or a.floor):
            asyncio.run(soak_phase(base, sampler, a.soak_reruns, a.fresh, a.max_soak_s))
        print(f"server RSS peak over the whole run: {sampler.peak():.0f} MB, PSS peak {sampler.peak(pss=True):.0f} MB")
    finally:
        sampler.stop.set()
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
