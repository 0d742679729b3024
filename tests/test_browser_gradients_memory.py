"""The gradient and memory pages in headless Chromium at 1280×720: a chart on the first screen,
nothing wider than the window, a sequence of interactions with no exception, the open section kept
through a reload of the address bar's link, the memory page's step slider moving in the
browser without a rerun, a slider step that redraws the charts in place (as a fresh visit draws
them), and each main chart's export menu downloading a valid SVG and PNG."""
import struct
import xml.etree.ElementTree as ET

import pytest

from tests.browser import assert_no_exception, first_chart_top, open_page, wait_for_app, widest_overflow

SLOW = 240_000          # ms: the shared 2-core test host may be busy


def pick(page, label: str) -> None:
    page.locator("[data-testid='stRadio'] label", has_text=label).first.click()
    page.wait_for_timeout(500)
    wait_for_app(page, SLOW)


def checked(page, label: str) -> bool:
    return page.locator("[data-testid='stRadio'] label", has_text=label).first.locator("input").is_checked()


@pytest.mark.parametrize("path", ["gradients", "memory"])
def test_first_screen_has_a_chart_and_nothing_overflows(server, browser, path):
    page = open_page(browser, f"{server}/{path}", 1280, 720, timeout_ms=SLOW)
    try:
        assert_no_exception(page)
        assert first_chart_top(page, wait_ms=SLOW) < 720
        assert widest_overflow(page) <= 0
        assert page.get_by_text("Next:").count() == 1
    finally:
        page.context.close()


def test_the_main_chart_grows_with_the_window_and_stays_on_the_first_screen(server, browser):
    """Projector-ready: the same chart is taller at 1920 px than at 1280 px, and never shorter than
    its builder's height; at 1920×1080 its plot (the x axis) stays on the first screen."""
    heights = {}
    for w, h in [(1280, 720), (1920, 1080)]:
        page = open_page(browser, f"{server}/gradients", w, h, timeout_ms=SLOW)
        try:
            assert_no_exception(page)
            first_chart_top(page, wait_ms=SLOW)
            box = page.locator(".st-key-aspect_g_decay_chart [data-testid='stVegaLiteChart']").first.bounding_box()
            heights[w] = box["height"]
            if w == 1920:
                assert box["y"] + box["height"] <= h
        finally:
            page.context.close()
    assert heights[1280] >= 440 + 150 - 2              # the builder's 440 px plot and its frame
    assert heights[1920] > heights[1280] * 1.1


def test_gradients_sequence_and_the_open_section_survives_a_reload(server, browser):
    page = open_page(browser, f"{server}/gradients?g_T=40&g_seeds=2", 1280, 720, timeout_ms=SLOW)
    try:
        pick(page, "states")
        pick(page, "Exploding & clipping")
        assert_no_exception(page)
        pick(page, "Phase diagram")
        assert_no_exception(page)
        assert "g_sec=phase" in page.url and "g_wrt=h" in page.url
        page.goto(page.url)
        wait_for_app(page, SLOW)
        assert checked(page, "Phase diagram") and checked(page, "states")
        assert_no_exception(page)
        assert widest_overflow(page) <= 0
    finally:
        page.context.close()


def test_memory_step_slider_moves_in_the_browser_and_sections_survive_a_reload(server, browser):
    page = open_page(browser, f"{server}/memory?m_N=16&m_K=4", 1280, 720, timeout_ms=SLOW)
    try:
        first_chart_top(page, wait_ms=SLOW)
        slider = page.locator(".vega-bindings input[type='range']").first
        states = []
        page.expose_function("noteState", lambda s: states.append(s))
        page.evaluate("""() => new MutationObserver(() => window.noteState(
            document.querySelector("[data-testid='stApp']").getAttribute("data-test-script-state"))).observe(
            document.querySelector("[data-testid='stApp']"), {attributes: true})""")
        for value in ("1", "20", "70"):
            slider.evaluate(f"e => {{ e.value = '{value}'; e.dispatchEvent(new Event('input', {{bubbles: true}})); }}")
            page.wait_for_timeout(300)
        assert "running" not in states                  # no rerun per step
        assert slider.input_value() == "70"
        pick(page, "A bigger state")
        assert_no_exception(page)
        assert "m_sec=size" in page.url
        page.goto(page.url)
        wait_for_app(page, SLOW)
        assert checked(page, "A bigger state")
        assert_no_exception(page)
    finally:
        page.context.close()


@pytest.mark.parametrize("path, name", [("gradients", "gradients_decay_models-all_T-200"),
                                        ("memory", "memory_trajectory_cell-lstm_N-64")])
def test_the_main_charts_export_menu_downloads_a_valid_svg_and_png(server, browser, path, name):
    page = open_page(browser, f"{server}/{path}", 1280, 720, timeout_ms=SLOW)
    try:
        assert first_chart_top(page, wait_ms=SLOW) < 720
        page.get_by_role("button", name="Export").first.click()
        menu = page.locator("[data-testid='stPopoverBody']").first
        menu.get_by_text("Reproduce in Python").wait_for(timeout=SLOW)
        files = {}
        for fmt in ("SVG", "PNG"):
            with page.expect_download(timeout=SLOW) as got:
                menu.locator("button", has_text=fmt).first.click()
            files[fmt] = (got.value.suggested_filename, open(got.value.path(), "rb").read())
        (svg_name, svg), (png_name, png) = files["SVG"], files["PNG"]
        assert svg_name.startswith(name) and svg_name.endswith(".svg") and png_name == svg_name[:-4] + ".png"
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg") and float(root.get("width")) > 300
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and min(struct.unpack(">II", png[16:24])) > 400
        assert_no_exception(page)
    finally:
        page.context.close()


def test_a_new_rho_redraws_the_charts_in_place_exactly_as_a_fresh_visit_draws_them(server, browser):
    """A slider step changes the charts' data only, so the browser updates the drawn charts in place
    (the same drawing elements stay) instead of building them again; the oracle for what it then
    shows is a fresh visit to the link the address bar now holds: the main chart's pixels agree."""
    import io

    from PIL import Image, ImageChops

    def main_chart(page) -> Image.Image:
        wait_for_app(page, SLOW)
        page.wait_for_timeout(1500)
        return Image.open(io.BytesIO(page.locator(".vega-embed").first.screenshot())).convert("RGB")

    drawn = ".vega-embed canvas, .vega-embed svg.marks"
    page = open_page(browser, f"{server}/gradients?g_T=40&g_seeds=2", 1280, 720, timeout_ms=SLOW)
    try:
        first_chart_top(page, wait_ms=SLOW)
        main_chart(page)
        n = page.evaluate(f"() => {{ const d = document.querySelectorAll({drawn!r}); d.forEach(e => e.__old = 1); return d.length }}")
        rho = page.locator("[data-testid='stMain'] [data-testid='stSlider'] input[type='range']").first
        rho.focus()
        rho.press("ArrowRight")
        page.wait_for_function("() => location.search.includes('g_rho=0.95')", timeout=SLOW)
        after = main_chart(page)
        assert_no_exception(page)
        kept = page.evaluate(f"() => Array.from(document.querySelectorAll({drawn!r})).map(e => !!e.__old)")
        assert n == 3 and kept == [True] * 3, kept
        fresh = open_page(browser, page.url, 1280, 720, timeout_ms=SLOW)
        try:
            first_chart_top(fresh, wait_ms=SLOW)
            again = main_chart(fresh)
        finally:
            fresh.context.close()
        assert after.size == again.size
        diff = ImageChops.difference(after, again).convert("L").point(lambda v: 255 if v > 40 else 0)
        assert diff.histogram()[255] <= 0.005 * after.size[0] * after.size[1]
    finally:
        page.context.close()
