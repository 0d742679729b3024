"""Several first visitors on deep links, at the same moment, right after a server start.

streamlit#8860: with a `pages/` folder beside the entrypoint, visitors who arrived before the
entrypoint's first run completed got Streamlit's legacy folder router (no sidebar controls,
no wide layout, the link's seed ignored) — 2 of 3 and 7 of 8 in earlier runs. The chapters now
live in `chapters/`, so there is no folder router to fall into. This opens N = 6 headless
Chromium contexts on different pages of a server nobody has visited, all at once, and checks
each got the real app (app.py's sidebar with "Random seed", the page's own heading) with its
link's settings (its own seed; the page's own value).
"""
from __future__ import annotations

import asyncio
import time
from urllib.parse import urlencode

from tests.browser import ARGS, CHROMIUM
from tests.urlkeys import CHEAP, pages

N = 6
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def links(base: str) -> list[tuple[str, int, str]]:
    ps = pages()
    out = []
    for i in range(N):
        p = ps[i % len(ps)]
        seed = 7 + i
        query = {**CHEAP.get(p.script, {}), "seed": str(seed)}
        out.append((f"{base}/{p.url_path}?{urlencode(query)}", seed, p.url_path))
    return out


async def visit(browser, url: str, start: asyncio.Event) -> dict:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    ctx = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await ctx.new_page()
    pending, failed = {}, []
    page.on("request", lambda r: pending.__setitem__(id(r), (time.time(), r.url)))
    page.on("requestfinished", lambda r: pending.pop(id(r), None))
    page.on("requestfailed", lambda r: (pending.pop(id(r), None), failed.append(f"{r.url} {r.failure}")))
    await start.wait()
    await page.goto(url)
    await page.wait_for_selector(READY, timeout=300_000)
    await page.wait_for_timeout(500)
    await page.wait_for_selector(READY, timeout=300_000)
    seed_box = page.get_by_label("Random seed")
    # The browser draws a widget's skeleton until that widget's code has loaded and run. With six
    # browsers, the server's start-up warm-up and a live sweep on two cores that took over 20 s
    # now and then (1 run in 6: no request pending or failed, the run still going). A legacy
    # router never draws the seed box at all: wait for it, run after run, up to 90 s.
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            await seed_box.first.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            await page.wait_for_selector(READY, timeout=300_000)
    result = {
        "url": url,
        "seed_boxes": await seed_box.count(),
        "seed": await seed_box.first.input_value() if await seed_box.count() else None,
        "h1": [t.strip() for t in await page.locator("h1").all_inner_texts()],
        "nav": await page.locator("[data-testid='stSidebarNav']").count(),
        "not_found": await page.get_by_text("Page not found").count(),
        "exceptions": await page.locator("[data-testid='stException']").count(),
        "path": page.url.split("?")[0],
        "query": page.url.partition("?")[2],
        "side": await page.locator("[data-testid='stSidebarUserContent']").all_inner_texts(),
        "pending": [f"{time.time() - t:.1f}s {u[-60:]}" for t, u in pending.values() if "_stcore/stream" not in u],
        "failed": failed,
        "state": await page.locator("[data-testid='stApp']").get_attribute("data-test-script-state"),
    }
    await ctx.close()
    return result


async def all_at_once(base: str) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        start = asyncio.Event()
        tasks = [asyncio.create_task(visit(browser, url, start)) for url, _, _ in links(base)]
        await asyncio.sleep(1.0)      # every context is ready; then all navigate together
        start.set()
        results = await asyncio.gather(*tasks)
        await browser.close()
    return results


def test_simultaneous_first_visitors_all_get_the_full_app(fresh_server):
    results = asyncio.run(all_at_once(fresh_server))
    overview_h1 = None
    for (url, seed, path), r in zip(links(fresh_server), results):
        assert r["seed_boxes"] == 1, f"no app sidebar (legacy router?) for {url}: {r}"
        assert r["nav"] == 1 and r["not_found"] == 0 and r["exceptions"] == 0, r
        assert r["seed"] == str(seed), f"{url}: the link's seed {seed} was not applied: {r}"
        assert f"seed={seed}" in r["query"], r
        assert r["path"].rstrip("/").endswith(path), r
        assert r["h1"], r
        if path == "":
            overview_h1 = r["h1"][0]
    heads = [r["h1"][0] for (_, _, path), r in zip(links(fresh_server), results) if path]
    assert overview_h1 not in heads, "a deep link showed the Overview instead of its own page"
    assert len(set(heads)) == len(heads)
