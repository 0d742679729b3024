"""Shared fixtures: the repository root on sys.path, a live Streamlit server for browser tests."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def page_url_paths() -> list[str]:
    """Every page's URL path in app.py, in story order; the default page is served at ""."""
    pages = re.findall(r'st\.Page\(.*', (ROOT / "app.py").read_text())
    return ["" if "default=True" in line else re.search(r'url_path="([^"]*)"', line).group(1) for line in pages]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    """`streamlit run serve.py` (the shipped entry, warming itself up) on a free local port; yields its base URL."""
    yield from _serve()


@pytest.fixture()
def fresh_server():
    """A server nobody has visited yet (for first-visitor behaviour)."""
    yield from _serve()


def start_server(port: int, text: bool = False, **env) -> subprocess.Popen:
    """`streamlit run serve.py` on loopback at `port` (`env`: extra environment), its log on stdout."""
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py",
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=dict(os.environ, PYTHONUNBUFFERED="1", **env), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=text,
    )


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _serve():
    port = _free_port()
    proc = start_server(port)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("streamlit did not become healthy in 60 s:\n" + proc.stdout.read().decode())
    yield base
    stop_server(proc)


def app_test(page: str | None = None, timeout: float = 60, **query):
    """Run app.py under AppTest with the given query params, optionally switching to `page`."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for k, v in query.items():
        at.query_params[k] = str(v)
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium through Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, CHROMIUM

    assert Path(CHROMIUM).exists(), (
        "Debian's chromium is needed for the browser tests: `apt-get install chromium` "
        "(scripts/test.sh does this)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()
