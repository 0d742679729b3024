"""Recurrence strikes back in headless Chromium at 1280×720: the first screen, then a sequence of interactions."""
from __future__ import annotations

from tests.browser import assert_no_exception, first_chart_top, open_page, wait_for_app, widest_overflow

SMALL = "scan?s_T=256&s_D=16"   # segmented controls are radio buttons to the browser


def test_first_screen_at_1280x720(server, browser):
    page = open_page(browser, f"{server}/{SMALL}", 1280, 720, timeout_ms=180_000)
    assert_no_exception(page)
    assert page.locator("h1", has_text="Recurrence strikes back").count() == 1
    assert first_chart_top(page) < 720
    assert widest_overflow(page) <= 0
    # the controls that drive the main chart are on the first screen too
    box = page.get_by_label("Sequence length T (any whole number)").bounding_box()
    assert box is not None and box["y"] + box["height"] < 720
    page.context.close()


def test_interactions_tree_steps_and_sections(server, browser):
    page = open_page(browser, f"{server}/{SMALL}", 1280, 720, timeout_ms=180_000)
    page.get_by_role("radio", name="the tree", exact=True).click()
    wait_for_app(page, 120_000)
    page.wait_for_selector("text=Associativity, measured", timeout=60_000)
    assert "s_sec=the+tree" in page.url or "s_sec=the%20tree" in page.url
    page.get_by_role("button", name="Next ▶").click()
    wait_for_app(page, 60_000)
    page.wait_for_function("() => location.search.includes('s_lvl=1')", timeout=30_000)
    page.get_by_role("radio", name="16", exact=True).click()
    wait_for_app(page, 60_000)
    assert first_chart_top(page) < 720 and widest_overflow(page) <= 0
    page.get_by_role("radio", name="gradients", exact=True).click()
    wait_for_app(page, 120_000)
    assert "s_sec=gradients" in page.url
    assert_no_exception(page)
    assert first_chart_top(page) < 720 and widest_overflow(page) <= 0
    page.get_by_role("radio", name="what was given up", exact=True).click()
    wait_for_app(page, 120_000)
    assert_no_exception(page)
    assert page.get_by_text("Jelassi").count() >= 1
    page.context.close()


def test_tampered_link_in_the_browser(server, browser):
    page = open_page(browser, f"{server}/scan?s_T=banana&s_sec=nowhere&s_D=8", 1280, 720, timeout_ms=180_000)
    assert_no_exception(page)
    assert page.get_by_text("not a whole number").count() >= 1
    assert page.get_by_text("“nowhere”").count() >= 1
    page.context.close()
