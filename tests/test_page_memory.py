"""The memory page through AppTest: default view, typed text, bad text, tampered links."""
import pytest

from core.config import MEMORY
from tests.conftest import app_test

PAGE = "chapters/memory.py"
SMALL = {"m_N": 16, "m_K": 4}          # keeps the probe sweeps small; the default view is tested once


def run(**query):
    return app_test(page=PAGE, timeout=180, **query)


def notices(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def charts(at):
    return at.get("vega_lite_chart")


def test_default_view():
    at = run()
    assert not at.exception
    assert at.title[0].value == "Fixed-size memory"
    assert not at.error and not at.warning
    assert len(charts(at)) == 10      # two trajectories, heatmap over metrics, sensitivity, probe, probe vs N,
    #                                   seq2seq: accuracy ×2, alignment ×2
    text = notices(at)
    assert "carries **128 numbers** (h and c)" in text and "T × d" in text
    assert "linear probe falls to near chance" in text and "N = 16 to N = 256" in text
    assert at.slider(key="m_t").value == at.slider(key="m_t").max


def test_typed_text_changes_the_output_and_the_scrubber_moves_the_step():
    at = run(**SMALL)
    before = notices(at)
    at.text_area(key="m_text").input("to be or not to be").run()
    assert not at.exception and not at.error
    after = notices(at)
    assert after != before and "for these 18 tokens" in after
    at.slider(key="m_t").set_value(3).run()
    assert "At step 3 (‘␣’)" in notices(at)


@pytest.mark.parametrize("text, message", [
    ("x" * (MEMORY.max_tokens + 1), f"limit is {MEMORY.max_tokens} tokens"),
    ("", "empty"),
    ("   \n  ", "only whitespace"),
])
def test_bad_text_gets_a_clear_message_and_the_probes_still_show(text, message):
    at = run(**SMALL)
    at.text_area(key="m_text").input(text).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert len(charts(at)) == 7       # the forgetting and seq2seq sections do not depend on the text


@pytest.mark.parametrize("text, token_count", [("🙂👍🏽👨‍👩‍👧 ok", 6), ("שלום עולם", 9), ("مرحبا بالعالم", 13)])
def test_emoji_and_right_to_left_text_work(text, token_count):
    at = run(**SMALL)
    at.text_area(key="m_text").input(text).run()
    assert not at.exception and not at.error
    assert f"for these {token_count} tokens" in notices(at)


def test_words_and_synthetic_inputs():
    at = run(m_tok="words", m_text="one two three, four", **SMALL)
    assert not at.exception and "for these 5 tokens" in notices(at)
    at = run(m_src="synthetic", m_T=30, m_cell="gru", **SMALL)
    assert not at.exception and "The GRU carries **16 numbers**" in notices(at)


def test_tampered_link_values_get_messages_not_tracebacks():
    at = run(m_N="abc", m_cell="transformer", m_t="9999", m_rho="nan", m_q="zz", m_K=4)
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    for fragment in ("“abc”", "“transformer”", "“9999”", "“nan”", "“zz”"):
        assert fragment in warnings, fragment
    assert at.selectbox(key="m_cell").value == "lstm"


def test_overlong_text_in_the_link_is_cut_with_a_message():
    at = run(m_text="ab" * MEMORY.max_chars, **SMALL)
    assert not at.exception
    assert any("cut to the limit" in w.value for w in at.warning)
    assert any("limit is" in e.value for e in at.error)


def test_the_overview_shows_what_this_page_measured():
    at = run(**SMALL)
    at.switch_page("chapters/overview.py").run()
    table = at.dataframe[0].value
    row = table[table["property"] == "Long-range dependencies"]
    text = row["measured"].item()
    assert text.startswith("probe reads k steps back up to: RNN ") and "attention" in text and "N = 16" in text


def test_seq2seq_section_renders_and_refuses_a_bad_sequence():
    at = run(m2_seq="1 2 3 4 5 6 7 8 9 0", **SMALL)
    assert not at.exception and not at.error
    assert any(h.value.startswith("Squeezed into one vector") for h in at.header)
    text = notices(at)
    assert "The plain decoder's exact match falls below 50% at n = " in text
    assert "Your 10 digits reversed are 0987654321" in text
    at.text_input(key="m2_seq").input("12x4").run()
    assert not at.exception
    assert any("'x' is not a digit" in e.value for e in at.error)
    at.text_input(key="m2_seq").input("1" * 31).run()
    assert any("between 1 and 30" in e.value for e in at.error)
