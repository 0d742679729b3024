"""The server's start-up warm-up (serve.py → ui.warm): every page visited once, none broken.

A real `streamlit run serve.py` is started and its log read: the warm-up must name every page
of app.py's navigation, in story order, each with no exception element, and then its total.
With RNN_WARM_UP=0 it must say it is off and visit nothing. The loopback address it visits is
checked against the server options it is derived from.
"""
from __future__ import annotations

import re
import subprocess
import time

import pytest
from streamlit import config

from core.config.app import WARM_ENV, WARM_LINKS
from tests.conftest import _free_port, page_url_paths, start_server, stop_server
from ui import warm

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
