"""Warm the server up at start: one visit of every page's default link, before any viewer comes.

A class opening a shared link right after a restart otherwise waits for `import torch` and for
every page's first computations at once (bench_server, 8 at once: p50 9–11 s cold, 2 s warm).
`lifespan` (serve.py's st.App hook) starts `warm_up` on the server's event loop; it waits for the
server to listen and for a quiet moment (a viewer who came with the restart is drawn first: torch's
import would take half of that run's CPU), imports torch (`ui.warmup`), then opens each link of `WARM_LINKS` in story order as a bare protocol client
(`ui.visit`, timers unanswered, so no live sweep starts), yielding before each page to any
viewer's page being drawn. Each visit fills the same caches a viewer's first visit would.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
import urllib.parse

from streamlit import config

from core.config.app import TORCH_GRACE_S, WARM_ENV, WARM_LINKS, WARM_VISIT_LIMIT_S, WARM_YIELD_S
from core import idle_gc
from core.renders import RENDERS
from ui import warmup
from ui.visit import visit

# Sent with each warm-up visit: its runs are not a viewer's page being drawn, so a viewer's live
# measurement does not wait for them (`core.renders.RENDERS`). A client faking it only loses that courtesy.
HEADER = "X-Warm-Up"
SETTLE_S = 1.0      # quiet this long after a finished run: the visit is over
LISTEN_S = 60.0     # give up if the server does not listen within this


class NoteRequests:
    """ASGI middleware (serve.py): notes when the last request came, so that torch's import waits
    while a browser is still loading the app and its chart code (`_quiet_for`)."""

    last = time.monotonic()

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] in {"http", "websocket"}:
            NoteRequests.last = time.monotonic()
        await self.app(scope, receive, send)


def is_warm_up(headers) -> bool:
    """Whether a session's websocket headers (`st.context.headers`) are the warm-up's own."""
    try:
        return headers.get(HEADER) == "1"
    except Exception:          # no headers outside a browser session (AppTest)
        return False


def enabled() -> bool:
    return os.environ.get(WARM_ENV, "1").strip() not in {"0", "false", "no", "off"}


def base_url() -> str:
    """The running server, reached on loopback when it listens on every interface."""
    address = config.get_option("server.address") or ""
    host = "127.0.0.1" if address in {"", "0.0.0.0", "::"} else address
    if ":" in host:
        host = f"[{host}]"
    path = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{host}:{config.get_option('server.port')}" + (f"/{path}" if path else "")


def _say(text: str) -> None:
    print(f"warm-up: {text}", file=sys.stderr, flush=True)


async def warm_up(links=WARM_LINKS) -> list[dict]:
    """Visit every link once, in order; each result as `ui.visit.visit` returns it."""
    base, t0, rows = base_url(), time.perf_counter(), []
    await _listening(base, t0)
    await _quiet_for(TORCH_GRACE_S, since=time.monotonic())
    await asyncio.to_thread(warmup.wait)       # torch first: a viewer arriving now shares the CPU with that only
    _say(f"torch imported after {time.perf_counter() - t0:.1f} s")
    for link in links:
        await asyncio.to_thread(RENDERS.wait_quiet, WARM_YIELD_S)
        row = await visit(base, link, WARM_VISIT_LIMIT_S, SETTLE_S, answer_timers=False, headers={HEADER: "1"})
        rows.append(row)
        chart = "no chart" if row["chart"] is None else f"chart {row['chart']:.2f} s"
        _say(f"/{link} {chart}, run {row['done'] or 0:.2f} s, exceptions {row['exceptions']}")
    _say(f"{len(rows)} pages in {time.perf_counter() - t0:.1f} s")
    return rows


async def _quiet_for(grace_s: float, since: float) -> None:
    """Return once no page has been drawn and no request has come for `grace_s` (counting from
    `since` at the latest), or after `WARM_YIELD_S` of viewers."""
    deadline = time.monotonic() + WARM_YIELD_S
    while time.monotonic() < deadline:
        await asyncio.to_thread(RENDERS.wait_quiet, max(0.0, deadline - time.monotonic()))
        quiet = time.monotonic() - max(since, RENDERS.activity()[1], NoteRequests.last)
        if RENDERS.count() == 0 and quiet >= grace_s:
            return
        await asyncio.sleep(max(0.05, grace_s - quiet))


async def _listening(base: str, t0: float) -> None:
    """Return once the server accepts a connection; OSError after `LISTEN_S`."""
    url = urllib.parse.urlsplit(base)
    while True:
        try:
            _reader, writer = await asyncio.open_connection(url.hostname, url.port)
            writer.close()
            return
        except OSError:
            if time.perf_counter() - t0 > LISTEN_S:
                raise
            await asyncio.sleep(0.2)


async def _guarded() -> None:
    try:
        await warm_up()
    except asyncio.CancelledError:
        raise
    except Exception as e:        # a failed warm-up leaves a cold server, never a broken one
        _say(f"stopped ({type(e).__name__}: {e}); the server runs on, cold")


@contextlib.asynccontextmanager
async def lifespan(_app):
    task = None
    idle_gc.start()               # full collections when the pages are quiet (postScriptGC is off)
    if enabled():
        task = asyncio.create_task(_guarded())
    else:
        _say(f"off ({WARM_ENV}=0)")
    yield
    if task is not None:
        task.cancel()
