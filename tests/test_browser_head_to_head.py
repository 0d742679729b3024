"""The head-to-head page in headless Chromium at 1280×720, including a live run on the smallest setting."""
import time

from core.config import H2H
from tests.browser import CHART, assert_no_exception, first_chart_top, open_page, wait_for_app, widest_overflow

SLOW_HOST_MS = 120_000      # the shared 2-core test host can be very busy


def test_first_screen_at_1280x720(server, browser):
    page = open_page(browser, f"{server}/head_to_head", 1280, 720, timeout_ms=SLOW_HOST_MS)
    page.wait_for_selector(CHART, timeout=SLOW_HOST_MS)
    page.wait_for_function("() => [...document.querySelectorAll(\"[data-testid='stVegaLiteChart']\")]"
                           ".some(e => e.getBoundingClientRect().height > 40)", timeout=SLOW_HOST_MS)
    assert_no_exception(page)
    assert first_chart_top(page) < 720
    assert widest_overflow(page) <= 0
    assert page.get_by_role("button", name="Train them live").count() == 1
    assert page.get_by_role("button", name="Stop the live run").count() == 1
    page.context.close()


def test_a_live_run_on_the_smallest_setting(server, browser):
    page = open_page(browser, f"{server}/head_to_head?h_models=rnn,gru&h_D=4&h_steps=25", 1280, 720,
                     timeout_ms=SLOW_HOST_MS)
    start = time.perf_counter()
    page.get_by_role("button", name="Train them live").click()
    page.get_by_text("Live tanh RNN:").wait_for(timeout=SLOW_HOST_MS)
    wait_for_app(page, SLOW_HOST_MS)
    assert time.perf_counter() - start < H2H.live_seconds + 60
    assert_no_exception(page)
    assert page.get_by_text("Live GRU:").count() == 1
    assert widest_overflow(page) <= 0
    page.context.close()
