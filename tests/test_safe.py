"""ui.safe.inert: echoed text renders as the literal characters, never as markdown."""
from markdown_it import MarkdownIt

from ui.safe import inert, quoted

PAYLOADS = [
    "![p](http://127.0.0.1:8628/p.png)",
    "`![p](http://127.0.0.1:8628/p.png)",
    "[fix it here](http://evil.example/)",
    "<img src=x onerror=alert(1)>",
    "<a href='http://evil.example'>x</a>",
    "**bold** _it_ ~~s~~ $x^2$ :red[red] :material/home:",
    "<http://evil.example>",
    "[x]: http://evil.example\n\n[x]",
    "``` code ```",
]


def render(text: str) -> str:
    return MarkdownIt("commonmark").render(text)


def test_payloads_render_without_links_images_or_html():
    for raw in PAYLOADS:
        html = render(inert(raw, limit=200))
        assert "<img" not in html and "<a " not in html and "<code" not in html and "<strong" not in html, raw


def test_text_reads_as_typed():
    html = render(inert("a_b*c [d](e)", limit=200))
    assert "a_b*c [d](e)" in html


def test_cut_and_newlines():
    assert inert("x" * 100, limit=10) == "x" * 10 + "…"
    assert "\n" not in inert("a\nb")
    assert quoted("ab") == "“ab”"
