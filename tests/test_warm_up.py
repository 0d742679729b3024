"""The server's start-up warm-up (serve.py → ui.warm): every page visited once, none broken.

A real `streamlit run serve.py` is started and its log read: the warm-up must name every page
of app.py's navigation, in story order, each with no exception element, and then its total.
With RNN_WARM_UP=0 it must say it is off and visit nothing. The loopback address it visits is
checked against the server options it is derived from.
"""
from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from streamlit import config

from core.config.app import WARM_ENV, WARM_LINKS
from core.renders import RENDERS
from tests.conftest import _free_port, page_url_paths, start_server, stop_server
from ui import warm

ROOT = Path(__file__).resolve().parent.parent

LINE = re.compile(r"^warm-up: /(\S*) (no chart|chart [0-9.]+ s), run [0-9.]+ s, exceptions (\d+)$")


def _start(env_value: str) -> subprocess.Popen:
    return start_server(_free_port(), text=True, **{WARM_ENV: env_value})


def _lines_until(proc: subprocess.Popen, done: re.Pattern, limit_s: float) -> list[str]:
    out, deadline = [], time.time() + limit_s
    try:
        for line in proc.stdout:
            out.append(line.rstrip())
            if done.search(line) or time.time() > deadline:
                break
    finally:
        stop_server(proc)
    return out


def test_the_warm_up_covers_every_page_of_the_navigation():
    assert list(WARM_LINKS) == page_url_paths()


def test_serve_py_visits_every_page_once_without_an_exception():
    out = _lines_until(_start("1"), re.compile(r"warm-up: (\d+ pages in|stopped)"), limit_s=420)
    visits = [m.groups() for m in map(LINE.match, out) if m]
    assert [v[0] for v in visits] == list(WARM_LINKS), "\n".join(out)
    assert all(v[2] == "0" for v in visits), "\n".join(out)
    # every chapter's first view draws a chart; the quiz draws none before a guess
    assert [v[0] for v in visits if v[1] == "no chart"] == ["quiz"], "\n".join(out)
    assert any(re.match(rf"^warm-up: {len(WARM_LINKS)} pages in [0-9.]+ s$", line) for line in out), "\n".join(out)


def test_the_warm_up_can_be_turned_off():
    out = _lines_until(_start("0"), re.compile(r"warm-up: off"), limit_s=120)
    assert f"warm-up: off ({WARM_ENV}=0)" in out, "\n".join(out)
    assert not any(LINE.match(line) for line in out)


@pytest.mark.parametrize("address, path, expected", [
    ("", "", "http://127.0.0.1:8501"),
    ("0.0.0.0", "", "http://127.0.0.1:8501"),
    ("::", "/", "http://127.0.0.1:8501"),
    ("127.0.0.1", "demo/", "http://127.0.0.1:8501/demo"),
    ("::1", "", "http://[::1]:8501"),
])
def test_the_warm_up_reaches_the_server_where_it_listens(monkeypatch, address, path, expected):
    options = {"server.address": address, "server.baseUrlPath": path, "server.port": 8501}
    monkeypatch.setattr(config, "get_option", options.__getitem__)
    assert warm.base_url() == expected


def _waited(coro) -> float:
    t = time.monotonic()
    asyncio.run(coro)
    return time.monotonic() - t


def test_torch_waits_for_a_quiet_moment_after_the_last_request(monkeypatch):
    """A browser still loading the app (a request 0.2 s ago) holds torch's import back for the grace."""
    monkeypatch.setattr(warm.NoteRequests, "last", time.monotonic() - 0.2)
    waited = _waited(warm._quiet_for(0.6, since=time.monotonic() - 10))
    assert 0.35 <= waited < 1.5
    monkeypatch.setattr(warm.NoteRequests, "last", time.monotonic() - 10)
    assert _waited(warm._quiet_for(0.6, since=time.monotonic() - 10)) < 0.2   # quiet already


def test_torch_waits_for_a_page_being_drawn_then_the_grace(monkeypatch):
    monkeypatch.setattr(warm.NoteRequests, "last", time.monotonic() - 10)
    drawing, ended = threading.Event(), []

    def page():
        with RENDERS.drawing():
            drawing.set()
            time.sleep(0.5)
        ended.append(time.monotonic())

    threading.Thread(target=page).start()
    drawing.wait(5)
    t0 = time.monotonic()
    asyncio.run(warm._quiet_for(0.4, since=t0 - 10))
    assert ended and time.monotonic() - ended[0] >= 0.38, "torch's import began beside a page being drawn"
    assert time.monotonic() - t0 < 3


def test_the_middleware_notes_every_request_and_passes_it_on(monkeypatch):
    monkeypatch.setattr(warm.NoteRequests, "last", 0.0)
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope["type"])

    mw = warm.NoteRequests(inner)
    asyncio.run(mw({"type": "http"}, None, None))
    assert seen == ["http"] and time.monotonic() - warm.NoteRequests.last < 1
    monkeypatch.setattr(warm.NoteRequests, "last", 0.0)
    asyncio.run(mw({"type": "lifespan"}, None, None))
    assert seen == ["http", "lifespan"] and warm.NoteRequests.last == 0.0


def test_a_torch_free_page_does_not_start_torch_before_it_is_drawn():
    """In a fresh process: the Overview's run (sidebar with defer_torch, then the page) leaves
    torch unimported; only `finish` starts it."""
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "from ui import sidebar, warmup\n"
        "seen = {}\n"
        "real = sidebar.finish\n"
        "def spy(pending):\n"
        "    seen.setdefault('torch', 'torch' in sys.modules or warmup.started())\n"
        "    real(pending)\n"
        "sidebar.finish = spy\n"
        "at = AppTest.from_file('app.py', default_timeout=120); at.run()\n"
        "assert not at.exception, at.exception\n"
        "print('TORCH_BEFORE_FINISH', seen['torch'], 'TORCH_AFTER', 'torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "TORCH_BEFORE_FINISH False TORCH_AFTER True" in out.stdout, out.stdout + out.stderr
