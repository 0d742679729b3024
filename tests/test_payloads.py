"""Markdown/HTML payloads through every URL key of every page: nothing they carry renders.

Every key a page reads (tests/urlkeys.py finds them in the source) gets the same payload in one
link; every text the page then shows as markdown (alerts, markdown, captions, headings,
exception messages, widget labels and help) is rendered with markdown-it and must contain no
<a>/<img> and no unescaped link, Streamlit directive or maths from the payload. Then one real
browser opens such links on two pages: no <img>/<a> from the payload, no request off the machine.
"""
from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from tests.conftest import ROOT
from tests.urlkeys import CHEAP, pages, sidebar_keys

MARK = "EVILX"     # in every payload, so the texts that echo one can be found
HOST = "127.0.0.1:8669"
PAYLOADS = {
    "image": f"![{MARK}](http://{HOST}/p.png)",
    "backtick image": f"`![{MARK}](http://{HOST}/p.png)",
    "link": f"[{MARK} fix it here](http://evil.example/)",
    "backtick link": f"`` `[{MARK}](http://evil.example/)",
    "html img": f"<img src=http://{HOST}/{MARK}.png>",
    "html a": f"<a href='http://evil.example/'>{MARK}</a>",
    "directive": f":red[{MARK}] :material/home:",
    "maths": f"${MARK}^2$",
    "autolink": f"<http://evil.example/{MARK}> www.evil.example/{MARK} http://evil.example/{MARK}",
    "list item": f"a,![{MARK}](http://{HOST}/p.png),b",
}

PAGES = pages()
_MD = MarkdownIt("commonmark", {"html": False})
_MD_HTML = MarkdownIt("commonmark", {"html": True})


# element types whose body Streamlit renders as markdown (a widget's value is not markdown)
_MARKDOWN_KINDS = {"Markdown", "Caption", "Warning", "Error", "Info", "Success", "Toast", "Exception",
                   "Title", "Header", "Subheader", "Divider", "Badge", "Metric", "Expander", "Tab"}


def _texts(at):
    """(where, text, allow_html) for every string the page shows through Streamlit's markdown."""
    out = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            walk(child)
        proto = getattr(node, "proto", None)
        kind = type(node).__name__
        allow = bool(getattr(proto, "allow_html", False)) if proto is not None else False
        attrs = ("label", "help", "placeholder")
        if kind in _MARKDOWN_KINDS:
            attrs = ("value", "body", "message", *attrs)
        for attr in attrs:
            try:
                v = getattr(node, attr, None)
            except Exception:  # noqa: BLE001 - some element types raise on unknown attributes
                v = None
            if isinstance(v, str) and v:
                out.append((f"{kind}.{attr}", v, allow))

    walk(at._tree)
    return out


_UNESCAPED = [
    (re.compile(r"(?<!\\)https?(?<!\\)://"), "a bare URL (GFM autolink)"),
    (re.compile(r"(?<!\\)www\."), "a bare www. address (GFM autolink)"),
    (re.compile(r"(?<!\\):[a-z]+(?:-background)?\[" + MARK), "a Streamlit colour directive"),
    (re.compile(r"(?<!\\)\$" + MARK), "maths"),
]


def problems(at) -> list[str]:
    found = []
    for where, text, allow in _texts(at):
        if MARK not in text:
            continue
        html = (_MD_HTML if allow else _MD).render(text)
        if re.search(r"<a\s|<img\s", html):
            found.append(f"{where} renders a link/image: {text[:160]!r}")
        for rx, what in _UNESCAPED:
            if rx.search(text):
                found.append(f"{where} holds {what}: {text[:160]!r}")
    return found


def open_with(page, query: dict[str, str], timeout: float = 180):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(page.script)
    return at.run()


ROUNDS = 3   # each key gets ROUNDS different payloads (round robin), every payload reaches many keys

# Chapter bugs found by this test and reported to their owners; kept out until fixed.
KNOWN: dict[tuple[str, int], str] = {}


def query_for(page, offset: int) -> dict[str, str]:
    names = list(PAYLOADS)
    keys = [*sidebar_keys(), *page.keys]
    cheap = CHEAP.get(page.script, {})
    return {k: cheap.get(k, PAYLOADS[names[(i + offset) % len(names)]]) for i, k in enumerate(keys)}


@pytest.mark.parametrize("offset", range(ROUNDS))
@pytest.mark.parametrize("page", PAGES, ids=[p.url_path or "overview" for p in PAGES])
def test_payloads_in_every_key_render_inert(page, offset):
    if (page.script, offset) in KNOWN:
        pytest.skip(KNOWN[(page.script, offset)])
    at = open_with(page, query_for(page, offset))
    assert not at.exception, [e.value for e in at.exception][:2]
    assert problems(at) == []


def test_the_checker_catches_an_unescaped_echo():
    """The assertion above would fail on the pre-fix echo (a backtick closes the code span)."""
    class Markdown:
        def __init__(self, value):
            self.value, self.children = value, {}

    class Fake:
        _tree = Markdown("")

    Fake._tree.children = {0: Markdown(f"The link's seed = `{PAYLOADS['backtick image'][:40]}` is not a number")}
    assert problems(Fake)
    Fake._tree.children = {0: Markdown(f"see http://evil.example/{MARK}")}
    assert problems(Fake)


BROWSER_PAGES = [PAGES[0].url_path] + [p.url_path for p in PAGES if p.keys and p.script not in CHEAP][:1]


@pytest.mark.parametrize("url_path", BROWSER_PAGES)
def test_payload_link_in_a_real_browser_makes_no_element_and_no_request(server, browser, url_path):
    from urllib.parse import quote

    from tests.browser import assert_no_exception, open_page

    page_keys = next(p.keys for p in PAGES if p.url_path == url_path)
    query = "&".join(f"{k}={quote(PAYLOADS['backtick image'])}" for k in [*sidebar_keys(), *page_keys[:6]])
    foreign: list[str] = []
    seen: list[str] = []
    page = open_page(browser, f"{server}/{url_path}?{query}", foreign=foreign, timeout_ms=240_000)
    page.on("request", lambda r: seen.append(r.url))
    page.wait_for_timeout(500)
    assert_no_exception(page)
    sel = "[data-testid='stMain'] img, [data-testid='stMain'] a, [data-testid='stSidebar'] img, [data-testid='stSidebar'] a"
    bad = page.evaluate(f"""() => [...document.querySelectorAll("{sel}")]
        .filter(e => (e.getAttribute('src') || '').includes('p.png') || (e.getAttribute('href') || '').includes('evil')
                     || (e.getAttribute('alt') || '').includes('{MARK}') || (e.textContent || '').includes('{MARK}'))
        .map(e => e.outerHTML.slice(0, 200))""")
    assert bad == []
    assert page.get_by_text(MARK).count() >= 1          # the value is echoed, as plain text
    assert foreign == [] and not [u for u in seen if HOST in u or "evil" in u]
    page.context.close()


def _result_file(method: str, device_name: str) -> bytes:
    import json

    meta = {"device": "cpu", "device_name": device_name, "torch_version": "x", "threads": 1, "mode": "forward",
            "B": 1, "d": 8, "heads": 1}
    row = {"method": method, "T": 8, "median_s": 1e-3, "p25_s": 1e-3, "p75_s": 1e-3, "flops": 1.0,
           "pct_of_peak": 1.0, "sequential_steps": 8}
    return json.dumps({"schema": "timing-result/1", "meta": meta, "rows": [row]}).encode()


UPLOADS = {
    "method field": _result_file(f"![{MARK}](http://{HOST}/p.png)", "cpu"),
    "device name": _result_file("rnncell_loop", f"`![{MARK}](http://{HOST}/p.png) [{MARK}](http://evil.example/)"),
    "non-number field": _result_file("rnncell_loop", "cpu").replace(b'"threads": 1', f'"threads": "![{MARK}](http://{HOST}/p.png)"'.encode()),
    "nested brackets": b"[" * 20_000 + b"]" * 20_000,
}
# Upload cases that fail on main because of a chapter bug (reported; kept out until fixed).
UPLOAD_KNOWN: dict[str, str] = {}   # the file section runs inside layout.section: errors are inert messages
TIMING = next((p for p in PAGES if "timing" in p.url_path), None)


@pytest.mark.skipif(TIMING is None, reason="no timing page")
@pytest.mark.parametrize("name", list(UPLOADS))
def test_uploaded_result_fields_render_inert(server, browser, tmp_path, name):
    from urllib.parse import urlencode

    from tests.browser import open_page, wait_for_app

    if name in UPLOAD_KNOWN:
        pytest.skip(UPLOAD_KNOWN[name])
    foreign: list[str] = []
    query = {**CHEAP[TIMING.script], "t_view": "file"}          # the upload box lives in the file section
    page = open_page(browser, f"{server}/{TIMING.url_path}?{urlencode(query)}", foreign=foreign,
                     timeout_ms=240_000)
    path = tmp_path / "result.json"
    path.write_bytes(UPLOADS[name])
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(path))
    page.wait_for_timeout(800)
    wait_for_app(page, 240_000)
    page.wait_for_timeout(500)
    n_exc = page.locator("[data-testid='stException']").count()
    exc = page.locator("[data-testid='stException']").first.inner_text()[:300] if n_exc else ""
    bad = page.evaluate(f"""() => [...document.querySelectorAll("img, a")]
        .filter(e => (e.getAttribute('src') || '').includes('p.png') || (e.getAttribute('href') || '').includes('evil')
                     || (e.getAttribute('alt') || '').includes('{MARK}'))
        .map(e => e.outerHTML.slice(0, 200))""")
    page.context.close()
    assert n_exc == 0, exc
    assert bad == [] and foreign == [], (bad, foreign)


TEXT_BOX_PAYLOAD = f"`![{MARK}](http://{HOST}/p.png) [{MARK} fix](http://evil.example/) :red[{MARK}] ${MARK}$"


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path or "overview" for p in PAGES])
def test_payloads_typed_into_every_text_box_render_inert(page):
    at = open_with(page, dict(CHEAP.get(page.script, {})))
    boxes = [("text_input", i) for i in range(len(at.text_input))] + [("text_area", i) for i in range(len(at.text_area))]
    if not boxes:
        pytest.skip("no text box on this page")
    for kind, i in boxes:
        getattr(at, kind)[i].input(TEXT_BOX_PAYLOAD).run()
        assert not at.exception, (kind, i, [e.value for e in at.exception][:1])
        assert problems(at) == [], (kind, i)
