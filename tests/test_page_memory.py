"""The memory page through AppTest: the first screen, typed text, bad text, tampered links, a sequence
of interactions that keeps its settings, the sections and the seq2seq digits."""
import json
import re

import pytest

from core.config import GRADMEM_BUDGET, MEMORY
from tests.conftest import app_test

PAGE = "chapters/memory.py"
SMALL = {"m_N": 16, "m_K": 4}          # keeps the probe sweeps small; the default view is tested once


def run(**query):
    return app_test(page=PAGE, timeout=180, **query)


def notices(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def claim(at) -> str:
    """The claim sentence (layout.claim: one h4 line)."""
    return next(m.value[5:] for m in at.markdown if m.value.startswith("#### "))


def charts(at):
    return list(at.get("vega_lite_chart")) + list(at.get("arrow_vega_lite_chart"))


def scrub(at) -> dict:
    return json.loads(charts(at)[0].proto.spec)


def test_default_view():
    at = run()
    assert not at.exception
    assert at.title[0].value == "Fixed-size memory"
    assert not at.error and not at.warning
    assert not at.tabs and at.radio(key="m_sec").value == "forgetting"
    assert claim(at) == ("The LSTM squeezes all 141 tokens into 128 numbers; a transformer layer keeps 9,024 "
                         "for them (70×), one per token and width.")
    assert len(charts(at)) == 3       # the main view (one chart, one step slider), sensitivity, probe
    step = scrub(at)["params"][0]
    assert step["name"] == "step" and step["bind"]["input"] == "range" and step["bind"]["max"] == 141
    assert step["value"] == 141
    text = notices(at)
    assert "carries **128 numbers** (h and c)" in text and "$T \\times d$" in text
    assert "linear probe falls to near chance" in text
    assert any("Next: Attention maps" in str(p.proto) for p in at.get("page_link"))


def test_typed_text_changes_the_output_and_the_link_sets_the_starting_step():
    at = run(m_t=3, **SMALL)
    before = notices(at)
    at.text_area(key="m_text").input("to be or not to be").run()
    assert not at.exception and not at.error
    after = notices(at)
    assert after != before and "for these 18 tokens" in after
    assert "At step 3 (‘␣’)" in after and scrub(at)["params"][0]["value"] == 3


@pytest.mark.parametrize("text, message", [("", "empty"), ("   \n  ", "only whitespace")])
def test_bad_text_gets_a_clear_message_and_the_probes_still_show(text, message):
    at = run(**SMALL)
    at.text_area(key="m_text").input(text).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert len(charts(at)) == 2       # the forgetting section does not depend on the text


def test_text_past_the_token_limit_is_drawn_up_to_it_with_a_message():
    at = run(**SMALL)
    at.text_area(key="m_text").input("x" * (MEMORY.max_tokens + 5)).run()
    assert not at.exception and not at.error
    assert any(f"the first {MEMORY.max_tokens}" in w.value and "205" in w.value for w in at.warning)
    assert scrub(at)["params"][0]["bind"]["max"] == MEMORY.max_tokens


@pytest.mark.parametrize("text, token_count", [("🙂👍🏽👨‍👩‍👧 ok", 6), ("שלום עולם", 9), ("مرحبا بالعالم", 13)])
def test_emoji_and_right_to_left_text_work(text, token_count):
    at = run(**SMALL)
    at.text_area(key="m_text").input(text).run()
    assert not at.exception and not at.error
    assert f"for these {token_count} tokens" in notices(at)


def test_words_and_synthetic_inputs():
    at = run(m_tok="words", m_text="one two three, four", **SMALL)
    assert not at.exception and "for these 5 tokens" in notices(at)
    at = run(m_src="synthetic", m_T=30, m_cell="gru", m_t=50, **SMALL)
    assert not at.exception and "The GRU carries **16 numbers**" in notices(at)
    assert any("past the end of this input (30 tokens)" in i.value for i in at.info)


def test_tampered_link_values_get_messages_not_tracebacks():
    at = run(m_N="abc", m_cell="transformer", m_t="9999", m_rho="nan", m_q="zz", m_K=4, m_sec="x")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    for fragment in ("“abc”", "“transformer”", "“9999”", "“nan”", "“zz”", "“x”"):
        assert fragment in warnings, fragment
    assert at.selectbox(key="m_cell").value == "lstm"


def test_overlong_or_empty_text_in_the_link_gets_a_message_and_never_goes_back_into_the_link():
    at = run(m_text="ab" * MEMORY.max_chars, **SMALL)
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert f"cut to the limit of {MEMORY.max_chars} characters" in warnings
    assert f"reads the first {MEMORY.max_tokens}" in warnings
    assert len(at.query_params["m_text"]) <= MEMORY.max_chars
    at = run(m_text="", **SMALL)
    assert any("empty" in w.value for w in at.warning)


def test_a_sequence_of_changes_keeps_every_setting_across_sections_and_pages():
    at = run(**SMALL)
    at.selectbox(key="m_cell").set_value("gru").run()
    assert not at.exception and claim(at).startswith("The GRU")
    at.slider(key="m_rho").set_value(0.8).run()
    at.radio(key="m_sec").set_value("size").run()
    assert not at.exception and "GRU probe vs state size N" in json.dumps([json.loads(c.proto.spec) for c in charts(at)])
    at.text_area(key="m_text").input("abc abc abc").run()
    at.switch_page("chapters/gradients.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="m_cell").value == "gru" and at.slider(key="m_rho").value == 0.8
    assert at.radio(key="m_sec").value == "size" and at.text_area(key="m_text").value == "abc abc abc"


def test_the_overview_shows_what_this_page_measured():
    at = run(**SMALL)
    at.switch_page("chapters/overview.py").run()
    table = next(m.value for m in at.markdown if "Long-range dependencies" in m.value)
    line = next(r for r in table.splitlines() if r.startswith("| Long-range dependencies |"))
    text = line.split(" | ")[-1]
    assert text.startswith("probe reads k steps back up to: RNN ") and "attention" in text and "N = 16" in text


def test_probes_past_the_budget_are_refused_and_the_main_view_still_draws():
    at = run(m_N=256, m_K=120)
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "1 GiB" in errors and f"{GRADMEM_BUDGET.max_seconds:g} s" in errors
    assert len(charts(at)) == 1


def test_seq2seq_section_renders_and_refuses_a_bad_sequence():
    at = run(m_sec="seq2seq", m2_seq="1 2 3 4 5 6 7 8 9 0", **SMALL)
    assert not at.exception and not at.error
    assert any(h.value.startswith("Squeezed into one vector") for h in at.header)
    text = notices(at)
    assert "The plain decoder's exact match falls below 50% at n = " in text
    assert "Your 10 digits reversed are 0987654321" in text
    links = [str(p.proto) for p in at.get("page_link")]
    assert any("head_to_head" in p and "Head to head" in p for p in links)       # where training is discussed
    keys = {b.key for b in at.get("download_button")}
    assert {"m2_exact_match_svg", "m2_token_accuracy_png", "m2_align_attention_csv", "m2_align_plain_json"} <= keys
    at.text_input(key="m2_seq").input("12x4").run()
    assert not at.exception
    assert any("'x' is not a digit" in e.value.replace("\\", "") for e in at.error)
    at.text_input(key="m2_seq").input("1" * 31).run()
    assert any("between 1 and 30" in e.value for e in at.error)
    at = run(m_sec="seq2seq", m2_seq="1 2 x 3", **SMALL)
    assert any("outside digits, spaces and commas removed" in w.value for w in at.warning)


def test_the_probes_status_line_stays_in_place_whether_computed_or_cached():
    """One progress element above the forgetting charts on every run (full once done), so the
    charts below do not move when a run computes nothing."""
    def status(at):
        (bar,) = at.get("progress")
        return bar.proto.value, bar.proto.text

    at = run(m_rho=0.83, **SMALL)                                   # a ρ no other test uses: computed now
    value, text = status(at)
    assert value == 100 and re.fullmatch(r"All 4 models probed \([1-4] models? computed now, in \d+\.\d s\)", text)
    assert len(charts(at)) == 3
    at.run()
    assert status(at) == (100, "All 4 models probed (from this server's cache)") and len(charts(at)) == 3
