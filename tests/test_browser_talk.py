"""Talk mode in a real headless Chromium at projector sizes: the clicker's keys and the
buttons move between scenes and write `?scene=N`, deep links open their scene, every
scene renders with no exception and nothing below the first screen, and the browser
asks no other host for anything."""
from __future__ import annotations

import re

import pytest

from core.story.scenes import SCENES
from tests.browser import assert_no_exception, open_page, wait_for_app

N = len(SCENES)
# The lowest edge of any visible element (closed expanders' hidden bodies excluded), in page px.
CONTENT_BOTTOM = """() => {
    let worst = 0;
    for (const e of document.querySelectorAll("[data-testid='stMain'] [data-testid='stElementContainer']")) {
        const box = e.closest("[data-testid='stExpanderDetails']");
        const details = box && box.closest("details");
        if (details && !details.open) continue;
        const r = e.getBoundingClientRect();
        if (r.height > 0 && r.width > 0) worst = Math.max(worst, r.bottom + window.scrollY);
    }
    return worst;
}"""


def scene_number(page) -> int:
    m = re.search(r"[?&]scene=(\d+)", page.url)
    return int(m.group(1)) if m else 1


def heading(page) -> str:
    return page.locator("h1").first.inner_text()


def settle(page) -> None:
    """Until the script is idle and the frontend has drawn the chart and the buttons (on a busy
    host Streamlit's lazily loaded widget code can take seconds after the script finished)."""
    page.wait_for_timeout(400)
    wait_for_app(page)
    page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                           timeout=90_000)
    page.get_by_role("button", name=re.compile("▶")).wait_for(timeout=90_000)


def check_scene(page, n: int, height: int) -> None:
    assert_no_exception(page)
    assert heading(page).startswith(f"{n} / {N}"), heading(page)
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 1, f"scene {n} drew no chart"
    bottom = page.evaluate(CONTENT_BOTTOM)
    assert bottom <= height, f"scene {n}: content reaches {bottom:.0f} px, below the {height} px window"


@pytest.mark.parametrize("size", [(1280, 720)])
def test_every_scene_by_clicker_fits_one_screen_offline(server, browser, size):
    w, h = size
    foreign: list[str] = []
    page = open_page(browser, f"{server}/talk", w, h, foreign=foreign)
    settle(page)
    check_scene(page, 1, h)
    for n in range(2, N + 1):
        page.keyboard.press("PageDown")
        page.wait_for_function(f"() => /[?&]scene={n}(&|$)/.test(location.search)", timeout=60_000)
        settle(page)
        check_scene(page, n, h)
    assert foreign == [], f"requests to other hosts: {foreign[:5]}"
    page.context.close()


def test_keys_and_buttons_move_both_ways(server, browser):
    page = open_page(browser, f"{server}/talk?scene=5", 1280, 720)
    settle(page)
    assert heading(page).startswith(f"5 / {N}")
    for key, want in (("PageUp", 4), ("ArrowRight", 5), ("ArrowLeft", 4)):
        page.keyboard.press(key)
        page.wait_for_function(f"() => /[?&]scene={want}(&|$)/.test(location.search)", timeout=60_000)
        settle(page)
        assert heading(page).startswith(f"{want} / {N}")
    page.get_by_role("button", name=re.compile("▶")).click()
    page.wait_for_function("() => /[?&]scene=5(&|$)/.test(location.search)", timeout=60_000)
    settle(page)
    assert heading(page).startswith(f"5 / {N}")
    page.context.close()


def test_deep_link_and_tampered_scene(server, browser):
    page = open_page(browser, f"{server}/talk?scene={N}", 1920, 1080)
    settle(page)
    check_scene(page, N, 1080)
    page.context.close()
    page = open_page(browser, f"{server}/talk?scene=999", 1280, 720)
    assert_no_exception(page)
    assert heading(page).startswith(f"{N} / {N}")
    assert page.get_by_text("outside its limit").count() >= 1
    page.context.close()
