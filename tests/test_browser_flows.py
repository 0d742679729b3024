"""Every page in a real browser at 1280×720, driven the way a reader drives it (issue 9's tests).

Per page, in one session:
- the first screen: a chart starts above the fold, nothing is wider than the window;
- a sequence of interactions found generically in the main area — type into each text input
  and press Enter, then change each selectbox, slider (keyboard), radio, segmented control and
  checkbox (the first few of each) — failing on any exception element;
- settings survive a page switch through the sidebar and back (the sidebar's seed too);
- a fresh visitor opening the copied URL sees the same view (controls, open section).
Buttons are not pressed (they start long measurements); charts are not clicked.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.browser import assert_no_exception, first_chart_top, open_page, wait_for_app, widest_overflow
from tests.urlkeys import CHEAP, pages

PAGES = pages()
W, H = 1280, 720
PER_KIND = 2          # controls of each kind changed per page (bounded: each change reruns the page)
TIMEOUT = 240_000

# Pages whose failure here is a chapter bug reported to its owner (kept out until fixed).
KNOWN: dict[str, str] = {
    "chapters/talk.py": "talk mode keeps its scene in the URL, not in widgets; its own browser test covers it",
}
# Pages whose controls are the reader's own answers: kept across a page switch, never put in a link.
PRIVATE: dict[str, str] = {
    "chapters/quiz.py": "a shared quiz link must not carry the sender's uncommitted guesses",
}


SNAPSHOT = """() => {
  const m = document.querySelector("[data-testid='stMain']");
  const out = {};
  m.querySelectorAll("[data-testid='stSlider'] [role='slider']").forEach((e, i) => out['slider' + i] = e.getAttribute('aria-valuenow'));
  m.querySelectorAll("[role='radiogroup']").forEach((g, i) => {
    const r = [...g.querySelectorAll("input[type='radio']")].findIndex(x => x.checked); out['radio' + i] = r; });
  m.querySelectorAll("[data-testid='stCheckbox'] input").forEach((e, i) => out['check' + i] = e.checked);
  m.querySelectorAll("[data-testid='stSelectbox']").forEach((e, i) => out['select' + i] = e.innerText.trim());
  m.querySelectorAll("[data-testid='stTextInput'] input, [data-testid='stTextArea'] textarea").forEach((e, i) => out['text' + i] = e.value);
  m.querySelectorAll("[data-testid='stButtonGroup']").forEach((g, i) => out['seg' + i] =
    [...g.querySelectorAll("button")].filter(b => b.getAttribute('aria-checked') === 'true' || b.getAttribute('aria-pressed') === 'true' || (b.getAttribute('kind') || '').includes('Active')).map(b => b.innerText).join('|'));
  return out;
}"""


def settle(page) -> None:
    page.wait_for_timeout(400)
    wait_for_app(page, TIMEOUT)
    assert_no_exception(page)


def link(base: str, p) -> str:
    q = CHEAP.get(p.script, {})
    return f"{base}/{p.url_path}" + (f"?{urlencode(q)}" if q else "")


def interact(page) -> list[str]:
    """Change the first few controls of every kind in the main area; returns what was done."""
    done = []
    main = page.locator("[data-testid='stMain']")
    boxes = main.locator("[data-testid='stTextInput'] input").locator("visible=true")
    for i in range(min(PER_KIND, boxes.count())):
        boxes.nth(i).fill("abc 123")
        boxes.nth(i).press("Enter")
        settle(page)
        done.append(f"text input {i}")
    areas = main.locator("[data-testid='stTextArea'] textarea").locator("visible=true")
    for i in range(min(PER_KIND, areas.count())):
        areas.nth(i).fill("the quick brown fox")
        areas.nth(i).press("Control+Enter")
        settle(page)
        done.append(f"text area {i}")
    selects = main.locator("[data-testid='stSelectbox']").locator("visible=true")
    for i in range(min(PER_KIND, selects.count())):
        if selects.nth(i).locator("input[disabled]").count():
            continue
        box = selects.nth(i).locator("input")
        box.click()
        box.press("ArrowDown")
        box.press("Enter")
        settle(page)
        done.append(f"selectbox {i}")
    sliders = main.locator("[data-testid='stSlider'] [role='slider']").locator("visible=true")
    for i in range(min(PER_KIND, sliders.count())):
        sliders.nth(i).focus()
        sliders.nth(i).press("ArrowLeft" if sliders.nth(i).get_attribute("aria-valuenow") ==
                             sliders.nth(i).get_attribute("aria-valuemax") else "ArrowRight")
        settle(page)
        done.append(f"slider {i}")
    radios = main.locator("[role='radiogroup']").locator("visible=true")
    for i in range(min(PER_KIND, radios.count())):
        labels = radios.nth(i).locator("label")
        for j in range(labels.count()):
            if not labels.nth(j).locator("input").is_checked():
                labels.nth(j).click()
                break
        settle(page)
        done.append(f"radio {i}")
    groups = main.locator("[data-testid='stButtonGroup']").locator("visible=true")
    for i in range(min(PER_KIND, groups.count())):
        buttons = groups.nth(i).locator("button")
        if buttons.count() > 1:
            buttons.nth(buttons.count() - 1).click()
            settle(page)
            done.append(f"segmented {i}")
    checks = main.locator("[data-testid='stCheckbox'] label").locator("visible=true")
    for i in range(min(PER_KIND, checks.count())):
        checks.nth(i).click()
        settle(page)
        done.append(f"checkbox {i}")
    return done


def switch_via_sidebar(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first.click()
    settle(page)


WIDEST = """() => {
  const w = document.documentElement.clientWidth; let worst = null, by = 0;
  for (const e of document.querySelectorAll("[data-testid='stMain'] *")) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.right - w > by) { by = r.right - w; worst = e; }
  }
  if (!worst) return '';
  let t = worst; while (t && !t.getAttribute('data-testid')) t = t.parentElement;
  return `${by.toFixed(0)} px: <${worst.tagName.toLowerCase()} class="${worst.className}"> in ${t ? t.getAttribute('data-testid') : '?'}`;
}"""

FIRST_SCREEN_KNOWN: dict[str, str] = {
    "chapters/quiz.py": "the quiz asks for a guess first; its chart comes with the computed answer",
}
IDS = [p.url_path or "overview" for p in PAGES]


@pytest.mark.parametrize("p", PAGES, ids=IDS)
def test_first_screen_has_a_chart_and_nothing_too_wide(server, browser, p):
    if p.script in FIRST_SCREEN_KNOWN:
        pytest.skip(FIRST_SCREEN_KNOWN[p.script])
    page = open_page(browser, link(server, p), W, H, timeout_ms=TIMEOUT)
    assert_no_exception(page)
    top = first_chart_top(page)
    over = widest_overflow(page)
    what = page.evaluate(WIDEST) if over > 0 else ""
    page.context.close()
    assert top < H, f"the first chart starts at {top} px (the fold is at {H})"
    assert over <= 0, f"an element reaches past the window by {what}"


@pytest.mark.parametrize("p", PAGES, ids=IDS)
def test_interactions_page_switch_and_reload_keep_the_view(server, browser, p):
    if p.script in KNOWN:
        pytest.skip(KNOWN[p.script])
    page = open_page(browser, link(server, p), W, H, timeout_ms=TIMEOUT)
    assert_no_exception(page)
    done = interact(page)
    seed = page.get_by_label("Random seed")
    seed.fill("5")
    seed.press("Enter")
    settle(page)
    assert "seed=5" in page.url
    before = page.evaluate(SNAPSHOT)

    prefer = ["", "attention_price", "memory"]          # light pages to switch to (no live sweep)
    other = next(q for path in prefer for q in PAGES if q.url_path == path and q.script != p.script)
    switch_via_sidebar(page, other.title)
    assert page.get_by_label("Random seed").input_value() == "5"
    switch_via_sidebar(page, p.title)
    after = page.evaluate(SNAPSHOT)
    assert after == before, f"settings lost on a page switch (after {done}): {before} → {after}"
    assert page.get_by_label("Random seed").input_value() == "5"

    url = page.url
    page.context.close()
    if p.script in PRIVATE:
        assert "quiz_" not in url, url
        return
    fresh = open_page(browser, url, W, H, timeout_ms=TIMEOUT)
    assert_no_exception(fresh)
    again = fresh.evaluate(SNAPSHOT)
    assert again == before, f"the copied URL does not reproduce the view: {before} → {again}\n{url}"
    assert fresh.get_by_label("Random seed").input_value() == "5"
    fresh.context.close()
